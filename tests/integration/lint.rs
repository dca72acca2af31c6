//! `exgen lint`, run as a process: the findings on every script of the corpus in
//! `tests/lint/` (scripts in the style admins write them), JSON, folders, `--exchange` over the
//! header, and the failure paths with their exit codes.

use crate::support::{exgen, repo, snapshot};

/// What a run printed and how it ended, as one text to snapshot.
fn outcome(run: &crate::support::Run) -> String {
    format!(
        "exit: {:?}\n--- stderr\n{}--- stdout\n{}",
        run.code, run.stderr, run.stdout
    )
}

/// The corpus' scripts, sorted.
fn corpus() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo("tests/lint"))
        .expect("tests/lint exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ps1"))
        .collect();
    names.sort();
    names
}

#[test]
fn lint_every_corpus_script_reports_its_findings() {
    let names = corpus();
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        let run = exgen(&repo("tests/lint"), ["lint", name.as_str()]);
        let errors = run.stderr.contains("\nerror[") || run.stderr.starts_with("error[");
        assert_eq!(
            run.code,
            Some(if errors { 1 } else { 0 }),
            "{name}:\n{}",
            run.stderr
        );
        // Every script but the clean one has something to report; none crashes.
        assert_eq!(
            name == "clean.ps1",
            run.stderr.lines().count() == 1,
            "{name}:\n{}",
            run.stderr
        );
        snapshot!(format!("lint@{name}"), outcome(&run));
    }
}

#[test]
fn lint_json_gives_code_file_line_and_column() {
    let run = exgen(
        &repo("tests/lint"),
        ["lint", "--message-format", "json", "move-users.ps1"],
    );
    assert_eq!(run.code, Some(1));
    let messages: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect();
    assert_eq!(messages[0]["code"], "E0802");
    assert_eq!(messages[0]["file"], "move-users.ps1");
    assert_eq!(messages[0]["spans"][0]["line_start"], 5);
    assert_eq!(messages[0]["spans"][0]["column_start"], 5);
    snapshot!("lint@json", outcome(&run));
}

#[test]
fn lint_a_folder_in_sorted_order_and_exchange_over_the_header() {
    let run = exgen(&repo("tests"), ["lint", "lint"]);
    assert_eq!(run.code, Some(1));
    let files: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    let expected = corpus().len();
    assert!(
        run.stderr.ends_with(&format!(
            "exgen lint: {expected} scripts checked, 8 errors, 14 warnings\n"
        )),
        "{}",
        run.stderr.lines().last().unwrap_or("")
    );
    // The 2010 steps are right for 2010: --exchange wins over the header's 2013.
    let run = exgen(
        &repo("tests/lint"),
        ["lint", "--exchange", "2010", "outlook-anywhere.ps1"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Warnings only: 0, or 1 when they are denied.
    let run = exgen(&repo("tests/lint"), ["lint", "offline-address-book.ps1"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = exgen(
        &repo("tests/lint"),
        ["lint", "--deny-warnings", "offline-address-book.ps1"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // Without a version only the syntax is checked, and E0807 says so.
    let run = exgen(
        &repo("tests/lint"),
        ["lint", "--exchange", "none", "no-header.ps1"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn lint_failure_paths_exit_2_and_lint_the_rest() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    std::fs::copy(repo("tests/lint/quota.ps1"), root.join("quota.ps1")).expect("copied");
    std::fs::write(root.join("notes.txt"), "Get-Mailbox\n").expect("written");
    std::fs::create_dir(root.join("empty")).expect("folder");
    let big = std::fs::File::create(root.join("huge.ps1")).expect("created");
    big.set_len(exgen::lint::MAX_SCRIPT_BYTES + 1)
        .expect("sparse file");
    let cases: &[(&str, &[&str])] = &[
        (
            "unknown-version",
            &["lint", "--exchange", "2061", "quota.ps1"],
        ),
        ("missing-file", &["lint", "missing.ps1", "quota.ps1"]),
        ("not-a-script", &["lint", "notes.txt"]),
        ("empty-folder", &["lint", "empty"]),
        ("huge-file", &["lint", "huge.ps1"]),
        ("no-arguments", &["lint"]),
    ];
    for (name, args) in cases {
        let run = exgen(root, *args);
        assert_eq!(run.code, Some(2), "{name}:\n{}", run.stderr);
        snapshot!(format!("lint@fail-{name}"), outcome(&run));
    }
    assert!(!root.join("empty").read_dir().unwrap().any(|_| true));
}

#[cfg(unix)]
#[test]
fn lint_refuses_a_fifo_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fifo = dir.path().join("pipe.ps1");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let run = exgen(dir.path(), ["lint", "pipe.ps1"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error[E0504]: cannot read `pipe.ps1`: it is a device, pipe or socket"),
        "{}",
        run.stderr
    );
    // Found in a folder, it is refused the same way, after the other scripts.
    std::fs::copy(repo("tests/lint/clean.ps1"), dir.path().join("a.ps1")).expect("copied");
    let run = exgen(dir.path(), ["lint", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("error[E0504]"), "{}", run.stderr);
    assert!(run.stderr.ends_with(
        "exgen lint: 1 script checked, 0 errors, 0 warnings; 1 path could not be checked\n"
    ));
}

/// What `.ci/run` checks with the binary, here through the library: every script committed
/// beside an example, at the version its header names, has no finding at all.
#[test]
fn lint_finds_nothing_in_the_examples_scripts() {
    let mut checked = 0;
    for plan in crate::common::plans("examples") {
        let folder = plan.with_extension("");
        let mut scripts: Vec<_> = std::fs::read_dir(&folder)
            .expect("the example's folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "ps1"))
            .collect();
        scripts.sort();
        for script in scripts {
            let bytes = std::fs::read(&script).expect("script readable");
            let name = script.display().to_string();
            let (file, diagnostics) = exgen::lint::lint(&name, &bytes, None);
            assert!(
                diagnostics.is_empty(),
                "{}",
                exgen::diag::render::terminal(&file, &diagnostics, false)
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} scripts");
}

#[cfg(unix)]
#[test]
fn lint_reports_a_script_it_may_not_read_and_exits_2() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temporary folder");
    let script = dir.path().join("secret.ps1");
    std::fs::write(&script, "# Exchange: 2016\nGet-Date\n").expect("written");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&script).is_ok() {
        // Root reads any file: there is no unreadable file to test with.
        eprintln!("skipped: this user can read a file with mode 000");
        return;
    }
    let run = exgen(dir.path(), ["lint", "secret.ps1"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: cannot read `secret.ps1`: permission denied\n"),
        "{}",
        run.stderr
    );
}
