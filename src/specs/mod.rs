//! Version knowledge as data: `specs/<version>.yaml`, embedded in the binary.
//!
//! Each spec describes one Exchange version: its update levels and builds, which older
//! versions it coexists with (declared on the newer version only), roles and install order,
//! setup switches, how its shell is loaded and which PowerShell it runs, supported operating
//! systems, and the phases a plan targeting it is carried out in. Rust code reads these
//! tables; it holds no version literals of its own.

use crate::exchange::{MailboxKind, Service};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

pub mod runbook;
pub mod scheduling;

/// The spec files, embedded at build time. Adding a version means adding a line here and a file.
const SPEC_FILES: &[(&str, &str)] = &[
    ("2000.yaml", include_str!("../../specs/2000.yaml")),
    ("2003.yaml", include_str!("../../specs/2003.yaml")),
    ("2007.yaml", include_str!("../../specs/2007.yaml")),
    ("2010.yaml", include_str!("../../specs/2010.yaml")),
    ("2013.yaml", include_str!("../../specs/2013.yaml")),
    ("2016.yaml", include_str!("../../specs/2016.yaml")),
    ("2019.yaml", include_str!("../../specs/2019.yaml")),
    ("SE.yaml", include_str!("../../specs/SE.yaml")),
];

/// Versions exgen recognises by name, in release order, including those it has no spec for yet.
const KNOWN_VERSIONS: &str = include_str!("../../specs/versions.yaml");

/// All version specs, in release order.
#[derive(Debug)]
pub struct Specs {
    known: Vec<KnownVersion>,
    functional_levels: Vec<FunctionalLevel>,
    versions: Vec<VersionSpec>,
}

/// A version exgen recognises by name, with or without a spec.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct KnownVersion {
    /// Its name in plans and in `# Exchange:` headers: `2007`, `SE`.
    pub name: String,
    /// Its product name.
    pub product: String,
}

#[derive(Deserialize)]
struct KnownFile {
    versions: Vec<KnownVersion>,
    functional_levels: Vec<FunctionalLevel>,
}

/// A forest functional level.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionalLevel {
    /// As plans write it: `2003`, `2008r2`.
    pub level: String,
    /// Its `ForestMode` name at run time: `Windows2003Forest`.
    pub forest_mode: String,
}

impl Specs {
    /// The embedded specs, parsed once. Panics only if an embedded file is malformed, which
    /// the test suite rules out.
    #[must_use]
    pub fn embedded() -> &'static Specs {
        static SPECS: OnceLock<Specs> = OnceLock::new();
        SPECS.get_or_init(|| {
            Specs::parse(KNOWN_VERSIONS, SPEC_FILES)
                .unwrap_or_else(|e| panic!("embedded specs: {e}"))
        })
    }

    /// Parses the version list and spec files given as `(file name, text)`.
    ///
    /// # Errors
    /// A file that does not match the schema, naming the file.
    pub fn parse(known: &str, files: &[(&str, &str)]) -> Result<Specs, String> {
        let known: KnownFile =
            serde_saphyr::from_str(known).map_err(|e| format!("versions.yaml: {e}"))?;
        let mut versions = Vec::new();
        for (name, text) in files {
            let spec: VersionSpec =
                serde_saphyr::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            versions.push(spec);
        }
        let order = |v: &str| {
            known
                .versions
                .iter()
                .position(|k| k.name.eq_ignore_ascii_case(v))
        };
        versions.sort_by_key(|v| order(&v.version));
        Ok(Specs {
            known: known.versions,
            functional_levels: known.functional_levels,
            versions,
        })
    }

    /// Every version exgen recognises, in release order.
    #[must_use]
    pub fn known(&self) -> &[KnownVersion] {
        &self.known
    }

    /// Canonical name of a version as written in a plan (`se` → `SE`), if recognised.
    #[must_use]
    pub fn canonical(&self, written: &str) -> Option<&str> {
        self.known
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(written))
            .map(|k| k.name.as_str())
    }

    /// Release order of a recognised version (0 = oldest).
    #[must_use]
    pub fn rank(&self, version: &str) -> Option<usize> {
        self.known
            .iter()
            .position(|k| k.name.eq_ignore_ascii_case(version))
    }

    /// Rank of a forest functional level as written (`2008r2`), lowest = 0.
    #[must_use]
    pub fn functional_level_rank(&self, level: &str) -> Option<usize> {
        self.functional_levels
            .iter()
            .position(|l| l.level.eq_ignore_ascii_case(level))
    }

    /// The forest functional levels exgen knows, lowest first.
    #[must_use]
    pub fn functional_levels(&self) -> &[FunctionalLevel] {
        &self.functional_levels
    }

    /// The spec of `version`, if exgen has one.
    #[must_use]
    pub fn get(&self, version: &str) -> Option<&VersionSpec> {
        self.versions
            .iter()
            .find(|v| v.version.eq_ignore_ascii_case(version))
    }

    /// All specs, oldest first.
    #[must_use]
    pub fn all(&self) -> &[VersionSpec] {
        &self.versions
    }
}

