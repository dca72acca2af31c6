//! Rendering: scripts and the runbook through the embedded minijinja templates.
//!
//! Templates are strict (an undefined value is an error) and escape centrally: every
//! `{{ value }}` in a `.ps1` template becomes a PowerShell single-quoted literal
//! ([`escape::ps_literal`]), every `{{ value }}` in a `.md` template escaped Markdown, unless
//! a filter marks it safe: `comment` (a `#` comment), `code` (Markdown code span), `list`
//! (comma-separated literals), `bool` (`$true`/`$false`). Templates mark nothing else safe.

use super::diagram::{Diagrams, Graph};
use super::layout::{BatchFiles, Marks, Script};
use super::users;
use crate::escape;
use crate::ir;
use crate::ir::steps::{Shell, Step, StepContext, StepKind};
use crate::specs::Specs;
use crate::specs::runbook::{BackOut, RunbookTable};
use minijinja::value::{Serde, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use std::collections::BTreeMap;

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The template folder every version falls back to.
const COMMON: &str = "common";

/// The generator's name and version, as written in headers.
pub(super) const GENERATOR: &str = concat!("exgen ", env!("CARGO_PKG_VERSION"));

pub(super) struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// The renderer with every embedded template parsed, built once per process: parsing the
    /// templates is most of a compile's time.
    pub fn shared() -> &'static Renderer {
        static RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
        RENDERER.get_or_init(Renderer::new)
    }

    pub fn new() -> Renderer {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid");
        env.set_syntax(syntax);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".ps1.j2") || name.ends_with("macros.j2") {
                AutoEscape::Custom("ps1".into())
            } else if name.ends_with(".md.j2") {
                AutoEscape::Custom("md".into())
            } else if name.ends_with(".cmd.j2") {
                AutoEscape::Custom("cmd".into())
            } else if name.ends_with(".ini.j2") {
                AutoEscape::Custom("ini".into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format);
        env.add_filter("comment", |v: &str| {
            Value::from_safe_string(escape::ps_comment(v))
        });
        env.add_filter("code", |v: &str| {
            Value::from_safe_string(escape::markdown_code(v))
        });
        env.add_filter("list", list);
        env.add_filter("bool", |v: bool| {
            Value::from_safe_string(if v { "$true" } else { "$false" }.to_owned())
        });
        env.add_filter("cmdlet", cmdlet);
        env.add_filter("block", block);
        env.add_filter("verbatim", verbatim);
        env.add_filter("tr", |v: &str| {
            escape::schtasks_tr(v)
                .map(Value::from_safe_string)
                .map_err(cmd_error)
        });
        env.add_filter("cmdline", |v: &str| {
            escape::cmd_line(v)
                .map(Value::from_safe_string)
                .map_err(cmd_error)
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name}: {e:#}"));
        }
        Renderer { env }
    }

    /// The template for step `kind` run in `shell`: the version's own, else the common one.
    pub fn find(&self, kind: StepKind, shell: &Shell) -> Option<String> {
        self.lookup(shell.version(), &format!("{kind}.ps1.j2"))
    }

    /// The first of `<version>/<file>`, then each folder the version's spec lists in
    /// `template_fallbacks` (a newer version inheriting an older one's templates) and, in turn,
    /// theirs, then `common/<file>`.
    fn lookup(&self, version: &str, file: &str) -> Option<String> {
        // Fallbacks are followed transitively (2019 → 2016 → 2013 → 2010), each folder once.
        let specs = Specs::embedded();
        let mut folders = vec![version.to_owned()];
        let mut next = 0;
        while next < folders.len() {
            let fallbacks = specs
                .get(&folders[next])
                .map(|s| s.template_fallbacks.clone())
                .unwrap_or_default();
            for folder in fallbacks {
                if !folders.contains(&folder) {
                    folders.push(folder);
                }
            }
            next += 1;
        }
        folders
            .into_iter()
            .chain(std::iter::once(COMMON.to_owned()))
            .map(|folder| format!("{folder}/{file}"))
            .find(|n| self.env.get_template(n).is_ok())
    }

    fn skeleton(&self, shell: &Shell) -> Result<String, Error> {
        let file = match shell {
            Shell::Exchange(_) => "shell.ps1.j2",
            Shell::Setup(_) => "setup.ps1.j2",
            Shell::Edge(_) => "edge.ps1.j2",
        };
        self.lookup(shell.version(), file).ok_or_else(|| {
            Error::new(
                ErrorKind::TemplateNotFound,
                format!("no {file} for Exchange {}", shell.version()),
            )
        })
    }

    /// One script: each step rendered by its template, wrapped in the shell's skeleton; and
    /// the number of lines each step's text takes (its cite line included), in step order.
    pub fn script(
        &self,
        g: &Globals<'_>,
        script: &Script<'_>,
        total: usize,
        batches: &BTreeMap<&str, BatchFiles>,
    ) -> Result<(String, Vec<usize>), Error> {
        let common = minijinja::context! {
            plan => g.plan.clone(),
            script => Serde(script),
            total => total,
            generator => GENERATOR,
            spec => g.spec(script.shell.version()),
            target_spec => g.target_spec.clone(),
        };
        let mut helpers = Vec::new();
        let mut kinds: Vec<StepKind> = Vec::new();
        for step in script.steps {
            if kinds.contains(&step.kind()) {
                continue;
            }
            kinds.push(step.kind());
            let helpers_file = format!("{}.helpers.ps1.j2", step.kind());
            if let Some(name) = self.lookup(script.shell.version(), &helpers_file) {
                let template = self.env.get_template(&name)?;
                let body = template.render(common.clone())?;
                helpers.push(Value::from_safe_string(body.trim_end().to_owned()));
            }
        }
        // A script that submits several move batches runs them one at a time when asked
        // (`-Batches`): a pilot is checked before the next batch is submitted.
        let batch_names: Vec<&str> = script.steps.iter().filter_map(batch_of).collect();
        let guarded = batch_names.len() > 1;
        let mut bodies = Vec::new();
        let mut lines = Vec::new();
        for step in script.steps {
            let name = self.find(step.kind(), &step.shell).ok_or_else(|| {
                Error::new(
                    ErrorKind::TemplateNotFound,
                    format!(
                        "no template for step {} in the shell of Exchange {}",
                        step.kind(),
                        step.shell.version()
                    ),
                )
            })?;
            let files = step_files(step, batches);
            let ctx = minijinja::context! { origin => Serde(&step.origin), step => Serde(&step.context), files => Serde(files), ..common.clone() };
            let mut body = self.env.get_template(&name)?.render(ctx)?;
            if let Some(batch) = batch_of(step).filter(|_| guarded) {
                let ctx = minijinja::context! { batch => batch, body => Value::from_safe_string(body), ..common.clone() };
                body = self.env.get_template(BATCH_GUARD)?.render(ctx)?;
            }
            let text = cite(&g.ir.file, &step.origin) + "\n" + body.trim_end() + "\n";
            lines.push(text.lines().count());
            bodies.push(Value::from_safe_string(text));
        }
        let ctx = minijinja::context! {
            helpers => helpers,
            steps => bodies,
            batches => if guarded { batch_names.iter().map(|b| (*b).to_owned()).collect() } else { Vec::<String>::new() },
            ..common
        };
        let text = self
            .env
            .get_template(&self.skeleton(script.shell)?)?
            .render(ctx)?;
        Ok((text, lines))
    }

    /// A `.cmd` file for one step of `script`, from `<version>/<name>.cmd.j2` (with fallbacks).
    /// `None` when no such template exists.
    pub fn cmd(
        &self,
        g: &Globals<'_>,
        script: &Script<'_>,
        step: &Step,
        name: &str,
    ) -> Option<Result<String, Error>> {
        let template = self.lookup(script.shell.version(), &format!("{name}.cmd.j2"))?;
        let ctx = minijinja::context! {
            plan => g.plan.clone(),
            script => Serde(script),
            generator => GENERATOR,
            origin => Serde(&step.origin),
            step => Serde(&step.context),
        };
        Some(self.env.get_template(&template).and_then(|t| t.render(ctx)))
    }

    /// A file of the ExMerge export (R33), `<version>/exmerge_export.<ext>.j2` (with fallbacks),
    /// for the server of `exmerge`; `stem` is the name its files share.
    pub fn exmerge(
        &self,
        g: &Globals<'_>,
        exmerge: &ir::ExMerge,
        stem: &str,
        ext: &str,
    ) -> Option<Result<String, Error>> {
        let template = self.lookup(&g.ir.target.version, &format!("exmerge_export.{ext}.j2"))?;
        let ctx = minijinja::context! {
            plan => g.plan.clone(),
            x => Serde(exmerge),
            stem => stem,
            generator => GENERATOR,
        };
        Some(self.env.get_template(&template).and_then(|t| t.render(ctx)))
    }

    /// The runbook entry of one step of `script`: its kind's partial, `runbook/<kind>.md.j2`,
    /// for the version of the script's shell (with fallbacks), as a safe string; what the step
    /// checks (the partial's `checks` macro); and, for a kind `specs/runbook.yaml` says can be
    /// undone, how (its `back_out` macro). A kind without a partial, or without a macro it
    /// needs, is an error, never an empty entry.
    fn runbook_step(
        &self,
        g: &Globals<'_>,
        script: &Script<'_>,
        spec: &Value,
        step: &Step,
        batches: &BTreeMap<&str, BatchFiles>,
    ) -> Result<RunbookStep, Error> {
        let file = runbook_partial(step.kind());
        let name = self.lookup(script.shell.version(), &file).ok_or_else(|| {
            Error::new(
                ErrorKind::TemplateNotFound,
                format!("no {file} for Exchange {}", script.shell.version()),
            )
        })?;
        let ctx = minijinja::context! {
            plan => g.plan.clone(),
            script => Serde(script),
            spec => spec.clone(),
            origin => Serde(&step.origin),
            step => Serde(&step.context),
            files => Serde(step_files(step, batches)),
        };
        let template = self.env.get_template(&name)?;
        let undo = g
            .notes
            .step(step.kind())
            .is_some_and(|n| n.back_out == BackOut::Undo);
        let mut captured = template.render_captured(ctx)?;
        let mut call = |what: &str, why: &str| {
            captured
                .with_state_mut(|state| state.call_macro(what, &[]))
                .map(|text| text.trim().to_owned())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("{name}: {why}, its `{what}` macro: {e}"),
                    )
                })
        };
        let checks = call("checks", "every runbook partial says what its step checks")?;
        let back_out = if undo {
            Some(call(
                "back_out",
                "specs/runbook.yaml says this kind can be undone",
            )?)
        } else {
            None
        };
        Ok(RunbookStep {
            body: Value::from_safe_string(captured.into_output()),
            checks,
            back_out,
        })
    }

    /// The runbook: every script and manual step in order, what each script asks for while it
    /// runs, and, after each phase that changes it, what users see (`views`: the table of the
    /// model's state before the first phase and after each, `None` where it did not change).
    pub fn runbook(
        &self,
        g: &Globals<'_>,
        scripts: &[Script<'_>],
        views: &[Option<users::UsersTable>],
        batches: &BTreeMap<&str, BatchFiles>,
        marks: &Marks<'_>,
        diagrams: &Diagrams,
    ) -> Result<String, Error> {
        let plan = g.ir;
        let entries = scripts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let spec = g.spec(s.shell.version());
                let rendered = s
                    .steps
                    .iter()
                    .map(|st| self.runbook_step(g, s, &spec, st, batches))
                    .collect::<Result<Vec<_>, Error>>()?;
                let card = phase_card(g, s, &rendered);
                let steps: Vec<Value> = rendered.into_iter().map(|r| r.body).collect();
                let mut asks: Vec<&str> = s
                    .steps
                    .iter()
                    .filter_map(|st| st.context.declares().asks_for(st.kind()))
                    .collect();
                asks.dedup();
                let users = marks.state_after[i].and_then(|k| views.get(k).cloned().flatten());
                // The command of each batch of a script that submits several (`-Batches`).
                let batches: Vec<&str> = s.steps.iter().filter_map(batch_of).collect();
                let batch_runs: Vec<String> = if batches.len() > 1 {
                    batches
                        .iter()
                        .map(|b| format!(".\\{} -Batches {}", s.file, escape::ps_literal(b)))
                        .collect()
                } else {
                    Vec::new()
                };
                Ok(minijinja::context! {
                    script => Serde(s),
                    steps => steps,
                    manual => Serde(&marks.manual[i]),
                    spec => spec,
                    asks => asks,
                    users => Serde(users),
                    rights => card.rights,
                    checks => card.checks,
                    batch_runs => batch_runs,
                    waits => card.waits,
                    back_out => card.back_out,
                })
            })
            .collect::<Result<Vec<Value>, Error>>()?;
        let at_end = &marks.at_end;
        let exmerge_stems: std::collections::BTreeMap<&str, String> = plan
            .exmerge
            .iter()
            .map(|x| (x.server.as_str(), super::exmerge_stem(&x.server)))
            .collect();
        let ctx = minijinja::context! {
            plan => g.plan.clone(),
            diagrams => diagram_values(diagrams),
            users_before => Serde(views.first().cloned().flatten()),
            exmerge_stems => exmerge_stems,
            scripts => entries,
            manual_at_end => Serde(at_end),
            generator => GENERATOR,
            target_spec => g.target_spec.clone(),
        };
        let name = self
            .lookup(&plan.target.version, "runbook.md.j2")
            .ok_or_else(|| Error::new(ErrorKind::TemplateNotFound, "no runbook template"))?;
        self.env.get_template(&name)?.render(ctx)
    }
}

