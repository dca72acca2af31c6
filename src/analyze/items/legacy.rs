//! Coexistence with Exchange 2000/2003 (R41–R44, R28): the organization in native mode,
//! routing group connectors between the new version's routing group and the legacy ones, and
//! public folder replicas moved before a legacy server is removed. Which versions count as
//! legacy comes from the target's spec (`native_mode_with`, `legacy_routing`).

use super::Builder;
use crate::analyze::Cx;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::specs::Confidence;
use crate::syntax::ast;

/// A `routing-group-connector` of a `mail-flow` block on the new Hub Transport `source`:
/// it must lead to an existing 2000/2003 server (E0322).
pub(super) fn routing_group_connector(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    rgc: &ast::RoutingGroupConnector,
    source: &str,
) -> Option<ir::RoutingGroupConnector> {
    let Some(routing) = &b.versions.spec.legacy_routing else {
        cx.not_generated(
            rgc.name.span,
            &format!(
                "a routing group connector in an Exchange {} plan",
                b.versions.target.version
            ),
        );
        return None;
    };
    let to = rgc.to.as_ref()?;
    let target = b.server(cx, to)?;
    if target.new || !routing.with.contains(&target.version) {
        cx.report(
            Diagnostic::new(
                Code::E0322,
                to.span,
                format!(
                    "the routing group connector `{}` leads to `{}`, which is not an existing Exchange {} server",
                    rgc.name.node,
                    target.name,
                    routing.with.join("/")
                ),
            )
            .with_label(format!("Exchange {}", target.version))
            .with_related(target.server.name.span, "declared here")
            .with_help(format!(
                "a routing group connector joins `{}` to the routing group of an Exchange {} bridgehead: name one with `to` ({})",
                routing.routing_group,
                routing.with.join(" or "),
                routing.source
            )),
        );
        return None;
    }
    Some(ir::RoutingGroupConnector {
        name: rgc.name.node.clone(),
        source: source.to_owned(),
        target: target.name,
        target_version: target.version,
        cost: rgc.cost.as_ref().map(|c| c.node),
        bidirectional: rgc.bidirectional.is_some(),
        origin: cx.origin(rgc.name.span),
    })
}

/// The plan-wide rules once every item is built.
pub(super) fn check(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &ir::Plan) {
    native_mode(cx, b, plan, out);
    // A routing group connector that failed to resolve was reported already.
    let written = plan.items.iter().any(
        |i| matches!(&i.kind, ast::ItemKind::MailFlow(m) if !m.routing_group_connectors.is_empty()),
    );
    if !written {
        routing(cx, b, out);
    }
    replicas_before_removal(cx, b, out);
}

/// Existing servers whose version is one of `versions`.
fn existing<'o>(out: &'o ir::Plan, versions: &[String]) -> Vec<&'o ir::Server> {
    out.servers
        .iter()
        .filter(|s| !s.new && versions.contains(&s.exchange.version) && out.in_target_forest(s))
        .collect()
}

fn server_span(b: &Builder<'_, '_, '_>, name: &str) -> crate::source::Span {
    b.symbols
        .servers
        .get(&name.to_lowercase())
        .map_or_else(Default::default, |s| s.server.name.span)
}

