//! The whole check pipeline (parse, analysis, schedule, the model's walk, output names) on any
//! text, and both renderings of its diagnostics: never panics, and gives the IR exactly when
//! there is no error.
#![no_main]

use exgen::diag::render;
use exgen::fuzzing::OneCsv;
use exgen::source::SourceFile;
use libfuzzer_sys::fuzz_target;

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
