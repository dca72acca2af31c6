//! Contexts of the preflight, Active Directory and domain preparation and installation steps
//! (R01, R02, R04–R07, R41–R43).

use super::{Declares, StepKind};
use crate::ir::state::{Effect, Need, key};
use crate::ir::{Ccr, VersionLevel};
use crate::specs::{Build, BuildRange, Level};
use serde::Serialize;

/// `preflight`: checks in the shell of the newest existing version that has one.
#[derive(Debug, Clone, Serialize)]
pub struct Preflight {
    /// The version the plan installs.
    pub target: VersionLevel,
    /// The coexistence minimum of each existing version.
    pub minimums: Vec<CoexistenceMinimum>,
    /// The existing servers.
    pub existing: Vec<ExistingServer>,
    /// The forest functional level the target needs.
    pub forest: ForestCheck,
    /// Sites that need a global catalog.
    pub global_catalog_sites: Vec<String>,
}

/// The level an existing version must be at beside the target.
#[derive(Debug, Clone, Serialize)]
pub struct CoexistenceMinimum {
    /// The existing version.
    pub version: String,
    /// Its major version number.
    pub major: u32,
    /// The minimum level.
    pub level: Level,
    /// That level's build.
    pub build: Build,
    /// Where the rule comes from.
    pub source: String,
}

/// An existing server, as the preflight checks it.
#[derive(Debug, Clone, Serialize)]
pub struct ExistingServer {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its level.
    pub level: Level,
    /// Its site.
    pub site: String,
    /// Whether it is an Edge Transport server (not in Active Directory).
    pub edge: bool,
}

/// R01: the forest functional level the target needs.
#[derive(Debug, Clone, Serialize)]
pub struct ForestCheck {
    /// The minimum level, as the plan writes levels (`2003`).
    pub minimum: String,
    /// The `ForestMode` names below it, as .NET reports them.
    pub below: Vec<String>,
    /// Where the rule comes from.
    pub source: String,
}

/// `prepare_schema` and `prepare_ad`: setup from the media.
#[derive(Debug, Clone, Serialize)]
pub struct Prepare {
    /// Whether Exchange 2000/2003 servers exist (their permissions were prepared first).
    pub legacy_permissions: bool,
    /// The version the plan installs.
    pub target: VersionLevel,
    /// Where setup runs from.
    pub media: Option<String>,
    /// The setup program.
    pub program: String,
    /// `rangeUpper` of the schema version attribute after `/PrepareSchema` with this media.
    pub schema_version: Option<u32>,
    /// Setup's switches.
    pub switches: Vec<String>,
    /// R35: the existing Client Access servers validated before anything changes.
    pub validate_first: Vec<String>,
    /// Whether a preflight checks the organization first (none where no server exists yet).
    pub preflight_first: bool,
}

/// `prepare_domains`: facts §4.1, §4.3. `/PrepareAD` prepares only the domain it runs in;
/// every other domain of the forest that holds Exchange servers or mail-enabled users needs
/// `/PrepareDomain:<FQDN>`. Made only for a forest with several domains, for each of them, the
/// root too (exgen cannot tell which one `/PrepareAD` ran in; preparing it again is harmless).
#[derive(Debug, Clone, Serialize)]
pub struct PrepareDomains {
    /// The version the plan installs.
    pub target: VersionLevel,
    /// The setup program (the runbook gives each domain's command).
    pub program: String,
    /// The forest's root domain.
    pub forest: String,
    /// Each domain and setup's switches for it, in plan order (the root domain first).
    pub domains: Vec<DomainPreparation>,
}

/// One domain's preparation.
#[derive(Debug, Clone, Serialize)]
pub struct DomainPreparation {
    /// The domain's FQDN.
    pub domain: String,
    /// Setup's switches.
    pub switches: Vec<String>,
}

