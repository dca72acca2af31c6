//! Exchange 5.5 mailboxes leaving by export and import (R33, seed 002): an `exmerge` block
//! names a server of a version the target cannot coexist with (the target spec's
//! `export_import`). That server no longer blocks the plan (E0303): its mailboxes are exported
//! with ExMerge on the 5.5 side, the runbook removes it, the Site Replication Service and the
//! Active Directory Connector and switches the organization to native mode before script 01
//! (R43, whose check E0320 still applies to `organization`), and the PST files are imported with
//! `Import-Mailbox` (E0371 below its minimum level). Every value the ExMerge `.cmd` and `.ini`
//! files carry is checked here (E0604). Also R32: no Edge while a relay stays in the DMZ (W0430).

use super::{Builder, Cx};
use crate::diag::{Code, Diagnostic};
use crate::escape;
use crate::ir;
use crate::source::Span;
use crate::syntax::ast;

/// Whether `name` is a server of a blocked version that an `exmerge` block exports: it is
/// left out of the IR's servers (it is gone before the first script runs).
pub(super) fn exported(plan: &ast::Plan, b: &Builder<'_, '_, '_>, name: &ast::Text) -> bool {
    let Some(ei) = &b.versions.spec.export_import else {
        return false;
    };
    let Some(level) = b.versions.servers.get(&name.to_lowercase()) else {
        return false;
    };
    ei.from.contains(&level.version) && names_exmerge(plan, &name.node)
}

/// Whether the plan has an `exmerge from NAME` block.
pub(crate) fn names_exmerge(plan: &ast::Plan, name: &str) -> bool {
    plan.items.iter().any(
        |i| matches!(&i.kind, ast::ItemKind::ExMerge(x) if x.from.node.eq_ignore_ascii_case(name)),
    )
}

pub(super) fn exmerge(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    x: &ast::ExMerge,
    span: Span,
    out: &mut ir::Plan,
) {
    let spec = b.versions.spec;
    let target = &b.versions.target;
    let Some(ei) = &spec.export_import else {
        cx.not_generated(
            x.from.span,
            &format!("an ExMerge export in an Exchange {} plan", target.version),
        );
        return;
    };
    let Some(server) = b.server(cx, &x.from) else {
        return;
    };
    if server.new || !ei.from.contains(&server.version) {
        cx.report(
            Diagnostic::new(
                Code::E0370,
                x.from.span,
                format!(
                    "`exmerge` names `{}`, which is not an existing Exchange {} server",
                    server.name,
                    ei.from.join("/")
                ),
            )
            .with_label(format!("Exchange {}", server.version))
            .with_related(server.server.name.span, "declared here")
            .with_help(format!(
                "ExMerge is the route only for servers Exchange {} cannot coexist with ({}); move the mailboxes of other servers with `move mailboxes to DATABASE {{ from server {} }}`",
                target.version, ei.source, server.name
            )),
        );
        return;
    }
    if out.exmerge.iter().any(|e| e.server == server.name) {
        cx.report(
            Diagnostic::new(
                Code::E0108,
                x.from.span,
                format!("`exmerge from {}` is given twice", server.name),
            )
            .with_label("second export")
            .with_help("keep one `exmerge` block per server"),
        );
        return;
    }
    if target.level < ei.import_minimum {
        cx.report(
            Diagnostic::new(
                Code::E0371,
                x.from.span,
                format!(
                    "the PST files are imported with Import-Mailbox, which Exchange {} {} does not have",
                    target.version, target.level
                ),
            )
            .with_label(format!("imported into Exchange {} {}", target.version, target.level))
            .with_help(format!(
                "target Exchange {} {} or later (`target exchange {} {}`): Import-Mailbox exists from that level ({})",
                target.version,
                ei.import_minimum,
                target.version,
                ei.import_minimum.to_string().to_lowercase(),
                ei.source
            )),
        );
    }
    let mut ok = representable(cx, x.from.span, &server.name, "the server's name");
    let Some(folder) = &x.pst_folder else {
        return;
    };
    ok &= representable(cx, folder.span, &folder.node, "the PST folder");
    if !is_unc(&folder.node) {
        cx.report(
            Diagnostic::new(
                Code::E0372,
                folder.span,
                format!("the PST folder `{}` is not a UNC path", folder.node),
            )
            .with_label("not \\\\server\\share")
            .with_help(
                "name a share both the Exchange 5.5 side and the import computer reach, such as `pst-folder \"\\\\fs01\\pst\"`",
            ),
        );
        ok = false;
    }
    if !ok {
        return;
    }
    let data_directory = format!("{}\\{}", folder.node.trim_end_matches('\\'), server.name);
    out.exmerge.push(ir::ExMerge {
        server: server.name,
        version: server.version,
        pst_folder: folder.node.clone(),
        data_directory,
        origin: cx.origin(span),
    });
}

