//! Code actions and the server's commands: `exgen.explain` (a code's explanation) and
//! `exgen.openGeneratedScript` (a generated script at a statement's line).

use super::{Document, actions, file_path, lens};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{Diagnostic, NumberOrString, Range, Uri};
use std::collections::BTreeMap;

/// `textDocument/codeAction`: for each diagnostic of the request's context, its quick fixes
/// (kept in its `data` when it was published) and "Explain" (the `exgen.explain` command).
pub(super) fn code_actions(request: &Request, documents: &BTreeMap<String, Document>) -> Response {
    let id = request.id.clone();
    // Fixes are offered only for the text they were computed on: after a change, the client's
    // diagnostics (and their ranges) are those of an older version until the next publish.
    let current = request.params["textDocument"]["uri"]
        .as_str()
        .and_then(|u| documents.get(u))
        .map(|d| i64::from(d.version));
    let Some(uri) = request.params["textDocument"]["uri"]
        .as_str()
        .and_then(|u| u.parse::<Uri>().ok())
    else {
        return Response::new_err(id, ErrorCode::InvalidParams as i32, "no URI".to_owned());
    };
    let diagnostics: Vec<Diagnostic> =
        serde_json::from_value(request.params["context"]["diagnostics"].clone())
            .unwrap_or_default();
    let mut out: Vec<lsp_types::CodeActionOrCommand> = Vec::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some("exgen"))
    {
        let fixes = d
            .data
            .as_ref()
            .filter(|data| current.is_some() && data["version"].as_i64() == current)
            .and_then(|data| data["fixes"].as_array().cloned())
            .unwrap_or_default();
        let only = fixes.len() == 1;
        for fix in fixes {
            let (Some(title), Ok(edit)) = (
                fix["title"].as_str(),
                serde_json::from_value::<lsp_types::TextEdit>(fix["edit"].clone()),
            ) else {
                continue;
            };
            // lsp_types' WorkspaceEdit is keyed by its Uri type, whose parsed form caches data.
            #[allow(clippy::mutable_key_type)]
            let mut changes = std::collections::HashMap::new();
            changes.insert(uri.clone(), vec![edit]);
            out.push(lsp_types::CodeActionOrCommand::CodeAction(
                lsp_types::CodeAction {
                    title: title.to_owned(),
                    kind: Some(lsp_types::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(lsp_types::WorkspaceEdit::new(changes)),
                    is_preferred: Some(only),
                    ..lsp_types::CodeAction::default()
                },
            ));
        }
        if let Some(NumberOrString::String(code)) = &d.code {
            out.push(lsp_types::CodeActionOrCommand::CodeAction(
                lsp_types::CodeAction {
                    title: format!("Explain {code}"),
                    kind: Some(lsp_types::CodeActionKind::new("quickfix.explain")),
                    diagnostics: Some(vec![d.clone()]),
                    command: Some(lsp_types::Command::new(
                        format!("Explain {code}"),
                        EXPLAIN.to_owned(),
                        Some(vec![serde_json::json!(code)]),
                    )),
                    ..lsp_types::CodeAction::default()
                },
            ));
        }
    }
    Response::new_ok(id, out)
}

