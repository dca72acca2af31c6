//! Versions and coexistence: the target, each server's version and level, which versions may
//! share the organization and at what level (R02, R03, R04, R41, facts §2), roles per version
//! (R06, R20) and the forest functional level (R01). Every table comes from `specs/`.

use super::Cx;
use super::names::Symbols;
use crate::diag::suggest;
use crate::diag::{Code, Diagnostic};
use crate::ir::{Role, VersionLevel};
use crate::source::Span;
use crate::specs::{Confidence, Level, VersionSpec};
use crate::syntax::ast;
use indexmap::IndexMap;

/// What the version checks established.
pub(super) struct Versions<'s> {
    pub target: VersionLevel,
    pub spec: &'s VersionSpec,
    /// Each server's version and level, by lower-case name (servers with errors are left out).
    pub servers: IndexMap<String, VersionLevel>,
    /// Versions of existing servers, oldest first.
    pub sources: Vec<String>,
}

pub(super) fn check<'s>(
    cx: &mut Cx<'s>,
    plan: &ast::Plan,
    symbols: &Symbols<'_>,
) -> Option<Versions<'s>> {
    let target = target(cx, plan)?;
    let specs = cx.specs;
    let Some(spec) = specs.get(&target.version).filter(|s| !s.phases.is_empty()) else {
        let span = target_span(plan);
        cx.not_generated(
            span,
            &format!("a plan that targets Exchange {}", target.version),
        );
        return None;
    };
    let mut servers = IndexMap::new();
    for (key, sym) in &symbols.servers {
        if let Some(level) = server_version(cx, sym.server) {
            servers.insert(key.clone(), level);
        }
    }
    let mut sources: Vec<String> = Vec::new();
    for (key, sym) in &symbols.servers {
        let Some(level) = servers.get(key) else {
            continue;
        };
        let server = sym.server;
        roles(cx, server, level);
        if server.new.is_some() {
            new_server(cx, server, level, &target, spec);
        } else if exported(plan, spec, server, level) {
            // R33: its mailboxes leave by ExMerge and it is removed before script 01
            // (`items/exmerge.rs`); it is not a source the scripts meet.
        } else {
            existing_server(cx, server, level, &target, spec);
            if !sources.contains(&level.version) {
                sources.push(level.version.clone());
            }
        }
    }
    sources.sort_by_key(|v| specs.rank(v));
    self_minimum(cx, plan, symbols, &servers, &target, spec, &sources);
    // A plan installs a server of the target, unless the target is reached by upgrading
    // existing servers in place (SE's `in_place_upgrade_from`: 2019 CU14/CU15).
    let upgrades_in_place = symbols.servers.values().any(|s| {
        s.server.new.is_none()
            && s.server.upgrade_to.as_ref().is_some_and(|up| {
                specs
                    .canonical(&up.version.node)
                    .is_some_and(|v| v == target.version)
            })
            && servers
                .get(&s.server.name.to_lowercase())
                .is_some_and(|level| in_place_allowed(spec, level))
    });
    if !upgrades_in_place && !symbols.servers.values().any(|s| s.server.new.is_some()) {
        let span = target_span(plan);
        cx.report(
            Diagnostic::new(Code::E0310, span, format!("the plan targets Exchange {} but installs no server", target.version))
                .with_label("target declared here")
                .with_help(format!("mark the servers this plan installs with `new`, e.g. `server MAIL{} {{ exchange {} ...; new }}`", target.version, target.version.to_lowercase())),
        );
    }
    forest_level(cx, plan, spec);
    Some(Versions {
        target,
        spec,
        servers,
        sources,
    })
}

/// A server of a version the target blocks, named by an `exmerge` block of a target that
/// imports PST files from that version: no E0303.
fn exported(
    plan: &ast::Plan,
    spec: &VersionSpec,
    server: &ast::Server,
    level: &VersionLevel,
) -> bool {
    spec.blocks(&level.version).is_some()
        && spec
            .export_import
            .as_ref()
            .is_some_and(|ei| ei.from.contains(&level.version))
        && super::items::names_exmerge(plan, &server.name.node)
}

fn target_span(plan: &ast::Plan) -> Span {
    plan.items
        .iter()
        .find(|i| matches!(i.kind, ast::ItemKind::Target(_)))
        .map_or(plan.title.span, |i| i.span)
}

