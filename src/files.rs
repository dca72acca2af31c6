//! Reading files from disk with bounds: only regular files, at most a given size, and the
//! files a plan names resolved relative to its folder. The command line and the language
//! server both read through here.

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

/// The output folder `exgen compile` writes to when none is given: the plan's path without its
/// extension, so `plans/contoso.exm` is compiled into `plans/contoso`. `None` for a path
/// without an extension, which would name the plan itself.
#[must_use]
pub fn default_output_folder(plan: &Path) -> Option<PathBuf> {
    match (plan.file_stem(), plan.extension()) {
        (Some(stem), Some(_)) => Some(plan.with_file_name(stem)),
        _ => None,
    }
}

/// Reads files relative to the plan's folder. Paths are written as in the plan: `\` or `/`
/// separated, relative, absolute (`C:\data\x.csv`) or UNC (`\\server\share\x.csv`).
pub struct PlanLoader {
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

    fn read_included(&self, path: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
        let file = self.resolve(path);
        // The path as written stays in the folder (checked by the syntax stage); a link on the
        // way may still lead out of it, and the file's lines would then be shown in
        // diagnostics. A path that does not resolve is left to the read, which says why.
        let folder = if self.folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            self.folder.as_path()
        };
        if let (Ok(real), Ok(root)) = (std::fs::canonicalize(&file), std::fs::canonicalize(folder))
            && !real.starts_with(&root)
        {
            return Err(ReadError::Outside);
        }
        read_file(&file, limit.min(MAX_FILE_BYTES))
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
