//! "Did you mean" suggestions: the closest candidate to a misspelt word.
//!
//! Used by the parser for keywords and by analysis for names, so both suggest the same way.

/// The candidate closest to `word` by Damerau–Levenshtein distance (ignoring case), if it is
/// close enough to be a plausible typo: at most `max(1, len / 3)` edits, where `len` is the
/// number of characters in `word`. Ties go to the candidate listed first.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let limit = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let other: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        // Lengths that differ by more than the limit cannot be within it.
        if word.len().abs_diff(other.len()) > limit {
            continue;
        }
        let distance = distance(&word, &other);
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

/// The optimal-string-alignment form of Damerau–Levenshtein: insertions, deletions,
/// substitutions and transpositions of adjacent characters each cost one.
fn distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = d;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

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
