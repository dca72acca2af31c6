//! Parsing with tree-sitter-powershell, and the workarounds for its known gaps (ported from
//! `shared/tools/ps-check`, whose header documents them).
//!
//! Every rewrite keeps byte offsets, so positions stay exact, and names are always read from
//! the original text:
//! - parameter names containing digits (`-CustomAttribute1`, `-Exchange2003Url`) are split
//!   by the grammar: such digits are masked with `_` before parsing;
//! - typographic quotes and dashes (pasted from documents), which PowerShell reads as ASCII
//!   quotes/dash: mapped to the ASCII character (and warned about elsewhere);
//! - bare-word lists like `Name,Replicas` get a zero-width MISSING separator: ignored when
//!   the next character is `,`;
//! - an empty or comment-only file, or one holding only a param block: the grammar's ERROR /
//!   MISSING `;` is ignored;
//! - ERROR nodes from constructs PowerShell accepts: inside the lines of each ERROR, one at a
//!   time, these are tried and kept only when the number of syntax errors goes down, so they
//!   can drop false positives but add nothing: moving a comma next to the following word
//!   (`Select-Object Name, Size`), folding a path tail into its variable (`-Path $dir\x.log`),
//!   a `;` in place of a blank after a one-line param block or between one-line switch
//!   clauses, and, failing that, a blank in place of a comma in mixed lists (`a,"b c"`).
//!
//! Still reported although PowerShell accepts them: `--` (end of parameters), `"text"$var`
//! adjacent arguments, attributes on plain variables, a leading backtick in a command name.
//! Not reported although PowerShell rejects them: `function { }` without a name, `try`
//! without catch/finally.

use std::sync::OnceLock;

use regex::bytes::Regex;
use tree_sitter::{Node, Parser, Tree};

use super::text::{Lines, first_line, is_py_space, lossy, py_strip};

/// Whether a syntax issue is an ERROR node or a MISSING token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssueKind {
    Error,
    Missing,
}

/// A syntax issue: byte span, kind and the node (of the final tree).
pub(crate) struct Issue<'t> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: IssueKind,
    pub(crate) node: Node<'t>,
}

/// Re-parses allowed per file for the ERROR rewrites.
const REPARSE_BUDGET: usize = 60;

fn parser() -> Parser {
    let mut parser = Parser::new();
    // The grammar is compiled in and matches the tree-sitter ABI Cargo resolved.
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("tree-sitter-powershell loads");
    parser
}

fn parse_bytes(parser: &mut Parser, data: &[u8]) -> Tree {
    // Only fails with a timeout, a cancellation flag or no language: none is set.
    parser.parse(data, None).expect("tree-sitter parse")
}

/// Every node of a subtree in pre-order.
pub(crate) fn walk<'t>(root: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut cursor = n.walk();
        let kids: Vec<Node<'t>> = n.children(&mut cursor).collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

pub(crate) fn children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = n.walk();
    n.children(&mut cursor).collect()
}

// --- byte-length preserving rewrites -------------------------------------------------

