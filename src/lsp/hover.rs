//! Hover: what a statement's keyword and options do (from the language reference, [`super::reference`]), what a
//! declared name stands for (from the checked plan), and the PowerShell a statement produces:
//! the lowered text itself ([`crate::lower::StepOutput`]), as `exgen compile` writes it.

use super::reference;
use crate::analyze::{NameKind, Names};
use crate::ir::Checked;
use crate::lower::StepOutput;
use crate::source::Span;
use crate::syntax::outline::Node;
use crate::syntax::schema::BlockKind;
use std::fmt::Write as _;

/// The most steps a hover shows, and the most lines of each.
const MAX_STEPS: usize = 4;
const MAX_LINES: usize = 120;

/// What hover knows of a document.
pub struct Context<'a> {
    pub text: &'a str,
    /// Its statements as written (`None` when they cannot be read).
    pub outline: Option<&'a [Node]>,
    pub names: &'a Names,
    /// The checked plan, when the document has no errors.
    pub checked: Option<&'a Checked>,
    /// Where each step's text landed, when the plan lowers.
    pub steps: Option<&'a [StepOutput]>,
}

/// The hover at byte `at`: Markdown and the span it describes.
pub fn hover(cx: &Context<'_>, at: usize) -> Option<(String, Span)> {
    if let Some(found) = name(cx, at) {
        return Some(found);
    }
    let nodes = cx.outline?;
    let (node, block) = innermost_head(nodes, at, None)?;
    // Anywhere on the keyword and its arguments (a role, a version, `internet-facing`): what
    // the statement means, as the reference says.
    let mut out = reference::describe(&node.keyword, block).unwrap_or_default();
    let generated = cx.steps.map(|s| powershell(s, at)).unwrap_or_default();
    if !generated.is_empty() {
        if !out.is_empty() {
            out.push_str("\n\n---\n\n");
        }
        out.push_str(&generated);
    }
    (!out.is_empty()).then_some((out, node.head))
}

/// The innermost statement whose keyword and arguments hold `at`, and the kind of the block it
/// is written in (`None` for the top level and blocks the schema does not name).
fn innermost_head(
    nodes: &[Node],
    at: usize,
    block: Option<BlockKind>,
) -> Option<(&Node, Option<BlockKind>)> {
    let node = nodes
        .iter()
        .find(|n| n.span.start <= at && at <= n.span.end)?;
    let inner = node
        .block
        .filter(|b| b.start < at && at < b.end)
        .and_then(|_| {
            let kind = BlockKind::ALL
                .iter()
                .copied()
                .find(|k| k.name().eq_ignore_ascii_case(&node.keyword));
            innermost_head(&node.children, at, kind)
        });
    inner.or_else(|| (node.head.start <= at && at <= node.head.end).then_some((node, block)))
}

/// The PowerShell of the innermost statement around `at` that produces steps: each step's
/// text, with its script, line and shell.
fn powershell(steps: &[StepOutput], at: usize) -> String {
    let around = |s: &&StepOutput| s.origin.start <= at && at <= s.origin.end;
    let Some(size) = steps
        .iter()
        .filter(around)
        .map(|s| s.origin.end - s.origin.start)
        .min()
    else {
        return String::new();
    };
    let mine: Vec<&StepOutput> = steps
        .iter()
        .filter(around)
        .filter(|s| s.origin.end - s.origin.start == size)
        .collect();
    let mut out = String::new();
    for step in mine.iter().take(MAX_STEPS) {
        let _ = writeln!(
            out,
            "**Generates** `{}` line {} — {}\n",
            step.file, step.line, step.shell
        );
        let lines: Vec<&str> = step.text.lines().collect();
        let shown = lines[..lines.len().min(MAX_LINES)].join("\n");
        let fence = fence_for(&shown);
        let _ = writeln!(out, "{fence}powershell\n{shown}\n{fence}");
        if lines.len() > MAX_LINES {
            let _ = writeln!(
                out,
                "\n… {} more lines in `{}`",
                lines.len() - MAX_LINES,
                step.file
            );
        }
        out.push('\n');
    }
    if mine.len() > MAX_STEPS {
        let rest: Vec<String> = mine[MAX_STEPS..]
            .iter()
            .map(|s| format!("`{}`", s.file))
            .collect();
        let _ = writeln!(out, "Also in {}", rest.join(", "));
    }
    out.trim_end().to_owned()
}

/// A code fence longer than any run of backquotes in `text`, so no generated text ends it.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// The hover of a declared name at `at` (its declaration or a use): what the checked plan
/// says of it or, while the plan has errors, its declaration as written.
fn name(cx: &Context<'_>, at: usize) -> Option<(String, Span)> {
    let inside = |s: &Span| s.start <= at && at <= s.end;
    let (span, definition) = cx
        .names
        .definitions
        .iter()
        .find(|d| inside(&d.span))
        .map(|d| (d.span, d))
        .or_else(|| {
            let used = cx.names.uses.iter().find(|u| inside(&u.span))?;
            let d = cx
                .names
                .definitions
                .iter()
                .find(|d| d.span == used.definition)?;
            Some((used.span, d))
        })?;
    let summary = cx
        .checked
        .and_then(|c| summary(c, definition.kind, &definition.name))
        .unwrap_or_else(|| declared(cx.text, definition.span, definition.kind));
    Some((summary, span))
}

