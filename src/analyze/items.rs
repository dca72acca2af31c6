//! The plan's steps: certificates, client access, mail flow, databases, moves, public
//! folders, validation, decommissioning and manual steps, each checked and turned into IR.

use super::names::{NAMESPACE_KINDS, Symbols};
use super::topology::Topology;
use super::versions::Versions;
use super::{Cx, csv};
use crate::diag::suggest::did_you_mean;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::syntax::ast;

/// A server reference that resolved.
struct Ref<'p> {
    name: String,
    version: String,
    new: bool,
    server: &'p ast::Server,
}

impl Ref<'_> {
    fn has(&self, role: &str) -> bool {
        self.server
            .roles
            .iter()
            .any(|r| r.eq_ignore_ascii_case(role))
    }
}

struct Builder<'p, 's, 'v> {
    symbols: &'s Symbols<'p>,
    versions: &'s Versions<'v>,
}

impl<'p> Builder<'p, '_, '_> {
    fn server(&self, cx: &mut Cx<'_>, name: &ast::Text) -> Option<Ref<'p>> {
        let sym = self.symbols.server(cx, name)?;
        let level = self.versions.servers.get(&name.to_lowercase())?;
        Some(Ref {
            name: sym.server.name.node.clone(),
            version: level.version.clone(),
            new: sym.server.new.is_some(),
            server: sym.server,
        })
    }

    /// The server named `name` if it is declared and its version resolved; reports nothing.
    fn known_server(&self, name: &ast::Text) -> Option<Ref<'p>> {
        let sym = self.symbols.servers.get(&name.to_lowercase())?;
        let level = self.versions.servers.get(&name.to_lowercase())?;
        Some(Ref {
            name: sym.server.name.node.clone(),
            version: level.version.clone(),
            new: sym.server.new.is_some(),
            server: sym.server,
        })
    }

    /// A server that this plan installs, holding `role` (E0404 otherwise).
    fn new_server(
        &self,
        cx: &mut Cx<'_>,
        name: &ast::Text,
        role: &str,
        what: &str,
    ) -> Option<Ref<'p>> {
        let r = self.server(cx, name)?;
        if !r.new {
            cx.report(
                Diagnostic::new(
                    Code::E0404,
                    name.span,
                    format!("{what} on `{}`, which this plan does not install", r.name),
                )
                .with_label("an existing server")
                .with_related(r.server.name.span, "declared without `new`")
                .with_help(format!(
                    "name a new Exchange {} server here",
                    self.versions.target.version
                )),
            );
            return None;
        }
        if !r.has(role) {
            cx.report(
                Diagnostic::new(
                    Code::E0404,
                    name.span,
                    format!("{what} on `{}`, which has no `{role}` role", r.name),
                )
                .with_label(format!("needs the `{role}` role"))
                .with_related(r.server.name.span, "declared here")
                .with_help(format!("name a server with `roles ... {role}`")),
            );
            return None;
        }
        Some(r)
    }

    fn namespace(&self, kind: &str) -> Option<String> {
        self.symbols.namespace(kind).map(|ns| ns.host.node.clone())
    }
}