/// Everything exgen knows about one Exchange version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSpec {
    /// `2007`, `2010`, ...
    pub version: String,
    /// `Exchange Server 2010`
    pub name: String,
    /// Major number of `AdminDisplayVersion` (`Version 14.x`).
    pub major: u32,
    /// Minor number, for versions that share their major with others (2013 is 15.0, 2016
    /// 15.1): scripts then compare both.
    #[serde(default)]
    pub minor: Option<u32>,
    /// Update levels with their builds, oldest first.
    pub updates: Vec<Update>,
    /// Older versions this one can be installed beside, with the level each must be at.
    #[serde(default)]
    pub coexistence: Vec<Coexistence>,
    /// Older versions that block installing this one.
    #[serde(default)]
    pub blocked: Vec<Blocked>,
    /// The level this version's own servers must be at while older versions remain (2013:
    /// CU2, facts §2.1).
    #[serde(default)]
    pub self_minimum_in_coexistence: Option<Fact<Level>>,
    /// The kinds of mailbox this version's databases hold, each listed by its own
    /// `Get-Mailbox` switch and each blocking the removal of its database until it has moved
    /// (facts §6.1, §6.10).
    #[serde(default)]
    pub mailbox_kinds: Vec<MailboxKind>,
    /// The services this version's mailbox users reach, and how its Client Access serves the
    /// mailboxes of other versions during coexistence (facts §6.3).
    #[serde(default)]
    pub client_access: Option<ClientAccessSpec>,
    /// Whether a site with Client Access servers of this version gets a Client Access array
    /// (2010: `New-ClientAccessArray`), before its first database.
    #[serde(default)]
    pub client_access_array: Option<Fact<bool>>,
    /// The names of the receive connectors setup makes on each transport server, before the
    /// server's name (`Default` is "Default SERVER"): the decommission check lists any other as
    /// one to re-create on a new server (facts §6.10 step 4).
    #[serde(default)]
    pub default_receive_connectors: Vec<String>,
    /// Whether a completed move request into this version keeps its mailbox flagged as moved
    /// until `Remove-MoveRequest` clears it (2010); from 2013 on, clearing only tidies up (facts
    /// §6.1).
    #[serde(default)]
    pub completed_moves_stay_flagged: bool,
    /// Whether an OAB is generated in an organization mailbox (`Set-OfflineAddressBook
    /// -GeneratingMailbox`, 2013+) rather than on a server (`Move-OfflineAddressBook`), §6.2.
    #[serde(default)]
    pub oab_generating_mailbox: bool,
    /// The offline address book an organization at this version has by default, as
    /// `Get-OfflineAddressBook` names it (what `exgen init` writes in `offline-address-book`).
    #[serde(default)]
    pub default_offline_address_book: Option<String>,
    /// Whether Outlook Anywhere is always on and only set (`Set-OutlookAnywhere`, 2013+), §6.3.
    #[serde(default)]
    pub outlook_anywhere_always_on: bool,
    /// `legacy` (public folder databases and replicas) or `modern` (public folder mailboxes).
    #[serde(default)]
    pub public_folders: Option<String>,
    /// While this version is the target, every older Client Access server that answers on the
    /// legacy namespace needs the new certificate too (R38).
    #[serde(default)]
    pub legacy_cas_certificate: Option<Fact<bool>>,
    /// Whether this version's certificate cmdlets act on the local server only (no `-Server`:
    /// Exchange 2007, facts §6.4). The other servers of a certificate of this version then each
    /// import the exported PFX in a script run on them (`certificate_import`); otherwise the
    /// installation script imports it on them with `-Server`.
    #[serde(default)]
    pub certificate_cmdlets_local: Option<Fact<bool>>,
    /// Roles, co-location and order.
    pub roles: Roles,
    /// Setup program and switches (`None`: a GUI-only setup exgen never runs, 2000/2003).
    #[serde(default)]
    pub setup: Option<Setup>,
    /// Who may run the steps of this version's shell: the built-in groups by the keys
    /// `specs/runbook.yaml` names them with (`organization`, `recipients`, `view-only`).
    #[serde(default)]
    pub role_groups: std::collections::BTreeMap<String, String>,
    /// How the Management Shell is loaded and which PowerShell it runs (`None`: the version
    /// has no Management Shell; its steps are runbook steps in `console`).
    #[serde(default)]
    pub shell: Option<Shell>,
    /// The administration tool of a version without a shell (`Exchange System Manager`).
    #[serde(default)]
    pub console: Option<String>,
    /// Older versions whose organization must be in native mode before this version is
    /// installed (no 5.5 servers, SRS or ADC; switched by hand in the older console).
    #[serde(default)]
    pub native_mode_with: Option<VersionsFact>,
    /// Routing interop with older versions: this version's routing and administrative group
    /// as the older consoles show them, and which older versions route through connectors.
    #[serde(default)]
    pub legacy_routing: Option<LegacyRouting>,
    /// Older versions whose mailboxes are offline while this version's move requests pull
    /// them (facts §6.1: 2003 → 2010).
    #[serde(default)]
    pub offline_moves_from: Option<VersionsFact>,
    /// Where this version's OWA sends users whose mailbox is still on an older version without
    /// a shell (facts §6.3: 2010's `-Exchange2003Url`).
    #[serde(default)]
    pub legacy_owa_url: Option<LegacyOwaUrl>,
    /// The forest functional level this version needs.
    pub forest_functional_level: Fact<String>,
    /// Whether every site with Exchange servers needs a global catalog.
    #[serde(default)]
    pub global_catalog_per_site: Option<Fact<bool>>,
    /// Operating systems a new server of this version may run.
    pub os: Vec<OsRule>,
    /// Older versions whose client access needs a legacy namespace while they coexist with this one.
    #[serde(default)]
    pub legacy_namespace_for: Vec<String>,
    /// Older versions whose Client Access servers need Outlook Anywhere (with NTLM) because
    /// this version proxies to them (facts §6.3: 2016 to 2010); empty means every older one
    /// the target's `legacy_outlook_anywhere` phase meets.
    #[serde(default)]
    pub legacy_outlook_anywhere_for: Vec<String>,
    /// In-place upgrades this version supports, by older version and minimum level.
    #[serde(default)]
    pub in_place_upgrade_from: Vec<Coexistence>,
    /// The level older transport (Hub) servers need for EdgeSync with a new Edge server of
    /// this version (2013: 2007 SP3 RU13, 2010 SP3 RU5; facts §2.1).
    #[serde(default)]
    pub edge_sync_minimums: Vec<Coexistence>,
    /// Validation checks a plan may ask for on a server of this version.
    #[serde(default)]
    pub validation_checks: Vec<String>,
    /// Virtual directories of the Client Access role, by cmdlet noun.
    #[serde(default)]
    pub virtual_directories: Vec<VirtualDirectory>,
    /// Template folders this version falls back to, in order, before `templates/common/`
    /// (for example 2016 using 2013's templates where its own folder has none).
    #[serde(default)]
    pub template_fallbacks: Vec<String>,
    /// Older versions a plan targeting this version is generated for (others coexist, per
    /// `coexistence`, but are reported as not generated yet).
    #[serde(default)]
    pub generated_from: Vec<String>,
    /// Database availability groups (2010+, facts §6.8); `None`: the version has none.
    #[serde(default)]
    pub dag: Option<DagSpec>,
    /// Whether `New-MigrationBatch -Local` can move mailboxes into this version (2013+,
    /// facts §6.1); `None`: moves are move requests only.
    #[serde(default)]
    pub migration_batch: Option<Fact<bool>>,
    /// Legacy public folders (2007/2010 public folder databases) into this version's public
    /// folder mailboxes by batch migration (facts §6.6); `None`: not generated into it.
    #[serde(default)]
    pub public_folder_migration: Option<PublicFolderMigration>,
    /// Older versions this version cannot coexist with whose mailboxes may leave by export to
    /// PST files and import into this version (2007: Exchange 5.5 by ExMerge and
    /// `Import-Mailbox`, R33); `None`: no such route.
    #[serde(default)]
    pub export_import: Option<ExportImport>,
    /// Phases of a plan that targets this version, in order (empty: not a target yet).
    #[serde(default)]
    pub phases: Vec<PhaseSpec>,
    /// The third build number range of this version, where `major.minor` alone does not tell
    /// it apart (2019 and SE are both 15.2: SE from build 2562, facts §1).
    #[serde(default)]
    pub builds: Option<BuildRange>,
}

