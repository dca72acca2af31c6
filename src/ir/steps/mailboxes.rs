//! Contexts of the database, mailbox move, public folder, decommissioning and ExMerge import
//! steps (R15–R17, R26, R28, R33, facts §6.1, §6.6).

use super::{Declares, StepKind};
use crate::ir::state::{BatchPhase, Effect, MailboxKind, MailboxMove, Need, key};
use crate::ir::{Database, ExMerge, MigrationBatch, MoveBatch, PublicFolderBatch};
use serde::Serialize;

/// `databases` and `database_copies`: one database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseStep {
    /// The database.
    pub db: Database,
    /// The Client Access array of its site, which must exist before it (2010: a new database
    /// takes the array's name as its RPC Client Access server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cas_array: Option<String>,
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
    /// Whether the moves are done when the script ends (2007's `Move-Mailbox`), rather than
    /// requests that run on (2010 and later).
    pub synchronous: bool,
    /// What moves: where each kind of mailbox goes.
    pub moves: MailboxMove,
    /// Batches whose moves must be done first (the system mailboxes', facts §6.1).
    pub after: Vec<String>,
    /// The older Mailbox servers whose system mailboxes those batches move: none may be left
    /// there when user mailboxes start moving.
    pub system_mailboxes_from: Vec<String>,
}

/// `move_status`, `move_clear`, `migration_batch_status`, `migration_batch_complete`.
#[derive(Debug, Clone, Serialize)]
pub struct BatchStep {
    /// The batch.
    pub batch: BatchRef,
}

/// A batch of moves as the steps that watch, complete and clear it see it: one of the plan's,
/// or one exgen makes for system mailboxes (arbitration, public folder mailboxes).
#[derive(Debug, Clone, Serialize)]
pub struct BatchRef {
    /// Its name (`-BatchName`).
    pub name: String,
    /// Its target database.
    pub target_database: String,
    /// Whether its requests stop at `AutoSuspended` until resumed.
    pub suspend_when_ready: bool,
    /// Set for a migration batch (`New-MigrationBatch -Local`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration_batch: Option<MigrationBatch>,
    /// Whether exgen made it for system mailboxes (not a plan's `move mailboxes` block).
    pub system: bool,
}

impl BatchRef {
    /// The plan's batch.
    #[must_use]
    pub fn of(batch: &MoveBatch) -> BatchRef {
        BatchRef {
            name: batch.name.clone(),
            target_database: batch.target_database.clone(),
            suspend_when_ready: batch.suspend_when_ready,
            migration_batch: batch.migration_batch.clone(),
            system: false,
        }
    }

    /// A batch exgen makes for system mailboxes.
    #[must_use]
    pub fn system(name: &str, target_database: &str) -> BatchRef {
        BatchRef {
            name: name.to_owned(),
            target_database: target_database.to_owned(),
            suspend_when_ready: false,
            migration_batch: None,
            system: true,
        }
    }
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
    /// The plan migrates the public folders to public folder mailboxes (batch migration): the
    /// legacy databases keep a copy no client reads once the migration is complete.
    pub public_folders_migrated: bool,
    /// Its version.
    pub version: String,
    /// Names whose DNS records go with it (the legacy name, with the last server it points at).
    pub names_removed: Vec<String>,
}