/// `install_server`: one new server, all its roles in one setup run, on the server itself.
#[derive(Debug, Clone, Serialize)]
pub struct InstallServer {
    /// The server.
    pub server: String,
    /// Its operating system.
    pub os: Option<String>,
    /// The version the plan installs.
    pub target: VersionLevel,
    /// Where setup runs from.
    pub media: Option<String>,
    /// The setup program.
    pub program: String,
    /// Setup's switches.
    pub switches: Vec<String>,
    /// The registry key setup writes once a role is installed.
    pub installed_key: String,
    /// Setup's role names, in install order.
    pub roles: Vec<String>,
    /// The node's CCR cluster, when it is one (R32).
    pub ccr: Option<CcrNode>,
    /// Whether it serves client access (its Autodiscover service connection point points at
    /// itself until the post-install step).
    pub client_access: bool,
    /// The domains `prepare_domains` must have prepared first (none in a one-domain forest,
    /// where `/PrepareAD` prepared the only one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

/// R32, facts §6.8: one node of a two-node CCR cluster.
#[derive(Debug, Clone, Serialize)]
pub struct CcrNode {
    /// The clustered mailbox server.
    pub cms: Ccr,
    /// Whether this node's setup creates the clustered mailbox server.
    pub active: bool,
    /// The other node.
    pub other: String,
    /// The witness share, `\\server\share`.
    pub witness_share: String,
    /// The share name.
    pub share: String,
    /// Whether the setup switches of this node are from Microsoft documentation.
    pub verified: bool,
    /// Where they come from.
    pub source: String,
}

/// `upgrade_server`: the in-place upgrade of 2019 CU14/CU15 to SE (facts §2.2).
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeServer {
    /// The server.
    pub server: String,
    /// Its version and level now.
    pub from: VersionLevel,
    /// The build range that tells its version apart.
    pub from_builds: Option<BuildRange>,
    /// The lowest level the upgrade starts from.
    pub minimum: Option<UpgradeMinimum>,
    /// The version it is upgraded to.
    pub target: VersionLevel,
    /// The target's major version number.
    pub major: u32,
    /// The target's minor version number.
    pub minor: Option<u32>,
    /// The build range that tells the target apart.
    pub builds: Option<BuildRange>,
    /// Where setup runs from.
    pub media: Option<String>,
    /// The setup program.
    pub program: String,
    /// Setup's switches.
    pub switches: Vec<String>,
    /// The registry key setup writes.
    pub installed_key: String,
    /// The domains `prepare_domains` must have prepared first (as for `install_server`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

/// The lowest level an in-place upgrade starts from.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeMinimum {
    /// The level.
    pub level: Level,
    /// Its build.
    pub build: Option<Build>,
    /// Where the rule comes from.
    pub source: String,
    /// The third part of its build number.
    pub build_number: Option<u32>,
}

/// `preflight_legacy`: an organization with Exchange 2000/2003, checked through Active
/// Directory in plain Windows PowerShell (R41–R43).
#[derive(Debug, Clone, Serialize)]
pub struct PreflightLegacy {
    /// The 2000/2003 front-end servers.
    pub front_ends: Vec<String>,
    /// The version the plan installs.
    pub target: VersionLevel,
    /// The organization's name.
    pub organization: Option<String>,
    /// R43: native mode required, with its source.
    pub native_mode: Option<SourceNote>,
    /// The coexistence minimum of each version without a shell.
    pub minimums: Vec<LegacyMinimum>,
    /// Versions that block the target.
    pub blocked: Vec<BlockedVersion>,
    /// The existing servers of the target's forest.
    pub existing: Vec<LegacyServer>,
    /// The forest functional level the target needs.
    pub forest: ForestCheck,
    /// Sites that need a global catalog.
    pub global_catalog_sites: Vec<String>,
    /// The versions without a shell.
    pub versions: Vec<String>,
    /// The server it runs on (the first new one).
    pub run_on: Option<String>,
}

/// A rule's source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceNote {
    /// Where the rule comes from.
    pub source: String,
}

/// The minimum of a version without a shell, by its build prefix.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyMinimum {
    /// The version.
    pub version: String,
    /// `major.minor` of its builds.
    pub prefix: String,
    /// The minimum level.
    pub level: Level,
    /// That level's build.
    pub build: Build,
    /// Where the rule comes from.
    pub source: String,
}

