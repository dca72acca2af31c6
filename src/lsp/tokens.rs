//! Semantic tokens: keywords, names by kind, strings, numbers and versions, value words and
//! comments, so highlighting is right in every editor, with or without a grammar for `.exm`.
//!
//! The tokens are lexical — the rules of `grammar/exm.pest` (`#` comments, `"..."` strings with
//! `""` for a quote, words, numbers) — so a plan is highlighted while it does not parse, as it
//! is typed. Names come from analysis ([`Names`]): a server, database or site is coloured as
//! what it resolved to, its declaration marked. A test holds the tokens to the parser's
//! statements on every plan of the repository.

use super::position::{Encoding, LineIndex};
use crate::analyze::{NameKind, Names};
use crate::source::Span;
use crate::syntax::schema::{self, BlockKind};
use lsp_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend};

/// What a token is, as an index into [`legend`]'s types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Keyword = 0,
    String = 1,
    Number = 2,
    Comment = 3,
    /// A value from a fixed list: a role, an update level, `internet-facing`.
    Value = 4,
    Server = 5,
    Database = 6,
    Site = 7,
    /// A word that is none of the above (an unresolved name).
    Word = 8,
    Dag = 9,
}

/// The token types and modifiers the server announces.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::KEYWORD,
            SemanticTokenType::STRING,
            SemanticTokenType::NUMBER,
            SemanticTokenType::COMMENT,
            SemanticTokenType::ENUM_MEMBER,
            SemanticTokenType::CLASS,
            SemanticTokenType::STRUCT,
            SemanticTokenType::NAMESPACE,
            SemanticTokenType::VARIABLE,
            SemanticTokenType::INTERFACE,
        ],
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

/// One token: its span, kind and whether it declares a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: Kind,
    pub declaration: bool,
}

/// The words that continue a statement as part of its syntax (`database X on SERVER`,
/// `move mailboxes to DB`, `from server A`, `schedule daily at 02:00 as "..." run-as "..."`).
pub(super) const CONNECTIVES: &[&str] = &[
    "on",
    "to",
    "from",
    "mailboxes",
    "exchange",
    "server",
    "database",
    "at",
    "as",
    "run-as",
    "after",
    "mode",
    "forest",
    "smart-host",
];

/// The words statements take as flags or fixed values outside the word lists below
/// (`internet-facing`, `new`, `inbound anonymous`, `ip dhcp`).
const FLAGS: &[&str] = &[
    "new",
    "internet-facing",
    "authoritative",
    "anonymous",
    "gateway",
    "dhcp",
    "none",
    "bidirectional",
    "tls",
];

/// The tokens of `text`, in order; names as `names` resolved them.
pub fn tokens(text: &str, names: &Names) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut statement_start = true;
    // A byte order mark is not part of the plan (nor of its first word).
    let mut i = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' | b'\r' | b'{' | b'}' | b';' => {
                statement_start = true;
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            b'#' => {
                let end = line_end(bytes, i);
                out.push(token(i, end, Kind::Comment));
                i = end;
            }
            b'"' => {
                let mut end = i + 1;
                loop {
                    match bytes.get(end) {
                        None | Some(b'\n' | b'\r') => break,
                        Some(b'"') if bytes.get(end + 1) == Some(&b'"') => end += 2,
                        Some(b'"') => {
                            end += 1;
                            break;
                        }
                        Some(_) => end += 1,
                    }
                }
                out.push(token(i, end, Kind::String));
                statement_start = false;
                i = end;
            }
            _ => {
                let mut end = i;
                while end < bytes.len()
                    && !matches!(
                        bytes[end],
                        b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b';' | b'"' | b'#'
                    )
                {
                    end += 1;
                }
                // Multi-byte characters are part of words; `end` stops on ASCII bytes only,
                // so it is a character boundary.
                let word = &text[i..end];
                let kind = if statement_start {
                    Kind::Keyword
                } else {
                    classify(word)
                };
                out.push(token(i, end, kind));
                statement_start = false;
                i = end;
            }
        }
    }
    name_tokens(&mut out, names);
    out
}

