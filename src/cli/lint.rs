//! `netpolc lint [REPO] [--deny-warnings]`: compile in memory and print the
//! warnings (and any errors), writing nothing; and `--deny-warnings`, which
//! `build` shares: warnings fail the command as errors do.
//!
//! Exit 0 when there is no error (and, with `--deny-warnings`, no warning);
//! exit 1 otherwise.

use std::path::Path;
use std::process::ExitCode;

use netpolc::diag::Diagnostic;

use super::build;
use super::report::{Reporter, plural};

/// Runs `lint`.
pub fn run(repo: &Path, deny_warnings: bool, reporter: &Reporter) -> ExitCode {
    let out = build::output_dir(repo, None);
    let Some(compiled) = build::compile(repo, &out, reporter) else {
        return ExitCode::FAILURE;
    };
    if deny_warnings && denied(&compiled.diags, reporter) {
        return ExitCode::FAILURE;
    }
    if compiled.diags.iter().any(|diag| !diag.is_error()) {
        reporter.warning_count(&compiled.diags);
    } else {
        reporter.status("no warnings");
    }
    ExitCode::SUCCESS
}

/// With `--deny-warnings`: when there are warnings (already printed), says
/// that they fail the command and returns true.
pub fn denied(diags: &[Diagnostic], reporter: &Reporter) -> bool {
    let warnings = diags.iter().filter(|diag| !diag.is_error()).count();
    if warnings == 0 {
        return false;
    }
    reporter.error(&format!(
        "{} and `--deny-warnings`: nothing written",
        plural(warnings, "warning")
    ));
    reporter.help("fix the warnings, or silence one on purpose with `silence CODE \"reason\"` before its definition");
    true
}
