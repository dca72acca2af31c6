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

/// Unicode general category Cf (format characters), Unicode 15.1: zero-width characters,
/// joiners, bidirectional controls ("Trojan Source", CVE-2021-42574), the byte order mark,
/// invisible operators, interlinear annotation and tag characters.
pub fn is_format_char(c: char) -> bool {
    // Every format character is beyond ASCII, and most text is ASCII.
    if c.is_ascii() {
        return false;
    }
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Characters that render as nothing (or as blank filler) although they are not format
/// characters: the combining grapheme joiner, Hangul fillers, invisible Khmer vowels and the
/// Mongolian variation selectors.
fn is_other_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'
            ..='\u{180D}' | '\u{180F}' | '\u{3164}' | '\u{FFA0}'
    )
}

/// A character a reviewer cannot see, or that would break the one-statement-per-line layout
/// of a generated file: controls other than tab (C0, DEL, C1 incl. NEL), line and paragraph
/// separators (Zl, Zp), format characters ([`is_format_char`]: zero-width, bidi controls,
/// BOM, tags) and the other invisible fillers. Plan values and comments holding one are
/// refused (E0115, E0116); an escaper that still meets one writes it visibly.
#[must_use]
pub fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && c != '\t';
    }
    (c.is_control() && c != '\t')
        || is_unicode_line_break(c)
        || is_format_char(c)
        || is_other_invisible(c)
}

/// The typographic quotes U+2018–U+201E: PowerShell reads the single ones (U+2018–U+201B)
/// as `'` and the double ones (U+201C–U+201E) as `"`, and a reviewer can mistake any of them
/// for the end of a literal, so [`ps_literal`] writes them as `[char]` codes.
#[must_use]
pub fn is_typographic_quote(c: char) -> bool {
    ('\u{2018}'..='\u{201E}').contains(&c)
}

/// Characters [`ps_literal`] writes as `[char]` codes rather than inside the quotes.
fn ps_char_code(c: char) -> bool {
    is_hidden(c) || is_typographic_quote(c)
}

/// A PowerShell single-quoted string literal for `text`, quotes included.
///
/// Single-quoted strings expand nothing (`$`, backtick and `"` are literal), so inside the
/// quotes the only character to handle is `'`, which is doubled (PowerShell reads `''` as one
/// `'`). This works on every PowerShell from 1.0.
///
/// Some characters are never written inside the quotes: the typographic quotes U+2018–U+201E
/// (PowerShell treats U+2018–U+201B as `'`, so they would end the literal if not doubled, and
/// a reviewer cannot tell where a literal ends), and every [hidden](is_hidden) character
/// (line breaks, controls, bidi controls, zero-width and other format characters: a reviewer
/// would not see what runs). The literal is then closed and the character appended as a
/// `[char]` code, so the result is a parenthesised concatenation,
/// `('abc' + [char]0x202E + 'def')`; a character beyond U+FFFF is written as its two UTF-16
/// surrogates, which concatenate to it. The parentheses keep it one argument in command
/// (argument) mode, where a bare `'a' + 'b'` would be three arguments; the leading string
/// operand makes `+` concatenate rather than add. [`ps_literal_value`] reads the result back.
#[must_use]
pub fn ps_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    let mut in_quotes = true;
    let mut concatenated = false;
    for c in text.chars() {
        if ps_char_code(c) {
            if in_quotes {
                out.push('\'');
                in_quotes = false;
            }
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                // Writing to a String cannot fail.
                let _ = write!(out, " + [char]0x{unit:04X}");
            }
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

/// The value PowerShell gives `literal`, read by PowerShell's own rules, when `literal` is
/// one of the forms [`ps_literal`] writes: a single-quoted string, or a parenthesised
/// concatenation of single-quoted strings and `[char]0xHHHH` codes that starts with a string.
/// `None` for anything else (an unterminated string, text after the literal, a lone
/// surrogate, any other expression).
///
/// Inside single quotes, PowerShell's tokenizer treats `'` and the typographic quotes
/// U+2018–U+201B alike: one of them followed by another is one literal character (the
/// second), a lone one ends the string; everything else, `$`, backtick, `"`, line breaks and
/// NUL included, is literal. For fuzz targets and tests: the round trip
/// `ps_literal_value(&ps_literal(s)) == Some(s)` must hold for every `s`.
#[doc(hidden)]
#[must_use]
pub fn ps_literal_value(literal: &str) -> Option<String> {
    let Some(inner) = literal.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        let (value, rest) = read_ps_single_quoted(literal)?;
        return rest.is_empty().then_some(value);
    };
    let (first, mut rest) = read_ps_single_quoted(inner)?;
    let mut units: Vec<u16> = first.encode_utf16().collect();
    while !rest.is_empty() {
        rest = rest.strip_prefix(" + ")?;
        if let Some(code) = rest.strip_prefix("[char]0x") {
            let hex = code.get(..4)?;
            if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            units.push(u16::from_str_radix(hex, 16).ok()?);
            rest = &code[4..];
        } else {
            let (part, r) = read_ps_single_quoted(rest)?;
            units.extend(part.encode_utf16());
            rest = r;
        }
    }
    String::from_utf16(&units).ok()
}

