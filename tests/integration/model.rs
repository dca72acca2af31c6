//! The organization model (`analyze::model`): every good plan's walk ends in the plan's end
//! state, and the checker is not vacuous: without any one of the generated steps, it reports
//! what breaks.

use crate::common::{self, load};
use exgen::ir::steps::{Schedule, Step, StepContext};
use exgen::specs::Specs;
use proptest::prelude::*;

#[test]
fn every_good_plan_reaches_its_end_state() {
    for path in common::good_plans() {
        let (file, _, loader) = load(&path);
        let (checked, diags) = exgen::check(&file, &loader);
        let checked = checked.unwrap_or_else(|| panic!("{}", path.display()));
        let model: Vec<_> = diags
            .iter()
            .filter(|d| d.code.as_str().starts_with("E07"))
            .collect();
        assert!(model.is_empty(), "{}: {model:?}", path.display());
        let last = checked.states.last().expect("states");
        assert!(
            last.pending.is_empty(),
            "{}: pending at the end: {:?}",
            path.display(),
            last.pending
        );
    }
}

#[test]
fn removing_any_generated_step_is_reported() {
    let mut missed = Vec::new();
    let mut removed = 0;
    for path in common::good_plans() {
        let (file, _, loader) = load(&path);
        let (checked, _) = exgen::check(&file, &loader);
        let checked = checked.expect("a good plan checks");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (n, mut m) = unreported_removals(&checked, &name);
        removed += n;
        missed.append(&mut m);
    }
    assert!(removed > 500, "only {removed} steps removed");
    assert!(
        missed.is_empty(),
        "not reported when removed:\n{}",
        missed.join("\n")
    );
}

/// Finding B3 of the consultant review: `/PrepareAD` prepares only the domain it runs in. In a
/// forest with several domains, `/PrepareDomain` runs for each (the root domain too, declared
/// or not) between `/PrepareAD` and the first install, and without it the model reports the
/// install running before the child domain is prepared. A forest with one domain gets none.
#[test]
fn each_domain_of_a_forest_with_several_is_prepared_before_the_first_install() {
    let path = common::root().join("tests/plans/ok/child-domain-2016-to-se.exm");
    let (file, _, loader) = load(&path);
    let checked = exgen::check(&file, &loader).0.expect("the plan checks");
    let phases: Vec<&str> = checked
        .schedule
        .scripts
        .iter()
        .map(|s| s.phase.as_str())
        .collect();
    let at = |phase: &str| phases.iter().position(|p| *p == phase).unwrap();
    assert!(at("prepare-ad") < at("prepare-domains") && at("prepare-domains") < at("install"));
    let step = &checked.schedule.scripts[at("prepare-domains")].steps[0];
    let StepContext::PrepareDomains(prepare) = &step.context else {
        panic!("not a domain preparation: {}", step.kind());
    };
    let domains: Vec<(&str, &str)> = prepare
        .domains
        .iter()
        .map(|d| (d.domain.as_str(), d.switches[0].as_str()))
        .collect();
    assert_eq!(
        domains,
        [
            ("contoso.com", "/PrepareDomain:contoso.com"),
            ("eu.contoso.com", "/PrepareDomain:eu.contoso.com")
        ]
    );

    let mut schedule = checked.schedule.clone();
    schedule.scripts.remove(at("prepare-domains"));
    let (_, diags) = exgen::analyze::model::walk(&checked.plan, &schedule, Specs::embedded());
    assert!(
        diags.iter().any(|d| d.code.as_str() == "E0707"
            && d.message.contains("`install_server`")
            && d.message.contains("`eu.contoso.com`")),
        "{diags:?}"
    );

    let one = common::root().join("examples/woodgrove-2013-to-2019.exm");
    let (file, _, loader) = load(&one);
    let checked = exgen::check(&file, &loader).0.expect("the plan checks");
    assert!(
        checked
            .schedule
            .scripts
            .iter()
            .all(|s| s.phase != "prepare-domains"),
        "one domain: /PrepareAD prepares it"
    );
}

