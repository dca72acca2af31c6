//! Generation to memory for every plan that checks clean: never panics, and no generated
//! script holds a character a reviewer cannot see (bidi controls, zero-width and other
//! format characters, controls but tab and the line breaks).
#![no_main]

use exgen::escape::is_hidden;
use exgen::fuzzing::OneCsv;
use exgen::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, _) = SourceFile::from_bytes("fuzz.exm", data);
    let (ir, diagnostics) = exgen::check(&file, &OneCsv);
    assert_eq!(ir.is_some(), !diagnostics.has_errors());
    let Some(ir) = ir else {
        return;
    };
    // A checked plan may still be refused while lowering (E06xx): coded diagnostics, no panic.
    let Ok(files) = exgen::generate(&ir) else {
        return;
    };
    for output in files.iter().filter(|f| f.path.ends_with(".ps1")) {
        if let Some((line, c)) = output.contents.lines().enumerate().find_map(|(i, l)| {
            l.chars()
                .find(|&c| c != '\r' && is_hidden(c))
                .map(|c| (i, c))
        }) {
            panic!(
                "{} line {} holds U+{:04X}",
                output.path,
                line + 1,
                u32::from(c)
            );
        }
    }
});
