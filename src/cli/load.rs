//! Loads the policy repository: every `.netpol` file under it into a
//! [`SourceMap`], through the one walker and reader of `fs.rs` and its
//! reading policy (regular files inside the repository only).
//!
//! The walk is recursive and sorted by name, so the same tree always gives
//! the same map. It skips hidden entries (names starting with `.`), `target`
//! directories, the output directory when it lies inside the repository, and
//! directories reached through symbolic links (which could form cycles);
//! symbolic links to regular files inside the repository are followed.
//!
//! **Invariant:** every problem becomes a diagnostic without a span (E0003,
//! E0004, E0902, E0905, E0907) and the walk goes on, so the user sees all of
//! them at once. Files that could not be read are left out of the map.

use std::fs;
use std::path::{Path, PathBuf};

use netpolc::diag::Diagnostic;
use netpolc::diag::report;
use netpolc::source::SourceMap;

use super::cache;
use super::fs::{Kind, Root, Search, Walked, read_text_stamped, walk};
use super::report::describe_io;

/// Reads every `.netpol` file under `repo`, with paths relative to `repo`
/// and `/` separators, into a map that also holds the standard library.
/// `out` is the output directory, skipped when it lies inside `repo`.
pub fn load(repo: &Path, out: &Path) -> (SourceMap, Vec<Diagnostic>) {
    let (sources, diags, _) = read(list(repo, out));
    (sources, diags)
}

/// The `.netpol` files of a repository, found and not yet read.
pub struct Listing<'a> {
    repo: &'a Path,
    /// The root reading stays inside; `None` when the walk could not start.
    root: Option<Root>,
    walked: Walked,
    diags: Vec<Diagnostic>,
}

impl Listing<'_> {
    /// The paths of the files to read, in order, when the walk found
    /// nothing wrong (no diagnostic, every file fit to read by name).
    pub fn clean_paths(&self) -> Option<Vec<&Path>> {
        (self.root.is_some()
            && self.diags.is_empty()
            && self.walked.diags.is_empty()
            && self.walked.matched == self.walked.files.len()
            && self.walked.matched > 0)
            .then(|| {
                self.walked
                    .files
                    .iter()
                    .map(|found| found.path.as_path())
                    .collect()
            })
    }
}

/// Finds the `.netpol` files under `repo` (skipping `out` when it lies
/// inside), without reading them.
pub fn list<'a>(repo: &'a Path, out: &Path) -> Listing<'a> {
    let mut listing = Listing {
        repo,
        root: None,
        walked: Walked::default(),
        diags: Vec::new(),
    };
    let cannot_read = |error: &std::io::Error| {
        report::cannot_read(report::CannotRead::File {
            path: &repo.display(),
            error: &describe_io(error),
        })
        .help("pass the directory that holds your `.netpol` files")
    };
    match fs::metadata(repo) {
        Ok(metadata) if metadata.is_dir() => match Root::new(repo) {
            Ok(root) => {
                let search = search(output_inside(repo, out));
                listing.walked = walk(repo, &search, false);
                listing.root = Some(root);
            }
            Err(error) => listing.diags.push(cannot_read(&error)),
        },
        Ok(_) => listing
            .diags
            .push(report::cannot_read(report::CannotRead::NotDirectory {
                path: &repo.display(),
            })),
        Err(error) => listing.diags.push(cannot_read(&error)),
    }
    listing
}

/// How many files a thread reads at least.
const FILES_PER_THREAD: usize = 64;

/// Reads the files of `listing` into a map that also holds the standard
/// library, with each file's identity just before it was read (in the
/// listing's order, for the files read).
pub fn read(listing: Listing<'_>) -> (SourceMap, Vec<Diagnostic>, Vec<cache::Source>) {
    let mut sources = SourceMap::with_stdlib();
    let mut stamps = Vec::new();
    let Listing {
        repo,
        root,
        walked,
        mut diags,
    } = listing;
    let Some(root) = root else {
        return (sources, diags, stamps);
    };
    diags.extend(walked.diags);
    // Read on every core (system calls dominate), added in the walk's order.
    let read = netpolc::par::map(&walked.files, FILES_PER_THREAD, |found| {
        read_text_stamped(&root, &found.path, &found.shown, Kind::Source)
    });
    for (found, read) in walked.files.into_iter().zip(read) {
        match read {
            Ok((text, metadata)) => {
                if let Some(stamp) = cache::Stamp::of(&metadata) {
                    stamps.push(cache::Source {
                        path: found.path,
                        stamp,
                    });
                }
                sources.add_user(found.shown, text);
            }
            Err(diag) => diags.push(*diag),
        }
    }
    if walked.matched == 0 && diags.is_empty() {
        diags.push(report::no_sources(&repo.display()));
    }
    (sources, diags, stamps)
}

/// What a repository's sources are: the `.netpol` files, outside `target`
/// directories and `skip` (the output directory, relative to the
/// repository). A git revision is read by the same rules (`revision.rs`).
pub fn search(skip: Option<PathBuf>) -> Search<'static> {
    Search {
        extensions: &["netpol"],
        skip_target: true,
        skip,
    }
}

/// The output directory relative to the repository, when it lies strictly
/// inside it.
fn output_inside(repo: &Path, out: &Path) -> Option<PathBuf> {
    let repo = fs::canonicalize(repo).ok()?;
    let out = fs::canonicalize(out).ok()?;
    let rel = out.strip_prefix(&repo).ok()?;
    (!rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
}
