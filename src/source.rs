//! Source files and byte spans: where every diagnostic points.
//!
//! Spans are byte offsets into one [`SourceFile`]; lines and columns are computed only when a
//! diagnostic is rendered (terminal, JSON or editor), never stored.

use serde::Serialize;

/// A half-open byte range `start..end` in the plan's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A value together with the span of the plan text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `node` with its span.
    pub const fn new(node: T, span: Span) -> Self {
        Self { node, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.node
    }
}

/// A 1-based line and column; the column counts characters (not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A plan's text with its name and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

/// The byte offset where each line of `text` starts: a line ends at LF, CRLF or a CR alone
/// (the grammar's `sep`, and the LSP's line breaks).
#[must_use]
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    std::iter::once(0)
        .chain(bytes.iter().enumerate().filter_map(|(i, &b)| {
            let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            ends.then_some(i + 1)
        }))
        .collect()
}

impl SourceFile {
    /// Indexes `text`, known to the user as `name` (a file name, without directories, in output).
    /// A line ends at LF, CRLF or a CR alone (old Mac files), as the grammar's `sep` has it.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = line_starts(&text);
        Self {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Decodes a plan read from disk. Text that is not UTF-8, or holds NUL bytes (a binary
    /// file), is still indexed (lossily) so the returned E0104 diagnostic can point into it.
    #[must_use]
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: &[u8],
    ) -> (Self, Option<crate::diag::Diagnostic>) {
        use crate::diag::{Code, Diagnostic};
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                let file = Self::new(name, text);
                let diagnostic = text.find('\0').map(|at| {
                    Diagnostic::new(
                        Code::E0104,
                        Span::new(at, at + 1),
                        "the plan holds a NUL byte: this is not a text file",
                    )
                    .with_label("NUL byte")
                    .with_help("a plan is UTF-8 text; check that this is the right file")
                });
                (file, diagnostic)
            }
            Err(e) => {
                let at = e.valid_up_to();
                let len = e.error_len().unwrap_or(bytes.len() - at);
                let file = Self::new(name, String::from_utf8_lossy(bytes).into_owned());
                let diagnostic = Diagnostic::new(
                    Code::E0104,
                    Span::new(at, at + 1),
                    format!(
                        "the plan is not UTF-8 text: byte 0x{:02X} at offset {at}",
                        bytes[at]
                    ),
                )
                .with_label(format!("{len} byte(s) that are not UTF-8"))
                .with_help(
                    "save the plan as UTF-8 (it may be in a legacy code page, or not a text file)",
                );
                (file, Some(diagnostic))
            }
        }
    }

    /// The name the plan is known by.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers (empty when the span is out of range).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// 0-based index of the line holding byte `offset`.
    #[must_use]
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and character column of byte `offset` (clamped to the text).
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// 0-based line and UTF-16 column of byte `offset`, as the Language Server Protocol counts.
    #[must_use]
    pub fn line_utf16(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        (line, self.text[start..offset].encode_utf16().count())
    }

    /// The text of 1-based line `line`, without its line break.
    #[must_use]
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where 0-based line `index` starts; the text's length past the last line.
    #[must_use]
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// `offset` moved back onto a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("p.exm", "ab\nçé x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        let x = file.text().find('x').unwrap();
        assert_eq!(file.line_col(x), LineCol { line: 2, column: 4 });
        assert_eq!(file.line_text(2), "çé x");
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines() {
        let file = SourceFile::new("p.exm", "a\rb\r\nc\nd");
        assert_eq!(file.line_count(), 4);
        for (line, text) in ["a", "b", "c", "d"].iter().enumerate() {
            let at = file.text().find(text).unwrap();
            assert_eq!(
                file.line_col(at),
                LineCol {
                    line: line + 1,
                    column: 1
                }
            );
            assert_eq!(file.line_text(line + 1), *text);
        }
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let file = SourceFile::new("p.exm", "é");
        assert_eq!(file.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(99), LineCol { line: 1, column: 2 });
    }
}
