//! Writing the output folder: a temporary folder beside it, filled, flushed, then swapped in.
//!
//! Every run works in one sibling folder `.<name>.exgen-tmp-<random>` (made by `tempfile`,
//! removed when the run ends): the new files go to `new/` in it, the previous output is moved
//! to `old/` in it, and `new/` takes the output folder's name. A run that was killed leaves
//! that folder behind; the next run finds it ([`recover`]) and puts a previous output that
//! was moved aside back, or removes it.

use super::{
    LISTED_FILES, MANIFEST_NAME, OutputError, OutputFile, encode, io_error, manifest,
    parse_manifest, validate_paths,
};
use sha2::{Digest, Sha256};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`write()`] did besides writing the files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// With `force`: the folder that now holds the files of the previous output that exgen
    /// did not write or that were edited since, and how many there are.
    pub backup: Option<(PathBuf, usize)>,
}

/// Replaces the folder `dir` with exactly `files`, atomically, plus a `.exgen-manifest`.
///
/// Every path is validated and every file encoded before anything touches the disk. The
/// files are written into a temporary folder next to `dir`, then flushed to disk in one pass
/// (the files, then their folders), so that the rename that publishes them never publishes
/// files the disk does not have yet. An existing `dir` is renamed into the temporary folder
/// and the new folder renamed to `dir` (two renames, since Windows cannot rename a folder onto
/// an existing one); if the second fails, the old folder is renamed back. `dir` is therefore
/// always either the previous output or the complete new one, also when the process is
/// killed: the next run puts back a previous output it finds moved aside.
///
/// exgen replaces only its own folder: an existing `dir` must be empty, or hold a manifest
/// listing every file in it ([`OutputError::ForeignFiles`] otherwise) with the hash exgen
/// wrote ([`OutputError::EditedFiles`] otherwise). `force` replaces such a folder anyway,
/// but never deletes what exgen did not write: the previous folder becomes a backup folder
/// next to `dir` (`<name>.exgen-backup`, then `-2`, ...) holding only the foreign and edited
/// files, and [`Written::backup`] says where.
///
/// # Errors
///
/// Any [`OutputError`]; `dir` is unchanged when one is returned.
pub fn write(dir: &Path, files: &[OutputFile], force: bool) -> Result<Written, OutputError> {
    write_with(dir, files, force, Fault::from_env())
}

fn write_with(
    dir: &Path,
    files: &[OutputFile],
    force: bool,
    fault: Fault,
) -> Result<Written, OutputError> {
    validate_paths(files)?;
    let encoded = files
        .iter()
        .map(|file| Ok((file.path.as_str(), encode(file)?)))
        .collect::<Result<Vec<_>, OutputError>>()?;
    let manifest = manifest(&encoded);

    let (parent, name) = split_dir(dir)?;
    recover(&parent, &name, dir)?;
    let existing = inspect(dir)?;
    if let Some(found) = &existing
        && !force
        && let Some(refusal) = found.refusal(dir)
    {
        return Err(refusal);
    }
    fs::create_dir_all(&parent).map_err(io_error("create folder", &parent))?;

    let work = tempfile::Builder::new()
        .prefix(&temp_prefix(&name))
        .tempdir_in(&parent)
        .map_err(io_error("create a temporary folder in", &parent))?;
    let new = work.path().join("new");
    stage(&new, &encoded, &manifest, fault)?;

    let Some(found) = existing else {
        fs::rename(&new, dir).map_err(io_error("move into place the output folder", dir))?;
        sync_folder(&parent);
        return Ok(Written::default());
    };
    let old = work.path().join("old");
    fs::rename(dir, &old).map_err(io_error("move aside the previous output folder", dir))?;
    fault.pause_in_swap();
    if let Err(source) = fs::rename(&new, dir) {
        // Put the previous output back; if even that fails, keep it and say where it is.
        return Err(match fs::rename(&old, dir) {
            Ok(()) => io_error("move into place the output folder", dir)(source),
            Err(error) => {
                let _ = work.keep();
                io_error("restore the previous output folder from", &old)(error)
            }
        });
    }
    sync_folder(&parent);
    if found.unowned.is_empty() {
        return Ok(Written::default());
    }
    // `old` holds files exgen did not write: they must outlive the temporary folder.
    let backup = match back_up(&old, &parent, &name, &found) {
        Ok(backup) => backup,
        Err(error) => {
            let _ = work.keep();
            return Err(error);
        }
    };
    // Named as the output folder was (`out.exgen-backup`, not `./out.exgen-backup`).
    let backup = backup
        .file_name()
        .map_or(backup.clone(), |name| dir.with_file_name(name));
    Ok(Written {
        backup: Some((backup, found.unowned.len())),
    })
}

