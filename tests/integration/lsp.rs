//! `exgen lsp` through the real binary, over its pipes: the lifecycle, live diagnostics that
//! match `exgen check`, positions in both encodings, and a server that keeps serving after
//! requests it does not know.

use crate::support::repo;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A running `exgen lsp` and the messages it sends.
pub(crate) struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    pub(crate) fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_exgen"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("exgen lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value = serde_json::from_slice(&body).expect("JSON body");
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("written");
        self.stdin.flush().expect("flushed");
    }

    pub(crate) fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id))
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that `wanted` accepts (others are skipped).
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("a message from the server");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn diagnostics(&mut self) -> Value {
        self.wait(|m| m["method"] == "textDocument/publishDiagnostics")["params"].clone()
    }

    pub(crate) fn initialize(&mut self, encodings: &[&str]) -> Value {
        let reply = self.request(
            "initialize",
            json!({"capabilities": {"general": {"positionEncodings": encodings}}}),
        );
        self.notify("initialized", json!({}));
        reply
    }

    pub(crate) fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "exm", "version": 1, "text": text}}),
        );
    }

    pub(crate) fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Shuts down; the exit code.
    pub(crate) fn stop(mut self) -> Option<i32> {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null, "{reply}");
        self.notify("exit", Value::Null);
        self.child.wait().expect("exits").code()
    }
}

fn plan(name: &str) -> String {
    std::fs::read_to_string(repo(name)).expect("plan readable")
}

#[test]
fn a_broken_plan_gets_the_diagnostics_check_prints_and_they_clear_when_fixed() {
    let broken = plan("tests/plans/fail/E0123_time_out_of_range.exm");
    let mut server = Server::start();
    let init = server.initialize(&["utf-16"]);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["result"]["capabilities"]["textDocumentSync"], 1);

    let uri = "file:///tmp/exgen-lsp-test/plan.exm";
    server.open(uri, &broken);
    let published = server.diagnostics();
    assert_eq!(published["uri"], uri);
    let list = published["diagnostics"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{published}");
    assert_eq!(list[0]["code"], "E0123");
    assert_eq!(list[0]["severity"], 1);
    assert_eq!(list[0]["source"], "exgen");
    // `25:00` on line 19 (0-based 18), where `exgen check` puts it.
    let line = broken
        .lines()
        .position(|l| l.contains("25:00"))
        .expect("the time");
    let column = broken.lines().nth(line).unwrap().find("25:00").unwrap();
    assert_eq!(
        list[0]["range"]["start"],
        json!({"line": line, "character": column})
    );

    // Unknown requests are answered, and the server goes on.
    let reply = server.request("textDocument/hover", json!({}));
    assert_eq!(reply["error"]["code"], -32601, "{reply}");

    // A burst of changes: versions are published in order (the server checks only the last
    // one it has received when it gets to them), ending with the fixed one, which clears.
    let fixed = broken.replace("25:00", "02:00");
    server.change(uri, 2, &broken.replace("25:00", "26:00"));
    server.change(uri, 3, &fixed);
    let mut last = 1;
    let published = loop {
        let published = server.diagnostics();
        let version = published["version"].as_i64().expect("a version");
        assert!(version > last, "version {version} after {last}");
        last = version;
        if version == 3 {
            break published;
        }
    };
    assert_eq!(published["diagnostics"], json!([]));

    assert_eq!(server.stop(), Some(0));
}

#[test]
fn positions_count_in_utf8_when_the_client_offers_it() {
    // `émigré 😀` before the error: 12 bytes and 8 UTF-16 units more than characters show.
    let text = "plan \"émigré 😀\" { organization \"x\" @ }\n";
    let at = text.find('@').unwrap();
    for (offered, character) in [
        (vec!["utf-8", "utf-16"], at),
        (vec![], text[..at].encode_utf16().count()),
    ] {
        let mut server = Server::start();
        let init = server.initialize(&offered);
        let expected = if offered.is_empty() {
            "utf-16"
        } else {
            "utf-8"
        };
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], expected);
        server.open("untitled:plan", text);
        let published = server.diagnostics();
        let first = &published["diagnostics"][0];
        assert_eq!(first["code"], "E0100", "{published}");
        assert_eq!(
            first["range"]["start"],
            json!({"line": 0, "character": character})
        );
        assert_eq!(server.stop(), Some(0));
    }
}

