//! Property tests at the library level: no input makes `check` (or rendering its
//! diagnostics) panic.

use exgen::diag::render;
use exgen::source::SourceFile;
use exgen::{FileLoader, ReadError};
use proptest::prelude::*;

/// A loader for plans that name files: every file is missing.
struct NoFiles;

impl FileLoader for NoFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        Err(format!("`{path}` does not exist in this test").into())
    }
}

/// Checks the file the way the CLI does and renders whatever it reports.
fn check_and_render(file: &SourceFile) {
    let (ir, diagnostics) = exgen::check(file, &NoFiles);
    assert!(
        ir.is_some() != diagnostics.has_errors(),
        "IR exactly when there is no error"
    );
    let _ = render::terminal(file, &diagnostics, false);
    let _ = render::json(file, &diagnostics);
}

/// Pieces of plans, so the generated text gets past the first syntax error more often than
/// random characters do.
const TOKENS: &[&str] = &[
    "plan",
    "\"Contoso\"",
    "{",
    "}",
    "{",
    "}",
    ";",
    "\n",
    "\r\n",
    "#",
    "\"",
    "\"\"",
    ",",
    "organization",
    "target",
    "exchange",
    "2007",
    "2010",
    "2016",
    "sp2",
    "sp3",
    "cu23",
    "media",
    "\"\\\\fs01\\media\"",
    "forest",
    "functional-level",
    "2003",
    "namespaces",
    "primary",
    "autodiscover",
    "legacy",
    "\"mail.contoso.com\"",
    "site",
    "\"HQ\"",
    "internet-facing",
    "server",
    "MAIL2007",
    "MAIL2010",
    "os",
    "roles",
    "cas",
    "hub",
    "mailbox",
    "edge",
    "new",
    "database",
    "DB1",
    "\"MAIL2007\\SG1\\DB1\"",
    "on",
    "certificate",
    "names",
    "client-access",
    "outlook-anywhere",
    "auth",
    "basic",
    "mail-flow",
    "inbound",
    "anonymous",
    "send-connector",
    "move",
    "mailboxes",
    "to",
    "from",
    "csv",
    "\"w.csv\"",
    "bad-item-limit",
    "100",
    "public-folders",
    "decommission",
    "manual",
    "after",
    "validate",
    "02:00",
    "8.2.176.2",
    "é",
    "\u{2019}",
    "\u{0}",
    "\u{feff}",
];

fn plan_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn check_never_panics_on_any_string(text in any::<String>()) {
        check_and_render(&SourceFile::new("fuzz.exm", text));
    }

    #[test]
    fn check_never_panics_on_plan_like_text(text in plan_like()) {
        check_and_render(&SourceFile::new("fuzz.exm", text));
    }

    #[test]
    fn check_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let (file, encoding) = SourceFile::from_bytes("fuzz.exm", &bytes);
        if let Some(diagnostic) = encoding {
            let diagnostics = diagnostic.into();
            let _ = render::terminal(&file, &diagnostics, false);
            let _ = render::json(&file, &diagnostics);
        }
        // The CLI stops at E0104; the library must cope with the lossy text anyway.
        check_and_render(&file);
    }
}

/// Every example and test plan with any one line removed: analysis and lowering of a plan that is almost
/// right (a server, a namespace, a closing brace missing) report diagnostics, never panic.
#[test]
fn good_plans_with_a_line_removed_never_panic() {
    for path in crate::common::good_plans() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let loader = crate::common::DirLoader(path.parent().unwrap().to_path_buf());
        for skip in 0..lines.len() {
            let mutated: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            let file = exgen::source::SourceFile::new("mutated.exm", mutated.join("\n"));
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let (files, diags) = exgen::compile(&file, &loader);
                assert_eq!(files.is_some(), !diags.has_errors());
            }));
            assert!(
                result.is_ok(),
                "{} without line {} panics",
                path.display(),
                skip + 1
            );
        }
    }
}

/// Serves the fuzz targets' one CSV file for any path a plan names (`fuzz/fuzz_targets/check.rs`).
struct OneCsv;

impl FileLoader for OneCsv {
    fn read(&self, _path: &str) -> Result<Vec<u8>, ReadError> {
        Ok(b"EmailAddress,Name\r\nann@contoso.com,Ann\r\nbob@contoso.com,Bob\r\n".to_vec())
    }
}

