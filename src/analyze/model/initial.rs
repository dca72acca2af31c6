//! The organization before the first phase, from the plan: what exists today, and the work the
//! plan's statements declare (its end state, as pending work each carrying step finishes).
//!
//! What the plan does not say is assumed to work today: the existing Client Access servers of
//! the internet-facing sites answer on the primary and Autodiscover names with a certificate
//! that covers them; each existing Mailbox server holds every kind of mailbox its version has;
//! the existing default offline address book is generated on the first existing Mailbox server
//! of the newest older version.

use crate::exchange::{MailboxKind, Service};
use crate::ir::state::{
    ConnectorState, DagState, INTERNET_CONNECTOR, NameState, OabState, OutlookAnywhereState,
    Pending, ServerState, ServiceUrls, State, key,
};
use crate::ir::{self, Role};
use crate::specs::Specs;

/// The name of the existing default offline address book, whatever it is called.
pub const DEFAULT_OAB: &str = "(the current default)";

/// Names clients use, as [`NameState::role`] writes them.
pub mod role {
    /// The name clients use for everything.
    pub const PRIMARY: &str = "primary";
    /// The Autodiscover name.
    pub const AUTODISCOVER: &str = "autodiscover";
    /// The older servers' name during coexistence.
    pub const LEGACY: &str = "legacy";
}

/// The state before the first phase.
pub fn state(plan: &ir::Plan, specs: &Specs) -> State {
    let mut state = State {
        servers: plan
            .servers
            .iter()
            .map(|x| server(plan, specs, x))
            .collect(),
        ..State::default()
    };
    // R32: a CCR cluster's databases and mailboxes belong to its clustered mailbox server,
    // which the active node's setup creates.
    for ccr in &plan.ccrs {
        let node = plan.servers.iter().find(|x| x.name == ccr.active);
        if let Some(node) = node {
            state.servers.push(ServerState {
                name: ccr.name.clone(),
                version: node.exchange.version.clone(),
                site: node.site.clone(),
                present: false,
                client_access: false,
                certificate: Vec::new(),
                urls: Vec::new(),
                outlook_anywhere: None,
                scp: None,
                exchange2003_url: None,
                mailboxes: Vec::new(),
                databases: Vec::new(),
                public_folders: false,
                tasks: Vec::new(),
                inbound: false,
            });
        }
    }
    state.index_servers();
    state.names = names(plan, specs, &state);
    state.offline_address_books = default_oab(plan, specs);
    // Production sends and receives internet mail through its Edge servers, else through the
    // transport servers of the internet-facing site; the plan names the send connectors it
    // re-sources (R13, R14), else there is one it does not name.
    let internet = internet_mail_servers(plan, specs);
    let mut connectors: Vec<String> = plan
        .mail_flow
        .iter()
        .flat_map(|m| &m.send_connectors)
        .map(|c| c.name.clone())
        .collect();
    if connectors.is_empty() {
        connectors.push(INTERNET_CONNECTOR.to_owned());
    }
    state.send_connectors = connectors
        .into_iter()
        .map(|name| ConnectorState {
            name,
            sources: internet.clone(),
        })
        .collect();
    state.dags = plan
        .dags
        .iter()
        .map(|d| DagState {
            name: d.name.clone(),
            members: d.members.clone(),
            witness: d.witness_server.clone(),
            present: d.members.iter().all(|m| !is_new(plan, m)),
        })
        .collect();
    for name in &internet {
        if let Some(s) = state.servers.iter_mut().find(|s| s.name == *name) {
            s.inbound = true;
        }
    }
    state.pending = declared(plan, specs);
    state
}

fn is_new(plan: &ir::Plan, name: &str) -> bool {
    plan.servers
        .iter()
        .any(|x| x.new && x.name.eq_ignore_ascii_case(name))
}

