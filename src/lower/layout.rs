//! The output folder's file names: scripts numbered in execution order, ExMerge export files.
//! Lowering chooses every name here; analysis never names an output file.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir;
use crate::ir::steps::{Schedule, ScheduledScript, Shell, Step, StepKind};
use crate::output;
use crate::source::Span;
use crate::specs::Specs;
use serde::Serialize;

/// One generated script: a scheduled script with its number and file name.
#[derive(Debug, Clone, Serialize)]
pub struct Script<'a> {
    /// Position in execution order, from 1.
    pub number: usize,
    /// File name: `05-client-access.ps1`.
    pub file: String,
    /// Phase id from the spec.
    pub phase: &'a str,
    /// Phase title.
    pub title: &'a str,
    /// The shell that runs it.
    pub shell: &'a Shell,
    /// The server it must run on, if any.
    pub run_on: Option<&'a str>,
    /// The PowerShell level the script needs when above its shell's own. The header names it
    /// and the skeleton guards it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<&'a str>,
    /// Its steps, in order.
    #[serde(skip)]
    pub steps: &'a [Step],
}

/// Where the runbook puts what is not a script: the state after each script (the last of its
/// phase), and the plan's manual steps.
pub struct Marks<'a> {
    /// For each script, the index into the states of the state after it, when it is the last
    /// script of its phase (`states[0]` is before the first phase).
    pub state_after: Vec<Option<usize>>,
    /// For each script, the plan's manual steps that follow it.
    pub manual: Vec<Vec<&'a ir::ManualStep>>,
    /// Manual steps with no phase, or whose phase and every earlier one has no script: at the
    /// end.
    pub at_end: Vec<&'a ir::ManualStep>,
}

/// The [`Marks`] of `scripts`. A manual step follows the last script of its phase or, when that
/// phase has no script in this plan, the last script of an earlier phase.
pub fn marks<'a>(plan: &'a ir::Plan, specs: &Specs, scripts: &[Script<'_>]) -> Marks<'a> {
    let phase_rank = |id: &str| {
        specs
            .get(&plan.target.version)
            .and_then(|t| t.phases.iter().position(|p| p.id == id))
    };
    let home = |m: &ir::ManualStep| -> Option<usize> {
        let rank = phase_rank(m.after.as_deref()?)?;
        scripts
            .iter()
            .rposition(|s| phase_rank(s.phase).is_some_and(|r| r <= rank))
    };
    let mut manual = vec![Vec::new(); scripts.len()];
    let mut at_end = Vec::new();
    for m in &plan.manual {
        match home(m) {
            Some(i) if m.after.is_some() => manual[i].push(m),
            _ => at_end.push(m),
        }
    }
    let mut phase = 0;
    let state_after = scripts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let last_of_phase = scripts.get(i + 1).is_none_or(|n| n.phase != s.phase);
            last_of_phase.then(|| {
                phase += 1;
                phase
            })
        })
        .collect();
    Marks {
        state_after,
        manual,
        at_end,
    }
}

/// Numbers the scripts 01, 02, ... and names each after its phase, plus its server (a phase
/// run on each server) or, when one phase needs several shells, its shell's version.
pub fn scripts(schedule: &Schedule) -> Vec<Script<'_>> {
    let all = &schedule.scripts;
    all.iter()
        .enumerate()
        .map(|(i, s)| {
            let number = i + 1;
            let several_shells = all.iter().any(|o| o.phase == s.phase && o.shell != s.shell);
            let name = match &s.run_on {
                Some(server) => format!("{}-{}", s.phase, slug(server)),
                None if several_shells => format!("{}-{}", s.phase, slug(s.shell.version())),
                None => s.phase.clone(),
            };
            script(s, number, format!("{number:02}-{name}.ps1"))
        })
        .collect()
}

