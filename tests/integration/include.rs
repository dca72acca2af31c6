//! `include "path"`: a plan split into files checks and compiles as the same plan written in
//! one file; diagnostics name the file they are in; cycles, missing files and refused paths
//! are coded errors; no input makes the reading of includes panic.

use crate::common::DirLoader;
use crate::support::{exgen, repo, snapshot};
use exgen::diag::{Code, Diagnostics};
use exgen::files::PlanLoader;
use exgen::source::SourceFile;
use std::path::Path;

/// The split plan (`tests/plans/include/split.exm`, with `sites/intranet.exm`, which includes
/// `sites/internet.exm`, and `waves/moves.exm`) and the same plan in one file.
const FOLDER: &str = "tests/plans/include";

/// `name` in `folder`, read as the CLI reads it but known as `as_name`, so two plans compare
/// equal where only their file names differ.
fn read_as(folder: &Path, name: &str, as_name: &str) -> SourceFile {
    let bytes = std::fs::read(folder.join(name)).expect("plan readable");
    let (file, bad) = SourceFile::from_bytes(as_name, &bytes);
    assert!(bad.is_none(), "{name} is text");
    file
}

/// Checks `name` in `folder` reading files as the command line does ([`PlanLoader`]).
fn check(folder: &Path, name: &str) -> (SourceFile, Diagnostics) {
    let file = read_as(folder, name, name);
    let loader = PlanLoader {
        folder: folder.to_path_buf(),
    };
    let (_, diags) = exgen::check(&file, &loader);
    (file, diags)
}

fn codes(diags: &Diagnostics) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

/// A folder holding `files` (path with `/`, text).
fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, text).expect("written");
    }
    dir
}

/// The statements of a minimal valid plan (2007 to 2010), for plans that include files.
const BODY: &str = r#"  target exchange 2010 sp3
  media "D:\Exchange2010SP3\"
  namespaces { primary "mail.contoso.com"; legacy "legacy.contoso.com" }
  certificate on MAIL2010 MAIL2007 { names primary legacy }
"#;

const SITE: &str = r#"site "HQ" internet-facing {
  cas-array "outlook.contoso.com"
  server MAIL2007 { exchange 2007 sp3 ru10; roles cas hub mailbox }
  server MAIL2010 { exchange 2010 sp3; os "Windows Server 2008 R2"; roles cas hub mailbox; new }
}
"#;

fn plan_with(lines: &str) -> String {
    format!("plan \"P\" {{\n{BODY}{lines}}}\n")
}

#[test]
fn a_split_plan_has_the_ir_and_scripts_of_the_inlined_plan() {
    let folder = repo(FOLDER);
    let loader = DirLoader(folder.clone());
    let inlined = read_as(&folder, "inlined.exm", "contoso.exm");
    let split = read_as(&folder, "split.exm", "contoso.exm");
    let (ir_inlined, d1) = exgen::check(&inlined, &loader);
    let (ir_split, d2) = exgen::check(&split, &loader);
    assert_eq!(codes(&d1), codes(&d2));
    let (ir_inlined, ir_split) = (ir_inlined.expect("checks"), ir_split.expect("checks"));
    let included: Vec<&str> = split.included().iter().map(|i| i.file.name()).collect();
    assert_eq!(
        included,
        [
            "sites/intranet.exm",
            "sites/internet.exm",
            "waves/moves.exm"
        ]
    );

    // The IR is the same but for where each statement is: its file and line.
    let mut a = serde_json::to_value(&ir_inlined.plan).unwrap();
    let mut b = serde_json::to_value(&ir_split.plan).unwrap();
    let mut cited = Vec::new();
    forget_lines(&mut a, &mut Vec::new());
    forget_lines(&mut b, &mut cited);
    assert_eq!(a, b);
    for file in &included {
        assert!(cited.contains(&(*file).to_owned()), "no origin in {file}");
    }

    // The scripts and the runbook are byte for byte the same but for the lines that cite the
    // plan, which name the included file for its statements.
    let files_a = exgen::generate(&ir_inlined).expect("generates");
    let files_b = exgen::generate(&ir_split).expect("generates");
    assert_eq!(files_a.len(), files_b.len());
    let mut in_included = 0;
    for (fa, fb) in files_a.iter().zip(&files_b) {
        assert_eq!(fa.path, fb.path);
        let (la, lb): (Vec<&str>, Vec<&str>) =
            (fa.contents.lines().collect(), fb.contents.lines().collect());
        assert_eq!(la.len(), lb.len(), "{}", fa.path);
        for (x, y) in la.iter().zip(&lb) {
            if x == y {
                continue;
            }
            let (cite_a, cite_b) = (citation(x), citation(y));
            assert!(
                cite_a.is_some() && cite_b.is_some(),
                "{}: only citations differ:\n{x}\n{y}",
                fa.path
            );
            let ((_, text_a), (file_b, text_b)) = (cite_a.unwrap(), cite_b.unwrap());
            assert_eq!(text_a, text_b, "{}: the same statement is cited", fa.path);
            if file_b != "contoso.exm" && file_b != "plan" {
                assert!(included.contains(&file_b.as_str()), "{y}");
                in_included += 1;
            }
        }
    }
    assert!(
        in_included > 10,
        "only {in_included} citations name an included file"
    );
}

