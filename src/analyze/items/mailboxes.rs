//! Databases, mailbox moves, public folders and decommissioning (R15, R16, R17).

use super::Builder;
use crate::analyze::Cx;
use crate::analyze::csv;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::specs::{Confidence, Level, PublicFolderMigration};
use crate::syntax::ast;

pub(super) fn database(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    db: &ast::Database,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(server) = b.server(cx, &db.server) else {
        return;
    };
    if server.new && !server.has("mailbox") {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                db.server.span,
                format!(
                    "database `{}` is on `{}`, which has no `mailbox` role",
                    db.name.node, server.name
                ),
            )
            .with_label("not a Mailbox server")
            .with_help("put databases on a server with `roles ... mailbox`"),
        );
        return;
    }
    let modern = cx
        .specs
        .get(&server.version)
        .and_then(|s| s.public_folders.as_deref())
        == Some("modern");
    if modern && db.kind == ast::DatabaseKind::PublicFolder {
        cx.report(
            Diagnostic::new(
                Code::E0313,
                db.name.span,
                format!(
                    "public folder database `{}` on `{}`: Exchange {} keeps public folders in mailboxes",
                    db.name.node, server.name, server.version
                ),
            )
            .with_label("no public folder databases in this version")
            .with_help("remove it: public folders move into public folder mailboxes by batch migration (facts §6.6)"),
        );
        return;
    }
    out.databases.push(ir::Database {
        name: db.name.node.clone(),
        kind: match db.kind {
            ast::DatabaseKind::Mailbox => ir::DatabaseKind::Mailbox,
            ast::DatabaseKind::PublicFolder => ir::DatabaseKind::PublicFolder,
        },
        server: server.name.clone(),
        version: server.version.clone(),
        create: server.new,
        edb: db.edb.as_ref().map(|t| t.node.clone()),
        logs: db.logs.as_ref().map(|t| t.node.clone()),
        storage_group: db.storage_group.as_ref().map(|t| t.node.clone()),
        public_folder_database: None,
        copies: Vec::new(),
        origin: cx.origin(span),
    });
}

/// A new mailbox database uses the new public folder database on its own server, else the
/// first new one in the plan.
pub(super) fn public_folder_databases(out: &mut ir::Plan) {
    let new_pf: Vec<(String, String)> = out
        .databases
        .iter()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::PublicFolder)
        .map(|d| (d.server.clone(), d.name.clone()))
        .collect();
    for db in out
        .databases
        .iter_mut()
        .filter(|d| d.create && d.kind == ir::DatabaseKind::Mailbox)
    {
        db.public_folder_database = new_pf
            .iter()
            .find(|(server, _)| server.eq_ignore_ascii_case(&db.server))
            .or_else(|| new_pf.first())
            .map(|(_, name)| name.clone());
    }
}

