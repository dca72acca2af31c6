//! Contexts of the client access, namespace, certificate, mail flow and validation steps
//! (R09–R14, R24, R25, R35, R39, R44).

use super::{Declares, StepKind};
use crate::ir::Validation;
use crate::ir::state::{Effect, Need, Service, key};
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
    /// The server that generates it (2007/2010: a Mailbox server, or the clustered mailbox
    /// server of a CCR node) or whose version does (2013+).
    pub server: String,
    /// The Client Access server whose OAB virtual directory distributes it (2007/2010).
    pub distributed_by: String,
    /// The OAB.
    pub oab: String,
    /// New mailbox databases of the version that get it explicitly (2013+).
    pub databases: Vec<String>,
    /// Whether the step moves the generation of the existing default OAB (2007/2010:
    /// `Move-OfflineAddressBook`), rather than making a new one generated in an organization
    /// mailbox (2013 and later).
    pub moves_default: bool,
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
    /// The names the front-ends answer on until the namespace switch, which their certificate
    /// must keep covering beside the legacy name.
    pub current_names: Vec<String>,
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
    /// Other servers of its version that this step imports the certificate on (`-Server`).
    /// Empty where the version's certificate cmdlets are local (2007): each of those servers
    /// gets a `certificate_import` step of its own.
    pub also: Vec<String>,
    /// Services it is enabled for.
    pub services: Vec<String>,
    /// Whether a PFX file is exported for other servers.
    pub export: bool,
    /// Its friendly name.
    pub friendly_name: String,
    /// Host names it covers.
    pub names: Vec<String>,
}

/// `certificate_import` (R10, facts §6.4) and `certificate_legacy` (R10, R38): the certificate,
/// from the PFX the installation exported, on another server, in the shell on that server: one
/// of the request's version whose certificate cmdlets work only locally, or an older one.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateImport {
    /// The server it is imported on (the script runs there).
    pub server: String,
    /// The server of the request, whose installation script exported the PFX.
    pub from: String,
    /// Services it is enabled for.
    pub services: Vec<String>,
    /// Its friendly name.
    pub friendly_name: String,
    /// Host names it covers.
    pub names: Vec<String>,
}

/// `inbound_anonymous` (R13).
#[derive(Debug, Clone, Serialize)]
pub struct InboundAnonymous {
    /// The transport server.
    pub server: String,
    /// New Client Access servers of its site that receive internet mail (2013+ front end).
    pub frontend: Vec<String>,
    /// The SMTP gateway or relay in front, pointed at it by hand; none: straight from the
    /// internet.
    pub gateway: Option<String>,
}

/// `send_connector` (R14).
#[derive(Debug, Clone, Serialize)]
pub struct SendConnectorStep {
    /// The new source server.
    pub server: String,
    /// The connector.
    pub connector: String,
    /// The relay it delivers through when it is created (none: DNS).
    pub smart_host: Option<String>,
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
    /// Whether a new server is validated before the names point at it (hosts-file tests).
    pub before_switch: bool,
}

/// `client_access_array`: a site's Client Access array (2010).
#[derive(Debug, Clone, Serialize)]
pub struct ClientAccessArray {
    /// The Active Directory site.
    pub site: String,
    /// The array's internal host name (also its name).
    pub fqdn: String,
    /// The site's new Client Access servers the name points at.
    pub servers: Vec<String>,
}

impl Declares for ClientAccessArray {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::finishes(key::created(
            "client access array",
            &self.fqdn,
        ))]
    }
}

/// The host of an `https://host/path` URL.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

impl Declares for PostInstall {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let services: Vec<Service> = self
            .virtual_directories
            .iter()
            .filter_map(|v| Service::of_virtual_directory(&v.noun))
            .collect();
        let mut effects = vec![Effect::Scp {
            server: self.server.clone(),
            host: host(&self.scp),
        }];
        if let Some(first) = self.virtual_directories.first() {
            effects.push(Effect::Urls {
                server: self.server.clone(),
                services,
                internal: Some(host(&first.internal)),
                external: Some(host(&first.external)),
            });
        }
        effects.push(Effect::finishes(key::scp(&self.server)));
        effects
    }
}

impl Declares for OutlookAnywhereStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::OutlookAnywhere {
                server: self.server.clone(),
                external: self.oa.host.clone(),
                internal: Some(self.internal_host.clone()),
                // The templates default IIS authentication to Basic and NTLM.
                ntlm: self.oa.iis_auth.is_empty()
                    || self
                        .oa
                        .iis_auth
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case("ntlm")),
            },
            Effect::finishes(key::outlook_anywhere(&self.server)),
        ]
    }
}

