//! Docs are tests: every `exm` block in the README compiles without errors, every example in
//! docs/codes reports its code (or, corrected, compiles), every `exm` block in
//! docs/language.md checks cleanly (or shows a construct not generated yet), and every
//! explanation in docs/codes belongs to a code.

use crate::common;
use exgen::FileLoader;
use exgen::diag::{Code, Diagnostics};
use exgen::source::SourceFile;

/// A fenced code block of a Markdown file.
pub(crate) struct Block {
    /// The `## ` heading it falls under (empty before the first).
    pub(crate) heading: String,
    /// The fence's language, such as `exm` or `csv`.
    pub(crate) lang: String,
    /// What follows the language on the fence line, such as `not-generated`.
    info: String,
    pub(crate) text: String,
}

pub(crate) fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut current: Option<Block> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match (&mut current, trimmed.strip_prefix("```")) {
            (None, Some(fence)) => {
                let (lang, info) = fence.split_once(' ').unwrap_or((fence, ""));
                current = Some(Block {
                    heading: heading.clone(),
                    lang: lang.to_owned(),
                    info: info.trim().to_owned(),
                    text: String::new(),
                });
            }
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {
                if let Some(h) = line.strip_prefix("## ") {
                    h.trim().clone_into(&mut heading);
                }
            }
        }
    }
    blocks
}

fn exm_blocks(markdown: &str) -> Vec<String> {
    fenced_blocks(markdown)
        .into_iter()
        .filter(|b| b.lang == "exm")
        .map(|b| b.text)
        .collect()
}

/// Serves one CSV text for any path, as the file a docs example names.
struct CsvLoader(String);

impl FileLoader for CsvLoader {
    fn read(&self, _path: &str) -> Result<Vec<u8>, exgen::ReadError> {
        Ok(self.0.clone().into_bytes())
    }
}

/// Compiles plan bytes as the CLI does: decode (an encoding error stops there), then compile.
fn compile_bytes(name: &str, bytes: &[u8], loader: &dyn FileLoader) -> (SourceFile, Diagnostics) {
    let (file, bad) = SourceFile::from_bytes(name, bytes);
    if let Some(bad) = bad {
        return (file, bad.into());
    }
    let (_, diags) = exgen::compile(&file, loader);
    (file, diags)
}

fn codes(diags: &Diagnostics) -> Vec<String> {
    diags.iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn readme_plans_compile() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let blocks = exm_blocks(&readme);
    assert!(!blocks.is_empty(), "README shows a plan");
    let loader = common::DirLoader(common::root().join("examples"));
    for (i, block) in blocks.iter().enumerate() {
        let file = SourceFile::new(format!("README-{i}.exm"), block.clone());
        let (files, diags) = exgen::compile(&file, &loader);
        assert!(
            files.is_some(),
            "{}",
            exgen::diag::render::terminal(&file, &diags, false)
        );
    }
}

#[test]
fn readme_excerpt_matches_the_example_output() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let files = common::compile_ok(&common::root().join("examples/contoso-2007-to-2010.exm"));
    let script = files
        .iter()
        .find(|f| f.path == "12-client-access.ps1")
        .expect("client access script");
    let excerpt = readme
        .split("```powershell\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("excerpt");
    for line in excerpt.lines().filter(|l| l.trim() != "...") {
        assert!(
            script.contents.contains(line),
            "README line not in the output: {line}"
        );
    }
}

#[test]
fn every_explanation_file_is_a_code() {
    for entry in std::fs::read_dir(common::root().join("docs/codes")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.strip_suffix(".md").expect("markdown");
        assert!(
            exgen::diag::Code::parse(code).is_some(),
            "{name} explains no code"
        );
    }
}