/// How many steps of `checked` were removed one at a time, and those whose removal the walk
/// did not report.
fn unreported_removals(checked: &exgen::ir::Checked, name: &str) -> (usize, Vec<String>) {
    let specs = Specs::embedded();
    let total: usize = checked.schedule.scripts.iter().map(|s| s.steps.len()).sum();
    let mut removed = 0;
    let mut missed = Vec::new();
    for n in 0..total {
        let (schedule, step, kind) = without_step(&checked.schedule, n);
        if watches_only(&step) {
            continue;
        }
        let (_, diags) = exgen::analyze::model::walk(&checked.plan, &schedule, specs);
        removed += 1;
        if !diags.has_errors() {
            missed.push(format!("{name}: step {n} ({kind})"));
        }
    }
    (removed, missed)
}

/// The schedule without its `n`-th step, counted across scripts in order, that step, and its
/// kind and phase.
fn without_step(schedule: &Schedule, n: usize) -> (Schedule, Step, String) {
    let mut out = schedule.clone();
    let mut seen = 0;
    for script in &mut out.scripts {
        if n < seen + script.steps.len() {
            let step = script.steps.remove(n - seen);
            let what = format!("{} in {}", step.kind().name(), script.phase);
            return (out, step, what);
        }
        seen += script.steps.len();
    }
    panic!("no step {n}");
}

/// The one step that changes nothing by design: the status of a migration batch created
/// without auto-start runs before the complete step starts it, and is there to be run again
/// afterwards (it reads, it waits for nothing).
fn watches_only(step: &Step) -> bool {
    match &step.context {
        StepContext::MigrationBatchStatus(watch) => watch
            .batch
            .migration_batch
            .as_ref()
            .is_some_and(|m| !m.auto_start),
        _ => false,
    }
}

/// One supported upgrade path, as a generated plan states it.
struct Path {
    source: &'static str,
    source_level: &'static str,
    target: &'static str,
    target_level: &'static str,
    os: &'static str,
    functional_level: &'static str,
    /// The older version's users are redirected to a legacy name (2007 beside 2010/2013).
    legacy: bool,
}

/// The side-by-side paths of facts §2.2 from 2007 on, at levels that coexist:
/// (source, its level) → (target, its level), a new server's OS, the forest level, legacy name.
#[rustfmt::skip]
const PATHS: &[Path] = &[
    path(("2007", "sp3 ru15"), ("2010", "sp3"), "Windows Server 2008 R2", "2003", true),
    path(("2007", "sp3 ru15"), ("2013", "cu23"), "Windows Server 2012 R2", "2008r2", true),
    path(("2010", "sp3 ru11"), ("2013", "cu23"), "Windows Server 2012 R2", "2008r2", false),
    path(("2010", "sp3 ru11"), ("2016", "cu23"), "Windows Server 2016", "2008r2", false),
    path(("2013", "cu23"), ("2016", "cu23"), "Windows Server 2016", "2008r2", false),
    path(("2013", "cu23"), ("2019", "cu14"), "Windows Server 2022", "2016", false),
    path(("2016", "cu23"), ("2019", "cu14"), "Windows Server 2022", "2016", false),
    path(("2016", "cu23"), ("se", "rtm"), "Windows Server 2025", "2016", false),
    path(("2019", "cu14"), ("se", "rtm"), "Windows Server 2025", "2016", false),
];

const fn path(
    (source, source_level): (&'static str, &'static str),
    (target, target_level): (&'static str, &'static str),
    os: &'static str,
    functional_level: &'static str,
    legacy: bool,
) -> Path {
    Path {
        source,
        source_level,
        target,
        target_level,
        os,
        functional_level,
        legacy,
    }
}

/// What varies between generated plans besides the path.
#[derive(Debug, Clone)]
struct Shape {
    path: usize,
    branch: bool,
    public_folders: bool,
    decommission: bool,
    outlook_anywhere: bool,
    validate: bool,
    suspend: bool,
    pilot: bool,
    mail_flow: bool,
    cas_array: bool,
    /// The forest has a child domain besides its root (domain preparation, finding B3).
    child_domain: bool,
}

fn roles(version: &str) -> &'static str {
    match version {
        "2007" | "2010" => "cas hub mailbox",
        "2013" => "cas mailbox",
        _ => "mailbox",
    }
}

