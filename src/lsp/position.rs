//! Byte offsets in a document ↔ LSP positions: a line (LF, CRLF or a CR alone ends one, as the
//! LSP says) and a character counted in the negotiated encoding, UTF-8 bytes or UTF-16 code
//! units.

use lsp_types::Position;

/// How a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8, when the client offers it.
    Utf8,
    /// UTF-16 code units: the LSP's default, what every client supports.
    Utf16,
}

/// A document's text with the byte offset of each line's start.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: crate::source::line_starts(text),
        }
    }

    /// The position of byte `offset` (clamped to the text and to a character boundary).
    #[must_use]
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let prefix = &self.text[self.starts[line]..offset];
        let character = match encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }
}

impl LineIndex<'_> {
    /// The range of `span`.
    #[must_use]
    pub fn range(&self, span: crate::source::Span, encoding: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(span.start, encoding),
            self.position(span.end, encoding),
        )
    }

    /// The byte offset of `position` (a character past the line's end is its end; a line past
    /// the last is `None`).
    #[must_use]
    pub fn offset(&self, position: Position, encoding: Encoding) -> Option<usize> {
        let line = usize::try_from(position.line).ok()?;
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = &self.text[start..end];
        let want = usize::try_from(position.character).ok()?;
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= want || c == '\n' || c == '\r' {
                return Some(start + i);
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_count_in_the_negotiated_encoding() {
        // é is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 units; 中 is 3 bytes and 1 unit.
        let text = "ab\r\né😀中x\rlast";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(x, Encoding::Utf16), Position::new(1, 4));
        assert_eq!(index.position(x, Encoding::Utf8), Position::new(1, 9));
        // CRLF is one line break; a CR alone is another.
        assert_eq!(
            index.position(text.find("last").unwrap(), Encoding::Utf16),
            Position::new(2, 0)
        );
        // A byte order mark is a character of the first line.
        let bom = LineIndex::new("\u{FEFF}plan");
        assert_eq!(bom.position(3, Encoding::Utf16), Position::new(0, 1));
        // Past the end, or inside a character: clamped.
        assert_eq!(index.position(999, Encoding::Utf8), Position::new(2, 4));
        assert_eq!(index.position(5, Encoding::Utf16), Position::new(1, 0));
        // And back.
        assert_eq!(index.offset(Position::new(1, 4), Encoding::Utf16), Some(x));
        assert_eq!(index.offset(Position::new(1, 9), Encoding::Utf8), Some(x));
        assert_eq!(index.offset(Position::new(0, 99), Encoding::Utf8), Some(2));
        assert_eq!(index.offset(Position::new(9, 0), Encoding::Utf8), None);
    }
}
