//! Output: the generated files as bytes, and the atomic replacement of the output folder.
//!
//! Takes the `Vec<OutputFile>` that lowering produced and is the only module that writes it.
//! [`encode`] turns each file into deterministic bytes (encoding and line endings per
//! [`FileKind`]); [`write()`] validates, encodes everything in memory, writes a sibling temporary
//! folder with a manifest, and swaps it in, refusing to replace a folder exgen did not write.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Name of the manifest file exgen writes at the top of every output folder.
pub const MANIFEST_NAME: &str = ".exgen-manifest";

/// First line of the manifest; also how exgen recognises a folder it wrote.
pub const MANIFEST_HEADER: &str = "# exgen manifest v1: files written by exgen; do not edit";

/// How many file names an error lists before it says "and N more".
const LISTED_FILES: usize = 10;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The kind of a generated file, which fixes its encoding and line endings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `.ps1`: UTF-8 with BOM (Windows PowerShell reads BOM-less files as ANSI), CRLF.
    PowerShell,
    /// `.cmd`: ASCII (cmd reads the OEM code page), CRLF, no BOM.
    Cmd,
    /// `.md`: UTF-8, LF, no BOM.
    Markdown,
    /// `.csv`: UTF-8 with BOM (Windows PowerShell 2.0's `Import-Csv` needs it), CRLF.
    Csv,
    /// `.ini`: ASCII (read in the ANSI code page by `GetPrivateProfileString`), CRLF, no BOM.
    Ini,
}

impl FileKind {
    /// The kind for a file name by its extension (case-insensitive), if exgen writes that kind.
    #[must_use]
    pub fn from_path(path: &str) -> Option<FileKind> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "ps1" => Some(FileKind::PowerShell),
            "cmd" => Some(FileKind::Cmd),
            "md" => Some(FileKind::Markdown),
            "csv" => Some(FileKind::Csv),
            "ini" => Some(FileKind::Ini),
            _ => None,
        }
    }

    fn line_ending(self) -> &'static str {
        match self {
            FileKind::Markdown => "\n",
            FileKind::PowerShell | FileKind::Cmd | FileKind::Csv | FileKind::Ini => "\r\n",
        }
    }

    fn has_bom(self) -> bool {
        matches!(self, FileKind::PowerShell | FileKind::Csv)
    }
}

/// One generated file, before encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated: `01-preflight.ps1`, `waves/wave1.csv`.
    pub path: String,
    /// The text; line endings and BOM are fixed by [`encode`], not here.
    pub contents: String,
}

impl OutputFile {
    /// The file's kind by the extension of its path.
    #[must_use]
    pub fn kind(&self) -> Option<FileKind> {
        FileKind::from_path(&self.path)
    }
}

