//! The build record: what the last successful `build` of a repository into
//! an output directory read and wrote, so that a later `build` or `check` of
//! the unchanged repository answers without compiling it again.
//!
//! A record holds the identity of every source file (device, inode, size,
//! modification and change times) as it was just before netpolc read it,
//! the same of the output directory and of every `.yaml` entry in it after
//! the write, and the diagnostics the build printed, rendered. `build` and
//! `check` first walk the repository as they always do and `stat` every
//! file named in the record; when every identity is the same, the result is
//! the one recorded, and they print the recorded diagnostics and the usual
//! summary without reading a source or an output file.
//!
//! **Invariant:** a record is used only when every identity it holds is
//! unchanged, and after it was written the file system's clock had passed
//! every time it holds, so that a later change to any of these files, even
//! within the same clock tick, changes its change time (`ctime`), which no
//! program but the kernel sets. A file edited, replaced, added, removed or
//! renamed, in the repository or the output directory, makes the command
//! compile as if there were no record.
//!
//! **Invariant:** records live outside the repository and the output
//! directory, in the user's cache directory (`$NETPOLC_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/netpolc`, else `$HOME/.cache/netpolc`), one file per
//! repository and output directory, so a pull request cannot commit one. A
//! record names the netpolc binary (its version, size and modification time)
//! and the command-line settings that change the output or the diagnostics;
//! any other binary or setting ignores it. `NETPOLC_CACHE_DIR=` (empty)
//! turns records off. Failing to read or write a record is never an error:
//! the command compiles instead.
//!
//! The one race left is the one every `make`-like tool has: a file changed
//! while netpolc builds, in the clock tick just after netpolc looked at it,
//! can go unnoticed until the next change. Records exist only where the
//! platform gives these identities (Unix).

use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::report::Reporter;

/// The environment variable that names the cache directory; empty turns
/// records off.
const CACHE_DIR_VAR: &str = "NETPOLC_CACHE_DIR";

/// The format of a record file; a record of another format is ignored.
const FORMAT: u32 = 1;

/// How long [`Cache::store`] waits, at most, for the file system's clock to
/// pass the newest time in the record, in steps of a millisecond.
const CLOCK_WAIT_STEPS: u32 = 100;

/// The identity of a file (or directory) at one moment: what changes when
/// its content, its name or its inode does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The identity in `metadata`, or `None` where the platform has none.
    pub fn of(metadata: &fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                dev: metadata.dev(),
                ino: metadata.ino(),
                len: metadata.size(),
                mtime: (metadata.mtime(), metadata.mtime_nsec()),
                ctime: (metadata.ctime(), metadata.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }

    /// The later of its two times.
    fn newest(&self) -> (i64, i64) {
        self.mtime.max(self.ctime)
    }
}

/// A source file as the build read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Its path as the walk found it (`Found::path`).
    pub path: PathBuf,
    /// Its identity just before it was read.
    pub stamp: Stamp,
}

/// What one successful build read and wrote.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    format: u32,
    /// The binary and settings the record is for ([`Cache::key`]).
    key: String,
    /// Every source, in the walk's order.
    sources: Vec<Source>,
    /// The output directory after the write (`lstat`).
    dir: Stamp,
    /// Every `.yaml` entry of the output directory after the write, by name
    /// (`lstat`): the outputs and any other file a build looks at.
    entries: Vec<(String, Stamp)>,
    /// How many files the build produced.
    outputs: usize,
    /// How many warnings it printed.
    warnings: usize,
    /// The diagnostics it printed, rendered.
    rendered: String,
}

/// The result of a build that the record gives without compiling.
pub struct Hit {
    /// How many files the build produces (all up to date).
    pub outputs: usize,
    /// How many warnings it printed.
    pub warnings: usize,
    /// The diagnostics, rendered as the command prints them.
    pub rendered: String,
}

impl Hit {
    /// Prints the recorded diagnostics and warning count, as the build
    /// printed them; the command adds its own summary line.
    pub fn print(&self, reporter: &Reporter) {
        reporter.print_rendered(&self.rendered);
        reporter.warnings_emitted(self.warnings);
    }
}

/// The record of one repository and output directory.
pub struct Cache {
    /// The cache directory.
    dir: PathBuf,
    /// The binary and the settings ([`Cache::key`]).
    key: String,
}

impl Cache {
    /// The cache for a build of `repo` into `out` with these settings, or
    /// `None` when records are off or the platform has no file identities.
    pub fn new(repo: &Path, out: &Path, named: bool, reporter: &Reporter) -> Option<Cache> {
        if !cfg!(unix) {
            return None;
        }
        let dir = cache_dir()?;
        let exe = std::env::current_exe().ok()?;
        let binary = Stamp::of(&fs::metadata(exe).ok()?)?;
        let key = format!(
            "netpolc {} {:?} {:?} format={:?} color={} options={:?} repo={:?} out={:?} named={named}",
            env!("CARGO_PKG_VERSION"),
            binary.len,
            binary.mtime,
            reporter.format,
            reporter.color,
            reporter.options,
            repo,
            out,
        );
        Some(Cache { dir, key })
    }

