//! Context of the GALSync step (R22, R29, R30).

use super::{Declares, StepKind};
use crate::ir::GalSync;
use crate::ir::state::{Effect, Need, key};
use crate::specs::scheduling::Dialect;
use serde::Serialize;

/// `galsync`: the provisioning script and the scheduled task that runs it.
#[derive(Debug, Clone, Serialize)]
pub struct GalSyncStep {
    /// The plan's GALSync statement.
    pub g: GalSync,
    /// The scheduled task.
    pub task: ScheduledTask,
}

/// A scheduled task made with `schtasks /create`.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledTask {
    /// Its name.
    pub name: String,
    /// What it runs: `powershell.exe` loading the shell, then the script.
    pub command: Option<String>,
    /// A `.cmd` wrapper, when the command is longer than `/TR` takes.
    pub wrapper: Option<String>,
    /// The `/TR` value.
    pub tr: Option<String>,
    /// The `/SC` value.
    pub sc: String,
    /// Whether it runs weekly.
    pub weekly: bool,
    /// The `/ST` value.
    pub start: String,
    /// The `schtasks` dialect of the server's operating system.
    pub dialect: Dialect,
}

impl Declares for GalSyncStep {
    fn needs(&self, _: StepKind) -> Vec<Need> {
        vec![Need::Present {
            server: self.g.server.clone(),
        }]
    }

    fn effects(&self, _: StepKind) -> Vec<Effect> {
        vec![
            Effect::Task {
                server: self.g.server.clone(),
                name: self.task.name.clone(),
            },
            Effect::Finishes {
                key: key::task(&self.g.server),
            },
        ]
    }

    fn asks_for(&self, _: StepKind) -> Option<&'static str> {
        Some(
            "the password of the task's run-as account, when its -schedule.cmd file creates the task",
        )
    }
}
