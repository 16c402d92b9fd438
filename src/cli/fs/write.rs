//! The one writer of the CLI: every file netpolc writes goes through
//! [`write_file`]: the generated YAML of `build` (`cli/write.rs`, which
//! decides what to write), the sources `fmt` rewrites, and the new
//! repository of `import`.
//!
//! **Invariant:** a file is written only when its bytes change: when the
//! target already holds exactly the new contents, nothing is written and
//! its modification time stays ([`Written::Unchanged`]).
//!
//! **Invariant:** a file that does not exist yet is created directly
//! ([`create_new`]): opened with `O_CREAT|O_EXCL`, which fails on any entry
//! with that name, a symbolic link included, instead of following it. An
//! entry that appeared since the caller looked is refused
//! ([`Refused::NotRegular`] for a link or a special file, [`Refused::Exists`]
//! for a regular file), never followed or overwritten. A write that fails
//! half-way removes the file it created. Nothing needs to be atomic there:
//! no older contents can be lost.
//!
//! **Invariant:** an existing file is replaced atomically: the new contents
//! go to a temporary file in the target's directory, created with
//! `O_CREAT|O_EXCL` ([`create_temp`]) under a hidden name nobody can guess,
//! so a symbolic link committed under such a name is never followed; the
//! target is checked once more, without following links, to be a regular
//! file just before the temporary file is renamed over it. A symbolic link
//! or anything else but a regular file at the target is refused
//! ([`Refused::NotRegular`]), never followed, replaced or deleted. Nothing
//! is synced to disk (no `fsync`) unless the caller asks for
//! [`Durability::Fsync`] (`build --fsync`): by default a crash may lose the
//! new contents, but the rename never leaves a half-written target.
//!
//! **Invariant:** [`Mode::CreateNew`] never replaces anything: the file is
//! created directly, as above, and any entry with its name is refused
//! ([`Refused::Exists`], or [`Refused::NotRegular`] for a link).
//!
//! System calls, for a file of one `write`: a new file costs `openat`,
//! `write`, `close`; a replaced one adds a `statx` of the target before and
//! after, the temporary file and a `rename`; an unchanged one is a `statx`
//! (and a read of the file when the sizes agree), and no write.

use std::fs::{self, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::open_nonblocking;

/// How [`write_file`] treats an existing target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Replace a regular file; the new file gets the default permissions.
    Replace,
    /// Replace a regular file, keeping its permissions (`fmt`).
    ReplaceKeepingPermissions,
    /// Create the file; refuse when anything has its name (`import`).
    CreateNew,
}

/// Whether [`write_file`] waits for the contents to reach the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// No `fsync`: the operating system writes the file back when it likes.
    Default,
    /// `fsync` the new file (the temporary file before its rename) before
    /// returning; the caller syncs the directory once at the end
    /// ([`sync_dir`]), so that the new names survive a crash too.
    Fsync,
}

/// `fsync`s the directory `dir`, so that the files created, renamed or
/// removed in it survive a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// What [`write_file`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Written,
    /// The file already held the contents; nothing was written.
    Unchanged,
}

/// Why [`write_file`] wrote nothing.
#[derive(Debug)]
pub enum Refused {
    /// The target is a symbolic link, a directory or another special file.
    NotRegular(fs::FileType),
    /// The target exists and the mode is [`Mode::CreateNew`].
    Exists,
    /// An IO error.
    Io(io::Error),
}

impl From<io::Error> for Refused {
    fn from(error: io::Error) -> Refused {
        Refused::Io(error)
    }
}

/// Writes `contents` to `target` under the policy of this module.
pub fn write_file(
    target: &Path,
    contents: &[u8],
    mode: Mode,
    durability: Durability,
) -> Result<Written, Refused> {
    if mode == Mode::CreateNew {
        // `O_EXCL` is the check: no `stat` first.
        return create_new(target, contents, durability);
    }
    let Some(metadata) = regular_or_absent(target)? else {
        return create_new(target, contents, durability);
    };
    if holds(target, &metadata, contents)? {
        return Ok(Written::Unchanged);
    }
    let permissions = match mode {
        Mode::ReplaceKeepingPermissions => Some(metadata.permissions()),
        Mode::Replace | Mode::CreateNew => None,
    };
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = create_temp(dir, &name, contents, permissions.as_ref(), durability)?;
    let placed =
        regular_or_absent(target).and_then(|_| fs::rename(&temp, target).map_err(Refused::Io));
    if placed.is_err() {
        // The temporary file is ours and must not stay behind.
        let _ = fs::remove_file(&temp);
    }
    placed.map(|()| Written::Written)
}

/// Creates `target`, which must not exist, holding `contents`: one
/// `O_CREAT|O_EXCL` open, which never follows a link and never truncates
/// anything. When any entry has the name, it is looked at (without
/// following it) only to say why the write is refused. When the write
/// fails, the file, created just now by this call, is removed.
fn create_new(target: &Path, contents: &[u8], durability: Durability) -> Result<Written, Refused> {
    let mut file = match OpenOptions::new().write(true).create_new(true).open(target) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(match regular_or_absent(target) {
                Err(refused) => refused,
                Ok(_) => Refused::Exists,
            });
        }
        Err(error) => return Err(Refused::Io(error)),
    };
    let written = file
        .write_all(contents)
        .and_then(|()| synced(&file, durability));
    drop(file);
    match written {
        Ok(()) => Ok(Written::Written),
        Err(error) => {
            let _ = fs::remove_file(target);
            Err(Refused::Io(error))
        }
    }
}

