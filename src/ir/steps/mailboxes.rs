//! Contexts of the database, mailbox move, public folder, decommissioning and ExMerge import
//! steps (R15–R17, R26, R28, R33, facts §6.1, §6.6).

use super::Declares;
use crate::ir::{Database, ExMerge, MoveBatch, PublicFolderBatch};
use serde::Serialize;

/// `databases` and `database_copies`: one database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseStep {
    /// The database.
    pub db: Database,
}

/// `move_mailboxes`, `move_mailboxes_cross_forest` and `migration_batch`: one batch's moves.
#[derive(Debug, Clone, Serialize)]
pub struct MoveMailboxes {
    /// The batch.
    pub batch: MoveBatch,
    /// The target database as the moving shell names it (2007: `SERVER\GROUP\DATABASE`).
    pub target_identity: String,
    /// Older versions whose mailboxes are offline while they move (2003 into 2010).
    pub offline_from: Vec<String>,
    /// Where that rule comes from.
    pub offline_source: Option<String>,
    /// The CSV file a migration batch script writes next to itself at run time.
    pub csv_file: String,
}

/// `move_status`, `move_clear`, `migration_batch_status`, `migration_batch_complete`.
#[derive(Debug, Clone, Serialize)]
pub struct BatchStep {
    /// The batch.
    pub batch: MoveBatch,
}

/// `public_folders`, `public_folders_status`, `public_folders_remove`: replicas (2007/2010).
#[derive(Debug, Clone, Serialize)]
pub struct PublicFolderReplicas {
    /// The old server.
    pub from: String,
    /// The new server.
    pub to: String,
    /// Whether the old server has no shell (2000/2003): replicas are added, then removed later.
    pub legacy: bool,
    /// The old server's version.
    pub from_version: Option<String>,
}

/// `public_folder_mailboxes` and its status (2013 and later).
#[derive(Debug, Clone, Serialize)]
pub struct PublicFolderMailboxes {
    /// The old server.
    pub from: String,
    /// The new server.
    pub to: String,
    /// The new database.
    pub database: String,
}

/// The steps of a public folder batch migration (facts §6.6).
#[derive(Debug, Clone, Serialize)]
pub struct PublicFolderMigration {
    /// The legacy public folder server.
    pub from: String,
    /// The new server.
    pub to: String,
    /// The batch.
    pub batch: PublicFolderBatch,
    /// Legacy Mailbox servers that must be empty first.
    pub legacy_mailbox_servers: Vec<String>,
    /// The folder of the map files.
    pub csv_folder: String,
    /// The folder of Microsoft's migration scripts.
    pub scripts_folder: String,
    /// The PowerShell level the legacy-side scripts need, above their shell's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<String>,
}

/// `decommission`: an emptied server's databases removed (R17).
#[derive(Debug, Clone, Serialize)]
pub struct DecommissionStep {
    /// The server.
    pub server: String,
    /// Whether it has the Mailbox role.
    pub mailbox: bool,
    /// Its version.
    pub version: String,
}

/// `decommission_legacy`: a 2000/2003 server checked from the new version's shell (R28).
#[derive(Debug, Clone, Serialize)]
pub struct DecommissionLegacy {
    /// The server.
    pub server: String,
    /// Whether it has the Mailbox role.
    pub mailbox: bool,
    /// Its version.
    pub version: String,
    /// The console that manages it.
    pub console: Option<String>,
    /// The OAB the plan moves to the new version.
    pub offline_address_book: Option<String>,
}

/// `routing_group_connector_remove` (R28).
#[derive(Debug, Clone, Serialize)]
pub struct RoutingGroupConnectorRemove {
    /// The plan's routing group connectors.
    pub connectors: Vec<String>,
    /// The 2000/2003 servers.
    pub servers: Vec<String>,
    /// The new version's routing group.
    pub routing_group: String,
}

/// `address_policies` (R28, facts §6.7).
#[derive(Debug, Clone, Serialize)]
pub struct AddressPolicies {
    /// The 2000/2003 servers that are gone.
    pub servers: Vec<String>,
}

/// `import_mailbox` (R33).
#[derive(Debug, Clone, Serialize)]
pub struct ImportMailbox {
    /// The export.
    pub x: ExMerge,
}

impl Declares for DatabaseStep {}
impl Declares for MoveMailboxes {}
impl Declares for BatchStep {}
impl Declares for PublicFolderReplicas {}
impl Declares for PublicFolderMailboxes {}
impl Declares for PublicFolderMigration {
    fn powershell(&self) -> Option<&str> {
        self.powershell.as_deref()
    }
}
impl Declares for DecommissionStep {}
impl Declares for DecommissionLegacy {}
impl Declares for RoutingGroupConnectorRemove {}
impl Declares for AddressPolicies {}
impl Declares for ImportMailbox {}
