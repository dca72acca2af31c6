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
        s.push(
            "move_mailboxes",
            shell.clone(),
            &batch.origin,
            json!({ "batch": batch }),
        );
        s.push(
            "move_status",
            shell.clone(),
            &batch.origin,
            json!({ "batch": batch }),
        );
        s.push(
            "move_clear",
            shell,
            &batch.origin,
            json!({ "batch": batch }),
        );
    }
}

/// R16: replicas move with the version's bundled script, then are watched.
pub(super) fn public_folders(s: &mut Steps<'_>) {
    for pf in &s.plan.public_folders {
        let context = json!({ "from": pf.from, "to": pf.to });
        let shell = Steps::exchange(&pf.version);
        s.push("public_folders", shell.clone(), &pf.origin, context.clone());
        s.push("public_folders_status", shell, &pf.origin, context);
    }
}

/// R17: remove the old databases once nothing is left on them.
pub(super) fn decommission(s: &mut Steps<'_>) {
    for d in &s.plan.decommission {
        let context = json!({ "server": d.server, "mailbox": d.mailbox, "version": d.version });
        s.push(
            "decommission",
            Steps::exchange(&d.version),
            &d.origin,
            context,
        );
    }
}
