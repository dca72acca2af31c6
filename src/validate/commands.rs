//! The per-script check of `ps-check`: syntax findings, characters, and every command
//! invocation against the Exchange cmdlet reference (cmdlet and parameter availability,
//! abbreviations, mandatory parameters that would prompt, unknown commands).
//!
//! Ported from `shared/tools/ps-check` (`check_file` and what it calls) with the same
//! messages. Differences: the text comes in as a string (the caller decodes the file, see
//! [`super::decode_script`]), `none` is accepted as a version (syntax only, like 2007), and
//! parameters after `--` are not checked (they are arguments). ps-check's counters of the
//! mandatory check (`tally`) and its per-run summary line are left out.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Node;

use super::reference::{Cmdlet, ParamSet, Reference};
use super::syntax::{self, IssueKind, children, walk};
use super::text::{Lines, lossy};
use super::{Finding, Severity, difflib};

/// PowerShell common parameters and their built-in aliases (lower case -> name).
const COMMON_PARAMS: &[(&str, &str)] = &[
    ("verbose", "Verbose"),
    ("vb", "Verbose"),
    ("debug", "Debug"),
    ("db", "Debug"),
    ("erroraction", "ErrorAction"),
    ("ea", "ErrorAction"),
    ("warningaction", "WarningAction"),
    ("wa", "WarningAction"),
    ("errorvariable", "ErrorVariable"),
    ("ev", "ErrorVariable"),
    ("warningvariable", "WarningVariable"),
    ("wv", "WarningVariable"),
    ("outvariable", "OutVariable"),
    ("ov", "OutVariable"),
    ("outbuffer", "OutBuffer"),
    ("ob", "OutBuffer"),
    ("informationaction", "InformationAction"),
    ("infa", "InformationAction"),
    ("informationvariable", "InformationVariable"),
    ("iv", "InformationVariable"),
    ("pipelinevariable", "PipelineVariable"),
    ("pv", "PipelineVariable"),
    ("whatif", "WhatIf"),
    ("wi", "WhatIf"),
    ("confirm", "Confirm"),
    ("cf", "Confirm"),
];

fn common_param(key: &str) -> Option<&'static str> {
    COMMON_PARAMS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, name)| *name)
}

/// Common parameters newer than Windows PowerShell 2.0, which is what the Exchange 2010
/// Management Shell runs on.
fn newer_than_ps2(common: &str) -> Option<&'static str> {
    match common {
        "PipelineVariable" => Some("4.0"),
        "InformationAction" | "InformationVariable" => Some("5.0"),
        _ => None,
    }
}

/// Common parameters that are switches; the other common parameters take a value.
const COMMON_SWITCHES: [&str; 4] = ["Verbose", "Debug", "WhatIf", "Confirm"];

