//! Lowering: IR → the files of the output folder.
//!
//! `steps` turns the IR into steps, each naming the shell that runs it; `phases` orders
//! them into scripts by the target version's phase list (`specs/`); `render` renders each
//! script and the runbook through the minijinja templates of `templates/`, where every plan
//! value passes through [`escape`].

pub mod escape;
mod phases;
mod render;
mod steps;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir;
use crate::output::OutputFile;
use crate::source::Span;
use crate::specs::Specs;

pub use phases::Script;
pub use steps::{Shell, Step};

/// The files exgen writes for `plan`: scripts in execution order, copied CSV files, the runbook.
///
/// # Errors
/// E0501 when a step has no template for the version that runs it; E9001 when a template
/// fails to render (a bug in exgen).
pub fn lower(plan: &ir::Plan, specs: &Specs) -> Result<Vec<OutputFile>, Diagnostics> {
    let steps = steps::build(plan, specs);
    let scripts = phases::arrange(plan, specs, steps)?;
    let env = render::Renderer::new();
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    for script in &scripts {
        match env.script(plan, specs, script, scripts.len()) {
            Ok(text) => files.push(OutputFile {
                path: script.file.clone(),
                contents: text,
            }),
            Err(e) => diags.push(internal(&e)),
        }
    }
    for batch in &plan.moves {
        for csv in &batch.csv {
            files.push(OutputFile {
                path: csv.output.clone(),
                contents: csv.contents.clone(),
            });
        }
    }
    match env.runbook(plan, specs, &scripts) {
        Ok(text) => files.push(OutputFile {
            path: "runbook.md".to_owned(),
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

/// The step kinds lowering can produce, each a template name (`<kind>.ps1.j2`).
pub const STEP_KINDS: &[&str] = steps::KINDS;

/// Whether a template exists for step `kind` run by `shell` (used to report E0501).
#[must_use]
pub fn has_template(kind: &str, shell: &Shell) -> bool {
    render::Renderer::new().find(kind, shell).is_some()
}
