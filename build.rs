//! Embeds every file under `templates/` into the binary as `(name, text)` pairs, sorted by
//! name so the build is deterministic.
//!
//! The templates folder is found from `CARGO_MANIFEST_DIR` as cargo sets it when it runs this
//! script, not as it was when the script was compiled (`env!`): a target folder shared by two
//! checkouts reuses the compiled script, and a baked-in path would embed the other checkout's
//! templates, or none. A folder that cannot be read, or holds no template, fails the build:
//! a binary without templates would refuse every plan.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let root = PathBuf::from(manifest).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if let Err(e) = collect(&root, &mut files) {
        panic!("cannot read the templates in {}: {e}", root.display());
    }
    assert!(
        !files.is_empty(),
        "no template (*.j2) found in {}",
        root.display()
    );
    files.sort();
    let mut out = String::from(
        "/// Every template, by its path below `templates/` ('/'-separated).\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let name = path.strip_prefix(&root).expect("below templates/");
        let name: Vec<String> = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            name.join("/"),
            path.display().to_string()
        )
        .expect("write to string");
        println!("cargo:rerun-if-changed={}", path.display());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

/// Every `*.j2` file below `dir`, recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            // A new template in a subfolder must rerun this script.
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "j2") {
            files.push(path);
        }
    }
    Ok(())
}
