//! `netpolc check [REPO] [--out DIR]`: the CI gate and pre-commit hook.
//! Compiles in memory and compares the result with the output directory
//! through the write plan that `build` would carry out.
//!
//! Exit 0 when the directory is up to date. Exit 1 with a unified diff on
//! stdout (on stderr with `--message-format json`, whose stdout carries
//! JSON lines only), and on stderr one line per file that is stale (differs),
//! missing, or extra (generated before and no longer produced); also exit 1
//! for a compile error, and for a file `build` would refuse to overwrite
//! (E0901), exactly as `build` reports it. Files without the generated
//! header that `build` would leave alone are ignored.
//!
//! **Invariant:** `check` writes nothing: not the output directory, not a
//! temporary file, not a stale file's removal.

use std::path::Path;
use std::process::ExitCode;

use super::cache::Cache;
use super::report::{Reporter, plural};
use super::write::{self, Change, shown_dir};
use super::{build, diff, load};

/// Runs `check`; `stdout_color` says whether stdout gets ANSI colours.
pub fn run(repo: &Path, out: Option<&Path>, reporter: &Reporter, stdout_color: bool) -> ExitCode {
    let dir = build::output_dir(repo, out);
    let cache = Cache::new(repo, &dir, out.is_some(), reporter);
    let listing = load::list(repo, &dir);
    if let Some(hit) = build::recorded(cache.as_ref(), &listing, repo, &dir) {
        hit.print(reporter);
        reporter.status(&format!(
            "{} up to date ({})",
            plural(hit.outputs, "file"),
            shown_dir(&dir)
        ));
        return ExitCode::SUCCESS;
    }
    let Some(compiled) = build::compile_listed(repo, listing, reporter) else {
        return ExitCode::FAILURE;
    };
    let plan = match write::plan(&compiled.files, &dir, out.is_some()) {
        Ok(plan) => plan,
        Err(diags) => {
            reporter.diagnostics(&diags, &compiled.sources);
            reporter.failure("check the output", &diags);
            return ExitCode::FAILURE;
        }
    };
    reporter.warning_count(&compiled.diags);
    let shown = shown_dir(&dir);
    if plan.changes.is_empty() {
        reporter.status(&format!(
            "{} up to date ({shown})",
            plural(plan.unchanged, "file")
        ));
        return ExitCode::SUCCESS;
    }
    let sink = diff::Sink::new(reporter, stdout_color);
    sink.print_unified(&plan.changes, &dir);
    let mut counts = [("stale", 0), ("missing", 0), ("extra", 0)];
    for change in &plan.changes {
        let (index, what) = match change {
            Change::Replace { .. } => (0, "stale"),
            Change::Create(_) => (1, "missing"),
            Change::Remove { .. } => (2, "extra, no longer generated"),
        };
        if let Some((_, count)) = counts.get_mut(index) {
            *count += 1;
        }
        let path = dir.join(change.name());
        reporter.status(&format!("{}: {what}", path.display()));
    }
    let counts: Vec<String> = counts
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    let files = plan.changes.len();
    let verb = if files == 1 { "is" } else { "are" };
    reporter.error(&format!(
        "{} in `{shown}` {verb} out of date ({})",
        plural(files, "file"),
        counts.join(", ")
    ));
    reporter.help(&format!(
        "run `{}` to update them",
        build_command(repo, out)
    ));
    ExitCode::FAILURE
}

/// The `netpolc build` command line that brings the same directory up to
/// date, with the repository and `--out` only when they were given.
fn build_command(repo: &Path, out: Option<&Path>) -> String {
    let mut command = "netpolc build".to_owned();
    if repo != Path::new(".") {
        command.push(' ');
        command.push_str(&repo.display().to_string());
    }
    if let Some(out) = out {
        command.push_str(" --out ");
        command.push_str(&out.display().to_string());
    }
    command
}