/// Removes the `line` and `file` of every origin (an object with `line` and `text`) in `value`,
/// collecting the files named.
fn forget_lines(value: &mut serde_json::Value, files: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("line") && map.contains_key("text") {
                map.remove("line");
                if let Some(serde_json::Value::String(file)) = map.remove("file") {
                    files.push(file);
                }
            }
            map.values_mut().for_each(|v| forget_lines(v, files));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| forget_lines(v, files)),
        _ => {}
    }
}

/// The file and statement text a line cites: `# file:line  text` in a script, ``(file line
/// N: `text`)`` in the runbook (`plan` for the plan's own lines).
fn citation(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("# ") {
        let (place, text) = rest.split_once("  ")?;
        let (file, number) = place.rsplit_once(':')?;
        number.parse::<usize>().ok()?;
        return Some((file.to_owned(), text.to_owned()));
    }
    let at = line.find(" line ")?;
    let before = &line[..at];
    let file = if before.ends_with("(plan") {
        "plan".to_owned()
    } else {
        let end = before.rfind('`')?;
        let start = before[..end].rfind('`')?;
        before[start + 1..end].to_owned()
    };
    let rest = &line[at + " line ".len()..];
    let (_, text) = rest.split_once(": ")?;
    // What follows the cited text differs only if the text does.
    Some((file, line.replace(before, "").replace(rest, "") + text))
}

#[test]
fn citations_name_the_included_file_and_its_line() {
    let folder = repo(FOLDER);
    let file = read_as(&folder, "split.exm", "contoso.exm");
    let (files, diags) = exgen::compile(&file, &DirLoader(folder));
    let files = files.unwrap_or_else(|| panic!("{diags:?}"));
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    assert!(all.contains("# sites/intranet.exm:3  server BR-EX2010 {"));
    assert!(all.contains("# sites/internet.exm:6  server HQ-MBX2013 {"));
    assert!(all.contains("# waves/moves.exm:2  move mailboxes to HQ-DB2013 {"));
    assert!(all.contains("# contoso.exm:6  target exchange 2013 cu23"));
    let runbook = &files
        .iter()
        .find(|f| f.path == "runbook.md")
        .unwrap()
        .contents;
    assert!(runbook.contains("(`sites/intranet.exm` line 3: `server BR-EX2010 {"));
    assert!(runbook.contains("(plan line 39: `validate on HQ-CAS2010 {"));
}

#[test]
fn diagnostics_in_an_included_file_name_it() {
    let run = exgen(&repo(FOLDER), ["check", "broken.exm"]);
    assert_eq!(run.code, Some(1));
    snapshot!("include@broken.exm", run.stderr);
    let run = exgen(
        &repo(FOLDER),
        ["check", "broken.exm", "--message-format", "json"],
    );
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let undefined = lines.iter().find(|m| m["code"] == "E0202").expect("E0202");
    assert_eq!(undefined["file"], "sites/broken-site.exm");
    assert_eq!(undefined["spans"][0]["line_start"], 6);
    assert_eq!(undefined["spans"][0]["byte_start"], 192);
    let shared = lines.iter().find(|m| m["code"] == "E0321").expect("E0321");
    assert_eq!(shared["file"], "broken.exm");
    assert_eq!(shared["spans"][0].get("file"), None);
    assert_eq!(shared["spans"][1]["file"], "sites/broken-site.exm");
    assert_eq!(shared["spans"][1]["line_start"], 3);
}

