//! The typed, validated plan: what `exgen ir` prints and the only input of lowering.
//!
//! Names are resolved, defaults decided, versions checked against the specs. Every item that
//! becomes a step keeps its [`Origin`] (plan line and text) so generated scripts can cite it.
//! Collections are `Vec`s in plan order (or a documented order): nothing here iterates a hash.

use crate::specs::{Build, Level};
use serde::Serialize;

pub mod state;
pub mod steps;

/// A plan that passed analysis, and its schedule: what lowering renders.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The validated plan: what `exgen ir` prints.
    pub plan: Plan,
    /// Its steps ordered into scripts.
    pub schedule: steps::Schedule,
    /// The organization before the first phase and after each (`exgen ir --states`).
    pub states: Vec<state::State>,
}

/// A plan ready to be lowered.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The plan's title.
    pub title: String,
    /// The plan's file name (no directory).
    pub file: String,
    /// The Exchange organization.
    pub organization: Organization,
    /// The version the plan installs.
    pub target: VersionLevel,
    /// Where the target is declared.
    pub target_origin: Origin,
    /// Versions of the existing servers (what the plan upgrades from), oldest first.
    pub sources: Vec<String>,
    /// Where setup runs from.
    pub media: Option<String>,
    /// Forests.
    pub forests: Vec<Forest>,
    /// With several forests: the one the new servers are installed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_forest: Option<String>,
    /// Namespaces.
    pub namespaces: Namespaces,
    /// Active Directory sites, in plan order.
    pub sites: Vec<Site>,
    /// Servers, in plan order.
    pub servers: Vec<Server>,
    /// Names of the new servers in install order (internet-facing site first, then role order).
    pub install_order: Vec<String>,
    /// Databases, in plan order.
    pub databases: Vec<Database>,
    /// Database availability groups, in plan order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dags: Vec<Dag>,
    /// Clustered mailbox servers of two-node CCR clusters (2007), in plan order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ccrs: Vec<Ccr>,
    /// Certificates.
    pub certificates: Vec<Certificate>,
    /// Client access settings per server.
    pub client_access: Vec<ClientAccess>,
    /// Mail flow settings per server.
    pub mail_flow: Vec<MailFlow>,
    /// Mailbox move batches.
    pub moves: Vec<MoveBatch>,
    /// Public folder replica moves.
    pub public_folders: Vec<PublicFolderMove>,
    /// GALSync provisioning scripts and their scheduled tasks.
    pub galsync: Vec<GalSync>,
    /// Validation steps.
    pub validations: Vec<Validation>,
    /// Servers to decommission.
    pub decommission: Vec<Decommission>,
    /// Steps for a person.
    pub manual: Vec<ManualStep>,
    /// Servers of a blocked version whose mailboxes leave by ExMerge and `Import-Mailbox`
    /// (R33); the servers themselves are not in `servers`: they are gone before script 01.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exmerge: Vec<ExMerge>,
}

impl Plan {
    /// Whether `server` is in the forest the new servers are installed in (always, with one
    /// forest): only those share the target's organization.
    #[must_use]
    pub fn in_target_forest(&self, server: &Server) -> bool {
        match (&self.target_forest, &server.forest) {
            (Some(target), Some(forest)) => target == forest,
            _ => true,
        }
    }

    /// The domains of the forest the new servers go into ([`Forest::domain_names`]). Empty when
    /// that forest is not declared, or is not known among several.
    #[must_use]
    pub fn target_domains(&self) -> Vec<String> {
        let forest = match &self.target_forest {
            Some(target) => self
                .forests
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(target)),
            None if self.forests.len() == 1 => self.forests.first(),
            None => None,
        };
        forest.map(Forest::domain_names).unwrap_or_default()
    }

    /// The existing servers of the target's forest with `role` that run a version older than
    /// the target: those the migration replaces.
    pub fn older<'p>(
        &'p self,
        role: Role,
        specs: &'p crate::specs::Specs,
    ) -> impl Iterator<Item = &'p Server> + 'p {
        let target = specs.rank(&self.target.version);
        self.servers.iter().filter(move |x| {
            !x.new
                && x.has(role)
                && specs.rank(&x.exchange.version) < target
                && self.in_target_forest(x)
        })
    }

    /// Whether `site` is internet-facing (R05): clients from the internet reach it first.
    #[must_use]
    pub fn faces_internet(&self, site: &str) -> bool {
        self.sites
            .iter()
            .any(|s| s.name == site && s.internet_facing)
    }
}