/// `\\server\share[\...]`: a server name and a share name after the two backslashes.
fn is_unc(path: &str) -> bool {
    let Some(rest) = path.strip_prefix(r"\\") else {
        return false;
    };
    let mut parts = rest.split('\\');
    let server = parts.next().unwrap_or("");
    let share = parts.next().unwrap_or("");
    !server.is_empty() && !share.is_empty() && !server.contains(['/', ':'])
}

/// A value of the ExMerge `.cmd` and `.ini` files: printable ASCII with nothing cmd acts on
/// (E0604).
fn representable(cx: &mut Cx<'_>, span: Span, value: &str, what: &str) -> bool {
    let result = escape::cmd_value(value).and_then(|()| escape::ini_value(value).map(drop));
    match result {
        Ok(_) => true,
        Err(e) => {
            cx.report(
                Diagnostic::new(
                    Code::E0604,
                    span,
                    format!("{what} cannot be written in the ExMerge .cmd and .ini files"),
                )
                .with_label(e.to_string())
                .with_help(
                    "use only printable ASCII without `%`, `!`, `\"`, `&`, `|`, `<`, `>`, `^`, `(` or `)` here: cmd reads .cmd files in the OEM code page and acts on these characters, and ExMerge reads its .ini in the ANSI code page",
                ),
            );
            false
        }
    }
}

/// R32 (seed 002): while an SMTP relay stays in the DMZ in front of the organization, no Edge
/// Transport server is deployed; inbound mail goes from the relay to the Hub Transport servers.
pub(super) fn dmz_relay(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan) {
    let Some(gateway) = plan.items.iter().find_map(|i| match &i.kind {
        ast::ItemKind::MailFlow(m) => match &m.inbound {
            Some(ast::Inbound::Gateway(host)) => Some(host),
            _ => None,
        },
        _ => None,
    }) else {
        return;
    };
    let edge = b.symbols.servers.values().find_map(|s| {
        s.server
            .roles
            .iter()
            .find(|r| r.eq_ignore_ascii_case("edge"))
            .map(|r| (s.server, r.span))
    });
    let Some((server, role)) = edge else {
        return;
    };
    cx.report(
        Diagnostic::new(
            Code::W0430,
            role,
            format!(
                "Edge Transport server `{}` in a plan whose inbound mail comes through the relay `{}`",
                server.name.node, gateway.node
            ),
        )
        .with_label("Edge Transport")
        .with_related(gateway.span, "the relay stays in front")
        .with_help(
            "while a relay stays in the DMZ, deploy no Edge Transport server (R32): the runbook points the relay at the Hub Transport servers; remove the Edge server from the plan, or replace the relay with it and drop `inbound gateway`",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::is_unc;

    #[test]
    fn pst_folders_are_unc_paths() {
        assert!(is_unc(r"\\fs01\pst"));
        assert!(is_unc(r"\\fs01\pst\wave 1\"));
        assert!(!is_unc(r"D:\pst"));
        assert!(!is_unc(r"\\fs01"));
        assert!(!is_unc(r"\\fs01\"));
        assert!(!is_unc(r"\\\pst"));
    }
}
