//! Running the real `exgen` binary, and where the test inputs and snapshots are.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `exgen` did.
pub struct Run {
    /// The exit code; `None` when a signal ended it (a crash, a stack overflow).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `exgen args...` in `cwd`, with colour off so the output is plain and stable.
pub fn exgen<I, S>(cwd: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new(env!("CARGO_BIN_EXE_exgen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("exgen runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the Python program `code` with `args` (`python3 -c code args...`); when it fails, as it
/// does when a package it imports is missing, installs `packages` with pip and runs it again.
/// Returns its stdout. For the checks that use a parser nobody here wrote (tree-sitter-powershell,
/// pydot).
pub fn python_with<I, S>(packages: &[&str], code: &str, args: I) -> String
where
    I: IntoIterator<Item = S> + Clone,
    S: AsRef<OsStr>,
{
    let run = || {
        Command::new("python3")
            .arg("-c")
            .arg(code)
            .args(args.clone())
            .output()
            .expect("python3 runs (install Python 3, or set EXGEN_SKIP_EDITOR_TESTS=1)")
    };
    let mut out = run();
    if !out.status.success() {
        let install = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(packages)
            .status()
            .expect("pip runs");
        assert!(install.success(), "pip could not install {packages:?}");
        out = run();
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A path below the repository root.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The names of the entries of `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("folder readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Snapshots `text` as `snapshots/<name>.snap` at the repository root. A macro, so the
/// snapshot's `source:` names the test that made it.
macro_rules! snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}
pub(crate) use snapshot;
