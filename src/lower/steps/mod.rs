//! IR → steps. Each file here turns one family of IR items into steps: `setup` (preflight,
//! AD preparation, installation), `client` (URLs, namespaces, certificates, client access,
//! mail flow, validation), `mailboxes` (databases, moves, public folders, decommissioning).
//!
//! A step is one unit of work for one template: its kind, the shell that runs
//! it, the server it must run on (if any), the plan line it came from and its context.
//! Which steps exist follows from the IR; which version's shell runs each follows from the
//! servers it touches. Nothing here knows a version by number.

use crate::ir::{self, Origin};
use crate::specs::{Specs, VersionSpec};
use serde::Serialize;
use serde_json::Value;

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
    "galsync",
    "validate_legacy",
    "legacy_oab",
    "move_arbitration",
    "legacy_outlook_anywhere",
    "namespace_switch",
    "preflight_legacy",
    "prepare_legacy_permissions",
    "routing_group_connector",
    "public_folders_remove",
    "decommission_legacy",
    "routing_group_connector_remove",
    "address_policies",
    "accepted_domain",
    "cross_forest_connector",
    "move_mailboxes_cross_forest",
    "legacy_owa",
    "upgrade_server",
    "public_folder_mailboxes",
    "public_folder_mailboxes_status",
    "dag",
    "database_copies",
    "migration_batch",
    "migration_batch_status",
    "migration_batch_complete",
    "public_folder_migration_check",
    "public_folder_migration_prepare",
    "public_folder_migration_batch",
    "public_folder_migration_status",
    "public_folder_migration_lock",
    "public_folder_migration_cutover",
    "public_folder_migration_finish",
    "public_folder_migration_local",
    "edge_subscription",
    "edge_sync",
    "import_mailbox",
];

/// Which shell runs a script.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "version", rename_all = "lowercase")]
pub enum Shell {
    /// The Exchange Management Shell of this version.
    Exchange(String),
    /// Plain Windows PowerShell, running this version's setup from the media.
    Setup(String),
    /// The local Management Shell of this version's Edge Transport server (facts §5.1: no
    /// remote shell and no RBAC; the snap-ins of its console file), skeleton `edge.ps1.j2`.
    Edge(String),
}

impl Shell {
    /// The version whose templates render the step.
    #[must_use]
    pub fn version(&self) -> &str {
        match self {
            Shell::Exchange(v) | Shell::Setup(v) | Shell::Edge(v) => v,
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

    /// Whether the target's phases carry out steps of `kind` (kinds are shared across targets).
    fn wants(&self, kind: &str) -> bool {
        self.target
            .phases
            .iter()
            .any(|p| p.steps.iter().any(|k| k == kind))
    }

    /// Existing servers of versions older than the target, with `role`, in plan order.
    fn legacy(&self, role: ir::Role) -> impl Iterator<Item = &ir::Server> {
        let target = self.specs.rank(&self.plan.target.version);
        self.plan.servers.iter().filter(move |x| {
            !x.new
                && x.has(role)
                && self.specs.rank(&x.exchange.version) < target
                && self.plan.in_target_forest(x)
        })
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

/// The step builders, each turning one family of IR items into steps. Their order is only the
/// order of steps within a phase that holds several kinds; phases order the scripts.
const BUILDERS: &[fn(&mut Steps<'_>)] = &[
    setup::preflight,
    setup::preflight_legacy,
    setup::prepare_legacy_permissions,
    setup::prepare,
    setup::install,
    setup::upgrade,
    client::client_access,
    mailboxes::databases,
    dag::dags,
    client::legacy_urls,
    client::legacy_owa,
    client::certificates,
    client::mail_flow,
    client::routing_group_connectors,
    client::cross_forest,
    client::validations,
    coexistence::legacy_validations,
    coexistence::legacy_oab,
    coexistence::arbitration,
    coexistence::legacy_outlook_anywhere,
    coexistence::namespace_switch,
    mailboxes::moves,
    mailboxes::public_folders,
    mailboxes::decommission,
    galsync::galsync,
    mailboxes::legacy_removal,
    edge::edge_subscriptions,
    mailboxes::exmerge_imports,
];

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
    for builder in BUILDERS {
        builder(&mut s);
    }
    s.out
}

mod client;
mod coexistence;
mod dag;
mod edge;
mod galsync;
mod mailboxes;
mod setup;

#[cfg(test)]
mod tests {
    use super::KINDS;
    use crate::specs::Specs;

    #[test]
    fn every_phase_step_is_a_kind_and_every_kind_has_a_phase() {
        // Kinds are shared across targets, and a kind may be missing from one target's phases
        // (a 2007 target has no move status: its moves are synchronous; lowering reports such
        // a step as E0501). Every kind a target lists must exist, and every kind is carried out
        // by some target.
        let targets: Vec<_> = Specs::embedded()
            .all()
            .iter()
            .filter(|s| !s.phases.is_empty())
            .collect();
        let mut listed: Vec<&str> = Vec::new();
        for spec in &targets {
            for step in spec.phases.iter().flat_map(|p| p.steps.iter()) {
                assert!(
                    KINDS.contains(&step.as_str()),
                    "{}: unknown step kind {step}",
                    spec.version
                );
                listed.push(step);
            }
        }
        for kind in KINDS {
            assert!(listed.contains(kind), "step kind {kind} is in no phase");
        }
    }
}
