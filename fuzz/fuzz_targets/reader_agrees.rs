//! The fast reader in front of pest (`src/syntax/lexer.rs`) reads every text exactly as the
//! pest grammar does: both refuse it, or both give the same statements with the same spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert!(
        exgen::fuzzing::readers_agree(text),
        "the fast reader and pest disagree on {text:?}"
    );
});
