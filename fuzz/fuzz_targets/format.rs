//! `exgen::syntax::format` on any text: never panics, never reports an internal error (E9001:
//! its own output failed its re-read), and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match exgen::syntax::format(&text) {
        Ok(formatted) => {
            let again = exgen::syntax::format(&formatted).expect("formatted text formats");
            assert_eq!(again, formatted, "idempotent");
        }
        Err(diagnostics) => assert!(
            diagnostics.iter().all(|d| d.code != exgen::diag::Code::E9001),
            "{diagnostics:?}"
        ),
    }
});
