//! The symbol table: servers, sites, databases and namespaces, with duplicate and undefined
//! names reported (Windows names compare case-insensitively).

use super::Cx;
use crate::diag::suggest;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;
use indexmap::IndexMap;

/// Everything a plan names, in plan order.
pub(super) struct Symbols<'p> {
    pub servers: IndexMap<String, ServerSym<'p>>,
    pub sites: Vec<&'p ast::Site>,
    pub databases: IndexMap<String, &'p ast::Database>,
    pub namespaces: IndexMap<String, &'p ast::Namespace>,
    /// Every name resolved so far: where it was written and the declaration it names.
    uses: std::cell::RefCell<Vec<NameUse>>,
    /// Declarations found after collection, by the analysis of their statements (DAGs).
    declared: std::cell::RefCell<Vec<Definition>>,
}

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameKind {
    /// `server NAME`.
    Server,
    /// `database NAME`.
    Database,
    /// `site "NAME"`.
    Site,
    /// A namespace kind declared in `namespaces { }` (`primary`), named in `names`.
    Namespace,
    /// `dag NAME`, named by its members' `cluster dag NAME`.
    Dag,
}

/// A declared name: a server, database or site, at its declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What it declares.
    pub kind: NameKind,
    /// The name as declared.
    pub name: String,
    /// Where the name is written in its declaration.
    pub span: Span,
}

/// A name written where a declared one is meant, and the declaration it resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameUse {
    /// What it names.
    pub kind: NameKind,
    /// Where the name is written.
    pub span: Span,
    /// The span of the declaration's name.
    pub definition: Span,
}

/// The plan's names, as analysis resolved them: for editors (go to definition, references,
/// rename) and later tools. Uses are in text order, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// Every declared server, database and site, in text order.
    pub definitions: Vec<Definition>,
    /// Every use of a declared name, in text order.
    pub uses: Vec<NameUse>,
}

impl Symbols<'_> {
    /// Records a declaration that analysis of its statement found.
    pub fn define(&self, kind: NameKind, name: &str, span: Span) {
        self.declared.borrow_mut().push(Definition {
            kind,
            name: name.to_owned(),
            span,
        });
    }

    /// Records that `at` names the declaration at `definition`.
    pub fn note(&self, kind: NameKind, at: Span, definition: Span) {
        if at != definition {
            self.uses.borrow_mut().push(NameUse {
                kind,
                span: at,
                definition,
            });
        }
    }

    /// The declarations and every use recorded.
    pub fn into_names(self) -> Names {
        let mut definitions: Vec<Definition> = self
            .servers
            .values()
            .map(|s| Definition {
                kind: NameKind::Server,
                name: s.server.name.node.clone(),
                span: s.server.name.span,
            })
            .chain(self.databases.values().map(|d| Definition {
                kind: NameKind::Database,
                name: d.name.node.clone(),
                span: d.name.span,
            }))
            .chain(self.sites.iter().map(|s| Definition {
                kind: NameKind::Site,
                name: s.name.node.clone(),
                span: s.name.span,
            }))
            .chain(self.namespaces.values().map(|n| Definition {
                kind: NameKind::Namespace,
                name: n.kind.node.clone(),
                span: n.kind.span,
            }))
            .chain(self.declared.into_inner())
            .collect();
        definitions.sort_by_key(|d| d.span.start);
        let mut uses = self.uses.into_inner();
        uses.sort_by_key(|u| (u.span.start, u.span.end));
        uses.dedup();
        Names { definitions, uses }
    }
}

/// A server and the site it is in.
pub(super) struct ServerSym<'p> {
    pub server: &'p ast::Server,
    pub site: &'p ast::Site,
}

/// Namespace kinds a plan may declare.
pub(super) const NAMESPACE_KINDS: &[&str] = &["primary", "autodiscover", "legacy"];

