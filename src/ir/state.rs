//! The organization between phases: what the model (`analyze::model`) knows to be true after
//! each phase, and the vocabulary of effects and needs the step kinds declare
//! (`ir::steps::Declares`). `exgen ir --states` prints the states.
//!
//! The state is what a change board asks about: which servers exist, where each client name
//! points, what each certificate covers, which URLs each Client Access server hands out, where
//! every kind of mailbox lives, which batches are still open, what still depends on a server.

pub use crate::exchange::{MailboxKind, Service};
use serde::Serialize;

/// The organization after one phase.
#[derive(Debug, Clone, Default, Serialize)]
pub struct State {
    /// The phase this is the state after (`None`: before the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Active Directory: what has been checked and prepared.
    pub directory: Directory,
    /// Every server the plan names, present or not yet (or no longer).
    pub servers: Vec<ServerState>,
    /// The names clients use and the servers they resolve to.
    pub names: Vec<NameState>,
    /// Offline address books and who generates them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offline_address_books: Vec<OabState>,
    /// Mailbox move batches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batches: Vec<BatchState>,
    /// Send connectors the plan names, and their source servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub send_connectors: Vec<ConnectorState>,
    /// Database availability groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dags: Vec<DagState>,
    /// Work a step started, or the plan declares, that a later step must finish.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Pending>,
    /// Keys of the work finished so far (a set: a plan with hundreds of servers finishes
    /// thousands of keys, each looked up when a later step needs it).
    #[serde(skip)]
    pub done: std::collections::HashSet<String>,
    /// Who reaches what, through which name and server, after this phase.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<Access>,
    /// `servers` by lower-case name ([`State::index_servers`]): the walk looks servers up
    /// after every step, and a plan may have hundreds.
    #[serde(skip)]
    pub server_index: std::collections::HashMap<String, usize>,
}

impl State {
    /// Builds [`State::server_index`]; call it once `servers` is complete (the walk never
    /// adds servers, it marks them present or not).
    pub fn index_servers(&mut self) {
        // Each server by its name as written and in lower case: the names the walk looks up
        // are nearly always written as declared, found without lowering them first.
        self.server_index = self
            .servers
            .iter()
            .enumerate()
            .flat_map(|(i, s)| [(s.name.clone(), i), (s.name.to_ascii_lowercase(), i)])
            .collect();
    }

    /// The server named `name` (ignoring case).
    #[must_use]
    pub fn server(&self, name: &str) -> Option<&ServerState> {
        self.server_position(name).map(|i| &self.servers[i])
    }

    /// The server named `name` (ignoring case), to change.
    pub fn server_mut(&mut self, name: &str) -> Option<&mut ServerState> {
        self.server_position(name).map(|i| &mut self.servers[i])
    }

    /// Through the index when it is current, else by a scan.
    fn server_position(&self, name: &str) -> Option<usize> {
        if !self.server_index.is_empty() {
            let fits = |&i: &usize| {
                self.servers
                    .get(i)
                    .is_some_and(|s| s.name.eq_ignore_ascii_case(name))
            };
            self.server_index
                .get(name)
                .copied()
                .filter(fits)
                .or_else(|| {
                    self.server_index
                        .get(&name.to_ascii_lowercase())
                        .copied()
                        .filter(fits)
                })
                // A server added after the index was built (the walk adds none).
                .or_else(|| {
                    self.servers
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(name))
                })
        } else {
            self.servers
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(name))
        }
    }
}

/// One row of "what users see": through one name, the users of one version's mailboxes reach
/// one service on a server, directly or by way of another name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    /// The name they use.
    pub host: String,
    /// The service.
    pub service: Service,
    /// The version of their mailboxes.
    pub mailboxes: String,
    /// Who answers: a server, "redirected to NAME", or why nobody does.
    pub answer: String,
    /// Whether they are served.
    pub ok: bool,
}

