//! `netpolc build [REPO] [--out DIR]`: load, compile, then write only when
//! there are no errors. [`compile`] is also the first step of `check` and
//! `diff`.
//!
//! **Invariant:** when loading or compiling reports an error, the output
//! directory is not touched at all; not even stale files are removed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::OutputFile;
use netpolc::diag::{Diagnostic, has_errors};
use netpolc::source::{Origin, SourceMap};

use super::report::Reporter;
use super::{load, write};

/// Runs `build`; `out` defaults to `REPO/generated`. With `deny_warnings`,
/// a warning stops the build before anything is written.
pub fn run(
    repo: &Path,
    out: Option<&Path>,
    deny_warnings: bool,
    durability: write::Durability,
    reporter: &Reporter,
) -> ExitCode {
    let named = out.is_some();
    let out = output_dir(repo, out);
    let Some(compiled) = compile(repo, &out, reporter) else {
        return ExitCode::FAILURE;
    };
    if deny_warnings && super::lint::denied(&compiled.diags, reporter) {
        return ExitCode::FAILURE;
    }
    match write::write(&compiled.files, &out, named, durability) {
        Ok(summary) => {
            reporter.warning_count(&compiled.diags);
            reporter.status(&summary.describe(&out));
            ExitCode::SUCCESS
        }
        Err(write_diags) => {
            reporter.diagnostics(&write_diags, &compiled.sources);
            reporter.failure("write the output", &write_diags);
            ExitCode::FAILURE
        }
    }
}

/// A repository compiled in memory without errors.
pub struct Compiled {
    /// The files a build writes.
    pub files: Vec<OutputFile>,
    /// The warnings, already reported.
    pub diags: Vec<Diagnostic>,
    /// The sources, for reporting later diagnostics.
    pub sources: SourceMap,
}

/// Loads and compiles `repo` (skipping the output directory `out`) and
/// reports its diagnostics; `None`, after the closing `could not compile`
/// line, when there is an error. `build`, `check` and `diff` all start here.
pub fn compile(repo: &Path, out: &Path, reporter: &Reporter) -> Option<Compiled> {
    let (sources, mut diags) = load::load(repo, out);
    let compilation = netpolc::compile(&sources, &reporter.options);
    diags.extend(compilation.diagnostics);
    if !diags.is_empty() {
        reporter.diagnostics(&diags, &display_paths(&sources, repo));
    }
    if has_errors(&diags) {
        reporter.failure("compile", &diags);
        return None;
    }
    Some(Compiled {
        files: compilation.files,
        diags,
        sources,
    })
}

/// The output directory: `out` when given, else `REPO/generated`.
pub fn output_dir(repo: &Path, out: Option<&Path>) -> PathBuf {
    out.map_or_else(|| default_out(repo), Path::to_path_buf)
}

/// The same sources named from the current directory rather than from the
/// repository, so that editors and terminals can open the files diagnostics
/// point at (`REPO/shop.netpol:3:5`).
pub(super) fn display_paths(sources: &SourceMap, repo: &Path) -> SourceMap {
    if repo == Path::new(".") {
        return sources.clone();
    }
    let prefix = repo.to_string_lossy().replace('\\', "/");
    let prefix = prefix.trim_end_matches('/');
    let mut shown = SourceMap::new();
    for (_, file) in sources.iter() {
        let path = match file.origin {
            Origin::User => format!("{prefix}/{}", file.path),
            Origin::Stdlib => file.path.clone(),
        };
        shown.add(path, file.text.clone(), file.origin);
    }
    shown
}

/// `REPO/generated`, or just `generated` for the current directory.
fn default_out(repo: &Path) -> PathBuf {
    if repo == Path::new(".") {
        PathBuf::from("generated")
    } else {
        repo.join("generated")
    }
}
