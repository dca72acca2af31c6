//! Files exgen reads and writes: only regular files of bounded size are read (E0504, E0505),
//! CSV limits (E0506), output names `check` refuses as `compile` does (E0509), inputs inside
//! the output folder (E0511), `--force` backups, and a failed or killed compile.

use crate::support::{entries, repo};
use exgen::diag::{Code, Diagnostics};
use exgen::source::SourceFile;
use exgen::{FileLoader, ReadError};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PLAN: &str = "tests/plans/cli/design-sketch.exm";
const CSV_LINE: &str = r#"csv "waves\design-sketch.csv""#;

/// A folder holding `plan.exm` (the CLI test plan, naming `csv` instead of its CSV file) and
/// `waves/design-sketch.csv`.
fn folder(csv: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let text = std::fs::read_to_string(repo(PLAN)).expect("plan");
    assert!(text.contains(CSV_LINE));
    let text = text.replace(CSV_LINE, &format!("csv \"{csv}\""));
    std::fs::write(dir.path().join("plan.exm"), text).expect("plan written");
    std::fs::create_dir(dir.path().join("waves")).expect("folder");
    std::fs::copy(
        repo("tests/plans/cli/waves/design-sketch.csv"),
        dir.path().join("waves").join("design-sketch.csv"),
    )
    .expect("CSV copied");
    dir
}

/// `exgen ARGS` in `dir`, killed (and the test failed) if it takes longer than 20 s: a read
/// that blocks must not hang the test suite.
fn exgen_bounded(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = spawn(dir, args, None);
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("exgen {args:?} did not finish in 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn spawn(dir: &Path, args: &[&str], fault: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exgen"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("EXGEN_TEST_FAULT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(fault) = fault {
        command.env("EXGEN_TEST_FAULT", fault);
    }
    command.spawn().expect("exgen starts")
}

/// The codes `exgen check --message-format json` reports, and its exit code.
fn check_codes(dir: &Path) -> (Option<i32>, Vec<String>) {
    let (code, stdout, _) = exgen_bounded(dir, &["check", "plan.exm", "--message-format", "json"]);
    let codes = stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            value["code"].as_str().expect("code").to_owned()
        })
        .collect();
    (code, codes)
}

#[test]
fn a_csv_path_naming_a_folder_is_e0504() {
    let dir = folder("waves");
    assert_eq!(check_codes(dir.path()), (Some(1), vec!["E0504".to_owned()]));
}

#[test]
fn an_oversized_csv_is_e0505_without_reading_it() {
    let dir = folder(r"waves\huge.csv");
    // Sparse: the size is there, the disk space and the read are not.
    let huge = std::fs::File::create(dir.path().join("waves").join("huge.csv")).expect("file");
    huge.set_len(exgen::cli::MAX_FILE_BYTES + 1)
        .expect("size set");
    assert_eq!(check_codes(dir.path()), (Some(1), vec!["E0505".to_owned()]));
}

#[test]
fn a_plan_that_is_a_folder_or_oversized_is_refused_with_its_code() {
    let dir = folder(r"waves\design-sketch.csv");
    let (code, stdout, stderr) = exgen_bounded(dir.path(), &["check", "waves"]);
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error[E0504]: cannot read `waves`: it is a directory, not a file\n"
    );
    let big = std::fs::File::create(dir.path().join("big.exm")).expect("file");
    // A plan's limit is a quarter of a CSV file's.
    big.set_len(exgen::syntax::MAX_PLAN_BYTES as u64 + 1)
        .expect("size set");
    let (code, _, stderr) = exgen_bounded(dir.path(), &["compile", "big.exm"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error[E0505]: cannot read `big.exm`: it is larger than 16 MiB\n"
    );
    assert!(!dir.path().join("big").exists());
}