#[test]
fn exit_without_shutdown_exits_1_and_a_request_before_initialize_is_refused() {
    let mut server = Server::start();
    let reply = server.request("textDocument/hover", json!({}));
    assert_eq!(reply["error"]["code"], -32002, "{reply}");
    server.initialize(&[]);
    server.notify("exit", Value::Null);
    assert_eq!(server.child.wait().expect("exits").code(), Some(1));
}

#[test]
fn garbage_and_broken_frames_are_skipped_and_the_server_goes_on() {
    let mut server = Server::start();
    // Binary garbage without a header, a frame without Content-Length, one whose body is not
    // JSON, and one that is JSON but not a message.
    server
        .stdin
        .write_all(b"\x00\xff\xfegarbage\r\n\r\n")
        .unwrap();
    server.stdin.write_all(b"Content-Type: x\r\n\r\n").unwrap();
    server
        .stdin
        .write_all(b"Content-Length: 5\r\n\r\n{bad}")
        .unwrap();
    server
        .stdin
        .write_all(b"Content-Length: 2\r\n\r\n[]")
        .unwrap();
    server.initialize(&[]);
    server
        .stdin
        .write_all(b"Content-Length: 3\r\n\r\n{x}")
        .unwrap();
    server.open("untitled:p", "plan \"x\" { @ }\n");
    let published = server.diagnostics();
    assert_eq!(published["diagnostics"][0]["code"], "E0100", "{published}");
    assert_eq!(server.stop(), Some(0));
}