/// The name every temporary folder of output folder `name` starts with.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.exgen-tmp-")
}

/// Writes the encoded files and the manifest into the new folder `new`, then flushes them.
fn stage(
    new: &Path,
    encoded: &[(&str, Vec<u8>)],
    manifest: &str,
    fault: Fault,
) -> Result<(), OutputError> {
    fs::create_dir(new).map_err(io_error("create folder", new))?;
    let mut folders = vec![new.to_path_buf()];
    let mut written = Vec::with_capacity(encoded.len() + 1);
    let all = encoded
        .iter()
        .map(|(path, bytes)| (*path, bytes.as_slice()))
        .chain(std::iter::once((MANIFEST_NAME, manifest.as_bytes())));
    for (count, (path, bytes)) in all.enumerate() {
        fault.before_file(count)?;
        let target = new.join(path);
        if let Some(folder) = target.parent().filter(|f| !folders.iter().any(|k| k == f)) {
            fs::create_dir_all(folder).map_err(io_error("create folder", folder))?;
            folders.push(folder.to_path_buf());
        }
        fs::write(&target, bytes).map_err(io_error("create", &target))?;
        written.push(target);
    }
    sync_files(&written)?;
    for folder in &folders {
        sync_folder(folder);
    }
    Ok(())
}

/// How many threads flush files at once: a few waits in flight let the file system commit
/// them together (measured: 419 files flush in under half the time of one after another).
const SYNC_THREADS: usize = 8;

/// Flushes every file to disk, after all were written rather than each after its write, on
/// [`SYNC_THREADS`] threads. Each file must be on disk before the rename that publishes it,
/// so a crash cannot leave a complete-looking folder of empty files.
fn sync_files(paths: &[PathBuf]) -> Result<(), OutputError> {
    let chunk = paths.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().try_for_each(|path| sync_file(path))))
            .collect();
        // Every worker is joined: the scope waits for those after a failed one too.
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

fn sync_file(path: &Path) -> Result<(), OutputError> {
    // Windows flushes only a handle opened for writing.
    let file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_error("flush", path))?;
    file.sync_all().map_err(io_error("flush", path))
}

/// Flushes a folder's entries (the names of the files in it) to disk. Unix needs this for a
/// new file or a rename to survive a crash; Windows cannot open a folder as a file and
/// flushes names with the file system's journal, so a failure here is no error.
fn sync_folder(folder: &Path) {
    if let Ok(handle) = fs::File::open(folder) {
        let _ = handle.sync_all();
    }
}

/// Finishes what a killed run left next to `dir`: a temporary folder whose `old/` holds the
/// previous output while `dir` is missing is put back as `dir`; an `old/` with files exgen did
/// not write becomes a backup folder; anything else of it is removed.
fn recover(parent: &Path, name: &str, dir: &Path) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let prefix = temp_prefix(name);
    let leftovers: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    for leftover in leftovers {
        let old = leftover.join("old");
        if old.is_dir() {
            if fs::symlink_metadata(dir).is_err() {
                fs::rename(&old, dir)
                    .map_err(io_error("restore the previous output folder from", &old))?;
            } else if let Some(found) = inspect(&old)?.filter(|f| !f.unowned.is_empty()) {
                back_up(&old, parent, name, &found)?;
            }
        }
        fs::remove_dir_all(&leftover).map_err(io_error("remove the leftover folder", &leftover))?;
    }
    Ok(())
}

