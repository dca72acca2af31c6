//! The syntax stage: plan text → typed [`ast::Plan`] with spans, or coded diagnostics
//! (E0100–E0126).
//!
//! Three steps: a linear pre-scan for strings, braces and nesting depth (`scan`); a pest
//! parse into generic `keyword argument* block?` statements (`parser`); and the schema
//! layer that checks keywords and arguments and builds the AST (`build`).

mod args;
pub mod ast;
mod build;
mod lexer;
mod migration;
mod parser;
mod scan;
mod schema;
mod services;
mod stmt;
mod topology;
pub mod values;

pub use scan::{MAX_DEPTH, MAX_LINE_BYTES, MAX_PLAN_BYTES, MAX_STATEMENTS, MAX_WORD_BYTES};

#[cfg(test)]
mod tests;

use crate::diag::Diagnostics;
use crate::source::SourceFile;

/// Parses a plan. Returns the plan when there are no errors; the diagnostics hold every
/// error found in one pass. Never panics, whatever the input.
#[must_use]
pub fn parse(file: &SourceFile) -> (Option<ast::Plan>, Diagnostics) {
    let text = file.text();
    let diags = scan::scan(text);
    if diags.has_errors() {
        return (None, diags);
    }
    let stmts = match parser::parse_statements(text) {
        Ok(stmts) => stmts,
        Err(diag) => return (None, diag.into()),
    };
    let mut builder = build::Builder { diags };
    let plan = build::build_file(&mut builder, &stmts, text.len());
    let mut diags = builder.diags;
    diags.sort();
    if diags.has_errors() {
        (None, diags)
    } else {
        (plan, diags)
    }
}
