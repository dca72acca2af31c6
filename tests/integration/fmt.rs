//! Formatting (`exgen::syntax::format`, `exgen fmt`): every plan exgen ships or tests, and
//! messy variants of them, formatted, keep their comments, format to themselves again and
//! compile to the same files apart from the lines that quote the plan; plans that do not parse
//! are refused and left untouched; and the command's in-place rewrite and `--check`.

use crate::common::{self, DirLoader};
use crate::docs::fenced_blocks;
use crate::support::{exgen, repo};
use exgen::source::SourceFile;
use exgen::syntax::format;
use std::path::{Path, PathBuf};

/// The plans that compile: the examples, the small test plans and the command line's plan.
fn compiling_plans() -> Vec<PathBuf> {
    let mut plans = common::good_plans();
    plans.extend(common::plans("tests/plans/cli"));
    plans
}

/// `text` formatted; panics with the diagnostics when it is refused.
fn fmt(name: &str, text: &str) -> String {
    format(text).unwrap_or_else(|diags| {
        let file = SourceFile::new(name, text);
        panic!(
            "{name} is refused:\n{}",
            exgen::diag::render::terminal(&file, &diags, false)
        )
    })
}

/// The comments of a plan, read here on their own: `#` outside a string to the end of the
/// line, without the spaces that end it.
fn comments(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in text.split(['\n', '\r']) {
        let mut in_string = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    found.push(line[i..].trim_end_matches([' ', '\t']));
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

/// What a plan may change in a file exgen generates, masked: the line and text a script's
/// comment cites (`# plan.exm:12  text`) and the runbook's `plan line 12: `text``, and the
/// line number of `plan line 12` elsewhere (`.cmd` and `.ini` files).
fn without_plan_quotes(name: &str, contents: &str) -> String {
    let cite = format!("# {name}:");
    let mut out = String::with_capacity(contents.len());
    for line in contents.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let quotes = trimmed.strip_prefix(&cite).is_some_and(|rest| {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && rest[digits..].starts_with("  ")
        });
        if quotes {
            out.push_str(&line[..line.len() - trimmed.len()]);
            out.push_str(&cite);
            out.push_str("<line>  <text>\n");
        } else {
            out.push_str(&mask_plan_lines(line));
        }
    }
    out
}

/// `plan line 12` → `plan line <line>`, and a code span right after it (`: `text``) →
/// `<text>`.
fn mask_plan_lines(line: &str) -> String {
    const MARK: &str = "plan line ";
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at + MARK.len()]);
        rest = &rest[at + MARK.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            continue;
        }
        out.push_str("<line>");
        rest = &rest[digits..];
        if let Some(span) = rest.strip_prefix(": `") {
            let ticks = 1 + span.len() - span.trim_start_matches('`').len();
            let fence = "`".repeat(ticks);
            if let Some(end) = rest[2 + ticks..].find(&fence) {
                out.push_str(": <text>");
                rest = &rest[2 + ticks + end + ticks..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The files `text` compiles to, as `(path, contents without plan quotes)`.
fn compiled(name: &str, text: &str, folder: &Path) -> Vec<(String, String)> {
    let file = SourceFile::new(name, text);
    let (files, diags) = exgen::compile(&file, &DirLoader(folder.to_path_buf()));
    let files = files.unwrap_or_else(|| {
        panic!(
            "{name} does not compile:\n{}",
            exgen::diag::render::terminal(&file, &diags, false)
        )
    });
    files
        .into_iter()
        .map(|f| (f.path, without_plan_quotes(name, &f.contents)))
        .collect()
}

/// A small deterministic generator, so a failure names the same variant every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % n
    }
}

/// `canonical` as someone might have typed it: indentation at random (spaces and tabs),
/// spaces and tabs at the ends of lines, runs of blank lines (also at the start, the end and
/// the ends of blocks), and `;` ending some statements. Formatting must undo every change.
fn messy(canonical: &str, seed: u64) -> String {
    let mut random = Lcg(seed);
    let mut out = String::from("\n\n");
    for line in canonical.lines() {
        let content = line.trim_start();
        let indent = ["", " ", "\t", "   ", "\t  ", "        "][random.below(6)];
        out.push_str(indent);
        out.push_str(content);
        if !content.is_empty() && !content.contains('#') && random.below(3) == 0 {
            out.push(';');
        }
        out.push_str(["", " ", "\t", "  \t "][random.below(4)]);
        out.push('\n');
        if content.is_empty() || content.ends_with('{') {
            out.push_str(["", "\n", "  \n\n", "\t\n"][random.below(4)]);
        }
    }
    out.push_str("\n \n");
    out
}

/// `canonical` laid out otherwise in ways the layout keeps: a blank line after every
/// statement inside a block (so each plan line after them moves), and single spaces where
/// words were lined up in columns (so the quoted plan text changes).
fn spread(canonical: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = canonical.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(&squeeze(line));
        out.push('\n');
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        let inside = line.starts_with("  ") && !line.trim_end().ends_with('{');
        if inside && !next.is_empty() && !next.starts_with('}') {
            out.push('\n');
        }
    }
    out
}