/// `exgen.openGeneratedScript PLAN-URI FILE LINE`: opens the generated script at the line a
/// statement's text begins, in the plan's default output folder, once `exgen compile` has
/// written it; until then says to compile.
pub(super) fn open_script(
    connection: &Connection,
    request: &Request,
    show_document: bool,
) -> Response {
    let args = &request.params["arguments"];
    let (Some(plan), Some(file), Some(line)) =
        (args[0].as_str(), args[1].as_str(), args[2].as_u64())
    else {
        return Response::new_err(
            request.id.clone(),
            ErrorCode::InvalidParams as i32,
            "exgen.openGeneratedScript takes the plan's URI, a script file and a line".to_owned(),
        );
    };
    // Only a script of the plan's own output folder: a bare file name that compile writes.
    let generated = std::path::Path::new(file).file_name() == Some(std::ffi::OsStr::new(file))
        && !file.starts_with('.')
        && [".ps1", ".cmd", ".md", ".csv", ".ini"]
            .iter()
            .any(|e| file.ends_with(e));
    if !generated {
        return Response::new_err(
            request.id.clone(),
            ErrorCode::InvalidParams as i32,
            format!("`{file}` is not a file exgen generates"),
        );
    }
    let script = file_path(plan)
        .and_then(|p| crate::files::default_output_folder(&p))
        .map(|folder| folder.join(file))
        .filter(|p| p.is_file());
    let uri = script
        .as_ref()
        .and_then(|p| actions::file_uri(p).parse::<Uri>().ok());
    match uri {
        Some(uri) if show_document => {
            let line = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
            let at = lsp_types::Position::new(line, 0);
            show_document_at(
                connection,
                uri,
                Some(Range::new(at, at)),
                format!("open-{file}-{line}"),
            );
        }
        _ => {
            let message = match script {
                Some(path) => format!("{file} is at {}, line {line}", path.display()),
                None => format!(
                    "{file} is not written yet: run `exgen compile` on this plan, then open it again"
                ),
            };
            show_message(connection, message);
        }
    }
    Response::new_ok(request.id.clone(), serde_json::Value::Null)
}

/// Asks the client to open `uri` (`window/showDocument`), at `selection`; whether it was sent.
fn show_document_at(
    connection: &Connection,
    uri: Uri,
    selection: Option<Range>,
    id: String,
) -> bool {
    let params = lsp_types::ShowDocumentParams {
        uri,
        external: Some(false),
        take_focus: Some(true),
        selection,
    };
    connection
        .sender
        .send(Message::Request(Request::new(
            lsp_server::RequestId::from(id),
            "window/showDocument".to_owned(),
            params,
        )))
        .is_ok()
}

/// Shows `message` to the user (`window/showMessage`).
fn show_message(connection: &Connection, message: String) {
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            "window/showMessage".to_owned(),
            lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::INFO,
                message,
            },
        )));
}

/// The command that opens a code's explanation.
pub(super) const EXPLAIN: &str = "exgen.explain";

/// `workspace/executeCommand` of `exgen.explain`: asks the client to open the code's
/// explanation (`window/showDocument`), or shows its first line and where to read the rest
/// when the client cannot open documents or the file cannot be written.
pub(super) fn execute_command(
    connection: &Connection,
    request: &Request,
    show_document: bool,
) -> Response {
    let id = request.id.clone();
    let invalid = |message: &str| {
        Response::new_err(
            request.id.clone(),
            ErrorCode::InvalidParams as i32,
            message.to_owned(),
        )
    };
    if request.params["command"] == lens::OPEN_SCRIPT {
        return open_script(connection, request, show_document);
    }
    if request.params["command"] != EXPLAIN {
        return invalid("exgen lsp knows the commands exgen.explain and exgen.openGeneratedScript");
    }
    // As `exgen explain` takes it: `E0106`, `e0106` or `0106`.
    let Some(code) = request.params["arguments"][0].as_str().and_then(|word| {
        let word = word.trim();
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            crate::diag::Code::parse(&format!("E{word}"))
        } else {
            crate::diag::Code::parse(word)
        }
    }) else {
        return invalid("exgen.explain takes a diagnostic code, such as \"E0106\"");
    };
    let file = actions::explanation_file(code)
        .map(|p| actions::file_uri(&p))
        .and_then(|u| u.parse::<Uri>().ok());
    let sent = match file {
        Some(uri) if show_document => {
            show_document_at(connection, uri, None, format!("explain-{}", code.as_str()))
        }
        _ => false,
    };
    if !sent {
        let first = code.explanation().lines().next().unwrap_or_default();
        let message = format!(
            "{} — run `exgen explain {}` for the whole explanation",
            first.trim_start_matches("# "),
            code.as_str()
        );
        show_message(connection, message);
    }
    Response::new_ok(id, serde_json::Value::Null)
}
