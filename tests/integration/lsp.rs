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
    /// Messages `wait` passed over, for a later `wait` to find.
    skipped: Vec<Value>,
    next_id: i64,
    /// The server's cache folder, removed with it.
    cache: Option<tempfile::TempDir>,
}

impl Server {
    /// Starts `exgen lsp` with its cache folder (code explanations) in a temporary folder.
    pub(crate) fn start() -> Server {
        let cache = tempfile::tempdir().expect("a temporary folder");
        let mut server = Server::start_with(&[
            ("XDG_CACHE_HOME", cache.path()),
            ("LOCALAPPDATA", cache.path()),
        ]);
        server.cache = Some(cache);
        server
    }

    /// Starts `exgen lsp` with extra environment variables.
    fn start_with(env: &[(&str, &std::path::Path)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_exgen"));
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
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
            skipped: Vec::new(),
            next_id: 1,
            cache: None,
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

    /// The next message that `wanted` accepts (notifications and replies before it are passed
    /// over; requests from the server are kept for a later `wait`).
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.skipped.iter().position(&wanted) {
            return self.skipped.remove(i);
        }
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("a message from the server");
            if wanted(&message) {
                return message;
            }
            // Requests from the server are kept for a later `wait`; notifications are passed.
            if message.get("id").is_some() && message.get("method").is_some() {
                self.skipped.push(message);
            }
        }
    }

