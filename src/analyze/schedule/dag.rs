//! Database availability groups (R40, facts §6.8): each DAG is created and its members added in
//! the shell of their version; database copies follow once the members have joined.

use super::Steps;
use crate::ir::steps::{DagStep, DatabaseStep, StepContext};

/// One `dag` step per DAG, then one `database_copies` step per database with copies.
pub(super) fn dags(s: &mut Steps<'_>) {
    for dag in &s.plan.dags {
        let context = DagStep { dag: dag.clone() };
        s.push(
            Steps::exchange(&dag.version),
            &dag.origin,
            StepContext::Dag(context),
        );
    }
    for db in s.plan.databases.iter().filter(|d| !d.copies.is_empty()) {
        let context = DatabaseStep { db: db.clone() };
        s.push(
            Steps::exchange(&db.version),
            &db.origin,
            StepContext::DatabaseCopies(context),
        );
    }
}
