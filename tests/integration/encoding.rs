//! Bytes on disk, outside insta (which normalizes line endings): BOM and line endings per file
//! kind, and nothing written when the plan has errors.

use crate::common;

#[test]
fn written_files_have_the_encoding_of_their_kind() {
    let path = common::root().join("examples/contoso-2007-to-2010.exm");
    let files = common::compile_ok(&path);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    exgen::output::write(&out, &files, false).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for file in &files {
        let bytes = std::fs::read(out.join(&file.path)).unwrap();
        let ext = file.path.rsplit('.').next().unwrap().to_owned();
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        let lf = bytes.iter().filter(|b| **b == b'\n').count();
        let cr = bytes.iter().filter(|b| **b == b'\r').count();
        match ext.as_str() {
            "ps1" | "csv" => {
                assert!(bom, "{}: UTF-8 with BOM", file.path);
                assert_eq!(crlf, lf, "{}: every line ends in CRLF", file.path);
                assert_eq!(cr, lf, "{}: no lone CR", file.path);
            }
            "md" => {
                assert!(!bom, "{}: no BOM", file.path);
                assert_eq!(cr, 0, "{}: LF only", file.path);
            }
            "cmd" => {
                assert!(!bom && bytes.is_ascii(), "{}: ASCII", file.path);
                assert_eq!(crlf, lf, "{}: CRLF", file.path);
            }
            other => panic!("unexpected file kind {other}"),
        }
        assert!(
            bytes.ends_with(b"\n"),
            "{}: ends with a line break",
            file.path
        );
        std::str::from_utf8(&bytes).unwrap_or_else(|_| panic!("{}: UTF-8", file.path));
        kinds.insert(ext);
    }
    assert!(
        kinds.contains("ps1") && kinds.contains("md") && kinds.contains("csv"),
        "{kinds:?}"
    );
    assert!(out.join(".exgen-manifest").is_file());
}
