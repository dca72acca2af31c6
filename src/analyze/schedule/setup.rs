//! Preflight checks, Active Directory and domain preparation and installation (R01, R02,
//! R04–R07).

use super::Steps;
use crate::ir::Role;
use crate::ir::steps::StepKind;
use crate::ir::steps::{
    BlockedVersion, CcrNode, CoexistenceMinimum, DomainPreparation, ExistingServer, ForestCheck,
    InstallServer, LegacyMinimum, LegacyServer, Preflight, PreflightLegacy, Prepare,
    PrepareDomains, PrepareLegacyPermissions, SourceNote, StepContext, UpgradeMinimum,
    UpgradeServer,
};

/// R01, R02: checks run in the shell of the newest existing version that has one.
pub(super) fn preflight(s: &mut Steps<'_>) {
    let Some(shell_version) = s.plan.sources.iter().rev().find(|v| {
        **v != s.plan.target.version && s.specs.get(v).is_some_and(|x| x.shell.is_some())
    }) else {
        return;
    };
    let minimums = s
        .plan
        .sources
        .iter()
        .filter_map(|v| {
            let coexist = s.target.coexists_with(v)?;
            let spec = s.specs.get(v)?;
            let build = spec.update(&coexist.minimum.level)?;
            Some(CoexistenceMinimum {
                version: v.clone(),
                major: spec.major,
                level: coexist.minimum.level.clone(),
                build: build.build.clone(),
                source: coexist.source.clone(),
            })
        })
        .collect();
    let existing = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new)
        .map(|x| ExistingServer {
            name: x.name.clone(),
            version: x.exchange.version.clone(),
            level: x.exchange.level.clone(),
            site: x.site.clone(),
            edge: x.has(Role::Edge),
        })
        .collect();
    let (forest, global_catalog_sites) = forest_checks(s);
    let context = Preflight {
        target: s.plan.target.clone(),
        minimums,
        existing,
        forest,
        global_catalog_sites,
    };
    let origin = s.plan.target_origin.clone();
    s.push(
        Steps::exchange(shell_version),
        &origin,
        StepContext::Preflight(context),
    );
}

/// Whether `preflight` or `preflight_legacy` checks the organization (an organization with no
/// Exchange server yet has nothing to check).
fn has_preflight(s: &Steps<'_>) -> bool {
    let target = &s.plan.target.version;
    s.plan.sources.iter().any(|v| {
        v != target
            && s.specs.get(v).is_some_and(|x| {
                x.shell.is_some() || s.wants(crate::ir::steps::StepKind::PreflightLegacy)
            })
    })
}

/// Whether the plan runs setup for a server (a new one, or an in-place upgrade): only then is
/// Active Directory prepared.
fn runs_setup(s: &Steps<'_>) -> bool {
    !s.plan.install_order.is_empty() || s.plan.servers.iter().any(|x| x.upgrade_to.is_some())
}

/// The domains `prepare_domains` prepares and setup needs prepared: every domain of the target's
/// forest when it has several, none when it has one (`/PrepareAD` prepared it).
fn domains_to_prepare(s: &Steps<'_>) -> Vec<String> {
    let domains = s.plan.target_domains();
    if domains.len() > 1 {
        domains
    } else {
        Vec::new()
    }
}

/// R07: schema and AD preparation from the media (no legacy permissions for 2007 organizations).
pub(super) fn prepare(s: &mut Steps<'_>) {
    if !runs_setup(s) {
        return;
    }
    let Some(setup) = &s.target.setup else {
        return;
    };
    let license = s.target.license_switches(&s.plan.target.level);
    let schema = setup.schema_version.get(&s.plan.target.level.base).copied();
    let legacy_permissions = s
        .plan
        .sources
        .iter()
        .any(|v| setup.legacy_permissions_for.contains(v));
    let validate_first = super::coexistence::legacy_validated(s)
        .into_iter()
        .map(|(_, _, v)| v.server)
        .collect();
    let context = Prepare {
        preflight_first: has_preflight(s),
        validate_first,
        legacy_permissions,
        target: s.plan.target.clone(),
        media: s.plan.media.clone(),
        program: setup.program.clone(),
        schema_version: schema,
        switches: setup
            .prepare_schema
            .iter()
            .chain(license)
            .cloned()
            .collect(),
    };
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    let ad = Prepare {
        switches: setup.prepare_ad.iter().chain(license).cloned().collect(),
        ..context.clone()
    };
    s.push(shell.clone(), &origin, StepContext::PrepareSchema(context));
    s.push(shell, &origin, StepContext::PrepareAd(ad));
}