/// Public folder batch migration into a version with public folder mailboxes (facts §6.6): a
/// feature with its own minimum levels, above the coexistence minimums.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicFolderMigration {
    /// The feature's name in diagnostics.
    pub feature: String,
    /// The level the new servers must be at (2013: CU7); `None`: any.
    #[serde(default)]
    pub target_minimum: Option<Level>,
    /// The older versions whose public folders can come in, each with its minimum.
    pub from: Vec<FeatureSource>,
    /// The migration batch's name (one per organization).
    pub batch_name: String,
    /// The most public folders one migration is known to handle.
    #[serde(default)]
    pub folder_limit: Option<u64>,
    /// The size each new public folder mailbox may fill, in bytes, passed to
    /// `PublicFolderToMailboxMapGenerator.ps1`.
    pub mailbox_size_bytes: Fact<u64>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// One older version a feature works from, and the level it needs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureSource {
    /// The older version.
    pub with: String,
    /// The level its server must be at.
    pub minimum: Level,
    /// The PowerShell the migration scripts need in that version's shell, when above the
    /// shell's own level (2007: 2.0, with WinRM 2.0).
    #[serde(default)]
    pub powershell: Option<String>,
    /// What else that server needs, for the runbook.
    #[serde(default)]
    pub requires: Option<String>,
    /// `-BadItemLimit` base for the batch: base + (public folder databases − 1) (2007).
    #[serde(default)]
    pub bad_item_base: Option<u32>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// A range of the third build number (`15.2.<build>.x`): `from` included, `below` excluded.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuildRange {
    /// The first build of the version.
    #[serde(default)]
    pub from: Option<u32>,
    /// The first build that is no longer this version.
    #[serde(default)]
    pub below: Option<u32>,
    /// Where the fact comes from.
    pub source: String,
}

