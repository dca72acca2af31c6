//! The scale benchmark: generated plans from 1,000 to 100,000 mailboxes and from 40 to 400
//! servers, checked and compiled by the release binary, against an I/O floor.
//!
//! ```text
//! cargo bench --bench scale                      # the table (about two minutes)
//! cargo bench --bench scale -- --quick           # fewer runs, smaller plans
//! cargo bench --bench scale -- gen --sites 50 --servers 400 --mailboxes 100000 [--csv] -o DIR
//! ```
//!
//! For each plan it prints: the median wall time of `exgen check` and `exgen compile` (whole
//! processes, as users run them), peak RSS (through GNU `time` where it exists), output bytes
//! and files, the share of time per stage (`exgen compile --timings`), and the ratio of
//! compile to the I/O floor: a process that reads the same inputs and writes the same files
//! (names and sizes), with the same sync policy, and does nothing else.

mod plan;

use plan::Shape;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; ignore it.
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    let result = match args.first() {
        Some(&"gen") => generate(&args[1..]),
        Some(&"floor") => floor(&args[1..]),
        Some(&"--quick") => table(true),
        None => table(false),
        Some(other) => Err(format!(
            "unknown argument `{other}`; usage: scale [--quick] | gen ... | floor ..."
        )),
    };
    if let Err(e) = result {
        eprintln!("scale: {e}");
        std::process::exit(2);
    }
}

