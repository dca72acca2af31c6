//! Builders for what the plan does: mailbox moves, public folders, GALSync, validation,
//! decommissioning and manual steps.

use super::args::{self, Args};
use super::ast::{
    ExMerge, GalSync, ItemKind, MailboxMove, Manual, MoveSource, PublicFolders, Schedule, Text,
    Validate,
};
use super::build::{Builder, Seen};
use super::parser::Stmt;
use super::schema::{self, BlockKind};
use super::values::ValueKind;
use crate::diag::{Code, Diagnostic};

/// `move mailboxes to DATABASE { batch ...; from server X; from database "Y"; mailbox "a@b"; csv "..."; ... }`
pub fn build_move(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "move mailboxes to DATABASE { ... }");
    args.keyword(b, "mailboxes");
    args.keyword(b, "to");
    let target = args.name(b, "the target database's name", ValueKind::Text);
    let ok = args.finish(b);
    let mut mv = MailboxMove {
        target: args::blank(target),
        batch: None,
        sources: Vec::new(),
        bad_item_limit: None,
        accept_large_data_loss: None,
        suspend_when_ready: None,
        method: None,
        auto_start: None,
        auto_complete: None,
    };
    let mut seen = Seen::default();
    let children = b.children(stmt, BlockKind::Move);
    for (key, child) in &children {
        b.no_block(child);
        let single = !matches!(key.as_str(), "from" | "mailbox" | "csv");
        if !single || seen.first(b, child) {
            move_setting(b, &mut mv, key, child);
        }
    }
    let any_source = children
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "from" | "mailbox" | "csv"));
    if ok && !any_source {
        b.missing(
            stmt,
            "the move names no mailboxes".to_owned(),
            "add `from server NAME`, `from database NAME`, `mailbox \"address\"` or `csv \"file.csv\"` to its block",
        );
    }
    ok.then_some(ItemKind::Move(mv))
}

fn move_setting(b: &mut Builder, mv: &mut MailboxMove, key: &str, stmt: &Stmt) {
    let mut args = Args::new(stmt, move_usage(key));
    match key {
        "batch" => mv.batch = args.name(b, "the batch's name", ValueKind::Text),
        "from" => {
            let what = "`server` or `database`";
            let source = match args.choice(b, what, &["server", "database"]) {
                Some(w) if w.node == "server" => args
                    .name(b, "a server name", ValueKind::Computer)
                    .map(MoveSource::Server),
                Some(_) => args
                    .name(b, "a database name", ValueKind::Text)
                    .map(MoveSource::Database),
                None => None,
            };
            mv.sources.extend(source);
        }
        "mailbox" => mv.sources.extend(
            args.name(b, "a mailbox", ValueKind::Smtp)
                .map(MoveSource::Mailbox),
        ),
        "csv" => mv.sources.extend(
            args.string(b, "a CSV file's path as a string", ValueKind::Text)
                .map(MoveSource::Csv),
        ),
        "bad-item-limit" => mv.bad_item_limit = args.number(b, "a number"),
        "accept-large-data-loss" => mv.accept_large_data_loss = Some(stmt.keyword_span),
        "method" => {
            mv.method = args.choice(
                b,
                "`move-request` or `migration-batch`",
                schema::MOVE_METHODS,
            );
        }
        "auto-start" => mv.auto_start = Some(stmt.keyword_span),
        "auto-complete" => mv.auto_complete = Some(stmt.keyword_span),
        _ => mv.suspend_when_ready = Some(stmt.keyword_span),
    }
    args.finish(b);
}

fn move_usage(key: &str) -> &'static str {
    match key {
        "batch" => "batch \"Wave 1\"",
        "from" => "from server NAME | from database NAME",
        "mailbox" => "mailbox \"someone@contoso.com\"",
        "csv" => "csv \"waves\\wave1.csv\"",
        "bad-item-limit" => "bad-item-limit NUMBER",
        "accept-large-data-loss" => "accept-large-data-loss",
        "method" => "method move-request|migration-batch",
        "auto-start" => "auto-start",
        "auto-complete" => "auto-complete",
        _ => "suspend-when-ready",
    }
}

/// `public-folders from SERVER to SERVER`
pub fn build_public_folders(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "public-folders from SERVER to SERVER");
    args.keyword(b, "from");
    let from = args.name(b, "a server name", ValueKind::Computer);
    args.keyword(b, "to");
    let to = args.name(b, "a server name", ValueKind::Computer);
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::PublicFolders(PublicFolders {
        from: from?,
        to: to?,
    }))
}

/// `galsync "OU=..." { update ...; email-address-policy "..."; address-list "..."; global-address-list "..."; schedule ... }`
pub fn build_galsync(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "galsync \"OU=FromMIIS,DC=contoso,DC=com\" { ... }");
    let ou = args.name(b, "the FromMIIS OU's distinguished name", ValueKind::Dn);
    let ok = args.finish(b);
    let mut gal = GalSync {
        ou: args::blank(ou),
        update: None,
        specific: Vec::new(),
        schedule: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::GalSync) {
        b.no_block(child);
        match key.as_str() {
            "update" if seen.first(b, child) => {
                let mut args = Args::new(child, "update all|contacts|specific");
                gal.update = args.choice(
                    b,
                    "`all`, `contacts` or `specific`",
                    schema::GALSYNC_UPDATES,
                );
                args.finish(b);
            }
            "schedule" if seen.first(b, child) => gal.schedule = build_schedule(b, child),
            "email-address-policy" | "address-list" | "global-address-list" => {
                let mut args = Args::new(
                    child,
                    "email-address-policy|address-list|global-address-list \"Name\"",
                );
                let name = args.name(b, "a name", ValueKind::Text);
                if let (Some(name), true) = (name, args.finish(b)) {
                    gal.specific
                        .push((Text::new(key, child.keyword_span), name));
                }
            }
            _ => {}
        }
    }
    ok.then_some(ItemKind::GalSync(gal))
}