/// Codes whose explanation shows no erroneous plan, and why (besides the model's gap findings, `Code::reports_a_gap_in_exgen`).
const NO_ERRONEOUS_PLAN: &[(&str, &str)] = &[
    // The bad bytes cannot be shown in Markdown: the test saves the corrected plan as
    // Windows-1252 instead (`the_e0104_example_is_not_utf8`).
    ("E0104", "a text block shows the bytes"),
    ("E9001", "an internal error never comes from a plan"),
    // 2007 and 2010 have every role; other versions are E0501 first.
    ("E0307", "cannot be triggered with the shipped specs"),
    // Every fact exgen checks for 2007 to 2010 is documented.
    ("W0301", "cannot be triggered with the shipped specs"),
    // About the file behind a `csv` path, or the output folder, which a plan alone cannot
    // show: tests/integration/files.rs triggers them.
    ("E0504", "the CSV path names a folder or device"),
    ("E0505", "the CSV file is larger than 64 MiB"),
    // Server names are NetBIOS names (E0121) and exgen makes every other name unique itself:
    // a second line of defence, tested in lower::layout.
    ("E0510", "no plan that passes E0121 reaches it"),
    ("E0506", "the CSV file has over a million rows"),
    ("E0511", "the output folder given on the command line"),
    // Plans too large for a page: tests/integration/bad_input.rs builds them.
    ("E0124", "a line of 65,537 bytes"),
    ("E0125", "a plan of 500,001 statements"),
    // About the files an `include` names, which a plan alone cannot show:
    // tests/integration/include.rs triggers them.
    ("E0127", "a plan whose included files include each other"),
    ("E0128", "an included file that is missing"),
    (
        "E0129",
        "an include path outside the plan's folder, or a device",
    ),
];

/// Codes whose explanation shows no corrected plan, and why (besides the model's gap findings, `Code::reports_a_gap_in_exgen`).
const NO_CORRECTED_PLAN: &[(&str, &str)] = &[
    ("E9001", "an internal error never comes from a plan"),
    ("E0307", "cannot be triggered with the shipped specs"),
    ("W0301", "cannot be triggered with the shipped specs"),
    ("E0504", "the CSV path names a folder or device"),
    ("E0505", "the CSV file is larger than 64 MiB"),
    ("E0506", "the CSV file has over a million rows"),
    ("E0510", "no plan that passes E0121 reaches it"),
    ("E0511", "the output folder given on the command line"),
    ("E0124", "a line of 65,537 bytes"),
    ("E0125", "a plan of 500,001 statements"),
    // About the files an `include` names, which a plan alone cannot show:
    // tests/integration/include.rs triggers them.
    ("E0127", "a plan whose included files include each other"),
    ("E0128", "an included file that is missing"),
    (
        "E0129",
        "an include path outside the plan's folder, or a device",
    ),
];

fn is_erroneous(heading: &str) -> bool {
    heading.starts_with("Erroneous example") || heading.starts_with("Example with a warning")
}

fn is_corrected(heading: &str) -> bool {
    heading.starts_with("Corrected example") || heading.starts_with("Without the warning")
}

/// Checks the `ps1` examples of a script code (`exgen lint`, E08xx/W08xx): each erroneous
/// one reports the code and nothing else, each corrected one neither the code nor an error.
/// They are linted as saved with a byte-order mark, as exgen writes scripts, unless the fence
/// says `no-bom`; the version is their `# Exchange:` header. Returns how many were checked.
fn script_examples(code: &str, blocks: &[Block]) -> usize {
    let mut checked = 0;
    for block in blocks.iter().filter(|b| b.lang == "ps1") {
        let name = format!("{code}.ps1");
        let mut bytes = if block.info == "no-bom" {
            Vec::new()
        } else {
            b"\xEF\xBB\xBF".to_vec()
        };
        bytes.extend_from_slice(block.text.as_bytes());
        let (file, diags) = exgen::lint::lint(&name, &bytes, None);
        let rendered = exgen::diag::render::terminal(&file, &diags, false);
        let found = codes(&diags);
        if is_erroneous(&block.heading) {
            assert!(
                !found.is_empty() && found.iter().all(|c| c == code),
                "{code}.md: the example should report {code} and nothing else:\n{rendered}"
            );
        } else if is_corrected(&block.heading) {
            assert!(
                !diags.has_errors() && !found.iter().any(|c| c == code),
                "{code}.md: the corrected example should lint without {code} or errors:\n{rendered}"
            );
        } else {
            continue;
        }
        checked += 1;
    }
    assert_eq!(
        checked, 2,
        "{code}.md: one erroneous and one corrected example"
    );
    checked
}