/// Why the output could not be encoded or written. Nothing is written when one occurs.
#[derive(Debug)]
pub enum OutputError {
    /// A file path is not a safe relative path on Windows and Unix.
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two files have the same path when case is ignored (as Windows does).
    DuplicatePath {
        /// The second path.
        path: String,
        /// The path it collides with.
        first: String,
    },
    /// A file path is also the folder of another file.
    PathConflict {
        /// The file.
        path: String,
        /// A file inside the folder of the same name.
        inside: String,
    },
    /// The path's extension is not one exgen writes.
    UnknownKind {
        /// The path.
        path: String,
    },
    /// A `.cmd` or `.ini` file holds a non-ASCII character.
    NonAscii {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The character.
        ch: char,
    },
    /// The output folder itself is unusable (no name, a file, a symbolic link).
    InvalidOutputDir {
        /// The folder.
        dir: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The output folder is not empty and has no manifest: exgen did not write it.
    NoManifest {
        /// The folder.
        dir: PathBuf,
    },
    /// The manifest in the output folder is not one exgen wrote.
    InvalidManifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line number of the first bad line.
        line: usize,
    },
    /// The output folder holds files exgen did not write.
    ForeignFiles {
        /// The folder.
        dir: PathBuf,
        /// Up to ten of them, `/`-separated, sorted.
        files: Vec<String>,
        /// How many there are in all.
        total: usize,
    },
    /// Files exgen wrote were changed since.
    EditedFiles {
        /// The folder.
        dir: PathBuf,
        /// Up to ten of them, `/`-separated, sorted.
        files: Vec<String>,
        /// How many there are in all.
        total: usize,
    },
    /// A file system operation failed.
    Io {
        /// What exgen was doing, such as "create folder".
        action: &'static str,
        /// The path it was doing it to.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::InvalidPath { path, reason } => {
                write!(f, "invalid output path `{path}`: {reason}")
            }
            OutputError::DuplicatePath { path, first } => write!(
                f,
                "output path `{path}` is the same file as `{first}` on Windows (case is ignored)"
            ),
            OutputError::PathConflict { path, inside } => {
                write!(
                    f,
                    "output path `{path}` is both a file and the folder of `{inside}`"
                )
            }
            OutputError::UnknownKind { path } => write!(
                f,
                "output path `{path}` has an extension exgen does not write (expected .ps1, .cmd, .md, .csv or .ini)"
            ),
            OutputError::NonAscii { path, line, ch } => write!(
                f,
                "`{path}` line {line}: non-ASCII character `{ch}` (U+{:04X}) in a .cmd file",
                u32::from(*ch)
            ),
            OutputError::InvalidOutputDir { dir, reason } => {
                write!(
                    f,
                    "cannot use `{}` as the output folder: {reason}",
                    dir.display()
                )
            }
            OutputError::NoManifest { dir } => write!(
                f,
                "`{}` is not empty and has no `{MANIFEST_NAME}`, so exgen did not write it; \
                 choose another folder, empty it, or pass --force to replace it",
                dir.display()
            ),
            OutputError::InvalidManifest { path, line } => write!(
                f,
                "`{}` line {line} is not an exgen manifest line; pass --force to replace the folder",
                path.display()
            ),
            OutputError::ForeignFiles { dir, files, total } => {
                write!(f, "`{}` holds files exgen did not write: ", dir.display())?;
                write_list(f, files, *total)?;
                write!(f, "; move them away or pass --force to delete them")
            }
            OutputError::EditedFiles { dir, files, total } => {
                write!(
                    f,
                    "files in `{}` were edited since exgen wrote them: ",
                    dir.display()
                )?;
                write_list(f, files, *total)?;
                write!(
                    f,
                    "; change the plan instead, or pass --force to discard the edits"
                )
            }
            OutputError::Io {
                action,
                path,
                source,
            } => {
                write!(f, "cannot {action} `{}`: {source}", path.display())
            }
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, files: &[String], total: usize) -> fmt::Result {
    let quoted: Vec<String> = files.iter().map(|file| format!("`{file}`")).collect();
    write!(f, "{}", quoted.join(", "))?;
    if total > files.len() {
        write!(f, " and {} more", total - files.len())?;
    }
    Ok(())
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        action,
        path,
        source,
    }
}

// ---- encoding ----

/// The bytes of `file`, the same on every machine.
///
/// Line endings are normalised first (CRLF, CR and LF all count as one), a leading U+FEFF is
/// dropped (a copied CSV may carry one), trailing empty lines are dropped, and every line,
/// the last included, ends with the kind's line ending. Then the kind decides: `.ps1` and
/// `.csv` get a UTF-8 BOM and CRLF, `.cmd` must be ASCII and gets CRLF, `.md` gets LF.
///
/// # Errors
///
/// [`OutputError::UnknownKind`] for an unknown extension, [`OutputError::NonAscii`] for a
/// non-ASCII character in a `.cmd` file.
pub fn encode(file: &OutputFile) -> Result<Vec<u8>, OutputError> {
    let kind = file.kind().ok_or_else(|| OutputError::UnknownKind {
        path: file.path.clone(),
    })?;
    let text = file
        .contents
        .strip_prefix('\u{FEFF}')
        .unwrap_or(&file.contents);
    let mut lines: Vec<&str> = split_lines(text);
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    if matches!(kind, FileKind::Cmd | FileKind::Ini) {
        check_ascii(&file.path, &lines)?;
    }
    let eol = kind.line_ending();
    let mut bytes = Vec::with_capacity(text.len() + lines.len() + UTF8_BOM.len() + eol.len());
    if kind.has_bom() {
        bytes.extend_from_slice(UTF8_BOM);
    }
    for line in &lines {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(eol.as_bytes());
    }
    if lines.is_empty() {
        bytes.extend_from_slice(eol.as_bytes());
    }
    Ok(bytes)
}