pub(super) fn collect<'p>(cx: &mut Cx<'_>, plan: &'p ast::Plan) -> Symbols<'p> {
    let mut symbols = Symbols {
        servers: IndexMap::new(),
        sites: Vec::new(),
        databases: IndexMap::new(),
        namespaces: IndexMap::new(),
        uses: std::cell::RefCell::new(Vec::new()),
        declared: std::cell::RefCell::new(Vec::new()),
    };
    let mut site_names: IndexMap<String, Span> = IndexMap::new();
    for item in &plan.items {
        match &item.kind {
            ast::ItemKind::Site(site) => {
                unique(cx, &mut site_names, &site.name.node, site.name.span, "site");
                symbols.sites.push(site);
                for server in &site.servers {
                    let key = server.name.to_lowercase();
                    if let Some(first) = symbols.servers.get(&key) {
                        if server.new.is_some() != first.server.new.is_some() {
                            shared_hardware(cx, server, first.server);
                            continue;
                        }
                        duplicate(
                            cx,
                            "server",
                            &server.name.node,
                            server.name.span,
                            first.server.name.span,
                        );
                    } else {
                        symbols.servers.insert(key, ServerSym { server, site });
                    }
                }
            }
            ast::ItemKind::Database(db) => {
                let key = db.name.to_lowercase();
                if let Some(first) = symbols.databases.get(&key) {
                    duplicate(cx, "database", &db.name.node, db.name.span, first.name.span);
                } else {
                    symbols.databases.insert(key, db);
                }
            }
            ast::ItemKind::Namespaces(list) => {
                for ns in list {
                    let key = ns.kind.to_lowercase();
                    if !NAMESPACE_KINDS.contains(&key.as_str()) {
                        let mut d = Diagnostic::new(
                            Code::E0107,
                            ns.kind.span,
                            format!("unknown namespace kind `{}`", ns.kind.node),
                        )
                        .with_label("not a namespace kind");
                        d = d.with_help(suggest::help(&ns.kind, NAMESPACE_KINDS, || {
                            "namespace kinds are `primary`, `autodiscover` and `legacy`".to_owned()
                        }));
                        cx.report(d);
                    } else if let Some(first) = symbols.namespaces.get(&key) {
                        duplicate(
                            cx,
                            "namespace",
                            &ns.kind.node,
                            ns.kind.span,
                            first.kind.span,
                        );
                    } else {
                        symbols.namespaces.insert(key, ns);
                    }
                }
            }
            _ => {}
        }
    }
    symbols
}

fn unique(cx: &mut Cx<'_>, seen: &mut IndexMap<String, Span>, name: &str, span: Span, what: &str) {
    let key = name.to_lowercase();
    if let Some(first) = seen.get(&key) {
        duplicate(cx, what, name, span, *first);
    } else {
        seen.insert(key, span);
    }
}

/// R42: a new server with the name of an existing one would share its hardware (E0321).
fn shared_hardware(cx: &mut Cx<'_>, a: &ast::Server, b: &ast::Server) {
    let (new, old) = if a.new.is_some() { (a, b) } else { (b, a) };
    let version = |s: &ast::Server| {
        s.exchange.as_ref().map_or_else(
            || "Exchange".to_owned(),
            |v| format!("Exchange {}", v.version.node),
        )
    };
    cx.report(
        Diagnostic::new(
            Code::E0321,
            new.name.span,
            format!(
                "new {} server `{}` would share its computer with the {} server of that name",
                version(new),
                new.name.node,
                version(old)
            ),
        )
        .with_label("new server")
        .with_related(old.name.span, "existing server")
        .with_help(
            "install the new version on its own computer with its own name (R42: Exchange 2007 cannot share hardware with Exchange 2003; that computer can be reused only after the old version is removed from it, in a later plan)",
        ),
    );
}

/// Reports E0201 for a name defined twice.
pub(super) fn duplicate(cx: &mut Cx<'_>, what: &str, name: &str, span: Span, first: Span) {
    cx.report(
        Diagnostic::new(
            Code::E0201,
            span,
            format!("{what} `{name}` is defined twice"),
        )
        .with_label("defined again here")
        .with_related(first, "first defined here")
        .with_help(format!(
            "give each {what} its own name, or remove one of them"
        )),
    );
}

impl<'p> Symbols<'p> {
    /// The server named `name`, or E0202 with a suggestion.
    pub fn server(&self, cx: &mut Cx<'_>, name: &ast::Text) -> Option<&ServerSym<'p>> {
        if let Some(sym) = self.servers.get(&name.to_lowercase()) {
            self.note(NameKind::Server, name.span, sym.server.name.span);
            return Some(sym);
        }
        let names: Vec<&str> = self
            .servers
            .values()
            .map(|s| s.server.name.node.as_str())
            .collect();
        let mut d = Diagnostic::new(
            Code::E0202,
            name.span,
            format!("undefined server `{}`", name.node),
        )
        .with_label("no server of this name is declared");
        d = d.with_help(suggest::help(&name.node, &names, || {
            "declare it in a `site` block: `server NAME { exchange ...; roles ... }`".to_owned()
        }));
        cx.report(d);
        None
    }

    /// The database named `name`, or E0203 with a suggestion.
    pub fn database(&self, cx: &mut Cx<'_>, name: &ast::Text) -> Option<&'p ast::Database> {
        if let Some(db) = self.databases.get(&name.to_lowercase()) {
            self.note(NameKind::Database, name.span, db.name.span);
            return Some(db);
        }
        let names: Vec<&str> = self
            .databases
            .values()
            .map(|d| d.name.node.as_str())
            .collect();
        let mut d = Diagnostic::new(
            Code::E0203,
            name.span,
            format!("undefined database `{}`", name.node),
        )
        .with_label("no database of this name is declared");
        d = d.with_help(suggest::help(&name.node, &names, || {
            "declare it: `database NAME on SERVER { edb \"...\"; logs \"...\" }`".to_owned()
        }));
        cx.report(d);
        None
    }

    /// The host of a declared namespace kind.
    pub fn namespace(&self, kind: &str) -> Option<&'p ast::Namespace> {
        self.namespaces.get(kind).copied()
    }
}
