//! The invariants of every position-based feature, checked on any text: what the `editor`
//! fuzz target and its test run.

use super::position::{Encoding, LineIndex};
use super::{Analysis, actions, check, completion, hover, outline, tokens};

/// Runs every position-based feature on `text` at each byte of `offsets` (clamped to a
/// character boundary) as the server would, and checks what each returns: spans inside the
/// text, tokens in order and apart, selection ranges nested, quick fixes on character
/// boundaries, formatting idempotent. For the `editor` fuzz target and its test; panics on a
/// broken invariant.
#[doc(hidden)]
pub fn exercise(text: &str, offsets: &[usize]) {
    let (checked, found, names) = check("untitled:fuzz", text);
    let analysis = Analysis::new(checked, names);
    let nodes = crate::syntax::outline::outline(text);
    let cx = hover::Context {
        text,
        outline: nodes.as_deref(),
        names: &analysis.names,
        checked: analysis.checked.as_ref(),
        steps: analysis.steps(),
    };
    let index = LineIndex::new(text);
    for &offset in offsets {
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        exercise_at(&cx, at, &index);
    }
    let tokens = tokens::tokens(text, &analysis.names);
    for pair in tokens.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start, "{pair:?}");
    }
    assert!(
        tokens
            .iter()
            .all(|t| inside(text, t.span) && t.span.start < t.span.end)
    );
    let _ = tokens::encode(&tokens, &index, Encoding::Utf16);
    // A diagnostic in a file the text includes is published for that file, without fixes.
    for d in found.iter().filter(|d| d.primary.span.end <= text.len()) {
        for edit in actions::edits(d, text) {
            assert!(inside(text, edit.span), "{edit:?}");
        }
    }
    if let Ok(formatted) = crate::syntax::format(text) {
        assert_eq!(
            crate::syntax::format(&formatted).ok().as_deref(),
            Some(formatted.as_str()),
            "formatting is idempotent"
        );
    }
}

/// Whether `span` lies in `text`, on character boundaries.
fn inside(text: &str, s: crate::source::Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

/// [`exercise`] at one position.
fn exercise_at(cx: &hover::Context<'_>, at: usize, index: &LineIndex<'_>) {
    if let Some((_, span)) = hover::hover(cx, at) {
        assert!(inside(cx.text, span), "hover span {span:?}");
    }
    let _ = completion::items(cx.text, at, cx.outline, cx.names, true);
    for encoding in [Encoding::Utf8, Encoding::Utf16] {
        let mut range = Some(outline::selection(
            cx.outline.unwrap_or_default(),
            cx.text,
            at,
            index,
            encoding,
        ));
        while let Some(r) = range {
            if let Some(parent) = &r.parent {
                let (inner, outer) = (r.range, parent.range);
                assert!(
                    outer.start <= inner.start && inner.end <= outer.end,
                    "{r:?}"
                );
            }
            range = r.parent.map(|p| *p);
        }
    }
}
