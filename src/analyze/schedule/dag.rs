//! Database availability groups (R40, facts §6.8). A DAG of new servers is created and its
//! members added in the shell of their version; database copies of the new databases follow.
//! A DAG the organization already has is never re-created or re-configured (point 12 of the
//! consultant review: `New-`/`Set-DatabaseAvailabilityGroup` would move its witness and reset
//! its addresses in production); a member the plan decommissions leaves it first, with its
//! database copies, and the DAG goes with its last member (facts §6.10 step 6).

use super::Steps;
use crate::ir::steps::{DagLeave, DagStep, DatabaseStep, StepContext, StepKind};

/// One `dag` step per new DAG, then one `database_copies` step per new database with copies.
pub(super) fn dags(s: &mut Steps<'_>) {
    let plan = s.plan;
    for dag in plan.dags.iter().filter(|d| is_new(plan, &d.members)) {
        let context = DagStep { dag: dag.clone() };
        s.push(
            Steps::exchange(&dag.version),
            &dag.origin,
            StepContext::Dag(context),
        );
    }
    for db in plan
        .databases
        .iter()
        .filter(|d| d.create && !d.copies.is_empty())
    {
        let context = DatabaseStep {
            db: db.clone(),
            cas_array: None,
        };
        s.push(
            Steps::exchange(&db.version),
            &db.origin,
            StepContext::DatabaseCopies(context),
        );
    }
}

/// Whether every member is a new server.
fn is_new(plan: &crate::ir::Plan, members: &[String]) -> bool {
    members.iter().all(|m| {
        plan.servers
            .iter()
            .any(|x| x.new && x.name.eq_ignore_ascii_case(m))
    })
}

/// Facts §6.10 step 6: each decommissioned member of an existing DAG leaves it, in plan order;
/// the last member to leave removes the DAG.
pub(super) fn leave(s: &mut Steps<'_>) {
    if !s.wants(StepKind::DagLeave) {
        return;
    }
    let plan = s.plan;
    for dag in plan.dags.iter().filter(|d| !is_new(plan, &d.members)) {
        let leaving: Vec<&crate::ir::Decommission> = plan
            .decommission
            .iter()
            .filter(|d| {
                dag.members
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&d.server))
            })
            .collect();
        let all = leaving.len() == dag.members.len();
        for (i, d) in leaving.iter().enumerate() {
            let context = DagLeave {
                dag: dag.name.clone(),
                server: d.server.clone(),
                remaining: dag
                    .members
                    .iter()
                    .filter(|m| {
                        !leaving[..=i]
                            .iter()
                            .any(|l| l.server.eq_ignore_ascii_case(m))
                    })
                    .cloned()
                    .collect(),
                last: all && i + 1 == leaving.len(),
            };
            s.push(
                Steps::exchange(&dag.version),
                &d.origin,
                StepContext::DagLeave(context),
            );
        }
    }
}
