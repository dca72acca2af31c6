//! The document outline and folding ranges, from the plan's statements as written
//! ([`crate::syntax::outline`]): they work while the plan still has schema errors.

use super::position::{Encoding, LineIndex};
use crate::syntax::outline::Node;
use lsp_types::{DocumentSymbol, FoldingRange, SymbolKind};

/// Hierarchical symbols: every statement with a block, and at the plan's top level every
/// statement (its settings and steps).
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written out.
pub fn symbols(
    nodes: &[Node],
    index: &LineIndex<'_>,
    encoding: Encoding,
    top: bool,
) -> Vec<DocumentSymbol> {
    nodes
        .iter()
        .filter(|n| top || n.block.is_some())
        .map(|n| {
            let range = |s| index.range(s, encoding);
            let children = symbols(&n.children, index, encoding, n.keyword == "plan");
            DocumentSymbol {
                name: display_name(n),
                detail: n.name.as_ref().map(|_| n.keyword.clone()),
                kind: kind(&n.keyword),
                tags: None,
                deprecated: None,
                range: range(n.span),
                selection_range: range(n.head),
                children: (!children.is_empty()).then_some(children),
            }
        })
        .collect()
}

/// What the outline calls a statement: its name (`MAIL2010`, `HQ`) or, when its first argument
/// is a word of its syntax (`certificate on A B`, `move mailboxes to DB1`), its arguments.
fn display_name(n: &Node) -> String {
    match n.name.as_deref() {
        Some(first)
            if super::tokens::CONNECTIVES.contains(&first.to_ascii_lowercase().as_str()) =>
        {
            let args = n.args.join(" ");
            if args.chars().count() > 60 {
                args.chars().take(59).collect::<String>() + "…"
            } else {
                args
            }
        }
        Some(name) => name.to_owned(),
        None => n.keyword.clone(),
    }
}

fn kind(keyword: &str) -> SymbolKind {
    match keyword.to_ascii_lowercase().as_str() {
        "plan" => SymbolKind::FILE,
        "site" | "forest" => SymbolKind::NAMESPACE,
        "server" | "dag" | "ccr" | "cas-array" => SymbolKind::OBJECT,
        "database" | "public-folder-database" => SymbolKind::STRUCT,
        "namespaces" | "certificate" | "client-access" | "mail-flow" => SymbolKind::PACKAGE,
        "move" | "public-folders" | "galsync" | "validate" | "decommission" | "manual"
        | "exmerge" => SymbolKind::EVENT,
        _ => SymbolKind::PROPERTY,
    }
}

/// A range for each block that spans lines, from its statement's line to its `}`'s.
pub fn folding_ranges(
    nodes: &[Node],
    index: &LineIndex<'_>,
    encoding: Encoding,
) -> Vec<FoldingRange> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = nodes.iter().collect();
    while let Some(n) = stack.pop() {
        if let Some(block) = n.block {
            let start = index.position(n.span.start, encoding).line;
            let end = index.position(block.end.saturating_sub(1), encoding).line;
            if end > start {
                out.push(FoldingRange {
                    start_line: start,
                    end_line: end,
                    ..FoldingRange::default()
                });
            }
        }
        stack.extend(n.children.iter());
    }
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out
}

/// The selection ranges at byte `at`, innermost first: the word, then each statement's keyword
/// and arguments and the whole statement, out to the plan.
pub fn selection(
    nodes: &[Node],
    text: &str,
    at: usize,
    index: &LineIndex<'_>,
    encoding: Encoding,
) -> lsp_types::SelectionRange {
    let mut spans = Vec::new();
    let mut level = nodes;
    while let Some(node) = level
        .iter()
        .find(|n| n.span.start <= at && at <= n.span.end)
    {
        spans.push(node.span);
        if node.head.start <= at && at <= node.head.end && node.head != node.span {
            spans.push(node.head);
        }
        level = &node.children;
    }
    if let Some(word) = word_at(text, at)
        && spans.last() != Some(&word)
    {
        spans.push(word);
    }
    let mut range: Option<lsp_types::SelectionRange> = None;
    for span in spans {
        range = Some(lsp_types::SelectionRange {
            range: index.range(span, encoding),
            parent: range.map(Box::new),
        });
    }
    range.unwrap_or_else(|| {
        let here = index.position(at, encoding);
        lsp_types::SelectionRange {
            range: lsp_types::Range::new(here, here),
            parent: None,
        }
    })
}

/// The word or string at byte `at` (a string with its quotes).
fn word_at(text: &str, at: usize) -> Option<crate::source::Span> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    // Inside a string: the string (an odd number of quotes before `at` on the line).
    let quotes: Vec<usize> = text[line_start..line_end]
        .match_indices('"')
        .map(|(i, _)| line_start + i)
        .collect();
    let before = quotes.iter().filter(|&&q| q < at).count();
    if before % 2 == 1 {
        let open = quotes[before - 1];
        let close = quotes.get(before).map_or(line_end, |&q| q + 1);
        return Some(crate::source::Span {
            start: open,
            end: close,
        });
    }
    let is_word = |c: char| !(c.is_whitespace() || "{};\"#".contains(c));
    let start = text[line_start..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word(c))
        .map_or(line_start, |(i, c)| line_start + i + c.len_utf8());
    let end = text[at..line_end]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(line_end, |(i, _)| at + i);
    (start < end).then_some(crate::source::Span { start, end })
}