pub(super) fn build(
    cx: &mut Cx<'_>,
    plan: &ast::Plan,
    symbols: &Symbols<'_>,
    versions: Versions<'_>,
    topology: Topology,
) -> Option<ir::Plan> {
    let b = Builder {
        symbols,
        versions: &versions,
    };
    let mut out = ir::Plan {
        title: plan.title.node.clone(),
        file: cx.file.name().to_owned(),
        organization: ir::Organization {
            name: None,
            mode: None,
        },
        target: versions.target.clone(),
        target_origin: cx.origin(target_item(plan)),
        sources: versions.sources.clone(),
        media: None,
        forests: Vec::new(),
        namespaces: ir::Namespaces {
            primary: namespace_ir(cx, &b, "primary"),
            autodiscover: namespace_ir(cx, &b, "autodiscover"),
            legacy: namespace_ir(cx, &b, "legacy"),
        },
        sites: Vec::new(),
        servers: Vec::new(),
        install_order: topology.install_order,
        databases: Vec::new(),
        certificates: Vec::new(),
        client_access: Vec::new(),
        mail_flow: Vec::new(),
        moves: Vec::new(),
        public_folders: Vec::new(),
        validations: Vec::new(),
        decommission: Vec::new(),
        manual: Vec::new(),
    };
    servers(cx, &b, &mut out);
    let mut decommissions = Vec::new();
    for item in &plan.items {
        match &item.kind {
            ast::ItemKind::Organization(org) => {
                out.organization = ir::Organization {
                    name: Some(org.name.node.clone()),
                    mode: org.mode.as_ref().map(|m| m.to_lowercase()),
                };
            }
            ast::ItemKind::Media(media) => out.media = Some(media.node.clone()),
            ast::ItemKind::Forest(forest) => out.forests.push(ir::Forest {
                name: forest.name.node.clone(),
                functional_level: forest.functional_level.as_ref().map(|l| l.to_lowercase()),
                domains: forest.domains.iter().map(|d| d.node.clone()).collect(),
            }),
            ast::ItemKind::Database(db) => database(cx, &b, db, item.span, &mut out),
            ast::ItemKind::Certificate(cert) => certificate(cx, &b, cert, item.span, &mut out),
            ast::ItemKind::ClientAccess(ca) => client_access(cx, &b, ca, item.span, &mut out),
            ast::ItemKind::MailFlow(mf) => mail_flow(cx, &b, mf, item.span, &mut out),
            ast::ItemKind::Move(mv) => mailbox_move(cx, &b, mv, item.span, &mut out),
            ast::ItemKind::PublicFolders(pf) => public_folders(cx, &b, pf, item.span, &mut out),
            ast::ItemKind::Validate(v) => validate(cx, &b, v, item.span, &mut out),
            ast::ItemKind::Decommission(list) => decommissions.push((list, item.span)),
            ast::ItemKind::Manual(m) => manual(cx, &b, m, item.span, &mut out),
            ast::ItemKind::GalSync(_) => {
                cx.not_generated(item.keyword, "GALSync provisioning (`galsync`)")
            }
            ast::ItemKind::Target(_) | ast::ItemKind::Namespaces(_) | ast::ItemKind::Site(_) => {}
        }
    }
    forests(cx, plan);
    post_install_defaults(cx, &b, &mut out);
    public_folder_databases(&mut out);
    for (list, span) in decommissions {
        decommission(cx, &b, list, span, &mut out);
    }
    namespace_rules(cx, &b, plan, &out);
    certificate_coverage(cx, &b, plan, &out);
    media(cx, plan, &out);
    Some(out)
}

fn namespace_ir(cx: &Cx<'_>, b: &Builder<'_, '_, '_>, kind: &str) -> Option<ir::Namespace> {
    let ns = b.symbols.namespace(kind)?;
    Some(ir::Namespace {
        host: ns.host.node.clone(),
        origin: cx.origin(ns.kind.span.to(ns.host.span)),
    })
}

fn target_item(plan: &ast::Plan) -> Span {
    plan.items
        .iter()
        .find(|i| matches!(i.kind, ast::ItemKind::Target(_)))
        .map_or(plan.title.span, |i| i.span)
}

fn servers(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, out: &mut ir::Plan) {
    let spec = b.versions.spec;
    for site in &b.symbols.sites {
        let mut names = Vec::new();
        for server in &site.servers {
            names.push(server.name.node.clone());
            let Some(level) = b.versions.servers.get(&server.name.to_lowercase()) else {
                continue;
            };
            if let Some(cluster) = &server.cluster {
                cx.not_generated(cluster.kind.span, "a clustered server (`cluster`)");
            }
            let roles: Vec<ir::Role> = server
                .roles
                .iter()
                .filter_map(|r| ir::Role::from_keyword(r))
                .collect();
            let setup_roles = if server.new.is_some() {
                spec.roles
                    .install_order
                    .iter()
                    .filter(|r| roles.iter().any(|x| x.keyword() == r.as_str()))
                    .filter_map(|r| spec.setup.role_names.get(r).cloned())
                    .collect()
            } else {
                Vec::new()
            };
            out.servers.push(ir::Server {
                name: server.name.node.clone(),
                site: site.name.node.clone(),
                exchange: level.clone(),
                os: server.os.as_ref().map(|o| o.node.clone()),
                roles,
                new: server.new.is_some(),
                fqdn: server.fqdn.as_ref().map(|f| f.node.clone()),
                cluster: server
                    .cluster
                    .as_ref()
                    .map(|c| (c.kind.to_lowercase(), c.name.node.clone())),
                setup_roles,
                origin: cx.origin(server.span),
            });
        }
        out.sites.push(ir::Site {
            name: site.name.node.clone(),
            internet_facing: site.internet_facing.is_some(),
            servers: names,
        });
    }
}

