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

use super::names::{self, next_version, version_index};
use super::reference::{Cmdlet, ParamSet, Reference};
use super::syntax::{self, IssueKind, children, walk};
use super::text::{Lines, lossy};
use super::{Finding, Kind, Severity, difflib};

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

/// Whether `name` (any case) is one of the core PowerShell cmdlets an Exchange script may use.
#[cfg(test)]
pub(crate) fn is_core_cmdlet(name: &str) -> bool {
    core_cmdlets().contains(&name.to_lowercase())
}

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
    /// `exgen lint`'s checks beyond ps-check's: aliases, parameter aliases and positional
    /// arguments spelled out, replaced and superseded cmdlets.
    lint: bool,
}

impl Ctx<'_> {
    /// Records a finding about the bytes `span`; returns it, to add a help line.
    fn add(
        &mut self,
        kind: Kind,
        span: std::ops::Range<usize>,
        severity: Severity,
        message: String,
    ) -> &mut Finding {
        let (line, column) = self.lines.pos(span.start);
        self.findings.push(Finding {
            line,
            column,
            severity,
            message,
            kind,
            span,
            help: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// [`Self::add`] for a node.
    fn add_at(
        &mut self,
        kind: Kind,
        node: Node<'_>,
        severity: Severity,
        message: String,
    ) -> &mut Finding {
        self.add(kind, node.start_byte()..node.end_byte(), severity, message)
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
    lint: bool,
) -> Vec<Finding> {
    let data = body.as_bytes();
    let (tree, _parsed) = syntax::parse(data);
    let root = tree.root_node();
    let mut ctx = Ctx {
        data,
        lines: Lines::new(data),
        findings: Vec::new(),
        lint,
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
        ctx.add(
            Kind::Syntax,
            issue.start..issue.end.max(issue.start),
            Severity::Error,
            msg,
        );
    }
    if let Some((off, what)) = open_tok {
        ctx.add(
            Kind::Syntax,
            off..off + 1,
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
    let table = names::get();
    if let Some(cmdlet) = reference.cmdlets.get(&key) {
        if !cmdlet.versions.iter().any(|v| v == version) {
            let change = version_change(&cmdlet.versions, version);
            let help = match (table.replacement(&key, version), change) {
                (Some(r), Some(change)) => {
                    Some(format!("{change}; use `{}` instead ({})", r.use_, r.why))
                }
                (Some(r), None) => Some(format!("use `{}` instead ({})", r.use_, r.why)),
                (None, change) => change,
            };
            ctx.add_at(
                Kind::UnavailableCmdlet,
                name_node,
                Severity::Error,
                format!(
                    "{} is not available in Exchange {version} (documented for {})",
                    cmdlet.name,
                    vlist(&cmdlet.versions)
                ),
            )
            .help = help;
            return;
        }
        if let Some(r) = table
            .replacement(&key, version)
            .filter(|r| r.superseded && ctx.lint)
        {
            ctx.add_at(
                Kind::Superseded,
                name_node,
                Severity::Warning,
                format!(
                    "{} is still listed for Exchange {version}, but {}",
                    cmdlet.name, r.why
                ),
            )
            .help = Some(format!("use `{}` instead", r.use_));
        }
        if let Some(elements) = elements {
            check_params(ctx, cmdlet, version, elements);
        }
        let sets = sets_of(cmdlet, version);
        let touched = issue_spans
            .iter()
            .any(|&(s, e)| s <= cmd.end_byte() && e >= cmd.start_byte());
        if touched || sets.is_empty() {
            return; // a parse not to be trusted, or nothing known about binding
        }
        if let Some(bound) = bind_arguments(ctx, elements, cmdlet, version) {
            if ctx.lint {
                check_positional(ctx, cmdlet, version, &sets, &bound);
            }
            check_mandatory(
                ctx, cmd, name_node, cmdlet, version, &sets, &bound, mandatory,
            );
        }
        return;
    }
    if defined.contains(&key) {
        return; // the script's own function
    }
    if let Some(full) = table.alias(&key).filter(|_| ctx.lint) {
        ctx.add_at(
            Kind::CommandAlias,
            name_node,
            Severity::Warning,
            format!("'{name}' is an alias of {full}"),
        )
        .help = Some(format!("write `{full}`"));
        return;
    }
    if let Some(r) = table
        .replacement(&key, version)
        .filter(|r| !r.superseded && ctx.lint)
    {
        let last = r.last.as_deref().unwrap_or("an earlier version");
        ctx.add_at(
            Kind::UnavailableCmdlet,
            name_node,
            Severity::Error,
            format!(
                "{} is not available in Exchange {version} (last in Exchange {last}, removed in \
                 Exchange {})",
                r.cmdlet, r.from
            ),
        )
        .help = Some(format!("use `{}` instead ({})", r.use_, r.why));
        return;
    }
    if !verb_noun(&name) || core_cmdlets().contains(&key) {
        return;
    }
    let msg = if reference.cloud_only.contains(&key) {
        format!(
            "unknown command '{name}' (documented only for Exchange Online / Security & Compliance)"
        )
    } else {
        format!("unknown command '{name}'")
    };
    let help = close_command(reference, version, &name).map(|c| format!("did you mean `{c}`?"));
    ctx.add_at(Kind::UnknownCommand, name_node, Severity::Warning, msg)
        .help = help;
}

/// The Exchange cmdlet of `version`, or core cmdlet, whose name is closest to `name`.
fn close_command(reference: &Reference, version: &str, name: &str) -> Option<String> {
    let known: Vec<&str> = reference
        .cmdlets
        .values()
        .filter(|c| c.versions.iter().any(|v| v == version))
        .map(|c| c.name.as_str())
        .chain(CORE_CMDLETS.split_whitespace())
        .collect();
    // Sorted so that ties do not depend on the hash map's order.
    let mut known = known;
    known.sort_unstable();
    crate::diag::suggest::did_you_mean(name, &known).map(str::to_owned)
}

/// When something documented for `versions` (oldest first) stopped or started being there,
/// seen from `version`: "removed in Exchange 2013" (the first known version after the last
/// one documented) or "added in Exchange 2013".
fn version_change(versions: &[String], version: &str) -> Option<String> {
    let at = version_index(version)?;
    let first = versions.iter().filter_map(|v| version_index(v)).min()?;
    let last = versions.iter().filter_map(|v| version_index(v)).max()?;
    if at > last {
        let removed = next_version(&crate::specs::Specs::embedded().known()[last].name)?;
        Some(format!("removed in Exchange {removed}"))
    } else if at < first {
        Some(format!(
            "added in Exchange {}",
            crate::specs::Specs::embedded().known()[first].name
        ))
    } else {
        None
    }
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
        let key = name.to_lowercase();
        let hit = cmdlet
            .params
            .get(&key)
            .or_else(|| cmdlet.aliases.get(&key).and_then(|p| cmdlet.params.get(p)));
        if let Some(p) = hit {
            if !p.in_version(version) {
                ctx.add_at(
                    Kind::UnavailableParameter,
                    el,
                    Severity::Error,
                    format!(
                        "parameter -{} of {cmd_name} is not available in Exchange {version} \
                         (documented for {})",
                        p.name,
                        vlist(&p.versions)
                    ),
                )
                .help = version_change(&p.versions, version);
            } else if ctx.lint && !cmdlet.params.contains_key(&key) {
                ctx.add_at(
                    Kind::ShortParameter,
                    el,
                    Severity::Warning,
                    format!("-{name} is an alias of -{} ({cmd_name})", p.name),
                )
                .help = Some(format!("write `-{}`", p.name));
            }
            continue;
        }
        if let Some(common) = common_param(&key) {
            if matches!(common, "WhatIf" | "Confirm") {
                ctx.add_at(
                    Kind::UndocumentedCommon,
                    el,
                    Severity::Warning,
                    format!(
                        "-{common} is not documented for {cmd_name}; the cmdlet may not support it"
                    ),
                );
            } else if let Some(ps) = newer_than_ps2(common).filter(|_| runs_on_ps2(version)) {
                ctx.add_at(
                    Kind::NewerPowerShell,
                    el,
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
            ctx.add_at(
                Kind::UnknownParameter,
                el,
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
        let (kind, help, msg) = match prefixed.as_slice() {
            [one] => (
                Kind::ShortParameter,
                Some(format!("write `-{one}`")),
                format!(
                    "-{name} is an abbreviation of -{one} ({cmd_name}); use the full parameter name"
                ),
            ),
            [] => {
                let close = difflib::close_match(name, &valid, 0.75);
                let hint = close
                    .as_ref()
                    .map(|c| format!("; did you mean -{c}?"))
                    .unwrap_or_default();
                (
                    Kind::UnknownParameter,
                    close.map(|c| format!("write `-{c}`")),
                    format!("-{name} is not a parameter of {cmd_name}{hint}"),
                )
            }
            many => (
                Kind::UnknownParameter,
                None,
                format!(
                    "-{name} is an ambiguous abbreviation for {cmd_name} (matches {}); use the full \
                 parameter name",
                    many.iter()
                        .take(6)
                        .map(|p| format!("-{p}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        ctx.add_at(kind, el, Severity::Error, msg).help = help;
    }
}

// --- mandatory parameters: would the invocation prompt? ------------------------------

/// How one invocation binds its arguments, as far as the text tells.
#[derive(Default)]
struct Bound {
    /// The cmdlet's parameters bound by name (lower case).
    named: HashSet<String>,
    /// The bytes of each positional argument, in order.
    positional: Vec<std::ops::Range<usize>>,
}

/// The parameters bound by name and the positional arguments of one invocation. A non-switch parameter takes the
/// next argument as its value, a switch only one joined by `:`; items of a comma list are
/// one argument. `None` when that cannot be told from the text: splatting or `$args`, a
/// parameter that does not resolve for the version (already reported), `--`.
fn bind_arguments(
    ctx: &Ctx<'_>,
    elements: Option<Node<'_>>,
    cmdlet: &Cmdlet,
    version: &str,
) -> Option<Bound> {
    let mut named = HashSet::new();
    let mut positional: Vec<std::ops::Range<usize>> = Vec::new();
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
            extend_last(&mut positional, list_end, el.end_byte());
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
                extend_last(&mut positional, list_end, el.end_byte());
                list_end = Some(el.end_byte());
                continue;
            }
        }
        if wants_value {
            wants_value = false;
        } else {
            positional.push(el.start_byte()..el.end_byte());
        }
        list_end = Some(el.end_byte());
    }
    Some(Bound { named, positional })
}

/// Grows the last positional argument to `end` when it is the argument that ended at
/// `list_end` (a value of a named parameter is not recorded).
fn extend_last(positional: &mut [std::ops::Range<usize>], list_end: Option<usize>, end: usize) {
    if let Some(last) = positional.last_mut()
        && Some(last.end) == list_end
    {
        last.end = end;
    }
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
        let Some(slots) = positional_slots(s, cmdlet, version, named, positional) else {
            continue;
        };
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

/// The parameter sets of `cmdlet` in `version`.
fn sets_of<'c>(cmdlet: &'c Cmdlet, version: &str) -> Vec<&'c ParamSet> {
    cmdlet
        .sets
        .iter()
        .filter(|s| s.versions.iter().any(|v| v == version))
        .collect()
}

/// The positional parameters of set `s` left for `positional` arguments once `named` are
/// bound, in position order; `None` when the set cannot take this invocation (a named
/// parameter outside it, or more positional arguments than it has places).
fn positional_slots<'s>(
    s: &'s ParamSet,
    cmdlet: &Cmdlet,
    version: &str,
    named: &HashSet<String>,
    positional: usize,
) -> Option<Vec<&'s String>> {
    if !named.is_subset(&s.members) {
        return None;
    }
    let here = |p: &String| cmdlet.params.get(p).is_some_and(|p| p.in_version(version));
    let slots: Vec<&String> = s
        .positional
        .iter()
        .filter(|p| !named.contains(*p) && here(p))
        .collect();
    (positional <= slots.len()).then_some(slots)
}

/// A warning for each argument bound by position, with the parameter it binds to when every
/// parameter set that can take the invocation agrees on it: `Get-Mailbox jdoe` is
/// `Get-Mailbox -Identity jdoe`. A reader (or a later version that reorders a set) should
/// not have to know the positions.
fn check_positional(
    ctx: &mut Ctx<'_>,
    cmdlet: &Cmdlet,
    version: &str,
    sets: &[&ParamSet],
    bound: &Bound,
) {
    let count = bound.positional.len();
    let viable: Vec<Vec<&String>> = sets
        .iter()
        .filter_map(|s| positional_slots(s, cmdlet, version, &bound.named, count))
        .collect();
    for (i, span) in bound.positional.iter().enumerate() {
        let mut candidates: Vec<&str> = viable
            .iter()
            .filter_map(|slots| slots.get(i))
            .map(|p| cmdlet.params[p.as_str()].name.as_str())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let arg = String::from_utf8_lossy(&ctx.data[span.clone()]).into_owned();
        let (message, help) = match candidates.as_slice() {
            [one] => (
                format!("positional argument of {}: binds to -{one}", cmdlet.name),
                Some(format!("write `-{one} {}`", shorten(&arg))),
            ),
            [] => continue, // no set takes it: binding fails, which is not this check's
            many => (
                format!(
                    "positional argument of {}: binds to {} depending on the parameter set",
                    cmdlet.name,
                    many.iter()
                        .map(|p| format!("-{p}"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                Some("name the parameter it is meant for".to_owned()),
            ),
        };
        ctx.add(Kind::Positional, span.clone(), Severity::Warning, message)
            .help = help;
    }
}

/// An argument as shown in a help line: its first line, at most 40 characters.
fn shorten(arg: &str) -> String {
    let first = arg.lines().next().unwrap_or("");
    if first.chars().count() > 40 || first.len() < arg.len() {
        format!("{}...", first.chars().take(40).collect::<String>())
    } else {
        first.to_owned()
    }
}

/// Warn (or err) when no parameter set of the cmdlet is satisfied by the invocation, so
/// that PowerShell would prompt for the missing parameters: an unattended run hangs there.
/// The caller leaves out a command that a syntax issue touches: its parse is not to be
/// trusted.
#[allow(clippy::too_many_arguments)]
fn check_mandatory(
    ctx: &mut Ctx<'_>,
    cmd: Node<'_>,
    name_node: Node<'_>,
    cmdlet: &Cmdlet,
    version: &str,
    sets: &[&ParamSet],
    bound: &Bound,
    severity: Severity,
) {
    let piped = gets_pipeline_input(cmd);
    let Some((missing, set_name)) = unsatisfied_sets(
        sets,
        cmdlet,
        version,
        &bound.named,
        bound.positional.len(),
        piped,
    ) else {
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
        Kind::Prompt,
        name_node.start_byte()..name_node.end_byte(),
        severity,
        format!(
            "{} would prompt for mandatory parameter(s) {list}{where_}",
            cmdlet.name
        ),
    )
    .help = Some(format!("pass {list}, or pipe in what it takes"));
}

/// Outside comments: typographic dashes/quotes (pasted from documents; PowerShell accepts
/// them, this grammar does not), and non-ASCII text in a file without BOM (Windows
/// PowerShell reads such a file as ANSI, where the bytes of one UTF-8 character can turn
/// into a quote character).
fn check_characters(ctx: &mut Ctx<'_>, body: &str, has_bom: bool, comments: &[(usize, usize)]) {
    let mut seen_lines = HashSet::new();
    let mut first_non_ascii = None;
    // Lint only: a dash inside a string is text (`'Sales \u{2013} Europe'`), kept as it is;
    // there only a typographic quote matters, since it ends the string. (ps-check warns about
    // both, and check_script stays its port.)
    let strings = ctx.lint.then(|| super::constructs::string_contents(body));
    for (off, ch) in body.char_indices() {
        if ch.is_ascii() || comments.iter().any(|&(s, e)| s <= off && off < e) {
            continue;
        }
        first_non_ascii.get_or_insert(off);
        if let Some((what, ascii)) = typographic(ch) {
            if ascii == '-' && strings.as_ref().is_some_and(|s| s[off]) {
                continue;
            }
            let (line, _) = ctx.lines.pos(off);
            if seen_lines.insert(line) {
                ctx.add(
                    Kind::Typographic,
                    off..off + ch.len_utf8(),
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
        let len = body[off..].chars().next().map_or(1, char::len_utf8);
        ctx.add(
            Kind::Encoding,
            off..off + len,
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
