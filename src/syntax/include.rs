//! `include "path"`: the statements of another file spliced into the plan block, before the
//! schema layer sees them (E0127–E0130).
//!
//! An `include` is allowed directly in the `plan` block and at the top level of an included
//! file, which holds the statements of a plan block without a `plan` around them. The path is
//! relative to the folder of the file that names it and may not leave the main plan's folder.
//! Each file read gets its own range of the plan's offset space ([`Included`]), so spans,
//! diagnostics and origins point into the right file and the statements that follow read
//! exactly as if they had been written in the plan.

use super::args::Args;
use super::build::Builder;
use super::parser::{Stmt, parse_statements};
use super::scan::{self, MAX_PLAN_BYTES};
use super::values::ValueKind;
use crate::diag::{Code, Diagnostic, Diagnostics, Fix};
use crate::source::{Included, SourceFile, Span};
use crate::{FileLoader, ReadError};

/// The most files a plan may include, all levels together: far above a plan split by site or
/// by wave, and a bound on the work a hostile plan can ask for (each read is a file on disk).
pub const MAX_INCLUDED_FILES: usize = 256;

/// The deepest chain of files including files (the plan not counted), as blocks are bounded
/// ([`super::MAX_DEPTH`]): reading nested files recurses.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Replaces every `include` of the plan block in `stmts` (the main file's statements) by the
/// statements of the file it names, read through `loader`, recursively; reports misplaced,
/// malformed, refused, unreadable and cyclic includes and leaves them out. The files read are
/// recorded in `file` ([`SourceFile::included`]); when an earlier parse recorded them, their
/// recorded text is used again instead of reading the disk.
pub(super) fn expand(
    file: &SourceFile,
    loader: &dyn FileLoader,
    stmts: &mut Vec<Stmt>,
    diags: &mut Diagnostics,
) {
    let mut expander = Expander {
        loader,
        recorded: file.included(),
        parts: Vec::new(),
        next_base: file.text().len() + 1,
        total: file.text().len(),
        b: Builder {
            diags: std::mem::take(diags),
        },
    };
    let main = Frame {
        chain: vec![(file.name().to_owned(), None)],
        folder: Vec::new(),
    };
    // A file without a `plan` is reported once as such by the schema layer (a file a plan
    // includes, given on its own), its `include`s with it.
    let has_plan = stmts.iter().any(|s| s.keyword.eq_ignore_ascii_case("plan"));
    let mut out = Vec::with_capacity(stmts.len());
    for mut stmt in std::mem::take(stmts) {
        match stmt.keyword.to_ascii_lowercase().as_str() {
            "include" if !has_plan => out.push(stmt),
            "include" => expander
                .b
                .error(misplaced(&stmt, "outside the `plan` block")),
            "plan" => {
                if let Some(block) = &mut stmt.block {
                    let inner = std::mem::take(&mut block.stmts);
                    block.stmts = expander.splice(inner, &main);
                }
                out.push(stmt);
            }
            _ => {
                strip_nested(&mut expander.b, &mut stmt);
                out.push(stmt);
            }
        }
    }
    *stmts = out;
    *diags = expander.b.diags;
    if !expander.parts.is_empty() && !file.has_included() {
        file.set_included(expander.parts);
    }
}

/// The file being expanded: the chain of files that led to it (path and the `include` that
/// named it; the main plan first) and its folder's path from the main plan's folder.
struct Frame {
    chain: Vec<(String, Option<Span>)>,
    folder: Vec<String>,
}

struct Expander<'a> {
    loader: &'a dyn FileLoader,
    /// The files an earlier parse of the same plan read, in order.
    recorded: &'a [Included],
    parts: Vec<Included>,
    /// Where the next file read starts in the offset space.
    next_base: usize,
    /// Bytes of the plan and every file read so far.
    total: usize,
    b: Builder,
}