/// What a version's database availability groups allow (facts §6.8).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DagSpec {
    /// When a DAG may have no IP address (no cluster administrative access point, `ip none`):
    /// the operating systems (with the Exchange level each needs) that allow it; empty: never.
    #[serde(default)]
    pub ip_less: Vec<OsRule>,
    /// How sure `ip_less` is (a `?` only ever warns).
    #[serde(default)]
    pub ip_less_confidence: Confidence,
    /// Where `ip_less` comes from.
    #[serde(default)]
    pub ip_less_source: String,
}

/// How sure the sources are about a fact (exchange-facts.md tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum Confidence {
    /// Microsoft documentation.
    #[default]
    D,
    /// Third-party sources only.
    #[serde(rename = "3P")]
    ThirdParty,
    /// Unverified: may only ever produce a warning.
    #[serde(rename = "?")]
    Unverified,
}

/// A value with its confidence and source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fact<T> {
    /// The value.
    #[serde(alias = "minimum", alias = "required", alias = "path")]
    pub value: T,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// One update level: `sp3 ru10` with build `8.3.298.3`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// Its name as written in plans.
    pub name: Level,
    /// Its build number.
    pub build: Build,
    /// How sure the build number is.
    #[serde(default)]
    pub confidence: Confidence,
}

/// A list of versions with its confidence and source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VersionsFact {
    /// The versions.
    pub versions: Vec<String>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// The OWA path on the legacy namespace for users of an older version (facts §6.3).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyOwaUrl {
    /// Older versions whose OWA users are sent there.
    pub versions: Vec<String>,
    /// The path on the legacy name (`/exchange`).
    pub path: String,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// Routing interop with Exchange 2000/2003 routing groups (facts §6.5, R44).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyRouting {
    /// Older versions that route through routing group connectors.
    pub with: Vec<String>,
    /// This version's single routing group, as the older consoles show it.
    pub routing_group: String,
    /// This version's single administrative group, as the older consoles show it.
    pub administrative_group: String,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// `with: "2007", minimum: { level: sp2 }`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Coexistence {
    /// The older version.
    pub with: String,
    /// The level its servers must be at.
    pub minimum: Minimum,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// A minimum update level of an older version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    /// The level, such as `sp2`.
    pub level: Level,
}

