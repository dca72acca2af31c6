//! The plan's steps: certificates, client access, mail flow, databases, moves, public
//! folders, validation, decommissioning and manual steps, each checked and turned into IR.
//! `client` holds client access, certificates and namespaces; `mailboxes` databases, moves,
//! public folders and decommissioning.

mod ccr;
mod client;
mod dag;
mod exmerge;
mod forests;
mod galsync;
mod legacy;
mod mailboxes;

use crate::step_kind::StepKind;
use client::{
    certificate, certificate_coverage, client_access, mail_flow, namespace_rules,
    post_install_defaults,
};
pub(super) use exmerge::names_exmerge;
use mailboxes::{
    database, decommission, feature_minimum, mailbox_move, public_folder_databases,
    public_folder_migration_after_moves, public_folders,
};

use super::Cx;
use super::names::Symbols;
use super::topology::Topology;
use super::versions::Versions;
use crate::diag::suggest;
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
        self.symbols.note(
            super::names::NameKind::Server,
            name.span,
            sym.server.name.span,
        );
        self.lookup_server(&name.node)
    }

    /// The declared server named `name`, chosen by exgen rather than written at a place in the
    /// plan: no use of the name is recorded (navigation and rename see only written names).
    fn lookup_server(&self, name: &str) -> Option<Ref<'p>> {
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
        target_forest: None,
        namespaces: ir::Namespaces {
            primary: namespace_ir(cx, &b, "primary"),
            autodiscover: namespace_ir(cx, &b, "autodiscover"),
            legacy: namespace_ir(cx, &b, "legacy"),
        },
        sites: Vec::new(),
        servers: Vec::new(),
        install_order: topology.install_order,
        databases: Vec::new(),
        dags: Vec::new(),
        ccrs: Vec::new(),
        certificates: Vec::new(),
        client_access: Vec::new(),
        mail_flow: Vec::new(),
        moves: Vec::new(),
        public_folders: Vec::new(),
        galsync: Vec::new(),
        validations: Vec::new(),
        decommission: Vec::new(),
        manual: Vec::new(),
        exmerge: Vec::new(),
    };
    for item in &plan.items {
        if let ast::ItemKind::Forest(forest) = &item.kind {
            out.forests.push(ir::Forest {
                name: forest.name.node.clone(),
                functional_level: forest.functional_level.as_ref().map(|l| l.to_lowercase()),
                domains: forest.domains.iter().map(|d| d.node.clone()).collect(),
                global_catalog: forest.global_catalog.as_ref().map(|g| g.node.clone()),
                ntaccount_ou: forest.ntaccount_ou.as_ref().map(|o| o.node.clone()),
                galsync_ou: forest.galsync_ou.as_ref().map(|o| o.node.clone()),
            });
        }
    }
    servers(cx, &b, plan, &mut out);
    forests::target_forest(cx, &b, plan, &mut out);
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
            ast::ItemKind::MoveOrder(_) => {}
            ast::ItemKind::Database(db) => database(cx, &b, db, item.span, &mut out),
            ast::ItemKind::Certificate(cert) => certificate(cx, &b, cert, item.span, &mut out),
            ast::ItemKind::ClientAccess(ca) => client_access(cx, &b, ca, item.span, &mut out),
            ast::ItemKind::MailFlow(mf) => mail_flow(cx, &b, mf, item.span, &mut out),
            ast::ItemKind::Move(mv) => mailbox_move(cx, &b, mv, item.span, &mut out),
            ast::ItemKind::PublicFolders(pf) => public_folders(cx, &b, pf, item.span, &mut out),
            ast::ItemKind::Validate(v) => validate(cx, &b, v, item.span, &mut out),
            ast::ItemKind::Decommission(list) => decommissions.push((list, item.span)),
            ast::ItemKind::Manual(m) => manual(cx, &b, m, item.span, &mut out),
            ast::ItemKind::GalSync(g) => galsync::galsync(cx, &b, g, item, &mut out),
            ast::ItemKind::Target(_)
            | ast::ItemKind::Namespaces(_)
            | ast::ItemKind::Site(_)
            | ast::ItemKind::Forest(_) => {}
            ast::ItemKind::Dag(_) | ast::ItemKind::Ccr(_) => {}
            ast::ItemKind::ExMerge(x) => exmerge::exmerge(cx, &b, x, item.span, &mut out),
        }
    }
    forests::galsync_ous(cx, plan, &out);
    forests::runbook(&mut out);
    post_install_defaults(cx, &b, &mut out);
    public_folder_databases(&mut out);
    public_folder_migration_after_moves(cx, &out);
    dag::dags(cx, &b, plan, &mut out);
    ccr::ccrs(cx, &b, plan, &mut out);
    ccr::public_folders_in_ccr(cx, &out);
    for (list, span) in decommissions {
        decommission(cx, &b, list, span, &mut out);
    }
    legacy::check(cx, &b, plan, &out);
    exmerge::dmz_relay(cx, &b, plan);
    namespace_rules(cx, &b, plan, &out);
    certificate_coverage(cx, &b, plan, &out);
    media(cx, plan, &out);
    ccr::belong_to_cms(&mut out);
    mailboxes::order(cx, plan, &mut out);
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

