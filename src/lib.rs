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
pub mod files;
pub mod init;
pub mod ir;
pub mod lint;
pub mod lower;
pub mod lsp;
pub mod output;
mod parallel;
pub mod source;
pub mod specs;
pub mod step_kind;
pub mod syntax;
pub mod validate;

pub use analyze::{FileLoader, ReadError};

/// Entry points for the fuzz targets in `fuzz/` (see `docs/fuzzing.md`): internal stages
/// they check on their own. Not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::diag::Diagnostics;

    /// Whether the fast reader in front of pest reads `text` exactly as pest does (both
    /// refuse it, or both give the same statements and spans). `true` for text the pre-scan
    /// refuses, which neither reader sees.
    #[must_use]
    pub fn readers_agree(text: &str) -> bool {
        crate::syntax::readers_agree(text)
    }

    /// Reads `bytes` as a plan's CSV file of mailboxes: the number of mailbox rows, or the
    /// diagnostics that refuse the file.
    #[must_use]
    pub fn read_csv(bytes: &[u8]) -> (Option<usize>, Diagnostics) {
        crate::analyze::read_csv(bytes)
    }

    /// Runs every position-based editor feature of `exgen lsp` on `text` at byte `at` and checks
    /// what each returns (see [`crate::lsp::exercise`]).
    pub fn editor(text: &str, at: usize) {
        crate::lsp::exercise(text, &[at]);
    }

    /// A loader that serves one small valid CSV file of mailboxes for any path a plan names,
    /// so plans with `csv` lines get past analysis.
    pub struct OneCsv;

    impl crate::FileLoader for OneCsv {
        fn read(&self, _path: &str) -> Result<Vec<u8>, crate::ReadError> {
            Ok(b"EmailAddress,Name\r\nann@contoso.com,Ann\r\nbob@contoso.com,Bob\r\n".to_vec())
        }
    }
}

use diag::Diagnostics;
use output::OutputFile;
use source::SourceFile;
use specs::Specs;
use std::time::{Duration, Instant};

/// How long each stage of a compile took: `exgen compile --timings` prints them, and the
/// scale benchmark (`benches/scale`) reports each stage's share.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Reading the plan file (the command line's part).
    pub read: Duration,
    /// The grammar and the AST.
    pub parse: Duration,
    /// Names, rules, the schedule and the model's walk (CSV files are read here).
    pub analyze: Duration,
    /// Lowering without the templates: file names, batch files, collecting the output.
    pub lower: Duration,
    /// Rendering the templates.
    pub render: Duration,
    /// Writing the output folder (the command line's part).
    pub write: Duration,
}

