//! Several forests (seed 001, R21–R27): which forest each site belongs to, the forest the new
//! servers are installed in, cross-forest connectors (R24), accepted domains (R25), moves from
//! another forest (R26), and the runbook steps only a person can do (R21, R22, R23, R24 on the
//! 2000/2003 side, R26 for contacts and groups, R27).

use super::Builder;
use super::Cx;
use crate::diag::suggest::did_you_mean;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::step_kind::StepKind;
use crate::syntax::ast;

/// The declared forests' names, in plan order.
pub(super) fn declared(plan: &ast::Plan) -> Vec<&ast::Text> {
    plan.items
        .iter()
        .filter_map(|i| match &i.kind {
            ast::ItemKind::Forest(f) => Some(&f.name),
            _ => None,
        })
        .collect()
}

/// The forest a site belongs to: the one it names (which must be declared), else none. With
/// several forests every site names its own (E0350).
pub(super) fn site_forest(cx: &mut Cx<'_>, plan: &ast::Plan, site: &ast::Site) -> Option<String> {
    let forests = declared(plan);
    let Some(named) = &site.forest else {
        if forests.len() > 1 {
            let names: Vec<String> = forests.iter().map(|f| format!("\"{}\"", f.node)).collect();
            cx.report(
                Diagnostic::new(
                    Code::E0350,
                    site.name.span,
                    format!(
                        "site `{}` does not say which forest it is in",
                        site.name.node
                    ),
                )
                .with_label("the plan has several forests")
                .with_help(format!(
                    "write `site \"{}\" forest {} {{ ... }}` (forests: {})",
                    site.name.node,
                    names[0],
                    names.join(", ")
                )),
            );
        }
        return None;
    };
    if let Some(f) = forests.iter().find(|f| f.eq_ignore_ascii_case(named)) {
        return Some(f.node.clone());
    }
    let known: Vec<&str> = forests.iter().map(|f| f.node.as_str()).collect();
    let help = did_you_mean(named, &known).map_or_else(
        || {
            format!(
                "declare it with `forest \"{}\" {{ domain \"{}\" }}`",
                named.node, named.node
            )
        },
        |s| format!("did you mean \"{s}\"?"),
    );
    cx.report(
        Diagnostic::new(
            Code::E0350,
            named.span,
            format!(
                "site `{}` is in forest \"{}\", which the plan does not declare",
                site.name.node, named.node
            ),
        )
        .with_label("no such forest")
        .with_help(help),
    );
    None
}

/// The forest the new servers go into, with several forests. New servers in two forests, or
/// a target that cannot move mailboxes across forests, are not generated yet (E0501).
pub(super) fn target_forest(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    plan: &ast::Plan,
    out: &mut ir::Plan,
) {
    if declared(plan).len() < 2 {
        return;
    }
    let wants_cross_forest = b
        .versions
        .spec
        .carries_out(StepKind::MoveMailboxesCrossForest);
    if !wants_cross_forest {
        if let Some(second) = plan
            .items
            .iter()
            .filter(|i| matches!(i.kind, ast::ItemKind::Forest(_)))
            .nth(1)
        {
            cx.not_generated(
                second.keyword,
                &format!(
                    "a plan with more than one forest for an Exchange {} target",
                    b.versions.target.version
                ),
            );
        }
        return;
    }
    let mut target: Option<String> = None;
    for server in out.servers.iter().filter(|s| s.new) {
        let Some(forest) = &server.forest else {
            continue;
        };
        match &target {
            None => target = Some(forest.clone()),
            Some(t) if t != forest => {
                cx.not_generated(
                    server.origin.span,
                    "new servers in more than one forest (install each forest's servers with its own plan)",
                );
            }
            Some(_) => {}
        }
    }
    out.target_forest = target;
}

