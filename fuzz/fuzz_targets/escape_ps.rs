//! `ps_literal` writes one PowerShell literal whose value is the input, and `ps_comment` one
//! comment line. Checked twice: through the crate's own reader (`ps_literal_value`), and
//! through the small tokenizer below, written from PowerShell's quoting rules and not from
//! the escaper, so a bug shared by the escaper and its reader still shows.
#![no_main]

use exgen::escape::{is_hidden, ps_comment, ps_literal, ps_literal_value};
use libfuzzer_sys::fuzz_target;

/// The characters PowerShell's tokenizer reads as a single quote.
const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// One piece of the expression: a single-quoted string or a `[char]0xHHHH` code.
#[derive(Debug)]
enum Piece {
    Quoted(String),
    Char(u16),
}

/// Reads `'…'` at the start of `s` by PowerShell's rules (any single quote followed by
/// another is the second one, a lone one ends the string); asserts no raw NUL, CR or LF
/// stands inside.
fn quoted(s: &str) -> (String, &str) {
    let mut chars = s.char_indices();
    let (_, open) = chars.next().expect("a piece");
    assert_eq!(open, '\'', "a string piece opens with a plain quote: {s:?}");
    let mut value = String::new();
    let mut chars = chars.peekable();
    while let Some((i, c)) = chars.next() {
        assert!(
            !matches!(c, '\0' | '\r' | '\n'),
            "raw U+{:04X} inside quotes",
            u32::from(c)
        );
        if SINGLE_QUOTES.contains(&c) {
            match chars.peek() {
                Some(&(_, next)) if SINGLE_QUOTES.contains(&next) => {
                    value.push(next);
                    chars.next();
                }
                _ => return (value, &s[i + c.len_utf8()..]),
            }
        } else {
            value.push(c);
        }
    }
    panic!("unterminated string in {s:?}");
}

/// `[char]0xHHHH` at the start of `s`.
fn char_code(s: &str) -> (u16, &str) {
    let rest = s.strip_prefix("[char]0x").expect("a [char] piece");
    let hex = &rest[..4];
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{s:?}");
    (u16::from_str_radix(hex, 16).unwrap(), &rest[4..])
}

/// The pieces of `literal`: `'…'` alone, or `(P + P + …)` starting with a string piece.
fn pieces(literal: &str) -> Vec<Piece> {
    if !literal.starts_with('(') {
        let (value, rest) = quoted(literal);
        assert!(rest.is_empty(), "text after the literal: {literal:?}");
        return vec![Piece::Quoted(value)];
    }
    let mut rest = literal
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .expect("a parenthesised concatenation");
    let mut pieces = Vec::new();
    loop {
        if rest.starts_with('\'') {
            let (value, r) = quoted(rest);
            pieces.push(Piece::Quoted(value));
            rest = r;
        } else {
            assert!(
                !pieces.is_empty(),
                "the first operand must be a string: {literal:?}"
            );
            let (unit, r) = char_code(rest);
            pieces.push(Piece::Char(unit));
            rest = r;
        }
        if rest.is_empty() {
            break;
        }
        rest = rest.strip_prefix(" + ").expect("pieces joined by ` + `");
    }
    assert!(
        pieces.len() > 1,
        "parentheses around one piece: {literal:?}"
    );
    pieces
}

fn value(pieces: &[Piece]) -> String {
    let mut units = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Quoted(s) => units.extend(s.encode_utf16()),
            Piece::Char(u) => units.push(*u),
        }
    }
    String::from_utf16(&units).expect("surrogates in pairs")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let literal = ps_literal(&text);

    assert_eq!(
        ps_literal_value(&literal).as_deref(),
        Some(&*text),
        "{literal:?}"
    );
    assert_eq!(value(&pieces(&literal)), *text, "{literal:?}");
    for c in literal.chars() {
        assert!(
            !('\u{2018}'..='\u{201B}').contains(&c),
            "raw typographic quote: {literal:?}"
        );
        assert!(!is_hidden(c), "hidden U+{:04X}: {literal:?}", u32::from(c));
    }
    // No here-string can start or end: no raw line break at all.
    assert!(!literal.contains(['\r', '\n']));

    let comment = ps_comment(&text);
    for c in comment.chars() {
        assert!(
            !matches!(
                c,
                '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}'
            ),
            "line break in comment: {comment:?}"
        );
        assert!(!is_hidden(c), "hidden U+{:04X} in comment", u32::from(c));
    }
    assert!(!comment.contains("#>"), "ends a block comment: {comment:?}");
});
