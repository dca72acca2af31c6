//! One step through the model: its needs checked against the state before it, then its effects
//! applied. Effects with preconditions of their own (installing beside older servers, removing
//! a server) check them here.

use super::{Cx, Findings};
use crate::diag::Code;
use crate::exchange::MailboxKind;
use crate::ir::Role;
use crate::ir::state::{
    BatchPhase, BatchState, ConnectorState, DagState, Effect, MailboxMove, Need, OabState,
    OutlookAnywhereState, Pending, ServerState, ServiceUrls, State,
};
use crate::ir::steps::Step;

/// Checks `step`'s needs, then applies its effects to `state`.
pub(super) fn step(cx: &Cx<'_>, state: &mut State, step: &Step, out: &mut Findings) {
    let kind = step.kind();
    let declares = step.context.declares();
    for need in declares.needs(kind) {
        if let Some(why) = unmet(cx, state, &need) {
            out.error(
                Code::E0707,
                step,
                cx.phase,
                format!("step `{kind}` runs before {why}"),
                "the phases run in the target's order; this plan leaves out or reorders the step that provides it",
            );
        }
    }
    for effect in declares.effects(kind) {
        apply(cx, state, step, &effect, out);
    }
}

/// Why `need` is not met, or `None`.
fn unmet(cx: &Cx<'_>, state: &State, need: &Need) -> Option<String> {
    let directory = &state.directory;
    match need {
        Need::Checked => unchecked(cx, state),
        Need::LegacyPermissions => (!directory.legacy_permissions)
            .then(|| "the legacy Exchange permissions are prepared".to_owned()),
        Need::Schema { version } => (directory.schema.as_deref() != Some(version))
            .then(|| format!("the schema is extended for Exchange {version}")),
        Need::Directory { version } => (directory.prepared.as_deref() != Some(version))
            .then(|| format!("Active Directory is prepared for Exchange {version}")),
        Need::Domain { version, domain } => (!directory
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain)))
        .then(|| format!("the domain `{domain}` is prepared for Exchange {version}")),
        Need::Present { server } => (!state
            .servers
            .iter()
            .any(|s| s.present && s.name.eq_ignore_ascii_case(server)))
        .then(|| format!("`{server}` is in the organization")),
        Need::Database { database } => (!state
            .servers
            .iter()
            .any(|s| s.present && s.databases.iter().any(|d| d.eq_ignore_ascii_case(database))))
        .then(|| format!("the database `{database}` exists")),
        Need::Started { key } => (!state.pending.iter().any(|p| &p.key == key))
            .then(|| format!("what it finishes has started ({key})")),
        Need::Batch { name } => (!state.batches.iter().any(|b| &b.name == name))
            .then(|| format!("the batch `{name}` exists")),
        Need::BatchReady { name } => (!state
            .batches
            .iter()
            .any(|b| &b.name == name && b.phase >= BatchPhase::ReadyToComplete))
        .then(|| format!("the moves of batch `{name}` are ready to complete (its status step)")),
        Need::Done { key } => (!state.done.contains(key)).then(|| key.clone()),
        Need::NoUserMailboxes { server } => state
            .servers
            .iter()
            .any(|s| {
                s.name.eq_ignore_ascii_case(server) && s.mailboxes.contains(&MailboxKind::User)
            })
            .then(|| format!("every user mailbox has left `{server}`")),
        Need::NoMailboxes { server } => state
            .servers
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(server) && !s.mailboxes.is_empty())
            .map(|s| {
                let kinds: Vec<&str> = s.mailboxes.iter().map(|k| k.label()).collect();
                format!(
                    "every mailbox has left `{server}` (it still holds {})",
                    kinds.join(", ")
                )
            }),
    }
}

/// What the preflight checks have not covered yet: a version in the organization whose
/// servers the target needs at a minimum level, or native mode (R43) where a version that
/// needs it is present.
fn unchecked(cx: &Cx<'_>, state: &State) -> Option<String> {
    let target = cx.specs.get(&cx.plan.target.version)?;
    let present = || {
        state
            .servers
            .iter()
            .filter(|s| s.present && s.version != cx.plan.target.version)
            .filter(|s| {
                cx.plan
                    .servers
                    .iter()
                    .find(|x| x.name.eq_ignore_ascii_case(&s.name))
                    .is_none_or(|x| cx.plan.in_target_forest(x))
            })
    };
    if let Some(s) = present().find(|s| {
        target.coexists_with(&s.version).is_some() && !state.directory.checked.contains(&s.version)
    }) {
        return Some(format!(
            "the preflight checks of the Exchange {} servers",
            s.version
        ));
    }
    let native_mode = target
        .native_mode_with
        .as_ref()
        .is_some_and(|n| present().any(|s| n.versions.contains(&s.version)));
    (native_mode && !state.directory.native_mode_checked)
        .then(|| "the preflight check that the organization is in native mode (R43)".to_owned())
}

