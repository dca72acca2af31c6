//! Checking generated PowerShell: the scripts exgen writes, and any `.ps1` given to
//! `exgen lint`.
//!
//! Two independent checks:
//!
//! - [`check_script`]: syntax (the tree-sitter PowerShell grammar, with the workarounds for
//!   its known gaps), every Exchange cmdlet and parameter against Microsoft's documentation
//!   for the target Exchange version (`specs/exchange-cmdlets.json`), and calls that would
//!   stop at a prompt for a mandatory parameter. A port of the project's reference tool
//!   `shared/tools/ps-check`; see `syntax` and `commands` for the details and the few
//!   deliberate differences.
//! - [`check_constructs`]: language constructs newer than the PowerShell level the script's
//!   shell runs (`specs/powershell.yaml`), e.g. `try`/`catch` in an Exchange 2007 script.
//!
//! ```
//! use exgen::validate::{check_constructs, check_script, Severity};
//!
//! let script = "Get-Mailbox | New-MoveRequest -TargetDatabase 'DB2'\r\n";
//! assert!(check_script(script, "2010", true).is_empty());
//! let found = check_constructs("try { Get-Date } catch { }", "1.0");
//! assert_eq!(found[0].severity, Severity::Error);
//! ```

mod commands;
mod constructs;
mod difflib;
mod names;
mod reference;
mod syntax;
mod text;

use std::fmt;

pub use constructs::POWERSHELL_LEVELS;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The script is wrong for its target: it fails to parse, uses a cmdlet or parameter its
    /// shell does not have, or would stop at a prompt (with `strict_mandatory`).
    Error,
    /// Suspicious but not necessarily wrong (an unknown command, a typographic quote, ...).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// What a finding is about: `exgen lint` gives each kind its diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The script does not parse (or a string, block or here-string is not closed).
    Syntax,
    /// An Exchange cmdlet that the target version does not have.
    UnavailableCmdlet,
    /// A parameter of an Exchange cmdlet that the target version does not have.
    UnavailableParameter,
    /// A parameter the cmdlet has in no on-premises version, or an ambiguous abbreviation.
    UnknownParameter,
    /// The call would stop at a prompt for a mandatory parameter.
    Prompt,
    /// A construct (or common parameter) newer than the shell's PowerShell.
    NewerPowerShell,
    /// A `Verb-Noun` command that is neither Exchange, core PowerShell nor defined in the script.
    UnknownCommand,
    /// A command called by one of PowerShell's built-in aliases (`fl`).
    CommandAlias,
    /// A parameter written as an abbreviation or an alias of its name.
    ShortParameter,
    /// An argument bound by position rather than by name.
    Positional,
    /// A typographic quote or dash outside comments.
    Typographic,
    /// Non-ASCII text in a file without byte-order mark.
    Encoding,
    /// `-WhatIf` / `-Confirm` on a cmdlet whose documentation does not list them.
    UndocumentedCommon,
    /// A cmdlet the target version still lists but that no longer does the job (a successor
    /// replaced it).
    Superseded,
    /// The Exchange version or PowerShell level asked for is not one the checks know.
    UnknownTarget,
}

/// One problem found in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (not bytes).
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// What kind of problem it is.
    pub kind: Kind,
    /// The bytes it is about, in the text without its byte-order mark (`start..start` at 1:1
    /// for a finding about the whole script).
    pub span: std::ops::Range<usize>,
    /// How to fix it, in one line: the full form of an alias, abbreviation or positional
    /// argument, the replacement of a removed cmdlet, a close name.
    pub help: Option<String>,
}

impl fmt::Display for Finding {
    /// `LINE:COL: severity: message`, the format of `ps-check` after its file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.severity, self.message
        )
    }
}

/// The `# Exchange:` value of a script that runs in plain Windows PowerShell.
pub const NO_EXCHANGE: &str = "none";

/// The Exchange versions [`check_script`] knows: every version in `specs/versions.yaml`, and
/// [`NO_EXCHANGE`].
#[must_use]
pub fn exchange_versions() -> Vec<&'static str> {
    let known = crate::specs::Specs::embedded()
        .known()
        .iter()
        .map(|k| k.name.as_str());
    known.chain(std::iter::once(NO_EXCHANGE)).collect()
}

/// The canonical spelling of an Exchange version (`se` -> `SE`, `None` -> `none`), or `None`
/// when it is not one of [`exchange_versions`].
fn canonical_exchange(exchange: &str) -> Option<&'static str> {
    let v = exchange.trim();
    exchange_versions()
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(v))
}

/// Checks one script for Exchange version `exchange` (one of [`exchange_versions`]).
///
/// `text` is the script as read: a leading byte-order mark (U+FEFF) is stripped, as
/// PowerShell does, and remembered (a script with non-ASCII text and no BOM draws a warning,
/// because Windows PowerShell reads such a file as ANSI). Use [`decode_script`] to turn a
/// file's bytes into such a text.
///
/// Reports syntax errors; for 2010 and later also every Exchange cmdlet or parameter not
/// documented for that version, abbreviated parameters, unknown `Verb-Noun` commands
/// (warning), and invocations that would prompt for a mandatory parameter (an error with
/// `strict_mandatory`, else a warning). For 2007 and older, and `none`, only syntax is
/// checked: the reference data starts at Exchange 2010 (a version it does not cover gets a
/// syntax check only). Findings are sorted by position.
/// An unknown `exchange` value gives one error finding at 1:1.
pub fn check_script(text: &str, exchange: &str, strict_mandatory: bool) -> Vec<Finding> {
    check(text, exchange, strict_mandatory, false)
}

