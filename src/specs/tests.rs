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