/// The diagrams as the runbook template reads them: each graph's title and Mermaid text (safe:
/// [`Graph::mermaid`] escapes every label), or no text when GitHub would not render it.
fn diagram_values(d: &Diagrams) -> Value {
    let one = |g: &Graph| {
        let text = g.mermaid();
        let fits = g.fits_github(&text);
        minijinja::context! {
            title => g.title.clone(),
            mermaid => fits.then(|| Value::from_safe_string(text)),
            nodes => g.nodes.len(),
            edges => g.edges.len(),
        }
    };
    minijinja::context! {
        phases => one(&d.phases),
        topology => d.topology.iter().map(one).collect::<Vec<_>>(),
    }
}

/// One step's part of the runbook: its checklist entries, what it checks, how it is undone.
struct RunbookStep {
    body: Value,
    checks: String,
    back_out: Option<String>,
}

/// What a phase's section says beside its checklist: who may run it, what settles before the
/// next script, and how its change is undone (`specs/runbook.yaml`; `undo`: the text of each
/// step's `back_out` macro, for the kinds that have one).
struct PhaseCard {
    rights: Vec<String>,
    checks: Vec<Value>,
    waits: Vec<Value>,
    back_out: Vec<Value>,
}

fn phase_card(g: &Globals<'_>, script: &Script<'_>, steps: &[RunbookStep]) -> PhaseCard {
    let spec = g.specs.get(script.shell.version());
    let mut card = PhaseCard {
        rights: Vec::new(),
        checks: Vec::new(),
        waits: Vec::new(),
        back_out: Vec::new(),
    };
    // Who runs a step on an Edge Transport server is that server's own administrator.
    let on_edge = script
        .run_on
        .and_then(|name| g.ir.servers.iter().find(|s| s.name == name))
        .is_some_and(|s| s.roles.contains(&ir::Role::Edge));
    card.waits = g
        .notes
        .waits_after(script.steps.iter().map(Step::kind), script.shell.version())
        .into_iter()
        .map(|wait| {
            minijinja::context! {
                title => wait.title.clone(),
                go_on => Value::from_safe_string(wait.go_on.clone()),
            }
        })
        .collect();
    let mut texts: Vec<String> = Vec::new();
    let mut checks: Vec<&str> = Vec::new();
    for (step, rendered) in script.steps.iter().zip(steps) {
        if !rendered.checks.is_empty() && !checks.contains(&rendered.checks.as_str()) {
            checks.push(&rendered.checks);
        }
        let undo = &rendered.back_out;
        let Some(notes) = g.notes.step(step.kind()) else {
            continue;
        };
        let rights = match &notes.rights_on_edge {
            Some(edge) if on_edge => edge,
            _ => &notes.rights,
        };
        for key in rights {
            let group = g
                .notes
                .groups
                .get(key)
                .or_else(|| spec.and_then(|s| s.role_groups.get(key)));
            if let Some(group) = group
                && !card.rights.contains(group)
            {
                card.rights.push(group.clone());
            }
        }
        let text = match (&notes.back_out, undo) {
            (BackOut::Reads, _) => continue,
            (BackOut::Undo, Some(text)) => format!("Undo: {text}."),
            (BackOut::Undo, None) => continue,
            (BackOut::Note(why), _) => format!("Nothing to undo: {why}."),
            (BackOut::None(what), _) => format!("**No back-out**: {what}."),
        };
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    if texts.is_empty() {
        texts.push("Nothing to undo: the script only reads.".to_owned());
    }
    card.back_out = texts.into_iter().map(Value::from_safe_string).collect();
    card.checks = checks
        .into_iter()
        .map(|c| Value::from_safe_string(c.to_owned()))
        .collect();
    card
}

/// The comment that opens a step's text in its script: the plan file, line and statement it
/// carries out (`# plan.exm:29  certificate on MAIL2010 {`); a statement of an included file
/// names that file by its path from the plan's folder (`# sites/emea.exm:4  site "EMEA" {`).
pub(super) fn cite(file: &str, origin: &ir::Origin) -> String {
    format!(
        "# {}:{}  {}",
        escape::ps_comment(origin.file.as_deref().unwrap_or(file)),
        origin.line,
        escape::ps_comment(&origin.text)
    )
}

/// What every template may read besides its own step, converted to template values once per
/// compile: the plan's header (never its servers, batches or mailboxes, so no script costs
/// time in proportion to the whole plan) and the spec of each version.
pub(super) struct Globals<'a> {
    ir: &'a ir::Plan,
    specs: &'a Specs,
    notes: &'static RunbookTable,
    plan: Value,
    target_spec: Value,
    spec_values: BTreeMap<&'a str, Value>,
}