fn forests(cx: &mut Cx<'_>, plan: &ast::Plan) {
    let forests: Vec<&ast::Item> = plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, ast::ItemKind::Forest(_)))
        .collect();
    for extra in forests.iter().skip(1) {
        cx.not_generated(
            extra.keyword,
            "a plan with more than one forest (cross-forest migration)",
        );
    }
}

fn database(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    db: &ast::Database,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(server) = b.server(cx, &db.server) else {
        return;
    };
    if server.new && !server.has("mailbox") {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                db.server.span,
                format!(
                    "database `{}` is on `{}`, which has no `mailbox` role",
                    db.name.node, server.name
                ),
            )
            .with_label("not a Mailbox server")
            .with_help("put databases on a server with `roles ... mailbox`"),
        );
        return;
    }
    out.databases.push(ir::Database {
        name: db.name.node.clone(),
        kind: match db.kind {
            ast::DatabaseKind::Mailbox => ir::DatabaseKind::Mailbox,
            ast::DatabaseKind::PublicFolder => ir::DatabaseKind::PublicFolder,
        },
        server: server.name.clone(),
        version: server.version.clone(),
        create: server.new,
        edb: db.edb.as_ref().map(|t| t.node.clone()),
        logs: db.logs.as_ref().map(|t| t.node.clone()),
        storage_group: db.storage_group.as_ref().map(|t| t.node.clone()),
        public_folder_database: None,
        origin: cx.origin(span),
    });
}

/// A new mailbox database uses the new public folder database on its own server, else the
/// first new one in the plan.
fn public_folder_databases(out: &mut ir::Plan) {
    let new_pf: Vec<(String, String)> = out
        .databases
        .iter()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::PublicFolder)
        .map(|d| (d.server.clone(), d.name.clone()))
        .collect();
    for db in out
        .databases
        .iter_mut()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::Mailbox)
    {
        db.public_folder_database = new_pf
            .iter()
            .find(|(server, _)| server.eq_ignore_ascii_case(&db.server))
            .or_else(|| new_pf.first())
            .map(|(_, name)| name.clone());
    }
}

fn certificate(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    cert: &ast::Certificate,
    span: Span,
    out: &mut ir::Plan,
) {
    let servers: Vec<Ref<'_>> = cert
        .servers
        .iter()
        .filter_map(|s| b.server(cx, s))
        .collect();
    if servers.len() != cert.servers.len() {
        return;
    }
    let Some(first) = servers.first() else { return };
    if !first.new {
        cx.report(
            Diagnostic::new(Code::E0404, cert.servers[0].span, format!("the certificate request is made on `{}`, which this plan does not install", first.name))
                .with_label("request server")
                .with_help("name a new server first: the request is made there, then the certificate is copied to the others"),
        );
        return;
    }
    let mut names = Vec::new();
    for name in &cert.names {
        let host = match name {
            ast::CertName::Host(host) => Some(host.node.clone()),
            ast::CertName::Namespace(kind) => namespace_ref(cx, b, kind),
        };
        if let Some(host) =
            host.filter(|h| !names.iter().any(|n: &String| n.eq_ignore_ascii_case(h)))
        {
            names.push(host);
        }
    }
    let services: Vec<String> = if cert.services.is_empty() {
        vec!["IIS".to_owned(), "SMTP".to_owned()]
    } else {
        cert.services.iter().map(|s| s.to_uppercase()).collect()
    };
    let subject = cert.subject.as_ref().map_or_else(
        || format!("CN={}", names.first().cloned().unwrap_or_default()),
        |s| s.node.clone(),
    );
    out.certificates.push(ir::Certificate {
        request_on: first.name.clone(),
        request_version: first.version.clone(),
        install_on: servers
            .iter()
            .map(|s| (s.name.clone(), s.version.clone()))
            .collect(),
        subject,
        friendly_name: cert
            .friendly_name
            .as_ref()
            .map_or_else(|| format!("{} (exgen)", out.title), |f| f.node.clone()),
        names,
        services,
        origin: cx.origin(span),
    });
}