fn servers(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &mut ir::Plan) {
    let spec = b.versions.spec;
    for site in &b.symbols.sites {
        let forest = forests::site_forest(cx, plan, site);
        let mut names = Vec::new();
        for server in &site.servers {
            // A server whose mailboxes leave by ExMerge is removed before script 01 (R33).
            if exmerge::exported(plan, b, &server.name) {
                continue;
            }
            names.push(server.name.node.clone());
            let Some(level) = b.versions.servers.get(&server.name.to_lowercase()) else {
                continue;
            };
            // DAG members are checked with their `dag` statement (`dag.rs`), new CCR nodes with
            // their `ccr` statement (`ccr.rs`).
            if let Some(cluster) = server
                .cluster
                .as_ref()
                .filter(|c| !c.kind.eq_ignore_ascii_case("dag") && !ccr::node(server))
            {
                cx.not_generated(cluster.kind.span, "a clustered server (`cluster`)");
            }
            // A new Edge server is installed and subscribed (lower::steps::edge) where the
            // target's phases carry out the subscription and a new transport server in its
            // site imports it; otherwise its subscription is not generated. Existing Edge
            // servers are checked by hand (runbook). Edge with other roles is E0308 already.
            if let Some(edge) = server.roles.iter().find(|r| r.eq_ignore_ascii_case("edge"))
                && server.new.is_some()
                && server.roles.len() == 1
            {
                edge_subscription(cx, spec, site, edge.span);
                edge_sync_minimums(cx, b, spec, &server.name);
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
                    .filter_map(|r| spec.setup.as_ref()?.role_names.get(r).cloned())
                    .collect()
            } else {
                Vec::new()
            };
            // 2016+: the role named `client_access` in the spec does the Client Access work.
            let serves: Vec<ir::Role> = match cx
                .specs
                .get(&level.version)
                .and_then(|s| s.roles.client_access.clone())
            {
                Some(k) if server.roles.iter().any(|r| r.eq_ignore_ascii_case(&k)) => {
                    vec![ir::Role::Cas]
                }
                _ => Vec::new(),
            };
            let upgrade_to = server
                .upgrade_to
                .as_ref()
                .filter(|_| server.new.is_none())
                .filter(|up| {
                    cx.specs
                        .canonical(&up.version.node)
                        .is_some_and(|v| v == b.versions.target.version)
                })
                .filter(|_| super::versions::in_place_allowed(spec, level))
                .map(|_| b.versions.target.clone());
            out.servers.push(ir::Server {
                name: server.name.node.clone(),
                site: site.name.node.clone(),
                forest: forest.clone(),
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
                serves,
                upgrade_to,
            });
        }
        let cas_array = client_access_array(cx, b, out, site, &names);
        out.sites.push(ir::Site {
            name: site.name.node.clone(),
            internet_facing: site.internet_facing.is_some(),
            forest,
            servers: names,
            cas_array,
        });
    }
}