/// Facts §4.1, §4.3: in a forest with several domains, `/PrepareDomain:<FQDN>` for each, after
/// `/PrepareAD` has replicated. Every declared domain, the root too: `/PrepareAD` prepared the
/// one it ran in (the schema master's, which exgen cannot tell), and setup only adds what is
/// missing, so preparing that one again is harmless. Per domain rather than
/// `/PrepareAllDomains`: the plan's domains are the ones changed, and each can be prepared by
/// its own Domain Admins.
pub(super) fn prepare_domains(s: &mut Steps<'_>) {
    let domains = domains_to_prepare(s);
    if !runs_setup(s) || domains.is_empty() {
        return;
    }
    let Some(setup) = &s.target.setup else {
        return;
    };
    let license = s.target.license_switches(&s.plan.target.level);
    let context = PrepareDomains {
        target: s.plan.target.clone(),
        program: setup.program.clone(),
        forest: domains[0].clone(),
        domains: domains
            .iter()
            .map(|domain| DomainPreparation {
                domain: domain.clone(),
                switches: std::iter::once(format!("{}{domain}", setup.prepare_domain))
                    .chain(license.iter().cloned())
                    .collect(),
            })
            .collect(),
    };
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push(shell, &origin, StepContext::PrepareDomains(context));
}

/// R06: each new server in install order, all its roles in one setup run, on the server itself.
pub(super) fn install(s: &mut Steps<'_>) {
    let Some(setup) = &s.target.setup else {
        return;
    };
    let license = s.target.license_switches(&s.plan.target.level);
    for name in &s.plan.install_order {
        let Some(server) = s.server(name) else {
            continue;
        };
        let roles = format!("{}{}", setup.roles_switch, server.setup_roles.join(","));
        let (ccr, cluster) = clustered(s, &server.name);
        let switches = setup
            .install
            .iter()
            .chain(std::iter::once(&roles))
            .chain(&cluster)
            .chain(license)
            .cloned()
            .collect();
        let context = InstallServer {
            server: server.name.clone(),
            os: server.os.clone(),
            target: s.plan.target.clone(),
            media: s.plan.media.clone(),
            program: setup.program.clone(),
            switches,
            installed_key: setup.installed_key.value.clone(),
            roles: server.setup_roles.clone(),
            ccr,
            client_access: server.has(Role::Cas),
            domains: domains_to_prepare(s),
        };
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on(shell, run_on, &origin, StepContext::InstallServer(context));
    }
}

/// R32, facts §6.8: a node of a CCR cluster. The active node's setup creates the clustered
/// mailbox server (its name and IP address fill the spec's switches); the passive node's adds
/// the spec's passive switches. Returns the template's `ccr` context (with whether the passive
/// form is verified) and the switches; nothing for a server that is not a node.
fn clustered(s: &Steps<'_>, server: &str) -> (Option<CcrNode>, Vec<String>) {
    let Some(ccr) = s.plan.ccrs.iter().find(|c| c.has_node(server)) else {
        return (None, Vec::new());
    };
    let Some(cms) = s
        .target
        .setup
        .as_ref()
        .and_then(|x| x.clustered_mailbox.as_ref())
    else {
        return (None, Vec::new());
    };
    let active = ccr.active.eq_ignore_ascii_case(server);
    let fact = if active { &cms.active } else { &cms.passive };
    let switches = fact
        .value
        .iter()
        .map(|x| x.replace("{name}", &ccr.name).replace("{ip}", &ccr.ip))
        .collect();
    let share = ccr
        .witness_directory
        .rsplit('\\')
        .find(|p| !p.is_empty())
        .unwrap_or(&ccr.name)
        .to_owned();
    let context = CcrNode {
        cms: ccr.clone(),
        active,
        other: if active { &ccr.passive } else { &ccr.active }.clone(),
        witness_share: format!("\\\\{}\\{}", ccr.witness_server, share),
        share,
        verified: fact.confidence == crate::specs::Confidence::D,
        source: fact.source.clone(),
    };
    (Some(context), switches)
}