    fn diagnostics(&mut self) -> Value {
        self.wait(|m| m["method"] == "textDocument/publishDiagnostics")["params"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_of(&mut self, uri: &str) -> Value {
        self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
            ["params"]
            .clone()
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
    let reply = server.request("textDocument/moniker", json!({}));
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
        let uri = file_uri(&path);
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
    let uri = &file_uri(&repo("examples/contoso-2007-to-2010.exm"));
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
    let uri = &file_uri(&repo("examples/contoso-2007-to-2010.exm"));
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
    for name in ["MAIL2010", "MAIL2007"] {
        assert!(after_on.contains(&name.to_owned()), "{after_on:?}");
    }
    assert!(
        !after_on.contains(&"EX2010DB01".to_owned()),
        "servers only after `on`: {after_on:?}"
    );
    let move_line = edited
        .lines()
        .position(|l| l.contains("move mailboxes to EX2010DB01"))
        .unwrap();
    let to = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": move_line, "character": "  move mailboxes to ".len()}}),
    );
    assert_eq!(
        labels(&to),
        ["EX2010DB01"],
        "databases after `move mailboxes to`"
    );
    let top = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": cert, "character": 2}}),
    );
    assert!(labels(&top).contains(&"organization".to_owned()), "{top}");
    assert!(labels(&top).contains(&"include".to_owned()), "{top}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_thousand_rapid_changes_and_a_five_megabyte_document_leave_it_serving() {
    let good = plan("examples/contoso-2007-to-2010.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = &file_uri(&repo("examples/contoso-2007-to-2010.exm"));
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

/// A `file:` URI for a path of this machine (`/a/b` → `file:///a/b`, `C:\a` → `file:///C:/a`).
fn file_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    format!(
        "file:///{}",
        text.trim_start_matches('/').replace(' ', "%20")
    )
}

fn hover_text(reply: &Value) -> String {
    assert_eq!(reply["result"]["contents"]["kind"], "markdown", "{reply}");
    reply["result"]["contents"]["value"]
        .as_str()
        .expect("markdown")
        .to_owned()
}

#[test]
fn hover_shows_the_powershell_compile_writes_for_a_statement() {
    let path = repo("examples/contoso-2007-to-2010.exm");
    let text = plan("examples/contoso-2007-to-2010.exm");
    let files = crate::common::compile_ok(&path);
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = file_uri(&path);
    server.open(&uri, &text);
    let published = server.diagnostics();
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    let lines: Vec<&str> = text.lines().collect();
    let at = |needle: &str, column: usize| {
        let line = lines.iter().position(|l| l.contains(needle)).unwrap();
        let character = lines[line].find(needle).unwrap() + column;
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    };

    // On the keyword: the reference's description, then every step's text.
    let reply = server.request("textDocument/hover", at("certificate on MAIL2010", 2));
    let markdown = hover_text(&reply);
    assert!(
        markdown.contains("certificate on SERVER"),
        "the reference's syntax: {markdown}"
    );
    let mut blocks = 0;
    for section in markdown.split("**Generates** `").skip(1) {
        let (file, rest) = section.split_once('`').unwrap();
        let line: usize = rest
            .trim_start()
            .strip_prefix("line ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("a line number");
        let code = rest
            .split_once("```powershell\n")
            .and_then(|(_, c)| c.split_once("\n```"))
            .map(|(c, _)| c)
            .expect("a powershell block");
        let script = files
            .iter()
            .find(|f| f.path == file)
            .unwrap_or_else(|| panic!("{file} is a generated file"));
        let script_lines: Vec<&str> = script.contents.lines().collect();
        for (i, code_line) in code.lines().enumerate() {
            assert_eq!(
                script_lines[line - 1 + i].trim(),
                code_line.trim(),
                "{file} line {}",
                line + i
            );
        }
        blocks += 1;
    }
    assert_eq!(blocks, 3, "request, install, legacy server: {markdown}");
    assert!(markdown.contains("New-ExchangeCertificate"), "{markdown}");
    assert!(
        markdown.contains("Exchange Management Shell 2010"),
        "{markdown}"
    );
    // The hover covers the statement's keyword and arguments.
    let range = &reply["result"]["range"];
    assert_eq!(range["start"]["character"], 2, "{reply}");

    // On a name: what the checked plan says of it.
    let reply = server.request("textDocument/hover", at("certificate on MAIL2010", 17));
    let markdown = hover_text(&reply);
    assert!(
        markdown.contains("**server `MAIL2010`** — Exchange 2010 SP3 (build 14.3.123.4)"),
        "{markdown}"
    );
    assert!(markdown.contains("- roles: cas hub mailbox"), "{markdown}");
    assert!(
        markdown.contains("new: this plan installs it"),
        "{markdown}"
    );

    // On an option's value: the statement's description, its values and the roles by version.
    let reply = server.request("textDocument/hover", at("roles cas hub mailbox", 7));
    let markdown = hover_text(&reply);
    assert!(markdown.contains("roles ROLE"), "{markdown}");
    assert!(markdown.contains("**Roles by version:**"), "{markdown}");

    // A `move mailboxes` statement: the batch's own step.
    let reply = server.request("textDocument/hover", at("move mailboxes to", 0));
    let markdown = hover_text(&reply);
    assert!(markdown.contains("```powershell"), "{markdown}");

    // Between statements: nothing.
    let blank = lines.iter().position(|l| l.trim().is_empty()).unwrap();
    let reply = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": blank, "character": 0}}),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn hover_on_a_keyword_after_non_ascii_text_in_both_encodings_and_while_the_plan_has_errors() {
    let text = concat!(
        "plan \"P\" {\r\n",
        "  target exchange 2010 sp3\r\n",
        "  site \"HQ\" internet-facing {\r\n",
        "    server MAIL2010 { exchange 2010 sp3; os \"Windows Server 2008 R2\"; roles cas hub mailbox; new }\r\n",
        "  }\r\n",
        "  database DB1 on MAIL2010 { edb \"E:\\Données😀中\\x.edb\"; logs \"F:\\L\" }\r\n",
        "  decommission NOPE\r\n",
        "}\r\n"
    );
    for (encodings, column) in [(vec![], 56), (vec!["utf-8"], 61)] {
        let mut server = Server::start();
        server.initialize(&encodings);
        server.open("untitled:p", text);
        let published = server.diagnostics();
        assert_ne!(published["diagnostics"], json!([]), "the plan has errors");
        // `logs`, after é (2 bytes, 1 unit), 😀 (4 bytes, 2 units) and 中 (3 bytes, 1 unit).
        let reply = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "untitled:p"}, "position": {"line": 5, "character": column + 1}}),
        );
        let markdown = hover_text(&reply);
        assert!(markdown.contains("logs \"path\""), "{markdown}");
        assert!(
            !markdown.contains("```powershell"),
            "no scripts for a plan with errors"
        );
        assert_eq!(
            reply["result"]["range"]["start"],
            json!({"line": 5, "character": column})
        );
        // The database's name, while the plan has errors: its declaration as written.
        let reply = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "untitled:p"}, "position": {"line": 5, "character": 12}}),
        );
        let markdown = hover_text(&reply);
        assert!(
            markdown.contains("**database** declared on line 6"),
            "{markdown}"
        );
        assert_eq!(server.stop(), Some(0));
    }
}

