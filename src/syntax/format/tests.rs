//! The layout rules one by one, the refusals, and random text: never a panic, and what is
//! formatted is formatted again to itself with the same statements.

use super::format;
use crate::diag::Code;
use proptest::prelude::*;

/// `input` formatted; panics with the diagnostics when it is refused.
fn fmt(input: &str) -> String {
    match format(input) {
        Ok(out) => out,
        Err(diags) => panic!("{input:?} refused: {diags:?}"),
    }
}

/// The code of the first diagnostic refusing `input`.
fn refused(input: &str) -> Code {
    match format(input) {
        Ok(out) => panic!("{input:?} formatted to {out:?}"),
        Err(diags) => diags.iter().next().expect("a diagnostic").code,
    }
}

#[test]
fn blocks_are_indented_two_spaces_a_level() {
    assert_eq!(
        fmt("plan \"P\" {\nsite \"HQ\" {\n\t\tserver A {\n exchange 2010\n      }\n}\n}"),
        "plan \"P\" {\n  site \"HQ\" {\n    server A {\n      exchange 2010\n    }\n  }\n}\n"
    );
}

#[test]
fn a_block_written_on_one_line_stays_on_one_line() {
    assert_eq!(
        fmt("server A {exchange 2010;roles mailbox}\n"),
        "server A { exchange 2010; roles mailbox }\n"
    );
    assert_eq!(
        fmt("site X { server A { new } ; ; server B { new } }\n"),
        "site X { server A { new }; server B { new } }\n"
    );
    assert_eq!(fmt("a {}\nb {  }\nc {\n\n}\n"), "a { }\nb { }\nc { }\n");
}

#[test]
fn a_block_over_several_lines_gets_one_statement_a_line() {
    assert_eq!(
        fmt("server A { exchange 2010; os \"W\"\n  roles mailbox; new }\n"),
        "server A {\n  exchange 2010\n  os \"W\"\n  roles mailbox\n  new\n}\n"
    );
    assert_eq!(
        fmt("a {\n  b { c\n  }; d\n}\n"),
        "a {\n  b {\n    c\n  }\n  d\n}\n"
    );
    // Statements outside any block are on lines of their own too.
    assert_eq!(fmt("a; b;\nc\n"), "a\nb\nc\n");
}

#[test]
fn the_space_between_words_is_kept_at_least_one() {
    let aligned = "namespaces {\n  primary      \"mail.contoso.com\"\n  autodiscover \"autodiscover.contoso.com\"\n}\n";
    assert_eq!(fmt(aligned), aligned);
    assert_eq!(fmt("server EX55   { new }\n"), "server EX55   { new }\n");
    assert_eq!(fmt("a \"x\"\"y\"b\n"), "a \"x\"\"y\" b\n");
    // No space before a comma, the space after it kept.
    assert_eq!(
        fmt("roles cas ,hub,  mailbox\n"),
        "roles cas, hub,  mailbox\n"
    );
    // A tab reaches the next multiple of 8 columns of the line as written.
    assert_eq!(fmt("ab\tc\nabcdefg\td\n"), "ab      c\nabcdefg d\n");
}

#[test]
fn comments_stay_where_they_are() {
    let input = "# head\n\n  # before\nplan \"P\" { # open\n  a 1   # after a\n\n\n  # own line\n  b { c; d }# after b\n  e; # after e\n  # last\n} # after plan\n# end";
    let expected = "# head\n\n# before\nplan \"P\" { # open\n  a 1   # after a\n\n  # own line\n  b { c; d } # after b\n  e # after e\n  # last\n} # after plan\n# end\n";
    assert_eq!(fmt(input), expected);
    // A comment inside a block written on one line ends that line: the block spans lines.
    assert_eq!(fmt("a { b # c\n d }\n"), "a {\n  b # c\n  d\n}\n");
    assert_eq!(fmt("a { b\n } # c\n"), "a {\n  b\n} # c\n");
    assert_eq!(fmt("a {\n} # c\n"), "a { } # c\n");
    assert_eq!(fmt("a { # c\n}\n"), "a { # c\n}\n");
    assert_eq!(fmt("a { ;# c\n; b }\n"), "a { # c\n  b\n}\n");
    // `#` in a string is no comment.
    assert_eq!(fmt("a \"#x\"  # y  \n"), "a \"#x\"  # y\n");
}

#[test]
fn blank_lines_collapse_and_leave_the_ends_of_blocks() {
    assert_eq!(
        fmt("\n\n\na {\n\n\n  b\n\n\n\n  c\n\n}\n\n\n\nd\n\n\n"),
        "a {\n  b\n\n  c\n}\n\nd\n"
    );
    // A line holding only `;` is blank.
    assert_eq!(fmt("a\n;\n;\nb\n"), "a\n\nb\n");
}

