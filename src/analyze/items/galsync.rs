//! GALSync: the provisioning script that finishes the recipients GALSync creates (R22, R29) and
//! the scheduled task that runs it at least daily in the Exchange shell (R30).
//!
//! The task runs on a server of the target version (the version that manages the organization
//! once the migration is done), so its script runs in that version's shell and its `schtasks`
//! syntax follows that server's operating system. Every plan value the task's `.cmd` files
//! and its command line carry is checked here for anything cmd acts on
//! ([`escape::cmd_value`]), so such a value is a diagnostic (E0604), never a different file or
//! a task that runs something else.

use super::Builder;
use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::escape;
use crate::ir;
use crate::source::Span;
use crate::syntax::{ast, values};

pub(super) fn galsync(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    g: &ast::GalSync,
    item: &ast::Item,
    out: &mut ir::Plan,
) {
    if !out.galsync.is_empty() {
        cx.not_generated(
            item.keyword,
            "a second `galsync` block (one provisioning script and task per plan)",
        );
        return;
    }
    let mut ok = true;
    let ou = ou(cx, &g.ou);
    let update = update(cx, g);
    ok &= ou.is_some() && update.is_some();
    let server = task_server(cx, b, &out.install_order);
    let schedule = g.schedule.as_ref().and_then(|s| schedule(cx, s));
    if g.schedule.is_none() {
        cx.report(
            Diagnostic::new(Code::E0109, g.ou.span, "the GALSync block has no `schedule`")
                .with_label("when does the provisioning script run?")
                .with_help(
                    "add `schedule daily at 02:00 as \"d:\\scripts\\MyScript.ps1\" run-as \"DOMAIN\\account\"`: \
                     the script must run at least once a day (R30)",
                ),
        );
    }
    let (Some(ou), Some(update), Some((server, version, os)), Some(schedule), true) =
        (ou, update, server, schedule, ok)
    else {
        return;
    };
    let list = |key: &str| -> Vec<String> {
        g.specific
            .iter()
            .filter(|(k, _)| k.node == key)
            .map(|(_, v)| v.node.clone())
            .collect()
    };
    out.galsync.push(ir::GalSync {
        ou,
        update,
        email_address_policies: list("email-address-policy"),
        address_lists: list("address-list"),
        global_address_lists: list("global-address-list"),
        server,
        version,
        os,
        schedule,
        origin: cx.origin(item.span),
    });
}

/// R22: the FromMIIS OU by its distinguished name (a bare `FromMIIS` is ambiguous: every
/// domain may have one, and `-OrganizationalUnit` would match any of them).
fn ou(cx: &mut Cx<'_>, ou: &ast::Text) -> Option<String> {
    let parts: Vec<&str> = ou.split(',').map(str::trim).collect();
    let is_rdn = |p: &&str, kind: &str| {
        p.split_once('=')
            .is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case(kind) && !v.trim().is_empty())
    };
    let dn = parts.first().is_some_and(|p| is_rdn(p, "OU"))
        && parts.iter().any(|p| is_rdn(p, "DC"))
        && parts.iter().all(|p| p.contains('='));
    if dn {
        return Some(ou.node.clone());
    }
    cx.report(
        Diagnostic::new(
            Code::E0605,
            ou.span,
            format!(
                "the GALSync organizational unit `{}` is not an OU in a domain",
                ou.node
            ),
        )
        .with_label("which OU, in which domain?")
        .with_help("name the OU by its full path, such as \"OU=FromMIIS,DC=contoso,DC=com\" (R22)"),
    );
    None
}

/// R29: what the script updates.
fn update(cx: &mut Cx<'_>, g: &ast::GalSync) -> Option<String> {
    let Some(update) = &g.update else {
        cx.report(
            Diagnostic::new(Code::E0109, g.ou.span, "the GALSync block has no `update`")
                .with_label("what does the provisioning script update?")
                .with_help(
                    "add `update all`, `update contacts` or `update specific` with the names to update (R29)",
                ),
        );
        return None;
    };
    let word = update.to_lowercase();
    if word == "specific" && g.specific.is_empty() {
        cx.report(
            Diagnostic::new(
                Code::E0606,
                update.span,
                "`update specific` names nothing to update",
            )
            .with_label("update which?")
            .with_help(
                "add `email-address-policy \"...\"`, `address-list \"...\"` or `global-address-list \"...\"` lines",
            ),
        );
        return None;
    }
    if word != "specific"
        && let Some((key, _)) = g.specific.first()
    {
        cx.report(
            Diagnostic::new(
                Code::E0606,
                key.span,
                format!("`{}` is only read with `update specific`", key.node),
            )
            .with_label("ignored by this scope")
            .with_related(update.span, format!("the script updates `{word}`"))
            .with_help(format!(
                "write `update specific` to update only the named ones, or remove the `{}` lines",
                key.node
            )),
        );
        return None;
    }
    Some(word)
}