/// What Active Directory has been through.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Directory {
    /// The versions whose servers the preflight checks have checked against the target's
    /// coexistence minimums.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<String>,
    /// The preflight checked that the organization is in native mode (R43).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub native_mode_checked: bool,
    /// `/PrepareLegacyExchangePermissions` ran.
    pub legacy_permissions: bool,
    /// The schema is extended for this version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Active Directory is prepared for this version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prepared: Option<String>,
    /// The domains `/PrepareDomain` prepared (a forest with several; `/PrepareAD` prepares the
    /// domain it runs in).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// The versions whose legacy databases have an explicit offline address book.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explicit_oab: Vec<String>,
    /// The recipient policies and address lists are upgraded (after the last 2000/2003 server).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub address_policies_upgraded: bool,
}

/// One server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerState {
    /// Its name.
    pub name: String,
    /// Its Exchange version.
    pub version: String,
    /// Its site.
    pub site: String,
    /// Whether it is in the organization now.
    pub present: bool,
    /// Whether it is a Client Access server (or its Mailbox role serves client access).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub client_access: bool,
    /// Host names its IIS certificate covers (empty: a self-signed certificate).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificate: Vec<String>,
    /// Its virtual directories' URLs, per service.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ServiceUrls>,
    /// Outlook Anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook_anywhere: Option<OutlookAnywhereState>,
    /// The host of its Autodiscover service connection point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// OWA of 2003 mailboxes is sent to this URL (`-Exchange2003Url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange2003_url: Option<String>,
    /// Kinds of mailboxes on its databases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mailboxes: Vec<MailboxKind>,
    /// Its databases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<String>,
    /// Whether it holds public folder content (a public folder database with replicas).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub public_folders: bool,
    /// Scheduled tasks exgen made on it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    /// Whether internet mail comes in through it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inbound: bool,
}

/// A virtual directory's URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceUrls {
    /// The service.
    pub service: Service,
    /// Host of its internal URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<String>,
    /// Host of its external URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
}

/// Outlook Anywhere on one Client Access server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlookAnywhereState {
    /// External host name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
    /// Internal host name (2013 and later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<String>,
    /// NTLM among its IIS authentication methods (newer versions proxy with it).
    pub ntlm: bool,
}

/// A name clients use.
#[derive(Debug, Clone, Serialize)]
pub struct NameState {
    /// The host name.
    pub host: String,
    /// `primary`, `autodiscover`, `legacy`, `cas-array`.
    pub role: String,
    /// The servers it resolves to (DNS or load balancer); empty: not in DNS.
    pub servers: Vec<String>,
}

/// An offline address book.
#[derive(Debug, Clone, Serialize)]
pub struct OabState {
    /// Its name, or `(default)` for the one a version's setup made the default.
    pub name: String,
    /// The server that generates it (2007/2010), or the version whose organization mailbox
    /// does (2013 and later: it moves with the arbitration mailboxes).
    pub generated_by: String,
}

/// The state of a move batch, in the order a batch goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchPhase {
    /// Created, not started (a migration batch without auto-start).
    Created,
    /// Copying.
    Syncing,
    /// Copied, waiting to be completed (`AutoSuspended`, or a migration batch's `Synced`).
    ReadyToComplete,
    /// The mailboxes are on the target database; the requests still exist.
    Completed,
    /// The requests are removed.
    Cleared,
}

/// A move batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchState {
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub phase: BatchPhase,
    /// Whether it stops at ready-to-complete until a step completes it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suspend_when_ready: bool,
    /// What it moves.
    pub moves: MailboxMove,
    /// Whether its requests must be removed once completed (move requests, not 2007's
    /// synchronous moves).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub requests: bool,
}

/// Mailboxes moving from servers (all of a kind) or from anywhere (some) to a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxMove {
    /// The kinds that move.
    pub kinds: Vec<MailboxKind>,
    /// The servers every mailbox of those kinds leaves; empty: only some mailboxes, from
    /// wherever they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// The target database.
    pub database: String,
    /// The target database's server.
    pub server: String,
}

/// A send connector and its source servers.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectorState {
    /// Its name.
    pub name: String,
    /// Its source transport servers.
    pub sources: Vec<String>,
}

