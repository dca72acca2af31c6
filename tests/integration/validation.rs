//! Every generated script is valid for the shell its header names: it parses with
//! tree-sitter-powershell, every Exchange cmdlet and parameter exists in that version, no call
//! would stop to prompt for a mandatory parameter, and it uses no construct newer than its
//! PowerShell level (the table in specs/powershell.yaml).

use crate::common;
use exgen::validate::{self, Severity};

/// The value of a header line: its first word (a note may follow).
fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
}

#[test]
fn every_generated_script_passes_validation_for_its_header() {
    let mut checked = 0;
    for path in common::good_plans() {
        for file in common::compile_ok(&path)
            .iter()
            .filter(|f| f.path.ends_with(".ps1"))
        {
            let text = format!("\u{feff}{}", file.contents);
            let exchange = validate::exchange_header(&text)
                .unwrap_or_else(|| panic!("{}: no header", file.path));
            let level = header(&file.contents, "# PowerShell:")
                .unwrap_or_else(|| panic!("{}: no level", file.path));
            let mut findings = validate::check_script(&text, exchange, true);
            findings.extend(validate::check_constructs(&text, level));
            // The checker also warns about typographic dashes inside string literals, where
            // PowerShell keeps them as they are; the quoting test plan has them on purpose.
            findings.retain(|f| {
                !(f.severity == Severity::Warning && f.message.starts_with("typographic character"))
            });
            let shown: Vec<String> = findings
                .iter()
                .map(|f| format!("{}:{f}", file.path))
                .collect();
            assert!(
                findings.is_empty(),
                "{} ({}):\n{}",
                path.display(),
                exchange,
                shown.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} scripts checked");
}

#[test]
fn the_checker_catches_a_broken_script() {
    // The check above must be able to fail: a 2010 script with a 2013-only cmdlet, a prompt for
    // a mandatory parameter, a syntax error and try/catch under PowerShell 1.0.
    let text = "New-MigrationBatch -Local -Name x\nNew-MoveRequest -TargetDatabase DB1\nif ($x {\n";
    assert!(validate::check_script(text, "2010", true).len() >= 3);
    assert!(!validate::check_constructs("try { } finally { }", "1.0").is_empty());
}