/// Splits at CRLF, CR and LF alike.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}

fn check_ascii(path: &str, lines: &[&str]) -> Result<(), OutputError> {
    for (index, line) in lines.iter().enumerate() {
        if let Some(ch) = line.chars().find(|c| !c.is_ascii()) {
            return Err(OutputError::NonAscii {
                path: path.to_string(),
                line: index + 1,
                ch,
            });
        }
    }
    Ok(())
}

// ---- path validation ----

/// Device names Windows reserves in every folder, with or without an extension.
const RESERVED_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4",
    "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3",
    "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Checks that `path` is a relative `/`-separated path every Windows and Unix file system
/// stores under exactly that name.
fn validate_path(path: &str) -> Result<(), OutputError> {
    let invalid = |reason| {
        Err(OutputError::InvalidPath {
            path: path.to_string(),
            reason,
        })
    };
    if path.is_empty() {
        return invalid("the path is empty");
    }
    if path.starts_with('/') {
        return invalid("the path is absolute");
    }
    if path.contains('\\') {
        return invalid("use `/` to separate folders, not `\\`");
    }
    if path.contains(':') {
        return invalid("`:` is not allowed (drive letter or alternate data stream)");
    }
    for component in path.split('/') {
        if let Err(reason) = validate_component(component) {
            return invalid(reason);
        }
    }
    if path.eq_ignore_ascii_case(MANIFEST_NAME) {
        return invalid("the name is reserved for exgen's manifest");
    }
    Ok(())
}

fn validate_component(component: &str) -> Result<(), &'static str> {
    if component.is_empty() {
        return Err("the path has an empty folder name");
    }
    if component == "." || component == ".." {
        return Err("`.` and `..` are not allowed");
    }
    if let Some(c) = component
        .chars()
        .find(|&c| "<>:\"|?*".contains(c) || c.is_control())
    {
        return Err(if c.is_control() {
            "control characters are not allowed"
        } else {
            "the characters < > : \" | ? * are not allowed"
        });
    }
    if component.ends_with(['.', ' ']) {
        return Err("a name ending in `.` or a space is changed by Windows");
    }
    let stem = component
        .split('.')
        .next()
        .unwrap_or(component)
        .trim_end_matches(' ');
    if RESERVED_NAMES
        .iter()
        .any(|name| name.eq_ignore_ascii_case(stem))
    {
        return Err("the name is reserved by Windows (CON, NUL, COM1, ...)");
    }
    Ok(())
}

/// Windows folds case when comparing names; lowercase is a close enough model.
fn fold_case(path: &str) -> String {
    path.to_lowercase()
}

/// Validates every path, and refuses duplicates and file/folder clashes.
fn validate_paths(files: &[OutputFile]) -> Result<(), OutputError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for file in files {
        validate_path(&file.path)?;
        if let Some(first) = seen.insert(fold_case(&file.path), &file.path) {
            return Err(OutputError::DuplicatePath {
                path: file.path.clone(),
                first: first.to_string(),
            });
        }
    }
    for file in files {
        let folders = file.path.match_indices('/').map(|(at, _)| &file.path[..at]);
        for folder in folders {
            if let Some(other) = seen.get(&fold_case(folder)) {
                return Err(OutputError::PathConflict {
                    path: (*other).to_string(),
                    inside: file.path.clone(),
                });
            }
        }
    }
    Ok(())
}

// ---- manifest ----

fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(bytes).iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The manifest text: header, then `sha256-hex  path` per file sorted by path, LF.
fn manifest(encoded: &[(&str, Vec<u8>)]) -> String {
    let mut entries: Vec<(&str, String)> = encoded
        .iter()
        .map(|(path, bytes)| (*path, sha256_hex(bytes)))
        .collect();
    entries.sort_unstable();
    let mut text = format!("{MANIFEST_HEADER}\n");
    for (path, hash) in entries {
        text.push_str(&format!("{hash}  {path}\n"));
    }
    text
}

/// Reads a manifest into path → hash.
fn parse_manifest(path: &Path, text: &str) -> Result<BTreeMap<String, String>, OutputError> {
    let bad = |line| OutputError::InvalidManifest {
        path: path.to_path_buf(),
        line,
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Err(bad(1));
    }
    let mut entries = BTreeMap::new();
    for (index, line) in lines.enumerate() {
        let (hash, file) = line.split_once("  ").ok_or_else(|| bad(index + 2))?;
        let is_hash =
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !is_hash || file.is_empty() {
            return Err(bad(index + 2));
        }
        entries.insert(file.to_string(), hash.to_string());
    }
    Ok(entries)
}

// ---- writing ----

/// Replaces the folder `dir` with exactly `files`, atomically, plus a `.exgen-manifest`.
///
/// Every path is validated and every file encoded before anything touches the disk. The
/// files go into a sibling temporary folder `.<name>.exgen-tmp-<pid>`; then an existing `dir`
/// is renamed to `.<name>.exgen-old-<pid>`, the temporary folder renamed to `dir`, and the old
/// one removed. Two renames because Windows cannot rename a folder onto an existing one; if
/// the second fails, the old folder is renamed back. On any error the temporary folder is
/// removed, so `dir` is either the old folder or the complete new one. The parent of `dir` is
/// created if missing. Removing the old folder after the swap is best effort: the new output
/// is in place either way.
///
/// exgen replaces only its own folder: an existing `dir` must be empty, or hold a manifest
/// listing every file in it ([`OutputError::ForeignFiles`] otherwise) with the hash exgen
/// wrote ([`OutputError::EditedFiles`] otherwise, so hand edits are never lost silently).
/// `force` skips these checks and replaces whatever is there.
///
/// # Errors
///
/// Any [`OutputError`]; nothing has changed on disk when one is returned.
pub fn write(dir: &Path, files: &[OutputFile], force: bool) -> Result<(), OutputError> {
    validate_paths(files)?;
    let encoded = files
        .iter()
        .map(|file| Ok((file.path.as_str(), encode(file)?)))
        .collect::<Result<Vec<_>, OutputError>>()?;
    let manifest = manifest(&encoded);

    let (parent, name) = split_dir(dir)?;
    let exists = check_existing(dir, force)?;
    fs::create_dir_all(&parent).map_err(io_error("create folder", &parent))?;

    let pid = std::process::id();
    let temp = TempDir::create(parent.join(format!(".{name}.exgen-tmp-{pid}")))?;
    for (path, bytes) in &encoded {
        write_file(&temp.path.join(path), bytes)?;
    }
    write_file(&temp.path.join(MANIFEST_NAME), manifest.as_bytes())?;

    if exists {
        let old = parent.join(format!(".{name}.exgen-old-{pid}"));
        remove_if_exists(&old)?;
        fs::rename(dir, &old).map_err(io_error("move aside the previous output folder", dir))?;
        if let Err(source) = fs::rename(&temp.path, dir) {
            // Put the previous output back; if even that fails, say where it is.
            return Err(match fs::rename(&old, dir) {
                Ok(()) => io_error("move into place the output folder", dir)(source),
                Err(error) => io_error("restore the previous output folder from", &old)(error),
            });
        }
        temp.disarm();
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(&temp.path, dir).map_err(io_error("move into place the output folder", dir))?;
        temp.disarm();
    }
    Ok(())
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

/// Checks that an existing `dir` may be replaced; returns whether it exists.
fn check_existing(dir: &Path, force: bool) -> Result<bool, OutputError> {
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
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
    if !force {
        check_owned(dir)?;
    }
    Ok(true)
}

/// Checks that every file in `dir` is listed in its manifest with the hash exgen wrote.
fn check_owned(dir: &Path) -> Result<(), OutputError> {
    let mut present = Vec::new();
    list_files(dir, "", &mut present)?;
    let manifest_path = dir.join(MANIFEST_NAME);
    if !present.iter().any(|file| file == MANIFEST_NAME) {
        return if present.is_empty() {
            Ok(())
        } else {
            Err(OutputError::NoManifest {
                dir: dir.to_path_buf(),
            })
        };
    }
    let text = fs::read(&manifest_path).map_err(io_error("read", &manifest_path))?;
    let text = String::from_utf8(text).map_err(|_| OutputError::InvalidManifest {
        path: manifest_path.clone(),
        line: 1,
    })?;
    let listed = parse_manifest(&manifest_path, &text)?;

    let (mut foreign, mut edited) = (Vec::new(), Vec::new());
    for file in present.into_iter().filter(|file| file != MANIFEST_NAME) {
        match listed.get(&file) {
            None => foreign.push(file),
            Some(hash) => {
                let path = dir.join(&file);
                let bytes = fs::read(&path).map_err(io_error("read", &path))?;
                if sha256_hex(&bytes) != *hash {
                    edited.push(file);
                }
            }
        }
    }
    if !foreign.is_empty() {
        let (files, total) = first_files(foreign);
        return Err(OutputError::ForeignFiles {
            dir: dir.to_path_buf(),
            files,
            total,
        });
    }
    if !edited.is_empty() {
        let (files, total) = first_files(edited);
        return Err(OutputError::EditedFiles {
            dir: dir.to_path_buf(),
            files,
            total,
        });
    }
    Ok(())
}

fn first_files(mut files: Vec<String>) -> (Vec<String>, usize) {
    files.sort_unstable();
    let total = files.len();
    files.truncate(LISTED_FILES);
    (files, total)
}

/// Appends every file under `dir` (recursively, `/`-separated, relative to the top) to
/// `out`. Symbolic links count as files and are not followed; empty folders hold nothing to
/// lose and are not listed.
fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), OutputError> {
    let entries = fs::read_dir(dir).map_err(io_error("read folder", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_error("read folder", dir))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let file_type = entry.file_type().map_err(io_error("read", &entry.path()))?;
        if file_type.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), out)?;
        } else {
            out.push(name);
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error("create folder", parent))?;
    }
    let mut file = fs::File::create(path).map_err(io_error("create", path))?;
    file.write_all(bytes).map_err(io_error("write", path))?;
    // Flush to disk before the rename publishes the folder, so a crash cannot leave a
    // complete-looking folder of empty files.
    file.sync_all().map_err(io_error("write", path))
}

