//! Contexts of the Edge subscription steps (facts §3, §5.1, §6.5).

use super::Declares;
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

impl Declares for EdgeStep {}
