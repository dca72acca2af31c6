//! The part of a plan that one diagnostic shows: the lines its labels touch, with very long
//! lines cut down to windows around the labels, so that a 1 MB line renders in a few lines.

use crate::source::{SourceFile, Span};
use std::ops::Range;

/// Lines longer than this many bytes are cut down to windows around their labels.
const LONG_LINE: usize = 512;
/// Characters kept on each side of a label's start and end in a long line.
const CONTEXT: usize = 40;
/// What stands for the text cut out of a long line.
const ELLIPSIS: &str = "...";

/// `text` with each CR that is not followed by LF turned into LF: the file counts it as a
/// line break (old Mac line endings), annotate-snippets knows only LF. Byte offsets stay.
fn lone_cr_as_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

/// A stretch of the file kept in the excerpt: `orig` in the file, starting at `new` in the
/// excerpt's text.
#[derive(Debug, Clone, Copy)]
struct Piece {
    orig: (usize, usize),
    new: usize,
}

/// The text handed to annotate-snippets, and how file offsets map into it.
#[derive(Debug)]
pub(super) struct Excerpt {
    /// The kept text: whole lines, long ones with `...` where text was cut.
    pub text: String,
    /// 1-based number of the excerpt's first line in the file.
    pub first_line: usize,
    /// Whether any line was cut (then columns counted in `text` are not the file's).
    pub cut: bool,
    pieces: Vec<Piece>,
    /// Length of `text` without the stand-in added after a final line break.
    kept: usize,
}

impl Excerpt {
    /// The whole lines from the first to the last of `spans` (already clamped), cutting long
    /// lines around every span boundary.
    pub fn new(file: &SourceFile, spans: &[Range<usize>]) -> Self {
        let text = file.text();
        let start = spans.iter().map(|r| r.start).min().unwrap_or(0);
        let end = spans.iter().map(|r| r.end).max().unwrap_or(0);
        let from = file.line_start(file.line_index(start));
        let to = file.line_start(file.line_index(end) + 1).max(end);
        let mut points: Vec<usize> = spans.iter().flat_map(|r| [r.start, r.end]).collect();
        points.sort_unstable();
        let mut excerpt = Self {
            text: String::new(),
            first_line: file.line_index(start) + 1,
            cut: false,
            pieces: Vec::new(),
            kept: 0,
        };
        for index in file.line_index(from)..=file.line_index(to.saturating_sub(1).max(from)) {
            let line = file.line_start(index)..file.line_start(index + 1);
            if line.start < to {
                excerpt.push_line(text, line, &points);
            }
        }
        excerpt.text = lone_cr_as_lf(&excerpt.text);
        excerpt.kept = excerpt.text.len();
        if end == text.len() && text.ends_with(['\n', '\r']) {
            // annotate-snippets shows the end of a text that ends with a line break on the
            // last line; a stand-in character makes it show the empty line that follows, as
            // the reported line and column say.
            excerpt.text.push(' ');
        }
        excerpt
    }

    /// Where file offset `offset` (on a character boundary, inside the excerpt) is in `text`.
    pub fn map(&self, offset: usize) -> usize {
        let index = self.pieces.partition_point(|p| p.orig.1 < offset);
        self.pieces
            .get(index)
            .map_or(self.kept, |p| p.new + offset.saturating_sub(p.orig.0))
    }

    /// `range` of the file as a range of `text`.
    pub fn map_range(&self, range: &Range<usize>) -> Range<usize> {
        self.map(range.start)..self.map(range.end)
    }

    fn push_line(&mut self, text: &str, line: Range<usize>, points: &[usize]) {
        if line.len() <= LONG_LINE {
            self.keep(text, line);
            return;
        }
        self.cut = true;
        let content_end = line.start + text[line.clone()].trim_end_matches(['\n', '\r']).len();
        let content = line.start..content_end;
        let mut at = line.start;
        for window in windows(text, &content, points) {
            if window.start > at {
                self.text.push_str(ELLIPSIS);
            }
            at = window.end;
            self.keep(text, window);
        }
        if at < content_end {
            self.text.push_str(ELLIPSIS);
        }
        self.keep(text, content_end..line.end);
    }

    /// Appends `range` of the file, joining it to the previous piece when they touch.
    fn keep(&mut self, text: &str, range: Range<usize>) {
        let new = self.text.len();
        self.text.push_str(&text[range.clone()]);
        match self.pieces.last_mut() {
            Some(last)
                if last.orig.1 == range.start && last.new + (last.orig.1 - last.orig.0) == new =>
            {
                last.orig.1 = range.end;
            }
            _ => self.pieces.push(Piece {
                orig: (range.start, range.end),
                new,
            }),
        }
    }
}

/// Merged windows of `CONTEXT` characters around each point inside `content`; the start of
/// the line when no point falls in it.
fn windows(text: &str, content: &Range<usize>, points: &[usize]) -> Vec<Range<usize>> {
    let inside: Vec<usize> = points
        .iter()
        .copied()
        .filter(|p| content.contains(p) || *p == content.end)
        .collect();
    let centres = if inside.is_empty() {
        vec![content.start]
    } else {
        inside
    };
    let mut merged: Vec<Range<usize>> = Vec::new();
    for centre in centres {
        let window = back(text, centre, CONTEXT).max(content.start)
            ..forward(text, centre, CONTEXT).min(content.end);
        match merged.last_mut() {
            Some(last) if window.start <= last.end + ELLIPSIS.len() => {
                last.end = last.end.max(window.end);
            }
            _ => merged.push(window),
        }
    }
    merged
}

/// The offset `count` characters before `offset`.
fn back(text: &str, offset: usize, count: usize) -> usize {
    text[..offset]
        .char_indices()
        .rev()
        .nth(count.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The offset `count` characters after `offset`.
fn forward(text: &str, offset: usize, count: usize) -> usize {
    text[offset..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| offset + i)
}

/// `span` moved onto character boundaries inside the text. A non-empty span's start rounds
/// down and its end rounds up, so a span inside a multi-byte character covers the character;
/// an empty (or reversed) span stays empty.
pub(super) fn clamp(file: &SourceFile, span: Span) -> Range<usize> {
    let text = file.text();
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if span.end <= span.start {
        return start..start;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}