/// Facts §2.2: the one in-place upgrade (2019 CU14/CU15 to SE) runs setup `/Mode:Upgrade` on
/// the server itself, like a cumulative update; the script reads the installed build first.
pub(super) fn upgrade(s: &mut Steps<'_>) {
    let Some(setup) = &s.target.setup else {
        return;
    };
    let license = s.target.license_switches(&s.plan.target.level);
    let upgrades: Vec<&crate::ir::Server> = s
        .plan
        .servers
        .iter()
        .filter(|x| x.upgrade_to.is_some())
        .collect();
    for server in upgrades {
        let Some(from) = s.specs.get(&server.exchange.version) else {
            continue;
        };
        let minimum = s
            .target
            .in_place_upgrade_from
            .iter()
            .find(|c| c.with == server.exchange.version);
        let minimum_build = minimum
            .and_then(|c| from.update(&c.minimum.level))
            .map(|u| &u.build);
        let switches = license.iter().chain(&setup.upgrade).cloned().collect();
        let context = UpgradeServer {
            server: server.name.clone(),
            from: server.exchange.clone(),
            from_builds: from.builds.clone(),
            minimum: minimum.map(|c| UpgradeMinimum {
                level: c.minimum.level.clone(),
                build: minimum_build.cloned(),
                source: c.source.clone(),
                build_number: minimum_build.and_then(|b| b.0.get(2).copied()),
            }),
            target: s.plan.target.clone(),
            major: s.target.major,
            minor: s.target.minor,
            builds: s.target.builds.clone(),
            media: s.plan.media.clone(),
            program: setup.program.clone(),
            switches,
            installed_key: setup.installed_key.value.clone(),
            domains: domains_to_prepare(s),
        };
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on(shell, run_on, &origin, StepContext::UpgradeServer(context));
    }
}

/// R41–R43, facts §2.1: the existing versions without a shell (2000/2003) are checked in plain
/// Windows PowerShell on the first new server, reading Active Directory through ADSI: the
/// organization's mode (`msExchMixedMode`) and each Exchange server's `serialNumber`. In a
/// mixed organization (2003 and 2007) this runs beside the older shell's preflight, which checks
/// the versions that have one.
pub(super) fn preflight_legacy(s: &mut Steps<'_>) {
    let shell_less: Vec<&String> = s
        .plan
        .sources
        .iter()
        .filter(|v| s.specs.get(v).is_some_and(|x| x.shell.is_none()))
        .collect();
    if shell_less.is_empty() || !s.wants(StepKind::PreflightLegacy) {
        return;
    }
    let minimums = shell_less
        .iter()
        .copied()
        .filter_map(|v| {
            let coexist = s.target.coexists_with(v)?;
            let spec = s.specs.get(v)?;
            let update = spec.update(&coexist.minimum.level)?;
            let prefix = update
                .build
                .0
                .iter()
                .take(2)
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".");
            Some(LegacyMinimum {
                version: (*v).clone(),
                prefix,
                level: coexist.minimum.level.clone(),
                build: update.build.clone(),
                source: coexist.source.clone(),
            })
        })
        .collect();
    let existing = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new && s.plan.in_target_forest(x))
        .map(|x| LegacyServer {
            name: x.name.clone(),
            version: x.exchange.version.clone(),
            level: x.exchange.level.clone(),
        })
        .collect();
    let blocked = s
        .target
        .blocked
        .iter()
        .filter_map(|b| {
            let prefix = match s.specs.get(&b.with) {
                Some(spec) => format!("{}.", spec.major),
                // Versions without a spec (5.5) are recognised by the major number in their name.
                None => format!("{}.", b.with.split('.').next()?),
            };
            // A version sharing its major number with an allowed one (2000 is 6.0, 2003 is
            // 6.5) is recognised by major.minor, from the builds its spec lists.
            let release = s.specs.get(&b.with).and_then(|spec| {
                let build = &spec.updates.first()?.build.0;
                Some(format!("{}.{}", build.first()?, build.get(1)?))
            });
            Some(BlockedVersion {
                version: b.with.clone(),
                prefix,
                release,
                source: b.source.clone(),
            })
        })
        .collect();
    let native = s
        .target
        .native_mode_with
        .as_ref()
        .filter(|n| s.plan.sources.iter().any(|v| n.versions.contains(v)));
    let (forest, global_catalog_sites) = forest_checks(s);
    let run_on = s.plan.install_order.first().cloned();
    let front_ends = s
        .plan
        .servers
        .iter()
        .filter(|x| {
            !x.new
                && x.has(Role::Cas)
                && s.plan.in_target_forest(x)
                && shell_less.contains(&&x.exchange.version)
        })
        .map(|x| x.name.clone())
        .collect();
    let context = PreflightLegacy {
        front_ends,
        target: s.plan.target.clone(),
        organization: s.plan.organization.name.clone(),
        native_mode: native.map(|n| SourceNote {
            source: n.source.clone(),
        }),
        minimums,
        blocked,
        existing,
        forest,
        global_catalog_sites,
        versions: shell_less.into_iter().cloned().collect(),
        run_on: run_on.clone(),
    };
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push_on(
        shell,
        run_on,
        &origin,
        StepContext::PreflightLegacy(context),
    );
}