/// A namespace kind used as a value: declared (E0204) and known (E0107).
fn namespace_ref(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, kind: &ast::Text) -> Option<String> {
    let key = kind.to_lowercase();
    if !NAMESPACE_KINDS.contains(&key.as_str()) {
        let help = did_you_mean(&key, NAMESPACE_KINDS).map_or_else(
            || "write a namespace kind (`primary`, `autodiscover`, `legacy`) or a host name in quotes".to_owned(),
            |s| format!("did you mean `{s}`?"),
        );
        cx.report(
            Diagnostic::new(
                Code::E0107,
                kind.span,
                format!("unknown namespace kind `{}`", kind.node),
            )
            .with_label("not a namespace kind")
            .with_help(help),
        );
        return None;
    }
    let host = b.namespace(&key);
    if host.is_none() {
        cx.report(
            Diagnostic::new(
                Code::E0204,
                kind.span,
                format!("namespace `{key}` is not declared"),
            )
            .with_label("used here")
            .with_help(format!(
                "declare it: `namespaces {{ {key} \"host.example.com\" }}`"
            )),
        );
    }
    host
}

fn client_access(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    ca: &ast::ClientAccess,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(server) = b.new_server(cx, &ca.server, "cas", "client access is configured") else {
        return;
    };
    let origin = cx.origin(span);
    let primary = b.namespace("primary");
    let need_primary = |cx: &mut Cx<'_>, at: Span, what: &str| -> Option<String> {
        if primary.is_none() {
            cx.report(
                Diagnostic::new(
                    Code::E0603,
                    at,
                    format!("{what} defaults to the `primary` namespace, which is not declared"),
                )
                .with_label("needs a host name")
                .with_help(
                    "declare `namespaces { primary \"mail.example.com\" }` or give the host here",
                ),
            );
        }
        primary.clone()
    };
    let outlook_anywhere = ca.outlook_anywhere.as_ref().and_then(|oa| {
        let host = match &oa.host {
            Some(h) => Some(h.node.clone()),
            None => need_primary(cx, oa.span, "the Outlook Anywhere host"),
        }?;
        let auth = oa.auth.as_ref()?;
        let iis_auth = oa.iis_auth.iter().map(|a| auth_name(&a.node)).collect();
        Some(ir::OutlookAnywhere {
            host,
            auth: auth_name(&auth.node),
            ssl_offloading: oa.ssl_offloading.as_ref().is_some_and(|s| s.node),
            iis_auth,
            origin: cx.origin(oa.span),
        })
    });
    let urls = ca.urls.as_ref();
    let internal = urls
        .and_then(|u| u.internal.as_ref())
        .map(|h| h.node.clone());
    let external = urls
        .and_then(|u| u.external.as_ref())
        .map(|h| h.node.clone());
    let at = urls.map_or(ca.server.span, |u| u.span);
    let internal_host = internal
        .or_else(|| need_primary(cx, at, "the internal URL host"))
        .unwrap_or_default();
    let external_host = external.or_else(|| primary.clone()).unwrap_or_default();
    let autodiscover_host = match &ca.autodiscover {
        Some(h) => h.node.clone(),
        None => b
            .namespace("autodiscover")
            .unwrap_or_else(|| internal_host.clone()),
    };
    let offline_address_book = ca
        .offline_address_book
        .as_ref()
        .map(|o| (o.node.clone(), cx.origin(o.span)));
    if let Some(dup) = out.client_access.iter().find(|c| c.server == server.name) {
        let line = dup.origin.line;
        cx.report(
            Diagnostic::new(
                Code::E0201,
                ca.server.span,
                format!("client access for `{}` is configured twice", server.name),
            )
            .with_label(format!("first configured on line {line}"))
            .with_help("merge the two `client-access` blocks"),
        );
        return;
    }
    out.client_access.push(ir::ClientAccess {
        server: server.name.clone(),
        version: server.version.clone(),
        outlook_anywhere,
        offline_address_book,
        internal_host,
        external_host,
        autodiscover_host,
        new: true,
        origin,
    });
}

/// The parameter value Exchange uses for an authentication keyword.
fn auth_name(word: &str) -> String {
    match word.to_ascii_lowercase().as_str() {
        "basic" => "Basic".to_owned(),
        "ntlm" => "Ntlm".to_owned(),
        "negotiate" => "Negotiate".to_owned(),
        other => other.to_owned(),
    }
}