/// `line` with each run of spaces between words, outside strings and comments, made one.
fn squeeze(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let mut out = line[..indent].to_owned();
    let mut in_string = false;
    let mut chars = line[indent..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if !in_string => {
                out.push(c);
                out.extend(chars.by_ref());
            }
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            ' ' if !in_string => {
                out.push(' ');
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn formatted_plans_compile_to_the_same_files_apart_from_the_plan_lines_they_quote() {
    let mut compared: u64 = 0;
    for path in compiling_plans() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let folder = path.parent().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let shipped = compiled(&name, &text, folder);
        for (variant, seed) in [("as shipped", 0), ("spread", 0), ("messy", 1), ("messy", 2)] {
            let written = match variant {
                "as shipped" => text.clone(),
                "spread" => spread(&text),
                _ => messy(&text, seed * 1000 + compared),
            };
            let formatted = fmt(&name, &written);
            if variant == "messy" {
                assert_eq!(formatted, text, "{name}: {variant} {seed} formats back");
            }
            let files = compiled(&name, &formatted, folder);
            assert_eq!(
                files,
                compiled(&name, &written, folder),
                "{name}: {variant} {seed}"
            );
            assert_eq!(files, shipped, "{name}: {variant} {seed}");
            compared += 1;
        }
        // The spread variant really moved lines and changed the quoted text.
        let spread_out = fmt(&name, &spread(&text));
        assert_ne!(spread_out, text, "{name}");
        let raw = |t: &str| {
            let file = SourceFile::new(name.clone(), t);
            let (files, _) = exgen::compile(&file, &DirLoader(folder.to_path_buf()));
            files
                .unwrap()
                .into_iter()
                .map(|f| f.contents)
                .collect::<Vec<_>>()
        };
        assert_ne!(
            raw(&spread_out),
            raw(&text),
            "{name}: nothing quotes the plan"
        );
    }
    assert!(compared >= 4 * 25, "only {compared} plans compared");
}

#[test]
fn a_plan_in_crlf_with_a_byte_order_mark_keeps_both() {
    let text = std::fs::read_to_string(repo("examples/contoso-2007-to-2010.exm")).unwrap();
    let crlf = format!("\u{FEFF}{}", messy(&text, 7).replace('\n', "\r\n"));
    let expected = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    assert_eq!(fmt("contoso.exm", &crlf), expected);
}

/// Every plan in the repository that parses: shipped, tested (also those with errors after
/// parsing), in the docs, and the messy variants of those that compile.
fn every_parsing_text() -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for folder in [
        "examples",
        "tests/plans/ok",
        "tests/plans/cli",
        "tests/plans/fail",
        "tests/plans/bad",
    ] {
        for path in common::plans(folder) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // not UTF-8 (E0104)
            };
            if format(&text).is_ok() {
                texts.push((path.display().to_string(), text));
            }
        }
    }
    for doc in ["README.md", "docs/language.md"] {
        let markdown = std::fs::read_to_string(repo(doc)).unwrap();
        for (i, block) in fenced_blocks(&markdown).into_iter().enumerate() {
            if block.lang == "exm" {
                texts.push((format!("{doc} block {i}"), block.text));
            }
        }
    }
    for (i, path) in compiling_plans().iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        texts.push((format!("messy {}", path.display()), messy(&text, i as u64)));
    }
    texts.extend(
        MESSY
            .iter()
            .map(|t| ("hand-written".to_owned(), (*t).to_owned())),
    );
    texts
}