/// Typographic quotes anywhere and dashes after a blank become two blanks and the ASCII
/// character (all are `E2 80 xx` in UTF-8). A run of typographic single quotes becomes the
/// ASCII quotes first and the blanks after, so a doubled quote inside a string (`’’`, an
/// escaped quote to PowerShell) stays doubled (`''`) instead of ending the string.
fn mask_typographic(src: &[u8]) -> Vec<u8> {
    let single = |j: usize| {
        j + 2 < src.len()
            && src[j] == 0xe2
            && src[j + 1] == 0x80
            && (0x98..=0x9b).contains(&src[j + 2])
    };
    let mut out = src.to_vec();
    let mut i = 0;
    while i + 2 < src.len() {
        if single(i) {
            let mut run = 0;
            while single(i + 3 * run) {
                run += 1;
            }
            out[i..i + run].fill(b'\'');
            out[i + run..i + 3 * run].fill(b' ');
            i += 3 * run;
            continue;
        }
        if src[i] == 0xe2 && src[i + 1] == 0x80 {
            let ascii = match src[i + 2] {
                0x9c..=0x9e => Some(b'"'),
                0x98..=0x9b => Some(b'\''),
                0x93..=0x95 if i > 0 && matches!(src[i - 1], b' ' | b'\t') => Some(b'-'),
                _ => None,
            };
            if let Some(c) = ascii {
                out[i] = b' ';
                out[i + 1] = b' ';
                out[i + 2] = c;
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A parameter token (after whitespace or at a line start) with a digit in it: its digits
/// become `_`.
fn mask_param_digits(src: &[u8]) -> Vec<u8> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?-u)-[A-Za-z_?][A-Za-z0-9_?]*[0-9][A-Za-z0-9_?]*").expect("valid regex")
    });
    let mut out = src.to_vec();
    for m in re.find_iter(src) {
        // The match cannot overlap an earlier rejected one: its characters hold no '-'.
        let s = m.start();
        if s > 0 && !matches!(src[s - 1], b' ' | b'\t' | b'\r' | b'\n') {
            continue;
        }
        for b in &mut out[s + 1..m.end()] {
            if b.is_ascii_digit() {
                *b = b'_';
            }
        }
    }
    out
}

/// Blanks, comma, blanks between two tokens: the comma moves next to the following token.
fn move_commas(seg: &mut [u8]) {
    let orig = seg.to_vec();
    let n = orig.len();
    for c in 0..n {
        if orig[c] != b',' {
            continue;
        }
        let mut p = c;
        while p > 0 && matches!(orig[p - 1], b' ' | b'\t') {
            p -= 1;
        }
        if p == 0 || matches!(orig[p - 1], b' ' | b'\t' | b',' | b'\r' | b'\n') {
            continue;
        }
        let mut q = c + 1;
        while q < n && matches!(orig[q], b' ' | b'\t') {
            q += 1;
        }
        if q == c + 1 || q >= n || matches!(orig[q], b' ' | b'\t' | b'\r' | b'\n' | b'#' | b',') {
            continue;
        }
        for b in &mut seg[p..q - 1] {
            *b = b' ';
        }
        seg[q - 1] = b',';
    }
}

/// `$var` immediately followed by a `\` or `/` path tail: the tail becomes part of the name.
fn fold_var_paths(seg: &mut [u8]) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?-u)(\$(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z_][A-Za-z0-9_]*)([\\/][^\s,;|(){}'"`\[\]$]*)"#,
        )
        .expect("valid regex")
    });
    let orig = seg.to_vec();
    for caps in re.captures_iter(&orig) {
        if let Some(tail) = caps.get(2) {
            for b in &mut seg[tail.start()..tail.end()] {
                if !(b.is_ascii_alphanumeric() || *b == b'_') {
                    *b = b'_';
                }
            }
        }
    }
}

/// Apply the comma and `$var\path` rewrites to `src[start..end]`.
fn rewrite_region(src: &[u8], start: usize, end: usize) -> Vec<u8> {
    let mut out = src.to_vec();
    move_commas(&mut out[start..end]);
    fold_var_paths(&mut out[start..end]);
    out
}