/// `decommission_legacy`: a 2000/2003 server checked from the new version's shell (R28).
#[derive(Debug, Clone, Serialize)]
pub struct DecommissionLegacy {
    /// The server.
    pub server: String,
    /// Whether it has the Mailbox role.
    pub mailbox: bool,
    /// Whether it is a bridgehead (SMTP connectors may name it).
    pub bridgehead: bool,
    /// Its version.
    pub version: String,
    /// The console that manages it.
    pub console: Option<String>,
    /// The OAB the plan moves to the new version.
    pub offline_address_book: Option<String>,
    /// Whether a later step (the routing group connectors' removal, after the last of these
    /// servers) uninstalls it; otherwise its runbook entry does.
    pub removed_later: bool,
    /// Names whose DNS records go with it (the legacy name, with the last server it points at).
    pub names_removed: Vec<String>,
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

/// The batch name of the public folder mailbox moves (2013 and later).
pub const PUBLIC_FOLDER_BATCH: &str = "exgen public folders";

impl Declares for DatabaseStep {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        if kind == StepKind::DatabaseCopies {
            let mut needs = vec![Need::Database {
                database: self.db.name.clone(),
            }];
            needs.extend(self.db.copies.iter().map(|c| Need::present(&c.server)));
            needs
        } else {
            let mut needs = vec![Need::present(&self.db.server)];
            needs.extend(self.cas_array.iter().map(|fqdn| Need::Done {
                key: key::created("client access array", fqdn),
            }));
            needs
        }
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        if kind == StepKind::DatabaseCopies {
            vec![Effect::finishes(key::copies(&self.db.name))]
        } else {
            vec![
                Effect::Database {
                    server: self.db.server.clone(),
                    database: self.db.name.clone(),
                },
                Effect::finishes(key::database(&self.db.name)),
            ]
        }
    }
}

impl Declares for MoveMailboxes {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        let mut needs = vec![Need::Database {
            database: self.moves.database.clone(),
        }];
        needs.extend(self.after.iter().map(|b| Need::Done {
            key: key::batch_moves(b),
        }));
        needs
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        let name = self.batch.name.clone();
        if self.synchronous {
            return vec![
                Effect::Moved {
                    moves: self.moves.clone(),
                },
                Effect::finishes(key::batch(&name)),
            ];
        }
        let (phase, suspend_when_ready) = match &self.batch.migration_batch {
            Some(m) if kind == StepKind::MigrationBatch => (
                if m.auto_start {
                    BatchPhase::Syncing
                } else {
                    BatchPhase::Created
                },
                !m.auto_complete,
            ),
            _ => (BatchPhase::Syncing, self.batch.suspend_when_ready),
        };
        vec![Effect::Batch {
            name,
            phase,
            moves: Some(self.moves.clone()),
            suspend_when_ready,
            requests: self.batch.migration_batch.is_none(),
        }]
    }

    /// Only the cross-forest moves (2007's `Move-Mailbox -SourceForestCredential`) ask.
    fn asks_for(&self, kind: StepKind) -> Option<&'static str> {
        (kind == StepKind::MoveMailboxesCrossForest && self.batch.cross_forest.is_some())
            .then_some("the credentials of an Exchange administrator of the source forest")
    }
}

impl Declares for BatchStep {
    /// Completing a batch that stops when ready (resuming its requests, or completing a
    /// started migration batch) waits for its status step to see it ready; a migration batch
    /// created without auto-start is started by its complete step.
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        let name = self.batch.name.clone();
        let completes = match kind {
            StepKind::MoveResume => true,
            StepKind::MigrationBatchComplete => self
                .batch
                .migration_batch
                .as_ref()
                .is_some_and(|m| m.auto_start),
            _ => false,
        };
        if completes {
            vec![Need::BatchReady { name }]
        } else {
            vec![Need::Batch { name }]
        }
    }

    /// Clearing clears, completing (resuming, or a migration batch's complete step, which also
    /// starts one created without auto-start) completes; a status step waits until the batch is
    /// ready to complete, or completed where nothing stops it, and starts nothing.
    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        let (suspends, started) = match &self.batch.migration_batch {
            Some(m) => (!m.auto_complete, m.auto_start),
            None => (self.batch.suspend_when_ready, true),
        };
        let phase = match kind {
            StepKind::MoveClear => BatchPhase::Cleared,
            StepKind::MigrationBatchComplete | StepKind::MoveResume => BatchPhase::Completed,
            _ if !started => return Vec::new(),
            _ if suspends => BatchPhase::ReadyToComplete,
            _ => BatchPhase::Completed,
        };
        vec![Effect::Batch {
            name: self.batch.name.clone(),
            phase,
            moves: None,
            suspend_when_ready: false,
            requests: false,
        }]
    }
}

