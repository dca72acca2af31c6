//! The escapers checked against models of the readers of each output context.

use super::*;
use proptest::prelude::*;

// ---- models of the readers of each context ----

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

/// A model of how cmd reads one line of a batch file before it starts a program, after
/// the documented phases: (1) percent expansion, where `%%` is one `%` and any other `%`
/// expands a variable or argument (`%PATH%`, `%~dp0`) or is dropped; (2) quote toggling at
/// every `"`, where outside quotes `^` escapes the next character and `& | < > ( )` act as
/// operators and blocks, and a line break ends the command; (5) delayed expansion, when
/// enabled, which expands `!VAR!` and removes carets again on any line holding a `!`.
///
/// Returns the text the program receives, or None when cmd would act on some character
/// instead of passing it on (an expansion, an operator, a lone `%` or `^`, a line break).
fn cmd_reads(line: &str, delayed: bool) -> Option<String> {
    // Phase 1.
    let mut expanded = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            (chars.next()? == '%').then_some(())?;
        }
        expanded.push(c);
    }
    // Phase 2.
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = expanded.chars();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' => return None,
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            '^' if !quoted => out.push(chars.next()?),
            '&' | '|' | '<' | '>' | '(' | ')' if !quoted => return None,
            c => out.push(c),
        }
    }
    // Phase 5.
    if delayed && out.contains('!') {
        return None;
    }
    Some(out)
}

/// `cmd_reads` under both settings of delayed expansion, which must agree.
fn cmd_reads_either_way(line: &str) -> Option<String> {
    let off = cmd_reads(line, false);
    (off == cmd_reads(line, true)).then_some(off)?
}

/// How `cmd /c "..."` runs the command line Task Scheduler gives it for a `.cmd` action: with
/// a special character (`& < > ( ) @ ^ |`) between the quotes, the first and last quotes are
/// stripped and the rest is read as a command line (`cmd_reads`).
fn cmd_c_reads(quoted: &str, delayed: bool) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains(['&', '<', '>', '(', ')', '@', '^', '|']) {
        cmd_reads(inner, delayed)
    } else {
        cmd_reads(quoted, delayed)?
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .map(str::to_owned)
    }
}

/// cmd in a batch file, then the C runtime argv split of the receiving program: the one
/// argument `s` stands for, None if cmd acts on anything or it is not one quoted argument.
fn read_cmd_arg(s: &str) -> Option<String> {
    let line = cmd_reads_either_way(s)?;
    let body = line.strip_prefix('"')?.strip_suffix('"')?;
    if body.contains('"') {
        return None;
    }
    // CRT: 2n backslashes before the closing quote stand for n.
    let n = body.chars().rev().take_while(|&c| c == '\\').count();
    (n % 2 == 0).then(|| body[..body.len() - n / 2].to_string())
}

#[test]
fn the_cmd_model_follows_the_documented_phases() {
    assert_eq!(cmd_reads("a %% b", false).as_deref(), Some("a % b"));
    assert_eq!(cmd_reads("%PATH%", false), None);
    assert_eq!(cmd_reads("50%", false), None);
    assert_eq!(cmd_reads("\"%~dp0x\"", false), None);
    assert_eq!(cmd_reads("a ^& b", false).as_deref(), Some("a & b"));
    assert_eq!(cmd_reads("a & b", false), None);
    assert_eq!(
        cmd_reads("\"a & (b) | <c>\"", false).as_deref(),
        Some("\"a & (b) | <c>\"")
    );
    assert_eq!(cmd_reads("\"a\" & \"b\"", false), None);
    assert_eq!(cmd_reads("\"a ^ b\"", false).as_deref(), Some("\"a ^ b\""));
    assert_eq!(cmd_reads("a^", false), None);
    assert_eq!(cmd_reads("a!b!", false).as_deref(), Some("a!b!"));
    assert_eq!(cmd_reads("a!b!", true), None);
    assert_eq!(cmd_reads("\"a!b\"", true), None);
    assert_eq!(cmd_reads("a\nb", false), None);
    assert_eq!(cmd_reads_either_way("x!"), None);
    assert_eq!(
        cmd_c_reads("\"d:\\a b\\x.cmd\"", false).as_deref(),
        Some("d:\\a b\\x.cmd")
    );
    assert_eq!(cmd_c_reads("\"d:\\a&b\\x.cmd\"", false), None);
    assert_eq!(cmd_c_reads("\"d:\\a(1)\\x.cmd\"", false), None);
    assert_eq!(cmd_c_reads("\"d:\\%TEMP%\\x.cmd\"", false), None);
}