/// Where an item came from in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The included file the statement is in, by its path from the plan's folder
    /// (`sites/emea.exm`); `None` for the plan's own file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line of the statement (in its file).
    pub line: usize,
    /// The statement's first line, trimmed.
    pub text: String,
    /// The statement's span, for diagnostics found after analysis.
    #[serde(skip)]
    pub span: crate::source::Span,
}

/// The Exchange organization.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    /// Its name.
    pub name: Option<String>,
    /// `native` or `mixed` (2000/2003 organizations).
    pub mode: Option<String>,
}

/// A version at an update level, with the build it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLevel {
    /// `2010`
    pub version: String,
    /// `SP3`
    pub level: Level,
    /// The build of that level (or the nearest listed one below it).
    pub build: Option<Build>,
}

/// A forest.
#[derive(Debug, Clone, Serialize)]
pub struct Forest {
    /// Root domain name.
    pub name: String,
    /// Forest functional level as written (`2003`).
    pub functional_level: Option<String>,
    /// Domains.
    pub domains: Vec<String>,
    /// The global catalog cross-forest moves use in this forest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_catalog: Option<String>,
    /// Where cross-forest moves into this forest create user accounts (`-NTAccountOU`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ntaccount_ou: Option<String>,
    /// This forest's FromMIIS organizational unit (R22), by distinguished name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub galsync_ou: Option<String>,
}

impl Forest {
    /// Its domains: the root domain (the forest's name) first, then every domain the plan
    /// declares, in plan order, each once (case aside).
    #[must_use]
    pub fn domain_names(&self) -> Vec<String> {
        let mut domains: Vec<String> = Vec::new();
        for domain in std::iter::once(&self.name).chain(&self.domains) {
            if !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
                domains.push(domain.clone());
            }
        }
        domains
    }
}

/// The namespaces clients use.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Namespaces {
    /// The name clients use for everything (`mail.contoso.com`).
    pub primary: Option<Namespace>,
    /// The Autodiscover name.
    pub autodiscover: Option<Namespace>,
    /// The name the older servers are reached by during coexistence.
    pub legacy: Option<Namespace>,
}

/// One namespace.
#[derive(Debug, Clone, Serialize)]
pub struct Namespace {
    /// Its host name.
    pub host: String,
    /// Where it is declared.
    pub origin: Origin,
}

/// An Active Directory site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Its name.
    pub name: String,
    /// Whether it faces the internet.
    pub internet_facing: bool,
    /// Its forest, when the plan has several (or the site names one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forest: Option<String>,
    /// Servers in it, by name.
    pub servers: Vec<String>,
    /// Its Client Access array (2010): the internal name Outlook profiles use for RPC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cas_array: Option<Namespace>,
}

/// A server role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Client Access.
    Cas,
    /// Hub Transport.
    Hub,
    /// Mailbox.
    Mailbox,
    /// Unified Messaging.
    Um,
    /// Edge Transport.
    Edge,
}

impl Role {
    /// Every role, by plan keyword.
    pub const ALL: [(&'static str, Role); 5] = [
        ("cas", Role::Cas),
        ("hub", Role::Hub),
        ("mailbox", Role::Mailbox),
        ("um", Role::Um),
        ("edge", Role::Edge),
    ];

    /// The role named by a plan keyword.
    #[must_use]
    pub fn from_keyword(word: &str) -> Option<Role> {
        Role::ALL
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(word))
            .map(|(_, r)| *r)
    }

    /// The plan keyword (also the key in specs).
    #[must_use]
    pub fn keyword(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("", |(k, _)| k)
    }
}