/// Every failing test plan: the server publishes exactly what `exgen check` prints, code by
/// code, message and primary range (in UTF-8 positions, computed here from check's byte
/// offsets).
#[test]
fn the_diagnostics_are_exactly_those_of_check_for_every_failing_plan() {
    let mut server = Server::start();
    server.initialize(&["utf-8"]);
    let mut compared = 0;
    for path in crate::common::plans("tests/plans/fail") {
        // A plan that is not UTF-8 (E0104) cannot be an editor's text.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let run = crate::support::exgen(
            path.parent().expect("a folder"),
            [
                "check",
                path.to_str().expect("a UTF-8 path"),
                "--message-format",
                "json",
            ],
        );
        let expected: Vec<Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        let uri = format!("file://{}", path.display());
        server.open(&uri, &text);
        let published = server.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        });
        let got = published["params"]["diagnostics"]
            .as_array()
            .expect("list")
            .clone();
        assert_eq!(got.len(), expected.len(), "{}: {published}", path.display());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g["code"], e["code"], "{}", path.display());
            let message = g["message"].as_str().unwrap();
            assert!(
                message.starts_with(e["message"].as_str().unwrap()),
                "{message}"
            );
            let span = e["spans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["is_primary"] == json!(true))
                .unwrap();
            let byte = span["byte_start"].as_u64().unwrap() as usize;
            let line_start = text[..byte].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            assert_eq!(
                g["range"]["start"],
                json!({"line": span["line_start"].as_u64().unwrap() - 1, "character": byte - line_start}),
                "{}: {}",
                path.display(),
                g["code"]
            );
            let severity = if e["severity"] == "error" { 1 } else { 2 };
            assert_eq!(g["severity"], severity);
        }
        server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        compared += 1;
    }
    assert!(compared > 100, "only {compared} plans");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn the_outline_nests_sites_and_servers_and_blocks_fold() {
    let text = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = "untitled:contoso";
    server.open(uri, &text);
    let reply = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let plan_symbol = &reply["result"][0];
    assert_eq!(plan_symbol["detail"], "plan", "{reply}");
    let children = plan_symbol["children"]
        .as_array()
        .expect("the plan's statements");
    let site = children
        .iter()
        .find(|c| c["detail"] == "site")
        .expect("a site");
    let servers: Vec<&str> = site["children"]
        .as_array()
        .expect("the site's servers")
        .iter()
        .filter(|c| c["detail"] == "server")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(servers.contains(&"MAIL2010"), "{servers:?}");
    // The selection is the server's keyword and name, on its line.
    let mail2010 = site["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "MAIL2010")
        .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("server MAIL2010"))
        .unwrap();
    assert_eq!(mail2010["selectionRange"]["start"]["line"], line);

    let folds = server.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds = folds["result"].as_array().expect("ranges");
    let first = text.lines().position(|l| l.starts_with("plan ")).unwrap();
    let last = text.trim_end().lines().count() - 1;
    assert!(
        folds
            .iter()
            .any(|f| f["startLine"] == first && f["endLine"] == last),
        "the plan block folds: {folds:?}"
    );
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_server_name_leads_to_its_declaration_and_every_use() {
    let text = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = "untitled:contoso";
    server.open(uri, &text);
    let lines: Vec<&str> = text.lines().collect();
    let declared = lines
        .iter()
        .position(|l| l.contains("server MAIL2010"))
        .unwrap();
    let used = lines
        .iter()
        .position(|l| l.trim_start().starts_with("certificate on MAIL2010"))
        .unwrap();
    let character = lines[used].find("MAIL2010").unwrap();
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": used, "character": character + 2}});

    let definition = server.request("textDocument/definition", at.clone());
    let start = &definition["result"]["range"]["start"];
    assert_eq!(start["line"], declared, "{definition}");
    assert_eq!(
        start["character"],
        lines[declared].find("MAIL2010").unwrap()
    );

    let mut params = at.clone();
    params["context"] = json!({"includeDeclaration": true});
    let references = server.request("textDocument/references", params);
    let found: Vec<u64> = references["result"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    // Every line that names MAIL2010 as a word, the declaration first.
    let expected: Vec<u64> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split('#').next().unwrap_or("");
            code.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "MAIL2010")
        })
        .map(|(i, _)| i as u64)
        .collect();
    assert_eq!(found, expected, "{references}");

    let highlights = server.request("textDocument/documentHighlight", at);
    assert_eq!(
        highlights["result"].as_array().unwrap().len(),
        expected.len()
    );
    // Nothing to find on a keyword.
    let none = server.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": used, "character": 1}}),
    );
    assert_eq!(none["result"], Value::Null);
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn renaming_a_server_edits_every_use_and_refuses_a_clash_or_a_bad_name() {
    let text = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    // A file URI, so the CSV files the plan names are found next to it.
    let uri = &format!(
        "file://{}",
        repo("examples/contoso-2007-to-2010.exm").display()
    );
    server.open(uri, &text);
    let lines: Vec<&str> = text.lines().collect();
    let used = lines
        .iter()
        .position(|l| l.trim_start().starts_with("certificate on MAIL2010"))
        .unwrap();
    let character = lines[used].find("MAIL2010").unwrap();
    let at = |line: usize, character: usize| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});

    let prepared = server.request("textDocument/prepareRename", at(used, character));
    assert_eq!(
        prepared["result"]["start"],
        json!({"line": used, "character": character}),
        "{prepared}"
    );
    let keyword = server.request("textDocument/prepareRename", at(used, 2));
    assert!(keyword["error"].is_object(), "{keyword}");

    for (bad, why) in [
        ("MAIL2007", "already declared"),
        ("bad name!", "not a name"),
        ("A-VERY-LONG-SERVER-NAME", "computer name"),
    ] {
        let mut params = at(used, character);
        params["newName"] = json!(bad);
        let reply = server.request("textDocument/rename", params);
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{bad}: {reply}");
    }

    let mut params = at(used, character);
    params["newName"] = json!("EX2010NEW");
    let reply = server.request("textDocument/rename", params);
    let edits = reply["result"]["changes"][uri]
        .as_array()
        .expect("edits")
        .clone();
    // Apply them (an ASCII plan: characters are bytes), last first.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut sorted = edits.clone();
    sorted.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64().unwrap(),
            e["range"]["start"]["character"].as_u64().unwrap(),
        ))
    });
    for edit in &sorted {
        let line = edit["range"]["start"]["line"].as_u64().unwrap() as usize;
        let start = edit["range"]["start"]["character"].as_u64().unwrap() as usize;
        let end = edit["range"]["end"]["character"].as_u64().unwrap() as usize;
        lines[line].replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    let renamed = lines.join("\n") + "\n";
    // Every use renamed; comments are text, not names, and keep theirs.
    assert!(
        renamed
            .lines()
            .all(|l| !l.split('#').next().unwrap_or("").contains("MAIL2010")),
        "{renamed}"
    );
    assert_eq!(renamed.matches("EX2010NEW").count(), edits.len());
    // The renamed plan checks clean, as the original does.
    server.change(uri, 2, &renamed);
    let published = loop {
        let p = server.diagnostics();
        if p["version"] == 2 {
            break p;
        }
    };
    let errors: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .collect();
    assert!(errors.is_empty(), "{published}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn completion_offers_the_block_s_keywords_and_the_declared_names() {
    let text = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = &format!(
        "file://{}",
        repo("examples/contoso-2007-to-2010.exm").display()
    );
    // A new, empty line inside the site block, and an unfinished `decommission ` line.
    let site_line = text
        .lines()
        .position(|l| l.contains("server MAIL2010"))
        .unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.insert(site_line + 1, "    ".to_owned());
    let edited = lines.join("\n") + "\n";
    server.open(uri, &edited);
    let labels = |reply: &Value| -> Vec<String> {
        reply["result"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let in_site = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": site_line + 1, "character": 4}}),
    );
    let in_site = labels(&in_site);
    assert!(in_site.contains(&"server".to_owned()), "{in_site:?}");
    assert!(!in_site.contains(&"organization".to_owned()), "{in_site:?}");

    let cert = edited
        .lines()
        .position(|l| l.contains("certificate on MAIL2010"))
        .unwrap();
    let after_on = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": cert, "character": "  certificate on ".len()}}),
    );
    let after_on = labels(&after_on);
    for name in ["MAIL2010", "MAIL2007", "EX2010DB01"] {
        assert!(after_on.contains(&name.to_owned()), "{after_on:?}");
    }
    let top = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": cert, "character": 2}}),
    );
    assert!(labels(&top).contains(&"organization".to_owned()), "{top}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_thousand_rapid_changes_and_a_five_megabyte_document_leave_it_serving() {
    let good = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = &format!(
        "file://{}",
        repo("examples/contoso-2007-to-2010.exm").display()
    );
    server.open(uri, &good);
    for version in 2..=1001 {
        let text = if version % 2 == 0 {
            good.replace("MAIL2010 {", "MAIL2010 { @")
        } else {
            good.clone()
        };
        server.change(uri, version, &text);
    }
    // Versions arrive in order and end at the last one, which is clean.
    let mut last = 0;
    let published = loop {
        let p = server.diagnostics();
        let version = p["version"].as_i64().unwrap();
        assert!(version > last);
        last = version;
        if version == 1001 {
            break p;
        }
    };
    assert_eq!(published["diagnostics"], json!([]), "{published}");

    // 5 MB of comments after the plan: read, checked, answered.
    let big = good.clone() + &"# padding line of a large plan, still a comment\n".repeat(110_000);
    assert!(big.len() > 5_000_000);
    server.open("untitled:big", &big);
    let published = server.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == "untitled:big"
    });
    assert!(published["params"]["diagnostics"].is_array());
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:big"}}),
    );
    assert!(symbols["result"].is_array(), "{symbols}");
    assert_eq!(server.stop(), Some(0));
}