/// Every new Client Access server gets its post-install URLs, even without a
/// `client-access` block: Autodiscover SCP and virtual directories on the primary namespace.
fn post_install_defaults(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, out: &mut ir::Plan) {
    let new_cas: Vec<&ir::Server> = out
        .servers
        .iter()
        .filter(|s| s.new && s.has(ir::Role::Cas))
        .collect();
    let mut added = Vec::new();
    for server in new_cas {
        if out.client_access.iter().any(|c| c.server == server.name) {
            continue;
        }
        let Some(primary) = b.namespace("primary") else {
            let span = b
                .symbols
                .servers
                .get(&server.name.to_lowercase())
                .map_or_else(Span::default, |s| s.server.name.span);
            cx.report(
                Diagnostic::new(Code::E0603, span, format!("new Client Access server `{}` needs the `primary` namespace for its URLs", server.name))
                    .with_label("new Client Access server")
                    .with_help("declare `namespaces { primary \"mail.example.com\"; autodiscover \"autodiscover.example.com\" }`"),
            );
            continue;
        };
        added.push(ir::ClientAccess {
            server: server.name.clone(),
            version: server.exchange.version.clone(),
            outlook_anywhere: None,
            offline_address_book: None,
            internal_host: primary.clone(),
            external_host: primary.clone(),
            autodiscover_host: b.namespace("autodiscover").unwrap_or(primary),
            new: true,
            origin: server.origin.clone(),
        });
    }
    out.client_access.extend(added);
}

fn mail_flow(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    mf: &ast::MailFlow,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(server) = b.new_server(cx, &mf.server, "hub", "mail flow is configured") else {
        return;
    };
    for rgc in &mf.routing_group_connectors {
        cx.not_generated(rgc.name.span, "a routing group connector");
    }
    for xf in &mf.cross_forest_connectors {
        cx.not_generated(xf.name.span, "a cross-forest connector");
    }
    for ad in &mf.accepted_domains {
        cx.not_generated(ad.domain.span, "an accepted domain");
    }
    let inbound_anonymous = match &mf.inbound {
        Some(ast::Inbound::Anonymous(at)) => Some(cx.origin(*at)),
        // R13: with a gateway (or Edge) in front, nothing changes on the new server; the
        // gateway is pointed at it by hand, so the runbook says so after the mail flow phase.
        Some(ast::Inbound::Gateway(host)) => {
            out.manual.push(ir::ManualStep {
                text: format!(
                    "Point the SMTP gateway {} at {} for inbound internet mail (R13)",
                    host.node, server.name
                ),
                after: Some("mail-flow".to_owned()),
                origin: cx.origin(host.span),
            });
            None
        }
        None => None,
    };
    out.mail_flow.push(ir::MailFlow {
        server: server.name.clone(),
        version: server.version.clone(),
        inbound_anonymous,
        send_connectors: mf
            .send_connectors
            .iter()
            .map(|c| (c.node.clone(), cx.origin(c.span)))
            .collect(),
        origin: cx.origin(span),
    });
}

