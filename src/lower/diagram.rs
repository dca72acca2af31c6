//! The runbook's diagrams, also printed by `exgen graph`: the phases as a graph (what runs
//! where, what waits on what) and the topology before, during and after the cut-over.
//!
//! Both are built as one small graph model from the schedule's scripts, the model's states and
//! `specs/runbook.yaml`, then written as Mermaid (GitHub and Azure DevOps render it in
//! Markdown) or Graphviz DOT. Node ids are generated; plan values appear only in labels,
//! through [`escape::mermaid_label`] or [`escape::dot_string`].

use super::layout::{Marks, Script};
use crate::escape;
use crate::ir;
use crate::ir::state::State;
use crate::ir::steps::{Shell, Step};
use crate::specs::Specs;
use crate::specs::runbook::RunbookTable;
use serde::Serialize;
use std::fmt::Write as _;

/// The largest diagram the runbook embeds: GitHub's Mermaid refuses a text over 50,000
/// characters or more than 500 edges. A larger one is left to `exgen graph`.
pub const MERMAID_MAX_CHARS: usize = 50_000;
/// See [`MERMAID_MAX_CHARS`].
pub const MERMAID_MAX_EDGES: usize = 500;

/// A node's look, by what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A script run in an Exchange Management Shell.
    Exchange,
    /// A script run in plain Windows PowerShell (setup).
    Setup,
    /// A script run in an Edge Transport server's local shell.
    Edge,
    /// A script after which what users see changes (drawn with a thick border).
    Users,
    /// Something to wait for before the next script.
    Wait,
    /// A manual step of the plan.
    Manual,
    /// A server (topology).
    Server,
    /// A server the plan installs.
    NewServer,
    /// A server that is gone (decommissioned) by then.
    Gone,
    /// A name clients use.
    Name,
}

impl Kind {
    /// Mermaid `classDef` and DOT attributes of each kind: one palette for both.
    const STYLES: [(Kind, &'static str, &'static str, &'static str); 10] = [
        // (kind, fill, stroke, extra Mermaid style)
        (Kind::Exchange, "#e8f1fb", "#1f5fa8", ""),
        (Kind::Setup, "#fff4e5", "#b26a00", ""),
        (Kind::Edge, "#f1e8fb", "#6a1fa8", ""),
        (Kind::Users, "#e8f1fb", "#1f5fa8", "stroke-width:3px"),
        (Kind::Wait, "#f4f4f4", "#666666", "stroke-dasharray:4 3"),
        (Kind::Manual, "#fffbe5", "#8a7a00", ""),
        (Kind::Server, "#f4f4f4", "#444444", ""),
        (Kind::NewServer, "#e9f7ec", "#2e7d32", "stroke-width:2px"),
        (
            Kind::Gone,
            "#ffffff",
            "#999999",
            "stroke-dasharray:4 3,color:#777777",
        ),
        (Kind::Name, "#ffffff", "#1f5fa8", ""),
    ];

    fn class(self) -> &'static str {
        match self {
            Kind::Exchange => "ems",
            Kind::Setup => "setup",
            Kind::Edge => "edge",
            Kind::Users => "users",
            Kind::Wait => "wait",
            Kind::Manual => "manual",
            Kind::Server => "server",
            Kind::NewServer => "new",
            Kind::Gone => "gone",
            Kind::Name => "name",
        }
    }
}

/// One node.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Generated: `p01`, `w01`, `s3`, never plan text.
    pub id: String,
    /// Label lines.
    pub label: Vec<String>,
    /// What it stands for.
    pub kind: Kind,
    /// The cluster it is drawn in, an index into [`Graph::clusters`].
    pub cluster: Option<usize>,
}

/// One edge.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// Node id.
    pub from: String,
    /// Node id.
    pub to: String,
    /// What it says, if anything.
    pub label: Option<String>,
    /// Drawn dashed: a dependency across phases rather than the order of the run.
    pub dashed: bool,
}