/// Applies one LSP text edit to ASCII `text` (positions are then the same in every encoding).
fn apply_edit(text: &str, edit: &Value) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let (start, end) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    format!(
        "{}{}{}",
        &text[..start],
        edit["newText"].as_str().unwrap(),
        &text[end..]
    )
}

#[test]
fn quick_fixes_complete_a_missing_setting_and_a_misspelt_keyword_and_codes_explain_themselves() {
    let cache = tempfile::tempdir().unwrap();
    let text = plan("examples/contoso-2007-to-2010.exm");
    let broken = text
        .replace(
            "outlook-anywhere { auth basic; ssl-offloading off }",
            "outlook-anywhere { ssl-offloading off }",
        )
        .replace("  decommission MAIL2007", "  decommision MAIL2007");
    assert_ne!(broken, text);
    let mut server = Server::start_with(&[
        ("XDG_CACHE_HOME", cache.path()),
        ("LOCALAPPDATA", cache.path()),
    ]);
    server.request(
        "initialize",
        json!({"capabilities": {"window": {"showDocument": {"support": true}}}}),
    );
    server.notify("initialized", json!({}));
    let uri = file_uri(&repo("examples/contoso-2007-to-2010.exm"));
    server.open(&uri, &broken);
    let published = server.diagnostics();
    let list = published["diagnostics"].as_array().unwrap().clone();
    let codes: Vec<&str> = list.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0109", "E0106"], "{published}");
    let (missing, misspelt) = (list[0].clone(), list[1].clone());

    // Every diagnostic links to its explanation: the text `exgen explain` prints.
    let href = misspelt["codeDescription"]["href"]
        .as_str()
        .expect("a link");
    let path = href.strip_prefix("file://").unwrap();
    let explained = std::fs::read_to_string(path).expect("the explanation file");
    let cli = crate::support::exgen(&repo(""), ["explain", "E0106"]);
    assert_eq!(explained.trim_end(), cli.stdout.trim_end());

    let actions = |server: &mut Server, d: &Value| {
        let reply = server.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
        reply["result"].as_array().expect("actions").clone()
    };
    let found = actions(&mut server, &misspelt);
    let titles: Vec<&str> = found.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Replace `decommision` with `decommission`", "Explain E0106"]
    );
    assert_eq!(found[0]["kind"], "quickfix");
    assert_eq!(found[0]["isPreferred"], true);
    let edit = &found[0]["edit"]["changes"][&uri][0];
    let respelt = apply_edit(&broken, edit);
    assert!(respelt.contains("  decommission MAIL2007"));

    // "Explain" opens the explanation in the editor.
    let command = &found[1]["command"];
    let reply = server.request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    let shown = server.wait(|m| m["method"] == "window/showDocument");
    assert_eq!(shown["params"]["uri"], href);

    // The missing `auth`, fixed by either method.
    let found = actions(&mut server, &missing);
    let titles: Vec<&str> = found.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Add `auth ntlm`", "Add `auth basic`", "Explain E0109"]
    );
    let fixed = apply_edit(&respelt, &found[1]["edit"]["changes"][&uri][0]);
    assert!(
        fixed.contains("outlook-anywhere { ssl-offloading off; auth basic }"),
        "{fixed}"
    );
    server.change(&uri, 3, &fixed);
    let published = server.diagnostics();
    assert_eq!(published["diagnostics"], json!([]), "{published}");

    // A fix of an older version is not offered: its range no longer points at its text.
    server.change(&uri, 4, &format!("# a new first line\n{broken}"));
    let titles: Vec<String> = actions(&mut server, &missing)
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["Explain E0109"]);
    assert_eq!(server.stop(), Some(0));
}

