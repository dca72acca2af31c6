//! Contexts of the database availability group steps (R40, facts §6.8).

use super::{Declares, StepKind};
use crate::ir::Dag;
use crate::ir::state::{Effect, Need, key};
use serde::Serialize;

/// `dag`: a DAG and its members.
#[derive(Debug, Clone, Serialize)]
pub struct DagStep {
    /// The DAG.
    pub dag: Dag,
}

impl Declares for DagStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        self.dag
            .members
            .iter()
            .map(|server| Need::Present {
                server: server.clone(),
            })
            .collect()
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Dag {
                name: self.dag.name.clone(),
                members: self.dag.members.clone(),
                witness: self.dag.witness_server.clone(),
            },
            Effect::Finishes {
                key: key::dag(&self.dag.name),
            },
        ]
    }
}