/// A box around nodes: a shell (phases) or a site (topology).
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    /// Generated id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A diagram.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    /// What it shows, as a heading.
    pub title: String,
    /// `TD` or `LR`.
    pub direction: &'static str,
    /// Clusters, in order of first use.
    pub clusters: Vec<Cluster>,
    /// Nodes, in order.
    pub nodes: Vec<Node>,
    /// Edges, in order.
    pub edges: Vec<Edge>,
}

impl Graph {
    fn new(title: impl Into<String>, direction: &'static str) -> Graph {
        Graph {
            title: title.into(),
            direction,
            clusters: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    fn cluster(&mut self, title: &str) -> usize {
        if let Some(i) = self.clusters.iter().position(|c| c.title == title) {
            return i;
        }
        self.clusters.push(Cluster {
            id: format!("c{}", self.clusters.len() + 1),
            title: title.to_owned(),
        });
        self.clusters.len() - 1
    }

    fn node(&mut self, id: String, label: Vec<String>, kind: Kind, cluster: Option<usize>) {
        self.nodes.push(Node {
            id,
            label,
            kind,
            cluster,
        });
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, dashed: bool) {
        self.edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label,
            dashed,
        });
    }

    /// The diagram as Mermaid flowchart text (without the Markdown fence).
    #[must_use]
    pub fn mermaid(&self) -> String {
        let mut out = format!("flowchart {}\n", self.direction);
        let used: Vec<Kind> = Kind::STYLES
            .iter()
            .map(|s| s.0)
            .filter(|k| self.nodes.iter().any(|n| n.kind == *k))
            .collect();
        let node_line = |out: &mut String, n: &Node, indent: &str| {
            let label = n
                .label
                .iter()
                .map(|l| escape::mermaid_label(l))
                .collect::<Vec<_>>()
                .join("<br/>");
            let (open, close) = match n.kind {
                Kind::Wait => ("{{", "}}"),
                Kind::Manual => ("[/", "/]"),
                Kind::Name => ("([", "])"),
                Kind::Gone => ("(", ")"),
                _ => ("[", "]"),
            };
            let _ = writeln!(
                out,
                "{indent}{}{open}\"{label}\"{close}:::{}",
                n.id,
                n.kind.class()
            );
        };
        for (i, c) in self.clusters.iter().enumerate() {
            let _ = writeln!(
                out,
                "  subgraph {}[\"{}\"]",
                c.id,
                escape::mermaid_label(&c.title)
            );
            for n in self.nodes.iter().filter(|n| n.cluster == Some(i)) {
                node_line(&mut out, n, "    ");
            }
            out.push_str("  end\n");
        }
        for n in self.nodes.iter().filter(|n| n.cluster.is_none()) {
            node_line(&mut out, n, "  ");
        }
        for e in &self.edges {
            let arrow = if e.dashed { "-.->" } else { "-->" };
            match &e.label {
                Some(l) => {
                    let _ = writeln!(
                        out,
                        "  {} {arrow}|\"{}\"| {}",
                        e.from,
                        escape::mermaid_label(l),
                        e.to
                    );
                }
                None => {
                    let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
                }
            }
        }
        for (kind, fill, stroke, extra) in Kind::STYLES {
            if used.contains(&kind) {
                let extra = if extra.is_empty() {
                    String::new()
                } else {
                    format!(",{extra}")
                };
                let _ = writeln!(
                    out,
                    "  classDef {} fill:{fill},stroke:{stroke}{extra}",
                    kind.class()
                );
            }
        }
        out
    }

    /// Whether GitHub renders [`Graph::mermaid`] of this graph (see [`MERMAID_MAX_CHARS`]).
    #[must_use]
    pub fn fits_github(&self, mermaid: &str) -> bool {
        mermaid.len() <= MERMAID_MAX_CHARS && self.edges.len() <= MERMAID_MAX_EDGES
    }