fn server(plan: &ir::Plan, specs: &Specs, x: &ir::Server) -> ServerState {
    let spec = specs.get(&x.exchange.version);
    let primary = plan.namespaces.primary.as_ref().map(|n| n.host.clone());
    let autodiscover = plan
        .namespaces
        .autodiscover
        .as_ref()
        .map(|n| n.host.clone());
    let facing = plan.faces_internet(&x.site);
    // An Exchange 2000/2003 back-end without a front-end serves its own mailboxes' web
    // clients (OWA, ActiveSync, RPC over HTTP): the front-end designation only proxies.
    let client_access =
        x.has(Role::Cas) || (x.has(Role::Mailbox) && spec.is_some_and(|s| s.shell.is_none()));
    let existing = !x.new;
    let mut certificate = Vec::new();
    let mut urls = Vec::new();
    let mut outlook_anywhere = None;
    if existing && client_access {
        // Production works today: the names it answers on are on its certificate.
        certificate.extend(primary.iter().chain(&autodiscover).cloned());
        let services = spec
            .and_then(|s| s.client_access.as_ref())
            .map(|c| c.services.clone())
            .unwrap_or_default();
        urls = services
            .iter()
            .filter(|s| **s != Service::Autodiscover)
            .map(|s| ServiceUrls {
                service: *s,
                internal: Some(x.name.clone()),
                external: if facing { primary.clone() } else { None },
            })
            .collect();
        // Where Outlook Anywhere is always on (2013 and later), production's servers in every
        // site hand out names that work.
        let uses_oa = services.contains(&Service::OutlookAnywhere);
        let always_on = spec.is_some_and(|s| s.outlook_anywhere_always_on);
        if uses_oa && (facing || always_on) {
            outlook_anywhere = Some(OutlookAnywhereState {
                external: primary.clone(),
                internal: None,
                ntlm: false,
            });
        }
    }
    let mut mailboxes = Vec::new();
    if existing && x.has(Role::Mailbox) {
        mailboxes = spec.map(|s| s.mailbox_kinds.clone()).unwrap_or_default();
        // Public folder mailboxes are modelled only where the plan moves them: a server the
        // plan says nothing about may have none.
        mailboxes.retain(|k| {
            *k != MailboxKind::PublicFolder
                || plan
                    .public_folders
                    .iter()
                    .any(|p| p.from.eq_ignore_ascii_case(&x.name))
        });
        if mailboxes.is_empty() {
            mailboxes.push(MailboxKind::User);
        }
    }
    let public_folders = existing
        && spec.is_some_and(|s| s.public_folders.as_deref() != Some("modern"))
        && (plan.databases.iter().any(|d| {
            d.kind == ir::DatabaseKind::PublicFolder && d.server.eq_ignore_ascii_case(&x.name)
        }) || plan
            .public_folders
            .iter()
            .any(|p| p.from.eq_ignore_ascii_case(&x.name)));
    ServerState {
        name: x.name.clone(),
        version: x.exchange.version.clone(),
        site: x.site.clone(),
        present: existing,
        client_access,
        certificate,
        urls,
        outlook_anywhere,
        scp: (existing && client_access && has_autodiscover(specs, &x.exchange.version))
            .then(|| x.name.clone()),
        exchange2003_url: None,
        mailboxes,
        databases: plan
            .databases
            .iter()
            .filter(|d| !d.create && d.server.eq_ignore_ascii_case(&x.name))
            .map(|d| d.name.clone())
            .collect(),
        public_folders,
        tasks: Vec::new(),
        inbound: false,
    }
}

fn has_autodiscover(specs: &Specs, version: &str) -> bool {
    specs
        .get(version)
        .and_then(|s| s.client_access.as_ref())
        .is_some_and(|c| c.services.contains(&Service::Autodiscover))
}

/// The existing servers internet mail goes in and out through: Edge Transport servers, else
/// the transport servers of the internet-facing site.
fn internet_mail_servers(plan: &ir::Plan, specs: &Specs) -> Vec<String> {
    let edges: Vec<String> = plan
        .servers
        .iter()
        .filter(|x| !x.new && x.has(Role::Edge))
        .map(|x| x.name.clone())
        .collect();
    if edges.is_empty() {
        facing_legacy(plan, specs, Role::Hub)
    } else {
        edges
    }
}

