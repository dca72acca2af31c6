//! The requests about open plans: each feature's reply, from a document's text and the analysis
//! of its last check. [`Opened`] is what every request about one document starts from.

use super::position::{Encoding, LineIndex};
use super::{
    Document, commands, completion, file_path, formatting, hover, lens, navigation, outline, tokens,
};
use crate::syntax::outline::Node;
use lsp_server::{ErrorCode, Request, RequestId, Response};
use lsp_types::{Location, Uri};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The requests about one open document.
const ABOUT_A_DOCUMENT: &[&str] = &[
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/completion",
    "textDocument/semanticTokens/full",
    "textDocument/selectionRange",
    "textDocument/codeLens",
    "textDocument/documentLink",
    "textDocument/hover",
    "textDocument/formatting",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
];

/// The open document a request names, with what most replies need of it.
struct Opened<'d> {
    uri: &'d str,
    doc: &'d Document,
    text: &'d str,
    index: LineIndex<'d>,
    encoding: Encoding,
}

impl<'d> Opened<'d> {
    /// The document `request` names, or the InvalidParams reply when it is not open.
    fn new(
        request: &Request,
        documents: &'d BTreeMap<String, Document>,
        encoding: Encoding,
    ) -> Result<Opened<'d>, Response> {
        let (uri, doc) = request.params["textDocument"]["uri"]
            .as_str()
            .and_then(|uri| documents.get_key_value(uri))
            .ok_or_else(|| invalid(request.id.clone(), "the document is not open"))?;
        Ok(Opened {
            uri,
            doc,
            text: &doc.text,
            index: LineIndex::new(&doc.text),
            encoding,
        })
    }

    /// Its statements as written (none while they cannot be read).
    fn nodes(&self) -> Option<Vec<Node>> {
        crate::syntax::outline::outline(self.text)
    }

    /// The byte offset of the position `request` names.
    fn at(&self, request: &Request) -> Option<usize> {
        let position = serde_json::from_value(request.params["position"].clone()).ok()?;
        self.index.offset(position, self.encoding)
    }

    fn range(&self, span: crate::source::Span) -> lsp_types::Range {
        self.index.range(span, self.encoding)
    }
}

fn invalid(id: RequestId, message: &str) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, message.to_owned())
}

/// The answer to a request other than `shutdown` and `workspace/executeCommand`.
pub(super) fn handle_request(
    request: &Request,
    documents: &BTreeMap<String, Document>,
    encoding: Encoding,
    snippets: bool,
) -> Response {
    let id = request.id.clone();
    let method = request.method.as_str();
    match method {
        "textDocument/codeAction" => return commands::code_actions(request, documents),
        "workspace/symbol" => return workspace_symbols(request, documents, encoding),
        _ if !ABOUT_A_DOCUMENT.contains(&method) => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("exgen lsp does not handle `{method}`"),
            );
        }
        _ => {}
    }
    let plan = match Opened::new(request, documents, encoding) {
        Ok(plan) => plan,
        Err(refused) => return refused,
    };
    match method {
        "textDocument/documentSymbol" => {
            let nodes = plan.nodes().unwrap_or_default();
            Response::new_ok(id, outline::symbols(&nodes, &plan.index, encoding, true))
        }
        "textDocument/foldingRange" => {
            let nodes = plan.nodes().unwrap_or_default();
            Response::new_ok(id, outline::folding_ranges(&nodes, &plan.index, encoding))
        }
        "textDocument/completion" => {
            let Some(at) = plan.at(request) else {
                return Response::new_ok(id, Vec::<lsp_types::CompletionItem>::new());
            };
            let nodes = plan.nodes();
            let names = plan.doc.names(plan.uri);
            let items = completion::items(plan.text, at, nodes.as_deref(), &names, snippets);
            Response::new_ok(id, items)
        }
        "textDocument/semanticTokens/full" => {
            let names = plan.doc.names(plan.uri);
            let found = tokens::tokens(plan.text, &names);
            let data = tokens::encode(&found, &plan.index, encoding);
            Response::new_ok(
                id,
                lsp_types::SemanticTokens {
                    result_id: None,
                    data,
                },
            )
        }
        "textDocument/selectionRange" => {
            let nodes = plan.nodes().unwrap_or_default();
            let positions: Vec<lsp_types::Position> =
                serde_json::from_value(request.params["positions"].clone()).unwrap_or_default();
            let ranges: Vec<lsp_types::SelectionRange> = positions
                .into_iter()
                .map(|p| {
                    let at = plan.index.offset(p, encoding).unwrap_or(plan.text.len());
                    outline::selection(&nodes, plan.text, at, &plan.index, encoding)
                })
                .collect();
            Response::new_ok(id, ranges)
        }
        "textDocument/codeLens" => {
            let nodes = plan.nodes().unwrap_or_default();
            let lenses = plan.doc.with_analysis(plan.uri, |a| {
                a.steps()
                    .map(|steps| lens::lenses(&nodes, steps, plan.uri, &plan.index, encoding))
                    .unwrap_or_default()
            });
            Response::new_ok(id, lenses)
        }
        "textDocument/documentLink" => {
            let nodes = plan.nodes().unwrap_or_default();
            let links = file_path(plan.uri)
                .and_then(|p| p.parent().map(PathBuf::from))
                .map(|folder| lens::file_links(&nodes, plan.text, &folder, &plan.index, encoding))
                .unwrap_or_default();
            Response::new_ok(id, links)
        }
        "textDocument/hover" => hover(request, &plan),
        "textDocument/formatting" => formatting::reply(id, plan.text, encoding),
        "textDocument/prepareRename" | "textDocument/rename" => rename(request, &plan),
        _ => navigate(request, &plan),
    }
}

