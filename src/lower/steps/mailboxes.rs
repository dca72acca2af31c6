//! Databases, mailbox moves, public folders and decommissioning (R15–R17).

use super::Steps;
use crate::ir;
use serde_json::json;

/// New databases, public folder databases first so mailbox databases can point at them.
pub(super) fn databases(s: &mut Steps<'_>) {
    let mut dbs: Vec<&ir::Database> = s.plan.databases.iter().filter(|d| d.create).collect();
    dbs.sort_by_key(|d| d.kind != ir::DatabaseKind::PublicFolder);
    for db in dbs {
        s.push(
            "databases",
            Steps::exchange(&db.version),
            &db.origin,
            json!({ "db": db }),
        );
    }
}

/// R15: move requests per batch, their status, and clearing completed ones.
pub(super) fn moves(s: &mut Steps<'_>) {
    for batch in &s.plan.moves {
        let shell = Steps::exchange(&batch.version);
        // 2007 names a database `SERVER\STORAGE GROUP\DATABASE` (facts §6.1).
        let target = s
            .plan
            .databases
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(&batch.target_database));
        let identity = target.map_or_else(
            || batch.target_database.clone(),
            |d| {
                let group = d.storage_group.as_deref().unwrap_or(&d.name);
                format!("{}\\{group}\\{}", d.server, d.name)
            },
        );
        // R26: a batch from another forest has its own template (credentials, both forests'
        // global catalogs, the accounts' OU).
        let kind = if batch.cross_forest.is_some() {
            "move_mailboxes_cross_forest"
        } else {
            "move_mailboxes"
        };
        // Facts §6.1: mailboxes of some older versions (2003 into 2010) are offline while they
        // move. A batch naming only servers moves from their versions; any other may hold
        // mailboxes of every version in the plan.
        let offline_from: Vec<&String> = s
            .target
            .offline_moves_from
            .as_ref()
            .map(|rule| {
                let only_servers = batch.mailboxes.is_empty()
                    && batch.csv.is_empty()
                    && batch.from_databases.is_empty();
                let from: Vec<&String> = if only_servers {
                    batch
                        .from_servers
                        .iter()
                        .filter_map(|n| s.server(n))
                        .map(|x| &x.exchange.version)
                        .collect()
                } else {
                    s.plan.sources.iter().collect()
                };
                rule.versions.iter().filter(|v| from.contains(v)).collect()
            })
            .unwrap_or_default();
        let offline_source = s.target.offline_moves_from.as_ref().map(|r| &r.source);
        // `New-MigrationBatch -Local` (2013+, facts §6.1): the batch is created, watched, then
        // started or completed; the CSV it reads is written next to the script at run time.
        let kinds: [&'static str; 3] = if batch.migration_batch.is_some() {
            [
                "migration_batch",
                "migration_batch_status",
                "migration_batch_complete",
            ]
        } else {
            [kind, "move_status", "move_clear"]
        };
        s.push(
            kinds[0],
            shell.clone(),
            &batch.origin,
            json!({
                "batch": batch,
                "target_identity": identity,
                "offline_from": offline_from,
                "offline_source": offline_source,
                "csv_file": format!("{}.csv", csv_name(&batch.name)),
            }),
        );
        // Asynchronous moves (2010+) are watched and cleared; a target whose moves are
        // synchronous (2007 Move-Mailbox) lists no such phases.
        for kind in [kinds[1], kinds[2]] {
            if s.wants(kind) {
                s.push(
                    kind,
                    shell.clone(),
                    &batch.origin,
                    json!({ "batch": batch }),
                );
            }
        }
    }
}

/// R16: replicas move with the version's bundled script, then are watched.
pub(super) fn public_folders(s: &mut Steps<'_>) {
    for pf in &s.plan.public_folders {
        if let Some(batch) = &pf.batch {
            public_folder_migration(s, pf, batch);
            continue;
        }
        if let Some(database) = &pf.database {
            // Facts §6.6: public folder mailboxes (2013 and later) move like user mailboxes.
            let context = json!({ "from": pf.from, "to": pf.to, "database": database });
            s.push(
                "public_folder_mailboxes",
                Steps::exchange(&pf.version),
                &pf.origin,
                context.clone(),
            );
            s.push(
                "public_folder_mailboxes_status",
                Steps::exchange(&pf.version),
                &pf.origin,
                context,
            );
            continue;
        }
        // A server of a version without a shell (2000/2003) cannot be read by the new version's
        // public folder cmdlets: its replicas are added to the new server, watched there, and
        // taken off the old one only later (facts §6.6).
        let from_version = s.server(&pf.from).map(|x| x.exchange.version.clone());
        let legacy = from_version
            .as_ref()
            .and_then(|v| s.specs.get(v))
            .is_some_and(|x| x.shell.is_none());
        let context =
            json!({ "from": pf.from, "to": pf.to, "legacy": legacy, "from_version": from_version });
        let shell = Steps::exchange(&pf.version);
        s.push("public_folders", shell.clone(), &pf.origin, context.clone());
        s.push(
            "public_folders_status",
            shell.clone(),
            &pf.origin,
            context.clone(),
        );
        if legacy && s.wants("public_folders_remove") {
            s.push("public_folders_remove", shell, &pf.origin, context);
        }
    }
}

