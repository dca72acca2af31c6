//! The typed syntax tree of a plan: what the user wrote, with spans, no defaults and no
//! semantics. Built by [`super::parse`]; read by [`crate::analyze`].
//!
//! Every name and value keeps its span (`Spanned<T>`) so analysis can point at it. Optional
//! settings are `Option`s: defaults are decided in analysis, where they can be explained.

use crate::source::{Span, Spanned};

/// A name or text value as written (quotes removed, `""` unescaped).
pub type Text = Spanned<String>;

/// A whole plan: `plan "Title" { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The plan's title.
    pub title: Text,
    /// The statements inside the plan block, in source order.
    pub items: Vec<Item>,
    /// The whole `plan` statement.
    pub span: Span,
}

/// A top-level statement inside `plan { }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// The whole statement, block included.
    pub span: Span,
    /// The span of its leading keyword.
    pub keyword: Span,
}

/// The kinds of top-level statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// `organization "Contoso" [mode native|mixed]`
    Organization(Organization),
    /// `target exchange 2010 sp3`
    Target(ExchangeVersion),
    /// `media "\\fs01\media\Exchange2010SP3"`: where setup runs from.
    Media(Text),
    /// `move-order sites|as-written`: whether batches run site by site, the internet-facing
    /// sites first (the default), or in the order the plan writes them.
    MoveOrder(Text),
    /// `forest "contoso.com" { ... }`
    Forest(Forest),
    /// `namespaces { primary "mail.contoso.com" ... }`
    Namespaces(Vec<Namespace>),
    /// `site "HQ" [internet-facing] { server ... }`
    Site(Site),
    /// `database NAME on SERVER { ... }` or `public-folder-database NAME on SERVER { ... }`
    Database(Database),
    /// `certificate on SERVER [SERVER ...] { names ... }`
    Certificate(Certificate),
    /// `client-access on SERVER { ... }`
    ClientAccess(ClientAccess),
    /// `mail-flow on SERVER { ... }`
    MailFlow(MailFlow),
    /// `move mailboxes to DATABASE { ... }`
    Move(MailboxMove),
    /// `public-folders from SERVER to SERVER [{ ... }]`
    PublicFolders(PublicFolders),
    /// `galsync "OU=FromMIIS,DC=contoso,DC=com" { ... }`
    GalSync(GalSync),
    /// `validate on SERVER { checks }`
    Validate(Validate),
    /// `decommission SERVER [SERVER ...]`
    Decommission(Vec<Text>),
    /// `manual "text" [after PHASE]`: a step for a person, listed in the runbook.
    Manual(Manual),
    /// `dag "DAG1" { witness SERVER "C:\DAG1"; ip 10.0.0.8 }`: a database availability group.
    Dag(Dag),
    /// `exmerge from SERVER { pst-folder "\\fs01\pst" }`: the mailboxes of a server the target
    /// cannot coexist with (Exchange 5.5) leave by ExMerge export and `Import-Mailbox` (R33).
    ExMerge(ExMerge),
    /// `ccr "EXCMS01" { ip 10.0.0.20; witness EXHUB01 "C:\FSW_EXCMS01" }`: the clustered
    /// mailbox server of an Exchange 2007 CCR cluster (its two nodes name it with `cluster ccr`).
    Ccr(Ccr),
}

/// `organization "Contoso" [mode native|mixed]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// The Exchange organization's name.
    pub name: Text,
    /// For 2000/2003 organizations: `native` or `mixed` mode.
    pub mode: Option<Text>,
}

/// `exchange 2007 sp2`, `exchange 2007 sp3 ru10`, `exchange 2019 cu14`, `exchange se rtm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeVersion {
    /// The version name as written, lower case: `2007`, `2010`, `se`.
    pub version: Text,
    /// Update level words, lower case, in order: `sp3`, `ru10`, `cu14`, `rtm`.
    pub update: Vec<Text>,
    /// The whole version phrase.
    pub span: Span,
}

