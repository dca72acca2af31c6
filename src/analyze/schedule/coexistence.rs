//! Steps on the older servers and around them that a target's coexistence needs (seed 003,
//! R35, R39, facts §6.1–§6.3): validating existing client access first, an explicit OAB on
//! every legacy database, Outlook Anywhere on the legacy Client Access servers, the arbitration
//! mailboxes, and switching the primary namespace. Each is produced only when the target's
//! phases list its kind.

use super::Steps;
use crate::ir::state::MailboxKind;
use crate::ir::steps::{
    LegacyOab, LegacyOutlookAnywhere, MoveArbitration, NamespaceSwitch, StepContext, StepKind,
    ValidateStep,
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
            StepContext::ValidateLegacy(ValidateStep { v }),
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
/// version's shell gives its own databases the current default OAB first.
pub(super) fn legacy_oab(s: &mut Steps<'_>) {
    if !s.wants(StepKind::LegacyOab) || s.plan.install_order.is_empty() {
        return;
    }
    let mut versions: Vec<(String, Vec<String>)> = Vec::new();
    for server in s.legacy(Role::Mailbox) {
        if s.specs.get(&server.exchange.version).is_none() {
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
    let servers: Vec<String> = s
        .legacy(Role::Mailbox)
        .filter(|x| {
            s.specs
                .get(&x.exchange.version)
                .is_some_and(|spec| spec.arbitration_mailboxes)
        })
        .map(|x| x.name.clone())
        .collect();
    if servers.is_empty() {
        return;
    }
    let target = &s.plan.target.version;
    let (database, origin) = match s.plan.moves.iter().find(|m| m.version == *target) {
        Some(m) => (m.target_database.clone(), m.origin.clone()),
        None => match s
            .plan
            .databases
            .iter()
            .find(|d| d.create && d.kind == ir::DatabaseKind::Mailbox && d.version == *target)
        {
            Some(d) => (d.name.clone(), d.origin.clone()),
            None => return,
        },
    };
    let server = s
        .plan
        .databases
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(&database))
        .map_or_else(String::new, |d| d.server.clone());
    let context = MoveArbitration {
        servers,
        database,
        server,
        batch: ARBITRATION_BATCH.to_owned(),
        kinds: vec![MailboxKind::Arbitration],
    };
    s.push(
        Steps::exchange(target),
        &origin,
        StepContext::MoveArbitration(context),
    );
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
    let facing: Vec<&String> = s
        .plan
        .sites
        .iter()
        .filter(|x| x.internet_facing)
        .map(|x| &x.name)
        .collect();
    let new_cas: Vec<String> = s
        .plan
        .install_order
        .iter()
        .filter_map(|n| s.server(n))
        .filter(|x| x.has(Role::Cas) && facing.contains(&&x.site))
        .map(|x| x.name.clone())
        .collect();
    if names.is_empty() || new_cas.is_empty() {
        return;
    }
    let context = NamespaceSwitch { names, new_cas };
    let origin = primary.origin.clone();
    s.push(
        Steps::exchange(&s.plan.target.version),
        &origin,
        StepContext::NamespaceSwitch(context),
    );
}
