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
    declared(names, outline)
        .into_iter()
        .map(|(name, kind)| CompletionItem {
            label: name,
            kind: Some(match kind {
                NameKind::Server => CompletionItemKind::CLASS,
                _ => CompletionItemKind::STRUCT,
            }),
            detail: Some(match kind {
                NameKind::Server => "server".to_owned(),
                _ => "database".to_owned(),
            }),
            ..CompletionItem::default()
        })
        .collect()
}

/// The servers and databases to offer: those analysis resolved, or, when it resolved none
/// because the plan did not parse (as while a statement is being typed: `decommission ` with
/// no server yet is a syntax error), those the statements as written declare: `server NAME` in
/// a site, `database NAME` in the plan.
fn declared(names: &Names, outline: Option<&[Node]>) -> Vec<(String, NameKind)> {
    if !names.definitions.is_empty() {
        return names
            .definitions
            .iter()
            .filter(|d| d.kind != NameKind::Site)
            .map(|d| (d.name.clone(), d.kind))
            .collect();
    }
    let is = |node: &Node, keyword: &str| node.keyword.eq_ignore_ascii_case(keyword);
    let statements = outline
        .unwrap_or_default()
        .iter()
        .filter(|n| is(n, "plan"))
        .flat_map(|plan| &plan.children);
    let mut found: Vec<(String, NameKind)> = Vec::new();
    for node in statements {
        let declarations: Vec<(&Node, NameKind)> = if is(node, "site") {
            node.children
                .iter()
                .filter(|n| is(n, "server"))
                .map(|n| (n, NameKind::Server))
                .collect()
        } else if is(node, "database") {
            vec![(node, NameKind::Database)]
        } else {
            Vec::new()
        };
        for (declaration, kind) in declarations {
            if let Some(name) = &declaration.name
                && !found
                    .iter()
                    .any(|(n, k)| *k == kind && n.eq_ignore_ascii_case(name))
            {
                found.push((name.clone(), kind));
            }
        }
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, at: usize) -> Vec<(String, Option<String>)> {
        let outline = crate::syntax::outline::outline(text);
        // No names: the plan does not parse, so analysis resolved none.
        items(text, at, outline.as_deref(), &Names::default())
            .into_iter()
            .map(|i| (i.label, i.detail))
            .collect()
    }

    #[test]
    fn an_unfinished_statement_is_offered_the_names_the_plan_declares() {
        let text = "plan \"P\" {\n  site \"HQ\" {\n    server OLD1 { roles mailbox }\n    \
                    server NEW1 { roles mailbox; new }\n    server old1 { }\n  }\n  \
                    database DB1 on NEW1\n  decommission \n}\n";
        let at = text.find("decommission ").unwrap() + "decommission ".len();
        let server = |n: &str| (n.to_owned(), Some("server".to_owned()));
        assert_eq!(
            labels(text, at),
            vec![
                server("OLD1"),
                server("NEW1"),
                ("DB1".to_owned(), Some("database".to_owned()))
            ]
        );
        // Statements outside the plan's block, or that cannot be read, declare nothing.
        assert_eq!(labels("server X { }\ndecommission ", 26), vec![]);
        assert_eq!(labels("plan \"P\" { site \"S\" { server X", 30), vec![]);
    }
}