fn target(cx: &mut Cx<'_>, plan: &ast::Plan) -> Option<VersionLevel> {
    let targets: Vec<&ast::Item> = plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, ast::ItemKind::Target(_)))
        .collect();
    let Some(first) = targets.first() else {
        cx.report(
            Diagnostic::new(Code::E0310, plan.title.span, "the plan has no `target`")
                .with_label("this plan")
                .with_help("say which version it installs, e.g. `target exchange 2010 sp3`"),
        );
        return None;
    };
    for extra in &targets[1..] {
        cx.report(
            Diagnostic::new(Code::E0108, extra.keyword, "`target` is given twice")
                .with_label("second target")
                .with_related(first.keyword, "first set here")
                .with_help(
                    "a plan installs one version; split other upgrades into their own plans",
                ),
        );
    }
    let ast::ItemKind::Target(version) = &first.kind else {
        return None;
    };
    resolve(cx, version)
}

/// Resolves `exchange 2010 sp3` against the specs: E0301, E0302.
pub(super) fn resolve(cx: &mut Cx<'_>, v: &ast::ExchangeVersion) -> Option<VersionLevel> {
    let specs = cx.specs;
    let Some(name) = specs.canonical(&v.version) else {
        let known: Vec<&str> = specs.known().iter().map(|k| k.name.as_str()).collect();
        let help = suggest::help(&v.version, &known, || {
            format!("known versions: {}", known.join(", "))
        });
        cx.report(
            Diagnostic::new(
                Code::E0301,
                v.version.span,
                format!("unknown Exchange version `{}`", v.version.node),
            )
            .with_label("not an Exchange version")
            .with_help(help),
        );
        return None;
    };
    let written: Vec<&str> = v.update.iter().map(|u| u.node.as_str()).collect();
    let update_span = v
        .update
        .iter()
        .map(|u| u.span)
        .reduce(Span::to)
        .unwrap_or(v.span);
    if written.is_empty() {
        cx.report(
            Diagnostic::new(Code::E0109, v.span, format!("Exchange {name} needs its update level"))
                .with_label("no service pack or cumulative update")
                .with_help(format!("write the level installed, e.g. `exchange {} sp3` or `rtm`; exgen compares it with coexistence minimums", name.to_lowercase())),
        );
        return None;
    }
    let spec = specs.get(name);
    let level = Level::parse(&written.join(" ")).filter(|l| spec.is_none_or(|s| s.knows_base(l)));
    let Some(level) = level else {
        let help = spec.map_or_else(
            || "write it as `spN`, `spN ruM`, `cuN` or `rtm`".to_owned(),
            |s| {
                let levels: Vec<String> = s
                    .updates
                    .iter()
                    .filter(|u| u.name.rollup == 0)
                    .map(|u| u.name.base.clone())
                    .collect();
                format!(
                    "Exchange {name} levels: {} (a rollup is written `sp3 ru10`)",
                    levels.join(", ")
                )
            },
        );
        cx.report(
            Diagnostic::new(
                Code::E0302,
                update_span,
                format!(
                    "Exchange {name} has no update level `{}`",
                    written.join(" ")
                ),
            )
            .with_label("unknown update level")
            .with_help(help),
        );
        return None;
    };
    let build = spec.and_then(|s| s.build_at(&level)).cloned();
    Some(VersionLevel {
        version: name.to_owned(),
        level,
        build,
    })
}

fn server_version(cx: &mut Cx<'_>, server: &ast::Server) -> Option<VersionLevel> {
    let Some(v) = &server.exchange else {
        cx.report(
            Diagnostic::new(
                Code::E0109,
                server.name.span,
                format!("server `{}` has no `exchange` version", server.name.node),
            )
            .with_label("which Exchange version does it run?")
            .with_help("add e.g. `exchange 2007 sp2` to the server block"),
        );
        return None;
    };
    resolve(cx, v)
}

fn version_span(server: &ast::Server) -> Span {
    server
        .exchange
        .as_ref()
        .map_or(server.name.span, |v| v.span)
}

