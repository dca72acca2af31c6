//! Reading the plan file from the command line (the files it names: [`crate::files`]).

use crate::ReadError;
use crate::diag::Diagnostic;
use crate::files::{PlanLoader, read_file};
use crate::source::SourceFile;
use std::path::Path;

/// A plan read from disk.
pub(super) struct Plan {
    /// The text, named by the file name only, so no output holds the user's directories.
    pub file: SourceFile,
    /// E0104 when the bytes are not UTF-8 text; nothing else is worth reporting then.
    pub encoding: Option<Diagnostic>,
    /// Reads the files the plan names.
    pub loader: PlanLoader,
    /// Whether the file starts with a UTF-8 byte order mark (not part of [`Plan::file`]).
    pub bom: bool,
}

/// Reads the plan at `path`.
///
/// # Errors
/// `cannot read `path`: reason` when the file cannot be read, coded E0504 when it is not a
/// regular file and E0505 when it is larger than [`crate::syntax::MAX_PLAN_BYTES`].
pub(super) fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let limit = crate::syntax::MAX_PLAN_BYTES as u64;
    let bytes = read_file(path, limit).map_err(|error| {
        let message = format!("cannot read `{}`: {error}", path.display());
        match error {
            ReadError::Unreadable(_) => anyhow::anyhow!(message),
            _ => anyhow::Error::new(super::Coded {
                code: error.code(),
                message,
            }),
        }
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (file, encoding) = SourceFile::from_bytes(name, &bytes);
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok(Plan {
        file,
        encoding,
        loader: PlanLoader { folder },
        bom,
    })
}
