//! Completion, from what the checks themselves use: at the start of a statement, the keywords of
//! the enclosing block (the schema) and snippets for whole blocks; after a keyword, what it
//! takes there — declared servers (`on`, `from server`, `decommission`, `copies`, `witness`),
//! databases (`move mailboxes to`), the namespaces the plan declares (`names`), Exchange
//! versions and the update levels the specs know for the version written, the roles and
//! operating systems of the server's version, and the schema's word lists.

use crate::analyze::{NameKind, Names};
use crate::specs::Specs;
use crate::syntax::outline::Node;
use crate::syntax::schema::{self, BlockKind};
use lsp_types::{CompletionItem, CompletionItemKind, InsertTextFormat};

/// The completions at byte `at` of `text`, whose statements are `outline` (`None` when they
/// cannot be read) and names `names`; `snippets` when the client takes snippet syntax.
pub fn items(
    text: &str,
    at: usize,
    outline: Option<&[Node]>,
    names: &Names,
    snippets: bool,
) -> Vec<CompletionItem> {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    if in_comment_or_string(before) {
        return Vec::new();
    }
    // The statement so far on this line: after the last `{` or `;`.
    let statement = before.rsplit(['{', ';']).next().unwrap_or("");
    let mut words: Vec<&str> = statement.split_whitespace().collect();
    // The word being typed is not part of the context.
    if !statement.is_empty() && !statement.ends_with(char::is_whitespace) {
        words.pop();
    }
    let path = outline.map(|nodes| path_to(nodes, at)).unwrap_or_default();
    if words.is_empty() {
        if path.is_empty()
            && outline.is_some_and(|nodes| !nodes.iter().any(|n| n.keyword == "plan"))
        {
            // An empty file, or one without its plan yet: the plan itself.
            return plan_item(snippets);
        }
        // Inside `validate { }`: the checks the specs know.
        if path.last().is_some_and(|n| n.keyword == "validate") {
            return checks();
        }
        let block = match outline {
            None => Some(BlockKind::Plan),
            Some(_) => enclosing(&path),
        };
        return block
            .map(|kind| keywords(kind, snippets))
            .unwrap_or_default();
    }
    let block = enclosing(&path).unwrap_or(BlockKind::Plan);
    let server = server_version(&path);
    arguments(&words, block, server.as_deref(), outline, names)
}

/// `plan "Title" { }`, the statement every file holds once.
fn plan_item(snippets: bool) -> Vec<CompletionItem> {
    let mut item = word(
        "plan",
        CompletionItemKind::KEYWORD,
        "the plan: once per file",
    );
    if snippets {
        item.insert_text = Some(
            "plan \"${1:Contoso: Exchange 2010 to 2016}\" {\n\ttarget exchange ${2:2016} ${3:cu23}\n\t$0\n}"
                .to_owned(),
        );
        item.insert_text_format = Some(InsertTextFormat::SNIPPET);
    }
    vec![item]
}

/// The checks a `validate { }` block may list: every version's, once each.
fn checks() -> Vec<CompletionItem> {
    let mut names: Vec<&str> = Specs::embedded()
        .all()
        .iter()
        .flat_map(|s| s.validation_checks.iter().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|c| word(c, CompletionItemKind::FUNCTION, "a post-change test"))
        .collect()
}

/// Whether the end of `line` (a line up to the cursor) is inside a comment or a string.
fn in_comment_or_string(line: &str) -> bool {
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return true,
            _ => {}
        }
    }
    quoted
}

/// The keywords a block of `kind` accepts, and a snippet for each that opens a block.
fn keywords(kind: BlockKind, snippets: bool) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = kind
        .keywords()
        .iter()
        .map(|k| CompletionItem {
            label: (*k).to_owned(),
            kind: Some(CompletionItemKind::KEYWORD),
            detail: Some(format!("in a `{}` block", kind.name())),
            ..CompletionItem::default()
        })
        .collect();
    if snippets {
        items.extend(
            kind.keywords()
                .iter()
                .filter_map(|k| snippet(k).map(|body| (k, body)))
                .map(|(k, body)| CompletionItem {
                    label: format!("{k} {{ … }}"),
                    kind: Some(CompletionItemKind::SNIPPET),
                    detail: Some(format!("a whole `{k}` statement")),
                    insert_text: Some(body),
                    insert_text_format: Some(InsertTextFormat::SNIPPET),
                    filter_text: Some((*k).to_owned()),
                    ..CompletionItem::default()
                }),
        );
    }
    items
}