/// Facts §2.1: while older versions remain, the target's own servers must be at a minimum
/// level too (2013: CU2). E0311 on each server below it, else on the target.
fn self_minimum(
    cx: &mut Cx<'_>,
    plan: &ast::Plan,
    symbols: &Symbols<'_>,
    servers: &IndexMap<String, VersionLevel>,
    target: &VersionLevel,
    spec: &VersionSpec,
    sources: &[String],
) {
    let Some(min) = &spec.self_minimum_in_coexistence else {
        return;
    };
    let Some(older) = sources.iter().find(|v| **v != target.version) else {
        return;
    };
    let code = if min.confidence == Confidence::Unverified {
        Code::W0301
    } else {
        Code::E0311
    };
    let build = spec
        .update(&min.value)
        .map(|u| format!(" ({})", u.build))
        .unwrap_or_default();
    let mut reported = false;
    for (key, sym) in &symbols.servers {
        let Some(level) = servers.get(key) else {
            continue;
        };
        if level.version != target.version || level.level >= min.value {
            continue;
        }
        reported = true;
        cx.report(
            Diagnostic::new(
                code,
                version_span(sym.server),
                format!(
                    "server `{}` is at Exchange {} {}, below the {} its servers need beside Exchange {older}",
                    sym.server.name.node, level.version, level.level, min.value
                ),
            )
            .with_label("below the coexistence minimum of its own version")
            .with_help(format!(
                "install Exchange {} {}{build} or later ({})",
                level.version, min.value, min.source
            )),
        );
    }
    if !reported && target.level < min.value {
        cx.report(
            Diagnostic::new(
                code,
                target_span(plan),
                format!(
                    "Exchange {} {} cannot join an organization with Exchange {older} servers",
                    target.version, target.level
                ),
            )
            .with_label("target below the coexistence minimum")
            .with_help(format!(
                "target Exchange {} {}{build} or later ({})",
                target.version, min.value, min.source
            )),
        );
    }
}

/// R06/R20 and facts §3: each role must exist in the version; some roles stand alone.
fn roles(cx: &mut Cx<'_>, server: &ast::Server, level: &VersionLevel) {
    if server.roles.is_empty() {
        cx.report(
            Diagnostic::new(
                Code::E0109,
                server.name.span,
                format!("server `{}` has no `roles`", server.name.node),
            )
            .with_label("which roles does it hold?")
            .with_help("add e.g. `roles cas hub mailbox`"),
        );
        return;
    }
    let Some(spec) = cx.specs.get(&level.version) else {
        return;
    };
    for role in &server.roles {
        let word = role.to_lowercase();
        if Role::from_keyword(&word).is_none() {
            let keywords: Vec<&str> = Role::ALL.iter().map(|(k, _)| *k).collect();
            let help = suggest::help(&word, &keywords, || {
                format!("roles are {}", keywords.join(", "))
            });
            cx.report(
                Diagnostic::new(
                    Code::E0107,
                    role.span,
                    format!("unknown role `{}`", role.node),
                )
                .with_label("not a role")
                .with_help(help),
            );
        } else if let Some(min) = spec.roles.minimum.get(&word).filter(|m| level.level < **m) {
            cx.report(
                Diagnostic::new(
                    Code::E0312,
                    role.span,
                    format!(
                        "the `{word}` role needs Exchange {} {min} or later",
                        level.version
                    ),
                )
                .with_label(format!("server is at {}", level.level))
                .with_help(format!(
                    "install Exchange {} {min} or later on `{}`, or leave the role out (facts §3)",
                    level.version, server.name.node
                )),
            );
        } else if !spec.roles.available.contains(&word) {
            cx.report(
                Diagnostic::new(
                    Code::E0307,
                    role.span,
                    format!("Exchange {} has no `{word}` role", level.version),
                )
                .with_label("not a role of this version")
                .with_help(format!(
                    "Exchange {} roles: {}",
                    level.version,
                    spec.roles.available.join(", ")
                )),
            );
        }
    }
    for alone in &spec.roles.alone {
        if server.roles.len() > 1
            && let Some(role) = server.roles.iter().find(|r| r.eq_ignore_ascii_case(alone))
        {
            cx.report(
                    Diagnostic::new(Code::E0308, role.span, format!("`{alone}` shares server `{}` with other roles", server.name.node))
                        .with_label("must be alone on its server")
                        .with_help(format!("put `{alone}` on a server of its own (R20: Edge Transport goes on its own computer)")),
                );
        }
    }
}

