use super::*;
use crate::diag::Code;
use crate::source::Span;
use proptest::prelude::*;

const PLAN: &str = r#"plan "Contoso" {
  site "HQ" internet-facing {
    server MAIL2010 { exchange 2010 sp3; roles cas hub mailbox; new }
    server MAIL2010 { exchange 2010 sp3; roles mailbox; new }
  }
  decommission MAIL2100
}
"#;

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let start = text.match_indices(needle).nth(nth).expect("needle").0;
    Span::new(start, start + needle.len())
}

fn one(code: Code, span: Span, message: &str) -> Diagnostics {
    Diagnostic::new(code, span, message)
        .with_label("here")
        .into()
}

fn plan_diagnostics() -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(
        Diagnostic::new(
            Code::E0202,
            span_of(PLAN, "MAIL2100", 0),
            "undefined server `MAIL2100`",
        )
        .with_label("not declared")
        .with_help("did you mean `MAIL2010`?"),
    );
    diagnostics.push(
        Diagnostic::new(
            Code::E0201,
            span_of(PLAN, "MAIL2010", 1),
            "duplicate server `MAIL2010`",
        )
        .with_label("defined again here")
        .with_related(span_of(PLAN, "MAIL2010", 0), "first defined here"),
    );
    diagnostics.push(Diagnostic::new(
        Code::W0401,
        span_of(PLAN, "new", 1),
        "a risky setting",
    ));
    diagnostics
}