/// The snippet of a whole statement for keywords that open a block (LSP snippet syntax).
fn snippet(keyword: &str) -> Option<String> {
    if keyword == "server" {
        return Some(server_snippet());
    }
    Some(match keyword {
        "site" => "site \"${1:Name}\" internet-facing {\n\t$0\n}",
        "namespaces" => {
            "namespaces {\n\tprimary \"${1:mail.contoso.com}\"\n\tautodiscover \"${2:autodiscover.contoso.com}\"\n}"
        }
        "certificate" => "certificate on ${1:SERVER} {\n\tnames ${2:primary autodiscover}\n}",
        "database" => {
            "database ${1:NAME} on ${2:SERVER} {\n\tedb \"${3:E:\\\\DB\\\\DB.edb}\"\n\tlogs \"${4:F:\\\\DB}\"\n}"
        }
        "move" => "move mailboxes to ${1:DATABASE} {\n\tfrom server ${2:SERVER}\n}",
        "client-access" => {
            "client-access on ${1:SERVER} {\n\toutlook-anywhere { host \"${2:mail.contoso.com}\"; auth ${3:ntlm} }\n}"
        }
        "mail-flow" => {
            "mail-flow on ${1:SERVER} {\n\tinbound anonymous\n\tsend-connector \"${2:Internet}\"\n}"
        }
        "dag" => {
            "dag ${1:NAME} {\n\twitness ${2:SERVER} \"${3:C:\\\\DAGWitness}\"\n\tip ${4:10.0.0.50}\n}"
        }
        "forest" => "forest \"${1:contoso.com}\" {\n\tfunctional-level ${2:2012r2}\n}",
        _ => return None,
    }
    .to_owned())
}

/// A new server of the newest version exgen generates, at its newest level, on the newest
/// operating system documented for it, with its roles: from the specs, as `exgen init` writes.
fn server_snippet() -> String {
    let specs = Specs::embedded().all();
    let Some(spec) = specs.iter().rev().find(|s| !s.generated_from.is_empty()) else {
        return "server ${1:NAME} {\n\texchange $2\n\tos \"$3\"\n\troles $4\n\tnew\n}".to_owned();
    };
    let level = crate::init::newest_level(spec, None);
    let written = level
        .as_ref()
        .map_or_else(|| "rtm".to_owned(), |l| l.to_string().to_ascii_lowercase());
    format!(
        "server ${{1:NAME}} {{\n\texchange ${{2:{}}} ${{3:{written}}}\n\tos \"${{4:{}}}\"\n\troles ${{5:{}}}\n\tnew\n}}",
        spec.version,
        crate::init::newest_os(spec, level.as_ref()),
        crate::init::roles(spec)
    )
}

