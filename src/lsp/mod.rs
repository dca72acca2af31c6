//! `exgen lsp`: a language server over stdio, above the compiler stages. It re-checks a whole
//! plan on every change (plans are small, the compiler is fast) with the same library call as
//! `exgen check`, so the diagnostics an editor shows are the ones the command line prints.
//!
//! This first part is the lifecycle and live diagnostics: initialize with a negotiated position
//! encoding, full text sync, bursts of changes coalesced (only the last version of a document is
//! checked), unknown requests answered with MethodNotFound, a panic in a handler turned into an
//! error reply or a log line, a bad frame skipped (`transport`), shutdown and exit with the exit
//! code the LSP specifies.

mod completion;
mod formatting;
mod navigation;
mod outline;
mod position;
mod transport;

use crate::diag::{Diagnostic as ExgenDiagnostic, Severity};
use crate::source::SourceFile;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, InitializeParams, Location,
    NumberOrString, PositionEncodingKind, PublishDiagnosticsParams, Range, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use position::{Encoding, LineIndex};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// One open plan.
struct Document {
    version: i32,
    text: String,
    /// Whether it changed since its diagnostics were last published.
    dirty: bool,
    /// The names the last check of this text resolved (kept from publishing diagnostics, so
    /// navigation and completion do not check the same text again).
    names: Option<crate::analyze::Names>,
}

impl Document {
    /// The names of the current text: those of its last check, or a check now.
    fn names(&self, uri: &str) -> std::borrow::Cow<'_, crate::analyze::Names> {
        match (&self.names, self.dirty) {
            (Some(names), false) => std::borrow::Cow::Borrowed(names),
            _ => std::borrow::Cow::Owned(check(uri, &self.text).1),
        }
    }
}

/// Runs the server on stdin and stdout until the client exits; the process exit code per the
/// LSP: 0 after `shutdown` then `exit`, 1 for an `exit` without `shutdown`.
///
/// # Errors
/// When stdin or stdout fail, or the client never initializes.
pub fn run() -> anyhow::Result<u8> {
    let (sender, receiver, writer) = transport::stdio();
    let connection = Connection { sender, receiver };
    let code = serve(&connection);
    // Everything queued is written before the process ends; the reader thread ends with it.
    drop(connection);
    let _ = writer.join();
    code
}

/// The server's loop on `connection`; its exit code.
///
/// # Errors
/// When the connection fails or the client never initializes.
pub fn serve(connection: &Connection) -> anyhow::Result<u8> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    let capabilities = ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions::default()),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        document_highlight_provider: Some(lsp_types::OneOf::Left(true)),
        rename_provider: Some(lsp_types::OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(lsp_types::OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": { "name": "exgen", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut documents: BTreeMap<String, Document> = BTreeMap::new();
    loop {
        // Take every message already queued before checking: a burst of changes is checked
        // once, at its last version.
        let message = if documents.values().any(|d| d.dirty) {
            match connection.receiver.try_recv() {
                Ok(message) => message,
                Err(_) => {
                    publish_dirty(connection, &mut documents, encoding)?;
                    continue;
                }
            }
        } else {
            match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(1),
            }
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(0);
                }
                let id = request.id.clone();
                let method = request.method.clone();
                let response = catch_unwind(AssertUnwindSafe(|| {
                    handle_request(&request, &documents, encoding)
                }))
                .unwrap_or_else(|_| {
                    log(
                        connection,
                        &format!("exgen lsp: the {method} handler failed"),
                    );
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("exgen lsp failed on `{method}`"),
                    )
                });
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) if notification.method == "exit" => return Ok(1),
            Message::Notification(notification) => {
                let method = notification.method.clone();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    notify(&mut documents, notification);
                }));
                if outcome.is_err() {
                    log(
                        connection,
                        &format!("exgen lsp: the {method} handler failed"),
                    );
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// UTF-8 when the client offers it, else UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The answer to a request other than `shutdown`.
fn handle_request(
    request: &Request,
    documents: &BTreeMap<String, Document>,
    encoding: Encoding,
) -> Response {
    let id = request.id.clone();
    let open = || open_document(request, documents);
    match request.method.as_str() {
        "textDocument/documentSymbol" | "textDocument/foldingRange" => {
            let text = match open() {
                Ok((_, doc)) => doc.text.as_str(),
                Err(refused) => return refused,
            };
            let nodes = crate::syntax::outline::outline(text).unwrap_or_default();
            let index = LineIndex::new(text);
            if request.method == "textDocument/foldingRange" {
                Response::new_ok(id, outline::folding_ranges(&nodes, &index, encoding))
            } else {
                Response::new_ok(id, outline::symbols(&nodes, &index, encoding, true))
            }
        }
        "textDocument/completion" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let index = LineIndex::new(text);
            let at = position_of(request).and_then(|p| index.offset(p, encoding));
            let Some(at) = at else {
                return Response::new_ok(id, Vec::<lsp_types::CompletionItem>::new());
            };
            let outline = crate::syntax::outline::outline(text);
            let names = doc.names(uri);
            Response::new_ok(id, completion::items(text, at, outline.as_deref(), &names))
        }
        "textDocument/formatting" => match open() {
            Ok((_, doc)) => formatting::reply(id, &doc.text, encoding),
            Err(refused) => refused,
        },
        "textDocument/prepareRename" | "textDocument/rename" => {
            rename(request, documents, encoding)
        }
        "textDocument/definition"
        | "textDocument/references"
        | "textDocument/documentHighlight" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let Some(position) = position_of(request) else {
                return Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    "no position".into(),
                );
            };
            let index = LineIndex::new(text);
            let names = doc.names(uri);
            let spans = index
                .offset(position, encoding)
                .and_then(|at| navigation::same_name(&names, at));
            let range = |s| index.range(s, encoding);
            let Some((definition, uses)) = spans else {
                return Response::new_ok(id, serde_json::Value::Null);
            };
            let Ok(lsp_uri) = uri.parse::<Uri>() else {
                return Response::new_ok(id, serde_json::Value::Null);
            };
            match request.method.as_str() {
                "textDocument/definition" => {
                    Response::new_ok(id, Location::new(lsp_uri, range(definition)))
                }
                "textDocument/references" => {
                    let declaration = request.params["context"]["includeDeclaration"]
                        .as_bool()
                        .unwrap_or(true);
                    let locations: Vec<Location> = declaration
                        .then_some(definition)
                        .into_iter()
                        .chain(uses)
                        .map(|s| Location::new(lsp_uri.clone(), range(s)))
                        .collect();
                    Response::new_ok(id, locations)
                }
                _ => {
                    let highlights: Vec<lsp_types::DocumentHighlight> =
                        std::iter::once((definition, true))
                            .chain(uses.into_iter().map(|s| (s, false)))
                            .map(|(s, write)| lsp_types::DocumentHighlight {
                                range: range(s),
                                kind: Some(if write {
                                    lsp_types::DocumentHighlightKind::WRITE
                                } else {
                                    lsp_types::DocumentHighlightKind::READ
                                }),
                            })
                            .collect();
                    Response::new_ok(id, highlights)
                }
            }
        }
        method => Response::new_err(
            id,
            ErrorCode::MethodNotFound as i32,
            format!("exgen lsp does not handle `{method}`"),
        ),
    }
}