#[test]
fn cycles_are_reported_with_their_chain() {
    let dir = folder_with(&[
        (
            "main.exm",
            &plan_with(&format!("{SITE}  include \"sites/a.exm\"\n")),
        ),
        ("sites/a.exm", "include \"b.exm\"\n"),
        ("sites/b.exm", "# back to a\ninclude \"a.exm\"\n"),
    ]);
    let (file, diags) = check(dir.path(), "main.exm");
    assert_eq!(codes(&diags), [Code::E0127]);
    let d = &diags.0[0];
    assert_eq!(
        d.message,
        "include cycle: `sites/a.exm` → `sites/b.exm` → `sites/a.exm`"
    );
    let located = file.locate(d.primary.span.start);
    assert_eq!(located.file.name(), "sites/b.exm");
    assert_eq!(
        located
            .file
            .line_col(located.local(d.primary.span).start)
            .line,
        2
    );
    assert_eq!(
        d.related.len(),
        2,
        "where each file of the cycle is included"
    );

    let dir = folder_with(&[("main.exm", &plan_with("  include \"./main.exm\"\n"))]);
    let (_, diags) = check(dir.path(), "main.exm");
    assert!(
        diags
            .iter()
            .any(|d| d.code == Code::E0127 && d.message.contains("`main.exm` → `main.exm`")),
        "{diags:?}"
    );
}

#[test]
fn missing_and_refused_files_are_coded() {
    let dir = folder_with(&[
        (
            "plans/main.exm",
            &plan_with(&format!(
                "{SITE}  include \"sites/none.exm\"\n  include \"/etc/hosts\"\n  include \"C:\\x.exm\"\n  include \"../outside.exm\"\n  include \"sites\"\n  include \"sites/ok.exm\"\n"
            )),
        ),
        ("plans/sites/ok.exm", "include \"../../outside.exm\"\n"),
        ("outside.exm", "site \"X\" { }\n"),
    ]);
    let (_, diags) = check(&dir.path().join("plans"), "main.exm");
    let found: Vec<(Code, &str)> = diags.iter().map(|d| (d.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (
                Code::E0128,
                "cannot read included file `sites/none.exm`: file not found"
            ),
            (
                Code::E0129,
                "cannot include `/etc/hosts`: it is an absolute path"
            ),
            (
                Code::E0129,
                "cannot include `C:\\x.exm`: it is an absolute path"
            ),
            (
                Code::E0129,
                "cannot include `../outside.exm`: it leaves the folder of the plan"
            ),
            (
                Code::E0129,
                "cannot include `sites`: it is a directory, not a file"
            ),
            (
                Code::E0129,
                "cannot include `../../outside.exm`: it leaves the folder of the plan"
            ),
        ]
    );
}

#[test]
fn misplaced_includes_and_plans_in_included_files_are_reported() {
    let dir = folder_with(&[
        (
            "main.exm",
            &format!(
                "include \"x.exm\"\n{}",
                plan_with("  site \"B\" { include \"x.exm\" }\n  include \"x.exm\"\n")
            ),
        ),
        ("x.exm", &format!("plan \"X\" {{\n{SITE}}}\n")),
    ]);
    let (_, diags) = check(dir.path(), "main.exm");
    assert_eq!(codes(&diags), [Code::E0130, Code::E0130, Code::E0106]);
    assert!(diags.0[2].message.contains("not a `plan`"));
    let dir = folder_with(&[(
        "main.exm",
        &plan_with("  include \"a.exm\" \"b.exm\"\n  include x { }\n"),
    )]);
    let (_, diags) = check(dir.path(), "main.exm");
    assert!(
        diags.iter().all(|d| d.code == Code::E0107),
        "{:?}",
        codes(&diags)
    );
}