impl Expander<'_> {
    /// `stmts`, statements of a plan block, with each `include` replaced by the statements of
    /// its file and `include`s inside their blocks reported.
    fn splice(&mut self, stmts: Vec<Stmt>, frame: &Frame) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(stmts.len());
        for mut stmt in stmts {
            if is_include(&stmt) {
                out.extend(self.include(&stmt, frame));
            } else {
                strip_nested(&mut self.b, &mut stmt);
                out.push(stmt);
            }
        }
        out
    }

    /// The statements of the file `stmt` names, or none (and a diagnostic) when it cannot be
    /// included.
    fn include(&mut self, stmt: &Stmt, frame: &Frame) -> Vec<Stmt> {
        let Some(path) = path_of(&mut self.b, stmt) else {
            return Vec::new();
        };
        let resolved = match resolve(&frame.folder, &path.node) {
            Ok(resolved) => resolved,
            Err(reason) => {
                self.b.error(refused(path.span, &path.node, &reason));
                return Vec::new();
            }
        };
        let name = resolved.join("/");
        if let Some(at) = frame
            .chain
            .iter()
            .position(|(p, _)| p.eq_ignore_ascii_case(&name))
        {
            self.b.error(cycle(stmt, &frame.chain[at..], &name));
            return Vec::new();
        }
        if frame.chain.len() > MAX_INCLUDE_DEPTH {
            let reason = format!("files are included more than {MAX_INCLUDE_DEPTH} deep");
            self.b.error(refused(path.span, &name, &reason));
            return Vec::new();
        }
        if self.parts.len() >= MAX_INCLUDED_FILES {
            let reason = format!("the plan includes more than {MAX_INCLUDED_FILES} files");
            self.b.error(refused(path.span, &name, &reason));
            return Vec::new();
        }
        let Some(text) = self.read(&name, path.span) else {
            return Vec::new();
        };
        let mut chain = frame.chain.clone();
        chain.push((name, Some(stmt.span)));
        resolved.len().checked_sub(1).map_or_else(Vec::new, |last| {
            let inner = Frame {
                chain,
                folder: resolved[..last].to_vec(),
            };
            self.parse_part(text, stmt.span, &inner)
        })
    }

    /// The text of `name` (its path from the main plan's folder), as recorded by an earlier
    /// parse or read through the loader within what is left of the plan's size limit; `None`
    /// and a diagnostic when it cannot be read.
    fn read(&mut self, name: &str, at: Span) -> Option<(SourceFile, Option<Diagnostic>)> {
        let left = MAX_PLAN_BYTES.saturating_sub(self.total);
        if let Some(part) = self.recorded.get(self.parts.len())
            && part.file.name() == name
        {
            if part.file.text().len() > left {
                self.b.error(too_large(at, name));
                return None;
            }
            return Some((part.file.clone(), part.not_text.clone()));
        }
        match self.loader.read_included(name, left as u64) {
            Ok(bytes) => Some(SourceFile::from_bytes(name, &bytes)),
            Err(ReadError::TooLarge { .. }) => {
                self.b.error(too_large(at, name));
                None
            }
            Err(error @ (ReadError::NotAFile(_) | ReadError::Outside)) => {
                self.b.error(refused(at, name, &error.to_string()));
                None
            }
            Err(ReadError::Unreadable(reason)) => {
                self.b.error(unreadable(at, name, &reason));
                None
            }
        }
    }

    /// Records the file read and returns its statements, expanded, with spans in the plan's
    /// offset space.
    fn parse_part(
        &mut self,
        (file, not_text): (SourceFile, Option<Diagnostic>),
        from: Span,
        frame: &Frame,
    ) -> Vec<Stmt> {
        let base = self.next_base;
        let len = file.text().len();
        self.next_base = base + len + 1;
        self.total += len;
        let text = file.text().to_owned();
        self.parts.push(Included {
            base,
            file,
            from,
            not_text: not_text.clone(),
        });
        if let Some(diagnostic) = not_text {
            self.b.error(shift_diagnostic(diagnostic, base));
            return Vec::new();
        }
        let scanned = scan::scan(&text);
        let failed = scanned.has_errors();
        for diagnostic in scanned {
            self.b.error(shift_diagnostic(diagnostic, base));
        }
        if failed {
            return Vec::new();
        }
        let mut stmts = match parse_statements(&text) {
            Ok(stmts) => stmts,
            Err(diagnostic) => {
                self.b.error(shift_diagnostic(*diagnostic, base));
                return Vec::new();
            }
        };
        for stmt in &mut stmts {
            shift_stmt(stmt, base);
        }
        let (plans, stmts): (Vec<Stmt>, Vec<Stmt>) = stmts
            .into_iter()
            .partition(|s| s.keyword.eq_ignore_ascii_case("plan"));
        for plan in &plans {
            self.b.error(plan_in_included_file(plan));
        }
        self.splice(stmts, frame)
    }
}