pub(super) fn mailbox_move(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    mv: &ast::MailboxMove,
    span: Span,
    out: &mut ir::Plan,
) {
    let Some(db) = b.symbols.database(cx, &mv.target) else {
        return;
    };
    if db.kind == ast::DatabaseKind::PublicFolder {
        cx.report(
            Diagnostic::new(
                Code::E0205,
                mv.target.span,
                format!("`{}` is a public folder database", db.name.node),
            )
            .with_label("mailboxes cannot move here")
            .with_related(db.name.span, "declared here")
            .with_help("name a mailbox database (`database NAME on SERVER`)"),
        );
        return;
    }
    // The database's own statement reports an undefined server; say nothing more here.
    let Some(server) = b.known_server(&db.server) else {
        return;
    };
    if !server.new {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                mv.target.span,
                format!(
                    "mailboxes move to `{}`, on `{}`, which this plan does not install",
                    db.name.node, server.name
                ),
            )
            .with_label("target database")
            .with_help("move mailboxes to a database on a new server"),
        );
        return;
    }
    let mut batch = ir::MoveBatch {
        name: mv
            .batch
            .as_ref()
            .map_or_else(|| format!("exgen {}", db.name.node), |n| n.node.clone()),
        target_database: db.name.node.clone(),
        target_server: server.name.clone(),
        version: server.version.clone(),
        mailboxes: Vec::new(),
        from_servers: Vec::new(),
        from_databases: Vec::new(),
        csv: Vec::new(),
        bad_item_limit: mv.bad_item_limit.as_ref().map_or(0, |n| n.node),
        accept_large_data_loss: mv.accept_large_data_loss.is_some(),
        suspend_when_ready: mv.suspend_when_ready.is_some(),
        cross_forest: None,
        migration_batch: migration_batch(cx, b, mv),
        origin: cx.origin(span),
    };
    match super::forests::cross_forest_move(cx, mv, &server.name, out) {
        Some(cross) => batch.cross_forest = cross,
        None => return,
    }
    if let Some(first) = out
        .moves
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(&batch.name))
    {
        let line = first.origin.line;
        let at = mv.batch.as_ref().map_or(mv.target.span, |n| n.span);
        cx.report(
            Diagnostic::new(
                Code::E0201,
                at,
                format!("batch `{}` is defined twice", batch.name),
            )
            .with_label(format!("first defined on line {line}"))
            .with_help("give each move block its own `batch \"name\"`"),
        );
    }
    for source in &mv.sources {
        match source {
            ast::MoveSource::Mailbox(m) => batch.mailboxes.push(m.node.clone()),
            ast::MoveSource::Server(s) => {
                if let Some(r) = b.server(cx, s) {
                    if r.new || !r.has("mailbox") {
                        cx.report(
                            Diagnostic::new(
                                Code::E0404,
                                s.span,
                                format!("`{}` is not an existing Mailbox server", r.name),
                            )
                            .with_label("mailboxes are moved from here")
                            .with_help("name an existing server with the `mailbox` role"),
                        );
                    } else {
                        batch.from_servers.push(r.name);
                    }
                }
            }
            ast::MoveSource::Database(d) => {
                // 2007 identities (`SERVER\SG\DB`) need not be declared; plain names must be.
                if d.contains('\\') && b.symbols.databases.get(&d.to_lowercase()).is_none() {
                    batch.from_databases.push(d.node.clone());
                } else if let Some(db) = b.symbols.database(cx, d) {
                    batch.from_databases.push(db.name.node.clone());
                }
            }
            ast::MoveSource::Csv(path) => {
                if let Some(file) = csv::load(cx, path) {
                    batch.csv.push(file);
                }
            }
        }
    }
    if let Some(limit) = &mv.bad_item_limit {
        if limit.node >= 51 && batch.migration_batch.is_some() {
            cx.report(
                Diagnostic::new(Code::E0421, limit.span, format!("a bad-item limit of {} in a migration batch", limit.node))
                    .with_label("51 or more")
                    .with_help("New-MigrationBatch has no -AcceptLargeDataLoss, so it cannot skip 51 or more bad items: lower the limit, or use `method move-request` with `accept-large-data-loss`"),
            );
        } else if limit.node >= 51 && mv.accept_large_data_loss.is_none() {
            cx.report(
                Diagnostic::new(Code::E0107, limit.span, format!("a bad-item limit of {} needs `accept-large-data-loss`", limit.node))
                    .with_label("51 or more")
                    .with_help("New-MoveRequest refuses -BadItemLimit 51 or more without -AcceptLargeDataLoss: add `accept-large-data-loss`, or lower the limit"),
            );
        } else if limit.node > 0 {
            cx.report(
                Diagnostic::new(
                    Code::W0401,
                    limit.span,
                    format!(
                        "up to {} corrupt items per mailbox will be skipped and lost",
                        limit.node
                    ),
                )
                .with_label("each skipped item is lost")
                .with_help("keep 0 (the default) unless a move has failed on bad items"),
            );
        }
    }
    out.moves.push(batch);
}

pub(super) fn public_folders(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    pf: &ast::PublicFolders,
    span: Span,
    out: &mut ir::Plan,
) {
    let modern = |version: &str| {
        cx.specs
            .get(version)
            .and_then(|s| s.public_folders.as_deref())
            == Some("modern")
    };
    let from_modern = b
        .known_server(&pf.from)
        .is_some_and(|r| !r.new && modern(&r.version));
    if modern(&b.versions.spec.version) && from_modern {
        // Facts §6.6: from a version with public folder mailboxes (2013) to a later one, the
        // public folder mailboxes simply move like user mailboxes.
        modern_public_folders(cx, b, pf, span, out);
        return;
    }
    if let Some(migration) = &b.versions.spec.public_folder_migration {
        legacy_public_folder_migration(cx, b, pf, span, out, migration);
        return;
    }
    if b.versions.spec.public_folders.as_deref() == Some("modern") {
        cx.not_generated(
            span,
            &format!(
                "public folder batch migration into Exchange {} (`public-folders`)",
                b.versions.spec.version
            ),
        );
        return;
    }
    let from = b.server(cx, &pf.from);
    let to = b.new_server(cx, &pf.to, "mailbox", "public folder replicas are moved");
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if !existing_mailbox_server(cx, &from, &pf.from, "replicas") {
        return;
    }
    out.public_folders.push(ir::PublicFolderMove {
        from: from.name,
        to: to.name,
        version: to.version,
        database: None,
        batch: None,
        origin: cx.origin(span),
    });
}