fn mailbox_move(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    mv: &ast::MailboxMove,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(db) = b.symbols.database(cx, &mv.target) else {
        return;
    };
    if db.kind == ast::DatabaseKind::PublicFolder {
        cx.report(
            Diagnostic::new(
                Code::E0205,
                mv.target.span,
                format!("`{}` is a public folder database", db.name.node),
            )
            .with_label("mailboxes cannot move here")
            .with_related(db.name.span, "declared here")
            .with_help("name a mailbox database (`database NAME on SERVER`)"),
        );
        return;
    }
    // The database's own statement reports an undefined server; say nothing more here.
    let Some(server) = b.known_server(&db.server) else {
        return;
    };
    if !server.new {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                mv.target.span,
                format!(
                    "mailboxes move to `{}`, on `{}`, which this plan does not install",
                    db.name.node, server.name
                ),
            )
            .with_label("target database")
            .with_help("move mailboxes to a database on a new server"),
        );
        return;
    }
    let mut batch = ir::MoveBatch {
        name: mv
            .batch
            .as_ref()
            .map_or_else(|| format!("exgen {}", db.name.node), |n| n.node.clone()),
        target_database: db.name.node.clone(),
        target_server: server.name.clone(),
        version: server.version.clone(),
        mailboxes: Vec::new(),
        from_servers: Vec::new(),
        from_databases: Vec::new(),
        csv: Vec::new(),
        bad_item_limit: mv.bad_item_limit.as_ref().map_or(0, |n| n.node),
        accept_large_data_loss: mv.accept_large_data_loss.is_some(),
        suspend_when_ready: mv.suspend_when_ready.is_some(),
        origin: cx.origin(span),
    };
    if let Some(first) = out
        .moves
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(&batch.name))
    {
        let line = first.origin.line;
        let at = mv.batch.as_ref().map_or(mv.target.span, |n| n.span);
        cx.report(
            Diagnostic::new(
                Code::E0201,
                at,
                format!("batch `{}` is defined twice", batch.name),
            )
            .with_label(format!("first defined on line {line}"))
            .with_help("give each move block its own `batch \"name\"`"),
        );
    }
    for source in &mv.sources {
        match source {
            ast::MoveSource::Mailbox(m) => batch.mailboxes.push(m.node.clone()),
            ast::MoveSource::Server(s) => {
                if let Some(r) = b.server(cx, s) {
                    if r.new || !r.has("mailbox") {
                        cx.report(
                            Diagnostic::new(
                                Code::E0404,
                                s.span,
                                format!("`{}` is not an existing Mailbox server", r.name),
                            )
                            .with_label("mailboxes are moved from here")
                            .with_help("name an existing server with the `mailbox` role"),
                        );
                    } else {
                        batch.from_servers.push(r.name);
                    }
                }
            }
            ast::MoveSource::Database(d) => {
                // 2007 identities (`SERVER\SG\DB`) need not be declared; plain names must be.
                if d.contains('\\') && b.symbols.databases.get(&d.to_lowercase()).is_none() {
                    batch.from_databases.push(d.node.clone());
                } else if let Some(db) = b.symbols.database(cx, d) {
                    batch.from_databases.push(db.name.node.clone());
                }
            }
            ast::MoveSource::Csv(path) => {
                if let Some(mut file) = csv::load(cx, path) {
                    let taken = out
                        .moves
                        .iter()
                        .flat_map(|m| &m.csv)
                        .chain(&batch.csv)
                        .filter(|c| c.output.eq_ignore_ascii_case(&file.output))
                        .count();
                    if taken > 0 {
                        file.output = format!("{}-{}", taken + 1, file.output);
                    }
                    batch.csv.push(file);
                }
            }
        }
    }
    if let Some(limit) = &mv.bad_item_limit {
        if limit.node >= 51 && mv.accept_large_data_loss.is_none() {
            cx.report(
                Diagnostic::new(Code::E0107, limit.span, format!("a bad-item limit of {} needs `accept-large-data-loss`", limit.node))
                    .with_label("51 or more")
                    .with_help("New-MoveRequest refuses -BadItemLimit 51 or more without -AcceptLargeDataLoss: add `accept-large-data-loss`, or lower the limit"),
            );
        } else if limit.node > 0 {
            cx.report(
                Diagnostic::new(
                    Code::W0401,
                    limit.span,
                    format!(
                        "up to {} corrupt items per mailbox will be skipped and lost",
                        limit.node
                    ),
                )
                .with_label("each skipped item is lost")
                .with_help("keep 0 (the default) unless a move has failed on bad items"),
            );
        }
    }
    out.moves.push(batch);
}

fn public_folders(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    pf: &ast::PublicFolders,
    span: Span,
    out: &mut ir::Plan,
) {
    let from = b.server(cx, &pf.from);
    let to = b.new_server(cx, &pf.to, "mailbox", "public folder replicas are moved");
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if from.new || !from.has("mailbox") {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                pf.from.span,
                format!("`{}` is not an existing Mailbox server", from.name),
            )
            .with_label("replicas are moved from here")
            .with_help("name the existing server whose public folder database holds the replicas"),
        );
        return;
    }
    out.public_folders.push(ir::PublicFolderMove {
        from: from.name,
        to: to.name,
        version: to.version,
        origin: cx.origin(span),
    });
}

fn validate(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    v: &ast::Validate,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(server) = b.server(cx, &v.server) else {
        return;
    };
    let Some(spec) = cx.specs.get(&server.version) else {
        cx.not_generated(
            v.server.span,
            &format!("validation on an Exchange {} server", server.version),
        );
        return;
    };
    let known: Vec<&str> = spec.validation_checks.iter().map(String::as_str).collect();
    let mut checks = Vec::new();
    let mut rca = false;
    for check in &v.checks {
        let word = check.to_lowercase();
        if !known.contains(&word.as_str()) {
            let help = did_you_mean(&word, &known).map_or_else(
                || {
                    format!(
                        "checks for Exchange {}: {}",
                        server.version,
                        known.join(", ")
                    )
                },
                |s| format!("did you mean `{s}`?"),
            );
            cx.report(
                Diagnostic::new(
                    Code::E0107,
                    check.span,
                    format!("unknown check `{}`", check.node),
                )
                .with_label("not a validation check")
                .with_help(help),
            );
        } else if word == "remote-connectivity-analyzer" {
            rca = true;
        } else {
            checks.push(word);
        }
    }
    out.validations.push(ir::Validation {
        server: server.name,
        version: server.version,
        checks,
        remote_connectivity_analyzer: rca,
        origin: cx.origin(span),
    });
}

