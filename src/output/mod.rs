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
use std::io;
use std::path::{Path, PathBuf};

mod verify;
mod write;

pub use verify::{Change, Difference, Verified, verify};
pub use write::{Written, write};

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
            OutputError::DuplicatePath { path, first } => {
                f.write_str(&same_name_message(first, path))
            }
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
    let bytes = text.as_bytes();
    let mut start = 0;
    // By bytes: CR and LF are ASCII, so every index found is a character boundary.
    while let Some(n) = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        let at = start + n;
        lines.push(&text[start..at]);
        start = at
            + if bytes[at..].starts_with(b"\r\n") {
                2
            } else {
                1
            };
    }
    lines.push(&text[start..]);
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

/// The longest file or folder name, in UTF-16 units (NTFS) and bytes (most Unix file systems);
/// exgen's names are ASCII, where both are characters.
const MAX_NAME: usize = 255;

/// Why `path` is not a relative `/`-separated path that every Windows and Unix file system
/// stores under exactly that name; `Ok` when it is. Lowering checks the names it chooses with
/// this (E0509) and [`write()`] checks again before it writes.
///
/// # Errors
/// What is wrong, in words that follow "cannot be written: ".
pub fn check_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') {
        return Err("the path is absolute");
    }
    if path.contains('\\') {
        return Err("use `/` to separate folders, not `\\`");
    }
    if path.contains(':') {
        return Err("`:` is not allowed (drive letter or alternate data stream)");
    }
    for component in path.split('/') {
        validate_component(component)?;
    }
    if path.eq_ignore_ascii_case(MANIFEST_NAME) {
        return Err("the name is reserved for exgen's manifest");
    }
    Ok(())
}

/// The message for two output paths that name the same file, `first` and then `second`:
/// the same text, or names that differ only in case, which Windows stores as one file.
#[must_use]
pub fn same_name_message(first: &str, second: &str) -> String {
    if first == second {
        format!("two output files are both named `{second}`")
    } else {
        format!(
            "output files `{first}` and `{second}` differ only in case, so Windows would store them as one file"
        )
    }
}

/// Whether two output paths name the same file on Windows, which ignores case.
#[must_use]
pub fn same_file(a: &str, b: &str) -> bool {
    fold_case(a) == fold_case(b)
}

fn validate_path(path: &str) -> Result<(), OutputError> {
    check_path(path).map_err(|reason| OutputError::InvalidPath {
        path: path.to_string(),
        reason,
    })
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
    if component.encode_utf16().count() > MAX_NAME || component.len() > MAX_NAME {
        return Err("the name is longer than 255 characters");
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
        return Err("Windows reserves the name for a device (CON, NUL, COM1, ...)");
    }
    Ok(())
}

/// A path as Windows compares it: Windows folds case when comparing names, and lowercase is a
/// close enough model. Equal keys name the same file.
#[must_use]
pub fn fold_case(path: &str) -> String {
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
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * bytes.len());
    for byte in bytes {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