/// Core PowerShell / Windows cmdlets (and the EMS helper functions) that are not Exchange
/// cmdlets but are fine in an Exchange script.
const CORE_CMDLETS: &str = "
Add-Content Add-History Add-Member Add-PSSnapin Add-Type Add-WindowsFeature
Clear-Content Clear-Host Clear-Item Clear-ItemProperty Clear-Variable
Compare-Object Compress-Archive Connect-ExchangeServer Convert-Path
ConvertFrom-Csv ConvertFrom-Json ConvertFrom-SecureString ConvertFrom-StringData
ConvertTo-Csv ConvertTo-Html ConvertTo-Json ConvertTo-SecureString ConvertTo-Xml
Copy-Item Copy-ItemProperty Disable-PSRemoting Enable-PSRemoting Enter-PSSession
Exit-PSSession Expand-Archive Export-Alias Export-Clixml Export-Csv
Export-ModuleMember Export-PSSession ForEach-Object Format-Custom Format-List
Format-Table Format-Wide Get-Acl Get-Alias Get-AuthenticodeSignature Get-ChildItem
Get-CimInstance Get-Command Get-ComputerInfo Get-Content Get-Counter Get-Credential
Get-Culture Get-Date Get-Event Get-EventLog Get-ExCommand Get-ExecutionPolicy
Get-FileHash Get-Help Get-History Get-HotFix Get-Host Get-Item Get-ItemProperty
Get-Job Get-Location Get-Member Get-Module Get-NetIPAddress Get-PfxCertificate
Get-Process Get-PSDrive Get-PSProvider Get-PSSession Get-PSSnapin Get-Random
Get-Service Get-TypeData Get-UICulture Get-Unique Get-Variable Get-WindowsFeature
Get-WinEvent Get-WmiObject Group-Object Import-Alias Import-Clixml Import-Csv
Import-Module Import-PSSession Install-WindowsFeature Invoke-CimMethod
Invoke-Command Invoke-Expression Invoke-Item Invoke-RestMethod Invoke-WebRequest
Invoke-WmiMethod Join-Path Measure-Command Measure-Object Move-Item
Move-ItemProperty New-Alias New-CimSession New-Event New-EventLog New-Item
New-ItemProperty New-Module New-Object New-PSDrive New-PSSession
New-PSSessionOption New-SelfSignedCertificate New-TimeSpan New-Variable Out-Default
Out-File Out-GridView Out-Host Out-Null Out-Printer Out-String Pop-Location
Push-Location Read-Host Receive-Job Register-ObjectEvent Remove-CimSession
Remove-Item Remove-ItemProperty Remove-Job Remove-Module Remove-PSDrive
Remove-PSSession Remove-PSSnapin Remove-Variable Remove-WmiObject
Rename-Item Rename-ItemProperty Resolve-DnsName Resolve-Path Restart-Computer
Restart-Service Resume-Service Select-Object Select-String Select-Xml
Send-MailMessage Set-Acl Set-Alias Set-AuthenticodeSignature Set-Content Set-Date
Set-ExecutionPolicy Set-Item Set-ItemProperty Set-Location Set-PSDebug
Set-Service Set-StrictMode Set-Variable Set-WmiInstance Sort-Object Split-Path
Start-Job Start-Process Start-Service Start-Sleep Start-Transcript Stop-Computer
Stop-Job Stop-Process Stop-Service Stop-Transcript Suspend-Service Tee-Object
Test-Connection Test-NetConnection Test-Path Test-WSMan Trace-Command
Unblock-File Uninstall-WindowsFeature Update-FormatData Update-TypeData
Wait-Event Wait-Job Wait-Process Where-Object Write-Debug Write-Error Write-Host
Write-Information Write-Output Write-Progress Write-Verbose Write-Warning
";

fn core_cmdlets() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        CORE_CMDLETS
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    })
}

fn verb_noun(name: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[A-Za-z]+-[A-Za-z][A-Za-z0-9]*$").expect("valid regex"))
        .is_match(name.strip_suffix('\n').unwrap_or(name))
}

/// Splatting (`@params`) or the automatic `$args`: what gets bound is not in the text.
fn opaque_arg(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)^(?:@(?:\w+:)?\w+|[$@]args)$").expect("valid regex"))
        .is_match(text)
}

/// Typographic characters PowerShell reads as ASCII quotes / dash, with their names.
fn typographic(c: char) -> Option<(&'static str, char)> {
    Some(match c {
        '\u{2013}' => ("en dash", '-'),
        '\u{2014}' => ("em dash", '-'),
        '\u{2015}' => ("horizontal bar", '-'),
        '\u{201c}' => ("left double quotation mark", '"'),
        '\u{201d}' => ("right double quotation mark", '"'),
        '\u{201e}' => ("low double quotation mark", '"'),
        '\u{2018}' => ("left single quotation mark", '\''),
        '\u{2019}' => ("right single quotation mark", '\''),
        '\u{201a}' => ("low single quotation mark", '\''),
        '\u{201b}' => ("reversed single quotation mark", '\''),
        _ => return None,
    })
}

fn vlist(vs: &[String]) -> String {
    if vs.is_empty() {
        "none".to_owned()
    } else {
        vs.join(", ")
    }
}

/// Everything one check needs to read the original text and record findings.
struct Ctx<'a> {
    data: &'a [u8],
    lines: Lines<'a>,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn add(&mut self, off: usize, severity: Severity, message: String) {
        let (line, column) = self.lines.pos(off);
        self.findings.push(Finding {
            line,
            column,
            severity,
            message,
        });
    }

    fn text(&self, n: Node<'_>) -> String {
        lossy(self.data, n.start_byte(), n.end_byte())
    }

    /// Text of a `command_parameter` node as PowerShell reads it (a typographic dash was
    /// masked before parsing, so the node starts at its last byte).
    fn param_text(&self, el: Node<'_>) -> String {
        let (s, e) = (el.start_byte(), el.end_byte());
        let raw = &self.data[s..e.min(self.data.len())];
        if matches!(raw.first(), Some(0x93..=0x95)) && s >= 2 && &self.data[s - 2..s] == b"\xe2\x80"
        {
            let mut fixed = vec![b'-'];
            fixed.extend_from_slice(&raw[1..]);
            return String::from_utf8_lossy(&fixed).into_owned();
        }
        String::from_utf8_lossy(raw).into_owned()
    }
}