#[test]
fn the_bounded_read_stops_at_the_limit() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("x.csv");
    std::fs::write(&path, "0123456789").expect("written");
    assert_eq!(
        exgen::cli::read_file(&path, 10).as_deref(),
        Ok(&b"0123456789"[..])
    );
    assert_eq!(
        exgen::cli::read_file(&path, 9),
        Err(ReadError::TooLarge { limit: 9 })
    );
    assert_eq!(
        exgen::cli::read_file(dir.path(), 9),
        Err(ReadError::NotAFile("a directory"))
    );
    assert_eq!(
        exgen::cli::read_file(&dir.path().join("missing.csv"), 9),
        Err(ReadError::Unreadable("file not found".to_owned()))
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_e0504_at_once() {
    let dir = folder("pipe.csv");
    let made = Command::new("mkfifo")
        .arg(dir.path().join("pipe.csv"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    assert_eq!(check_codes(dir.path()), (Some(1), vec!["E0504".to_owned()]));

    let (code, _, stderr) = exgen_bounded(dir.path(), &["check", "pipe.csv"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error[E0504]: cannot read `pipe.csv`: it is a device, pipe or socket, not a file\n"
    );

    let dir = folder("/dev/zero");
    assert_eq!(check_codes(dir.path()), (Some(1), vec!["E0504".to_owned()]));
}

/// Serves one text for every path.
struct OneFile(String);

impl FileLoader for OneFile {
    fn read(&self, _path: &str) -> Result<Vec<u8>, ReadError> {
        Ok(self.0.clone().into_bytes())
    }
}

fn codes_of(diagnostics: &Diagnostics) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

fn plan_naming(csv: &str) -> SourceFile {
    let text = std::fs::read_to_string(repo(PLAN)).expect("plan");
    SourceFile::new(
        "plan.exm",
        text.replace(CSV_LINE, &format!("csv \"{csv}\"")),
    )
}

#[test]
fn a_csv_of_more_than_a_million_rows_is_e0506() {
    let mut text = String::from("EmailAddress\n");
    for row in 0..=exgen::analyze::MAX_CSV_ROWS {
        text.push_str(&format!("u{row}@contoso.com\n"));
    }
    let (ir, diagnostics) = exgen::check(&plan_naming("all.csv"), &OneFile(text));
    assert!(ir.is_none());
    assert_eq!(codes_of(&diagnostics), [Code::E0506]);
}

#[test]
fn check_refuses_output_names_as_compile_does() {
    let csv = "EmailAddress\nann@contoso.com\n".to_owned();
    for name in [
        r"waves\CON.csv",
        "nul.csv",
        "waves/Com1.CSV",
        "LPT9.list.csv",
    ] {
        let file = plan_naming(name);
        let (ir, diagnostics) = exgen::check(&file, &OneFile(csv.clone()));
        assert!(ir.is_none(), "{name}");
        assert_eq!(codes_of(&diagnostics), [Code::E0509], "{name}");
        let primary = diagnostics.iter().next().expect("one").primary.span;
        assert_eq!(file.slice(primary), format!("\"{name}\""));
        let (files, again) = exgen::compile(&file, &OneFile(csv.clone()));
        assert!(files.is_none());
        assert_eq!(codes_of(&again), [Code::E0509]);
    }
    let long = format!("{}.csv", "x".repeat(252));
    let (_, diagnostics) = exgen::check(&plan_naming(&long), &OneFile(csv));
    assert_eq!(codes_of(&diagnostics), [Code::E0509]);
}

#[cfg(not(windows))]
#[test]
fn exgen_check_exits_1_on_a_reserved_csv_name() {
    let dir = folder(r"waves\CON.csv");
    std::fs::copy(
        dir.path().join("waves").join("design-sketch.csv"),
        dir.path().join("waves").join("CON.csv"),
    )
    .expect("copied");
    assert_eq!(check_codes(dir.path()), (Some(1), vec!["E0509".to_owned()]));
}

#[test]
fn an_output_folder_holding_a_csv_the_plan_reads_is_e0511() {
    let dir = folder(r"waves\design-sketch.csv");
    for force in [false, true] {
        let mut args = vec![
            "compile",
            "plan.exm",
            "-o",
            "waves",
            "--message-format",
            "json",
        ];
        if force {
            args.push("--force");
        }
        let (code, stdout, _) = exgen_bounded(dir.path(), &args);
        assert_eq!(code, Some(1));
        assert!(stdout.contains(r#""code":"E0511""#), "{stdout}");
        assert_eq!(entries(&dir.path().join("waves")), ["design-sketch.csv"]);
    }
}

#[test]
fn force_moves_foreign_files_to_a_backup_folder_and_says_where() {
    let dir = folder(r"waves\design-sketch.csv");
    let out = dir.path().join("plan");
    let (code, _, stderr) = exgen_bounded(dir.path(), &["compile", "plan.exm"]);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::write(out.join("notes.txt"), "mine").expect("written");
    let (code, stdout, stderr) = exgen_bounded(dir.path(), &["compile", "plan.exm", "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    let backup = dir.path().join("plan.exgen-backup");
    assert!(
        stdout.ends_with(&format!(
            "moved 1 file that exgen did not write or that was edited to {}\n",
            Path::new("plan.exgen-backup").display()
        )),
        "{stdout}"
    );
    assert_eq!(entries(&backup), ["notes.txt"]);
    assert!(!out.join("notes.txt").exists());
}

// ---- a failed or killed compile ----

/// A folder with the plan compiled once into `plan/`, and the output's files and bytes.
fn compiled_once() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = folder(r"waves\design-sketch.csv");
    let (code, _, stderr) = exgen_bounded(dir.path(), &["compile", "plan.exm"]);
    assert_eq!(code, Some(0), "{stderr}");
    // A changed plan, so the next compile writes other bytes than these.
    let plan = dir.path().join("plan.exm");
    let text = std::fs::read_to_string(&plan).expect("plan");
    std::fs::write(&plan, text.replacen("plan \"", "plan \"Changed: ", 1)).expect("written");
    let tree = tree(&dir.path().join("plan"));
    (dir, tree)
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).expect("file");
            (name, bytes)
        })
        .collect()
}

/// The temporary folders next to `plan/`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|name| name.starts_with(".plan.exgen-tmp-"))
        .map(|name| dir.join(name))
        .collect()
}

/// Waits up to 20 s for `ready`.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_failed_write_leaves_the_previous_output_and_no_temporary_folder() {
    let (dir, before) = compiled_once();
    let mut child = spawn(dir.path(), &["compile", "plan.exm"], Some("fail-after:3"));
    let status = child.wait().expect("exgen ends");
    assert_eq!(status.code(), Some(2));
    assert_eq!(tree(&dir.path().join("plan")), before);
    assert_eq!(entries(dir.path()), ["plan", "plan.exm", "waves"]);
}

#[test]
fn a_compile_killed_mid_write_leaves_the_previous_output_and_the_next_run_cleans_up() {
    let (dir, before) = compiled_once();
    let mut child = spawn(dir.path(), &["compile", "plan.exm"], Some("pause-after:3"));
    wait_for("three files written", || {
        leftovers(dir.path())
            .first()
            .is_some_and(|work| work.join("new").is_dir() && entries(&work.join("new")).len() == 3)
    });
    child.kill().expect("killed");
    child.wait().expect("reaped");
    assert_eq!(tree(&dir.path().join("plan")), before);
    assert_eq!(
        leftovers(dir.path()).len(),
        1,
        "a killed run cannot clean up"
    );

    let (code, _, stderr) = exgen_bounded(dir.path(), &["compile", "plan.exm"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(leftovers(dir.path()).is_empty());
    assert_ne!(tree(&dir.path().join("plan")), before);
}

#[test]
fn a_compile_killed_between_its_renames_is_undone_by_the_next_run() {
    let (dir, before) = compiled_once();
    let out = dir.path().join("plan");
    let mut child = spawn(dir.path(), &["compile", "plan.exm"], Some("pause-in-swap"));
    wait_for("the previous output moved aside", || !out.exists());
    child.kill().expect("killed");
    child.wait().expect("reaped");

    assert_eq!(leftovers(dir.path()).len(), 1);

    // The next compile first puts the previous output back: one that then fails shows it.
    let mut child = spawn(dir.path(), &["compile", "plan.exm"], Some("fail-after:0"));
    assert_eq!(child.wait().expect("exgen ends").code(), Some(2));
    assert_eq!(tree(&out), before);
    assert!(leftovers(dir.path()).is_empty());

    let (code, _, stderr) = exgen_bounded(dir.path(), &["compile", "plan.exm"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(entries(dir.path()), ["plan", "plan.exm", "waves"]);
    let after = tree(&out);
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before);
}

#[test]
fn a_csv_row_is_checked_as_a_mailbox_line_is() {
    // What a reviewer reads in the copy beside the script is what the script looks up.
    for (row, code) in [
        ("z\u{200B}@contoso.com", "E0115"),
        ("not-an-address", "E0118"),
        ("=1+2@contoso.com", "E0507"),
    ] {
        let dir = folder(r"waves\odd.csv");
        let text = format!("EmailAddress\r\nann@contoso.com\r\n{row}\r\n");
        std::fs::write(dir.path().join("waves").join("odd.csv"), text).expect("CSV written");
        assert_eq!(
            check_codes(dir.path()),
            (Some(1), vec![code.to_owned()]),
            "{row}"
        );
    }
}
