//! Steps on the older servers and around them that a target's coexistence needs (seed 003,
//! R35, R39, facts §6.1–§6.3): validating existing client access first, an explicit OAB on
//! every legacy database, Outlook Anywhere on the legacy Client Access servers, the arbitration
//! mailboxes, and switching the primary namespace. Each is produced only when the target's
//! phases list its kind.

use super::Steps;
use crate::exchange::Service;
use crate::ir::state::MailboxKind;
use crate::ir::steps::{
    BackEndsNeed, BatchRef, BatchStep, LegacyOab, LegacyOabRemove, LegacyOutlookAnywhere,
    LegacyScp, MoveArbitration, NamespaceSwitch, StepContext, StepKind, ValidateStep,
};
use crate::ir::{self, Role};

/// The batch name of the system mailbox moves.
pub(super) const ARBITRATION_BATCH: &str = "exgen arbitration";

/// Validation checks run on a legacy Client Access server the plan names no checks for.
const DEFAULT_LEGACY_CHECKS: &[&str] = &["service-health"];

/// R35: existing client access is validated before anything changes, in each server's own
/// shell: the plan's `validate` blocks on existing servers, and every other legacy Client
/// Access server with the service health check (and the Remote Connectivity Analyzer in the
/// runbook).
pub(super) fn legacy_validations(s: &mut Steps<'_>) {
    for (version, origin, v) in legacy_validated(s) {
        s.push(
            Steps::exchange(&version),
            &origin,
            StepContext::ValidateLegacy(ValidateStep {
                v,
                before_switch: false,
            }),
        );
    }
}

/// R35: what `legacy_validations` validates, in order: `(shell version, origin, checks)`.
pub(super) fn legacy_validated(s: &Steps<'_>) -> Vec<(String, ir::Origin, ir::Validation)> {
    if !s.wants(StepKind::ValidateLegacy) {
        return Vec::new();
    }
    let mut steps = Vec::new();
    for v in &s.plan.validations {
        if s.server(&v.server).is_some_and(|x| !x.new) {
            steps.push((v.version.clone(), v.origin.clone(), v.clone()));
        }
    }
    for server in s.legacy(Role::Cas) {
        if s.specs.get(&server.exchange.version).is_none()
            || s.plan.validations.iter().any(|v| v.server == server.name)
        {
            continue;
        }
        let v = ir::Validation {
            server: server.name.clone(),
            version: server.exchange.version.clone(),
            checks: DEFAULT_LEGACY_CHECKS
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            remote_connectivity_analyzer: true,
            origin: server.origin.clone(),
        };
        steps.push((v.version.clone(), v.origin.clone(), v));
    }
    steps
}

/// Facts §6.2 trap: installing the first server of the target creates a new default OAB, and
/// every mailbox whose database has no explicit OAB would download the full OAB. Each legacy
/// version's shell gives its own databases the current default OAB first. Versions whose OAB
/// is already generated in an organization mailbox (2013 and later) made that OAB when their
/// own first server came, so the target's setup makes none.
pub(super) fn legacy_oab(s: &mut Steps<'_>) {
    if !s.wants(StepKind::LegacyOab) || s.plan.install_order.is_empty() {
        return;
    }
    let mut versions: Vec<(String, Vec<String>)> = Vec::new();
    for server in s.legacy(Role::Mailbox) {
        if s.specs
            .get(&server.exchange.version)
            .is_none_or(|spec| spec.oab_generating_mailbox)
        {
            continue;
        }
        match versions
            .iter_mut()
            .find(|(v, _)| *v == server.exchange.version)
        {
            Some((_, list)) => list.push(server.name.clone()),
            None => versions.push((server.exchange.version.clone(), vec![server.name.clone()])),
        }
    }
    let origin = s.plan.target_origin.clone();
    for (version, servers) in versions {
        let shell = Steps::exchange(&version);
        let context = LegacyOab { servers, version };
        s.push(shell, &origin, StepContext::LegacyOab(context));
    }
}