/// What clients of a version reach, and how its Client Access serves other versions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientAccessSpec {
    /// The services this version's mailbox users reach.
    pub services: Vec<Service>,
    /// How this version serves the mailboxes of each older version, per service.
    #[serde(default)]
    pub serves: Vec<Serves>,
    /// Older versions whose Client Access servers serve this version's mailboxes too (the
    /// 2013-and-later family proxies up and down).
    #[serde(default)]
    pub served_by_older: Vec<String>,
    /// How sure, for `served_by_older`.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where `served_by_older` comes from.
    #[serde(default)]
    pub source: String,
}

/// How a version's Client Access serves the mailboxes of one older version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Serves {
    /// The older version.
    pub with: String,
    /// Per service: how. A service not listed is not served.
    pub how: IndexMap<Service, How>,
    /// Whether proxying Outlook Anywhere needs it enabled, with NTLM, on the older version's
    /// Client Access servers.
    #[serde(default)]
    pub needs_legacy_outlook_anywhere: bool,
    /// What the older version's mailbox servers need before this version proxies to them, done
    /// by hand (the runbook says it before the namespace switch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_ends_need: Option<String>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// How a newer Client Access server serves an older version's mailbox for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// It serves the request itself, passing it on to the older version.
    Proxy,
    /// It sends the client to the older version's URL for the service, which must be on the
    /// legacy name (Autodiscover hands out that URL; OWA redirects to it).
    Redirect,
    /// Autodiscover answers with the older version's settings.
    Answer,
    /// OWA users are sent to `-Exchange2003Url`, on the legacy name.
    Exchange2003Url,
}

/// An older version that cannot coexist with this one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Blocked {
    /// The older version.
    pub with: String,
    /// The first update level of this version whose setup refuses the older version (2019
    /// CU15 refuses 2013); none: every level does.
    #[serde(default)]
    pub from_level: Option<Level>,
    /// The supported way forward, shown as the diagnostic's help.
    #[serde(default)]
    pub alternative: Option<String>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
}

/// Mailboxes of a blocked older version leaving by PST export and import (`exmerge`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExportImport {
    /// The blocked older versions whose servers an `exmerge` block may name.
    pub from: Vec<String>,
    /// The lowest level of this version whose shell imports PST files (`Import-Mailbox`).
    pub import_minimum: Level,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where it comes from.
    pub source: String,
}

/// Roles of a version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// Roles the version has, by plan keyword.
    pub available: Vec<String>,
    /// Order servers are installed in, by their first role in this list.
    pub install_order: Vec<String>,
    /// Roles that must be alone on their server.
    #[serde(default)]
    pub alone: Vec<String>,
    /// Roles a Mailbox server needs of its own version in its site.
    #[serde(default)]
    pub mailbox_needs_in_site: Vec<String>,
    /// The update level a role needs, when later than the version's first release
    /// (2013 Edge Transport: SP1).
    #[serde(default)]
    pub minimum: IndexMap<String, Level>,
    /// The role a `mail-flow` server must hold (`hub` when not given).
    #[serde(default)]
    pub transport: Option<String>,
    /// The role that serves client access, when it is not `cas` (2016 and later: Client
    /// Access is a service of the Mailbox role, facts §3).
    #[serde(default)]
    pub client_access: Option<String>,
    /// What the version itself calls each role keyword, where it differs (2003: `cas` is a
    /// front-end server).
    #[serde(default)]
    pub labels: IndexMap<String, String>,
}

