//! `exgen lint`: the validator of generated scripts ([`crate::validate`]) run on scripts
//! written by hand, its findings turned into coded [`Diagnostic`]s (E08xx, W08xx) on a
//! [`SourceFile`] of the script, so the renderer of `exgen check` prints them.
//!
//! The Exchange version comes from the caller (`--exchange`) or else from the script's
//! `# Exchange:` header; without either only the syntax is checked, and E0807 says why. The
//! PowerShell level for the construct check is the one the version's Management Shell runs
//! (`specs/<version>.yaml`); for a script of plain Windows PowerShell (`none`, or a version
//! without a shell) it is the script's `# PowerShell:` header or `#Requires -Version`, and
//! without those constructs are not checked.
//!
//! ```
//! let (file, diagnostics) = exgen::lint::lint("move.ps1", b"Move-Mailbox jdoe\n", Some("2010"));
//! assert_eq!(file.name(), "move.ps1");
//! assert_eq!(diagnostics.iter().next().map(|d| d.code.as_str()), Some("E0802"));
//! ```

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use crate::validate::{self, Finding, Kind, NO_EXCHANGE, POWERSHELL_LEVELS};

/// The largest script `exgen lint` reads: 8 MiB. Scripts people write, and those exgen
/// writes, are kilobytes; a file far larger is not a script, and parsing it would only take
/// long. docs/cli.md documents it.
pub const MAX_SCRIPT_BYTES: u64 = 8 * 1024 * 1024;

/// The code `exgen lint` reports a finding of `kind` under.
#[must_use]
pub fn code(kind: Kind) -> Code {
    match kind {
        Kind::Syntax => Code::E0801,
        Kind::UnavailableCmdlet => Code::E0802,
        Kind::UnavailableParameter => Code::E0803,
        Kind::UnknownParameter => Code::E0804,
        Kind::Prompt => Code::E0805,
        Kind::NewerPowerShell => Code::E0806,
        Kind::UnknownTarget => Code::E0807,
        Kind::UnknownCommand => Code::W0801,
        Kind::CommandAlias => Code::W0802,
        Kind::ShortParameter => Code::W0803,
        Kind::Positional => Code::W0804,
        Kind::Typographic => Code::W0805,
        Kind::Encoding => Code::W0806,
        Kind::UndocumentedCommon => Code::W0807,
        Kind::Superseded => Code::W0808,
    }
}

/// Lints the script `bytes`, known to the user as `name`, for Exchange `exchange` (one of
/// [`validate::exchange_versions`], any case) or, when `None`, the version its
/// `# Exchange:` header names. Returns the script's text (decoded as Windows PowerShell reads
/// it, without byte-order mark) and the diagnostics, sorted by position.
///
/// An `exchange` that is not a known version is reported as E0807; the command line refuses
/// it before.
#[must_use]
pub fn lint(name: &str, bytes: &[u8], exchange: Option<&str>) -> (SourceFile, Diagnostics) {
    let text = validate::decode_script(bytes);
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let file = SourceFile::new(name, body);
    let mut diagnostics = Diagnostics::new();
    let version = match exchange {
        Some(v) => known_version(v).ok_or_else(|| {
            Box::new(
                Diagnostic::new(
                    Code::E0807,
                    Span::new(0, 0),
                    format!("unknown Exchange version `{v}`"),
                )
                .with_help(format!("the versions are {}", versions_list())),
            )
        }),
        None => header_version(body),
    };
    let version = match version {
        Ok(v) => v,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            // The syntax can still be checked.
            NO_EXCHANGE
        }
    };
    let mut findings = validate::lint_script(&text, version);
    if let Some(level) = powershell_level(body, version) {
        findings.extend(validate::check_constructs(body, level));
    }
    for finding in findings {
        diagnostics.push(diagnostic(&file, finding));
    }
    diagnostics.sort();
    // A common parameter newer than the shell (`-PipelineVariable` on 2.0) is found both by
    // the cmdlet check and by the construct table: one diagnostic is enough.
    diagnostics
        .0
        .dedup_by(|a, b| a.code == b.code && a.primary.span.start == b.primary.span.start);
    (file, diagnostics)
}

/// The canonical spelling of a known Exchange version.
fn known_version(v: &str) -> Option<&'static str> {
    validate::exchange_versions()
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(v.trim()))
}

fn versions_list() -> String {
    validate::exchange_versions().join(", ")
}

/// The version the script's `# Exchange:` header names, or E0807 saying what is missing.
fn header_version(body: &str) -> Result<&'static str, Box<Diagnostic>> {
    let Some((at, value)) = validate::header_line(body, "exchange:") else {
        return Err(Box::new(Diagnostic::new(
            Code::E0807,
            Span::new(0, 0),
            "no Exchange version for this script: no `--exchange` and no `# Exchange:` header; only its syntax is checked",
        )
        .with_help(format!(
            "pass `--exchange VERSION`, or start the script with a line `# Exchange: VERSION` ({})",
            versions_list()
        ))));
    };
    let word = value.split_whitespace().next().unwrap_or("");
    known_version(word).ok_or_else(|| {
        Box::new(Diagnostic::new(
            Code::E0807,
            Span::new(at, at + value.len()),
            format!(
                "the `# Exchange:` header names `{value}`, which is not an Exchange version; only the script's syntax is checked"
            ),
        )
        .with_label("not a version")
        .with_help(format!(
            "write one of {} (or pass `--exchange VERSION`)",
            versions_list()
        )))
    })
}