fn decommission(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    list: &[ast::Text],
    span: Span,
    out: &mut ir::Plan,
) {
    for name in list {
        let Some(server) = b.server(cx, name) else {
            continue;
        };
        if server.new {
            cx.report(
                Diagnostic::new(
                    Code::E0404,
                    name.span,
                    format!(
                        "`{}` is installed by this plan and decommissioned by it",
                        server.name
                    ),
                )
                .with_label("a new server")
                .with_help("decommission only existing servers"),
            );
            continue;
        }
        let mailbox = server.has("mailbox");
        let moved = out.moves.iter().any(|m| {
            m.from_servers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&server.name))
                || m.from_databases
                    .iter()
                    .any(|d| database_on(b, d, &server.name))
        });
        if mailbox && !moved {
            cx.report(
                Diagnostic::new(Code::E0403, name.span, format!("`{}` is decommissioned, but no move takes its mailboxes", server.name))
                    .with_label("still holds mailboxes")
                    .with_related(server.server.name.span, "a Mailbox server")
                    .with_help(format!("add `from server {}` to a `move mailboxes` block (the generated script also checks that it is empty)", server.name)),
            );
        }
        out.decommission.push(ir::Decommission {
            server: server.name,
            version: server.version,
            mailbox,
            origin: cx.origin(span),
        });
    }
}

/// Whether database `name` (declared, or a `SERVER\SG\DB` identity) is on `server`.
fn database_on(b: &Builder<'_, '_, '_>, name: &str, server: &str) -> bool {
    match b.symbols.databases.get(&name.to_lowercase()) {
        Some(db) => db.server.eq_ignore_ascii_case(server),
        None => name
            .split('\\')
            .next()
            .is_some_and(|s| s.eq_ignore_ascii_case(server)),
    }
}

fn manual(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    m: &ast::Manual,
    span: Span,
    out: &mut ir::Plan,
) {
    let phases: Vec<&str> = b
        .versions
        .spec
        .phases
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    if let Some(after) = &m.after
        && !phases.contains(&after.to_lowercase().as_str())
    {
        let help = did_you_mean(&after.to_lowercase(), &phases).map_or_else(
            || format!("phases: {}", phases.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        cx.report(
            Diagnostic::new(
                Code::E0107,
                after.span,
                format!("unknown phase `{}`", after.node),
            )
            .with_label("not a phase")
            .with_help(help),
        );
        return;
    }
    out.manual.push(ir::ManualStep {
        text: m.text.node.clone(),
        after: m.after.as_ref().map(|a| a.to_lowercase()),
        origin: cx.origin(span),
    });
}

/// R09 and facts §6.3: a legacy namespace exactly while servers of a version that needs one
/// still serve clients.
fn namespace_rules(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &ir::Plan) {
    let spec = b.versions.spec;
    if b.versions.servers.len() != b.symbols.servers.len() {
        return; // a server's version did not resolve (reported); which legacy names apply is unknown
    }
    let legacy_cas: Vec<&ir::Server> = out
        .servers
        .iter()
        .filter(|s| {
            !s.new
                && s.has(ir::Role::Cas)
                && spec.legacy_namespace_for.contains(&s.exchange.version)
        })
        .collect();
    let declared = b.symbols.namespace("legacy");
    match (legacy_cas.first(), declared) {
        (Some(server), None) => {
            let span = namespaces_span(plan).unwrap_or(plan.title.span);
            cx.report(
                Diagnostic::new(Code::E0602, span, format!("Exchange {} clients of `{}` need a legacy namespace", server.exchange.version, server.name))
                    .with_label("no `legacy` namespace")
                    .with_help("add `legacy \"legacy.example.com\"` to `namespaces`: the current names move to the new servers (R09)"),
            );
        }
        (None, Some(ns)) => {
            cx.report(
                Diagnostic::new(
                    Code::E0602,
                    ns.kind.span,
                    "a legacy namespace is declared, but no older Client Access server needs one",
                )
                .with_label("not needed")
                .with_help(format!(
                    "Exchange {} needs a legacy name only for {} Client Access servers; remove it",
                    spec.version,
                    spec.legacy_namespace_for.join(" or ")
                )),
            );
        }
        _ => {}
    }
}

fn namespaces_span(plan: &ast::Plan) -> Option<Span> {
    plan.items
        .iter()
        .find(|i| matches!(i.kind, ast::ItemKind::Namespaces(_)))
        .map(|i| i.keyword)
}

/// R10: the certificate on the new servers covers every namespace in use.
fn certificate_coverage(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    plan: &ast::Plan,
    out: &ir::Plan,
) {
    let in_use: Vec<(&str, String)> = NAMESPACE_KINDS
        .iter()
        .filter_map(|k| b.namespace(k).map(|h| (*k, h)))
        .collect();
    if in_use.is_empty() {
        return;
    }
    let certs: Vec<&ast::Item> = plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, ast::ItemKind::Certificate(_)))
        .collect();
    if certs.is_empty() {
        let span = namespaces_span(plan).unwrap_or(plan.title.span);
        let names: Vec<&str> = in_use.iter().map(|(k, _)| *k).collect();
        cx.report(
            Diagnostic::new(
                Code::E0601,
                span,
                "no certificate covers the namespaces in use",
            )
            .with_label("these names need a certificate")
            .with_help(format!(
                "add `certificate on SERVER {{ names {} }}` (R10)",
                names.join(" ")
            )),
        );
        return;
    }
    if certs.len() != out.certificates.len() {
        return; // a certificate failed to resolve and was reported already
    }
    for (cert, item) in out.certificates.iter().zip(&certs) {
        client_hosts(cx, cert, item, out);
        for (kind, host) in &in_use {
            if !cert.names.iter().any(|n| covers(n, host)) {
                cx.report(
                    Diagnostic::new(
                        Code::E0601,
                        item.keyword,
                        format!("the certificate does not cover the `{kind}` namespace `{host}`"),
                    )
                    .with_label("certificate")
                    .with_help(format!("add `{kind}` to its `names` (R10)")),
                );
            }
        }
    }
}

