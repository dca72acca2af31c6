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
///
/// A UTF-16 position costs nothing on an ASCII line and, on others, counts on from the last
/// position asked on that line when it lies before (positions come in text order: tokens,
/// diagnostics), so converting every position of a long line stays linear.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Whether each line is ASCII (its UTF-16 column is its byte column).
    ascii: Vec<bool>,
    /// The last UTF-16 count made: line, byte offset, units from the line's start.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let starts = crate::source::line_starts(text);
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                text.as_bytes()[s..end].is_ascii()
            })
            .collect();
        Self {
            text,
            starts,
            ascii,
            last: std::cell::Cell::new((usize::MAX, 0, 0)),
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
        let start = self.starts[line];
        let character = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 if self.ascii[line] => offset - start,
            Encoding::Utf16 => {
                let (last_line, last_offset, last_units) = self.last.get();
                let (from, units) = if last_line == line && last_offset <= offset {
                    (last_offset, last_units)
                } else {
                    (start, 0)
                };
                let units = units
                    + self.text[from..offset]
                        .chars()
                        .map(char::len_utf16)
                        .sum::<usize>();
                self.last.set((line, offset, units));
                units
            }
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

    #[test]
    fn positions_asked_out_of_order_on_a_long_line_stay_right() {
        let line = "é😀x".repeat(1000);
        let index = LineIndex::new(&line);
        let expected = |offset: usize| line[..offset].encode_utf16().count() as u32;
        for offset in [7000, 14, 0, 6993, 7, 21, 7000] {
            assert_eq!(
                index.position(offset, Encoding::Utf16).character,
                expected(offset)
            );
        }
    }
}
