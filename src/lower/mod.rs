//! Lowering: the checked plan and its schedule → the files of the output folder.
//!
//! `layout` numbers the scheduled scripts and names every output file; `render` renders each
//! script and the runbook through the minijinja templates of `templates/`, where every plan
//! value passes through [`crate::escape`]. Lowering decides nothing about the migration: what
//! runs, in which order and shell, is the schedule analysis made.

mod layout;
mod render;
mod users;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir;
use crate::ir::state::State;
use crate::ir::steps::{Schedule, Step};
use crate::output::OutputFile;
use crate::source::Span;
use crate::specs::Specs;
use std::time::{Duration, Instant};

pub use layout::INLINE_MAILBOXES_MAX;
pub(crate) use layout::exmerge_stem;
use layout::{CMD_FILES, EXMERGE_EXTENSIONS, RUNBOOK, cmd_file};
pub use layout::{Script, check_names};

/// The files exgen writes for `plan` and its `schedule`: scripts in execution order, copied
/// CSV files and those of long `mailbox` lists, the runbook.
///
/// # Errors
/// E0604 when a value cannot be written in a `.cmd` file; E9001 when a template is missing or
/// fails to render (a bug in exgen: tests render every step kind of every target).
pub fn lower(
    plan: &ir::Plan,
    schedule: &Schedule,
    states: &[State],
    specs: &Specs,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut render = Duration::ZERO;
    lower_timed(plan, schedule, states, specs, &mut render)
}

/// [`lower`], adding the time spent rendering templates to `render`.
///
/// # Errors
/// As [`lower`].
pub fn lower_timed(
    plan: &ir::Plan,
    schedule: &Schedule,
    states: &[State],
    specs: &Specs,
    render: &mut Duration,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let scripts = layout::scripts(schedule);
    let batches = layout::batch_files(plan);
    let env = render::Renderer::shared();
    let g = render::Globals::new(plan, specs);
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    // The runbook and the scripts are independent renders of shared, read-only data: rendered
    // on every core, the runbook first (the largest), collected in order.
    let start = Instant::now();
    let mut rendered = crate::parallel::in_parallel(scripts.len() + 1, |task| match task {
        0 => env.runbook(&g, &scripts, states, &batches),
        n => env.script(&g, &scripts[n - 1], scripts.len(), &batches),
    });
    *render += start.elapsed();
    let runbook = rendered.remove(0);
    for (script, text) in scripts.iter().zip(rendered) {
        match text {
            Ok(text) => files.push(OutputFile {
                path: script.file.clone(),
                contents: text,
            }),
            Err(e) => diags.push(internal(&e)),
        }
    }
    // Steps that also need `.cmd` files (the GALSync task): `<script>-<name>.cmd` each.
    for script in &scripts {
        for step in script.steps {
            for (_, template, suffix) in CMD_FILES.iter().filter(|(k, _, _)| *k == step.kind()) {
                let Some(result) = timed(render, || env.cmd(&g, script, step, template)) else {
                    continue;
                };
                match result {
                    Ok(text) if !text.trim().is_empty() => files.push(OutputFile {
                        path: cmd_file(&script.file, suffix),
                        contents: text,
                    }),
                    Ok(_) => {}
                    Err(e) => diags.push(cmd_failure(&e, step)),
                }
            }
        }
    }
    // R33: the ExMerge export of each Exchange 5.5 server, run on the 5.5 side before
    // script 01: `00-exmerge-<server>.ini` (ExMerge's settings) and `.cmd` (runs it).
    for x in &plan.exmerge {
        let stem = &exmerge_stem(&x.server);
        for ext in EXMERGE_EXTENSIONS {
            match timed(render, || env.exmerge(&g, x, stem, ext)) {
                Some(Ok(text)) => files.push(OutputFile {
                    path: format!("{stem}.{ext}"),
                    contents: text,
                }),
                Some(Err(e)) => diags.push(value_failure(&e, &x.origin)),
                None => diags.push(internal(&e_missing(ext))),
            }
        }
    }
    for batch in &plan.moves {
        let Some(names) = batches.get(batch.name.as_str()) else {
            continue;
        };
        for (csv, name) in batch.csv.iter().zip(&names.csv) {
            files.push(OutputFile {
                path: name.clone(),
                contents: csv.contents.to_string(),
            });
        }
        if let Some(csv) = &names.mailboxes {
            files.push(OutputFile {
                path: csv.file.clone(),
                contents: csv.contents(),
            });
        }
    }
    match runbook {
        Ok(text) => files.push(OutputFile {
            path: RUNBOOK.to_owned(),
            contents: text,
        }),
        Err(e) => diags.push(internal(&e)),
    }
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(diags)
    }
}

/// `f()`, adding the time it took to `total`.
fn timed<T>(total: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *total += start.elapsed();
    out
}

fn e_missing(ext: &str) -> minijinja::Error {
    minijinja::Error::new(
        minijinja::ErrorKind::TemplateNotFound,
        format!("no exmerge_export.{ext}.j2"),
    )
}

/// A `.cmd` render failure: E0604 when a value has no spelling there, else E9001.
fn cmd_failure(error: &minijinja::Error, step: &Step) -> Diagnostic {
    value_failure(error, &step.origin)
}

/// A `.cmd` or `.ini` render failure for the statement at `origin`: E0604 when a value has no
/// spelling there, else E9001.
fn value_failure(error: &minijinja::Error, origin: &ir::Origin) -> Diagnostic {
    let text = error.to_string();
    match text.split_once(render::CMD_UNREPRESENTABLE) {
        Some((_, why)) => Diagnostic::new(
            Code::E0604,
            origin.span,
            "a value of this statement cannot be written in its .cmd file",
        )
        .with_label(why.trim_end_matches(')').to_owned())
        .with_help("use only printable ASCII characters other than `\"` in the values this statement puts in a .cmd file"),
        None => internal(error),
    }
}

fn internal(error: &minijinja::Error) -> Diagnostic {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        detail = format!("{detail}: {e}");
        source = e.source();
    }
    Diagnostic::new(
        Code::E9001,
        Span::default(),
        format!("template failed: {detail}"),
    )
    .with_label("while generating the scripts for this plan")
    .with_help("this is a bug in exgen: please report it with the plan")
}