/// The semantic tokens of a reply, absolute: (line, character, length, type index, modifiers).
fn decode_tokens(reply: &Value) -> Vec<(u64, u64, u64, u64, u64)> {
    let data: Vec<u64> = reply["result"]["data"]
        .as_array()
        .expect("token data")
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let (mut line, mut character) = (0, 0);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                character = 0;
            }
            line += t[0];
            character += t[1];
            (line, character, t[2], t[3], t[4])
        })
        .collect()
}

#[test]
fn semantic_tokens_colour_names_by_kind_after_non_ascii_text_in_both_encodings() {
    let text = concat!(
        "plan \"P\" {\n",
        "  target exchange 2010 sp3\n",
        "  site \"Zürich 😀\" internet-facing {\n",
        "    server MAIL2010 { exchange 2010 sp3; roles cas hub mailbox; new } # é\n",
        "  }\n",
        "  database DB1 on MAIL2010\n",
        "}\n"
    );
    for (encodings, column) in [(vec![], 19), (vec!["utf-8"], 22)] {
        let mut server = Server::start();
        let reply = server.initialize(&encodings);
        let legend = &reply["result"]["capabilities"]["semanticTokensProvider"]["legend"];
        let types: Vec<&str> = legend["tokenTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let type_of = |name: &str| types.iter().position(|t| *t == name).unwrap() as u64;
        server.open("untitled:t", text);
        server.diagnostics();
        let reply = server.request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": "untitled:t"}}),
        );
        let found = decode_tokens(&reply);
        let at = |line: u64, character: u64| {
            found
                .iter()
                .find(|t| t.0 == line && t.1 == character)
                .copied()
                .unwrap_or_else(|| panic!("no token at {line}:{character} in {found:?}"))
        };
        // `internet-facing` after ü (2 bytes, 1 unit) and 😀 (4 bytes, 2 units).
        assert_eq!(at(2, column), (2, column, 15, type_of("enumMember"), 0));
        assert_eq!(at(2, 2).3, type_of("keyword"));
        // The site's name is a string declaring a site.
        assert_eq!(at(2, 7).3, type_of("namespace"));
        // The server's declaration, and its use after `on`.
        assert_eq!(at(3, 11), (3, 11, 8, type_of("class"), 1));
        assert_eq!(at(5, 18), (5, 18, 8, type_of("class"), 0));
        assert_eq!(at(5, 11).3, type_of("struct"));
        assert_eq!(at(3, 31).3, type_of("number"));
        assert_eq!(at(3, 36).3, type_of("enumMember"));
        assert_eq!(at(1, 2).3, type_of("keyword"));
        let comment = found.iter().find(|t| t.3 == type_of("comment")).unwrap();
        assert_eq!(comment.0, 3);
        assert_eq!(server.stop(), Some(0));
    }
}

#[test]
fn selection_ranges_grow_from_the_word_to_the_plan_and_symbols_span_open_plans() {
    let text = plan("examples/contoso-2007-to-2010.exm");
    let other = plan("examples/tailspin-2010-to-2016.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    server.open("untitled:a", &text);
    server.open("untitled:b", &other);
    let lines: Vec<&str> = text.lines().collect();
    let line = lines
        .iter()
        .position(|l| l.contains("server MAIL2010"))
        .unwrap();
    let character = lines[line].find("MAIL2010").unwrap() + 3;
    let reply = server.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": "untitled:a"}, "positions": [{"line": line, "character": character}]}),
    );
    let mut range = &reply["result"][0];
    let mut chain = Vec::new();
    while range.is_object() {
        chain.push(range["range"].clone());
        range = &range["parent"];
    }
    assert_eq!(
        chain[0],
        json!({"start": {"line": line, "character": character - 3}, "end": {"line": line, "character": character + 5}}),
        "the word first"
    );
    // Then `server MAIL2010`, the server statement, the site's head and statement, the plan.
    assert!(chain.len() >= 5, "{chain:?}");
    let plan_line = lines.iter().position(|l| l.starts_with("plan ")).unwrap();
    assert_eq!(
        chain.last().unwrap()["start"],
        json!({"line": plan_line, "character": 0})
    );
    for pair in chain.windows(2) {
        let (inner, outer) = (&pair[0], &pair[1]);
        let before = |a: &Value, b: &Value| {
            (a["line"].as_u64(), a["character"].as_u64())
                <= (b["line"].as_u64(), b["character"].as_u64())
        };
        assert!(before(&outer["start"], &inner["start"]) && before(&inner["end"], &outer["end"]));
    }

    let reply = server.request("workspace/symbol", json!({"query": "20"}));
    let found: Vec<(String, String)> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["location"]["uri"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found.contains(&("MAIL2010".to_owned(), "untitled:a".to_owned())),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(_, uri)| uri == "untitled:b"),
        "{found:?}"
    );
    assert!(
        found.contains(&("TS-EX2010".to_owned(), "untitled:b".to_owned())),
        "{found:?}"
    );
    assert!(found.iter().all(|(name, _)| name.contains("20")));
    let none = server.request("workspace/symbol", json!({"query": "zzz"}));
    assert_eq!(none["result"], json!([]));
    assert_eq!(server.stop(), Some(0));
}