/// Hand-written plans with the layout at its worst.
const MESSY: &[&str] = &[
    "# before the plan\n\n\n\nplan \"P\"{# after the brace\n\t\tsite \"HQ\" internet-facing {server A { exchange 2010 sp3;roles mailbox ; new}   # end of line\n\n\n\n    }\n   # before the close\n}\n\n\n# after the plan",
    "plan \"P\" {\r\n  target exchange 2010 sp3  \r\n\r\n\r\n  namespaces { primary \"mail.x.com\" }   \r\n}",
    "\u{FEFF}plan \"P\" {\n\tmedia \"\\\\fs01\\m #1\"# a string holding #\n  decommission A,B , C\n}\n",
    "plan \"P\" { site \"HQ\" { server A { new } } ; organization \"O\" }",
    "plan \"P\" {\n  move mailboxes to DB { from server A\n    batch \"B\" }  # after a close\n  ;;\n  validate on A { service-health }\n}",
    "\n\n\t# only comments\n   #\n\n",
    "plan \"P\" {\r  a\r\n  b\n}\r\n",
];

#[test]
fn formatting_keeps_every_comment_and_formats_to_itself_again() {
    let texts = every_parsing_text();
    assert!(texts.len() > 150, "only {} texts", texts.len());
    for (name, text) in &texts {
        let once = fmt(name, text);
        assert_eq!(comments(&once), comments(text), "{name}");
        assert_eq!(fmt(name, &once), once, "{name}: not idempotent");
        assert!(
            once.is_empty() || once.ends_with('\n'),
            "{name}: no final line break"
        );
        assert!(
            once.lines().all(|l| !l.ends_with([' ', '\t'])),
            "{name}: a line ends with a space"
        );
        assert!(
            !once.replace("\r\n", "\n").contains("\n\n\n"),
            "{name}: two blank lines in a row"
        );
    }
}

#[test]
fn hand_written_plans_are_laid_out_as_the_docs_say() {
    assert_eq!(
        fmt("messy.exm", MESSY[0]),
        "# before the plan\n\nplan \"P\" { # after the brace\n  site \"HQ\" internet-facing {\n    server A { exchange 2010 sp3; roles mailbox; new }   # end of line\n  }\n  # before the close\n}\n\n# after the plan\n"
    );
    assert_eq!(
        fmt("messy.exm", MESSY[4]),
        "plan \"P\" {\n  move mailboxes to DB {\n    from server A\n    batch \"B\"\n  }  # after a close\n\n  validate on A { service-health }\n}\n"
    );
}

#[test]
fn the_layout_example_of_the_language_reference_formats_as_shown() {
    let markdown = std::fs::read_to_string(repo("docs/language.md")).unwrap();
    let blocks: Vec<_> = fenced_blocks(&markdown)
        .into_iter()
        .filter(|b| b.heading == "Layout")
        .collect();
    assert_eq!(blocks.len(), 2, "the example before and after");
    assert_eq!(
        (blocks[0].lang.as_str(), blocks[1].lang.as_str()),
        ("text", "exm")
    );
    assert_ne!(blocks[0].text, blocks[1].text);
    assert_eq!(fmt("layout.exm", &blocks[0].text), blocks[1].text);
}

#[test]
fn every_plan_in_the_docs_is_already_canonical() {
    for doc in ["README.md", "docs/language.md"] {
        let markdown = std::fs::read_to_string(repo(doc)).unwrap();
        for block in fenced_blocks(&markdown).iter().filter(|b| b.lang == "exm") {
            assert_eq!(
                fmt(doc, &block.text),
                block.text,
                "{doc}: {}",
                block.heading
            );
        }
    }
}

#[test]
fn a_plan_that_does_not_parse_is_refused_with_the_diagnostics_check_gives() {
    let mut refused = 0;
    for folder in ["tests/plans/fail", "tests/plans/bad"] {
        for path in common::plans(folder) {
            let (file, encoding, loader) = common::load(&path);
            if !encoding.is_empty() {
                continue;
            }
            let Err(diags) = format(file.text()) else {
                continue;
            };
            let (_, checked) = exgen::check(&file, &loader);
            let codes = |d: &exgen::diag::Diagnostics| d.iter().map(|d| d.code).collect::<Vec<_>>();
            assert_eq!(codes(&diags), codes(&checked), "{}", path.display());
            refused += 1;
        }
    }
    // E0100 to E0103, E0116 and E0126 have plans of their own, and tests/plans/bad has more.
    assert!(refused >= 8, "only {refused} refused");
}

/// A temporary folder holding `files`, each a name and its text.
fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("readable")
}

const UNFORMATTED: &str = "plan \"P\" {\norganization \"O\";target exchange 2010 sp3\n}\n";
const FORMATTED: &str = "plan \"P\" {\n  organization \"O\"\n  target exchange 2010 sp3\n}\n";
const BROKEN: &str = "plan \"P\" {\n organization @\n}\n";

