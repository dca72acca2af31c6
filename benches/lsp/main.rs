//! The language server benchmark: how long an editor waits for `exgen lsp`.
//!
//! ```text
//! cargo bench --bench lsp                 # 100, 1,000 and 5,000-line plans, 50 changes each
//! cargo bench --bench lsp -- --quick      # 10 changes each
//! ```
//!
//! For each generated plan (the scale bench's generator: valid Exchange 2010 → 2016 plans) it
//! starts the release `exgen lsp`, opens the plan, then times, over its pipes:
//!
//! - a change: from writing a `didChange` (the whole text, as the server syncs it; every other
//!   version edits the first line's comment, so each stays valid) to reading the
//!   `publishDiagnostics` for that version: median and p95;
//! - hover on the `certificate on ...` statement, whose answer is the PowerShell it generates:
//!   the first hover after a change (which pays for generating the scripts of that version)
//!   and the same hover again; a server without hover (MethodNotFound) gets
//!   `textDocument/definition` on a server name instead, and the output says which was
//!   measured;
//! - the server's peak resident memory (`VmHWM` in `/proc/<pid>/status` before shutdown: Linux
//!   only, "n/a" elsewhere).
//!
//! Then it prints the figures as a Markdown table, with the targets of issue 8 (at 5,000 lines:
//! under 10 ms median and 25 ms p95 from change to diagnostics, hover under 50 ms, under
//! 100 MB).

#[path = "../scale/plan.rs"]
mod plan;

use plan::Shape;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long any one answer may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let quick = match args.as_slice() {
        [] => false,
        [flag] if flag == "--quick" => true,
        other => {
            eprintln!("lsp bench: unknown arguments {other:?}; usage: lsp [--quick]");
            std::process::exit(2);
        }
    };
    let changes = if quick { 10 } else { 50 };
    let hovers = if quick { 10 } else { 30 };
    let exe = env!("CARGO_BIN_EXE_exgen");
    // About 100, 1,000 and 5,000 lines: servers and sites grow with the plan, and most lines
    // are the mailboxes of the batches, as in a real plan.
    let sizes = [
        ("100 lines", inline(2, 8, 40)),
        ("1,000 lines", inline(5, 40, 850)),
        ("5,000 lines", inline(20, 160, 4_600)),
        // The same length with a quarter of the servers: what the size of the organization
        // costs, apart from the length of the text.
        ("5,000 lines, 40 servers", inline(5, 40, 4_900)),
    ];
    println!(
        "exgen lsp benchmark: release binary {exe}; {changes} changes and {hovers} hovers per plan"
    );
    // Other work on the machine moves every figure: say how busy it was.
    println!("load average before: {}", load_average());
    let mut rows = Vec::new();
    for (label, shape) in sizes {
        let generated = shape.generate();
        assert!(generated.csv.is_empty(), "inline plans name no CSV file");
        let row = measure(exe, label, &shape, &generated.plan, changes, hovers);
        println!(
            "{label} ({} lines, {} servers, {} mailboxes): change → diagnostics median {:.2} ms, \
             p95 {:.2} ms; {} after a change median {:.2} ms, p95 {:.2} ms, again median {:.2} \
             ms, p95 {:.2} ms; peak RSS {}",
            row.lines,
            shape.servers,
            shape.mailboxes,
            row.change.median,
            row.change.p95,
            row.hover_kind.name(),
            row.hover_cold.median,
            row.hover_cold.p95,
            row.hover_warm.median,
            row.hover_warm.p95,
            megabytes(row.peak_kb),
        );
        rows.push(row);
    }
    print_table(&rows);
    println!();
    println!("load average after: {}", load_average());
}

/// The load averages of the last 1, 5 and 15 minutes (Linux; "n/a" elsewhere).
fn load_average() -> String {
    #[cfg(target_os = "linux")]
    if let Ok(text) = std::fs::read_to_string("/proc/loadavg") {
        return text
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
    }
    "n/a".to_owned()
}

