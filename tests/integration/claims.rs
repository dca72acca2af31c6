//! What exgen says about its scripts, checked against the scripts themselves: the runbook's
//! "Interactive:" notes against the prompts in each script, the move statuses the clear
//! scripts clear against those the status scripts count as completed, and what the organization
//! model believes a step does (a certificate on a server, a member leaving its DAG only when its
//! databases are empty) against what its script does.

use crate::common::{self, load};
use exgen::ir::state::Effect;
use exgen::output::OutputFile;
use exgen::specs::Specs;

/// What a script (or a `.cmd` file it comes with) prompts with: a `Read-Host` (a password, or
/// a PowerShell 1.0 confirmation), `Get-Credential`, `ShouldContinue` (a confirmation unless
/// `-Force`), or `schtasks /create` with a run-as account (it asks for the password).
fn prompts(text: &str) -> bool {
    [
        "Read-Host",
        "Get-Credential",
        "ShouldContinue(",
        "PromptFor",
    ]
    .iter()
    .any(|p| text.contains(p))
        || (text.contains("schtasks /create") && text.contains(" /ru "))
}

/// The runbook section of each script: its file name and the text up to the next section.
fn sections(runbook: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in runbook.lines() {
        if line.starts_with("## ") {
            if let Some(file) = line
                .rsplit_once(": `")
                .and_then(|(_, f)| f.strip_suffix('`'))
            {
                out.push((file.to_owned(), String::new()));
                continue;
            }
            out.push((String::new(), String::new()));
        }
        if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out.retain(|(file, _)| !file.is_empty());
    out
}

/// The text of a script and of the `.cmd` files that come with it (`NN-phase-*.cmd`).
fn script_and_companions(files: &[OutputFile], script: &str) -> String {
    let stem = script.trim_end_matches(".ps1");
    files
        .iter()
        .filter(|f| {
            f.path == script
                || (f.path.ends_with(".cmd") && f.path.starts_with(&format!("{stem}-")))
        })
        .map(|f| f.contents.as_str())
        .collect()
}

/// Point m2 of the consultant review: a runbook entry says "Interactive:" exactly when its
/// script can stop to ask something. Every step kind declares what it asks for
/// (`Declares::asks_for`, per kind); a kind that shares its context with others must not
/// inherit their prompts (adding legacy public folder replicas never asks, removing them does).
#[test]
fn the_runbook_calls_interactive_exactly_the_scripts_that_prompt() {
    let mut wrong = Vec::new();
    let mut interactive = 0;
    for path in common::good_plans() {
        let files = common::compile_ok(&path);
        let runbook = &files
            .iter()
            .find(|f| f.path == "runbook.md")
            .expect("a runbook")
            .contents;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (file, section) in sections(runbook) {
            let says = section.contains("\nInteractive: ");
            let does = prompts(&script_and_companions(&files, &file));
            interactive += usize::from(says);
            if says != does {
                wrong.push(format!(
                    "{name}: {file}: the runbook {} it interactive, the script {}",
                    if says { "calls" } else { "does not call" },
                    if does { "prompts" } else { "never prompts" }
                ));
            }
        }
    }
    assert!(interactive > 20, "only {interactive} interactive scripts");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The `-MoveStatus` values a script's `Get-MoveRequest` calls filter on.
fn move_statuses(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("Get-MoveRequest "))
        .filter_map(|l| l.split_once("-MoveStatus ").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Whether `text` runs `cmdlet`: named outside a single-quoted string (a message that tells
/// the operator to run it is not a call).
fn calls(text: &str, cmdlet: &str) -> bool {
    text.lines().any(|line| {
        line.match_indices(cmdlet)
            .any(|(at, _)| line[..at].matches('\'').count() % 2 == 0)
    })
}

/// Point m1 of the consultant review: the status scripts count CompletedWithWarning as
/// completed, so every script that clears move requests clears those too (facts §6.1: until
/// cleared, a 2010 mailbox stays flagged as moving), on every version with move requests.
#[test]
fn clearing_moves_clears_every_status_the_status_script_counts_as_completed() {
    let mut clear_scripts = 0;
    for path in common::good_plans() {
        for file in common::compile_ok(&path) {
            if !calls(&file.contents, "Remove-MoveRequest ") {
                continue;
            }
            clear_scripts += 1;
            let statuses = move_statuses(&file.contents);
            for status in ["Completed", "CompletedWithWarning"] {
                assert!(
                    statuses.contains(&status),
                    "{}: {} clears no {status} move request (it reads {statuses:?})",
                    path.display(),
                    file.path
                );
            }
        }
    }
    assert!(
        clear_scripts > 10,
        "only {clear_scripts} scripts clear moves"
    );
}

/// Whether `text` runs `cmdlet` on `server`: with `-Server 'SERVER'`, or without `-Server` in a
/// script that runs on that server (Exchange 2007's certificate cmdlets are local).
fn acts_on(text: &str, cmdlet: &str, server: &str, run_on: Option<&str>) -> bool {
    let named = format!("-Server '{server}'");
    text.lines().filter(|l| l.contains(cmdlet)).any(|l| {
        l.contains(&named)
            || (!l.contains("-Server ") && run_on.is_some_and(|r| r.eq_ignore_ascii_case(server)))
    })
}

/// Point M5 of the consultant review: the model believed the 2007 installation script put the
/// certificate on every server of its version, while the script only printed a hint for the
/// others, so the names moved to a server with its self-signed certificate. Every certificate
/// a step's effects bind to a server must be imported and enabled there by that step's script
/// (certificates the runbook has installed by hand excepted).
#[test]
fn every_certificate_the_model_believes_in_is_installed_by_its_script() {
    let specs = Specs::embedded();
    let mut checked_claims = 0;
    let mut missing = Vec::new();
    for path in common::good_plans() {
        let (file, _, loader) = load(&path);
        let (checked, _) = exgen::check(&file, &loader);
        let checked = checked.expect("a good plan checks");
        let files = exgen::lower::lower(&checked.plan, &checked.schedule, &checked.states, specs)
            .expect("a good plan lowers");
        let scripts: Vec<&OutputFile> = files.iter().filter(|f| f.path.ends_with(".ps1")).collect();
        assert_eq!(
            scripts.len(),
            checked.schedule.scripts.len(),
            "{}",
            path.display()
        );
        for (script, file) in checked.schedule.scripts.iter().zip(scripts) {
            for step in &script.steps {
                for effect in step.context.declares().effects(step.kind()) {
                    let Effect::Certificate {
                        certificate,
                        server,
                        ..
                    } = effect
                    else {
                        continue;
                    };
                    if certificate.ends_with("(by hand)") {
                        continue;
                    }
                    checked_claims += 1;
                    let run_on = script.run_on.as_deref();
                    for cmdlet in ["Import-ExchangeCertificate", "Enable-ExchangeCertificate"] {
                        if !acts_on(&file.contents, cmdlet, &server, run_on) {
                            missing.push(format!(
                                "{}: {} ({}) claims {certificate} on {server}, but runs no {cmdlet} there",
                                path.display(),
                                file.path,
                                step.kind()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        checked_claims > 50,
        "only {checked_claims} certificates checked"
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// A plan whose existing DAG of `source` (two members, both decommissioned) meets a `target`.
fn existing_dag_plan(source: (&str, &str, &str, &str), target: (&str, &str, &str)) -> String {
    let (version, level, os, roles) = source;
    let (t_version, t_level, t_os) = target;
    format!(
        r#"plan "Existing DAG" {{
  organization "Contoso"
  target exchange {t_version} {t_level}
  media "\\fs01\media\Exchange"
  forest "contoso.com" {{ functional-level 2016; domain "contoso.com" }}
  namespaces {{ primary "mail.contoso.com"; autodiscover "autodiscover.contoso.com" }}
  site "HQ" internet-facing {{
    server OLDA {{ exchange {version} {level}; os "{os}"; roles {roles}; cluster dag "DAGOLD" }}
    server OLDB {{ exchange {version} {level}; os "{os}"; roles {roles}; cluster dag "DAGOLD" }}
    server NEW {{ exchange {t_version} {t_level}; os "{t_os}"; roles mailbox; new }}
  }}
  dag "DAGOLD" {{ witness FS01 "C:\DAGOLD"; ip 10.0.0.9 }}
  database NEWDB on NEW
  certificate on NEW {{ names primary autodiscover }}
  move mailboxes to NEWDB {{ batch "All"; from server OLDA; from server OLDB }}
  decommission OLDA OLDB
}}
"#
    )
}

/// The `dag_leave` scripts of the test plan with a 2010 DAG and of generated plans with a 2013
/// and a 2016 DAG (the 2010 template serves them through the template fallbacks), with the
/// mailbox kinds of the DAG's version.
fn dag_leave_scripts() -> Vec<(String, String, Vec<exgen::exchange::MailboxKind>)> {
    let specs = Specs::embedded();
    let mut plans = vec![(
        "existing-dag-2010-to-2013.exm".to_owned(),
        std::fs::read_to_string(
            common::root().join("tests/plans/ok/existing-dag-2010-to-2013.exm"),
        )
        .expect("the plan"),
    )];
    for (source, target) in [
        (
            ("2013", "cu23", "Windows Server 2012 R2", "cas mailbox"),
            ("2016", "cu23", "Windows Server 2016"),
        ),
        (
            ("2016", "cu23", "Windows Server 2016", "mailbox"),
            ("2019", "cu14", "Windows Server 2022"),
        ),
    ] {
        plans.push((
            format!("existing DAG of {} under {}", source.0, target.0),
            existing_dag_plan(source, target),
        ));
    }
    let mut out = Vec::new();
    for (name, text) in plans {
        let (file, _) = exgen::source::SourceFile::from_bytes(name.clone(), text.as_bytes());
        let (files, diags) = exgen::compile(&file, &common::DirLoader(common::root()));
        let files = files.unwrap_or_else(|| {
            panic!(
                "{name}:\n{}",
                exgen::diag::render::terminal(&file, &diags, false)
            )
        });
        let script = files
            .into_iter()
            .find(|f| f.path.contains("-dag-leave"))
            .unwrap_or_else(|| panic!("{name}: no dag-leave script"));
        let version = script
            .contents
            .lines()
            .find_map(|l| l.strip_prefix("# Exchange: "))
            .expect("an Exchange header")
            .to_owned();
        let kinds = specs.get(&version).expect("a spec").mailbox_kinds.clone();
        out.push((format!("{name}: {}", script.path), script.contents, kinds));
    }
    out
}

/// Point m5 of the consultant review: a member leaves its DAG only once the databases active on
/// it (which leave with it) hold no mailbox of any kind its version has, checked before anything
/// is removed; the DAG is looked up so that a run after it is gone does not throw; and the DAG
/// is removed only after reading its members again, once none is left (not after a declined
/// removal of the last one).
#[test]
fn leaving_a_dag_checks_first_is_safe_to_rerun_and_removes_the_dag_only_when_empty() {
    use exgen::exchange::MailboxKind;
    for (name, text, kinds) in dag_leave_scripts() {
        let lines: Vec<&str> = text.lines().collect();
        let first = |what: &str| lines.iter().position(|l| l.contains(what));
        let last = |what: &str| lines.iter().rposition(|l| l.contains(what));
        let removal = first("Remove-MailboxDatabaseCopy ").expect("copies are removed");
        for (kind, check) in [
            (
                MailboxKind::User,
                "Get-Mailbox -Database $database -ResultSize 1",
            ),
            (
                MailboxKind::Arbitration,
                "Get-Mailbox -Arbitration -Database $database",
            ),
            (
                MailboxKind::AuditLog,
                "Get-Mailbox -AuditLog -Database $database",
            ),
            (
                MailboxKind::PublicFolder,
                "Get-Mailbox -PublicFolder -Database $database",
            ),
            (MailboxKind::Archive, "IsArchiveMailbox"),
        ] {
            if kinds.contains(&kind) {
                let at = first(check).unwrap_or_else(|| panic!("{name}: no check of {kind:?}"));
                assert!(at < removal, "{name}: {kind:?} checked after a removal");
            }
        }
        let refusal = lines[..removal]
            .iter()
            .any(|l| l.trim_start().starts_with("throw"));
        assert!(refusal, "{name}: nothing refuses before the first removal");
        assert!(
            !text.contains("Get-DatabaseAvailabilityGroup -Identity"),
            "{name}: looking the DAG up by -Identity throws once it is removed"
        );
        let Some(remove_dag) = first("Remove-DatabaseAvailabilityGroup ") else {
            continue;
        };
        let left = last("Remove-DatabaseAvailabilityGroupServer ").expect("a member leaves");
        let reread = lines[left..remove_dag]
            .iter()
            .any(|l| l.contains("Get-DatabaseAvailabilityGroup"));
        let members = lines[left..remove_dag]
            .iter()
            .any(|l| l.contains("$members.Count -gt 0"));
        assert!(
            reread && members,
            "{name}: the DAG is removed without reading again that no member is left"
        );
    }
}
