//! The commands: each reads the plan, reports its diagnostics and returns an exit code.

use super::args::{
    CheckArgs, CompileArgs, ExplainArgs, GraphArgs, GraphFormat, GraphOnly, IrArgs, IrFormat,
    MessageFormat,
};
use super::loader::{Plan, read_plan};
use super::{FAILURE, PLAN_ERRORS, eprint_str, print_str};
use crate::Timings;
use crate::diag::render::plural;
use crate::diag::{Code, Diagnostic, Diagnostics, render, suggest};
use crate::files::PlanLoader;
use crate::output;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `exgen compile`: writes the output folder only when the plan has no errors.
pub(super) fn compile(args: &CompileArgs) -> anyhow::Result<u8> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let plan = read_plan(&args.plan)?;
    timings.read = start.elapsed();
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out(&args.plan)?,
    };
    refuse_plan_folder(&args.plan, &out)?;
    let (ir, mut diagnostics) = check_plan(&plan, &mut timings);
    let files = match &ir {
        Some(ir) => {
            diagnostics.extend(inputs_in_output(ir, &plan.loader, &out));
            match crate::generate_timed(ir, &mut timings) {
                Ok(files) => Some(files),
                Err(more) => {
                    diagnostics.extend(more);
                    None
                }
            }
        }
        None => None,
    };
    let format = args.messages.message_format;
    report(&plan, &diagnostics, format)?;
    // As in `check`: the exit returns the IR's memory faster than freeing it would.
    std::mem::forget(ir);
    let Some(files) = files.filter(|_| !diagnostics.has_errors()) else {
        return Ok(PLAN_ERRORS);
    };
    if args.check {
        return check_output(&args.plan, &out, &files, args.verbose, format);
    }
    // OutputError's message already includes its cause; anyhow's chain would repeat it.
    let start = Instant::now();
    let written =
        output::write(&out, &files, args.force).map_err(|error| anyhow::anyhow!("{error}"))?;
    timings.write = start.elapsed();
    if args.timings {
        print_timings(&timings.stages());
    }
    let mut wrote = format!(
        "wrote {} to {}\n",
        plural(files.len(), "file"),
        out.display()
    );
    if let Some((backup, count)) = &written.backup {
        wrote.push_str(&format!(
            "moved {} that exgen did not write or that {} edited to {}\n",
            plural(*count, "file"),
            if *count == 1 { "was" } else { "were" },
            backup.display()
        ));
    }
    // With JSON messages, stdout carries only JSON lines.
    match format {
        MessageFormat::Human => print_str(&wrote)?,
        MessageFormat::Json => eprint_str(&wrote),
    }
    Ok(0)
}

/// `exgen check`: diagnostics only.
pub(super) fn check(args: &CheckArgs) -> anyhow::Result<u8> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let plan = read_plan(&args.plan)?;
    timings.read = start.elapsed();
    let (ir, diagnostics) = check_plan(&plan, &mut timings);
    // The process ends after this command: freeing the IR of a large plan node by node would
    // cost a tenth of the check (measured at 100,000 mailboxes), for memory the exit returns.
    std::mem::forget(ir);
    report(&plan, &diagnostics, args.messages.message_format)?;
    if args.timings {
        print_timings(&timings.stages()[..3]);
    }
    Ok(if diagnostics.has_errors() {
        PLAN_ERRORS
    } else {
        0
    })
}