/// A plan with its mailboxes listed inline (no CSV file).
fn inline(sites: usize, servers: usize, mailboxes: usize) -> Shape {
    Shape {
        sites,
        servers,
        mailboxes,
        csv: false,
    }
}

/// The figures of one plan.
struct Row {
    label: &'static str,
    lines: usize,
    servers: usize,
    mailboxes: usize,
    change: Spread,
    hover_kind: HoverKind,
    /// The first hover after a change.
    hover_cold: Spread,
    /// The same hover again, on the same version.
    hover_warm: Spread,
    peak_kb: Option<u64>,
}

/// What the hover figure measured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HoverKind {
    /// `textDocument/hover` answered with a ```powershell block.
    PowerShell,
    /// `textDocument/hover` answered, but without PowerShell.
    Plain,
    /// The server has no hover: `textDocument/definition` on a server name instead.
    Definition,
}

impl HoverKind {
    fn name(self) -> &'static str {
        match self {
            HoverKind::PowerShell => "hover with PowerShell",
            HoverKind::Plain => "hover (no PowerShell in the answer)",
            HoverKind::Definition => "NO HOVER in this server: definition on a name",
        }
    }
}

/// Median and 95th percentile, in milliseconds.
struct Spread {
    median: f64,
    p95: f64,
}

impl Spread {
    fn of(mut ms: Vec<f64>) -> Spread {
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| {
            // The nearest-rank percentile: the smallest value with at least q of them at or
            // below it.
            let rank = (q * ms.len() as f64).ceil() as usize;
            ms.get(rank.saturating_sub(1)).copied().unwrap_or(f64::NAN)
        };
        Spread {
            median: at(0.5),
            p95: at(0.95),
        }
    }
}