/// `gen --sites N --servers N --mailboxes N [--csv] -o DIR`: writes `DIR/plan.exm` and its CSVs.
fn generate(args: &[&str]) -> Result<(), String> {
    let mut shape = Shape {
        sites: 50,
        servers: 400,
        mailboxes: 100_000,
        csv: false,
    };
    let mut out = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match *arg {
            "--sites" => shape.sites = number("--sites")?,
            "--servers" => shape.servers = number("--servers")?,
            "--mailboxes" => shape.mailboxes = number("--mailboxes")?,
            "--csv" => shape.csv = true,
            "-o" => out = it.next().map(PathBuf::from),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.ok_or("gen needs -o DIR")?;
    write_plan(&shape, &out)?;
    println!("{}", out.join("plan.exm").display());
    Ok(())
}

/// Writes the plan of `shape` and its CSV files into `dir`.
fn write_plan(shape: &Shape, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let generated = shape.generate();
    let path = dir.join("plan.exm");
    std::fs::write(&path, generated.plan).map_err(|e| format!("{}: {e}", path.display()))?;
    for (name, rows) in generated.csv {
        std::fs::write(dir.join(&name), rows).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(path)
}

/// One measured plan.
struct Row {
    label: String,
    shape: Shape,
    check: f64,
    compile: f64,
    floor: f64,
    rss_kb: Option<u64>,
    check_rss_kb: Option<u64>,
    bytes: u64,
    files: usize,
    /// Median milliseconds per stage, in `Timings::stages` order.
    stages: Vec<(String, f64)>,
}

/// The table: every plan of the mailbox and server series, checked, compiled and floored.
fn table(quick: bool) -> Result<(), String> {
    let exe = Path::new(env!("CARGO_BIN_EXE_exgen"));
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let runs = if quick { 3 } else { 7 };
    let shape = |sites, servers, mailboxes, csv| Shape {
        sites,
        servers,
        mailboxes,
        csv,
    };
    let mut shapes = vec![
        ("mailboxes 1k", shape(50, 400, 1_000, true)),
        ("mailboxes 10k", shape(50, 400, 10_000, true)),
        ("mailboxes 100k", shape(50, 400, 100_000, true)),
        ("inline 1k", shape(50, 400, 1_000, false)),
        ("inline 10k", shape(50, 400, 10_000, false)),
        ("inline 100k", shape(50, 400, 100_000, false)),
        ("servers 40", shape(5, 40, 10_000, true)),
        ("servers 200", shape(25, 200, 10_000, true)),
        ("servers 400", shape(50, 400, 10_000, true)),
    ];
    if quick {
        shapes.retain(|(label, _)| !label.starts_with("inline"));
    }
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let time = Path::new("/usr/bin/time");
    let time = time.exists().then_some(time);
    println!(
        "exgen scale benchmark: {runs} runs each, medians; release binary {}",
        exe.display()
    );
    if time.is_none() {
        println!("(no /usr/bin/time: peak RSS not measured)");
    }
    let mut rows = Vec::new();
    for (i, (label, shape)) in shapes.iter().enumerate() {
        let dir = root.path().join(format!("p{i}"));
        let plan = write_plan(shape, &dir)?;
        let out = root.path().join(format!("o{i}"));
        let floor_out = root.path().join(format!("f{i}"));
        // A first compile, unmeasured: it creates the folder later runs replace, as users do.
        run(exe, &["compile", &s(&plan), "-o", &s(&out)], None)?;
        let (bytes, files, list) = listing(&out)?;
        let list_file = root.path().join(format!("l{i}.txt"));
        std::fs::write(&list_file, list).map_err(|e| e.to_string())?;
        let mut check = Vec::new();
        let mut compile = Vec::new();
        let mut floor = Vec::new();
        let mut stages: Vec<Vec<f64>> = Vec::new();
        let mut rss = None;
        let mut check_rss = None;
        for _ in 0..runs {
            let (t, r, _) = run(exe, &["check", &s(&plan)], time)?;
            check.push(t);
            check_rss = check_rss.max(r);
            let (t, r, err) = run(
                exe,
                &["compile", "--timings", &s(&plan), "-o", &s(&out)],
                time,
            )?;
            compile.push(t);
            rss = rss.max(r);
            for (k, ms) in parse_timings(&err).into_iter().enumerate() {
                if stages.len() <= k {
                    stages.push(Vec::new());
                }
                stages[k].push(ms);
            }
            let (t, _, _) = run(
                &me,
                &["floor", &s(&dir), &s(&list_file), &s(&floor_out)],
                None,
            )?;
            floor.push(t);
        }
        let names = exgen::Timings::default().stages();
        rows.push(Row {
            label: (*label).to_owned(),
            shape: *shape,
            check: median(&mut check),
            compile: median(&mut compile),
            floor: median(&mut floor),
            rss_kb: rss,
            check_rss_kb: check_rss,
            bytes,
            files,
            stages: names
                .iter()
                .zip(stages.iter_mut())
                .map(|((n, _), v)| ((*n).to_owned(), median(v)))
                .collect(),
        });
        print_row(rows.last().expect("just pushed"));
    }
    print_growth(&rows);
    Ok(())
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `exe args`, under `time` when given: wall milliseconds, peak RSS in KiB, stderr.
fn run(
    exe: &Path,
    args: &[&str],
    time: Option<&Path>,
) -> Result<(f64, Option<u64>, String), String> {
    let rss_file = std::env::temp_dir().join(format!("exgen-scale-rss-{}", std::process::id()));
    let mut cmd = match time {
        Some(time) => {
            let mut c = std::process::Command::new(time);
            c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(exe);
            c
        }
        None => std::process::Command::new(exe),
    };
    cmd.args(args);
    let start = std::time::Instant::now();
    let output = cmd
        .output()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let wall = start.elapsed().as_secs_f64() * 1e3;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{} {}: {}\n{stderr}",
            exe.display(),
            args.join(" "),
            output.status
        ));
    }
    let rss = time.and_then(|_| {
        let text = std::fs::read_to_string(&rss_file).ok()?;
        text.trim().lines().last()?.trim().parse().ok()
    });
    Ok((wall, rss, stderr))
}