fn server_mut<'s>(state: &'s mut State, name: &str) -> Option<&'s mut ServerState> {
    state.server_mut(name)
}

fn apply(cx: &Cx<'_>, state: &mut State, step: &Step, effect: &Effect, out: &mut Findings) {
    match effect {
        Effect::Checked {
            versions,
            native_mode,
        } => {
            for v in versions {
                if !state.directory.checked.contains(v) {
                    state.directory.checked.push(v.clone());
                }
            }
            state.directory.native_mode_checked |= native_mode;
        }
        Effect::LegacyPermissionsPrepared => state.directory.legacy_permissions = true,
        Effect::SchemaPrepared { version } => state.directory.schema = Some(version.clone()),
        Effect::DirectoryPrepared { version } => state.directory.prepared = Some(version.clone()),
        Effect::DomainPrepared { domain, .. } => {
            if !state
                .directory
                .domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
            {
                state.directory.domains.push(domain.clone());
            }
        }
        Effect::ExplicitOab { version } => state.directory.explicit_oab.push(version.clone()),
        Effect::Installed { server } => install(cx, state, step, server, out),
        Effect::Upgraded { server, version } => {
            if let Some(s) = server_mut(state, server) {
                s.version = version.clone();
            }
        }
        Effect::Scp { server, host } => {
            if let Some(s) = server_mut(state, server) {
                s.scp = Some(host.clone());
            }
        }
        Effect::Urls {
            server,
            services,
            internal,
            external,
        } => {
            if let Some(s) = server_mut(state, server) {
                for service in services {
                    let urls = match s.urls.iter_mut().find(|u| u.service == *service) {
                        Some(u) => u,
                        None => {
                            s.urls.push(ServiceUrls {
                                service: *service,
                                internal: None,
                                external: None,
                            });
                            s.urls.last_mut().expect("just pushed")
                        }
                    };
                    if internal.is_some() {
                        urls.internal.clone_from(internal);
                    }
                    if external.is_some() {
                        urls.external.clone_from(external);
                    }
                }
            }
        }
        Effect::Exchange2003Url { server, host } => {
            if let Some(s) = server_mut(state, server) {
                s.exchange2003_url = Some(host.clone());
            }
        }
        Effect::OutlookAnywhere {
            server,
            external,
            internal,
            ntlm,
        } => {
            if let Some(s) = server_mut(state, server) {
                s.outlook_anywhere = Some(OutlookAnywhereState {
                    external: Some(external.clone()),
                    internal: internal.clone(),
                    ntlm: *ntlm,
                });
            }
        }
        Effect::CertificateRequested { .. } => {}
        Effect::Certificate { server, names, .. } => {
            if let Some(s) = server_mut(state, server) {
                s.certificate.clone_from(names);
            }
        }
        Effect::Resolves { host, servers } => {
            if let Some(n) = state.names.iter_mut().find(|n| n.host == *host) {
                n.servers.clone_from(servers);
            }
        }
        Effect::Database { server, database } => {
            if let Some(s) = server_mut(state, server) {
                s.databases.push(database.clone());
            }
        }
        Effect::Batch {
            name,
            phase,
            moves,
            suspend_when_ready,
            requests,
        } => batch(
            state,
            step,
            name,
            *phase,
            moves.as_ref(),
            *suspend_when_ready,
            *requests,
            out,
            cx,
        ),
        Effect::Moved { moves } => relocate(cx, state, moves),
        Effect::PublicFoldersReplicating { to, .. } => {
            if let Some(s) = server_mut(state, to) {
                s.public_folders = true;
            }
        }
        Effect::PublicFoldersMoved { from, to, kept } => {
            if let Some(s) = server_mut(state, to) {
                s.public_folders = true;
            }
            if let Some(s) = server_mut(state, from).filter(|_| !kept) {
                s.public_folders = false;
            }
        }
        Effect::PublicFoldersRemoved { server } => {
            if let Some(s) = server_mut(state, server) {
                s.public_folders = false;
            }
        }
        Effect::OabGeneratedBy {
            oab,
            by,
            moves_default,
        } => {
            let existing = state.offline_address_books.iter_mut().find(|o| {
                o.name == *oab || (*moves_default && o.name == super::initial::DEFAULT_OAB)
            });
            match existing {
                Some(o) => {
                    o.name.clone_from(oab);
                    o.generated_by.clone_from(by);
                }
                None => state.offline_address_books.push(OabState {
                    name: oab.clone(),
                    generated_by: by.clone(),
                }),
            }
        }
        Effect::OabsRemoved { servers } => state.offline_address_books.retain(|o| {
            !servers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&o.generated_by))
        }),
        Effect::SendConnector { connector, sources } => {
            match state
                .send_connectors
                .iter_mut()
                .find(|c| c.name == *connector)
            {
                Some(c) => c.sources.clone_from(sources),
                None => state.send_connectors.push(ConnectorState {
                    name: connector.clone(),
                    sources: sources.clone(),
                }),
            }
        }
        Effect::Inbound { servers } => {
            // The MX records and gateways move from the older servers to these.
            let target = cx.specs.rank(&cx.plan.target.version);
            for s in &mut state.servers {
                if servers.iter().any(|n| n.eq_ignore_ascii_case(&s.name)) {
                    s.inbound = true;
                } else if cx.specs.rank(&s.version) < target {
                    s.inbound = false;
                }
            }
        }
        Effect::Task { server, name } => {
            if let Some(s) = server_mut(state, server) {
                s.tasks.push(name.clone());
            }
        }
        Effect::Dag {
            name,
            members,
            witness,
        } => match state.dags.iter_mut().find(|d| d.name == *name) {
            Some(d) => {
                d.members.clone_from(members);
                d.witness.clone_from(witness);
                d.present = true;
            }
            None => state.dags.push(DagState {
                name: name.clone(),
                members: members.clone(),
                witness: witness.clone(),
                present: true,
            }),
        },
        Effect::DagLeft { name, servers } => {
            if let Some(d) = state.dags.iter_mut().find(|d| d.name == *name) {
                d.members
                    .retain(|m| !servers.iter().any(|s| s.eq_ignore_ascii_case(m)));
                d.present = !d.members.is_empty();
            }
        }
        Effect::AddressPoliciesUpgraded => state.directory.address_policies_upgraded = true,
        Effect::Validated { .. } => {}
        Effect::Starts { key, what } => {
            if !state.pending.iter().any(|p| p.key == *key) {
                state.pending.push(Pending {
                    key: key.clone(),
                    what: what.clone(),
                    origin: step.origin.clone(),
                    declared: false,
                });
            }
        }
        Effect::Finishes { key } => finish(state, key),
        Effect::Emptied { server } => {
            super::decommission::report_holdings(cx, state, step, server, true, out);
            finish(state, &crate::ir::state::key::emptied(server));
        }
        Effect::Removed { server } => super::decommission::remove(cx, state, step, server, out),
    }
}