/// E0404 unless the public folders come from an existing Mailbox server (`what`: what its
/// public folder database holds).
fn existing_mailbox_server(
    cx: &mut Cx<'_>,
    from: &super::Ref<'_>,
    at: &ast::Text,
    what: &str,
) -> bool {
    if !from.new && from.has("mailbox") {
        return true;
    }
    cx.report(
        Diagnostic::new(
            Code::E0404,
            at.span,
            format!("`{}` is not an existing Mailbox server", from.name),
        )
        .with_label(format!("{what} come from here"))
        .with_help(format!(
            "name the existing server whose public folder database holds the {what}"
        )),
    );
    false
}

/// Facts §6.6: legacy public folders (2007/2010) into public folder mailboxes by batch
/// migration. The feature's own minimums (source and target, `public_folder_migration` in the
/// target's spec) are E0380; a second migration is E0382 (one batch per organization).
fn legacy_public_folder_migration(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    pf: &ast::PublicFolders,
    span: Span,
    out: &mut ir::Plan,
    migration: &PublicFolderMigration,
) {
    let from = b.server(cx, &pf.from);
    let to = b.new_server(cx, &pf.to, "mailbox", "public folders are migrated");
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if !existing_mailbox_server(cx, &from, &pf.from, "public folders") {
        return;
    }
    if let Some(first) = out.public_folders.iter().find(|p| p.batch.is_some()) {
        let line = first.origin.line;
        cx.report(
            Diagnostic::new(
                Code::E0382,
                span,
                format!("public folders are migrated to `{}` a second time", to.name),
            )
            .with_label(format!("the first migration is on line {line}"))
            .with_help(format!(
                "keep one `public-folders` statement: the {} migrates the whole public folder hierarchy of the organization in one batch ({})",
                migration.feature, migration.source
            )),
        );
        return;
    }
    let Some(source) = migration
        .from
        .iter()
        .find(|s| s.with.eq_ignore_ascii_case(&from.version))
    else {
        cx.report(
            Diagnostic::new(
                Code::E0380,
                pf.from.span,
                format!(
                    "no {} from Exchange {} into Exchange {}",
                    migration.feature, from.version, to.version
                ),
            )
            .with_label(format!("an Exchange {} server", from.version))
            .with_help(format!(
                "public folders come in from Exchange {} only ({}): rehome them there first",
                migration
                    .from
                    .iter()
                    .map(|s| s.with.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
                migration.source
            )),
        );
        return;
    };
    feature_minimum(
        cx,
        b,
        &from,
        &pf.from,
        &source.minimum,
        source.confidence,
        &migration.feature,
        &source.source,
    );
    if let Some(minimum) = &migration.target_minimum {
        feature_minimum(
            cx,
            b,
            &to,
            &pf.to,
            minimum,
            migration.confidence,
            &migration.feature,
            &migration.source,
        );
    }
    let target_build = migration
        .target_minimum
        .as_ref()
        .and_then(|m| cx.specs.get(&to.version)?.update(m))
        .map(|u| u.build.clone());
    out.public_folders.push(ir::PublicFolderMove {
        from: from.name,
        to: to.name,
        version: to.version,
        database: None,
        batch: Some(ir::PublicFolderBatch {
            from_version: from.version,
            name: migration.batch_name.clone(),
            powershell: source.powershell.clone(),
            requires: source.requires.clone(),
            bad_item_base: source.bad_item_base,
            mailbox_size_bytes: migration.mailbox_size_bytes.value,
            folder_limit: migration.folder_limit,
            target_build,
        }),
        origin: cx.origin(span),
    });
}

/// E0380 (W0301 for an unverified fact) when `server` is below `minimum` for `feature`.
#[allow(clippy::too_many_arguments)]
pub(super) fn feature_minimum(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    server: &super::Ref<'_>,
    at: &ast::Text,
    minimum: &Level,
    confidence: Confidence,
    feature: &str,
    source: &str,
) {
    let Some(level) = b.versions.servers.get(&server.name.to_lowercase()) else {
        return;
    };
    if level.level >= *minimum {
        return;
    }
    let build = cx
        .specs
        .get(&level.version)
        .and_then(|s| s.update(minimum))
        .map(|u| format!(" ({})", u.build))
        .unwrap_or_default();
    let code = if confidence == Confidence::Unverified {
        Code::W0301
    } else {
        Code::E0380
    };
    let mut diagnostic = Diagnostic::new(
        code,
        at.span,
        format!(
            "{feature} needs Exchange {} {minimum} or later on `{}`, which is at {}",
            level.version, server.name, level.level
        ),
    )
    .with_label(format!("below what {feature} needs"))
    .with_help(format!(
        "update `{}` to Exchange {} {minimum}{build} or later first ({source})",
        server.name, level.version
    ));
    if server.server.name.span != at.span {
        diagnostic = diagnostic.with_related(server.server.name.span, "declared here");
    }
    cx.report(diagnostic);
}

/// E0381: facts §6.6 moves every user mailbox before the public folders; a plan that migrates
/// legacy public folders but moves no mailboxes cannot be carried out in its order (the
/// generated scripts check it again at run time).
pub(super) fn public_folder_migration_after_moves(cx: &mut Cx<'_>, out: &ir::Plan) {
    if !out.moves.is_empty() {
        return;
    }
    for pf in out.public_folders.iter().filter(|p| p.batch.is_some()) {
        cx.report(
            Diagnostic::new(
                Code::E0381,
                pf.origin.span,
                format!(
                    "public folders are migrated from `{}`, but the plan moves no mailboxes",
                    pf.from
                ),
            )
            .with_label("needs every user mailbox moved first")
            .with_help(format!(
                "add `move mailboxes to DATABASE {{ from server {} }}` (and one for every other legacy Mailbox server): users on the old version cannot reach public folder mailboxes (facts §6.6)",
                pf.from
            )),
        );
    }
}

/// Public folder mailboxes on `from` move to the first new mailbox database on `to` (E0404
/// when `to` has none).
fn modern_public_folders(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    pf: &ast::PublicFolders,
    span: Span,
    out: &mut ir::Plan,
) {
    let from = b.server(cx, &pf.from);
    let to = b.new_server(cx, &pf.to, "mailbox", "public folder mailboxes are moved");
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if !from.has("mailbox") {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                pf.from.span,
                format!("`{}` is not an existing Mailbox server", from.name),
            )
            .with_label("public folder mailboxes are moved from here")
            .with_help("name the existing server whose databases hold the public folder mailboxes"),
        );
        return;
    }
    let database = out
        .databases
        .iter()
        .find(|d| {
            d.create
                && d.kind == ir::DatabaseKind::Mailbox
                && d.server.eq_ignore_ascii_case(&to.name)
        })
        .map(|d| d.name.clone());
    let Some(database) = database else {
        cx.report(
            Diagnostic::new(
                Code::E0404,
                pf.to.span,
                format!(
                    "public folder mailboxes move to `{}`, which gets no new mailbox database",
                    to.name
                ),
            )
            .with_label("no database to move them to")
            .with_help(format!(
                "declare `database NAME on {}` before this statement",
                to.name
            )),
        );
        return;
    };
    out.public_folders.push(ir::PublicFolderMove {
        from: from.name,
        to: to.name,
        version: to.version,
        database: Some(database),
        batch: None,
        origin: cx.origin(span),
    });
}