    /// The recorded result, when `sources` (the walk's paths, in order) and
    /// the output directory `out` are exactly as the record saw them.
    pub fn lookup(&self, sources: &[&Path], repo: &Path, out: &Path) -> Option<Hit> {
        let path = self.record_path(repo, out)?;
        let record: Record = serde_json::from_slice(&fs::read(path).ok()?).ok()?;
        if record.format != FORMAT || record.key != self.key {
            return None;
        }
        if record.sources.len() != sources.len()
            || record
                .sources
                .iter()
                .zip(sources)
                .any(|(source, path)| source.path != **path)
        {
            return None;
        }
        let same = |path: &Path, stamp: &Stamp, follow: bool| {
            let metadata = if follow {
                fs::metadata(path)
            } else {
                fs::symlink_metadata(path)
            };
            metadata.ok().and_then(|metadata| Stamp::of(&metadata)) == Some(*stamp)
        };
        if !same(out, &record.dir, false) {
            return None;
        }
        let sources_same = netpolc::par::map(&record.sources, 512, |source| {
            same(&source.path, &source.stamp, true)
        });
        let entries_same = netpolc::par::map(&record.entries, 512, |(name, stamp)| {
            same(&out.join(name), stamp, false)
        });
        if sources_same
            .into_iter()
            .chain(entries_same)
            .all(|same| same)
        {
            Some(Hit {
                outputs: record.outputs,
                warnings: record.warnings,
                rendered: record.rendered,
            })
        } else {
            None
        }
    }

    /// Records a successful build of `repo` into `out`: `sources` as read,
    /// `outputs` files produced, the diagnostics rendered as `rendered` with
    /// `warnings` warnings. Does nothing when a stamp is missing or the
    /// record cannot be written; an older record is then removed.
    pub fn store(
        &self,
        repo: &Path,
        out: &Path,
        sources: Vec<Source>,
        outputs: usize,
        warnings: usize,
        rendered: &str,
    ) {
        let Some(path) = self.record_path(repo, out) else {
            return;
        };
        let stored = self
            .record(out, sources, outputs, warnings, rendered)
            .and_then(|record| write_record(&path, &record));
        if stored.is_none() {
            let _ = fs::remove_file(&path);
        }
    }

    /// The record of a build, with the output directory's identities taken now.
    fn record(
        &self,
        out: &Path,
        sources: Vec<Source>,
        outputs: usize,
        warnings: usize,
        rendered: &str,
    ) -> Option<Record> {
        let dir = Stamp::of(&fs::symlink_metadata(out).ok()?)?;
        let mut names = Vec::new();
        for entry in fs::read_dir(out).ok()? {
            let name = entry.ok()?.file_name().into_string().ok()?;
            if name.ends_with(".yaml") {
                names.push(name);
            }
        }
        names.sort_unstable();
        let stamps = netpolc::par::map(&names, 512, |name| {
            fs::symlink_metadata(out.join(name))
                .ok()
                .and_then(|metadata| Stamp::of(&metadata))
        });
        let mut entries = Vec::with_capacity(names.len());
        for (name, stamp) in names.into_iter().zip(stamps) {
            entries.push((name, stamp?));
        }
        Some(Record {
            format: FORMAT,
            key: self.key.clone(),
            sources,
            dir,
            entries,
            outputs,
            warnings,
            rendered: rendered.to_owned(),
        })
    }

    /// `CACHE/builds/<hash>.json`, the hash of the canonical repository and
    /// output directory; `None` when either cannot be resolved.
    fn record_path(&self, repo: &Path, out: &Path) -> Option<PathBuf> {
        let mut hasher = std::hash::DefaultHasher::new();
        fs::canonicalize(repo).ok()?.hash(&mut hasher);
        fs::canonicalize(out).ok()?.hash(&mut hasher);
        Some(
            self.dir
                .join("builds")
                .join(format!("{:016x}.json", hasher.finish())),
        )
    }
}

/// Writes `record` to `path` through a temporary file and a rename, then
/// makes sure the file system's clock has passed every time in the record:
/// the record file's own modification time must be later, else it is
/// written again a millisecond later. `None` when that fails.
fn write_record(path: &Path, record: &Record) -> Option<()> {
    let newest = record
        .sources
        .iter()
        .map(|source| &source.stamp)
        .chain(record.entries.iter().map(|(_, stamp)| stamp))
        .chain([&record.dir])
        .map(Stamp::newest)
        .max()?;
    let bytes = serde_json::to_vec(record).ok()?;
    fs::create_dir_all(path.parent()?).ok()?;
    let temp = path.with_extension(format!("{}.tmp", std::process::id()));
    for _ in 0..CLOCK_WAIT_STEPS {
        if fs::write(&temp, &bytes).is_err() {
            let _ = fs::remove_file(&temp);
            return None;
        }
        let written = fs::metadata(&temp)
            .ok()
            .and_then(|metadata| Stamp::of(&metadata));
        if written.is_some_and(|stamp| stamp.mtime > newest) {
            return fs::rename(&temp, path).ok();
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let _ = fs::remove_file(&temp);
    None
}

/// The cache directory: `$NETPOLC_CACHE_DIR` (empty: none), else
/// `$XDG_CACHE_HOME/netpolc`, else `$HOME/.cache/netpolc`; only absolute
/// paths count.
fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_VAR) {
        let dir = PathBuf::from(dir);
        return dir.is_absolute().then_some(dir);
    }
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
        .map(|dir| dir.join("netpolc"))
}