/// R24: a send connector to another forest's Exchange servers, through its smart host. Basic
/// authentication without TLS is W0415: the seed strongly recommends TLS, and 2000/2003
/// servers not configured for TLS cannot exchange mail with 2007 at all.
pub(super) fn cross_forest_connector(
    cx: &mut Cx<'_>,
    xf: &ast::CrossForestConnector,
    source: &str,
) -> Option<ir::CrossForestConnector> {
    let auth = xf.auth.as_ref()?.to_lowercase();
    let tls = xf.tls.is_some();
    if auth == "basic" && !tls {
        cx.report(
            Diagnostic::new(
                Code::W0415,
                xf.auth.as_ref().map_or(xf.name.span, |a| a.span),
                format!("cross-forest connector `{}` sends Basic authentication without TLS", xf.name.node),
            )
            .with_label("the password crosses the network in clear text")
            .with_related(xf.name.span, "this connector")
            .with_help(
                "add `tls` to the connector and configure TLS on the other forest's Exchange 2000/2003 servers (KB 829721), or use `auth externally-secured` over IPsec (R24)",
            ),
        );
    }
    let auth_mechanism = match (auth.as_str(), tls) {
        ("basic", true) => "BasicAuthRequireTLS",
        ("basic", false) => "BasicAuth",
        ("externally-secured", _) => "ExternalAuthoritative",
        _ => "None",
    };
    Some(ir::CrossForestConnector {
        name: xf.name.node.clone(),
        source: source.to_owned(),
        address_space: xf.address_space.as_ref()?.node.clone(),
        smart_host: xf.smart_host.as_ref()?.node.clone(),
        auth,
        auth_mechanism: auth_mechanism.to_owned(),
        tls,
        origin: cx.origin(xf.name.span),
    })
}

/// R25: an accepted domain; `authoritative` where this forest relays for the organization,
/// else an internal relay domain (its recipients are in the other forest).
pub(super) fn accepted_domain(cx: &mut Cx<'_>, ad: &ast::AcceptedDomain) -> ir::AcceptedDomain {
    ir::AcceptedDomain {
        domain: ad.domain.node.clone(),
        domain_type: if ad.authoritative.is_some() {
            "Authoritative"
        } else {
            "InternalRelay"
        }
        .to_owned(),
        origin: cx.origin(ad.domain.span),
    }
}

/// R26: a batch whose `from server` sources are in another forest moves across forests. It
/// needs both forests' global catalogs and the target forest's account OU (E0351); sources
/// from both forests in one batch are E0352.
pub(super) fn cross_forest_move(
    cx: &mut Cx<'_>,
    mv: &ast::MailboxMove,
    target_server: &str,
    out: &ir::Plan,
) -> Option<Option<ir::CrossForestMove>> {
    let forest_of = |name: &str| {
        out.servers
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .and_then(|s| s.forest.clone())
    };
    let Some(target) = forest_of(target_server) else {
        return Some(None);
    };
    let mut seen: Vec<(&ast::Text, String)> = Vec::new();
    for source in &mv.sources {
        if let ast::MoveSource::Server(s) = source
            && let Some(f) = forest_of(s)
            && !seen.iter().any(|(_, x)| *x == f)
        {
            seen.push((s, f));
        }
    }
    if let [(first, f1), (other, f2), ..] = seen.as_slice() {
        cx.report(
            Diagnostic::new(
                Code::E0352,
                other.span,
                format!(
                    "this batch moves mailboxes from `{}` (forest \"{f2}\") and from `{}` (forest \"{f1}\")",
                    other.node, first.node
                ),
            )
            .with_label("another forest")
            .with_related(first.span, format!("in forest \"{f1}\""))
            .with_help("give each forest its own `move mailboxes` block: a cross-forest move needs the source forest's global catalog and credentials (R26)"),
        );
        return None;
    }
    let Some((from, source_forest)) = seen.pop().filter(|(_, f)| *f != target) else {
        return Some(None);
    };
    let forest = |name: &str| out.forests.iter().find(|f| f.name == name);
    let mut missing = Vec::new();
    let source_gc = forest(&source_forest).and_then(|f| f.global_catalog.clone());
    if source_gc.is_none() {
        missing.push(format!(
            "`global-catalog \"gc01.{source_forest}\"` in forest \"{source_forest}\""
        ));
    }
    let target_gc = forest(&target).and_then(|f| f.global_catalog.clone());
    if target_gc.is_none() {
        missing.push(format!(
            "`global-catalog \"gc01.{target}\"` in forest \"{target}\""
        ));
    }
    let ou = forest(&target).and_then(|f| f.ntaccount_ou.clone());
    if ou.is_none() {
        missing.push(format!(
            "`ntaccount-ou \"OU=Migrated,DC=...\"` in forest \"{target}\""
        ));
    }
    if !missing.is_empty() {
        cx.report(
            Diagnostic::new(
                Code::E0351,
                from.span,
                format!("mailboxes move from forest \"{source_forest}\" into \"{target}\", but the plan does not say how"),
            )
            .with_label("a cross-forest move")
            .with_help(format!("add {} (R26: Move-Mailbox reads both forests' global catalogs and creates the accounts in that OU)", missing.join(" and "))),
        );
        return None;
    }
    Some(Some(ir::CrossForestMove {
        source_forest,
        source_global_catalog: source_gc?,
        global_catalog: target_gc?,
        ntaccount_ou: ou?,
    }))
}