fn script(s: &ScheduledScript, number: usize, file: String) -> Script<'_> {
    Script {
        number,
        file,
        phase: &s.phase,
        title: &s.title,
        shell: &s.shell,
        run_on: s.run_on.as_deref(),
        powershell: s.powershell.as_deref(),
        steps: &s.steps,
    }
}

/// The most `mailbox` lines of one batch that its script lists itself. A longer list goes to a
/// CSV file next to the script (`mailboxes-<batch>.csv`), read by the same loop as the plan's
/// own CSV files, so no script grows with the number of mailboxes. Fifty lines still fit on a
/// screen or two of a review, and a pilot batch stays readable in the script; a list longer
/// than that is reviewed as a list (sorted, filtered, compared between waves), and then the
/// script stays the same text for every wave of that size.
pub const INLINE_MAILBOXES_MAX: usize = 50;

/// The files of one move batch in the output folder: the copies of the plan's CSV files, in
/// the batch's order, the CSV of its `mailbox` lines when there are many, and the CSV a
/// migration batch's script writes next to itself at run time.
#[derive(Debug, Clone, Serialize)]
pub struct BatchFiles {
    /// The plan's CSV files, by their own file name (made safe), numbered where two would clash.
    pub csv: Vec<String>,
    /// The `mailbox` lines the script lists itself: all of them up to
    /// [`INLINE_MAILBOXES_MAX`]; above it only those a spreadsheet would read as a formula or
    /// that a CSV line cannot hold ([`crate::escape::csv_field`]).
    pub listed: Vec<String>,
    /// The CSV exgen writes of the other `mailbox` lines, above [`INLINE_MAILBOXES_MAX`].
    pub mailboxes: Option<MailboxesCsv>,
    /// `migration-batch-<batch>.csv`.
    pub migration_csv: String,
}

/// A CSV file exgen writes of a batch's `mailbox` lines: one `EmailAddress` column.
#[derive(Debug, Clone, Serialize)]
pub struct MailboxesCsv {
    /// `mailboxes-<batch>.csv`.
    pub file: String,
    /// Its cells, one per mailbox, in the plan's order, already CSV-escaped.
    #[serde(skip)]
    pub cells: Vec<String>,
    /// Number of data rows.
    pub rows: usize,
    /// Why it exists: the batch has more `mailbox` lines than this ([`INLINE_MAILBOXES_MAX`]).
    pub limit: usize,
}

impl MailboxesCsv {
    /// The header of the file, the column the scripts read.
    pub const COLUMN: &'static str = "EmailAddress";

    /// The file's text (the writer adds the BOM and CRLF line endings).
    #[must_use]
    pub fn contents(&self) -> String {
        let mut text =
            String::with_capacity(self.cells.iter().map(|c| c.len() + 1).sum::<usize>() + 16);
        text.push_str(Self::COLUMN);
        text.push('\n');
        for cell in &self.cells {
            text.push_str(cell);
            text.push('\n');
        }
        text
    }
}

/// Splits a batch's `mailbox` lines between its script and a CSV file named `file` (see
/// [`INLINE_MAILBOXES_MAX`]).
fn split_mailboxes(
    mailboxes: &[String],
    file: impl FnOnce() -> String,
) -> (Vec<String>, Option<MailboxesCsv>) {
    if mailboxes.len() <= INLINE_MAILBOXES_MAX {
        return (mailboxes.to_vec(), None);
    }
    let mut listed = Vec::new();
    let mut cells = Vec::with_capacity(mailboxes.len());
    for mailbox in mailboxes {
        match crate::escape::csv_field(mailbox) {
            Some(cell) => cells.push(cell),
            None => listed.push(mailbox.clone()),
        }
    }
    let csv = (!cells.is_empty()).then(|| MailboxesCsv {
        file: file(),
        rows: cells.len(),
        limit: INLINE_MAILBOXES_MAX,
        cells,
    });
    (listed, csv)
}