/// `forest "contoso.com" { functional-level 2003; domain "contoso.com" }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forest {
    /// The forest root domain's DNS name.
    pub name: Text,
    /// `functional-level 2003` (`2000`, `2003`, `2008`, `2008r2`, `2012`, `2012r2`, `2016`).
    pub functional_level: Option<Text>,
    /// `domain "..."` statements.
    pub domains: Vec<Text>,
    /// `global-catalog "gc01.contoso.com"`: the global catalog cross-forest moves use.
    pub global_catalog: Option<Text>,
    /// `ntaccount-ou "OU=...,DC=..."`: where cross-forest moves into this forest create accounts.
    pub ntaccount_ou: Option<Text>,
    /// `galsync-ou "OU=FromMIIS,DC=..."`: the FromMIIS OU of this forest (R22).
    pub galsync_ou: Option<Text>,
}

/// One line of `namespaces { }`: `primary "mail.contoso.com"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// `primary`, `autodiscover` or `legacy`.
    pub kind: Text,
    /// The host name.
    pub host: Text,
}

/// `site "HQ" [internet-facing] { server ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The Active Directory site name.
    pub name: Text,
    /// Span of `internet-facing` when written.
    pub internet_facing: Option<Span>,
    /// `forest "root.domain"`: the forest the site belongs to (needed with several forests).
    pub forest: Option<Text>,
    /// The servers in the site, in source order.
    pub servers: Vec<Server>,
    /// `cas-array "outlook.contoso.com"`: the site's Client Access array (2010), with the
    /// statement's span.
    pub cas_array: Option<(Text, Span)>,
}

/// `server NAME { exchange ...; os "..."; roles ...; new }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The server's (NetBIOS) name.
    pub name: Text,
    /// `exchange 2010 sp3`: required.
    pub exchange: Option<ExchangeVersion>,
    /// `os "Windows Server 2008 R2"`
    pub os: Option<Text>,
    /// `roles cas hub mailbox`: each role word with its span.
    pub roles: Vec<Text>,
    /// Span of `new` when written: the server is installed by this plan.
    pub new: Option<Span>,
    /// `fqdn "mail2010.contoso.com"`
    pub fqdn: Option<Text>,
    /// `cluster ccr "NAME"` or `cluster dag "NAME"`
    pub cluster: Option<Cluster>,
    /// `upgrade-to exchange 2010`: an in-place upgrade (refused except where supported).
    pub upgrade_to: Option<ExchangeVersion>,
    /// The whole `server` statement.
    pub span: Span,
}

/// `cluster ccr "EXCLUSTER"` / `cluster dag "DAG1"`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `ccr`, `scc` or `dag`.
    pub kind: Text,
    /// The cluster or DAG name.
    pub name: Text,
}

/// `database NAME on SERVER { edb "..."; logs "..."; storage-group "..." }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    /// Mailbox or public folder database.
    pub kind: DatabaseKind,
    /// The database name (for 2007, `SERVER\SG\DB` identities are written as strings).
    pub name: Text,
    /// The server that holds it.
    pub server: Text,
    /// `edb "E:\DB01\DB01.edb"`
    pub edb: Option<Text>,
    /// `logs "F:\DB01"`
    pub logs: Option<Text>,
    /// `storage-group "SG1"` (2007).
    pub storage_group: Option<Text>,
    /// `copies MBX2 MBX3`: servers of the database's DAG that hold a passive copy, in
    /// activation preference order (the database's own server is 1).
    pub copies: Vec<Text>,
}

/// Which kind of database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// `database`
    Mailbox,
    /// `public-folder-database`
    PublicFolder,
}

/// `certificate on SERVER [SERVER ...] { names primary autodiscover legacy "x.contoso.com"; ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The servers it is requested on (the first) and installed on (all).
    pub servers: Vec<Text>,
    /// Names: namespace kinds (`primary`) as words, literal host names as strings.
    pub names: Vec<CertName>,
    /// `subject "CN=mail.contoso.com, O=Contoso, C=US"`
    pub subject: Option<Text>,
    /// `friendly-name "Exchange 2010 SAN"`
    pub friendly_name: Option<Text>,
    /// `services iis smtp`
    pub services: Vec<Text>,
}

