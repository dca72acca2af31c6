//! Contexts of the steps on and around the older servers that a target's coexistence needs
//! (seed 003, R35, R39, facts §6.1–§6.3).

use super::Declares;
use serde::Serialize;

/// `legacy_oab`: every legacy mailbox database of one version gets the current default OAB.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyOab {
    /// The version's Mailbox servers.
    pub servers: Vec<String>,
    /// The version.
    pub version: String,
}

/// `move_arbitration`: the older versions' arbitration mailboxes move to a new database.
#[derive(Debug, Clone, Serialize)]
pub struct MoveArbitration {
    /// The older Mailbox servers.
    pub servers: Vec<String>,
    /// The new database.
    pub database: String,
}

/// `legacy_outlook_anywhere`: Outlook Anywhere on an older Client Access server.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyOutlookAnywhere {
    /// The older Client Access server.
    pub server: String,
    /// The primary host name.
    pub host: String,
}

/// `namespace_switch` (R39).
#[derive(Debug, Clone, Serialize)]
pub struct NamespaceSwitch {
    /// The names that move.
    pub names: Vec<String>,
    /// The new Client Access servers of the internet-facing sites they move to.
    pub new_cas: Vec<String>,
}

impl Declares for LegacyOab {}
impl Declares for MoveArbitration {}
impl Declares for LegacyOutlookAnywhere {}
impl Declares for NamespaceSwitch {}
