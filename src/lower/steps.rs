//! IR → steps. A step is one unit of work for one template: its kind, the shell that runs
//! it, the server it must run on (if any), the plan line it came from and its context.
//! Which steps exist follows from the IR; which version's shell runs each follows from the
//! servers it touches. Nothing here knows a version by number.

use crate::ir::{self, Origin, Role};
use crate::specs::{Specs, VersionSpec};
use serde::Serialize;
use serde_json::{Value, json};

/// The step kinds lowering produces; each is a template `<kind>.ps1.j2`.
pub const KINDS: &[&str] = &[
    "preflight",
    "prepare_schema",
    "prepare_ad",
    "install_server",
    "post_install",
    "databases",
    "legacy_urls",
    "certificate_request",
    "certificate_install",
    "certificate_legacy",
    "outlook_anywhere",
    "offline_address_book",
    "inbound_anonymous",
    "send_connector",
    "validate",
    "move_mailboxes",
    "move_status",
    "move_clear",
    "public_folders",
    "public_folders_status",
    "decommission",
];

/// Which shell runs a script.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "version", rename_all = "lowercase")]
pub enum Shell {
    /// The Exchange Management Shell of this version.
    Exchange(String),
    /// Plain Windows PowerShell, running this version's setup from the media.
    Setup(String),
}

impl Shell {
    /// The version whose templates render the step.
    #[must_use]
    pub fn version(&self) -> &str {
        match self {
            Shell::Exchange(v) | Shell::Setup(v) => v,
        }
    }
}

/// One unit of work.
#[derive(Debug, Clone)]
pub struct Step {
    /// Template kind, one of `KINDS`.
    pub kind: &'static str,
    /// The shell that runs it.
    pub shell: Shell,
    /// The server the script must run on, when it acts on the local machine.
    pub run_on: Option<String>,
    /// The plan statement it carries out.
    pub origin: Origin,
    /// What the template needs.
    pub context: Value,
}

struct Steps<'a> {
    plan: &'a ir::Plan,
    specs: &'a Specs,
    target: &'a VersionSpec,
    out: Vec<Step>,
}

impl Steps<'_> {
    fn push(&mut self, kind: &'static str, shell: Shell, origin: &Origin, context: Value) {
        self.push_on(kind, shell, None, origin, context);
    }

    fn push_on(
        &mut self,
        kind: &'static str,
        shell: Shell,
        run_on: Option<String>,
        origin: &Origin,
        context: Value,
    ) {
        debug_assert!(KINDS.contains(&kind), "unknown step kind {kind}");
        self.out.push(Step {
            kind,
            shell,
            run_on,
            origin: origin.clone(),
            context,
        });
    }

    fn exchange(version: &str) -> Shell {
        Shell::Exchange(version.to_owned())
    }

    fn setup(&self) -> Shell {
        Shell::Setup(self.plan.target.version.clone())
    }

    fn server(&self, name: &str) -> Option<&ir::Server> {
        self.plan
            .servers
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// Every step of the plan, in IR order within each kind.
#[must_use]
pub fn build(plan: &ir::Plan, specs: &Specs) -> Vec<Step> {
    let Some(target) = specs.get(&plan.target.version) else {
        return Vec::new();
    };
    let mut s = Steps {
        plan,
        specs,
        target,
        out: Vec::new(),
    };
    preflight(&mut s);
    prepare(&mut s);
    install(&mut s);
    client_access(&mut s);
    databases(&mut s);
    legacy_urls(&mut s);
    certificates(&mut s);
    mail_flow(&mut s);
    validations(&mut s);
    moves(&mut s);
    public_folders(&mut s);
    decommission(&mut s);
    s.out
}

/// R01, R02: checks run in the shell of the newest existing version that has one.
fn preflight(s: &mut Steps<'_>) {
    let Some(shell_version) = s
        .plan
        .sources
        .iter()
        .rev()
        .find(|v| s.specs.get(v).is_some())
    else {
        return;
    };
    let minimums: Vec<Value> = s
        .plan
        .sources
        .iter()
        .filter_map(|v| {
            let coexist = s.target.coexists_with(v)?;
            let spec = s.specs.get(v)?;
            let build = spec.update(&coexist.minimum.level)?;
            Some(json!({
                "version": v, "major": spec.major, "level": coexist.minimum.level,
                "build": build.build, "source": coexist.source,
            }))
        })
        .collect();
    let existing: Vec<Value> = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new)
        .map(|x| json!({ "name": x.name, "version": x.exchange.version, "level": x.exchange.level, "edge": x.has(Role::Edge) }))
        .collect();
    let ffl = &s.target.forest_functional_level;
    let min_rank = s.specs.functional_level_rank(&ffl.value).unwrap_or(0);
    let below: Vec<&str> = s.specs.functional_levels()[..min_rank]
        .iter()
        .map(|l| l.forest_mode.as_str())
        .collect();
    let sites: Vec<&str> = s
        .plan
        .sites
        .iter()
        .filter(|x| !x.servers.is_empty())
        .map(|x| x.name.as_str())
        .collect();
    let context = json!({
        "target": s.plan.target,
        "minimums": minimums,
        "existing": existing,
        "forest": { "minimum": ffl.value, "below": below, "source": ffl.source },
        "global_catalog_sites": if s.target.global_catalog_per_site.as_ref().is_some_and(|f| f.value) { sites } else { Vec::new() },
    });
    let origin = s.plan.target_origin.clone();
    s.push(
        "preflight",
        Steps::exchange(shell_version),
        &origin,
        context,
    );
}