/// `textDocument/hover`: Markdown for the keyword, name or statement at the position.
fn hover(request: &Request, plan: &Opened<'_>) -> Response {
    let id = request.id.clone();
    let Some(at) = plan.at(request) else {
        return Response::new_ok(id, serde_json::Value::Null);
    };
    let nodes = plan.nodes();
    let found = plan.doc.with_analysis(plan.uri, |a| {
        let cx = hover::Context {
            text: plan.text,
            outline: nodes.as_deref(),
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
                range: Some(plan.range(span)),
            },
        ),
        None => Response::new_ok(id, serde_json::Value::Null),
    }
}

/// `definition`, `references` and `documentHighlight` of the name at the position.
fn navigate(request: &Request, plan: &Opened<'_>) -> Response {
    let id = request.id.clone();
    if request.params["position"].is_null() {
        return invalid(id, "no position");
    }
    let names = plan.doc.names(plan.uri);
    let spans = plan
        .at(request)
        .and_then(|at| navigation::same_name(&names, at));
    let (Some((definition, uses)), Ok(uri)) = (spans, plan.uri.parse::<Uri>()) else {
        return Response::new_ok(id, serde_json::Value::Null);
    };
    let location = |s| Location::new(uri.clone(), plan.range(s));
    match request.method.as_str() {
        "textDocument/definition" => Response::new_ok(id, location(definition)),
        "textDocument/references" => {
            let declaration = request.params["context"]["includeDeclaration"]
                .as_bool()
                .unwrap_or(true);
            let locations: Vec<Location> = declaration
                .then_some(definition)
                .into_iter()
                .chain(uses)
                .map(location)
                .collect();
            Response::new_ok(id, locations)
        }
        _ => {
            let highlights: Vec<lsp_types::DocumentHighlight> = std::iter::once((definition, true))
                .chain(uses.into_iter().map(|s| (s, false)))
                .map(|(s, write)| lsp_types::DocumentHighlight {
                    range: plan.range(s),
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

/// `prepareRename` (the range of a renamable name at the position) and `rename` (an edit of
/// the declaration and every use), refusing keywords, site names, a new name that is not a
/// name or one that another declaration has.
fn rename(request: &Request, plan: &Opened<'_>) -> Response {
    let id = request.id.clone();
    if request.params["position"].is_null() {
        return invalid(id, "no position");
    }
    let names = plan.doc.names(plan.uri);
    let at = plan.at(request);
    let Some(target) = at.and_then(|at| navigation::renamable(&names, at)) else {
        return invalid(
            id,
            "only the name of a server, database or DAG can be renamed here",
        );
    };
    if request.method == "textDocument/prepareRename" {
        // The name under the cursor, which the editor lets the user retype.
        let here = at.and_then(|at| navigation::span_at(&names, at));
        return Response::new_ok(id, plan.range(here.unwrap_or(target.span)));
    }
    let Some(new) = request.params["newName"].as_str() else {
        return invalid(id, "no new name");
    };
    if let Some(why) = navigation::refuse_rename(&names, target, new) {
        return invalid(id, &why);
    }
    let Ok(uri) = plan.uri.parse::<Uri>() else {
        return invalid(id, "not a URI");
    };
    let edits: Vec<lsp_types::TextEdit> = std::iter::once(target.span)
        .chain(
            names
                .uses
                .iter()
                .filter(|u| u.definition == target.span)
                .map(|u| u.span),
        )
        .map(|s| lsp_types::TextEdit::new(plan.range(s), new.to_owned()))
        .collect();
    // lsp_types' WorkspaceEdit is keyed by its Uri type, whose parsed form caches data.
    #[allow(clippy::mutable_key_type)]
    let mut changes = std::collections::HashMap::new();
    changes.insert(uri, edits);
    Response::new_ok(id, lsp_types::WorkspaceEdit::new(changes))
}

/// `workspace/symbol`: the declared names of every open plan that hold the query.
fn workspace_symbols(
    request: &Request,
    documents: &BTreeMap<String, Document>,
    encoding: Encoding,
) -> Response {
    use crate::analyze::NameKind;
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
        let container =
            file_path(uri).and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        for d in names
            .definitions
            .iter()
            .filter(|d| d.name.to_lowercase().contains(&query))
        {
            #[allow(deprecated)] // `SymbolInformation::deprecated` must still be written.
            found.push(lsp_types::SymbolInformation {
                name: d.name.clone(),
                kind: match d.kind {
                    NameKind::Server => lsp_types::SymbolKind::OBJECT,
                    NameKind::Database => lsp_types::SymbolKind::STRUCT,
                    NameKind::Site => lsp_types::SymbolKind::NAMESPACE,
                    NameKind::Namespace => lsp_types::SymbolKind::CONSTANT,
                    NameKind::Dag => lsp_types::SymbolKind::INTERFACE,
                },
                tags: None,
                deprecated: None,
                location: Location::new(lsp_uri.clone(), index.range(d.span, encoding)),
                container_name: container.clone(),
            });
        }
    }
    Response::new_ok(request.id.clone(), found)
}