/// Moves `old` (a previous output folder) to a free `<name>.exgen-backup[-N]` next to the
/// output folder, and removes from it the files exgen wrote and nobody edited, leaving the
/// files of `found.unowned`.
fn back_up(old: &Path, parent: &Path, name: &str, found: &Found) -> Result<PathBuf, OutputError> {
    let backup = (1..)
        .map(|n| match n {
            1 => parent.join(format!("{name}.exgen-backup")),
            n => parent.join(format!("{name}.exgen-backup-{n}")),
        })
        .find(|path| fs::symlink_metadata(path).is_err())
        .unwrap_or_else(|| parent.join(format!("{name}.exgen-backup")));
    fs::rename(old, &backup).map_err(io_error(
        "move aside the previous output folder to",
        &backup,
    ))?;
    // Best effort: a generated file left in the backup is a copy of one in the output.
    for file in &found.owned {
        let _ = fs::remove_file(backup.join(file));
    }
    remove_empty_folders(&backup);
    Ok(backup)
}

/// Removes the empty folders below `dir` (best effort: a folder that is not empty stays).
fn remove_empty_folders(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_folders(&entry.path());
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// The parent folder (`.` when none is given) and the name of `dir`.
fn split_dir(dir: &Path) -> Result<(PathBuf, String), OutputError> {
    let invalid = |reason| OutputError::InvalidOutputDir {
        dir: dir.to_path_buf(),
        reason,
    };
    let name = dir
        .file_name()
        .ok_or_else(|| invalid("the path has no folder name"))?;
    let name = name
        .to_str()
        .ok_or_else(|| invalid("the folder name is not UTF-8"))?;
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_string()))
}

/// What an existing output folder holds, compared with its manifest.
#[derive(Debug, Default)]
struct Found {
    /// Files exgen wrote and nobody changed since (the manifest included), `/`-separated.
    owned: Vec<String>,
    /// Files exgen did not write, or that were edited since, sorted.
    unowned: Vec<String>,
    /// Why the folder is not exgen's: no manifest, a broken one, foreign or edited files.
    why: Option<Why>,
}

#[derive(Debug)]
enum Why {
    NoManifest,
    InvalidManifest { path: PathBuf, line: usize },
    Foreign(Vec<String>),
    Edited(Vec<String>),
}

impl Found {
    /// The error that refuses to replace the folder without `force`, if any.
    fn refusal(&self, dir: &Path) -> Option<OutputError> {
        let listed = |mut files: Vec<String>| {
            let total = files.len();
            files.truncate(LISTED_FILES);
            (files, total)
        };
        Some(match self.why.as_ref()? {
            Why::NoManifest => OutputError::NoManifest {
                dir: dir.to_path_buf(),
            },
            Why::InvalidManifest { path, line } => OutputError::InvalidManifest {
                path: path.clone(),
                line: *line,
            },
            Why::Foreign(files) => {
                let (files, total) = listed(files.clone());
                OutputError::ForeignFiles {
                    dir: dir.to_path_buf(),
                    files,
                    total,
                }
            }
            Why::Edited(files) => {
                let (files, total) = listed(files.clone());
                OutputError::EditedFiles {
                    dir: dir.to_path_buf(),
                    files,
                    total,
                }
            }
        })
    }
}

/// `None` when `dir` does not exist; else what it holds. A symbolic link or a file is no
/// output folder, whatever `force` says.
fn inspect(dir: &Path) -> Result<Option<Found>, OutputError> {
    match present_files(dir)? {
        Some(present) => compare(dir, present).map(Some),
        None => Ok(None),
    }
}

/// The files present in `dir` (`/`-separated, with whether each is a regular file), sorted;
/// `None` when it does not exist. A symbolic link or a file is no output folder.
pub(super) fn present_files(dir: &Path) -> Result<Option<Vec<(String, bool)>>, OutputError> {
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error("read", dir)(error)),
    };
    let invalid = |reason| OutputError::InvalidOutputDir {
        dir: dir.to_path_buf(),
        reason,
    };
    if metadata.file_type().is_symlink() {
        return Err(invalid("it is a symbolic link; name the real folder"));
    }
    if !metadata.is_dir() {
        return Err(invalid("it is a file"));
    }
    let mut present = Vec::new();
    list_files(dir, "", &mut present)?;
    present.sort_unstable();
    Ok(Some(present))
}