/// R07: schema and AD preparation from the media (no legacy permissions for 2007 organizations).
fn prepare(s: &mut Steps<'_>) {
    if s.plan.install_order.is_empty() {
        return;
    }
    let setup = &s.target.setup;
    let schema = setup.schema_version.get(&s.plan.target.level.base).copied();
    let context = json!({
        "target": s.plan.target,
        "media": s.plan.media,
        "program": setup.program,
        "schema_version": schema,
        "switches": setup.prepare_schema.iter().chain(&setup.license).collect::<Vec<_>>(),
    });
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push("prepare_schema", shell.clone(), &origin, context.clone());
    let mut context = context;
    context["switches"] = json!(
        setup
            .prepare_ad
            .iter()
            .chain(&setup.license)
            .collect::<Vec<_>>()
    );
    s.push("prepare_ad", shell, &origin, context);
}

/// R06: each new server in install order, all its roles in one setup run, on the server itself.
fn install(s: &mut Steps<'_>) {
    let setup = &s.target.setup;
    for name in &s.plan.install_order {
        let Some(server) = s.server(name) else {
            continue;
        };
        let roles = format!("{}{}", setup.roles_switch, server.setup_roles.join(","));
        let switches: Vec<&String> = setup
            .install
            .iter()
            .chain(std::iter::once(&roles))
            .chain(&setup.license)
            .collect();
        let context = json!({
            "server": server.name,
            "os": server.os,
            "target": s.plan.target,
            "media": s.plan.media,
            "program": setup.program,
            "switches": switches,
            "installed_key": setup.installed_key.value,
            "roles": server.setup_roles,
        });
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on("install_server", shell, run_on, &origin, context);
    }
}

fn url(host: &str, path: &str) -> String {
    format!("https://{host}{path}")
}

/// Post-install URLs (Autodiscover SCP, virtual directories), Outlook Anywhere and OAB.
fn client_access(s: &mut Steps<'_>) {
    for ca in &s.plan.client_access {
        let Some(spec) = s.specs.get(&ca.version) else {
            continue;
        };
        let vdirs: Vec<Value> = spec
            .virtual_directories
            .iter()
            .map(|v| json!({ "noun": v.noun, "name": v.name, "internal": url(&ca.internal_host, &v.path), "external": url(&ca.external_host, &v.path) }))
            .collect();
        let shell = Steps::exchange(&ca.version);
        let context = json!({
            "server": ca.server,
            "scp": url(&ca.autodiscover_host, "/Autodiscover/Autodiscover.xml"),
            "virtual_directories": vdirs,
        });
        s.push("post_install", shell.clone(), &ca.origin, context);
        if let Some(oa) = &ca.outlook_anywhere {
            s.push(
                "outlook_anywhere",
                shell.clone(),
                &oa.origin,
                json!({ "server": ca.server, "oa": oa }),
            );
        }
        if let Some((oab, origin)) = &ca.offline_address_book {
            s.push(
                "offline_address_book",
                shell.clone(),
                origin,
                json!({ "server": ca.server, "oab": oab }),
            );
        }
    }
}

/// New databases, public folder databases first so mailbox databases can point at them.
fn databases(s: &mut Steps<'_>) {
    let mut dbs: Vec<&ir::Database> = s.plan.databases.iter().filter(|d| d.create).collect();
    dbs.sort_by_key(|d| d.kind != ir::DatabaseKind::PublicFolder);
    for db in dbs {
        s.push(
            "databases",
            Steps::exchange(&db.version),
            &db.origin,
            json!({ "db": db }),
        );
    }
}

/// R09: older Client Access servers answer on the legacy name.
fn legacy_urls(s: &mut Steps<'_>) {
    let Some(legacy) = &s.plan.namespaces.legacy else {
        return;
    };
    for server in s.plan.servers.iter().filter(|x| !x.new && x.has(Role::Cas)) {
        if !s
            .target
            .legacy_namespace_for
            .contains(&server.exchange.version)
        {
            continue;
        }
        let Some(spec) = s.specs.get(&server.exchange.version) else {
            continue;
        };
        let vdirs: Vec<Value> = spec
            .virtual_directories
            .iter()
            .filter(|v| v.legacy)
            .map(|v| json!({ "noun": v.noun, "name": v.name, "external": url(&legacy.host, &v.path), "source": v.source }))
            .collect();
        let new_cas = s
            .plan
            .servers
            .iter()
            .find(|x| x.new && x.has(Role::Cas))
            .map(|x| x.name.clone());
        let current: Vec<&String> = [&s.plan.namespaces.primary, &s.plan.namespaces.autodiscover]
            .into_iter()
            .flatten()
            .map(|n| &n.host)
            .collect();
        let context = json!({
            "server": server.name, "legacy": legacy.host, "virtual_directories": vdirs,
            "current_names": current, "new_cas": new_cas,
        });
        s.push(
            "legacy_urls",
            Steps::exchange(&server.exchange.version),
            &legacy.origin,
            context,
        );
    }
}