    /// The diagram as a Graphviz DOT digraph.
    #[must_use]
    pub fn dot(&self, name: &str) -> String {
        let mut out = format!("digraph {} {{\n", escape::dot_string(name));
        let rankdir = if self.direction == "LR" { "LR" } else { "TB" };
        let _ = writeln!(out, "  rankdir={rankdir};");
        let _ = writeln!(out, "  label={};", escape::dot_string(&self.title));
        out.push_str("  labelloc=t;\n  node [fontname=\"Segoe UI,Helvetica,Arial\", fontsize=10];\n  edge [fontname=\"Segoe UI,Helvetica,Arial\", fontsize=9];\n");
        let node_line = |out: &mut String, n: &Node, indent: &str| {
            let style = Kind::STYLES
                .iter()
                .find(|s| s.0 == n.kind)
                .map_or(("#ffffff", "#000000"), |s| (s.1, s.2));
            let shape = match n.kind {
                Kind::Wait => "hexagon",
                Kind::Manual => "parallelogram",
                Kind::Name => "ellipse",
                _ => "box",
            };
            let dashed = if matches!(n.kind, Kind::Wait | Kind::Gone) {
                ",dashed"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{indent}{} [label={}, shape={shape}, style=\"filled,rounded{dashed}\", fillcolor=\"{}\", color=\"{}\"];",
                n.id,
                dot_label(&n.label),
                style.0,
                style.1
            );
        };
        for (i, c) in self.clusters.iter().enumerate() {
            let _ = writeln!(out, "  subgraph cluster_{} {{", c.id);
            let _ = writeln!(out, "    label={};", escape::dot_string(&c.title));
            for n in self.nodes.iter().filter(|n| n.cluster == Some(i)) {
                node_line(&mut out, n, "    ");
            }
            out.push_str("  }\n");
        }
        for n in self.nodes.iter().filter(|n| n.cluster.is_none()) {
            node_line(&mut out, n, "  ");
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label={}", escape::dot_string(l)));
            }
            if e.dashed {
                attrs.push("style=dashed".to_owned());
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(out, "  {} -> {}{attrs};", e.from, e.to);
        }
        out.push_str("}\n");
        out
    }
}

/// Label lines as one DOT string: each line escaped, joined by DOT's `\n` line break.
fn dot_label(lines: &[String]) -> String {
    let inner: Vec<String> = lines
        .iter()
        .map(|l| {
            let quoted = escape::dot_string(l);
            quoted[1..quoted.len() - 1].to_owned()
        })
        .collect();
    format!("\"{}\"", inner.join("\\n"))
}

/// The diagrams of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Diagrams {
    /// The phases: scripts by shell, waits and manual steps between them.
    pub phases: Graph,
    /// The topology before the first script, at each stage of the cut-over where the names
    /// point elsewhere, and after the last script.
    pub topology: Vec<Graph>,
}

/// Who runs a script, as its lane in the phases diagram.
fn lane(shell: &Shell, specs: &Specs) -> String {
    let spec = specs.get(shell.version());
    let label = spec.and_then(|s| s.shell.as_ref()).map_or_else(
        || format!("Exchange {}", shell.version()),
        |s| s.label.clone(),
    );
    match shell {
        Shell::Exchange(_) => label,
        Shell::Edge(_) => format!("{label}, on the Edge Transport server"),
        Shell::Setup(v) => {
            let ps = spec
                .and_then(|s| s.setup.as_ref())
                .map_or("", |s| s.powershell.as_str());
            format!("Windows PowerShell {ps}, no Exchange shell (Exchange {v} setup)")
        }
    }
}

/// Everything the diagrams are drawn from.
pub(super) struct Inputs<'a> {
    pub plan: &'a ir::Plan,
    pub specs: &'a Specs,
    pub scripts: &'a [Script<'a>],
    pub states: &'a [State],
    pub marks: &'a Marks<'a>,
    /// Whether what users see changes after each script.
    pub users_change: &'a [bool],
}

