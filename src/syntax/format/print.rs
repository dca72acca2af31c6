//! Writing the items of a plan in the canonical layout, one output line at a time.

use super::layout::{Block, Item, Kind, Stmt, Token};

/// Two spaces per level of blocks.
const INDENT: &str = "  ";

/// One output line, without its line break, and the offset in the text read of the token it
/// starts with (where a diagnostic about the line points).
pub(super) struct Line {
    pub text: String,
    pub at: usize,
}

/// The lines of `items` at the top level.
pub(super) fn lines(items: &[Item<'_>]) -> Vec<Line> {
    let mut out = Vec::new();
    print_items(items, 0, &mut out);
    out
}

fn print_items(items: &[Item<'_>], depth: usize, out: &mut Vec<Line>) {
    for item in items {
        match item {
            Item::Blank => out.push(Line {
                text: String::new(),
                at: out.last().map_or(0, |l| l.at),
            }),
            Item::Comment(comment) => out.push(Line {
                text: INDENT.repeat(depth) + comment.text,
                at: comment.at,
            }),
            Item::Stmt(stmt) => print_statement(stmt, depth, out),
        }
    }
}

/// A statement at the start of a line: its head, its block (on this line when it was written
/// on one line or holds nothing, else over the lines that follow) and its comment.
fn print_statement(stmt: &Stmt<'_>, depth: usize, out: &mut Vec<Line>) {
    let mut at = stmt.head.first().map_or(0, |t| t.at);
    let mut line = INDENT.repeat(depth);
    head(stmt, &mut line);
    if let Some(block) = &stmt.block {
        push_spaced(&mut line, block.open);
        if fits_one_line(block) {
            one_line_body(block, &mut line);
        } else {
            if let Some(comment) = block.comment {
                push_spaced(&mut line, comment);
            }
            out.push(Line { text: line, at });
            print_items(&block.items, depth + 1, out);
            line = INDENT.repeat(depth) + block.close.text;
            at = block.close.at;
        }
    }
    if let Some(comment) = stmt.comment {
        push_spaced(&mut line, comment);
    }
    out.push(Line { text: line, at });
}

/// Whether `block` is written on its statement's line: it was written so, or it holds
/// nothing at all.
fn fits_one_line(block: &Block<'_>) -> bool {
    block.one_line || (block.items.is_empty() && block.comment.is_none())
}

/// The rest of a block written on one line, after its `{`: ` a; b }`, or ` }` when empty. A
/// block on one line holds statements only: a comment would have ended the line.
fn one_line_body(block: &Block<'_>, line: &mut String) {
    let mut first = true;
    for item in &block.items {
        if let Item::Stmt(stmt) = item {
            line.push_str(if first { " " } else { "; " });
            first = false;
            head(stmt, line);
            if let Some(inner) = &stmt.block {
                push_spaced(line, inner.open);
                one_line_body(inner, line);
            }
        }
    }
    line.push(' ');
    line.push_str(block.close.text);
}

/// The keyword and arguments: the space written between them is kept (at least one), none
/// before a comma.
fn head(stmt: &Stmt<'_>, line: &mut String) {
    let mut tokens = stmt.head.iter();
    if let Some(keyword) = tokens.next() {
        line.push_str(keyword.text);
    }
    for token in tokens {
        if token.kind == Kind::Comma {
            line.push_str(token.text);
        } else {
            push_spaced(line, *token);
        }
    }
}

/// `token` after the space written before it, at least one.
fn push_spaced(line: &mut String, token: Token<'_>) {
    line.extend(std::iter::repeat_n(' ', token.gap.max(1)));
    line.push_str(token.text);
}
