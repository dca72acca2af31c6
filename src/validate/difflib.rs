//! `difflib.get_close_matches(word, possibilities, n=1, cutoff)` from Python's standard
//! library, which `ps-check` uses for its "did you mean" hints; ported so that the hints
//! are the same. Only what that needs: no junk heuristics (they start at 200 characters).

use std::collections::HashMap;

/// `SequenceMatcher(None, a, b).ratio()`.
fn ratio(a: &[char], b: &[char], b2j: &HashMap<char, Vec<usize>>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let mut matches = 0usize;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = longest_match(a, b, b2j, alo, ahi, blo, bhi);
        if k > 0 {
            matches += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    2.0 * matches as f64 / total as f64
}

/// `SequenceMatcher.find_longest_match` without junk.
fn longest_match(
    a: &[char],
    b: &[char],
    b2j: &HashMap<char, Vec<usize>>,
    alo: usize,
    ahi: usize,
    blo: usize,
    bhi: usize,
) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
    let mut j2len: HashMap<usize, usize> = HashMap::new();
    for (i, ch) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut new = HashMap::new();
        for &j in b2j.get(ch).map(Vec::as_slice).unwrap_or(&[]) {
            if j < blo {
                continue;
            }
            if j >= bhi {
                break;
            }
            let k = if j == 0 {
                1
            } else {
                j2len.get(&(j - 1)).copied().unwrap_or(0) + 1
            };
            new.insert(j, k);
            if k > bestsize {
                (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
            }
        }
        j2len = new;
    }
    while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
        besti -= 1;
        bestj -= 1;
        bestsize += 1;
    }
    while besti + bestsize < ahi
        && bestj + bestsize < bhi
        && a[besti + bestsize] == b[bestj + bestsize]
    {
        bestsize += 1;
    }
    (besti, bestj, bestsize)
}

/// The best of `possibilities` whose similarity to `word` is at least `cutoff`; on a tie
/// the greatest string wins, as with Python's `heapq.nlargest` over `(score, x)`.
pub(crate) fn close_match<'a>(
    word: &str,
    possibilities: &'a [String],
    cutoff: f64,
) -> Option<&'a str> {
    let b: Vec<char> = word.chars().collect();
    let mut b2j: HashMap<char, Vec<usize>> = HashMap::new();
    for (j, c) in b.iter().enumerate() {
        b2j.entry(*c).or_default().push(j);
    }
    let mut best: Option<(f64, &str)> = None;
    for x in possibilities {
        let a: Vec<char> = x.chars().collect();
        let r = ratio(&a, &b, &b2j);
        if r >= cutoff && best.is_none_or(|(s, bx)| (r, x.as_str()) > (s, bx)) {
            best = Some((r, x));
        }
    }
    best.map(|(_, x)| x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_difflib() {
        // Values from CPython: difflib.get_close_matches(w, ps, n=1, cutoff=0.75)
        let ps: Vec<String> = ["Identity", "TargetDatabase", "Database", "Verbose"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            close_match("TargetDatabse", &ps, 0.75),
            Some("TargetDatabase")
        );
        assert_eq!(close_match("Identiy", &ps, 0.75), Some("Identity"));
        assert_eq!(close_match("Foo", &ps, 0.75), None);
        let a: Vec<char> = "abcd".chars().collect();
        let b: Vec<char> = "bcde".chars().collect();
        let mut b2j: HashMap<char, Vec<usize>> = HashMap::new();
        for (j, c) in b.iter().enumerate() {
            b2j.entry(*c).or_default().push(j);
        }
        assert!((ratio(&a, &b, &b2j) - 0.75).abs() < 1e-12);
    }
}
