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
mod commands;
mod completion;
mod exercise;
mod formatting;
mod hover;
mod lens;
mod navigation;
mod outline;
mod position;
mod reference;
mod requests;
mod tokens;
mod transport;

pub use exercise::exercise;

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
    /// The diagnostics its last check found in it (what is published for its URI, with those
    /// the plans that include it found there).
    own: Vec<Diagnostic>,
}

/// The diagnostics each open plan found in the files it includes: by the included file's URI,
/// then by the plan's. They are published for the included file's URI, merged with that
/// file's own when it is open, so a file two plans include shows what each found.
#[derive(Default)]
struct Elsewhere(BTreeMap<String, BTreeMap<String, Vec<Diagnostic>>>);

impl Elsewhere {
    /// Replaces what `plan` found in other files by `found`; the URIs whose list changed.
    fn replace(&mut self, plan: &str, found: BTreeMap<String, Vec<Diagnostic>>) -> Vec<String> {
        let mut touched = Vec::new();
        for (uri, by_plan) in &mut self.0 {
            if by_plan.remove(plan).is_some() {
                touched.push(uri.clone());
            }
        }
        for (uri, list) in found {
            if !touched.contains(&uri) {
                touched.push(uri.clone());
            }
            self.0.entry(uri).or_default().insert(plan.to_owned(), list);
        }
        self.0.retain(|_, by_plan| !by_plan.is_empty());
        touched
    }

    /// What the plans found in the file at `uri`.
    fn found_in(&self, uri: &str) -> impl Iterator<Item = &Diagnostic> {
        self.0
            .get(uri)
            .into_iter()
            .flat_map(|m| m.values().flatten())
    }
}

