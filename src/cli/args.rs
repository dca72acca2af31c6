//! The command line's grammar, as clap derive types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit status:
  0  success (warnings allowed)
  1  the plan has errors (see the diagnostics); for `fmt --check`, also: a plan is not
     in the canonical layout; for `lint`, a script has errors
  2  usage error, unreadable plan file or script, or output folder refused or not writable

`exgen explain CODE` explains a diagnostic; docs/cli.md documents these commands.";

/// Compiles Exchange Server migration plans (.exm) into Exchange Management Shell scripts.
#[derive(Debug, Parser)]
#[command(name = "exgen", version, after_help = EXIT_CODES)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour diagnostics: `auto` as the terminal and NO_COLOR, CLICOLOR, CLICOLOR_FORCE and
    /// TERM say, or `always`, or `never`.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// When to colour diagnostics (the variants are undocumented so `--help` lists them on one line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorWhen {
    // When stderr is a terminal and the environment does not say otherwise.
    Auto,
    // Also when stderr is a file or a pipe.
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Compile a plan into its output folder: one script per phase and a runbook.
    #[command(
        after_help = "Examples:\n  exgen compile plans/contoso.exm                 write plans/contoso/ (scripts, runbook)\n  exgen compile plans/contoso.exm -o out --force  replace out/, moving edited files aside\n  exgen compile --check plans/contoso.exm         CI: exit 1 if plans/contoso/ is stale or edited"
    )]
    Compile(CompileArgs),
    /// Check a plan and report its diagnostics; write nothing.
    #[command(
        after_help = "Examples:\n  exgen check plans/contoso.exm\n  exgen check plans/contoso.exm --message-format json"
    )]
    Check(CheckArgs),
    /// Print the plan's checked intermediate representation (IR).
    #[command(
        after_help = "Examples:\n  exgen ir plans/contoso.exm --format json\n  exgen ir plans/contoso.exm --states     the organization after each phase\n  exgen ir plans/contoso.exm --steps      where each statement's PowerShell lands"
    )]
    Ir(IrArgs),
    /// Print the runbook's diagrams: the phases (what runs where, what waits on what) and the
    /// topology before, during and after the cut-over.
    #[command(
        after_help = "Examples:\n  exgen graph plans/contoso.exm                       Mermaid, as in the runbook\n  exgen graph plans/contoso.exm --format dot --only phases | dot -Tsvg > phases.svg"
    )]
    Graph(GraphArgs),
    /// Explain a diagnostic code, such as E0202.
    #[command(after_help = "Examples:\n  exgen explain E0602\n  exgen explain 0602")]
    Explain(ExplainArgs),
    /// Rewrite plans in the canonical layout; with --check, only report.
    ///
    /// The layout is docs/language.md's "Layout": indentation, line breaks and blank lines
    /// change; comments, strings and words are kept as written.
    #[command(
        after_help = "Examples:\n  exgen fmt plans/*.exm\n  exgen fmt --check plans/*.exm            CI: exit 1 if a plan is not canonical"
    )]
    Fmt(FmtArgs),
    /// Check PowerShell scripts written by hand against an Exchange version.
    ///
    /// Reports syntax errors, Exchange cmdlets and parameters the version does not have,
    /// calls that would stop at a prompt, constructs newer than its shell's PowerShell, and
    /// (as warnings) aliases, abbreviations and positional arguments with their full form.
    /// A folder is searched for `.ps1` files. Without --exchange, each script's
    /// `# Exchange:` header names its version.
    #[command(
        after_help = "Examples:\n  exgen lint --exchange 2016 scheduled/                which scripts break on 2016?\n  exgen lint nightly-report.ps1                         the version its `# Exchange:` header names\n  exgen lint --exchange 2013 --message-format json *.ps1"
    )]
    Lint(LintArgs),
    /// Run the language server on stdin and stdout, for editors (live diagnostics).
    #[command(
        after_help = "Examples:\n  exgen lsp      (started by an editor: see the README's Editors section)"
    )]
    Lsp,
    /// Print a completion script for SHELL (bash, zsh, fish, powershell, elvish).
    ///
    /// bash: `exgen completions bash > ~/.local/share/bash-completion/completions/exgen`;
    /// PowerShell: `exgen completions powershell | Out-String | Invoke-Expression` in $PROFILE.
    #[command(
        after_help = "Examples:\n  exgen completions bash > ~/.local/share/bash-completion/completions/exgen"
    )]
    Completions(CompletionsArgs),
    /// Print exgen's man page (roff): `exgen man > exgen.1; man ./exgen.1`.
    #[command(after_help = "Examples:\n  exgen man > exgen.1 && man ./exgen.1")]
    Man,
    /// Write a commented starter plan for one upgrade path, which checks clean.
    ///
    /// Example: `exgen init --from 2010 --to 2016 --name Contoso -o plans/contoso.exm`.
    #[command(
        after_help = "Examples:\n  exgen init --from 2010 --to 2016 --name Contoso -o plans/contoso.exm"
    )]
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// The version the organization runs now: 2000, 2003, 2007, 2010, 2013, 2016 or 2019.
    #[arg(long, value_name = "VERSION")]
    pub from: String,
    /// The version the plan migrates to: 2007, 2010, 2013, 2016, 2019 or SE.
    #[arg(long, value_name = "VERSION")]
    pub to: String,
    /// The organization's name, in the plan's title and `organization` statement.
    #[arg(long, value_name = "ORG", default_value = "Contoso")]
    pub name: String,
    /// Write the plan to this file (never over an existing one); by default, to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(super) struct CompileArgs {
    /// The plan file, such as `plans/contoso.exm`.
    pub plan: PathBuf,
    /// Output folder; by default a folder named after the plan, next to it:
    /// `plans/contoso.exm` is compiled into `plans/contoso`.
    ///
    /// exgen replaces only a folder it wrote (it keeps a manifest there): an existing folder
    /// must be empty or hold exactly the unedited files of an earlier run.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output folder even if it holds files exgen did not write, or edited ones.
    #[arg(long, conflicts_with = "check")]
    pub force: bool,
    /// Write nothing: compare the output folder with what the plan produces now and list each
    /// file that is stale, edited, missing, obsolete or extra, with a short diff. Exit 0 when
    /// it matches, 1 when it does not, 2 for a folder exgen does not own.
    #[arg(long)]
    pub check: bool,
    /// With `--check`: every change of every file, not only the first of each.
    #[arg(long, requires = "check")]
    pub verbose: bool,
    /// Print how long each stage took (read, parse, analyze, lower, render, write) to stderr.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub messages: MessageArgs,
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Print how long each stage took (read, parse, analyze) to stderr.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub messages: MessageArgs,
}

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// The scripts (`.ps1`), or folders to search for them (with their subfolders).
    #[arg(required = true, value_name = "SCRIPT")]
    pub scripts: Vec<PathBuf>,
    /// The Exchange version the scripts run on: 2007, 2010, 2013, 2016, 2019, SE (also 2000,
    /// 2003), or `none` for plain Windows PowerShell. Without it, each script's
    /// `# Exchange:` header.
    #[arg(long, value_name = "VERSION")]
    pub exchange: Option<String>,
    /// Exit 1 on warnings too (for CI: scripts must lint clean).
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub messages: MessageArgs,
}