#[test]
fn line_breaks_follow_the_plan_and_a_byte_order_mark_stays() {
    assert_eq!(fmt("a {\r\n b  \r\n}\r\n"), "a {\r\n  b\r\n}\r\n");
    // Mixed: the kind most line breaks are; a CR alone becomes that kind too.
    assert_eq!(
        fmt("a\r\nb\r\nc\r\nd\ne\rf"),
        "a\r\nb\r\nc\r\nd\r\ne\r\nf\r\n"
    );
    assert_eq!(fmt("a\r\nb\nc\n"), "a\nb\nc\n");
    assert_eq!(fmt("\u{FEFF}a {b}"), "\u{FEFF}a { b }\n");
    assert_eq!(fmt("\u{FEFF}"), "\u{FEFF}");
    assert_eq!(fmt(""), "");
    assert_eq!(fmt(" \n\t\n;;\n"), "");
}

#[test]
fn strings_and_words_are_never_changed() {
    let input = "manual \"O\"\"Brien  ’s  \\\\x\\ a\" after mail-flow\nat 2:00 8.2.176.2 x-1._y\n";
    assert_eq!(fmt(input), input);
}

#[test]
fn a_plan_that_does_not_parse_is_refused_with_the_syntax_diagnostics() {
    assert_eq!(refused("a {\n"), Code::E0102);
    assert_eq!(refused("a \"open\n"), Code::E0101);
    assert_eq!(refused("a @\n"), Code::E0100);
    assert_eq!(refused("a\n{ b }\n"), Code::E0100);
    assert_eq!(refused("a # \u{202E}\n"), Code::E0116);
    assert_eq!(refused(&"a {".repeat(40)), Code::E0103);
}

#[test]
fn a_line_that_indentation_would_make_too_long_is_refused() {
    let value = "x".repeat(crate::syntax::MAX_LINE_BYTES - 6);
    let line = format!("c \"{value}\"");
    // One level deep, it is indented to exactly the limit.
    assert!(format(&format!("a {{\n{line}\n}}\n")).is_ok());
    // Two levels deep, four bytes more are too many.
    let input = format!("a {{\n b {{\n{line}\n }}\n}}\n");
    let Err(diags) = format(&input) else {
        panic!("formatted a line longer than the limit");
    };
    let first = diags.iter().next().expect("a diagnostic");
    assert_eq!(first.code, Code::E0124);
    assert_eq!(first.primary.span.start, input.find("c \"").unwrap());
    // A byte order mark counts to the first line, as in the pre-scan: the space the layout
    // puts between `c` and its string is one byte too many.
    let value = "x".repeat(crate::syntax::MAX_LINE_BYTES - 6);
    let input = format!("\u{FEFF}c\"{value}\"");
    assert_eq!(input.len(), crate::syntax::MAX_LINE_BYTES);
    let Err(diags) = format(&input) else {
        panic!("formatted a first line longer than the limit");
    };
    assert_eq!(diags.iter().next().map(|d| d.code), Some(Code::E0124));
}

#[test]
fn the_examples_and_test_plans_are_canonical_and_format_to_themselves() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut read = 0;
    for dir in ["examples", "tests/plans/ok", "tests/plans/cli"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "exm") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(fmt(&text), text, "{} is not canonical", path.display());
                read += 1;
            }
        }
    }
    assert!(read > 25, "{read}");
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "Bc",
        "x-1",
        "2010",
        "02:00",
        "8.2.176.2",
        "\"s t\"",
        "\"\"",
        "\"#\"",
        ",",
        "{",
        "{",
        "}",
        "}",
        ";",
        "\n",
        "\n",
        "\r\n",
        "\r",
        " ",
        "  ",
        "\t",
        "# c ",
        "#",
        "\u{feff}",
        "é",
        "{ }",
    ])
}

/// Formats `text` if the syntax stage reads it, and only then: formatted once, it formats to
/// itself.
fn formats_when_it_parses(text: &str) -> Result<(), TestCaseError> {
    let parses = !crate::syntax::scan::scan(text).has_errors()
        && crate::syntax::parser::parse_statements(text).is_ok();
    match format(text) {
        Ok(once) => {
            prop_assert!(parses, "{:?} formatted but does not parse", text);
            prop_assert_eq!(format(&once).ok(), Some(once.clone()), "{:?}", text);
        }
        Err(diags) => prop_assert!(!parses, "{:?} parses but is refused: {:?}", text, diags),
    }
    Ok(())
}