/// The names of a batch's files, without their contents.
pub struct BatchNames {
    /// The plan's CSV files, by their own file name (made safe), numbered where two would clash.
    pub csv: Vec<String>,
    /// The CSV exgen writes of the batch's `mailbox` lines, when it writes one.
    pub mailboxes: Option<String>,
    /// `migration-batch-<batch>.csv`.
    pub migration_csv: String,
}

/// The file names of every batch, by batch name (batch names are unique, E0201). Names are
/// compared ignoring case, as Windows does, and never clash with each other. Nothing is
/// escaped or copied: checking the names costs nothing in proportion to the mailboxes.
#[must_use]
pub fn batch_names(plan: &crate::ir::Plan) -> std::collections::BTreeMap<&str, BatchNames> {
    let mut taken: Vec<String> = Vec::new();
    let mut unique = |name: String| {
        let mut candidate = name.clone();
        let mut n = 1;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
            n += 1;
            candidate = format!("{n}-{name}");
        }
        taken.push(candidate.clone());
        candidate
    };
    let mut out = std::collections::BTreeMap::new();
    for batch in &plan.moves {
        let csv = batch
            .csv
            .iter()
            .map(|c| unique(csv_copy_name(&c.source)))
            .collect();
        let named = |prefix: &str| {
            if batch.name.chars().any(|c| c.is_ascii_alphanumeric()) {
                format!("{prefix}-{}.csv", slug(&batch.name))
            } else {
                format!("{prefix}.csv")
            }
        };
        let migration_csv = unique(named("migration-batch"));
        // The file exists when a mailbox goes in it (see `split_mailboxes`).
        let written = batch.mailboxes.len() > INLINE_MAILBOXES_MAX
            && batch
                .mailboxes
                .iter()
                .any(|m| crate::escape::csv_field(m).is_some());
        let mailboxes = written.then(|| unique(named("mailboxes")));
        out.insert(
            batch.name.as_str(),
            BatchNames {
                csv,
                mailboxes,
                migration_csv,
            },
        );
    }
    out
}

/// The files of every batch, by batch name: [`batch_names`] and the contents of the CSV of its
/// `mailbox` lines.
#[must_use]
pub fn batch_files(plan: &crate::ir::Plan) -> std::collections::BTreeMap<&str, BatchFiles> {
    let mut names = batch_names(plan);
    let mut out = std::collections::BTreeMap::new();
    for batch in &plan.moves {
        let Some(named) = names.remove(batch.name.as_str()) else {
            continue;
        };
        let file = named.mailboxes.clone().unwrap_or_default();
        let (listed, mailboxes) = split_mailboxes(&batch.mailboxes, || file);
        debug_assert_eq!(
            mailboxes.as_ref().map(|m| m.file.as_str()),
            named.mailboxes.as_deref()
        );
        out.insert(
            batch.name.as_str(),
            BatchFiles {
                csv: named.csv,
                listed,
                mailboxes,
                migration_csv: named.migration_csv,
            },
        );
    }
    out
}

/// The copy of a plan's CSV file keeps its file name, with either separator, made safe for
/// every file system: characters other than ASCII letters, digits, `.`, `-` and `_` become `-`.
fn csv_copy_name(path: &str) -> String {
    let name = path.rsplit(['\\', '/']).next().unwrap_or(path);
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_matches(['.', '-']).to_owned();
    if safe.is_empty() || !safe.to_ascii_lowercase().ends_with(".csv") {
        format!("{}.csv", if safe.is_empty() { "mailboxes" } else { &safe })
    } else {
        safe
    }
}

/// The `.cmd` files a step kind produces besides its script: `(kind, template, suffix)`,
/// rendered from `<template>.cmd.j2` into `<script>-<suffix>.cmd`; a template that renders
/// to nothing writes no file.
pub(super) const CMD_FILES: &[(StepKind, &str, &str)] = &[
    (StepKind::Galsync, "galsync_schedule", "schedule"),
    (StepKind::Galsync, "galsync_task", "task"),
];

