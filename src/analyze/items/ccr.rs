//! Two-node CCR clusters (R32, facts §6.8): `ccr NAME { ip ...; witness ... }`, the clustered
//! mailbox server (CMS), and the two new Mailbox servers that name it with `cluster ccr NAME`.
//! The first node in plan order is the active node: its setup creates the CMS. Storage groups,
//! databases, mailboxes and public folder replicas belong to the CMS name, not to a node.

use super::Builder;
use crate::analyze::Cx;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::syntax::ast;
use std::net::Ipv4Addr;

/// Whether `server`'s `cluster` statement is a CCR node this module checks: a new server. An
/// existing clustered server (and SCC) stays E0501 in `servers`.
pub(super) fn node(server: &ast::Server) -> bool {
    server.new.is_some()
        && server
            .cluster
            .as_ref()
            .is_some_and(|c| c.kind.eq_ignore_ascii_case("ccr"))
}

/// The new servers naming each CMS, by lower-case name, in plan order.
fn groups<'p>(b: &Builder<'p, '_, '_>) -> Vec<(String, Vec<(&'p ast::Server, &'p ast::Site)>)> {
    let mut out: Vec<(String, Vec<(&ast::Server, &ast::Site)>)> = Vec::new();
    for site in &b.symbols.sites {
        for server in site.servers.iter().filter(|s| node(s)) {
            let Some(cluster) = server.cluster.as_ref() else {
                continue;
            };
            let key = cluster.name.to_lowercase();
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push((server, site)),
                None => out.push((key, vec![(server, site)])),
            }
        }
    }
    out
}

/// Builds `out.ccrs`; reports E0375 (the cluster), E0376 (a node) and E0501 (a Windows Server
/// 2008 node, whose setup switches are not verified).
pub(super) fn ccrs(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &mut ir::Plan) {
    let groups = groups(b);
    let statements: Vec<(&ast::Ccr, Span)> = plan
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ast::ItemKind::Ccr(c) => Some((c, i.span)),
            _ => None,
        })
        .collect();
    for (key, list) in &groups {
        if !statements
            .iter()
            .any(|(c, _)| c.name.to_lowercase() == *key)
        {
            let Some(name) = list[0].0.cluster.as_ref().map(|c| &c.name) else {
                continue;
            };
            cx.report(
                Diagnostic::new(
                    Code::E0375,
                    name.span,
                    format!(
                        "clustered mailbox server `{}` has no `ccr` statement",
                        name.node
                    ),
                )
                .with_label("named here")
                .with_help(format!(
                    "add `ccr \"{}\" {{ ip ADDRESS; witness SERVER \"C:\\DIR\" }}` to the plan",
                    name.node
                )),
            );
        }
    }
    for (i, (ccr, span)) in statements.iter().enumerate() {
        let key = ccr.name.to_lowercase();
        if let Some((first, _)) = statements[..i]
            .iter()
            .find(|(c, _)| c.name.to_lowercase() == key)
        {
            cx.report(
                Diagnostic::new(
                    Code::E0201,
                    ccr.name.span,
                    format!(
                        "clustered mailbox server `{}` is defined twice",
                        ccr.name.node
                    ),
                )
                .with_label("second definition")
                .with_related(first.name.span, "first defined here")
                .with_help("keep one `ccr` statement per clustered mailbox server"),
            );
            continue;
        }
        let list = groups
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&[][..], |(_, l)| l.as_slice());
        if let Some(c) = one(cx, b, ccr, *span, list) {
            out.ccrs.push(c);
        }
    }
}

fn one(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    ccr: &ast::Ccr,
    span: Span,
    nodes: &[(&ast::Server, &ast::Site)],
) -> Option<ir::Ccr> {
    let mut ok = true;
    for (server, _) in nodes {
        ok &= node_ok(cx, b, server);
    }
    if nodes.len() != 2 {
        let mut d = Diagnostic::new(
            Code::E0375,
            ccr.name.span,
            format!(
                "clustered mailbox server `{}` has {} node(s); a CCR cluster has two",
                ccr.name.node,
                nodes.len()
            ),
        )
        .with_label("not two nodes")
        .with_help(format!(
            "add `cluster ccr \"{}\"` to the blocks of exactly two new Mailbox servers: the first in plan order is the active node",
            ccr.name.node
        ));
        for (server, _) in nodes {
            d = d.with_related(server.name.span, "a node");
        }
        cx.report(d);
        return None;
    }
    let ((active, site), (passive, other_site)) = (nodes[0], nodes[1]);
    if !site.name.node.eq_ignore_ascii_case(&other_site.name.node) {
        cx.report(
            Diagnostic::new(
                Code::E0375,
                passive.name.span,
                format!(
                    "the nodes of clustered mailbox server `{}` are in different sites",
                    ccr.name.node
                ),
            )
            .with_label(format!("in site `{}`", other_site.name.node))
            .with_related(active.name.span, format!("in site `{}`", site.name.node))
            .with_help("put both nodes of a CCR cluster in the same site"),
        );
        ok = false;
    }
    let (witness, directory) = ccr.witness.as_ref()?;
    if let Some((node, _)) = nodes
        .iter()
        .find(|(s, _)| s.name.node.eq_ignore_ascii_case(&witness.node))
    {
        cx.report(
            Diagnostic::new(
                Code::E0375,
                witness.span,
                format!(
                    "the file share witness of `{}` is its own node `{}`",
                    ccr.name.node, node.name.node
                ),
            )
            .with_label("a node of this cluster")
            .with_help("put the witness on a server outside the cluster: a Hub Transport server is recommended"),
        );
        ok = false;
    }
    if !is_local_path(directory) {
        cx.report(
            Diagnostic::new(
                Code::E0375,
                directory.span,
                format!("witness directory `{}` is not a local path", directory.node),
            )
            .with_label("not like `C:\\FSW`")
            .with_help("write the folder on the witness server, such as `C:\\FSW_EXCMS01`; it is shared under its last name"),
        );
        ok = false;
    }
    let ip = ccr.ip.as_ref()?;
    match ip.parse::<Ipv4Addr>() {
        Ok(a) if !a.is_unspecified() && !a.is_broadcast() => {}
        _ => {
            cx.report(
                Diagnostic::new(
                    Code::E0375,
                    ip.span,
                    format!("`{}` is not a static IPv4 address", ip.node),
                )
                .with_label("not a static IPv4 address")
                .with_help("give the clustered mailbox server one static IPv4 address on the public network, such as `ip 10.0.0.20`"),
            );
            ok = false;
        }
    }
    ok.then(|| ir::Ccr {
        name: ccr.name.node.clone(),
        ip: ip.node.clone(),
        active: active.name.node.clone(),
        passive: passive.name.node.clone(),
        witness_server: witness.node.clone(),
        witness_directory: directory.node.clone(),
        origin: cx.origin(span),
    })
}

