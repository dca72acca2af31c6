//! Contexts of the database availability group steps (R40, facts §6.8).

use super::Declares;
use crate::ir::Dag;
use serde::Serialize;

/// `dag`: a DAG and its members.
#[derive(Debug, Clone, Serialize)]
pub struct DagStep {
    /// The DAG.
    pub dag: Dag,
}

impl Declares for DagStep {}
