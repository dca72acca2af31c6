//! Completion: at the start of a statement, the keywords of the enclosing block (the schema
//! the syntax stage checks against); after a keyword, the servers and databases the plan
//! declares (as analysis resolved them).

use crate::analyze::{NameKind, Names};
use crate::syntax::outline::Node;
use crate::syntax::schema::BlockKind;
use lsp_types::{CompletionItem, CompletionItemKind};

/// The completions at byte `at` of `text`, whose statements are `outline` (`None` when they
/// cannot be read) and names `names`.
pub fn items(
    text: &str,
    at: usize,
    outline: Option<&[Node]>,
    names: &Names,
) -> Vec<CompletionItem> {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    // The statement so far on this line: after the last `{` or `;`.
    let statement = before.rsplit(['{', ';']).next().unwrap_or("");
    let words: Vec<&str> = statement.split_whitespace().collect();
    let typing_first_word =
        words.is_empty() || (words.len() == 1 && !statement.ends_with(char::is_whitespace));
    if typing_first_word {
        let block = outline.map_or(Some(BlockKind::Plan), |nodes| enclosing(nodes, at));
        return block
            .map(|kind| {
                kind.keywords()
                    .iter()
                    .map(|k| CompletionItem {
                        label: (*k).to_owned(),
                        kind: Some(CompletionItemKind::KEYWORD),
                        detail: Some(format!("in a `{}` block", kind.name())),
                        ..CompletionItem::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    names
        .definitions
        .iter()
        .filter(|d| d.kind != NameKind::Site)
        .map(|d| CompletionItem {
            label: d.name.clone(),
            kind: Some(match d.kind {
                NameKind::Server => CompletionItemKind::CLASS,
                _ => CompletionItemKind::STRUCT,
            }),
            detail: Some(match d.kind {
                NameKind::Server => "server".to_owned(),
                _ => "database".to_owned(),
            }),
            ..CompletionItem::default()
        })
        .collect()
}

/// The kind of the innermost block holding byte `at` (the plan's statements are in the file's
/// own block); `None` inside a block the schema does not name.
fn enclosing(nodes: &[Node], at: usize) -> Option<BlockKind> {
    let mut kind = None;
    let mut level = nodes;
    let mut inside_plan = false;
    while let Some(node) = level
        .iter()
        .find(|n| n.block.is_some_and(|b| b.start < at && at < b.end))
    {
        inside_plan = true;
        kind = BlockKind::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(&node.keyword));
        level = &node.children;
    }
    if inside_plan { kind } else { None }
}