/// The server whose task runs the script: the first new server of the target version in
/// install order, else the first declared server of that version (a plan always has a new
/// one, E0310). Its OS picks the `schtasks`
/// syntax, so it must be known.
fn task_server(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    install_order: &[String],
) -> Option<(String, String, String)> {
    let target = &b.versions.target.version;
    let of_target = |name: &str| b.lookup_server(name).filter(|r| &r.version == target);
    let chosen = install_order
        .iter()
        .find_map(|name| of_target(name))
        .or_else(|| {
            b.symbols
                .servers
                .values()
                .filter_map(|s| of_target(&s.server.name.node))
                .next()
        });
    // A plan without a new server of the target version is E0310 already.
    let server = chosen?;
    let Some(os) = &server.server.os else {
        cx.report(
            Diagnostic::new(
                Code::E0109,
                server.server.name.span,
                format!("`{}` runs the GALSync task but has no `os`", server.name),
            )
            .with_label("the scheduled task's syntax depends on Windows")
            .with_help("add `os \"Windows Server 2008 R2\"` (its operating system) to the server"),
        );
        return None;
    };
    if let Err(e) = escape::cmd_value(&server.name) {
        cx.report(unrepresentable(
            server.server.name.span,
            &e,
            "the server name",
        ));
        return None;
    }
    Some((server.name, server.version, os.node.clone()))
}

fn schedule(cx: &mut Cx<'_>, s: &ast::Schedule) -> Option<ir::GalSyncSchedule> {
    let every = s.every.to_lowercase();
    if every == "weekly" {
        cx.report(
            Diagnostic::new(
                Code::W0402,
                s.every.span,
                "the GALSync script runs only once a week",
            )
            .with_label("less often than daily")
            .with_help(
                "schedule it `daily` (or `hourly`): recipients GALSync creates stay incomplete until it runs (R30)",
            ),
        );
    }
    let mut ok = true;
    let at = match &s.at {
        Some(at) => {
            // The syntax stage has checked the time (E0123); this keeps the analysis total.
            match values::time_of_day(at) {
                Ok((h, m)) => Some(format!("{h:02}:{m:02}")),
                Err(reason) => {
                    cx.report(
                        Diagnostic::new(
                            Code::E0123,
                            at.span,
                            format!("`{}` is not a time of day", at.node),
                        )
                        .with_label(reason)
                        .with_help("write the start time in 24-hour form, such as `at 02:00`"),
                    );
                    None
                }
            }
        }
        None => {
            cx.report(
                Diagnostic::new(Code::E0109, s.every.span, "the schedule has no start time")
                    .with_label("when does the task start?")
                    .with_help("add `at 02:00` (24-hour time, the server's local time)"),
            );
            None
        }
    };
    let script_path = match &s.script_path {
        Some(path) if !is_absolute_ps1(path) => {
            cx.report(
                Diagnostic::new(
                    Code::E0607,
                    path.span,
                    format!("`{}` is not the full path of a .ps1 file", path.node),
                )
                .with_label("the task runs this file")
                .with_help(
                    "give the full path on the server, such as \"d:\\scripts\\MyScript.ps1\"",
                ),
            );
            None
        }
        Some(path) => {
            if let Err(e) = escape::cmd_value(&path.node) {
                cx.report(unrepresentable(path.span, &e, "the script path"));
                ok = false;
            }
            Some(path.node.clone())
        }
        None => {
            cx.report(
                Diagnostic::new(
                    Code::E0109,
                    s.every.span,
                    "the schedule does not say where the script is installed",
                )
                .with_label("which file does the task run?")
                .with_help("add `as \"d:\\scripts\\MyScript.ps1\"`: the runbook copies the generated script there"),
            );
            None
        }
    };
    let run_as = s
        .run_as
        .as_ref()
        .and_then(|r| match escape::cmd_value(&r.node) {
            Ok(()) => Some(r.node.clone()),
            Err(e) => {
                cx.report(unrepresentable(r.span, &e, "the run-as account"));
                None
            }
        });
    ok.then_some(())?;
    Some(ir::GalSyncSchedule {
        every,
        at: at?,
        script_path: script_path?,
        run_as: run_as?,
        origin: cx.origin(s.span),
    })
}

/// `X:\...\name.ps1` or `\\server\share\...\name.ps1`.
fn is_absolute_ps1(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive =
        bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\';
    let unc = path.starts_with("\\\\") && path[2..].contains('\\');
    let name = path.rsplit('\\').next().unwrap_or("");
    (drive || unc)
        && name.len() > 4
        && name.to_ascii_lowercase().ends_with(".ps1")
        && !path.contains(['/', '*', '?', '<', '>', '|'])
}

fn unrepresentable(span: Span, e: &escape::EscapeError, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0604,
        span,
        format!("{what} cannot be written in the scheduled task's .cmd file"),
    )
    .with_label(e.to_string())
    .with_help(
        "use only printable ASCII without `%`, `!`, `\"`, `&`, `|`, `<`, `>`, `^`, `(` or `)` here: cmd and Task Scheduler parse the value again when the task runs, where these characters act (rename the folder, or install the script in another)",
    )
}

#[cfg(test)]
mod tests {
    use super::is_absolute_ps1;

    #[test]
    fn script_paths_are_absolute_ps1_files() {
        assert!(is_absolute_ps1(r"d:\scripts\MyScript.ps1"));
        assert!(is_absolute_ps1(r"\\fs01\scripts\galsync.PS1"));
        assert!(!is_absolute_ps1(r"MyScript.ps1"));
        assert!(!is_absolute_ps1(r"d:\scripts\"));
        assert!(!is_absolute_ps1(r"d:\scripts\x.cmd"));
        assert!(!is_absolute_ps1(r"d:\scripts\.ps1"));
        assert!(!is_absolute_ps1(r"d:/scripts/x.ps1"));
    }
}