/// The stage figures of `exgen compile --timings`, in milliseconds.
fn parse_timings(stderr: &str) -> Vec<f64> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("timings: "))
        .map(|l| {
            l.split(", ")
                .filter_map(|part| part.split(' ').nth(1)?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Total bytes and number of the files in `dir`, and their list (`name\tsize` lines).
fn listing(dir: &Path) -> Result<(u64, usize, String), String> {
    let mut bytes = 0;
    let mut files = 0;
    let mut list = String::new();
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let len = entry.metadata().map_err(|e| e.to_string())?.len();
        bytes += len;
        files += 1;
        list.push_str(&format!("{}\t{len}\n", entry.file_name().to_string_lossy()));
    }
    Ok((bytes, files, list))
}

/// `floor PLAN_DIR LIST OUT`: the I/O floor. Reads every file of the plan's folder (the plan
/// and its CSVs), then writes the files `LIST` names with their sizes into a new folder next to
/// `OUT`, syncs each file and the folder, and swaps it in for `OUT`: what a compile must do at
/// the least, with no parsing, analysis or rendering.
fn floor(args: &[&str]) -> Result<(), String> {
    let [plan_dir, list, out] = args else {
        return Err("floor needs PLAN_DIR LIST OUT".to_owned());
    };
    let mut input = Vec::new();
    for entry in std::fs::read_dir(plan_dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        input.extend(std::fs::read(&path).map_err(|e| e.to_string())?);
    }
    if input.is_empty() {
        input.push(b'\n');
    }
    let list = std::fs::read_to_string(list).map_err(|e| e.to_string())?;
    let out = Path::new(out);
    let tmp = out.with_extension("floor-tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    for line in list.lines() {
        let (name, size) = line.split_once('\t').ok_or("bad list")?;
        let size: usize = size.parse().map_err(|_| "bad size")?;
        let mut contents = Vec::with_capacity(size);
        while contents.len() < size {
            let take = (size - contents.len()).min(input.len());
            contents.extend_from_slice(&input[..take]);
        }
        let path = tmp.join(name);
        std::fs::write(&path, &contents).map_err(|e| e.to_string())?;
        written.push(path);
    }
    for path in &written {
        std::fs::File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| e.to_string())?;
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| e.to_string())?;
    let old = out.with_extension("floor-old");
    let _ = std::fs::remove_dir_all(&old);
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| e.to_string())?;
    }
    std::fs::rename(&tmp, out).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn print_row(r: &Row) {
    if r.label == "mailboxes 1k" {
        println!();
        println!(
            "| plan | sites | servers | mailboxes | check ms | compile ms | floor ms | compile/floor | peak RSS MB (check/compile) | files | output MB | stages ms: read/parse/analyze/lower/render/write |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    }
    let mb =
        |kb: Option<u64>| kb.map_or("n/a".to_owned(), |kb| format!("{:.1}", kb as f64 / 1024.0));
    let stages: Vec<String> = r.stages.iter().map(|(_, ms)| format!("{ms:.1}")).collect();
    println!(
        "| {} | {} | {} | {}{} | {:.1} | {:.1} | {:.1} | {:.2}× | {} / {} | {} | {:.2} | {} |",
        r.label,
        r.shape.sites,
        r.shape.servers,
        r.shape.mailboxes,
        if r.shape.csv { " (CSV)" } else { " (inline)" },
        r.check,
        r.compile,
        r.floor,
        r.compile / r.floor,
        mb(r.check_rss_kb),
        mb(r.rss_kb),
        r.files,
        r.bytes as f64 / 1e6,
        stages.join(" / "),
    );
}

/// Growth: 100k against 10k mailboxes (linear is 10×), 400 against 200 servers (linear 2×).
fn print_growth(rows: &[Row]) {
    let find = |label: &str| rows.iter().find(|r| r.label == label);
    println!();
    for (big, small, linear) in [
        ("mailboxes 100k", "mailboxes 10k", 10.0),
        ("inline 100k", "inline 10k", 10.0),
        ("servers 400", "servers 200", 2.0),
    ] {
        if let (Some(b), Some(s)) = (find(big), find(small)) {
            println!(
                "growth {big} / {small}: compile {:.2}×, check {:.2}× (linear: {linear}×)",
                b.compile / s.compile,
                b.check / s.check
            );
        }
    }
}
