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

/// `dag_leave`: a member the plan decommissions leaves an existing DAG, its database copies
/// removed first; the last member removes the DAG.
#[derive(Debug, Clone, Serialize)]
pub struct DagLeave {
    /// The DAG.
    pub dag: String,
    /// The member that leaves.
    pub server: String,
    /// The members left after it.
    pub remaining: Vec<String>,
    /// Whether it is the last member: the DAG is removed too.
    pub last: bool,
}

impl Declares for DagLeave {
    /// Its script refuses while a database active on the member holds a mailbox of any kind.
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![
            Need::Present {
                server: self.server.clone(),
            },
            Need::NoMailboxes {
                server: self.server.clone(),
            },
        ]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::DagLeft {
            name: self.dag.clone(),
            servers: vec![self.server.clone()],
        }]
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        Some("a confirmation before database copies and the DAG membership are removed")
    }
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