/// A database availability group.
#[derive(Debug, Clone, Serialize)]
pub struct DagState {
    /// Its name.
    pub name: String,
    /// Its members.
    pub members: Vec<String>,
    /// Its witness server.
    pub witness: String,
    /// Whether it exists.
    pub present: bool,
}

/// The send connector production sends internet mail through when the plan names none.
pub const INTERNET_CONNECTOR: &str = "(the internet send connector)";

/// Work a step started, or the plan declares, that a later step must finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// What waits, as a key the finishing step names.
    pub key: String,
    /// What it means, for messages.
    pub what: String,
    /// The plan statement that declares it, or of the step that started it.
    pub origin: super::Origin,
    /// Whether the plan declares it (else a step started it).
    pub declared: bool,
}

/// What a step changes: the vocabulary of `Declares::effects`. Each names the objects it
/// touches; the model looks the rest up in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "kebab-case")]
pub enum Effect {
    /// The preflight checks ran.
    Checked {
        /// The versions whose servers they check against the target's coexistence minimums.
        versions: Vec<String>,
        /// Whether they check that the organization is in native mode (R43).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        native_mode: bool,
    },
    /// `/PrepareLegacyExchangePermissions`.
    LegacyPermissionsPrepared,
    /// `/PrepareSchema` with this version's media.
    SchemaPrepared {
        /// The version.
        version: String,
    },
    /// `/PrepareAD` with this version's media.
    DirectoryPrepared {
        /// The version.
        version: String,
    },
    /// `/PrepareDomain:<FQDN>` with this version's media.
    DomainPrepared {
        /// The version.
        version: String,
        /// The domain.
        domain: String,
    },
    /// Every legacy database of a version has an explicit OAB (facts §6.2).
    ExplicitOab {
        /// The version.
        version: String,
    },
    /// A new server is installed (self-signed certificate, its own URLs and SCP).
    Installed {
        /// The server.
        server: String,
    },
    /// A server is upgraded in place.
    Upgraded {
        /// The server.
        server: String,
        /// Its new version.
        version: String,
    },
    /// A server's Autodiscover service connection point.
    Scp {
        /// The server.
        server: String,
        /// The host it points at.
        host: String,
    },
    /// A server's virtual directory URLs.
    Urls {
        /// The server.
        server: String,
        /// The services.
        services: Vec<Service>,
        /// Internal host, when set.
        #[serde(skip_serializing_if = "Option::is_none")]
        internal: Option<String>,
        /// External host, when set.
        #[serde(skip_serializing_if = "Option::is_none")]
        external: Option<String>,
    },
    /// OWA of 2003 mailboxes redirected to the legacy name (`-Exchange2003Url`).
    Exchange2003Url {
        /// The new Client Access server.
        server: String,
        /// The host.
        host: String,
    },
    /// Outlook Anywhere on a server.
    OutlookAnywhere {
        /// The server.
        server: String,
        /// External host.
        external: String,
        /// Internal host (2013 and later).
        #[serde(skip_serializing_if = "Option::is_none")]
        internal: Option<String>,
        /// NTLM in its IIS authentication.
        ntlm: bool,
    },
    /// A certificate request is made; the issued certificate comes back by hand.
    CertificateRequested {
        /// The certificate (its friendly name).
        certificate: String,
    },
    /// A certificate bound to a server's IIS.
    Certificate {
        /// The certificate (its friendly name).
        certificate: String,
        /// The server.
        server: String,
        /// The names it covers.
        names: Vec<String>,
    },
    /// A name resolves to these servers (DNS, load balancer: by hand, as the runbook says).
    Resolves {
        /// The host name.
        host: String,
        /// The servers.
        servers: Vec<String>,
    },
    /// A database is created on a server.
    Database {
        /// The server.
        server: String,
        /// The database.
        database: String,
    },
    /// A batch of moves is created or advanced.
    Batch {
        /// The batch.
        name: String,
        /// Where it ends this step.
        phase: BatchPhase,
        /// What it moves (given when the batch is created).
        #[serde(skip_serializing_if = "Option::is_none")]
        moves: Option<MailboxMove>,
        /// Whether it stops at ready-to-complete (given when created).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        suspend_when_ready: bool,
        /// Whether it leaves requests to remove (given when created).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        requests: bool,
    },
    /// Mailboxes move at once (2007's synchronous moves, PST imports).
    Moved {
        /// What moves.
        moves: MailboxMove,
    },
    /// Public folder content starts to replicate to a server.
    PublicFoldersReplicating {
        /// The old server.
        from: String,
        /// The new server.
        to: String,
    },
    /// Public folder content is on the new server (and, unless `kept`, off the old one).
    PublicFoldersMoved {
        /// The old server.
        from: String,
        /// The new server.
        to: String,
        /// The old server keeps its replicas (2000/2003: removed by a later step).
        kept: bool,
    },
    /// A 2000/2003 server's replicas are removed.
    PublicFoldersRemoved {
        /// The server.
        server: String,
    },
    /// An OAB's generation moves, or the target's OAB is made.
    OabGeneratedBy {
        /// The OAB.
        oab: String,
        /// The server that generates it, or whose version's organization mailbox does.
        by: String,
        /// Whether this moves the existing default OAB (2007/2010 `Move-OfflineAddressBook`)
        /// rather than making a new one.
        moves_default: bool,
    },
    /// Offline address books generated by these servers are removed.
    OabsRemoved {
        /// The servers.
        servers: Vec<String>,
    },
    /// A send connector's source servers.
    SendConnector {
        /// The connector.
        connector: String,
        /// Its sources.
        sources: Vec<String>,
    },
    /// Internet mail comes in through these servers (firewall, MX: by hand).
    Inbound {
        /// The servers.
        servers: Vec<String>,
    },
    /// A scheduled task on a server.
    Task {
        /// The server.
        server: String,
        /// The task.
        name: String,
    },
    /// A DAG exists with these members.
    Dag {
        /// The DAG.
        name: String,
        /// Its members.
        members: Vec<String>,
        /// Its witness server.
        witness: String,
    },
    /// Servers leave a DAG (their copies removed first); the DAG goes with its last member.
    DagLeft {
        /// The DAG.
        name: String,
        /// The servers.
        servers: Vec<String>,
    },
    /// The recipient policies and address lists are upgraded.
    AddressPoliciesUpgraded,
    /// A server's client access is validated.
    Validated {
        /// The server.
        server: String,
    },
    /// Nothing lives on a server any more (checked; it is removed by a later step).
    Emptied {
        /// The server.
        server: String,
    },
    /// Work is started that a later step must finish.
    Starts {
        /// The key the finishing step names.
        key: String,
        /// What it means.
        what: String,
    },
    /// Work started earlier is finished.
    Finishes {
        /// The key.
        key: String,
    },
    /// A server is removed from the organization.
    Removed {
        /// The server.
        server: String,
    },
}

