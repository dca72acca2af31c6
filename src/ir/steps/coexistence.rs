//! Contexts of the steps on and around the older servers that a target's coexistence needs
//! (seed 003, R35, R39, facts §6.1–§6.3).

use super::{Declares, StepKind};
use crate::ir::state::{BatchPhase, Effect, MailboxKind, MailboxMove, Need, key};
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
    /// Its server.
    pub server: String,
    /// The batch name of the move requests.
    pub batch: String,
    /// The kinds of system mailbox that move.
    pub kinds: Vec<MailboxKind>,
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
    /// Those validated before the switch (by hosts-file tests and the validation phase).
    pub validated_first: Vec<String>,
    /// The older version whose internet-facing servers offer Outlook Anywhere (RPC over HTTP),
    /// where the plan configures it on no new server and the target has it off until then:
    /// Outlook clients outside lose it at the switch if they use it.
    pub outlook_anywhere_dropped: Option<String>,
    /// What older Mailbox servers the new version proxies to need first, by hand, each with the
    /// servers.
    pub back_ends_need: Vec<BackEndsNeed>,
}

/// A spec's `back_ends_need` and the servers it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct BackEndsNeed {
    /// The older Mailbox servers.
    pub servers: Vec<String>,
    /// What they need.
    pub what: String,
}

/// `legacy_scp`: a legacy Client Access server's Autodiscover service connection point.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyScp {
    /// The legacy Client Access server.
    pub server: String,
    /// The Autodiscover URL it points at.
    pub url: String,
    /// The Autodiscover name.
    pub host: String,
}

/// `legacy_oab_remove`: the offline address books the legacy Mailbox servers of one version
/// generate are removed once no mailbox is left on them.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyOabRemove {
    /// The legacy Mailbox servers.
    pub servers: Vec<String>,
    /// Their version.
    pub version: String,
}

impl Declares for LegacyScp {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Present {
            server: self.server.clone(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Scp {
                server: self.server.clone(),
                host: self.host.clone(),
            },
            Effect::finishes(key::legacy_scp(&self.server)),
        ]
    }
}

impl Declares for LegacyOabRemove {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        self.servers
            .iter()
            .map(|server| Need::NoUserMailboxes {
                server: server.clone(),
            })
            .collect()
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::OabsRemoved {
            servers: self.servers.clone(),
        }]
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        Some("a confirmation before each offline address book is removed")
    }
}

impl Declares for LegacyOab {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::ExplicitOab {
            version: self.version.clone(),
        }]
    }
}

impl Declares for MoveArbitration {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Database {
            database: self.database.clone(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::Batch {
            name: self.batch.clone(),
            phase: BatchPhase::Syncing,
            moves: Some(MailboxMove {
                kinds: self.kinds.clone(),
                from: self.servers.clone(),
                database: self.database.clone(),
                server: self.server.clone(),
            }),
            suspend_when_ready: false,
            requests: true,
        }]
    }
}

impl Declares for LegacyOutlookAnywhere {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Present {
            server: self.server.clone(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::OutlookAnywhere {
            server: self.server.clone(),
            external: self.host.clone(),
            internal: None,
            ntlm: true,
        }]
    }
}

impl Declares for NamespaceSwitch {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        let present = self.new_cas.iter().map(|server| Need::Present {
            server: server.clone(),
        });
        let validated = self.validated_first.iter().map(|server| Need::Done {
            key: key::validated(server),
        });
        present.chain(validated).collect()
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects = Vec::new();
        for host in &self.names {
            effects.push(Effect::Resolves {
                host: host.clone(),
                servers: self.new_cas.clone(),
            });
            effects.push(Effect::finishes(key::switched(host)));
        }
        effects
    }
}