/// Compares the files present in `dir` with its manifest.
fn compare(dir: &Path, present: Vec<(String, bool)>) -> Result<Found, OutputError> {
    let names = || {
        present
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    let manifest_path = dir.join(MANIFEST_NAME);
    if !present
        .iter()
        .any(|(file, regular)| file == MANIFEST_NAME && *regular)
    {
        let why = (!present.is_empty()).then_some(Why::NoManifest);
        return Ok(Found {
            owned: Vec::new(),
            unowned: names(),
            why,
        });
    }
    let listed = fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or(1)
        .and_then(|text| {
            parse_manifest(&manifest_path, &text).map_err(|error| match error {
                OutputError::InvalidManifest { line, .. } => line,
                _ => 1,
            })
        });
    let listed = match listed {
        Ok(listed) => listed,
        Err(line) => {
            return Ok(Found {
                owned: Vec::new(),
                unowned: names(),
                why: Some(Why::InvalidManifest {
                    path: manifest_path,
                    line,
                }),
            });
        }
    };
    let mut found = Found {
        owned: vec![MANIFEST_NAME.to_owned()],
        ..Found::default()
    };
    let (mut foreign, mut edited) = (Vec::new(), Vec::new());
    for (file, regular) in present.into_iter().filter(|(f, _)| f != MANIFEST_NAME) {
        match listed.get(&file) {
            // Only regular files are exgen's: a link or a pipe in their place is not.
            Some(hash) if regular && hash_file(&dir.join(&file))? == *hash => {
                found.owned.push(file);
            }
            Some(_) => edited.push(file),
            None => foreign.push(file),
        }
    }
    found.unowned = foreign.iter().chain(&edited).cloned().collect();
    found.unowned.sort_unstable();
    found.why = if !foreign.is_empty() {
        Some(Why::Foreign(foreign))
    } else if !edited.is_empty() {
        Some(Why::Edited(edited))
    } else {
        None
    };
    Ok(found)
}

/// The SHA-256 of a file, read in pieces (a large file is not held in memory).
fn hash_file(path: &Path) -> Result<String, OutputError> {
    let mut file = fs::File::open(path).map_err(io_error("read", path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match io::Read::read(&mut file, &mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error("read", path)(e)),
        }
    }
    Ok(super::hex(&hasher.finalize()))
}

/// Appends every file under `dir` (recursively, `/`-separated, relative to the top) to
/// `out`, with whether it is a regular file. Symbolic links count as files and are not
/// followed; empty folders hold nothing to lose and are not listed.
fn list_files(dir: &Path, prefix: &str, out: &mut Vec<(String, bool)>) -> Result<(), OutputError> {
    let entries = fs::read_dir(dir).map_err(io_error("read folder", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_error("read folder", dir))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let file_type = entry.file_type().map_err(io_error("read", &entry.path()))?;
        if file_type.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), out)?;
        } else {
            out.push((name, file_type.is_file()));
        }
    }
    Ok(())
}

/// Test-only fault injection, from the environment variable `EXGEN_TEST_FAULT`, so tests can
/// fail or kill a compile in the middle of writing: `fail-after:N` fails as if the disk
/// refused the file after N files were written, `pause-after:N` sleeps there (for a test to
/// kill the process), `pause-in-swap` sleeps while the previous output is moved aside. Not
/// an interface: docs/cli.md lists it under "Testing hooks".
#[derive(Debug, Clone, Copy, Default)]
enum Fault {
    #[default]
    None,
    FailAfter(usize),
    PauseAfter(usize),
    PauseInSwap,
}

/// How long a test pause lasts: longer than any test waits before it kills the process.
const TEST_PAUSE: std::time::Duration = std::time::Duration::from_secs(30);

impl Fault {
    fn from_env() -> Fault {
        let Some(value) = std::env::var_os("EXGEN_TEST_FAULT") else {
            return Fault::None;
        };
        let value = value.to_string_lossy();
        let count = |rest: &str| rest.parse::<usize>().ok();
        if value == "pause-in-swap" {
            Fault::PauseInSwap
        } else if let Some(n) = value.strip_prefix("fail-after:").and_then(count) {
            Fault::FailAfter(n)
        } else if let Some(n) = value.strip_prefix("pause-after:").and_then(count) {
            Fault::PauseAfter(n)
        } else {
            Fault::None
        }
    }

