//! What the runbook says of each step kind beside its checklist (`specs/runbook.yaml`): who may
//! run it, what the organization must settle into before the next script, and whether and how
//! its change is undone.

use crate::step_kind::StepKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const YAML: &str = include_str!("../../specs/runbook.yaml");

/// The table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookTable {
    /// Active Directory groups, the same in every version, by key.
    pub groups: BTreeMap<String, String>,
    /// What a script can leave the organization waiting for, by key.
    pub waits: BTreeMap<String, Wait>,
    /// Each step kind.
    pub steps: BTreeMap<StepKind, StepNotes>,
}

/// Something the next script waits for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// What settles, as a noun phrase: `Active Directory replication`.
    pub title: String,
    /// When the operator may go on, as a sentence: ``start the next script only when `repadmin
    /// /replsummary` shows no errors ...``.
    pub go_on: String,
}

/// What the runbook says of one step kind.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepNotes {
    /// Who may run it: keys of [`RunbookTable::groups`] or of a version's `role_groups`.
    pub rights: Vec<String>,
    /// Instead of [`StepNotes::rights`] when the step runs on an Edge Transport server.
    #[serde(default)]
    pub rights_on_edge: Option<Vec<String>>,
    /// What the next script waits for (a key of [`RunbookTable::waits`]).
    #[serde(default)]
    pub wait: Option<String>,
    /// Versions whose shell runs the step so that nothing is left to wait for (Exchange 2007's
    /// `Move-Mailbox` moves each mailbox within its run).
    #[serde(default)]
    pub no_wait_in: Vec<String>,
    /// Whether and how its change is undone.
    pub back_out: BackOut,
}

/// Whether and how a step's change is undone.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackOut {
    /// It changes nothing: nothing to undo.
    Reads,
    /// Its runbook partial defines a `back_out` macro that says how, with the plan's values.
    Undo,
    /// Nothing to undo for another reason, given.
    Note(String),
    /// It cannot be undone; the text says what restores the organization.
    None(String),
}

impl RunbookTable {
    /// The embedded table.
    ///
    /// # Panics
    /// If `specs/runbook.yaml` does not parse (a test checks it does, and that it is complete).
    #[must_use]
    pub fn embedded() -> &'static RunbookTable {
        static TABLE: OnceLock<RunbookTable> = OnceLock::new();
        TABLE.get_or_init(|| serde_saphyr::from_str(YAML).expect("specs/runbook.yaml parses"))
    }

    /// What the next script waits for after a step of `kind` run in the shell of `version`.
    #[must_use]
    fn wait_after(&self, kind: StepKind, version: &str) -> Option<(&str, &Wait)> {
        let notes = self.step(kind)?;
        if notes.no_wait_in.iter().any(|v| v == version) {
            return None;
        }
        let key = notes.wait.as_deref()?;
        self.waits.get(key).map(|w| (key, w))
    }

    /// What the next script waits for after steps of `kinds` run in the shell of `version`: each
    /// wait once, in step order.
    #[must_use]
    pub fn waits_after(
        &self,
        kinds: impl IntoIterator<Item = StepKind>,
        version: &str,
    ) -> Vec<&Wait> {
        let mut keys: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for kind in kinds {
            if let Some((key, wait)) = self.wait_after(kind, version)
                && !keys.contains(&key)
            {
                keys.push(key);
                out.push(wait);
            }
        }
        out
    }

    /// The notes of `kind` (every kind has some: [`RunbookTable::problems`] is empty).
    #[must_use]
    pub fn step(&self, kind: StepKind) -> Option<&StepNotes> {
        self.steps.get(&kind)
    }

    /// What is wrong with the table given the role groups of each version that has a shell:
    /// a step kind without notes, a right or wait key nothing defines.
    #[must_use]
    pub fn problems<'a>(
        &self,
        role_groups: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, String>)>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for kind in StepKind::ALL {
            if !self.steps.contains_key(kind) {
                out.push(format!("step kind {kind} has no entry"));
            }
        }
        let role_groups: Vec<_> = role_groups.into_iter().collect();
        for (kind, notes) in &self.steps {
            for right in notes
                .rights
                .iter()
                .chain(notes.rights_on_edge.iter().flatten())
            {
                if self.groups.contains_key(right) {
                    continue;
                }
                for (version, groups) in &role_groups {
                    if !groups.contains_key(right) {
                        out.push(format!(
                            "{kind}: right `{right}` is neither a group nor a role group of {version}"
                        ));
                    }
                }
            }
            if let Some(wait) = &notes.wait
                && !self.waits.contains_key(wait)
            {
                out.push(format!("{kind}: unknown wait `{wait}`"));
            }
        }
        out
    }
}