/// Existing servers of the target's forest with `role`, in the internet-facing sites, of the
/// newest older version that has such servers there.
fn facing_legacy(plan: &ir::Plan, specs: &Specs, role: Role) -> Vec<String> {
    // Where no front-end exists, a 2000/2003 back-end answers clients itself.
    let serves = |x: &ir::Server| {
        x.has(role)
            || (role == Role::Cas
                && x.has(Role::Mailbox)
                && specs
                    .get(&x.exchange.version)
                    .is_some_and(|s| s.shell.is_none()))
    };
    let mut candidates: Vec<&ir::Server> = plan
        .servers
        .iter()
        .filter(|x| {
            !x.new
                && x.has(role)
                && !x.has(Role::Edge)
                && plan.in_target_forest(x)
                && plan.faces_internet(&x.site)
        })
        .collect();
    if candidates.is_empty() {
        candidates = plan
            .servers
            .iter()
            .filter(|x| {
                !x.new && serves(x) && plan.in_target_forest(x) && plan.faces_internet(&x.site)
            })
            .collect();
    }
    let Some(newest) = candidates
        .iter()
        .map(|x| specs.rank(&x.exchange.version))
        .max()
    else {
        return Vec::new();
    };
    candidates
        .into_iter()
        .filter(|x| specs.rank(&x.exchange.version) == newest)
        .map(|x| x.name.clone())
        .collect()
}

fn names(plan: &ir::Plan, specs: &Specs, state: &State) -> Vec<NameState> {
    let front = facing_legacy(plan, specs, Role::Cas);
    let answers_autodiscover = front.iter().any(|name| {
        state
            .servers
            .iter()
            .any(|s| &s.name == name && has_autodiscover(specs, &s.version))
    });
    let mut names = Vec::new();
    if let Some(n) = &plan.namespaces.primary {
        names.push(NameState {
            host: n.host.clone(),
            role: role::PRIMARY.to_owned(),
            servers: front.clone(),
        });
    }
    if let Some(n) = &plan.namespaces.autodiscover {
        names.push(NameState {
            host: n.host.clone(),
            role: role::AUTODISCOVER.to_owned(),
            servers: if answers_autodiscover {
                front.clone()
            } else {
                Vec::new()
            },
        });
    }
    if let Some(n) = &plan.namespaces.legacy {
        names.push(NameState {
            host: n.host.clone(),
            role: role::LEGACY.to_owned(),
            servers: Vec::new(),
        });
    }
    names
}

fn default_oab(plan: &ir::Plan, specs: &Specs) -> Vec<OabState> {
    let mailbox: Vec<&ir::Server> = plan
        .servers
        .iter()
        .filter(|x| !x.new && x.has(Role::Mailbox) && plan.in_target_forest(x))
        .collect();
    let Some(newest) = mailbox
        .iter()
        .map(|x| specs.rank(&x.exchange.version))
        .max()
    else {
        return Vec::new();
    };
    mailbox
        .iter()
        .find(|x| specs.rank(&x.exchange.version) == newest)
        .map(|x| OabState {
            name: DEFAULT_OAB.to_owned(),
            generated_by: x.name.clone(),
        })
        .into_iter()
        .collect()
}