/// Checks `bytes` as the fuzz target `target` does (`fuzz/fuzz_targets/<target>.rs`).
fn as_fuzz_target(target: &str, bytes: &[u8]) {
    let (file, _) = SourceFile::from_bytes("fuzz.exm", bytes);
    match target {
        "parse" => {
            let (plan, diagnostics) = exgen::syntax::parse(&file);
            assert_eq!(plan.is_some(), !diagnostics.has_errors());
        }
        "reader_agrees" => {
            if let Ok(text) = std::str::from_utf8(bytes) {
                assert!(exgen::fuzzing::readers_agree(text), "{text:?}");
            }
        }
        "check" => check_and_render(&file),
        "compile" => {
            let (ir, diagnostics) = exgen::check(&file, &OneCsv);
            assert_eq!(ir.is_some(), !diagnostics.has_errors());
            for output in ir
                .iter()
                .filter_map(|ir| exgen::generate(ir).ok())
                .flatten()
            {
                if output.path.ends_with(".ps1") {
                    let hidden = output
                        .contents
                        .chars()
                        .find(|&c| !matches!(c, '\r' | '\n') && exgen::escape::is_hidden(c));
                    assert_eq!(hidden, None, "{}", output.path);
                }
            }
        }
        "csv" => {
            let (rows, diagnostics) = exgen::fuzzing::read_csv(bytes);
            assert_eq!(rows.is_some(), diagnostics.is_empty());
            assert!(rows.is_none_or(|rows| rows > 0));
            assert!(diagnostics.iter().all(|d| {
                let code = d.code.as_str();
                code.starts_with("E05") || code == "E0115" || code == "E0118"
            }));
        }
        "format" => {
            let text = String::from_utf8_lossy(bytes);
            match exgen::syntax::format(&text) {
                Ok(formatted) => assert_eq!(
                    exgen::syntax::format(&formatted).ok().as_deref(),
                    Some(formatted.as_str())
                ),
                Err(diagnostics) => {
                    assert!(
                        diagnostics
                            .iter()
                            .all(|d| d.code != exgen::diag::Code::E9001)
                    );
                }
            }
        }
        "editor" => {
            let (at, text) = match bytes {
                [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
                _ => (0, bytes),
            };
            exgen::fuzzing::editor(&String::from_utf8_lossy(text), at);
        }
        _ => panic!("no fuzz target `{target}`"),
    }
}

/// Every input a fuzz target once failed on, kept in `tests/fuzz-regressions/<target>/`
/// (docs/fuzzing.md): each passes its target's checks now. The folder holds only a README
/// until a target finds something.
#[test]
fn fuzz_regressions_pass_their_targets_checks() {
    let root = crate::common::root().join("tests/fuzz-regressions");
    for dir in std::fs::read_dir(&root).expect("tests/fuzz-regressions") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        for input in std::fs::read_dir(&dir).unwrap() {
            let input = input.unwrap().path();
            let bytes = std::fs::read(&input).unwrap();
            let result = std::panic::catch_unwind(|| as_fuzz_target(&target, &bytes));
            assert!(result.is_ok(), "{} fails again", input.display());
        }
    }
}

/// The regression checks themselves hold on a real plan and CSV file, so an input that fails
/// them fails for what it is.
#[test]
fn the_regression_checks_pass_on_an_example() {
    let root = crate::common::root();
    let plan = std::fs::read(root.join("examples/contoso-2007-to-2010.exm")).unwrap();
    for target in ["parse", "reader_agrees", "check", "compile"] {
        as_fuzz_target(target, &plan);
    }
    let csv = OneCsv.read("any.csv").unwrap();
    as_fuzz_target("csv", &csv);
}

/// The `editor` fuzz target's checks on every plan of the repository, good and bad, at 64
/// positions spread over each (and at its end): every editor feature answers within its
/// invariants.
#[test]
fn every_editor_feature_keeps_its_invariants_on_every_plan() {
    let mut plans = crate::common::good_plans();
    plans.extend(crate::common::plans("tests/plans/fail"));
    assert!(plans.len() > 100);
    for path in plans {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let step = (text.len() / 64).max(1);
        let offsets: Vec<usize> = (0..=text.len()).step_by(step).chain([text.len()]).collect();
        let result = std::panic::catch_unwind(|| exgen::lsp::exercise(&text, &offsets));
        assert!(result.is_ok(), "{}", path.display());
    }
}