/// R43: a 2000/2003 organization is in native mode before the new version arrives (E0320).
fn native_mode(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &ir::Plan) {
    let spec = b.versions.spec;
    let Some(need) = &spec.native_mode_with else {
        return;
    };
    let legacy = existing(out, &need.versions);
    let Some(first) = legacy.first() else {
        return;
    };
    let org = plan.items.iter().find_map(|i| match &i.kind {
        ast::ItemKind::Organization(o) => Some((i, o)),
        _ => None,
    });
    let (span, message, label) = match org {
        Some((_, o))
            if o.mode
                .as_ref()
                .is_some_and(|m| m.eq_ignore_ascii_case("native")) =>
        {
            return;
        }
        Some((_, o)) if o.mode.is_some() => (
            o.mode.as_ref().map_or(o.name.span, |m| m.span),
            format!("organization `{}` is in mixed mode", o.name.node),
            "mixed mode".to_owned(),
        ),
        Some((item, o)) => (
            item.span,
            format!(
                "the plan does not say whether organization `{}` is in native mode",
                o.name.node
            ),
            "no `mode native`".to_owned(),
        ),
        None => (
            plan.title.span,
            "the plan names no organization and its mode".to_owned(),
            "no `organization \"NAME\" mode native`".to_owned(),
        ),
    };
    let code = if need.confidence == Confidence::Unverified {
        Code::W0301
    } else {
        Code::E0320
    };
    cx.report(
        Diagnostic::new(code, span, message)
            .with_label(label)
            .with_related(
                server_span(b, &first.name),
                format!("an Exchange {} server", first.exchange.version),
            )
            .with_help(format!(
                "Exchange {} joins only a native-mode organization ({}): remove every Exchange 5.5 server, the Site Replication Service and the Active Directory Connector, switch the mode in Exchange System Manager (organization Properties, General, Change Mode; it cannot be undone), then write `organization \"NAME\" mode native`",
                spec.version, need.source
            )),
    );
}

/// R44, facts §6.5: new transport servers reach the 2000/2003 routing groups through a routing
/// group connector (E0411).
fn routing(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, out: &ir::Plan) {
    let Some(routing) = &b.versions.spec.legacy_routing else {
        return;
    };
    let legacy = existing(out, &routing.with);
    let Some(bridgehead) = legacy
        .iter()
        .find(|s| s.has(ir::Role::Hub))
        .or(legacy.first())
    else {
        return;
    };
    let Some(hub) = out.servers.iter().find(|s| s.new && s.has(ir::Role::Hub)) else {
        return;
    };
    if out
        .mail_flow
        .iter()
        .any(|m| !m.routing_group_connectors.is_empty())
    {
        return;
    }
    cx.report(
        Diagnostic::new(
            Code::E0411,
            server_span(b, &hub.name),
            format!(
                "no routing group connector joins `{}` to the Exchange {} servers",
                hub.name, bridgehead.exchange.version
            ),
        )
        .with_label(format!("new Hub Transport server in `{}`", routing.routing_group))
        .with_related(server_span(b, &bridgehead.name), "a legacy server")
        .with_help(format!(
            "add `mail-flow on {} {{ routing-group-connector \"Interop RGC\" {{ to {}; cost 100; bidirectional }} }}`: mail between the versions flows only through it ({})",
            hub.name, bridgehead.name, routing.source
        )),
    );
}

/// R28: the public folder replicas of a 2000/2003 Mailbox server move before it is removed
/// (E0410).
fn replicas_before_removal(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, out: &ir::Plan) {
    let Some(routing) = &b.versions.spec.legacy_routing else {
        return;
    };
    for d in &out.decommission {
        if !d.mailbox || !routing.with.contains(&d.version) {
            continue;
        }
        if out
            .public_folders
            .iter()
            .any(|p| p.from.eq_ignore_ascii_case(&d.server))
        {
            continue;
        }
        let new_mailbox = out
            .servers
            .iter()
            .find(|s| s.new && s.has(ir::Role::Mailbox))
            .map_or("NEWSERVER", |s| s.name.as_str());
        cx.report(
            Diagnostic::new(
                Code::E0410,
                d.origin.span,
                format!(
                    "`{}` is decommissioned, but no step moves its public folder replicas",
                    d.server
                ),
            )
            .with_label(format!("Exchange {} back-end server", d.version))
            .with_related(server_span(b, &d.server), "declared here")
            .with_help(format!(
                "add `public-folders from {} to {new_mailbox}`: its public folder store holds replicas (and, on the last one, the only copy) until they move (R28)",
                d.server
            )),
        );
    }
}
