//! Reading from disk: the plan file itself, and the files it names (CSV) relative to it.

use crate::diag::Diagnostic;
use crate::source::SourceFile;
use crate::{FileLoader, ReadError};
use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};

/// The largest file exgen reads, the plan or a file it names: 64 MiB, far above any real plan
/// or mailbox list (100,000 mailboxes are about 4 MB), and small enough that a wrong path such
/// as `/dev/zero` fails at once instead of exhausting memory. docs/cli.md documents it.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the regular file at `path`, refusing directories, devices, pipes and sockets
/// ([`ReadError::NotAFile`]) and files over `limit` bytes ([`ReadError::TooLarge`]) without
/// reading them.
///
/// The metadata is checked before opening, since opening a pipe blocks until a writer comes,
/// and again on the opened file, since the path may have changed in between; the read itself
/// stops after `limit + 1` bytes, so a device or a file that grows is never read further.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    check_file(&std::fs::metadata(path).map_err(unreadable)?, limit)?;
    let file = File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    check_file(&metadata, limit)?;
    let expected = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

fn check_file(metadata: &Metadata, limit: u64) -> Result<(), ReadError> {
    if metadata.is_dir() {
        return Err(ReadError::NotAFile("a directory"));
    }
    if !metadata.is_file() {
        return Err(ReadError::NotAFile("a device, pipe or socket"));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// Plain words for the common cases, so messages read the same on Windows and Linux.
fn unreadable(error: std::io::Error) -> ReadError {
    ReadError::Unreadable(match error.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    })
}

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
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok(Plan {
        file,
        encoding,
        loader: PlanLoader { folder },
    })
}

/// Reads files relative to the plan's folder. Paths are written as in the plan: `\` or `/`
/// separated, relative, absolute (`C:\data\x.csv`) or UNC (`\\server\share\x.csv`).
pub(crate) struct PlanLoader {
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
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        read_file(&self.resolve(path), MAX_FILE_BYTES)
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
