//! Database availability groups (R40, facts §6.8): `dag NAME { witness ...; ip ... }`, the
//! members that name it with `cluster dag NAME`, and the database copies (`copies`) on them.

use super::Builder;
use crate::analyze::Cx;
use crate::analyze::NameKind;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::specs::Confidence;
use crate::syntax::ast;
use std::net::Ipv4Addr;

/// A member: a server that says `cluster dag NAME`.
struct Member<'p> {
    server: &'p ast::Server,
    cluster: &'p ast::Cluster,
}

/// The servers naming each DAG, by lower-case name, in plan order.
fn members<'p>(b: &Builder<'p, '_, '_>) -> Vec<(String, Vec<Member<'p>>)> {
    let mut out: Vec<(String, Vec<Member<'p>>)> = Vec::new();
    for site in &b.symbols.sites {
        for server in &site.servers {
            let Some(cluster) = server
                .cluster
                .as_ref()
                .filter(|c| c.kind.eq_ignore_ascii_case("dag"))
            else {
                continue;
            };
            let key = cluster.name.to_lowercase();
            let member = Member { server, cluster };
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(member),
                None => out.push((key, vec![member])),
            }
        }
    }
    out
}

/// Builds `out.dags` and the copies of `out.databases`; reports E0360–E0364, W0420, W0421.
pub(super) fn dags(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &mut ir::Plan) {
    let groups = members(b);
    let statements: Vec<(&ast::Dag, Span)> = plan
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ast::ItemKind::Dag(d) => Some((d, i.span)),
            _ => None,
        })
        .collect();
    for (key, list) in &groups {
        if !statements
            .iter()
            .any(|(d, _)| d.name.to_lowercase() == *key)
        {
            let name = &list[0].cluster.name;
            cx.report(
                Diagnostic::new(
                    Code::E0361,
                    name.span,
                    format!("DAG `{}` has no `dag` statement", name.node),
                )
                .with_label("named here")
                .with_help(format!(
                    "add `dag \"{}\" {{ witness SERVER \"C:\\DIR\"; ip ADDRESS }}` to the plan",
                    name.node
                )),
            );
        }
    }
    for (i, (dag, span)) in statements.iter().enumerate() {
        let key = dag.name.to_lowercase();
        if let Some((first, _)) = statements[..i]
            .iter()
            .find(|(d, _)| d.name.to_lowercase() == key)
        {
            cx.report(
                Diagnostic::new(
                    Code::E0201,
                    dag.name.span,
                    format!("DAG `{}` is defined twice", dag.name.node),
                )
                .with_label("second definition")
                .with_related(first.name.span, "first defined here")
                .with_help("keep one `dag` statement per DAG"),
            );
            continue;
        }
        let list = groups
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&[][..], |(_, l)| l.as_slice());
        b.symbols
            .define(NameKind::Dag, &dag.name.node, dag.name.span);
        for member in list {
            b.symbols
                .note(NameKind::Dag, member.cluster.name.span, dag.name.span);
        }
        if let Some(dag) = one_dag(cx, b, dag, *span, list) {
            out.dags.push(dag);
        }
    }
    copies(cx, b, plan, out);
}

