//! The syntax stage: plan text → typed [`ast::Plan`] with spans, or coded diagnostics
//! (E0100–E0126).
//!
//! Three steps: a linear pre-scan for strings, braces and nesting depth (`scan`); a pest
//! parse into generic `keyword argument* block?` statements (`parser`); and the schema
//! layer that checks keywords and arguments and builds the AST (`build`). [`format()`] lays a
//! plan out canonically from the same reading (`exgen fmt`, the language server's formatting).

mod args;
pub mod ast;
mod build;
mod format;
mod include;
mod lexer;
mod migration;
pub mod outline;
pub(crate) mod parser;
mod scan;
pub mod schema;
mod services;
pub(crate) mod stmt;
mod topology;
pub mod values;

pub use format::format;
pub use include::{MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES};
pub use scan::{MAX_DEPTH, MAX_LINE_BYTES, MAX_PLAN_BYTES, MAX_STATEMENTS, MAX_WORD_BYTES};

#[cfg(test)]
mod tests;

/// Whether the fast reader ([`lexer`]) and pest read `text` alike: both refuse it, or both
/// accept it with the same statements and spans. Only for text the pre-scan passes, as in
/// [`parse`] (pest is never run on text nested deeper than the scan allows). For the
/// `reader_agrees` fuzz target; `true` when the scan refuses the text.
pub(crate) fn readers_agree(text: &str) -> bool {
    if scan::scan(text).has_errors() {
        return true;
    }
    lexer::statements(text) == parser::pest_statements(text).ok()
}

use crate::diag::Diagnostics;
use crate::source::SourceFile;
use crate::{FileLoader, ReadError};

/// The loader of a parse that reads no files: text from somewhere that is not a folder.
struct NoFiles;

impl FileLoader for NoFiles {
    fn read(&self, _path: &str) -> Result<Vec<u8>, ReadError> {
        Err(ReadError::Unreadable(
            "included files are read only when the plan is checked from its folder".to_owned(),
        ))
    }
}

/// Whether the pre-scan refuses `text` (unbalanced braces, an unterminated string, a limit, a
/// hidden character): what the readers never see.
#[must_use]
pub(crate) fn scan_has_errors(text: &str) -> bool {
    scan::scan(text).has_errors()
}

/// Parses a plan whose `include` statements are not read: each is reported as unreadable
/// (E0128). Returns the plan when there are no errors; the diagnostics hold every error found
/// in one pass. Never panics, whatever the input.
#[must_use]
pub fn parse(file: &SourceFile) -> (Option<ast::Plan>, Diagnostics) {
    parse_with(file, &NoFiles)
}

/// [`parse`], reading the files the plan's `include` statements name through `loader`
/// (relative to the main plan's folder). The files read are recorded in `file`
/// ([`SourceFile::included`]), where diagnostics and origins find them.
#[must_use]
pub fn parse_with(file: &SourceFile, loader: &dyn FileLoader) -> (Option<ast::Plan>, Diagnostics) {
    let (plan, diags) = parse_recovering_with(file, loader);
    if diags.has_errors() {
        (None, diags)
    } else {
        (plan, diags)
    }
}

/// [`parse`], keeping the plan also when the schema found errors: the plan of the statements
/// that were well formed (a statement with an error is left out, whole). `None` when the text
/// cannot be read as statements at all. For editors, which resolve the names of a plan being
/// typed; compilation uses [`parse`]. `include` statements are not read (E0128).
#[must_use]
pub fn parse_recovering(file: &SourceFile) -> (Option<ast::Plan>, Diagnostics) {
    parse_recovering_with(file, &NoFiles)
}

/// Whether `text` reads as a file a plan includes: statements, none of them a `plan`, the
/// first one a statement of a plan block. An editor checks such a file on its own with
/// [`check_included`] rather than as a plan.
#[must_use]
pub fn is_included_file(text: &str) -> bool {
    // Without reading it twice, a plan is told by a line that starts with `plan` (no other
    // keyword does), which every plan has.
    let starts_plan = |line: &str| {
        let line = line.trim_start().as_bytes();
        line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"plan")
    };
    if text.lines().any(starts_plan) || scan::scan(text).has_errors() {
        return false;
    }
    let Ok(stmts) = parser::parse_statements(text) else {
        return false;
    };
    let plan_keywords = schema::BlockKind::Plan.keywords();
    stmts.iter().all(|s| s.key() != "plan")
        && stmts
            .first()
            .is_some_and(|s| plan_keywords.contains(&s.key().as_str()))
}

/// The syntax stage's diagnostics of a file a plan includes, checked on its own: its
/// statements as those of a plan block. Its `include`s are checked as written but not read,
/// and nothing is checked that needs the whole plan (names, versions, order): the plan that
/// includes the file does that.
#[must_use]
pub fn check_included(file: &SourceFile) -> Diagnostics {
    let text = file.text();
    let mut diags = scan::scan(text);
    if diags.has_errors() {
        return diags;
    }
    let stmts = match parser::parse_statements(text) {
        Ok(stmts) => stmts,
        Err(diag) => return (*diag).into(),
    };
    let plan = include::fragment(stmts, text.len(), &mut diags);
    let mut builder = build::Builder { diags };
    let _ = build::build_file(&mut builder, &[plan], text.len());
    let mut diags = builder.diags;
    diags.sort();
    diags
}

/// [`parse_recovering`], reading included files through `loader` as [`parse_with`] does.
#[must_use]
pub fn parse_recovering_with(
    file: &SourceFile,
    loader: &dyn FileLoader,
) -> (Option<ast::Plan>, Diagnostics) {
    let text = file.text();
    let mut diags = scan::scan(text);
    if diags.has_errors() {
        return (None, diags);
    }
    let mut stmts = match parser::parse_statements(text) {
        Ok(stmts) => stmts,
        Err(diag) => return (None, (*diag).into()),
    };
    include::expand(file, loader, &mut stmts, &mut diags);
    let mut builder = build::Builder { diags };
    let plan = build::build_file(&mut builder, &stmts, text.len());
    let mut diags = builder.diags;
    diags.sort();
    (plan, diags)
}
