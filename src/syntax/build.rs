//! The schema layer: generic statements → the typed [`ast`](super::ast), with coded
//! diagnostics (E0105–E0109). One `build_<thing>` function per construct; every error is
//! collected, so one pass reports all of them.

use super::args::Args;
use super::ast::{ExchangeVersion, Item, ItemKind, Plan, Text};
use super::parser::Stmt;
use super::schema::BlockKind;
use super::values::ValueKind;
use super::{migration, services, topology};
use crate::diag::suggest;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;

/// Collects diagnostics while building.
#[derive(Debug, Default)]
pub struct Builder {
    /// Everything found so far.
    pub diags: Diagnostics,
}

impl Builder {
    /// Records a diagnostic.
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The statements of `stmt`'s block (none without a block) whose keyword `kind` accepts,
    /// each with its lower-case keyword; others are reported as E0106.
    pub fn children<'s>(&mut self, stmt: &'s Stmt, kind: BlockKind) -> Vec<(String, &'s Stmt)> {
        let Some(block) = &stmt.block else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for child in &block.stmts {
            let key = child.key();
            if kind.keywords().contains(&key.as_str()) {
                out.push((key, child));
            } else {
                self.error(misplaced(child, kind));
            }
        }
        out
    }

    /// Reports a block on a statement that takes none.
    pub fn no_block(&mut self, stmt: &Stmt) {
        if let Some(block) = &stmt.block {
            self.error(
                Diagnostic::new(
                    Code::E0107,
                    block.span,
                    format!("`{}` takes no block", stmt.key()),
                )
                .with_label("unexpected block")
                .with_help("remove the braces and what is between them"),
            );
        }
    }

    /// Reports a missing required setting (E0109) on `stmt`'s head.
    pub fn missing(&mut self, stmt: &Stmt, message: String, help: &str) {
        self.missing_one_of(stmt, message, help, &[]);
    }

    /// [`Builder::missing`], with the statements that would each complete `stmt`'s block, for
    /// editors to offer (only complete statements: never a placeholder that would check).
    pub fn missing_one_of(&mut self, stmt: &Stmt, message: String, help: &str, add: &[&str]) {
        let mut d = Diagnostic::new(Code::E0109, stmt.head(), message)
            .with_label("declared here")
            .with_help(help);
        for text in add {
            d = d.with_fix(crate::diag::Fix::AddStatement {
                statement: stmt.span,
                text: (*text).to_owned(),
            });
        }
        self.error(d);
    }
}

/// Remembers which single-valued settings a block has set, to report repeats (E0108).
#[derive(Debug, Default)]
pub struct Seen(Vec<(String, Span)>);

impl Seen {
    /// True the first time `stmt`'s keyword is seen; later times report E0108.
    pub fn first(&mut self, b: &mut Builder, stmt: &Stmt) -> bool {
        let key = stmt.key();
        if let Some((_, first)) = self.0.iter().find(|(k, _)| *k == key) {
            b.error(
                Diagnostic::new(Code::E0108, stmt.head(), format!("`{key}` is set twice"))
                    .with_label("set again here")
                    .with_related(*first, "first set here")
                    .with_help("keep one of them"),
            );
            return false;
        }
        self.0.push((key, stmt.head()));
        true
    }