#[test]
fn fmt_rewrites_only_the_plans_that_change_and_leaves_broken_ones() {
    let dir = folder_with(&[
        ("a.exm", UNFORMATTED),
        ("b.exm", FORMATTED),
        ("c.exm", BROKEN),
    ]);
    let run = exgen(dir.path(), ["fmt", "a.exm", "b.exm", "c.exm"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "formatted a.exm\n");
    assert!(run.stderr.starts_with("error[E0100]: "), "{}", run.stderr);
    assert!(run.stderr.contains("c.exm:2:15"), "{}", run.stderr);
    assert_eq!(read(dir.path(), "a.exm"), FORMATTED);
    assert_eq!(read(dir.path(), "b.exm"), FORMATTED);
    assert_eq!(read(dir.path(), "c.exm"), BROKEN);
    // No temporary file is left beside them.
    assert_eq!(
        crate::support::entries(dir.path()),
        ["a.exm", "b.exm", "c.exm"]
    );

    let run = exgen(dir.path(), ["fmt", "a.exm", "b.exm"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), ""),
        "{}",
        run.stderr
    );
}

#[test]
fn fmt_check_lists_what_would_change_and_writes_nothing() {
    let dir = folder_with(&[("a.exm", UNFORMATTED), ("b.exm", FORMATTED)]);
    let run = exgen(dir.path(), ["fmt", "--check", "b.exm"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), ""),
        "{}",
        run.stderr
    );
    let run = exgen(dir.path(), ["fmt", "--check", "a.exm", "b.exm"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "would reformat a.exm\n@@ -1,3 +1,4 @@\n plan \"P\" {\n-organization \"O\";target exchange 2010 sp3\n+  organization \"O\"\n+  target exchange 2010 sp3\n }\n"
    );
    assert_eq!(read(dir.path(), "a.exm"), UNFORMATTED);
}

#[test]
fn fmt_check_passes_on_the_examples() {
    let mut args = vec!["fmt".to_owned(), "--check".to_owned()];
    args.extend(
        common::plans("examples")
            .iter()
            .map(|p| p.display().to_string()),
    );
    let run = exgen(&repo("."), &args);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn fmt_keeps_the_byte_order_mark_and_crlf() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let bytes = format!("\u{FEFF}{}", UNFORMATTED.replace('\n', "\r\n"));
    std::fs::write(dir.path().join("a.exm"), bytes).unwrap();
    let run = exgen(dir.path(), ["fmt", "a.exm"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("a.exm")).unwrap(),
        format!("\u{FEFF}{}", FORMATTED.replace('\n', "\r\n")).into_bytes()
    );
}

#[test]
fn fmt_reports_files_it_cannot_read_or_write_and_goes_on() {
    let dir = folder_with(&[("a.exm", UNFORMATTED)]);
    std::fs::write(dir.path().join("latin1.exm"), b"plan \"Z\xfcrich\" {}\n").unwrap();
    std::fs::create_dir(dir.path().join("folder.exm")).unwrap();
    let run = exgen(
        dir.path(),
        ["fmt", "missing.exm", "folder.exm", "latin1.exm", "a.exm"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: cannot read `missing.exm`: file not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[E0504]: cannot read `folder.exm`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error[E0104]"), "{}", run.stderr);
    assert_eq!(run.stdout, "formatted a.exm\n");
    assert_eq!(read(dir.path(), "a.exm"), FORMATTED);

    let run = exgen(dir.path(), ["fmt"]);
    assert_eq!(run.code, Some(2), "a plan is required");
}

#[cfg(unix)]
#[test]
fn fmt_keeps_permissions_follows_links_and_refuses_read_only_plans() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = folder_with(&[("a.exm", UNFORMATTED), ("ro.exm", UNFORMATTED)]);
    let a = dir.path().join("a.exm");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("a.exm", dir.path().join("link.exm")).unwrap();
    let run = exgen(dir.path(), ["fmt", "link.exm"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(read(dir.path(), "a.exm"), FORMATTED);
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.exm"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::metadata(&a).unwrap().permissions().mode() & 0o777,
        0o640
    );

    let ro = dir.path().join("ro.exm");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = exgen(dir.path(), ["fmt", "ro.exm"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("the file is read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(read(dir.path(), "ro.exm"), UNFORMATTED);
}
