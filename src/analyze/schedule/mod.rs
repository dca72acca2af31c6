//! IR → the schedule: every step of the plan, typed, ordered into scripts by the target's
//! phases.
//!
//! Each file here turns one family of IR items into steps: `setup` (preflight, AD preparation,
//! installation), `client` (URLs, namespaces, certificates, client access, mail flow,
//! validation), `coexistence` (what older servers need beside the target), `mailboxes`
//! (databases, moves, public folders, decommissioning), `dag`, `edge`, `galsync`. A step is one
//! unit of work for one template: its typed context ([`StepContext`]), the shell that runs it,
//! the server it must run on (if any) and the plan line it came from. Which steps exist follows
//! from the IR; which version's shell runs each follows from the servers it touches; `phases`
//! orders them into scripts. Nothing here knows a version by number.

mod phases;

use crate::diag::Diagnostics;
use crate::ir::steps::{Schedule, Shell, Step, StepContext, StepKind};
use crate::ir::{self, Origin};
use crate::specs::{Specs, VersionSpec};

struct Steps<'a> {
    plan: &'a ir::Plan,
    specs: &'a Specs,
    target: &'a VersionSpec,
    out: Vec<Step>,
}

impl Steps<'_> {
    fn push(&mut self, shell: Shell, origin: &Origin, context: StepContext) {
        self.push_on(shell, None, origin, context);
    }

    fn push_on(
        &mut self,
        shell: Shell,
        run_on: Option<String>,
        origin: &Origin,
        context: StepContext,
    ) {
        self.out.push(Step {
            shell,
            run_on,
            origin: origin.clone(),
            context,
        });
    }

    /// Whether the target's phases carry out steps of `kind` (kinds are shared across targets).
    fn wants(&self, kind: StepKind) -> bool {
        self.target.carries_out(kind)
    }

    /// Existing servers of versions older than the target, with `role`, in plan order.
    fn legacy(&self, role: ir::Role) -> impl Iterator<Item = &ir::Server> {
        self.plan.older(role, self.specs)
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
    setup::prepare_domains,
    setup::install,
    setup::upgrade,
    client::client_access,
    client::client_access_arrays,
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
    coexistence::legacy_scp,
    coexistence::namespace_switch,
    mailboxes::moves,
    mailboxes::public_folders,
    coexistence::legacy_oab_remove,
    dag::leave,
    mailboxes::decommission,
    galsync::galsync,
    mailboxes::legacy_removal,
    edge::edge_subscriptions,
    mailboxes::exmerge_imports,
];

/// The plan's schedule: its steps ordered into scripts by the target's phases. A step whose
/// kind the target's phases do not carry out is E0501.
#[must_use]
pub fn schedule(plan: &ir::Plan, specs: &Specs) -> (Schedule, Diagnostics) {
    let steps = build(plan, specs);
    let (mut schedule, diagnostics) = phases::arrange(plan, specs, steps);
    mailboxes::check_system_mailboxes_once(&mut schedule);
    (schedule, diagnostics)
}

/// Every step of the plan, in IR order within each kind.
fn build(plan: &ir::Plan, specs: &Specs) -> Vec<Step> {
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