impl Roles {
    /// The role keyword a `mail-flow` server must hold: `transport`, else `hub`.
    #[must_use]
    pub fn transport_role(&self) -> &str {
        self.transport.as_deref().unwrap_or("hub")
    }

    /// The role keyword that serves client access: `client_access`, else `cas`.
    #[must_use]
    pub fn client_access_role(&self) -> &str {
        self.client_access.as_deref().unwrap_or("cas")
    }
}

/// License switches from an update level on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseFrom {
    /// The first level that needs these switches.
    pub level: Level,
    /// The switches.
    pub switches: Vec<String>,
}

/// Setup program and switches.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// `setup.com` or `Setup.exe`.
    pub program: String,
    /// The PowerShell a plain (non-Exchange) script on a new server can rely on.
    pub powershell: String,
    /// Switches for /PrepareLegacyExchangePermissions.
    pub prepare_legacy_permissions: Vec<String>,
    /// Older versions whose presence needs /PrepareLegacyExchangePermissions (facts §4.2).
    #[serde(default)]
    pub legacy_permissions_for: Vec<String>,
    /// Switches for /PrepareSchema.
    pub prepare_schema: Vec<String>,
    /// Switches for /PrepareAD.
    pub prepare_ad: Vec<String>,
    /// The domain preparation switch, the domain's FQDN follows (`/PrepareDomain:`, facts §4.1).
    pub prepare_domain: String,
    /// Switches for an install.
    pub install: Vec<String>,
    /// Prefix of the roles switch, the role names follow comma-separated.
    pub roles_switch: String,
    /// License switches added to every run.
    pub license: Vec<String>,
    /// License switches that replace `license` from an update level on (the Sept-2021 CUs'
    /// DiagnosticData forms).
    #[serde(default)]
    pub license_from: Vec<LicenseFrom>,
    /// Setup's name for each role keyword.
    pub role_names: IndexMap<String, String>,
    /// Registry key that exists once this version is installed.
    pub installed_key: Fact<String>,
    /// Schema version (rangeUpper of ms-Exch-Schema-Version-Pt) per base level.
    #[serde(default)]
    pub schema_version: IndexMap<String, u32>,
    /// Switches of an in-place upgrade run (`/Mode:Upgrade`), for versions that allow one.
    #[serde(default)]
    pub upgrade: Vec<String>,
    /// For versions with clustered mailbox servers (2007 CCR): how setup installs the nodes.
    #[serde(default)]
    pub clustered_mailbox: Option<ClusteredMailbox>,
}

/// Setup of a two-node CCR cluster's Mailbox role (facts §6.8: 2007 had CCR instead of DAGs).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusteredMailbox {
    /// Switches added on the active node, which creates the clustered mailbox server; `{name}`
    /// and `{ip}` stand for its name and IPv4 address.
    pub active: Fact<Vec<String>>,
    /// Switches added on the passive node.
    pub passive: Fact<Vec<String>>,
    /// Words of an operating system name (as in `os`) whose nodes need switches not verified:
    /// such nodes are not generated.
    #[serde(default)]
    pub not_generated_os: Vec<String>,
}

/// The Management Shell.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shell {
    /// Its name in script headers.
    pub label: String,
    /// The Windows PowerShell version it runs on.
    pub powershell: String,
    /// `snapin` (local snap-in, 2007) or `remote` (remote PowerShell, 2010+).
    pub kind: String,
    /// Whether its scripts are advanced scripts (`[CmdletBinding(SupportsShouldProcess)]`) that
    /// ask `$PSCmdlet.ShouldProcess` before each change, and `ShouldContinue` unless `-Force`
    /// (Windows PowerShell 2.0 and later). `false` on PowerShell 1.0 (2007, facts §5.2): a script
    /// takes its own `-WhatIf` switch, passes it to each cmdlet and confirms with `Read-Host`.
    pub should_process: bool,
    /// The snap-in, for `snapin` shells.
    #[serde(default)]
    pub snapin: Option<String>,
    /// The console file, for `snapin` shells.
    #[serde(default)]
    pub console_file: Option<String>,
    /// A piece of `$env:ExchangeInstallPath` that only this version has, for `remote` shells.
    #[serde(default)]
    pub install_path_marker: Option<String>,
    /// The script that builds the shell in a scheduled task or plain `powershell.exe`, dot-sourced
    /// before `connect`, for `remote` shells (`RemoteExchange.ps1` in the version's folder).
    #[serde(default)]
    pub remote_script: Option<String>,
    /// The command that connects the shell once `remote_script` is loaded, for `remote` shells.
    #[serde(default)]
    pub connect: Option<String>,
    /// How a script widens the shell's recipient scope to the whole forest (the macro
    /// `forest_scope` of `templates/common/macros.ps1.j2` writes it).
    pub recipient_scope: Fact<RecipientScope>,
}