#[test]
fn schtasks_tr_examples() {
    assert_eq!(
        schtasks_tr(r#"powershell.exe -Command "& 'd:\x 1\x.ps1'""#).unwrap(),
        r#""powershell.exe -Command \"^& 'd:\x 1\x.ps1'\"""#
    );
    assert_eq!(
        schtasks_tr(r#""C:\a b\" 50 (x)"#).unwrap(),
        r#""\"C:\a b\\\" 50 (x)""#
    );
    assert!(schtasks_tr("caf\u{e9}").is_err());
    assert!(schtasks_tr("50%").is_err());
    assert!(schtasks_tr("a!b").is_err());
    assert_eq!(cmd_line(r#"a "&" & b"#).unwrap(), r#"a "&" ^& b"#);
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
        '\'',
        '\u{2018}',
        '\u{2019}',
        '\u{201A}',
        '\u{201B}',
        '"',
        '`',
        '$',
        '%',
        '\\',
        '#',
        '>',
        '<',
        '*',
        '_',
        '[',
        ']',
        '|',
        '!',
        '&',
        '^',
        ' ',
        '\t',
        '\r',
        '\n',
        '\0',
        '\u{85}',
        '\u{2028}',
        '\u{2029}',
        '\u{202E}',
        'é',
        'ß',
        '漢',
        '\u{200B}',
        '\u{FEFF}',
        '\u{2066}',
        '\u{00AD}',
        '\u{E0041}',
        '\u{201C}',
        '\u{201D}',
        '\u{201E}',
        '\u{1F600}',
        '@',
        '(',
        ')',
    ]);
    let ch = prop_oneof![4 => special, 3 => proptest::char::range('a', 'z'), 1 => any::<char>()];
    prop::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
}

fn printable() -> impl Strategy<Value = String> {
    tricky().prop_map(|s| s.chars().filter(|&c| !ps_char_code(c)).collect())
}

// ---- ps_literal ----

#[test]
fn ps_literal_examples() {
    assert_eq!(ps_literal(""), "''");
    assert_eq!(ps_literal("MAIL2007\\SG1\\DB1"), "'MAIL2007\\SG1\\DB1'");
    assert_eq!(ps_literal("O'Brien"), "'O''Brien'");
    assert_eq!(
        ps_literal("O’Brien ‘x‚ ‛"),
        "('O' + [char]0x2019 + 'Brien ' + [char]0x2018 + 'x' + [char]0x201A + ' ' + [char]0x201B)"
    );
    assert_eq!(
        ps_literal("“a” „b"),
        "('' + [char]0x201C + 'a' + [char]0x201D + ' ' + [char]0x201E + 'b')"
    );
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
    assert_eq!(
        ps_literal("abc\u{202E}def"),
        "('abc' + [char]0x202E + 'def')"
    );
    assert_eq!(
        ps_literal("a\u{200B}\u{FEFF}"),
        "('a' + [char]0x200B + [char]0xFEFF)"
    );
    // Beyond U+FFFF: the two UTF-16 surrogates, which concatenate to the character.
    assert_eq!(
        ps_literal("x\u{E0041}"),
        "('x' + [char]0xDB40 + [char]0xDC41)"
    );
    // A here-string terminator can never start a line: no line break is written raw.
    assert_eq!(
        ps_literal("a\n'@\n\"@"),
        "('a' + [char]0x000A + '''@' + [char]0x000A + '\"@')"
    );
}

#[test]
fn ps_literal_value_reads_by_powershell_rules() {
    assert_eq!(ps_literal_value("'a''b'").as_deref(), Some("a'b"));
    // Any two quote characters, ASCII or typographic, are one: the second.
    assert_eq!(ps_literal_value("'a’’b'").as_deref(), Some("a’b"));
    assert_eq!(ps_literal_value("'a’'b'").as_deref(), Some("a'b"));
    assert_eq!(ps_literal_value("‘a’").as_deref(), Some("a"));
    assert_eq!(
        ps_literal_value("'$x `n \"y\"'").as_deref(),
        Some("$x `n \"y\"")
    );
    assert_eq!(
        ps_literal_value("('a' + [char]0xDB40 + [char]0xDC41)").as_deref(),
        Some("a\u{E0041}")
    );
    for bad in [
        "",
        "'a",
        "'a'b'",
        "'a’b'",
        "'a' ",
        "('a' + 'b'",
        "([char]0x0041)",
        "('a' + [char]0xD800)",
        "('a' + [char]0x12)",
        "('a' + [char]0x00G1)",
        "('a'+'b')",
        "\"a\"",
        "@'\na\n'@",
    ] {
        assert_eq!(ps_literal_value(bad), None, "{bad:?}");
    }
}

proptest! {
    #[test]
    fn ps_literal_is_delimited(text in printable()) {
        let out = ps_literal(&text);
        prop_assert!(out.starts_with('\'') && out.ends_with('\'') && out.len() >= 2);
    }

    #[test]
    fn ps_literal_reads_back(text in tricky()) {
        prop_assert_eq!(ps_literal_value(&ps_literal(&text)), Some(text));
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
        prop_assert!(!out.chars().any(is_hidden), "{:?}", out);
        prop_assert!(!out.chars().any(is_typographic_quote), "{:?}", out);
    }

    #[test]
    fn ps_literal_value_refuses_a_literal_missing_its_end(text in tricky()) {
        // Without its closing quote or parenthesis, a literal is never read as a value.
        let out = ps_literal(&text);
        let end = out.char_indices().last().map_or(0, |(i, _)| i);
        prop_assert_eq!(ps_literal_value(&out[..end]), None, "{:?}", &out[..end]);
    }
}

// ---- ps_comment ----

#[test]
fn ps_comment_examples() {
    assert_eq!(
        ps_comment("plan line 12: move O'Brien"),
        "plan line 12: move O'Brien"
    );
    assert_eq!(
        ps_comment("a\r\nb\u{2028}c\0d\te"),
        "a  b<U+2028>c<U+0000>d\te"
    );
    assert_eq!(ps_comment("x\u{202E}y\u{200B}"), "x<U+202E>y<U+200B>");
    assert_eq!(ps_comment("end #> here ##>"), "end # > here ## >");
    assert_eq!(ps_comment("#\n>"), "# >");
}

proptest! {
    #[test]
    fn ps_comment_has_no_line_break_or_block_end(text in tricky()) {
        let out = ps_comment(&text);
        prop_assert!(!has_line_break(&out));
        prop_assert!(!out.contains("#>"));
        prop_assert!(!out.chars().any(is_hidden));
        // Every hidden character but CR and LF is shown as a `<U+XXXX>` mark.
        let hidden = text
            .chars()
            .filter(|&c| is_hidden(c) && !matches!(c, '\r' | '\n'))
            .count();
        prop_assert_eq!(out.matches("<U+").count(), hidden + text.matches("<U+").count());
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
        ("a!b", '!'),
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
                prop_assert!(ch == '"' || ch == '!' || !ch.is_ascii() || ch.is_ascii_control());
            }
        }
    }

    #[test]
    fn schtasks_tr_reads_back_or_refuses(text in tricky()) {
        match schtasks_tr(&text) {
            Ok(out) => {
                let line = cmd_reads_either_way(&out);
                prop_assert!(line.is_some(), "cmd would act on {:?}", out);
                prop_assert_eq!(read_crt_arg(&line.unwrap()), Some(text));
            }
            Err(_) => {
                let refused = |c: char| matches!(c, '%' | '!') || !c.is_ascii() || c.is_ascii_control();
                prop_assert!(text.chars().any(refused));
            }
        }
    }

    #[test]
    fn cmd_line_passes_through_cmd_unchanged(text in tricky()) {
        match cmd_line(&text) {
            Ok(out) => prop_assert_eq!(cmd_reads_either_way(&out), Some(text)),
            Err(_) => prop_assert!(
                text.chars().any(|c| c == '!' || !c.is_ascii() || c.is_ascii_control())
            ),
        }
    }

    #[test]
    fn cmd_arg_accepts_printable_ascii_without_quotes(
        text in "[ #-~\t]{0,40}"
    ) {
        prop_assert!(cmd_arg(&text).is_ok());
    }

    #[test]
    fn cmd_value_is_read_back_by_cmd_in_every_context(text in tricky()) {
        // A value cmd_value accepts means itself wherever cmd parses it: quoted on a batch
        // line, bare after `cmd /c` strips the quotes of a task's command, and in the command
        // Task Scheduler stores (no `%` for it to expand), with delayed expansion on or off.
        match cmd_value(&text) {
            Ok(()) => {
                prop_assert_eq!(read_cmd_arg(&cmd_arg(&text).unwrap()), Some(text.clone()));
                prop_assert_eq!(cmd_reads_either_way(&text), Some(text.clone()));
                for delayed in [false, true] {
                    let quoted = format!("\"{text}\"");
                    prop_assert_eq!(cmd_c_reads(&quoted, delayed), Some(text.clone()));
                }
                let tr = schtasks_tr(&format!("\"{text}\"")).unwrap();
                prop_assert!(cmd_reads_either_way(&tr).is_some());
            }
            Err(EscapeError::Unrepresentable { ch, .. }) => {
                prop_assert!(text.contains(ch));
                prop_assert!(CMD_SPECIAL.contains(&ch) || !ch.is_ascii() || ch.is_ascii_control());
            }
        }
    }

    #[test]
    fn cmd_value_accepts_everything_cmd_leaves_alone(text in "[ #$',-;=?-\\[\\]_-{}~]{0,40}") {
        prop_assert!(text.chars().all(|c| !CMD_SPECIAL.contains(&c)));
        prop_assert!(cmd_value(&text).is_ok());
    }
}

