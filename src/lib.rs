//! exgen compiles a declarative Exchange Server migration plan (`.exm`) into the Exchange
//! Management Shell scripts that carry it out, one per phase, plus a runbook.
//!
//! ```text
//! plan.exm ──syntax::parse──▶ ast::Plan ──analyze::analyze──▶ ir::Plan ──lower::lower──▶ files
//!                 │                              │                                   │
//!                 └──────────── diag::Diagnostics ┘                     output::write (atomic)
//! ```
//!
//! Each stage is a function named for what it does; [`compile`] chains them. Version knowledge
//! lives in `specs/*.yaml` ([`specs`]) and `templates/` ([`lower`]), both embedded in the binary.

pub mod analyze;
pub mod cli;
pub mod diag;
pub mod escape;
pub mod exchange;
pub mod ir;
pub mod lower;
pub mod output;
pub mod source;
pub mod specs;
pub mod step_kind;
pub mod syntax;
pub mod validate;

pub use analyze::{FileLoader, ReadError};

use diag::Diagnostics;
use output::OutputFile;
use source::SourceFile;
use specs::Specs;

/// Parses and analyzes a plan: the checked IR and its schedule when it has no errors, and
/// every diagnostic found.
#[must_use]
pub fn check(file: &SourceFile, loader: &dyn FileLoader) -> (Option<ir::Checked>, Diagnostics) {
    let (ast, mut diagnostics) = syntax::parse(file);
    let Some(ast) = ast else {
        return (None, diagnostics);
    };
    let (ir, more) = analyze::analyze(&ast, file, Specs::embedded(), loader);
    diagnostics.extend(more);
    let Some(ir) = ir else {
        return (None, diagnostics);
    };
    // The output file names are checked here, not only when writing, so `check` refuses what
    // `compile` would.
    let names = lower::check_names(&ir.plan, &ir.schedule);
    let clean = !names.has_errors();
    diagnostics.extend(names);
    (clean.then_some(ir), diagnostics)
}

/// Compiles a plan to the files of its output folder (nothing is written here: see
/// [`output::write`]). `None` when the plan has errors.
#[must_use]
pub fn compile(
    file: &SourceFile,
    loader: &dyn FileLoader,
) -> (Option<Vec<OutputFile>>, Diagnostics) {
    let (ir, mut diagnostics) = check(file, loader);
    let Some(ir) = ir else {
        return (None, diagnostics);
    };
    match generate(&ir) {
        Ok(files) => (Some(files), diagnostics),
        Err(errors) => {
            diagnostics.extend(errors);
            (None, diagnostics)
        }
    }
}

/// The files of the output folder for a checked plan (what [`compile`] does after
/// [`check`]).
///
/// # Errors
/// The diagnostics of lowering, such as E0604 for a value a `.cmd` file cannot hold.
pub fn generate(ir: &ir::Checked) -> Result<Vec<OutputFile>, Diagnostics> {
    lower::lower(&ir.plan, &ir.schedule, &ir.states, Specs::embedded())
}