/// The diagrams of one compile.
pub(super) fn diagrams(inputs: &Inputs<'_>) -> Diagrams {
    Diagrams {
        phases: phases(inputs),
        topology: topology(inputs),
    }
}

fn phases(inputs: &Inputs<'_>) -> Graph {
    let notes = RunbookTable::embedded();
    let mut g = Graph::new("Phases", "TD");
    let mut previous: Option<String> = None;
    let mut manual_count = 0;
    let mut script_ids: Vec<String> = Vec::new();
    for (i, s) in inputs.scripts.iter().enumerate() {
        let id = format!("p{:02}", s.number);
        let cluster = g.cluster(&lane(s.shell, inputs.specs));
        let mut label = vec![s.file.clone(), s.title.to_owned()];
        if let Some(server) = s.run_on {
            label.push(format!("on {server}"));
        }
        let kind = if inputs.users_change.get(i).copied().unwrap_or(false) {
            Kind::Users
        } else {
            match s.shell {
                Shell::Exchange(_) => Kind::Exchange,
                Shell::Setup(_) => Kind::Setup,
                Shell::Edge(_) => Kind::Edge,
            }
        };
        g.node(id.clone(), label, kind, Some(cluster));
        if let Some(p) = &previous {
            g.edge(p, &id, None, false);
        }
        script_ids.push(id.clone());
        let mut last = id.clone();
        let waits = notes.waits_after(s.steps.iter().map(Step::kind), s.shell.version());
        for (k, wait) in waits.iter().enumerate() {
            let wid = format!("w{:02}{}", s.number, letter(k));
            g.node(
                wid.clone(),
                vec![format!("wait: {}", wait.title)],
                Kind::Wait,
                None,
            );
            g.edge(&last, &wid, None, false);
            last = wid;
        }
        for m in inputs.marks.manual.get(i).into_iter().flatten() {
            manual_count += 1;
            let mid = format!("m{manual_count}");
            g.node(
                mid.clone(),
                vec![format!("manual: {}", m.text)],
                Kind::Manual,
                None,
            );
            g.edge(&last, &mid, None, false);
            last = mid;
        }
        previous = Some(last);
    }
    for m in &inputs.marks.at_end {
        manual_count += 1;
        let mid = format!("m{manual_count}");
        g.node(
            mid.clone(),
            vec![format!("manual: {}", m.text)],
            Kind::Manual,
            None,
        );
        if let Some(p) = &previous {
            g.edge(p, &mid, None, false);
        }
        previous = Some(mid);
    }
    // Work a phase starts and a later phase finishes (the model's pending work, such as move
    // requests a later script removes): a dashed edge from the script after which it is
    // pending to the one after which it is done, when they are not next to each other.
    let mut started: Vec<(String, usize)> = Vec::new(); // (key, script)
    for (i, after) in inputs.marks.state_after.iter().enumerate() {
        let Some(state) = after.and_then(|k| inputs.states.get(k)) else {
            continue;
        };
        for p in &state.pending {
            if !p.declared && !started.iter().any(|(k, _)| *k == p.key) {
                started.push((p.key.clone(), i));
            }
        }
        let mut finished: Vec<usize> = Vec::new();
        started.retain(|(key, from)| {
            let open = state.pending.iter().any(|p| p.key == *key);
            if !open && *from + 1 < i && !finished.contains(from) {
                finished.push(*from);
            }
            open
        });
        for from in finished {
            let edge = (script_ids[from].clone(), script_ids[i].clone());
            if !g
                .edges
                .iter()
                .any(|e| e.dashed && (&e.from, &e.to) == (&edge.0, &edge.1))
            {
                g.edge(&edge.0, &edge.1, None, true);
            }
        }
    }
    g
}