/// `schedule daily|hourly|weekly [at 02:00] [as "script.ps1"] run-as "DOMAIN\account"`
fn build_schedule(b: &mut Builder, stmt: &Stmt) -> Option<Schedule> {
    let mut args = Args::new(
        stmt,
        "schedule daily|hourly|weekly at HH:MM as \"script.ps1\" run-as \"DOMAIN\\account\"",
    );
    let every = args.choice(b, "`daily`, `hourly` or `weekly`", schema::PERIODS);
    let (mut at, mut script_path, mut run_as) = (None, None, None);
    let mut firsts: Vec<(&str, crate::source::Span)> = Vec::new();
    while let Some(arg) = args.peek() {
        let clause = ["at", "as", "run-as"]
            .into_iter()
            .find(|c| args.eat(c).is_some());
        let Some(clause) = clause else {
            args.reject(b, "`at`, `as` or `run-as`");
            break;
        };
        if let Some((_, first)) = firsts.iter().find(|(c, _)| *c == clause) {
            b.error(
                Diagnostic::new(Code::E0108, arg.span, format!("`{clause}` is set twice"))
                    .with_label("set again here")
                    .with_related(*first, "first set here")
                    .with_help("keep one of them"),
            );
        }
        firsts.push((clause, arg.span));
        match clause {
            "at" => at = args.time(b, "a time such as `02:00`"),
            "as" => script_path = args.string(b, "the script's path as a string", ValueKind::Path),
            _ => {
                run_as = args.name(
                    b,
                    "an account such as \"CONTOSO\\svc-galsync\"",
                    ValueKind::Account,
                )
            }
        }
    }
    let ok = args.finish(b);
    if ok && run_as.is_none() {
        b.missing(
            stmt,
            "the schedule has no `run-as` account".to_owned(),
            "add `run-as \"DOMAIN\\account\"`: the account the scheduled task runs as",
        );
    }
    ok.then_some(Schedule {
        every: every?,
        at,
        script_path,
        run_as,
        span: stmt.span,
    })
}

/// `validate on SERVER { service-health; mapi-connectivity; ... }`: checks are any words,
/// which analysis validates.
pub fn build_validate(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "validate on SERVER { CHECK; ... }");
    args.keyword(b, "on");
    let server = args.name(b, "a server name", ValueKind::Computer);
    let ok = args.finish(b);
    let mut checks = Vec::new();
    for check in stmt.block.iter().flat_map(|block| &block.stmts) {
        b.no_block(check);
        let mut args = Args::new(check, "validate on SERVER { CHECK; CHECK ... }");
        if args.finish(b) {
            checks.push(Text::new(check.key(), check.keyword_span));
        }
    }
    ok.then_some(ItemKind::Validate(Validate {
        server: server?,
        checks,
    }))
}

/// `decommission SERVER [SERVER ...]`
pub fn build_decommission(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "decommission SERVER [SERVER ...]");
    let mut servers = Vec::new();
    loop {
        servers.extend(args.name(b, "a server name", ValueKind::Computer));
        if !args.more() {
            break;
        }
    }
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::Decommission(servers))
}

/// `manual "text" [after PHASE]`
pub fn build_manual(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "manual \"what to do\" [after PHASE]");
    let text = args.string(b, "the step's text as a string", ValueKind::Text);
    let after = if args.eat("after").is_some() {
        args.value(b, "a phase name such as `mail-flow`")
    } else {
        None
    };
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::Manual(Manual { text: text?, after }))
}

/// `exmerge from SERVER { pst-folder "\\fs01\pst" }`
pub fn build_exmerge(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(
        stmt,
        "exmerge from SERVER { pst-folder \"\\\\server\\share\" }",
    );
    args.keyword(b, "from");
    let from = args.name(b, "the Exchange 5.5 server's name", ValueKind::Computer);
    let ok = args.finish(b);
    let mut exmerge = ExMerge {
        from: args::blank(from),
        pst_folder: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::ExMerge) {
        b.no_block(child);
        if key == "pst-folder" && seen.first(b, child) {
            let mut args = Args::new(child, "pst-folder \"\\\\server\\share\"");
            exmerge.pst_folder =
                args.string(b, "the PST share's path as a string", ValueKind::Path);
            args.finish(b);
        }
    }
    if ok && exmerge.pst_folder.is_none() {
        b.missing(
            stmt,
            "the exmerge block names no `pst-folder`".to_owned(),
            "add `pst-folder \"\\\\server\\share\"`: the share ExMerge writes the PST files to and the import reads them from",
        );
    }
    ok.then_some(ItemKind::ExMerge(exmerge))
}

/// `move-order sites|as-written`
pub fn build_move_order(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "move-order sites|as-written");
    let order = args.choice(b, "how batches are ordered", &["sites", "as-written"]);
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::MoveOrder(order?))
}
