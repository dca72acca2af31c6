use super::*;

fn specs() -> &'static Specs {
    Specs::embedded()
}

#[test]
fn every_spec_is_a_known_version_with_rising_builds() {
    for spec in specs().all() {
        assert!(
            specs().canonical(&spec.version).is_some(),
            "{} not in versions.yaml",
            spec.version
        );
        for pair in spec.updates.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{}: levels out of order",
                spec.version
            );
            assert!(
                pair[0].build < pair[1].build,
                "{}: builds out of order",
                spec.version
            );
        }
        for update in &spec.updates {
            assert_eq!(
                update.build.0[0], spec.major,
                "{} {}",
                spec.version, update.name
            );
        }
    }
}

#[test]
fn coexistence_minimums_exist_in_the_older_versions_spec() {
    for spec in specs().all() {
        for c in &spec.coexistence {
            assert!(
                specs().rank(&c.with) < specs().rank(&spec.version),
                "{} with {}",
                spec.version,
                c.with
            );
            if let Some(older) = specs().get(&c.with) {
                assert!(
                    older.update(&c.minimum.level).is_some(),
                    "{} needs {} {}",
                    spec.version,
                    c.with,
                    c.minimum.level
                );
            }
        }
        for b in &spec.blocked {
            assert!(
                specs().canonical(&b.with).is_some(),
                "{} blocks unknown {}",
                spec.version,
                b.with
            );
        }
    }
}

#[test]
fn minimums_match_the_facts_table() {
    // exchange-facts.md §2.1 and R02: 2010 needs 2007 at SP2 = 8.2.176.2 and 2003 at SP2.
    let s2010 = specs().get("2010").unwrap();
    let min = &s2010.coexists_with("2007").unwrap().minimum.level;
    assert_eq!(
        specs()
            .get("2007")
            .unwrap()
            .update(min)
            .unwrap()
            .build
            .to_string(),
        "8.2.176.2"
    );
    assert_eq!(
        s2010
            .coexists_with("2003")
            .unwrap()
            .minimum
            .level
            .to_string(),
        "SP2"
    );
    assert!(s2010.blocks("2000").is_some());
    assert_eq!(s2010.forest_functional_level.value, "2003");
}

#[test]
fn minimums_for_2013_match_the_facts_table() {
    // exchange-facts.md §2.1 and R34: 2007 SP3 RU10 = 8.3.298.3, 2010 SP3 = 14.3.123.4, and
    // the 2013 servers themselves at CU2 = 15.0.712.24; 2003 and earlier are blocked.
    let s2013 = specs().get("2013").unwrap();
    let build = |version: &str| {
        let min = &s2013.coexists_with(version).unwrap().minimum.level;
        specs()
            .get(version)
            .unwrap()
            .update(min)
            .unwrap()
            .build
            .to_string()
    };
    assert_eq!(build("2007"), "8.3.298.3");
    assert_eq!(build("2010"), "14.3.123.4");
    let own = &s2013.self_minimum_in_coexistence.as_ref().unwrap().value;
    assert_eq!(s2013.update(own).unwrap().build.to_string(), "15.0.712.24");
    for old in ["2003", "2000", "5.5"] {
        assert!(s2013.blocks(old).is_some(), "{old}");
    }
    assert_eq!(
        s2013.setup.as_ref().unwrap().license,
        ["/IAcceptExchangeServerLicenseTerms"]
    );
    assert_eq!(s2013.roles.install_order[0], "mailbox");
}

#[test]
fn roles_and_setup_names_are_consistent() {
    for spec in specs().all() {
        let r = &spec.roles;
        for role in r
            .install_order
            .iter()
            .chain(&r.alone)
            .chain(&r.mailbox_needs_in_site)
        {
            assert!(r.available.contains(role), "{}: {role}", spec.version);
        }
        for role in &r.available {
            assert!(
                spec.setup
                    .as_ref()
                    .is_none_or(|s| s.role_names.contains_key(role)),
                "{}: no setup name for {role}",
                spec.version
            );
        }
        for os in &spec.os {
            if let Some(level) = &os.minimum {
                assert!(spec.knows_base(level), "{}: {}", spec.version, os.label);
            }
        }
    }
}

#[test]
fn levels_and_builds_compare_as_numbers() {
    let l = |s| Level::parse(s).unwrap();
    assert!(l("sp3 ru10") > l("sp3 ru2"));
    assert!(l("sp10") > l("sp9"));
    assert!(l("rtm") < l("sp1"));
    assert!(l("cu14") > l("cu9"));
    assert_eq!(Level::parse("sp"), None);
    assert_eq!(Level::parse("sp3 10"), None);
    let b = |s| Build::parse(s).unwrap();
    assert!(b("8.2.176.2") > b("8.2.99.9"));
    assert!(b("14.3.123.4") < b("14.10.0.0"));
}

#[test]
fn os_words_match_whole_words() {
    let s2010 = specs().get("2010").unwrap();
    let label = |os: &str| {
        s2010
            .os
            .iter()
            .find(|r| r.matches(os))
            .map(|r| r.label.as_str())
    };
    assert_eq!(
        label("Windows Server 2008 R2"),
        Some("Windows Server 2008 R2")
    );
    assert_eq!(
        label("Windows Server 2008 SP2 x64"),
        Some("Windows Server 2008 SP2 x64")
    );
    assert_eq!(label("Windows Server 2008 x86"), None);
    assert_eq!(label("Windows Server 2003 R2 x64"), None);
}