fn kind_word(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Server => "server",
        NameKind::Database => "database",
        NameKind::Site => "site",
        NameKind::Namespace => "namespace",
        NameKind::Dag => "DAG",
    }
}

/// The line that declares a name, as written.
fn declared(text: &str, span: Span, kind: NameKind) -> String {
    let start = text[..span.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| span.end + i);
    let line = crate::source::line_starts(text).partition_point(|&s| s <= span.start);
    let code = text[start..end].trim();
    let fence = fence_for(code);
    format!(
        "**{}** declared on line {line}\n\n{fence}exm\n{code}\n{fence}",
        kind_word(kind)
    )
}

/// A declared server, database or site as the checked plan has it.
fn summary(checked: &Checked, kind: NameKind, name: &str) -> Option<String> {
    let plan = &checked.plan;
    let mut out = String::new();
    match kind {
        NameKind::Server => {
            let s = plan.servers.iter().find(|s| s.name == name)?;
            let _ = writeln!(
                out,
                "**server `{}`** — {}\n",
                s.name,
                version_level(&s.exchange)
            );
            let roles: Vec<String> = s
                .roles
                .iter()
                .map(|r| {
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect();
            let _ = writeln!(out, "- roles: {}", roles.join(" "));
            let _ = writeln!(out, "- site: {}", s.site);
            if let Some(os) = &s.os {
                let _ = writeln!(out, "- OS: {os}");
            }
            if let Some(fqdn) = &s.fqdn {
                let _ = writeln!(out, "- FQDN: {fqdn}");
            }
            if let Some((kind, cluster)) = &s.cluster {
                let _ = writeln!(out, "- cluster: {kind} {cluster}");
            }
            let _ = writeln!(
                out,
                "- {}",
                if s.new {
                    "new: this plan installs it"
                } else {
                    "existing"
                }
            );
            let held: Vec<&str> = plan
                .databases
                .iter()
                .filter(|d| d.server == s.name)
                .map(|d| d.name.as_str())
                .collect();
            if !held.is_empty() {
                let _ = writeln!(out, "- databases: {}", held.join(", "));
            }
        }
        NameKind::Database => {
            let d = plan.databases.iter().find(|d| d.name == name)?;
            let what = match d.kind {
                crate::ir::DatabaseKind::Mailbox => "mailbox database",
                crate::ir::DatabaseKind::PublicFolder => "public folder database",
            };
            let _ = writeln!(
                out,
                "**database `{}`** — {what} on `{}` (Exchange {})\n",
                d.name, d.server, d.version
            );
            let _ = writeln!(
                out,
                "- {}",
                if d.create {
                    "new: this plan creates it"
                } else {
                    "existing"
                }
            );
            for (label, value) in [
                ("database file", &d.edb),
                ("logs", &d.logs),
                ("storage group", &d.storage_group),
            ] {
                if let Some(value) = value {
                    let _ = writeln!(out, "- {label}: {value}");
                }
            }
            if !d.copies.is_empty() {
                let copies: Vec<String> = d
                    .copies
                    .iter()
                    .map(|c| format!("{} (preference {})", c.server, c.preference))
                    .collect();
                let _ = writeln!(out, "- copies: {}", copies.join(", "));
            }
        }
        NameKind::Namespace => {
            let ns = &plan.namespaces;
            let host = match name.to_ascii_lowercase().as_str() {
                "primary" => ns.primary.as_ref(),
                "autodiscover" => ns.autodiscover.as_ref(),
                "legacy" => ns.legacy.as_ref(),
                _ => None,
            }?;
            let _ = writeln!(out, "**namespace `{name}`** — `{}`\n", host.host);
            let on: Vec<String> = plan
                .certificates
                .iter()
                .filter(|c| c.names.iter().any(|n| n == &host.host))
                .map(|c| {
                    let on: Vec<&str> = c.install_on.iter().map(|(s, _)| s.as_str()).collect();
                    format!("`{}`", on.join("`, `"))
                })
                .collect();
            if !on.is_empty() {
                let _ = writeln!(out, "- on the certificate of {}", on.join("; "));
            }
        }
        NameKind::Dag => {
            let d = plan
                .dags
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))?;
            let _ = writeln!(out, "**DAG `{}`** — Exchange {}\n", d.name, d.version);
            let _ = writeln!(out, "- members: {}", d.members.join(", "));
            let _ = writeln!(
                out,
                "- witness: {} {}",
                d.witness_server, d.witness_directory
            );
        }
        NameKind::Site => {
            let s = plan.sites.iter().find(|s| s.name == name)?;
            let _ = writeln!(
                out,
                "**site `{}`**{}\n",
                s.name,
                if s.internet_facing {
                    " — internet-facing"
                } else {
                    ""
                }
            );
            let _ = writeln!(out, "- servers: {}", s.servers.join(", "));
            if let Some(array) = &s.cas_array {
                let _ = writeln!(out, "- Client Access array: {}", array.host);
            }
            if let Some(forest) = &s.forest {
                let _ = writeln!(out, "- forest: {forest}");
            }
        }
    }
    Some(out.trim_end().to_owned())
}

/// `Exchange 2010 SP3 (build 14.3.123.4)`.
fn version_level(v: &crate::ir::VersionLevel) -> String {
    let build = v
        .build
        .as_ref()
        .map(|b| format!(" (build {b})"))
        .unwrap_or_default();
    format!("Exchange {} {}{build}", v.version, v.level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outlast_the_text() {
        assert_eq!(fence_for("Get-Mailbox"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }
}
