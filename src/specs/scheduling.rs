//! How a scheduled task is created on each Windows version (`specs/scheduling.yaml`, facts
//! §5.3): the `schtasks /create` dialect of the server that runs the task.

use super::Confidence;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const YAML: &str = include_str!("../../specs/scheduling.yaml");

/// The scheduling table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scheduling {
    /// The longest `/TR` value schtasks accepts; a longer command goes into a wrapper `.cmd`.
    pub tr_max: usize,
    /// Dialects, most specific first; the last has no words and always matches.
    pub dialects: Vec<Dialect>,
}

/// One `schtasks /create` dialect.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dialect {
    /// How it is named in generated files.
    pub label: String,
    /// Words that must all appear in the server's `os` (none: the default).
    pub os_words: Vec<String>,
    /// Whether `/RL HIGHEST` exists.
    pub run_level: bool,
    /// Whether `/F` replaces an existing task (else the task is deleted first).
    pub replace_with_force: bool,
    /// Whether `/ST` takes seconds (`HH:MM:SS`).
    pub seconds: bool,
    /// Whether the password prompt is asked for with `/RP *` (else by leaving `/RP` out).
    pub password_star: bool,
    /// How sure.
    #[serde(default)]
    pub confidence: Confidence,
}

impl Scheduling {
    /// The embedded table.
    ///
    /// # Panics
    /// If `specs/scheduling.yaml` does not parse (a test checks it does).
    #[must_use]
    pub fn embedded() -> &'static Scheduling {
        static TABLE: OnceLock<Scheduling> = OnceLock::new();
        TABLE.get_or_init(|| serde_saphyr::from_str(YAML).expect("specs/scheduling.yaml parses"))
    }

    /// The dialect for a server whose operating system is described by `os`.
    #[must_use]
    pub fn dialect(&self, os: &str) -> Option<&Dialect> {
        let os = os.to_lowercase();
        self.dialects.iter().find(|d| {
            d.os_words.iter().all(|w| {
                os.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|x| x == w.to_lowercase())
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Scheduling;

    #[test]
    fn the_table_parses_and_ends_with_a_default() {
        let t = Scheduling::embedded();
        assert!(t.dialects.last().is_some_and(|d| d.os_words.is_empty()));
        assert!(!t.dialect("Windows Server 2003 R2 x64").unwrap().run_level);
        assert!(t.dialect("Windows Server 2008 R2").unwrap().run_level);
        assert!(t.dialect("Windows Server 2012").unwrap().replace_with_force);
    }
}
