//! Byte offsets to line/column, and small text helpers shared by the checks.

/// Line starts of a text, to turn byte offsets into 1-based line and character column.
pub(crate) struct Lines<'a> {
    data: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            data.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { data, starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters. An offset
    /// inside a multi-byte character (a masked typographic character) points at it.
    pub(crate) fn pos(&self, off: usize) -> (usize, usize) {
        let off = off.min(self.data.len());
        let li = self.starts.partition_point(|&s| s <= off) - 1;
        let ls = self.starts[li];
        let col = self.data[ls..off]
            .iter()
            .filter(|&&b| (b & 0xc0) != 0x80)
            .count();
        // A lead byte whose character is cut off at `off` is not a whole character.
        let partial = match self.data[ls..off].iter().rposition(|&b| b >= 0xc0) {
            Some(i) => {
                let lead = self.data[ls + i];
                let need = if lead >= 0xf0 {
                    4
                } else if lead >= 0xe0 {
                    3
                } else {
                    2
                };
                usize::from(off - (ls + i) < need)
            }
            None => 0,
        };
        (li + 1, col - partial + 1)
    }

    /// Byte range of the whole lines covering `[start, end)`.
    pub(crate) fn line_span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.data[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let from = end.saturating_sub(1).max(start);
        let e = self.data[from.min(self.data.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.data.len(), |i| from + i);
        (s, e)
    }
}

/// Text of a byte range, decoded leniently (a range may cut a masked character).
pub(crate) fn lossy(data: &[u8], start: usize, end: usize) -> String {
    String::from_utf8_lossy(&data[start.min(data.len())..end.min(data.len())]).into_owned()
}

/// Python's `str.splitlines()[0]` of a non-empty text.
pub(crate) fn first_line(s: &str) -> &str {
    let end = s
        .find([
            '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}', '\u{2028}', '\u{2029}',
        ])
        .unwrap_or(s.len());
    &s[..end]
}

/// Python's `str.strip()` (which also strips the ASCII separators U+001C..U+001F).
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// Whether a byte is ASCII whitespace as Python's `bytes.strip()` sees it.
pub(crate) fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// One byte of Windows-1252 as a character (U+FFFD for the five undefined bytes).
pub(crate) fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{fffd}', '\u{201a}', '\u{0192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02c6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{fffd}',
        '\u{017d}', '\u{fffd}', '\u{fffd}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02dc}', '\u{2122}', '\u{0161}', '\u{203a}',
        '\u{0153}', '\u{fffd}', '\u{017e}', '\u{0178}',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_point_at_cut_characters() {
        let data = "a\u{2013}b\nx".as_bytes();
        let lines = Lines::new(data);
        assert_eq!(lines.pos(0), (1, 1));
        assert_eq!(lines.pos(1), (1, 2));
        assert_eq!(lines.pos(3), (1, 2)); // third byte of the dash: still the dash
        assert_eq!(lines.pos(4), (1, 3));
        assert_eq!(lines.pos(6), (2, 1));
    }

    #[test]
    fn line_span_covers_whole_lines() {
        let data = b"ab\ncd\nef";
        let lines = Lines::new(data);
        assert_eq!(lines.line_span(4, 5), (3, 5));
        assert_eq!(lines.line_span(1, 7), (0, 8));
    }
}
