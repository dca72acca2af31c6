//! Steps: the units of work analysis schedules and lowering renders.
//!
//! A step is one kind ([`StepKind`]) with one typed context ([`StepContext`]): what its
//! template `<kind>.ps1.j2` and runbook partial `<kind>.md.j2` need, as a `Serialize` struct
//! of this module. The kinds are listed once, in `crate::step_kind`; the spec files name them
//! in their `phases`, which are checked against [`StepKind`] when the specs load.
//!
//! Analysis (`analyze::schedule`) builds the steps from the IR, orders them into
//! [`ScheduledScript`]s by the target's phases, and walks them through the organization model
//! (`analyze::model`) with the effects each kind declares (`Declares`); lowering renders them.

mod client;
mod coexistence;
mod dag;
mod edge;
mod galsync;
mod mailboxes;
mod setup;

pub use client::*;
pub use coexistence::*;
pub use dag::*;
pub use edge::*;
pub use galsync::*;
pub use mailboxes::*;
pub use setup::*;

pub use crate::step_kind::StepKind;

use super::Origin;
use super::state::{Effect, Need};
use serde::Serialize;

/// Defines [`StepContext`] from the list in `crate::with_step_kinds!`.
#[macro_export]
#[doc(hidden)]
macro_rules! define_step_context {
    ($($(#[doc = $doc:literal])+ $name:literal => $variant:ident($ty:ty),)+) => {
        /// What one step's template needs: one typed context per kind.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum StepContext {
            $($(#[doc = $doc])+ $variant($ty),)+
        }

        impl StepContext {
            /// Its kind.
            #[must_use]
            pub fn kind(&self) -> StepKind {
                match self {
                    $(StepContext::$variant(_) => StepKind::$variant,)+
                }
            }

            /// The context as what every kind declares about itself.
            #[must_use]
            pub fn declares(&self) -> &dyn Declares {
                match self {
                    $(StepContext::$variant(c) => c,)+
                }
            }
        }
    };
}

crate::with_step_kinds!(define_step_context);

/// What every step kind declares about itself besides its template's values: what it needs
/// before it runs and what it changes in the organization (the vocabulary of [`crate::ir::state`]),
/// which the model (`analyze::model`) walks phase by phase.
pub trait Declares {
    /// What must be true before the step runs.
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        let _ = kind;
        Vec::new()
    }

    /// What the step changes. `kind` tells apart the kinds that share a context type.
    fn effects(&self, kind: StepKind) -> Vec<Effect>;

    /// What the step of `kind` asks the person running it for (a password, credentials, a
    /// confirmation): such a script cannot run unattended, and the runbook says so. Per kind,
    /// like `needs` and `effects`: kinds that share a context type do not share their
    /// templates' prompts (only the removal of legacy public folder replicas confirms, not
    /// adding them or watching them).
    fn asks_for(&self, kind: StepKind) -> Option<&'static str> {
        let _ = kind;
        None
    }

    /// The PowerShell level the step needs when above its shell's own (Exchange 2007's shell
    /// running the public folder migration scripts, which need 2.0): the script's header names
    /// it and its skeleton checks it.
    fn powershell(&self) -> Option<&str> {
        None
    }
}

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
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The shell that runs it.
    pub shell: Shell,
    /// The server the script must run on, when it acts on the local machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_on: Option<String>,
    /// The plan statement it carries out.
    pub origin: Origin,
    /// What its template needs; its kind.
    #[serde(skip)]
    pub context: StepContext,
}

impl Step {
    /// Its kind.
    #[must_use]
    pub fn kind(&self) -> StepKind {
        self.context.kind()
    }
}

/// One script of the schedule: the steps of one phase that run in one shell (and, for a phase
/// that runs on each server, on one server). Lowering numbers the scripts and names their files.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledScript {
    /// Phase id from the target's spec (`client-access`).
    pub phase: String,
    /// Phase title.
    pub title: String,
    /// The shell that runs it.
    pub shell: Shell,
    /// The server it must run on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_on: Option<String>,
    /// The PowerShell level the script needs when above its shell's own (see
    /// [`Declares::powershell`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<String>,
    /// Its steps, in order.
    #[serde(skip)]
    pub steps: Vec<Step>,
}

/// Every script of a plan, in execution order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schedule {
    /// The scripts, in execution order.
    pub scripts: Vec<ScheduledScript>,
}