/// The name of a `.cmd` file of `script` (`05-galsync.ps1`): `05-galsync-<suffix>.cmd`.
pub(super) fn cmd_file(script: &str, suffix: &str) -> String {
    format!("{}-{suffix}.cmd", script.trim_end_matches(".ps1"))
}

/// The extensions of the ExMerge files of each Exchange 5.5 server: its settings and the
/// command that runs it.
pub(super) const EXMERGE_EXTENSIONS: [&str; 2] = ["ini", "cmd"];

/// The runbook's file name.
pub(super) const RUNBOOK: &str = "runbook.md";

/// One file of the output folder, with the plan statement it comes from.
struct Named {
    path: String,
    origin: Span,
    /// Whether it is the copy of a CSV file the plan names at `origin`.
    csv_copy: bool,
}

/// Every file name lowering can write for `plan` and `schedule`, each checked as the output
/// folder's writer checks it: E0509 for a name Windows cannot store, E0510 for two names of
/// one file. `exgen check` runs this, so it refuses what `exgen compile` would.
#[must_use]
pub fn check_names(plan: &crate::ir::Plan, schedule: &Schedule) -> Diagnostics {
    clashes(&output_names(plan, schedule))
}

/// E0509 for each name Windows cannot store, E0510 for each name that names the same file as
/// an earlier one.
fn clashes(names: &[Named]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    // One report for two statements, though they clash in several files (`.ini` and `.cmd`).
    let mut clashes: Vec<(Span, Span)> = Vec::new();
    // Each name once, as Windows compares them: linear in the number of files.
    let mut seen: std::collections::HashMap<String, &Named> =
        std::collections::HashMap::with_capacity(names.len());
    for named in names {
        if let Err(reason) = output::check_path(&named.path) {
            diagnostics.push(bad_name(named, reason));
        } else if let Some(first) = seen.get(&output::fold_case(&named.path)).copied() {
            if clashes.contains(&(first.origin, named.origin)) {
                continue;
            }
            clashes.push((first.origin, named.origin));
            diagnostics.push(
                Diagnostic::new(
                    Code::E0510,
                    named.origin,
                    output::same_name_message(&first.path, &named.path),
                )
                .with_label(format!("writes `{}`", named.path))
                .with_related(first.origin, format!("writes `{}`", first.path))
                .with_help(if named.csv_copy {
                    "rename the CSV file, so that its name differs from every other file's in more than case"
                } else {
                    "rename one of the servers, so that their names differ in more than case and punctuation"
                }),
            );
        } else {
            seen.insert(output::fold_case(&named.path), named);
        }
    }
    diagnostics
}

fn bad_name(named: &Named, reason: &str) -> Diagnostic {
    let (label, help) = if named.csv_copy {
        (
            format!("copied into the output folder as `{}`", named.path),
            "rename the CSV file (and the path here)",
        )
    } else {
        (
            format!("written as `{}`", named.path),
            "rename the server, so that the file names made from it are valid",
        )
    };
    Diagnostic::new(
        Code::E0509,
        named.origin,
        format!("output file `{}` cannot be written: {reason}", named.path),
    )
    .with_label(label)
    .with_help(help)
}

