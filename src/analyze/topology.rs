//! Sites and roles: the internet-facing site first (R05), a Mailbox server's site has the
//! Client Access and Hub Transport servers of its version (R06, R18), and the order new
//! servers are installed in.

use super::Cx;
use super::names::Symbols;
use super::versions::Versions;
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast;

/// What the topology checks established.
pub(super) struct Topology {
    /// New servers in install order.
    pub install_order: Vec<String>,
}

pub(super) fn check(
    cx: &mut Cx<'_>,
    _plan: &ast::Plan,
    symbols: &Symbols<'_>,
    versions: &Versions<'_>,
) -> Topology {
    first_site(cx, symbols);
    mailbox_sites(cx, symbols, versions);
    Topology {
        install_order: install_order(symbols, versions),
    }
}

/// R05: the upgrade starts in an internet-facing site, so some site that gets new servers
/// must face the internet (exgen then installs that site's servers first).
fn first_site(cx: &mut Cx<'_>, symbols: &Symbols<'_>) {
    let upgraded: Vec<&&ast::Site> = symbols
        .sites
        .iter()
        .filter(|s| s.servers.iter().any(|x| x.new.is_some()))
        .collect();
    let Some(first) = upgraded.first() else {
        return;
    };
    if upgraded.iter().any(|s| s.internet_facing.is_some()) {
        return;
    }
    let mut d = Diagnostic::new(
        Code::E0401,
        first.name.span,
        format!(
            "site `{}` gets the first new servers but is not internet-facing",
            first.name.node
        ),
    )
    .with_label("first site with new servers");
    if let Some(facing) = symbols.sites.iter().find(|s| s.internet_facing.is_some()) {
        d = d
            .with_related(facing.name.span, "this site faces the internet")
            .with_help(format!(
                "upgrade `{}` first: put its new servers before any other site's (R05)",
                facing.name.node
            ));
    } else {
        d = d.with_help("mark the site that receives internet traffic `internet-facing` and upgrade it first (R05)");
    }
    cx.report(d);
}

/// R06/R18: a new Mailbox server needs the listed roles of its own version in its site.
fn mailbox_sites(cx: &mut Cx<'_>, symbols: &Symbols<'_>, versions: &Versions<'_>) {
    for (key, sym) in &symbols.servers {
        let Some(level) = versions.servers.get(key) else {
            continue;
        };
        let Some(spec) = cx.specs.get(&level.version) else {
            continue;
        };
        if sym.server.new.is_none() || !has_role(sym.server, "mailbox") {
            continue;
        }
        for need in &spec.roles.mailbox_needs_in_site {
            let present = sym.site.servers.iter().any(|other| {
                has_role(other, need)
                    && versions
                        .servers
                        .get(&other.name.to_lowercase())
                        .is_some_and(|v| v.version == level.version)
            });
            if !present {
                cx.report(
                    Diagnostic::new(Code::E0402, sym.server.name.span, format!("Mailbox server `{}` has no Exchange {} `{need}` server in site `{}`", sym.server.name.node, level.version, sym.site.name.node))
                        .with_label("mailbox server")
                        .with_related(sym.site.name.span, "its site")
                        .with_help(format!("add `{need}` to a new Exchange {} server in this site: a Mailbox server has no client access or mail flow without it (R18)", level.version)),
                );
            }
        }
    }
}

fn has_role(server: &ast::Server, role: &str) -> bool {
    server.roles.iter().any(|r| r.eq_ignore_ascii_case(role))
}

/// New servers: internet-facing sites first, then plan order of sites; within a site by the
/// earliest of each server's roles in the version's install order (R06), then plan order.
fn install_order(symbols: &Symbols<'_>, versions: &Versions<'_>) -> Vec<String> {
    let order = &versions.spec.roles.install_order;
    let mut sites: Vec<(usize, &&ast::Site)> = symbols.sites.iter().enumerate().collect();
    sites.sort_by_key(|(i, s)| (s.internet_facing.is_none(), *i));
    let mut names = Vec::new();
    for (_, site) in sites {
        let mut servers: Vec<(usize, usize, &ast::Server)> = site
            .servers
            .iter()
            .enumerate()
            .filter(|(_, s)| s.new.is_some())
            .map(|(i, s)| {
                let rank = s
                    .roles
                    .iter()
                    .filter_map(|r| order.iter().position(|o| o.eq_ignore_ascii_case(r)))
                    .min()
                    .unwrap_or(usize::MAX);
                (rank, i, s)
            })
            .collect();
        servers.sort_by_key(|(rank, i, _)| (*rank, *i));
        names.extend(servers.into_iter().map(|(_, _, s)| s.name.node.clone()));
    }
    names
}