fn one_dag(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    dag: &ast::Dag,
    span: Span,
    list: &[Member<'_>],
) -> Option<ir::Dag> {
    let Some(first) = list.first() else {
        cx.report(
            Diagnostic::new(
                Code::E0361,
                dag.name.span,
                format!("DAG `{}` has no members", dag.name.node),
            )
            .with_label("no server names this DAG")
            .with_help(format!(
                "add `cluster dag \"{}\"` to the block of each Mailbox server that joins it",
                dag.name.node
            )),
        );
        return None;
    };
    let mut ok = true;
    let mut version: Option<(String, &ast::Server)> = None;
    for m in list {
        let Some(r) = b.known_server(&m.server.name) else {
            ok = false;
            continue;
        };
        if !r.has("mailbox") {
            cx.report(
                Diagnostic::new(
                    Code::E0404,
                    m.cluster.name.span,
                    format!(
                        "`{}` joins DAG `{}` but has no `mailbox` role",
                        r.name, dag.name.node
                    ),
                )
                .with_label("a DAG member")
                .with_help("only Mailbox servers join a DAG: add `mailbox` to its roles or remove `cluster dag`"),
            );
            ok = false;
        }
        let has_dag = cx.specs.get(&r.version).is_some_and(|s| s.dag.is_some());
        if !has_dag {
            cx.report(
                Diagnostic::new(
                    Code::E0360,
                    m.cluster.kind.span,
                    format!("Exchange {} has no database availability groups", r.version),
                )
                .with_label(format!("`{}` runs Exchange {}", r.name, r.version))
                .with_help("DAGs exist from Exchange 2010 on (2007 used CCR/SCC, facts §6.8): remove `cluster dag` from this server"),
            );
            ok = false;
            continue;
        }
        match &version {
            None => version = Some((r.version.clone(), m.server)),
            Some((v, other)) if *v != r.version => {
                cx.report(
                    Diagnostic::new(
                        Code::E0360,
                        m.cluster.name.span,
                        format!(
                            "DAG `{}` mixes Exchange {v} and Exchange {}",
                            dag.name.node, r.version
                        ),
                    )
                    .with_label(format!("`{}` runs Exchange {}", r.name, r.version))
                    .with_related(other.name.span, format!("an Exchange {v} member"))
                    .with_help(format!(
                        "all members of a DAG run the same Exchange version (facts §6.8): build a new DAG for the Exchange {} servers",
                        r.version
                    )),
                );
                ok = false;
                break;
            }
            Some(_) => {}
        }
    }
    if list.len() == 1 {
        cx.report(
            Diagnostic::new(
                Code::W0421,
                dag.name.span,
                format!("DAG `{}` has a single member", dag.name.node),
            )
            .with_label("one member")
            .with_related(first.cluster.name.span, "its only member")
            .with_help("a DAG of one server holds no database copies: add `cluster dag` to a second Mailbox server of the same version"),
        );
    }
    let (witness_server, witness_directory) = dag.witness.as_ref()?;
    if let Some(m) = list.iter().find(|m| {
        m.server
            .name
            .node
            .eq_ignore_ascii_case(&witness_server.node)
    }) {
        cx.report(
            Diagnostic::new(
                Code::E0362,
                witness_server.span,
                format!(
                    "the witness server `{}` is a member of DAG `{}`",
                    witness_server.node, dag.name.node
                ),
            )
            .with_label("a member of this DAG")
            .with_related(m.cluster.name.span, "joins the DAG here")
            .with_help("the witness must be outside the DAG (a file server, or an Exchange server that is not a member): the witness breaks ties when members fail"),
        );
        ok = false;
    }
    if !is_local_path(&witness_directory.node) {
        cx.report(
            Diagnostic::new(
                Code::E0364,
                witness_directory.span,
                format!(
                    "the witness directory `{}` is not a local folder",
                    witness_directory.node
                ),
            )
            .with_label("expected a path such as C:\\DAG1")
            .with_help("write the folder as a path on the witness server's own disk, such as \"C:\\DAG1\" (-WitnessDirectory)"),
        );
        ok = false;
    }
    let ip = ip(cx, dag)?;
    let (version, _) = version?;
    if ip == ir::DagIp::None {
        ip_less(cx, b, dag, list, &version);
    }
    ok.then(|| ir::Dag {
        name: dag.name.node.clone(),
        version,
        members: list.iter().map(|m| m.server.name.node.clone()).collect(),
        witness_server: witness_server.node.clone(),
        witness_directory: witness_directory.node.clone(),
        ip,
        origin: cx.origin(span),
    })
}

/// `X:\...`: a folder on the witness server's own disk.
fn is_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\'
}

/// `ip`: static IPv4 addresses, or `dhcp`, or `none` (E0364 otherwise).
fn ip(cx: &mut Cx<'_>, dag: &ast::Dag) -> Option<ir::DagIp> {
    let words: Vec<String> = dag.ip.iter().map(|a| a.to_lowercase()).collect();
    if let [word] = words.as_slice() {
        match word.as_str() {
            "dhcp" => return Some(ir::DagIp::Dhcp),
            "none" => return Some(ir::DagIp::None),
            _ => {}
        }
    }
    let mut addresses: Vec<String> = Vec::new();
    let mut ok = true;
    for address in &dag.ip {
        let bad = |cx: &mut Cx<'_>, message: String, help: &str| {
            cx.report(
                Diagnostic::new(Code::E0364, address.span, message)
                    .with_label("in `ip`")
                    .with_help(help.to_owned()),
            );
        };
        match address.parse::<Ipv4Addr>() {
            _ if matches!(address.to_lowercase().as_str(), "dhcp" | "none") => bad(
                cx,
                format!("`{}` stands alone in `ip`", address.node),
                "write `ip dhcp` or `ip none` on its own, or only static addresses",
            ),
            Ok(a) if a.is_unspecified() || a.is_broadcast() => bad(
                cx,
                format!("`{}` is not a static address", address.node),
                "0.0.0.0 means DHCP and 255.255.255.255 no address (facts §6.8): write `ip dhcp` or `ip none` instead",
            ),
            Ok(a) if addresses.contains(&a.to_string()) => bad(
                cx,
                format!("`{}` is listed twice", address.node),
                "list each address once",
            ),
            Ok(a) => {
                addresses.push(a.to_string());
                continue;
            }
            Err(_) => bad(
                cx,
                format!("`{}` is not an IPv4 address", address.node),
                "write dotted IPv4 addresses such as 10.0.0.8 (one per subnet of the members), `ip dhcp` or `ip none`",
            ),
        }
        ok = false;
    }
    ok.then_some(ir::DagIp::Static(addresses))
}

