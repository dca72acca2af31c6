//! Steps → scripts, in the order of the target version's phase list (`specs/`).
//!
//! A phase becomes one script per shell it needs (and, for phases marked `per: server`, one
//! per server); phases without steps are left out, and the rest are numbered 01, 02, ... in
//! execution order.

use super::render::Renderer;
use super::steps::{Shell, Step};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir;
use crate::specs::Specs;
use serde::Serialize;

/// One generated script.
#[derive(Debug, Clone, Serialize)]
pub struct Script {
    /// Position in execution order, from 1.
    pub number: usize,
    /// File name: `05-client-access.ps1`.
    pub file: String,
    /// Phase id from the spec.
    pub phase: String,
    /// Phase title.
    pub title: String,
    /// The shell that runs it.
    pub shell: Shell,
    /// The server it must run on, if any.
    pub run_on: Option<String>,
    /// The PowerShell level the script needs when above its shell's own: a step asks for it
    /// with `powershell` in its context (Exchange 2007's shell for the public folder
    /// migration scripts, which need 2.0). The header names it and the skeleton guards it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub powershell: Option<String>,
    /// Its steps, in order.
    #[serde(skip)]
    pub steps: Vec<Step>,
}

/// Orders `steps` into scripts. E0501 for a step that has no template for its shell.
pub(super) fn arrange(
    plan: &ir::Plan,
    specs: &Specs,
    steps: Vec<Step>,
) -> Result<Vec<Script>, Diagnostics> {
    let Some(spec) = specs.get(&plan.target.version) else {
        return Ok(Vec::new());
    };
    let renderer = Renderer::shared();
    let mut diags = Diagnostics::new();
    let phased = |kind: &str| {
        spec.phases
            .iter()
            .any(|p| p.steps.iter().any(|k| k == kind))
    };
    for step in &steps {
        if !phased(step.kind) || renderer.find(step.kind, &step.shell).is_none() {
            let what = match &step.shell {
                Shell::Exchange(v) => {
                    format!("step `{}` in the Exchange {v} Management Shell", step.kind)
                }
                Shell::Setup(v) => format!("step `{}` for Exchange {v} setup", step.kind),
                Shell::Edge(v) => format!(
                    "step `{}` in the Exchange {v} Edge Transport shell",
                    step.kind
                ),
            };
            diags.push(
                Diagnostic::new(
                    Code::E0501,
                    step.origin.span,
                    format!("{what} is not generated yet"),
                )
                .with_label("needs this step")
                .with_help(
                    "do this step by hand and remove it from the plan, or wait for a later exgen",
                ),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut scripts: Vec<Script> = Vec::new();
    for phase in &spec.phases {
        let mut groups: Vec<(Shell, Option<String>, Vec<Step>)> = Vec::new();
        for kind in &phase.steps {
            for step in steps.iter().filter(|s| s.kind == kind) {
                let run_on = if phase.per.as_deref() == Some("server") {
                    step.run_on.clone()
                } else {
                    None
                };
                match groups
                    .iter_mut()
                    .find(|(sh, on, _)| *sh == step.shell && *on == run_on)
                {
                    Some((_, _, list)) => list.push(step.clone()),
                    None => groups.push((step.shell.clone(), run_on, vec![step.clone()])),
                }
            }
        }
        let several_shells = groups.iter().any(|(sh, _, _)| *sh != groups[0].0);
        for (shell, run_on, steps) in groups {
            let number = scripts.len() + 1;
            let mut name = phase.id.clone();
            if let Some(server) = &run_on {
                name = format!("{name}-{}", slug(server));
            } else if several_shells {
                name = format!("{name}-{}", slug(shell.version()));
            }
            let powershell = steps.iter().find_map(|s| {
                s.context
                    .get("powershell")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            });
            scripts.push(Script {
                powershell,
                number,
                file: format!("{number:02}-{name}.ps1"),
                phase: phase.id.clone(),
                title: phase.title.clone(),
                shell,
                run_on,
                steps,
            });
        }
    }
    Ok(scripts)
}

/// A file-name-safe form of a server name or version: lower case ASCII letters, digits, `-`.
pub(super) fn slug(text: &str) -> String {
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