/// Reports and removes every `include` inside `stmt`'s block, at any depth.
fn strip_nested(b: &mut Builder, stmt: &mut Stmt) {
    let Some(block) = &mut stmt.block else {
        return;
    };
    if block.stmts.iter().any(is_include) {
        let place = format!("in a `{}` block", stmt.keyword.to_ascii_lowercase());
        for child in block.stmts.iter().filter(|c| is_include(c)) {
            b.error(misplaced(child, &place));
        }
        block.stmts.retain(|c| !is_include(c));
    }
    for child in &mut block.stmts {
        strip_nested(b, child);
    }
}

/// Whether `stmt` is an `include` (keywords match ignoring case), without the allocation of
/// [`Stmt::key`]: this runs on every statement of the plan.
fn is_include(stmt: &Stmt) -> bool {
    stmt.keyword.eq_ignore_ascii_case("include")
}

/// The path an `include` statement names, or `None` (and E0107) when it is not written as
/// `include "path"`.
fn path_of(b: &mut Builder, stmt: &Stmt) -> Option<crate::syntax::ast::Text> {
    let mut args = Args::new(stmt, "include \"path\"");
    let path = args.string(b, "the path of the file to include", ValueKind::Text);
    let args_ok = args.finish(b);
    b.no_block(stmt);
    path.filter(|_| args_ok && stmt.block.is_none())
}

/// The statements of an included file checked on its own (an editor showing the file), as
/// the one statement of a plan block that holds them: its `include`s are checked as written but
/// not read (the plan that includes the file reads them, relative to its own folder), and
/// `include`s inside blocks are reported.
pub(super) fn fragment(stmts: Vec<Stmt>, text_len: usize, diags: &mut Diagnostics) -> Stmt {
    let mut b = Builder {
        diags: std::mem::take(diags),
    };
    let mut kept = Vec::with_capacity(stmts.len());
    for mut stmt in stmts {
        if is_include(&stmt) {
            let _ = path_of(&mut b, &stmt);
        } else {
            strip_nested(&mut b, &mut stmt);
            kept.push(stmt);
        }
    }
    *diags = b.diags;
    let all = Span::new(0, text_len);
    Stmt {
        keyword: "plan".to_owned(),
        keyword_span: Span::new(0, 0),
        args: vec![super::parser::Arg {
            kind: super::parser::ArgKind::String,
            text: "included file".to_owned(),
            span: Span::new(0, 0),
        }],
        block: Some(super::parser::Block {
            stmts: kept,
            span: all,
        }),
        span: all,
    }
}

