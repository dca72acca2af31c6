//! Tests of the public validation API on the exemplar fixtures and small scripts.
//!
//! Cross-check with `shared/tools/ps-check`: run on the grammar this crate uses
//! (tree-sitter-powershell 0.26.6, built from the crate's C sources and loaded into the
//! Python binding, since PyPI stops at 0.26.4), the two tools printed identical findings on
//! both fixtures, about 60 hand-written scripts and snippets from the project docs, and 400
//! randomly mutated versions of the fixtures, for Exchange 2007, 2010, 2013 and SE, with the
//! one deliberate difference tested in `end_of_parameters_stops_the_parameter_check`.
//! With PyPI's 0.26.4 a few ERROR spans differ: that grammar splits `-CustomAttribute1`
//! and rejects `--`, which 0.26.6 parses.

use sha2::{Digest, Sha256};

use super::*;

const CLIENT_ACCESS_2010: &[u8] =
    include_bytes!("../../tests/fixtures/validate/04-client-access.ps1");
const GALSYNC_2007: &[u8] =
    include_bytes!("../../tests/fixtures/validate/galsync-contacts-2007.ps1");

fn errors(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

fn strings(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(ToString::to_string).collect()
}

#[test]
fn exemplars_are_clean_at_their_level() {
    for (bytes, exchange, ps) in [
        (CLIENT_ACCESS_2010, "2010", "2.0"),
        (GALSYNC_2007, "2007", "1.0"),
    ] {
        assert!(bytes.starts_with(b"\xef\xbb\xbf"), "fixture lost its BOM");
        let text = decode_script(bytes);
        assert_eq!(exchange_header(&text), Some(exchange));
        assert_eq!(
            strings(&check_script(&text, exchange, true)),
            Vec::<String>::new()
        );
        assert_eq!(strings(&check_constructs(&text, ps)), Vec::<String>::new());
    }
    // The 2007 script is also valid for the 2010 shell's cmdlets (ps-check agrees).
    let galsync = decode_script(GALSYNC_2007);
    assert_eq!(
        strings(&check_script(&galsync, "2010", true)),
        Vec::<String>::new()
    );
    // ... but the 2010 one is not PowerShell 1.0.
    let client = decode_script(CLIENT_ACCESS_2010);
    let at_1 = strings(&check_constructs(&client, "1.0"));
    assert!(
        at_1.iter()
            .any(|f| f.starts_with("14:1: error: try/catch/finally needs PowerShell 2.0")),
        "{at_1:#?}"
    );
    assert!(
        at_1.iter()
            .any(|f| f.starts_with("7:1: error: [CmdletBinding()]")),
        "{at_1:#?}"
    );
}

#[test]
fn vendored_reference_is_unchanged() {
    let json = include_bytes!("../../specs/exchange-cmdlets.json");
    let digest = Sha256::digest(json);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    // The hash specs/README.md gives for the copy of shared/reference/exchange-cmdlets.json.
    assert_eq!(
        hex,
        "3ca729469fda747e699874bacefa47e85203d9e72bb66a8b37b5c2ef35c662f9"
    );
}

#[test]
fn cmdlet_missing_in_the_version_is_an_error() {
    let s = "Get-MigrationBatch -Identity 'Wave1'\r\n";
    assert_eq!(
        errors(&check_script(s, "2010", false)),
        [
            "1:1: error: Get-MigrationBatch is not available in Exchange 2010 (documented for 2013, 2016, 2019, SE)"
        ]
    );
    assert!(check_script(s, "2013", false).is_empty());
    // Lookup is case-insensitive, as in PowerShell.
    assert_eq!(
        errors(&check_script("get-migrationbatch", "2010", false)).len(),
        1
    );
}

#[test]
fn unknown_abbreviated_and_newer_parameters() {
    let s = "Get-Mailbox -Identity a -Foo b -Identiy x -Res 5 -Da x\n";
    assert_eq!(
        errors(&check_script(s, "2010", false)),
        [
            "1:25: error: -Foo is not a parameter of Get-Mailbox",
            "1:32: error: -Identiy is not a parameter of Get-Mailbox; did you mean -Identity?",
            "1:43: error: -Res is an abbreviation of -ResultSize (Get-Mailbox); use the full parameter name",
            "1:50: error: -Da is an abbreviation of -Database (Get-Mailbox); use the full parameter name",
        ]
    );
    // Valid in 2013, not in 2010.
    let s = "Get-Mailbox -PublicFolder\n";
    assert_eq!(
        errors(&check_script(s, "2010", false)),
        [
            "1:13: error: parameter -PublicFolder of Get-Mailbox is not available in Exchange 2010 (documented for 2013, 2016, 2019, SE)"
        ]
    );
    assert!(check_script(s, "2013", false).is_empty());
}

#[test]
fn common_parameters_and_their_aliases_are_accepted() {
    let s = "Set-Mailbox -Identity x -HiddenFromAddressListsEnabled $true -ea Stop -wi -Verbose -Confirm:$false -ErrorVariable e\n";
    assert!(check_script(s, "2010", true).is_empty());
    // -WhatIf where the docs do not list it: a warning.
    let f = check_script("Get-Mailbox -WhatIf", "2010", true);
    assert_eq!(
        strings(&f),
        ["1:13: warning: -WhatIf is not documented for Get-Mailbox; the cmdlet may not support it"]
    );
}

#[test]
fn mandatory_parameters_prompt_unless_bound() {
    let s = "New-MoveRequest -TargetDatabase 'DB2'\n";
    assert_eq!(
        strings(&check_script(s, "2010", true)),
        [
            "1:1: error: New-MoveRequest would prompt for mandatory parameter(s) -Identity (parameter set MigrationLocal)"
        ]
    );
    let lenient = check_script(s, "2010", false);
    assert_eq!(lenient.len(), 1);
    assert_eq!(lenient[0].severity, Severity::Warning);
    // Pipeline input binds -Identity for a command that is not first in its pipeline.
    assert!(
        check_script(
            "Get-Mailbox | New-MoveRequest -TargetDatabase 'DB2'",
            "2010",
            true
        )
        .is_empty()
    );
    // So does a positional argument.
    assert!(
        check_script(
            "New-MoveRequest 'someone' -TargetDatabase 'DB2'",
            "2010",
            true
        )
        .is_empty()
    );
    // Another set's required parameters: the set is chosen by its switch.
    assert_eq!(
        errors(&check_script(
            "New-MoveRequest -Identity a -Remote -TargetDatabase d",
            "2010",
            true
        )),
        [
            "1:1: error: New-MoveRequest would prompt for mandatory parameter(s) -RemoteHostName (parameter set MigrationRemote)"
        ]
    );
    // Binding that cannot be read from the text is not judged: splatting, $args.
    assert!(check_script("$p = @{ Identity = 'x' }\nNew-MoveRequest @p", "2010", true).is_empty());
    assert!(check_script("New-MoveRequest $args", "2010", true).is_empty());
}

#[test]
fn syntax_errors_have_positions() {
    let f = check_script("Get-Date\nif ($x { }\n", "2010", false);
    assert_eq!(strings(&f), ["2:1: error: syntax error near 'if ($x { }'"]);
    let f = check_script("function f {\n  Get-Mailbox -Identity x\n", "none", false);
    assert_eq!(
        strings(&f),
        ["2:26: error: syntax error: missing '}' to close '{' opened at 1:12"]
    );
    let f = check_script("Write-Host \"unterminated\nGet-Mailbox\n", "2007", false);
    assert_eq!(
        strings(&f),
        [
            "1:1: error: syntax error near 'Write-Host \"unterminated' (unparsed through line 2); unterminated string at 1:12"
        ]
    );
}

#[test]
fn grammar_gaps_do_not_produce_false_errors() {
    let s = concat!(
        "Get-PublicFolder -Identity \\ -Recurse | Select-Object Name,Replicas\r\n",
        "Get-PublicFolder -Identity \\ | Select-Object Name, Replicas\r\n",
        "Set-OwaVirtualDirectory -Identity 'MAIL2010\\owa (Default Web Site)' -Exchange2003Url 'https://mail.contoso.com/exchange'\r\n",
        "Set-Mailbox -Identity x -CustomAttribute1 'y'\r\n",
        "Get-ChildItem -Path $env:TEMP\\x.log\r\n",
        "switch ($a) { 1 { 'a' } 2 { 'b' } }\r\n",
        "Write-Output a,\"b c\",$x\r\n",
    );
    assert_eq!(
        strings(&check_script(s, "2010", true)),
        Vec::<String>::new()
    );
    // Empty, comment-only and param-only scripts are valid.
    for s in [
        "",
        "# only a comment\r\n",
        "<# block\r\ncomment #>\r\n",
        "param([string]$a)\r\n",
    ] {
        assert_eq!(
            strings(&check_script(s, "2010", true)),
            Vec::<String>::new(),
            "{s:?}"
        );
    }
}

#[test]
fn typographic_characters_warn_but_parse() {
    let s = "\u{feff}Set-Mailbox \u{2013}Identity \u{2018}x\u{2019} -CustomAttribute1 \u{201c}y\u{201d}\n";
    assert_eq!(
        strings(&check_script(s, "2010", true)),
        [
            "1:13: warning: typographic character U+2013 (en dash): PowerShell reads it as -, but write the ASCII character"
        ]
    );
    // Without a BOM, non-ASCII text is read as ANSI by Windows PowerShell.
    let f = strings(&check_script(&s[3..], "2010", true));
    assert!(
        f.iter().any(|m| m.contains("without a byte-order mark")),
        "{f:#?}"
    );
}

#[test]
fn unknown_commands_warn() {
    let s =
        "Get-Foo\nfunction Invoke-Stuff { }\nInvoke-Stuff\nAdd-RecipientPermission -Identity x\n";
    assert_eq!(
        strings(&check_script(s, "2010", true)),
        [
            "1:1: warning: unknown command 'Get-Foo'",
            "4:1: warning: unknown command 'Add-RecipientPermission' (documented only for Exchange Online / Security & Compliance)",
        ]
    );
}

#[test]
fn end_of_parameters_stops_the_parameter_check() {
    // Deliberate difference: ps-check goes on to report `-x` (with 0.26.4, its grammar,
    // `--` was a syntax error anyway); after `--` it is an argument.
    assert!(errors(&check_script("Get-Mailbox -- -x", "2010", false)).is_empty());
}

#[test]
fn versions_and_syntax_only_modes() {
    // 2007 and older, and none: syntax only.
    for v in ["2000", "2003", "2007", "none", "NONE"] {
        assert!(
            check_script("Get-MigrationBatch -Bogus 1", v, true).is_empty(),
            "{v}"
        );
    }
    assert!(check_script("Get-MigrationBatch", "se", true).is_empty());
    let f = check_script("Get-Date", "2011", true);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.starts_with("unknown Exchange version '2011'"));
    let f = check_constructs("Get-Date", "6.0");
    assert!(f[0].message.starts_with("unknown PowerShell level '6.0'"));
}

