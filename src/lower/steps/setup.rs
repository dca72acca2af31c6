//! Preflight checks, Active Directory preparation and installation (R01, R02, R04–R07).

use super::Steps;
use crate::ir::Role;
use serde_json::{Value, json};

/// R01, R02: checks run in the shell of the newest existing version that has one.
pub(super) fn preflight(s: &mut Steps<'_>) {
    let Some(shell_version) = s
        .plan
        .sources
        .iter()
        .rev()
        .find(|v| **v != s.plan.target.version && s.specs.get(v).is_some())
    else {
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
        .map(|x| json!({ "name": x.name, "version": x.exchange.version, "level": x.exchange.level, "edge": x.has(Role::Edge) }))
        .collect();
    let ffl = &s.target.forest_functional_level;
    let min_rank = s.specs.functional_level_rank(&ffl.value).unwrap_or(0);
    let below: Vec<&str> = s.specs.functional_levels()[..min_rank]
        .iter()
        .map(|l| l.forest_mode.as_str())
        .collect();
    let sites: Vec<&str> = s
        .plan
        .sites
        .iter()
        .filter(|x| !x.servers.is_empty())
        .map(|x| x.name.as_str())
        .collect();
    let context = json!({
        "target": s.plan.target,
        "minimums": minimums,
        "existing": existing,
        "forest": { "minimum": ffl.value, "below": below, "source": ffl.source },
        "global_catalog_sites": if s.target.global_catalog_per_site.as_ref().is_some_and(|f| f.value) { sites } else { Vec::new() },
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
    if s.plan.install_order.is_empty() {
        return;
    }
    let setup = &s.target.setup;
    let license = s.target.license_switches(&s.plan.target.level);
    let schema = setup.schema_version.get(&s.plan.target.level.base).copied();
    let context = json!({
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
    let setup = &s.target.setup;
    let license = s.target.license_switches(&s.plan.target.level);
    for name in &s.plan.install_order {
        let Some(server) = s.server(name) else {
            continue;
        };
        let roles = format!("{}{}", setup.roles_switch, server.setup_roles.join(","));
        let switches: Vec<&String> = setup
            .install
            .iter()
            .chain(std::iter::once(&roles))
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
        });
        let (origin, run_on) = (server.origin.clone(), Some(server.name.clone()));
        let shell = s.setup();
        s.push_on("install_server", shell, run_on, &origin, context);
    }
}