/// Facts §6.6: legacy public folders into public folder mailboxes by batch migration. Each
/// side runs in its own shell: what reads or flags the legacy public folders (snapshot, the
/// statistics and map scripts, the lock, the completion flag) on the legacy server in its
/// shell; the public folder mailboxes, the batch and the cut-over in the target's.
fn public_folder_migration(
    s: &mut Steps<'_>,
    pf: &ir::PublicFolderMove,
    batch: &ir::PublicFolderBatch,
) {
    let target = Steps::exchange(&pf.version);
    let legacy = Steps::exchange(&batch.from_version);
    // Every user mailbox must have moved first: the scripts check these servers are empty.
    let mailbox_servers: Vec<&String> = s.legacy(ir::Role::Mailbox).map(|x| &x.name).collect();
    let context = json!({
        "from": pf.from,
        "to": pf.to,
        "batch": batch,
        "legacy_mailbox_servers": mailbox_servers,
        "csv_folder": "PFMigration",
        "scripts_folder": "PFScripts",
    });
    // The 2007-shell scripts of this procedure need PowerShell 2.0: their header says so and
    // the skeleton guards it (`script.powershell`, see lower/phases.rs).
    let mut legacy_context = context.clone();
    if let Some(level) = &batch.powershell {
        legacy_context["powershell"] = json!(level);
    }
    for kind in [
        "public_folder_migration_check",
        "public_folder_migration_batch",
        "public_folder_migration_status",
        "public_folder_migration_cutover",
        "public_folder_migration_local",
    ] {
        s.push(kind, target.clone(), &pf.origin, context.clone());
    }
    for kind in [
        "public_folder_migration_prepare",
        "public_folder_migration_lock",
        "public_folder_migration_finish",
    ] {
        s.push_on(
            kind,
            legacy.clone(),
            Some(pf.from.clone()),
            &pf.origin,
            legacy_context.clone(),
        );
    }
}

/// R17: remove the old databases once nothing is left on them.
pub(super) fn decommission(s: &mut Steps<'_>) {
    for d in &s.plan.decommission {
        let context = json!({ "server": d.server, "mailbox": d.mailbox, "version": d.version });
        let has_shell = s.specs.get(&d.version).is_some_and(|x| x.shell.is_some());
        if has_shell {
            s.push(
                "decommission",
                Steps::exchange(&d.version),
                &d.origin,
                context,
            );
        } else {
            // R28, facts §6.10: a version without a shell (2000/2003) is checked from the
            // target's shell; what only its console can do is in the runbook.
            let console = s.specs.get(&d.version).and_then(|x| x.console.clone());
            let oab = s
                .plan
                .client_access
                .iter()
                .find_map(|c| c.offline_address_book.as_ref().map(|(o, _)| o.clone()));
            let mut context = context;
            context["console"] = json!(console);
            context["offline_address_book"] = json!(oab);
            s.push(
                "decommission_legacy",
                Steps::exchange(&s.plan.target.version),
                &d.origin,
                context,
            );
        }
    }
}

/// R28, facts §6.7 and §6.10: once the plan removes every 2000/2003 server, the routing group
/// connectors go, and afterwards the recipient policies and address lists are upgraded.
pub(super) fn legacy_removal(s: &mut Steps<'_>) {
    let Some(routing) = &s.target.legacy_routing else {
        return;
    };
    let legacy: Vec<&ir::Server> = s
        .plan
        .servers
        .iter()
        .filter(|x| {
            !x.new && routing.with.contains(&x.exchange.version) && s.plan.in_target_forest(x)
        })
        .collect();
    let all_removed = !legacy.is_empty()
        && legacy.iter().all(|x| {
            s.plan
                .decommission
                .iter()
                .any(|d| d.server.eq_ignore_ascii_case(&x.name))
        });
    let Some(last) = s.plan.decommission.last() else {
        return;
    };
    if !all_removed {
        return;
    }
    let connectors: Vec<&ir::RoutingGroupConnector> = s
        .plan
        .mail_flow
        .iter()
        .flat_map(|m| &m.routing_group_connectors)
        .collect();
    let servers: Vec<&String> = legacy.iter().map(|x| &x.name).collect();
    let shell = Steps::exchange(&s.plan.target.version);
    let origin = last.origin.clone();
    if s.wants("routing_group_connector_remove") {
        let context = json!({
            "connectors": connectors.iter().map(|c| &c.name).collect::<Vec<_>>(),
            "servers": servers,
            "routing_group": routing.routing_group,
        });
        s.push(
            "routing_group_connector_remove",
            shell.clone(),
            &origin,
            context,
        );
    }
    if s.wants("address_policies") {
        s.push(
            "address_policies",
            shell,
            &origin,
            json!({ "servers": servers }),
        );
    }
}

/// A file name for a migration batch's CSV: `migration-batch-` and the batch name's ASCII
/// letters and digits in lower case, other characters becoming `-`.
fn csv_name(batch: &str) -> String {
    let mut slug = String::new();
    for c in batch.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "migration-batch".to_owned()
    } else {
        format!("migration-batch-{slug}")
    }
}

/// R33: the PST files an ExMerge export wrote are imported with `Import-Mailbox` in the
/// target's shell, one step per exported server.
pub(super) fn exmerge_imports(s: &mut Steps<'_>) {
    for x in &s.plan.exmerge {
        let shell = Steps::exchange(&s.plan.target.version);
        s.push("import_mailbox", shell, &x.origin, json!({ "x": x }));
    }
}