#[test]
fn cmd_value_refuses_every_character_cmd_acts_on() {
    for c in CMD_SPECIAL
        .into_iter()
        .chain(['\t', '\n', '\0', 'é', '\u{202E}'])
    {
        let text = format!("d:\\scripts\\a{c}b.ps1");
        assert_eq!(
            cmd_value(&text),
            Err(EscapeError::Unrepresentable {
                ch: c,
                context: "a value cmd parses"
            }),
            "{text:?}"
        );
    }
    assert_eq!(cmd_value(r"\\fs01\pst\wave 1\O'Brien-#2 [x]"), Ok(()));
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
    assert_eq!(markdown("a\r\nb\u{2029}c\td"), "a  b\\\\u{2029}c d");
    assert_eq!(markdown("abc\u{202E}def"), "abc\\\\u{202E}def");
    assert_eq!(
        render(&markdown("abc\u{202E}d\0")).0,
        "abc\\u{202E}d\\u{0000}"
    );
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
        '\\', '`', '*', '_', '[', ']', '<', '>', '|', '!', '~', '&', '#', '-', '+', '=', '.', ')',
        '(', ':', '/', '1', '2', ' ', '\t', '\n', '\r', 'h', 't', 'p', 's', 'w', '@', ';', '\'',
        '"', '$', '%', '^', '{', '}', 'é', '\u{202E}', '\u{200B}', '\0', '\u{2028}',
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
            .map(|c| match c {
                '\r' | '\n' | '\t' => " ".to_owned(),
                c if is_hidden(c) => format!("\\u{{{:04X}}}", u32::from(c)),
                c => c.to_string(),
            })
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
    assert_eq!(markdown_code("a\u{202E}b"), "`a\\u{202E}b`");
    assert_eq!(markdown_code(""), "");
}