/// R10: request on the first server, install on every server named.
fn certificates(s: &mut Steps<'_>) {
    for cert in &s.plan.certificates {
        let exported = cert.install_on.len() > 1;
        let request = json!({
            "server": cert.request_on, "subject": cert.subject, "names": cert.names,
            "friendly_name": cert.friendly_name, "exportable": exported,
        });
        s.push(
            "certificate_request",
            Steps::exchange(&cert.request_version),
            &cert.origin,
            request,
        );
        let same: Vec<&String> = cert
            .install_on
            .iter()
            .filter(|(_, v)| *v == cert.request_version)
            .map(|(n, _)| n)
            .collect();
        let others: Vec<&(String, String)> = cert
            .install_on
            .iter()
            .filter(|(_, v)| *v != cert.request_version)
            .collect();
        let install = json!({
            "server": cert.request_on, "also": same.iter().skip(1).collect::<Vec<_>>(),
            "services": cert.services, "export": !others.is_empty() || same.len() > 1,
        });
        s.push(
            "certificate_install",
            Steps::exchange(&cert.request_version),
            &cert.origin,
            install,
        );
        for (server, version) in others {
            let context = json!({ "server": server, "services": ["IIS"] });
            s.push_on(
                "certificate_legacy",
                Steps::exchange(version),
                Some(server.clone()),
                &cert.origin,
                context,
            );
        }
    }
}

/// R13, R14: anonymous inbound mail and send connector sources.
fn mail_flow(s: &mut Steps<'_>) {
    for mf in &s.plan.mail_flow {
        let shell = Steps::exchange(&mf.version);
        if let Some(origin) = &mf.inbound_anonymous {
            s.push(
                "inbound_anonymous",
                shell.clone(),
                origin,
                json!({ "server": mf.server }),
            );
        }
        for (connector, origin) in &mf.send_connectors {
            s.push(
                "send_connector",
                shell.clone(),
                origin,
                json!({ "server": mf.server, "connector": connector }),
            );
        }
    }
}

fn validations(s: &mut Steps<'_>) {
    for v in &s.plan.validations {
        s.push(
            "validate",
            Steps::exchange(&v.version),
            &v.origin,
            json!({ "v": v }),
        );
    }
}

/// R15: move requests per batch, their status, and clearing completed ones.
fn moves(s: &mut Steps<'_>) {
    for batch in &s.plan.moves {
        let shell = Steps::exchange(&batch.version);
        s.push(
            "move_mailboxes",
            shell.clone(),
            &batch.origin,
            json!({ "batch": batch }),
        );
        s.push(
            "move_status",
            shell.clone(),
            &batch.origin,
            json!({ "batch": batch }),
        );
        s.push(
            "move_clear",
            shell,
            &batch.origin,
            json!({ "batch": batch }),
        );
    }
}

/// R16: replicas move with the version's bundled script, then are watched.
fn public_folders(s: &mut Steps<'_>) {
    for pf in &s.plan.public_folders {
        let context = json!({ "from": pf.from, "to": pf.to });
        let shell = Steps::exchange(&pf.version);
        s.push("public_folders", shell.clone(), &pf.origin, context.clone());
        s.push("public_folders_status", shell, &pf.origin, context);
    }
}

/// R17: remove the old databases once nothing is left on them.
fn decommission(s: &mut Steps<'_>) {
    for d in &s.plan.decommission {
        let context = json!({ "server": d.server, "mailbox": d.mailbox, "version": d.version });
        s.push(
            "decommission",
            Steps::exchange(&d.version),
            &d.origin,
            context,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::KINDS;
    use crate::specs::Specs;

    #[test]
    fn every_phase_step_is_a_kind_and_every_kind_has_a_phase() {
        for spec in Specs::embedded()
            .all()
            .iter()
            .filter(|s| !s.phases.is_empty())
        {
            let listed: Vec<&str> = spec
                .phases
                .iter()
                .flat_map(|p| p.steps.iter().map(String::as_str))
                .collect();
            for step in &listed {
                assert!(
                    KINDS.contains(step),
                    "{}: unknown step kind {step}",
                    spec.version
                );
            }
            for kind in KINDS {
                assert!(
                    listed.contains(kind),
                    "{}: step kind {kind} is in no phase",
                    spec.version
                );
            }
        }
    }
}
