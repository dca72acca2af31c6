//! Reading from disk: the plan file itself, and the files it names (CSV) relative to it.

use crate::FileLoader;
use crate::diag::Diagnostic;
use crate::source::SourceFile;
use anyhow::Context as _;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};

/// A plan read from disk.
pub(super) struct Plan {
    /// The text, named by the file name only, so no output holds the user's directories.
    pub file: SourceFile,
    /// E0104 when the bytes are not UTF-8 text; nothing else is worth reporting then.
    pub encoding: Option<Diagnostic>,
    /// Reads the files the plan names.
    pub loader: PlanLoader,
}

/// Reads the plan at `path`.
///
/// # Errors
/// `cannot read `path`: reason` when the file cannot be read.
pub(super) fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (file, encoding) = SourceFile::from_bytes(name, &bytes);
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok(Plan {
        file,
        encoding,
        loader: PlanLoader { folder },
    })
}

/// Reads files relative to the plan's folder. Paths are written as in the plan: `\` or `/`
/// separated, relative, absolute (`C:\data\x.csv`) or UNC (`\\server\share\x.csv`).
pub(super) struct PlanLoader {
    /// The plan's folder as given on the command line (empty for the current folder).
    pub folder: PathBuf,
}

impl PlanLoader {
    /// Where `path` (as written in the plan) is on this machine.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let native: String = path
            .chars()
            .map(|c| {
                if c == '\\' || c == '/' {
                    MAIN_SEPARATOR
                } else {
                    c
                }
            })
            .collect();
        // `join` keeps an absolute path as it is (and on Windows a rooted `\x` keeps only the
        // folder's drive), so absolute and UNC paths work as written.
        self.folder.join(native)
    }
}

impl FileLoader for PlanLoader {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        // Plain words for the common cases, so messages read the same on Windows and Linux.
        std::fs::read(self.resolve(path)).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => error.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_plan_folder_with_either_separator() {
        let loader = PlanLoader {
            folder: PathBuf::from("plans"),
        };
        let expected: PathBuf = ["plans", "waves", "wave1.csv"].iter().collect();
        assert_eq!(loader.resolve(r"waves\wave1.csv"), expected);
        assert_eq!(loader.resolve("waves/wave1.csv"), expected);
    }

    #[test]
    fn absolute_paths_are_kept() {
        let loader = PlanLoader {
            folder: PathBuf::from("plans"),
        };
        let absolute = if cfg!(windows) {
            r"C:\data\x.csv"
        } else {
            "/data/x.csv"
        };
        assert_eq!(loader.resolve(absolute), PathBuf::from(absolute));
    }

    #[cfg(windows)]
    #[test]
    fn unc_paths_are_kept() {
        let loader = PlanLoader {
            folder: PathBuf::from("plans"),
        };
        assert_eq!(
            loader.resolve(r"\\fs01\share\x.csv"),
            PathBuf::from(r"\\fs01\share\x.csv")
        );
    }
}
