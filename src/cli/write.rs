//! Puts the compiled files into the output directory. The files are
//! written by the one writer of the CLI, `fs/write.rs`; this module decides
//! what to write and what to delete.
//!
//! Writing happens in two steps. [`plan`] (in `write/plan.rs`) looks at the
//! directory and decides what to do with every file; only when the plan has
//! no errors does [`apply`] touch the disk, so a refusal leaves the directory
//! exactly as it was. `check` and `diff` use the same plan and never apply
//! it.
//!
//! **Invariant:** netpolc never overwrites or deletes a file whose first line
//! is not the generated-file header ([`netpolc::emit::is_generated`]); it
//! never touches anything but `*.yaml` files directly in the output directory
//! and its own temporary files.
//!
//! **Invariant:** a file whose contents are already right is not rewritten,
//! so a second build of an unchanged repository writes nothing (the plan
//! leaves it out, and the writer compares again).
//!
//! **Invariant:** a file the plan found missing is created directly by the
//! writer of `fs/write.rs`, with `O_CREAT|O_EXCL` (no temporary file, no
//! rename); anything that took its name since the plan (a file or a link)
//! is refused, never followed or overwritten. A file the plan found stale
//! is replaced atomically: written to a temporary file in the same
//! directory, then renamed over the target. The output directory is created
//! once, when missing; nothing is synced to disk (no `fsync`) unless
//! `build --fsync` asks: then every written file is synced before it is
//! renamed into place or counted, and the output directory once at the end.
//!
//! **Invariant:** nothing is written outside the output directory. New files
//! and temporary files are created with `O_CREAT|O_EXCL`, temporary files
//! under names nobody can guess, so a symbolic link committed under such a
//! name is never followed; a symbolic link or anything else but a regular
//! file at an output path is refused (E0906), never followed, replaced or
//! deleted, also when it appears between the plan and the write; and
//! the default output directory, `REPO/generated`, must be a real directory,
//! not a symbolic link (E0906). Only a directory the user names with `--out`
//! may be reached through a symbolic link.

mod plan;

use std::fs;
use std::io;
use std::path::Path;

use netpolc::OutputFile;
use netpolc::diag::Diagnostic;
use netpolc::diag::report;

pub use super::fs::Durability;
#[cfg(test)]
use super::fs::create_temp;
use super::fs::{Mode, Refused, Written, regular_or_absent, sync_dir, write_file};
use super::report::{describe_io, plural};

#[cfg(test)]
use plan::starts_generated;
pub use plan::{Change, Plan, plan};

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
        let shown = shown_dir(dir);
        format!(
            "wrote {}, {} unchanged, {} removed ({shown})",
            plural(self.written, "file"),
            self.unchanged,
            self.removed,
        )
    }
}

/// The output directory as the user named it, ending in a separator:
/// `generated/`.
pub fn shown_dir(dir: &Path) -> String {
    let mut shown = dir.display().to_string();
    if !shown.ends_with(std::path::MAIN_SEPARATOR) && !shown.ends_with('/') {
        shown.push('/');
    }
    shown
}

/// Brings `dir` up to date with `files`: writes what changed, deletes stale
/// generated files, and reports E0901, E0903 or E0906 instead when it
/// cannot. `named` is true when the user named `dir` with `--out`.
pub fn write(
    files: &[OutputFile],
    dir: &Path,
    named: bool,
    durability: Durability,
) -> Result<Summary, Vec<Diagnostic>> {
    let plan = plan(files, dir, named)?;
    apply(&plan, dir, durability)
}

/// Checks, without following it, that `path` is a regular file or does not
/// exist, just before it is deleted. The plan checked it already; this
/// catches a change since.
fn still_regular(path: &Path) -> Result<(), Box<Diagnostic>> {
    regular_or_absent(path)
        .map(|_| ())
        .map_err(|refused| Box::new(refused_diag(path, "read", refused)))
}

/// The diagnostic for a refusal of the writer of `fs.rs` at `path`:
/// E0906 for a path that is not a regular file, else E0903 (`cannot VERB`).
fn refused_diag(path: &Path, verb: &str, refused: Refused) -> Diagnostic {
    match refused {
        Refused::NotRegular(file_type) => plan::not_regular(path, &file_type),
        Refused::Exists => cannot(verb, path, &io::Error::from(io::ErrorKind::AlreadyExists)),
        Refused::Io(error) => cannot(verb, path, &error),
    }
}

/// Maps `f` over `items` on the cores, keeping the order
/// ([`netpolc::par::map`]). File system calls dominate here, and two threads
/// keep the disk busier than one.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const ITEMS_PER_THREAD: usize = 64;
    netpolc::par::map(items, ITEMS_PER_THREAD, f)
}

/// Carries out a plan, stopping at the first failure: creates the
/// directory when needed, writes every new or changed file, and only then
/// deletes the stale ones.
pub fn apply(
    plan: &Plan<'_>,
    dir: &Path,
    durability: Durability,
) -> Result<Summary, Vec<Diagnostic>> {
    let mut summary = Summary {
        unchanged: plan.unchanged,
        ..Summary::default()
    };
    // A file the plan found missing is created directly (`O_EXCL`: an entry
    // that appeared since is refused); one it found stale is replaced.
    let writes: Vec<(&OutputFile, Mode)> = plan
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::Create(file) => Some((*file, Mode::CreateNew)),
            Change::Replace { file, .. } => Some((*file, Mode::Replace)),
            Change::Remove { .. } => None,
        })
        .collect();
    // The output directory is the only one: created once, with its parents.
    if plan.create_dir && !writes.is_empty() {
        fs::create_dir_all(dir).map_err(|error| vec![cannot("create", dir, &error)])?;
    }
    // After the first failure the other files are left alone.
    let failed = std::sync::atomic::AtomicBool::new(false);
    let results = in_parallel(&writes, |&(file, mode)| {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let target = dir.join(&file.path);
        let result = write_file(&target, file.contents.as_bytes(), mode, durability)
            .map_err(|refused| Box::new(refused_diag(&target, "write", refused)));
        if result.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Some(result)
    });
    let mut failures = Vec::new();
    for result in results.into_iter().flatten() {
        match result {
            Ok(Written::Written) => summary.written += 1,
            // Put right since the plan was made, by someone else.
            Ok(Written::Unchanged) => summary.unchanged += 1,
            Err(diag) => failures.push(diag),
        }
    }
    if let Some(first) = failures.into_iter().next() {
        return Err(vec![partial(*first, &summary)]);
    }
    let removals = plan.changes.iter().filter_map(|change| match change {
        Change::Remove { name, .. } => Some(name),
        Change::Create(_) | Change::Replace { .. } => None,
    });
    for name in removals {
        let path = dir.join(name);
        if let Err(diag) = still_regular(&path) {
            return Err(vec![partial(*diag, &summary)]);
        }
        if let Err(error) = fs::remove_file(&path) {
            return Err(vec![partial(cannot("delete", &path, &error), &summary)]);
        }
        summary.removed += 1;
    }
    // The new names, renames and removals: one `fsync` of the directory.
    if durability == Durability::Fsync && summary.written + summary.removed > 0 {
        sync_dir(dir).map_err(|error| vec![cannot("sync", dir, &error)])?;
    }
    Ok(summary)
}

/// An E0903 for an IO failure on `path`.
fn cannot(verb: &str, path: &Path, error: &io::Error) -> Diagnostic {
    report::cannot_write(report::CannotWrite::Verb {
        verb: &verb,
        path: &path.display(),
        error: &describe_io(error),
    })
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