#[test]
fn modern_minimums_match_the_facts_table() {
    // exchange-facts.md §2.1: 2016 needs 2010 SP3 RU11 and 2013 CU10; 2019 needs 2013 CU21 and
    // 2016 CU11; SE's minimums (2016 CU23, 2019 CU14) are third-party only, so unverified.
    let min = |v: &str, with: &str| specs().get(v).unwrap().coexists_with(with).unwrap().clone();
    assert_eq!(min("2016", "2010").minimum.level.to_string(), "SP3 RU11");
    assert_eq!(min("2016", "2013").minimum.level.to_string(), "CU10");
    assert_eq!(min("2019", "2013").minimum.level.to_string(), "CU21");
    assert_eq!(min("2019", "2016").minimum.level.to_string(), "CU11");
    assert_eq!(min("SE", "2019").confidence, Confidence::Unverified);
    assert!(specs().get("2016").unwrap().blocks("2007").is_some());
    assert!(specs().get("2019").unwrap().blocks("2010").is_some());
    assert!(specs().get("SE").unwrap().blocks("2013").is_some());
    let se = specs().get("SE").unwrap();
    assert_eq!(se.in_place_upgrade_from[0].with, "2019");
    assert_eq!(
        se.in_place_upgrade_from[0].minimum.level.to_string(),
        "CU14"
    );
}

#[test]
fn builds_carry_the_versions_minor_number() {
    for spec in specs().all() {
        if let Some(minor) = spec.minor {
            for update in &spec.updates {
                assert_eq!(update.build.0[1], minor, "{} {}", spec.version, update.name);
            }
        }
    }
}

#[test]
fn the_license_switch_follows_the_update_level() {
    // facts §4.1: the DiagnosticData form from the Sept-2021 CUs (2016 CU22, 2019 CU11) on.
    let l = |s| Level::parse(s).unwrap();
    let s2019 = specs().get("2019").unwrap();
    assert_eq!(
        s2019.license_switches(&l("cu10")),
        ["/IAcceptExchangeServerLicenseTerms"]
    );
    assert_eq!(
        s2019.license_switches(&l("cu14")),
        ["/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF"]
    );
    let s2016 = specs().get("2016").unwrap();
    assert_eq!(
        s2016.license_switches(&l("cu21")),
        ["/IAcceptExchangeServerLicenseTerms"]
    );
    assert_eq!(
        s2016.license_switches(&l("cu23")),
        ["/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF"]
    );
    assert!(
        specs()
            .get("2010")
            .unwrap()
            .license_switches(&l("sp3"))
            .is_empty()
    );
}

#[test]
fn unlisted_cumulative_updates_up_to_the_latest_known_are_levels() {
    let l = |s| Level::parse(s).unwrap();
    let s2019 = specs().get("2019").unwrap();
    assert!(s2019.knows_base(&l("cu12")));
    assert!(s2019.knows_base(&l("cu15")));
    assert!(!s2019.knows_base(&l("cu16")));
    assert!(!s2019.knows_base(&l("sp1")));
    let s2007 = specs().get("2007").unwrap();
    assert!(s2007.knows_base(&l("sp3 ru10")));
    assert!(!s2007.knows_base(&l("sp4")));
}

#[test]
fn legacy_minimums_match_the_facts_table() {
    // exchange-facts.md §2.1: 2007 needs 2003 SP2 and 2000 SP3, blocks 5.5; 2010 needs 2003 SP2
    // and blocks 2000; 2013 blocks 2003.
    let level = |v: &str, with: &str| {
        specs()
            .get(v)
            .unwrap()
            .coexists_with(with)
            .unwrap()
            .minimum
            .level
            .to_string()
    };
    assert_eq!(level("2007", "2003"), "SP2");
    assert_eq!(level("2007", "2000"), "SP3");
    assert!(specs().get("2007").unwrap().blocks("5.5").is_some());
    assert_eq!(level("2010", "2003"), "SP2");
    assert!(specs().get("2010").unwrap().blocks("2000").is_some());
    assert!(specs().get("2013").unwrap().blocks("2003").is_some());
    // 2000 SP3 is build 6.0.6249 (facts §1). For 2003 SP2 the facts file says 6.5.7683, but
    // 2003 SP2 servers report "Build 7638.2": the spec uses 6.5.7638 (see its comment).
    let build = |v: &str, l: &str| {
        specs()
            .get(v)
            .unwrap()
            .update(&Level::parse(l).unwrap())
            .unwrap()
            .build
            .to_string()
    };
    assert_eq!(build("2000", "sp3"), "6.0.6249");
    assert!(build("2003", "sp2").starts_with("6.5.7638"));
}

#[test]
fn every_step_kind_is_carried_out_by_some_target() {
    // Kinds are shared across targets, and a target may leave one out (a 2007 target has no
    // move status: its moves are synchronous); but a kind no target lists is dead.
    let specs = Specs::embedded();
    for kind in crate::step_kind::StepKind::ALL {
        assert!(
            specs.all().iter().any(|s| s.carries_out(*kind)),
            "step kind {kind} is in no target's phases"
        );
    }
}

#[test]
fn the_runbook_table_covers_every_step_kind_and_resolves_every_key() {
    let specs = Specs::embedded();
    let with_shell: Vec<_> = specs
        .all()
        .iter()
        .filter(|s| s.shell.is_some())
        .map(|s| (s.version.as_str(), &s.role_groups))
        .collect();
    assert!(with_shell.iter().all(|(_, g)| !g.is_empty()));
    let problems = super::runbook::RunbookTable::embedded().problems(with_shell);
    assert!(problems.is_empty(), "{problems:#?}");
}