/// A site's Client Access array (point 11 of the consultant review): where the target has them
/// (2010), a site with new Client Access servers gets one before its first new database, so the
/// Outlook profiles of the users who move name the array, not a server; W0702 when the plan
/// names none there. E0501 for one in a plan whose target has none.
fn client_access_array(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    out: &ir::Plan,
    site: &ast::Site,
    names: &[String],
) -> Option<ir::Namespace> {
    let spec = b.versions.spec;
    let fact = spec.client_access_array.as_ref();
    let new_cas = names.iter().any(|n| {
        out.servers
            .iter()
            .any(|x| x.name == *n && x.new && x.has(ir::Role::Cas))
    });
    match (&site.cas_array, fact) {
        (Some((host, span)), Some(_)) => Some(ir::Namespace {
            host: host.node.clone(),
            origin: cx.origin(*span),
        }),
        (Some((_, span)), None) => {
            cx.not_generated(
                *span,
                &format!(
                    "a Client Access array in an Exchange {} plan (RPC Client Access arrays exist only in Exchange 2010)",
                    spec.version
                ),
            );
            None
        }
        (None, Some(fact)) if new_cas => {
            cx.report(
                Diagnostic::new(
                    Code::W0702,
                    site.name.span,
                    format!(
                        "site `{}` gets new Client Access servers but no Client Access array",
                        site.name.node
                    ),
                )
                .with_label("no `cas-array`")
                .with_help(format!(
                    "add `cas-array \"outlook.example.com\"` to the site (an internal name, not on the certificate): the Outlook profiles of the users who move then name the array, not one server, and a second Client Access server or a load balancer needs no profile change ({})",
                    fact.source
                )),
            );
            None
        }
        _ => None,
    }
}

/// E0501 unless the target subscribes new Edge servers (an `edge_subscription` phase) and a
/// new server with its transport role (`roles.transport`, else `hub`) in the Edge server's
/// site can import the subscription.
fn edge_subscription(
    cx: &mut Cx<'_>,
    spec: &crate::specs::VersionSpec,
    site: &ast::Site,
    span: Span,
) {
    let generated = spec.carries_out(StepKind::EdgeSubscription);
    let transport = spec.roles.transport_role();
    let has = |x: &ast::Server, role: &str| x.roles.iter().any(|r| r.eq_ignore_ascii_case(role));
    let subscriber = site
        .servers
        .iter()
        .any(|x| x.new.is_some() && has(x, transport) && !has(x, "edge"));
    if !generated {
        cx.not_generated(
            span,
            &format!(
                "a new Edge Transport server for an Exchange {} target (its Edge subscription)",
                spec.version
            ),
        );
    } else if !subscriber {
        cx.not_generated(
            span,
            &format!(
                "the Edge subscription of a new Edge Transport server in a site without a new `{transport}` server"
            ),
        );
    }
}

/// Facts §2.1: EdgeSync with a new Edge server of the target needs the older Hub servers at
/// the levels its spec lists (E0380 per server below them).
fn edge_sync_minimums(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    spec: &crate::specs::VersionSpec,
    edge: &ast::Text,
) {
    for sym in b.symbols.servers.values() {
        let old = sym.server;
        let Some(hub) = b.known_server(&old.name) else {
            continue;
        };
        // The older server's own transport role (Hub Transport on 2007/2010).
        let transport = cx
            .specs
            .get(&hub.version)
            .map_or("hub", |s| s.roles.transport_role());
        if hub.new || !hub.has(transport) {
            continue;
        }
        let Some(rule) = spec
            .edge_sync_minimums
            .iter()
            .find(|c| c.with == hub.version)
        else {
            continue;
        };
        let feature = format!("EdgeSync with the new Edge server `{}`", edge.node);
        feature_minimum(
            cx,
            b,
            &hub,
            &old.name,
            &rule.minimum.level,
            rule.confidence,
            &feature,
            &rule.source,
        );
    }
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
            let help = suggest::help(&word, &known, || {
                format!(
                    "checks for Exchange {}: {}",
                    server.version,
                    known.join(", ")
                )
            });
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
        let help = suggest::help(&after.to_lowercase(), &phases, || {
            format!("phases: {}", phases.join(", "))
        });
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