proptest! {
    #[test]
    fn markdown_code_reads_back(text in tricky()) {
        let out = markdown_code(&text);
        prop_assert!(!has_line_break(&out));
        let expected: String = text
            .chars()
            .map(|c| match c {
                '\r' | '\n' => " ".to_owned(),
                c if is_hidden(c) => format!("\\u{{{:04X}}}", u32::from(c)),
                c => c.to_string(),
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

#[test]
fn mermaid_labels_keep_plan_text_out_of_the_diagram_syntax() {
    let hostile = "a\"]-->x;click x call evil()%%{init}|<b>`#1;&amp;\u{202E}\n";
    let label = mermaid_label(hostile);
    // Outside the entities it writes, none of the characters that mean something to Mermaid.
    let mut rest = String::new();
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#' {
            let digits: String =
                std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
            assert!(!digits.is_empty() && chars.next() == Some(';'), "{label}");
            continue;
        }
        rest.push(c);
    }
    for c in [
        '"', '<', '>', '`', '%', ';', '{', '}', '|', '&', '\u{202E}', '\n',
    ] {
        assert!(!rest.contains(c), "{c:?} in {label}");
    }
    assert_eq!(
        label,
        "a#34;]--#62;x#59;click x call evil()#37;#37;#123;init#125;#124;#60;b#62;#96;#35;1#59;#38;amp#59;\\u#123;202E#125; "
    );
    assert_eq!(
        mermaid_label("Site HQ (internet-facing)"),
        "Site HQ (internet-facing)"
    );
}

#[test]
fn dot_strings_escape_quotes_and_backslashes() {
    assert_eq!(dot_string(r#"a"b\N"#), r#""a\"b\\N""#);
    assert_eq!(dot_string("x\u{200B}\ty"), "\"x\\\\u{200B} y\"");
}