/// Put a `;` (in place of a blank) where PowerShell allows a statement terminator but the
/// grammar insists on one: after a param block followed by code on the same line, and
/// between switch clauses on one line.
fn add_terminators(src: &[u8], err: Node<'_>) -> Vec<u8> {
    let mut b = src.to_vec();
    for n in walk(err) {
        if n.kind() == "param_block" {
            let i = n.end_byte();
            if i < b.len() && matches!(b[i], b' ' | b'\t') {
                b[i] = b';';
            }
        }
    }
    let mut anc = err.parent();
    while let Some(a) = anc {
        if matches!(a.kind(), "switch_body" | "script_block" | "statement_block") {
            break;
        }
        anc = a.parent();
    }
    if anc.is_some_and(|a| a.kind() == "switch_body") {
        let (s, e) = (err.start_byte(), err.end_byte().min(src.len()));
        let seg = &src[s..e];
        let mut i = 0;
        while i < seg.len() {
            if seg[i] == b'}' {
                let mut j = i + 1;
                while j < seg.len() && matches!(seg[j], b' ' | b'\t') {
                    j += 1;
                }
                if j > i + 1
                    && j < seg.len()
                    && !matches!(seg[j], b' ' | b'\t' | b'\r' | b'\n' | b';' | b'}' | b'#')
                {
                    b[s + j - 1] = b';';
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
    }
    b
}

fn stage_a(data: &[u8], ls: usize, le: usize, node: Node<'_>) -> Vec<u8> {
    add_terminators(&rewrite_region(data, ls, le), node)
}

/// `stage_a`, plus `a,"b"` / `$a,b` lists (the grammar only takes all-bare or all-expression
/// lists): the comma becomes a blank, so the list becomes several arguments.
fn stage_b(data: &[u8], ls: usize, le: usize, node: Node<'_>) -> Vec<u8> {
    let mut d = stage_a(data, ls, le, node);
    let orig = d[ls..le].to_vec();
    let sep = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',');
    for i in 1..orig.len().saturating_sub(1) {
        if orig[i] == b',' && !sep(orig[i - 1]) && !sep(orig[i + 1]) {
            d[ls + i] = b' ';
        }
    }
    d
}

// --- syntax issues -------------------------------------------------------------------

fn blank_but_comments(node: Node<'_>, data: &[u8]) -> bool {
    let (s, e) = (node.start_byte(), node.end_byte().min(data.len()));
    let mut text = data[s..e].to_vec();
    for c in walk(node) {
        if c.kind() == "comment" {
            for b in &mut text[c.start_byte() - s..c.end_byte().min(e) - s] {
                *b = b' ';
            }
        }
    }
    text.iter().all(|&b| is_py_space(b))
}

fn only_trivia(rest: &[u8]) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?s-u)^(?:\s|#[^\n]*|<#.*?#>)*$").expect("valid regex"))
        .is_match(rest)
}

/// The ERROR / MISSING nodes of a tree, outermost ERROR only, minus the grammar's known
/// false positives.
pub(crate) fn syntax_issues<'t>(root: Node<'t>, data: &[u8]) -> Vec<Issue<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let (start, end) = (n.start_byte(), n.end_byte());
        if n.is_error() {
            // The grammar rejects a file (or block) with no statement at all: empty, blank or
            // comments only. That is valid PowerShell.
            if !blank_but_comments(n, data) {
                out.push(Issue {
                    start,
                    end,
                    kind: IssueKind::Error,
                    node: n,
                });
            }
            continue;
        }
        if n.is_missing() {
            let kind = n.kind();
            // Zero-width argument separator the grammar wants before a comma-joined bare
            // word (Name,Replicas): valid PowerShell.
            let skip = (kind.trim().is_empty() && data.get(end) == Some(&b','))
                || (kind == ";"
                    && n.parent().is_some_and(|p| p.kind() == "empty_statement")
                    && only_trivia(&data[end.min(data.len())..]));
            if !skip {
                out.push(Issue {
                    start,
                    end,
                    kind: IssueKind::Missing,
                    node: n,
                });
            }
        }
        if n.has_error() {
            stack.extend(children(n).into_iter().rev());
        }
    }
    out
}