/// The example Contoso plan and its CSV file, copied into a temporary folder.
fn contoso_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("waves")).unwrap();
    std::fs::copy(
        repo("examples/waves/wave1.csv"),
        dir.path().join("waves").join("wave1.csv"),
    )
    .unwrap();
    let path = dir.path().join("contoso.exm");
    std::fs::copy(repo("examples/contoso-2007-to-2010.exm"), &path).unwrap();
    (dir, path)
}

#[test]
fn code_lenses_open_the_compiled_script_at_the_statement_s_line() {
    let (dir, path) = contoso_copy();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut server = Server::start();
    server.request(
        "initialize",
        json!({"capabilities": {"window": {"showDocument": {"support": true}}}}),
    );
    server.notify("initialized", json!({}));
    let uri = file_uri(&path);
    server.open(&uri, &text);
    server.diagnostics();
    let reply = server.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let lenses = reply["result"].as_array().unwrap().clone();
    let cert_line = text
        .lines()
        .position(|l| l.contains("certificate on MAIL2010"))
        .unwrap();
    let on_cert: Vec<&Value> = lenses
        .iter()
        .filter(|l| l["range"]["start"]["line"] == cert_line)
        .collect();
    let titles: Vec<&str> = on_cert
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles.len(),
        3,
        "request, install and the legacy server: {titles:?}"
    );
    assert!(
        titles[0].starts_with("▸ ") && titles[0].contains("-certificate-request.ps1:"),
        "{titles:?}"
    );

    // Before compiling: the editor is told to compile.
    let command = &on_cert[0]["command"];
    // Sent by hand: the server's message comes before its reply, which `request` waits for.
    let run = |server: &mut Server, id: i64| {
        server.send(
            &json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand",
            "params": {"command": command["command"], "arguments": command["arguments"]}}),
        );
    };
    run(&mut server, 1001);
    let told = server.wait(|m| m["method"] == "window/showMessage");
    server.wait(|m| m["id"] == 1001);
    assert!(
        told["params"]["message"]
            .as_str()
            .unwrap()
            .contains("exgen compile"),
        "{told}"
    );

    // After `exgen compile` (default output folder): the script opens at the statement's line.
    let compiled = crate::support::exgen(dir.path(), ["compile", "contoso.exm"]);
    assert_eq!(compiled.code, Some(0), "{}", compiled.stderr);
    run(&mut server, 1002);
    let shown = server.wait(|m| m["method"] == "window/showDocument");
    server.wait(|m| m["id"] == 1002);
    // Only files exgen writes, in the plan's output folder.
    let reply = server.request(
        "workspace/executeCommand",
        json!({"command": "exgen.openGeneratedScript", "arguments": [uri, "/etc/passwd", 1]}),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let (file, line) = {
        let title = titles[0].trim_start_matches("▸ ");
        let (file, line) = title.rsplit_once(':').unwrap();
        (file.to_owned(), line.parse::<usize>().unwrap())
    };
    assert_eq!(
        shown["params"]["uri"],
        file_uri(&dir.path().join("contoso").join(&file))
    );
    assert_eq!(shown["params"]["selection"]["start"]["line"], line - 1);
    let script = std::fs::read_to_string(dir.path().join("contoso").join(&file)).unwrap();
    let cited = script.lines().nth(line - 1).unwrap();
    assert!(
        cited
            .trim_start()
            .starts_with(&format!("# contoso.exm:{}  certificate on", cert_line + 1)),
        "{cited}"
    );
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn csv_lines_link_to_their_files_and_a_changed_csv_is_checked_again() {
    let (dir, path) = contoso_copy();
    let text = std::fs::read_to_string(&path).unwrap();
    let csv = dir.path().join("waves").join("wave1.csv");
    let mut server = Server::start();
    let reply = server.request(
        "initialize",
        json!({"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
    );
    assert!(reply["result"]["capabilities"]["documentLinkProvider"].is_object());
    server.notify("initialized", json!({}));
    let registration = server.wait(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let uri = file_uri(&path);
    server.open(&uri, &text);
    assert_eq!(server.diagnostics()["diagnostics"], json!([]));

    let reply = server.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": uri}}),
    );
    let links = reply["result"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{reply}");
    let line = text
        .lines()
        .position(|l| l.contains("csv \"waves"))
        .unwrap();
    assert_eq!(links[0]["range"]["start"]["line"], line);
    assert_eq!(
        links[0]["range"]["start"]["character"],
        text.lines().nth(line).unwrap().find('"').unwrap()
    );
    let target = links[0]["target"].as_str().unwrap();
    assert_eq!(target, file_uri(&csv));

    // The CSV loses its identity column: the plan's diagnostics say so at the `csv` line.
    let good = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, "Name,Department\r\nAnn,Sales\r\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": target, "type": 2}]}),
    );
    let published = server.diagnostics();
    let list = published["diagnostics"].as_array().unwrap();
    assert!(!list.is_empty(), "{published}");
    assert!(
        list.iter().all(|d| d["range"]["start"]["line"] == line),
        "{published}"
    );
    std::fs::write(&csv, good).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": target, "type": 2}]}),
    );
    assert_eq!(server.diagnostics()["diagnostics"], json!([]));
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn binary_garbage_and_deep_nesting_as_documents_get_diagnostics_and_every_request_an_answer() {
    let mut server = Server::start();
    server.initialize(&[]);
    // Bytes of every value, as a client would send them after a lossy decoding.
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let garbage = String::from_utf8_lossy(&bytes).into_owned();
    let deep = "plan \"P\" {\n".to_owned() + &"site \"S\" {\n".repeat(100_000);
    for (uri, text) in [("untitled:garbage", garbage), ("untitled:deep", deep)] {
        server.open(uri, &text);
        let published = server.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        assert!(
            !published["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{uri} has errors"
        );
        let at = json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}});
        for (method, params) in [
            ("textDocument/hover", at.clone()),
            ("textDocument/completion", at.clone()),
            ("textDocument/definition", at.clone()),
            (
                "textDocument/selectionRange",
                json!({"textDocument": {"uri": uri}, "positions": [at["position"]]}),
            ),
            (
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            ),
            (
                "textDocument/foldingRange",
                json!({"textDocument": {"uri": uri}}),
            ),
            (
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": uri}}),
            ),
            (
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            ),
            (
                "textDocument/documentLink",
                json!({"textDocument": {"uri": uri}}),
            ),
        ] {
            let reply = server.request(method, params);
            assert!(
                reply.get("result").is_some() || reply["error"]["code"] == -32602,
                "{method} on {uri}: {reply}"
            );
        }
    }
    #[cfg(target_os = "linux")]
    {
        // Memory stays bounded: the documents above, checked, in well under 100 MB.
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
        let peak_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        assert!(peak_kb < 100 * 1024, "peak RSS {peak_kb} kB");
    }
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn closing_a_plan_clears_its_diagnostics() {
    let mut server = Server::start();
    server.initialize(&[]);
    server.open("untitled:c", "plan \"P\" {\n  organisaton \"x\"\n}\n");
    assert_ne!(server.diagnostics()["diagnostics"], json!([]));
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "untitled:c"}}),
    );
    let cleared = server.diagnostics();
    assert_eq!(cleared["uri"], "untitled:c");
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn dags_and_namespaces_are_names_too() {
    let text = plan("tests/plans/ok/dag-2010-to-2013.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = "untitled:dag";
    server.open(uri, &text);
    assert_eq!(server.diagnostics()["diagnostics"], json!([]));
    let lines: Vec<&str> = text.lines().collect();
    let find = |needle: &str, nth: usize| {
        let line = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .nth(nth)
            .unwrap()
            .0;
        (line, lines[line].find(needle).unwrap())
    };
    let position = |(line, character): (usize, usize), plus: usize| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + plus}});
    // `cluster dag "DAG1"` leads to `dag "DAG1"`, whose hover lists its members.
    let member = find("\"DAG1\"", 0);
    let declared = find("dag \"DAG1\" {", 0);
    let reply = server.request("textDocument/definition", position(member, 2));
    assert_eq!(
        reply["result"]["range"]["start"]["line"], declared.0,
        "{reply}"
    );
    let reply = server.request("textDocument/hover", position(member, 2));
    let markdown = hover_text(&reply);
    assert!(
        markdown.contains("**DAG `DAG1`** — Exchange 2013"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- members: MBX1, MBX2, MBX3"),
        "{markdown}"
    );
    // Renamed everywhere: the declaration and the three members.
    let mut params = position(member, 2);
    params["newName"] = json!("DAG2");
    let reply = server.request("textDocument/rename", params);
    let edits = reply["result"]["changes"][uri].as_array().expect("edits");
    assert_eq!(edits.len(), 4, "{reply}");
    // Servers and DAGs share Active Directory's computer names.
    let mut params = position(find("server MBX1", 0), 8);
    params["newName"] = json!("dag1");
    let reply = server.request("textDocument/rename", params);
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    // A build number is not a name, whatever it looks like.
    let mut params = position(find("server MBX1", 0), 8);
    params["newName"] = json!("8.2.176.2");
    let reply = server.request("textDocument/rename", params);
    assert_eq!(reply["error"]["code"], -32602, "{reply}");

    // `names primary` leads to `primary "mail..."`; a namespace kind is not renamed.
    let named = find("names primary", 0);
    let reply = server.request("textDocument/definition", position(named, 7));
    assert_eq!(
        reply["result"]["range"]["start"]["line"],
        find("primary \"", 0).0
    );
    let reply = server.request("textDocument/hover", position(named, 7));
    assert!(hover_text(&reply).contains("**namespace `primary`** — `mail.contoso.com`"));
    let reply = server.request("textDocument/prepareRename", position(named, 7));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_name_written_as_a_string_is_renamed_to_a_string() {
    let text = plan("examples/fabrikam-2003-to-2007.exm");
    let mut server = Server::start();
    server.initialize(&[]);
    let uri = "untitled:fabrikam";
    server.open(uri, &text);
    server.diagnostics();
    let line = text
        .lines()
        .position(|l| l.contains("\"Mailboxes 01\""))
        .unwrap();
    let character = text
        .lines()
        .nth(line)
        .unwrap()
        .find("\"Mailboxes 01\"")
        .unwrap();
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + 3}});
    let reply = server.request("textDocument/prepareRename", at.clone());
    assert_eq!(reply["result"]["start"]["character"], character, "{reply}");
    let mut params = at;
    params["newName"] = json!("\"Mailboxes 02\"");
    let reply = server.request("textDocument/rename", params);
    let edits = reply["result"]["changes"][uri]
        .as_array()
        .expect("edits")
        .clone();
    assert!(edits.len() >= 2, "{reply}");
    let mut renamed = text.clone();
    // Applied from the last, so earlier ranges stay put.
    for edit in edits.iter().rev() {
        renamed = apply_edit(&renamed, edit);
    }
    assert_eq!(
        renamed,
        text.replace("\"Mailboxes 01\"", "\"Mailboxes 02\"")
    );
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn a_plan_with_includes_checks_in_the_editor_and_shows_problems_of_its_files() {
    let mut server = Server::start();
    server.initialize(&[]);
    // The split plan reads its files from its own folder: no problems.
    let split = repo("tests/plans/include/split.exm");
    let uri = file_uri(&split);
    server.open(&uri, &plan("tests/plans/include/split.exm"));
    let published = server.diagnostics();
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    // A name declared in an included file is not navigated to a place of this document.
    let text = plan("tests/plans/include/split.exm");
    let line = text
        .lines()
        .position(|l| l.contains("database HQ-DB2013 on HQ-MBX2013"))
        .unwrap();
    let column = text.lines().nth(line).unwrap().find("HQ-MBX2013").unwrap() + 1;
    let reply = server.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": column}}),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    let reply = server.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": column}, "newName": "HQ-MBX2020"}),
    );
    assert!(
        reply["error"].is_object(),
        "no rename of one file of a name: {reply}"
    );

    // A problem in an included file is published for that file, with the `include` that
    // brought the file in as related information; the plan's own stay with the plan.
    let broken = plan("tests/plans/include/broken.exm");
    let uri = file_uri(&repo("tests/plans/include/broken.exm"));
    let site_uri = file_uri(&repo("tests/plans/include/sites/broken-site.exm"));
    server.open(&uri, &broken);
    let published = server.diagnostics_of(&uri);
    let list = published["diagnostics"].as_array().expect("a list");
    let codes: Vec<&str> = list.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0321"], "{published}");
    let include_line = broken
        .lines()
        .position(|l| l.contains("include \"sites/broken-site.exm\""))
        .unwrap();
    // Its label in the included file links there.
    let shared = &list[0];
    assert_eq!(shared["range"]["start"]["line"], 11);
    let there = &shared["relatedInformation"][0]["location"];
    assert_eq!(there["uri"].as_str().unwrap(), site_uri);
    assert_eq!(there["range"]["start"], json!({"line": 2, "character": 9}));

    let published = server.diagnostics_of(&site_uri);
    let list = published["diagnostics"].as_array().expect("a list");
    let undefined = list.iter().find(|d| d["code"] == "E0202").expect("E0202");
    assert_eq!(
        undefined["range"]["start"],
        json!({"line": 5, "character": 17})
    );
    assert!(
        undefined["message"]
            .as_str()
            .unwrap()
            .starts_with("undefined server `BR2010`"),
        "{undefined}"
    );
    let included_at = &undefined["relatedInformation"][0]["location"];
    assert_eq!(included_at["uri"].as_str().unwrap(), uri);
    assert_eq!(included_at["range"]["start"]["line"], include_line);
    assert_eq!(
        undefined.get("data"),
        None,
        "no fixes for another file's text"
    );

    // `include` is a keyword of the plan block, described by the language reference.
    let reply = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": include_line, "character": 4}}),
    );
    let markdown = hover_text(&reply);
    assert!(markdown.contains("include \"path\""), "{markdown}");
    // Its path links to the file.
    let reply = server.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": uri}}),
    );
    let links = reply["result"].as_array().expect("links");
    assert_eq!(links.len(), 1, "{reply}");
    assert_eq!(links[0]["range"]["start"]["line"], include_line);
    assert!(
        links[0]["target"]
            .as_str()
            .unwrap()
            .ends_with("/tests/plans/include/sites/broken-site.exm"),
        "{reply}"
    );

    // The included file opened too: what the plan found there is shown with its own (none),
    // and leaves when the plan is closed.
    server.open(
        &site_uri,
        &plan("tests/plans/include/sites/broken-site.exm"),
    );
    let published = server.diagnostics_of(&site_uri);
    let codes = |published: &Value| -> Vec<String> {
        let mut codes: Vec<String> = published["diagnostics"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&published), ["E0202", "W0702"], "{published}");
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let published = server.diagnostics_of(&site_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");

    // An included file opened on its own is checked as statements of a plan block: no
    // "holds no plan", its own mistakes still shown.
    let site = repo("tests/plans/include/sites/intranet.exm");
    let uri = file_uri(&site);
    let text = plan("tests/plans/include/sites/intranet.exm");
    server.open(&uri, &text);
    let published = server.diagnostics_of(&uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    server.change(
        &uri,
        2,
        &text.replace("roles cas mailbox", "rolez cas mailbox"),
    );
    let published = server.diagnostics_of(&uri);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0106"], "{published}");
    assert_eq!(server.stop(), Some(0));
}
