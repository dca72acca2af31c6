//! The reader of a plan's CSV files of mailboxes on any bytes: never panics; a file it
//! refuses gets coded errors (E05xx, or E0115/E0118 for a row's mailbox), a file it accepts
//! has at least one mailbox row.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (rows, diagnostics) = exgen::fuzzing::read_csv(data);
    match rows {
        Some(rows) => {
            assert!(rows > 0, "a CSV file accepted with no mailbox");
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
        }
        None => {
            assert!(diagnostics.has_errors(), "refused without an error");
            for d in diagnostics.iter() {
                assert!(d.is_error(), "{d:?}");
                // E05xx for the file; E0115 and E0118 for a row's mailbox, checked as a plan's
                // `mailbox` value is.
                let code = d.code.as_str();
                assert!(
                    code.starts_with("E05") || code == "E0115" || code == "E0118",
                    "{d:?}"
                );
                assert!(!d.message.is_empty() && d.help.is_some(), "{d:?}");
            }
        }
    }
});