/// The files of the output folder in the order lowering writes them.
fn output_names(plan: &crate::ir::Plan, schedule: &Schedule) -> Vec<Named> {
    let named = |path: String, origin: Span| Named {
        path,
        origin,
        csv_copy: false,
    };
    let mut names = Vec::new();
    let scripts = scripts(schedule);
    for script in &scripts {
        let origin = script
            .steps
            .first()
            .map_or(Span::default(), |s| s.origin.span);
        names.push(named(script.file.clone(), origin));
    }
    for script in &scripts {
        for step in script.steps {
            for (_, _, suffix) in CMD_FILES.iter().filter(|(k, _, _)| *k == step.kind()) {
                names.push(named(cmd_file(&script.file, suffix), step.origin.span));
            }
        }
    }
    for x in &plan.exmerge {
        for ext in EXMERGE_EXTENSIONS {
            names.push(named(
                format!("{}.{ext}", exmerge_stem(&x.server)),
                x.origin.span,
            ));
        }
    }
    let batches = batch_names(plan);
    for batch in &plan.moves {
        let Some(files) = batches.get(batch.name.as_str()) else {
            continue;
        };
        for (csv, name) in batch.csv.iter().zip(&files.csv) {
            names.push(Named {
                path: name.clone(),
                origin: csv.origin,
                csv_copy: true,
            });
        }
        if let Some(file) = &files.mailboxes {
            names.push(named(file.clone(), batch.origin.span));
        }
    }
    names.push(named(RUNBOOK.to_owned(), Span::default()));
    names
}

/// The name the ExMerge export files of `server` share: `00-exmerge-<server>`, before
/// script 01 in a listing because the export and the server's removal come first.
#[must_use]
pub fn exmerge_stem(server: &str) -> String {
    format!("00-exmerge-{}", slug(server))
}

/// A file-name-safe form of a server name or version: lower case ASCII letters, digits, `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "server".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(slug("MAIL2010"), "mail2010");
        assert_eq!(slug("Zürich Ex 01"), "z-rich-ex-01");
        assert_eq!(slug("..."), "server");
    }

    #[test]
    fn csv_copies_keep_their_file_name_made_safe() {
        assert_eq!(csv_copy_name(r"waves\wave1.csv"), "wave1.csv");
        assert_eq!(csv_copy_name("waves/wave2.csv"), "wave2.csv");
        assert_eq!(csv_copy_name(r"\\srv\share\w.csv"), "w.csv");
        assert_eq!(csv_copy_name("Welle ä 1.CSV"), "Welle---1.CSV");
        assert_eq!(csv_copy_name("..\u{202e}vsc.exe"), "vsc.exe.csv");
        assert_eq!(csv_copy_name("..."), "mailboxes.csv");
    }

    #[test]
    fn long_mailbox_lists_go_to_a_csv_except_what_a_spreadsheet_would_compute() {
        let few: Vec<String> = (0..INLINE_MAILBOXES_MAX)
            .map(|i| format!("u{i}@c.com"))
            .collect();
        let (listed, csv) = split_mailboxes(&few, || unreachable!());
        assert_eq!(listed, few);
        assert!(csv.is_none());
        let mut many = few.clone();
        many.push("=cmd|' /C calc'!A0".to_owned());
        many.push("Lindqvist, Anna".to_owned());
        let (listed, csv) = split_mailboxes(&many, || "mailboxes-w.csv".to_owned());
        let csv = csv.expect("a CSV above the limit");
        assert_eq!(listed, ["=cmd|' /C calc'!A0"]);
        assert_eq!(csv.rows, INLINE_MAILBOXES_MAX + 1);
        let text = csv.contents();
        assert!(text.starts_with("EmailAddress\nu0@c.com\n"));
        assert!(text.ends_with("\n\"Lindqvist, Anna\"\n"));
    }

    #[test]
    fn names_that_differ_only_in_case_clash_and_reserved_names_are_refused() {
        let at = |start, path: &str| Named {
            path: path.to_owned(),
            origin: Span {
                start,
                end: start + 1,
            },
            csv_copy: false,
        };
        let names = [
            at(1, "00-exmerge-ex55.ini"),
            at(2, "00-EXMERGE-EX55.ini"),
            at(3, "CON.csv"),
            at(4, "runbook.md"),
        ];
        let codes: Vec<(Code, usize)> = clashes(&names)
            .iter()
            .map(|d| (d.code, d.primary.span.start))
            .collect();
        assert_eq!(codes, [(Code::E0510, 2), (Code::E0509, 3)]);
    }
}