    /// Called before writing file number `count` (from 0).
    fn before_file(self, count: usize) -> Result<(), OutputError> {
        match self {
            Fault::FailAfter(n) if count == n => Err(OutputError::Io {
                action: "create",
                path: PathBuf::from("EXGEN_TEST_FAULT"),
                source: io::Error::other("injected by EXGEN_TEST_FAULT"),
            }),
            Fault::PauseAfter(n) if count == n => {
                std::thread::sleep(TEST_PAUSE);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn pause_in_swap(self) {
        if matches!(self, Fault::PauseInSwap) {
            std::thread::sleep(TEST_PAUSE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MANIFEST_HEADER, encode};
    use super::*;
    use std::collections::BTreeMap;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            contents: contents.to_string(),
        }
    }

    /// Every file under `dir`, relative path → bytes.
    fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut names = Vec::new();
        list_files(dir, "", &mut names).unwrap();
        names
            .into_iter()
            .map(|(name, _)| (name.clone(), fs::read(dir.join(&name)).unwrap()))
            .collect()
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn plan_files() -> Vec<OutputFile> {
        vec![
            file(
                "02-mailboxes.ps1",
                "# Exchange: 2010\nMove-Mailbox 'O’’Brien'\n",
            ),
            file(
                "01-preflight.ps1",
                "# Exchange: 2010\r\nGet-ExchangeServer\r\n",
            ),
            file("waves/wave1.csv", "Identity\nsomeone@contoso.com\n"),
            file(
                "galsync.cmd",
                "schtasks /Create /TR \"d:\\scripts\\MyScript.ps1\"\n",
            ),
            file("runbook.md", "# Runbook\n\n- [ ] DNS\n"),
        ]
    }

    // ---- writing ----

    #[test]
    fn a_fresh_write_creates_the_files_and_the_manifest() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("build").join("out");
        let files = plan_files();
        write(&out, &files, false).unwrap();

        let tree = read_tree(&out);
        for f in &files {
            assert_eq!(tree[&f.path], encode(f).unwrap(), "{}", f.path);
        }
        let manifest = String::from_utf8(tree[MANIFEST_NAME].clone()).unwrap();
        let lines: Vec<&str> = manifest.lines().collect();
        assert_eq!(lines[0], MANIFEST_HEADER);
        let listed: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split_once("  ").unwrap().1)
            .collect();
        assert_eq!(
            listed,
            [
                "01-preflight.ps1",
                "02-mailboxes.ps1",
                "galsync.cmd",
                "runbook.md",
                "waves/wave1.csv"
            ]
        );
        assert_eq!(tree.len(), files.len() + 1);
        assert!(!manifest.contains('\r'));
        assert_eq!(entries(&root.path().join("build")), ["out"]);
    }

    #[test]
    fn a_rewrite_replaces_a_previous_exgen_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        let second = [
            file("01-preflight.ps1", "Get-Mailbox\n"),
            file("runbook.md", "done\n"),
        ];
        write(&out, &second, false).unwrap();

        let tree = read_tree(&out);
        assert_eq!(
            tree.keys().collect::<Vec<_>>(),
            [MANIFEST_NAME, "01-preflight.ps1", "runbook.md"]
        );
        assert_eq!(tree["01-preflight.ps1"], b"\xEF\xBB\xBFGet-Mailbox\r\n");
        assert_eq!(
            entries(root.path()),
            ["out"],
            "no temporary or old folder is left"
        );
    }

