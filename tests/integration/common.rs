//! Helpers shared by the integration tests.

use exgen::FileLoader;
use exgen::diag::Diagnostics;
use exgen::output::OutputFile;
use exgen::source::SourceFile;
use std::path::{Path, PathBuf};

/// Reads files relative to a plan's folder, as the CLI does.
pub struct DirLoader(pub PathBuf);

impl FileLoader for DirLoader {
    fn read(&self, path: &str) -> Result<Vec<u8>, exgen::ReadError> {
        let relative: PathBuf = path.split(['\\', '/']).collect();
        exgen::cli::read_file(&self.0.join(relative), exgen::cli::MAX_FILE_BYTES)
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a plan from disk.
pub fn load(path: &Path) -> (SourceFile, Diagnostics, DirLoader) {
    let bytes = std::fs::read(path).expect("read plan");
    let name = path
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let (file, bad) = SourceFile::from_bytes(name, &bytes);
    let loader = DirLoader(path.parent().expect("parent").to_path_buf());
    (file, Diagnostics(bad.into_iter().collect()), loader)
}

/// Compiles a plan from disk; panics with the rendered diagnostics if it has errors.
pub fn compile_ok(path: &Path) -> Vec<OutputFile> {
    let (file, _, loader) = load(path);
    let (files, diags) = exgen::compile(&file, &loader);
    match files {
        Some(files) => files,
        None => panic!(
            "{} does not compile:\n{}",
            path.display(),
            exgen::diag::render::terminal(&file, &diags, false)
        ),
    }
}

/// Every `.exm` file in a folder below the repository root, sorted.
pub fn plans(folder: &str) -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .expect("plan folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "exm"))
        .collect();
    plans.sort();
    plans
}

/// The plans that must compile: the shipped examples and the small test plans.
pub fn good_plans() -> Vec<PathBuf> {
    let mut all = plans("examples");
    all.extend(plans("tests/plans/ok"));
    all
}

/// insta settings: snapshots in the repository's `snapshots/` folder, no module prefix.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}