/// The `ps-check` per-file check. `reference` is `None` for a syntax-only version.
pub(crate) fn check(
    body: &str,
    has_bom: bool,
    reference: Option<&Reference>,
    version: &str,
    mandatory: Severity,
) -> Vec<Finding> {
    let data = body.as_bytes();
    let (tree, _parsed) = syntax::parse(data);
    let root = tree.root_node();
    let mut ctx = Ctx {
        data,
        lines: Lines::new(data),
        findings: Vec::new(),
    };
    // Issues of the final tree; `syntax_issues` reads the parsed bytes for its exceptions.
    let issues = syntax::syntax_issues(root, &_parsed);
    let mut open_tok = if issues.is_empty() {
        None
    } else {
        syntax::find_unterminated(data)
    };
    for issue in &issues {
        let mut msg = syntax::describe_issue(&ctx.lines, data, issue);
        if let Some((off, what)) = open_tok
            && issue.kind == IssueKind::Error
            && issue.start <= off
            && off < issue.end.max(issue.start + 1)
        {
            let (ol, oc) = ctx.lines.pos(off);
            msg.push_str(&format!("; unterminated {what} at {ol}:{oc}"));
            open_tok = None;
        }
        ctx.add(issue.start, Severity::Error, msg);
    }
    if let Some((off, what)) = open_tok {
        ctx.add(
            off,
            Severity::Error,
            format!("syntax error: unterminated {what} starts here"),
        );
    }
    let issue_spans: Vec<(usize, usize)> = issues.iter().map(|i| (i.start, i.end)).collect();

    let nodes = walk(root);
    let comments: Vec<(usize, usize)> = nodes
        .iter()
        .filter(|n| n.kind() == "comment")
        .map(|n| (n.start_byte(), n.end_byte()))
        .collect();
    check_characters(&mut ctx, body, has_bom, &comments);

    let mut defined = HashSet::new();
    let mut commands = Vec::new();
    for n in &nodes {
        match n.kind() {
            "function_statement" => {
                for c in children(*n) {
                    if c.kind() == "function_name" {
                        defined.insert(ctx.text(c).to_lowercase());
                    }
                }
            }
            "command" => commands.push(*n),
            _ => {}
        }
    }

    if let Some(reference) = reference {
        for cmd in commands {
            check_command(
                &mut ctx,
                cmd,
                reference,
                version,
                &defined,
                &issue_spans,
                mandatory,
            );
        }
    }
    let mut findings = ctx.findings;
    findings.sort_by_key(|f| (f.line, f.column)); // stable, like Python's sort
    findings
}

fn check_command(
    ctx: &mut Ctx<'_>,
    cmd: Node<'_>,
    reference: &Reference,
    version: &str,
    defined: &HashSet<String>,
    issue_spans: &[(usize, usize)],
    mandatory: Severity,
) {
    let (mut name_node, mut elements, mut invoked) = (None, None, false);
    for c in children(cmd) {
        match c.kind() {
            "command_invokation_operator" => invoked = true,
            "command_name" => name_node = Some(c),
            "command_elements" => elements = Some(c),
            _ => {}
        }
    }
    let Some(name_node) = name_node else {
        return;
    };
    if invoked {
        return; // & / . invocations: target not a static cmdlet name
    }
    let name = ctx.text(name_node);
    let key = name.to_lowercase();
    let at = name_node.start_byte();
    if let Some(cmdlet) = reference.cmdlets.get(&key) {
        if !cmdlet.versions.iter().any(|v| v == version) {
            ctx.add(
                at,
                Severity::Error,
                format!(
                    "{} is not available in Exchange {version} (documented for {})",
                    cmdlet.name,
                    vlist(&cmdlet.versions)
                ),
            );
            return;
        }
        if let Some(elements) = elements {
            check_params(ctx, cmdlet, version, elements);
        }
        check_mandatory(ctx, cmd, cmdlet, elements, version, issue_spans, mandatory);
        return;
    }
    if !verb_noun(&name) || core_cmdlets().contains(&key) || defined.contains(&key) {
        return;
    }
    let msg = if reference.cloud_only.contains(&key) {
        format!(
            "unknown command '{name}' (documented only for Exchange Online / Security & Compliance)"
        )
    } else {
        format!("unknown command '{name}'")
    };
    ctx.add(at, Severity::Warning, msg);
}