impl Effect {
    /// Work with this key is finished.
    #[must_use]
    pub fn finishes(key: String) -> Effect {
        Effect::Finishes { key }
    }

    /// Work with this key starts, for a later step to finish.
    #[must_use]
    pub fn starts(key: String, what: String) -> Effect {
        Effect::Starts { key, what }
    }

    /// The servers and names it changes.
    #[must_use]
    pub fn subjects(&self) -> Vec<&str> {
        match self {
            Effect::Installed { server }
            | Effect::Upgraded { server, .. }
            | Effect::Scp { server, .. }
            | Effect::Urls { server, .. }
            | Effect::Exchange2003Url { server, .. }
            | Effect::OutlookAnywhere { server, .. }
            | Effect::Certificate { server, .. }
            | Effect::Database { server, .. }
            | Effect::Task { server, .. }
            | Effect::Validated { server }
            | Effect::Emptied { server }
            | Effect::Removed { server }
            | Effect::PublicFoldersRemoved { server } => vec![server],
            Effect::Resolves { host, servers } => {
                let mut out: Vec<&str> = servers.iter().map(String::as_str).collect();
                out.push(host);
                out
            }
            Effect::PublicFoldersReplicating { from, to }
            | Effect::PublicFoldersMoved { from, to, .. } => vec![from, to],
            Effect::Moved { moves } => {
                let mut out: Vec<&str> = moves.from.iter().map(String::as_str).collect();
                out.push(&moves.server);
                out
            }
            Effect::Batch { moves, .. } => moves.as_ref().map_or_else(Vec::new, |m| {
                let mut out: Vec<&str> = m.from.iter().map(String::as_str).collect();
                out.push(&m.server);
                out
            }),
            Effect::OabGeneratedBy { by, .. } => vec![by],
            Effect::OabsRemoved { servers }
            | Effect::Inbound { servers }
            | Effect::DagLeft { servers, .. } => servers.iter().map(String::as_str).collect(),
            Effect::SendConnector { sources, .. } => sources.iter().map(String::as_str).collect(),
            Effect::Dag {
                members, witness, ..
            } => {
                let mut out: Vec<&str> = members.iter().map(String::as_str).collect();
                out.push(witness);
                out
            }
            Effect::Checked { .. }
            | Effect::LegacyPermissionsPrepared
            | Effect::SchemaPrepared { .. }
            | Effect::DirectoryPrepared { .. }
            | Effect::DomainPrepared { .. }
            | Effect::ExplicitOab { .. }
            | Effect::CertificateRequested { .. }
            | Effect::AddressPoliciesUpgraded
            | Effect::Starts { .. }
            | Effect::Finishes { .. } => Vec::new(),
        }
    }
}

