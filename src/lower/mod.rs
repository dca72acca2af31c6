//! Lowering: the checked plan and its schedule → the files of the output folder.
//!
//! `layout` numbers the scheduled scripts and names every output file; `render` renders each
//! script and the runbook through the minijinja templates of `templates/`, where every plan
//! value passes through [`crate::escape`]. Lowering decides nothing about the migration: what
//! runs, in which order and shell, is the schedule analysis made.

mod diagram;
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

pub use diagram::{Diagrams, Graph, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES};
pub use layout::INLINE_MAILBOXES_MAX;
pub(crate) use layout::exmerge_stem;
use layout::{CMD_FILES, EXMERGE_EXTENSIONS, RUNBOOK, cmd_file};
pub use layout::{Script, check_names};
pub(crate) use render::TEMPLATES;

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
    lower_inner(plan, schedule, states, specs, render, false).map(|l| l.files)
}

/// The files of the output folder and, for every step, where its text landed.
#[derive(Debug, Clone, Default)]
pub struct Lowered {
    /// What [`lower`] returns.
    pub files: Vec<OutputFile>,
    /// Each step's text in its script, in execution order.
    pub steps: Vec<StepOutput>,
}

/// Where one step of the schedule landed: the text a plan statement produces, as written in its
/// script. Editors show it (hover, "open generated script"); it is the generated text itself,
/// not a description of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StepOutput {
    /// The span of the plan statement the step carries out.
    #[serde(skip)]
    pub origin: Span,
    /// The script's file name (`08-certificate-request.ps1`).
    pub file: String,
    /// The shell that runs the script, as its `# Shell:` header line says.
    pub shell: String,
    /// The 1-based line of the script where the step's text begins (its cite comment).
    pub line: usize,
    /// The step's text: its cite comment and its code, without the script's indentation.
    pub text: String,
}

/// [`lower`], and where each step's text landed in its script.
///
/// # Errors
/// As [`lower`].
pub fn lower_mapped(
    plan: &ir::Plan,
    schedule: &Schedule,
    states: &[State],
    specs: &Specs,
) -> Result<Lowered, Diagnostics> {
    let mut render = Duration::ZERO;
    lower_inner(plan, schedule, states, specs, &mut render, true)
}

/// The runbook's diagrams of `plan` (what `exgen graph` prints): the phases, and the topology
/// before, during and after the cut-over.
#[must_use]
pub fn diagrams(plan: &ir::Plan, schedule: &Schedule, states: &[State], specs: &Specs) -> Diagrams {
    let scripts = layout::scripts(schedule);
    let marks = layout::marks(plan, specs, &scripts);
    let views = users::views(states);
    diagrams_of(plan, specs, &scripts, states, &marks, &views)
}

/// The diagrams of the laid-out `scripts` (`views`: the "What users see" table of each state).
fn diagrams_of(
    plan: &ir::Plan,
    specs: &Specs,
    scripts: &[Script<'_>],
    states: &[State],
    marks: &layout::Marks<'_>,
    views: &[Option<users::UsersTable>],
) -> Diagrams {
    // Whether what users see changes after each script (the runbook shows the table).
    let users_change: Vec<bool> = marks
        .state_after
        .iter()
        .map(|k| k.is_some_and(|k| views.get(k).is_some_and(Option::is_some)))
        .collect();
    diagram::diagrams(&diagram::Inputs {
        plan,
        specs,
        scripts,
        states,
        marks,
        users_change: &users_change,
    })
}

fn lower_inner(
    plan: &ir::Plan,
    schedule: &Schedule,
    states: &[State],
    specs: &Specs,
    render: &mut Duration,
    map: bool,
) -> Result<Lowered, Diagnostics> {
    let scripts = layout::scripts(schedule);
    let batches = layout::batch_files(plan);
    let marks = layout::marks(plan, specs, &scripts);
    let views = users::views(states);
    let diagrams = diagrams_of(plan, specs, &scripts, states, &marks, &views);
    let env = render::Renderer::shared();
    let g = render::Globals::new(plan, specs);
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    // The runbook and the scripts are independent renders of shared, read-only data: rendered
    // on every core, the runbook first (the largest), collected in order.
    let start = Instant::now();
    let mut rendered = crate::parallel::in_parallel(scripts.len() + 1, |task| match task {
        0 => env
            .runbook(&g, &scripts, &views, &batches, &marks, &diagrams)
            .map(|t| (t, Vec::new())),
        n => env.script(&g, &scripts[n - 1], scripts.len(), &batches),
    });
    *render += start.elapsed();
    let runbook = rendered.remove(0).map(|(text, _)| text);
    let mut steps = Vec::new();
    for (script, text) in scripts.iter().zip(rendered) {
        match text {
            Ok((text, lines)) => {
                if map {
                    steps.extend(step_outputs(&plan.file, script, &text, &lines));
                }
                files.push(OutputFile {
                    path: script.file.clone(),
                    contents: text,
                });
            }
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
        Ok(Lowered { files, steps })
    } else {
        Err(diags)
    }
}

/// Where each step of `script` landed in its rendered `text`: the skeleton writes the steps'
/// texts in order, each opening with its cite line and `lines` long, indented as a block.
fn step_outputs(
    plan_file: &str,
    script: &Script<'_>,
    text: &str,
    lines: &[usize],
) -> Vec<StepOutput> {
    let all: Vec<&str> = text.lines().collect();
    let shell = all
        .iter()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# Shell: "))
        .unwrap_or_default()
        .to_owned();
    let mut next = 0;
    let mut out = Vec::new();
    for (step, &count) in script.steps.iter().zip(lines) {
        let cite = render::cite(plan_file, &step.origin);
        let Some(found) = all[next..].iter().position(|l| l.trim_start() == cite) else {
            // Every step's text is in its script; a skeleton that dropped one is a bug the
            // hover test catches. Map the rest rather than none.
            continue;
        };
        let first = next + found;
        let indent = all[first].len() - all[first].trim_start().len();
        let end = (first + count).min(all.len());
        let body: Vec<&str> = all[first..end]
            .iter()
            .map(|l| {
                l.get(indent..)
                    .filter(|_| l.len() > indent)
                    .unwrap_or(l.trim_start())
            })
            .collect();
        out.push(StepOutput {
            origin: step.origin.span,
            file: script.file.clone(),
            shell: shell.clone(),
            line: first + 1,
            text: body.join("\n"),
        });
        next = end;
    }
    out
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
