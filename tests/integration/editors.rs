//! The VS Code extension's own tests (`editors/vscode/test/`, Node's built-in test runner): the
//! TextMate grammar tokenized over every plan, and the extension's manifest and client. They
//! need Node.js 20 or later; `npm ci` installs the extension's locked dependencies when
//! `node_modules` is missing. `EXGEN_SKIP_EDITOR_TESTS=1` skips them where Node is not
//! installed.

use crate::common;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SKIP: &str = "EXGEN_SKIP_EDITOR_TESTS";

/// npm is a script on Windows, which `Command` does not find by its bare name.
const NPM: &str = if cfg!(windows) { "npm.cmd" } else { "npm" };

/// Runs a command to completion; a program that is not installed fails the test with what to do.
fn run(command: &mut Command) -> Output {
    let program = command.get_program().to_string_lossy().into_owned();
    match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{program}` is not on PATH: the editor tests need Node.js 20 or later with npm \
             (https://nodejs.org), or set {SKIP}=1 to skip them"
        ),
        Err(e) => panic!("`{program}` could not be run: {e}"),
    }
}

/// Stdout and stderr of a finished command, for a failure message.
fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

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
    if std::env::var_os(SKIP).is_some_and(|v| v == "1") {
        // Written to stderr itself, not with eprintln!, which the test harness captures: a skip
        // shows in the output of `cargo test`.
        let _ = writeln!(std::io::stderr(), "editors/vscode tests skipped ({SKIP}=1)");
        return;
    }
    let root = common::root();
    let extension = root.join("editors/vscode");

    let version = run(Command::new("node").arg("--version"));
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 20,
        "node {version}: the editor tests need Node.js 20 or later, or set {SKIP}=1 to skip them"
    );

    if !extension.join("node_modules").is_dir() {
        let install = run(Command::new(NPM)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&extension));
        assert!(
            install.status.success(),
            "npm ci in editors/vscode failed:\n{}",
            printed(&install)
        );
    }

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