/// W0420: `ip none` where the version's spec does not say every member allows it.
fn ip_less(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    dag: &ast::Dag,
    list: &[Member<'_>],
    version: &str,
) {
    let Some(spec) = cx.specs.get(version).and_then(|s| s.dag.clone()) else {
        return;
    };
    let allowed = |m: &Member<'_>| {
        let level = b.versions.servers.get(&m.server.name.to_lowercase());
        let os = m.server.os.as_ref().map(|o| o.node.as_str());
        spec.ip_less.iter().any(|rule| {
            os.is_some_and(|os| rule.matches(os))
                && rule
                    .minimum
                    .as_ref()
                    .is_none_or(|min| level.is_some_and(|l| l.level >= *min))
        })
    };
    let Some(m) = list.iter().find(|m| !allowed(m)) else {
        return;
    };
    let needs = if spec.ip_less.is_empty() {
        format!("Exchange {version} DAGs need an IP address")
    } else {
        let labels: Vec<&str> = spec.ip_less.iter().map(|r| r.label.as_str()).collect();
        format!("a DAG without an IP address needs {}", labels.join(" or "))
    };
    let tag = if spec.ip_less_confidence == Confidence::Unverified {
        " (unverified)"
    } else {
        ""
    };
    let span = dag.ip.first().map_or(dag.name.span, |a| a.span);
    cx.report(
        Diagnostic::new(
            Code::W0420,
            span,
            format!(
                "DAG `{}` has no IP address, which `{}` may not support",
                dag.name.node, m.server.name.node
            ),
        )
        .with_label("no cluster administrative access point")
        .with_related(m.server.name.span, "this member")
        .with_help(format!(
            "{needs}{tag}: {}; give the DAG a static address per subnet, or `ip dhcp`",
            spec.ip_less_source
        )),
    );
}

/// `copies SERVER ...` in a `database` block: other members of the database server's DAG.
fn copies(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, plan: &ast::Plan, out: &mut ir::Plan) {
    for item in &plan.items {
        let ast::ItemKind::Database(db) = &item.kind else {
            continue;
        };
        let Some(first) = db.copies.first() else {
            continue;
        };
        let Some(index) = out
            .databases
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(&db.name.node))
        else {
            continue;
        };
        let server = out.databases[index].server.clone();
        if db.kind == ast::DatabaseKind::PublicFolder {
            cx.report(
                Diagnostic::new(
                    Code::E0363,
                    first.span,
                    format!("public folder database `{}` has DAG copies", db.name.node),
                )
                .with_label("copies of a public folder database")
                .with_help("public folder databases are protected by public folder replication, not by DAG copies: remove `copies`"),
            );
            continue;
        }
        let Some(dag) = out
            .dags
            .iter()
            .find(|d| d.members.iter().any(|m| m.eq_ignore_ascii_case(&server)))
        else {
            // A DAG that failed its own checks was reported already.
            let named = b
                .known_server(&db.server)
                .and_then(|r| r.server.cluster.as_ref())
                .is_some_and(|c| c.kind.eq_ignore_ascii_case("dag"));
            if !named {
                cx.report(
                    Diagnostic::new(
                        Code::E0363,
                        first.span,
                        format!("database `{}` has copies, but `{server}` is in no DAG", db.name.node),
                    )
                    .with_label("copies need a DAG")
                    .with_related(db.server.span, "its server")
                    .with_help(format!("add `cluster dag NAME` to `{server}` and to the servers that hold its copies")),
                );
            }
            continue;
        };
        let mut list: Vec<ir::DatabaseCopy> = Vec::new();
        let mut ok = true;
        for copy in &db.copies {
            let Some(r) = b.server(cx, copy) else {
                ok = false;
                continue;
            };
            let problem = if r.name.eq_ignore_ascii_case(&server) {
                Some(format!("`{}` holds the database itself", r.name))
            } else if !dag.members.iter().any(|m| m.eq_ignore_ascii_case(&r.name)) {
                Some(format!(
                    "`{}` is not a member of DAG `{}`",
                    r.name, dag.name
                ))
            } else if list.iter().any(|c| c.server.eq_ignore_ascii_case(&r.name)) {
                Some(format!("`{}` is listed twice", r.name))
            } else {
                None
            };
            if let Some(message) = problem {
                cx.report(
                    Diagnostic::new(Code::E0363, copy.span, message)
                        .with_label("not a place for a copy")
                        .with_help(format!(
                            "list other members of DAG `{}` ({}), each once, in activation preference order",
                            dag.name,
                            dag.members.join(", ")
                        )),
                );
                ok = false;
                continue;
            }
            let preference = u32::try_from(list.len() + 2).unwrap_or(u32::MAX);
            list.push(ir::DatabaseCopy {
                server: r.name,
                preference,
            });
        }
        if ok {
            out.databases[index].copies = list;
        }
    }
}
