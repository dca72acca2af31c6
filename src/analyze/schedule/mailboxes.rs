//! Databases, mailbox moves, public folders and decommissioning (R15–R17).

use super::Steps;
use crate::ir;
use crate::ir::state::{MailboxKind, MailboxMove};
use crate::ir::steps::{
    AddressPolicies, BatchRef, BatchStep, DatabaseStep, DecommissionLegacy, DecommissionStep,
    ImportMailbox, MoveMailboxes, PUBLIC_FOLDER_BATCH, PublicFolderMailboxes,
    PublicFolderMigration, PublicFolderReplicas, RoutingGroupConnectorRemove, StepContext,
    StepKind,
};

/// New databases, public folder databases first so mailbox databases can point at them.
pub(super) fn databases(s: &mut Steps<'_>) {
    let mut dbs: Vec<&ir::Database> = s.plan.databases.iter().filter(|d| d.create).collect();
    dbs.sort_by_key(|d| d.kind != ir::DatabaseKind::PublicFolder);
    for db in dbs {
        let context = DatabaseStep {
            db: db.clone(),
            cas_array: cas_array_of(s, &db.server),
        };
        s.push(
            Steps::exchange(&db.version),
            &db.origin,
            StepContext::Databases(context),
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
        // Facts §6.1: mailboxes of some older versions (2003 into 2010) are offline while they
        // move. A batch naming only servers moves from their versions; any other may hold
        // mailboxes of every version in the plan.
        let offline_from: Vec<String> = s
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
                rule.versions
                    .iter()
                    .filter(|v| from.contains(v))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let offline_source = s
            .target
            .offline_moves_from
            .as_ref()
            .map(|r| r.source.clone());
        // 2007's Move-Mailbox is done when the script ends; a target with move requests
        // watches them (its phases list the status step). Archives move with their mailbox.
        let synchronous = !s.wants(StepKind::MoveStatus);
        let mut kinds = vec![MailboxKind::User];
        if !synchronous {
            kinds.push(MailboxKind::Archive);
        }
        let gated = s.wants(StepKind::ArbitrationStatus) && s.wants(StepKind::MoveArbitration);
        let moves = MoveMailboxes {
            batch: batch.clone(),
            target_identity: identity,
            offline_from,
            offline_source,
            synchronous,
            after: if gated {
                arbitration_batch(s)
            } else {
                Vec::new()
            },
            system_mailboxes_from: if gated {
                arbitration_servers(s)
            } else {
                Vec::new()
            },
            moves: MailboxMove {
                kinds,
                from: batch.from_servers.clone(),
                database: batch.target_database.clone(),
                server: batch.target_server.clone(),
            },
        };
        let watch = BatchStep {
            batch: BatchRef::of(batch),
        };
        // `New-MigrationBatch -Local` (2013+, facts §6.1): the batch is created, watched, then
        // started or completed; the CSV it reads is written next to the script at run time.
        // R26: a batch from another forest has its own template (credentials, both forests'
        // global catalogs, the accounts' OU). Asynchronous moves (2010+) are watched and
        // cleared; a target whose moves are synchronous (2007 Move-Mailbox) lists no such phases.
        // A batch that stops when ready to complete is resumed in its own phase (facts §6.1).
        let steps = if let Some(m) = &batch.migration_batch {
            let mut steps = vec![
                StepContext::MigrationBatch(moves),
                StepContext::MigrationBatchStatus(watch.clone()),
            ];
            // A batch that starts and completes by itself needs no hand to move it on.
            if !(m.auto_start && m.auto_complete) {
                steps.push(StepContext::MigrationBatchComplete(watch));
            }
            steps
        } else {
            let mut steps = vec![
                if batch.cross_forest.is_some() {
                    StepContext::MoveMailboxesCrossForest(moves)
                } else {
                    StepContext::MoveMailboxes(moves)
                },
                StepContext::MoveStatus(watch.clone()),
            ];
            if batch.suspend_when_ready {
                steps.push(StepContext::MoveResume(watch.clone()));
            }
            steps.push(StepContext::MoveClear(watch));
            steps
        };
        for (i, context) in steps.into_iter().enumerate() {
            if i == 0 || s.wants(context.kind()) {
                s.push(shell.clone(), &batch.origin, context);
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
            let context = PublicFolderMailboxes {
                from: pf.from.clone(),
                to: pf.to.clone(),
                database: database.clone(),
            };
            s.push(
                Steps::exchange(&pf.version),
                &pf.origin,
                StepContext::PublicFolderMailboxes(context.clone()),
            );
            s.push(
                Steps::exchange(&pf.version),
                &pf.origin,
                StepContext::PublicFolderMailboxesStatus(context),
            );
            // Point 16 of the consultant review: their requests are cleared with the others.
            let batch = BatchRef::system(PUBLIC_FOLDER_BATCH, database);
            s.push(
                Steps::exchange(&pf.version),
                &pf.origin,
                StepContext::MoveClear(BatchStep { batch }),
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
        let context = PublicFolderReplicas {
            from: pf.from.clone(),
            to: pf.to.clone(),
            legacy,
            from_version,
        };
        let shell = Steps::exchange(&pf.version);
        s.push(
            shell.clone(),
            &pf.origin,
            StepContext::PublicFolders(context.clone()),
        );
        s.push(
            shell.clone(),
            &pf.origin,
            StepContext::PublicFoldersStatus(context.clone()),
        );
        if legacy && s.wants(StepKind::PublicFoldersRemove) {
            s.push(shell, &pf.origin, StepContext::PublicFoldersRemove(context));
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
    let legacy_mailbox_servers = s
        .legacy(ir::Role::Mailbox)
        .map(|x| x.name.clone())
        .collect();
    let context = PublicFolderMigration {
        from: pf.from.clone(),
        to: pf.to.clone(),
        batch: batch.clone(),
        legacy_mailbox_servers,
        csv_folder: "PFMigration".to_owned(),
        scripts_folder: "PFScripts".to_owned(),
        powershell: None,
    };
    // The 2007-shell scripts of this procedure need PowerShell 2.0: their header says so and
    // the skeleton guards it (`Declares::powershell`).
    let legacy_context = PublicFolderMigration {
        powershell: batch.powershell.clone(),
        ..context.clone()
    };
    for wrap in [
        StepContext::PublicFolderMigrationCheck,
        StepContext::PublicFolderMigrationBatch,
        StepContext::PublicFolderMigrationStatus,
        StepContext::PublicFolderMigrationCutover,
        StepContext::PublicFolderMigrationLocal,
    ] {
        s.push(target.clone(), &pf.origin, wrap(context.clone()));
    }
    for wrap in [
        StepContext::PublicFolderMigrationPrepare,
        StepContext::PublicFolderMigrationLock,
        StepContext::PublicFolderMigrationFinish,
    ] {
        s.push_on(
            legacy.clone(),
            Some(pf.from.clone()),
            &pf.origin,
            wrap(legacy_context.clone()),
        );
    }
}

/// R17: remove the old databases once nothing is left on them.
pub(super) fn decommission(s: &mut Steps<'_>) {
    let legacy_last = legacy_name_removed_with(s);
    for d in &s.plan.decommission {
        let names_removed: Vec<String> = legacy_last
            .iter()
            .filter(|(server, _)| server.eq_ignore_ascii_case(&d.server))
            .map(|(_, host)| host.clone())
            .collect();
        let has_shell = s.specs.get(&d.version).is_some_and(|x| x.shell.is_some());
        if has_shell {
            let context = DecommissionStep {
                server: d.server.clone(),
                mailbox: d.mailbox,
                public_folders_migrated: s.plan.public_folders.iter().any(|p| p.batch.is_some()),
                version: d.version.clone(),
                names_removed,
            };
            s.push(
                Steps::exchange(&d.version),
                &d.origin,
                StepContext::Decommission(context),
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
            let context = DecommissionLegacy {
                server: d.server.clone(),
                mailbox: d.mailbox,
                bridgehead: s.server(&d.server).is_some_and(|x| x.has(ir::Role::Hub)),
                version: d.version.clone(),
                console,
                offline_address_book: oab,
                removed_later: last_legacy_removed(s).is_some(),
                names_removed,
            };
            s.push(
                Steps::exchange(&s.plan.target.version),
                &d.origin,
                StepContext::DecommissionLegacy(context),
            );
        }
    }
}

/// R09 (point 18 of the consultant review): the legacy name points at the older Client Access
/// servers of the internet-facing site; once the plan removes the last of them, its DNS records go with it. The server
/// and the name, when the plan removes them all.
fn legacy_name_removed_with(s: &Steps<'_>) -> Option<(String, String)> {
    let legacy = s.plan.namespaces.legacy.as_ref()?;
    let answering: Vec<&ir::Server> = s
        .plan
        .servers
        .iter()
        .filter(|x| {
            !x.new
                && x.has(ir::Role::Cas)
                && s.plan.in_target_forest(x)
                && s.plan.faces_internet(&x.site)
                && s.target.legacy_namespace_for.contains(&x.exchange.version)
        })
        .collect();
    let removed = |x: &ir::Server| {
        s.plan
            .decommission
            .iter()
            .position(|d| d.server.eq_ignore_ascii_case(&x.name))
    };
    let last = answering
        .iter()
        .map(|x| removed(x))
        .collect::<Option<Vec<usize>>>()?
        .into_iter()
        .max()?;
    Some((
        s.plan.decommission[last].server.clone(),
        legacy.host.clone(),
    ))
}

/// R28, facts §6.7 and §6.10: once the plan removes every 2000/2003 server, the routing group
/// connectors go, and afterwards the recipient policies and address lists are upgraded.
pub(super) fn legacy_removal(s: &mut Steps<'_>) {
    let Some(routing) = &s.target.legacy_routing else {
        return;
    };
    let Some(legacy) = last_legacy_removed(s) else {
        return;
    };
    let Some(last) = s.plan.decommission.last() else {
        return;
    };
    let connectors: Vec<&ir::RoutingGroupConnector> = s
        .plan
        .mail_flow
        .iter()
        .flat_map(|m| &m.routing_group_connectors)
        .collect();
    let servers: Vec<String> = legacy.iter().map(|x| x.name.clone()).collect();
    let shell = Steps::exchange(&s.plan.target.version);
    let origin = last.origin.clone();
    if s.wants(StepKind::RoutingGroupConnectorRemove) {
        let context = RoutingGroupConnectorRemove {
            connectors: connectors.iter().map(|c| c.name.clone()).collect(),
            servers: servers.clone(),
            routing_group: routing.routing_group.clone(),
        };
        s.push(
            shell.clone(),
            &origin,
            StepContext::RoutingGroupConnectorRemove(context),
        );
    }
    if s.wants(StepKind::AddressPolicies) {
        let context = AddressPolicies { servers };
        s.push(shell, &origin, StepContext::AddressPolicies(context));
    }
}

/// The 2000/2003 servers of the target's forest when the plan decommissions every one of them
/// (their routing group connectors then go, and the servers are uninstalled, in one step).
fn last_legacy_removed<'p>(s: &Steps<'p>) -> Option<Vec<&'p ir::Server>> {
    let routing = s.target.legacy_routing.as_ref()?;
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
    (all_removed && s.wants(StepKind::RoutingGroupConnectorRemove)).then_some(legacy)
}

/// The Client Access array of `server`'s site, where the target has them.
fn cas_array_of(s: &Steps<'_>, server: &str) -> Option<String> {
    if !s.wants(StepKind::ClientAccessArray) {
        return None;
    }
    let site = &s.server(server)?.site;
    s.plan
        .sites
        .iter()
        .find(|x| x.name == *site)?
        .cas_array
        .as_ref()
        .map(|n| n.host.clone())
}

/// The system mailboxes' batch, when the target moves them (they complete before any user
/// mailbox moves).
fn arbitration_batch(s: &Steps<'_>) -> Vec<String> {
    if arbitration_servers(s).is_empty() {
        Vec::new()
    } else {
        vec![super::coexistence::ARBITRATION_BATCH.to_owned()]
    }
}

/// The older Mailbox servers whose version has arbitration mailboxes.
/// The check that no system mailbox is left on an older server runs once per script, in its
/// first batch: the script stops at the first failure, so the later batches of the same script
/// start only after it passed, and nothing moves system mailboxes back. Repeating it in every
/// batch would make a move script grow with batches × servers.
pub(super) fn check_system_mailboxes_once(schedule: &mut crate::ir::steps::Schedule) {
    for script in &mut schedule.scripts {
        let mut checked = false;
        for step in &mut script.steps {
            if let StepContext::MoveMailboxes(m)
            | StepContext::MoveMailboxesCrossForest(m)
            | StepContext::MigrationBatch(m) = &mut step.context
            {
                if checked {
                    m.system_mailboxes_from.clear();
                }
                checked |= !m.system_mailboxes_from.is_empty();
            }
        }
    }
}

fn arbitration_servers(s: &Steps<'_>) -> Vec<String> {
    s.legacy(ir::Role::Mailbox)
        .filter(|x| {
            s.specs
                .get(&x.exchange.version)
                .is_some_and(|spec| spec.has_mailboxes(MailboxKind::Arbitration))
        })
        .map(|x| x.name.clone())
        .collect()
}

/// R33: the PST files an ExMerge export wrote are imported with `Import-Mailbox` in the
/// target's shell, one step per exported server.
pub(super) fn exmerge_imports(s: &mut Steps<'_>) {
    for x in &s.plan.exmerge {
        let shell = Steps::exchange(&s.plan.target.version);
        let context = ImportMailbox { x: x.clone() };
        s.push(shell, &x.origin, StepContext::ImportMailbox(context));
    }
}