impl Timings {
    /// The stages by name, in pipeline order.
    #[must_use]
    pub fn stages(&self) -> [(&'static str, Duration); 6] {
        [
            ("read", self.read),
            ("parse", self.parse),
            ("analyze", self.analyze),
            ("lower", self.lower),
            ("render", self.render),
            ("write", self.write),
        ]
    }
}

/// Parses and analyzes a plan: the checked IR and its schedule when it has no errors, and
/// every diagnostic found.
#[must_use]
pub fn check(file: &SourceFile, loader: &dyn FileLoader) -> (Option<ir::Checked>, Diagnostics) {
    check_timed(file, loader, &mut Timings::default())
}

/// [`check`], adding the time of each stage to `timings`.
#[must_use]
pub fn check_timed(
    file: &SourceFile,
    loader: &dyn FileLoader,
    timings: &mut Timings,
) -> (Option<ir::Checked>, Diagnostics) {
    let (ir, diagnostics, _) = check_inner(file, loader, timings, false, true);
    (ir, diagnostics)
}

/// [`check_timed`], and the plan's names as analysis resolved them (declarations and every
/// use), also when the plan has errors: what an editor needs for navigation. The checked plan
/// keeps no states (`Checked::states` is empty; [`generate`] walks them when it needs them),
/// so a check on every keystroke copies no organization per phase.
#[must_use]
pub fn check_full(
    file: &SourceFile,
    loader: &dyn FileLoader,
    timings: &mut Timings,
) -> (Option<ir::Checked>, Diagnostics, analyze::Names) {
    check_inner(file, loader, timings, true, false)
}

/// [`check_full`]; the names of a plan with syntax errors only when `names` is set (resolving
/// them analyzes the well-formed part of the plan, which `check` and `compile` do not need),
/// the states after each phase only when `states` is.
fn check_inner(
    file: &SourceFile,
    loader: &dyn FileLoader,
    timings: &mut Timings,
    names: bool,
    states: bool,
) -> (Option<ir::Checked>, Diagnostics, analyze::Names) {
    let start = Instant::now();
    let (ast, mut diagnostics) = syntax::parse_recovering_with(file, loader);
    timings.parse += start.elapsed();
    let Some(ast) = ast else {
        return (None, diagnostics, analyze::Names::default());
    };
    if diagnostics.has_errors() {
        if !names {
            return (None, diagnostics, analyze::Names::default());
        }
        // The plan is not checked further (its diagnostics are the syntax stage's, as `check`
        // prints them), but the names of its well-formed statements are resolved, so an editor
        // navigates a plan while one statement is being typed.
        let (_, _, names) = analyze::analyze_with_names(&ast, file, Specs::embedded(), loader);
        return (None, diagnostics, names);
    }
    let start = Instant::now();
    let (ir, more, symbols) = analyze::analyze_with(&ast, file, Specs::embedded(), loader, states);
    diagnostics.extend(more);
    let Some(ir) = ir else {
        timings.analyze += start.elapsed();
        return (None, diagnostics, symbols);
    };
    // The output file names are checked here, not only when writing, so `check` refuses what
    // `compile` would.
    let names = lower::check_names(&ir.plan, &ir.schedule);
    let clean = !names.has_errors();
    diagnostics.extend(names);
    timings.analyze += start.elapsed();
    (clean.then_some(ir), diagnostics, symbols)
}

/// Compiles a plan to the files of its output folder (nothing is written here: see
/// [`output::write`]). `None` when the plan has errors.
#[must_use]
pub fn compile(
    file: &SourceFile,
    loader: &dyn FileLoader,
) -> (Option<Vec<OutputFile>>, Diagnostics) {
    compile_timed(file, loader, &mut Timings::default())
}

/// [`compile`], adding the time of each stage to `timings`.
#[must_use]
pub fn compile_timed(
    file: &SourceFile,
    loader: &dyn FileLoader,
    timings: &mut Timings,
) -> (Option<Vec<OutputFile>>, Diagnostics) {
    let (ir, mut diagnostics) = check_timed(file, loader, timings);
    let Some(ir) = ir else {
        return (None, diagnostics);
    };
    let lowered = generate_timed(&ir, timings);
    // Freeing the IR is part of lowering's cost, not hidden after the clock stops.
    let start = Instant::now();
    drop(ir);
    timings.lower += start.elapsed();
    match lowered {
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
    generate_timed(ir, &mut Timings::default())
}

/// [`generate`], and where each step's text landed in its script (what an editor shows for
/// the plan statement it carries out).
///
/// # Errors
/// As [`generate`].
pub fn generate_mapped(ir: &ir::Checked) -> Result<lower::Lowered, Diagnostics> {
    let states = states_of(ir);
    lower::lower_mapped(&ir.plan, &ir.schedule, &states, Specs::embedded())
}

/// The runbook's diagrams of a checked plan (what `exgen graph` prints).
#[must_use]
pub fn diagrams(ir: &ir::Checked) -> lower::Diagrams {
    let states = states_of(ir);
    lower::diagrams(&ir.plan, &ir.schedule, &states, Specs::embedded())
}

/// The states lowering renders (the runbook's "What users see"): those `ir` kept, or a walk of
/// its schedule when it kept none ([`check_full`]).
#[must_use]
pub fn states_of(ir: &ir::Checked) -> std::borrow::Cow<'_, [ir::state::State]> {
    if ir.states.is_empty() {
        let specs = Specs::embedded();
        std::borrow::Cow::Owned(analyze::model::walk(&ir.plan, &ir.schedule, specs).0)
    } else {
        std::borrow::Cow::Borrowed(&ir.states)
    }
}

/// [`generate`], adding the time of lowering and of rendering to `timings`.
///
/// # Errors
/// As [`generate`].
pub fn generate_timed(
    ir: &ir::Checked,
    timings: &mut Timings,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let start = Instant::now();
    let mut render = Duration::ZERO;
    let states = states_of(ir);
    let lowered = lower::lower_timed(
        &ir.plan,
        &ir.schedule,
        &states,
        Specs::embedded(),
        &mut render,
    );
    timings.render += render;
    timings.lower += start.elapsed().saturating_sub(render);
    lowered
}
