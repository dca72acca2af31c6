//! Generated scripts that stay fast when they run (issue 7): no array grown with `+=`, and no
//! script that grows with the number of mailboxes a plan lists.

use crate::common;
use exgen::output::OutputFile;
use std::collections::BTreeSet;

/// A 2010 to 2013 plan whose one batch lists `count` mailboxes one by one, moved by move
/// requests or, with `method`, by a migration batch.
fn plan_with_mailboxes(count: usize, method: &str) -> String {
    let mut mailboxes = String::new();
    for i in 0..count {
        mailboxes.push_str(&format!("    mailbox \"user{i:05}@contoso.com\"\n"));
    }
    format!(
        r#"plan "Scale" {{
  target exchange 2013 cu23
  media "\\fs01\media\Exchange2013CU23"
  namespaces {{ primary "mail.contoso.com"; autodiscover "autodiscover.contoso.com" }}
  site "HQ" internet-facing {{
    server MAIL2010 {{ exchange 2010 sp3 ru11; roles cas hub mailbox }}
    server MAIL2013 {{ exchange 2013 cu23; os "Windows Server 2012 R2"; roles cas mailbox; new }}
  }}
  certificate on MAIL2013 {{ names primary autodiscover }}
  database DB2013 on MAIL2013
  move mailboxes to DB2013 {{
    batch "Wave 1"
{mailboxes}    {method}
  }}
}}
"#
    )
}

fn compile(text: &str) -> Vec<OutputFile> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plan = dir.path().join("scale.exm");
    std::fs::write(&plan, text).unwrap();
    common::compile_ok(&plan)
}

fn find<'a>(files: &'a [OutputFile], suffix: &str) -> &'a OutputFile {
    files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix}"))
}

/// 10,000 `mailbox` lines give the script of 60 (both above the limit): the mailboxes are in
/// the CSV exgen writes next to it, one row each, read by one loop. The runbook names the file.
#[test]
fn a_long_mailbox_list_goes_to_a_csv_and_the_script_keeps_its_size() {
    const { assert!(60 > exgen::lower::INLINE_MAILBOXES_MAX) };
    for method in ["", "method migration-batch"] {
        let small = compile(&plan_with_mailboxes(60, method));
        let large = compile(&plan_with_mailboxes(10_000, method));
        let script = |files: &[OutputFile]| find(files, "move-mailboxes.ps1").contents.clone();
        let (small_script, large_script) = (script(&small), script(&large));
        // Only the row count in a comment differs ("60" and "10000").
        assert!(
            large_script.len().abs_diff(small_script.len()) <= 8,
            "{method}: {} bytes for 60 mailboxes, {} for 10,000",
            small_script.len(),
            large_script.len()
        );
        assert!(!large_script.contains("user09999@contoso.com"), "{method}");
        assert!(large_script.contains("'mailboxes-wave-1.csv'"), "{method}");
        let csv = find(&large, "mailboxes-wave-1.csv");
        let lines: Vec<&str> = csv.contents.lines().collect();
        assert_eq!(lines[0], "EmailAddress");
        assert_eq!(
            lines.len(),
            10_001,
            "{method}: a header and one row a mailbox"
        );
        assert_eq!(lines[10_000], "user09999@contoso.com");
        let bytes = exgen::output::encode(csv).expect("encodes");
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBFEmailAddress\r\n"),
            "BOM and CRLF"
        );
        let runbook = &find(&large, "runbook.md").contents;
        assert!(
            runbook.contains("10000 mailbox(es) in `mailboxes-wave-1.csv` next to the script"),
            "{method}"
        );
    }
}

/// Up to the limit the script lists the mailboxes itself, in one literal list; no CSV is written.
#[test]
fn a_short_mailbox_list_stays_in_the_script() {
    let files = compile(&plan_with_mailboxes(exgen::lower::INLINE_MAILBOXES_MAX, ""));
    assert!(!files.iter().any(|f| f.path.starts_with("mailboxes")));
    let script = &find(&files, "move-mailboxes.ps1").contents;
    let lines: Vec<&str> = script.lines().map(str::trim).collect();
    let first = lines.iter().position(|l| *l == "'user00000@contoso.com',");
    let last = lines.iter().position(|l| *l == "'user00049@contoso.com'");
    assert!(first.is_some_and(|f| last == Some(f + 49)), "{script}");
    assert_eq!(lines[last.unwrap() + 1], ")) {");
}

/// Above the limit, an address a spreadsheet would read as a formula stays in the script, where
/// it is a PowerShell literal (values that are not addresses at all are refused earlier, E0118;
/// `escape::csv_field`'s own tests cover quoting).
#[test]
fn mailboxes_a_spreadsheet_would_read_as_formulas_stay_in_the_script() {
    let text = plan_with_mailboxes(60, "").replace(
        "    mailbox \"user00000@contoso.com\"\n",
        "    mailbox \"+sales@contoso.com\"\n    mailbox \"-admin@contoso.com\"\n    mailbox \"anna.lindqvist@contoso.com\"\n",
    );
    let files = compile(&text);
    let csv = &find(&files, "mailboxes-wave-1.csv").contents;
    assert!(!csv.contains("+sales") && !csv.contains("-admin"), "{csv}");
    assert!(csv.contains("\nanna.lindqvist@contoso.com\n"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 60);
    let script = &find(&files, "move-mailboxes.ps1").contents;
    assert!(script.contains("'+sales@contoso.com'"), "{script}");
    assert!(script.contains("'-admin@contoso.com'"), "{script}");
    assert!(
        script.contains("2 mailbox(es) of the plan stay in this script"),
        "{script}"
    );
}

/// No generated script grows an array with `+=` (each time a copy of the whole array:
/// quadratic in a loop): collections are lists (`[void]$list.Add(...)`) or a pipeline collected
/// with `@(...)`. `+=` is left only for counters and strings, which the script starts as such.
#[test]
fn no_script_grows_an_array_with_plus_equals() {
    let mut checked = 0;
    for path in common::good_plans() {
        for file in common::compile_ok(&path)
            .iter()
            .filter(|f| f.path.ends_with(".ps1"))
        {
            let scalars: BTreeSet<&str> = file
                .contents
                .lines()
                .filter_map(|l| {
                    let (name, value) = l.trim().split_once(" = ")?;
                    let scalar = value == "0" || value == "''";
                    (name.starts_with('$') && scalar).then_some(name)
                })
                .collect();
            for line in file.contents.lines() {
                let Some((target, _)) = line.trim().split_once(" += ") else {
                    continue;
                };
                assert!(
                    scalars.contains(target),
                    "{}: {}: `+=` on {target}, which does not start as a number or string",
                    path.display(),
                    file.path
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} scripts checked");
}