fn measure(
    exe: &str,
    label: &'static str,
    shape: &Shape,
    text: &str,
    changes: usize,
    hovers: usize,
) -> Row {
    let mut server = Server::start(exe);
    server.request("initialize", json!({"capabilities": {}}));
    server.notify("initialized", json!({}));
    let uri = "untitled:bench.exm";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "exm", "version": 1, "text": text}}),
    );
    let first = server.published(1);
    assert_clean(label, &first);

    // Every other version edits the comment on the first line: still the same valid plan.
    let first_line = text.find('\n').expect("more than one line");
    let edited = format!("{} (edited){}", &text[..first_line], &text[first_line..]);
    // Unmeasured: the first changes warm the caches, as an editor's first keystrokes do.
    let warmup = 3;
    let mut version = 1;
    let mut times = Vec::with_capacity(changes);
    for i in 0..warmup + changes {
        version += 1;
        let body = if version % 2 == 0 { &edited } else { text };
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": body}]}),
        );
        let published = server.published(version);
        let elapsed = start.elapsed().as_secs_f64() * 1e3;
        assert_clean(label, &published);
        if i >= warmup {
            times.push(elapsed);
        }
    }

    // On the `certificate` keyword.
    let line = line_of(text, "  certificate on ");
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 4}});
    let probe = server.request("textDocument/hover", at.clone());
    let (method, params, kind) = if probe["error"]["code"] == json!(-32601) {
        // No hover yet: a request that reads the same document's names.
        // On the first server name after `decommission`.
        let line = line_of(text, "  decommission ");
        let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": "  decommission ".len() + 1}});
        ("textDocument/definition", at, HoverKind::Definition)
    } else {
        assert!(probe["error"].is_null(), "{label}: hover failed: {probe}");
        let value = probe["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        let kind = if value.contains("```powershell") {
            HoverKind::PowerShell
        } else {
            HoverKind::Plain
        };
        ("textDocument/hover", at, kind)
    };
    let mut cold = Vec::with_capacity(hovers);
    let mut warm = Vec::with_capacity(hovers);
    for _ in 0..hovers {
        version += 1;
        let body = if version % 2 == 0 { &edited } else { text };
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": body}]}),
        );
        server.published(version);
        for times in [&mut cold, &mut warm] {
            let start = Instant::now();
            let reply = server.request(method, params.clone());
            times.push(start.elapsed().as_secs_f64() * 1e3);
            assert!(
                reply["error"].is_null() && !reply["result"].is_null(),
                "{label}: {method} answered {reply}"
            );
        }
    }

    let peak_kb = peak_kb(server.child.id());
    server.stop();
    Row {
        label,
        lines: text.lines().count(),
        servers: shape.servers,
        mailboxes: shape.mailboxes,
        change: Spread::of(times),
        hover_kind: kind,
        hover_cold: Spread::of(cold),
        hover_warm: Spread::of(warm),
        peak_kb,
    }
}

/// The number of the first line starting with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with `{prefix}`"))
}

/// The generated plans are valid: their diagnostics have no error.
fn assert_clean(label: &str, published: &Value) {
    let errors: Vec<&Value> = published["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .filter(|d| d["severity"] == json!(1))
        .collect();
    assert!(
        errors.is_empty(),
        "{label}: the plan has errors: {errors:?}"
    );
}

/// The peak resident memory of process `pid`, in KiB.
#[cfg(target_os = "linux")]
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// Not measured off Linux.
#[cfg(not(target_os = "linux"))]
fn peak_kb(_pid: u32) -> Option<u64> {
    None
}

fn megabytes(kb: Option<u64>) -> String {
    kb.map_or("n/a".to_owned(), |kb| {
        format!("{:.1} MB", kb as f64 / 1024.0)
    })
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| plan | lines | servers | mailboxes | change → diagnostics median ms | p95 ms | hover kind | hover after a change median ms | p95 ms | hover again median ms | p95 ms | peak RSS MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            r.label,
            r.lines,
            r.servers,
            r.mailboxes,
            r.change.median,
            r.change.p95,
            r.hover_kind.name(),
            r.hover_cold.median,
            r.hover_cold.p95,
            r.hover_warm.median,
            r.hover_warm.p95,
            megabytes(r.peak_kb).trim_end_matches(" MB"),
        );
    }
    for big in rows.iter().filter(|r| r.label.starts_with("5,000")) {
        let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
        println!();
        println!("targets at {} ({} lines):", big.label, big.lines);
        println!(
            "- change → diagnostics median under 10 ms: {:.2} ms, {}",
            big.change.median,
            verdict(big.change.median < 10.0)
        );
        println!(
            "- change → diagnostics p95 under 25 ms: {:.2} ms, {}",
            big.change.p95,
            verdict(big.change.p95 < 25.0)
        );
        if big.hover_kind == HoverKind::PowerShell {
            println!(
                "- hover with PowerShell under 50 ms, first after a change: {:.2} ms median, \
                 {:.2} ms p95, {}",
                big.hover_cold.median,
                big.hover_cold.p95,
                verdict(big.hover_cold.p95 < 50.0)
            );
        } else {
            println!(
                "- hover with PowerShell under 50 ms: NOT MEASURED ({}: {:.2} ms median)",
                big.hover_kind.name(),
                big.hover_cold.median
            );
        }
        match big.peak_kb {
            Some(kb) => println!(
                "- under 100 MB: {}, {}",
                megabytes(Some(kb)),
                verdict(kb < 100 * 1024)
            ),
            None => println!("- under 100 MB: n/a (peak memory is read on Linux only)"),
        }
    }
}

/// A running `exgen lsp` and the messages it sends.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(exe: &str) -> Server {
        let mut child = Command::new(exe)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("exgen lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
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
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value = serde_json::from_slice(&body).expect("a JSON body");
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

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id))
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The `publishDiagnostics` of `version`.
    fn published(&mut self, version: i64) -> Value {
        self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        })["params"]
            .clone()
    }

    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(PATIENCE)
                .expect("an answer from exgen lsp");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn stop(mut self) {
        let reply = self.request("shutdown", Value::Null);
        assert!(reply["error"].is_null(), "shutdown: {reply}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("exgen lsp exits");
        assert!(status.success(), "exgen lsp exited with {status}");
    }
}
