//! Every position-based feature of `exgen lsp` (hover, completion, selection ranges, semantic
//! tokens, quick fixes, formatting) on any text at any position: never panics, and each answer
//! keeps its invariants (`exgen::lsp::exercise`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick the position; the rest is the document.
    let (at, text) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        _ => (0, data),
    };
    let text = String::from_utf8_lossy(text);
    exgen::fuzzing::editor(&text, at);
});