/// What a step needs before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "need", rename_all = "kebab-case")]
pub enum Need {
    /// The preflight checks ran for every version in the organization (and native mode, where
    /// the target needs it).
    Checked,
    /// `/PrepareLegacyExchangePermissions` ran.
    LegacyPermissions,
    /// The schema is extended for this version.
    Schema {
        /// The version.
        version: String,
    },
    /// Active Directory is prepared for this version.
    Directory {
        /// The version.
        version: String,
    },
    /// A domain is prepared for this version.
    Domain {
        /// The version.
        version: String,
        /// The domain.
        domain: String,
    },
    /// The server is in the organization.
    Present {
        /// The server.
        server: String,
    },
    /// The database exists.
    Database {
        /// The database.
        database: String,
    },
    /// Work a step started is pending (this step finishes or uses it).
    Started {
        /// The key.
        key: String,
    },
    /// The batch exists.
    Batch {
        /// The batch.
        name: String,
    },
    /// The batch's mailboxes are copied and wait to be completed (or are completed).
    BatchReady {
        /// The batch.
        name: String,
    },
    /// Work with this key is done (declared by the plan or started by a step, and finished).
    Done {
        /// The key.
        key: String,
    },
    /// No user mailbox is left on the server.
    NoUserMailboxes {
        /// The server.
        server: String,
    },
    /// No mailbox of any kind is left on the server (its databases can go).
    NoMailboxes {
        /// The server.
        server: String,
    },
}

impl Need {
    /// The server is in the organization.
    #[must_use]
    pub fn present(server: &str) -> Need {
        Need::Present {
            server: server.to_owned(),
        }
    }
}

/// Keys of pending work: the plan's statements declare the end state as work to do (each
/// finished by the step that carries it out), and steps start work a later step finishes. One
/// function per kind of work, used by both sides.
pub mod key {
    /// A server's client access is validated.
    #[must_use]
    pub fn validated(server: &str) -> String {
        format!("validate {server}")
    }

    /// A certificate is bound on a server.
    #[must_use]
    pub fn certificate(certificate: &str, server: &str) -> String {
        format!("certificate {certificate} on {server}")
    }

    /// A certificate request waits for the issued certificate.
    #[must_use]
    pub fn certificate_request(certificate: &str) -> String {
        format!("certificate request {certificate}")
    }

    /// Outlook Anywhere is configured on a server.
    #[must_use]
    pub fn outlook_anywhere(server: &str) -> String {
        format!("outlook anywhere on {server}")
    }