/// The plan a shape describes: one internet-facing site (and a branch), each with one older
/// server holding every role and one new one beside it, in a forest of one domain (or two).
fn plan_text(x: &Shape) -> String {
    use std::fmt::Write as _;
    let p = &PATHS[x.path];
    let mut sites = vec![("HQ", " internet-facing")];
    if x.branch {
        sites.push(("BR", ""));
    }
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "plan \"Generated\" {{").unwrap();
    writeln!(w, "  organization \"Contoso\"").unwrap();
    writeln!(w, "  target exchange {} {}", p.target, p.target_level).unwrap();
    writeln!(w, "  media \"\\\\fs01\\media\\Exchange\"").unwrap();
    writeln!(
        w,
        "  forest \"contoso.com\" {{ functional-level {}; domain \"contoso.com\"{} }}",
        p.functional_level,
        if x.child_domain {
            "; domain \"eu.contoso.com\""
        } else {
            ""
        }
    )
    .unwrap();
    writeln!(w, "  namespaces {{").unwrap();
    writeln!(w, "    primary \"mail.contoso.com\"").unwrap();
    writeln!(w, "    autodiscover \"autodiscover.contoso.com\"").unwrap();
    if p.legacy {
        writeln!(w, "    legacy \"legacy.contoso.com\"").unwrap();
    }
    writeln!(w, "  }}").unwrap();
    for (site, facing) in &sites {
        writeln!(w, "  site \"{site}\"{facing} {{").unwrap();
        if x.cas_array && p.target == "2010" {
            writeln!(
                w,
                "    cas-array \"outlook-{}.contoso.com\"",
                site.to_lowercase()
            )
            .unwrap();
        }
        writeln!(
            w,
            "    server {site}-OLD {{ exchange {} {}; roles {} }}",
            p.source,
            p.source_level,
            roles(p.source)
        )
        .unwrap();
        writeln!(
            w,
            "    server {site}-NEW {{ exchange {} {}; os \"{}\"; roles {}; new }}",
            p.target,
            p.target_level,
            p.os,
            roles(p.target)
        )
        .unwrap();
        writeln!(w, "  }}").unwrap();
    }
    for (site, _) in &sites {
        writeln!(w, "  database {site}-DB on {site}-NEW").unwrap();
    }
    if x.public_folders && p.target == "2010" {
        writeln!(w, "  public-folder-database HQ-PF on HQ-NEW").unwrap();
    }
    let mut on: Vec<String> = sites.iter().map(|(s, _)| format!("{s}-NEW")).collect();
    if p.legacy {
        on.push("HQ-OLD".to_owned());
    }
    writeln!(
        w,
        "  certificate on {} {{ names primary autodiscover{} }}",
        on.join(" "),
        if p.legacy { " legacy" } else { "" }
    )
    .unwrap();
    writeln!(w, "  client-access on HQ-NEW {{").unwrap();
    if x.outlook_anywhere {
        writeln!(
            w,
            "    outlook-anywhere {{ auth ntlm; ssl-offloading off }}"
        )
        .unwrap();
    }
    writeln!(w, "    offline-address-book \"Generated OAB\"").unwrap();
    writeln!(w, "  }}").unwrap();
    if x.mail_flow {
        writeln!(
            w,
            "  mail-flow on HQ-NEW {{ inbound anonymous; send-connector \"Internet\" }}"
        )
        .unwrap();
    }
    if x.validate {
        writeln!(w, "  validate on HQ-NEW {{ service-health }}").unwrap();
    }
    if x.pilot {
        writeln!(
            w,
            "  move mailboxes to HQ-DB {{ batch \"Pilot\"; mailbox \"pilot@contoso.com\" }}"
        )
        .unwrap();
    }
    for (site, _) in &sites {
        writeln!(
            w,
            "  move mailboxes to {site}-DB {{ batch \"{site}\"; from server {site}-OLD{} }}",
            if x.suspend {
                "; suspend-when-ready"
            } else {
                ""
            }
        )
        .unwrap();
    }
    if x.public_folders {
        writeln!(w, "  public-folders from HQ-OLD to HQ-NEW").unwrap();
    }
    if x.decommission {
        let old: Vec<String> = sites.iter().map(|(s, _)| format!("{s}-OLD")).collect();
        writeln!(w, "  decommission {}", old.join(" ")).unwrap();
    }
    writeln!(w, "}}").unwrap();
    out
}

fn shape() -> impl Strategy<Value = Shape> {
    (0..PATHS.len(), any::<[bool; 10]>()).prop_map(|(path, b)| Shape {
        path,
        branch: b[0],
        public_folders: b[1],
        decommission: b[2],
        outlook_anywhere: b[3],
        validate: b[4],
        suspend: b[5],
        pilot: b[6],
        // Decommissioning the old transport servers needs internet mail moved first.
        mail_flow: b[7] || b[2],
        cas_array: b[8],
        child_domain: b[9],
    })
}