/// The part of the plan templates read as `plan.*`.
#[derive(serde::Serialize)]
struct PlanHeader<'a> {
    title: &'a str,
    file: &'a str,
    organization: &'a ir::Organization,
    target: &'a ir::VersionLevel,
    sources: &'a [String],
    media: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    exmerge: &'a [ir::ExMerge],
}

impl<'a> Globals<'a> {
    pub fn new(ir: &'a ir::Plan, specs: &'a Specs) -> Globals<'a> {
        let plan = Value::from(Serde(PlanHeader {
            title: &ir.title,
            file: &ir.file,
            organization: &ir.organization,
            target: &ir.target,
            sources: &ir.sources,
            media: ir.media.as_deref(),
            exmerge: &ir.exmerge,
        }));
        let spec_values = specs
            .all()
            .iter()
            .map(|s| (s.version.as_str(), Value::from(Serde(s))))
            .collect::<BTreeMap<_, _>>();
        let target_spec = spec_values
            .get(ir.target.version.as_str())
            .cloned()
            .unwrap_or_else(|| Value::from(()));
        Globals {
            ir,
            specs,
            notes: RunbookTable::embedded(),
            plan,
            target_spec,
            spec_values,
        }
    }

    /// The spec of `version` as a template value (none for a version without a spec).
    fn spec(&self, version: &str) -> Value {
        self.spec_values
            .get(version)
            .cloned()
            .unwrap_or_else(|| Value::from(()))
    }
}

