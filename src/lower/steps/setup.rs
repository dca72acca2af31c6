//! Preflight checks, Active Directory preparation and installation (R01, R02, R04–R07).

use super::Steps;
use crate::ir::Role;
use serde_json::{Value, json};

/// R01, R02: checks run in the shell of the newest existing version that has one.
pub(super) fn preflight(s: &mut Steps<'_>) {
    let Some(shell_version) = s.plan.sources.iter().rev().find(|v| {
        **v != s.plan.target.version && s.specs.get(v).is_some_and(|x| x.shell.is_some())
    }) else {
        return;
    };
    let minimums: Vec<Value> = s
        .plan
        .sources
        .iter()
        .filter_map(|v| {
            let coexist = s.target.coexists_with(v)?;
            let spec = s.specs.get(v)?;
            let build = spec.update(&coexist.minimum.level)?;
            Some(json!({
                "version": v, "major": spec.major, "level": coexist.minimum.level,
                "build": build.build, "source": coexist.source,
            }))
        })
        .collect();
    let existing: Vec<Value> = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new)
        .map(|x| json!({ "name": x.name, "version": x.exchange.version, "level": x.exchange.level, "site": x.site, "edge": x.has(Role::Edge) }))
        .collect();
    let (forest, global_catalog_sites) = forest_checks(s);
    let context = json!({
        "target": s.plan.target,
        "minimums": minimums,
        "existing": existing,
        "forest": forest,
        "global_catalog_sites": global_catalog_sites,
    });
    let origin = s.plan.target_origin.clone();
    s.push(
        "preflight",
        Steps::exchange(shell_version),
        &origin,
        context,
    );
}

/// R07: schema and AD preparation from the media (no legacy permissions for 2007 organizations).
pub(super) fn prepare(s: &mut Steps<'_>) {
    if s.plan.install_order.is_empty() && !s.plan.servers.iter().any(|x| x.upgrade_to.is_some()) {
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
    let context = json!({
        "legacy_permissions": legacy_permissions,
        "target": s.plan.target,
        "media": s.plan.media,
        "program": setup.program,
        "schema_version": schema,
        "switches": setup.prepare_schema.iter().chain(license).collect::<Vec<_>>(),
    });
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push("prepare_schema", shell.clone(), &origin, context.clone());
    let mut context = context;
    context["switches"] = json!(setup.prepare_ad.iter().chain(license).collect::<Vec<_>>());
    s.push("prepare_ad", shell, &origin, context);
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
        let switches: Vec<&String> = setup
            .install
            .iter()
            .chain(std::iter::once(&roles))
            .chain(&cluster)
            .chain(license)
            .collect();
        let context = json!({
            "server": server.name,
            "os": server.os,
            "target": s.plan.target,
            "media": s.plan.media,
            "program": setup.program,
            "switches": switches,
            "installed_key": setup.installed_key.value,
            "roles": server.setup_roles,
            "ccr": ccr,
        });
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on("install_server", shell, run_on, &origin, context);
    }
}