/// One PowerShell single-quoted string at the start of `s`: its value and the rest of `s`.
fn read_ps_single_quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices().peekable();
    let (_, first) = chars.next()?;
    if !is_ps_single_quote(first) {
        return None;
    }
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        if !is_ps_single_quote(c) {
            value.push(c);
            continue;
        }
        match chars.peek() {
            Some(&(_, next)) if is_ps_single_quote(next) => {
                value.push(next);
                chars.next();
            }
            _ => return Some((value, &s[i + c.len_utf8()..])),
        }
    }
    None
}

/// `text` made safe for the body of a PowerShell `# ...` line comment (the `# ` is not added).
///
/// A line break would end the comment and turn the rest of the value into code, so CR and LF
/// become a space. Every other [hidden](is_hidden) character (NEL, LS, PS, other controls,
/// bidi controls, zero-width and format characters) is written visibly as `<U+XXXX>`: a bidi
/// override in a comment could make the code on the lines around look different from what it
/// is, and a reviewer must see it is there. Tab stays. `#>` would end an enclosing
/// `<# ... #>` block comment (comment-based help), so it becomes `# >`.
#[must_use]
pub fn ps_comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\r' | '\n') {
            out.push(' ');
        } else if is_hidden(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            if c == '>' && out.ends_with('#') {
                out.push(' ');
            }
            out.push(c);
        }
    }
    out
}

/// The characters cmd acts on somewhere in a batch file or a command line it parses: `%`
/// (variable expansion, phase 1), `!` (delayed expansion, when enabled: by `setlocal
/// EnableDelayedExpansion`, `cmd /V:ON` or the `DelayedExpansion` registry value), `"`
/// (quote toggling), and `& | < > ^ ( )` (operators, escape and blocks, outside quotes).
pub const CMD_SPECIAL: [char; 10] = ['%', '!', '"', '&', '|', '<', '>', '^', '(', ')'];

/// Checks a plan value that reaches a `.cmd` file or the command line of a scheduled task:
/// it must hold nothing cmd acts on, wherever that text is parsed again.
///
/// The escapers below make a value pass through the batch file unchanged, but cmd may parse
/// it again with other rules: Task Scheduler expands `%VAR%` in a task's command when it
/// runs, and runs a `.cmd` wrapper through `cmd /c`, which strips the outer quotes of its
/// command line when a special character stands between them, so `& | < > ^ ( )` act there;
/// `!` expands under delayed expansion, which a machine can turn on for every cmd. No
/// spelling is right under all of these, so such values are refused (E0604), as are `"`,
/// control characters (tab too: cmd and the C runtime split arguments at it) and non-ASCII
/// (cmd reads a batch file in the OEM code page).
///
/// # Errors
///
/// [`EscapeError::Unrepresentable`] with the first such character.
pub fn cmd_value(text: &str) -> Result<(), EscapeError> {
    match text
        .chars()
        .find(|&c| CMD_SPECIAL.contains(&c) || !c.is_ascii() || c.is_ascii_control())
    {
        Some(c) => Err(unrepresentable(c, "a value cmd parses")),
        None => Ok(()),
    }
}

