//! The `netpolc` command. Everything it does lives in `cli`; this file only
//! installs the internal-error hook and maps the result to an exit code.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: the compile makes many small,
/// short-lived allocations (syntax trees, names, rule tables), which it
/// serves in fewer instructions than glibc's malloc (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::ice::install();
    cli::run()
}