/// A server.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// NetBIOS name.
    pub name: String,
    /// Its site.
    pub site: String,
    /// Its site's forest, when the plan has several (or the site names one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forest: Option<String>,
    /// Exchange version and level.
    pub exchange: VersionLevel,
    /// Operating system as written.
    pub os: Option<String>,
    /// Roles, in the order written.
    pub roles: Vec<Role>,
    /// Whether this plan installs it.
    pub new: bool,
    /// Fully qualified name.
    pub fqdn: Option<String>,
    /// Cluster (`ccr`, `scc`, `dag`) and its name.
    pub cluster: Option<(String, String)>,
    /// Setup's role names, in the version's install order (new servers only).
    pub setup_roles: Vec<String>,
    /// Where it is declared.
    pub origin: Origin,
    /// Roles whose work another of its roles does in its version (2016+: the Mailbox role
    /// serves client access, so `cas`); empty before 2016.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub serves: Vec<Role>,
    /// The version this existing server is upgraded to in place (2019 CU14/CU15 to SE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_to: Option<VersionLevel>,
}

impl Server {
    /// Whether it holds `role`, or another of its roles does that role's work.
    #[must_use]
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role) || self.serves.contains(&role)
    }
}

/// Mailbox or public folder database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatabaseKind {
    /// Mailbox database.
    Mailbox,
    /// Public folder database.
    PublicFolder,
}