#[test]
fn constructs_per_level() {
    let s = "try { Get-Date } catch { }\n";
    assert_eq!(
        strings(&check_constructs(s, "1.0")),
        [
            "1:1: error: try/catch/finally needs PowerShell 2.0, but this script targets PowerShell 1.0: PowerShell 1.0 handles errors with trap {} and -ErrorAction / $ErrorActionPreference"
        ]
    );
    assert!(check_constructs(s, "2.0").is_empty());
    let s = "$h = [ordered]@{ a = 1 }\n";
    let f = strings(&check_constructs(s, "2.0"));
    assert_eq!(f.len(), 1);
    assert!(
        f[0].starts_with("1:6: error: [ordered] needs PowerShell 3.0"),
        "{f:#?}"
    );
    assert!(check_constructs(s, "3.0").is_empty());
    // -include is not -in; strings and comments are not code.
    let s = "Get-ChildItem -Path . -include *.log # $a -in $b\nWrite-Host '$a -in $b'\n";
    assert!(check_constructs(s, "1.0").is_empty());
    assert_eq!(check_constructs("if ($a -in $b) { }", "2.0").len(), 1);
    // PowerShell 7 constructs are reported at every level.
    assert_eq!(check_constructs("$a = $b ?? 'c'", "5.1").len(), 1);
    assert!(check_constructs("class Foo { }", "5.1").is_empty());
}

#[test]
fn exchange_header_reads_the_header_block() {
    assert_eq!(
        exchange_header("# Generated\r\n# Exchange: 2010\r\n"),
        Some("2010")
    );
    assert_eq!(exchange_header("\u{feff}#Exchange:SE\n"), Some("SE"));
    assert_eq!(exchange_header("# Exchange: none\n"), Some("none"));
    assert_eq!(exchange_header("# Exchange: 2011\n"), None);
    assert_eq!(exchange_header("Get-Date\n# Exchange: 2010\n"), None);
    assert_eq!(exchange_header(""), None);
}

#[test]
fn decode_script_follows_powershell() {
    assert_eq!(decode_script(b"\xef\xbb\xbfa"), "\u{feff}a");
    assert_eq!(decode_script(b"\xff\xfea\x00\x19\x20"), "\u{feff}a\u{2019}");
    assert_eq!(decode_script(b"\xfe\xff\x00a"), "\u{feff}a");
    assert_eq!(decode_script(b"caf\xc3\xa9"), "caf\u{e9}");
    // Not UTF-8: ANSI (Windows-1252).
    assert_eq!(decode_script(b"caf\xe9 \x92"), "caf\u{e9} \u{2019}");
}