#[test]
fn plain_rendering_shows_labels_related_spans_help_and_a_summary() {
    let file = SourceFile::new("plan.exm", PLAN);
    let out = terminal(&file, &plan_diagnostics(), false);
    insta::assert_snapshot!(out, @r"
    error[E0202]: undefined server `MAIL2100`
     --> plan.exm:6:16
      |
    6 |   decommission MAIL2100
      |                ^^^^^^^^ not declared
      |
      = help: did you mean `MAIL2010`?

    error[E0201]: duplicate server `MAIL2010`
     --> plan.exm:4:12
      |
    3 |     server MAIL2010 { exchange 2010 sp3; roles cas hub mailbox; new }
      |            -------- first defined here
    4 |     server MAIL2010 { exchange 2010 sp3; roles mailbox; new }
      |            ^^^^^^^^ defined again here

    warning[W0401]: a risky setting
     --> plan.exm:4:57
      |
    4 |     server MAIL2010 { exchange 2010 sp3; roles mailbox; new }
      |                                                         ^^^

    error: could not compile `plan.exm` due to 2 errors; 1 warning emitted
    ");
}

#[test]
fn summary_counts_warnings_alone_and_in_the_plural() {
    let file = SourceFile::new("plan.exm", PLAN);
    let mut warnings = one(Code::W0401, Span::new(0, 4), "risky");
    warnings.push(Diagnostic::new(Code::W0301, Span::new(0, 4), "unverified"));
    let out = terminal(&file, &warnings, false);
    assert!(
        out.ends_with("\nwarning: `plan.exm` generated 2 warnings\n"),
        "{out}"
    );
    let out = terminal(&file, &one(Code::E0100, Span::new(0, 4), "bad"), false);
    assert!(
        out.ends_with("\nerror: could not compile `plan.exm` due to 1 error\n"),
        "{out}"
    );
}

#[test]
fn no_diagnostics_render_nothing() {
    let file = SourceFile::new("plan.exm", PLAN);
    assert_eq!(terminal(&file, &Diagnostics::new(), true), "");
    assert_eq!(json(&file, &Diagnostics::new()), "");
}

#[test]
fn colour_is_only_used_when_asked_for() {
    let file = SourceFile::new("plan.exm", PLAN);
    let coloured = terminal(&file, &plan_diagnostics(), true);
    let plain = terminal(&file, &plan_diagnostics(), false);
    assert!(coloured.contains('\x1b'));
    assert!(!plain.contains('\x1b'));
    assert_eq!(plain, terminal(&file, &plan_diagnostics(), false));
}

#[test]
fn escape_characters_in_the_plan_do_not_reach_the_terminal() {
    let text = "plan \"\x1b[31mred\" {}\n";
    let file = SourceFile::new("plan.exm", text);
    let out = terminal(
        &file,
        &one(Code::E0100, span_of(text, "red", 0), "bad"),
        false,
    );
    assert!(!out.contains('\x1b'), "{out}");
}

#[test]
fn a_one_megabyte_line_renders_in_a_few_short_lines() {
    let text = format!(
        "plan \"x\" {{ {} MAIL2100 {} }}\n",
        "a".repeat(500_000),
        "é".repeat(250_000)
    );
    let file = SourceFile::new("plan.exm", text.as_str());
    let mut diagnostics: Diagnostics = Diagnostic::new(
        Code::E0202,
        span_of(&text, "MAIL2100", 0),
        "undefined server `MAIL2100`",
    )
    .with_label("not declared")
    .with_related(Span::new(0, 4), "in this plan")
    .into();
    diagnostics.push(Diagnostic::new(
        Code::E0100,
        Span::new(0, text.len()),
        "all of it",
    ));
    let end = text.len() - 2;
    diagnostics.push(Diagnostic::new(
        Code::E0102,
        Span::new(end, end + 1),
        "the end",
    ));
    let out = terminal(&file, &diagnostics, false);
    assert!(out.len() < 2_000, "{} bytes", out.len());
    assert!(out.lines().all(|l| l.chars().count() <= 200), "{out}");
    assert!(out.contains(" --> plan.exm:1:500013\n"), "{out}");
    assert!(out.contains(" --> plan.exm:1:750023\n"), "{out}");
    assert!(out.contains("MAIL2100"), "{out}");
    let json = json(&file, &diagnostics);
    assert!(json.len() < 4_000, "{} bytes", json.len());
}

#[test]
fn an_empty_span_at_the_end_of_the_file_points_past_the_last_character() {
    let text = "plan \"x\" {";
    let file = SourceFile::new("plan.exm", text);
    let diagnostic = Diagnostic::new(Code::E0102, Span::new(10, 10), "unclosed `{`")
        .with_label("expected `}`")
        .with_related(Span::new(9, 10), "opened here");
    insta::assert_snapshot!(terminal(&file, &diagnostic.into(), false), @r#"
    error[E0102]: unclosed `{`
     --> plan.exm:1:11
      |
    1 | plan "x" {
      |          -^ expected `}`
      |          |
      |          opened here

    error: could not compile `plan.exm` due to 1 error
    "#);
    let file = SourceFile::new("plan.exm", "plan \"x\" {\n");
    let out = terminal(&file, &one(Code::E0102, Span::new(11, 11), "eof"), false);
    assert!(out.contains(" --> plan.exm:2:1\n"), "{out}");
    let text = "plan \"x\" {\n  site \"HQ\" {}\n";
    let file = SourceFile::new("plan.exm", text);
    let diagnostic = Diagnostic::new(Code::E0102, Span::new(text.len(), text.len()), "unclosed")
        .with_label("expected `}`")
        .with_related(Span::new(9, 10), "opened here");
    insta::assert_snapshot!(terminal(&file, &diagnostic.into(), false), @r#"
    error[E0102]: unclosed
     --> plan.exm:3:1
      |
    1 | plan "x" {
      |          - opened here
    2 |   site "HQ" {}
    3 |
      | ^ expected `}`

    error: could not compile `plan.exm` due to 1 error
    "#);
    let file = SourceFile::new("plan.exm", "");
    let out = terminal(&file, &one(Code::E0105, Span::new(0, 0), "no plan"), false);
    assert!(out.contains(" --> plan.exm:1:1\n"), "{out}");
}

#[test]
fn spans_inside_a_character_or_past_the_end_are_clamped() {
    // `ç` is bytes 6..8 and `é` bytes 8..10.
    let text = "plan \"çé\" {}";
    let file = SourceFile::new("plan.exm", text);
    let mut diagnostics = one(Code::E0100, Span::new(7, 9), "inside two characters");
    diagnostics.extend(one(Code::E0100, Span::new(7, 7), "empty inside"));
    diagnostics.extend(one(Code::E0100, Span::new(9, 2), "reversed"));
    diagnostics.extend(one(Code::E0100, Span::new(900, 1000), "past the end"));
    insta::assert_snapshot!(terminal(&file, &diagnostics, false), @r#"
    error[E0100]: inside two characters
     --> plan.exm:1:7
      |
    1 | plan "çé" {}
      |       ^^ here

    error[E0100]: empty inside
     --> plan.exm:1:7
      |
    1 | plan "çé" {}
      |       ^ here

    error[E0100]: reversed
     --> plan.exm:1:8
      |
    1 | plan "çé" {}
      |        ^ here

    error[E0100]: past the end
     --> plan.exm:1:13
      |
    1 | plan "çé" {}
      |             ^ here

    error: could not compile `plan.exm` due to 4 errors
    "#);
}

#[test]
fn crlf_line_breaks_are_not_shown() {
    let text = "plan \"x\" {\r\n  decommission MAIL2100\r\n}\r\n";
    let file = SourceFile::new("plan.exm", text);
    let mut diagnostics = one(Code::E0202, span_of(text, "MAIL2100", 0), "undefined");
    diagnostics.extend(one(Code::E0102, Span::new(text.len(), text.len()), "eof"));
    let out = terminal(&file, &diagnostics, false);
    assert!(!out.contains('\r') && !out.contains('␍'), "{out:?}");
    insta::assert_snapshot!(out, @r"
    error[E0202]: undefined
     --> plan.exm:2:16
      |
    2 |   decommission MAIL2100
      |                ^^^^^^^^ here

    error[E0102]: eof
     --> plan.exm:4:1
      |
    4 |
      | ^ here

    error: could not compile `plan.exm` due to 2 errors
    ");
}

#[test]
fn cr_only_line_breaks_count_as_lines() {
    let text = "plan \"x\" {\r  site \"HQ\"\r  decommission MAIL2100\r}\r";
    let file = SourceFile::new("plan.exm", text);
    let mut diagnostics = one(Code::E0202, span_of(text, "MAIL2100", 0), "undefined");
    diagnostics.extend(one(Code::E0102, Span::new(text.len(), text.len()), "eof"));
    let out = terminal(&file, &diagnostics, false);
    assert!(!out.contains('\r'), "{out:?}");
    insta::assert_snapshot!(out, @r"
    error[E0202]: undefined
     --> plan.exm:3:16
      |
    3 |   decommission MAIL2100
      |                ^^^^^^^^ here

    error[E0102]: eof
     --> plan.exm:5:1
      |
    5 |
      | ^ here

    error: could not compile `plan.exm` due to 2 errors
    ");
    let json = json(&file, &diagnostics);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["spans"][0]["line_start"], 3);
}

#[test]
fn at_most_max_shown_diagnostics_are_printed_then_a_count() {
    let text = "x\n".repeat(MAX_SHOWN + 5);
    let file = SourceFile::new("plan.exm", text.as_str());
    let mut diagnostics = Diagnostics::new();
    for line in 0..MAX_SHOWN + 5 {
        let code = if line % 2 == 0 {
            Code::E0100
        } else {
            Code::W0401
        };
        diagnostics.extend(one(
            code,
            Span::new(line * 2, line * 2 + 1),
            &format!("number {line}"),
        ));
    }
    let out = terminal(&file, &diagnostics, false);
    assert!(out.contains(&format!("number {}\n", MAX_SHOWN - 1)));
    assert!(!out.contains(&format!("number {}\n", MAX_SHOWN)));
    // Of the 5 hidden (200..204), 200, 202 and 204 are errors.
    assert!(
        out.contains(
            "... and 5 more diagnostics (3 errors, 2 warnings); --message-format json lists all\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("due to 103 errors; 102 warnings emitted\n"),
        "{out}"
    );
    assert_eq!(json(&file, &diagnostics).lines().count(), MAX_SHOWN + 5);
}

#[test]
fn json_lines_parse_back_with_positions() {
    let file = SourceFile::new("plan.exm", PLAN);
    let out = json(&file, &plan_diagnostics());
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    let first = &lines[0];
    assert_eq!(first["code"], "E0202");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "plan.exm");
    assert_eq!(first["help"], "did you mean `MAIL2010`?");
    let span = &first["spans"][0];
    assert_eq!(span["line_start"], 6);
    assert_eq!(span["column_start"], 16);
    assert_eq!(span["column_end"], 24);
    assert_eq!(span["is_primary"], true);
    assert_eq!(span["label"], "not declared");
    assert!(
        first["rendered"]
            .as_str()
            .unwrap()
            .starts_with("error[E0202]")
    );
    let related = &lines[1]["spans"][1];
    assert_eq!(related["line_start"], 3);
    assert_eq!(related["is_primary"], false);
    assert_eq!(related["label"], "first defined here");
    assert_eq!(lines[2]["severity"], "warning");
    assert_eq!(lines[2]["help"], serde_json::Value::Null);
}

#[test]
fn json_columns_count_characters() {
    let text = "plan \"çé\" { x }";
    let file = SourceFile::new("plan.exm", text);
    let out = json(&file, &one(Code::E0100, span_of(text, "x", 0), "bad"));
    let value: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(value["spans"][0]["byte_start"], 14);
    assert_eq!(value["spans"][0]["column_start"], 13);
}

proptest! {
    // Failures are not persisted: the seeds would land outside this module's files; found
    // cases are kept as the unit tests above instead.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rendering_never_panics(
        text in "(\\PC|\r|\n|\t){0,200}",
        spans in proptest::collection::vec((0usize..260, 0usize..260), 1..4),
    ) {
        let file = SourceFile::new("p.exm", text);
        let (start, end) = spans[0];
        let mut diagnostic = Diagnostic::new(Code::E0100, Span::new(start, end), "m")
            .with_label("l")
            .with_help("h");
        for &(start, end) in &spans[1..] {
            diagnostic = diagnostic.with_related(Span::new(start, end), "r");
        }
        let diagnostics = Diagnostics::from(diagnostic);
        let _ = terminal(&file, &diagnostics, true);
        let plain = terminal(&file, &diagnostics, false);
        prop_assert!(!plain.contains('\x1b'));
        let _ = json(&file, &diagnostics);
    }

    #[test]
    fn long_lines_are_cut_without_panicking_and_keep_true_columns(
        text in "([a-zé ]{0,700}(\r?\n)?){1,4}",
        spans in proptest::collection::vec((0usize..3000, 0usize..3000), 1..4),
    ) {
        let file = SourceFile::new("p.exm", text);
        let (start, end) = spans[0];
        let mut diagnostic = Diagnostic::new(Code::E0100, Span::new(start, end), "m");
        for &(start, end) in &spans[1..] {
            diagnostic = diagnostic.with_related(Span::new(start, end), "r");
        }
        let primary = clamp(&file, diagnostic.primary.span).start;
        let at = file.line_col(primary);
        let out = terminal(&file, &diagnostic.into(), false);
        let header = format!(" --> p.exm:{}:{}\n", at.line, at.column);
        prop_assert!(out.contains(&header), "{} not in {}", header, out);
        // Lines below the cutting threshold are left to annotate-snippets, which does not
        // always trim them; cut lines hold a few windows around the labels.
        prop_assert!(out.lines().all(|l| l.chars().count() <= 700), "{}", out);
    }
}
