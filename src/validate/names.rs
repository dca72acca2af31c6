//! Names in hand-written scripts that `exgen lint` spells out or replaces: PowerShell's
//! built-in command aliases and the Exchange cmdlets a later version replaced, from
//! `specs/lint.yaml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const YAML: &str = include_str!("../../specs/lint.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    aliases: HashMap<String, String>,
    replacements: Vec<Replacement>,
}

/// An Exchange cmdlet that a later version replaced.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Replacement {
    /// The old cmdlet.
    pub(crate) cmdlet: String,
    /// The first version in which [`Self::use_`] is the way.
    pub(crate) from: String,
    /// What to write instead.
    #[serde(rename = "use")]
    pub(crate) use_: String,
    /// The last version that had the cmdlet, when the cmdlet reference does not document it.
    #[serde(default)]
    pub(crate) last: Option<String>,
    /// Still listed from `from` on, but no longer doing the job there.
    #[serde(default)]
    pub(crate) superseded: bool,
    /// One line for the help.
    pub(crate) why: String,
    /// Where the fact comes from (read by people, and checked to be there).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) source: String,
}

/// The table, with lower-case keys.
pub(crate) struct Names {
    aliases: HashMap<String, String>,
    replacements: HashMap<String, Replacement>,
}

impl Names {
    /// The cmdlet a built-in alias stands for (`fl` -> `Format-List`), ignoring case.
    pub(crate) fn alias(&self, name: &str) -> Option<&str> {
        self.aliases.get(&name.to_lowercase()).map(String::as_str)
    }

    /// The replacement of `cmdlet` (any case) that applies in `version`: `from` is that
    /// version or an earlier one (in the order of `specs/versions.yaml`).
    pub(crate) fn replacement(&self, cmdlet: &str, version: &str) -> Option<&Replacement> {
        let r = self.replacements.get(&cmdlet.to_lowercase())?;
        let order = |v: &str| version_index(v);
        match (order(&r.from), order(version)) {
            (Some(from), Some(at)) if from <= at => Some(r),
            _ => None,
        }
    }
}

/// The position of `version` in `specs/versions.yaml` (oldest first).
pub(crate) fn version_index(version: &str) -> Option<usize> {
    crate::specs::Specs::embedded()
        .known()
        .iter()
        .position(|k| k.name == version)
}

/// The version after `version` in `specs/versions.yaml`, if any.
pub(crate) fn next_version(version: &str) -> Option<&'static str> {
    let known = crate::specs::Specs::embedded().known();
    let i = version_index(version)?;
    known.get(i + 1).map(|k| k.name.as_str())
}

/// The table, parsed on first use.
pub(crate) fn get() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        // Embedded and tested: a table that does not parse is a build defect.
        let doc: Doc = serde_saphyr::from_str(YAML).expect("specs/lint.yaml parses");
        Names {
            aliases: doc
                .aliases
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            replacements: doc
                .replacements
                .into_iter()
                .map(|r| (r.cmdlet.to_lowercase(), r))
                .collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_loads_and_names_real_versions_and_cmdlets() {
        let names = get();
        assert_eq!(names.alias("FL"), Some("Format-List"));
        assert_eq!(names.alias("%"), Some("ForEach-Object"));
        assert_eq!(names.alias("Get-Mailbox"), None);
        let reference = super::super::reference::get();
        for r in names.replacements.values() {
            assert!(version_index(&r.from).is_some(), "{}: from", r.cmdlet);
            assert!(!r.source.is_empty() && !r.why.is_empty(), "{}", r.cmdlet);
            let used = r.use_.split_whitespace().next().unwrap_or("");
            let successor = &reference.cmdlets[&used.to_lowercase()];
            assert!(
                successor.versions.contains(&r.from),
                "{}: {used} is not documented for {}",
                r.cmdlet,
                r.from
            );
            match reference.cmdlets.get(&r.cmdlet.to_lowercase()) {
                // The reference knows the cmdlet: it lists it from `from` on only when it is
                // superseded there rather than gone.
                Some(old) => {
                    assert!(r.last.is_none(), "{}: the reference knows it", r.cmdlet);
                    assert_eq!(old.versions.contains(&r.from), r.superseded, "{}", r.cmdlet);
                }
                None => {
                    let last = r
                        .last
                        .as_deref()
                        .expect("`last` when the reference lacks it");
                    assert_eq!(next_version(last), Some(r.from.as_str()), "{}", r.cmdlet);
                }
            }
        }
        for cmdlet in names.aliases.values() {
            assert!(
                super::super::commands::is_core_cmdlet(cmdlet),
                "alias target {cmdlet} is not a core cmdlet"
            );
        }
        assert!(
            names
                .replacement("Move-Mailbox", "2016")
                .is_some_and(|r| r.use_ == "New-MoveRequest")
        );
        assert!(names.replacement("Move-Mailbox", "2007").is_none());
    }
}
