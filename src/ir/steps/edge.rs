//! Contexts of the Edge subscription steps (facts §3, §5.1, §6.5).

use super::{Declares, StepKind};
use crate::ir::state::{Effect, INTERNET_CONNECTOR, Need, key};
use serde::Serialize;

/// `edge_subscription` and `edge_sync`: one new Edge Transport server's subscription.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeStep {
    /// The Edge Transport server.
    pub edge: String,
    /// Its site.
    pub site: String,
    /// The transport server that imports the subscription.
    pub hub: String,
    /// The subscription file's name.
    pub file: String,
}

impl Declares for EdgeStep {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        if kind == StepKind::EdgeSync {
            vec![
                Need::Started {
                    key: key::edge_file(&self.edge),
                },
                Need::Present {
                    server: self.hub.clone(),
                },
            ]
        } else {
            vec![Need::Present {
                server: self.edge.clone(),
            }]
        }
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        if kind == StepKind::EdgeSync {
            // EdgeSync makes the Edge server's own internet send connector; the MX records
            // move to it (runbook).
            vec![
                Effect::Finishes {
                    key: key::edge_file(&self.edge),
                },
                Effect::Finishes {
                    key: key::edge(&self.edge),
                },
                Effect::Inbound {
                    servers: vec![self.edge.clone()],
                },
                Effect::SendConnector {
                    connector: INTERNET_CONNECTOR.to_owned(),
                    sources: vec![self.edge.clone()],
                },
            ]
        } else {
            vec![Effect::Starts {
                key: key::edge_file(&self.edge),
                what: format!(
                    "the subscription file of {} must be imported on {} within 1440 minutes",
                    self.edge, self.hub
                ),
            }]
        }
    }
}