/// What the statement `words` (the keyword and the complete arguments before the cursor) takes
/// next, in a block of kind `block`; `version` is the Exchange version of the enclosing server.
fn arguments(
    words: &[&str],
    block: BlockKind,
    version: Option<&str>,
    outline: Option<&[Node]>,
    names: &Names,
) -> Vec<CompletionItem> {
    let keyword = words[0];
    let last = *words.last().unwrap_or(&"");
    let servers = || declared(names, outline, NameKind::Server);
    let databases = || declared(names, outline, NameKind::Database);
    let specs = Specs::embedded();
    match (keyword, last) {
        ("exchange" | "target" | "upgrade-to", "exchange") => specs
            .all()
            .iter()
            .map(|s| word(&s.version, CompletionItemKind::ENUM_MEMBER, &s.name))
            .collect(),
        ("target" | "upgrade-to", _) if words.len() == 1 => {
            vec![word("exchange", CompletionItemKind::KEYWORD, "")]
        }
        ("exchange" | "target", _)
            if words.len() >= 2 && specs.get(words[words.len() - 1]).is_some() =>
        {
            let spec = specs.get(last).expect("checked above");
            spec.updates
                .iter()
                .map(|u| {
                    let level = u.name.to_string().to_ascii_lowercase();
                    word(
                        &level,
                        CompletionItemKind::ENUM_MEMBER,
                        &format!("{} build {}", spec.name, u.build),
                    )
                })
                .collect()
        }
        ("roles", _) => {
            let available = version
                .and_then(|v| specs.get(v))
                .map(|s| s.roles.available.clone())
                .unwrap_or_else(|| schema::ROLES.iter().map(|r| (*r).to_owned()).collect());
            available
                .iter()
                .filter(|r| !words[1..].contains(&r.as_str()))
                .map(|r| {
                    let detail = version.map_or_else(String::new, |v| format!("Exchange {v}"));
                    word(r, CompletionItemKind::ENUM_MEMBER, &detail)
                })
                .collect()
        }
        ("os", "os") => version
            .and_then(|v| specs.get(v))
            .map(|s| {
                s.os.iter()
                    .map(|o| {
                        let mut item = word(
                            &o.label,
                            CompletionItemKind::VALUE,
                            &format!("supported by Exchange {}", s.version),
                        );
                        item.insert_text = Some(format!("\"{}\"", o.label));
                        item
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ("names", _) => namespaces(outline)
            .into_iter()
            .filter(|n| !words[1..].contains(&n.as_str()))
            .map(|n| {
                word(
                    &n,
                    CompletionItemKind::ENUM_MEMBER,
                    "a namespace of this plan",
                )
            })
            .collect(),
        ("move", "move") => vec![word("mailboxes", CompletionItemKind::KEYWORD, "")],
        ("move", "mailboxes") => vec![word("to", CompletionItemKind::KEYWORD, "")],
        // Mailboxes move to mailbox databases, never to a public folder database.
        ("move", "to") => {
            let public: Vec<&str> = outline
                .unwrap_or_default()
                .iter()
                .flat_map(|plan| &plan.children)
                .filter(|n| n.keyword == "public-folder-database")
                .filter_map(|n| n.name.as_deref())
                .collect();
            databases()
                .into_iter()
                .filter(|d| !public.contains(&d.label.as_str()))
                .collect()
        }
        ("from", "database") => databases(),
        ("from", "from") => vec![
            word(
                "server",
                CompletionItemKind::KEYWORD,
                "every mailbox of a server",
            ),
            word(
                "database",
                CompletionItemKind::KEYWORD,
                "every mailbox of a database",
            ),
        ],
        ("from", "server") | ("decommission" | "copies" | "witness" | "to", _) => servers(),
        ("cluster", "dag") => declared(names, outline, NameKind::Dag),
        ("inbound", "inbound") => ["anonymous", "gateway"]
            .iter()
            .map(|w| {
                word(
                    w,
                    CompletionItemKind::ENUM_MEMBER,
                    "how internet mail arrives",
                )
            })
            .collect(),
        ("organization", "mode") => schema::MODES
            .iter()
            .map(|w| {
                word(
                    w,
                    CompletionItemKind::ENUM_MEMBER,
                    "a 2000/2003 organization's mode",
                )
            })
            .collect(),
        ("organization", _) if words.len() == 2 => {
            vec![word(
                "mode",
                CompletionItemKind::KEYWORD,
                "native or mixed (2000/2003)",
            )]
        }
        ("functional-level", "functional-level") => specs
            .functional_levels()
            .iter()
            .map(|l| word(&l.level, CompletionItemKind::ENUM_MEMBER, &l.forest_mode))
            .collect(),
        ("manual", "after") => target_version(outline)
            .and_then(|v| specs.get(&v))
            .map(|spec| {
                spec.phases
                    .iter()
                    .map(|p| word(&p.id, CompletionItemKind::EVENT, &p.title))
                    .collect()
            })
            .unwrap_or_default(),
        ("manual", _) if words.len() == 2 => {
            vec![word("after", CompletionItemKind::KEYWORD, "after a phase")]
        }
        (
            "database"
            | "public-folder-database"
            | "certificate"
            | "client-access"
            | "mail-flow"
            | "public-folders"
            | "exmerge",
            _,
        ) if words.contains(&"on") || words.contains(&"from") || words.contains(&"to") => servers(),
        _ => schema::values_of(block, keyword)
            .map(|values| {
                values
                    .iter()
                    .filter(|v| !words[1..].contains(v))
                    .map(|v| word(v, CompletionItemKind::ENUM_MEMBER, ""))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn word(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
        ..CompletionItem::default()
    }
}

/// The declared names of `kind`: as analysis resolved them or, when it resolved none because
/// the plan did not parse (as while a statement is being typed: `decommission ` with no server
/// yet is a syntax error), as the statements written declare them.
fn declared(names: &Names, outline: Option<&[Node]>, kind: NameKind) -> Vec<CompletionItem> {
    let (item_kind, detail) = match kind {
        NameKind::Server => (CompletionItemKind::CLASS, "server"),
        NameKind::Database => (CompletionItemKind::STRUCT, "database"),
        NameKind::Site => (CompletionItemKind::MODULE, "site"),
        NameKind::Namespace => (CompletionItemKind::ENUM_MEMBER, "namespace"),
        NameKind::Dag => (CompletionItemKind::INTERFACE, "DAG"),
    };
    let found: Vec<String> = if names.definitions.is_empty() {
        written(outline, kind)
    } else {
        names
            .definitions
            .iter()
            .filter(|d| d.kind == kind)
            .map(|d| d.name.clone())
            .collect()
    };
    found
        .iter()
        .map(|name| word(name, item_kind, detail))
        .collect()
}

/// The names of `kind` the statements of the plan declare, as written: `server NAME` in a
/// site, `database NAME`, `dag NAME` and `site "NAME"` in the plan, the kinds in `namespaces`;
/// the first of names that differ only in case, as analysis keeps.
fn written(outline: Option<&[Node]>, kind: NameKind) -> Vec<String> {
    let is = |node: &&Node, keyword: &str| node.keyword.eq_ignore_ascii_case(keyword);
    let statements = outline
        .unwrap_or_default()
        .iter()
        .filter(|n| is(n, "plan"))
        .flat_map(|plan| &plan.children);
    let declarations: Vec<&Node> = match kind {
        NameKind::Server => statements
            .filter(|n| is(n, "site"))
            .flat_map(|site| &site.children)
            .filter(|n| is(n, "server"))
            .collect(),
        NameKind::Database => statements.filter(|n| is(n, "database")).collect(),
        NameKind::Site => statements.filter(|n| is(n, "site")).collect(),
        NameKind::Dag => statements.filter(|n| is(n, "dag")).collect(),
        NameKind::Namespace => statements
            .filter(|n| is(n, "namespaces"))
            .flat_map(|n| &n.children)
            .collect(),
    };
    let name_of = |n: &&Node| match kind {
        // A namespace is named by its kind, the keyword of its line.
        NameKind::Namespace => Some(n.keyword.clone()),
        _ => n.name.clone(),
    };
    let mut found: Vec<String> = Vec::new();
    for name in declarations.iter().filter_map(name_of) {
        if !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
            found.push(name);
        }
    }
    found
}

/// The namespace kinds the plan's `namespaces` block declares, or every kind while it has none.
fn namespaces(outline: Option<&[Node]>) -> Vec<String> {
    let declared: Vec<String> = outline
        .unwrap_or_default()
        .iter()
        .flat_map(|plan| &plan.children)
        .filter(|n| n.keyword == "namespaces")
        .flat_map(|n| &n.children)
        .map(|n| n.keyword.clone())
        .collect();
    if declared.is_empty() {
        schema::NAMESPACE_KINDS
            .iter()
            .map(|k| (*k).to_owned())
            .collect()
    } else {
        declared
    }
}

/// The version the plan's `target exchange VERSION` names.
fn target_version(outline: Option<&[Node]>) -> Option<String> {
    outline?
        .iter()
        .flat_map(|plan| &plan.children)
        .find(|n| n.keyword == "target")
        .and_then(|n| n.args.get(1).cloned())
}

/// The statements whose blocks hold byte `at`, outermost first.
fn path_to(nodes: &[Node], at: usize) -> Vec<&Node> {
    let mut path = Vec::new();
    let mut level = nodes;
    while let Some(node) = level
        .iter()
        .find(|n| n.block.is_some_and(|b| b.start < at && at < b.end))
    {
        path.push(node);
        level = &node.children;
    }
    path
}

/// The kind of the innermost block on `path`; `None` outside the plan or inside a block the
/// schema does not name.
fn enclosing(path: &[&Node]) -> Option<BlockKind> {
    let node = path.last()?;
    BlockKind::ALL
        .iter()
        .copied()
        .find(|k| k.name().eq_ignore_ascii_case(&node.keyword))
}

/// The version of the server whose block is on `path`, as its `exchange` statement writes it.
fn server_version(path: &[&Node]) -> Option<String> {
    let server = path.iter().rev().find(|n| n.keyword == "server")?;
    server
        .children
        .iter()
        .find(|n| n.keyword == "exchange")
        .and_then(|n| n.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline::outline;

    fn labels(text: &str, marker: &str, snippets: bool) -> Vec<String> {
        let at = text.find(marker).expect("marker");
        let text = text.replacen(marker, "", 1);
        let nodes = outline(&text);
        let names = Names::default();
        items(&text, at, nodes.as_deref(), &names, snippets)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    const PLAN: &str = "plan \"P\" {\n  namespaces { primary \"a\"; legacy \"b\" }\n  site \"HQ\" {\n    server A { exchange 2016 cu23; roles |R| }\n    server B { exchange |V| }\n    server C { exchange 2010 |L| }\n  }\n  certificate on A { names primary |N| }\n  |K|\n}\n";

    fn at(marker: &str) -> Vec<String> {
        let mut text = PLAN.to_owned();
        for other in ["|R|", "|V|", "|L|", "|N|", "|K|"] {
            if other != marker {
                text = text.replacen(other, "", 1);
            }
        }
        labels(&text, marker, true)
    }

    #[test]
    fn roles_are_those_of_the_server_s_version() {
        assert_eq!(at("|R|"), ["mailbox", "edge"]);
    }

    #[test]
    fn versions_then_the_levels_the_specs_know() {
        let versions = at("|V|");
        assert!(
            versions.contains(&"2019".to_owned()) && versions.contains(&"SE".to_owned()),
            "{versions:?}"
        );
        let levels = at("|L|");
        assert!(
            levels.contains(&"sp3".to_owned()) && levels.contains(&"sp3 ru32".to_owned()),
            "{levels:?}"
        );
    }

    #[test]
    fn names_offers_the_declared_namespaces_not_yet_written() {
        assert_eq!(at("|N|"), ["legacy"]);
    }

    #[test]
    fn an_unfinished_statement_is_offered_the_names_the_plan_declares() {
        // `decommission ` and `database X on ` alone do not parse: analysis resolved no names
        // (labels passes none), so they come from the statements as written.
        let text = "plan \"P\" {\n  site \"HQ\" {\n    server OLD1 { roles mailbox }\n    \
                    server NEW1 { roles mailbox; new }\n    server old1 { }\n  }\n  \
                    database DB1 on NEW1\n  |D|\n}\n";
        for statement in ["decommission ", "database DB2 on ", "public-folders from "] {
            let text = text.replace("|D|", &format!("{statement}|D|"));
            assert_eq!(labels(&text, "|D|", false), ["OLD1", "NEW1"], "{statement}");
        }
        let text = text.replace("|D|", "move mailboxes to |D|");
        assert_eq!(labels(&text, "|D|", false), ["DB1"]);
        // Statements outside the plan's block, or that cannot be read, declare nothing.
        assert!(labels("server X { }\ndecommission |D|", "|D|", false).is_empty());
        assert!(
            labels(
                "plan \"P\" { site \"S\" { server X\n decommission |D|",
                "|D|",
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn the_server_snippet_is_the_newest_version_from_the_specs() {
        let snippet = server_snippet();
        assert!(snippet.contains("exchange ${2:SE} ${3:rtm}"), "{snippet}");
        assert!(snippet.contains("roles ${5:mailbox}"), "{snippet}");
        assert!(
            snippet.contains("os \"${4:Windows Server 2025}\""),
            "{snippet}"
        );
    }

    #[test]
    fn nothing_inside_a_comment_or_a_string() {
        assert!(
            labels(
                "plan \"P\" {\n  decommission A # move to |X|\n}\n",
                "|X|",
                false
            )
            .is_empty()
        );
        assert!(labels("plan \"P\" {\n  media \"a; roles |X|\n}\n", "|X|", false).is_empty());
    }

    #[test]
    fn checks_phases_and_the_plan_itself() {
        let checks = labels("plan \"P\" {\n  validate { |X| }\n}\n", "|X|", false);
        assert!(checks.contains(&"service-health".to_owned()), "{checks:?}");
        let phases = labels(
            "plan \"P\" {\n  target exchange 2010 sp3\n  manual \"x\" after |X|\n}\n",
            "|X|",
            false,
        );
        assert!(phases.contains(&"client-access".to_owned()), "{phases:?}");
        assert_eq!(labels("|X|", "|X|", true), ["plan"]);
        assert_eq!(
            labels(
                "plan \"P\" {\n  mail-flow on A { inbound |X| }\n}\n",
                "|X|",
                false
            ),
            ["anonymous", "gateway"]
        );
    }

    #[test]
    fn statement_starts_get_keywords_and_block_snippets() {
        let top = at("|K|");
        assert!(top.contains(&"certificate".to_owned()));
        assert!(top.contains(&"certificate { … }".to_owned()), "{top:?}");
        assert!(!top.contains(&"roles".to_owned()));
    }
}
