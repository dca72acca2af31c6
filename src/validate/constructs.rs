//! Forbidden constructs per PowerShell level, from `specs/powershell.yaml`.
//!
//! Each construct is a regex over a view of the script in which comments and/or string
//! contents are blanked (same byte length, so offsets map back to the text), with optional
//! one-character checks before and after the match that stand in for look-around.

use std::sync::OnceLock;

use regex::bytes::Regex;
use serde::Deserialize;

use super::text::Lines;
use super::{Finding, Kind, Severity};

/// The PowerShell levels [`super::check_constructs`] accepts: those the Exchange shells run
/// (2007: 1.0, 2010: 2.0, 2013: 3.0/4.0, 2016: 3.0/4.0/5.1, 2019 and SE: 5.1).
pub const POWERSHELL_LEVELS: [&str; 5] = ["1.0", "2.0", "3.0", "4.0", "5.1"];

const YAML: &str = include_str!("../../specs/powershell.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    constructs: Vec<Entry>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Default)]
enum Scan {
    #[default]
    #[serde(rename = "code")]
    Code,
    #[serde(rename = "code+strings")]
    CodeAndStrings,
    #[serde(rename = "block-comments")]
    BlockComments,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    since: String,
    reason: String,
    pattern: String,
    #[serde(default)]
    scan: Scan,
    before: Option<String>,
    after: Option<String>,
    /// Examples in which the construct must be found (checked by the unit tests).
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    flags: Vec<String>,
    /// Near misses in which it must not be found (checked by the unit tests).
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    passes: Vec<String>,
}

/// One construct, compiled.
struct Construct {
    name: String,
    since: (u32, u32),
    since_text: String,
    reason: String,
    pattern: Regex,
    scan: Scan,
    before: Option<Regex>,
    after: Option<Regex>,
}

/// `"5.1"` -> (5, 1).
fn level(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.split_once('.').unwrap_or((v, "0"));
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn compile(spec: Spec) -> Result<Vec<Construct>, String> {
    let class = |c: &Option<String>, name: &str| -> Result<Option<Regex>, String> {
        c.as_ref()
            .map(|c| Regex::new(&format!("^{c}$")).map_err(|e| format!("{name}: {e}")))
            .transpose()
    };
    spec.constructs
        .into_iter()
        .map(|e| {
            Ok(Construct {
                since: level(&e.since).ok_or_else(|| format!("{}: bad since", e.name))?,
                pattern: Regex::new(&format!("(?i){}", e.pattern))
                    .map_err(|err| format!("{}: {err}", e.name))?,
                before: class(&e.before, &e.name)?,
                after: class(&e.after, &e.name)?,
                since_text: e.since,
                scan: e.scan,
                reason: e.reason,
                name: e.name,
            })
        })
        .collect()
}

fn constructs() -> &'static [Construct] {
    static TABLE: OnceLock<Vec<Construct>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The table is embedded and tested: a broken one is a build defect.
        let spec: Spec = serde_saphyr::from_str(YAML).expect("specs/powershell.yaml parses");
        compile(spec).expect("specs/powershell.yaml compiles")
    })
}

/// What each byte of a script is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Code,
    Str,
    Comment,
    BlockComment,
}

fn is_sq(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}'..='\u{201b}')
}

fn is_dq(c: char) -> bool {
    matches!(c, '"' | '\u{201c}'..='\u{201e}')
}