/// `exgen compile --check`: the output folder compared with `files`; nothing is written.
/// 0 when it holds exactly them, 1 when not (each file that differs listed, then a diff of
/// each changed one), 2 (an error) for a folder exgen does not own.
fn check_output(
    plan: &Path,
    out: &Path,
    files: &[crate::output::OutputFile],
    verbose: bool,
    format: MessageFormat,
) -> anyhow::Result<u8> {
    use crate::output::Change;
    let verified = output::verify(out, files).map_err(|error| anyhow::anyhow!("{error}"))?;
    if format == MessageFormat::Json {
        // One JSON object a line: each file that differs (with its diff when there are two
        // texts), then a summary.
        let mut text = String::new();
        for d in &verified.differences {
            let diff = match (&d.found, &d.expected) {
                (Some(found), Some(expected)) => {
                    serde_json::Value::from(super::diff::unified(found, expected, verbose))
                }
                _ => serde_json::Value::Null,
            };
            let line = serde_json::json!({
                "type": "difference",
                "path": d.path,
                "change": d.change.word(),
                "diff": diff,
            });
            text.push_str(&format!("{line}\n"));
        }
        let summary = serde_json::json!({
            "type": "summary",
            "folder": out.display().to_string(),
            "files": verified.files,
            "differ": verified.differences.len(),
        });
        text.push_str(&format!("{summary}\n"));
        print_str(&text)?;
        return Ok(if verified.differences.is_empty() {
            0
        } else {
            PLAN_ERRORS
        });
    }
    let plan_name = plan.file_name().map_or_else(
        || plan.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if verified.differences.is_empty() {
        print_str(&format!(
            "{}: {} up to date with {plan_name}\n",
            out.display(),
            plural(verified.files, "file")
        ))?;
        return Ok(0);
    }
    let mut text = format!(
        "{}: {} of {} differ from what {plan_name} produces\n",
        out.display(),
        verified.differences.len(),
        plural(verified.files, "file")
    );
    let width = verified
        .differences
        .iter()
        .map(|d| d.change.word().len())
        .max()
        .unwrap_or(0);
    for d in &verified.differences {
        text.push_str(&format!("  {:<width$}  {}\n", d.change.word(), d.path));
    }
    for d in &verified.differences {
        let (Some(found), Some(expected)) = (&d.found, &d.expected) else {
            continue;
        };
        text.push_str(&format!(
            "\n--- {} ({} in the folder)\n+++ {} (from the plan)\n",
            d.path,
            d.change.word(),
            d.path
        ));
        text.push_str(&super::diff::unified(found, expected, verbose));
    }
    let edited = verified
        .differences
        .iter()
        .any(|d| matches!(d.change, Change::Edited | Change::Extra));
    text.push_str(&format!(
        "\nrun `exgen compile {}` to update the folder{}\n",
        plan.display(),
        if edited {
            " (it refuses edited and extra files: put the change in the plan, or pass --force to move them aside)"
        } else {
            ""
        }
    ));
    print_str(&text)?;
    Ok(PLAN_ERRORS)
}

/// `exgen ir`: the IR on stdout, diagnostics on stderr.
pub(super) fn graph(args: &GraphArgs) -> anyhow::Result<u8> {
    let plan = read_plan(&args.plan)?;
    let (ir, diagnostics) = match &plan.encoding {
        Some(encoding) => (None, encoding.clone().into()),
        None => crate::check(&plan.file, &plan.loader),
    };
    report(&plan, &diagnostics, MessageFormat::Human)?;
    let Some(ir) = ir.filter(|_| !diagnostics.has_errors()) else {
        return Ok(PLAN_ERRORS);
    };
    let diagrams = crate::diagrams(&ir);
    let mut graphs: Vec<&crate::lower::Graph> = Vec::new();
    if args.only != Some(GraphOnly::Topology) {
        graphs.push(&diagrams.phases);
    }
    if args.only != Some(GraphOnly::Phases) {
        graphs.extend(&diagrams.topology);
    }
    let mut text = String::new();
    for (i, g) in graphs.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match args.format {
            GraphFormat::Mermaid => {
                text.push_str(&format!(
                    "## {}\n\n```mermaid\n{}```\n",
                    g.title,
                    g.mermaid()
                ));
            }
            GraphFormat::Dot => text.push_str(&g.dot(&g.title)),
        }
    }
    print_str(&text)?;
    Ok(0)
}

pub(super) fn ir(args: &IrArgs) -> anyhow::Result<u8> {
    let plan = read_plan(&args.plan)?;
    let (ir, diagnostics, names) = match &plan.encoding {
        Some(encoding) => (None, encoding.clone().into(), Default::default()),
        None => crate::check_full(&plan.file, &plan.loader, &mut Timings::default()),
    };
    report(&plan, &diagnostics, MessageFormat::Human)?;
    let Some(ir) = ir.filter(|_| !diagnostics.has_errors()) else {
        return Ok(PLAN_ERRORS);
    };
    let text = if args.states {
        print(args.format, &crate::states_of(&ir))?
    } else if args.names {
        print(args.format, &names_view(&plan.file, &names))?
    } else if args.steps {
        let lowered = match crate::generate_mapped(&ir) {
            Ok(lowered) => lowered,
            Err(errors) => {
                report(&plan, &errors, MessageFormat::Human)?;
                return Ok(PLAN_ERRORS);
            }
        };
        let steps: Vec<StepView<'_>> = lowered
            .steps
            .iter()
            .map(|s| StepView {
                plan_file: included_name(&plan.file, s.origin.start),
                plan_line: line_col(&plan.file, s.origin.start).line,
                file: &s.file,
                line: s.line,
                shell: &s.shell,
                text: &s.text,
            })
            .collect();
        print(args.format, &steps)?
    } else {
        print(args.format, &ir.plan)?
    };
    print_str(&text)?;
    Ok(0)
}