fn remove_if_exists(path: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(io_error("remove the leftover folder", path)(error))
        }
        _ => Ok(()),
    }
}

/// The temporary folder; removed on drop unless the swap succeeded.
struct TempDir {
    path: PathBuf,
    armed: bool,
}

impl TempDir {
    /// Creates the folder, first removing one a crashed run with the same process id left.
    fn create(path: PathBuf) -> Result<TempDir, OutputError> {
        remove_if_exists(&path)?;
        fs::create_dir(&path).map_err(io_error("create folder", &path))?;
        Ok(TempDir { path, armed: true })
    }

    /// Keeps the folder: it has become the output folder.
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            contents: contents.to_string(),
        }
    }

    fn encoded(path: &str, contents: &str) -> Vec<u8> {
        encode(&file(path, contents)).unwrap()
    }

    /// Every CR is followed by LF and every LF preceded by CR.
    fn is_crlf_only(bytes: &[u8]) -> bool {
        bytes.iter().enumerate().all(|(i, &b)| match b {
            b'\r' => bytes.get(i + 1) == Some(&b'\n'),
            b'\n' => i > 0 && bytes[i - 1] == b'\r',
            _ => true,
        })
    }

    /// Every file under `dir`, relative path → bytes.
    fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut names = Vec::new();
        list_files(dir, "", &mut names).unwrap();
        names
            .into_iter()
            .map(|name| (name.clone(), fs::read(dir.join(&name)).unwrap()))
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

    // ---- kinds and encoding ----

    #[test]
    fn kind_follows_the_extension() {
        assert_eq!(
            FileKind::from_path("01-preflight.ps1"),
            Some(FileKind::PowerShell)
        );
        assert_eq!(FileKind::from_path("waves/wave1.CSV"), Some(FileKind::Csv));
        assert_eq!(FileKind::from_path("galsync.cmd"), Some(FileKind::Cmd));
        assert_eq!(FileKind::from_path("runbook.md"), Some(FileKind::Markdown));
        assert_eq!(FileKind::from_path("script.ps1.txt"), None);
        assert_eq!(FileKind::from_path("a.ps1/readme"), None);
        assert_eq!(FileKind::from_path("ps1"), None);
        assert_eq!(file("x/y.md", "").kind(), Some(FileKind::Markdown));
        assert_eq!(
            serde_json::to_string(&FileKind::PowerShell).unwrap(),
            "\"powershell\""
        );
    }

    #[test]
    fn powershell_is_utf8_with_bom_and_crlf() {
        let bytes = encoded("a.ps1", "a\nb\r\nc\rd’");
        assert_eq!(bytes, "\u{FEFF}a\r\nb\r\nc\r\nd’\r\n".as_bytes());
        assert!(bytes.starts_with(UTF8_BOM) && is_crlf_only(&bytes));
    }

    #[test]
    fn csv_is_utf8_with_bom_and_crlf() {
        let bytes = encoded("w.csv", "Identity\nJosé\n");
        assert_eq!(bytes, "\u{FEFF}Identity\r\nJosé\r\n".as_bytes());
    }

    #[test]
    fn cmd_is_ascii_with_crlf_and_no_bom() {
        let bytes = encoded("a.cmd", "@echo off\nexit /b 0");
        assert_eq!(bytes, b"@echo off\r\nexit /b 0\r\n");
    }

    #[test]
    fn markdown_is_utf8_with_lf_and_no_bom() {
        let bytes = encoded("r.md", "# Runbook\r\n\r\nO’Brien\r");
        assert_eq!(bytes, "# Runbook\n\nO’Brien\n".as_bytes());
        assert!(!bytes.contains(&b'\r'));
    }

    #[test]
    fn every_file_ends_with_exactly_one_line_ending() {
        assert_eq!(encoded("r.md", "a"), b"a\n");
        assert_eq!(encoded("r.md", "a\n\n\r\n\n"), b"a\n");
        assert_eq!(encoded("r.md", ""), b"\n");
        assert_eq!(encoded("a.cmd", "\r\n\r\n"), b"\r\n");
        assert_eq!(encoded("a.ps1", "x\n\n"), b"\xEF\xBB\xBFx\r\n");
        // Blank lines inside are kept.
        assert_eq!(encoded("r.md", "a\n\nb\n"), b"a\n\nb\n");
    }

    #[test]
    fn a_leading_bom_in_the_text_is_not_doubled() {
        assert_eq!(
            encoded("w.csv", "\u{FEFF}Identity\n"),
            "\u{FEFF}Identity\r\n".as_bytes()
        );
        assert_eq!(encoded("a.cmd", "\u{FEFF}echo\n"), b"echo\r\n");
    }

    #[test]
    fn non_ascii_in_a_cmd_file_is_refused_with_its_line() {
        let error = encode(&file("galsync.cmd", "@echo off\r\nrem O’Brien\n")).unwrap_err();
        assert!(matches!(
            &error,
            OutputError::NonAscii { path, line: 2, ch: '’' } if path == "galsync.cmd"
        ));
        assert_eq!(
            error.to_string(),
            "`galsync.cmd` line 2: non-ASCII character `’` (U+2019) in a .cmd file"
        );
    }

    #[test]
    fn an_unknown_extension_is_refused() {
        let error = encode(&file("notes.txt", "x")).unwrap_err();
        assert!(matches!(error, OutputError::UnknownKind { path } if path == "notes.txt"));
    }

    // ---- paths ----

    #[test]
    fn valid_paths_pass() {
        for path in [
            "01-preflight.ps1",
            "waves/wave1.csv",
            "a/b/c.md",
            ".hidden.md",
            "x y.ps1",
        ] {
            assert!(validate_path(path).is_ok(), "{path}");
        }
    }

    #[test]
    fn invalid_paths_are_refused() {
        let cases = [
            "",
            "/etc/x.ps1",
            "C:/x.ps1",
            "C:x.ps1",
            "..\\x.ps1",
            "a\\b.ps1",
            "../x.ps1",
            "a/../x.ps1",
            "./x.ps1",
            "a//b.ps1",
            "a/",
            "CON.ps1",
            "nul.md",
            "waves/com1.csv",
            "LPT9",
            "aux /x.md",
            "a<b.md",
            "a>b.md",
            "a\"b.md",
            "a|b.md",
            "a?b.md",
            "a*b.md",
            "a\tb.md",
            "x.ps1.",
            "x.ps1 ",
            ".exgen-manifest",
            ".EXGEN-MANIFEST",
        ];
        for path in cases {
            let result = validate_path(path);
            assert!(
                matches!(&result, Err(OutputError::InvalidPath { path: p, .. }) if p == path),
                "{path:?} was accepted"
            );
        }
    }

    #[test]
    fn duplicate_paths_are_refused_ignoring_case() {
        let files = [file("Run.ps1", ""), file("b.md", ""), file("run.PS1", "")];
        let error = validate_paths(&files).unwrap_err();
        assert!(
            matches!(&error, OutputError::DuplicatePath { path, first } if path == "run.PS1" && first == "Run.ps1")
        );
    }

    #[test]
    fn a_file_cannot_also_be_a_folder() {
        let files = [file("Waves/w.csv", ""), file("waves", "")];
        assert!(matches!(
            validate_paths(&files).unwrap_err(),
            OutputError::PathConflict { path, inside } if path == "waves" && inside == "Waves/w.csv"
        ));
    }

    // ---- manifest ----

    #[test]
    fn manifest_lists_hashes_sorted_by_path() {
        let encoded = [
            ("b.md", b"b\n".to_vec()),
            ("a/z.md", b"\n".to_vec()),
            ("a.md", vec![]),
        ];
        let text = manifest(&encoded);
        let expected = format!(
            "{MANIFEST_HEADER}\n{}  a.md\n{}  a/z.md\n{}  b.md\n",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            sha256_hex(b"\n"),
            sha256_hex(b"b\n"),
        );
        assert_eq!(text, expected);
        let parsed = parse_manifest(Path::new("m"), &text).unwrap();
        assert_eq!(
            parsed.keys().collect::<Vec<_>>(),
            ["a.md", "a/z.md", "b.md"]
        );
    }

    #[test]
    fn a_manifest_without_the_header_is_invalid() {
        let error = parse_manifest(Path::new("m"), "hello\n").unwrap_err();
        assert!(matches!(
            error,
            OutputError::InvalidManifest { line: 1, .. }
        ));
        let text = format!("{MANIFEST_HEADER}\nnot-a-hash  x.md\n");
        let error = parse_manifest(Path::new("m"), &text).unwrap_err();
        assert!(matches!(
            error,
            OutputError::InvalidManifest { line: 2, .. }
        ));
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
        // Valid by the rules, but longer than any file system allows for one name.
        let mut files = plan_files();
        files.insert(1, file(&format!("{}.ps1", "x".repeat(300)), "x"));
        let error = write(&out, &files, false).unwrap_err();
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
        assert_eq!(read_tree(&out), before);
        assert_eq!(entries(root.path()), ["out"]);
    }
}
