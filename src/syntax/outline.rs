//! The shape of a plan as written: each statement's keyword, its first argument (the name, for
//! most), its span and its block's statements. Schema-free, so an editor gets an outline and
//! folding even while the plan has errors the schema would report.

use super::stmt::Stmt;
use crate::source::Span;

/// One statement of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The keyword as written.
    pub keyword: String,
    /// The first argument, unquoted (a site's or server's name), when there is one.
    pub name: Option<String>,
    /// Every argument, unquoted, in order.
    pub args: Vec<String>,
    /// The whole statement, block included.
    pub span: Span,
    /// The keyword and its arguments: what an editor selects for the node.
    pub head: Span,
    /// The block, when the statement has one.
    pub block: Option<Span>,
    /// The statements of its block.
    pub children: Vec<Node>,
}

/// The outline of `text`; `None` when its statements cannot be read (unbalanced braces,
/// unterminated strings, a syntax error, or a limit exceeded).
#[must_use]
pub fn outline(text: &str) -> Option<Vec<Node>> {
    if super::scan::scan(text).has_errors() {
        return None;
    }
    let stmts = super::parser::parse_statements(text).ok()?;
    Some(stmts.iter().map(node).collect())
}

fn node(stmt: &Stmt) -> Node {
    Node {
        keyword: stmt.keyword.clone(),
        name: stmt.args.first().map(|a| a.text.clone()),
        args: stmt.args.iter().map(|a| a.text.clone()).collect(),
        span: stmt.span,
        head: stmt.head(),
        block: stmt.block.as_ref().map(|b| b.span),
        children: stmt
            .block
            .as_ref()
            .map(|b| b.stmts.iter().map(node).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_nest_as_written() {
        let text = "plan \"P\" {\n  site \"HQ\" {\n    server EX1 { roles mailbox }\n  }\n}\n";
        let plan = outline(text).expect("readable");
        assert_eq!(plan.len(), 1);
        let site = &plan[0].children[0];
        assert_eq!(
            (site.keyword.as_str(), site.name.as_deref()),
            ("site", Some("HQ"))
        );
        let server = &site.children[0];
        assert_eq!(server.name.as_deref(), Some("EX1"));
        assert_eq!(&text[server.head.start..server.head.end], "server EX1");
        assert_eq!(server.children[0].keyword, "roles");
        assert_eq!(outline("plan \"P\" {"), None);
    }
}