/// Classifies every byte of `text` as code, string content or comment. A small PowerShell
/// lexer: line and block comments, single- and double-quoted strings (typographic quotes
/// count, as in PowerShell), here-strings; inside double-quoted strings `$name`, `${name}`
/// and `$( )` are code.
fn classify(text: &str) -> Vec<Class> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Code,
        /// `$( )` inside a string, with its paren depth.
        Sub(usize),
        Dq,
        Sq,
        HereDq,
        HereSq,
    }
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut class = vec![Class::Code; n];
    let mut stack = vec![Mode::Code];
    let char_at = |i: usize| text[i..].chars().next();
    // The end of a here-string's closing `'@`/`"@` when the line at `next` starts with one.
    let here_end = |next: usize, quote: fn(char) -> bool| -> Option<usize> {
        let first = char_at(next).filter(|q| quote(*q))?;
        (text[next..].chars().nth(1) == Some('@')).then(|| next + first.len_utf8() + 1)
    };
    let mut i = 0;
    let set = |class: &mut Vec<Class>, from: usize, to: usize, c: Class| {
        for x in &mut class[from..to.min(n)] {
            *x = c;
        }
    };
    // `$name`, `$scope:name` or `${...}` at i (inside an expandable string): its end.
    let variable_end = |i: usize| -> Option<usize> {
        let rest = &bytes[i + 1..];
        if rest.first() == Some(&b'{') {
            return rest.iter().position(|&b| b == b'}').map(|p| i + 2 + p);
        }
        let word = |s: &[u8]| {
            s.iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(s.len())
        };
        let first = word(rest);
        if first == 0 {
            return None;
        }
        if rest.get(first) == Some(&b':') {
            let second = word(&rest[first + 1..]);
            if second > 0 {
                return Some(i + 1 + first + 1 + second);
            }
        }
        Some(i + 1 + first)
    };
    while i < n {
        let Some(c) = char_at(i) else { break };
        let w = c.len_utf8();
        let mode = *stack.last().unwrap_or(&Mode::Code);
        match mode {
            Mode::Code | Mode::Sub(_) => {
                if c == '`' {
                    i += w + char_at(i + w).map_or(0, char::len_utf8);
                    continue;
                }
                if text[i..].starts_with("<#") {
                    let end = text[i + 2..].find("#>").map_or(n, |p| i + 2 + p + 2);
                    set(&mut class, i, end, Class::BlockComment);
                    i = end;
                    continue;
                }
                if c == '#' && (i == 0 || b" \t\r\n;|({})".contains(&bytes[i - 1])) {
                    let end = text[i..].find(['\r', '\n']).map_or(n, |p| i + p);
                    set(&mut class, i, end, Class::Comment);
                    i = end;
                    continue;
                }
                if c == '@' && matches!(char_at(i + 1), Some(q) if is_sq(q) || is_dq(q)) {
                    let q = char_at(i + 1).unwrap_or('"');
                    let after = i + 1 + q.len_utf8();
                    let eol = text[after..].find('\n').map_or(n, |p| after + p);
                    if text[after..eol].trim().is_empty() && eol < n {
                        stack.push(if is_dq(q) { Mode::HereDq } else { Mode::HereSq });
                        i = eol + 1;
                        continue;
                    }
                }
                if is_dq(c) {
                    stack.push(Mode::Dq);
                } else if is_sq(c) {
                    stack.push(Mode::Sq);
                } else if let Mode::Sub(depth) = mode {
                    let top = stack.len() - 1;
                    if c == '(' {
                        stack[top] = Mode::Sub(depth + 1);
                    } else if c == ')' {
                        if depth == 0 {
                            stack.pop();
                        } else {
                            stack[top] = Mode::Sub(depth - 1);
                        }
                    }
                }
                i += w;
            }
            Mode::Dq | Mode::HereDq => {
                let here = mode == Mode::HereDq;
                if here && c == '\n' {
                    // A here-string ends at a line starting with its quote and `@`.
                    match here_end(i + 1, is_dq) {
                        Some(end) => {
                            stack.pop();
                            i = end;
                        }
                        None => i += 1,
                    }
                    continue;
                }
                if c == '`' {
                    let end = i + w + char_at(i + w).map_or(0, char::len_utf8);
                    set(&mut class, i, end, Class::Str);
                    i = end;
                    continue;
                }
                if !here && is_dq(c) {
                    if matches!(char_at(i + w), Some(d) if is_dq(d)) {
                        let end = i + w + char_at(i + w).map_or(0, char::len_utf8);
                        set(&mut class, i, end, Class::Str);
                        i = end;
                        continue;
                    }
                    stack.pop();
                    i += w;
                    continue;
                }
                if c == '$' && bytes.get(i + 1) == Some(&b'(') {
                    stack.push(Mode::Sub(0));
                    i += 2;
                    continue;
                }
                if c == '$'
                    && let Some(end) = variable_end(i)
                {
                    i = end; // a variable: code
                    continue;
                }
                set(&mut class, i, i + w, Class::Str);
                i += w;
            }
            Mode::Sq | Mode::HereSq => {
                let here = mode == Mode::HereSq;
                if here && c == '\n' {
                    // A here-string ends at a line starting with its quote and `@`.
                    match here_end(i + 1, is_sq) {
                        Some(end) => {
                            stack.pop();
                            i = end;
                        }
                        None => i += 1,
                    }
                    continue;
                }
                if !here && is_sq(c) {
                    if matches!(char_at(i + w), Some(d) if is_sq(d)) {
                        let end = i + w + char_at(i + w).map_or(0, char::len_utf8);
                        set(&mut class, i, end, Class::Str);
                        i = end;
                        continue;
                    }
                    stack.pop();
                    i += w;
                    continue;
                }
                set(&mut class, i, i + w, Class::Str);
                i += w;
            }
        }
    }
    class
}

/// For each byte of `text`, whether it is in the contents of a string literal.
pub(crate) fn string_contents(text: &str) -> Vec<bool> {
    classify(text)
        .into_iter()
        .map(|c| c == Class::Str)
        .collect()
}

/// The text with the bytes of the classes not in `keep` blanked (line breaks stay).
fn view(text: &str, class: &[Class], keep: &[Class]) -> Vec<u8> {
    text.bytes()
        .zip(class)
        .map(|(b, c)| {
            if keep.contains(c) || b == b'\n' || b == b'\r' {
                b
            } else {
                b' '
            }
        })
        .collect()
}

/// The character (as UTF-8 bytes) just before / at `off`, if any.
fn char_before(data: &[u8], off: usize) -> Option<&[u8]> {
    if off == 0 {
        return None;
    }
    let mut s = off - 1;
    while s > 0 && (data[s] & 0xc0) == 0x80 {
        s -= 1;
    }
    Some(&data[s..off])
}

