//! What a keyword does, read from the language reference itself (`docs/language.md`, embedded at
//! build time), so hover says what the reference says: one source, no second table to drift.
//!
//! The reference describes a keyword in one of three forms, each opening with the keyword's
//! syntax as a code span:
//! - a list item: ``- `media "path"` — where setup runs from ...``;
//! - a paragraph: `` `cas-array "host"` — inside a site, ... ``;
//! - a table row: ``| `os "..."` | Its Windows version; ... |``.
//!
//! The values a keyword takes come from the schema ([`crate::syntax::schema`]) and the versions,
//! update levels, roles and operating systems from the specs, as the checks use them.

use crate::syntax::schema::{self, BlockKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

const LANGUAGE: &str = include_str!("../../docs/language.md");

/// One description of a keyword in the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The section it is in (`Mail flow`).
    pub section: String,
    /// Its syntax, as the reference writes it (`send-connector "Name" [smart-host "host"]`).
    pub syntax: String,
    /// What it does.
    pub text: String,
}

/// Every keyword's descriptions, in the reference's order: those that open with its syntax
/// and, for a keyword described inside its block's description (`edb "path"` in the one of
/// `database`), the descriptions that name it.
pub fn entries() -> &'static BTreeMap<String, Vec<Entry>> {
    static ENTRIES: OnceLock<BTreeMap<String, Vec<Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut own = parse(LANGUAGE);
        let all: Vec<Entry> = own.values().flatten().cloned().collect();
        for kind in BlockKind::ALL {
            for keyword in kind.keywords() {
                if own.contains_key(*keyword) {
                    continue;
                }
                let naming: Vec<Entry> = all
                    .iter()
                    .filter(|e| names_word(&e.syntax, keyword) || names_code(&e.text, keyword))
                    .cloned()
                    .collect();
                if !naming.is_empty() {
                    own.insert((*keyword).to_owned(), naming);
                }
            }
        }
        own
    })
}