    #[test]
    fn an_empty_existing_folder_is_used() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("out")).unwrap();
        write(&root.path().join("out"), &plan_files(), false).unwrap();
        assert_eq!(
            read_tree(&root.path().join("out")).len(),
            plan_files().len() + 1
        );
    }

    #[test]
    fn a_folder_with_a_foreign_file_is_refused_unless_forced() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        fs::write(out.join("waves").join("notes.txt"), "mine").unwrap();
        let before = read_tree(&out);

        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(matches!(
            &error,
            OutputError::ForeignFiles { files, total: 1, .. } if files == &["waves/notes.txt"]
        ));
        assert!(
            error
                .to_string()
                .contains("holds files exgen did not write: `waves/notes.txt`")
        );
        assert_eq!(read_tree(&out), before, "nothing changed");
        assert_eq!(entries(root.path()), ["out"]);

        write(&out, &plan_files(), true).unwrap();
        assert!(!out.join("waves").join("notes.txt").exists());
    }

    #[test]
    fn foreign_files_are_listed_up_to_ten() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        for i in 0..12 {
            fs::write(out.join(format!("extra{i:02}.txt")), "x").unwrap();
        }
        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(
            matches!(&error, OutputError::ForeignFiles { files, total: 12, .. } if files.len() == 10)
        );
        assert!(
            error.to_string().contains("`extra09.txt` and 2 more;"),
            "{error}"
        );
    }

    #[test]
    fn a_non_empty_folder_without_manifest_is_refused_unless_forced() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("report.docx"), "precious").unwrap();

        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(matches!(error, OutputError::NoManifest { .. }));
        assert_eq!(fs::read(out.join("report.docx")).unwrap(), b"precious");
        assert_eq!(entries(root.path()), ["out"]);

        write(&out, &plan_files(), true).unwrap();
        assert!(!out.join("report.docx").exists());
        assert!(out.join(MANIFEST_NAME).exists());
    }

    #[test]
    fn a_hand_edited_file_is_refused_unless_forced() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        fs::write(out.join("01-preflight.ps1"), "# my fix\r\n").unwrap();

        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(matches!(
            &error,
            OutputError::EditedFiles { files, total: 1, .. } if files == &["01-preflight.ps1"]
        ));
        assert_eq!(
            fs::read(out.join("01-preflight.ps1")).unwrap(),
            b"# my fix\r\n"
        );

        write(&out, &plan_files(), true).unwrap();
        assert_eq!(
            fs::read(out.join("01-preflight.ps1")).unwrap(),
            encode(&plan_files()[1]).unwrap()
        );
    }

    #[test]
    fn a_deleted_generated_file_is_no_obstacle() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        fs::remove_file(out.join("runbook.md")).unwrap();
        write(&out, &plan_files(), false).unwrap();
        assert!(out.join("runbook.md").exists());
    }

    #[test]
    fn a_file_or_nameless_path_is_not_an_output_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::write(&out, "file").unwrap();
        let error = write(&out, &plan_files(), true).unwrap_err();
        assert!(matches!(error, OutputError::InvalidOutputDir { .. }));
        assert!(matches!(
            write(Path::new("/"), &plan_files(), true).unwrap_err(),
            OutputError::InvalidOutputDir { .. }
        ));
    }

    #[test]
    fn the_same_files_give_the_same_bytes() {
        let root = tempfile::tempdir().unwrap();
        let (one, two) = (root.path().join("one"), root.path().join("two"));
        write(&one, &plan_files(), false).unwrap();
        write(&two, &plan_files(), false).unwrap();
        assert_eq!(read_tree(&one), read_tree(&two));
        // And rewriting in place changes nothing.
        write(&one, &plan_files(), false).unwrap();
        assert_eq!(read_tree(&one), read_tree(&two));
    }

    #[test]
    fn an_invalid_path_in_the_middle_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let mut files = plan_files();
        files.insert(2, file("../escape.ps1", "x"));
        assert!(matches!(
            write(&out, &files, false),
            Err(OutputError::InvalidPath { .. })
        ));
        assert!(
            entries(root.path()).is_empty(),
            "no dir and no temporary folder"
        );
    }

    #[test]
    fn an_encoding_error_leaves_the_previous_output_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        let before = read_tree(&out);
        let mut files = plan_files();
        files.push(file("bad.cmd", "echo é\n"));
        assert!(matches!(
            write(&out, &files, false),
            Err(OutputError::NonAscii { .. })
        ));
        assert_eq!(read_tree(&out), before);
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn an_io_error_while_writing_removes_the_temporary_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        let before = read_tree(&out);
        let mut files = plan_files();
        files.push(file("03-more.ps1", "Get-Date\n"));
        for after in [0, 3, files.len()] {
            let error = write_with(&out, &files, false, Fault::FailAfter(after)).unwrap_err();
            assert!(
                matches!(
                    error,
                    OutputError::Io {
                        action: "create",
                        ..
                    }
                ),
                "{error}"
            );
            assert_eq!(read_tree(&out), before, "failed after {after} files");
            assert_eq!(entries(root.path()), ["out"], "failed after {after} files");
        }
    }

    #[test]
    fn force_moves_foreign_and_edited_files_to_a_backup_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        fs::write(out.join("waves").join("notes.txt"), "mine").unwrap();
        fs::write(out.join("01-preflight.ps1"), "# my fix\r\n").unwrap();

        let written = write(&out, &plan_files(), true).unwrap();
        let backup = root.path().join("out.exgen-backup");
        assert_eq!(written.backup, Some((backup.clone(), 2)));
        assert_eq!(
            read_tree(&backup),
            BTreeMap::from([
                ("01-preflight.ps1".to_owned(), b"# my fix\r\n".to_vec()),
                ("waves/notes.txt".to_owned(), b"mine".to_vec()),
            ]),
            "only what exgen did not write is kept"
        );
        assert_eq!(read_tree(&out).len(), plan_files().len() + 1);

        // A second forced run keeps the first backup and makes another.
        fs::write(out.join("mine.txt"), "again").unwrap();
        let written = write(&out, &plan_files(), true).unwrap();
        let second = root.path().join("out.exgen-backup-2");
        assert_eq!(written.backup, Some((second.clone(), 1)));
        assert_eq!(entries(&second), ["mine.txt"]);
        assert_eq!(
            entries(root.path()),
            ["out", "out.exgen-backup", "out.exgen-backup-2"]
        );
    }

    #[test]
    fn force_on_a_clean_folder_makes_no_backup() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), true).unwrap();
        assert_eq!(
            write(&out, &plan_files(), true).unwrap(),
            Written::default()
        );
        assert_eq!(entries(root.path()), ["out"]);
    }

    /// A temporary folder as a run killed between its two renames leaves it: the previous
    /// output in `old/`, half the new one in `new/`.
    fn killed_in_swap(root: &Path, previous: &[OutputFile]) -> PathBuf {
        let work = root.join(".out.exgen-tmp-Ab3xYz");
        write(&work.join("old"), previous, false).unwrap();
        fs::create_dir_all(work.join("new")).unwrap();
        fs::write(work.join("new").join("01-preflight.ps1"), "half").unwrap();
        work
    }

    #[test]
    fn the_next_run_puts_back_an_output_a_killed_run_moved_aside() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let mut previous = plan_files();
        previous.push(file("99-old.ps1", "old\n"));
        killed_in_swap(root.path(), &previous);
        fs::write(
            root.path()
                .join(".out.exgen-tmp-Ab3xYz")
                .join("old")
                .join("mine.txt"),
            "x",
        )
        .unwrap();

        // The previous output is back, so its foreign file refuses the folder as before.
        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(matches!(error, OutputError::ForeignFiles { .. }), "{error}");
        assert_eq!(entries(root.path()), ["out"]);
        assert_eq!(read_tree(&out)["99-old.ps1"], encode(&previous[5]).unwrap());
    }

    #[test]
    fn the_next_run_removes_what_a_killed_run_left_beside_a_complete_output() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        killed_in_swap(root.path(), &plan_files());
        let leftover = root.path().join(".out.exgen-tmp-other");
        fs::create_dir_all(leftover.join("new")).unwrap();
        write(&out, &plan_files(), false).unwrap();
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn a_killed_runs_old_folder_with_foreign_files_becomes_a_backup() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        let work = killed_in_swap(root.path(), &plan_files());
        fs::write(work.join("old").join("mine.txt"), "x").unwrap();
        write(&out, &plan_files(), false).unwrap();
        assert_eq!(entries(root.path()), ["out", "out.exgen-backup"]);
        assert_eq!(entries(&root.path().join("out.exgen-backup")), ["mine.txt"]);
    }

    #[test]
    fn a_pipe_where_a_generated_file_was_is_not_exgens() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out, &plan_files(), false).unwrap();
        fs::remove_file(out.join("runbook.md")).unwrap();
        fs::create_dir(out.join("runbook.md")).unwrap();
        fs::write(out.join("runbook.md").join("inside.txt"), "x").unwrap();
        let error = write(&out, &plan_files(), false).unwrap_err();
        assert!(matches!(error, OutputError::ForeignFiles { .. }), "{error}");
    }
}