/// R32, facts §6.8: a node of a CCR cluster. The active node's setup creates the clustered
/// mailbox server (its name and IP address fill the spec's switches); the passive node's adds
/// the spec's passive switches. Returns the template's `ccr` context (with whether the passive
/// form is verified) and the switches; nothing for a server that is not a node.
fn clustered(s: &Steps<'_>, server: &str) -> (Value, Vec<String>) {
    let Some(ccr) = s.plan.ccrs.iter().find(|c| c.has_node(server)) else {
        return (Value::Null, Vec::new());
    };
    let Some(cms) = s
        .target
        .setup
        .as_ref()
        .and_then(|x| x.clustered_mailbox.as_ref())
    else {
        return (Value::Null, Vec::new());
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
    let context = json!({
        "cms": ccr,
        "active": active,
        "other": if active { &ccr.passive } else { &ccr.active },
        "witness_share": format!("\\\\{}\\{}", ccr.witness_server, share),
        "share": share,
        "verified": fact.confidence == crate::specs::Confidence::D,
        "source": fact.source,
    });
    (context, switches)
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
        let switches: Vec<&String> = license.iter().chain(&setup.upgrade).collect();
        let context = json!({
            "server": server.name,
            "from": server.exchange,
            "from_builds": from.builds,
            "minimum": minimum.map(|c| json!({
                "level": c.minimum.level, "build": minimum_build, "source": c.source,
                "build_number": minimum_build.and_then(|b| b.0.get(2)),
            })),
            "target": s.plan.target,
            "major": s.target.major,
            "minor": s.target.minor,
            "builds": s.target.builds,
            "media": s.plan.media,
            "program": setup.program,
            "switches": switches,
            "installed_key": setup.installed_key.value,
        });
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on("upgrade_server", shell, run_on, &origin, context);
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
    if shell_less.is_empty() || !s.wants("preflight_legacy") {
        return;
    }
    let minimums: Vec<Value> = shell_less
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
            Some(json!({
                "version": v, "prefix": prefix, "level": coexist.minimum.level,
                "build": update.build, "source": coexist.source,
            }))
        })
        .collect();
    let existing: Vec<Value> = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new && s.plan.in_target_forest(x))
        .map(
            |x| json!({ "name": x.name, "version": x.exchange.version, "level": x.exchange.level }),
        )
        .collect();
    let blocked: Vec<Value> = s
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
            Some(json!({ "version": b.with, "prefix": prefix, "release": release, "source": b.source }))
        })
        .collect();
    let native = s
        .target
        .native_mode_with
        .as_ref()
        .filter(|n| s.plan.sources.iter().any(|v| n.versions.contains(v)));
    let (forest, global_catalog_sites) = forest_checks(s);
    let run_on = s.plan.install_order.first().cloned();
    let front_ends: Vec<&String> = s
        .plan
        .servers
        .iter()
        .filter(|x| {
            !x.new
                && x.has(Role::Cas)
                && s.plan.in_target_forest(x)
                && shell_less.contains(&&x.exchange.version)
        })
        .map(|x| &x.name)
        .collect();
    let context = json!({
        "front_ends": front_ends,
        "target": s.plan.target,
        "organization": s.plan.organization.name,
        "native_mode": native.map(|n| json!({ "source": n.source })),
        "minimums": minimums,
        "blocked": blocked,
        "existing": existing,
        "forest": forest,
        "global_catalog_sites": global_catalog_sites,
        "versions": shell_less,
        "run_on": run_on,
    });
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push_on("preflight_legacy", shell, run_on, &origin, context);
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
    let context = json!({
        "target": s.plan.target,
        "program": setup.program,
        "switches": setup.prepare_legacy_permissions.iter().chain(&setup.license).collect::<Vec<_>>(),
        "domains": s.plan.forests.iter().filter(|f| s.plan.target_forest.as_ref().is_none_or(|t| *t == f.name)).flat_map(|f| f.domains.iter()).collect::<Vec<_>>(),
    });
    let origin = s.plan.target_origin.clone();
    let shell = s.setup();
    s.push("prepare_legacy_permissions", shell, &origin, context);
}

/// R01: the forest functional level the target needs (with the `ForestMode` names below it, as
/// .NET reports them) and the sites that need a global catalog, for both preflights.
fn forest_checks<'a>(s: &Steps<'a>) -> (Value, Vec<&'a str>) {
    let ffl = &s.target.forest_functional_level;
    let min_rank = s.specs.functional_level_rank(&ffl.value).unwrap_or(0);
    let below: Vec<&str> = s.specs.functional_levels()[..min_rank]
        .iter()
        .map(|l| l.forest_mode.as_str())
        .collect();
    let needs_catalogs = s
        .target
        .global_catalog_per_site
        .as_ref()
        .is_some_and(|f| f.value);
    let sites: Vec<&str> = s
        .plan
        .sites
        .iter()
        .filter(|x| needs_catalogs && !x.servers.is_empty())
        .map(|x| x.name.as_str())
        .collect();
    (
        json!({ "minimum": ffl.value, "below": below, "source": ffl.source }),
        sites,
    )
}