/// Whether `syntax` holds `word` as a whole word outside quotes (not inside
/// `public-folder-database`, not the placeholder of `fqdn "host"`).
fn names_word(syntax: &str, word: &str) -> bool {
    let syntax: String = syntax
        .split('"')
        .enumerate()
        .map(|(i, part)| if i % 2 == 0 { part } else { "" })
        .collect::<Vec<_>>()
        .join("\"\"");
    let syntax = syntax.as_str();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-';
    syntax.match_indices(word).any(|(i, _)| {
        let before = syntax[..i].chars().next_back();
        let after = syntax[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// Whether `text` has a code span that starts with `word` (`` `edb "path"` ``).
fn names_code(text: &str, word: &str) -> bool {
    text.match_indices(&format!("`{word}"))
        .any(|(i, m)| matches!(text[i + m.len()..].chars().next(), Some(' ' | '`')))
}

/// Reads the descriptions out of the reference's Markdown.
fn parse(doc: &str) -> BTreeMap<String, Vec<Entry>> {
    let mut out: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    let mut section = String::new();
    let mut in_fence = false;
    let lines: Vec<&str> = doc.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ").or(line.strip_prefix("### ")) {
            section = heading.trim().to_owned();
            continue;
        }
        let (syntax, text) = if let Some(row) = line.strip_prefix("| `") {
            let cells = split_row(row);
            let [first, second, ..] = cells.as_slice() else {
                continue;
            };
            let Some(syntax) = first.strip_suffix('`') else {
                continue;
            };
            (syntax.replace("\\|", "|"), second.clone())
        } else if let Some(item) = line.strip_prefix("- `").or(line.strip_prefix('`')) {
            let Some((syntax, rest)) = item.split_once('`') else {
                continue;
            };
            // The paragraph or list item goes on until a blank line, a new item or a fence.
            let mut text = rest.to_owned();
            while i < lines.len() {
                let next = lines[i];
                if next.trim().is_empty() || next.starts_with("- ") || next.starts_with("```") {
                    break;
                }
                text.push(' ');
                text.push_str(next.trim());
                i += 1;
            }
            let text = text
                .trim()
                .trim_start_matches(['—', ':', '-'])
                .trim()
                .to_owned();
            (syntax.to_owned(), text)
        } else {
            continue;
        };
        let Some(keyword) = syntax.split_whitespace().next() else {
            continue;
        };
        let keyword = keyword.trim_end_matches(['{', '}']).to_owned();
        if !is_keyword(&keyword) {
            continue;
        }
        out.entry(keyword).or_default().push(Entry {
            section: section.clone(),
            syntax,
            text: plain_links(&text),
        });
    }
    out
}

/// The cells of a Markdown table row after its opening `` | ` ``, split at `|` not escaped
/// as `\|` and not inside a code span.
fn split_row(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::from("`");
    let mut code = true;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push_str("\\|");
                chars.next();
            }
            '`' => {
                code = !code;
                cell.push(c);
            }
            '|' if !code => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    let rest = cell.trim();
    if !rest.is_empty() {
        cells.push(rest.to_owned());
    }
    // The first cell keeps its opening backquote for the caller's `strip_suffix`.
    if let Some(first) = cells.first_mut() {
        *first = first.trim_start_matches('`').to_owned();
    }
    cells
}

/// `[text](#anchor)` as `text`: anchors of the reference lead nowhere in a hover.
fn plain_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            target.find(')').map(|end| (close, end))
        }) {
            Some((close, end)) if !after[..close].contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[close + 2 + end + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `word` opens a block or a statement somewhere in the schema.
pub fn is_keyword(word: &str) -> bool {
    BlockKind::ALL
        .iter()
        .any(|k| k.name() == word || k.keywords().contains(&word))
}

/// The hover text of `keyword` written in a block of kind `block` (`None` at the top level):
/// the reference's descriptions (those of the block's section first), where it may be written,
/// the values it takes and, for versions, roles and operating systems, what the specs know.
pub fn describe(keyword: &str, block: Option<BlockKind>) -> Option<String> {
    let found = entries().get(keyword)?;
    let mut out = String::new();
    let homes: Vec<BlockKind> = BlockKind::ALL
        .iter()
        .copied()
        .filter(|k| k.keywords().contains(&keyword))
        .collect();
    // Several sections may describe one keyword (`witness` for CCR clusters and for DAGs):
    // the block's own section first, when the section names it.
    let mut ordered: Vec<&Entry> = found.iter().collect();
    // The block's section is where the block's own keyword is described.
    if let Some(home) = block.and_then(|b| entries().get(b.name())) {
        ordered.sort_by_key(|e| !home.iter().any(|h| h.section == e.section));
    }
    for entry in ordered.iter().take(3) {
        let _ = writeln!(out, "```exm\n{}\n```", entry.syntax);
        let _ = writeln!(out, "{}\n", entry.text);
        let _ = writeln!(out, "*{}* — docs/language.md\n", entry.section);
    }
    if !homes.is_empty() {
        let list: Vec<String> = homes.iter().map(|k| format!("`{}`", k.name())).collect();
        let _ = writeln!(out, "**Written in:** {}\n", list.join(", "));
    }
    if let Some(values) = schema::values_of(block.unwrap_or(BlockKind::Plan), keyword) {
        let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        let _ = writeln!(out, "**Values:** {}\n", list.join(", "));
    }
    versions(keyword, &mut out);
    Some(out.trim_end().to_owned())
}

/// What the specs know that a keyword names: versions and update levels (`exchange`,
/// `target`, `upgrade-to`), roles and operating systems per version.
fn versions(keyword: &str, out: &mut String) {
    let specs = crate::specs::Specs::embedded();
    let generated = |s: &crate::specs::VersionSpec| !s.generated_from.is_empty();
    match keyword {
        "exchange" | "target" | "upgrade-to" => {
            let _ = writeln!(out, "**Versions and update levels (build):**\n");
            for spec in specs.all() {
                let levels: Vec<String> = spec
                    .updates
                    .iter()
                    .map(|u| format!("`{}` {}", u.name.to_string().to_ascii_lowercase(), u.build))
                    .collect();
                let target = if generated(spec) {
                    format!(
                        " — generated as a target from {}",
                        spec.generated_from.join(", ")
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "- **{}**{target}: {}",
                    spec.version,
                    if levels.is_empty() {
                        "no update levels known".to_owned()
                    } else {
                        levels.join(", ")
                    }
                );
            }
        }
        "roles" => {
            let _ = writeln!(out, "**Roles by version:**\n");
            for spec in specs.all() {
                let _ = writeln!(
                    out,
                    "- **{}**: {}",
                    spec.version,
                    spec.roles.available.join(" ")
                );
            }
        }
        "os" => {
            let _ = writeln!(out, "**Operating systems by version:**\n");
            for spec in specs.all().iter().filter(|s| !s.os.is_empty()) {
                let labels: Vec<&str> = spec.os.iter().map(|o| o.label.as_str()).collect();
                let _ = writeln!(out, "- **{}**: {}", spec.version, labels.join("; "));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword the schema accepts is described in the reference, so hover has something
    /// true to say about each (a keyword added without documentation fails here).
    #[test]
    fn every_keyword_is_described_in_the_reference() {
        let mut missing = Vec::new();
        for kind in BlockKind::ALL {
            for keyword in std::iter::once(&kind.name()).chain(kind.keywords()) {
                if !entries().contains_key(*keyword) {
                    missing.push(*keyword);
                }
            }
        }
        missing.sort_unstable();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "not described in docs/language.md: {missing:?}"
        );
    }

    #[test]
    fn list_items_paragraphs_and_table_rows_are_read() {
        let media = &entries()["media"][0];
        assert_eq!(media.syntax, "media \"path\"");
        assert!(
            media.text.starts_with("where setup runs from"),
            "{}",
            media.text
        );
        let cluster = &entries()["cluster"][0];
        assert_eq!(cluster.syntax, "cluster ccr|scc|dag NAME");
        assert!(
            !cluster.text.contains("](#"),
            "links made plain: {}",
            cluster.text
        );
        assert!(
            entries()["cas-array"][0]
                .text
                .contains("Client Access array")
        );
    }

    #[test]
    fn hover_adds_values_homes_and_versions() {
        let roles = describe("roles", Some(BlockKind::Server)).expect("described");
        assert!(
            roles.contains("**Values:** `cas`, `hub`, `mailbox`, `um`, `edge`"),
            "{roles}"
        );
        assert!(roles.contains("- **2016**: mailbox edge"), "{roles}");
        let exchange = describe("exchange", Some(BlockKind::Server)).expect("described");
        assert!(exchange.contains("`sp3` 14.3.123.4"), "{exchange}");
        let witness = describe("witness", Some(BlockKind::Dag)).expect("described");
        let dag = witness.find("availability").expect("the DAG entry");
        let ccr = witness.find("CCR").unwrap_or(usize::MAX);
        assert!(dag < ccr, "the block's own section first: {witness}");
        assert_eq!(describe("nonsense", None), None);
    }

    #[test]
    fn links_become_plain_text() {
        assert_eq!(plain_links("see [DAGs](#dags) and [x"), "see DAGs and [x");
        assert_eq!(plain_links("a [b] c"), "a [b] c");
    }
}