/// `a`, `b`, ... for the k-th wait of a script.
fn letter(k: usize) -> char {
    char::from(b'a' + u8::try_from(k % 26).unwrap_or(0))
}

fn topology(inputs: &Inputs<'_>) -> Vec<Graph> {
    let plan = inputs.plan;
    let Some(first) = inputs.states.first() else {
        return Vec::new();
    };
    let mut out = vec![full(plan, first, "Before the first script", true)];
    // Each stage of the cut-over: after a script that changes where the names point.
    let mut last_names = names_key(first);
    let mut stages: Vec<(usize, &State)> = Vec::new();
    for (i, after) in inputs.marks.state_after.iter().enumerate() {
        let Some(state) = after.and_then(|k| inputs.states.get(k)) else {
            continue;
        };
        let key = names_key(state);
        if key != last_names {
            stages.push((i, state));
            last_names = key;
        }
    }
    let end = inputs.states.last().unwrap_or(first);
    let last_stage = stages.len().saturating_sub(1);
    for (n, (i, state)) in stages.iter().enumerate() {
        // The last stage when it is the end state already shown in full.
        if std::ptr::eq(*state, end) || (n == last_stage && names_key(state) == names_key(end)) {
            continue;
        }
        let script = &inputs.scripts[*i];
        out.push(names_only(
            plan,
            state,
            &format!("Names after {}", script.file),
        ));
    }
    out.push(full(plan, end, "After the last script", false));
    out
}

fn names_key(state: &State) -> Vec<(&str, &[String])> {
    state
        .names
        .iter()
        .map(|n| (n.host.as_str(), n.servers.as_slice()))
        .collect()
}

fn server_label(server: &ir::Server, present: bool) -> Vec<String> {
    let exchange = server.upgrade_to.as_ref().unwrap_or(&server.exchange);
    let roles: Vec<&str> = server
        .roles
        .iter()
        .filter_map(|r| ir::Role::ALL.iter().find(|(_, x)| x == r).map(|(w, _)| *w))
        .collect();
    let mut label = vec![
        server.name.clone(),
        format!("Exchange {} {}", exchange.version, exchange.level),
        roles.join(", "),
    ];
    if !present {
        label.push("removed".to_owned());
    }
    label
}

/// Sites, servers and names: the servers of `state` (present, or gone if they were there
/// before), the names and where they point.
fn full(plan: &ir::Plan, state: &State, title: &str, before: bool) -> Graph {
    let mut g = Graph::new(title, "LR");
    let mut ids: Vec<(&str, String)> = Vec::new();
    for (si, site) in plan.sites.iter().enumerate() {
        let mut title = format!("Site {}", site.name);
        if site.internet_facing {
            title.push_str(" (internet-facing)");
        }
        let mut cluster = None;
        for name in &site.servers {
            let Some(server) = plan.servers.iter().find(|s| &s.name == name) else {
                continue;
            };
            let present = state.server(name).is_some_and(|s| s.present);
            // Before: only what exists. After: what exists, and what the plan removed.
            if !present && (before || server.new) {
                continue;
            }
            let c = *cluster.get_or_insert_with(|| g.cluster(&title));
            let id = format!("s{}_{}", si + 1, ids.len() + 1);
            let kind = if !present {
                Kind::Gone
            } else if server.new {
                Kind::NewServer
            } else {
                Kind::Server
            };
            g.node(id.clone(), server_label(server, present), kind, Some(c));
            ids.push((name.as_str(), id));
        }
    }
    add_names(&mut g, state, &ids);
    g
}