/// The position a request names.
fn position_of(request: &Request) -> Option<lsp_types::Position> {
    serde_json::from_value(request.params["position"].clone()).ok()
}

/// The URI and the open document `request` names, or the InvalidParams reply.
fn open_document<'d>(
    request: &Request,
    documents: &'d BTreeMap<String, Document>,
) -> Result<(&'d str, &'d Document), Response> {
    request.params["textDocument"]["uri"]
        .as_str()
        .and_then(|uri| documents.get_key_value(uri))
        .map(|(uri, doc)| (uri.as_str(), doc))
        .ok_or_else(|| {
            Response::new_err(
                request.id.clone(),
                ErrorCode::InvalidParams as i32,
                "the document is not open".to_owned(),
            )
        })
}

/// `prepareRename` (the range of a renamable name at the position) and `rename` (an edit of
/// the declaration and every use), refusing keywords, site names, a new name that is not a
/// name or one that another declaration has.
fn rename(
    request: &Request,
    documents: &BTreeMap<String, Document>,
    encoding: Encoding,
) -> Response {
    let id = request.id.clone();
    let invalid =
        |id, message: String| Response::new_err(id, ErrorCode::InvalidParams as i32, message);
    let (uri, doc) = match open_document(request, documents) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let text = doc.text.as_str();
    let Some(position) = position_of(request) else {
        return invalid(id, "no position".to_owned());
    };
    let index = LineIndex::new(text);
    let names = doc.names(uri);
    let at = index.offset(position, encoding);
    let Some(target) = at.and_then(|at| navigation::renamable(&names, at)) else {
        return invalid(
            id,
            "only the name of a server or database can be renamed here".to_owned(),
        );
    };
    let range = |s| index.range(s, encoding);
    if request.method == "textDocument/prepareRename" {
        // The name under the cursor, which the editor lets the user retype.
        let here = at.and_then(|at| navigation::span_at(&names, at));
        return Response::new_ok(id, range(here.unwrap_or(target.span)));
    }
    let Some(new) = request.params["newName"].as_str() else {
        return invalid(id, "no new name".to_owned());
    };
    if let Some(why) = navigation::refuse_rename(&names, target, new) {
        return invalid(id, why);
    }
    let Ok(lsp_uri) = uri.parse::<Uri>() else {
        return invalid(id, "not a URI".to_owned());
    };
    let edits: Vec<lsp_types::TextEdit> = std::iter::once(target.span)
        .chain(
            names
                .uses
                .iter()
                .filter(|u| u.definition == target.span)
                .map(|u| u.span),
        )
        .map(|s| lsp_types::TextEdit::new(range(s), new.to_owned()))
        .collect();
    // lsp_types' WorkspaceEdit is keyed by its Uri type, whose parsed form caches data.
    #[allow(clippy::mutable_key_type)]
    let mut changes = std::collections::HashMap::new();
    changes.insert(lsp_uri, edits);
    Response::new_ok(id, lsp_types::WorkspaceEdit::new(changes))
}