/// The template that runs a step of a move batch only when `-Batches` names it (or is not given).
const BATCH_GUARD: &str = "common/batch_guard.ps1.j2";

/// The move batch a step submits, if it submits one.
fn batch_of(step: &Step) -> Option<&str> {
    match &step.context {
        StepContext::MoveMailboxes(m)
        | StepContext::MoveMailboxesCrossForest(m)
        | StepContext::MigrationBatch(m) => Some(m.batch.name.as_str()),
        _ => None,
    }
}

/// The files a step reads or writes next to the script, as lowering names them.
fn step_files<'a>(step: &Step, batches: &'a BTreeMap<&str, BatchFiles>) -> Option<&'a BatchFiles> {
    match &step.context {
        StepContext::MoveMailboxes(m)
        | StepContext::MoveMailboxesCrossForest(m)
        | StepContext::MigrationBatch(m) => batches.get(m.batch.name.as_str()),
        _ => None,
    }
}

/// The runbook partial of step kind `kind`, the same relative name in every template folder.
fn runbook_partial(kind: StepKind) -> String {
    format!("runbook/{kind}.md.j2")
}

/// The one formatter: values are escaped for the template's output context.
fn format(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    if value.is_safe() {
        return out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(Error::from);
    }
    let text = match value.kind() {
        ValueKind::Number => return write!(out, "{value}").map_err(Error::from),
        ValueKind::String => value.as_str().unwrap_or_default().to_owned(),
        ValueKind::Undefined | ValueKind::None => {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                "a missing value reached the output",
            ));
        }
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("a {other} cannot be written directly; use a filter"),
            ));
        }
    };
    let escaped = match state.auto_escape() {
        AutoEscape::Custom(name) if name == "ps1" => escape::ps_literal(&text),
        AutoEscape::Custom(name) if name == "md" => escape::markdown(&text),
        AutoEscape::Custom(name) if name == "cmd" => escape::cmd_arg(&text).map_err(cmd_error)?,
        AutoEscape::Custom(name) if name == "ini" => escape::ini_value(&text).map_err(cmd_error)?,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "no escaping is defined for this template",
            ));
        }
    };
    out.write_str(&escaped).map_err(Error::from)
}

