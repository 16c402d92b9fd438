//! The write plan: what `build` would do to the output directory, decided
//! by reading it and touching nothing. `build` applies the plan; `check`
//! and `diff` only show it, so all three agree on what is out of date.
//!
//! **Invariant:** [`plan`] only reads. It never creates the output
//! directory, a temporary file or anything else.
//!
//! **Invariant:** a plan is returned only when `build` could carry it out
//! without overwriting or deleting a file that lacks the generated header;
//! otherwise every reason is returned as an E0901, E0903 or E0906
//! diagnostic.
//!
//! **Invariant:** the plan never follows a symbolic link inside the output
//! directory: entries are classified with `lstat`, and a link at an output
//! path is refused (E0906). The default output directory must itself be a
//! real directory (E0906 when it is a link); a directory named with `--out`
//! is the user's choice and may be reached through links.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;

use netpolc::OutputFile;
use netpolc::diag::Diagnostic;
use netpolc::diag::report;
use netpolc::emit::is_generated;

use super::{cannot, in_parallel};

/// Everything a write will do, decided before anything is touched.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    /// Whether the output directory does not exist yet and must be created.
    pub create_dir: bool,
    /// Every file that would be created, replaced or deleted, sorted by name.
    pub changes: Vec<Change<'a>>,
    /// How many files already have the right contents.
    pub unchanged: usize,
}

/// One file of the output directory that a build would change.
#[derive(Debug)]
pub enum Change<'a> {
    /// The file is not in the directory yet (missing).
    Create(&'a OutputFile),
    /// The directory holds an older generated version, `old` (stale).
    Replace {
        /// The file a build would write.
        file: &'a OutputFile,
        /// What the directory holds now.
        old: Vec<u8>,
    },
    /// A generated `.yaml` file that is no longer produced (extra).
    Remove {
        /// Its name in the output directory.
        name: String,
        /// What it holds now.
        old: Vec<u8>,
    },
}

impl Change<'_> {
    /// The file name inside the output directory.
    pub fn name(&self) -> &str {
        match self {
            Change::Create(file) | Change::Replace { file, .. } => &file.path,
            Change::Remove { name, .. } => name,
        }
    }

    /// What the directory holds now; empty for a missing file.
    pub fn old(&self) -> &[u8] {
        match self {
            Change::Create(_) => &[],
            Change::Replace { old, .. } | Change::Remove { old, .. } => old,
        }
    }

    /// What a build would leave there; `None` for a file it deletes.
    pub fn file(&self) -> Option<&OutputFile> {
        match self {
            Change::Create(file) | Change::Replace { file, .. } => Some(file),
            Change::Remove { .. } => None,
        }
    }
}

/// What is already in the output directory under one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Existing {
    /// A regular file.
    File,
    /// A symbolic link, never followed.
    Symlink,
    /// A directory or anything else netpolc will not replace.
    Other,
}

/// Decides what to do with every file, or returns every reason not to.
/// `named` is true when the user named `dir` with `--out`; otherwise it is
/// the default `REPO/generated`, which must not be a symbolic link.
pub fn plan<'a>(
    files: &'a [OutputFile],
    dir: &Path,
    named: bool,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    if !named {
        check_default_dir(dir)?;
    }
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
            Decision::Create => plan.changes.push(Change::Create(file)),
            Decision::Replace(old) => plan.changes.push(Change::Replace { file, old }),
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
            Ok(old) if starts_generated(&old) => plan.changes.push(Change::Remove {
                name: name.to_owned(),
                old,
            }),
            Ok(_) => {}
            Err(error) => diags.push(cannot("read", &path, &error)),
        }
    }
    if diags.is_empty() {
        plan.changes.sort_by(|a, b| a.name().cmp(b.name()));
        Ok(plan)
    } else {
        Err(diags)
    }
}

/// What to do with one output file.
enum Decision {
    /// Create it: nothing has that name yet.
    Create,
    /// Replace the older generated contents it holds.
    Replace(Vec<u8>),
    /// It already has the right contents.
    Unchanged,
    /// It cannot be written; the diagnostic says why.
    Refuse(Diagnostic),
}

/// Decides about one output file, reading the file it would replace.
fn decide(file: &OutputFile, dir: &Path, listing: &HashMap<String, Existing>) -> Decision {
    if !is_plain_name(&file.path) {
        return Decision::Refuse(report::cannot_write(report::CannotWrite::NotFileName {
            path: &file.path,
        }));
    }
    let target = dir.join(&file.path);
    match listing.get(file.path.as_str()) {
        None => Decision::Create,
        Some(Existing::Symlink) => Decision::Refuse(symlink_refusal(&target)),
        Some(Existing::Other) => Decision::Refuse(not_regular_file(&target)),
        Some(Existing::File) => match fs::read(&target) {
            Ok(existing) if existing == file.contents.as_bytes() => Decision::Unchanged,
            Ok(existing) if starts_generated(&existing) => Decision::Replace(existing),
            Ok(_) => Decision::Refuse(refuse(&target)),
            Err(error) => Decision::Refuse(cannot("read", &target, &error)),
        },
    }
}

/// Lists the output directory by name, or `None` when it does not exist yet.
/// Names that are not UTF-8 are left out: netpolc never produces them.
fn list(dir: &Path) -> Result<Option<HashMap<String, Existing>>, Vec<Diagnostic>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
            return Err(vec![
                report::cannot_write(report::CannotWrite::NotDirectory {
                    path: &dir.display(),
                })
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
            } else if file_type.is_symlink() {
                Existing::Symlink
            } else {
                Existing::Other
            };
            listing.insert(name, existing);
        }
    }
    Ok(Some(listing))
}

/// Refuses a default output directory that is a symbolic link (E0906): a
/// repository could otherwise commit `generated -> /somewhere` and have
/// `build` write and delete files there. A missing directory is fine.
fn check_default_dir(dir: &Path) -> Result<(), Vec<Diagnostic>> {
    match fs::symlink_metadata(dir) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(vec![report::symlink_refused(
            report::SymlinkRefused::OutputDir {
                path: &dir.display(),
            },
        )]),
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(vec![cannot("read", dir, &error)]),
    }
}

/// The E0906 refusal to write through a symbolic link at an output path.
fn symlink_refusal(target: &Path) -> Diagnostic {
    report::symlink_refused(report::SymlinkRefused::WriteThrough {
        path: &target.display(),
    })
}

/// E0906 for a path that is no longer a regular file when it is replaced or
/// deleted.
pub fn not_regular(path: &Path, file_type: &fs::FileType) -> Diagnostic {
    if file_type.is_symlink() {
        symlink_refusal(path)
    } else {
        not_regular_file(path)
    }
}

/// The E0906 refusal to replace a directory or other special file.
fn not_regular_file(path: &Path) -> Diagnostic {
    report::symlink_refused(report::SymlinkRefused::Replace {
        path: &path.display(),
    })
}

/// True when the bytes start with the generated-file header line.
pub fn starts_generated(bytes: &[u8]) -> bool {
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
    report::not_generated(&target.display())
}
