//! The output folder's file names: scripts numbered in execution order, ExMerge export files.
//! Lowering chooses every name here; analysis never names an output file.

use crate::ir::steps::{Schedule, ScheduledScript, Shell, Step};
use serde::Serialize;

/// One generated script: a scheduled script with its number and file name.
#[derive(Debug, Clone, Serialize)]
pub struct Script<'a> {
    /// Position in execution order, from 1.
    pub number: usize,
    /// File name: `05-client-access.ps1`.
    pub file: String,
    /// Phase id from the spec.
    pub phase: &'a str,
    /// Phase title.
    pub title: &'a str,
    /// The shell that runs it.
    pub shell: &'a Shell,
    /// The server it must run on, if any.
    pub run_on: Option<&'a str>,
    /// The PowerShell level the script needs when above its shell's own. The header names it
    /// and the skeleton guards it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<&'a str>,
    /// Its steps, in order.
    #[serde(skip)]
    pub steps: &'a [Step],
}

/// Numbers the scripts 01, 02, ... and names each after its phase, plus its server (a phase
/// run on each server) or, when one phase needs several shells, its shell's version.
pub fn scripts(schedule: &Schedule) -> Vec<Script<'_>> {
    let all = &schedule.scripts;
    all.iter()
        .enumerate()
        .map(|(i, s)| {
            let number = i + 1;
            let several_shells = all.iter().any(|o| o.phase == s.phase && o.shell != s.shell);
            let name = match &s.run_on {
                Some(server) => format!("{}-{}", s.phase, slug(server)),
                None if several_shells => format!("{}-{}", s.phase, slug(s.shell.version())),
                None => s.phase.clone(),
            };
            script(s, number, format!("{number:02}-{name}.ps1"))
        })
        .collect()
}

fn script(s: &ScheduledScript, number: usize, file: String) -> Script<'_> {
    Script {
        number,
        file,
        phase: &s.phase,
        title: &s.title,
        shell: &s.shell,
        run_on: s.run_on.as_deref(),
        powershell: s.powershell.as_deref(),
        steps: &s.steps,
    }
}

/// The name the ExMerge export files of `server` share: `00-exmerge-<server>`, before
/// script 01 in a listing because the export and the server's removal come first.
#[must_use]
pub fn exmerge_stem(server: &str) -> String {
    format!("00-exmerge-{}", slug(server))
}

/// A file-name-safe form of a server name or version: lower case ASCII letters, digits, `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "server".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(slug("MAIL2010"), "mail2010");
        assert_eq!(slug("Zürich Ex 01"), "z-rich-ex-01");
        assert_eq!(slug("..."), "server");
    }
}