/// Facts §4.2: /PrepareLegacyExchangePermissions while Exchange 2000/2003 servers exist, before
/// the schema is extended, so the 2003 Recipient Update Service keeps its rights.
pub(super) fn prepare_legacy_permissions(s: &mut Steps<'_>) {
    let Some(setup) = &s.target.setup else {
        return;
    };
    if s.plan.install_order.is_empty()
        || !s
            .plan
            .sources
            .iter()
            .any(|v| setup.legacy_permissions_for.contains(v))
    {
        return;
    }
    let context = PrepareLegacyPermissions {
        target: s.plan.target.clone(),
        program: setup.program.clone(),
        switches: setup
            .prepare_legacy_permissions
            .iter()
            .chain(&setup.license)
            .cloned()
            .collect(),
        domains: s
            .plan
            .forests
            .iter()
            .filter(|f| s.plan.target_forest.as_ref().is_none_or(|t| *t == f.name))
            .flat_map(|f| f.domains.iter().cloned())
            .collect(),
    };
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push(
        shell,
        &origin,
        StepContext::PrepareLegacyPermissions(context),
    );
}

/// R01: the forest functional level the target needs, or the one the plan declares for the
/// target's forest when that is higher (point 12 of the consultant review: a check against the
/// target's own minimum alone can be empty, and the plan's declared level then goes unchecked),
/// with the `ForestMode` names below it, as .NET reports them; and the sites that need a global
/// catalog, for both preflights.
fn forest_checks(s: &Steps<'_>) -> (ForestCheck, Vec<String>) {
    let ffl = &s.target.forest_functional_level;
    let mut minimum = ffl.value.clone();
    let mut source = ffl.source.clone();
    let mut min_rank = s.specs.functional_level_rank(&ffl.value).unwrap_or(0);
    let declared = s.plan.forests.iter().find(|f| {
        s.plan
            .target_forest
            .as_ref()
            .is_none_or(|t| t.eq_ignore_ascii_case(&f.name))
    });
    let declared_rank = declared.and_then(|f| {
        let level = f.functional_level.as_ref()?;
        Some((f, level, s.specs.functional_level_rank(level)?))
    });
    if let Some((forest, level, rank)) = declared_rank.filter(|(_, _, r)| *r > min_rank) {
        min_rank = rank;
        minimum.clone_from(level);
        source = format!("the plan declares it for {}", forest.name);
    }
    let below = s.specs.functional_levels()[..min_rank]
        .iter()
        .map(|l| l.forest_mode.clone())
        .collect();
    let needs_catalogs = s
        .target
        .global_catalog_per_site
        .as_ref()
        .is_some_and(|f| f.value);
    let sites = s
        .plan
        .sites
        .iter()
        .filter(|x| needs_catalogs && !x.servers.is_empty())
        .map(|x| x.name.clone())
        .collect();
    let check = ForestCheck {
        minimum,
        below,
        source,
    };
    (check, sites)
}