fn token(start: usize, end: usize, kind: Kind) -> Token {
    Token {
        span: Span { start, end },
        kind,
        declaration: false,
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |n| from + n)
}

/// An argument word's kind.
fn classify(word: &str) -> Kind {
    let lower = word.to_ascii_lowercase();
    let lower = lower.as_str();
    if word.starts_with(|c: char| c.is_ascii_digit()) {
        return Kind::Number;
    }
    if CONNECTIVES.contains(&lower) {
        return Kind::Keyword;
    }
    if value_words().contains(lower) || is_level(lower) {
        Kind::Value
    } else {
        Kind::Word
    }
}

/// Every word that is a value somewhere, made once: the schema's word lists and flags, the
/// organization modes, and the versions and update levels of the specs (`se`, `rtm`).
fn value_words() -> &'static std::collections::HashSet<String> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let lists = BlockKind::ALL.iter().flat_map(|&block| {
            block
                .keywords()
                .iter()
                .filter_map(move |k| schema::values_of(block, k))
                .flatten()
        });
        let specs = crate::specs::Specs::embedded().all();
        let versions = specs.iter().map(|s| s.version.to_ascii_lowercase());
        let levels = specs.iter().flat_map(|s| {
            s.updates.iter().flat_map(|u| {
                u.name
                    .to_string()
                    .to_ascii_lowercase()
                    .split(' ')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
        });
        lists
            .chain(FLAGS)
            .chain(schema::MODES)
            .map(|w| (*w).to_owned())
            .chain(versions)
            .chain(levels)
            .collect()
    })
}

