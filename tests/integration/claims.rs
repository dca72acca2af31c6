//! What exgen says about its scripts, checked against the scripts themselves: the runbook's
//! "Interactive:" notes against the prompts in each script, and the move statuses the clear
//! scripts clear against those the status scripts count as completed.

use crate::common;
use exgen::output::OutputFile;

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

/// Point m1 of the consultant review: the status scripts count CompletedWithWarning as
/// completed, so every script that clears move requests clears those too (facts §6.1: until
/// cleared, a 2010 mailbox stays flagged as moving), on every version with move requests.
#[test]
fn clearing_moves_clears_every_status_the_status_script_counts_as_completed() {
    let mut clear_scripts = 0;
    for path in common::good_plans() {
        for file in common::compile_ok(&path) {
            if !file.contents.contains("Remove-MoveRequest ") {
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
