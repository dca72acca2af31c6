//! `exgen compile --check`: the output folder compared with what the plan produces now, file
//! by file, without writing anything.
//!
//! The folder's manifest tells the two kinds of difference apart: a file that still has the
//! bytes exgen wrote is *stale* (the plan, or exgen, produces something else now), one whose
//! bytes are not what exgen wrote was *edited* by hand.

use super::{
    MANIFEST_NAME, OutputError, OutputFile, encode, io_error, manifest, parse_manifest, sha256_hex,
    validate_paths,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// How a file of the folder differs from what the plan produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Changed since exgen wrote it.
    Edited,
    /// As exgen wrote it, but the plan produces other bytes now.
    Stale,
    /// The plan produces it; the folder does not hold it.
    Missing,
    /// As exgen wrote it, and the plan no longer produces it.
    Obsolete,
    /// Neither exgen's nor produced by the plan.
    Extra,
}

impl Change {
    /// The word the report uses.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Change::Edited => "edited",
            Change::Stale => "stale",
            Change::Missing => "missing",
            Change::Obsolete => "obsolete",
            Change::Extra => "extra",
        }
    }
}

/// One file that differs, with both texts where there are two to compare (decoded for people:
/// no byte order mark, LF line breaks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Its path in the folder, `/`-separated.
    pub path: String,
    /// How it differs.
    pub change: Change,
    /// What the folder holds.
    pub found: Option<String>,
    /// What the plan produces.
    pub expected: Option<String>,
}

/// The folder compared with the plan's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many files the plan produces (the manifest included).
    pub files: usize,
    /// Every file that differs, in path order.
    pub differences: Vec<Difference>,
}

/// Compares the folder `dir` with `files`, the plan's output. A folder that does not exist
/// holds nothing (every file is missing).
///
/// # Errors
/// When the files cannot be written at all (as [`super::write()`] would refuse them), when `dir`
/// is a file or a link, when it holds files but no manifest or a broken one (a folder exgen
/// does not own), or when it cannot be read.
pub fn verify(dir: &Path, files: &[OutputFile]) -> Result<Verified, OutputError> {
    validate_paths(files)?;
    let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for file in files {
        expected.insert(file.path.clone(), encode(file)?);
    }
    let pairs: Vec<(&str, Vec<u8>)> = expected
        .iter()
        .map(|(p, b)| (p.as_str(), b.clone()))
        .collect();
    expected.insert(MANIFEST_NAME.to_owned(), manifest(&pairs).into_bytes());
    let total = expected.len();
    let Some(present) = super::write::present_files(dir)? else {
        let differences = expected
            .into_iter()
            .map(|(path, bytes)| Difference {
                path,
                change: Change::Missing,
                found: None,
                expected: Some(readable(&bytes)),
            })
            .collect();
        return Ok(Verified {
            files: total,
            differences,
        });
    };
    let manifest_path = dir.join(MANIFEST_NAME);
    let listed = if present
        .iter()
        .any(|(f, regular)| f == MANIFEST_NAME && *regular)
    {
        let text = fs::read(&manifest_path).map_err(io_error("read", &manifest_path))?;
        let text = String::from_utf8(text).map_err(|_| OutputError::InvalidManifest {
            path: manifest_path.clone(),
            line: 1,
        })?;
        parse_manifest(&manifest_path, &text)?
    } else if present.is_empty() {
        BTreeMap::new()
    } else {
        return Err(OutputError::NoManifest {
            dir: dir.to_path_buf(),
        });
    };
    let mut differences = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (path, regular) in &present {
        seen.insert(path.clone());
        let want = expected.get(path);
        let bytes = if *regular {
            let full = dir.join(path);
            Some(fs::read(&full).map_err(io_error("read", &full))?)
        } else {
            None
        };
        if want.is_some() && want == bytes.as_ref() {
            continue;
        }
        let ours = bytes
            .as_ref()
            .is_some_and(|b| listed.get(path).is_some_and(|h| *h == sha256_hex(b)));
        let change = match (want.is_some(), ours) {
            // A manifest that differs while every file matches was edited (it is reported
            // only when nothing else differs: it follows the files).
            _ if path == MANIFEST_NAME => Change::Edited,
            (true, true) => Change::Stale,
            (true, false) => Change::Edited,
            (false, true) => Change::Obsolete,
            (false, false) => Change::Extra,
        };
        differences.push(Difference {
            path: path.clone(),
            change,
            found: bytes.as_deref().map(readable),
            expected: want.map(|b| readable(b)),
        });
    }
    for (path, bytes) in &expected {
        if !seen.contains(path) {
            differences.push(Difference {
                path: path.clone(),
                change: Change::Missing,
                found: None,
                expected: Some(readable(bytes)),
            });
        }
    }
    // The manifest follows the files: when others differ it says nothing new.
    if differences.iter().any(|d| d.path != MANIFEST_NAME) {
        differences.retain(|d| d.path != MANIFEST_NAME);
    }
    differences.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Verified {
        files: total,
        differences,
    })
}

