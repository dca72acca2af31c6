//! Every Mermaid diagram exgen writes parses with Mermaid's own parser (`tests/mermaid/`, npm
//! `mermaid` under `jsdom` in Node 20+): the runbooks of the committed examples, and `exgen
//! graph` of every plan the tests compile, the hostile-value plan among them.

use crate::common;
use crate::node::{prepare, printed, run, skipped};
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
