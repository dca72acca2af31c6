//! pest parsing: text → generic statements (`keyword argument* block?`), and pest errors →
//! E0100 diagnostics whose messages name what was expected in words, never as rule names.

use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

/// The pest parser generated from `grammar/exm.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/exm.pest"]
pub struct ExmParser;

pub use super::stmt::{Arg, ArgKind, Block, Stmt};

/// Parses `text` (already pre-scanned) into generic statements: valid text through the fast
/// reader ([`super::lexer`]), anything else through pest, which says what is wrong.
pub fn parse_statements(text: &str) -> Result<Vec<Stmt>, Box<Diagnostic>> {
    match super::lexer::statements(text) {
        Some(stmts) => Ok(stmts),
        None => pest_statements(text),
    }
}

/// Parses `text` with the pest grammar alone: the definition the fast reader follows.
pub(super) fn pest_statements(text: &str) -> Result<Vec<Stmt>, Box<Diagnostic>> {
    let mut pairs =
        ExmParser::parse(Rule::file, text).map_err(|e| Box::new(syntax_error(text, &e)))?;
    let file = pairs.next().map(Pair::into_inner);
    Ok(file.into_iter().flatten().filter_map(statement).collect())
}

/// Converts a pair that may be a statement (others: separators, end of input).
fn statement(pair: Pair<'_, Rule>) -> Option<Stmt> {
    if pair.as_rule() != Rule::statement {
        return None;
    }
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let keyword = inner.next()?;
    let mut stmt = Stmt {
        keyword: keyword.as_str().to_owned(),
        keyword_span: span_of(&keyword),
        args: Vec::new(),
        block: None,
        span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::block => stmt.block = Some(block(part)),
            Rule::comma => {}
            _ => stmt.args.extend(argument(part)),
        }
    }
    Some(stmt)
}

fn block(pair: Pair<'_, Rule>) -> Block {
    let span = span_of(&pair);
    Block {
        stmts: pair.into_inner().filter_map(statement).collect(),
        span,
    }
}

fn argument(pair: Pair<'_, Rule>) -> Option<Arg> {
    let kind = match pair.as_rule() {
        Rule::string => ArgKind::String,
        Rule::time => ArgKind::Time,
        Rule::build => ArgKind::Build,
        Rule::number => ArgKind::Number,
        Rule::word => ArgKind::Word,
        _ => return None,
    };
    let text = match kind {
        ArgKind::String => unquote(pair.as_str()),
        _ => pair.as_str().to_owned(),
    };
    Some(Arg {
        kind,
        text,
        span: span_of(&pair),
    })
}

/// `"O""Brien"` → `O"Brien`; backslashes stay as they are.
fn unquote(quoted: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    inner.replace("\"\"", "\"")
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    Span::new(pair.as_span().start(), pair.as_span().end())
}

/// E0100 from a pest error: "expected X, found Y" at the error position.
fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(text.len()),
    };
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let (found, width) = found_at(text, at);
    let diagnostic = Diagnostic::new(
        Code::E0100,
        Span::new(at, at + width),
        format!("expected {expected}, found {found}"),
    )
    .with_label(format!("expected {expected}"));
    if found == "`{`" {
        return diagnostic.with_help("a block's `{` goes on the line of its keyword");
    }
    diagnostic
}

/// Joins friendly rule names: "a, b or c".
fn expected_list(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in rules.iter().map(|&r| rule_name(r)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What a user calls each rule. Exhaustive, so a new rule cannot appear without a name.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE => "a space",
        Rule::COMMENT => "a comment",
        Rule::statement_list | Rule::statement => "a statement",
        Rule::word_start | Rule::word_char => "a letter or digit",
        Rule::file => "a plan",
        Rule::block => "a block",
        Rule::keyword => "a keyword",
        // Every kind of argument is possible wherever one is, so name them together.
        Rule::argument | Rule::string | Rule::time | Rule::build | Rule::number | Rule::word => {
            "an argument"
        }
        Rule::string_inner => "the text of a string",
        Rule::comma => "`,`",
        Rule::sep => "a new line",
        Rule::open => "`{`",
        Rule::close => "`}`",
    }
}

/// Describes the text at `at` for "found ...", and how many bytes the error span covers.
fn found_at(text: &str, at: usize) -> (String, usize) {
    let rest = text.get(at..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return ("the end of the file".to_owned(), 0);
    };
    match c {
        '\n' | '\r' => ("the end of the line".to_owned(), 0),
        '"' => ("a string".to_owned(), 1),
        c if c.is_ascii_alphanumeric() || c == '_' => {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
                .unwrap_or(rest.len());
            let word: String = rest[..len].chars().take(40).collect();
            (format!("`{word}`"), len)
        }
        c => (format!("`{}`", c.escape_debug()), c.len_utf8()),
    }
}
