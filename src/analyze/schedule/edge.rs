//! New Edge Transport servers (facts §3, §5.1, §6.5): setup installs them like any new server
//! (`install_server`); this file adds their Edge subscription. The subscription file is made on
//! the Edge server in its local shell (`edge_subscription`, `Shell::Edge`: no remote shell, no
//! RBAC), copied by hand, and imported on a transport server of the same version in the Edge
//! server's site, which then starts and tests the synchronization (`edge_sync`).
//!
//! The analysis (`analyze::items`) reports a new Edge server that this cannot subscribe (a
//! target without these phases, or no new transport server in its site) as E0501.

use super::Steps;
use crate::ir::steps::{EdgeStep, Shell, StepContext, StepKind};
use crate::ir::{self, Role};

pub(super) fn edge_subscriptions(s: &mut Steps<'_>) {
    if !s.wants(StepKind::EdgeSubscription) {
        return;
    }
    for edge in s.plan.servers.iter().filter(|x| x.new && x.has(Role::Edge)) {
        let Some(hub) = subscribing_server(s, edge) else {
            continue;
        };
        let file = format!("EdgeSubscription-{}.xml", edge.name);
        let context = EdgeStep {
            edge: edge.name.clone(),
            site: edge.site.clone(),
            hub: hub.name.clone(),
            file,
        };
        s.push_on(
            Shell::Edge(edge.exchange.version.clone()),
            Some(edge.name.clone()),
            &edge.origin,
            StepContext::EdgeSubscription(context.clone()),
        );
        s.push_on(
            Steps::exchange(&edge.exchange.version),
            Some(hub.name.clone()),
            &edge.origin,
            StepContext::EdgeSync(context),
        );
    }
}

/// The first new server of the Edge server's version in its site with the transport role of
/// that version (`roles.transport` in its spec: 2013+ `mailbox`, else `hub`).
fn subscribing_server<'p>(s: &Steps<'p>, edge: &ir::Server) -> Option<&'p ir::Server> {
    let spec = s.specs.get(&edge.exchange.version)?;
    let transport = Role::from_keyword(spec.roles.transport_role())?;
    s.plan.servers.iter().find(|x| {
        x.new
            && !x.has(Role::Edge)
            && x.has(transport)
            && x.site == edge.site
            && x.exchange.version == edge.exchange.version
    })
}
