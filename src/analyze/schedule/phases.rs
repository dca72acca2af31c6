//! Steps → scripts, in the order of the target version's phase list (`specs/`).
//!
//! A phase becomes one script per shell it needs (and, for phases marked `per: server`, one
//! per server); phases without steps are left out. Lowering numbers the scripts and names their
//! files.

use crate::diag::Diagnostics;
use crate::ir::steps::{Schedule, ScheduledScript, Shell, Step};
use crate::ir::{self};
use crate::specs::Specs;

/// Orders `steps` into scripts. E0501 for a step of a kind the target's phases do not carry
/// out (analysis refuses what it cannot generate first, so this is a second line of defence).
pub(super) fn arrange(plan: &ir::Plan, specs: &Specs, steps: Vec<Step>) -> (Schedule, Diagnostics) {
    let mut diags = Diagnostics::new();
    let Some(spec) = specs.get(&plan.target.version) else {
        return (Schedule::default(), diags);
    };
    for step in steps.iter().filter(|s| !spec.carries_out(s.kind())) {
        let what = match &step.shell {
            Shell::Exchange(v) => {
                format!(
                    "step `{}` in the Exchange {v} Management Shell",
                    step.kind()
                )
            }
            Shell::Setup(v) => format!("step `{}` for Exchange {v} setup", step.kind()),
            Shell::Edge(v) => format!(
                "step `{}` in the Exchange {v} Edge Transport shell",
                step.kind()
            ),
        };
        diags.push(super::super::not_generated(step.origin.span, &what));
    }
    let mut scripts: Vec<ScheduledScript> = Vec::new();
    for phase in &spec.phases {
        let mut groups: Vec<(Shell, Option<String>, Vec<Step>)> = Vec::new();
        for kind in &phase.steps {
            for step in steps.iter().filter(|s| s.kind() == *kind) {
                let run_on = if phase.per.as_deref() == Some("server") {
                    step.run_on.clone()
                } else {
                    None
                };
                match groups
                    .iter_mut()
                    .find(|(sh, on, _)| *sh == step.shell && *on == run_on)
                {
                    Some((_, _, list)) => list.push(step.clone()),
                    None => groups.push((step.shell.clone(), run_on, vec![step.clone()])),
                }
            }
        }
        for (shell, run_on, steps) in groups {
            let powershell = steps
                .iter()
                .find_map(|s| s.context.declares().powershell().map(str::to_owned));
            scripts.push(ScheduledScript {
                phase: phase.id.clone(),
                title: phase.title.clone(),
                powershell,
                shell,
                run_on,
                steps,
            });
        }
    }
    (Schedule { scripts }, diags)
}