/// Every path, deterministically, in a forest with a child domain: the domains are prepared
/// between `/PrepareAD` and the first install, whatever the target, and each step is needed.
#[test]
fn every_path_prepares_both_domains_of_a_forest_with_a_child_domain() {
    for (path, p) in PATHS.iter().enumerate() {
        let x = Shape {
            path,
            branch: true,
            public_folders: false,
            decommission: true,
            outlook_anywhere: false,
            validate: false,
            suspend: false,
            pilot: false,
            mail_flow: true,
            cas_array: false,
            child_domain: true,
        };
        let text = plan_text(&x);
        let (file, _) =
            exgen::source::SourceFile::from_bytes("generated.exm".to_owned(), text.as_bytes());
        let (checked, diags) = exgen::check(&file, &common::DirLoader(common::root()));
        let rendered = exgen::diag::render::terminal(&file, &diags, false);
        let checked = checked.unwrap_or_else(|| panic!("{text}\n{rendered}"));
        let phases: Vec<&str> = checked
            .schedule
            .scripts
            .iter()
            .map(|s| s.phase.as_str())
            .collect();
        let domains = phases.iter().position(|p| *p == "prepare-domains");
        let install = phases.iter().position(|p| *p == "install");
        assert!(
            domains.is_some_and(|d| install.is_some_and(|i| d < i)),
            "{}: {phases:?}",
            p.target
        );
        let (_, missed) = unreported_removals(&checked, "generated.exm");
        assert!(missed.is_empty(), "{text}\n{}", missed.join("\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every plan of the generator compiles, and its walk ends in its end state with nothing
    /// pending: the generated steps carry out every statement of every shape on every path.
    #[test]
    fn every_generated_plan_reaches_its_end_state(x in shape()) {
        let text = plan_text(&x);
        let (file, _) = exgen::source::SourceFile::from_bytes("generated.exm".to_owned(), text.as_bytes());
        let (checked, diags) = exgen::check(&file, &common::DirLoader(common::root()));
        let rendered = exgen::diag::render::terminal(&file, &diags, false);
        prop_assert!(checked.is_some(), "{x:?}\n{text}\n{rendered}");
        let checked = checked.unwrap();
        let last = checked.states.last().expect("states");
        prop_assert!(last.pending.is_empty(), "{x:?}\n{text}\npending: {:?}", last.pending);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// And in every generated plan, each step is there for a reason the model knows.
    #[test]
    fn removing_any_step_of_a_generated_plan_is_reported(x in shape()) {
        let text = plan_text(&x);
        let (file, _) = exgen::source::SourceFile::from_bytes("generated.exm".to_owned(), text.as_bytes());
        let (checked, _) = exgen::check(&file, &common::DirLoader(common::root()));
        let checked = checked.expect("the previous property");
        let (_, missed) = unreported_removals(&checked, "generated.exm");
        prop_assert!(missed.is_empty(), "{x:?}\n{text}\nnot reported when removed:\n{}", missed.join("\n"));
    }
}

/// Point m5 of the consultant review: the script of `dag_leave` refuses while a database active
/// on the member holds a mailbox of any kind, so the model lets a member leave its DAG only
/// once every mailbox has left it: run before the moves, the step is reported.
#[test]
fn a_dag_member_leaves_only_once_every_mailbox_has_left_it() {
    let path = common::root().join("tests/plans/ok/existing-dag-2010-to-2013.exm");
    let (file, _, loader) = load(&path);
    let (checked, _) = exgen::check(&file, &loader);
    let checked = checked.expect("the plan checks");
    let mut schedule = checked.schedule.clone();
    let leave = schedule
        .scripts
        .iter()
        .position(|s| s.phase == "dag-leave")
        .expect("a dag-leave script");
    let moves = schedule
        .scripts
        .iter()
        .position(|s| s.phase == "move-mailboxes")
        .expect("a move-mailboxes script");
    let script = schedule.scripts.remove(leave);
    schedule.scripts.insert(moves, script);
    let (_, diags) = exgen::analyze::model::walk(&checked.plan, &schedule, Specs::embedded());
    let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`dag_leave`") && m.contains("every mailbox has left `MBX2010A`")),
        "{messages:#?}"
    );
}