/// R22: with several forests and GALSync, every forest names its FromMIIS OU: the `galsync`
/// block's OU is the target forest's, the others' are `galsync-ou` in their `forest` block
/// (E0352 when one is missing or lies outside its forest).
pub(super) fn galsync_ous(cx: &mut Cx<'_>, plan: &ast::Plan, out: &ir::Plan) {
    let Some(target) = &out.target_forest else {
        return;
    };
    let Some(g) = out.galsync.first() else {
        return;
    };
    for item in &plan.items {
        let ast::ItemKind::Forest(f) = &item.kind else {
            continue;
        };
        let (ou, span) = if f.name.node == *target {
            (Some(g.ou.as_str()), g.origin.span)
        } else {
            (
                f.galsync_ou.as_ref().map(|o| o.node.as_str()),
                f.galsync_ou.as_ref().map_or(f.name.span, |o| o.span),
            )
        };
        let Some(ou) = ou else {
            cx.report(
                Diagnostic::new(
                    Code::E0353,
                    f.name.span,
                    format!(
                        "forest \"{}\" has no FromMIIS organizational unit",
                        f.name.node
                    ),
                )
                .with_label(
                    "GALSync creates this forest's contacts for the other forest's mailboxes",
                )
                .with_help(format!(
                    "add `galsync-ou \"OU=FromMIIS,{}\"` to the forest block (R22)",
                    dc_path(&f.name.node)
                )),
            );
            continue;
        };
        let domains: Vec<String> = std::iter::once(f.name.node.clone())
            .chain(f.domains.iter().map(|d| d.node.clone()))
            .map(|d| dc_path(&d).to_lowercase())
            .collect();
        let ou_dc = ou_domain(ou);
        if !domains.contains(&ou_dc) {
            cx.report(
                Diagnostic::new(
                    Code::E0353,
                    span,
                    format!(
                        "the FromMIIS OU \"{ou}\" is not in forest \"{}\"",
                        f.name.node
                    ),
                )
                .with_label("its DC= components name another domain")
                .with_help(format!(
                    "name an OU in one of the forest's domains, such as \"OU=FromMIIS,{}\" (R22)",
                    dc_path(&f.name.node)
                )),
            );
        }
    }
}