pub(super) fn decommission(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    list: &[ast::Text],
    span: Span,
    out: &mut ir::Plan,
) {
    for name in list {
        let Some(server) = b.server(cx, name) else {
            continue;
        };
        if server.new {
            cx.report(
                Diagnostic::new(
                    Code::E0404,
                    name.span,
                    format!(
                        "`{}` is installed by this plan and decommissioned by it",
                        server.name
                    ),
                )
                .with_label("a new server")
                .with_help("decommission only existing servers"),
            );
            continue;
        }
        let mailbox = server.has("mailbox");
        let moved = out.moves.iter().any(|m| {
            m.from_servers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&server.name))
                || m.from_databases
                    .iter()
                    .any(|d| database_on(b, d, &server.name))
        });
        if mailbox && !moved {
            cx.report(
                Diagnostic::new(Code::E0403, name.span, format!("`{}` is decommissioned, but no move takes its mailboxes", server.name))
                    .with_label("still holds mailboxes")
                    .with_related(server.server.name.span, "a Mailbox server")
                    .with_help(format!("add `from server {}` to a `move mailboxes` block (the generated script also checks that it is empty)", server.name)),
            );
        }
        out.decommission.push(ir::Decommission {
            server: server.name,
            version: server.version,
            mailbox,
            origin: cx.origin(span),
        });
    }
}

/// Whether database `name` (declared, or a `SERVER\SG\DB` identity) is on `server`.
pub(super) fn database_on(b: &Builder<'_, '_, '_>, name: &str, server: &str) -> bool {
    match b.symbols.databases.get(&name.to_lowercase()) {
        Some(db) => db.server.eq_ignore_ascii_case(server),
        None => name
            .split('\\')
            .next()
            .is_some_and(|s| s.eq_ignore_ascii_case(server)),
    }
}