/// One entry of `names`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertName {
    /// A namespace kind, such as `primary`.
    Namespace(Text),
    /// A literal host name.
    Host(Text),
}

/// `client-access on SERVER { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAccess {
    /// The Client Access server.
    pub server: Text,
    /// `outlook-anywhere { ... }`
    pub outlook_anywhere: Option<Spanned<OutlookAnywhere>>,
    /// `offline-address-book "Default Offline Address List"`
    pub offline_address_book: Option<Text>,
    /// `urls { internal "host"; external "host" }`: virtual directory host names.
    pub urls: Option<Spanned<Urls>>,
    /// `autodiscover "host"`: the SCP host name (default: the autodiscover namespace).
    pub autodiscover: Option<Text>,
}

/// `outlook-anywhere { host "..."; auth basic|ntlm; ssl-offloading on|off; iis-auth basic ntlm }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlookAnywhere {
    /// `host "mail.contoso.com"` (default: the primary namespace).
    pub host: Option<Text>,
    /// `auth basic` or `auth ntlm`: required, no silent default.
    pub auth: Option<Text>,
    /// `ssl-offloading on|off`
    pub ssl_offloading: Option<Spanned<bool>>,
    /// `iis-auth basic ntlm`
    pub iis_auth: Vec<Text>,
}

/// `urls { internal "mail.contoso.com"; external "mail.contoso.com" }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// Host name for internal URLs.
    pub internal: Option<Text>,
    /// Host name for external URLs.
    pub external: Option<Text>,
}

/// `mail-flow on SERVER { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFlow {
    /// The transport server.
    pub server: Text,
    /// `inbound anonymous` or `inbound gateway "smtp.contoso.com"`.
    pub inbound: Option<Inbound>,
    /// `send-connector "Internet Connector" [smart-host "relay"]` (one statement per connector).
    pub send_connectors: Vec<SendConnector>,
    /// `accepted-domain "contoso.com" [authoritative]`
    pub accepted_domains: Vec<AcceptedDomain>,
    /// `routing-group-connector "NAME" { ... }`
    pub routing_group_connectors: Vec<RoutingGroupConnector>,
    /// `cross-forest-connector "NAME" { ... }`
    pub cross_forest_connectors: Vec<CrossForestConnector>,
}

/// How internet mail arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// `inbound anonymous`: straight from the internet to this server.
    Anonymous(Span),
    /// `inbound gateway "host"`: through a gateway or Edge server.
    Gateway(Text),
}

/// `send-connector "Internet Connector" [smart-host "relay.example.com"]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendConnector {
    /// Its name.
    pub name: Text,
    /// The relay it delivers through, when it is created (none: DNS).
    pub smart_host: Option<Text>,
}

/// `accepted-domain "contoso.com" [authoritative]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedDomain {
    /// The SMTP domain.
    pub domain: Text,
    /// Span of `authoritative` when written.
    pub authoritative: Option<Span>,
}

/// `routing-group-connector "Interop RGC" { to SERVER; cost 100; bidirectional }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingGroupConnector {
    /// The connector name.
    pub name: Text,
    /// The legacy bridgehead server.
    pub to: Option<Text>,
    /// `cost N`
    pub cost: Option<Spanned<u32>>,
    /// Span of `bidirectional` when written.
    pub bidirectional: Option<Span>,
}

/// `cross-forest-connector "To Fabrikam" { address-space "fabrikam.com"; smart-host "..."; auth basic; tls }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossForestConnector {
    /// The connector name.
    pub name: Text,
    /// `address-space "fabrikam.com"`
    pub address_space: Option<Text>,
    /// `smart-host "mail.fabrikam.com"`
    pub smart_host: Option<Text>,
    /// `auth basic|externally-secured|none`
    pub auth: Option<Text>,
    /// Span of `tls` when written.
    pub tls: Option<Span>,
}

