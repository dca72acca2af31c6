//! `exgen lsp`: a language server over stdio, above the compiler stages. It re-checks a whole
//! plan on every change (plans are small, the compiler is fast) with the same library call as
//! `exgen check`, so the diagnostics an editor shows are the ones the command line prints.
//!
//! This first part is the lifecycle and live diagnostics: initialize with a negotiated position
//! encoding, full text sync, bursts of changes coalesced (only the last version of a document is
//! checked), unknown requests answered with MethodNotFound, a panic in a handler turned into an
//! error reply or a log line, a bad frame skipped (`transport`), shutdown and exit with the exit
//! code the LSP specifies.

mod actions;
mod completion;
mod formatting;
mod hover;
mod lens;
mod navigation;
mod outline;
mod position;
mod reference;
mod tokens;
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
    /// What the last check of this text found (kept from publishing diagnostics, so requests
    /// do not check the same text again).
    analysis: Option<Analysis>,
}

/// What a check of one version of a document found, beyond its diagnostics.
struct Analysis {
    /// The names it resolved.
    names: crate::analyze::Names,
    /// The checked plan, when it has no errors.
    checked: Option<crate::ir::Checked>,
    /// Its lowering with each step's text, made on first use (hover, code lens).
    lowered: std::cell::OnceCell<Option<crate::lower::Lowered>>,
}

impl Analysis {
    fn new(checked: Option<crate::ir::Checked>, names: crate::analyze::Names) -> Analysis {
        Analysis {
            names,
            checked,
            lowered: std::cell::OnceCell::new(),
        }
    }

    /// Where each step's text lands, when the plan checks and lowers.
    fn steps(&self) -> Option<&[crate::lower::StepOutput]> {
        self.lowered
            .get_or_init(|| {
                self.checked
                    .as_ref()
                    .and_then(|c| crate::generate_mapped(c).ok())
            })
            .as_ref()
            .map(|l| l.steps.as_slice())
    }
}

