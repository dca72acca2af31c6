//! Removing a server: nothing may live on it any more (mailboxes of every kind, public folder
//! content, OAB generation, connector sources, scheduled tasks, inbound mail, DAG membership,
//! moves still running from it) and nothing may point at it (names, DAG witnesses).

use super::{Cx, Findings};
use crate::diag::Code;
use crate::exchange::MailboxKind;
use crate::ir::state::{BatchPhase, INTERNET_CONNECTOR, Pending, State, key};
use crate::ir::steps::Step;

/// What still lives on `server`, each as a clause ("it still holds user mailboxes") and the fix.
/// When it is only `emptying` (a 2000/2003 server checked before the step that removes the last
/// of them with their routing group connectors), those connectors do not count.
fn holdings(cx: &Cx<'_>, state: &State, server: &str, emptying: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let routing: Vec<&str> = cx
        .plan
        .mail_flow
        .iter()
        .flat_map(|m| &m.routing_group_connectors)
        .map(|r| r.name.as_str())
        .filter(|_| emptying)
        .collect();
    let is = |name: &str| name.eq_ignore_ascii_case(server);
    let Some(s) = state.servers.iter().find(|s| is(&s.name)) else {
        return out;
    };
    for kind in &s.mailboxes {
        let how = match kind {
            MailboxKind::User | MailboxKind::Archive => {
                format!("add `from server {}` to a `move mailboxes` block", s.name)
            }
            MailboxKind::Arbitration | MailboxKind::AuditLog => {
                "the target's arbitration phase moves them: give the plan a new mailbox database"
                    .to_owned()
            }
            MailboxKind::PublicFolder => format!("add `public-folders from {} to NEW`", s.name),
        };
        out.push((format!("it still holds {}", kind.label()), how));
    }
    if s.public_folders {
        out.push((
            "it still holds public folder content".to_owned(),
            format!("add `public-folders from {} to NEW`", s.name),
        ));
    }
    for oab in state
        .offline_address_books
        .iter()
        .filter(|o| is(&o.generated_by))
    {
        out.push((
            format!("it still generates the offline address book {}", oab.name),
            "name it in `offline-address-book \"NAME\"` of the `client-access` block of a new Mailbox server, which moves its generation there (R12)".to_owned(),
        ));
    }
    for c in state
        .send_connectors
        .iter()
        .filter(|c| c.sources.iter().any(|x| is(x)) && !routing.contains(&c.name.as_str()))
    {
        out.push(if c.name == INTERNET_CONNECTOR {
            (
                "internet mail still goes out through it".to_owned(),
                "name the internet send connector in the `mail-flow` block of a new transport server (`send-connector \"NAME\"`), or subscribe a new Edge Transport server (R14)".to_owned(),
            )
        } else {
            (
                format!("it is still a source of the connector {}", c.name),
                format!(
                    "add `send-connector \"{}\"` to the `mail-flow` block of a new transport server (R14)",
                    c.name
                ),
            )
        });
    }
    for task in &s.tasks {
        out.push((
            format!("the scheduled task {task} runs on it"),
            "run the task on a server that stays (the `galsync` statement's server)".to_owned(),
        ));
    }
    if s.inbound {
        out.push((
            "internet mail still comes in through it".to_owned(),
            "add `inbound anonymous` (or `inbound gateway \"HOST\"`) to the `mail-flow` block of a new transport server, or subscribe a new Edge Transport server (R13)".to_owned(),
        ));
    }
    for dag in state
        .dags
        .iter()
        .filter(|d| d.present && d.members.iter().any(|m| is(m)))
    {
        out.push((
            format!("it is still a member of the DAG {}", dag.name),
            "declare the DAG with its members so exgen removes the membership first".to_owned(),
        ));
    }
    for b in state.batches.iter().filter(|b| {
        b.phase < BatchPhase::Completed
            && (b.moves.from.iter().any(|x| is(x)) || is(&b.moves.server))
    }) {
        out.push((
            format!("the moves of batch {} still run from or to it", b.name),
            "this is a gap in exgen's phases: please report it with the plan".to_owned(),
        ));
    }
    out
}

/// Reports what still lives on `server` (E0705). The check before a 2000/2003 server's removal
/// (`emptying`) is worded as the removal's own, so each problem is reported once.
pub(super) fn report_holdings(
    cx: &Cx<'_>,
    state: &State,
    step: &Step,
    server: &str,
    emptying: bool,
    out: &mut Findings,
) {
    for (problem, help) in holdings(cx, state, server, emptying) {
        out.error(
            Code::E0705,
            step,
            cx.phase,
            format!("`{server}` is removed while {problem}"),
            &help,
        );
    }
}

/// What still points at `server`, with the fix.
fn references(state: &State, server: &str) -> Vec<(String, String)> {
    let is = |name: &str| name.eq_ignore_ascii_case(server);
    let mut out = Vec::new();
    for n in state
        .names
        .iter()
        .filter(|n| n.servers.iter().any(|x| is(x)))
    {
        out.push((
            format!("the name {} still points at it", n.host),
            "give the internet-facing site a new Client Access server, where the namespace switch points the names".to_owned(),
        ));
    }
    for dag in state.dags.iter().filter(|d| d.present && is(&d.witness)) {
        out.push((
            format!("it is the witness server of the DAG {}", dag.name),
            format!(
                "put the witness of the DAG {} on a server that stays (`witness SERVER \"DIR\"`)",
                dag.name
            ),
        ));
    }
    out
}

/// Removes `server` from the organization, after checking that nothing lives on it or points
/// at it.
pub(super) fn remove(
    cx: &Cx<'_>,
    state: &mut State,
    step: &Step,
    server: &str,
    out: &mut Findings,
) {
    report_holdings(cx, state, step, server, false, out);
    for (problem, help) in references(state, server) {
        out.error(
            Code::E0706,
            step,
            cx.phase,
            format!("`{server}` is removed while {problem}"),
            &help,
        );
    }
    let Some(s) = state
        .servers
        .iter_mut()
        .find(|s| s.name.eq_ignore_ascii_case(server))
    else {
        return;
    };
    s.present = false;
    s.databases.clear();
    // Facts §6.7, R28: once the last 2000/2003 server is gone, the recipient policies and
    // address lists it leaves behind must be upgraded.
    let version = s.version.clone();
    let legacy = cx
        .specs
        .get(&cx.plan.target.version)
        .and_then(|t| t.legacy_routing.as_ref())
        .map(|r| r.with.clone())
        .unwrap_or_default();
    if legacy.contains(&version)
        && !state
            .servers
            .iter()
            .any(|s| s.present && legacy.contains(&s.version))
        && !state.done.contains(key::ADDRESS_POLICIES)
    {
        state.pending.push(Pending {
            key: key::ADDRESS_POLICIES.to_owned(),
            what: format!(
                "the recipient policies and address lists are not upgraded after the last Exchange {version} server left"
            ),
            origin: step.origin.clone(),
            declared: false,
        });
    }
}
