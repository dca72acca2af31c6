//! The whole check pipeline (parse, analysis, schedule, the model's walk, output names) on any
//! text, and both renderings of its diagnostics: never panics, and gives the IR exactly when
//! there is no error.
#![no_main]

use exgen::diag::render;
use exgen::source::SourceFile;
use exgen::{FileLoader, ReadError};
use libfuzzer_sys::fuzz_target;

/// Serves one small valid CSV file for any path a plan names.
struct OneCsv;

impl FileLoader for OneCsv {
    fn read(&self, _path: &str) -> Result<Vec<u8>, ReadError> {
        Ok(b"EmailAddress,Name\r\nann@contoso.com,Ann\r\nbob@contoso.com,Bob\r\n".to_vec())
    }
}

fuzz_target!(|data: &[u8]| {
    let (file, _) = SourceFile::from_bytes("fuzz.exm", data);
    let (ir, diagnostics) = exgen::check(&file, &OneCsv);
    assert_eq!(
        ir.is_some(),
        !diagnostics.has_errors(),
        "IR exactly when there is no error"
    );
    let _ = render::terminal(&file, &diagnostics, false);
    let _ = render::terminal(&file, &diagnostics, true);
    let _ = render::json(&file, &diagnostics);
});