fn check_params(ctx: &mut Ctx<'_>, cmdlet: &Cmdlet, version: &str, elements: Node<'_>) {
    let cmd_name = &cmdlet.name;
    for el in children(elements) {
        if el.kind() != "command_parameter" {
            continue;
        }
        let raw = ctx.param_text(el);
        let name = raw.trim_start_matches('-').trim_end_matches(':');
        if raw.starts_with("--") {
            // `--` ends the parameters (and `--%` stops parsing): what follows is arguments.
            // Deliberate difference: ps-check goes on checking them (with 0.26.4, the
            // grammar it was written against, `--` is a syntax error, so it never mattered).
            break;
        }
        if name.is_empty() {
            continue; // '-'
        }
        let at = el.start_byte();
        let key = name.to_lowercase();
        let hit = cmdlet
            .params
            .get(&key)
            .or_else(|| cmdlet.aliases.get(&key).and_then(|p| cmdlet.params.get(p)));
        if let Some(p) = hit {
            if !p.in_version(version) {
                ctx.add(
                    at,
                    Severity::Error,
                    format!(
                        "parameter -{} of {cmd_name} is not available in Exchange {version} \
                         (documented for {})",
                        p.name,
                        vlist(&p.versions)
                    ),
                );
            }
            continue;
        }
        if let Some(common) = common_param(&key) {
            if matches!(common, "WhatIf" | "Confirm") {
                ctx.add(
                    at,
                    Severity::Warning,
                    format!(
                        "-{common} is not documented for {cmd_name}; the cmdlet may not support it"
                    ),
                );
            } else if let Some(ps) = newer_than_ps2(common).filter(|_| runs_on_ps2(version)) {
                ctx.add(
                    at,
                    Severity::Warning,
                    format!(
                        "-{common} needs PowerShell {ps}; the Exchange 2010 Management Shell \
                         runs on Windows PowerShell 2.0"
                    ),
                );
            }
            continue;
        }
        if cmdlet.cloud_params.contains(&key) {
            ctx.add(
                at,
                Severity::Error,
                format!(
                    "-{name} is documented for {cmd_name} only in Exchange Online / Security & \
                     Compliance, not in on-premises Exchange"
                ),
            );
            continue;
        }
        let mut valid: Vec<String> = cmdlet
            .params
            .values()
            .filter(|p| p.in_version(version))
            .map(|p| p.name.clone())
            .chain(COMMON_PARAMS.iter().map(|(_, n)| (*n).to_owned()))
            .collect();
        valid.sort();
        valid.dedup();
        let prefixed: Vec<&String> = valid
            .iter()
            .filter(|p| p.to_lowercase().starts_with(&key))
            .collect();
        let msg = match prefixed.as_slice() {
            [one] => format!(
                "-{name} is an abbreviation of -{one} ({cmd_name}); use the full parameter name"
            ),
            [] => {
                let hint = difflib::close_match(name, &valid, 0.75)
                    .map(|c| format!("; did you mean -{c}?"))
                    .unwrap_or_default();
                format!("-{name} is not a parameter of {cmd_name}{hint}")
            }
            many => format!(
                "-{name} is an ambiguous abbreviation for {cmd_name} (matches {}); use the full \
                 parameter name",
                many.iter()
                    .take(6)
                    .map(|p| format!("-{p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        ctx.add(at, Severity::Error, msg);
    }
}

// --- mandatory parameters: would the invocation prompt? ------------------------------

/// (named, positional) for one invocation: the set of the cmdlet's parameters bound by name
/// (lower case) and the number of positional arguments. A non-switch parameter takes the
/// next argument as its value, a switch only one joined by `:`; items of a comma list are
/// one argument. `None` when that cannot be told from the text: splatting or `$args`, a
/// parameter that does not resolve for the version (already reported), `--`.
fn bind_arguments(
    ctx: &Ctx<'_>,
    elements: Option<Node<'_>>,
    cmdlet: &Cmdlet,
    version: &str,
) -> Option<(HashSet<String>, usize)> {
    let mut named = HashSet::new();
    let mut positional = 0;
    let mut wants_value = false; // the last parameter still waits for its value
    let mut list_end: Option<usize> = None; // end of the last argument
    let mut open_quote: Option<char> = None; // a quoted string the grammar split into words
    let kids = elements.map(children).unwrap_or_default();
    for (i, el) in kids.iter().enumerate() {
        if matches!(
            el.kind(),
            "command_argument_sep" | "redirection" | "comment"
        ) {
            continue;
        }
        if el.kind() == "command_parameter" {
            let raw = ctx.param_text(*el);
            let mut key = raw
                .trim_start_matches('-')
                .trim_end_matches(':')
                .to_lowercase();
            if key.is_empty() || raw.starts_with("--") {
                return None;
            }
            if let Some(p) = cmdlet.aliases.get(&key) {
                key = p.clone();
            }
            let switch = if let Some(p) = cmdlet.params.get(&key) {
                if !p.in_version(version) {
                    return None;
                }
                let switch = cmdlet.switches.contains(&key);
                named.insert(key);
                switch
            } else if let Some(common) = common_param(&key) {
                COMMON_SWITCHES.contains(&common)
            } else {
                return None;
            };
            let colon = raw.ends_with(':')
                || kids.get(i + 1).is_some_and(|nxt| {
                    nxt.kind() == "command_argument_sep"
                        && children(*nxt).iter().any(|c| c.kind() == ":")
                });
            wants_value = colon || !switch;
            list_end = None;
            continue;
        }
        let text = ctx.text(*el);
        if opaque_arg(text.trim()) {
            return None;
        }
        // After the comma rewrite in parse(), `"a", "b c"` can come back as the bare words
        // `,"b`, `c"`: odd quotes open and close one argument.
        if let Some(q) = open_quote {
            if text.matches(q).count() % 2 == 1 {
                open_quote = None;
            }
            list_end = Some(el.end_byte());
            continue;
        }
        if el.kind() == "generic_token" {
            open_quote = ['"', '\'']
                .into_iter()
                .find(|q| text.matches(*q).count() % 2 == 1);
        }
        // Still the same argument: a node right after it with no blank between (the grammar
        // gives `$a.ToString()` as `$a.ToString` and `()`), or after a comma.
        if let Some(end) = list_end {
            let between =
                &ctx.data[end.saturating_sub(1)..(el.start_byte() + 1).min(ctx.data.len())];
            if el.start_byte() == end || between.contains(&b',') {
                list_end = Some(el.end_byte());
                continue;
            }
        }
        if wants_value {
            wants_value = false;
        } else {
            positional += 1;
        }
        list_end = Some(el.end_byte());
    }
    Some((named, positional))
}

/// True when the command is not the first element of its pipeline.
fn gets_pipeline_input(cmd: Node<'_>) -> bool {
    let Some(chain) = cmd.parent().filter(|p| p.kind() == "pipeline_chain") else {
        return false;
    };
    children(chain)
        .into_iter()
        .find(|c| c.is_named() && c.kind() != "comment")
        .is_some_and(|first| first.start_byte() != cmd.start_byte())
}

/// `None` when some parameter set of the cmdlet can be satisfied, else (missing required
/// parameters, set name) for the set missing the fewest switches (a set that needs a switch
/// nobody gave is an unlikely choice), then the fewest parameters.
///
/// `sets`: those of the version; only the ones that hold every parameter bound by name are
/// considered. Positional arguments go to the set's positional parameters not bound by name,
/// in position order; a set with fewer of those than there are positional arguments is left
/// out (that is an error, not a prompt). With pipeline input, a parameter that accepts it
/// counts as bound. Parameters not documented for the version count for nothing.
fn unsatisfied_sets<'s>(
    sets: &[&'s ParamSet],
    cmdlet: &Cmdlet,
    version: &str,
    named: &HashSet<String>,
    positional: usize,
    piped: bool,
) -> Option<(Vec<String>, &'s str)> {
    let here = |p: &String| cmdlet.params.get(p).is_some_and(|p| p.in_version(version));
    let mut best: Option<((usize, usize), Vec<String>, &str)> = None;
    for s in sets {
        if !named.is_subset(&s.members) {
            continue;
        }
        let slots: Vec<&String> = s
            .positional
            .iter()
            .filter(|p| !named.contains(*p) && here(p))
            .collect();
        if positional > slots.len() {
            continue;
        }
        let bound: HashSet<&String> = named
            .iter()
            .chain(slots[..positional].iter().copied())
            .collect();
        let missing: Vec<String> = s
            .required
            .iter()
            .filter(|p| here(p) && !bound.contains(p) && !(piped && s.pipeline.contains(*p)))
            .cloned()
            .collect();
        if missing.is_empty() {
            return None;
        }
        let rank = (
            missing
                .iter()
                .filter(|p| cmdlet.switches.contains(*p))
                .count(),
            missing.len(),
        );
        if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
            best = Some((rank, missing, &s.name));
        }
    }
    best.map(|(_, missing, name)| (missing, name))
}

/// Warn (or err) when no parameter set of the cmdlet is satisfied by the invocation, so
/// that PowerShell would prompt for the missing parameters: an unattended run hangs there.
/// Not for a command that a syntax issue touches: its parse is not to be trusted.
fn check_mandatory(
    ctx: &mut Ctx<'_>,
    cmd: Node<'_>,
    cmdlet: &Cmdlet,
    elements: Option<Node<'_>>,
    version: &str,
    issue_spans: &[(usize, usize)],
    severity: Severity,
) {
    let sets: Vec<&ParamSet> = cmdlet
        .sets
        .iter()
        .filter(|s| s.versions.iter().any(|v| v == version))
        .collect();
    if sets.is_empty() {
        return;
    }
    if issue_spans
        .iter()
        .any(|&(s, e)| s <= cmd.end_byte() && e >= cmd.start_byte())
    {
        return;
    }
    let Some((named, positional)) = bind_arguments(ctx, elements, cmdlet, version) else {
        return;
    };
    let piped = gets_pipeline_input(cmd);
    let Some((missing, set_name)) =
        unsatisfied_sets(&sets, cmdlet, version, &named, positional, piped)
    else {
        return;
    };
    let where_ = if sets.len() > 1 {
        format!(" (parameter set {set_name})")
    } else {
        String::new()
    };
    let list = missing
        .iter()
        .map(|p| format!("-{}", cmdlet.params[p].name))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.add(
        cmd.start_byte(),
        severity,
        format!(
            "{} would prompt for mandatory parameter(s) {list}{where_}",
            cmdlet.name
        ),
    );
}

/// Outside comments: typographic dashes/quotes (pasted from documents; PowerShell accepts
/// them, this grammar does not), and non-ASCII text in a file without BOM (Windows
/// PowerShell reads such a file as ANSI, where the bytes of one UTF-8 character can turn
/// into a quote character).
fn check_characters(ctx: &mut Ctx<'_>, body: &str, has_bom: bool, comments: &[(usize, usize)]) {
    let mut seen_lines = HashSet::new();
    let mut first_non_ascii = None;
    for (off, ch) in body.char_indices() {
        if ch.is_ascii() || comments.iter().any(|&(s, e)| s <= off && off < e) {
            continue;
        }
        first_non_ascii.get_or_insert(off);
        if let Some((what, ascii)) = typographic(ch) {
            let (line, _) = ctx.lines.pos(off);
            if seen_lines.insert(line) {
                ctx.add(
                    off,
                    Severity::Warning,
                    format!(
                        "typographic character U+{:04X} ({what}): PowerShell reads it as {ascii}, \
                         but write the ASCII character",
                        u32::from(ch)
                    ),
                );
            }
        }
    }
    if let (Some(off), false) = (first_non_ascii, has_bom) {
        ctx.add(
            off,
            Severity::Warning,
            "non-ASCII text in a file without a byte-order mark: Windows PowerShell reads it as \
             ANSI; save as UTF-8 with BOM or keep the script ASCII"
                .to_owned(),
        );
    }
}

/// Whether the Management Shell of `version` runs on Windows PowerShell 2.0 (from `specs/`).
fn runs_on_ps2(version: &str) -> bool {
    crate::specs::Specs::embedded()
        .get(version)
        .is_some_and(|s| s.shell.as_ref().is_some_and(|sh| sh.powershell == "2.0"))
}
