//! Escapers: every plan value reaches an output file through exactly one of these.
//!
//! One function per output context (PowerShell string literal, PowerShell comment, `.cmd`
//! argument, Markdown text, Markdown code span). Templates and lowering never splice plan text
//! into a file any other way, so an identity such as `O’Brien's mailbox` or a path with `%` in
//! it cannot change the meaning of a generated command.

use std::fmt::{self, Write as _};

/// Why a value cannot be written in a given output context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeError {
    /// `ch` has no safe spelling in `context` (for example a `"` in a `.cmd` argument).
    Unrepresentable {
        /// The offending character.
        ch: char,
        /// The output context, such as "a cmd argument".
        context: &'static str,
    },
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EscapeError::Unrepresentable { ch, context } => write!(
                f,
                "character `{}` (U+{:04X}) cannot be written in {context}",
                ch.escape_debug(),
                u32::from(*ch)
            ),
        }
    }
}

impl std::error::Error for EscapeError {}

/// The characters PowerShell's tokenizer treats as a single quote: `'` and the typographic
/// quotes U+2018–U+201B. Each of them ends a single-quoted string, so each must be doubled.
pub const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Whether PowerShell treats `c` as a single quote (see [`PS_SINGLE_QUOTES`]).
#[must_use]
pub fn is_ps_single_quote(c: char) -> bool {
    PS_SINGLE_QUOTES.contains(&c)
}

/// Line breaks beyond CR and LF that editors and viewers honour: NEL, LS, PS.
fn is_unicode_line_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Bidirectional formatting characters ("Trojan Source", CVE-2021-42574): they make a
/// reviewed line look different from what it does, so scripts never carry them raw.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters a reviewer cannot see, or that would break the one-statement-per-line layout:
/// controls other than tab (C0, DEL, C1 incl. NEL), LS, PS and bidi controls.
fn is_invisible_in_script(c: char) -> bool {
    (c.is_control() && c != '\t') || is_unicode_line_break(c) || is_bidi_control(c)
}

/// A PowerShell single-quoted string literal for `text`, quotes included.
///
/// Single-quoted strings expand nothing (`$`, backtick and `"` are literal), so the only
/// characters to handle are the quotes: each of [`PS_SINGLE_QUOTES`] is doubled by repeating
/// that same character, which PowerShell reads as one literal occurrence of it (the value keeps
/// the typographic quote). This works on every PowerShell from 1.0.
///
/// Generated scripts keep one statement per line and show no invisible characters, so line
/// breaks, other controls and bidi controls are never written raw. Plan strings come from a
/// single-line grammar and should not hold them, but to stay total the result then becomes a
/// parenthesised concatenation, `('a' + [char]0x000A + 'b')`. The parentheses keep it one
/// argument in command (argument) mode, where a bare `'a' + 'b'` would be three arguments;
/// the leading string operand makes `+` concatenate rather than add.
#[must_use]
pub fn ps_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    let mut in_quotes = true;
    let mut concatenated = false;
    for c in text.chars() {
        if is_invisible_in_script(c) {
            if in_quotes {
                out.push('\'');
                in_quotes = false;
            }
            // Writing to a String cannot fail.
            let _ = write!(out, " + [char]0x{:04X}", u32::from(c));
            concatenated = true;
        } else {
            if !in_quotes {
                out.push_str(" + '");
                in_quotes = true;
            }
            out.push(c);
            if is_ps_single_quote(c) {
                out.push(c);
            }
        }
    }
    if in_quotes {
        out.push('\'');
    }
    if concatenated {
        format!("({out})")
    } else {
        out
    }
}