    /// Whether a statement with keyword `key` was seen, valid or not: a required setting
    /// written wrongly has already been reported and is not also "missing".
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

/// E0106 for a statement whose keyword `kind` does not accept.
fn misplaced(stmt: &Stmt, kind: BlockKind) -> Diagnostic {
    let key = stmt.key();
    let homes = kind.homes_of(&key);
    let place = format!("a `{}` block", kind.name());
    if homes.is_empty() {
        return unknown_keyword(stmt, kind.keywords(), &place);
    }
    let names: Vec<String> = homes.iter().map(|h| format!("`{}`", h.name())).collect();
    Diagnostic::new(
        Code::E0106,
        stmt.keyword_span,
        format!("`{key}` is not allowed in {place}"),
    )
    .with_label("not allowed here")
    .with_help(format!("`{key}` belongs in a {} block", names.join(" or ")))
}

/// E0106 for a keyword nothing accepts, with a suggestion or the valid keywords of `place`.
fn unknown_keyword(stmt: &Stmt, valid: &[&str], place: &str) -> Diagnostic {
    let help = suggest::help(&stmt.keyword, valid, || {
        format!("valid in {place}: {}", super::args::one_of(valid))
    });
    Diagnostic::new(
        Code::E0106,
        stmt.keyword_span,
        format!("unknown keyword `{}`", stmt.keyword),
    )
    .with_label("unknown keyword")
    .with_help(help)
}

/// The top level: exactly one `plan "Title" { ... }`.
pub fn build_file(b: &mut Builder, stmts: &[Stmt], text_len: usize) -> Option<Plan> {
    if stmts.is_empty() {
        b.error(
            Diagnostic::new(
                Code::E0105,
                Span::new(0, text_len.min(1)),
                "the file holds no plan",
            )
            .with_label("no `plan` statement in this file")
            .with_help("write `plan \"Title\" { ... }` with the plan's statements inside"),
        );
        return None;
    }
    let plan_keywords = BlockKind::Plan.keywords();
    let no_plan = stmts
        .iter()
        .all(|s| !s.keyword.eq_ignore_ascii_case("plan"));
    if no_plan
        && stmts
            .iter()
            .all(|s| plan_keywords.contains(&s.key().as_str()))
    {
        b.error(included_file_alone(&stmts[0]));
        return None;
    }
    let mut plan = None;
    let mut first: Option<Span> = None;
    for stmt in stmts {
        if stmt.key() != "plan" {
            b.error(top_level(stmt));
        } else if let Some(first) = first {
            b.error(
                Diagnostic::new(
                    Code::E0106,
                    stmt.keyword_span,
                    "a file holds only one `plan`",
                )
                .with_label("second plan")
                .with_related(first, "first plan here")
                .with_help("put each plan in its own file"),
            );
        } else {
            first = Some(stmt.keyword_span);
            plan = build_plan(b, stmt);
        }
    }
    plan
}

/// E0105 for a file of plan-block statements without a `plan`: a file a plan includes, given
/// on its own (one diagnostic, not one per statement).
fn included_file_alone(first: &Stmt) -> Diagnostic {
    Diagnostic::new(Code::E0105, first.keyword_span, "the file holds no plan")
        .with_label("statements of a plan block, without a `plan` around them")
        .with_help(
            "a file a plan includes (`include \"file.exm\"`) is checked with that plan: check the \
             plan; or put these statements between the braces of `plan \"Title\" { ... }`",
        )
}

/// E0106 for a top-level statement other than `plan`.
fn top_level(stmt: &Stmt) -> Diagnostic {
    let key = stmt.key();
    if BlockKind::Plan.keywords().contains(&key.as_str()) {
        return Diagnostic::new(
            Code::E0106,
            stmt.keyword_span,
            format!("`{key}` must be inside the `plan` block"),
        )
        .with_label("outside the plan")
        .with_help("move it between the braces of `plan \"Title\" { ... }`");
    }
    let homes = BlockKind::Plan.homes_of(&key);
    if let Some(home) = homes.first() {
        return Diagnostic::new(
            Code::E0106,
            stmt.keyword_span,
            format!("`{key}` is not allowed at the top level"),
        )
        .with_label("not allowed here")
        .with_help(format!("`{key}` belongs in a `{}` block", home.name()));
    }
    let mut d = unknown_keyword(stmt, &["plan"], "the top level");
    d.help = Some(match d.help {
        Some(h) if h.starts_with("did") => h,
        _ => "a file holds one `plan \"Title\" { ... }`".to_owned(),
    });
    d
}

/// `plan "Title" { ... }`
fn build_plan(b: &mut Builder, stmt: &Stmt) -> Option<Plan> {
    let mut args = Args::new(stmt, "plan \"Title\" { ... }");
    let title = args.name(b, "the plan's title", ValueKind::Text);
    let args_ok = args.finish(b);
    if args_ok && stmt.block.is_none() {
        b.error(
            Diagnostic::new(Code::E0107, stmt.head(), "`plan` needs a block `{ ... }`")
                .with_label("no block")
                .with_help("write `plan \"Title\" {` here, the plan's statements, then `}`"),
        );
    }
    let mut seen = Seen::default();
    let mut items = Vec::new();
    for (key, child) in b.children(stmt, BlockKind::Plan) {
        let single = matches!(
            key.as_str(),
            "organization" | "target" | "media" | "move-order" | "namespaces"
        );
        if single && !seen.first(b, child) {
            continue;
        }
        if let Some(kind) = build_item(b, &key, child) {
            items.push(Item {
                kind,
                span: child.span,
                keyword: child.keyword_span,
            });
        }
    }
    Some(Plan {
        title: title?,
        items,
        span: stmt.span,
    })
}

/// One statement of the plan block, by its (lower-case, known) keyword.
fn build_item(b: &mut Builder, key: &str, stmt: &Stmt) -> Option<ItemKind> {
    match key {
        "organization" => topology::build_organization(b, stmt),
        "target" => topology::build_target(b, stmt),
        "media" => topology::build_media(b, stmt),
        "move-order" => migration::build_move_order(b, stmt),
        "forest" => topology::build_forest(b, stmt),
        "namespaces" => topology::build_namespaces(b, stmt),
        "site" => topology::build_site(b, stmt),
        "database" | "public-folder-database" => topology::build_database(b, stmt),
        "certificate" => topology::build_certificate(b, stmt),
        "client-access" => services::build_client_access(b, stmt),
        "mail-flow" => services::build_mail_flow(b, stmt),
        "move" => migration::build_move(b, stmt),
        "public-folders" => migration::build_public_folders(b, stmt),
        "galsync" => migration::build_galsync(b, stmt),
        "validate" => migration::build_validate(b, stmt),
        "decommission" => migration::build_decommission(b, stmt),
        "manual" => migration::build_manual(b, stmt),
        "dag" => topology::build_dag(b, stmt),
        "ccr" => topology::build_ccr(b, stmt),
        "exmerge" => migration::build_exmerge(b, stmt),
        // `children` only yields keywords of the plan block, all listed above.
        _ => None,
    }
}

/// `exchange 2010 sp3 [ru10 ...]`: `exchange` (already read when `start` is given) and the
/// version, then update levels to the end of the statement.
pub fn build_version(
    b: &mut Builder,
    args: &mut Args<'_>,
    start: Option<Span>,
) -> Option<ExchangeVersion> {
    let start = match start {
        Some(s) => s,
        None => args.keyword(b, "exchange")?,
    };
    let version = args.version(b, "an Exchange version such as `2010`")?;
    let mut update: Vec<Text> = Vec::new();
    while args.more() {
        update.push(args.value(b, "an update level such as `sp3`")?);
    }
    let end = update.last().map_or(version.span, |u| u.span);
    Some(ExchangeVersion {
        version,
        update,
        span: start.to(end),
    })
}
