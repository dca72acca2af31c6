//! `textDocument/formatting` through the real `exgen lsp`, over its pipes: one edit that makes
//! the document what `exgen fmt` makes of it, none once it is canonical, and an error that
//! changes nothing for a plan with syntax errors.

use crate::lsp::Server;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/exgen-lsp-format/plan.exm";

fn format_request(server: &mut Server, uri: &str) -> Value {
    server.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 8, "insertSpaces": false}}),
    )
}

/// `text` with LSP `edits` applied, positions counted in UTF-16 code units.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        let mut at = start;
        for c in text[start..].chars() {
            if units >= character || c == '\n' {
                break;
            }
            units += c.len_utf16();
            at += c.len_utf8();
        }
        at
    };
    let mut out = text.to_owned();
    // Edits do not overlap; applied from the last, the earlier offsets stay valid.
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    for edit in edits {
        let (start, end) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        out.replace_range(start..end, edit["newText"].as_str().expect("new text"));
    }
    out
}

#[test]
fn formatting_replaces_the_document_with_what_fmt_writes_then_has_nothing_to_do() {
    let messy = "# Zürich 😀\nplan \"Layout ✓\" {\norganization \"O\";target exchange 2010 sp3   \n\n\n\tnamespaces {primary \"mail.x.com\"} # kept\n}";
    let expected = exgen::syntax::format(messy).expect("the plan parses");
    let mut server = Server::start();
    let init = server.initialize(&[]);
    assert_eq!(
        init["result"]["capabilities"]["documentFormattingProvider"],
        true
    );
    server.open(URI, messy);
    let reply = format_request(&mut server, URI);
    let edits = reply["result"].as_array().expect("a list of edits");
    assert_eq!(edits.len(), 1, "{reply}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 6, "character": 1}));
    let formatted = apply(messy, edits);
    assert_eq!(formatted, expected);

    server.change(URI, 2, &formatted);
    let reply = format_request(&mut server, URI);
    assert_eq!(reply["result"], json!([]), "{reply}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_plan_with_syntax_errors_gets_an_error_and_no_edit() {
    let mut server = Server::start();
    server.initialize(&["utf-8"]);
    server.open(URI, "plan \"P\" {\n  organization \"O\" @\n}\n");
    let reply = format_request(&mut server, URI);
    assert_eq!(reply["result"], Value::Null, "{reply}");
    assert_eq!(reply["error"]["code"], -32803, "RequestFailed: {reply}");
    let message = reply["error"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("the plan has syntax errors, so it is not formatted: E0100 expected"),
        "{message}"
    );
    assert!(message.ends_with("(line 2)"), "{message}");

    // A document that is not open is invalid, and the server goes on.
    let reply = format_request(&mut server, "file:///tmp/exgen-lsp-format/other.exm");
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert_eq!(server.stop(), Some(0));
}
