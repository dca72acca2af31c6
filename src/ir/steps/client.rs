//! Contexts of the client access, namespace, certificate, mail flow and validation steps
//! (R09–R14, R24, R25, R35, R39, R44).

use super::Declares;
use crate::ir::Validation;
use crate::ir::{AcceptedDomain, CrossForestConnector, OutlookAnywhere, RoutingGroupConnector};
use serde::Serialize;

/// `post_install`: the Autodiscover service connection point and the virtual directory URLs
/// of a new Client Access server.
#[derive(Debug, Clone, Serialize)]
pub struct PostInstall {
    /// The server.
    pub server: String,
    /// The service connection point's URL.
    pub scp: String,
    /// Each virtual directory with its URLs.
    pub virtual_directories: Vec<VirtualDirectoryUrls>,
}

/// A virtual directory's internal and external URLs.
#[derive(Debug, Clone, Serialize)]
pub struct VirtualDirectoryUrls {
    /// Its cmdlet noun (`OwaVirtualDirectory`).
    pub noun: String,
    /// Its name before ` (Default Web Site)`.
    pub name: String,
    /// Internal URL.
    pub internal: String,
    /// External URL.
    pub external: String,
}

/// `outlook_anywhere`: Outlook Anywhere on a new Client Access server.
#[derive(Debug, Clone, Serialize)]
pub struct OutlookAnywhereStep {
    /// The server.
    pub server: String,
    /// The settings.
    pub oa: OutlookAnywhere,
    /// The internal host name.
    pub internal_host: String,
}

/// `offline_address_book`: OAB generation moved to (or made in) the new version.
#[derive(Debug, Clone, Serialize)]
pub struct OfflineAddressBookStep {
    /// The server that generates it (2007/2010) or whose version does (2013+).
    pub server: String,
    /// The OAB.
    pub oab: String,
    /// New mailbox databases of the version that get it explicitly (2013+).
    pub databases: Vec<String>,
}

/// `legacy_urls`: an older Client Access server's external URLs on the legacy name (R09).
#[derive(Debug, Clone, Serialize)]
pub struct LegacyUrls {
    /// The older Client Access server.
    pub server: String,
    /// The legacy host name.
    pub legacy: String,
    /// Its virtual directories and their new external URLs.
    pub virtual_directories: Vec<LegacyVirtualDirectory>,
    /// The names that move to the new version.
    pub current_names: Vec<String>,
    /// The first new Client Access server.
    pub new_cas: Option<String>,
    /// Whether a later phase switches the names (`namespace_switch`).
    pub switch_later: bool,
}

/// A virtual directory moved to the legacy name.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyVirtualDirectory {
    /// Its cmdlet noun.
    pub noun: String,
    /// Its name before ` (Default Web Site)`.
    pub name: String,
    /// Its external URL on the legacy name.
    pub external: String,
    /// Where the rule comes from.
    pub source: String,
}

/// `legacy_owa`: OWA users of 2003 mailboxes sent to the 2003 front-end (facts §6.3).
#[derive(Debug, Clone, Serialize)]
pub struct LegacyOwa {
    /// The new Client Access server.
    pub server: String,
    /// Front-ends of a version without a shell: their DNS name and certificate by hand.
    pub by_hand: Vec<String>,
    /// The `-Exchange2003Url`.
    pub url: String,
    /// The legacy host name.
    pub legacy: String,
    /// The servers that answer on the legacy name.
    pub front_ends: Vec<String>,
    /// The 2003 back-end servers.
    pub back_ends: Vec<String>,
    /// The versions whose OWA users are sent there.
    pub versions: Vec<String>,
    /// Where the rule comes from.
    pub source: String,
}

/// `certificate_request` (R10).
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRequest {
    /// The server the request is made on.
    pub server: String,
    /// Subject.
    pub subject: String,
    /// Host names.
    pub names: Vec<String>,
    /// Friendly name.
    pub friendly_name: String,
    /// Whether the private key is exportable (other servers get the certificate too).
    pub exportable: bool,
}

/// `certificate_install` (R10).
#[derive(Debug, Clone, Serialize)]
pub struct CertificateInstall {
    /// The server of the request.
    pub server: String,
    /// Other servers of its version.
    pub also: Vec<String>,
    /// Services it is enabled for.
    pub services: Vec<String>,
    /// Whether a PFX file is exported for other servers.
    pub export: bool,
}

/// `certificate_legacy` (R10, R38).
#[derive(Debug, Clone, Serialize)]
pub struct CertificateLegacy {
    /// The server.
    pub server: String,
    /// Services it is enabled for.
    pub services: Vec<String>,
}

/// `inbound_anonymous` (R13).
#[derive(Debug, Clone, Serialize)]
pub struct InboundAnonymous {
    /// The transport server.
    pub server: String,
    /// New Client Access servers of its site that receive internet mail (2013+ front end).
    pub frontend: Vec<String>,
}

/// `send_connector` (R14).
#[derive(Debug, Clone, Serialize)]
pub struct SendConnectorStep {
    /// The new source server.
    pub server: String,
    /// The connector.
    pub connector: String,
}

/// `routing_group_connector` (facts §6.5, R44).
#[derive(Debug, Clone, Serialize)]
pub struct RoutingGroupConnectorStep {
    /// The connector.
    pub rgc: RoutingGroupConnector,
    /// The new version's routing group, as older consoles show it.
    pub routing_group: String,
    /// The new version's administrative group.
    pub administrative_group: String,
    /// Where the rule comes from.
    pub source: String,
}

/// `accepted_domain` (R25).
#[derive(Debug, Clone, Serialize)]
pub struct AcceptedDomainStep {
    /// The domain.
    pub ad: AcceptedDomain,
}

/// `cross_forest_connector` (R24).
#[derive(Debug, Clone, Serialize)]
pub struct CrossForestConnectorStep {
    /// The connector.
    pub xf: CrossForestConnector,
}

/// `validate` and `validate_legacy`.
#[derive(Debug, Clone, Serialize)]
pub struct ValidateStep {
    /// The checks.
    pub v: Validation,
}

impl Declares for PostInstall {}
impl Declares for OutlookAnywhereStep {}
impl Declares for OfflineAddressBookStep {}
impl Declares for LegacyUrls {}
impl Declares for LegacyOwa {}
impl Declares for CertificateRequest {}
impl Declares for CertificateInstall {}
impl Declares for CertificateLegacy {}
impl Declares for InboundAnonymous {}
impl Declares for SendConnectorStep {}
impl Declares for RoutingGroupConnectorStep {}
impl Declares for AcceptedDomainStep {}
impl Declares for CrossForestConnectorStep {}
impl Declares for ValidateStep {}
