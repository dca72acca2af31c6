//! GALSync provisioning (R22, R29) and its scheduled task (R30): the script runs in the shell
//! of the server whose task runs it; the task's command line loads that shell the way its
//! spec says (a console file for a snap-in shell, `RemoteExchange.ps1` and a connect command
//! for a remote shell), and its `schtasks` syntax follows the server's operating system.

use super::Steps;
use crate::escape;
use crate::ir::steps::{GalSyncStep, ScheduledTask, StepContext};
use crate::specs::VersionSpec;
use crate::specs::scheduling::Scheduling;

/// The scheduled task's name.
const TASK_NAME: &str = "exgen GALSync provisioning";

pub(super) fn galsync(s: &mut Steps<'_>) {
    let table = Scheduling::embedded();
    for g in &s.plan.galsync {
        let Some(spec) = s.specs.get(&g.version) else {
            continue;
        };
        let Some(dialect) = table.dialect(&g.os) else {
            continue;
        };
        let command = task_command(spec, &g.schedule.script_path);
        let wrapper = command
            .as_ref()
            .filter(|c| c.len() > table.tr_max)
            .map(|_| wrapper_path(&g.schedule.script_path));
        let tr = wrapper.as_ref().map_or_else(
            || command.clone(),
            |w| {
                Some(if w.contains(' ') {
                    format!("\"{w}\"")
                } else {
                    w.clone()
                })
            },
        );
        let start = if dialect.seconds {
            format!("{}:00", g.schedule.at)
        } else {
            g.schedule.at.clone()
        };
        let context = GalSyncStep {
            g: g.clone(),
            task: ScheduledTask {
                name: TASK_NAME.to_owned(),
                command,
                wrapper,
                tr,
                sc: g.schedule.every.to_uppercase(),
                weekly: g.schedule.every == "weekly",
                start,
                dialect: dialect.clone(),
            },
        };
        s.push_on(
            Steps::exchange(&g.version),
            Some(g.server.clone()),
            &g.origin,
            StepContext::Galsync(context),
        );
    }
}

/// What Task Scheduler runs: `powershell.exe` loading the version's shell, then the script.
/// `None` when the spec says nothing about loading the shell (no template either: E0501).
fn task_command(spec: &VersionSpec, script: &str) -> Option<String> {
    let shell = spec.shell.as_ref()?;
    let run = format!("& {}", escape::ps_literal(script));
    if let Some(console) = &shell.console_file {
        Some(format!(
            "PowerShell.exe -NonInteractive -NoProfile -PSConsoleFile \"{console}\" -Command \"{run}\""
        ))
    } else if let (Some(remote), Some(connect)) = (&shell.remote_script, &shell.connect) {
        Some(format!(
            "powershell.exe -NonInteractive -NoProfile -Command \". {}; {connect}; {run}\"",
            escape::ps_literal(remote)
        ))
    } else {
        None
    }
}

/// The wrapper `.cmd` sits next to the script, with the script's name: `MyScript.cmd`.
fn wrapper_path(script: &str) -> String {
    let stem = script.len() - ".ps1".len();
    format!("{}.cmd", &script[..stem])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specs::Specs;

    #[test]
    fn the_task_loads_each_shell_as_its_spec_says() {
        let specs = Specs::embedded();
        let c2007 = task_command(specs.get("2007").unwrap(), r"d:\scripts\MyScript.ps1").unwrap();
        assert_eq!(
            c2007,
            r#"PowerShell.exe -NonInteractive -NoProfile -PSConsoleFile "C:\Program Files\Microsoft\Exchange Server\bin\exshell.psc1" -Command "& 'd:\scripts\MyScript.ps1'""#
        );
        let c2010 = task_command(specs.get("2010").unwrap(), r"d:\scripts\O'Brien.ps1").unwrap();
        assert_eq!(
            c2010,
            r#"powershell.exe -NonInteractive -NoProfile -Command ". 'C:\Program Files\Microsoft\Exchange Server\V14\bin\RemoteExchange.ps1'; Connect-ExchangeServer -auto; & 'd:\scripts\O''Brien.ps1'""#
        );
        assert_eq!(wrapper_path(r"d:\s\MyScript.PS1"), r"d:\s\MyScript.cmd");
    }

    #[test]
    fn every_target_with_a_galsync_phase_can_load_its_shell_in_a_task() {
        // A target whose phases run `galsync` must say how a scheduled task loads its shell
        // (console file, or remote script and connect command), else the task has no command.
        for spec in Specs::embedded().all() {
            if spec
                .phases
                .iter()
                .any(|p| p.steps.contains(&crate::ir::steps::StepKind::Galsync))
            {
                let command = task_command(spec, r"d:\scripts\x.ps1")
                    .unwrap_or_else(|| panic!("{}: no task command", spec.version));
                if spec.major >= 15 {
                    assert!(
                        command.contains(r"\V15\bin\RemoteExchange.ps1"),
                        "{command}"
                    );
                    assert!(
                        command.contains("-ClientApplication:ManagementShell"),
                        "{command}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_galsync_command_line_survives_the_task_escaper() {
        let specs = Specs::embedded();
        for spec in specs.all() {
            if let Some(c) = task_command(spec, r"d:\scripts\O'Brien & more (x).ps1") {
                assert!(escape::schtasks_tr(&c).is_ok());
                assert!(escape::cmd_line(&c).is_ok());
            }
        }
    }
}
