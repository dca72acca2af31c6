//! `exgen fmt`: plans rewritten in the canonical layout ([`crate::syntax::format()`]), in place,
//! or with `--check` only reported.

use super::args::FmtArgs;
use super::loader::read_plan;
use super::{FAILURE, PLAN_ERRORS, eprint_error, eprint_str, print_str};
use crate::diag::render;
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

/// `exgen fmt`: each plan formatted (or checked); the worst outcome's exit code: 2 when a plan
/// could not be read or written, 1 when one has syntax errors or (`--check`) is not canonical.
pub(super) fn fmt(args: &FmtArgs) -> anyhow::Result<u8> {
    let mut code = 0;
    for path in &args.plans {
        let outcome = match fmt_one(path, args.check) {
            Ok(outcome) => outcome,
            Err(error) => {
                eprint_error(&error);
                FAILURE
            }
        };
        code = code.max(outcome);
    }
    Ok(code)
}

/// Formats or checks one plan: 0 when it is canonical (or now is), [`PLAN_ERRORS`] when it has
/// syntax errors or `check` finds it is not canonical.
fn fmt_one(path: &Path, check: bool) -> anyhow::Result<u8> {
    let plan = read_plan(path)?;
    let text = plan.file.text();
    let formatted = match &plan.encoding {
        Some(encoding) => Err(encoding.clone().into()),
        None => crate::syntax::format(text),
    };
    let diagnostics = match formatted {
        Err(diagnostics) => diagnostics,
        Ok(formatted) if formatted == text => return Ok(0),
        Ok(formatted) if check => {
            let diff = super::diff::unified(text, &formatted, false);
            print_str(&format!("would reformat {}\n{diff}", path.display()))?;
            return Ok(PLAN_ERRORS);
        }
        Ok(formatted) => {
            // The plan as read lost its byte order mark (`SourceFile` drops it); it keeps it.
            let bom = if plan.bom { "\u{FEFF}" } else { "" };
            replace(path, format!("{bom}{formatted}").as_bytes())?;
            print_str(&format!("formatted {}\n", path.display()))?;
            return Ok(0);
        }
    };
    eprint_str(&render::terminal(
        &plan.file,
        &diagnostics,
        render::use_color(),
    ));
    Ok(PLAN_ERRORS)
}

/// Replaces the plan at `path` with `bytes` atomically: they are written to a temporary file
/// beside it, flushed, given the plan's permissions and renamed over it, so the plan is
/// always either the old text or the new one. A symbolic link is followed (the file it names
/// is replaced); a read-only plan is refused.
fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let failed = || format!("cannot write `{}`", path.display());
    let target = std::fs::canonicalize(path).with_context(failed)?;
    let permissions = std::fs::metadata(&target)
        .with_context(failed)?
        .permissions();
    if permissions.readonly() {
        anyhow::bail!("{}: the file is read-only", failed());
    }
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.exgen-fmt-"))
        .tempfile_in(folder)
        .with_context(failed)?;
    temp.write_all(bytes).with_context(failed)?;
    temp.as_file()
        .set_permissions(permissions)
        .with_context(failed)?;
    temp.as_file().sync_all().with_context(failed)?;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(failed)?;
    Ok(())
}
