//! `exgen lint`: scripts (and folders of scripts) checked by [`crate::lint`], in parallel,
//! reported in a stable order: the command line's, each folder's scripts sorted by path.

use super::args::{LintArgs, MessageFormat};
use super::{FAILURE, PLAN_ERRORS, eprint_str, print_str};
use crate::ReadError;
use crate::diag::render::{self, plural};
use crate::diag::{Diagnostics, suggest};
use crate::files::read_file;
use crate::lint::MAX_SCRIPT_BYTES;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// Lints every script named or found; exit 2 when a path could not be linted (after linting
/// the others), else 1 when a script has errors (or, with `--deny-warnings`, warnings), else 0.
pub(super) fn lint(args: &LintArgs) -> anyhow::Result<u8> {
    let exchange = match &args.exchange {
        Some(v) => Some(exchange_version(v)?),
        None => None,
    };
    let mut entries = Vec::new();
    for path in &args.scripts {
        collect(path, &mut entries);
    }
    let results = crate::parallel::in_parallel(entries.len(), |i| match &entries[i] {
        Entry::Script(path) => Some(
            read_file(path, MAX_SCRIPT_BYTES)
                .map(|bytes| crate::lint::lint(&path.display().to_string(), &bytes, exchange)),
        ),
        Entry::Problem(_) => None,
    });
    let format = args.messages.message_format;
    let color = render::use_color();
    let (mut errors, mut warnings, mut read, mut unread) = (0, 0, 0, 0);
    let mut json = String::new();
    for (entry, result) in entries.iter().zip(results) {
        match (entry, result) {
            (Entry::Script(_), Some(Ok((file, diagnostics)))) => {
                read += 1;
                let e = diagnostics.iter().filter(|d| d.is_error()).count();
                errors += e;
                warnings += diagnostics.iter().count() - e;
                match format {
                    MessageFormat::Human => eprint_str(&human(&file, &diagnostics, color)),
                    MessageFormat::Json => json.push_str(&render::json(&file, &diagnostics)),
                }
            }
            (Entry::Script(path), Some(Err(error))) => {
                unread += 1;
                eprint_str(&format!("{}\n", unreadable(path, &error)));
            }
            (Entry::Problem(problem), _) => {
                unread += 1;
                eprint_str(&format!("{problem}\n"));
            }
            (Entry::Script(_), None) => {}
        }
    }
    print_str(&json)?;
    let mut summary = format!(
        "exgen lint: {} checked, {}, {}",
        plural(read, "script"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if unread > 0 {
        summary.push_str(&format!(
            "; {} could not be checked",
            plural(unread, "path")
        ));
    }
    eprint_str(&format!("{summary}\n"));
    Ok(if unread > 0 {
        FAILURE
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        PLAN_ERRORS
    } else {
        0
    })
}

/// The human rendering of one script's diagnostics (nothing for a clean script).
fn human(file: &SourceFile, diagnostics: &Diagnostics, color: bool) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    render::terminal_body(file, diagnostics, color)
}

/// The canonical spelling of `--exchange`, or a usage error that lists the versions.
fn exchange_version(given: &str) -> anyhow::Result<&'static str> {
    let known = crate::validate::exchange_versions();
    if let Some(v) = known.iter().find(|k| k.eq_ignore_ascii_case(given.trim())) {
        return Ok(v);
    }
    let hint = suggest::help(given, &known, || {
        format!("the versions are {}", known.join(", "))
    });
    anyhow::bail!("unknown Exchange version `{given}` for --exchange; {hint}")
}

/// A script to lint, or a path that names none (with the message saying why).
enum Entry {
    Script(PathBuf),
    Problem(String),
}

/// Adds the script `path` names, or the `.ps1` files under the folder it names (sorted by
/// path), to `entries`, or the reason it names none.
fn collect(path: &Path, entries: &mut Vec<Entry>) {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(error) => {
            let error = match error.kind() {
                std::io::ErrorKind::NotFound => "file not found".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                _ => error.to_string(),
            };
            let message = format!("error: cannot read `{}`: {error}", path.display());
            entries.push(Entry::Problem(message));
            return;
        }
    };
    if metadata.is_dir() {
        let mut scripts = Vec::new();
        let mut problems = Vec::new();
        walk(path, &mut scripts, &mut problems);
        scripts.sort();
        if scripts.is_empty() && problems.is_empty() {
            problems.push(format!(
                "error: no PowerShell scripts (.ps1) in `{}`",
                path.display()
            ));
        }
        entries.extend(problems.into_iter().map(Entry::Problem));
        entries.extend(scripts.into_iter().map(Entry::Script));
    } else if is_script(path) {
        // A device, pipe or huge file is refused when read, with its code.
        entries.push(Entry::Script(path.to_path_buf()));
    } else {
        entries.push(Entry::Problem(format!(
            "error: `{}` is not a PowerShell script: exgen lint reads `.ps1` files",
            path.display()
        )));
    }
}

/// Whether `path` ends in `.ps1` (any case).
fn is_script(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ps1"))
}

/// The `.ps1` files below `dir`. Symbolic links to folders are not followed (they could
/// lead back up); links to files are read like files.
fn walk(dir: &Path, scripts: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(format!("error: cannot read `{}`: {error}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, scripts, problems),
            Ok(_) if is_script(&path) => scripts.push(path),
            _ => {}
        }
    }
}

/// `error[E0504]: cannot read ...` for a script that could not be read.
fn unreadable(path: &Path, error: &ReadError) -> String {
    let message = format!("cannot read `{}`: {error}", path.display());
    match error {
        ReadError::Unreadable(_) => format!("error: {message}"),
        _ => format!("error[{}]: {message}", error.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_matched_ignoring_case_and_typos_get_a_suggestion() {
        assert_eq!(exchange_version("se").ok(), Some("SE"));
        assert_eq!(exchange_version(" 2016 ").ok(), Some("2016"));
        let error = exchange_version("2061").unwrap_err().to_string();
        assert!(error.contains("did you mean `2016`?"), "{error}");
        let error = exchange_version("exchange").unwrap_err().to_string();
        assert!(error.contains("the versions are 5.5, 2000"), "{error}");
    }

    #[test]
    fn only_ps1_files_are_scripts() {
        assert!(is_script(Path::new("a/b.PS1")));
        assert!(!is_script(Path::new("a/b.psm1")));
        assert!(!is_script(Path::new("ps1")));
    }
}
