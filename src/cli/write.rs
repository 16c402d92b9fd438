//! The only writer: puts the compiled files into the output directory.
//!
//! Writing happens in two steps. [`plan`] looks at the directory and decides
//! what to do with every file; only when the plan has no errors does `apply`
//! touch the disk, so a refusal leaves the directory exactly as it was.
//!
//! **Invariant:** netpolc never overwrites or deletes a file whose first line
//! is not the generated-file header ([`netpolc::emit::is_generated`]); it
//! never touches anything but `*.yaml` files directly in the output directory
//! and its own temporary files.
//!
//! **Invariant:** a file whose contents are already right is not rewritten,
//! so a second build of an unchanged repository writes nothing.
//!
//! **Invariant:** each file is replaced atomically: written to a temporary
//! file in the same directory, then renamed over the target.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;

use netpolc::OutputFile;
use netpolc::diag::{Code, Diagnostic};
use netpolc::emit::is_generated;

use super::report::{describe_io, plural};

/// What a write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files created or replaced.
    pub written: usize,
    /// Files that already had the right contents.
    pub unchanged: usize,
    /// Stale generated files deleted.
    pub removed: usize,
}

impl Summary {
    /// `wrote 3 files, 12 unchanged, 1 removed (generated/)`.
    pub fn describe(&self, dir: &Path) -> String {
        let mut shown = dir.display().to_string();
        if !shown.ends_with(std::path::MAIN_SEPARATOR) && !shown.ends_with('/') {
            shown.push('/');
        }
        format!(
            "wrote {}, {} unchanged, {} removed ({shown})",
            plural(self.written, "file"),
            self.unchanged,
            self.removed,
        )
    }
}

/// Brings `dir` up to date with `files`: writes what changed, deletes stale
/// generated files, and reports E0901 or E0903 instead when it cannot.
pub fn write(files: &[OutputFile], dir: &Path) -> Result<Summary, Vec<Diagnostic>> {
    let plan = plan(files, dir)?;
    apply(&plan, dir)
}

/// Everything a write will do, decided before anything is touched.
#[derive(Debug, Default)]
struct Plan<'a> {
    /// Whether the output directory must be created first.
    create_dir: bool,
    /// Files to create or replace.
    writes: Vec<&'a OutputFile>,
    /// Stale generated files to delete, by name.
    removals: Vec<String>,
    /// Files already up to date.
    unchanged: usize,
}

/// What is already in the output directory under one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Existing {
    /// A regular file.
    File,
    /// A directory, symbolic link or anything else netpolc will not replace.
    Other,
}

/// Decides what to do with every file, or returns every reason not to.
fn plan<'a>(files: &'a [OutputFile], dir: &Path) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let listing = list(dir)?;
    let mut plan = Plan {
        create_dir: listing.is_none(),
        ..Plan::default()
    };
    let listing = listing.unwrap_or_default();
    let decisions = in_parallel(files, |file| decide(file, dir, &listing));
    for (file, decision) in files.iter().zip(decisions) {
        match decision {
            Decision::Write => plan.writes.push(file),
            Decision::Unchanged => plan.unchanged += 1,
            Decision::Refuse(diag) => diags.push(diag),
        }
    }
    let outputs: HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut stale: Vec<&str> = listing
        .iter()
        .filter(|(name, existing)| {
            **existing == Existing::File
                && name.ends_with(".yaml")
                && !outputs.contains(name.as_str())
        })
        .map(|(name, _)| name.as_str())
        .collect();
    stale.sort_unstable();
    for name in stale {
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(existing) if starts_generated(&existing) => plan.removals.push(name.to_owned()),
            Ok(_) => {}
            Err(error) => diags.push(cannot("read", &path, &error)),
        }
    }
    if diags.is_empty() {
        Ok(plan)
    } else {
        Err(diags)
    }
}

/// What to do with one output file.
enum Decision {
    /// Create or replace it.
    Write,
    /// It already has the right contents.
    Unchanged,
    /// It cannot be written; the diagnostic says why.
    Refuse(Diagnostic),
}

/// Decides about one output file, reading the file it would replace.
fn decide(file: &OutputFile, dir: &Path, listing: &HashMap<String, Existing>) -> Decision {
    if !is_plain_name(&file.path) {
        return Decision::Refuse(
            Diagnostic::without_span(
                Code::E0903,
                format!("cannot write `{}`: it is not a plain file name", file.path),
            )
            .note("this is a bug in netpolc: output files go directly in the output directory"),
        );
    }
    let target = dir.join(&file.path);
    match listing.get(file.path.as_str()) {
        None => Decision::Write,
        Some(Existing::Other) => Decision::Refuse(refuse(&target)),
        Some(Existing::File) => match fs::read(&target) {
            Ok(existing) if existing == file.contents.as_bytes() => Decision::Unchanged,
            Ok(existing) if starts_generated(&existing) => Decision::Write,
            Ok(_) => Decision::Refuse(refuse(&target)),
            Err(error) => Decision::Refuse(cannot("read", &target, &error)),
        },
    }
}