/// A new server: target version, supported OS (R04), no in-place upgrade (R03).
fn new_server(
    cx: &mut Cx<'_>,
    server: &ast::Server,
    level: &VersionLevel,
    target: &VersionLevel,
    spec: &VersionSpec,
) {
    if level.version != target.version {
        cx.report(
            Diagnostic::new(Code::E0310, version_span(server), format!("new server `{}` runs Exchange {}, but the plan targets {}", server.name.node, level.version, target.version))
                .with_label("version of a new server")
                .with_help(format!("a plan installs one version: make it `exchange {} ...`, or drop `new` if the server already exists", target.version.to_lowercase())),
        );
        return;
    }
    if let Some(up) = &server.upgrade_to {
        cx.report(in_place(server, up.span, &level.version, &up.version.node));
    }
    let Some(os) = &server.os else {
        cx.report(
            Diagnostic::new(
                Code::E0109,
                server.name.span,
                format!("new server `{}` has no `os`", server.name.node),
            )
            .with_label("which Windows will it run?")
            .with_help(format!(
                "add e.g. `os \"{}\"`; exgen checks it against what Exchange {} supports",
                spec.os.last().map_or("", |o| o.label.as_str()),
                spec.version
            )),
        );
        return;
    };
    let supported: Vec<&str> = spec.os.iter().map(|o| o.label.as_str()).collect();
    match spec.os.iter().find(|rule| rule.matches(os)) {
        None => cx.report(
            Diagnostic::new(
                Code::E0306,
                os.span,
                format!("Exchange {} does not run on `{}`", spec.version, os.node),
            )
            .with_label("unsupported operating system")
            .with_help(format!(
                "supported: {} (R04: 64-bit only)",
                supported.join("; ")
            )),
        ),
        Some(rule) => {
            if let Some(min) = rule.minimum.as_ref().filter(|m| level.level < **m) {
                let d = Diagnostic::new(
                    if rule.confidence == Confidence::Unverified {
                        Code::W0301
                    } else {
                        Code::E0306
                    },
                    os.span,
                    format!(
                        "{} needs Exchange {} {min} or later",
                        rule.label, spec.version
                    ),
                )
                .with_label(format!("server is at {}", level.level))
                .with_help(format!(
                    "install Exchange {} {min} or later, or choose another OS",
                    spec.version
                ));
                cx.report(d);
            } else if rule.confidence == Confidence::Unverified {
                cx.report(
                    Diagnostic::new(
                        Code::W0301,
                        os.span,
                        format!(
                            "support for Exchange {} on {} is not confirmed",
                            spec.version, rule.label
                        ),
                    )
                    .with_label("unverified in exgen's sources")
                    .with_help(
                        "check Microsoft's supportability matrix before you build the server",
                    ),
                );
            }
        }
    }
}

/// Whether the target `spec` may be reached from `level` in place (facts §2.2: only 2019
/// CU14/CU15 to SE).
pub(super) fn in_place_allowed(spec: &VersionSpec, level: &VersionLevel) -> bool {
    spec.in_place_upgrade_from
        .iter()
        .any(|c| c.with == level.version && level.level >= c.minimum.level)
}

fn in_place(server: &ast::Server, span: Span, from: &str, to: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0305,
        span,
        format!("Exchange {from} cannot be upgraded in place to {to}"),
    )
    .with_label("in-place upgrade")
    .with_help(format!(
        "install a new server beside `{}` and move its data (R03)",
        server.name.node
    ))
}

