//! The generic statements both readers produce (the fast reader, `lexer`, and pest, `parser`):
//! `keyword argument* block?`, before the schema gives them meaning.

use crate::source::Span;

/// One generic statement: `keyword argument* block?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// The keyword as written.
    pub keyword: String,
    /// The keyword's span.
    pub keyword_span: Span,
    /// The arguments in order.
    pub args: Vec<Arg>,
    /// The block, when written.
    pub block: Option<Block>,
    /// The whole statement, block included.
    pub span: Span,
}

impl Stmt {
    /// The keyword in lower case (keywords match ignoring case).
    pub fn key(&self) -> String {
        self.keyword.to_ascii_lowercase()
    }

    /// From the keyword to the last argument: the statement without its block.
    pub fn head(&self) -> Span {
        self.args
            .last()
            .map_or(self.keyword_span, |a| self.keyword_span.to(a.span))
    }
}

/// A `{ ... }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The statements inside, in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Which lexical kind it is.
    pub kind: ArgKind,
    /// Its text: unescaped and without quotes for strings, as written otherwise.
    pub text: String,
    /// Where it was written (quotes included).
    pub span: Span,
}

/// The lexical kinds of argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// `"text"`
    String,
    /// `02:00`
    Time,
    /// `8.2.176.2`
    Build,
    /// `100`
    Number,
    /// `MAIL2010`, `internet-facing`
    Word,
}