/// Parse with the workarounds: the tree, the bytes it was parsed from (same length as
/// `data`). Rewrites are tried one ERROR at a time and kept only when the number of syntax
/// issues goes down, so they can remove grammar false positives but never add findings.
pub(crate) fn parse(data: &[u8]) -> (Tree, Vec<u8>) {
    let mut parser = parser();
    let mut cur = mask_param_digits(&mask_typographic(data));
    let mut tree = parse_bytes(&mut parser, &cur);
    let mut budget = REPARSE_BUDGET;
    while budget > 0 {
        let better = {
            let issues = syntax_issues(tree.root_node(), &cur);
            let lines = Lines::new(&cur);
            let mut better: Option<(Vec<u8>, Tree)> = None;
            'issues: for issue in issues.iter().filter(|i| i.kind == IssueKind::Error) {
                let (ls, le) = lines.line_span(issue.start, issue.end);
                for stage in [stage_a, stage_b] {
                    let cand = stage(&cur, ls, le, issue.node);
                    if cand == cur || budget == 0 {
                        continue;
                    }
                    budget -= 1;
                    let t2 = parse_bytes(&mut parser, &cand);
                    if syntax_issues(t2.root_node(), &cand).len() < issues.len() {
                        better = Some((cand, t2));
                        break 'issues; // node positions changed: start over
                    }
                }
            }
            better
        };
        match better {
            Some((cand, t2)) => (cur, tree) = (cand, t2),
            None => break,
        }
    }
    (tree, cur)
}

// --- messages ------------------------------------------------------------------------

