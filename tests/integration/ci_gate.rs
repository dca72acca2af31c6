//! docs/ci-gate.md's CI jobs, run: every command of the GitHub Actions and Azure DevOps jobs but
//! the install, on a repository laid out as the page shows, with the exgen under test.

use crate::support::repo;
use std::path::Path;
use std::process::Command;

/// The commands of the YAML blocks of docs/ci-gate.md: each `run:`, `script:` or `bash:` value
/// (one line, or a `|` block), by job.
fn job_commands() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(repo("docs/ci-gate.md")).expect("docs/ci-gate.md");
    let mut jobs = Vec::new();
    for block in doc.split("```yaml\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let lines: Vec<&str> = block.lines().collect();
        let mut commands = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i].trim_start().trim_start_matches("- ");
            i += 1;
            let Some(value) = ["run:", "script:", "bash:"]
                .iter()
                .find_map(|key| line.strip_prefix(key))
                .map(str::trim)
            else {
                continue;
            };
            if value == "|" {
                let indent = |l: &str| l.len() - l.trim_start().len();
                // The block holds the lines indented past its key (`- bash: |`: past `bash`).
                let key = lines[i - 1];
                let base = key.len() - key.trim_start().trim_start_matches("- ").len();
                let mut body = Vec::new();
                while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > base) {
                    body.push(lines[i].trim_start());
                    i += 1;
                }
                commands.push(body.join("\n"));
            } else {
                commands.push(value.to_owned());
            }
        }
        jobs.push(commands);
    }
    jobs
}

/// A repository as the page lays it out: `plans/` with two example plans, their CSV file and
/// their compiled output.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(plans.join("waves")).unwrap();
    std::fs::copy(
        repo("examples/waves/wave1.csv"),
        plans.join("waves").join("wave1.csv"),
    )
    .unwrap();
    for name in ["contoso-2007-to-2010", "tailspin-2010-to-2016"] {
        let plan = plans.join(format!("{name}.exm"));
        std::fs::copy(repo(&format!("examples/{name}.exm")), &plan).unwrap();
        let run = crate::support::exgen(dir.path(), [Path::new("compile"), &plan]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    dir
}

/// Runs `command` with bash in `dir`, the exgen under test first on the PATH; whether it passed
/// and what it printed.
fn run(dir: &Path, command: &str) -> (bool, String) {
    let exe = Path::new(env!("CARGO_BIN_EXE_exgen"));
    let path = std::env::join_paths(std::iter::once(exe.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let output = Command::new("bash")
        .args(["-e", "-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

#[test]
fn the_documented_ci_jobs_pass_on_compiled_plans_and_fail_on_a_hand_edit() {
    let jobs = job_commands();
    assert_eq!(
        jobs.len(),
        2,
        "a GitHub Actions job and an Azure DevOps one"
    );
    for commands in &jobs {
        let gates: Vec<&String> = commands
            .iter()
            .filter(|c| !c.contains("cargo install"))
            .collect();
        assert!(
            gates.iter().any(|c| c.contains("exgen compile --check")),
            "{commands:?}"
        );
        let dir = repository();
        for command in &gates {
            let (passed, printed) = run(dir.path(), command);
            assert!(passed, "`{command}` failed:\n{printed}");
        }
        // A one-byte edit of a committed script: the gate refuses it and says which file.
        let script = dir
            .path()
            .join("plans/contoso-2007-to-2010/08-certificate-request.ps1");
        let text = std::fs::read_to_string(&script).unwrap();
        std::fs::write(&script, text.replacen("written to", "writen to", 1)).unwrap();
        let gate = gates
            .iter()
            .find(|c| c.contains("compile --check"))
            .unwrap();
        let (passed, printed) = run(dir.path(), gate);
        assert!(!passed, "{printed}");
        assert!(
            printed.contains("edited  08-certificate-request.ps1"),
            "{printed}"
        );
    }
}