/// The prefix of a render error for a value a `.cmd` file cannot carry; lowering turns it
/// into E0604 (analysis checks plan values first, so this is a second line of defence).
pub(super) const CMD_UNREPRESENTABLE: &str = "cmd-unrepresentable: ";

fn cmd_error(e: escape::EscapeError) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{CMD_UNREPRESENTABLE}{e}"),
    )
}

/// `"Get-" ~ noun|cmdlet`: a cmdlet name from the specs, checked to be a plain `Verb-Noun`.
fn cmdlet(name: &str) -> Result<Value, Error> {
    let ok = name.split_once('-').is_some_and(|(verb, noun)| {
        !verb.is_empty()
            && !noun.is_empty()
            && verb.chars().all(|c| c.is_ascii_alphabetic())
            && noun.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if ok {
        Ok(Value::from_safe_string(name.to_owned()))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{name}` is not a cmdlet name"),
        ))
    }
}

/// `body|block(4)`: indents every non-empty line of an already rendered (safe) block.
fn block(body: &Value, width: usize) -> Result<Value, Error> {
    if !body.is_safe() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "block() indents rendered code only",
        ));
    }
    let pad = " ".repeat(width);
    let text = body.as_str().unwrap_or_default();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    Ok(Value::from_safe_string(lines.join("\n")))
}

/// `name|verbatim`: a generated name (file name, version, slug) shown as is in a code block;
/// refuses anything that could end the block or the line.
fn verbatim(text: &str) -> Result<Value, Error> {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._ ".contains(c))
    {
        Ok(Value::from_safe_string(text.to_owned()))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{text}` cannot be shown verbatim"),
        ))
    }
}

