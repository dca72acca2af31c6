//! The VS Code extension's own tests (`editors/vscode/test/`, Node's built-in test runner): the
//! TextMate grammar tokenized over every plan, and the extension's manifest and client. They
//! need Node.js 20 or later; `npm ci` installs the extension's locked dependencies when
//! `node_modules` is missing. `EXGEN_SKIP_EDITOR_TESTS=1` skips them where Node is not
//! installed.

use crate::common;
use crate::node::{prepare, printed, run, skipped};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test files, named one by one: `node --test DIR` runs DIR as a module on Node 22+.
fn test_files(extension: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(extension.join("test"))
        .expect("editors/vscode/test")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.js"))
        .collect();
    files.sort();
    files
}

#[test]
fn vscode_extension_tests_pass() {
    if skipped("editors/vscode tests") {
        return;
    }
    let root = common::root();
    let extension = root.join("editors/vscode");
    prepare(&extension);

    let files = test_files(&extension);
    assert!(!files.is_empty(), "no *.test.js in editors/vscode/test");
    let output = run(Command::new("node")
        .arg("--test")
        .args(&files)
        .current_dir(&root));
    assert!(
        output.status.success(),
        "node --test editors/vscode/test/*.test.js failed:\n{}",
        printed(&output)
    );
}