/// `C:\DIR`: a drive letter, a colon and a backslash.
fn is_local_path(dir: &str) -> bool {
    let bytes = dir.as_bytes();
    bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\'
}

/// E0376 unless `server` is a new Mailbox-only server of a version with clustered mailbox
/// servers; E0501 for a node on an operating system whose setup switches are not verified.
fn node_ok(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, server: &ast::Server) -> bool {
    let Some(cluster) = server.cluster.as_ref() else {
        return false;
    };
    let Some(level) = b.versions.servers.get(&server.name.to_lowercase()) else {
        return false;
    };
    let Some(cms) = cx
        .specs
        .get(&level.version)
        .and_then(|s| s.setup.as_ref())
        .and_then(|s| s.clustered_mailbox.as_ref())
    else {
        cx.report(
            Diagnostic::new(
                Code::E0376,
                cluster.kind.span,
                format!(
                    "`{}` is an Exchange {} server: CCR clusters exist in Exchange 2007 only",
                    server.name.node, level.version
                ),
            )
            .with_label("no CCR in this version")
            .with_help("Exchange 2010 and later use a DAG (`cluster dag NAME`, facts §6.8): remove `cluster ccr` from this server"),
        );
        return false;
    };
    let mailbox_only = server.roles.len() == 1 && server.roles[0].eq_ignore_ascii_case("mailbox");
    if !mailbox_only {
        cx.report(
            Diagnostic::new(
                Code::E0376,
                cluster.kind.span,
                format!(
                    "`{}` is a CCR node with roles other than Mailbox",
                    server.name.node
                ),
            )
            .with_label("a clustered mailbox server holds the Mailbox role only")
            .with_help("give a CCR node `roles mailbox` and put Client Access, Hub Transport and Unified Messaging on other servers"),
        );
        return false;
    }
    if let Some(os) = server.os.as_ref() {
        let lower = os.to_lowercase();
        if cms.not_generated_os.iter().any(|w| {
            lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|x| x == w)
        }) {
            cx.not_generated(
                os.span,
                &format!(
                    "a CCR node on {} (the clustered mailbox server's IP switch for this operating system is not verified; Windows Server 2003 nodes are generated)",
                    os.node
                ),
            );
            return false;
        }
    }
    true
}

/// Storage groups, databases, mailbox moves and public folder replicas on a node belong to its
/// clustered mailbox server: the scripts name the CMS, never a node.
pub(super) fn belong_to_cms(out: &mut ir::Plan) {
    let cms = |server: &str| {
        out.ccrs
            .iter()
            .find(|c| c.has_node(server))
            .map(|c| c.name.clone())
    };
    let mut renames = Vec::new();
    for (i, db) in out.databases.iter().enumerate() {
        if let Some(name) = cms(&db.server) {
            renames.push((0, i, name));
        }
    }
    for (i, mv) in out.moves.iter().enumerate() {
        if let Some(name) = cms(&mv.target_server) {
            renames.push((1, i, name));
        }
    }
    for (i, pf) in out.public_folders.iter().enumerate() {
        if let Some(name) = cms(&pf.to) {
            renames.push((2, i, name));
        }
    }
    for (kind, i, name) in renames {
        match kind {
            0 => out.databases[i].server = name,
            1 => out.moves[i].target_server = name,
            _ => out.public_folders[i].to = name,
        }
    }
}

/// Point M4 of the second consultant review: a public folder database on a CCR clustered
/// mailbox server while the organization has other public folder databases that replicate with
/// it (the older servers' replicas, until they are removed). Microsoft advises against it: after
/// an unscheduled failover, public folder replication can lose changes (TechNet bb691261).
pub(super) fn public_folders_in_ccr(cx: &mut Cx<'_>, out: &ir::Plan) {
    let replicating = out
        .public_folders
        .iter()
        .any(|p| p.batch.is_none() && p.database.is_none());
    if !replicating {
        return;
    }
    for db in out
        .databases
        .iter()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::PublicFolder)
    {
        let Some(ccr) = out
            .ccrs
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&db.server) || c.has_node(&db.server))
        else {
            continue;
        };
        cx.report(
            Diagnostic::new(
                Code::W0422,
                db.origin.span,
                format!(
                    "public folder database `{}` is on the clustered mailbox server `{}` while public folders replicate from the older servers",
                    db.name, ccr.name
                ),
            )
            .with_label("in a CCR cluster")
            .with_help("while more than one public folder database exists, keep public folders on a Mailbox server outside the cluster (TechNet bb691261: replication can lose changes after an unscheduled failover); once the older replicas are removed, the cluster may hold the only one"),
        );
    }
}