/// One argument on a `.cmd` batch file line, double quotes included; also the value of
/// `schtasks /RU` and `/TN`.
///
/// Inside double quotes cmd treats `^ & | < > ( )` literally, but it still expands `%VAR%`
/// in a batch file, so `%` is doubled. The program receiving the argument (schtasks.exe,
/// powershell.exe) splits its command line by the C runtime rules, where backslashes right
/// before the closing quote escape it (`"C:\dir\"` would swallow the quote), so a trailing run
/// of backslashes is doubled; elsewhere backslashes are literal.
///
/// This is the second line of defence: analysis refuses every plan value with a character
/// cmd acts on ([`cmd_value`], E0604) before anything is written.
///
/// # Errors
///
/// [`EscapeError::Unrepresentable`] for characters with no reliable spelling: `"` (cmd has
/// no escape for a quote inside quotes), `!` (under delayed expansion it expands even inside
/// quotes, and its escape `^!` is read literally when delayed expansion is off), any control
/// character but tab (CR and LF end the command, NUL and Ctrl-Z end the file for some
/// readers), and anything non-ASCII (the `.cmd` file is ASCII, since cmd reads it in the OEM
/// code page).
///
/// Not covered: after `call`, carets are doubled, so the result is not for `call` lines.
pub fn cmd_arg(text: &str) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '%' => out.push_str("%%"),
            '"' | '!' => return Err(unrepresentable(c, "a cmd argument")),
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
/// on, but the receiving program splits arguments at it), anything non-ASCII, and `!` (no
/// spelling survives both delayed expansion on and off, see [`cmd_arg`]).
pub fn cmd_line(command: &str) -> Result<String, EscapeError> {
    let mut out = String::with_capacity(command.len() + 8);
    let mut quoted = false;
    for c in command.chars() {
        match c {
            c if c == '!' || !c.is_ascii() || c.is_ascii_control() => {
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
/// As [`cmd_line`], and `%`: Task Scheduler expands `%VAR%` in the stored command each time
/// the task runs, and no spelling of `%` prevents that.
pub fn schtasks_tr(command: &str) -> Result<String, EscapeError> {
    if let Some(c) = command.chars().find(|&c| c == '%') {
        return Err(unrepresentable(c, "a scheduled task's command"));
    }
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
/// stays readable in a diff. CR, LF and tab (which means indentation) become a space. Every
/// other [hidden](is_hidden) character (controls, NEL, LS, PS, bidi controls, zero-width and
/// format characters) is written visibly as the text `\u{202E}` (raw `\\u{202E}`), so a
/// reviewer of the runbook sees it is there. The tests check the rule against a CommonMark
/// parser.
#[must_use]
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text
        .chars()
        .map(|c| {
            if matches!(c, '\r' | '\n' | '\t') {
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
        } else if is_hidden(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\\\u{{{:04X}}}", u32::from(c));
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
/// merge with the fence) or starts and ends with a space (the stripping would eat it). CR
/// and LF become a space; every other [hidden](is_hidden) character but tab is written
/// visibly as the text `\u{202E}` (a code span shows it as it is). Empty text gives an empty
/// string, since a code span cannot be empty.
///
/// Not covered: inside a GFM table a `|` still splits the cell even in a code span.
#[must_use]
pub fn markdown_code(text: &str) -> String {
    let mut content = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\r' | '\n') {
            content.push(' ');
        } else if is_hidden(c) {
            // Writing to a String cannot fail.
            let _ = write!(content, "\\u{{{:04X}}}", u32::from(c));
        } else {
            content.push(c);
        }
    }
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

/// `text` for the inside of a double-quoted Mermaid label (`id["..."]`, `-- "..." -->`), in
/// a runbook's ```` ```mermaid ```` block or `exgen graph` output.
///
/// Mermaid decodes `#NN;` entity codes in labels and renders the rest as HTML, so every
/// character that could end the label (`"`), start an entity (`#`), form a tag or an entity
/// (`<`, `>`, `&`), start a Markdown string or a comment (`` ` ``, `%`), or end a statement
/// (`;`) is written as its decimal entity: a plan value shows as written and never changes the
/// diagram's structure. CR, LF and tab become a space; every other [hidden](is_hidden)
/// character is written visibly as the text `\u{202E}`, as in [`markdown`].
#[must_use]
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '"' | '#' | '<' | '>' | '&' | '`' | '%' | ';' | '{' | '}' | '|' => {
                // Writing to a String cannot fail.
                let _ = write!(out, "#{};", u32::from(c));
            }
            // The braces as entities too: the label shows `\u{202E}`.
            c if is_hidden(c) => {
                let _ = write!(out, "\\u#123;{:04X}#125;", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as a Graphviz DOT double-quoted string, quotes included (`exgen graph --format
/// dot`): `"` and `\` are escaped with a backslash, so neither ends the string nor starts one
/// of DOT's label escapes (`\N`, `\l`, ...). CR, LF and tab become a space; every other
/// [hidden](is_hidden) character is written visibly as the text `\u{202E}`.
#[must_use]
pub fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_hidden(c) => {
                let _ = write!(out, "\\\\u{{{:04X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    if text.is_empty() || text.starts_with(FORMULA_LEADERS) {
        return None;
    }
    // One pass over the bytes for the usual ASCII address; the general test otherwise.
    let (hidden, special) = if text.is_ascii() {
        text.bytes().fold((false, false), |(h, s), b| {
            (h || is_hidden(char::from(b)), s || b == b',' || b == b'"')
        })
    } else {
        (text.chars().any(is_hidden), text.contains([',', '"']))
    };
    if hidden {
        return None;
    }
    let quoted =
        special || text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
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

/// `value` as a string of the plan language (`.exm`): in double quotes, a quote doubled
/// (`grammar/exm.pest`'s `string`). Refuses what a plan string cannot hold or would hide: a
/// line break, a control or invisible character (E0115 in a plan).
///
/// # Errors
/// The reason, when `value` holds such a character.
pub fn exm_string(value: &str) -> Result<String, &'static str> {
    if value
        .chars()
        .any(|c| matches!(c, '\n' | '\r') || c.is_control() || is_hidden(c))
    {
        return Err("a line break, a control character or an invisible character");
    }
    Ok(format!("\"{}\"", value.replace('"', "\"\"")))
}

#[cfg(test)]
mod tests;