/// `method migration-batch` (facts §6.1): `New-MigrationBatch -Local` exists from 2013 on
/// (E0420); `auto-start`/`auto-complete` belong to it and `suspend-when-ready` and
/// `accept-large-data-loss` to move requests (E0421).
fn migration_batch(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    mv: &ast::MailboxMove,
) -> Option<ir::MigrationBatch> {
    let batch = mv
        .method
        .as_ref()
        .is_some_and(|m| m.eq_ignore_ascii_case("migration-batch"));
    let misplaced: Vec<(&str, Span)> = if batch {
        [
            ("suspend-when-ready", mv.suspend_when_ready),
            ("accept-large-data-loss", mv.accept_large_data_loss),
        ]
        .into_iter()
        .filter_map(|(k, s)| Some((k, s?)))
        .collect()
    } else {
        [
            ("auto-start", mv.auto_start),
            ("auto-complete", mv.auto_complete),
        ]
        .into_iter()
        .filter_map(|(k, s)| Some((k, s?)))
        .collect()
    };
    for (keyword, span) in misplaced {
        let (method, help) = if batch {
            (
                "migration-batch",
                "a migration batch waits for `Complete-MigrationBatch` unless `auto-complete` is set, and has no -AcceptLargeDataLoss: remove it, or use `method move-request`",
            )
        } else {
            (
                "move-request",
                "`auto-start` and `auto-complete` are settings of `method migration-batch`: add that, or remove them",
            )
        };
        cx.report(
            Diagnostic::new(
                Code::E0421,
                span,
                format!("`{keyword}` does not apply to `method {method}`"),
            )
            .with_label("not a setting of this method")
            .with_help(help),
        );
    }
    let method = mv.method.as_ref().filter(|_| batch)?;
    let spec = b.versions.spec;
    if !spec.migration_batch.as_ref().is_some_and(|f| f.value) {
        cx.report(
            Diagnostic::new(
                Code::E0420,
                method.span,
                format!(
                    "Exchange {} has no migration batches for local moves",
                    spec.version
                ),
            )
            .with_label("New-MigrationBatch -Local does not exist here")
            .with_help("New-MigrationBatch exists from Exchange 2013 on (facts §6.1): use `method move-request` (the default)"),
        );
        return None;
    }
    Some(ir::MigrationBatch {
        auto_start: mv.auto_start.is_some(),
        auto_complete: mv.auto_complete.is_some(),
    })
}

/// R05, R40 (seed 003: the internet-facing site first, then "repeat for additional sites";
/// point 13 of the consultant review): batches run site by site, those into an internet-facing
/// site first, each site's in plan order. W0701 where that differs from the order the plan
/// writes them, unless the plan says `move-order as-written`.
pub(super) fn order(cx: &mut Cx<'_>, plan: &ast::Plan, out: &mut ir::Plan) {
    let as_written = plan
        .items
        .iter()
        .any(|i| matches!(&i.kind, ast::ItemKind::MoveOrder(o) if o.node == "as-written"));
    if as_written {
        return;
    }
    let facing: Vec<bool> = out
        .moves
        .iter()
        .map(|m| {
            out.servers
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(&m.target_server))
                .is_some_and(|x| out.faces_internet(&x.site))
        })
        .collect();
    // The first batch into another site that the plan writes before a batch into an
    // internet-facing one.
    let late = (0..out.moves.len()).find(|&i| !facing[i] && facing[i..].iter().any(|f| *f));
    let Some(late) = late else {
        return;
    };
    let batch = &out.moves[late];
    let site = out
        .servers
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(&batch.target_server))
        .map_or_else(String::new, |x| x.site.clone());
    cx.report(
        Diagnostic::new(
            Code::W0701,
            batch.origin.span,
            format!(
                "batch `{}` moves mailboxes into site `{site}` and runs after the batches into the internet-facing sites, not where the plan writes it",
                batch.name
            ),
        )
        .with_label("runs later")
        .with_help(
            "write it after them, or add `move-order as-written` to run the batches in the order written (R05, R40)",
        ),
    );
    let mut keyed: Vec<(bool, ir::MoveBatch)> = facing
        .into_iter()
        .zip(std::mem::take(&mut out.moves))
        .collect();
    keyed.sort_by_key(|(f, _)| !*f);
    out.moves = keyed.into_iter().map(|(_, m)| m).collect();
}
