//! The `netpolc` command. Everything it does lives in `cli`; this file only
//! installs the internal-error hook and maps the result to an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::ice::install();
    cli::run()
}