/// How a Management Shell session is made to see the recipients of every domain of the
/// forest: each shell starts with those of its computer's domain only (TechNet bb124791).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientScope {
    /// `$AdminSessionADSettings.ViewEntireForest`, a property of the session's settings object
    /// (2007 has no cmdlet for it).
    SessionVariable,
    /// `Set-AdServerSettings -ViewEntireForest` (2010 and later).
    SetAdServerSettings,
}

/// An operating system a new server may run: matched by words in the plan's `os` text.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OsRule {
    /// How it is named in messages.
    pub label: String,
    /// Words that must all appear.
    pub all: Vec<String>,
    /// Words that must not appear.
    #[serde(default)]
    pub none: Vec<String>,
    /// Of which at least one must appear (when not empty).
    #[serde(default)]
    pub any: Vec<String>,
    /// The Exchange update level this OS needs.
    #[serde(default)]
    pub minimum: Option<Level>,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
}

impl OsRule {
    /// Whether the plan's OS text names this OS.
    #[must_use]
    pub fn matches(&self, os: &str) -> bool {
        let words: Vec<String> = os
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let has = |w: &String| words.iter().any(|x| x == &w.to_lowercase());
        self.all.iter().all(has)
            && !self.none.iter().any(has)
            && (self.any.is_empty() || self.any.iter().any(has))
    }
}

/// A virtual directory: `Get-/Set-<noun>` and the URL path it serves.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualDirectory {
    /// The cmdlet noun: `OwaVirtualDirectory`.
    pub noun: String,
    /// Its name in IIS (`owa`), to pick it among others the same cmdlet returns.
    pub name: String,
    /// URL path: `/owa`.
    pub path: String,
    /// Whether its external URL moves to the legacy namespace while a newer version takes the
    /// primary one.
    #[serde(default)]
    pub legacy: bool,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: String,
}

/// One phase of a plan targeting a version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    /// Slug used in file names: `client-access`.
    pub id: String,
    /// Title in headers and the runbook.
    pub title: String,
    /// Step kinds in this phase, in order.
    pub steps: Vec<crate::step_kind::StepKind>,
    /// `server`: one script per server, run on that server.
    #[serde(default)]
    pub per: Option<String>,
}

impl VersionSpec {
    /// The update entry named `level` exactly.
    #[must_use]
    pub fn update(&self, level: &Level) -> Option<&Update> {
        self.updates.iter().find(|u| &u.name == level)
    }

    /// Whether `level`'s base (`sp3` of `sp3 ru12`) is a known level of this version.
    #[must_use]
    pub fn knows_base(&self, level: &Level) -> bool {
        // Lists of cumulative updates hold only the builds exgen needs, so any `cuN` (or
        // `spN`) up to the highest listed one of its kind is a real level.
        let (kind, number) = level.base.split_at(level.base.len().min(2));
        self.updates.iter().any(|u| {
            u.name.base == level.base
                || (kind != "rt"
                    && u.name.base.starts_with(kind)
                    && number.parse::<u32>().ok() <= u.name.base[2..].parse::<u32>().ok())
        })
    }

    /// The license switches for a setup run at `level`: those of the last `license_from` entry
    /// at or below it, else `license`.
    #[must_use]
    pub fn license_switches(&self, level: &Level) -> &[String] {
        let Some(setup) = &self.setup else { return &[] };
        setup
            .license_from
            .iter()
            .filter(|l| l.level <= *level)
            .max_by(|a, b| a.level.cmp(&b.level))
            .map_or(&setup.license, |l| &l.switches)
    }