/// Facts §6.1: the arbitration mailboxes of older versions that have them move to the new
/// version before the user mailboxes, in the target's shell, to the first new mailbox database
/// mailboxes move to (else the first new one).
pub(super) fn arbitration(s: &mut Steps<'_>) {
    if !s.wants(StepKind::MoveArbitration) {
        return;
    }
    let legacy: Vec<&ir::Server> = s
        .legacy(Role::Mailbox)
        .filter(|x| {
            s.specs
                .get(&x.exchange.version)
                .is_some_and(|spec| spec.has_mailboxes(MailboxKind::Arbitration))
        })
        .collect();
    if legacy.is_empty() {
        return;
    }
    // Audit log mailboxes (2016 and later) are listed by their own switch and move too.
    let mut kinds = vec![MailboxKind::Arbitration];
    if legacy.iter().any(|x| {
        s.specs
            .get(&x.exchange.version)
            .is_some_and(|spec| spec.has_mailboxes(MailboxKind::AuditLog))
    }) {
        kinds.push(MailboxKind::AuditLog);
    }
    let servers: Vec<String> = legacy.iter().map(|x| x.name.clone()).collect();
    let Some((database, server, origin)) = system_database(s) else {
        return;
    };
    let target = Steps::exchange(&s.plan.target.version);
    let context = MoveArbitration {
        servers,
        database: database.clone(),
        server,
        batch: ARBITRATION_BATCH.to_owned(),
        kinds,
    };
    s.push(
        target.clone(),
        &origin,
        StepContext::MoveArbitration(context),
    );
    let batch = BatchRef::system(ARBITRATION_BATCH, &database);
    s.push(
        target.clone(),
        &origin,
        StepContext::ArbitrationStatus(BatchStep {
            batch: batch.clone(),
        }),
    );
    s.push(target, &origin, StepContext::MoveClear(BatchStep { batch }));
}

/// R05, R40, seed 003 (point 13 of the consultant review): the new database the system
/// mailboxes move to: the target of the first batch into an internet-facing site, else the
/// first new mailbox database there, else the first batch's or new database anywhere. With
/// its server and the plan line that names it.
fn system_database(s: &Steps<'_>) -> Option<(String, String, ir::Origin)> {
    let target = &s.plan.target.version;
    let facing = |server: &str| {
        s.server(server)
            .is_some_and(|x| s.plan.faces_internet(&x.site))
    };
    let batches = s.plan.moves.iter().filter(|m| m.version == *target);
    let databases = s
        .plan
        .databases
        .iter()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::Mailbox && d.version == *target);
    let from_batch = |m: &ir::MoveBatch| {
        (
            m.target_database.clone(),
            m.target_server.clone(),
            m.origin.clone(),
        )
    };
    let from_database = |d: &ir::Database| (d.name.clone(), d.server.clone(), d.origin.clone());
    batches
        .clone()
        .find(|m| facing(&m.target_server))
        .map(from_batch)
        .or_else(|| {
            databases
                .clone()
                .find(|d| facing(&d.server))
                .map(from_database)
        })
        .or_else(|| batches.clone().next().map(from_batch))
        .or_else(|| databases.clone().next().map(from_database))
}

/// Facts §6.3 (point 11 of the consultant review): every legacy Client Access server whose
/// version has Autodiscover points its service connection point at the Autodiscover name,
/// in its own shell, before the name moves to the new version.
pub(super) fn legacy_scp(s: &mut Steps<'_>) {
    if !s.wants(StepKind::LegacyScp) {
        return;
    }
    // Without an Autodiscover name, Autodiscover is answered on the primary name.
    let Some(autodiscover) = s.plan.namespaces.autodiscover.as_ref().or(s
        .plan
        .namespaces
        .primary
        .as_ref())
    else {
        return;
    };
    let servers: Vec<(String, String, ir::Origin)> = s
        .legacy(Role::Cas)
        .filter(|x| {
            s.specs
                .get(&x.exchange.version)
                .and_then(|spec| spec.client_access.as_ref())
                .is_some_and(|ca| ca.services.contains(&Service::Autodiscover))
        })
        .map(|x| (x.name.clone(), x.exchange.version.clone(), x.origin.clone()))
        .collect();
    for (server, version, origin) in servers {
        let context = LegacyScp {
            server,
            url: super::client::url(&autodiscover.host, "/Autodiscover/Autodiscover.xml"),
            host: autodiscover.host.clone(),
        };
        s.push(
            Steps::exchange(&version),
            &origin,
            StepContext::LegacyScp(context),
        );
    }
}

/// Facts §6.2, §6.10 (point 6 of the consultant review): a target whose OAB is generated in
/// an organization mailbox makes its own; the OABs that the older versions' Mailbox servers
/// generate are removed, in their own shell, once no mailbox is left on them and before the
/// servers go.
pub(super) fn legacy_oab_remove(s: &mut Steps<'_>) {
    if !s.wants(StepKind::LegacyOabRemove) || !s.target.oab_generating_mailbox {
        return;
    }
    let mut versions: Vec<(String, Vec<String>, ir::Origin)> = Vec::new();
    for d in &s.plan.decommission {
        let Some(x) = s.server(&d.server) else {
            continue;
        };
        let on_server = s
            .specs
            .get(&x.exchange.version)
            .is_some_and(|spec| spec.shell.is_some() && !spec.oab_generating_mailbox);
        if !x.has(Role::Mailbox) || !on_server {
            continue;
        }
        match versions
            .iter_mut()
            .find(|(v, _, _)| *v == x.exchange.version)
        {
            Some((_, servers, _)) => servers.push(x.name.clone()),
            None => versions.push((
                x.exchange.version.clone(),
                vec![x.name.clone()],
                d.origin.clone(),
            )),
        }
    }
    for (version, servers, origin) in versions {
        let context = LegacyOabRemove {
            servers,
            version: version.clone(),
        };
        s.push(
            Steps::exchange(&version),
            &origin,
            StepContext::LegacyOabRemove(context),
        );
    }
}

