//! The organization model: the schedule walked phase by phase through what each step kind
//! declares it needs and changes (`ir::steps::Declares`), with the invariants checked at every
//! phase boundary. Its findings are diagnostics (E07xx) with the plan line of the step that
//! breaks an invariant, the phase where it breaks and the fix; its states are what
//! `exgen ir --states` prints and the runbook's "what users see" tables show.
//!
//! Invariants:
//! - setup: a server is installed only beside versions its setup accepts at its level (E0701);
//! - client access: every name clients use leads to servers whose certificate covers it
//!   (E0703) and that serve, proxy or redirect every mailbox that exists then, per service,
//!   and every Autodiscover service connection point leads to a server that answers (E0702);
//! - order: a step runs only after what it needs (E0707);
//! - decommission: a server is removed only when nothing lives on it (E0705) and nothing
//!   points at it (E0706);
//! - completion: what a step starts is finished by a later step (E0704), and the end state is
//!   the plan's: every statement carried out (E0708).

mod access;
mod apply;
mod decommission;
mod initial;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir::state::{Effect, State};
use crate::ir::steps::{Schedule, Step};
use crate::ir::{self};
use crate::specs::Specs;

/// Everything one step needs from the plan and specs, in the phase it runs in.
pub(super) struct Cx<'a> {
    pub plan: &'a ir::Plan,
    pub specs: &'a Specs,
    pub phase: &'a str,
}

/// Diagnostics found by the walk, at most one per problem.
pub(super) struct Findings {
    diags: Diagnostics,
    seen: Vec<String>,
}

impl Findings {
    fn new() -> Findings {
        Findings {
            diags: Diagnostics::new(),
            seen: Vec::new(),
        }
    }

    /// Reports `message` at `step`'s plan line, in `phase`.
    pub(super) fn error(
        &mut self,
        code: Code,
        step: &Step,
        phase: &str,
        message: String,
        help: &str,
    ) {
        self.report(code, &step.origin, phase, message, help);
    }

    fn report(
        &mut self,
        code: Code,
        origin: &ir::Origin,
        phase: &str,
        message: String,
        help: &str,
    ) {
        let key = format!("{code:?} {message}");
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        self.diags.push(
            Diagnostic::new(code, origin.span, message)
                .with_label(format!("breaks in phase `{phase}`"))
                .with_help(help.to_owned()),
        );
    }
}

/// Walks `schedule` from the organization `plan` describes: the state after each phase (the
/// first is the state before any), and what breaks on the way.
#[must_use]
pub fn walk(plan: &ir::Plan, schedule: &Schedule, specs: &Specs) -> (Vec<State>, Diagnostics) {
    walk_with(plan, schedule, specs, true)
}

/// [`walk`]; when `keep` is false only what breaks, with no state kept (nor the rows of who
/// reaches what, which only the kept states show): a check that writes no runbook skips a copy
/// of the whole organization per phase.
#[must_use]
pub fn walk_with(
    plan: &ir::Plan,
    schedule: &Schedule,
    specs: &Specs,
    keep: bool,
) -> (Vec<State>, Diagnostics) {
    let mut out = Findings::new();
    let mut state = initial::state(plan, specs);
    let clients = access::Clients {
        plan,
        specs,
        outlook_anywhere: uses_outlook_anywhere(plan, specs),
        foreign: access::Clients::foreign_servers(plan),
        describe: keep,
    };
    let (known, rows) = clients.check(&state, keep);
    state.access = rows;
    let mut broken: Vec<String> = known.into_iter().map(|b| b.key).collect();
    let mut states = if keep {
        vec![state.clone()]
    } else {
        Vec::new()
    };
    let scripts = &schedule.scripts;
    let mut i = 0;
    while i < scripts.len() {
        let phase = &scripts[i].phase;
        let mut steps: Vec<&Step> = Vec::new();
        while i < scripts.len() && scripts[i].phase == *phase {
            steps.extend(scripts[i].steps.iter());
            i += 1;
        }
        let cx = Cx { plan, specs, phase };
        for step in &steps {
            apply::step(&cx, &mut state, step, &mut out);
        }
        let (breaches, rows) = clients.check(&state, keep);
        for breach in breaches {
            if broken.contains(&breach.key) {
                continue;
            }
            broken.push(breach.key.clone());
            // The step that changed a name or server involved, else one that moved mailboxes
            // (their users are the ones cut off), else the phase's first.
            let culprit = steps
                .iter()
                .rev()
                .find(|s| touches(s, &breach.subjects))
                .or_else(|| steps.iter().rev().find(|s| moves_mailboxes(s)))
                .or_else(|| steps.first())
                .copied();
            if let Some(step) = culprit {
                let code = if breach.certificate {
                    Code::E0703
                } else {
                    Code::E0702
                };
                out.error(code, step, phase, breach.message, &breach.help);
            }
        }
        state.after = Some(phase.clone());
        state.access = rows;
        if keep {
            states.push(state.clone());
        }
    }
    for pending in &state.pending {
        let (code, message) = if pending.declared {
            (
                Code::E0708,
                format!("the plan says {}, and no step does it", pending.what),
            )
        } else {
            (
                Code::E0704,
                format!("{}: no later step finishes it", pending.what),
            )
        };
        let phase = state.after.clone().unwrap_or_default();
        out.report(
            code,
            &pending.origin,
            &phase,
            message,
            "this is a gap in exgen's generated steps or in the target's phases: please report it with the plan",
        );
    }
    (states, out.diags)
}

/// Whether clients use Outlook Anywhere: the plan configures it, or the target always has it
/// on.
fn uses_outlook_anywhere(plan: &ir::Plan, specs: &Specs) -> bool {
    plan.client_access
        .iter()
        .any(|c| c.outlook_anywhere.is_some())
        || specs
            .get(&plan.target.version)
            .is_some_and(|s| s.outlook_anywhere_always_on)
}

/// Whether `step` changes any of `subjects` (names, servers).
fn touches(step: &Step, subjects: &[String]) -> bool {
    step.context
        .declares()
        .effects(step.kind())
        .iter()
        .any(|e| {
            e.subjects()
                .iter()
                .any(|x| subjects.iter().any(|s| s.eq_ignore_ascii_case(x)))
        })
}

/// Whether `step` moves mailboxes (or advances a batch that does).
fn moves_mailboxes(step: &Step) -> bool {
    step.context
        .declares()
        .effects(step.kind())
        .iter()
        .any(|e| matches!(e, Effect::Batch { .. } | Effect::Moved { .. }))
}