    /// The build of the highest listed update at or below `level` (for display and runtime checks).
    #[must_use]
    pub fn build_at(&self, level: &Level) -> Option<&Build> {
        self.updates
            .iter()
            .filter(|u| u.name <= *level)
            .max_by(|a, b| a.name.cmp(&b.name))
            .map(|u| &u.build)
    }

    /// The coexistence entry for an older version.
    #[must_use]
    pub fn coexists_with(&self, older: &str) -> Option<&Coexistence> {
        self.coexistence
            .iter()
            .find(|c| c.with.eq_ignore_ascii_case(older))
    }

    /// Whether this version's phases carry out steps of `kind` (kinds are shared across
    /// targets; a target without such a phase does not generate them).
    #[must_use]
    pub fn carries_out(&self, kind: crate::step_kind::StepKind) -> bool {
        self.phases.iter().any(|p| p.steps.contains(&kind))
    }

    /// The blocked entry for an older version that every level of this one refuses.
    #[must_use]
    pub fn blocks(&self, older: &str) -> Option<&Blocked> {
        self.blocked
            .iter()
            .find(|c| c.from_level.is_none() && c.with.eq_ignore_ascii_case(older))
    }

    /// The blocked entry for an older version that this version's setup refuses at `level`,
    /// including blocks introduced by a later update level.
    #[must_use]
    pub fn blocks_at(&self, older: &str, level: &Level) -> Option<&Blocked> {
        self.blocked.iter().find(|c| {
            c.with.eq_ignore_ascii_case(older) && c.from_level.as_ref().is_none_or(|l| level >= l)
        })
    }

    /// Whether this version's databases hold mailboxes of `kind`.
    #[must_use]
    pub fn has_mailboxes(&self, kind: MailboxKind) -> bool {
        self.mailbox_kinds.contains(&kind)
    }
}

/// An update level: a base (`rtm`, `sp3`, `cu14`) and an optional rollup (`ru10`).
/// Ordered by base kind and number, then rollup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Level {
    /// `rtm`, `spN` or `cuN`.
    pub base: String,
    /// The rollup number, 0 when none.
    pub rollup: u32,
}

impl Level {
    /// Parses `sp3`, `sp3 ru10`, `cu14`, `rtm` (case-insensitive).
    #[must_use]
    pub fn parse(text: &str) -> Option<Level> {
        let mut words = text.split_whitespace().map(str::to_ascii_lowercase);
        let base = words.next()?;
        Self::base_key(&base)?;
        let rollup = match words.next() {
            None => 0,
            Some(ru) => ru.strip_prefix("ru")?.parse().ok()?,
        };
        if words.next().is_some() {
            return None;
        }
        Some(Level { base, rollup })
    }

    fn base_key(base: &str) -> Option<(u8, u32)> {
        if base == "rtm" {
            return Some((0, 0));
        }
        let (kind, n) = if let Some(n) = base.strip_prefix("sp") {
            (1, n)
        } else {
            (1, base.strip_prefix("cu")?)
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((kind, n.parse().ok()?))
    }
}

impl Ord for Level {
    fn cmp(&self, other: &Self) -> Ordering {
        (Self::base_key(&self.base), self.rollup).cmp(&(Self::base_key(&other.base), other.rollup))
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base.to_ascii_uppercase();
        if self.rollup == 0 {
            write!(f, "{base}")
        } else {
            write!(f, "{base} RU{}", self.rollup)
        }
    }
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Level::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("bad update level `{text}`")))
    }
}

/// A build number such as `8.2.176.2`, compared part by part as numbers (never as text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Build(pub Vec<u32>);

impl Build {
    /// Parses dot-separated numbers.
    #[must_use]
    pub fn parse(text: &str) -> Option<Build> {
        let parts: Option<Vec<u32>> = text.trim().split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty()).map(Build)
    }
}

impl fmt::Display for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

impl Serialize for Build {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Build {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Build::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("bad build `{text}`")))
    }
}

#[cfg(test)]
mod tests;