/// Only the names and the servers they point at.
fn names_only(plan: &ir::Plan, state: &State, title: &str) -> Graph {
    let mut g = Graph::new(title, "LR");
    let mut ids: Vec<(&str, String)> = Vec::new();
    for n in &state.names {
        for server in &n.servers {
            if ids.iter().any(|(s, _)| s.eq_ignore_ascii_case(server)) {
                continue;
            }
            let id = format!("s{}", ids.len() + 1);
            let kind = match plan
                .servers
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(server))
            {
                Some(s) if s.new => Kind::NewServer,
                _ => Kind::Server,
            };
            g.node(id.clone(), vec![server.clone()], kind, None);
            ids.push((server.as_str(), id));
        }
    }
    add_names(&mut g, state, &ids);
    g
}

fn add_names(g: &mut Graph, state: &State, servers: &[(&str, String)]) {
    for (i, n) in state.names.iter().enumerate() {
        let id = format!("n{}", i + 1);
        let mut label = vec![n.host.clone(), n.role.clone()];
        let targets: Vec<&String> = n
            .servers
            .iter()
            .filter_map(|s| {
                servers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(s))
                    .map(|(_, id)| id)
            })
            .collect();
        if n.servers.is_empty() {
            label.push("not in DNS".to_owned());
        }
        g.node(id.clone(), label, Kind::Name, None);
        for t in targets {
            g.edge(&id, t, None, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Graph {
        let mut g = Graph::new("Phases", "TD");
        let lane = g.cluster("Exchange Management Shell 2010 (Windows PowerShell 2.0)");
        g.node(
            "p01".into(),
            vec!["01-preflight.ps1".into(), "Preflight checks".into()],
            Kind::Exchange,
            Some(lane),
        );
        g.node(
            "m1".into(),
            vec!["manual: say \"hi\" | <b>#1</b>; 100% `done`".into()],
            Kind::Manual,
            None,
        );
        g.node("w01a".into(), vec!["wait: DNS".into()], Kind::Wait, None);
        g.edge("p01", "m1", None, false);
        g.edge("m1", "w01a", Some("then".into()), true);
        g
    }

    #[test]
    fn mermaid_has_lanes_shapes_edges_and_only_the_classes_it_uses() {
        let text = sample().mermaid();
        assert_eq!(
            text,
            "flowchart TD\n  subgraph c1[\"Exchange Management Shell 2010 (Windows PowerShell 2.0)\"]\n    p01[\"01-preflight.ps1<br/>Preflight checks\"]:::ems\n  end\n  m1[/\"manual: say #34;hi#34; #124; #60;b#62;#35;1#60;/b#62;#59; 100#37; #96;done#96;\"/]:::manual\n  w01a{{\"wait: DNS\"}}:::wait\n  p01 --> m1\n  m1 -.->|\"then\"| w01a\n  classDef ems fill:#e8f1fb,stroke:#1f5fa8\n  classDef wait fill:#f4f4f4,stroke:#666666,stroke-dasharray:4 3\n  classDef manual fill:#fffbe5,stroke:#8a7a00\n"
        );
    }

    #[test]
    fn dot_quotes_every_label_and_breaks_lines_with_dot_s_escape() {
        let text = sample().dot("Phases");
        assert!(text.starts_with("digraph \"Phases\" {\n  rankdir=TB;\n"));
        assert!(text.contains("p01 [label=\"01-preflight.ps1\\nPreflight checks\", shape=box"));
        assert!(text.contains(
            "[label=\"manual: say \\\"hi\\\" | <b>#1</b>; 100% `done`\", shape=parallelogram"
        ));
        assert!(text.contains("m1 -> w01a [label=\"then\", style=dashed];"));
        assert!(text.contains("subgraph cluster_c1 {"));
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn a_diagram_github_would_not_render_is_left_out() {
        let mut g = sample();
        assert!(g.fits_github(&g.mermaid()));
        for i in 0..MERMAID_MAX_EDGES {
            g.edge("p01", &format!("x{i}"), None, false);
        }
        assert!(!g.fits_github(&g.mermaid()));
        assert!(!g.fits_github(&"x".repeat(MERMAID_MAX_CHARS + 1)));
    }
}