/// `move mailboxes to DATABASE { batch "Wave 1"; from server X; from database "Y"; mailbox "a@b"; csv "w.csv" }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxMove {
    /// The target database.
    pub target: Text,
    /// `batch "Wave 1"`
    pub batch: Option<Text>,
    /// What to move, in source order.
    pub sources: Vec<MoveSource>,
    /// `bad-item-limit N`
    pub bad_item_limit: Option<Spanned<u32>>,
    /// Span of `accept-large-data-loss` when written.
    pub accept_large_data_loss: Option<Span>,
    /// Span of `suspend-when-ready` when written.
    pub suspend_when_ready: Option<Span>,
    /// `method move-request|migration-batch` (default: move requests).
    pub method: Option<Text>,
    /// Span of `auto-start` when written (migration batches).
    pub auto_start: Option<Span>,
    /// Span of `auto-complete` when written (migration batches).
    pub auto_complete: Option<Span>,
}

/// One source of mailboxes to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveSource {
    /// `mailbox "someone@contoso.com"`
    Mailbox(Text),
    /// `from server MAIL2007`
    Server(Text),
    /// `from database "MAIL2007\SG1\DB1"`
    Database(Text),
    /// `csv "waves\wave1.csv"` (relative to the plan file).
    Csv(Text),
}

/// `public-folders from SERVER to SERVER [{ include-system-folders }]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicFolders {
    /// The server whose replicas move.
    pub from: Text,
    /// The server that receives them.
    pub to: Text,
}

/// `galsync "OU=FromMIIS,DC=contoso,DC=com" { update all|contacts|specific ...; schedule ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalSync {
    /// The FromMIIS organizational unit, by its distinguished name.
    pub ou: Text,
    /// `update all`, `update contacts`, or `update specific { ... }` written as words.
    pub update: Option<Text>,
    /// `email-address-policy "..."`, `address-list "..."`, `global-address-list "..."`.
    pub specific: Vec<(Text, Text)>,
    /// `schedule daily at 02:00 as "d:\scripts\x.ps1" run-as "CONTOSO\svc"`
    pub schedule: Option<Schedule>,
}

/// When and as whom the GALSync script runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// `daily` (or `hourly`, `weekly`).
    pub every: Text,
    /// `at 02:00`, as written.
    pub at: Option<Text>,
    /// `as "d:\scripts\MyScript.ps1"`: where the script is installed on the server.
    pub script_path: Option<Text>,
    /// `run-as "CONTOSO\svc-galsync"`
    pub run_as: Option<Text>,
    /// The whole schedule statement.
    pub span: Span,
}

/// `validate on SERVER { service-health; mapi-connectivity; ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validate {
    /// The server to test.
    pub server: Text,
    /// The checks, as words.
    pub checks: Vec<Text>,
}

/// `manual "Point the firewall's port 25 at MAIL2010" [after mail-flow]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manual {
    /// What to do.
    pub text: Text,
    /// The phase it follows, by name.
    pub after: Option<Text>,
}

/// `dag "DAG1" { witness FS01 "C:\DAG1"; ip 10.0.0.8 192.168.0.8 | ip dhcp | ip none }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dag {
    /// The DAG's name (members name it with `cluster dag NAME`).
    pub name: Text,
    /// `witness SERVER "C:\DAG1"`: the witness server and directory.
    pub witness: Option<(Text, Text)>,
    /// `ip ...`: IPv4 addresses as written, or the single word `dhcp` or `none`.
    pub ip: Vec<Text>,
    /// The whole `ip` statement, when written.
    pub ip_span: Option<Span>,
}

/// `ccr "EXCMS01" { ip 10.0.0.20; witness EXHUB01 "C:\FSW_EXCMS01" }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ccr {
    /// The clustered mailbox server's name (the nodes name it with `cluster ccr NAME`).
    pub name: Text,
    /// `ip ADDRESS`: its IPv4 address.
    pub ip: Option<Text>,
    /// `witness SERVER "C:\DIR"`: the file share witness of the cluster's MNS quorum.
    pub witness: Option<(Text, Text)>,
}

/// `exmerge from EX55 { pst-folder "\\fs01\pst" }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExMerge {
    /// The server whose mailboxes are exported.
    pub from: Text,
    /// `pst-folder "\\fs01\pst"`: the share ExMerge writes the PST files to and the import
    /// reads them from.
    pub pst_folder: Option<Text>,
}