/// A statement of a generated plan: its head and its block, meant for one line or several.
#[derive(Debug, Clone)]
struct Generated {
    words: Vec<&'static str>,
    block: Option<(bool, Vec<Generated>)>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let words = || {
        prop::collection::vec(
            prop::sample::select(vec![
                "x",
                "\"s # t\"",
                "\"\"",
                "12",
                "02:00",
                "1.2.3",
                "Y-2",
            ]),
            0..4,
        )
    };
    words()
        .prop_map(|words| Generated { words, block: None })
        .prop_recursive(4, 40, 4, move |inner| {
            (words(), any::<bool>(), prop::collection::vec(inner, 0..4)).prop_map(
                |(words, one_line, stmts)| Generated {
                    words,
                    block: Some((one_line, stmts)),
                },
            )
        })
}

/// Writes generated statements with the spacing, separators, comments and blank lines
/// `noise` picks: valid text in every layout the grammar allows.
struct Writer {
    noise: Vec<u8>,
    next: usize,
    text: String,
}

impl Writer {
    fn pick<'s>(&mut self, choices: &[&'s str]) -> &'s str {
        let n = usize::from(self.noise[self.next % self.noise.len()]);
        self.next += 1;
        choices[n % choices.len()]
    }

    fn statement(&mut self, stmt: &Generated) {
        self.text.push_str("kw");
        for (i, word) in stmt.words.iter().enumerate() {
            let gap = if i == 0 {
                self.pick(&[" ", "  ", "\t", "    "])
            } else {
                self.pick(&[" ", "  ", "\t", ", ", " ,", ",", "\t, "])
            };
            self.text.push_str(gap);
            self.text.push_str(word);
        }
        let Some((one_line, stmts)) = &stmt.block else {
            return;
        };
        let gap = self.pick(&[" ", "", "   ", "\t"]);
        self.text.push_str(gap);
        self.text.push('{');
        if *one_line {
            for (i, inner) in stmts.iter().enumerate() {
                let sep = if i == 0 {
                    self.pick(&["", " ", " ; ", ";"])
                } else {
                    self.pick(&[";", "; ", " ;  ", ";;"])
                };
                self.text.push_str(sep);
                self.statement(inner);
            }
            let end = self.pick(&[" ", "", " ;", "\t"]);
            self.text.push_str(end);
        } else {
            let after_open = self.pick(&["", " # open", "  ;", "\t#"]);
            self.text.push_str(after_open);
            self.lines(stmts);
            let indent = self.pick(&["", "  ", "\t", "      "]);
            self.text.push_str(indent);
        }
        self.text.push('}');
    }

    /// Statements each on lines of their own (or two on one), and a line break to end.
    fn lines(&mut self, stmts: &[Generated]) {
        let first = self.pick(&["\n", "\r\n", "\n\n", "\n  # first\n"]);
        self.text.push_str(first);
        for stmt in stmts {
            let indent = self.pick(&["", "  ", "\t", "   "]);
            self.text.push_str(indent);
            self.statement(stmt);
            let end = self.pick(&[
                "\n",
                "\n",
                ";\n",
                "  # note \n",
                "\r\n",
                "\n\n\n",
                "\n# own\n\n",
                "; ",
            ]);
            self.text.push_str(end);
        }
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn generated_plans_in_any_layout_format_to_a_fixed_point(
        stmts in prop::collection::vec(generated(), 0..5),
        noise in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut writer = Writer { noise, next: 0, text: String::new() };
        writer.lines(&stmts);
        let text = writer.text;
        let formatted = format(&text);
        prop_assert!(formatted.is_ok(), "{:?} is refused", text);
        formats_when_it_parses(&text)?;
        // Indentation as written does not count (tabs between words do, through their column).
        if !text.contains('\t') {
            let flush: String = text.split_inclusive('\n').map(|l| l.trim_start_matches(' ')).collect();
            prop_assert_eq!(format(&flush).ok(), formatted.ok(), "{:?}", text);
        }
    }

    #[test]
    fn any_text_that_parses_formats_to_a_fixed_point(tokens in prop::collection::vec(token(), 0..40)) {
        formats_when_it_parses(&tokens.concat())?;
    }

    #[test]
    fn line_shaped_plans_format_to_a_fixed_point(
        lines in prop::collection::vec(
            (0..4usize, prop::sample::select(vec!["a", "server X", "b 1, 2", "c \"#\""]),
             prop::collection::vec(token(), 0..4)),
            0..12,
        )
    ) {
        let text: String = lines
            .iter()
            .map(|(indent, k, rest)| format!("{}{k} {}\n", " ".repeat(*indent), rest.concat()))
            .collect();
        formats_when_it_parses(&text)?;
    }
}
