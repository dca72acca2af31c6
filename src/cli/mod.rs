//! The `exgen` command line: arguments (`args`) → a command (`commands`) → an exit code.
//!
//! Exit codes: 0 success (warnings allowed), 1 the plan (or, for `lint`, a script) has errors,
//! 2 usage or I/O error.
//! Only this module uses `anyhow`; the library reports through [`crate::diag`].

mod args;
mod commands;
mod diff;
mod fmt;
mod lint;
mod loader;

pub use crate::files::{MAX_FILE_BYTES, read_file};

use anyhow::Context as _;
use args::{Cli, Command};
use clap::{CommandFactory as _, Parser as _};
use std::io::Write as _;
use std::process::ExitCode;

/// Exit code when the plan has errors.
const PLAN_ERRORS: u8 = 1;
/// Exit code for usage and I/O errors (the same code clap uses for usage errors).
const FAILURE: u8 = 2;

/// Parses the command line, runs the command and returns its exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout and usage errors to stderr; a closed
            // stream is not worth a panic.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(FAILURE));
        }
    };
    anstream::ColorChoice::write_global(match cli.color {
        args::ColorWhen::Auto => anstream::ColorChoice::Auto,
        args::ColorWhen::Always => anstream::ColorChoice::Always,
        args::ColorWhen::Never => anstream::ColorChoice::Never,
    });
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprint_error(&error);
            ExitCode::from(FAILURE)
        }
    }
}

/// Prints an error of the command (not of the plan's text) to stderr: `error[E0504]: ...` when
/// it has a code, else `error: ...` with its causes.
fn eprint_error(error: &anyhow::Error) {
    match error.downcast_ref::<Coded>() {
        Some(coded) => eprint_str(&format!("error[{}]: {}\n", coded.code, coded.message)),
        None => eprint_str(&format!("error: {error:#}\n")),
    }
}

/// An error outside the plan's text that still has a diagnostic code (a plan file that is a
/// directory, say): printed as `error[E0504]: message`, so `exgen explain` can tell more.
#[derive(Debug)]
struct Coded {
    code: crate::diag::Code,
    message: String,
}

impl std::fmt::Display for Coded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Coded {}

fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Compile(args) => commands::compile(&args),
        Command::Check(args) => commands::check(&args),
        Command::Ir(args) => commands::ir(&args),
        Command::Graph(args) => commands::graph(&args),
        Command::Explain(args) => commands::explain(&args),
        Command::Fmt(args) => fmt::fmt(&args),
        Command::Lint(args) => lint::lint(&args),
        Command::Lsp => crate::lsp::run(),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "exgen", &mut script);
            let mut script = String::from_utf8_lossy(&script).into_owned();
            if args.shell == clap_complete::Shell::PowerShell {
                // `$x.Where{ }` (the magic method with a bare script block) is PowerShell
                // syntax that parsers such as tree-sitter-powershell reject; the pipeline says
                // the same in the syntax every PowerShell reads.
                script = script.replace("$completions.Where{", "$completions | Where-Object {");
            }
            print_str(&script)?;
            Ok(0)
        }
        Command::Init(args) => {
            let plan = crate::init::plan(&args.from, &args.to, &args.name)?;
            match &args.out {
                None => print_str(&plan)?,
                Some(path) => {
                    if path.exists() {
                        anyhow::bail!(
                            "`{}` already exists: name another file, or remove it first",
                            path.display()
                        );
                    }
                    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
                    let file = tempfile::NamedTempFile::new_in(
                        folder.unwrap_or(std::path::Path::new(".")),
                    )
                    .and_then(|mut f| f.write_all(plan.as_bytes()).map(|()| f))
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                    file.persist_noclobber(path).map_err(|e| {
                        anyhow::anyhow!("cannot write `{}`: {}", path.display(), e.error)
                    })?;
                    print_str(&format!(
                        "wrote {}: run `exgen check {}` once it names your servers\n",
                        path.display(),
                        path.display()
                    ))?;
                }
            }
            Ok(0)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("cannot render the man page")?;
            print_str(&String::from_utf8_lossy(&page))?;
            Ok(0)
        }
    }
}

/// Writes `text` to stdout. A reader that went away (`exgen ir plan.exm | head`) is not an
/// error; any other failure is.
fn print_str(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(error).context("cannot write to standard output"))
        }
        _ => Ok(()),
    }
}

/// Writes `text` to stderr; there is nowhere left to report a failure to, so it is ignored.
fn eprint_str(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