#[test]
fn the_plan_and_its_includes_share_one_size_limit() {
    // Each file alone is within the limit; together they are not.
    let half = exgen::syntax::MAX_PLAN_BYTES / 2 + 1;
    let line = format!("# {}\n", "x".repeat(98));
    let filler = |name: &str| {
        format!(
            "{}site \"{name}\" {{ }}\n",
            line.repeat(half / line.len() + 1)
        )
    };
    let dir = folder_with(&[
        (
            "main.exm",
            &plan_with(&format!("{SITE}  include \"a.exm\"\n  include \"b.exm\"\n")),
        ),
        ("a.exm", &filler("A")),
        ("b.exm", &filler("B")),
    ]);
    let (_, diags) = check(dir.path(), "main.exm");
    let refused: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::E0129)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        refused,
        ["cannot include `b.exm`: the plan and its included files would be larger than 16 MiB"]
    );
}

#[test]
fn at_most_so_many_files_are_included() {
    // One file including itself through a chain of distinct names would be a cycle; a file
    // included again and again from the plan is not, and is counted each time.
    let lines: String = (0..=exgen::syntax::MAX_INCLUDED_FILES)
        .map(|_| "  include \"empty.exm\"\n")
        .collect();
    let dir = folder_with(&[
        ("main.exm", &plan_with(&format!("{SITE}{lines}"))),
        ("empty.exm", "# nothing\n"),
    ]);
    let (_, diags) = check(dir.path(), "main.exm");
    assert_eq!(codes(&diags), [Code::E0129]);
    assert!(diags.0[0].message.contains("more than 256 files"));
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_link_out_of_the_folder_are_refused_without_blocking() {
    let dir = folder_with(&[
        (
            "plan/main.exm",
            &plan_with(&format!(
                "{SITE}  include \"pipe.exm\"\n  include \"null.exm\"\n  include \"secret.exm\"\n  include \"inside.exm\"\n"
            )),
        ),
        ("plan/sites/real.exm", "site \"B\" { }\n"),
        ("secret.exm", "site \"S\" { }\n"),
    ]);
    let plan = dir.path().join("plan");
    let made = std::process::Command::new("mkfifo")
        .arg(plan.join("pipe.exm"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/null", plan.join("null.exm")).expect("symlink");
    std::os::unix::fs::symlink("../secret.exm", plan.join("secret.exm")).expect("symlink");
    std::os::unix::fs::symlink("sites/real.exm", plan.join("inside.exm")).expect("symlink");
    let (file, diags) = check(&plan, "main.exm");
    let found: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "cannot include `pipe.exm`: it is a device, pipe or socket, not a file",
            "cannot include `null.exm`: it is a link to a file outside the plan's folder",
            "cannot include `secret.exm`: it is a link to a file outside the plan's folder",
        ]
    );
    assert!(diags.iter().all(|d| d.code == Code::E0129));
    let read: Vec<&str> = file.included().iter().map(|i| i.file.name()).collect();
    assert_eq!(read, ["inside.exm"], "a link inside the folder is followed");
}

#[test]
fn an_included_file_that_is_not_text_is_e0104_in_that_file() {
    let dir = folder_with(&[(
        "main.exm",
        &plan_with(&format!("{SITE}  include \"bin.exm\"\n")),
    )]);
    std::fs::write(dir.path().join("bin.exm"), b"site \"A\" {\xff}\n").expect("written");
    let (file, diags) = check(dir.path(), "main.exm");
    assert_eq!(codes(&diags), [Code::E0104]);
    let rendered = exgen::diag::render::terminal(&file, &diags, false);
    assert!(rendered.contains("--> bin.exm:1:11"), "{rendered}");
}

#[test]
fn compile_check_sees_an_edit_of_an_included_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_folder(&repo(FOLDER), dir.path());
    let run = exgen(dir.path(), ["compile", "split.exm", "-o", "out"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = exgen(dir.path(), ["compile", "split.exm", "-o", "out", "--check"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let moves = dir.path().join("waves/moves.exm");
    let text = std::fs::read_to_string(&moves).unwrap();
    std::fs::write(&moves, text.replace("\"Intranet site\"", "\"Branch site\"")).unwrap();
    let run = exgen(dir.path(), ["compile", "split.exm", "-o", "out", "--check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
}

#[test]
fn fmt_keeps_include_lines_and_formats_included_files() {
    let dir = folder_with(&[
        (
            "main.exm",
            "plan \"P\" {\ninclude   \"sites/a.exm\"  # the site\n}\n",
        ),
        (
            "sites/a.exm",
            "site \"A\" {\nserver X { exchange 2010 sp3 }\n}\n",
        ),
    ]);
    let run = exgen(dir.path(), ["fmt", "main.exm", "sites/a.exm"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let main = std::fs::read_to_string(dir.path().join("main.exm")).unwrap();
    assert_eq!(
        main,
        "plan \"P\" {\n  include   \"sites/a.exm\"  # the site\n}\n"
    );
    let site = std::fs::read_to_string(dir.path().join("sites/a.exm")).unwrap();
    assert_eq!(site, "site \"A\" {\n  server X { exchange 2010 sp3 }\n}\n");
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

/// A loader serving generated texts for a few names, and errors for the rest.
struct Generated(Vec<(String, Vec<u8>)>);

impl exgen::FileLoader for Generated {
    fn read(&self, path: &str) -> Result<Vec<u8>, exgen::ReadError> {
        self.0
            .iter()
            .find(|(name, _)| name == path)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| exgen::ReadError::Unreadable("file not found".to_owned()))
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Plans and included files made of includes, blocks, statements and noise never make
    /// the reading of includes, the checks or the renderers panic.
    #[test]
    fn includes_never_panic(
        main in r#"(plan "P" \{|include "(a|b|s/c|\.\./a|/a|s)\.exm"|site "S" \{|server A \{|\}|\n|;|roles cas|é|"){0,40}"#,
        a in r#"(include "(a|b|s/c|c)\.exm"|plan "X" \{|site "T" \{|\}|\n|;|\xff|"){0,20}"#,
        b in r#"(include "(a|s/c)\.exm"|server B \{ exchange 2010 sp3 \}|\}|\n|\{){0,20}"#,
        c in r#"(include "\.\./(a|b)\.exm"|include "c\.exm"|site "U" \{ \}|\n){0,10}"#,
    ) {
        let loader = Generated(vec![
            ("a.exm".to_owned(), a.into_bytes()),
            ("b.exm".to_owned(), b.into_bytes()),
            ("s/c.exm".to_owned(), c.into_bytes()),
        ]);
        let file = SourceFile::new("main.exm", main);
        let (_, diags) = exgen::check(&file, &loader);
        let _ = exgen::diag::render::terminal(&file, &diags, false);
        let _ = exgen::diag::render::json(&file, &diags);
        let again = SourceFile::new("main.exm", file.text());
        let _ = exgen::check(&again, &loader);
    }
}

#[test]
fn ir_steps_and_names_name_the_included_file() {
    let run = exgen(
        &repo(FOLDER),
        ["ir", "split.exm", "--steps", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let steps: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let install = steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["text"]
                .as_str()
                .unwrap()
                .starts_with("# sites/internet.exm:6")
        })
        .expect("a step of sites/internet.exm");
    assert_eq!(install["plan_file"], "sites/internet.exm");
    assert_eq!(install["plan_line"], 6);
    let own = &steps[0];
    assert_eq!(own.get("plan_file"), None, "{own}");

    let run = exgen(
        &repo(FOLDER),
        ["ir", "split.exm", "--names", "--format", "json"],
    );
    let names: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let server = names
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "HQ-MBX2013")
        .expect("HQ-MBX2013");
    assert_eq!(server["file"], "sites/internet.exm");
    assert_eq!(server["line"], 6);
    let database = names
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "HQ-DB2013")
        .expect("HQ-DB2013");
    assert_eq!(database.get("file"), None);
    assert_eq!(database["uses"][0]["file"], "waves/moves.exm");
    assert_eq!(database["uses"][0]["line"], 2);
}

#[test]
fn files_are_included_at_most_so_many_deep() {
    let depth = exgen::syntax::MAX_INCLUDE_DEPTH;
    let mut files: Vec<(String, String)> = (0..=depth)
        .map(|i| (format!("d/{i}.exm"), format!("include \"{}.exm\"\n", i + 1)))
        .collect();
    files.push((
        "main.exm".to_owned(),
        plan_with(&format!("{SITE}  include \"d/0.exm\"\n")),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = folder_with(&files);
    let (file, diags) = check(dir.path(), "main.exm");
    assert_eq!(codes(&diags), [Code::E0129]);
    assert_eq!(
        diags.0[0].message,
        format!(
            "cannot include `d/{}.exm`: files are included more than {depth} deep",
            depth
        )
    );
    assert_eq!(file.included().len(), depth);
}