/// Marks pending work `key` done.
pub(super) fn finish(state: &mut State, key: &str) {
    state.pending.retain(|p| p.key != key);
    if !state.done.contains(key) {
        state.done.insert(key.to_owned());
    }
}

/// A new server joins: setup refuses it while a version it blocks at its level is present.
fn install(cx: &Cx<'_>, state: &mut State, step: &Step, server: &str, out: &mut Findings) {
    let Some(x) = cx.plan.servers.iter().find(|x| x.name == server) else {
        // A clustered mailbox server (R32): present once its active node's setup made it.
        if let Some(s) = server_mut(state, server) {
            s.present = true;
        }
        return;
    };
    if let Some(spec) = cx.specs.get(&x.exchange.version) {
        let mut refused: Vec<(&str, &crate::specs::Blocked)> = Vec::new();
        // The answer per version, not per server: hundreds of servers share a few versions.
        let mut answers: Vec<(&str, Option<&crate::specs::Blocked>)> = Vec::new();
        for s in state.servers.iter().filter(|s| s.present) {
            let blocked = match answers.iter().find(|(v, _)| *v == s.version) {
                Some(&(_, b)) => b,
                None => {
                    let b = spec.blocks_at(&s.version, &x.exchange.level);
                    answers.push((&s.version, b));
                    b
                }
            };
            if let Some(b) = blocked {
                refused.push((&s.name, b));
            }
        }
        if let Some((_, blocked)) = refused.first() {
            let names: Vec<String> = refused.iter().map(|(n, _)| format!("`{n}`")).collect();
            let help = blocked
                .alternative
                .clone()
                .unwrap_or_else(|| format!("remove every Exchange {} server first", blocked.with));
            out.error(
                Code::E0701,
                step,
                cx.phase,
                format!(
                    "Exchange {} {} setup refuses to install `{server}` while Exchange {} is in the organization: {}",
                    x.exchange.version,
                    x.exchange.level,
                    blocked.with,
                    names.join(", ")
                ),
                &format!("{help} ({})", blocked.source),
            );
        }
    }
    let legacy_oab_missing: Vec<String> = if cx
        .specs
        .get(&x.exchange.version)
        .is_some_and(|s| s.oab_generating_mailbox)
    {
        state
            .servers
            .iter()
            .filter(|s| s.present && s.mailboxes.contains(&MailboxKind::User))
            .map(|s| s.version.clone())
            .filter(|v| {
                *v != x.exchange.version
                    && cx.specs.get(v).is_some_and(|s| !s.oab_generating_mailbox)
                    && !state.directory.explicit_oab.contains(v)
            })
            .collect()
    } else {
        Vec::new()
    };
    if let Some(version) = legacy_oab_missing.first() {
        out.error(
            Code::E0707,
            step,
            cx.phase,
            format!(
                "`{server}` is installed before every Exchange {version} mailbox database has an explicit offline address book: every Outlook client would download the full new one"
            ),
            "the target's phases give the legacy databases the current default OAB first (facts §6.2); keep that phase before the installation",
        );
    }
    finish(state, &crate::ir::state::key::installed(server));
    let client_access = x.has(Role::Cas);
    if let Some(s) = server_mut(state, server) {
        s.present = true;
        s.client_access = client_access;
        s.certificate.clear();
        if client_access {
            s.scp = Some(s.name.clone());
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn batch(
    state: &mut State,
    step: &Step,
    name: &str,
    phase: BatchPhase,
    moves: Option<&MailboxMove>,
    suspend_when_ready: bool,
    requests: bool,
    out: &mut Findings,
    cx: &Cx<'_>,
) {
    let existing = state.batches.iter().position(|b| b.name == name);
    let index = match (existing, moves) {
        (Some(i), _) => i,
        (None, Some(moves)) => {
            state.batches.push(BatchState {
                name: name.to_owned(),
                phase,
                suspend_when_ready,
                moves: moves.clone(),
                requests,
            });
            open(state, step, name, requests);
            return;
        }
        (None, None) => return,
    };
    let before = state.batches[index].phase;
    if phase == BatchPhase::Cleared && before != BatchPhase::Completed {
        out.error(
            Code::E0707,
            step,
            cx.phase,
            format!("the move requests of batch `{name}` are cleared before they complete"),
            "clearing removes only completed requests; complete the batch first",
        );
        return;
    }
    state.batches[index].phase = phase.max(before);
    let b = state.batches[index].clone();
    if b.phase >= BatchPhase::Completed && before < BatchPhase::Completed {
        relocate(cx, state, &b.moves);
        if !b.requests {
            finish(state, &crate::ir::state::key::batch(name));
        }
    }
    if b.phase == BatchPhase::Cleared {
        finish(state, &crate::ir::state::key::batch(name));
        finish(state, &requests_key(name));
    }
    if b.phase >= BatchPhase::Completed {
        finish(state, &progress_key(name));
    }
}

use crate::ir::state::key::{batch_moves as progress_key, batch_requests as requests_key};

fn open(state: &mut State, step: &Step, name: &str, requests: bool) {
    state.pending.push(Pending {
        key: progress_key(name),
        what: format!("the moves of batch `{name}` are still running"),
        origin: step.origin.clone(),
        declared: false,
    });
    if requests {
        state.pending.push(Pending {
            key: requests_key(name),
            what: format!("the move requests of batch `{name}` are never removed"),
            origin: step.origin.clone(),
            declared: false,
        });
    }
}

/// Mailboxes reach their target: every mailbox of the moved kinds leaves the source servers;
/// the target server holds those kinds from now on. An OAB generated in an organization
/// mailbox (2013 and later) moves with the arbitration mailboxes (facts §6.2).
fn relocate(cx: &Cx<'_>, state: &mut State, moves: &MailboxMove) {
    for from in &moves.from {
        if let Some(s) = server_mut(state, from) {
            s.mailboxes.retain(|k| !moves.kinds.contains(k));
        }
        let version = state.server(from).map(|s| s.version.clone());
        let in_mailbox = version
            .and_then(|v| cx.specs.get(&v))
            .is_some_and(|s| s.oab_generating_mailbox);
        if in_mailbox && moves.kinds.contains(&MailboxKind::Arbitration) {
            for oab in &mut state.offline_address_books {
                if oab.generated_by.eq_ignore_ascii_case(from) {
                    oab.generated_by.clone_from(&moves.server);
                }
            }
        }
    }
    if let Some(s) = server_mut(state, &moves.server) {
        for kind in &moves.kinds {
            if !s.mailboxes.contains(kind) {
                s.mailboxes.push(*kind);
            }
        }
        s.mailboxes.sort();
    }
}
