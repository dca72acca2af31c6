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
                name: n.name.clone().unwrap_or_else(|| n.keyword.clone()),
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
