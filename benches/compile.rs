//! Compile-time benchmark: parses, analyzes and lowers each example many times and prints the
//! median and slowest time per compile. Run with `cargo bench --bench compile`.

use exgen::FileLoader;
use exgen::source::SourceFile;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct DirLoader(PathBuf);

impl FileLoader for DirLoader {
    fn read(&self, path: &str) -> Result<Vec<u8>, exgen::ReadError> {
        let relative: PathBuf = path.split(['\\', '/']).collect();
        exgen::cli::read_file(&self.0.join(relative), exgen::cli::MAX_FILE_BYTES)
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "exm"))
        .collect();
    plans.sort();
    const RUNS: usize = 200;
    for path in plans {
        let text = std::fs::read_to_string(&path).expect("read plan");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let loader = DirLoader(path.parent().unwrap().to_path_buf());
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut bytes = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let file = SourceFile::new(name.clone(), text.clone());
            let (files, _) = exgen::compile(&file, &loader);
            times.push(start.elapsed());
            bytes = files
                .expect("example compiles")
                .iter()
                .map(|f| f.contents.len())
                .sum();
        }
        times.sort();
        println!(
            "{name}: median {:.2} ms, max {:.2} ms over {RUNS} compiles ({} lines in, {bytes} bytes out)",
            times[RUNS / 2].as_secs_f64() * 1e3,
            times[RUNS - 1].as_secs_f64() * 1e3,
            text.lines().count(),
        );
    }
}