/// The path `written` in a file whose folder is `folder` (from the main plan's folder), as
/// the names of its folders and file from the main plan's folder.
///
/// # Errors
/// Why it is refused: absolute, leaving the main plan's folder, or naming no file.
fn resolve(folder: &[String], written: &str) -> Result<Vec<String>, String> {
    let bytes = written.as_bytes();
    let drive = bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic();
    if written.starts_with(['/', '\\']) || drive {
        return Err("it is an absolute path".to_owned());
    }
    let mut out = folder.to_vec();
    for part in written.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return Err("it leaves the folder of the plan".to_owned());
                }
            }
            _ => out.push(part.to_owned()),
        }
    }
    if out.is_empty() || written.ends_with(['/', '\\', '.']) {
        return Err("it names a folder, not a file".to_owned());
    }
    Ok(out)
}

/// E0130: an `include` where it may not appear.
fn misplaced(stmt: &Stmt, place: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0130,
        stmt.keyword_span,
        format!("`include` is not allowed {place}"),
    )
    .with_label("not allowed here")
    .with_help(
        "write `include` directly in the `plan` block (or at the top level of an included file)",
    )
}

/// E0129: the path of an `include` is refused.
fn refused(at: Span, path: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0129,
        at,
        format!("cannot include `{path}`: {reason}"),
    )
    .with_label("refused")
    .with_help("include a file inside the plan's folder, by its path relative to the file that includes it")
}

/// E0129 for a file that would make the plan larger than it may be.
fn too_large(at: Span, path: &str) -> Diagnostic {
    let reason = format!(
        "the plan and its included files would be larger than {} MiB",
        MAX_PLAN_BYTES / (1024 * 1024)
    );
    refused(at, path, &reason)
}

/// E0128: the included file cannot be read.
fn unreadable(at: Span, path: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0128,
        at,
        format!("cannot read included file `{path}`: {reason}"),
    )
    .with_label("included here")
    .with_help("the path is relative to the folder of the file that holds this `include`")
}

/// E0127: `stmt` includes `name`, which `chain` (from `name` on) is already including.
fn cycle(stmt: &Stmt, chain: &[(String, Option<Span>)], name: &str) -> Diagnostic {
    let names: Vec<String> = chain
        .iter()
        .map(|(p, _)| format!("`{p}`"))
        .chain(std::iter::once(format!("`{name}`")))
        .collect();
    let mut d = Diagnostic::new(
        Code::E0127,
        stmt.span,
        format!("include cycle: {}", names.join(" → ")),
    )
    .with_label("includes a file that is already being included");
    for (path, from) in chain {
        if let Some(from) = from {
            d = d.with_related(*from, format!("`{path}` included here"));
        }
    }
    d.with_help(
        "remove this `include`: a file cannot include, directly or not, a file that includes it",
    )
}

/// E0106: a `plan` statement in an included file.
fn plan_in_included_file(stmt: &Stmt) -> Diagnostic {
    Diagnostic::new(
        Code::E0106,
        stmt.keyword_span,
        "an included file holds the statements of a plan block, not a `plan`",
    )
    .with_label("`plan` in an included file")
    .with_help("remove the `plan \"...\" {` line and its closing `}`, keeping the statements")
}

/// `stmt` with every span moved `by` bytes on.
fn shift_stmt(stmt: &mut Stmt, by: usize) {
    stmt.keyword_span = shift(stmt.keyword_span, by);
    stmt.span = shift(stmt.span, by);
    for arg in &mut stmt.args {
        arg.span = shift(arg.span, by);
    }
    if let Some(block) = &mut stmt.block {
        block.span = shift(block.span, by);
        for child in &mut block.stmts {
            shift_stmt(child, by);
        }
    }
}