impl Document {
    /// The names of the current text: those of its last check, or a check now.
    fn names(&self, uri: &str) -> std::borrow::Cow<'_, crate::analyze::Names> {
        match (&self.analysis, self.dirty) {
            (Some(a), false) => std::borrow::Cow::Borrowed(&a.names),
            _ => std::borrow::Cow::Owned(check(uri, &self.text).2),
        }
    }

    /// `f` of the analysis of the current text: that of its last check, or a check now.
    fn with_analysis<R>(&self, uri: &str, f: impl FnOnce(&Analysis) -> R) -> R {
        match (&self.analysis, self.dirty) {
            (Some(a), false) => f(a),
            _ => {
                let (checked, _, names) = check(uri, &self.text);
                f(&Analysis::new(checked, names))
            }
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
    #[allow(deprecated)] // `root_uri` is what older clients send.
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first().map(|f| f.uri.as_str().to_owned()))
        .or_else(|| params.root_uri.as_ref().map(|u| u.as_str().to_owned()));
    if let Some(folder) = root.as_deref().and_then(file_path) {
        let _ = WORKSPACE.set(folder);
    }
    let snippets = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    let show_document = params
        .capabilities
        .window
        .as_ref()
        .and_then(|w| w.show_document.as_ref())
        .is_some_and(|s| s.support);
    let capabilities = ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned()]),
            ..lsp_types::CompletionOptions::default()
        }),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        document_highlight_provider: Some(lsp_types::OneOf::Left(true)),
        rename_provider: Some(lsp_types::OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        semantic_tokens_provider: Some(
            lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp_types::SemanticTokensOptions {
                    legend: tokens::legend(),
                    full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..lsp_types::SemanticTokensOptions::default()
                },
            ),
        ),
        selection_range_provider: Some(lsp_types::SelectionRangeProviderCapability::Simple(true)),
        workspace_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        code_lens_provider: Some(lsp_types::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_link_provider: Some(lsp_types::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        }),
        execute_command_provider: Some(lsp_types::ExecuteCommandOptions {
            commands: vec![EXPLAIN.to_owned(), lens::OPEN_SCRIPT.to_owned()],
            ..lsp_types::ExecuteCommandOptions::default()
        }),
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
    // CSV files the plans name: the client reports their changes, and the plans are checked
    // again (a client that cannot watch files gets fresh CSV diagnostics on each change).
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    if watch {
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/*.{csv,CSV}".to_owned()),
                kind: None,
            }],
        };
        connection.sender.send(Message::Request(Request::new(
            lsp_server::RequestId::from("watch-csv".to_owned()),
            "client/registerCapability".to_owned(),
            lsp_types::RegistrationParams {
                registrations: vec![lsp_types::Registration {
                    id: "exgen-csv".to_owned(),
                    method: "workspace/didChangeWatchedFiles".to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            },
        )))?;
    }
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
                    if method == "workspace/executeCommand" {
                        execute_command(connection, &request, show_document)
                    } else {
                        handle_request(&request, &documents, encoding, snippets)
                    }
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
                let mut closed = Vec::new();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    notify(&mut documents, notification, &mut closed);
                }));
                if outcome.is_err() {
                    log(
                        connection,
                        &format!("exgen lsp: the {method} handler failed"),
                    );
                }
                // A closed plan's problems leave the client's list with it.
                for uri in closed {
                    let params = PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    };
                    connection
                        .sender
                        .send(Message::Notification(Notification::new(
                            "textDocument/publishDiagnostics".to_owned(),
                            params,
                        )))?;
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
    snippets: bool,
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
            Response::new_ok(
                id,
                completion::items(text, at, outline.as_deref(), &names, snippets),
            )
        }
        "textDocument/codeAction" => code_actions(request, documents),
        "textDocument/semanticTokens/full" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let index = LineIndex::new(&doc.text);
            let names = doc.names(uri);
            let found = tokens::tokens(&doc.text, &names);
            Response::new_ok(
                id,
                lsp_types::SemanticTokens {
                    result_id: None,
                    data: tokens::encode(&found, &index, encoding),
                },
            )
        }
        "textDocument/selectionRange" => {
            let (_, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let index = LineIndex::new(text);
            let nodes = crate::syntax::outline::outline(text).unwrap_or_default();
            let positions: Vec<lsp_types::Position> =
                serde_json::from_value(request.params["positions"].clone()).unwrap_or_default();
            let ranges: Vec<lsp_types::SelectionRange> = positions
                .into_iter()
                .map(|p| {
                    let at = index.offset(p, encoding).unwrap_or(text.len());
                    outline::selection(&nodes, text, at, &index, encoding)
                })
                .collect();
            Response::new_ok(id, ranges)
        }
        "workspace/symbol" => {
            let query = request.params["query"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            let mut found = Vec::new();
            for (uri, doc) in documents {
                let Ok(lsp_uri) = uri.parse::<Uri>() else {
                    continue;
                };
                let names = doc.names(uri);
                let index = LineIndex::new(&doc.text);
                for d in names
                    .definitions
                    .iter()
                    .filter(|d| d.name.to_lowercase().contains(&query))
                {
                    #[allow(deprecated)] // `SymbolInformation::deprecated` must still be written.
                    found.push(lsp_types::SymbolInformation {
                        name: d.name.clone(),
                        kind: match d.kind {
                            crate::analyze::NameKind::Server => lsp_types::SymbolKind::OBJECT,
                            crate::analyze::NameKind::Database => lsp_types::SymbolKind::STRUCT,
                            crate::analyze::NameKind::Site => lsp_types::SymbolKind::NAMESPACE,
                            crate::analyze::NameKind::Namespace => lsp_types::SymbolKind::CONSTANT,
                            crate::analyze::NameKind::Dag => lsp_types::SymbolKind::INTERFACE,
                        },
                        tags: None,
                        deprecated: None,
                        location: Location::new(lsp_uri.clone(), index.range(d.span, encoding)),
                        container_name: file_path(uri)
                            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
                    });
                }
            }
            Response::new_ok(id, found)
        }
        "textDocument/codeLens" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let index = LineIndex::new(text);
            let nodes = crate::syntax::outline::outline(text).unwrap_or_default();
            let lenses = doc.with_analysis(uri, |a| {
                a.steps()
                    .map(|steps| lens::lenses(&nodes, steps, uri, &index, encoding))
                    .unwrap_or_default()
            });
            Response::new_ok(id, lenses)
        }
        "textDocument/documentLink" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let index = LineIndex::new(text);
            let nodes = crate::syntax::outline::outline(text).unwrap_or_default();
            let links = file_path(uri)
                .and_then(|p| p.parent().map(PathBuf::from))
                .map(|folder| lens::csv_links(&nodes, text, &folder, &index, encoding))
                .unwrap_or_default();
            Response::new_ok(id, links)
        }
        "textDocument/hover" => {
            let (uri, doc) = match open() {
                Ok(found) => found,
                Err(refused) => return refused,
            };
            let text = doc.text.as_str();
            let index = LineIndex::new(text);
            let Some(at) = position_of(request).and_then(|p| index.offset(p, encoding)) else {
                return Response::new_ok(id, serde_json::Value::Null);
            };
            let outline = crate::syntax::outline::outline(text);
            let found = doc.with_analysis(uri, |a| {
                let cx = hover::Context {
                    text,
                    outline: outline.as_deref(),
                    names: &a.names,
                    checked: a.checked.as_ref(),
                    steps: a.steps(),
                };
                hover::hover(&cx, at)
            });
            match found {
                Some((markdown, span)) => Response::new_ok(
                    id,
                    lsp_types::Hover {
                        contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                            kind: lsp_types::MarkupKind::Markdown,
                            value: markdown,
                        }),
                        range: Some(index.range(span, encoding)),
                    },
                ),
                None => Response::new_ok(id, serde_json::Value::Null),
            }
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
            "only the name of a server, database or DAG can be renamed here".to_owned(),
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

/// Keeps the open documents current; the documents closed are added to `closed`, whose
/// diagnostics the client should no longer show.
fn notify(
    documents: &mut BTreeMap<String, Document>,
    notification: Notification,
    closed: &mut Vec<Uri>,
) {
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
                    analysis: None,
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
                doc.analysis = None;
            }
        }
        // A CSV file a plan names changed: check every open plan again.
        "workspace/didChangeWatchedFiles" => {
            for doc in documents.values_mut() {
                doc.dirty = true;
                doc.analysis = None;
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) =
                serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                && documents.remove(p.text_document.uri.as_str()).is_some()
            {
                closed.push(p.text_document.uri);
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
        let checked = catch_unwind(AssertUnwindSafe(|| {
            diagnostics(uri, &doc.text, doc.version, encoding)
        }));
        let Ok((diagnostics, analysis)) = checked else {
            log(connection, &format!("exgen lsp: checking {uri} failed"));
            continue;
        };
        doc.analysis = Some(analysis);
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

/// What `exgen check` reports for `text`, as LSP diagnostics, and what else it found.
fn diagnostics(
    uri: &str,
    text: &str,
    version: i32,
    encoding: Encoding,
) -> (Vec<Diagnostic>, Analysis) {
    let (checked, found, names) = check(uri, text);
    let index = LineIndex::new(text);
    let range = |s| index.range(s, encoding);
    let diagnostics = found
        .iter()
        .map(|d| convert(d, uri, text, version, &range))
        .collect();
    (diagnostics, Analysis::new(checked, names))
}

/// `exgen check` of `text`: the checked plan when it has no errors, the diagnostics and the
/// names it resolved. CSV files the plan names are read relative to the document's folder when
/// its URI is a file.
fn check(
    uri: &str,
    text: &str,
) -> (
    Option<crate::ir::Checked>,
    crate::diag::Diagnostics,
    crate::analyze::Names,
) {
    let path = file_path(uri);
    let name = path.as_ref().and_then(|p| p.file_name()).map_or_else(
        || "plan.exm".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    // A document that is not a file (`untitled:`) reads the files it names relative to the
    // workspace's folder, when the client gave one.
    let folder = path
        .as_ref()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .or_else(|| WORKSPACE.get().cloned())
        .unwrap_or_default();
    // As `exgen check` reads a file: a byte order mark is not part of the plan (three spaces
    // in its place keep every offset the same), and a NUL byte means it is not text (E0104).
    let plan_text: std::borrow::Cow<'_, str> = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => format!("   {rest}").into(),
        None => text.into(),
    };
    let (file, not_text) = SourceFile::from_bytes(name, plan_text.as_bytes());
    if let Some(diagnostic) = not_text {
        return (None, diagnostic.into(), crate::analyze::Names::default());
    }
    let loader = crate::files::PlanLoader { folder };
    crate::check_full(&file, &loader, &mut crate::Timings::default())
}

/// The workspace's folder, from `initialize` (`workspaceFolders`, else `rootUri`).
static WORKSPACE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// An exgen diagnostic as the LSP's: the code with a link to its explanation, the help line
/// after the message, secondary spans as related information, and the quick fixes it knows in
/// `data` (so `codeAction` needs no second check).
fn convert(
    d: &ExgenDiagnostic,
    uri: &str,
    text: &str,
    version: i32,
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
        code_description: actions::explanation_file(d.code)
            .and_then(|p| actions::file_uri(&p).parse::<Uri>().ok())
            .map(|href| lsp_types::CodeDescription { href }),
        source: Some("exgen".to_owned()),
        message,
        related_information: related.filter(|r| !r.is_empty()),
        data: {
            let fixes: Vec<serde_json::Value> = actions::edits(d, text)
                .into_iter()
                .map(|e| {
                    serde_json::json!({
                        "title": e.title,
                        "edit": lsp_types::TextEdit::new(range(e.span), e.text),
                    })
                })
                .collect();
            // The version the fixes' ranges belong to: a code action for another is stale.
            (!fixes.is_empty()).then(|| serde_json::json!({ "version": version, "fixes": fixes }))
        },
        ..Diagnostic::default()
    }
}

/// `textDocument/codeAction`: for each diagnostic of the request's context, its quick fixes
/// (kept in its `data` when it was published) and "Explain" (the `exgen.explain` command).
fn code_actions(request: &Request, documents: &BTreeMap<String, Document>) -> Response {
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
fn open_script(connection: &Connection, request: &Request, show_document: bool) -> Response {
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
            let params = lsp_types::ShowDocumentParams {
                uri,
                external: Some(false),
                take_focus: Some(true),
                selection: Some(Range::new(at, at)),
            };
            let _ = connection.sender.send(Message::Request(Request::new(
                lsp_server::RequestId::from(format!("open-{file}-{line}")),
                "window/showDocument".to_owned(),
                params,
            )));
        }
        _ => {
            let message = match script {
                Some(path) => format!("{file} is at {}, line {line}", path.display()),
                None => format!(
                    "{file} is not written yet: run `exgen compile` on this plan, then open it again"
                ),
            };
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
    }
    Response::new_ok(request.id.clone(), serde_json::Value::Null)
}

/// The command that opens a code's explanation.
const EXPLAIN: &str = "exgen.explain";

/// `workspace/executeCommand` of `exgen.explain`: asks the client to open the code's
/// explanation (`window/showDocument`), or shows its first line and where to read the rest
/// when the client cannot open documents or the file cannot be written.
fn execute_command(connection: &Connection, request: &Request, show_document: bool) -> Response {
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
            let params = lsp_types::ShowDocumentParams {
                uri,
                external: Some(false),
                take_focus: Some(true),
                selection: None,
            };
            connection
                .sender
                .send(Message::Request(Request::new(
                    lsp_server::RequestId::from(format!("explain-{}", code.as_str())),
                    "window/showDocument".to_owned(),
                    params,
                )))
                .is_ok()
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
    Response::new_ok(id, serde_json::Value::Null)
}

/// The local path of a `file:` URI (percent-decoded; `file:///C:/x` is `C:/x`), or `None`.
fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://localhost/x` is `file:///x`; another host is a UNC path (`//server/share/x`).
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let unc = !rest.starts_with('/');
    let mut bytes = Vec::with_capacity(rest.len() + 2);
    if unc {
        bytes.extend_from_slice(b"//");
    }
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
    let path = String::from_utf8(bytes).ok()?;
    // `/C:/x` (VS Code writes `file:///c%3A/x`) is the Windows path `C:/x`.
    let path = match path.strip_prefix('/') {
        Some(rest) if rest.get(1..2) == Some(":") && rest.as_bytes()[0].is_ascii_alphabetic() => {
            rest.to_owned()
        }
        _ => path,
    };
    Some(PathBuf::from(path))
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

/// Runs every position-based feature on `text` at each byte of `offsets` (clamped to a
/// character boundary) as the server would, and checks what each returns: spans inside the
/// text, tokens in order and apart, selection ranges nested, quick fixes on character
/// boundaries, formatting idempotent. For the `editor` fuzz target and its test; panics on a
/// broken invariant.
#[doc(hidden)]
pub fn exercise(text: &str, offsets: &[usize]) {
    let (checked, found, names) = check("untitled:fuzz", text);
    let analysis = Analysis::new(checked, names);
    let nodes = crate::syntax::outline::outline(text);
    let cx = hover::Context {
        text,
        outline: nodes.as_deref(),
        names: &analysis.names,
        checked: analysis.checked.as_ref(),
        steps: analysis.steps(),
    };
    let index = LineIndex::new(text);
    for &offset in offsets {
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        exercise_at(&cx, at, &index);
    }
    let tokens = tokens::tokens(text, &analysis.names);
    for pair in tokens.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start, "{pair:?}");
    }
    assert!(
        tokens
            .iter()
            .all(|t| inside(text, t.span) && t.span.start < t.span.end)
    );
    let _ = tokens::encode(&tokens, &index, Encoding::Utf16);
    for d in found.iter() {
        for edit in actions::edits(d, text) {
            assert!(inside(text, edit.span), "{edit:?}");
        }
    }
    if let Ok(formatted) = crate::syntax::format(text) {
        assert_eq!(
            crate::syntax::format(&formatted).ok().as_deref(),
            Some(formatted.as_str()),
            "formatting is idempotent"
        );
    }
}

/// Whether `span` lies in `text`, on character boundaries.
fn inside(text: &str, s: crate::source::Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

/// [`exercise`] at one position.
fn exercise_at(cx: &hover::Context<'_>, at: usize, index: &LineIndex<'_>) {
    if let Some((_, span)) = hover::hover(cx, at) {
        assert!(inside(cx.text, span), "hover span {span:?}");
    }
    let _ = completion::items(cx.text, at, cx.outline, cx.names, true);
    for encoding in [Encoding::Utf8, Encoding::Utf16] {
        let mut range = Some(outline::selection(
            cx.outline.unwrap_or_default(),
            cx.text,
            at,
            index,
            encoding,
        ));
        while let Some(r) = range {
            if let Some(parent) = &r.parent {
                let (inner, outer) = (r.range, parent.range);
                assert!(
                    outer.start <= inner.start && inner.end <= outer.end,
                    "{r:?}"
                );
            }
            range = r.parent.map(|p| *p);
        }
    }
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
        assert_eq!(
            file_path("file:///c%3A/plans/plan.exm"),
            Some(PathBuf::from("c:/plans/plan.exm"))
        );
        assert_eq!(
            file_path("file://localhost/srv/plan.exm"),
            Some(PathBuf::from("/srv/plan.exm"))
        );
        assert_eq!(
            file_path("file://server/share/plan.exm"),
            Some(PathBuf::from("//server/share/plan.exm"))
        );
        assert_eq!(file_path("file:///bad%2"), None);
    }
}