/// The plan (or plans) of a section with the CSV shown beside it. A section that shows only a
/// CSV ("the plan stays the same") reuses the erroneous section's plans.
fn section_examples<'a>(
    blocks: &'a [Block],
    wanted: fn(&str) -> bool,
    fallback: &[&'a Block],
) -> Vec<(&'a Block, Option<String>)> {
    let section: Vec<&Block> = blocks.iter().filter(|b| wanted(&b.heading)).collect();
    let csv = section
        .iter()
        .find(|b| b.lang == "csv")
        .map(|b| b.text.clone());
    let mut plans: Vec<&Block> = section.into_iter().filter(|b| b.lang == "exm").collect();
    if plans.is_empty() && csv.is_some() {
        plans = fallback.to_vec();
    }
    plans.into_iter().map(|p| (p, csv.clone())).collect()
}

#[test]
fn code_examples_report_their_code() {
    let examples_dir = common::DirLoader(common::root().join("examples"));
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(common::root().join("docs/codes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let code = path.file_stem().unwrap().to_string_lossy().into_owned();
        let blocks = fenced_blocks(&std::fs::read_to_string(&path).unwrap());
        if Code::parse(&code).is_some_and(Code::is_about_a_script) {
            checked += script_examples(&code, &blocks);
            continue;
        }
        let erroneous = section_examples(&blocks, is_erroneous, &[]);
        let plans: Vec<&Block> = erroneous.iter().map(|(b, _)| *b).collect();
        let corrected = section_examples(&blocks, is_corrected, &plans);
        let excused = |list: &[(&str, &str)]| {
            list.iter().any(|(c, _)| *c == code)
                || exgen::diag::Code::parse(&code).is_some_and(|c| c.reports_a_gap_in_exgen())
        };
        assert_eq!(
            erroneous.is_empty(),
            excused(NO_ERRONEOUS_PLAN),
            "{code}.md: an erroneous example is expected exactly when the code is not excused"
        );
        assert_eq!(
            corrected.is_empty(),
            excused(NO_CORRECTED_PLAN),
            "{code}.md: a corrected example is expected exactly when the code is not excused"
        );
        for (kind, examples) in [("erroneous", &erroneous), ("corrected", &corrected)] {
            for (block, csv) in examples.iter() {
                let name = format!("{code}-{kind}.exm");
                let csv_loader = csv.clone().map(CsvLoader);
                let loader: &dyn FileLoader = match &csv_loader {
                    Some(l) => l,
                    None => &examples_dir,
                };
                let (file, diags) = compile_bytes(&name, block.text.as_bytes(), loader);
                let rendered = exgen::diag::render::terminal(&file, &diags, false);
                let found = codes(&diags);
                if kind == "erroneous" {
                    // Only its own code: an example that fails for other reasons too
                    // teaches the wrong fix.
                    let others: Vec<&String> = diags
                        .iter()
                        .zip(&found)
                        .filter(|(d, c)| **c != code && (d.is_error() || c.starts_with('W')))
                        .map(|(_, c)| c)
                        .collect();
                    assert!(
                        found.contains(&code) && others.is_empty(),
                        "{name} should report {code} and nothing else:\n{rendered}"
                    );
                } else {
                    assert!(
                        !diags.has_errors() && !found.contains(&code),
                        "{name} should compile without {code} or errors:\n{rendered}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 60, "only {checked} code examples found");
}

#[test]
fn the_e0104_example_is_not_utf8() {
    let doc = std::fs::read_to_string(common::root().join("docs/codes/E0104.md")).unwrap();
    let blocks = fenced_blocks(&doc);
    let shown = blocks
        .iter()
        .find(|b| is_erroneous(&b.heading) && b.lang == "text")
        .expect("the erroneous line");
    let plan = blocks
        .iter()
        .find(|b| is_corrected(&b.heading) && b.lang == "exm")
        .expect("the corrected plan");
    // The plan saved as Windows-1252: `ü` becomes the single byte FC, as the text block shows.
    let bytes: Vec<u8> = plan
        .text
        .chars()
        .flat_map(|c| match c {
            'ü' => vec![0xFC],
            c => c.to_string().into_bytes(),
        })
        .collect();
    let line = shown.text.trim_end().replace("\\xFC", "\u{FC}");
    assert!(
        plan.text.contains(&line),
        "the text block is a line of the plan"
    );
    let (file, diags) = compile_bytes("E0104.exm", &bytes, &common::DirLoader(common::root()));
    assert_eq!(
        codes(&diags),
        ["E0104"],
        "{}",
        exgen::diag::render::terminal(&file, &diags, false)
    );
}

/// The info string of language.md blocks that show a construct exgen parses and checks but
/// does not generate yet: they must fail with E0501 and nothing else.
const NOT_GENERATED: &str = "not-generated";

#[test]
fn language_reference_examples_check() {
    let doc = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let loader = common::DirLoader(common::root().join("examples"));
    let blocks: Vec<Block> = fenced_blocks(&doc)
        .into_iter()
        .filter(|b| b.lang == "exm")
        .collect();
    assert!(blocks.len() >= 15, "only {} examples found", blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let name = format!("language-{i}.exm");
        let (file, bad) = SourceFile::from_bytes(name.clone(), block.text.as_bytes());
        assert!(bad.is_none(), "{name} is not text");
        let (_, diags) = exgen::check(&file, &loader);
        let rendered = exgen::diag::render::terminal(&file, &diags, false);
        let errors: Vec<Code> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        match block.info.as_str() {
            "" => assert!(
                errors.is_empty(),
                "{name} (under {:?}) has errors:\n{rendered}",
                block.heading
            ),
            NOT_GENERATED => assert!(
                !errors.is_empty() && errors.iter().all(|c| *c == Code::E0501),
                "{name} (under {:?}) should fail with E0501 only:\n{rendered}",
                block.heading
            ),
            other => panic!("{name}: unknown info string {other:?}"),
        }
    }
}

/// Every rule the code, templates, specs and explanations cite (`R10`) is in docs/rules.md,
/// and the README sends users to no file outside the repository.
#[test]
fn every_cited_rule_is_listed_and_the_readme_stays_in_the_repository() {
    let rules = std::fs::read_to_string(common::root().join("docs/rules.md")).unwrap();
    let listed: std::collections::BTreeSet<String> = rules
        .lines()
        .filter_map(|l| l.strip_prefix("- R"))
        .map(|l| format!("R{}", &l[..2]))
        .collect();
    assert_eq!(listed.len(), 45, "{listed:?}");
    let mut cited = std::collections::BTreeSet::new();
    let mut stack: Vec<std::path::PathBuf> = ["src", "templates", "specs", "docs/codes"]
        .iter()
        .map(|d| common::root().join(d))
        .collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let bytes = text.as_bytes();
        for i in 0..bytes.len().saturating_sub(2) {
            let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            let after = bytes.get(i + 3).is_none_or(|b| !b.is_ascii_alphanumeric());
            if boundary
                && after
                && bytes[i] == b'R'
                && bytes[i + 1].is_ascii_digit()
                && bytes[i + 2].is_ascii_digit()
            {
                cited.insert((text[i..i + 3].to_owned(), path.display().to_string()));
            }
        }
    }
    let missing: Vec<&(String, String)> =
        cited.iter().filter(|(r, _)| !listed.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "cited but not in docs/rules.md: {missing:?}"
    );
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        !readme.contains("../shared/docs"),
        "the README points users at a file outside the repository"
    );
}