/// Keeps the open documents current.
fn notify(documents: &mut BTreeMap<String, Document>, notification: Notification) {
    use lsp_types::notification::{
        DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    };
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(notification.params)
            {
                let doc = Document {
                    version: p.text_document.version,
                    text: p.text_document.text,
                    dirty: true,
                    names: None,
                };
                documents.insert(p.text_document.uri.as_str().to_owned(), doc);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                notification.params,
            ) && let Some(change) = p.content_changes.into_iter().last()
                && let Some(doc) = documents.get_mut(p.text_document.uri.as_str())
                && p.text_document.version >= doc.version
            {
                doc.version = p.text_document.version;
                doc.text = change.text;
                doc.dirty = true;
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(notification.params)
            {
                documents.remove(p.text_document.uri.as_str());
            }
        }
        _ => {}
    }
}

/// Checks every changed document and publishes its diagnostics.
fn publish_dirty(
    connection: &Connection,
    documents: &mut BTreeMap<String, Document>,
    encoding: Encoding,
) -> anyhow::Result<()> {
    for (uri, doc) in documents.iter_mut().filter(|(_, d)| d.dirty) {
        doc.dirty = false;
        let checked = catch_unwind(AssertUnwindSafe(|| diagnostics(uri, &doc.text, encoding)));
        let Ok((diagnostics, names)) = checked else {
            log(connection, &format!("exgen lsp: checking {uri} failed"));
            continue;
        };
        doc.names = Some(names);
        let Ok(uri) = uri.parse::<Uri>() else {
            continue;
        };
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: Some(doc.version),
        };
        connection
            .sender
            .send(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".to_owned(),
                params,
            )))?;
    }
    Ok(())
}

/// What `exgen check` reports for `text`, as LSP diagnostics, and the names it resolved.
fn diagnostics(
    uri: &str,
    text: &str,
    encoding: Encoding,
) -> (Vec<Diagnostic>, crate::analyze::Names) {
    let (found, names) = check(uri, text);
    let index = LineIndex::new(text);
    let range = |s| index.range(s, encoding);
    let diagnostics = found.iter().map(|d| convert(d, uri, &range)).collect();
    (diagnostics, names)
}

/// `exgen check` of `text`, and the names it resolved. CSV files the plan names are read
/// relative to the document's folder when its URI is a file.
fn check(uri: &str, text: &str) -> (crate::diag::Diagnostics, crate::analyze::Names) {
    let path = file_path(uri);
    let name = path.as_ref().and_then(|p| p.file_name()).map_or_else(
        || "plan.exm".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let folder = path
        .as_ref()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    let file = SourceFile::new(name, text);
    let loader = crate::files::PlanLoader { folder };
    let (_, found, names) = crate::check_full(&file, &loader, &mut crate::Timings::default());
    (found, names)
}

fn convert(
    d: &ExgenDiagnostic,
    uri: &str,
    range: &dyn Fn(crate::source::Span) -> Range,
) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related = uri.parse::<Uri>().ok().map(|uri| {
        d.related
            .iter()
            .map(|label| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range(label.span)),
                message: label.message.clone(),
            })
            .collect::<Vec<_>>()
    });
    Diagnostic {
        range: range(d.primary.span),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("exgen".to_owned()),
        message,
        related_information: related.filter(|r| !r.is_empty()),
        ..Diagnostic::default()
    }
}

/// The local path of a `file:` URI (percent-decoded; `file:///C:/x` is `C:/x`), or `None`.
fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest
        .strip_prefix('/')
        .filter(|r| r.get(1..2) == Some(":"))
        .unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let mut iter = rest.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hex = [iter.next()?, iter.next()?];
            let value = u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?;
            bytes.push(value);
        } else {
            bytes.push(b);
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// A line for the client's log (`window/logMessage`), also on stderr.
fn log(connection: &Connection, message: &str) {
    eprintln!("{message}");
    let params = lsp_types::LogMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: message.to_owned(),
    };
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            "window/logMessage".to_owned(),
            params,
        )));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///home/a%20b/plan.exm"),
            Some(PathBuf::from("/home/a b/plan.exm"))
        );
        assert_eq!(
            file_path("file:///C:/plans/plan.exm"),
            Some(PathBuf::from("C:/plans/plan.exm"))
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file:///bad%2"), None);
    }
}