/// A version that blocks the target.
#[derive(Debug, Clone, Serialize)]
pub struct BlockedVersion {
    /// The version.
    pub version: String,
    /// The major number prefix of its serial numbers (`6.`).
    pub prefix: String,
    /// `major.minor` where the major is shared with an allowed version.
    pub release: Option<String>,
    /// Where the rule comes from.
    pub source: String,
}

/// An existing server of a legacy organization.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyServer {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its level.
    pub level: Level,
}

/// `prepare_legacy_permissions` (facts §4.2).
#[derive(Debug, Clone, Serialize)]
pub struct PrepareLegacyPermissions {
    /// The version the plan installs.
    pub target: VersionLevel,
    /// The setup program.
    pub program: String,
    /// Setup's switches.
    pub switches: Vec<String>,
    /// The domains of the target's forest.
    pub domains: Vec<String>,
}

impl Declares for Preflight {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::Checked {
            versions: self.minimums.iter().map(|m| m.version.clone()).collect(),
            native_mode: false,
        }]
    }
}

impl Declares for PreflightLegacy {
    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::Checked {
            versions: self.minimums.iter().map(|m| m.version.clone()).collect(),
            native_mode: self.native_mode.is_some(),
        }]
    }
}

impl Declares for PrepareLegacyPermissions {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Checked]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![Effect::LegacyPermissionsPrepared]
    }
}

impl Declares for Prepare {
    fn needs(&self, kind: StepKind) -> Vec<Need> {
        let version = self.target.version.clone();
        if kind == StepKind::PrepareAd {
            return vec![Need::Schema { version }];
        }
        let mut needs = Vec::new();
        if self.preflight_first {
            needs.push(Need::Checked);
        }
        if self.legacy_permissions {
            needs.push(Need::LegacyPermissions);
        }
        needs.extend(self.validate_first.iter().map(|server| Need::Done {
            key: key::validated(server),
        }));
        needs
    }

    fn effects(&self, kind: StepKind) -> Vec<Effect> {
        let version = self.target.version.clone();
        if kind == StepKind::PrepareAd {
            vec![Effect::DirectoryPrepared { version }]
        } else {
            vec![Effect::SchemaPrepared { version }]
        }
    }
}

impl Declares for PrepareDomains {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Directory {
            version: self.target.version.clone(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        self.domains
            .iter()
            .map(|d| Effect::DomainPrepared {
                version: self.target.version.clone(),
                domain: d.domain.clone(),
            })
            .collect()
    }
}

/// Setup needs Active Directory prepared, and every domain of a forest with several.
fn setup_needs(target: &VersionLevel, domains: &[String]) -> Vec<Need> {
    let version = &target.version;
    std::iter::once(Need::Directory {
        version: version.clone(),
    })
    .chain(domains.iter().map(|domain| Need::Domain {
        version: version.clone(),
        domain: domain.clone(),
    }))
    .collect()
}

impl Declares for InstallServer {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        setup_needs(&self.target, &self.domains)
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        let mut effects = vec![Effect::Installed {
            server: self.server.clone(),
        }];
        // R32: the active node's setup creates the clustered mailbox server.
        if let Some(ccr) = self.ccr.as_ref().filter(|c| c.active) {
            effects.push(Effect::Installed {
                server: ccr.cms.name.clone(),
            });
        }
        if self.client_access {
            effects.push(Effect::Starts {
                key: key::scp(&self.server),
                what: format!(
                    "the Autodiscover service connection point of {} points at the server itself, with its self-signed certificate",
                    self.server
                ),
            });
        }
        effects
    }
}

impl Declares for UpgradeServer {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        let mut needs = setup_needs(&self.target, &self.domains);
        needs.push(Need::Present {
            server: self.server.clone(),
        });
        needs
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Upgraded {
                server: self.server.clone(),
                version: self.target.version.clone(),
            },
            Effect::Finishes {
                key: key::upgrade(&self.server),
            },
        ]
    }
}