/// Bytes as a person reads them: UTF-8 (lossily), without a byte order mark, LF line breaks.
fn readable(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    fn changes(verified: &Verified) -> Vec<(&str, Change)> {
        verified
            .differences
            .iter()
            .map(|d| (d.path.as_str(), d.change))
            .collect()
    }

    #[test]
    fn every_kind_of_difference_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let files = [
            file("01-a.ps1", "Write-Host 'a'\n"),
            file("02-b.ps1", "Write-Host 'b'\n"),
            file("runbook.md", "# Runbook\n"),
            file("old.md", "gone\n"),
        ];
        super::super::write(&out, &files, false).unwrap();
        let now = [
            file("01-a.ps1", "Write-Host 'a'\n"),
            file("02-b.ps1", "Write-Host 'B'\n"),
            file("runbook.md", "# Runbook\n"),
            file("03-c.ps1", "Write-Host 'c'\n"),
        ];
        assert_eq!(verify(&out, &files).unwrap().differences, []);
        // A one-byte hand edit, a foreign file, a deleted file.
        let runbook = out.join("runbook.md");
        fs::write(&runbook, "# Runbooc\n").unwrap();
        fs::write(out.join("notes.txt"), "mine\n").unwrap();
        fs::remove_file(out.join("01-a.ps1")).unwrap();
        let verified = verify(&out, &now).unwrap();
        assert_eq!(
            changes(&verified),
            [
                ("01-a.ps1", Change::Missing),
                ("02-b.ps1", Change::Stale),
                ("03-c.ps1", Change::Missing),
                ("notes.txt", Change::Extra),
                ("old.md", Change::Obsolete),
                ("runbook.md", Change::Edited),
            ]
        );
        let edited = &verified.differences[5];
        assert_eq!(edited.found.as_deref(), Some("# Runbooc\n"));
        assert_eq!(edited.expected.as_deref(), Some("# Runbook\n"));
        // Shown as people read them: no BOM, LF.
        assert_eq!(
            verified.differences[1].expected.as_deref(),
            Some("Write-Host 'B'\n")
        );
        assert_eq!(verified.files, 5);
    }

    #[test]
    fn a_missing_folder_misses_everything_and_a_foreign_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("runbook.md", "# Runbook\n")];
        let verified = verify(&dir.path().join("none"), &files).unwrap();
        assert_eq!(
            changes(&verified),
            [
                (MANIFEST_NAME, Change::Missing),
                ("runbook.md", Change::Missing)
            ]
        );
        fs::write(dir.path().join("x.txt"), "x").unwrap();
        assert!(matches!(
            verify(dir.path(), &files),
            Err(OutputError::NoManifest { .. })
        ));
    }

    #[test]
    fn an_edited_manifest_alone_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("runbook.md", "# Runbook\n")];
        super::super::write(dir.path(), &files, true).unwrap();
        let path = dir.path().join(MANIFEST_NAME);
        let text = fs::read_to_string(&path).unwrap();
        // Another valid hash for the runbook: the manifest was edited, the runbook was not.
        let hash = &text.lines().nth(1).unwrap()[..64];
        let other = format!(
            "{}{}",
            if hash.starts_with('0') { "1" } else { "0" },
            &hash[1..]
        );
        fs::write(&path, text.replace(hash, &other)).unwrap();
        let verified = verify(dir.path(), &files).unwrap();
        assert_eq!(changes(&verified), [(MANIFEST_NAME, Change::Edited)]);
        // One that no longer parses: not a folder exgen owns.
        fs::write(&path, "not a manifest\n").unwrap();
        assert!(matches!(
            verify(dir.path(), &files),
            Err(OutputError::InvalidManifest { .. })
        ));
    }
}
