//! Database availability groups (R40, facts §6.8): each DAG is created and its members added in
//! the shell of their version; database copies follow once the members have joined.

use super::Steps;
use serde_json::json;

/// One `dag` step per DAG, then one `database_copies` step per database with copies.
pub(super) fn dags(s: &mut Steps<'_>) {
    for dag in &s.plan.dags {
        s.push(
            "dag",
            Steps::exchange(&dag.version),
            &dag.origin,
            json!({ "dag": dag }),
        );
    }
    for db in s.plan.databases.iter().filter(|d| !d.copies.is_empty()) {
        s.push(
            "database_copies",
            Steps::exchange(&db.version),
            &db.origin,
            json!({ "db": db }),
        );
    }
}