#[derive(Debug, Args)]
pub(super) struct MessageArgs {
    /// How to report diagnostics: `human` (rustc-style, to stderr) or `json` (one JSON object
    /// per line, to stdout).
    #[arg(long, value_enum, value_name = "FMT", default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum MessageFormat {
    /// Text for people, on stderr, coloured on a terminal (NO_COLOR turns colour off).
    Human,
    /// JSON lines for tools, on stdout.
    Json,
}

#[derive(Debug, Args)]
pub(super) struct IrArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Format of the IR on stdout.
    #[arg(long, value_enum, value_name = "FMT", default_value_t = IrFormat::Yaml)]
    pub format: IrFormat,
    /// Print the organization before the first phase and after each one instead of the plan:
    /// servers, where each name points, certificates, URLs, mailboxes of every kind, batches,
    /// pending work, and who reaches what.
    #[arg(long, conflicts_with_all = ["names", "steps"])]
    pub states: bool,
    /// Print the plan's names instead: each declared server, database, site, namespace and DAG
    /// with its line and column, and every place the plan names it (what editors navigate).
    #[arg(long, conflicts_with = "steps")]
    pub names: bool,
    /// Print, for each step, the plan line it carries out and where its PowerShell lands: the
    /// script, the line and the shell, and the text itself (what editors show on hover).
    #[arg(long)]
    pub steps: bool,
}

#[derive(Debug, Args)]
pub(super) struct GraphArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// `mermaid` (fenced Markdown, as the runbook has it) or `dot` (Graphviz).
    #[arg(long, value_enum, value_name = "FMT", default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Print only the phases diagram, or only the topology diagrams.
    #[arg(long, value_enum, value_name = "WHICH")]
    pub only: Option<GraphOnly>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum GraphOnly {
    Phases,
    Topology,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum IrFormat {
    /// YAML.
    Yaml,
    /// JSON, pretty-printed.
    Json,
}

#[derive(Debug, Args)]
pub(super) struct ExplainArgs {
    /// The code, such as E0202 (case does not matter; the E may be left out).
    pub code: String,
}

#[derive(Debug, Args)]
pub(super) struct FmtArgs {
    /// The plan files. Each is rewritten in place, only when its layout changes; a plan with
    /// syntax errors is left as it is.
    #[arg(required = true, value_name = "PLAN")]
    pub plans: Vec<PathBuf>,
    /// Write nothing: print each plan that is not in the canonical layout with its first
    /// difference, and exit 1 if there is one.
    #[arg(long)]
    pub check: bool,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
