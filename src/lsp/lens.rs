//! Where a statement's PowerShell lands: a code lens on each statement that produces steps
//! ("open generated script": the file and line `exgen compile` writes it to, in the plan's
//! default output folder), and links from each `csv "..."` to the CSV file it names.

use super::position::{Encoding, LineIndex};
use crate::lower::StepOutput;
use crate::source::Span;
use crate::syntax::outline::Node;
use lsp_types::{CodeLens, Command, DocumentLink, Uri};
use std::path::Path;

/// The command that opens a generated script at a line.
pub const OPEN_SCRIPT: &str = "exgen.openGeneratedScript";

/// A lens for each script a statement's steps land in, on the statement's keyword and
/// arguments: `▸ 08-certificate-request.ps1:29`.
pub fn lenses(
    nodes: &[Node],
    steps: &[StepOutput],
    uri: &str,
    index: &LineIndex<'_>,
    encoding: Encoding,
) -> Vec<CodeLens> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = nodes.iter().collect();
    while let Some(node) = stack.pop() {
        let mut seen: Vec<&str> = Vec::new();
        for step in steps.iter().filter(|s| s.origin == node.span) {
            if seen.contains(&step.file.as_str()) {
                continue;
            }
            seen.push(&step.file);
            out.push(CodeLens {
                range: index.range(node.head, encoding),
                command: Some(Command::new(
                    format!("▸ {}:{}", step.file, step.line),
                    OPEN_SCRIPT.to_owned(),
                    Some(vec![
                        serde_json::json!(uri),
                        serde_json::json!(step.file),
                        serde_json::json!(step.line),
                    ]),
                )),
                data: None,
            });
        }
        stack.extend(node.children.iter());
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    out
}

/// A link from the path of each `csv "file.csv"` and `include "file.exm"` statement to that
/// file, resolved as exgen reads it ([`crate::files::PlanLoader::resolve`]; an `include` in
/// this document is relative to the document's folder).
pub fn file_links(
    nodes: &[Node],
    text: &str,
    folder: &Path,
    index: &LineIndex<'_>,
    encoding: Encoding,
) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = nodes.iter().collect();
    while let Some(node) = stack.pop() {
        stack.extend(node.children.iter());
        if !node.keyword.eq_ignore_ascii_case("csv")
            && !node.keyword.eq_ignore_ascii_case("include")
        {
            continue;
        }
        let (Some(name), Some(head)) = (&node.name, text.get(node.head.start..node.head.end))
        else {
            continue;
        };
        let Some(open) = head.find('"') else {
            continue;
        };
        let loader = crate::files::PlanLoader {
            folder: folder.to_path_buf(),
        };
        let Ok(target) = super::actions::file_uri(&loader.resolve(name)).parse::<Uri>() else {
            continue;
        };
        let span = Span {
            start: node.head.start + open,
            end: node.head.end,
        };
        out.push(DocumentLink {
            range: index.range(span, encoding),
            target: Some(target),
            tooltip: Some(format!("open {name}")),
            data: None,
        });
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    out
}