/// `text` made safe for the body of a PowerShell `# ...` line comment (the `# ` is not added).
///
/// A line break would end the comment and turn the rest of the value into code, so CR, LF,
/// NEL, LS, PS and every other control character except tab become a space, as do bidi
/// controls (they could make the code on the lines around look different from what it is).
/// `#>` would end an enclosing `<# ... #>` block comment (comment-based help), so it becomes
/// `# >`.
#[must_use]
pub fn ps_comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if is_invisible_in_script(c) { ' ' } else { c };
        if c == '>' && out.ends_with('#') {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// One argument on a `.cmd` batch file line, double quotes included; also the value of
/// `schtasks /TR` and `/RU`.
///
/// Inside double quotes cmd treats `^ & | < > ( )` literally, but it still expands `%VAR%`
/// in a batch file, so `%` is doubled. The program receiving the argument (schtasks.exe,
/// powershell.exe) splits its command line by the C runtime rules, where backslashes right
/// before the closing quote escape it (`"C:\dir\"` would swallow the quote), so a trailing run
/// of backslashes is doubled; elsewhere backslashes are literal.
///
/// # Errors
///
/// [`EscapeError::Unrepresentable`] for characters with no reliable spelling: `"` (cmd has
/// no escape for a quote inside quotes), any control character but tab (CR and LF end the
/// command, NUL and Ctrl-Z end the file for some readers), and anything non-ASCII (the `.cmd`
/// file is ASCII, since cmd reads it in the OEM code page).
///
/// Not covered: `!` is special only under `setlocal EnableDelayedExpansion`, which generated
/// files do not use; after `call`, carets are doubled, so the result is not for `call` lines.
pub fn cmd_arg(text: &str) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '%' => out.push_str("%%"),
            '"' => return Err(unrepresentable(c, "a cmd argument")),
            c if !c.is_ascii() || (c.is_ascii_control() && c != '\t') => {
                return Err(unrepresentable(c, "a cmd argument"));
            }
            c => out.push(c),
        }
    }
    let trailing_backslashes = text.chars().rev().take_while(|&c| c == '\\').count();
    out.extend(std::iter::repeat_n('\\', trailing_backslashes));
    out.push('"');
    Ok(out)
}

/// A value in a Windows `.ini` file (`Key=value`), as `GetPrivateProfileString` reads it back:
/// returned unchanged when it survives the round trip.
///
/// # Errors
///
/// [`EscapeError::Unrepresentable`] for anything outside printable ASCII (the file is read in
/// the ANSI code page; CR and LF would end the line), for `"` (a value in matching quotes
/// loses them) and for leading or trailing spaces (trimmed on reading).
pub fn ini_value(text: &str) -> Result<String, EscapeError> {
    if let Some(c) = text
        .chars()
        .find(|&c| !(' '..='~').contains(&c) || c == '"')
    {
        return Err(unrepresentable(c, "an .ini value"));
    }
    if text.starts_with(' ') || text.ends_with(' ') {
        return Err(unrepresentable(' ', "the start or end of an .ini value"));
    }
    Ok(text.to_owned())
}

