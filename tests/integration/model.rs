//! The organization model (`analyze::model`): every good plan's walk ends in the plan's end
//! state, and the checker is not vacuous: without any one of the generated steps, it reports
//! what breaks.

use crate::common::{self, load};
use exgen::ir::steps::{Schedule, Step, StepContext};
use exgen::specs::Specs;

#[test]
fn every_good_plan_reaches_its_end_state() {
    for path in common::good_plans() {
        let (file, _, loader) = load(&path);
        let (checked, diags) = exgen::check(&file, &loader);
        let checked = checked.unwrap_or_else(|| panic!("{}", path.display()));
        let model: Vec<_> = diags
            .iter()
            .filter(|d| d.code.as_str().starts_with("E07"))
            .collect();
        assert!(model.is_empty(), "{}: {model:?}", path.display());
        let last = checked.states.last().expect("states");
        assert!(
            last.pending.is_empty(),
            "{}: pending at the end: {:?}",
            path.display(),
            last.pending
        );
    }
}

#[test]
fn removing_any_generated_step_is_reported() {
    let specs = Specs::embedded();
    let mut missed = Vec::new();
    let mut removed = 0;
    for path in common::good_plans() {
        let (file, _, loader) = load(&path);
        let (checked, _) = exgen::check(&file, &loader);
        let checked = checked.expect("a good plan checks");
        let total: usize = checked.schedule.scripts.iter().map(|s| s.steps.len()).sum();
        for n in 0..total {
            let (schedule, step, kind) = without_step(&checked.schedule, n);
            if watches_only(&step) {
                continue;
            }
            let (_, diags) = exgen::analyze::model::walk(&checked.plan, &schedule, specs);
            removed += 1;
            if !diags.has_errors() {
                missed.push(format!(
                    "{}: step {n} ({kind})",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(removed > 500, "only {removed} steps removed");
    assert!(
        missed.is_empty(),
        "not reported when removed:\n{}",
        missed.join("\n")
    );
}

/// The schedule without its `n`-th step, counted across scripts in order, that step, and its
/// kind and phase.
fn without_step(schedule: &Schedule, n: usize) -> (Schedule, Step, String) {
    let mut out = schedule.clone();
    let mut seen = 0;
    for script in &mut out.scripts {
        if n < seen + script.steps.len() {
            let step = script.steps.remove(n - seen);
            let what = format!("{} in {}", step.kind().name(), script.phase);
            return (out, step, what);
        }
        seen += script.steps.len();
    }
    panic!("no step {n}");
}

/// The one step that changes nothing by design: the status of a migration batch created
/// without auto-start runs before the complete step starts it, and is there to be run again
/// afterwards (it reads, it waits for nothing).
fn watches_only(step: &Step) -> bool {
    match &step.context {
        StepContext::MigrationBatchStatus(watch) => watch
            .batch
            .migration_batch
            .as_ref()
            .is_some_and(|m| !m.auto_start),
        _ => false,
    }
}