    /// An OAB is generated where the plan says.
    #[must_use]
    pub fn oab(oab: &str) -> String {
        format!("offline address book {oab}")
    }

    /// Internet mail comes in through a server.
    #[must_use]
    pub fn inbound(server: &str) -> String {
        format!("inbound mail through {server}")
    }

    /// A send connector is sourced where the plan says.
    #[must_use]
    pub fn send_connector(connector: &str) -> String {
        format!("send connector {connector}")
    }

    /// Another connector or domain the plan creates.
    #[must_use]
    pub fn created(what: &str, name: &str) -> String {
        format!("{what} {name}")
    }

    /// A batch's mailboxes are on their target database and its requests are cleared.
    #[must_use]
    pub fn batch(name: &str) -> String {
        format!("batch {name}")
    }

    /// The moves of a batch are running.
    #[must_use]
    pub fn batch_moves(name: &str) -> String {
        format!("moves of batch {name}")
    }

    /// The completed move requests of a batch must be removed.
    #[must_use]
    pub fn batch_requests(name: &str) -> String {
        format!("move requests of batch {name}")
    }

    /// Public folder content leaves a server.
    #[must_use]
    pub fn public_folders(from: &str) -> String {
        format!("public folders from {from}")
    }

    /// A server is removed.
    #[must_use]
    pub fn removed(server: &str) -> String {
        format!("decommission {server}")
    }

    /// A new server's Autodiscover service connection point still points at itself.
    #[must_use]
    pub fn scp(server: &str) -> String {
        format!("service connection point of {server}")
    }

    /// A scheduled task runs on a server.
    #[must_use]
    pub fn task(server: &str) -> String {
        format!("scheduled task on {server}")
    }

    /// A DAG is built.
    #[must_use]
    pub fn dag(name: &str) -> String {
        format!("DAG {name}")
    }

    /// A database's copies are added.
    #[must_use]
    pub fn copies(database: &str) -> String {
        format!("copies of {database}")
    }

    /// A database is created.
    #[must_use]
    pub fn database(database: &str) -> String {
        format!("database {database}")
    }

    /// An Edge server's subscription.
    #[must_use]
    pub fn edge(edge: &str) -> String {
        format!("Edge subscription of {edge}")
    }

    /// An Edge server's subscription file, valid for 1440 minutes.
    #[must_use]
    pub fn edge_file(edge: &str) -> String {
        format!("Edge subscription file of {edge}")
    }

    /// The PST files of an ExMerge export are imported.
    #[must_use]
    pub fn exmerge(server: &str) -> String {
        format!("PST import of {server}")
    }

    /// A new server is installed.
    #[must_use]
    pub fn installed(server: &str) -> String {
        format!("installation of {server}")
    }

    /// A name clients use points at the new Client Access servers.
    #[must_use]
    pub fn switched(host: &str) -> String {
        format!("namespace switch of {host}")
    }

    /// An existing Client Access server's Autodiscover service connection point points at the
    /// Autodiscover name.
    #[must_use]
    pub fn legacy_scp(server: &str) -> String {
        format!("Autodiscover service connection point of {server} on the Autodiscover name")
    }

    /// Public folder content replicates from a server.
    #[must_use]
    pub fn public_folder_replication(from: &str) -> String {
        format!("public folder replication from {from}")
    }

    /// A 2000/2003 server is checked empty before the step that removes it.
    #[must_use]
    pub fn emptied(server: &str) -> String {
        format!("{server} checked empty")
    }

    /// A server is upgraded in place.
    #[must_use]
    pub fn upgrade(server: &str) -> String {
        format!("upgrade of {server}")
    }

    /// One stage of a public folder batch migration from a server.
    #[must_use]
    pub fn public_folder_migration(from: &str, stage: &str) -> String {
        format!("public folder migration from {from}: {stage}")
    }

    /// The recipient policies and address lists are upgraded.
    pub const ADDRESS_POLICIES: &str = "address policies upgraded";
}
