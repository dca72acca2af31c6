//! Analysis: AST → validated IR, or diagnostics.
//!
//! Resolves names, decides defaults, and checks the plan against the version specs and the
//! migration rules. It keeps going after an error so one run reports everything it can; the
//! IR is returned only when no error was found.

mod csv;
mod items;
pub mod model;
mod names;
pub mod schedule;
mod topology;
mod versions;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir;
use crate::source::{SourceFile, Span};
use crate::specs::Specs;
use crate::syntax::ast;

pub use csv::{FileLoader, MAX_CSV_ROWS, ReadError};
pub use names::{Definition, NameKind, NameUse, Names};

/// Checks `plan`, builds its IR and schedules its steps. `loader` reads files the plan names
/// (CSV), relative to the plan's folder.
#[must_use]
pub fn analyze(
    plan: &ast::Plan,
    file: &SourceFile,
    specs: &Specs,
    loader: &dyn FileLoader,
) -> (Option<ir::Checked>, Diagnostics) {
    let (checked, diags, _) = analyze_with_names(plan, file, specs, loader);
    (checked, diags)
}

/// [`analyze`], and the plan's names as it resolved them (also when the plan has errors).
#[must_use]
pub fn analyze_with_names(
    plan: &ast::Plan,
    file: &SourceFile,
    specs: &Specs,
    loader: &dyn FileLoader,
) -> (Option<ir::Checked>, Diagnostics, Names) {
    analyze_with(plan, file, specs, loader, true)
}

/// [`analyze_with_names`]; when `keep_states` is false the organization's state after each
/// phase is not kept (`Checked::states` is empty: [`crate::generate`] walks them again): what
/// a check that writes nothing needs.
pub fn analyze_with(
    plan: &ast::Plan,
    file: &SourceFile,
    specs: &Specs,
    loader: &dyn FileLoader,
    keep_states: bool,
) -> (Option<ir::Checked>, Diagnostics, Names) {
    let mut cx = Cx {
        file,
        specs,
        loader,
        diags: Diagnostics::new(),
        csv: csv::prefetch(loader, plan),
        names: Names::default(),
    };
    let ir = build(&mut cx, plan);
    let names = std::mem::take(&mut cx.names);
    let mut diags = cx.diags;
    let checked = ir.filter(|_| !diags.has_errors()).map(|plan| {
        let (schedule, more) = schedule::schedule(&plan, specs);
        diags.extend(more);
        let (states, more) = model::walk_with(&plan, &schedule, specs, keep_states);
        diags.extend(more);
        ir::Checked {
            plan,
            schedule,
            states,
        }
    });
    diags.sort();
    if diags.has_errors() {
        (None, diags, names)
    } else {
        (checked, diags, names)
    }
}

/// Reads `bytes` as the CSV file a `csv` line names, with the checks analysis makes: the
/// number of mailbox rows, or the diagnostics saying why the file cannot be used. For the
/// `csv` fuzz target.
pub(crate) fn read_csv(bytes: &[u8]) -> (Option<usize>, Diagnostics) {
    /// Serves the same bytes for any path.
    struct Bytes<'a>(&'a [u8]);
    impl FileLoader for Bytes<'_> {
        fn read(&self, _path: &str) -> Result<Vec<u8>, ReadError> {
            Ok(self.0.to_vec())
        }
    }
    let text = "csv \"fuzz.csv\"";
    let file = SourceFile::new("fuzz.exm", text);
    let mut cx = Cx {
        file: &file,
        specs: Specs::embedded(),
        loader: &Bytes(bytes),
        diags: Diagnostics::new(),
        csv: std::collections::HashMap::new(),
        names: Names::default(),
    };
    let path = crate::source::Spanned::new("fuzz.csv".to_owned(), Span::new(4, text.len()));
    let rows = csv::load(&mut cx, &path).map(|csv| csv.rows);
    (rows, cx.diags)
}

/// Shared state of one analysis run.
pub(crate) struct Cx<'a> {
    pub file: &'a SourceFile,
    pub specs: &'a Specs,
    pub loader: &'a dyn FileLoader,
    pub diags: Diagnostics,
    /// The CSV files the plan names, read ahead ([`csv::prefetch`]).
    csv: std::collections::HashMap<String, csv::Loaded>,
    /// The plan's names as resolved, once the build is done.
    names: Names,
}

impl Cx<'_> {
    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// Where a statement starting at `span` came from: its file when it is an included one,
    /// its line and first line of text.
    pub fn origin(&self, span: Span) -> ir::Origin {
        const MAX: usize = 160;
        let located = self.file.locate(span.start);
        let file = located.file;
        let line = file.line_col(located.local(span).start).line;
        let text = file.line_text(line).trim();
        let text = if text.chars().count() > MAX {
            let cut: String = text.chars().take(MAX).collect();
            format!("{cut}…")
        } else {
            text.to_owned()
        };
        ir::Origin {
            file: located.included.map(|i| i.file.name().to_owned()),
            line,
            text,
            span,
        }
    }

    /// Reports E0501 for a construct exgen recognises but does not generate yet.
    pub fn not_generated(&mut self, span: Span, what: &str) {
        self.report(not_generated(span, what));
    }
}

/// E0501, the one place it is made: `what` is recognised but exgen does not generate it.
fn not_generated(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(Code::E0501, span, format!("{what} is not generated yet"))
        .with_label("recognised, but exgen cannot generate it in this version")
        .with_help("remove it from the plan and do this step by hand, or wait for a later exgen")
}

fn build(cx: &mut Cx<'_>, plan: &ast::Plan) -> Option<ir::Plan> {
    let symbols = names::collect(cx, plan);
    let ir = build_with(cx, plan, &symbols);
    cx.names = symbols.into_names();
    ir
}

fn build_with(cx: &mut Cx<'_>, plan: &ast::Plan, symbols: &names::Symbols<'_>) -> Option<ir::Plan> {
    let versions = versions::check(cx, plan, symbols)?;
    let topology = topology::check(cx, plan, symbols, &versions);
    items::build(cx, plan, symbols, versions, topology)
}