/// The host names clients reach a certificate's Client Access servers by (Outlook Anywhere,
/// virtual directory URLs, Autodiscover) must be on it too, or clients see certificate errors.
fn client_hosts(cx: &mut Cx<'_>, cert: &ir::Certificate, item: &ast::Item, out: &ir::Plan) {
    let mut reported: Vec<String> = Vec::new();
    for ca in out
        .client_access
        .iter()
        .filter(|c| cert.install_on.iter().any(|(s, _)| *s == c.server))
    {
        let oa = ca
            .outlook_anywhere
            .as_ref()
            .map(|o| (o.host.as_str(), "the Outlook Anywhere host"));
        let hosts = [
            (ca.internal_host.as_str(), "the internal URL host"),
            (ca.external_host.as_str(), "the external URL host"),
            (ca.autodiscover_host.as_str(), "the Autodiscover host"),
        ];
        for (host, what) in oa.into_iter().chain(hosts) {
            if host.is_empty()
                || cert.names.iter().any(|n| covers(n, host))
                || reported.contains(&host.to_owned())
            {
                continue;
            }
            reported.push(host.to_owned());
            cx.report(
                Diagnostic::new(
                    Code::E0601,
                    item.keyword,
                    format!(
                        "the certificate does not cover `{host}`, {what} of `{}`",
                        ca.server
                    ),
                )
                .with_label("certificate")
                .with_help(format!("add \"{host}\" to its `names` (R10)")),
            );
        }
    }
}

/// Whether a certificate name covers a host: the same name, or a wildcard one level up.
fn covers(name: &str, host: &str) -> bool {
    if name.eq_ignore_ascii_case(host) {
        return true;
    }
    name.strip_prefix("*.").is_some_and(|parent| {
        host.split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(parent))
    })
}

/// Setup needs its media when the plan installs servers.
fn media(cx: &mut Cx<'_>, plan: &ast::Plan, out: &ir::Plan) {
    if out.media.is_none() && !out.install_order.is_empty() {
        cx.report(
            Diagnostic::new(
                Code::E0109,
                plan.title.span,
                "the plan installs servers but names no `media`",
            )
            .with_label("where is setup?")
            .with_help(format!(
                "add `media \"\\\\server\\share\\Exchange{}\"`: the folder holding {}",
                out.target.version, "setup"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_level() {
        assert!(covers("mail.contoso.com", "MAIL.contoso.com"));
        assert!(covers("*.contoso.com", "mail.contoso.com"));
        assert!(!covers("*.contoso.com", "contoso.com"));
        assert!(!covers("*.contoso.com", "a.b.contoso.com"));
        assert!(!covers("*.contoso.com", "mail.contoso.net"));
    }
}