/// A database.
#[derive(Debug, Clone, Serialize)]
pub struct Database {
    /// Its name.
    pub name: String,
    /// Mailbox or public folder.
    pub kind: DatabaseKind,
    /// Its server.
    pub server: String,
    /// The server's version.
    pub version: String,
    /// Whether this plan creates it (its server is new).
    pub create: bool,
    /// Database file path.
    pub edb: Option<String>,
    /// Log folder.
    pub logs: Option<String>,
    /// Storage group (2007).
    pub storage_group: Option<String>,
    /// For a new mailbox database: the public folder database it uses (a new one on its server, if any).
    pub public_folder_database: Option<String>,
    /// Passive copies in its DAG, in activation preference order (its own server is 1).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<DatabaseCopy>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// The server the request is made on (the first named).
    pub request_on: String,
    /// Version of that server.
    pub request_version: String,
    /// Every server it is installed on, with its version.
    pub install_on: Vec<(String, String)>,
    /// Host names, primary first.
    pub names: Vec<String>,
    /// Subject; default `CN=<first name>`.
    pub subject: String,
    /// Friendly name.
    pub friendly_name: String,
    /// Services on the new servers (`IIS`, `SMTP`).
    pub services: Vec<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// Outlook Anywhere settings.
#[derive(Debug, Clone, Serialize)]
pub struct OutlookAnywhere {
    /// External host name.
    pub host: String,
    /// `Basic` or `Ntlm`.
    pub auth: String,
    /// SSL offloading.
    pub ssl_offloading: bool,
    /// IIS authentication methods.
    pub iis_auth: Vec<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// Client access settings of one server.
#[derive(Debug, Clone, Serialize)]
pub struct ClientAccess {
    /// The Client Access server.
    pub server: String,
    /// Its version.
    pub version: String,
    /// Outlook Anywhere.
    pub outlook_anywhere: Option<OutlookAnywhere>,
    /// OAB to generate on this server, with its origin.
    pub offline_address_book: Option<(String, Origin)>,
    /// Host name of the internal virtual directory URLs.
    pub internal_host: String,
    /// Host name of the external virtual directory URLs.
    pub external_host: String,
    /// Host name of the Autodiscover service connection point.
    pub autodiscover_host: String,
    /// Whether the server is new (post-install settings apply).
    pub new: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// Mail flow settings of one server.
#[derive(Debug, Clone, Serialize)]
pub struct MailFlow {
    /// The transport server.
    pub server: String,
    /// Its version.
    pub version: String,
    /// Internet mail comes in through it (R13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound: Option<Inbound>,
    /// Send connectors whose source becomes this server.
    pub send_connectors: Vec<SendConnector>,
    /// Routing group connectors from this server to Exchange 2000/2003 bridgeheads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routing_group_connectors: Vec<RoutingGroupConnector>,
    /// Send connectors to another forest's Exchange servers (R24).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cross_forest_connectors: Vec<CrossForestConnector>,
    /// Accepted domains (R25).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_domains: Vec<AcceptedDomain>,
    /// Where it is declared.
    pub origin: Origin,
}

/// An internet send connector whose only source becomes the mail flow's server (R14).
#[derive(Debug, Clone, Serialize)]
pub struct SendConnector {
    /// Its name.
    pub name: String,
    /// The relay it delivers through when exgen creates it (none: DNS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smart_host: Option<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// Where internet mail comes in from (R13): its default receive connector accepts anonymous
/// mail either way.
#[derive(Debug, Clone, Serialize)]
pub struct Inbound {
    /// The SMTP gateway or relay in front (`inbound gateway "host"`); none: straight from the
    /// internet (`inbound anonymous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A send connector from this forest's transport server to another forest (R24).
#[derive(Debug, Clone, Serialize)]
pub struct CrossForestConnector {
    /// Its name.
    pub name: String,
    /// The transport server it sends from.
    pub source: String,
    /// The SMTP domain it sends to (`-AddressSpaces`).
    pub address_space: String,
    /// The other forest's server it sends through (`-SmartHosts`).
    pub smart_host: String,
    /// `basic`, `externally-secured` or `none`.
    pub auth: String,
    /// `-SmartHostAuthMechanism`: `BasicAuthRequireTLS`, `BasicAuth`, `ExternalAuthoritative`, `None`.
    pub auth_mechanism: String,
    /// Whether TLS is required.
    pub tls: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// An accepted domain (R25).
#[derive(Debug, Clone, Serialize)]
pub struct AcceptedDomain {
    /// The SMTP domain; also the accepted domain's name.
    pub domain: String,
    /// `Authoritative` or `InternalRelay`.
    pub domain_type: String,
    /// Where it is declared.
    pub origin: Origin,
}

/// A routing group connector between the new version's routing group and a 2000/2003 one.
#[derive(Debug, Clone, Serialize)]
pub struct RoutingGroupConnector {
    /// Its name (both directions share it).
    pub name: String,
    /// The new Hub Transport server it sends from.
    pub source: String,
    /// The Exchange 2000/2003 bridgehead it sends to.
    pub target: String,
    /// The bridgehead's version.
    pub target_version: String,
    /// Its cost, when the plan gives one.
    pub cost: Option<u32>,
    /// Whether the connector is created in both directions.
    pub bidirectional: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// A batch of mailbox moves.
#[derive(Debug, Clone, Serialize)]
pub struct MoveBatch {
    /// Batch name (`-BatchName`).
    pub name: String,
    /// Target database.
    pub target_database: String,
    /// Target server and its version (the shell that runs the moves).
    pub target_server: String,
    /// Target version.
    pub version: String,
    /// Single mailboxes.
    pub mailboxes: Vec<String>,
    /// Every mailbox on these servers.
    pub from_servers: Vec<String>,
    /// Every mailbox in these databases.
    pub from_databases: Vec<String>,
    /// CSV files of mailboxes.
    pub csv: Vec<CsvFile>,
    /// `-BadItemLimit`.
    pub bad_item_limit: u32,
    /// `-AcceptLargeDataLoss`.
    pub accept_large_data_loss: bool,
    /// `-SuspendWhenReadyToComplete`.
    pub suspend_when_ready: bool,
    /// When the mailboxes come from another forest (R26).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_forest: Option<CrossForestMove>,
    /// Set when the mailboxes move by `New-MigrationBatch -Local` instead of move requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration_batch: Option<MigrationBatch>,
    /// Where it is declared.
    pub origin: Origin,
}

/// What a move from another forest needs (R26): both forests' global catalogs and the OU
/// where the accounts are created. The source forest's credentials are asked for at run time.
#[derive(Debug, Clone, Serialize)]
pub struct CrossForestMove {
    /// The forest the mailboxes come from.
    pub source_forest: String,
    /// Its global catalog (`-SourceForestGlobalCatalog`).
    pub source_global_catalog: String,
    /// The target forest's global catalog (`-GlobalCatalog`).
    pub global_catalog: String,
    /// Where the user accounts are created (`-NTAccountOU`).
    pub ntaccount_ou: String,
}

/// A CSV file of mailboxes, read at compile time and copied next to the scripts.
#[derive(Debug, Clone, Serialize)]
pub struct CsvFile {
    /// The path as written in the plan (lowering names its copy in the output folder).
    pub source: String,
    /// The column holding the mailbox identity.
    pub column: String,
    /// Number of data rows.
    pub rows: usize,
    /// The file's text, copied into the output; shared, so the steps that carry their batch
    /// do not copy it.
    #[serde(skip)]
    pub contents: std::sync::Arc<str>,
    /// The span of the path in the plan, for diagnostics about the copy's name.
    #[serde(skip)]
    pub origin: crate::source::Span,
}

/// Moving public folder replicas from one server to another.
#[derive(Debug, Clone, Serialize)]
pub struct PublicFolderMove {
    /// The old server.
    pub from: String,
    /// The new server.
    pub to: String,
    /// The version whose shell moves them.
    pub version: String,
    /// For public folder mailboxes (2013 and later): the new database they move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// For legacy public folders into public folder mailboxes (2013 and later): the batch
    /// migration (facts §6.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<PublicFolderBatch>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A public folder batch migration from a legacy public folder server (facts §6.6).
#[derive(Debug, Clone, Serialize)]
pub struct PublicFolderBatch {
    /// The legacy server's version, whose shell runs the legacy-side scripts.
    pub from_version: String,
    /// The migration batch's name.
    pub name: String,
    /// The PowerShell the legacy-side scripts need, when above that shell's own (2007: 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<String>,
    /// What else the legacy server needs, for the runbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    /// `-BadItemLimit` base: base + (public folder databases − 1) (2007 sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bad_item_base: Option<u32>,
    /// The size each public folder mailbox may fill, in bytes (map generator).
    pub mailbox_size_bytes: u64,
    /// The most public folders one migration is known to handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_limit: Option<u64>,
    /// The lowest build the new server may run (2013: CU7), checked again at run time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_build: Option<Build>,
}

/// Validation checks on one server.
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    /// The server.
    pub server: String,
    /// Its version.
    pub version: String,
    /// Checks that run as cmdlets.
    pub checks: Vec<String>,
    /// Whether the runbook lists the Remote Connectivity Analyzer.
    pub remote_connectivity_analyzer: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// Decommissioning one server.
#[derive(Debug, Clone, Serialize)]
pub struct Decommission {
    /// The server.
    pub server: String,
    /// Its version (the shell that removes its databases).
    pub version: String,
    /// Whether it has the Mailbox role (databases to remove).
    pub mailbox: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// A step for a person.
#[derive(Debug, Clone, Serialize)]
pub struct ManualStep {
    /// What to do.
    pub text: String,
    /// The phase it follows (`None`: at the end).
    pub after: Option<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A GALSync provisioning script (R22, R29) and the scheduled task that runs it (R30).
#[derive(Debug, Clone, Serialize)]
pub struct GalSync {
    /// The FromMIIS organizational unit, by its distinguished name.
    pub ou: String,
    /// `all`, `contacts` or `specific`.
    pub update: String,
    /// With `specific`: e-mail address policies to update.
    pub email_address_policies: Vec<String>,
    /// With `specific`: address lists to update.
    pub address_lists: Vec<String>,
    /// With `specific`: global address lists to update.
    pub global_address_lists: Vec<String>,
    /// The server whose scheduled task runs the script.
    pub server: String,
    /// Its version: the shell the script runs in.
    pub version: String,
    /// Its operating system: the `schtasks` dialect.
    pub os: String,
    /// The scheduled task.
    pub schedule: GalSyncSchedule,
    /// Where it is declared.
    pub origin: Origin,
}

/// When and as whom the GALSync script runs.
#[derive(Debug, Clone, Serialize)]
pub struct GalSyncSchedule {
    /// `daily`, `hourly` or `weekly`.
    pub every: String,
    /// Start time, `HH:MM`.
    pub at: String,
    /// Where the provisioning script is installed on the server.
    pub script_path: String,
    /// The account the task runs as (its password is asked for when the task is created).
    pub run_as: String,
    /// Where it is declared.
    pub origin: Origin,
}

/// A passive copy of a mailbox database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseCopy {
    /// The DAG member that holds it.
    pub server: String,
    /// `-ActivationPreference` (2 for the first copy; the active copy is 1).
    pub preference: u32,
}

/// A database availability group (facts §6.8).
#[derive(Debug, Clone, Serialize)]
pub struct Dag {
    /// Its name.
    pub name: String,
    /// The Exchange version of all its members (the shell that builds it).
    pub version: String,
    /// Members, in plan order (the order they are added).
    pub members: Vec<String>,
    /// The witness server.
    pub witness_server: String,
    /// The witness directory on it.
    pub witness_directory: String,
    /// How it gets its IP addresses.
    pub ip: DagIp,
    /// Where it is declared.
    pub origin: Origin,
}

/// The clustered mailbox server (CMS) of a two-node CCR cluster (R32, facts §6.8). Its storage
/// groups, databases and mailboxes belong to the CMS name, not to a node.
#[derive(Debug, Clone, Serialize)]
pub struct Ccr {
    /// The CMS name.
    pub name: String,
    /// Its static IPv4 address.
    pub ip: String,
    /// The node whose setup creates the CMS (the first node in plan order).
    pub active: String,
    /// The other node.
    pub passive: String,
    /// The file share witness server of the cluster's majority node set quorum.
    pub witness_server: String,
    /// The witness directory on it.
    pub witness_directory: String,
    /// Where it is declared.
    pub origin: Origin,
}

impl Ccr {
    /// Whether `server` is one of its nodes.
    #[must_use]
    pub fn has_node(&self, server: &str) -> bool {
        self.active.eq_ignore_ascii_case(server) || self.passive.eq_ignore_ascii_case(server)
    }
}

/// `-DatabaseAvailabilityGroupIpAddresses` (facts §6.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "addresses", rename_all = "lowercase")]
pub enum DagIp {
    /// Static IPv4 addresses, one per subnet.
    Static(Vec<String>),
    /// Leased from DHCP (`0.0.0.0`).
    Dhcp,
    /// No cluster administrative access point (`255.255.255.255`).
    None,
}

/// How a migration batch runs (`New-MigrationBatch -Local`, facts §6.1).
#[derive(Debug, Clone, Serialize)]
pub struct MigrationBatch {
    /// `-AutoStart`.
    pub auto_start: bool,
    /// `-AutoComplete`.
    pub auto_complete: bool,
}

/// An ExMerge export from a server the target cannot coexist with, and its import (R33).
#[derive(Debug, Clone, Serialize)]
pub struct ExMerge {
    /// The server whose mailboxes are exported (it is removed before script 01).
    pub server: String,
    /// Its Exchange version.
    pub version: String,
    /// The share ExMerge writes one PST file per mailbox to, as the plan writes it.
    pub pst_folder: String,
    /// The folder of this server's PST files: `pst_folder` and the server's name.
    pub data_directory: String,
    /// Where it is declared.
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::Forest;

    fn forest(name: &str, domains: &[&str]) -> Forest {
        Forest {
            name: name.to_owned(),
            functional_level: None,
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            global_catalog: None,
            ntaccount_ou: None,
            galsync_ou: None,
        }
    }

    #[test]
    fn a_forest_s_domains_start_with_its_root_each_once() {
        assert_eq!(forest("contoso.com", &[]).domain_names(), ["contoso.com"]);
        assert_eq!(
            forest("contoso.com", &["Contoso.com"]).domain_names(),
            ["contoso.com"]
        );
        assert_eq!(
            forest(
                "contoso.com",
                &["eu.contoso.com", "CONTOSO.COM", "EU.contoso.com"]
            )
            .domain_names(),
            ["contoso.com", "eu.contoso.com"]
        );
    }
}