/// One step, as `exgen ir --steps` prints it.
#[derive(serde::Serialize)]
struct StepView<'a> {
    /// The included file the statement is in; absent for the plan's own file.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_file: Option<&'a str>,
    plan_line: usize,
    file: &'a str,
    line: usize,
    shell: &'a str,
    text: &'a str,
}

/// A declared name and its uses, as `exgen ir --names` prints them.
#[derive(serde::Serialize)]
struct NameView<'a> {
    kind: crate::analyze::NameKind,
    name: &'a str,
    /// The included file the name is declared in; absent for the plan's own file.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: usize,
    column: usize,
    uses: Vec<UseView<'a>>,
}

/// Where a name is used, as `exgen ir --names` prints it.
#[derive(serde::Serialize)]
struct UseView<'a> {
    /// The included file the use is in; absent for the plan's own file.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: usize,
    column: usize,
}

/// The path of the included file holding global `offset`, `None` in the plan's own file.
fn included_name(plan: &crate::source::SourceFile, offset: usize) -> Option<&str> {
    plan.locate(offset).included.map(|i| i.file.name())
}

/// The line and column of global `offset` in the file holding it.
fn line_col(plan: &crate::source::SourceFile, offset: usize) -> crate::source::LineCol {
    let located = plan.locate(offset);
    located.file.line_col(offset - located.base)
}