impl Declares for PublicFolderReplicas {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        let replication = key::public_folder_replication(&self.from);
        match kind {
            StepKind::PublicFolders => vec![Need::present(&self.from), Need::present(&self.to)],
            StepKind::PublicFoldersStatus => vec![Need::Started { key: replication }],
            // The old replicas go only once the status step saw the content on the new server.
            _ => vec![Need::Done { key: replication }],
        }
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        let replication = key::public_folder_replication(&self.from);
        match kind {
            StepKind::PublicFolders => vec![
                Effect::PublicFoldersReplicating {
                    from: self.from.clone(),
                    to: self.to.clone(),
                },
                Effect::starts(
                    replication,
                    format!(
                        "the public folder content of {} replicates to {}",
                        self.from, self.to
                    ),
                ),
            ],
            StepKind::PublicFoldersStatus => {
                let mut effects = vec![
                    Effect::PublicFoldersMoved {
                        from: self.from.clone(),
                        to: self.to.clone(),
                        kept: self.legacy,
                    },
                    Effect::finishes(replication),
                ];
                if !self.legacy {
                    effects.push(Effect::finishes(key::public_folders(&self.from)));
                }
                effects
            }
            _ => vec![
                Effect::PublicFoldersRemoved {
                    server: self.from.clone(),
                },
                Effect::finishes(key::public_folders(&self.from)),
            ],
        }
    }

    /// Adding replicas and watching them never prompt; only taking them off the old server
    /// does, and only where that is a step of its own (an old server without a shell).
    fn asks_for(&self, kind: StepKind) -> Option<&'static str> {
        (kind == StepKind::PublicFoldersRemove && self.legacy)
            .then_some("a confirmation before the replicas of the old server are removed")
    }
}

impl Declares for PublicFolderMailboxes {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        if kind == StepKind::PublicFolderMailboxes {
            vec![Need::Database {
                database: self.database.clone(),
            }]
        } else {
            vec![Need::Batch {
                name: PUBLIC_FOLDER_BATCH.to_owned(),
            }]
        }
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        if kind == StepKind::PublicFolderMailboxes {
            vec![Effect::Batch {
                name: PUBLIC_FOLDER_BATCH.to_owned(),
                phase: BatchPhase::Syncing,
                moves: Some(MailboxMove {
                    kinds: vec![MailboxKind::PublicFolder],
                    from: vec![self.from.clone()],
                    database: self.database.clone(),
                    server: self.to.clone(),
                }),
                suspend_when_ready: false,
                requests: true,
            }]
        } else {
            vec![
                Effect::Batch {
                    name: PUBLIC_FOLDER_BATCH.to_owned(),
                    phase: BatchPhase::Completed,
                    moves: None,
                    suspend_when_ready: false,
                    requests: false,
                },
                Effect::finishes(key::public_folders(&self.from)),
            ]
        }
    }
}

/// The stages of a public folder batch migration, in order: each step needs the stage before
/// its own done.
const MIGRATION_STAGES: [(StepKind, &str); 8] = [
    (StepKind::PublicFolderMigrationCheck, "checked"),
    (StepKind::PublicFolderMigrationPrepare, "prepared"),
    (StepKind::PublicFolderMigrationBatch, "batch created"),
    (StepKind::PublicFolderMigrationStatus, "synced"),
    (StepKind::PublicFolderMigrationLock, "locked"),
    (StepKind::PublicFolderMigrationCutover, "completed"),
    (StepKind::PublicFolderMigrationFinish, "marked complete"),
    (StepKind::PublicFolderMigrationLocal, "served locally"),
];

impl PublicFolderMigration {
    fn stage(&self, kind: StepKind) -> usize {
        MIGRATION_STAGES
            .iter()
            .position(|(k, _)| *k == kind)
            .unwrap_or(0)
    }

    fn key(&self, stage: usize) -> String {
        key::public_folder_migration(&self.from, MIGRATION_STAGES[stage].1)
    }
}