/// `d` with every span moved `by` bytes on.
fn shift_diagnostic(mut d: Diagnostic, by: usize) -> Diagnostic {
    d.primary.span = shift(d.primary.span, by);
    for label in &mut d.related {
        label.span = shift(label.span, by);
    }
    if let Some(fixes) = &mut d.fixes {
        for fix in fixes.iter_mut() {
            match fix {
                Fix::AddStatement { statement, .. } => *statement = shift(*statement, by),
            }
        }
    }
    d
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(folder: &[&str], written: &str) -> Result<String, String> {
        let folder: Vec<String> = folder.iter().map(|s| (*s).to_owned()).collect();
        resolve(&folder, written).map(|p| p.join("/"))
    }

    #[test]
    fn paths_are_relative_to_the_including_folder_with_either_separator() {
        assert_eq!(names(&[], "sites/emea.exm").unwrap(), "sites/emea.exm");
        assert_eq!(names(&[], r"sites\emea.exm").unwrap(), "sites/emea.exm");
        assert_eq!(names(&["sites"], "emea.exm").unwrap(), "sites/emea.exm");
        assert_eq!(
            names(&["sites"], "../waves/w1.exm").unwrap(),
            "waves/w1.exm"
        );
        assert_eq!(names(&["a"], "./b//c.exm").unwrap(), "a/b/c.exm");
    }

    #[test]
    fn absolute_escaping_and_folder_paths_are_refused() {
        for path in [
            "/etc/passwd",
            r"\\fs01\share\x.exm",
            r"C:\plans\x.exm",
            r"\x.exm",
        ] {
            assert_eq!(
                names(&[], path).unwrap_err(),
                "it is an absolute path",
                "{path}"
            );
        }
        for (folder, path) in [(&[][..], "../x.exm"), (&["sites"][..], "../../x.exm")] {
            assert_eq!(
                names(folder, path).unwrap_err(),
                "it leaves the folder of the plan",
                "{path}"
            );
        }
        for path in ["", ".", "sites/", "sites/.."] {
            assert!(names(&[], path).is_err(), "{path:?}");
        }
    }

    #[test]
    fn an_included_file_is_told_from_a_plan_and_checked_on_its_own() {
        use crate::syntax::{check_included, is_included_file};
        let site =
            "# EMEA\nsite \"EMEA\" {\n  server A { exchange 2010 sp3 }\n}\ninclude \"b.exm\"\n";
        assert!(is_included_file(site));
        assert!(!is_included_file("plan \"P\" {\n}\n"));
        assert!(!is_included_file("  PLAN \"P\" { }\n"));
        assert!(
            !is_included_file("roles cas\n"),
            "not a plan block's statement"
        );
        assert!(!is_included_file("# only a comment\n"));
        let file = SourceFile::new("emea.exm", site);
        assert!(check_included(&file).is_empty(), "includes are not read");
        let bad = "site \"EMEA\" {\n  server A { exchange 2010 sp3; rolez cas }\n  include \"x.exm\"\n}\ninclude x\n";
        let found: Vec<(Code, String)> = check_included(&SourceFile::new("emea.exm", bad))
            .iter()
            .map(|d| {
                (
                    d.code,
                    bad[d.primary.span.start..d.primary.span.end].to_owned(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Code::E0106, "rolez".to_owned()),
                (Code::E0130, "include".to_owned()),
                (Code::E0107, "x".to_owned()),
            ]
        );
    }

    #[test]
    fn a_file_of_plan_statements_alone_is_one_e0105() {
        let text = "# EMEA\nsite \"EMEA\" { }\ninclude \"b.exm\"\ndecommission A\n";
        let (plan, diags) = crate::syntax::parse(&SourceFile::new("emea.exm", text));
        assert!(plan.is_none());
        let found: Vec<(Code, &str)> = diags
            .iter()
            .map(|d| (d.code, &text[d.primary.span.start..d.primary.span.end]))
            .collect();
        assert_eq!(found, [(Code::E0105, "site")]);
        assert!(
            diags.0[0]
                .help
                .as_deref()
                .unwrap()
                .contains("check the plan")
        );
        // Another top-level keyword: each statement is reported as before.
        let (_, diags) =
            crate::syntax::parse(&SourceFile::new("x.exm", "site \"A\" { }\nroles cas\n"));
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::E0106, Code::E0106]);
    }
}