/// `values|list`: comma-separated PowerShell literals (`'a','b'`).
fn list(values: Vec<String>) -> Value {
    let items: Vec<String> = values.iter().map(|v| escape::ps_literal(v)).collect();
    Value::from_safe_string(items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_mark_nothing_safe_by_hand() {
        // Values reach output only through the formatter or the escaping filters.
        for (name, source) in TEMPLATES {
            assert!(
                !source.contains("|safe") && !source.contains("| safe"),
                "{name} uses |safe"
            );
        }
    }

    #[test]
    fn the_formatter_quotes_strings_and_refuses_unescaped_values() {
        let mut env = Renderer::new().env;
        env.add_template("t.ps1.j2", "{{ a }} {{ n }} {{ b|bool }} {{ l|list }}")
            .unwrap();
        env.add_template("u.ps1.j2", "{{ b }}").unwrap();
        env.add_template("v.md.j2", "{{ a }}").unwrap();
        let ctx = minijinja::context! { a => "O'Brien", n => 3, b => true, l => vec!["x", "y'"] };
        let out = env
            .get_template("t.ps1.j2")
            .unwrap()
            .render(ctx.clone())
            .unwrap();
        assert_eq!(out, "'O''Brien' 3 $true 'x','y'''");
        assert!(
            env.get_template("u.ps1.j2")
                .unwrap()
                .render(ctx.clone())
                .is_err()
        );
        assert_eq!(
            env.get_template("v.md.j2").unwrap().render(ctx).unwrap(),
            "O'Brien"
        );
    }

    #[test]
    fn every_step_kind_has_a_common_runbook_partial() {
        // The lookup ends in common/, so a partial there serves every shell version; which
        // versions run a kind follows from each plan's servers, so it cannot be listed here.
        // A version folder may override a partial, but only for a kind that exists.
        let names: Vec<&str> = TEMPLATES.iter().map(|(name, _)| *name).collect();
        let kinds: Vec<&str> = StepKind::ALL.iter().map(|k| k.name()).collect();
        for kind in StepKind::ALL {
            let common = format!("{COMMON}/{}", runbook_partial(*kind));
            assert!(names.contains(&common.as_str()), "no {common}");
        }
        for name in names {
            let Some((_, file)) = name.split_once('/') else {
                continue;
            };
            if let Some(kind) = file
                .strip_prefix("runbook/")
                .and_then(|f| f.strip_suffix(".md.j2"))
            {
                assert!(
                    kinds.contains(&kind),
                    "{name} is the partial of no step kind"
                );
            }
        }
    }

    #[test]
    fn the_runbook_macros_escape_markdown() {
        // The auto-escape callback classifies by name: the macros file must get Markdown
        // escaping, not the `macros.j2` PowerShell escaping of the script macros.
        let mut env = Renderer::new().env;
        env.add_template("common/runbook.macros.md.j2", "{{ a }}")
            .unwrap();
        let out = env
            .get_template("common/runbook.macros.md.j2")
            .unwrap()
            .render(minijinja::context! { a => "*a*" })
            .unwrap();
        assert_eq!(out, escape::markdown("*a*"));
        assert_ne!(out, "*a*");
    }

    #[test]
    fn a_step_without_a_runbook_partial_is_an_error() {
        struct Examples;
        impl crate::FileLoader for Examples {
            fn read(&self, path: &str) -> Result<Vec<u8>, crate::ReadError> {
                let path = path.replace('\\', "/");
                std::fs::read(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("examples")
                        .join(path),
                )
                .map_err(|e| e.to_string().into())
            }
        }
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/contoso-2007-to-2010.exm"
        ))
        .unwrap();
        let file = crate::source::SourceFile::new("contoso-2007-to-2010.exm", text);
        let (checked, _) = crate::check(&file, &Examples);
        let checked = checked.expect("the example is valid");
        let plan = &checked.plan;
        let specs = Specs::embedded();
        let scripts = super::super::layout::scripts(&checked.schedule);
        let batches = super::super::layout::batch_files(plan);
        let marks = super::super::layout::marks(plan, specs, &scripts);
        let diagrams = super::super::diagrams(plan, &checked.schedule, &checked.states, specs);
        let views = users::views(&checked.states);
        let mut renderer = Renderer::new();
        let g = Globals::new(plan, specs);
        assert!(
            renderer
                .runbook(&g, &scripts, &views, &batches, &marks, &diagrams)
                .is_ok()
        );
        let removed = format!("{COMMON}/{}", runbook_partial(StepKind::Databases));
        renderer.env.remove_template(&removed);
        let error = renderer
            .runbook(&g, &scripts, &views, &batches, &marks, &diagrams)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TemplateNotFound);
        assert!(
            error.to_string().contains("runbook/databases.md.j2"),
            "{error}"
        );
    }

    #[test]
    fn cmdlet_and_verbatim_filters_refuse_what_could_inject() {
        assert!(cmdlet("Get-OwaVirtualDirectory").is_ok());
        assert!(cmdlet("Get-Owa; Remove-Item").is_err());
        assert!(cmdlet("Get-").is_err());
        assert!(verbatim("01-preflight.ps1").is_ok());
        assert!(verbatim("a`b").is_err());
        assert!(verbatim("a\nb").is_err());
    }
}
