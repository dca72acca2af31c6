//! Docs are tests: every `exm` block in the README compiles without errors, and every
//! explanation in docs/codes belongs to a code.

use crate::common;
use exgen::source::SourceFile;

fn exm_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```exm") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn readme_plans_compile() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let blocks = exm_blocks(&readme);
    assert!(!blocks.is_empty(), "README shows a plan");
    let loader = common::DirLoader(common::root().join("examples"));
    for (i, block) in blocks.iter().enumerate() {
        let file = SourceFile::new(format!("README-{i}.exm"), block.clone());
        let (files, diags) = exgen::compile(&file, &loader);
        assert!(
            files.is_some(),
            "{}",
            exgen::diag::render::terminal(&file, &diags, false)
        );
    }
}

#[test]
fn readme_excerpt_matches_the_example_output() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let files = common::compile_ok(&common::root().join("examples/contoso-2007-to-2010.exm"));
    let script = files
        .iter()
        .find(|f| f.path == "11-client-access.ps1")
        .expect("client access script");
    let excerpt = readme
        .split("```powershell\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("excerpt");
    for line in excerpt.lines().filter(|l| l.trim() != "...") {
        assert!(
            script.contents.contains(line),
            "README line not in the output: {line}"
        );
    }
}

#[test]
fn every_explanation_file_is_a_code() {
    for entry in std::fs::read_dir(common::root().join("docs/codes")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.strip_suffix(".md").expect("markdown");
        assert!(
            exgen::diag::Code::parse(code).is_some(),
            "{name} explains no code"
        );
    }
}