impl Declares for PublicFolderMigration {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        let stage = self.stage(kind);
        if stage == 0 {
            return self
                .legacy_mailbox_servers
                .iter()
                .map(|server| Need::NoUserMailboxes {
                    server: server.clone(),
                })
                .collect();
        }
        vec![Need::Started {
            key: self.key(stage - 1),
        }]
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        let stage = self.stage(kind);
        let mut effects = Vec::new();
        if stage > 0 {
            effects.push(Effect::finishes(self.key(stage - 1)));
        }
        if stage + 1 < MIGRATION_STAGES.len() {
            effects.push(Effect::Starts {
                key: self.key(stage),
                what: format!(
                    "the public folder migration from {} is {}; its next stage must follow",
                    self.from, MIGRATION_STAGES[stage].1
                ),
            });
        }
        if kind == StepKind::PublicFolderMigrationCutover {
            effects.push(Effect::PublicFoldersMoved {
                from: self.from.clone(),
                to: self.to.clone(),
                kept: false,
            });
        }
        if kind == StepKind::PublicFolderMigrationLocal {
            effects.push(Effect::finishes(key::public_folders(&self.from)));
        }
        effects
    }

    /// The stages that change the legacy or the new public folders confirm first; the check,
    /// the batch (created without starting the cut-over) and its status do not ask.
    fn asks_for(&self, kind: StepKind) -> Option<&'static str> {
        matches!(
            kind,
            StepKind::PublicFolderMigrationPrepare
                | StepKind::PublicFolderMigrationLock
                | StepKind::PublicFolderMigrationCutover
                | StepKind::PublicFolderMigrationFinish
                | StepKind::PublicFolderMigrationLocal
        )
        .then_some("a confirmation before the public folders change")
    }

    fn powershell(&self) -> Option<&str> {
        self.powershell.as_deref()
    }
}

/// The DNS records of `names` removed (by hand, as the runbook says).
fn unresolved(names: &[String]) -> impl Iterator<Item = Effect> + '_ {
    names.iter().map(|host| Effect::Resolves {
        host: host.clone(),
        servers: Vec::new(),
    })
}

impl Declares for DecommissionStep {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects: Vec<Effect> = unresolved(&self.names_removed).collect();
        effects.push(Effect::Removed {
            server: self.server.clone(),
        });
        effects.push(Effect::finishes(key::removed(&self.server)));
        effects
    }

    /// A server without the Mailbox role has no database to remove: nothing is confirmed.
    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        self.mailbox
            .then_some("a confirmation before each database is removed (or -Force)")
    }
}

impl Declares for DecommissionLegacy {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects: Vec<Effect> = unresolved(&self.names_removed).collect();
        if self.removed_later {
            effects.push(Effect::Emptied {
                server: self.server.clone(),
            });
        } else {
            effects.push(Effect::Removed {
                server: self.server.clone(),
            });
            effects.push(Effect::finishes(key::removed(&self.server)));
        }
        effects
    }
}

impl Declares for RoutingGroupConnectorRemove {
    /// R28: the servers it removes with their connectors were each checked empty first.
    fn needs(&self, _: StepKind) -> Vec<Need> {
        self.servers
            .iter()
            .map(|server| Need::Done {
                key: key::emptied(server),
            })
            .collect()
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects: Vec<Effect> = self
            .connectors
            .iter()
            .map(|c| Effect::SendConnector {
                connector: c.clone(),
                sources: Vec::new(),
            })
            .collect();
        for server in &self.servers {
            effects.push(Effect::Removed {
                server: server.clone(),
            });
            effects.push(Effect::finishes(key::removed(server)));
        }
        effects
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        Some("a confirmation before each routing group connector is removed")
    }
}

impl Declares for AddressPolicies {
    /// Facts §6.7: after the last 2000/2003 server is removed.
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Started {
            key: key::ADDRESS_POLICIES.to_owned(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::AddressPoliciesUpgraded,
            Effect::finishes(key::ADDRESS_POLICIES.to_owned()),
        ]
    }
}

impl Declares for ImportMailbox {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::finishes(key::exmerge(&self.x.server))]
    }
}
