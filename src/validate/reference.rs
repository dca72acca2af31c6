//! The Exchange cmdlet reference (`specs/exchange-cmdlets.json`), parsed once per process.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;

/// The vendored reference table (see `specs/README.md`).
const JSON: &str = include_str!("../../specs/exchange-cmdlets.json");

#[derive(Deserialize)]
struct Doc {
    cmdlets: IndexMap<String, CmdletEntry>,
    #[serde(default)]
    cloud_only_cmdlets: Vec<String>,
}

#[derive(Deserialize)]
struct CmdletEntry {
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    params: IndexMap<String, ParamEntry>,
    #[serde(default)]
    sets: IndexMap<String, SetEntry>,
    #[serde(default)]
    cloud_only_params: Vec<String>,
}

#[derive(Deserialize)]
struct ParamEntry {
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    switch: bool,
    #[serde(default)]
    aliases: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct SetEntry {
    #[serde(default)]
    params: Vec<String>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    positional: IndexMap<String, String>,
    #[serde(default)]
    pipeline: Vec<String>,
    versions: Option<Vec<String>>,
}

/// A parameter: its documented spelling and the versions that have it.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) versions: Vec<String>,
}

impl Param {
    pub(crate) fn in_version(&self, version: &str) -> bool {
        self.versions.iter().any(|v| v == version)
    }
}

/// One parameter set of a cmdlet; parameter names lower-cased.
pub(crate) struct ParamSet {
    pub(crate) name: String,
    pub(crate) versions: Vec<String>,
    /// Every parameter of the set (those of all sets included).
    pub(crate) members: HashSet<String>,
    pub(crate) required: Vec<String>,
    /// In position order.
    pub(crate) positional: Vec<String>,
    pub(crate) pipeline: HashSet<String>,
}

/// One cmdlet; parameter names (keys) lower-cased.
pub(crate) struct Cmdlet {
    pub(crate) name: String,
    pub(crate) versions: Vec<String>,
    pub(crate) params: HashMap<String, Param>,
    /// Alias (lower case) -> parameter (lower case).
    pub(crate) aliases: HashMap<String, String>,
    pub(crate) cloud_params: HashSet<String>,
    pub(crate) switches: HashSet<String>,
    pub(crate) sets: Vec<ParamSet>,
}

/// The whole table; cmdlet names (keys) lower-cased.
pub(crate) struct Reference {
    pub(crate) cmdlets: HashMap<String, Cmdlet>,
    pub(crate) cloud_only: HashSet<String>,
}

impl Reference {
    /// Whether the table documents any cmdlet for `version` (it starts at Exchange 2010).
    pub(crate) fn covers(&self, version: &str) -> bool {
        self.cmdlets
            .values()
            .any(|c| c.versions.iter().any(|v| v == version))
    }
}

/// The table, parsed on first use.
pub(crate) fn get() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        // The file is vendored and tested: failing to parse it is a build defect.
        let doc: Doc = serde_json::from_str(JSON).expect("specs/exchange-cmdlets.json is valid");
        Reference::from_doc(doc)
    })
}

/// The parameter sets of one cmdlet entry. A parameter that no set lists in its `params`
/// belongs to every set.
fn load_sets(entry: &CmdletEntry) -> Vec<ParamSet> {
    let specific: HashSet<String> = entry
        .sets
        .values()
        .flat_map(|s| s.params.iter().map(|p| p.to_lowercase()))
        .collect();
    let shared: HashSet<String> = entry
        .params
        .keys()
        .map(|p| p.to_lowercase())
        .filter(|p| !specific.contains(p))
        .collect();
    let lower = |v: &[String]| v.iter().map(|p| p.to_lowercase()).collect::<Vec<_>>();
    entry
        .sets
        .iter()
        .map(|(name, s)| {
            let mut pos: Vec<(i64, &String)> = s
                .positional
                .iter()
                .map(|(k, p)| (k.trim().parse().unwrap_or(i64::MAX), p))
                .collect();
            pos.sort_by_key(|(k, _)| *k); // stable, like Python's sorted
            let mut members = shared.clone();
            members.extend(lower(&s.params));
            ParamSet {
                name: name.clone(),
                versions: s.versions.clone().unwrap_or_else(|| entry.versions.clone()),
                members,
                required: lower(&s.required),
                positional: pos.into_iter().map(|(_, p)| p.to_lowercase()).collect(),
                pipeline: lower(&s.pipeline).into_iter().collect(),
            }
        })
        .collect()
}

impl Reference {
    fn from_doc(doc: Doc) -> Self {
        let mut cmdlets = HashMap::with_capacity(doc.cmdlets.len());
        for (name, entry) in &doc.cmdlets {
            let mut params = HashMap::with_capacity(entry.params.len());
            let mut aliases = HashMap::new();
            let mut switches = HashSet::new();
            for (pname, p) in &entry.params {
                let key = pname.to_lowercase();
                for a in p.aliases.iter().flatten() {
                    aliases
                        .entry(a.to_lowercase())
                        .or_insert_with(|| key.clone());
                }
                if p.switch {
                    switches.insert(key.clone());
                }
                params.insert(
                    key,
                    Param {
                        name: pname.clone(),
                        versions: p.versions.clone(),
                    },
                );
            }
            let cmdlet = Cmdlet {
                name: name.clone(),
                versions: entry.versions.clone(),
                params,
                aliases,
                cloud_params: entry
                    .cloud_only_params
                    .iter()
                    .map(|p| p.to_lowercase())
                    .collect(),
                switches,
                sets: load_sets(entry),
            };
            cmdlets.insert(name.to_lowercase(), cmdlet);
        }
        Reference {
            cmdlets,
            cloud_only: doc
                .cloud_only_cmdlets
                .iter()
                .map(|n| n.to_lowercase())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_with_sets_and_aliases() {
        let r = get();
        assert!(r.cmdlets.len() > 800);
        let mv = &r.cmdlets["new-moverequest"];
        assert_eq!(mv.name, "New-MoveRequest");
        assert_eq!(mv.aliases.get("wi").map(String::as_str), Some("whatif"));
        assert!(
            mv.sets
                .iter()
                .any(|s| s.required.contains(&"identity".into()))
        );
        assert!(
            !r.cmdlets["get-migrationbatch"]
                .versions
                .contains(&"2010".into())
        );
    }
}