/// Publishes for `uri` the diagnostics of the open document there and those the plans found
/// in it.
fn publish(
    connection: &Connection,
    documents: &BTreeMap<String, Document>,
    elsewhere: &Elsewhere,
    uri: &str,
) -> anyhow::Result<()> {
    let Ok(parsed) = uri.parse::<Uri>() else {
        return Ok(());
    };
    let doc = documents.get(uri);
    let mut diagnostics: Vec<Diagnostic> = doc.map(|d| d.own.clone()).unwrap_or_default();
    // A syntax error of an included file open on its own is found by its check and by the
    // plan's: shown once.
    for found in elsewhere.found_in(uri) {
        let same = |d: &Diagnostic| {
            d.range == found.range && d.code == found.code && d.message == found.message
        };
        if !diagnostics.iter().any(same) {
            diagnostics.push(found.clone());
        }
    }
    let params = PublishDiagnosticsParams {
        uri: parsed,
        diagnostics,
        version: doc.map(|d| d.version),
    };
    connection
        .sender
        .send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".to_owned(),
            params,
        )))?;
    Ok(())
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
            commands: vec![commands::EXPLAIN.to_owned(), lens::OPEN_SCRIPT.to_owned()],
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
    // CSV files the plans name and the files they include: the client reports their changes
    // (an included file is read from disk, so its saves), and the plans are checked again (a
    // client that cannot watch files gets fresh diagnostics on each change).
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
                glob_pattern: lsp_types::GlobPattern::String("**/*.{csv,CSV,exm,EXM}".to_owned()),
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
    let mut elsewhere = Elsewhere::default();
    loop {
        // Take every message already queued before checking: a burst of changes is checked
        // once, at its last version.
        let message = if documents.values().any(|d| d.dirty) {
            match connection.receiver.try_recv() {
                Ok(message) => message,
                Err(_) => {
                    publish_dirty(connection, &mut documents, &mut elsewhere, encoding)?;
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
                        commands::execute_command(connection, &request, show_document)
                    } else {
                        requests::handle_request(&request, &documents, encoding, snippets)
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
                // A closed plan's problems leave the client's list with it, and those it found
                // in the files it includes; what other plans found in it stay.
                for uri in closed {
                    let uri = uri.as_str().to_owned();
                    for touched in elsewhere.replace(&uri, BTreeMap::new()) {
                        publish(connection, &documents, &elsewhere, &touched)?;
                    }
                    publish(connection, &documents, &elsewhere, &uri)?;
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
                    own: Vec::new(),
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
        // A CSV file a plan names, or a file it includes, changed: check every open plan again.
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

/// Checks every changed document and publishes its diagnostics, and again those of each file
/// whose diagnostics from the plans that include it changed.
fn publish_dirty(
    connection: &Connection,
    documents: &mut BTreeMap<String, Document>,
    elsewhere: &mut Elsewhere,
    encoding: Encoding,
) -> anyhow::Result<()> {
    let dirty: Vec<String> = documents
        .iter()
        .filter(|(_, d)| d.dirty)
        .map(|(uri, _)| uri.clone())
        .collect();
    for uri in dirty {
        let Some(doc) = documents.get_mut(&uri) else {
            continue;
        };
        doc.dirty = false;
        let checked = catch_unwind(AssertUnwindSafe(|| {
            diagnostics(&uri, &doc.text, doc.version, encoding)
        }));
        let Ok((own, found, analysis)) = checked else {
            log(connection, &format!("exgen lsp: checking {uri} failed"));
            continue;
        };
        doc.analysis = Some(analysis);
        doc.own = own;
        // An included file open in the editor is published under the URI the client gave it
        // (which may spell the same path differently, such as `c%3A` for `C:`).
        let found = found
            .into_iter()
            .map(|(target, list)| (opened_as(documents, &target), list))
            .collect();
        let touched = elsewhere.replace(&uri, found);
        publish(connection, documents, elsewhere, &uri)?;
        for other in touched.iter().filter(|t| **t != uri) {
            publish(connection, documents, elsewhere, other)?;
        }
    }
    Ok(())
}

/// The URI of the open document at the path `uri` names, or `uri` when none is open.
fn opened_as(documents: &BTreeMap<String, Document>, uri: &str) -> String {
    let Some(path) = file_path(uri) else {
        return uri.to_owned();
    };
    documents
        .keys()
        .find(|open| file_path(open).is_some_and(|p| p == path))
        .cloned()
        .unwrap_or_else(|| uri.to_owned())
}

/// What `exgen check` reports for `text`, as LSP diagnostics: those in the document, those in
/// the files it includes by their URI, and what else the check found.
///
/// A diagnostic in an included file is published for that file, with the document's `include`
/// that brought it in as related information.
fn diagnostics(
    uri: &str,
    text: &str,
    version: i32,
    encoding: Encoding,
) -> (Vec<Diagnostic>, BTreeMap<String, Vec<Diagnostic>>, Analysis) {
    let (file, checked, found, names) = check_file(uri, text);
    let index = LineIndex::new(text);
    let range = |s| index.range(s, encoding);
    let folder = folder_of(uri);
    let indexes: Vec<LineIndex<'_>> = file
        .included()
        .iter()
        .map(|i| LineIndex::new(i.file.text()))
        .collect();
    let elsewhere = |span: crate::source::Span| -> Option<Located> {
        let located = file.locate(span.start);
        let included = located.included?;
        let at = file
            .included()
            .iter()
            .position(|i| i.base == included.base)?;
        let target = actions::file_uri(&folder.join(included.file.name()));
        let location = Location::new(
            target.parse::<Uri>().ok()?,
            indexes[at].range(located.local(span), encoding),
        );
        Some(Located {
            uri: target,
            location,
            include: include_site(&file, span),
        })
    };
    let mut own = Vec::new();
    let mut in_files: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in found.iter() {
        match convert(d, uri, text, version, &range, &elsewhere) {
            (Some(target), diagnostic) => in_files.entry(target).or_default().push(diagnostic),
            (None, diagnostic) => own.push(diagnostic),
        }
    }
    (own, in_files, Analysis::new(checked, names))
}

/// Where a span in an included file is: its file, its location there, and the `include`
/// statement of the document that brought its file in.
struct Located {
    /// The included file's URI.
    uri: String,
    location: Location,
    /// The document's `include` through which the file was read.
    include: crate::source::Span,
}

/// The `include` statement of the main plan through which the file holding `span` was read.
fn include_site(file: &SourceFile, span: crate::source::Span) -> crate::source::Span {
    let mut at = span;
    // Each step goes to an include statement of an earlier file, so this ends.
    while let Some(included) = file.locate(at.start).included {
        at = included.from;
    }
    at
}

/// The folder a document's included and CSV files are read from: the document's own, else the
/// workspace's.
fn folder_of(uri: &str) -> PathBuf {
    file_path(uri)
        .as_ref()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .or_else(|| WORKSPACE.get().cloned())
        .unwrap_or_default()
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
    let (_, checked, diagnostics, names) = check_file(uri, text);
    (checked, diagnostics, names)
}

/// [`check`], and the plan's source with the files it includes, read from disk relative to
/// the document (where the diagnostics' spans point).
fn check_file(
    uri: &str,
    text: &str,
) -> (
    SourceFile,
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
    let folder = folder_of(uri);
    // As `exgen check` reads a file: a byte order mark is not part of the plan (three spaces
    // in its place keep every offset the same), and a NUL byte means it is not text (E0104).
    let plan_text: std::borrow::Cow<'_, str> = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => format!("   {rest}").into(),
        None => text.into(),
    };
    let (file, not_text) = SourceFile::from_bytes(name, plan_text.as_bytes());
    if let Some(diagnostic) = not_text {
        return (
            file,
            None,
            diagnostic.into(),
            crate::analyze::Names::default(),
        );
    }
    // A file a plan includes (statements without a `plan`) is checked as statements of a plan
    // block; the plan that includes it checks the rest.
    if crate::syntax::is_included_file(file.text()) {
        let diagnostics = crate::syntax::check_included(&file);
        return (file, None, diagnostics, crate::analyze::Names::default());
    }
    let loader = crate::files::PlanLoader { folder };
    let (checked, diagnostics, names) =
        crate::check_full(&file, &loader, &mut crate::Timings::default());
    let names = in_document(names, file.text().len());
    (file, checked, diagnostics, names)
}

/// The names the document's features (navigation, rename, tokens, hover) work on: those whose
/// declaration and every use are in the document itself. A name declared or used in a file
/// the plan includes is left out whole, so no feature computes a position in this document
/// for a span of another file, and a rename never edits one file of a name and not the other.
fn in_document(mut names: crate::analyze::Names, len: usize) -> crate::analyze::Names {
    let inside = |span: crate::source::Span| span.end <= len;
    let shared: std::collections::HashSet<crate::source::Span> = names
        .uses
        .iter()
        .filter(|u| !inside(u.span) || !inside(u.definition))
        .map(|u| u.definition)
        .collect();
    names
        .definitions
        .retain(|d| inside(d.span) && !shared.contains(&d.span));
    names
        .uses
        .retain(|u| inside(u.span) && inside(u.definition) && !shared.contains(&u.definition));
    names
}

/// The workspace's folder, from `initialize` (`workspaceFolders`, else `rootUri`).
static WORKSPACE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// An exgen diagnostic as the LSP's: the code with a link to its explanation, the help line
/// after the message, secondary spans as related information, and the quick fixes it knows in
/// `data` (so `codeAction` needs no second check). `elsewhere` places a span that is in an
/// included file: a diagnostic there is for that file's URI (returned with it), without fixes,
/// and with the document's `include` that read the file as related information.
fn convert(
    d: &ExgenDiagnostic,
    uri: &str,
    text: &str,
    version: i32,
    range: &dyn Fn(crate::source::Span) -> Range,
    elsewhere: &dyn Fn(crate::source::Span) -> Option<Located>,
) -> (Option<String>, Diagnostic) {
    let primary = elsewhere(d.primary.span);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related = uri.parse::<Uri>().ok().map(|uri| {
        let place = |span| {
            elsewhere(span)
                .map_or_else(|| Location::new(uri.clone(), range(span)), |at| at.location)
        };
        let labels = d.related.iter().map(|label| DiagnosticRelatedInformation {
            location: place(label.span),
            message: label.message.clone(),
        });
        let include = primary.as_ref().map(|at| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(at.include)),
            message: "the file is included here".to_owned(),
        });
        labels.chain(include).collect::<Vec<_>>()
    });
    let diagnostic = Diagnostic {
        range: primary
            .as_ref()
            .map_or_else(|| range(d.primary.span), |at| at.location.range),
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
            // Fixes are edits of the document's text: none for a diagnostic in another file.
            let fixes: Vec<serde_json::Value> = if primary.is_some() {
                Vec::new()
            } else {
                actions::edits(d, text)
                    .into_iter()
                    .map(|e| {
                        serde_json::json!({
                            "title": e.title,
                            "edit": lsp_types::TextEdit::new(range(e.span), e.text),
                        })
                    })
                    .collect()
            };
            // The version the fixes' ranges belong to: a code action for another is stale.
            (!fixes.is_empty()).then(|| serde_json::json!({ "version": version, "fixes": fixes }))
        },
        ..Diagnostic::default()
    };
    (primary.map(|at| at.uri), diagnostic)
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