fn names_view<'a>(
    file: &'a crate::source::SourceFile,
    names: &'a crate::analyze::Names,
) -> Vec<NameView<'a>> {
    names
        .definitions
        .iter()
        .map(|d| {
            let at = line_col(file, d.span.start);
            NameView {
                kind: d.kind,
                name: &d.name,
                file: included_name(file, d.span.start),
                line: at.line,
                column: at.column,
                uses: names
                    .uses
                    .iter()
                    .filter(|u| u.definition == d.span)
                    .map(|u| {
                        let at = line_col(file, u.span.start);
                        UseView {
                            file: included_name(file, u.span.start),
                            line: at.line,
                            column: at.column,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `timings: read 0.12 ms, parse 3.40 ms, ...`: one line on stderr, stages in pipeline order.
fn print_timings(stages: &[(&str, std::time::Duration)]) {
    let stages: Vec<String> = stages
        .iter()
        .map(|(name, d)| format!("{name} {:.2} ms", d.as_secs_f64() * 1e3))
        .collect();
    eprint_str(&format!("timings: {}\n", stages.join(", ")));
}

/// `value` as YAML or JSON.
fn print(format: IrFormat, value: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(match format {
        IrFormat::Yaml => {
            // One value per line, never a folded `>-` block: the IR is read and diffed by line.
            let options = serde_saphyr::ser_options! { prefer_block_scalars: false };
            serde_saphyr::to_string_with_options(value, options)
                .context("cannot print the IR as YAML")?
        }
        IrFormat::Json => {
            serde_json::to_string_pretty(value).context("cannot print the IR as JSON")? + "\n"
        }
    })
}

/// `exgen explain`: the long explanation of a code, or the nearest known code.
pub(super) fn explain(args: &ExplainArgs) -> anyhow::Result<u8> {
    let word = args.code.trim();
    // `0202` means `E0202`: every error code starts with E.
    let word = if word.starts_with(|c: char| c.is_ascii_digit()) {
        format!("E{word}")
    } else {
        word.to_owned()
    };
    if let Some(code) = Code::parse(&word) {
        let text = code.explanation();
        print_str(text)?;
        if !text.ends_with('\n') {
            print_str("\n")?;
        }
        if cites_a_rule(text) {
            print_str(
                "\nThe rules cited here (R01–R45) are listed, with their sources, in docs/rules.md.\n",
            )?;
        }
        return Ok(0);
    }
    eprint_str(&format!(
        "error: unknown diagnostic code `{}`; {}\n",
        args.code,
        nearest_codes(&word)
    ));
    Ok(FAILURE)
}

/// Whether `text` cites a rule of docs/rules.md (`R10`).
fn cites_a_rule(text: &str) -> bool {
    text.as_bytes().windows(3).enumerate().any(|(i, w)| {
        w[0] == b'R'
            && w[1].is_ascii_digit()
            && w[2].is_ascii_digit()
            && (i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric())
    })
}

/// What to suggest for an unknown code: the closest code when one is a plausible typo, else
/// the codes of its family (`E02xx`), else all of them.
fn nearest_codes(word: &str) -> String {
    let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    if let Some(code) = suggest::did_you_mean(word, &known) {
        return format!("did you mean `{code}`?");
    }
    let family: Vec<&str> = match word.get(..3) {
        Some(prefix) => known
            .iter()
            .copied()
            .filter(|code| code[..3].eq_ignore_ascii_case(prefix))
            .collect(),
        None => Vec::new(),
    };
    if family.is_empty() {
        format!("the codes are {}", known.join(", "))
    } else {
        format!("the nearest codes are {}", family.join(", "))
    }
}

/// The IR and diagnostics of a plan; a plan that is not text gets only its E0104, since
/// parsing the lossy text would bury it under noise.
fn check_plan(plan: &Plan, timings: &mut Timings) -> (Option<crate::ir::Checked>, Diagnostics) {
    match &plan.encoding {
        Some(encoding) => (None, encoding.clone().into()),
        None => crate::check_timed(&plan.file, &plan.loader, timings),
    }
}

/// Prints diagnostics: human text to stderr (coloured on a terminal), or JSON lines to stdout.
fn report(plan: &Plan, diagnostics: &Diagnostics, format: MessageFormat) -> anyhow::Result<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    match format {
        MessageFormat::Human => {
            eprint_str(&render::terminal(
                &plan.file,
                diagnostics,
                render::use_color(),
            ));
            Ok(())
        }
        MessageFormat::Json => print_str(&render::json(&plan.file, diagnostics)),
    }
}

/// The output folder when none is given: the plan's path without its extension, so
/// `plans/contoso.exm` is compiled into `plans/contoso`.
fn default_out(plan: &Path) -> anyhow::Result<PathBuf> {
    match crate::files::default_output_folder(plan) {
        Some(folder) => Ok(folder),
        None => bail!(
            "cannot name an output folder after `{}`, which has no extension; pass --out DIR",
            plan.display()
        ),
    }
}

/// E0511 for each CSV file the plan names that lies inside the output folder `out`, which
/// compiling replaces (with `--force` too).
fn inputs_in_output(ir: &crate::ir::Checked, loader: &PlanLoader, out: &Path) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    // A folder that does not exist yet holds nothing.
    let Ok(out_at) = std::fs::canonicalize(out) else {
        return diagnostics;
    };
    for csv in ir.plan.moves.iter().flat_map(|batch| &batch.csv) {
        let Ok(csv_at) = std::fs::canonicalize(loader.resolve(&csv.source)) else {
            continue;
        };
        if csv_at.starts_with(&out_at) {
            diagnostics.push(
                Diagnostic::new(
                    Code::E0511,
                    csv.origin,
                    format!(
                        "`{}` is inside the output folder `{}`, which compiling replaces",
                        csv.source,
                        out.display()
                    ),
                )
                .with_label("CSV file named here")
                .with_help("write the output to another folder (--out), or keep the plan's files outside it"),
            );
        }
    }
    diagnostics
}

/// Refuses an output folder that holds the plan: replacing it, with --force, would delete
/// the plan itself.
fn refuse_plan_folder(plan: &Path, out: &Path) -> anyhow::Result<()> {
    // A folder that does not exist yet cannot hold the plan.
    let (Ok(plan_at), Ok(out_at)) = (std::fs::canonicalize(plan), std::fs::canonicalize(out))
    else {
        return Ok(());
    };
    if plan_at.starts_with(&out_at) {
        bail!(
            "cannot use `{}` as the output folder: it holds the plan `{}`; choose another folder",
            out.display(),
            plan.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{default_out, nearest_codes};
    use std::path::{Path, PathBuf};

    #[test]
    fn the_default_output_folder_is_the_plan_path_without_extension() {
        let plan: PathBuf = ["plans", "contoso.exm"].iter().collect();
        let expected: PathBuf = ["plans", "contoso"].iter().collect();
        assert_eq!(default_out(&plan).ok(), Some(expected));
        assert_eq!(
            default_out(Path::new("contoso.exm")).ok(),
            Some(PathBuf::from("contoso"))
        );
    }

    #[test]
    fn a_plan_without_extension_needs_an_explicit_folder() {
        assert!(default_out(Path::new("contoso")).is_err());
    }

    #[test]
    fn unknown_codes_get_the_closest_code_or_their_family() {
        assert_eq!(nearest_codes("E0220"), "did you mean `E0120`?");
        assert_eq!(
            nearest_codes("E0299"),
            "the nearest codes are E0201, E0202, E0203, E0204, E0205"
        );
        assert!(nearest_codes("Z").starts_with("the codes are E0100, "));
    }
}
