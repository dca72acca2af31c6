//! Diagnostics as JSON lines, in the spirit of cargo's `--message-format json`.

use super::excerpt::clamp;
use super::{labels, render_one, renderer};
use crate::diag::{Code, Diagnostic, Diagnostics, Label, Severity};
use crate::source::SourceFile;
use serde::Serialize;

/// One diagnostic as one JSON object.
#[derive(Serialize)]
struct Message<'a> {
    code: Code,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    spans: Vec<JsonSpan<'a>>,
    help: Option<&'a str>,
    /// The plain terminal rendering of this diagnostic alone.
    rendered: String,
}

/// A label with its position; lines and columns are 1-based, columns count characters.
#[derive(Serialize)]
struct JsonSpan<'a> {
    /// The file of a span that is not in the diagnostic's `file` (a plan and the files it
    /// includes); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    column_start: usize,
    line_end: usize,
    column_end: usize,
    is_primary: bool,
    label: &'a str,
}

/// Renders one JSON object per diagnostic, one per line. Each carries the code, severity,
/// message, file name (of the primary span: the plan, or the path of an included file from the
/// plan's folder), spans (primary first, with byte offsets into their file and 1-based lines
/// and character columns; a span in another file names it), help, and `rendered`: the plain
/// terminal text of that diagnostic.
#[must_use]
pub fn json(file: &SourceFile, diagnostics: &Diagnostics) -> String {
    let renderer = renderer(false);
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        let message = Message {
            code: diagnostic.code,
            severity: diagnostic.severity(),
            message: &diagnostic.message,
            file: file.locate(diagnostic.primary.span.start).file.name(),
            spans: spans(file, diagnostic),
            help: diagnostic.help.as_deref(),
            rendered: render_one(&renderer, file, diagnostic) + "\n",
        };
        // Serializing plain structs of strings and numbers to a String cannot fail.
        out.push_str(&serde_json::to_string(&message).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn spans<'a>(file: &'a SourceFile, diagnostic: &'a Diagnostic) -> Vec<JsonSpan<'a>> {
    let primary = file.locate(diagnostic.primary.span.start).base;
    labels(diagnostic)
        .map(|(label, is_primary)| span(file, primary, label, is_primary))
        .collect()
}

fn span<'a>(
    plan: &'a SourceFile,
    primary: usize,
    label: &'a Label,
    is_primary: bool,
) -> JsonSpan<'a> {
    let located = plan.locate(label.span.start);
    let file = located.file;
    let range = clamp(file, located.local(label.span));
    let start = file.line_col(range.start);
    let end = file.line_col(range.end);
    JsonSpan {
        file: (located.base != primary).then(|| file.name()),
        byte_start: range.start,
        byte_end: range.end,
        line_start: start.line,
        column_start: start.column,
        line_end: end.line,
        column_end: end.column,
        is_primary,
        label: &label.message,
    }
}