/// `fsync`s `file` when asked to.
fn synced(file: &fs::File, durability: Durability) -> io::Result<()> {
    match durability {
        Durability::Default => Ok(()),
        Durability::Fsync => file.sync_all(),
    }
}

/// The metadata of `path` when it is a regular file, `None` when nothing
/// has its name; [`Refused::NotRegular`] for anything else. Links are not
/// followed.
pub fn regular_or_absent(path: &Path) -> Result<Option<fs::Metadata>, Refused> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_file() => Ok(Some(metadata)),
        Ok(metadata) => Err(Refused::NotRegular(metadata.file_type())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Refused::Io(error)),
    }
}

/// True when the regular file at `path`, described by `metadata`, holds
/// exactly `contents`. It is opened without blocking and checked to be the
/// same regular file, so a FIFO swapped in cannot hang the write.
fn holds(path: &Path, metadata: &fs::Metadata, contents: &[u8]) -> Result<bool, Refused> {
    if metadata.len() != contents.len() as u64 {
        return Ok(false);
    }
    let file = open_nonblocking(path)?;
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(Refused::NotRegular(opened.file_type()));
    }
    let mut bytes = Vec::with_capacity(contents.len());
    file.take(contents.len() as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes == contents)
}

/// How many names [`create_temp`] tries before it gives up.
const TEMP_ATTEMPTS: u32 = 100;

/// Creates a new file in `dir` holding `contents`, named after `name`
/// (`.NAME.PID-NANOS-COUNT.netpolc-tmp`, hidden, so no walk reads it), and
/// returns its path. The file is opened with `create_new`, which is
/// `O_CREAT|O_EXCL`: it fails on any existing entry, a symbolic link
/// included, instead of following it, and another name is tried. With
/// `permissions`, the file gets them before anything is written; with
/// [`Durability::Fsync`], it is synced before it is returned.
pub fn create_temp(
    dir: &Path,
    name: &str,
    contents: &[u8],
    permissions: Option<&fs::Permissions>,
    durability: Durability,
) -> io::Result<PathBuf> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    // One `getpid` for the whole run, not one a file.
    static PID: OnceLock<u32> = OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let mut last = None;
    for _ in 0..TEMP_ATTEMPTS {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let count = COUNT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{pid}-{nanos}-{count}.netpolc-tmp"));
        let mut file = match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                last = Some(error);
                continue;
            }
            Err(error) => return Err(error),
        };
        let written = permissions
            .map_or(Ok(()), |permissions| {
                file.set_permissions(permissions.clone())
            })
            .and_then(|()| file.write_all(contents))
            .and_then(|()| synced(&file, durability));
        drop(file);
        return match written {
            Ok(()) => Ok(temp),
            Err(error) => {
                // The file is ours: it was created just now, not found.
                let _ = fs::remove_file(&temp);
                Err(error)
            }
        };
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{Durability, Mode, Refused, Written, write_file};

    /// The names in `dir`, sorted: no temporary file may stay behind.
    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_creates_replaces_and_leaves_equal_bytes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.yaml");
        assert_eq!(
            write_file(&target, b"one", Mode::Replace, Durability::Default).unwrap(),
            Written::Written
        );
        assert_eq!(fs::read(&target).unwrap(), b"one");
        let modified = fs::metadata(&target).unwrap().modified().unwrap();
        assert_eq!(
            write_file(&target, b"one", Mode::Replace, Durability::Default).unwrap(),
            Written::Unchanged
        );
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), modified);
        assert_eq!(
            write_file(&target, b"two!", Mode::Replace, Durability::Default).unwrap(),
            Written::Written
        );
        assert_eq!(fs::read(&target).unwrap(), b"two!");
        assert_eq!(names(dir.path()), ["a.yaml"]);
    }

    #[test]
    fn create_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.netpol");
        fs::write(&target, "mine").unwrap();
        let refused =
            write_file(&target, b"theirs", Mode::CreateNew, Durability::Default).unwrap_err();
        assert!(matches!(refused, Refused::Exists), "{refused:?}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "mine");
        let new = dir.path().join("b.netpol");
        assert_eq!(
            write_file(&new, b"new", Mode::CreateNew, Durability::Default).unwrap(),
            Written::Written
        );
        assert_eq!(fs::read_to_string(&new).unwrap(), "new");
        assert_eq!(names(dir.path()), ["a.netpol", "b.netpol"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_refused_and_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, "secret").unwrap();
        let link = dir.path().join("a.yaml");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        for mode in [
            Mode::Replace,
            Mode::ReplaceKeepingPermissions,
            Mode::CreateNew,
        ] {
            let refused = write_file(&link, b"new", mode, Durability::Default).unwrap_err();
            assert!(
                matches!(&refused, Refused::NotRegular(file_type) if file_type.is_symlink()),
                "{mode:?}: {refused:?}"
            );
        }
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "secret");
        assert_eq!(names(dir.path()), ["a.yaml", "elsewhere"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeping_permissions_keeps_them_and_replace_does_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.netpol");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        write_file(
            &target,
            b"new",
            Mode::ReplaceKeepingPermissions,
            Durability::Default,
        )
        .unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o751)).unwrap();
        write_file(&target, b"newer", Mode::Replace, Durability::Default).unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o751, "Replace gives the default permissions");
    }
}