/// `sp3`, `cu23`, `ru10`: an update level.
fn is_level(word: &str) -> bool {
    ["sp", "cu", "ru"].iter().any(|p| {
        word.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Colours each declared name and each use as what it names.
fn name_tokens(tokens: &mut [Token], names: &Names) {
    let kind = |k: NameKind| match k {
        NameKind::Server => Kind::Server,
        NameKind::Database => Kind::Database,
        NameKind::Site => Kind::Site,
        // A namespace kind is a value of a fixed list where it is named (`names primary`) and
        // stays the keyword of its statement where it is declared (`primary "mail..."`).
        NameKind::Namespace => Kind::Value,
        NameKind::Dag => Kind::Dag,
    };
    let mut spans: Vec<(Span, Kind, bool)> = names
        .definitions
        .iter()
        .map(|d| (d.span, kind(d.kind), true))
        .chain(names.uses.iter().map(|u| (u.span, kind(u.kind), false)))
        .collect();
    spans.sort_by_key(|(s, _, _)| s.start);
    for (span, k, declaration) in spans {
        if let Ok(i) = tokens.binary_search_by_key(&span.start, |t| t.span.start)
            && tokens[i].span.end == span.end
        {
            if tokens[i].kind != Kind::Keyword {
                tokens[i].kind = k;
            }
            tokens[i].declaration = declaration;
        }
    }
}

/// `tokens` in the LSP's relative encoding, positions in `encoding`.
pub fn encode(tokens: &[Token], index: &LineIndex, encoding: Encoding) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut column) = (0, 0);
    for t in tokens {
        let range = index.range(t.span, encoding);
        // Tokens never span lines (strings and comments end at the line's end).
        if range.start.line != range.end.line {
            continue;
        }
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 {
            range.start.character - column
        } else {
            range.start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type: t.kind as u32,
            token_modifiers_bitset: u32::from(t.declaration),
        });
        line = range.start.line;
        column = range.start.character;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, Kind)> {
        tokens(text, &Names::default())
            .iter()
            .map(|t| (&text[t.span.start..t.span.end], t.kind))
            .collect()
    }

    #[test]
    fn words_strings_numbers_and_comments() {
        assert_eq!(
            kinds(
                "server A { exchange 2010 sp3; roles cas hub } # x \"y\"\n  os \"Win \"\"2008\"\" R2\""
            ),
            [
                ("server", Kind::Keyword),
                ("A", Kind::Word),
                ("exchange", Kind::Keyword),
                ("2010", Kind::Number),
                ("sp3", Kind::Value),
                ("roles", Kind::Keyword),
                ("cas", Kind::Value),
                ("hub", Kind::Value),
                ("# x \"y\"", Kind::Comment),
                ("os", Kind::Keyword),
                ("\"Win \"\"2008\"\" R2\"", Kind::String),
            ]
        );
    }

    /// On every plan of the repository that parses, each statement's keyword is a keyword
    /// token, each string, number, time and build argument a token of its kind at its span,
    /// and every declared name and use a token of its kind.
    #[test]
    fn tokens_agree_with_the_parser_on_every_plan() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut plans = Vec::new();
        for folder in [
            "examples",
            "tests/plans/ok",
            "tests/plans/fail",
            "tests/plans/cli",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
                continue;
            };
            plans.extend(
                entries
                    .map(|e| e.expect("entry").path())
                    .filter(|p| p.extension().is_some_and(|e| e == "exm")),
            );
        }
        let mut checked = 0;
        for path in plans {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(stmts) = crate::syntax::parser::parse_statements(&text) else {
                continue;
            };
            let file = crate::source::SourceFile::new("plan.exm", text.as_str());
            let loader = crate::fuzzing::OneCsv;
            let (_, _, names) = crate::check_full(&file, &loader, &mut crate::Timings::default());
            let found = tokens(&text, &names);
            let at = |span: Span| found.iter().find(|t| t.span == span).map(|t| t.kind);
            let mut stack: Vec<&crate::syntax::stmt::Stmt> = stmts.iter().collect();
            while let Some(stmt) = stack.pop() {
                assert_eq!(
                    at(stmt.keyword_span),
                    Some(Kind::Keyword),
                    "{}: {}",
                    path.display(),
                    stmt.keyword
                );
                for arg in &stmt.args {
                    use crate::syntax::stmt::ArgKind;
                    let want = match arg.kind {
                        ArgKind::String => Some(Kind::String),
                        ArgKind::Time | ArgKind::Build | ArgKind::Number => Some(Kind::Number),
                        ArgKind::Word => None,
                    };
                    let got = at(arg.span);
                    assert!(
                        got.is_some(),
                        "{}: no token for {}",
                        path.display(),
                        arg.text
                    );
                    let named = names.definitions.iter().any(|d| d.span == arg.span)
                        || names.uses.iter().any(|u| u.span == arg.span);
                    if want.is_some() && !named {
                        assert_eq!(got, want, "{}: {}", path.display(), arg.text);
                    }
                }
                stack.extend(stmt.block.iter().flat_map(|b| &b.stmts));
            }
            // Every recorded use is the name written there (rename edits exactly these spans).
            for u in &names.uses {
                let d = names
                    .definitions
                    .iter()
                    .find(|d| d.span == u.definition)
                    .expect("its declaration");
                let written = text[u.span.start..u.span.end].trim_matches('"');
                assert!(
                    written.eq_ignore_ascii_case(&d.name),
                    "{}: a use of {} reads {written:?}",
                    path.display(),
                    d.name
                );
            }
            for d in &names.definitions {
                let want = match d.kind {
                    NameKind::Server => Kind::Server,
                    NameKind::Database => Kind::Database,
                    NameKind::Site => Kind::Site,
                    NameKind::Namespace => Kind::Keyword,
                    NameKind::Dag => Kind::Dag,
                };
                let token = found
                    .iter()
                    .find(|t| t.span == d.span)
                    .expect("a name token");
                assert_eq!(
                    (token.kind, token.declaration),
                    (want, true),
                    "{}: {}",
                    path.display(),
                    d.name
                );
            }
            checked += 1;
        }
        assert!(checked > 100, "only {checked} plans parsed");
    }

    #[test]
    fn a_byte_order_mark_is_no_part_of_the_first_word() {
        assert_eq!(
            kinds("\u{FEFF}plan \"P\""),
            [("plan", Kind::Keyword), ("\"P\"", Kind::String)]
        );
    }

    #[test]
    fn an_unclosed_string_ends_at_its_line() {
        assert_eq!(
            kinds("media \"abc\nplan"),
            [
                ("media", Kind::Keyword),
                ("\"abc", Kind::String),
                ("plan", Kind::Keyword)
            ]
        );
    }
}
