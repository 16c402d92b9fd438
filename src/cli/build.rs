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

use super::cache::{self, Cache, Hit};
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
    let cache = Cache::new(repo, &out, named, reporter);
    let listing = load::list(repo, &out);
    let hit = recorded(cache.as_ref(), &listing, repo, &out)
        .filter(|hit| !(deny_warnings && hit.warnings > 0));
    if let Some(hit) = hit {
        hit.print(reporter);
        let summary = write::Summary {
            unchanged: hit.outputs,
            ..write::Summary::default()
        };
        reporter.status(&summary.describe(&out));
        return ExitCode::SUCCESS;
    }
    let Some(compiled) = compile_listed(repo, listing, reporter) else {
        return ExitCode::FAILURE;
    };
    if deny_warnings && super::lint::denied(&compiled.diags, reporter) {
        return ExitCode::FAILURE;
    }
    match write::write(&compiled.files, &out, named, durability) {
        Ok(summary) => {
            let warnings = reporter.warning_count(&compiled.diags);
            reporter.status(&summary.describe(&out));
            if let Some(cache) = &cache {
                cache.store(
                    repo,
                    &out,
                    compiled.stamps,
                    compiled.files.len(),
                    warnings,
                    &compiled.rendered,
                );
            }
            ExitCode::SUCCESS
        }
        Err(write_diags) => {
            reporter.diagnostics(&write_diags, &compiled.sources);
            reporter.failure("write the output", &write_diags);
            ExitCode::FAILURE
        }
    }
}

/// What the build record (`cache.rs`) says a build of the repository of
/// `listing` into `out` gives, when it has a record of exactly these files.
pub(super) fn recorded(
    cache: Option<&Cache>,
    listing: &load::Listing<'_>,
    repo: &Path,
    out: &Path,
) -> Option<Hit> {
    cache?.lookup(&listing.clean_paths()?, repo, out)
}

/// A repository compiled in memory without errors.
pub struct Compiled {
    /// The files a build writes.
    pub files: Vec<OutputFile>,
    /// The warnings, already reported.
    pub diags: Vec<Diagnostic>,
    /// The warnings as they were printed.
    pub rendered: String,
    /// The sources, for reporting later diagnostics.
    pub sources: SourceMap,
    /// The identity of every source file as it was read.
    pub stamps: Vec<cache::Source>,
}

/// Loads and compiles `repo` (skipping the output directory `out`) and
/// reports its diagnostics; `None`, after the closing `could not compile`
/// line, when there is an error. `build`, `check` and `diff` all start here.
pub fn compile(repo: &Path, out: &Path, reporter: &Reporter) -> Option<Compiled> {
    compile_listed(repo, load::list(repo, out), reporter)
}

/// [`compile`] of the files of a listing.
pub(super) fn compile_listed(
    repo: &Path,
    listing: load::Listing<'_>,
    reporter: &Reporter,
) -> Option<Compiled> {
    let (sources, mut diags, stamps) = load::read(listing);
    let compilation = netpolc::compile(&sources, &reporter.options);
    diags.extend(compilation.diagnostics);
    let rendered = if diags.is_empty() {
        String::new()
    } else {
        reporter.render(&diags, &display_paths(&sources, repo))
    };
    reporter.print_rendered(&rendered);
    if has_errors(&diags) {
        reporter.failure("compile", &diags);
        return None;
    }
    Some(Compiled {
        files: compilation.files,
        diags,
        rendered,
        sources,
        stamps,
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