/// The work the plan's statements declare, each finished by the step that carries it out.
fn declared(plan: &ir::Plan, specs: &Specs) -> Vec<Pending> {
    let mut todo = Vec::new();
    let mut add = |key: String, what: String, origin: &ir::Origin| {
        if !todo.iter().any(|p: &Pending| p.key == key) {
            todo.push(Pending {
                key,
                what,
                origin: origin.clone(),
                declared: true,
            });
        }
    };
    for db in plan.databases.iter().filter(|d| d.create) {
        add(
            key::database(&db.name),
            format!("the database {} is created", db.name),
            &db.origin,
        );
        if !db.copies.is_empty() {
            add(
                key::copies(&db.name),
                format!("the copies of {} are added", db.name),
                &db.origin,
            );
        }
    }
    for site in &plan.sites {
        if let Some(array) = &site.cas_array {
            add(
                key::created("client access array", &array.host),
                format!(
                    "site {} has the Client Access array {}",
                    site.name, array.host
                ),
                &array.origin,
            );
        }
    }
    for dag in plan.dags.iter() {
        if dag.members.iter().any(|m| is_new(plan, m)) {
            add(
                key::dag(&dag.name),
                format!("the DAG {} is built", dag.name),
                &dag.origin,
            );
        }
    }
    for cert in &plan.certificates {
        for (server, _) in &cert.install_on {
            add(
                key::certificate(&cert.friendly_name, server),
                format!("{server} has the certificate {}", cert.friendly_name),
                &cert.origin,
            );
        }
    }
    for ca in &plan.client_access {
        if let Some(oa) = &ca.outlook_anywhere {
            add(
                key::outlook_anywhere(&ca.server),
                format!("Outlook Anywhere is set on {}", ca.server),
                &oa.origin,
            );
        }
        if let Some((oab, origin)) = &ca.offline_address_book {
            add(
                key::oab(oab),
                format!(
                    "the offline address book {oab} is generated by {}",
                    ca.server
                ),
                origin,
            );
        }
    }
    for mf in &plan.mail_flow {
        if let Some(inbound) = &mf.inbound {
            add(
                key::inbound(&mf.server),
                format!("internet mail comes in through {}", mf.server),
                &inbound.origin,
            );
        }
        for c in &mf.send_connectors {
            add(
                key::send_connector(&c.name),
                format!("the send connector {} sends from {}", c.name, mf.server),
                &c.origin,
            );
        }
        for rgc in &mf.routing_group_connectors {
            add(
                key::created("routing group connector", &rgc.name),
                format!("the routing group connector {} exists", rgc.name),
                &rgc.origin,
            );
        }
        for ad in &mf.accepted_domains {
            add(
                key::created("accepted domain", &ad.domain),
                format!("{} is an accepted domain", ad.domain),
                &ad.origin,
            );
        }
        for xf in &mf.cross_forest_connectors {
            add(
                key::created("cross-forest connector", &xf.name),
                format!("the cross-forest connector {} exists", xf.name),
                &xf.origin,
            );
        }
    }
    for v in &plan.validations {
        add(
            key::validated(&v.server),
            format!("{} is validated", v.server),
            &v.origin,
        );
    }
    for batch in &plan.moves {
        add(
            key::batch(&batch.name),
            format!(
                "the mailboxes of batch {} are on {}",
                batch.name, batch.target_database
            ),
            &batch.origin,
        );
    }
    for pf in &plan.public_folders {
        add(
            key::public_folders(&pf.from),
            format!("the public folders of {} are on {}", pf.from, pf.to),
            &pf.origin,
        );
    }
    for g in &plan.galsync {
        add(
            key::task(&g.server),
            format!("the GALSync task runs on {}", g.server),
            &g.origin,
        );
    }
    for d in &plan.decommission {
        add(
            key::removed(&d.server),
            format!("{} is removed from the organization", d.server),
            &d.origin,
        );
    }
    for x in plan.servers.iter().filter(|x| x.new) {
        add(
            key::installed(&x.name),
            format!("{} is installed", x.name),
            &x.origin,
        );
    }
    // Facts §6.3: the names clients use move to the new Client Access servers of the
    // internet-facing site, and every older Client Access server's Autodiscover service
    // connection point leads to the Autodiscover name.
    let facing_cas = plan
        .servers
        .iter()
        .any(|x| x.new && x.has(Role::Cas) && plan.faces_internet(&x.site));
    if let Some(primary) = plan.namespaces.primary.as_ref().filter(|_| facing_cas) {
        for n in [Some(primary), plan.namespaces.autodiscover.as_ref()]
            .into_iter()
            .flatten()
        {
            add(
                key::switched(&n.host),
                format!("{} points at the new Client Access servers", n.host),
                &n.origin,
            );
        }
    }
    let autodiscover = plan
        .namespaces
        .autodiscover
        .as_ref()
        .or(plan.namespaces.primary.as_ref());
    // As the legacy_scp step chooses them.
    for x in plan
        .older(Role::Cas, specs)
        .filter(|x| has_autodiscover(specs, &x.exchange.version))
    {
        if let Some(n) = autodiscover {
            add(
                key::legacy_scp(&x.name),
                format!(
                    "the Autodiscover service connection point of {} leads to {}",
                    x.name, n.host
                ),
                &n.origin,
            );
        }
    }
    for x in plan.servers.iter().filter(|x| x.upgrade_to.is_some()) {
        add(
            key::upgrade(&x.name),
            format!("{} is upgraded in place", x.name),
            &x.origin,
        );
    }
    for x in plan.servers.iter().filter(|x| x.new && x.has(Role::Edge)) {
        add(
            key::edge(&x.name),
            format!("the Edge Transport server {} is subscribed", x.name),
            &x.origin,
        );
    }
    for x in &plan.exmerge {
        add(
            key::exmerge(&x.server),
            format!("the PST files exported from {} are imported", x.server),
            &x.origin,
        );
    }
    todo
}