/// The PowerShell level to check constructs against: the Management Shell's for a version that
/// has one, else the script's `# PowerShell:` header or `#Requires -Version`.
fn powershell_level(body: &str, version: &str) -> Option<&'static str> {
    if let Some(level) = validate::shell_powershell(version) {
        return Some(level);
    }
    let stated = validate::header_line(body, "powershell:")
        .map(|(_, v)| v.split_whitespace().next().unwrap_or(""))
        .or_else(|| requires_version(body))?;
    let with_minor = if stated.contains('.') {
        stated.to_owned()
    } else {
        format!("{stated}.0")
    };
    POWERSHELL_LEVELS
        .iter()
        .copied()
        .find(|l| *l == stated || *l == with_minor)
}

/// The version of a `#Requires -Version N` line, PowerShell's own way to state it.
fn requires_version(body: &str) -> Option<&str> {
    body.lines().find_map(|line| {
        let rest = line.trim().strip_prefix('#')?;
        if !rest.get(..8)?.eq_ignore_ascii_case("requires") {
            return None;
        }
        let mut words = rest[8..].split_whitespace();
        while let Some(word) = words.next() {
            if word.eq_ignore_ascii_case("-version") {
                return words.next();
            }
        }
        None
    })
}

/// A finding as a diagnostic of the script.
fn diagnostic(file: &SourceFile, finding: Finding) -> Diagnostic {
    let end = finding.span.end.min(file.text().len());
    let start = finding.span.start.min(end);
    let mut diagnostic =
        Diagnostic::new(code(finding.kind), Span::new(start, end), finding.message);
    if let Some(help) = finding.help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(diagnostics: &Diagnostics) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn the_version_comes_from_the_argument_or_the_header() {
        let script = b"# Exchange: 2013\nEnable-OutlookAnywhere -Server EX1\n";
        let (_, d) = lint("a.ps1", script, None);
        assert_eq!(codes(&d), ["E0802"]);
        let (_, d) = lint("a.ps1", script, Some("2010"));
        assert!(!codes(&d).contains(&"E0802"), "{d:?}");
        let (_, d) = lint("a.ps1", b"Get-Mailbox -Identity x\n", None);
        assert_eq!(codes(&d), ["E0807"]);
        let (file, d) = lint("a.ps1", b"# Exchange: 2011\nGet-Date\n", None);
        assert_eq!(codes(&d), ["E0807"]);
        assert_eq!(file.slice(d.0[0].primary.span), "2011");
    }

    #[test]
    fn the_level_of_a_script_without_shell_comes_from_its_header_or_requires() {
        assert_eq!(powershell_level("Get-Date", "2010"), Some("2.0"));
        assert_eq!(powershell_level("# PowerShell: 3.0\n", "none"), Some("3.0"));
        assert_eq!(
            powershell_level("#Requires -Version 2\n", "none"),
            Some("2.0")
        );
        assert_eq!(
            powershell_level("#requires -version 4.0\n", "2003"),
            Some("4.0")
        );
        assert_eq!(powershell_level("Get-Date\n", "none"), None);
        let (_, d) = lint(
            "a.ps1",
            b"#Requires -Version 1.0\ntry { } finally { }\n",
            Some("none"),
        );
        assert_eq!(codes(&d), ["E0806"]);
        let (_, d) = lint("a.ps1", b"Get-Mailbox -PipelineVariable m\n", Some("2010"));
        assert_eq!(codes(&d), ["E0806"]);
    }

    #[test]
    fn a_typographic_dash_is_text_in_a_string_but_not_before_a_parameter() {
        let bom = |s: &str| format!("\u{feff}# Exchange: 2016\n{s}\n").into_bytes();
        let in_string = "Set-Mailbox -Identity 'jdoe' -DisplayName 'Sales \u{2013} Europe'";
        let (_, d) = lint("a.ps1", &bom(in_string), None);
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = lint("a.ps1", &bom("Get-Mailbox \u{2013}Identity 'jdoe'"), None);
        assert_eq!(codes(&d), ["W0805"]);
        // A curly quote in a string ends it in PowerShell: still reported.
        let (_, d) = lint("a.ps1", &bom("Write-Host 'it\u{2019}s'"), None);
        assert!(codes(&d).contains(&"W0805"), "{d:?}");
    }

    #[test]
    fn every_kind_has_a_script_code() {
        for kind in [
            Kind::Syntax,
            Kind::UnavailableCmdlet,
            Kind::UnavailableParameter,
            Kind::UnknownParameter,
            Kind::Prompt,
            Kind::NewerPowerShell,
            Kind::UnknownTarget,
            Kind::UnknownCommand,
            Kind::CommandAlias,
            Kind::ShortParameter,
            Kind::Positional,
            Kind::Typographic,
            Kind::Encoding,
            Kind::UndocumentedCommon,
            Kind::Superseded,
        ] {
            assert!(code(kind).is_about_a_script(), "{kind:?}");
        }
    }
}