/// `contoso.com` → `DC=contoso,DC=com`.
fn dc_path(domain: &str) -> String {
    domain
        .split('.')
        .map(|l| format!("DC={l}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The `DC=` part of a distinguished name, lower case, without spaces.
fn ou_domain(dn: &str) -> String {
    dn.split(',')
        .map(str::trim)
        .filter(|p| p.len() > 3 && p[..3].eq_ignore_ascii_case("dc="))
        .map(|p| format!("DC={}", p[3..].trim()))
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

/// The runbook steps of a cross-forest plan that only a person can do, placed after the phase
/// they must precede the next of.
pub(super) fn runbook(out: &mut ir::Plan) {
    let Some(target) = out.target_forest.clone() else {
        return;
    };
    let others: Vec<ir::Forest> = out
        .forests
        .iter()
        .filter(|f| f.name != target)
        .cloned()
        .collect();
    let origin = out.target_origin.clone();
    let mut steps: Vec<(String, &str)> = Vec::new();
    for f in &others {
        let connectors: Vec<&ir::CrossForestConnector> = out
            .mail_flow
            .iter()
            .flat_map(|m| &m.cross_forest_connectors)
            .filter(|c| {
                f.domains
                    .iter()
                    .chain(std::iter::once(&f.name))
                    .any(|d| d.eq_ignore_ascii_case(&c.address_space))
            })
            .collect();
        let hubs: Vec<&str> = connectors.iter().map(|c| c.source.as_str()).collect();
        let back = if hubs.is_empty() {
            format!("the Exchange {} Hub Transport servers", out.target.version)
        } else {
            hubs.join(", ")
        };
        steps.push((
            format!(
                "R24: in forest {}, create in Exchange System Manager an SMTP connector for the domains of forest {target} with {back} as smart host, using Basic authentication over TLS (KB 829721) with an account of forest {target}; an Exchange 2000/2003 server not configured for TLS cannot exchange mail with Exchange 2007",
                f.name
            ),
            "cross-forest",
        ));
    }
    let galsync_ous: Vec<String> = out
        .forests
        .iter()
        .filter_map(|f| {
            let ou = if f.name == target {
                out.galsync.first().map(|g| g.ou.clone())
            } else {
                f.galsync_ou.clone()
            }?;
            Some(format!("{ou} (forest {})", f.name))
        })
        .collect();
    if !galsync_ous.is_empty() {
        steps.push((
            format!(
                "R22: in Active Directory Users and Computers of each forest, create the organizational unit where GALSync creates the contacts for the other forest's mailboxes: {}",
                galsync_ous.join("; ")
            ),
            "cross-forest",
        ));
    }
    // The GALSync phase's runbook entry covers R23 and R21 when the plan has a `galsync` block.
    if out.galsync.is_empty() {
        let forests: Vec<&str> = out.forests.iter().map(|f| f.name.as_str()).collect();
        steps.push((
            format!(
                "R23: in MIIS 2003 (or IIFP SP2), create a GAL synchronization management agent for each forest ({}), each targeting its forest's FromMIIS OU, then enable provisioning (Tools, Options, Enable Provisioning Rules Extension); skip this step where GALSync already runs",
                forests.join(", ")
            ),
            "cross-forest",
        ));
        steps.push((
        format!(
            "R21: if clients other than Outlook 2007 need free/busy across forests, install the Microsoft Exchange Inter-Organization Replication tool in each forest ({}); it is the only way to replicate free/busy between Exchange 2007 and Exchange 2000/2003 forests",
            out.forests.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        "cross-forest",
    ));
    }
    if out.moves.iter().any(|m| m.cross_forest.is_some()) {
        steps.push((
            "R27 warning: moving a mailbox to Exchange 2007 applies the recipient policies again, including those never applied; before the moves, check every policy, and for a mailbox that must keep its addresses clear \"Automatically update e-mail addresses based on e-mail address policy\" in Active Directory Users and Computers".to_owned(),
            "client-access",
        ));
        steps.push((
            format!(
                "R26: contacts and distribution groups do not move with Move-Mailbox across forests: migrate those of {} with the Active Directory Migration Tool v3 (ADMT)",
                others.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            "move-mailboxes",
        ));
    }
    for (text, after) in steps {
        out.manual.push(ir::ManualStep {
            text,
            after: Some(after.to_owned()),
            origin: origin.clone(),
        });
    }
}