/// Maps `f` over `items` on as many threads as there are cores, keeping
/// the order. File system calls dominate here, and two threads keep the
/// disk busier than one.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const ITEMS_PER_THREAD: usize = 64;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len() / ITEMS_PER_THREAD)
        .max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(results) => results,
                // A worker only panics on a bug; let the panic hook report it.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Carries out a plan, stopping at the first failure.
fn apply(plan: &Plan<'_>, dir: &Path) -> Result<Summary, Vec<Diagnostic>> {
    let mut summary = Summary {
        unchanged: plan.unchanged,
        ..Summary::default()
    };
    if plan.create_dir && !plan.writes.is_empty() {
        fs::create_dir_all(dir).map_err(|error| vec![cannot("create", dir, &error)])?;
    }
    // After the first failure the other files are left alone.
    let failed = std::sync::atomic::AtomicBool::new(false);
    let results = in_parallel(&plan.writes, |file| {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let target = dir.join(&file.path);
        let temp = dir.join(format!(".{}.netpolc-tmp", file.path));
        let result =
            fs::write(&temp, file.contents.as_bytes()).and_then(|()| fs::rename(&temp, &target));
        Some(result.map_err(|error| {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
            // The temporary file may not exist; either way it must not stay behind.
            let _ = fs::remove_file(&temp);
            cannot("write", &target, &error)
        }))
    });
    let mut failures = Vec::new();
    for result in results.into_iter().flatten() {
        match result {
            Ok(()) => summary.written += 1,
            Err(diag) => failures.push(diag),
        }
    }
    if let Some(first) = failures.into_iter().next() {
        return Err(vec![partial(first, &summary)]);
    }
    for name in &plan.removals {
        let path = dir.join(name);
        if let Err(error) = fs::remove_file(&path) {
            return Err(vec![partial(cannot("delete", &path, &error), &summary)]);
        }
        summary.removed += 1;
    }
    Ok(summary)
}

/// Lists the output directory by name, or `None` when it does not exist yet.
/// Names that are not UTF-8 are left out: netpolc never produces them.
fn list(dir: &Path) -> Result<Option<HashMap<String, Existing>>, Vec<Diagnostic>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
            return Err(vec![
                Diagnostic::without_span(
                    Code::E0903,
                    format!("cannot write to `{}`: it is not a directory", dir.display()),
                )
                .help("pass `--out` a directory, or move the file away"),
            ]);
        }
        Err(error) => return Err(vec![cannot("read the directory", dir, &error)]),
    };
    let mut listing = HashMap::new();
    for entry in entries {
        let entry = entry.map_err(|error| vec![cannot("read the directory", dir, &error)])?;
        let file_type = entry
            .file_type()
            .map_err(|error| vec![cannot("read", &entry.path(), &error)])?;
        if let Ok(name) = entry.file_name().into_string() {
            let existing = if file_type.is_file() {
                Existing::File
            } else {
                Existing::Other
            };
            listing.insert(name, existing);
        }
    }
    Ok(Some(listing))
}

/// True when the bytes start with the generated-file header line.
fn starts_generated(bytes: &[u8]) -> bool {
    let first_line = bytes
        .split(|byte| *byte == b'\n')
        .next()
        .unwrap_or_default();
    std::str::from_utf8(first_line).is_ok_and(is_generated)
}

/// True for a name that stays directly inside the output directory.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\'])
}

/// The E0901 refusal to overwrite a file netpolc did not generate.
fn refuse(target: &Path) -> Diagnostic {
    Diagnostic::without_span(
        Code::E0901,
        format!(
            "refusing to overwrite `{}`: it was not generated by netpolc",
            target.display()
        ),
    )
    .help(
        "move the file away or delete it; netpolc only replaces files whose first line is its \
         `Code generated by netpolc ... DO NOT EDIT.` header",
    )
}

/// An E0903 for an IO failure on `path`.
fn cannot(verb: &str, path: &Path, error: &io::Error) -> Diagnostic {
    Diagnostic::without_span(
        Code::E0903,
        format!("cannot {verb} `{}`: {}", path.display(), describe_io(error)),
    )
}

/// Adds to a write failure what had already been done.
fn partial(diag: Diagnostic, summary: &Summary) -> Diagnostic {
    if summary.written + summary.removed == 0 {
        return diag;
    }
    diag.note(format!(
        "the output directory is partly updated: {} written and {} removed before the failure",
        plural(summary.written, "file"),
        summary.removed,
    ))
    .help("fix the problem and run `netpolc build` again")
}

#[cfg(test)]
mod tests;
