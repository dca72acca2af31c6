//! CSV files of mailboxes: read at compile time so a missing file or column is a diagnostic,
//! not a failure halfway through a move.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::ir::CsvFile;
use crate::source::Spanned;

/// Reads files that a plan names, relative to the plan's folder.
pub trait FileLoader {
    /// The bytes of `path` as written in the plan (Windows or `/` separators).
    ///
    /// # Errors
    /// A message saying why the file cannot be read.
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// Columns that can hold the mailbox to move, in order of preference.
const IDENTITY_COLUMNS: &[&str] = &["EmailAddress", "Identity"];

/// Reads and checks one CSV file; `None` after reporting E0502/E0503.
pub(super) fn load(cx: &mut Cx<'_>, path: &Spanned<String>) -> Option<CsvFile> {
    let bytes = match cx.loader.read(path) {
        Ok(bytes) => bytes,
        Err(why) => {
            cx.report(
                Diagnostic::new(
                    Code::E0502,
                    path.span,
                    format!("cannot read `{}`: {why}", path.node),
                )
                .with_label("CSV file named here")
                .with_help("the path is relative to the plan file's folder"),
            );
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        cx.report(
            Diagnostic::new(
                Code::E0502,
                path.span,
                format!("`{}` is not UTF-8 text", path.node),
            )
            .with_label("CSV file named here")
            .with_help("save the file as UTF-8 (Excel: \"CSV UTF-8\")"),
        );
        return None;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines.next().map(split_header).unwrap_or_default();
    let Some(column) = IDENTITY_COLUMNS
        .iter()
        .find_map(|want| header.iter().find(|h| h.eq_ignore_ascii_case(want)))
    else {
        let found = if header.is_empty() {
            "no header".to_owned()
        } else {
            header.join(", ")
        };
        cx.report(
            Diagnostic::new(
                Code::E0503,
                path.span,
                format!("`{}` has no `EmailAddress` or `Identity` column", path.node),
            )
            .with_label(format!("columns: {found}"))
            .with_help(
                "the first line must name the columns, one of them `EmailAddress` or `Identity`",
            ),
        );
        return None;
    };
    let rows = lines.count();
    if rows == 0 {
        cx.report(
            Diagnostic::new(
                Code::E0503,
                path.span,
                format!("`{}` lists no mailboxes", path.node),
            )
            .with_label("only a header line")
            .with_help("add one mailbox per line below the header, or remove the `csv` line"),
        );
        return None;
    }
    Some(CsvFile {
        source: path.node.clone(),
        column: column.clone(),
        rows,
        contents: text.to_owned(),
    })
}

/// The column names of a CSV header line (quotes removed).
fn split_header(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => names.push(std::mem::take(&mut current).trim().to_owned()),
            _ => current.push(c),
        }
    }
    names.push(current.trim().to_owned());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_split_handles_quotes() {
        assert_eq!(
            split_header(r#""Email""Address",Name"#),
            vec![r#"Email"Address"#, "Name"]
        );
        assert_eq!(
            split_header("EmailAddress, Name"),
            vec!["EmailAddress", "Name"]
        );
    }
}