/// An existing server: may it coexist with the target, and is it at the minimum level (R02)?
fn existing_server(
    cx: &mut Cx<'_>,
    server: &ast::Server,
    level: &VersionLevel,
    target: &VersionLevel,
    spec: &VersionSpec,
) {
    if let Some(up) = &server.upgrade_to {
        let to_target = cx
            .specs
            .canonical(&up.version.node)
            .is_some_and(|v| v == target.version);
        if !to_target || !in_place_allowed(spec, level) {
            cx.report(in_place(server, up.span, &level.version, &up.version.node));
        } else if !up.update.is_empty() {
            // The server ends at the level of the plan's media: a different level is a mistake.
            let written: Vec<&str> = up.update.iter().map(|u| u.node.as_str()).collect();
            if Level::parse(&written.join(" ")).as_ref() != Some(&target.level) {
                cx.report(
                    Diagnostic::new(
                        Code::E0305,
                        up.span,
                        format!(
                            "`{}` is upgraded to {}, but the plan's media is Exchange {} {}",
                            server.name.node,
                            written.join(" "),
                            target.version,
                            target.level
                        ),
                    )
                    .with_label("upgrade level")
                    .with_help(format!(
                        "write `upgrade-to exchange {}` (the level of `target`)",
                        target.version.to_lowercase()
                    )),
                );
            }
        }
    }
    let specs = cx.specs;
    if specs.rank(&level.version) >= specs.rank(&target.version) {
        if level.version == target.version {
            return;
        }
        cx.report(
            Diagnostic::new(
                Code::E0303,
                version_span(server),
                format!(
                    "server `{}` runs Exchange {}, newer than the target {}",
                    server.name.node, level.version, target.version
                ),
            )
            .with_label("newer than the target")
            .with_help("an organization is upgraded to a newer version, never an older one"),
        );
        return;
    }
    if let Some(blocked) = spec.blocks(&level.version) {
        let help = blocked.alternative.as_ref().map_or_else(
            || {
                format!(
                    "remove Exchange {} first or upgrade through an interim version ({})",
                    level.version, blocked.source
                )
            },
            |alt| format!("{alt} ({})", blocked.source),
        );
        cx.report(cannot_coexist(server, level, target, help));
        return;
    }
    let Some(coexist) = spec.coexists_with(&level.version) else {
        let help = "upgrade through an interim version (facts §2.2)".to_owned();
        cx.report(cannot_coexist(server, level, target, help));
        return;
    };
    if !spec.generated_from.contains(&level.version) {
        cx.not_generated(
            version_span(server),
            &format!(
                "an Exchange {} plan with Exchange {} servers",
                target.version, level.version
            ),
        );
        return;
    }
    if level.level < coexist.minimum.level {
        let build = specs
            .get(&level.version)
            .and_then(|s| s.update(&coexist.minimum.level))
            .map(|u| format!(" ({})", u.build))
            .unwrap_or_default();
        let code = if coexist.confidence == Confidence::Unverified {
            Code::W0301
        } else {
            Code::E0304
        };
        cx.report(
            Diagnostic::new(
                code,
                version_span(server),
                format!(
                    "server `{}` is at Exchange {} {}, below the {} Exchange {} needs",
                    server.name.node,
                    level.version,
                    level.level,
                    coexist.minimum.level,
                    target.version
                ),
            )
            .with_label("below the coexistence minimum")
            .with_help(format!(
                "install Exchange {} {}{build} or later on `{}` before the first {} server ({})",
                level.version,
                coexist.minimum.level,
                server.name.node,
                target.version,
                coexist.source
            )),
        );
    }
}

/// E0303 on a server whose version cannot share the organization with the target.
fn cannot_coexist(
    server: &ast::Server,
    level: &VersionLevel,
    target: &VersionLevel,
    help: String,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0303,
        version_span(server),
        format!(
            "Exchange {} cannot coexist with Exchange {}",
            target.version, level.version
        ),
    )
    .with_label(format!(
        "`{}` runs Exchange {}",
        server.name.node, level.version
    ))
    .with_help(help)
}

/// R01: the forest functional level the target needs.
fn forest_level(cx: &mut Cx<'_>, plan: &ast::Plan, spec: &VersionSpec) {
    let specs = cx.specs;
    let need = &spec.forest_functional_level;
    for item in &plan.items {
        let ast::ItemKind::Forest(forest) = &item.kind else {
            continue;
        };
        let Some(level) = &forest.functional_level else {
            continue;
        };
        let Some(rank) = specs.functional_level_rank(level) else {
            cx.report(
                Diagnostic::new(
                    Code::E0107,
                    level.span,
                    format!("unknown forest functional level `{}`", level.node),
                )
                .with_label("not a functional level")
                .with_help(format!(
                    "functional levels: {}",
                    specs
                        .functional_levels()
                        .iter()
                        .map(|l| l.level.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        };
        if specs
            .functional_level_rank(&need.value)
            .is_some_and(|min| rank < min)
        {
            let code = if need.confidence == Confidence::Unverified {
                Code::W0301
            } else {
                Code::E0309
            };
            cx.report(
                Diagnostic::new(
                    code,
                    level.span,
                    format!(
                        "Exchange {} needs forest functional level {} or higher",
                        spec.version, need.value
                    ),
                )
                .with_label(format!(
                    "forest `{}` is at {}",
                    forest.name.node, level.node
                ))
                .with_help(format!(
                    "raise the forest functional level to Windows Server {} first ({})",
                    need.value, need.source
                )),
            );
        }
    }
}
