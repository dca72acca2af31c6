//! The pre-scan: one linear pass over the text, before pest runs, that finds what a PEG
//! reports badly or dangerously: unterminated strings (E0101), unbalanced braces (E0102),
//! nesting deeper than [`MAX_DEPTH`] (E0103), and characters a reviewer cannot see in a
//! comment or between tokens (E0116; those inside strings are E0115, checked with the value).
//!
//! pest recurses once per nested block, so deep input must never reach it (Windows gives the
//! main thread 1 MiB of stack).

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::escape;
use crate::source::Span;

/// The deepest nesting of `{` blocks a plan may use.
pub const MAX_DEPTH: usize = 32;

/// Scans `text`; an empty result means strings and braces are well formed.
pub fn scan(text: &str) -> Diagnostics {
    let bytes = text.as_bytes();
    let mut diags = Diagnostics::new();
    // Each open `{` with the indentation of its line. A `}` that starts a line indented
    // differently from its `{` hints that an earlier block was left open: that `{` is the
    // likely culprit when braces do not balance.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut suspect: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                let end = line_end(bytes, i);
                hidden_outside_strings(text, i, end, "a comment", &mut diags);
                i = end;
            }
            b if b >= 0x80 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F => {
                // Outside strings and comments the grammar takes only ASCII (and a leading
                // byte order mark); a hidden character here is reported as such, others are
                // left to the grammar (E0100).
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                if i > 0 || !text.starts_with('\u{FEFF}') {
                    hidden_outside_strings(text, i, i + len, "the space between words", &mut diags);
                }
                i += len;
            }
            b'"' => i = skip_string(bytes, i, &mut diags),
            b'{' => {
                if open.len() == MAX_DEPTH {
                    diags.push(too_deep(i));
                    return diags;
                }
                open.push((i, indent(bytes, i).0));
                i += 1;
            }
            b'}' => {
                let popped = open.pop();
                if let (Some((start, want)), (have, true)) = (popped, indent(bytes, i))
                    && want != have
                    && suspect.is_none()
                {
                    suspect = Some(start);
                }
                if popped.is_none() {
                    diags.push(
                        Diagnostic::new(Code::E0102, Span::new(i, i + 1), "unmatched `}`")
                            .with_label("no `{` is open here")
                            .with_help("remove this `}`, or add the `{` it should close"),
                    );
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    // A string left open swallows the rest of its line, braces included: counting those
    // braces would only add noise.
    if let (Some(&(innermost, _)), false) = (open.last(), diags.has_errors()) {
        diags.push(unclosed(suspect.unwrap_or(innermost), open.len()));
    }
    diags
}

/// The indentation (in bytes) of the line holding `i`, and whether only indentation
/// comes before `i` on that line.
fn indent(bytes: &[u8], i: usize) -> (usize, bool) {
    let start = bytes[..i]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |n| n + 1);
    let width = bytes[start..i]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (width, start + width == i)
}

/// E0116 for each hidden character in `text[start..end]`, part of a comment or of the space
/// between tokens (`place`).
fn hidden_outside_strings(
    text: &str,
    start: usize,
    end: usize,
    place: &str,
    diags: &mut Diagnostics,
) {
    for (offset, c) in text[start..end].char_indices() {
        if !escape::is_hidden(c) {
            continue;
        }
        let at = start + offset;
        diags.push(
            Diagnostic::new(
                Code::E0116,
                Span::new(at, at + c.len_utf8()),
                format!(
                    "an invisible character, {}, in {place}",
                    crate::syntax::values::describe_hidden(c)
                ),
            )
            .with_label("invisible character here")
            .with_help(
                "delete it: a reviewer cannot see it, and a bidi control makes the line show something other than what it holds (\"Trojan Source\")",
            ),
        );
    }
}

/// Index of the line break ending the line that holds `i` (or the text's end).
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |n| i + n)
}

/// Skips the string starting at the quote `start`; returns the index after it.
fn skip_string(bytes: &[u8], start: usize, diags: &mut Diagnostics) -> usize {
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
            Some(b'"') => return i + 1,
            Some(b'\n' | b'\r') | None => {
                diags.push(
                    Diagnostic::new(Code::E0101, Span::new(start, i), "unterminated string")
                        .with_label("this string is not closed on its line")
                        .with_help("close it with `\"`, and write `\"\"` for a quote inside"),
                );
                return i;
            }
            Some(_) => i += 1,
        }
    }
}

fn too_deep(at: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        Span::new(at, at + 1),
        format!("blocks are nested more than {MAX_DEPTH} deep"),
    )
    .with_label("this `{` is too deep")
    .with_help("a plan needs only a few levels of blocks; close the blocks above this one")
}

fn unclosed(at: usize, count: usize) -> Diagnostic {
    let help = if count == 1 {
        "add a `}` to close it".to_owned()
    } else {
        format!("{count} blocks are still open at the end of the file; add a `}}` for each")
    };
    Diagnostic::new(Code::E0102, Span::new(at, at + 1), "unclosed `{`")
        .with_label("this block is never closed")
        .with_help(help)
}