/// Best-effort lexer: (offset, kind) of the first string or block comment left open at end
/// of file. Only used to word messages.
pub(crate) fn find_unterminated(data: &[u8]) -> Option<(usize, &'static str)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Code,
        Sub,
        Dq,
        Sq,
        Here(u8),
    }
    let n = data.len();
    let at = |i: usize| data.get(i).copied();
    let mut stack: Vec<(Mode, usize, usize)> = vec![(Mode::Code, 0, 0)];
    let mut i = 0;
    while i < n {
        let (mode, start, depth) = *stack.last().expect("stack keeps its base");
        let ch = data[i];
        match mode {
            Mode::Code | Mode::Sub => {
                if ch == b'`' {
                    i += 2;
                    continue;
                }
                if ch == b'<' && at(i + 1) == Some(b'#') {
                    match find(data, b"#>", i + 2) {
                        None => return Some((i, "block comment")),
                        Some(j) => {
                            i = j + 2;
                            continue;
                        }
                    }
                }
                if ch == b'#' && (i == 0 || b" \t\r\n;|({})".contains(&data[i - 1])) {
                    i = find(data, b"\n", i).unwrap_or(n);
                    continue;
                }
                if ch == b'@' && matches!(at(i + 1), Some(b'"' | b'\'')) {
                    let eol = find(data, b"\n", i).unwrap_or(n);
                    let rest = &data[(i + 2).min(eol)..eol];
                    if rest.iter().all(|&b| is_py_space(b)) {
                        stack.push((Mode::Here(data[i + 1]), i, 0));
                        i = i + 2 + rest.len();
                        continue;
                    }
                }
                let top = stack.len() - 1;
                match ch {
                    b'"' => stack.push((Mode::Dq, i, 0)),
                    b'\'' => stack.push((Mode::Sq, i, 0)),
                    b'(' if mode == Mode::Sub => stack[top] = (mode, start, depth + 1),
                    b')' if mode == Mode::Sub => {
                        if depth == 0 {
                            stack.pop();
                        } else {
                            stack[top] = (mode, start, depth - 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Mode::Dq => {
                if ch == b'`' {
                    i += 2;
                    continue;
                }
                if ch == b'"' {
                    if at(i + 1) == Some(b'"') {
                        i += 2;
                        continue;
                    }
                    stack.pop();
                } else if ch == b'$' && at(i + 1) == Some(b'(') {
                    stack.push((Mode::Sub, i, 0));
                    i += 2;
                    continue;
                }
                i += 1;
            }
            Mode::Sq => {
                if ch == b'\'' {
                    if at(i + 1) == Some(b'\'') {
                        i += 2;
                        continue;
                    }
                    stack.pop();
                }
                i += 1;
            }
            Mode::Here(q) => {
                // here-strings: closed by a line starting with "@ / '@
                if ch == b'\n' && at(i + 1) == Some(q) && at(i + 2) == Some(b'@') {
                    stack.pop();
                    i += 3;
                    continue;
                }
                if q == b'"' && ch == b'$' && at(i + 1) == Some(b'(') {
                    stack.push((Mode::Sub, i, 0));
                    i += 2;
                    continue;
                }
                i += 1;
            }
        }
    }
    for (mode, start, _) in stack.into_iter().skip(1) {
        match mode {
            Mode::Dq | Mode::Sq => return Some((start, "string")),
            Mode::Here(_) => return Some((start, "here-string")),
            _ => {}
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The message for one syntax issue; `data` is the original text.
pub(crate) fn describe_issue(lines: &Lines<'_>, data: &[u8], issue: &Issue<'_>) -> String {
    let node = issue.node;
    if issue.kind == IssueKind::Missing {
        let tok = node.kind();
        let opener = match tok {
            "}" => Some("{"),
            ")" => Some("("),
            "]" => Some("["),
            _ => None,
        };
        if let (Some(opener), Some(parent)) = (opener, node.parent()) {
            for c in children(parent) {
                let k = c.kind();
                let opens = k == opener
                    || k.strip_prefix('@') == Some(opener)
                    || k.strip_prefix('$') == Some(opener);
                if opens && c.start_byte() < node.start_byte() {
                    let (ol, oc) = lines.pos(c.start_byte());
                    return format!(
                        "syntax error: missing '{tok}' to close '{k}' opened at {ol}:{oc}"
                    );
                }
            }
        }
        return if tok.trim().is_empty() {
            "syntax error: missing separator".to_owned()
        } else {
            format!("syntax error: missing '{tok}'")
        };
    }
    let text = lossy(data, node.start_byte(), node.end_byte());
    let stripped = py_strip(&text);
    let first = if stripped.is_empty() {
        text.as_str()
    } else {
        first_line(stripped)
    };
    let snippet: String = first.chars().take(40).collect();
    let more = if first.chars().count() > 40 {
        "..."
    } else {
        ""
    };
    let (end_line, _) = lines.pos(node.end_byte().saturating_sub(1).max(node.start_byte()));
    let (start_line, _) = lines.pos(node.start_byte());
    let tail = if end_line > start_line {
        format!(" (unparsed through line {end_line})")
    } else {
        String::new()
    };
    format!("syntax error near '{snippet}{more}'{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubled_typographic_quotes_stay_doubled() {
        let src = "'O\u{2019}\u{2019}Brien'".as_bytes();
        let out = mask_typographic(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(String::from_utf8_lossy(&out), "'O''    Brien'");
        let text = format!("Get-Mailbox -Identity {}", String::from_utf8_lossy(src));
        let findings = crate::validate::check_script(&text, "2010", true);
        assert!(
            findings
                .iter()
                .all(|f| f.severity == crate::validate::Severity::Warning),
            "{findings:?}"
        );
    }

    #[test]
    fn masks_keep_lengths() {
        let src = "Set-X -Exchange2003Url a \u{2013}Name \u{201c}x\u{201d} a-b1".as_bytes();
        let out = mask_param_digits(&mask_typographic(src));
        assert_eq!(out.len(), src.len());
        let s = String::from_utf8_lossy(&out);
        assert!(s.contains("-Exchange____Url"));
        assert!(s.contains("  -Name   \"x  \""));
        assert!(s.ends_with("a-b1"), "{s}");
    }

    #[test]
    fn commas_move_next_to_the_following_word() {
        let mut seg = b"Select-Object Name, Size ,Foo".to_vec();
        move_commas(&mut seg);
        assert_eq!(&seg, b"Select-Object Name ,Size ,Foo");
    }

    #[test]
    fn var_paths_fold() {
        let mut seg = b"-Path $dir\\x.log $env:TEMP/a".to_vec();
        fold_var_paths(&mut seg);
        assert_eq!(&seg, b"-Path $dir_x_log $env:TEMP_a");
    }

    #[test]
    fn unterminated_strings_and_comments() {
        assert_eq!(find_unterminated(b"'a' \"b"), Some((4, "string")));
        assert_eq!(find_unterminated(b"x <# y"), Some((2, "block comment")));
        assert_eq!(find_unterminated(b"@\"\nx\n\"@\n'ok'"), None);
        assert_eq!(find_unterminated(b"@'\nx\n"), Some((0, "here-string")));
    }
}
