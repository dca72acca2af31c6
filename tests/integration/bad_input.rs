//! Bad plans through the real binary: each exits 1 (never a crash) with a coded diagnostic
//! at a `line:col`, writes no output folder, and its plain diagnostics are snapshotted as
//! `snapshots/bad@<name>.snap`. Fixtures are in `tests/plans/bad/`; inputs that are too big
//! or too binary to keep in git are built here.

use crate::support::{entries, exgen, repo, snapshot};
use std::path::Path;

/// Compiles `bytes` as `<name>.exm` in an empty folder and checks that it is rejected with
/// `code`; returns the rendered diagnostics.
fn assert_rejected(name: &str, bytes: &[u8], code: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plan = format!("{name}.exm");
    std::fs::write(dir.path().join(&plan), bytes).expect("plan written");

    let run = exgen(dir.path(), ["compile", &plan]);
    assert_eq!(
        run.code,
        Some(1),
        "{name}: exit code; stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("error[{code}]")),
        "{name}: no {code} in:\n{}",
        run.stderr
    );
    assert_located(&run.stderr, &plan);
    assert_eq!(run.stdout, "", "{name}: nothing on stdout");
    // Neither the output folder nor a temporary one.
    assert_eq!(
        entries(dir.path()),
        [plan.as_str()],
        "{name}: files written"
    );

    assert_json(dir.path(), &plan, code);
    run.stderr
}

/// The first diagnostic names the plan with a 1-based `line:col`.
fn assert_located(stderr: &str, plan: &str) {
    let arrow = format!("--> {plan}:");
    let at = stderr
        .find(&arrow)
        .unwrap_or_else(|| panic!("no `{arrow}` in:\n{stderr}"));
    let place = stderr[at + arrow.len()..].lines().next().unwrap_or("");
    let numbers: Vec<&str> = place.split(':').collect();
    assert!(
        numbers.len() == 2
            && numbers
                .iter()
                .all(|n| n.parse::<usize>().is_ok_and(|n| n >= 1)),
        "not `line:col`: {place:?}"
    );
}

/// `check --message-format json` gives one JSON object per line on stdout, the first with `code`.
fn assert_json(dir: &Path, plan: &str, code: &str) {
    let run = exgen(dir, ["check", plan, "--message-format", "json"]);
    assert_eq!(run.code, Some(1), "json: stderr:\n{}", run.stderr);
    let messages: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert!(
        messages.iter().any(|m| m["code"] == code),
        "json: no {code} in {messages:?}"
    );
    for message in &messages {
        let primary = &message["spans"][0];
        assert_eq!(primary["is_primary"], true);
        assert!(primary["line_start"].as_u64().is_some_and(|l| l >= 1));
    }
}

macro_rules! bad_fixtures {
    ($($test:ident: $name:literal => $code:literal,)*) => {
        /// Every fixture in `tests/plans/bad/`, by name.
        const FIXTURES: &[&str] = &[$($name),*];
        $(
            #[test]
            fn $test() {
                let path = repo(concat!("tests/plans/bad/", $name, ".exm"));
                let bytes = std::fs::read(&path).expect("fixture readable");
                let stderr = assert_rejected($name, &bytes, $code);
                snapshot!(concat!("bad@", $name), &stderr);
            }
        )*
    };
}

bad_fixtures! {
    empty_file: "empty" => "E0105",
    latin1_text: "latin1" => "E0104",
    unterminated_string: "unterminated-string" => "E0101",
    unclosed_block: "unclosed-block" => "E0102",
    unknown_keyword: "unknown-keyword" => "E0106",
    duplicate_server: "duplicate-server" => "E0201",
    undefined_server: "undefined-server" => "E0202",
}

#[test]
fn every_fixture_has_a_test() {
    let mut names: Vec<String> = entries(&repo("tests/plans/bad"))
        .into_iter()
        .map(|name| name.trim_end_matches(".exm").to_owned())
        .collect();
    names.sort();
    let mut tested: Vec<&str> = FIXTURES.to_vec();
    tested.sort_unstable();
    assert_eq!(names, tested);
}

/// A small valid plan, the base of the generated inputs (the fixtures are variants of it).
fn valid_plan() -> String {
    std::fs::read_to_string(repo("tests/plans/bad/unknown-keyword.exm"))
        .expect("fixture readable")
        .replace("organisation", "organization")
}

#[test]
fn binary_garbage() {
    // xorshift: the same "random" bytes on every run, NUL and invalid UTF-8 among them.
    let mut state: u32 = 0x2545_F491;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    assert!(bytes.contains(&0));
    let stderr = assert_rejected("garbage", &bytes, "E0104");
    snapshot!("bad@garbage", &stderr);
}

#[test]
fn nul_byte_in_utf8_text() {
    let plan = valid_plan().replace("\"Contoso\"", "\"Con\0toso\"");
    let stderr = assert_rejected("nul-byte", plan.as_bytes(), "E0104");
    snapshot!("bad@nul-byte", &stderr);
}

#[test]
fn deep_nesting() {
    // In a subprocess, so a stack overflow would show as a signal, not kill the test binary.
    let plan = format!("plan \"Deep\" {}\n", "{\n".repeat(100_000));
    let stderr = assert_rejected("deep-nesting", plan.as_bytes(), "E0103");
    snapshot!("bad@deep-nesting", &stderr);
}

#[test]
fn ten_megabyte_line() {
    // One `mailbox` statement after another on one line, as a script joining a list would.
    let joined = "mailbox \"user@contoso.com\"; ".repeat(400_000);
    let plan = valid_plan().replace("organization \"Contoso\"", &joined);
    assert!(plan.len() > 10_000_000);
    let stderr = assert_rejected("ten-megabyte-line", plan.as_bytes(), "E0124");
    assert!(stderr.len() < 10_000, "the line is cut, not printed whole");
    snapshot!("bad@ten-megabyte-line", &stderr);
}

#[test]
fn too_many_statements() {
    let lines = "  mailbox \"user@contoso.com\"\n".repeat(exgen::syntax::MAX_STATEMENTS);
    let plan = valid_plan().replacen('\n', &format!("\n{lines}"), 1);
    let stderr = assert_rejected("too-many-statements", plan.as_bytes(), "E0125");
    snapshot!("bad@too-many-statements", &stderr);
}

#[test]
fn text_larger_than_a_plan_file_may_be() {
    // The command line stops reading a plan file at the limit (tests/integration/files.rs);
    // text that comes from elsewhere, such as an editor's buffer, meets the same limit.
    let padding = "#".repeat(1023) + "\n";
    let text = valid_plan() + &padding.repeat(exgen::syntax::MAX_PLAN_BYTES / 1024);
    let (plan, diags) = exgen::syntax::parse(&exgen::source::SourceFile::new("big.exm", text));
    assert!(plan.is_none());
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0505"]);
}

#[test]
fn sixty_kilobyte_line_with_an_error() {
    // A 60 KB organization name (under the line limit) followed by an argument too many, at
    // column ~60,020.
    let long = "x".repeat(60_000);
    let plan = valid_plan().replace(
        "organization \"Contoso\"",
        &format!("organization \"{long}\" surplus"),
    );
    let stderr = assert_rejected("long-line", plan.as_bytes(), "E0107");
    assert!(stderr.len() < 10_000, "the line is cut, not printed whole");
    snapshot!("bad@long-line", &stderr);
}
