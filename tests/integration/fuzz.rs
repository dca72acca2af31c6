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
