//! `exgen::syntax::parse` on any text: never panics, and returns a plan exactly when it
//! reports no error.
#![no_main]

use exgen::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses bytes that are not UTF-8 (E0104); the library must cope with the lossy
    // text all the same.
    let (file, _) = SourceFile::from_bytes("fuzz.exm", data);
    let (plan, diagnostics) = exgen::syntax::parse(&file);
    assert_eq!(plan.is_some(), !diagnostics.has_errors());
});
