//! Running Node.js programs the tests depend on (the VS Code extension's tests, Mermaid's
//! parser): Node 20 or later, each folder's locked npm packages installed when missing.
//! `EXGEN_SKIP_EDITOR_TESTS=1` skips them where Node is not installed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

pub const SKIP: &str = "EXGEN_SKIP_EDITOR_TESTS";

/// npm is a script on Windows, which `Command` does not find by its bare name.
const NPM: &str = if cfg!(windows) { "npm.cmd" } else { "npm" };

/// Whether the Node tests are skipped; says so on stderr when they are (`what` names them).
pub fn skipped(what: &str) -> bool {
    if std::env::var_os(SKIP).is_some_and(|v| v == "1") {
        // Written to stderr itself, not with eprintln!, which the test harness captures: a skip
        // shows in the output of `cargo test`.
        let _ = writeln!(std::io::stderr(), "{what} skipped ({SKIP}=1)");
        return true;
    }
    false
}

/// Runs a command to completion; a program that is not installed fails the test with what to do.
pub fn run(command: &mut Command) -> Output {
    let program = command.get_program().to_string_lossy().into_owned();
    match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{program}` is not on PATH: these tests need Node.js 20 or later with npm \
             (https://nodejs.org), or set {SKIP}=1 to skip them"
        ),
        Err(e) => panic!("`{program}` could not be run: {e}"),
    }
}

/// Stdout and stderr of a finished command, for a failure message.
pub fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Checks Node is 20 or later and installs `folder`'s locked packages when `node_modules` is
/// missing.
pub fn prepare(folder: &Path) {
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
        "node {version}: these tests need Node.js 20 or later, or set {SKIP}=1 to skip them"
    );
    if !folder.join("node_modules").is_dir() {
        let install = run(Command::new(NPM)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(folder));
        assert!(
            install.status.success(),
            "npm ci in {} failed:\n{}",
            folder.display(),
            printed(&install)
        );
    }
}