/// Facts §6.3: the new Client Access servers proxy Outlook Anywhere to the legacy ones, so
/// Outlook Anywhere is enabled on every legacy Client Access server, on the primary namespace,
/// with NTLM among its IIS authentication methods, before the namespace moves.
pub(super) fn legacy_outlook_anywhere(s: &mut Steps<'_>) {
    if !s.wants(StepKind::LegacyOutlookAnywhere) {
        return;
    }
    let Some(primary) = &s.plan.namespaces.primary else {
        return;
    };
    let servers: Vec<(String, String, ir::Origin)> = s
        .legacy(Role::Cas)
        .filter(|x| s.specs.get(&x.exchange.version).is_some())
        .filter(|x| {
            let only = &s.target.legacy_outlook_anywhere_for;
            only.is_empty() || only.contains(&x.exchange.version)
        })
        .map(|x| (x.name.clone(), x.exchange.version.clone(), x.origin.clone()))
        .collect();
    for (server, version, origin) in servers {
        let context = LegacyOutlookAnywhere {
            server,
            host: primary.host.clone(),
        };
        s.push(
            Steps::exchange(&version),
            &origin,
            StepContext::LegacyOutlookAnywhere(context),
        );
    }
}

/// R39: the primary and Autodiscover names move to the new Client Access servers of the
/// internet-facing site (DNS, by hand: the runbook); the script shows where they point.
pub(super) fn namespace_switch(s: &mut Steps<'_>) {
    if !s.wants(StepKind::NamespaceSwitch) {
        return;
    }
    let names: Vec<String> = [&s.plan.namespaces.primary, &s.plan.namespaces.autodiscover]
        .into_iter()
        .flatten()
        .map(|n| n.host.clone())
        .collect();
    let Some(primary) = &s.plan.namespaces.primary else {
        return;
    };
    let new_cas: Vec<String> = super::client::switch_targets(s)
        .into_iter()
        .map(|x| x.name.clone())
        .collect();
    if names.is_empty() || new_cas.is_empty() {
        return;
    }
    // Point 11 of the consultant review: the new servers are validated before the switch.
    let validated_first = if s.wants(StepKind::Validate) {
        new_cas.clone()
    } else {
        Vec::new()
    };
    // Point M2 of the second consultant review: exgen cannot know whether Outlook Anywhere is
    // used today; the change board must decide it before the switch.
    let configured = s.target.outlook_anywhere_always_on
        || s.plan
            .client_access
            .iter()
            .any(|c| c.outlook_anywhere.is_some());
    let outlook_anywhere_dropped = if configured {
        None
    } else {
        s.plan
            .servers
            .iter()
            .filter(|x| {
                !x.new
                    && s.plan.in_target_forest(x)
                    && s.plan.faces_internet(&x.site)
                    && (x.has(Role::Cas) || x.has(Role::Mailbox))
            })
            .map(|x| &x.exchange.version)
            .find(|v| {
                s.specs
                    .get(v)
                    .and_then(|spec| spec.client_access.as_ref())
                    .is_some_and(|ca| ca.services.contains(&Service::OutlookAnywhere))
            })
            .cloned()
    };
    let back_ends_need = s
        .target
        .client_access
        .iter()
        .flat_map(|ca| &ca.serves)
        .filter_map(|rule| {
            let what = rule.back_ends_need.clone()?;
            let servers: Vec<String> = s
                .legacy(Role::Mailbox)
                .filter(|x| x.exchange.version == rule.with)
                .map(|x| x.name.clone())
                .collect();
            (!servers.is_empty()).then_some(BackEndsNeed { servers, what })
        })
        .collect();
    let context = NamespaceSwitch {
        names,
        new_cas,
        validated_first,
        outlook_anywhere_dropped,
        back_ends_need,
    };
    let origin = primary.origin.clone();
    s.push(
        Steps::exchange(&s.plan.target.version),
        &origin,
        StepContext::NamespaceSwitch(context),
    );
}