/// [`check_script`] and what `exgen lint` adds for scripts written by hand, all as warnings:
/// a command called by a built-in alias (`fl`), a parameter by an alias of its name, an
/// argument bound by position (each with the full form in its help), and a cmdlet that the
/// version still lists but that a successor replaced (`specs/lint.yaml`). A cmdlet that
/// `specs/lint.yaml` says a later version removed, which the cmdlet reference does not know
/// (`Move-Mailbox`), is an error instead of an unknown command. A call that would prompt is
/// always an error.
pub fn lint_script(text: &str, exchange: &str) -> Vec<Finding> {
    check(text, exchange, true, true)
}

fn check(text: &str, exchange: &str, strict_mandatory: bool, lint: bool) -> Vec<Finding> {
    let Some(version) = canonical_exchange(exchange) else {
        return vec![Finding {
            line: 1,
            column: 1,
            severity: Severity::Error,
            message: format!(
                "unknown Exchange version '{exchange}' (expected one of {})",
                exchange_versions().join(", ")
            ),
            kind: Kind::UnknownTarget,
            span: 0..0,
            help: None,
        }];
    };
    let (body, has_bom) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let mandatory = if strict_mandatory {
        Severity::Error
    } else {
        Severity::Warning
    };
    let reference = Some(reference::get()).filter(|r| r.covers(version));
    commands::check(body, has_bom, reference, version, mandatory, lint)
}

/// Checks that a script uses no construct newer than PowerShell level `powershell`
/// (`"1.0"`, `"2.0"`, `"3.0"`, `"4.0"`, `"5.1"`; see [`POWERSHELL_LEVELS`]), per the table in
/// `specs/powershell.yaml`. Each finding is an error naming the construct and the version
/// that introduced it. Comments and string contents are not searched (except for constructs
/// that live there, such as block comments). An unknown level gives one error at 1:1.
pub fn check_constructs(text: &str, powershell: &str) -> Vec<Finding> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    constructs::check(body, powershell.trim())
}

/// The value of a script's `# Exchange: <version>` header line (`2000` ... `SE`, or `none`
/// for plain Windows PowerShell), as written. Only the leading block of comment and blank
/// lines is read; `None` when there is no such line or its value is not a known version.
pub fn exchange_header(text: &str) -> Option<&str> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (_, value) = header_line(body, "exchange:")?;
    canonical_exchange(value).map(|_| value)
}

/// The value of the first `# KEY value` line (`key` given in lower case, with its colon) of
/// the leading block of comment and blank lines of `body` (a script without byte-order mark),
/// trimmed, with its byte offset; whatever the value is.
pub fn header_line<'t>(body: &'t str, key: &str) -> Option<(usize, &'t str)> {
    let mut offset = 0;
    for raw in body.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix('#') else {
            return None; // first line of code: the header is over
        };
        let comment = comment.trim_start();
        let Some(found) = comment.get(..key.len()) else {
            continue;
        };
        if found.eq_ignore_ascii_case(key) {
            let value = comment[key.len()..].trim();
            // `value` is a piece of `raw`: its offset follows from the pointers.
            let start = at + (value.as_ptr() as usize - raw.as_ptr() as usize);
            return Some((start, value));
        }
    }
    None
}

/// The PowerShell level (one of [`POWERSHELL_LEVELS`]) the Management Shell of Exchange
/// `exchange` runs, from `specs/<version>.yaml`; `None` for a version without a shell (2003 and
/// older) and for `none`.
#[must_use]
pub fn shell_powershell(exchange: &str) -> Option<&'static str> {
    let version = canonical_exchange(exchange)?;
    let spec = crate::specs::Specs::embedded().get(version)?;
    let level = spec.shell.as_ref()?.powershell.as_str();
    POWERSHELL_LEVELS.contains(&level).then_some(level)
}

/// Decodes a `.ps1` file's bytes the way Windows PowerShell reads them: UTF-8 with BOM,
/// UTF-16 (LE or BE) with BOM, BOM-less UTF-8, and otherwise ANSI (Windows-1252). A BOM is
/// kept as a leading U+FEFF, so that [`check_script`] knows the file had one.
pub fn decode_script(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return format!("\u{feff}{}", String::from_utf8_lossy(rest));
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units = rest.chunks(2).map(|c| match (c, le) {
            ([a, b], true) => u16::from_le_bytes([*a, *b]),
            ([a, b], false) => u16::from_be_bytes([*a, *b]),
            _ => 0xfffd,
        });
        let mut s = String::from('\u{feff}');
        s.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
        s
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| text::cp1252(b)).collect(),
    }
}

#[cfg(test)]
mod tests;