fn char_at(data: &[u8], off: usize) -> Option<&[u8]> {
    let first = *data.get(off)?;
    let len = match first {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    };
    Some(&data[off..(off + len).min(data.len())])
}

/// Matches of one construct in its view: the bytes of what is reported.
fn find(c: &Construct, data: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while from <= data.len() {
        let Some(caps) = c.pattern.captures_at(data, from) else {
            break;
        };
        let whole = caps.get(0).expect("group 0 always matches");
        let ok_before = match (&c.before, char_before(data, whole.start())) {
            (Some(re), Some(ch)) => re.is_match(ch),
            _ => true,
        };
        let ok_after = match (&c.after, char_at(data, whole.end())) {
            (Some(re), Some(ch)) => re.is_match(ch),
            _ => true,
        };
        if ok_before && ok_after {
            out.push(caps.name("m").map_or(whole.range(), |m| m.range()));
            from = whole.end().max(whole.start() + 1);
        } else {
            from = whole.start() + 1;
        }
        while from < data.len() && (data[from] & 0xc0) == 0x80 {
            from += 1;
        }
    }
    out
}

/// Every construct newer than `powershell` in `text` (without BOM).
pub(crate) fn check(text: &str, powershell: &str) -> Vec<Finding> {
    let Some(target) = level(powershell).filter(|_| POWERSHELL_LEVELS.contains(&powershell)) else {
        return vec![Finding {
            line: 1,
            column: 1,
            severity: Severity::Error,
            message: format!(
                "unknown PowerShell level '{powershell}' (expected one of {})",
                POWERSHELL_LEVELS.join(", ")
            ),
            kind: Kind::UnknownTarget,
            span: 0..0,
            help: None,
        }];
    };
    let table = constructs();
    let class = classify(text);
    let code = view(text, &class, &[Class::Code]);
    let code_strings = view(text, &class, &[Class::Code, Class::Str]);
    let comments = view(text, &class, &[Class::BlockComment]);
    let lines = Lines::new(text.as_bytes());
    let mut findings = Vec::new();
    for c in table.iter().filter(|c| c.since > target) {
        let data = match c.scan {
            Scan::Code => &code,
            Scan::CodeAndStrings => &code_strings,
            Scan::BlockComments => &comments,
        };
        for span in find(c, data) {
            let (line, column) = lines.pos(span.start);
            let never = if c.since.0 >= 7 {
                "PowerShell 7 (Exchange never runs on it)".to_owned()
            } else {
                format!("PowerShell {}", c.since_text)
            };
            findings.push(Finding {
                line,
                column,
                severity: Severity::Error,
                message: format!(
                    "{} needs {never}, but this script targets PowerShell {powershell}: {}",
                    c.name, c.reason
                ),
                kind: Kind::NewerPowerShell,
                span,
                help: None,
            });
        }
    }
    findings.sort_by_key(|f| (f.line, f.column));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, level: &str) -> Vec<String> {
        check(text, level)
            .into_iter()
            .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
            .collect()
    }

    #[test]
    fn every_example_in_the_table_behaves() {
        let spec: Spec = serde_saphyr::from_str(YAML).unwrap();
        let mut wrong = Vec::new();
        for e in &spec.constructs {
            let found = |text: &str| {
                check(text, "1.0")
                    .iter()
                    .any(|f| f.message.starts_with(&format!("{} needs", e.name)))
            };
            assert!(!e.flags.is_empty(), "{}: no example", e.name);
            for text in &e.flags {
                if !found(text) {
                    wrong.push(format!("{}: not found in {text:?}", e.name));
                }
            }
            for text in &e.passes {
                if found(text) {
                    wrong.push(format!("{}: wrongly found in {text:?}", e.name));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn table_compiles() {
        assert!(constructs().len() > 20);
    }

    #[test]
    fn classify_masks_comments_and_string_contents() {
        let text =
            "$a = 'x -in y' # -join\n\"$b -split $(1 -in 2)\" <# c #> @\"\n$using:z -in\n\"@\n";
        let class = classify(text);
        let code = String::from_utf8(view(text, &class, &[Class::Code])).unwrap();
        assert!(!code.contains("x -in"));
        assert!(!code.contains("-join"));
        assert!(!code.contains("-split"));
        assert!(code.contains("$b"));
        assert!(code.contains("1 -in 2"));
        assert!(code.contains("$using:z"));
        assert!(!code.contains("z -in"));
        assert!(!code.contains("<#"));
        assert_eq!(code.len(), text.len());
    }

    #[test]
    fn boundaries_avoid_false_positives() {
        let ok =
            "Get-ChildItem -include *.log -joined x -Infa2 | Where-Object { $_.x -notlike 'a' }";
        assert!(names(ok, "1.0").is_empty(), "{:?}", names(ok, "1.0"));
        assert_eq!(names("if ($a -in $b) {}", "2.0").len(), 1);
        assert_eq!(names("$x = $a -join ','", "1.0").len(), 1);
    }
}
