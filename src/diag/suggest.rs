//! "Did you mean" suggestions: the closest candidate to a misspelt word.
//!
//! Used by the parser for keywords and by analysis for names, so both suggest the same way.

/// The candidate closest to `word` by optimal-string-alignment distance (Damerau–Levenshtein
/// where each adjacent transposition costs one edit: `exchnage` → `exchange`), ignoring case,
/// if it is close enough to be a plausible typo: at most `max(1, len / 3)` edits, where `len`
/// is the number of characters in `word`. Ties go to the candidate listed first.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let other = candidate.to_lowercase();
        // Lengths that differ by more than the limit cannot be within it.
        if length.abs_diff(other.chars().count()) > limit {
            continue;
        }
        let distance = strsim::osa_distance(&word, &other);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// A help line for a word that is not one of `candidates`: ``did you mean `x`?`` for a
/// close candidate, else `otherwise()` (usually the list of what is valid).
pub fn help(word: &str, candidates: &[&str], otherwise: impl FnOnce() -> String) -> String {
    did_you_mean(word, candidates).map_or_else(otherwise, |s| format!("did you mean `{s}`?"))
}

/// The word a help line of [`help`] suggests (``did you mean `x`?`` gives `x`); `None` for any
/// other help line.
#[must_use]
pub fn suggested(help: &str) -> Option<&str> {
    help.strip_prefix("did you mean `")?.strip_suffix("`?")
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, help, suggested};

    #[test]
    fn the_suggestion_reads_back_from_its_help_line() {
        let line = help("rols", &["roles"], String::new);
        assert_eq!(suggested(&line), Some("roles"));
        assert_eq!(suggested("write `basic` or `ntlm`"), None);
    }

    const KEYWORDS: &[&str] = &["exchange", "os", "roles", "new", "fqdn", "cluster"];

    #[test]
    fn finds_typos_and_transpositions() {
        assert_eq!(did_you_mean("exchnage", KEYWORDS), Some("exchange"));
        assert_eq!(did_you_mean("rols", KEYWORDS), Some("roles"));
        assert_eq!(did_you_mean("ROLES", KEYWORDS), Some("roles"));
        assert_eq!(did_you_mean("fdqn", KEYWORDS), Some("fqdn"));
    }

    #[test]
    fn refuses_distant_words() {
        assert_eq!(did_you_mean("database", KEYWORDS), None);
        assert_eq!(did_you_mean("", KEYWORDS), None);
        assert_eq!(did_you_mean("xyz", &[]), None);
    }

    #[test]
    fn short_words_allow_one_edit() {
        assert_eq!(did_you_mean("ox", KEYWORDS), Some("os"));
        assert_eq!(
            did_you_mean("MAIL2011", &["MAIL2007", "MAIL2010"]),
            Some("MAIL2010")
        );
    }
}
