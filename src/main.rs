//! The `exgen` command: parse the command line, run it, exit with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    exgen::cli::main()
}
