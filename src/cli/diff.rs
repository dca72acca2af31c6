//! Differences shown to people: a unified diff between two texts, cut short unless asked.
//! `exgen fmt --check` and `exgen compile --check` show their differences this way.

use crate::diag::render;
use std::time::Duration;

/// The lines of a hunk shown, at most, unless every change is asked for.
const DIFF_LINES: usize = 30;

/// A unified diff from `old` to `new` (three lines of context): the first hunk, at most
/// [`DIFF_LINES`] lines of it, and how many more there are; every hunk, whole, when `all`.
/// Line breaks are not shown, so a line whose CRLF became LF reads as itself.
pub(super) fn unified(old: &str, new: &str, all: bool) -> String {
    let diff = similar::TextDiff::configure()
        // A file of many megabytes must not make the check slow: past this, the diff is coarser.
        .timeout(Duration::from_secs(1))
        .diff_lines(old, new);
    let unified = diff.unified_diff();
    let mut out = String::new();
    let mut hunks = unified.iter_hunks();
    for (n, hunk) in hunks.by_ref().enumerate() {
        out.push_str(&format!("{}\n", hunk.header()));
        let changes: Vec<_> = hunk.iter_changes().collect();
        let shown = if all { changes.len() } else { DIFF_LINES };
        for change in changes.iter().take(shown) {
            let line = change.value().trim_end_matches(['\n', '\r']);
            out.push_str(&format!("{}{line}\n", change.tag()));
        }
        if changes.len() > shown {
            out.push_str(&format!("... {} more lines\n", changes.len() - shown));
        }
        if !all && n == 0 {
            break;
        }
    }
    let more = hunks.count();
    if more > 0 {
        out.push_str(&format!(
            "... and {}\n",
            render::plural(more, "more change")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    fn first_difference(old: &str, new: &str) -> String {
        unified(old, new, false)
    }

    #[test]
    fn the_first_difference_is_a_hunk_with_context() {
        let old = "a\nb {x}\nc\nd\ne\nf\ng\nh\ni\nj\nk {y}\n";
        let new = "a\nb { x }\nc\nd\ne\nf\ng\nh\ni\nj\nk { y }\n";
        assert_eq!(
            first_difference(old, new),
            "@@ -1,5 +1,5 @@\n a\n-b {x}\n+b { x }\n c\n d\n e\n... and 1 more change\n"
        );
        // Line breaks are not shown, so a CRLF line that changes reads as itself.
        assert_eq!(
            first_difference("a\r\nb  \r\n", "a\r\nb\r\n"),
            "@@ -1,2 +1,2 @@\n a\n-b  \n+b\n"
        );
        assert_eq!(first_difference("same\n", "same\n"), "");
    }

    #[test]
    fn a_long_difference_is_cut() {
        let old = "x\n".repeat(100);
        let new = "y\n".repeat(100);
        let shown = first_difference(&old, &new);
        assert_eq!(shown.lines().count(), 1 + 30 + 1, "{shown}");
        assert!(shown.ends_with("... 170 more lines\n"), "{shown}");
        assert_eq!(unified(&old, &new, true).lines().count(), 1 + 200);
    }

    #[test]
    fn every_hunk_when_all_are_asked_for() {
        let old = "a\nb {x}\nc\nd\ne\nf\ng\nh\ni\nj\nk {y}\n";
        let new = "a\nb { x }\nc\nd\ne\nf\ng\nh\ni\nj\nk { y }\n";
        let all = unified(old, new, true);
        assert_eq!(all.matches("@@ ").count(), 2, "{all}");
        assert!(!all.contains("more change"), "{all}");
    }
}