/// A whole command line on a `.cmd` batch file line, as cmd must pass it on unchanged: for a
/// wrapper `.cmd` that runs a program whose arguments carry their own double quotes.
///
/// cmd toggles its quote state at every `"` and, outside quotes, treats `& | < > ^ ( )` as
/// operators, so those get a caret when they fall outside a quoted stretch; `%` is doubled
/// everywhere (a batch file expands `%VAR%` even inside quotes). The `"` characters stay as
/// they are: they belong to the command line (the receiving program's argument quotes).
///
/// # Errors
///
/// [`EscapeError::Unrepresentable`] for control characters (tab included: cmd would pass it
/// on, but the receiving program splits arguments at it) and anything non-ASCII.
pub fn cmd_line(command: &str) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(command.len() + 8);
    let mut quoted = false;
    for c in command.chars() {
        match c {
            c if !c.is_ascii() || c.is_ascii_control() => {
                return Err(unrepresentable(c, "a cmd command line"));
            }
            '"' => {
                quoted = !quoted;
                out.push('"');
            }
            '%' => out.push_str("%%"),
            '&' | '|' | '<' | '>' | '^' | '(' | ')' if !quoted => {
                out.push('^');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The `schtasks /TR` argument for the task command line `command` (which may hold double
/// quotes of its own, such as around a path with spaces), written on a `.cmd` batch file line.
///
/// Two readers in turn: schtasks.exe splits its command line by the C runtime rules, so the
/// value goes in double quotes with each inner `"` written `\"` (and the backslashes right
/// before a `"`, inner or closing, doubled); then cmd reads the batch line, which
/// [`cmd_line`] makes pass through unchanged. The result is what schtasks stores as the
/// task's command, character for character.
///
/// # Errors
///
/// As [`cmd_line`]: control characters and non-ASCII have no reliable spelling.
pub fn schtasks_tr(command: &str) -> Result<String, EscapeError> {
    let mut crt = String::with_capacity(command.len() + 8);
    crt.push('"');
    let mut backslashes = 0usize;
    for c in command.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                crt.extend(std::iter::repeat_n('\\', backslashes * 2 + 1));
                crt.push('"');
                backslashes = 0;
            }
            c => {
                crt.extend(std::iter::repeat_n('\\', backslashes));
                crt.push(c);
                backslashes = 0;
            }
        }
    }
    crt.extend(std::iter::repeat_n('\\', backslashes * 2));
    crt.push('"');
    cmd_line(&crt)
}

fn unrepresentable(ch: char, context: &'static str) -> EscapeError {
    EscapeError::Unrepresentable { ch, context }
}

/// `text` as inline Markdown (CommonMark with GitHub's extensions) text for the runbook: it
/// renders as exactly the text, never as markup, and stays on its line.
///
/// Characters that start markup anywhere in a line are backslash-escaped: `\`, `` ` ``, `*`,
/// `_`, `[`, `]`, `<`, `>`, `|`, `!`, `~`, `&`, `#`. Characters that are markup only at the
/// start of a line's text are escaped only there: a leading `-`, `+` or `=` (list item,
/// setext heading) and the `.` or `)` after leading digits (ordered list); leading blanks
/// become `&#32;` so they cannot indent the text into a code block. Everything else,
/// such as `.`, `:`, `(`, `'` in the middle of a name, is left as it is, so the raw runbook
/// stays readable in a diff. Line breaks and other control characters (tab included: it means
/// indentation) become a space. The tests check the rule against a CommonMark parser.
#[must_use]
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text
        .chars()
        .map(|c| {
            if c.is_control() || is_unicode_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    // Leading blanks are written as character references: as blanks they could indent the
    // text into a code block or let a `-` after them start a list.
    let blanks = chars.iter().take_while(|c| **c == ' ').count();
    let digits = chars[blanks..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    for (i, &c) in chars.iter().enumerate() {
        let first = i == blanks && matches!(c, '-' | '+' | '=');
        let list_number = i == blanks + digits && digits > 0 && matches!(c, '.' | ')');
        if i < blanks {
            out.push_str("&#32;");
        } else if first || list_number || "\\`*_[]<>|!~&#".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Markdown inline code span, backtick fences included, for showing a command in
/// the runbook.
///
/// Backslash escapes do not work inside code spans; instead the fence is one backtick longer
/// than the longest backtick run in the text, so no run inside can close it. CommonMark
/// strips one space from each end of the content when both ends have one, so the content is
/// padded with a space on each side exactly when it starts or ends with a backtick (it would
/// merge with the fence) or starts and ends with a space (the stripping would eat it). Line
/// breaks and control characters other than tab become a space. Empty text gives an empty
/// string, since a code span cannot be empty.
///
/// Not covered: inside a GFM table a `|` still splits the cell even in a code span.
#[must_use]
pub fn markdown_code(text: &str) -> String {
    let content: String = text
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || is_unicode_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    if content.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_backtick_run(&content) + 1);
    let all_spaces = content.chars().all(|c| c == ' ');
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' ') && !all_spaces);
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Characters that make a spreadsheet read a cell as a formula when they start it (OWASP "CSV
/// injection"): `=`, `+`, `-`, `@`, tab and CR.
const FORMULA_LEADERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell of a CSV file exgen writes for a script's `Import-Csv` (RFC 4180: quoted when it
/// holds a comma, a quote or surrounding spaces, quotes doubled), or `None` when the value
/// does not belong in such a file: it is empty, holds a character [`ps_literal`] would not
/// write raw (a line break would split the row), or starts with a character that makes Excel
/// read the cell as a formula if someone opens the file to review it. Prefixing such a value
/// (`'=...`) would change what `Import-Csv` reads, so the caller keeps those values in the
/// script instead, where [`ps_literal`] writes anything.
#[must_use]
pub fn csv_field(text: &str) -> Option<String> {
    if text.is_empty()
        || text.starts_with(FORMULA_LEADERS)
        || text.chars().any(is_invisible_in_script)
    {
        return None;
    }
    let quoted = text.contains([',', '"'])
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    Some(if quoted {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    })
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut longest, mut current) = (0, 0);
    for c in text.chars() {
        current = if c == '`' { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // ---- models of the readers of each context ----

    /// Reads one PowerShell single-quoted string from the start of `s` like PowerShell's
    /// tokenizer: a quote char followed by another quote char is one literal (the second);
    /// a lone quote char ends the string. Returns the value and the rest of `s`.
    fn read_ps_quoted(s: &str) -> Option<(String, &str)> {
        let mut chars = s.char_indices().peekable();
        let (_, first) = chars.next()?;
        if !is_ps_single_quote(first) {
            return None;
        }
        let mut value = String::new();
        while let Some((i, c)) = chars.next() {
            if is_ps_single_quote(c) {
                match chars.peek() {
                    Some(&(_, next)) if is_ps_single_quote(next) => {
                        value.push(next);
                        chars.next();
                    }
                    _ => return Some((value, &s[i + c.len_utf8()..])),
                }
            } else {
                value.push(c);
            }
        }
        None // unterminated
    }

    /// Evaluates the whole of `s` as what `ps_literal` may produce: `'..'`, or
    /// `('..' + [char]0xHHHH + '..' ...)`. Returns None if `s` is anything else.
    fn eval_ps_expr(s: &str) -> Option<String> {
        if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            let (mut value, mut rest) = read_ps_quoted(inner)?;
            while !rest.is_empty() {
                rest = rest.strip_prefix(" + ")?;
                if let Some(hex) = rest.strip_prefix("[char]0x") {
                    let code = u32::from_str_radix(hex.get(..4)?, 16).ok()?;
                    value.push(char::from_u32(code)?);
                    rest = &hex[4..];
                } else {
                    let (part, r) = read_ps_quoted(rest)?;
                    value.push_str(&part);
                    rest = r;
                }
            }
            Some(value)
        } else {
            let (value, rest) = read_ps_quoted(s)?;
            rest.is_empty().then_some(value)
        }
    }

    /// Lengths of the maximal runs of PowerShell quote characters in `s`.
    fn quote_runs(s: &str) -> Vec<usize> {
        let mut runs = vec![];
        let mut current = 0;
        for c in s.chars() {
            if is_ps_single_quote(c) {
                current += 1;
            } else if current > 0 {
                runs.push(current);
                current = 0;
            }
        }
        if current > 0 {
            runs.push(current);
        }
        runs
    }

    /// cmd in a batch file, then the C runtime argv split of the receiving program.
    fn read_cmd_arg(s: &str) -> Option<String> {
        let body = s.strip_prefix('"')?.strip_suffix('"')?;
        let body = body.replace("%%", "%");
        // CRT: 2n backslashes before the closing quote stand for n.
        let n = body.chars().rev().take_while(|&c| c == '\\').count();
        (n % 2 == 0).then(|| body[..body.len() - n / 2].to_string())
    }

    #[test]
    fn schtasks_tr_examples() {
        assert_eq!(
            schtasks_tr(r#"powershell.exe -Command "& 'd:\x 1\x.ps1'""#).unwrap(),
            r#""powershell.exe -Command \"^& 'd:\x 1\x.ps1'\"""#
        );
        assert_eq!(
            schtasks_tr(r#""C:\a b\" 50%"#).unwrap(),
            r#""\"C:\a b\\\" 50%%""#
        );
        assert!(schtasks_tr("caf\u{e9}").is_err());
        assert_eq!(cmd_line(r#"a "&" & b"#).unwrap(), r#"a "&" ^& b"#);
    }

    /// Reads a batch file line like cmd before it starts a program: carets outside quotes
    /// escape the next character, `%%` is one `%`; None if an operator is left unescaped
    /// outside quotes (cmd would act on it) or a lone `%` remains.
    fn read_cmd_line(s: &str) -> Option<String> {
        let mut out = String::new();
        let mut quoted = false;
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    quoted = !quoted;
                    out.push(c);
                }
                '%' => {
                    (chars.next()? == '%').then_some(())?;
                    out.push('%');
                }
                '^' if !quoted => out.push(chars.next()?),
                '&' | '|' | '<' | '>' | '(' | ')' if !quoted => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    /// Reads one argument by the C runtime rules (what schtasks.exe does with `/TR "..."`):
    /// 2n backslashes before `"` are n and the quote toggles; 2n+1 are n and a literal `"`.
    /// None unless the whole text is exactly one quoted argument.
    fn read_crt_arg(s: &str) -> Option<String> {
        let body = s.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = body.chars().peekable();
        let mut backslashes = 0;
        while let Some(c) = chars.next() {
            match c {
                '\\' => backslashes += 1,
                '"' => {
                    out.extend(std::iter::repeat_n('\\', backslashes / 2));
                    if backslashes % 2 == 1 {
                        out.push('"');
                        backslashes = 0;
                    } else {
                        return chars.next().is_none().then_some(out);
                    }
                }
                c => {
                    out.extend(std::iter::repeat_n('\\', backslashes));
                    backslashes = 0;
                    out.push(c);
                }
            }
        }
        None
    }

    /// Reads a whole inline code span by the CommonMark rules.
    fn read_code_span(s: &str) -> Option<String> {
        let n = s.chars().take_while(|&c| c == '`').count();
        if n == 0 || s.len() < 2 * n {
            return None;
        }
        let content = s[n..].strip_suffix(&"`".repeat(n))?;
        // The closing fence must be the first run of exactly n backticks, and not part of a
        // longer run.
        if content.ends_with('`') || content.split(|c| c != '`').any(|run| run.len() == n) {
            return None;
        }
        let strip = content.len() >= 2
            && content.starts_with(' ')
            && content.ends_with(' ')
            && !content.chars().all(|c| c == ' ');
        Some(if strip {
            content[1..content.len() - 1].to_string()
        } else {
            content.to_string()
        })
    }

    fn has_line_break(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c, '\r' | '\n') || is_unicode_line_break(c))
    }

    /// Strings rich in the characters that matter to the escapers.
    fn tricky() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '"', '`', '$', '%', '\\', '#',
            '>', '<', '*', '_', '[', ']', '|', '!', '&', '^', ' ', '\t', '\r', '\n', '\0',
            '\u{85}', '\u{2028}', '\u{2029}', '\u{202E}', 'é', 'ß', '漢',
        ]);
        let ch =
            prop_oneof![4 => special, 3 => proptest::char::range('a', 'z'), 1 => any::<char>()];
        prop::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
    }

    fn printable() -> impl Strategy<Value = String> {
        tricky().prop_map(|s| s.chars().filter(|&c| !is_invisible_in_script(c)).collect())
    }

    // ---- ps_literal ----

    #[test]
    fn ps_literal_examples() {
        assert_eq!(ps_literal(""), "''");
        assert_eq!(ps_literal("MAIL2007\\SG1\\DB1"), "'MAIL2007\\SG1\\DB1'");
        assert_eq!(ps_literal("O'Brien"), "'O''Brien'");
        assert_eq!(ps_literal("O’Brien ‘x‚ ‛"), "'O’’Brien ‘‘x‚‚ ‛‛'");
        assert_eq!(ps_literal("$env:PATH `n \"x\""), "'$env:PATH `n \"x\"'");
        assert_eq!(ps_literal("a\tb"), "'a\tb'");
    }

    #[test]
    fn ps_literal_writes_control_characters_as_char_codes() {
        assert_eq!(ps_literal("a\nb"), "('a' + [char]0x000A + 'b')");
        assert_eq!(ps_literal("\r\n"), "('' + [char]0x000D + [char]0x000A)");
        assert_eq!(ps_literal("x\0"), "('x' + [char]0x0000)");
        assert_eq!(ps_literal("a\u{2028}'"), "('a' + [char]0x2028 + '''')");
        assert_eq!(ps_literal("\u{202E}"), "('' + [char]0x202E)");
    }

    proptest! {
        #[test]
        fn ps_literal_is_delimited(text in printable()) {
            let out = ps_literal(&text);
            prop_assert!(out.starts_with('\'') && out.ends_with('\'') && out.len() >= 2);
        }

        #[test]
        fn ps_literal_reads_back(text in tricky()) {
            prop_assert_eq!(eval_ps_expr(&ps_literal(&text)), Some(text));
        }

        #[test]
        fn ps_literal_has_only_even_quote_runs_inside(text in printable()) {
            let out = ps_literal(&text);
            let body = &out[1..out.len() - 1];
            prop_assert!(quote_runs(body).iter().all(|n| n % 2 == 0), "{}", out);
        }

        #[test]
        fn ps_literal_parses_with_an_independent_parser(text in tricky()) {
            // tree-sitter-powershell knows only the ASCII quote, so it checks the syntax,
            // not the typographic quotes; the model reader above covers those.
            let literal = ps_literal(&text);
            for line in [format!("$x = {literal}"), format!("Get-Mailbox -Identity {literal}")] {
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).unwrap();
                let tree = parser.parse(&line, None).unwrap();
                prop_assert!(!tree.root_node().has_error(), "{}", line);
            }
        }

        #[test]
        fn ps_literal_stays_on_one_line(text in tricky()) {
            let out = ps_literal(&text);
            prop_assert!(!out.chars().any(is_invisible_in_script), "{:?}", out);
        }
    }

    // ---- ps_comment ----

    #[test]
    fn ps_comment_examples() {
        assert_eq!(
            ps_comment("plan line 12: move O'Brien"),
            "plan line 12: move O'Brien"
        );
        assert_eq!(ps_comment("a\r\nb\u{2028}c\0d\te"), "a  b c d\te");
        assert_eq!(ps_comment("end #> here ##>"), "end # > here ## >");
        assert_eq!(ps_comment("#\n>"), "# >");
    }

    proptest! {
        #[test]
        fn ps_comment_has_no_line_break_or_block_end(text in tricky()) {
            let out = ps_comment(&text);
            prop_assert!(!has_line_break(&out));
            prop_assert!(!out.contains("#>"));
            prop_assert!(!out.chars().any(is_invisible_in_script));
        }
    }

    // ---- cmd_arg ----

    #[test]
    fn cmd_arg_examples() {
        assert_eq!(
            cmd_arg("CONTOSO\\svc-galsync").unwrap(),
            "\"CONTOSO\\svc-galsync\""
        );
        assert_eq!(
            cmd_arg("100% & <done> | (x) ^").unwrap(),
            "\"100%% & <done> | (x) ^\""
        );
        assert_eq!(cmd_arg("%TEMP%").unwrap(), "\"%%TEMP%%\"");
        assert_eq!(cmd_arg("C:\\dir\\").unwrap(), "\"C:\\dir\\\\\"");
        assert_eq!(cmd_arg("").unwrap(), "\"\"");
    }

    #[test]
    fn cmd_arg_refuses_unrepresentable_characters() {
        for (text, ch) in [
            ("a\"b", '"'),
            ("a\nb", '\n'),
            ("\r", '\r'),
            ("\0", '\0'),
            ("é", 'é'),
        ] {
            let err = cmd_arg(text).unwrap_err();
            assert_eq!(
                err,
                EscapeError::Unrepresentable {
                    ch,
                    context: "a cmd argument"
                }
            );
        }
        let message = cmd_arg("x\"").unwrap_err().to_string();
        assert_eq!(
            message,
            "character `\\\"` (U+0022) cannot be written in a cmd argument"
        );
    }

    proptest! {
        #[test]
        fn cmd_arg_reads_back_or_refuses(text in tricky()) {
            match cmd_arg(&text) {
                Ok(out) => {
                    prop_assert!(out.is_ascii());
                    prop_assert_eq!(read_cmd_arg(&out), Some(text));
                }
                Err(EscapeError::Unrepresentable { ch, .. }) => {
                    prop_assert!(text.contains(ch));
                    prop_assert!(ch == '"' || !ch.is_ascii() || ch.is_ascii_control());
                }
            }
        }

        #[test]
        fn schtasks_tr_reads_back_or_refuses(text in tricky()) {
            match schtasks_tr(&text) {
                Ok(out) => {
                    let line = read_cmd_line(&out);
                    prop_assert!(line.is_some(), "cmd would act on {:?}", out);
                    prop_assert_eq!(read_crt_arg(&line.unwrap()), Some(text));
                }
                Err(_) => prop_assert!(text.chars().any(|c| !c.is_ascii() || c.is_ascii_control())),
            }
        }

        #[test]
        fn cmd_line_passes_through_cmd_unchanged(text in tricky()) {
            match cmd_line(&text) {
                Ok(out) => prop_assert_eq!(read_cmd_line(&out), Some(text)),
                Err(_) => prop_assert!(text.chars().any(|c| !c.is_ascii() || c.is_ascii_control())),
            }
        }

        #[test]
        fn cmd_arg_accepts_printable_ascii_without_quotes(
            text in "[ -!#-~\t]{0,40}"
        ) {
            prop_assert!(cmd_arg(&text).is_ok());
        }
    }

    // ---- markdown ----

    #[test]
    fn markdown_examples() {
        assert_eq!(markdown("Contoso"), "Contoso");
        assert_eq!(
            markdown("mail.contoso.com, legacy.contoso.com"),
            "mail.contoso.com, legacy.contoso.com"
        );
        assert_eq!(
            markdown("*a* [b](c) <d> #1 |x|"),
            "\\*a\\* \\[b\\](c) \\<d\\> \\#1 \\|x\\|"
        );
        assert_eq!(markdown("- 1. C:\\x"), "\\- 1. C:\\\\x");
        assert_eq!(markdown("12) twelve. 3.4"), "12\\) twelve. 3.4");
        assert_eq!(markdown("a\r\nb\u{2029}c\td"), "a  b c d");
        assert_eq!(markdown("O’Brien & Sons"), "O’Brien \\& Sons");
        // Text that would start a block where a value begins a line or list item.
        for text in [
            "1. one",
            "12) twelve",
            "- dash",
            "+ plus",
            "= equals",
            "# hash",
            "> quote",
            "---",
            "    four",
        ] {
            for document in [
                format!("- {}", markdown(text)),
                format!("{}\n", markdown(text)),
            ] {
                let (rendered, markup) = render(&document);
                assert!(!markup, "{document:?} renders markup");
                assert_eq!(rendered, text, "{document:?}");
            }
        }
    }

    fn markdown_text() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\\', '`', '*', '_', '[', ']', '<', '>', '|', '!', '~', '&', '#', '-', '+', '=', '.',
            ')', '(', ':', '/', '1', '2', ' ', '\t', '\n', '\r', 'h', 't', 'p', 's', 'w', '@', ';',
            '\'', '"', '$', '%', '^', '{', '}', 'é',
        ]);
        prop::collection::vec(special, 0..24).prop_map(|v| v.into_iter().collect())
    }

    /// The text of a GitHub-flavoured Markdown document, and whether it holds any markup
    /// other than the list item, task marker and paragraph the test puts around the value.
    fn render(document: &str) -> (String, bool) {
        use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES;
        let mut text = String::new();
        let mut markup = false;
        for event in Parser::new_ext(document, options) {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::TaskListMarker(_)
                | Event::Start(Tag::List(None) | Tag::Item | Tag::Paragraph)
                | Event::End(TagEnd::List(false) | TagEnd::Item | TagEnd::Paragraph)
                | Event::SoftBreak => {}
                _ => markup = true,
            }
        }
        (text, markup)
    }

    proptest! {
        #[test]
        fn markdown_renders_as_exactly_the_text(text in markdown_text()) {
            let expected: String = text
                .chars()
                .map(|c| if c.is_control() || is_unicode_line_break(c) { ' ' } else { c })
                .collect();
            // Markdown drops spaces at the ends of a paragraph; compare without them.
            let expected = expected.trim_matches(' ');
            prop_assume!(!expected.is_empty());
            let escaped = markdown(&text);
            let documents = [
                format!("- [ ] {escaped} (plan line 1)"),
                format!("- [ ] plan {escaped}"),
                format!("- {escaped}"),
                format!("{escaped}\n"),
            ];
            for document in documents {
                let (rendered, markup) = render(&document);
                prop_assert!(!markup, "{document:?} renders markup");
                prop_assert!(rendered.contains(expected), "{document:?} renders {rendered:?}");
            }
        }
    }

    // ---- markdown_code ----

    #[test]
    fn markdown_code_examples() {
        assert_eq!(markdown_code("Get-Mailbox"), "`Get-Mailbox`");
        assert_eq!(markdown_code("a `b` c"), "``a `b` c``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        assert_eq!(markdown_code(" a "), "`  a  `");
        assert_eq!(markdown_code(" a"), "` a`");
        assert_eq!(markdown_code("  "), "`  `");
        assert_eq!(markdown_code("a\nb"), "`a b`");
        assert_eq!(markdown_code(""), "");
    }

    proptest! {
        #[test]
        fn markdown_code_reads_back(text in tricky()) {
            let out = markdown_code(&text);
            prop_assert!(!has_line_break(&out));
            let expected: String = text
                .chars()
                .map(|c| {
                    if (c.is_control() && c != '\t') || is_unicode_line_break(c) { ' ' } else { c }
                })
                .collect();
            if expected.is_empty() {
                prop_assert_eq!(out, "");
            } else {
                prop_assert_eq!(read_code_span(&out), Some(expected));
            }
        }
    }

    #[test]
    fn csv_fields_are_quoted_where_needed_and_never_formulas() {
        assert_eq!(
            csv_field("anna@contoso.com").as_deref(),
            Some("anna@contoso.com")
        );
        assert_eq!(
            csv_field("Lindqvist, Anna").as_deref(),
            Some("\"Lindqvist, Anna\"")
        );
        assert_eq!(csv_field(r#"a"b"#).as_deref(), Some(r#""a""b""#));
        assert_eq!(csv_field(" a").as_deref(), Some("\" a\""));
        assert_eq!(csv_field("Seán O'Brien").as_deref(), Some("Seán O'Brien"));
        for formula in [
            "=1+1",
            "+x@contoso.com",
            "-admin@contoso.com",
            "@SUM(A1)",
            "\tx",
            "",
        ] {
            assert_eq!(csv_field(formula), None, "{formula:?}");
        }
        assert_eq!(csv_field("a\nb"), None);
        assert_eq!(csv_field("a\u{202e}b"), None);
    }
}
