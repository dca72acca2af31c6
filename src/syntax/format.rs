//! The canonical layout of a plan: plan text → the same plan laid out as `exgen fmt` and the
//! language server's formatting write it, or the syntax stage's diagnostics when it does not
//! parse. The rules are in docs/language.md ("Layout"); in short:
//!
//! - one statement per line, indented two spaces per block; a block written on one line
//!   (`{ a; b }`) stays on one line, any other gets its statements on lines of their own and
//!   its `}` on a line of its own;
//! - the spaces the author put between the words of a statement, before a `{` and before a
//!   comment are kept (plans line values and comments up in columns), at least one, a tab
//!   counting to the next multiple of 8 columns; none before a `,` or `;`;
//! - at most one blank line in a row, none at the start or end of a block or of the plan;
//! - no spaces at the end of a line, a line break after the last; every line break the kind
//!   most of the plan's are (CRLF or LF); a byte order mark stays;
//! - every comment, string, word and comma stays as written, in order; `;` and line breaks
//!   are separators and are written where the layout puts them.
//!
//! The text is first read by the syntax stage (pre-scan and grammar), so a plan it refuses is
//! refused here with the same diagnostics. The layout is then computed from the tokens, and
//! the result read again: the same statements, arguments and comments, or E9001.

mod layout;
mod print;
#[cfg(test)]
mod tests;

use super::scan::{self, MAX_LINE_BYTES, MAX_PLAN_BYTES};
use super::stmt::Stmt;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;

const BOM: &str = "\u{FEFF}";

/// `text` in the canonical layout. Equal to `text` when it is already canonical.
///
/// # Errors
/// The syntax stage's diagnostics (E0100–E0103, E0116, E0124–E0126, E0505) when the text does
/// not parse; E0124 or E0505 when its layout would make a line or the plan longer than exgen
/// reads; E9001 if the layout would change what the plan says (a bug in exgen).
pub fn format(text: &str) -> Result<String, Diagnostics> {
    let scanned = scan::scan(text);
    if scanned.has_errors() {
        return Err(scanned);
    }
    let statements = super::parser::parse_statements(text).map_err(|d| Diagnostics::from(*d))?;
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let tokens = layout::tokens(body);
    let items =
        layout::read(&tokens).ok_or_else(|| changed("its statements cannot be laid out"))?;
    let lines = print::lines(&items);
    let newline = dominant_line_break(body);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    out.push_str(bom);
    for line in &lines {
        out.push_str(&line.text);
        out.push_str(newline);
    }
    // The pre-scan counts a byte order mark as part of the first line.
    let too_long = lines.iter().enumerate().find_map(|(i, line)| {
        let len = line.text.len() + if i == 0 { bom.len() } else { 0 };
        (len > MAX_LINE_BYTES).then_some((line.at, len))
    });
    if let Some((at, len)) = too_long {
        return Err(too_long_line(bom.len() + at, len).into());
    }
    if out.len() > MAX_PLAN_BYTES {
        return Err(too_large(out.len()).into());
    }
    verify(&statements, &tokens, &out)?;
    Ok(out)
}

/// `"\r\n"` when most line breaks of `text` are CRLF, else `"\n"` (also for a CR alone).
fn dominant_line_break(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    let breaks = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() - crlf;
    if crlf * 2 > breaks { "\r\n" } else { "\n" }
}

/// Reads the formatted text `out` again: it must hold the statements of the text read
/// (keywords, arguments and blocks, in order) and its comments, word for word.
fn verify(statements: &[Stmt], tokens: &[layout::Token<'_>], out: &str) -> Result<(), Diagnostics> {
    if scan::scan(out).has_errors() {
        return Err(changed("the result does not pass the pre-scan").into());
    }
    let again = super::parser::parse_statements(out)
        .map_err(|_| Diagnostics::from(changed("the result does not parse")))?;
    if !same_statements(statements, &again) {
        return Err(changed("its statements would change").into());
    }
    let comments = |tokens: &[layout::Token<'_>]| -> Vec<String> {
        tokens
            .iter()
            .filter(|t| t.kind == layout::Kind::Comment)
            .map(|t| t.text.to_owned())
            .collect()
    };
    let out_tokens = layout::tokens(out.strip_prefix(BOM).unwrap_or(out));
    if comments(tokens) != comments(&out_tokens) {
        return Err(changed("its comments would change").into());
    }
    Ok(())
}

/// The same statements, ignoring where they are written.
fn same_statements(a: &[Stmt], b: &[Stmt]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.keyword == b.keyword
                && a.args.len() == b.args.len()
                && a.args
                    .iter()
                    .zip(&b.args)
                    .all(|(x, y)| x.kind == y.kind && x.text == y.text)
                && match (&a.block, &b.block) {
                    (Some(x), Some(y)) => same_statements(&x.stmts, &y.stmts),
                    (None, None) => true,
                    _ => false,
                }
        })
}

/// E9001: the layout would not say what the plan says.
fn changed(why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E9001,
        Span::new(0, 0),
        format!("exgen cannot format this plan: {why}; this is a bug in exgen"),
    )
    .with_label("the plan is left as it is")
    .with_help("please report it with the plan; `exgen check` and `exgen compile` are not affected")
}

fn too_long_line(at: usize, len: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0124,
        Span::new(at, at),
        format!(
            "formatted, this line would be {len} bytes, longer than the {MAX_LINE_BYTES} exgen reads"
        ),
    )
    .with_label("this line, once indented")
    .with_help("break it into one statement per line; a long mailbox list belongs in a CSV file")
}

fn too_large(len: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0505,
        Span::new(0, 0),
        format!(
            "formatted, the plan would be {} MiB, more than the {} MiB exgen reads",
            len.div_ceil(1024 * 1024),
            MAX_PLAN_BYTES / (1024 * 1024)
        ),
    )
    .with_label("the plan starts here")
    .with_help("list long mailbox lists in CSV files (`csv \"wave1.csv\"`), not inline")
}
