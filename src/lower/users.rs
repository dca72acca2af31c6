//! "What users see": the model's client access rows as one table per phase that changes them,
//! for the runbook. Rows are names and services; columns are the versions of the mailboxes that
//! exist then; each cell says who answers.

use crate::ir::state::{Access, State};
use serde::Serialize;

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsersTable {
    /// The mailbox versions, one column each.
    pub versions: Vec<String>,
    /// One row per name and service.
    pub rows: Vec<UsersRow>,
}

/// One row: a name and a service, and who answers for each mailbox version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsersRow {
    /// The name clients use.
    pub host: String,
    /// The service, as users call it.
    pub service: String,
    /// Per version column: who answers, or why nobody does.
    pub cells: Vec<String>,
}

/// The table of each state, `None` where it equals the one before (the first is always shown
/// when there is one).
pub fn views(states: &[State]) -> Vec<Option<UsersTable>> {
    let mut out = Vec::new();
    let mut last: Option<UsersTable> = None;
    for state in states {
        let table = table(&state.access);
        if table.is_some() && table != last {
            out.push(table.clone());
        } else {
            out.push(None);
        }
        if table.is_some() {
            last = table;
        }
    }
    out
}

fn table(access: &[Access]) -> Option<UsersTable> {
    let mut versions: Vec<String> = Vec::new();
    for a in access {
        if !versions.contains(&a.mailboxes) {
            versions.push(a.mailboxes.clone());
        }
    }
    let mut rows: Vec<UsersRow> = Vec::new();
    for a in access {
        let service = a.service.label().to_owned();
        let index = match rows
            .iter()
            .position(|r| r.host == a.host && r.service == service)
        {
            Some(i) => i,
            None => {
                rows.push(UsersRow {
                    host: a.host.clone(),
                    service,
                    cells: vec![String::new(); versions.len()],
                });
                rows.len() - 1
            }
        };
        let column = versions.iter().position(|v| *v == a.mailboxes).unwrap_or(0);
        let cell = if a.ok {
            a.answer.clone()
        } else {
            format!("cut off: {}", a.answer)
        };
        let current = &mut rows[index].cells[column];
        if current.is_empty() {
            *current = cell;
        } else if !current.contains(&cell) {
            current.push_str("; ");
            current.push_str(&cell);
        }
    }
    (!rows.is_empty()).then_some(UsersTable { versions, rows })
}