impl Declares for OfflineAddressBookStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::OabGeneratedBy {
                oab: self.oab.clone(),
                by: self.server.clone(),
                moves_default: self.moves_default,
            },
            Effect::finishes(key::oab(&self.oab)),
        ]
    }
}

impl Declares for LegacyUrls {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Resolves {
                host: self.legacy.clone(),
                servers: vec![self.server.clone()],
            },
            Effect::Urls {
                server: self.server.clone(),
                services: self
                    .virtual_directories
                    .iter()
                    .filter_map(|v| Service::of_virtual_directory(&v.noun))
                    .collect(),
                internal: None,
                external: Some(self.legacy.clone()),
            },
        ]
    }
}

impl Declares for LegacyOwa {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects = vec![Effect::Exchange2003Url {
            server: self.server.clone(),
            host: self.legacy.clone(),
        }];
        // The runbook's manual steps: DNS and a certificate for the legacy name on the
        // front-ends of a version without a shell.
        if !self.by_hand.is_empty() {
            effects.push(Effect::Resolves {
                host: self.legacy.clone(),
                servers: self.by_hand.clone(),
            });
            let mut names = self.current_names.clone();
            names.push(self.legacy.clone());
            for server in &self.by_hand {
                effects.push(Effect::Certificate {
                    certificate: format!("{} (by hand)", self.legacy),
                    server: server.clone(),
                    names: names.clone(),
                });
            }
        }
        effects
    }
}

impl Declares for CertificateRequest {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::Starts {
            key: key::certificate_request(&self.friendly_name),
            what: format!(
                "the request for the certificate {} waits for the certification authority",
                self.friendly_name
            ),
        }]
    }
}

impl Declares for CertificateInstall {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        let mut needs = vec![Need::Started {
            key: key::certificate_request(&self.friendly_name),
        }];
        needs.extend(
            std::iter::once(&self.server)
                .chain(&self.also)
                .map(|s| Need::present(s)),
        );
        needs
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects = vec![Effect::finishes(key::certificate_request(
            &self.friendly_name,
        ))];
        for server in std::iter::once(&self.server).chain(&self.also) {
            effects.push(Effect::Certificate {
                certificate: self.friendly_name.clone(),
                server: server.clone(),
                names: self.names.clone(),
            });
            effects.push(Effect::finishes(key::certificate(
                &self.friendly_name,
                server,
            )));
        }
        effects
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        self.export
            .then_some("a password for the exported certificate.pfx")
    }
}

impl Declares for CertificateImport {
    /// The installation on the request's server finished the request and exported the PFX.
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![
            Need::present(&self.server),
            Need::Done {
                key: key::certificate_request(&self.friendly_name),
            },
        ]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Certificate {
                certificate: self.friendly_name.clone(),
                server: self.server.clone(),
                names: self.names.clone(),
            },
            Effect::finishes(key::certificate(&self.friendly_name, &self.server)),
        ]
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        Some("the password of certificate.pfx")
    }
}

impl Declares for InboundAnonymous {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let servers = if self.frontend.is_empty() {
            vec![self.server.clone()]
        } else {
            self.frontend.clone()
        };
        vec![
            Effect::Inbound { servers },
            Effect::finishes(key::inbound(&self.server)),
        ]
    }
}

impl Declares for SendConnectorStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::SendConnector {
                connector: self.connector.clone(),
                sources: vec![self.server.clone()],
            },
            Effect::finishes(key::send_connector(&self.connector)),
        ]
    }
}

impl Declares for RoutingGroupConnectorStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![
            Need::present(&self.rgc.source),
            Need::present(&self.rgc.target),
        ]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::SendConnector {
                connector: self.rgc.name.clone(),
                sources: vec![self.rgc.source.clone(), self.rgc.target.clone()],
            },
            Effect::finishes(key::created("routing group connector", &self.rgc.name)),
        ]
    }
}

impl Declares for AcceptedDomainStep {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::finishes(key::created(
            "accepted domain",
            &self.ad.domain,
        ))]
    }
}

impl Declares for CrossForestConnectorStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.xf.source)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::SendConnector {
                connector: self.xf.name.clone(),
                sources: vec![self.xf.source.clone()],
            },
            Effect::finishes(key::created("cross-forest connector", &self.xf.name)),
        ]
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        (self.xf.auth == "basic").then_some("the credentials of the other forest's account")
    }
}

impl Declares for ValidateStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::present(&self.v.server)]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Validated {
                server: self.v.server.clone(),
            },
            Effect::finishes(key::validated(&self.v.server)),
        ]
    }
}
