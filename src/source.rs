//! Source files and byte spans: where every diagnostic points.
//!
//! Spans are byte offsets into one [`SourceFile`]; lines and columns are computed only when a
//! diagnostic is rendered (terminal, JSON or editor), never stored.
//!
//! A plan split with `include` is still one offset space, as rustc's source map is: the main
//! file's text takes offsets `0..len`, and each included file ([`Included`]) a range of its own
//! after it, so a [`Span`] stays two offsets and every stage after the syntax stage is unchanged.
//! [`SourceFile::locate`] says which file an offset is in.

use serde::Serialize;
use std::sync::OnceLock;

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

/// A plan's text with its name and a line index, and the files its `include` statements
/// brought in once it has been parsed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// The included files, set by the first parse that reads them ([`crate::syntax`]): every
    /// later reader of this value (renderers, origins, the editor) finds their text here.
    included: OnceLock<Vec<Included>>,
}

/// A file an `include` statement brought into the plan.
#[derive(Debug, Clone)]
pub struct Included {
    /// The offset its first byte has in the plan's offset space.
    pub base: usize,
    /// Its text, named by its path from the main plan's folder with `/` (`sites/emea.exm`).
    pub file: SourceFile,
    /// The `include` statement that named it (global span).
    pub from: Span,
    /// E0104 (local span) when its bytes are not text: it is then not parsed.
    pub not_text: Option<crate::diag::Diagnostic>,
}

/// Where a global offset is: the file holding it and the offset in that file's text.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// The file (the main plan, or an included file named by its path).
    pub file: &'a SourceFile,
    /// The offset of the file's first byte in the plan's offset space.
    pub base: usize,
    /// The included file, `None` for the main plan.
    pub included: Option<&'a Included>,
}

impl Located<'_> {
    /// `span` as offsets into [`Located::file`]'s text.
    #[must_use]
    pub fn local(&self, span: Span) -> Span {
        Span::new(
            span.start.saturating_sub(self.base),
            span.end.saturating_sub(self.base),
        )
    }
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
            included: OnceLock::new(),
        }
    }

    /// The files the plan's `include` statements brought in, in the order they were read
    /// (empty before the plan is parsed, and for a plan without `include`).
    #[must_use]
    pub fn included(&self) -> &[Included] {
        self.included.get().map_or(&[], Vec::as_slice)
    }

    /// Records the included files, once: a later parse of the same value reads the files
    /// recorded here ([`crate::syntax`]), so its offsets are the same.
    pub(crate) fn set_included(&self, included: Vec<Included>) {
        let _ = self.included.set(included);
    }

    /// Whether the included files were already recorded.
    pub(crate) fn has_included(&self) -> bool {
        self.included.get().is_some()
    }

    /// The file holding global `offset`: the included file whose range holds it (an offset
    /// one past its end included), else the main plan.
    #[must_use]
    pub fn locate(&self, offset: usize) -> Located<'_> {
        let included = self.included();
        let after = included.partition_point(|i| i.base <= offset);
        match after.checked_sub(1).map(|i| &included[i]) {
            Some(part) if offset <= part.base + part.file.text.len() => Located {
                file: &part.file,
                base: part.base,
                included: Some(part),
            },
            _ => Located {
                file: self,
                base: 0,
                included: None,
            },
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
    fn an_offset_is_located_in_the_file_whose_range_holds_it() {
        let plan = SourceFile::new("p.exm", "plan \"P\" {\n  include \"a.exm\"\n}\n");
        let (a_text, b_text) = ("site \"A\" { }\n", "x\ny\n");
        let a_base = plan.text().len() + 1;
        let b_base = a_base + a_text.len() + 1;
        let part = |base, name: &str, text: &str| Included {
            base,
            file: SourceFile::new(name, text),
            from: Span::new(13, 28),
            not_text: None,
        };
        plan.set_included(vec![
            part(a_base, "a.exm", a_text),
            part(b_base, "s/b.exm", b_text),
        ]);
        assert!(plan.locate(0).included.is_none());
        assert!(plan.locate(a_base - 1).included.is_none(), "the plan's end");
        let a = plan.locate(a_base + 5);
        assert_eq!((a.file.name(), a.base), ("a.exm", a_base));
        assert_eq!(a.local(Span::new(a_base + 5, a_base + 8)), Span::new(5, 8));
        assert_eq!(plan.locate(b_base - 1).file.name(), "a.exm", "its end");
        let b = plan.locate(b_base + 2);
        assert_eq!(b.file.name(), "s/b.exm");
        assert_eq!(
            b.file
                .line_col(b.local(Span::new(b_base + 2, b_base + 2)).start)
                .line,
            2
        );
        assert_eq!(
            plan.locate(usize::MAX).file.name(),
            "p.exm",
            "past every file"
        );
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let file = SourceFile::new("p.exm", "é");
        assert_eq!(file.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(99), LineCol { line: 1, column: 2 });
    }
}
