//! Every diagram exgen writes parses with a parser nobody here wrote: Mermaid with Mermaid's own
//! (`tests/mermaid/`, npm `mermaid` under `jsdom` in Node 20+) — the runbooks of the committed
//! examples, and `exgen graph` of every plan the tests compile, the hostile-value plan among
//! them — and `exgen graph --format dot` with pydot's Graphviz grammar.

use crate::common;
use crate::node::{prepare, printed, run, skipped};
use crate::support::python_with;
use std::path::PathBuf;
use std::process::Command;

fn check(files: &[PathBuf]) -> String {
    let root = common::root();
    prepare(&root.join("tests/mermaid"));
    let output = run(Command::new("node")
        .arg(root.join("tests/mermaid/check.mjs"))
        .args(files)
        .current_dir(&root));
    let text = printed(&output);
    assert!(output.status.success(), "Mermaid's parser refused:\n{text}");
    text
}

#[test]
fn the_diagrams_of_every_example_runbook_parse_with_mermaid() {
    if skipped("Mermaid parse of the examples") {
        return;
    }
    let runbooks: Vec<PathBuf> = common::plans("examples")
        .iter()
        .map(|p| p.with_extension("").join("runbook.md"))
        .collect();
    assert!(runbooks.len() >= 10 && runbooks.iter().all(|r| r.is_file()));
    let text = check(&runbooks);
    // Each runbook has the phases diagram and at least the topology before and after.
    let parsed = text
        .lines()
        .filter(|l| l.ends_with("ok (flowchart-v2)"))
        .count();
    assert!(parsed >= 3 * runbooks.len(), "{text}");
}

#[test]
fn exgen_graph_of_every_test_plan_parses_with_mermaid() {
    if skipped("Mermaid parse of exgen graph") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for plan in common::good_plans() {
        let out = Command::new(env!("CARGO_BIN_EXE_exgen"))
            .arg("graph")
            .arg(&plan)
            .output()
            .expect("exgen graph runs");
        assert!(
            out.status.success(),
            "{}: {}",
            plan.display(),
            printed(&out)
        );
        let file = dir.path().join(format!(
            "{}.md",
            plan.file_stem().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&file, &out.stdout).expect("write");
        files.push(file);
    }
    let text = check(&files);
    assert!(!text.contains(": error:"), "{text}");
}

/// Parses each DOT file given (pydot, the Graphviz grammar in Python) and checks every edge joins
/// two declared nodes; prints one line per graph.
const DOT_CHECK: &str = "import sys, pydot
for path in sys.argv[1:]:
    graphs = pydot.graph_from_dot_data(open(path, encoding='utf-8').read())
    if not graphs:
        sys.exit(path + ': not DOT')
    for g in graphs:
        nodes, edges, todo = set(), [], [g]
        while todo:
            s = todo.pop()
            nodes.update(n.get_name() for n in s.get_nodes())
            edges.extend(s.get_edges())
            todo.extend(s.get_subgraphs())
        for e in edges:
            for end in (e.get_source(), e.get_destination()):
                if end not in nodes:
                    sys.exit(path + ': edge to undeclared node ' + end)
        print(path, g.get_name(), len(nodes), len(edges))
";

#[test]
fn exgen_graph_as_dot_of_every_test_plan_parses_with_pydot() {
    if skipped("DOT parse of exgen graph") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for plan in common::good_plans() {
        let out = Command::new(env!("CARGO_BIN_EXE_exgen"))
            .args(["graph", "--format", "dot"])
            .arg(&plan)
            .output()
            .expect("exgen graph runs");
        assert!(
            out.status.success(),
            "{}: {}",
            plan.display(),
            printed(&out)
        );
        let file = dir.path().join(format!(
            "{}.dot",
            plan.file_stem().unwrap_or_default().to_string_lossy()
        ));
        std::fs::write(&file, &out.stdout).expect("write");
        files.push(file);
    }
    let printed = python_with(&["pydot"], DOT_CHECK, &files);
    // One line per graph: the phases and at least the topology before and after, per plan.
    assert!(printed.lines().count() >= 3 * files.len(), "{printed}");
}
