//! The pre-scan: one linear pass over the text, before pest runs, that finds what a PEG
//! reports badly or dangerously: unterminated strings (E0101), unbalanced braces (E0102),
//! nesting deeper than [`MAX_DEPTH`] (E0103), characters a reviewer cannot see in a comment
//! or between tokens (E0116; those inside strings are E0115, checked with the value), and the
//! size limits: the text ([`MAX_PLAN_BYTES`], E0505), a line ([`MAX_LINE_BYTES`], E0124), the
//! number of statements ([`MAX_STATEMENTS`], E0125) and a word ([`MAX_WORD_BYTES`], E0126).
//!
//! pest recurses once per nested block, so deep input must never reach it (Windows gives the
//! main thread 1 MiB of stack); and the later stages keep memory in proportion to lines,
//! statements and words, so those are bounded here, in one pass that allocates nothing.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::escape;
use crate::source::Span;

/// The deepest nesting of `{` blocks a plan may use.
pub const MAX_DEPTH: usize = 32;

/// The largest plan text exgen reads: 16 MiB, four times a plan that lists 100,000 mailboxes
/// inline (longer lists belong in CSV files, which have their own limit). The command line
/// stops reading a plan file at this size; text from elsewhere (an editor) is checked here.
pub const MAX_PLAN_BYTES: usize = 16 * 1024 * 1024;

/// The longest line: 64 KiB. A real line is under 200 bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most statements in a plan: 500,000, five times a plan with 100,000 mailboxes inline.
pub const MAX_STATEMENTS: usize = 500_000;

/// The longest bare word (keyword, name, number): 255 bytes, the longest DNS name. Computer
/// names are 15; longer values are strings, bounded by the line.
pub const MAX_WORD_BYTES: usize = 255;

/// Scans `text`; an empty result means strings and braces are well formed and the text is
/// within the limits.
pub fn scan(text: &str) -> Diagnostics {
    let bytes = text.as_bytes();
    let mut diags = Diagnostics::new();
    if let Some(error) = too_large(text) {
        diags.push(error);
        return diags;
    }
    // A new line, `;`, `{` or `}` came last, so a word here starts a statement.
    let mut statement_start = true;
    let mut statements = 0;
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
            b'"' => {
                statement_start = false;
                i = skip_string(bytes, i, &mut diags);
            }
            b'{' => {
                statement_start = true;
                if open.len() == MAX_DEPTH {
                    diags.push(too_deep(i));
                    return diags;
                }
                open.push((i, indent(bytes, i).0));
                i += 1;
            }
            b'}' => {
                statement_start = true;
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
            b'\n' | b'\r' | b';' => {
                statement_start = true;
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            b if is_word_byte(b) => {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| !is_word_byte(b))
                    .map_or(bytes.len(), |n| i + n);
                if end - i > MAX_WORD_BYTES {
                    diags.push(too_long_word(i, end));
                }
                if statement_start && (b.is_ascii_alphanumeric() || b == b'_') {
                    statements += 1;
                    if statements > MAX_STATEMENTS {
                        diags.push(too_many_statements(i, end));
                        return diags;
                    }
                }
                statement_start = false;
                i = end;
            }
            _ => {
                statement_start = false;
                i += 1;
            }
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

/// A byte a bare word may hold (`word_char` in the grammar).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// E0505 for text larger than [`MAX_PLAN_BYTES`], else E0124 for the first line longer than
/// [`MAX_LINE_BYTES`]: either means the rest of the text is not worth reading.
fn too_large(text: &str) -> Option<Diagnostic> {
    if text.len() > MAX_PLAN_BYTES {
        return Some(
            Diagnostic::new(
                Code::E0505,
                Span::new(0, 0),
                format!(
                    "the plan is {} MiB, more than the {} MiB exgen reads",
                    text.len().div_ceil(1024 * 1024),
                    MAX_PLAN_BYTES / (1024 * 1024)
                ),
            )
            .with_label("the plan starts here")
            .with_help("list long mailbox lists in CSV files (`csv \"wave1.csv\"`), not inline"),
        );
    }
    let mut start = 0;
    for line in text.split(['\n', '\r']) {
        if line.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            let at = start + cut;
            return Some(
                Diagnostic::new(
                    Code::E0124,
                    Span::new(at, at),
                    format!(
                        "a line of {} bytes, longer than the {MAX_LINE_BYTES} exgen reads",
                        line.len()
                    ),
                )
                .with_label("the line goes on past here")
                .with_help(
                    "break it into one statement per line; a long mailbox list belongs in a CSV file",
                ),
            );
        }
        start += line.len() + 1;
    }
    None
}

fn too_many_statements(start: usize, end: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0125,
        Span::new(start, end),
        format!("more than {MAX_STATEMENTS} statements"),
    )
    .with_label("exgen stops reading here")
    .with_help("list mailboxes in CSV files (`csv \"wave1.csv\"`) instead of one statement each")
}

fn too_long_word(start: usize, end: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0126,
        Span::new(start, end),
        format!("a word of {} characters, longer than {MAX_WORD_BYTES}", end - start),
    )
    .with_label("this word")
    .with_help(
        "names are at most 15 characters for computers and 255 for domains; put free text in quotes",
    )
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
