//! The one reader, the one walker and the one writer of the CLI. Every
//! file netpolc reads from a repository goes through [`read_text`]: the
//! sources of `build`, `check`, `diff`, `lint` and `fmt`, and the YAML of
//! `import`; every directory search goes through [`walk`]; every file it
//! writes goes through [`write_file`] (in `fs/write.rs`, with its own
//! policy: write only when the bytes change, atomic replace, never through
//! a link): the YAML of `build`, the sources of `fmt` and the repository
//! of `import`.
//!
//! A repository may be written by a stranger (a pull request from a fork,
//! checked in CI), so reading follows one policy:
//!
//! **Invariant:** netpolc reads only regular files inside the [`Root`] it
//! was given. A path is resolved first (symbolic links followed, then
//! canonicalised) and read only when the result lies inside the canonical
//! root and is a regular file. A link that leaves the root or leads to no
//! regular file, a FIFO, a socket or a device is E0905, which names the path
//! and never shows what is behind it, so that a link to `/proc/self/environ`
//! cannot print the CI job's secrets in a diagnostic.
//!
//! **Invariant:** reading never blocks: the file type is checked before the
//! file is opened, the file is opened with `O_NONBLOCK` where the flag's
//! value is known, and the open file is checked again (`fstat`: a regular
//! file, the same one that was checked), so that a FIFO swapped in between
//! cannot hang the command. At most [`MAX_FILE_SIZE`] bytes are read (E0004).
//!
//! **Invariant:** a file whose path is not UTF-8 or holds a control
//! character (a newline, ESC, a bidirectional control) is not read: E0907
//! names it with those characters escaped, so a file name cannot forge a
//! line of output.
//!
//! The walk is recursive and sorted by name. It skips hidden entries (names
//! starting with `.`), optionally `target` directories and one directory
//! (the output directory), and it does not enter directories reached
//! through symbolic links (which could form cycles, or leave the root).
//! Every other entry with a wanted extension is found, whatever its type,
//! so that a FIFO or a link named `x.netpol` is reported rather than
//! silently skipped.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use netpolc::diag::Diagnostic;
use netpolc::diag::escape::{bidi_name, escape};
use netpolc::diag::report;

use super::report::describe_io;

mod write;

#[cfg(test)]
pub use write::create_temp;
pub use write::{Durability, Mode, Refused, Written, regular_or_absent, sync_dir, write_file};

/// The largest file netpolc reads: 8 MiB.
pub const MAX_FILE_SIZE: u64 = netpolc::syntax::MAX_FILE_BYTES as u64;

/// What a file is read for, which decides the wording of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `.netpol` source.
    Source,
    /// A YAML or JSON file for `import`.
    Import,
}

/// A directory that reading stays inside, by its canonical path.
#[derive(Clone, Debug)]
pub struct Root {
    canonical: PathBuf,
}

impl Root {
    /// The root for the directory `dir`: the repository, or a directory
    /// named on the command line.
    pub fn new(dir: &Path) -> io::Result<Root> {
        Ok(Root {
            canonical: fs::canonicalize(dir)?,
        })
    }

    /// The root for a path named on the command line, with whether it is a
    /// directory: [`Root::new`] for a directory, else [`Root::for_file`].
    pub fn for_named(path: &Path) -> io::Result<(Root, bool)> {
        let is_dir = fs::metadata(path)?.is_dir();
        let root = if is_dir {
            Root::new(path)
        } else {
            Root::for_file(path)
        };
        Ok((root?, is_dir))
    }

    /// The root for a file named on the command line: the current directory
    /// when the file's directory lies inside it, else the file's own
    /// directory. So `netpolc fmt evil.netpol`, where `evil.netpol` links
    /// to a file outside the current directory, reads nothing.
    pub fn for_file(path: &Path) -> io::Result<Root> {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let parent = fs::canonicalize(parent)?;
        let current = fs::canonicalize(".")?;
        Ok(Root {
            canonical: if parent.starts_with(&current) {
                current
            } else {
                parent
            },
        })
    }
}

/// Reads the file at `path`, named `shown` in diagnostics, as UTF-8 text,
/// under the reading policy of this module: E0905 for anything that is not
/// a regular file inside `root`, E0004 for a file over [`MAX_FILE_SIZE`],
/// E0003 for a file that is not UTF-8 and E0902 for an IO error.
pub fn read_text(
    root: &Root,
    path: &Path,
    shown: &str,
    kind: Kind,
) -> Result<String, Box<Diagnostic>> {
    read_text_stamped(root, path, shown, kind).map(|(text, _)| text)
}

/// [`read_text`], with the metadata of the open file just before it was
/// read (what a build record keeps, `cache.rs`).
pub fn read_text_stamped(
    root: &Root,
    path: &Path,
    shown: &str,
    kind: Kind,
) -> Result<(String, fs::Metadata), Box<Diagnostic>> {
    let (bytes, metadata) = read_bytes(root, path, shown, kind)?;
    Ok((utf8(bytes, shown)?, metadata))
}

/// The bytes of the file `shown` as UTF-8 text; E0003 when they are not.
pub fn utf8(bytes: Vec<u8>, shown: &str) -> Result<String, Box<Diagnostic>> {
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let before = error.as_bytes().get(..offset).unwrap_or_default();
        let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
        Box::new(
            report::invalid_utf8(report::InvalidUtf8::File { path: &shown })
                .note(format!(
                    "the first invalid byte is at byte offset {offset}, on line {line}"
                ))
                .help("save the file as UTF-8"),
        )
    })
}

fn read_bytes(
    root: &Root,
    path: &Path,
    shown: &str,
    kind: Kind,
) -> Result<(Vec<u8>, fs::Metadata), Box<Diagnostic>> {
    let cannot_read = |error: &io::Error| {
        Box::new(report::cannot_read(report::CannotRead::File {
            path: &shown,
            error: &describe_io(error),
        }))
    };
    let link = fs::symlink_metadata(path).map_err(|error| cannot_read(&error))?;
    let is_link = link.file_type().is_symlink();
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) if is_link && error.kind() == io::ErrorKind::NotFound => {
            return Err(Box::new(not_regular(
                shown,
                kind,
                "a symbolic link to nothing",
            )));
        }
        Err(error) => return Err(cannot_read(&error)),
    };
    if !target.starts_with(&root.canonical) {
        let what = if is_link {
            "a symbolic link that leads outside the repository"
        } else {
            "outside the repository, through a linked directory"
        };
        return Err(Box::new(not_regular(shown, kind, what)));
    }
    // `target` is canonical: no link is left to follow.
    let checked = fs::metadata(&target).map_err(|error| cannot_read(&error))?;
    if !checked.is_file() {
        let what = describe_type(&checked.file_type());
        let what = if is_link {
            format!("a symbolic link to {what}")
        } else {
            what.to_owned()
        };
        return Err(Box::new(not_regular(shown, kind, &what)));
    }
    if checked.len() > MAX_FILE_SIZE {
        return Err(Box::new(too_large(shown, kind)));
    }
    let file = open_nonblocking(&target).map_err(|error| cannot_read(&error))?;
    let opened = file.metadata().map_err(|error| cannot_read(&error))?;
    if !opened.is_file() || !same_file(&checked, &opened) {
        return Err(Box::new(not_regular(
            shown,
            kind,
            "a file that was replaced while netpolc read it",
        )));
    }
    // The file may grow while it is read; read one byte past the limit to notice.
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| cannot_read(&error))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(Box::new(too_large(shown, kind)));
    }
    Ok((bytes, opened))
}

/// E0905.
pub fn not_regular(shown: &str, kind: Kind, what: &str) -> Diagnostic {
    let (root, help) = match kind {
        Kind::Source => (
            "the repository",
            "replace it with the regular file it stands for, or remove it",
        ),
        Kind::Import => (
            "the directory it was found in (or the current directory)",
            "name the file itself, or copy it into the directory",
        ),
    };
    report::not_regular_file(&shown, &what)
    .note(format!(
        "netpolc reads only regular files inside {root}, so that a repository cannot make it read devices, pipes or files elsewhere"
    ))
    .help(help)
}

/// E0004.
pub fn too_large(shown: &str, kind: Kind) -> Diagnostic {
    match kind {
        Kind::Source => {
            report::source_too_large(None, report::SourceTooLarge::File { path: &shown })
                .note("netpolc reads source files of at most 8 MiB")
                .help("split the file into several smaller `.netpol` files")
        }
        Kind::Import => {
            report::source_too_large(None, report::SourceTooLarge::File { path: &shown })
                .note("netpolc imports files of at most 8 MiB")
                .help("split the file")
        }
    }
}

/// What a file that is not a regular file is, in words.
fn describe_type(file_type: &fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    "not a regular file"
}

/// True when two metadata describe the same file.
#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// `O_NONBLOCK`, which std does not name. The values are those of the C
/// headers of each system (Linux's asm-generic/fcntl.h for these
/// architectures, and the BSDs' and macOS's sys/fcntl.h); elsewhere the flag
/// is left out, and the type checks before and after opening still apply.
const O_NONBLOCK: i32 = if cfg!(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64",
        target_arch = "s390x",
        target_arch = "powerpc64",
        target_arch = "loongarch64"
    )
)) {
    0o4000
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)) {
    0x0004
} else {
    0
};

/// Opens a file for reading without waiting for a writer (a FIFO opened
/// without `O_NONBLOCK` waits for one forever).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

/// A path as diagnostics show it, with `/` separators; E0907 when it is not
/// UTF-8 or holds a character a terminal would act on.
pub fn checked_name(path: &Path) -> Result<String, Box<Diagnostic>> {
    let lossy = slashes(&path.to_string_lossy());
    let shown = escape(&lossy);
    let refuse = |why: &str| Box::new(report::bad_source_path(&shown, &why));
    let Some(text) = path.to_str() else {
        return Err(refuse("is not valid UTF-8"));
    };
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() || bidi_name(*c).is_some())
    {
        let what = match bidi_name(c) {
            Some(name) => format!(
                "holds the bidirectional control U+{:04X} {name}",
                u32::from(c)
            ),
            None => format!("holds the control character U+{:04X}", u32::from(c)),
        };
        return Err(refuse(&what));
    }
    Ok(slashes(text))
}

/// A path with `/` separators: `\` is one only on Windows.
fn slashes(text: &str) -> String {
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.to_owned()
    }
}

/// What [`walk`] looks for.
pub struct Search<'a> {
    /// The file extensions wanted, without the dot.
    pub extensions: &'a [&'a str],
    /// Whether `target` directories are skipped.
    pub skip_target: bool,
    /// A directory, relative to the walk's start, that is skipped (the
    /// output directory).
    pub skip: Option<PathBuf>,
}

impl Search<'_> {
    /// Whether the walk enters the directory `name`, at `rel` below its
    /// start. Hidden names are skipped before this is asked.
    pub fn enters(&self, name: &std::ffi::OsStr, rel: &Path) -> bool {
        !((self.skip_target && name == "target") || self.skip.as_deref() == Some(rel))
    }

    /// Whether a file named `name` is wanted: its extension is one of
    /// [`Search::extensions`].
    pub fn wants(&self, name: &std::ffi::OsStr) -> bool {
        Path::new(name)
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| self.extensions.contains(&ext))
    }

    /// Whether the file at `rel` (a path below the start, `/`-separated,
    /// as a tree such as a git revision lists it) is one [`walk`] would
    /// find: no component hidden, no directory skipped, a wanted name.
    pub fn finds(&self, rel: &str) -> bool {
        let mut at = PathBuf::new();
        let mut parts = rel.split('/').peekable();
        while let Some(part) = parts.next() {
            if part.is_empty() || is_hidden(std::ffi::OsStr::new(part)) {
                return false;
            }
            at.push(part);
            if parts.peek().is_some() {
                if !self.enters(std::ffi::OsStr::new(part), &at) {
                    return false;
                }
            } else {
                return self.wants(std::ffi::OsStr::new(part));
            }
        }
        false
    }
}

/// Whether a name is hidden (starts with `.`): the walk skips it.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// A file [`walk`] found.
pub struct Found {
    /// The path to open: the start directory joined with the path below it
    /// (just the latter when the start is `.`).
    pub path: PathBuf,
    /// The name for diagnostics: the path below the start directory with `/`
    /// separators, after the start directory when `prefixed`; checked by
    /// [`checked_name`].
    pub shown: String,
}

/// The result of a [`walk`].
#[derive(Default)]
pub struct Walked {
    /// The files found whose names are fit to show, in name order.
    pub files: Vec<Found>,
    /// How many entries had a wanted extension, including those refused.
    pub matched: usize,
    /// E0902 for directories that could not be listed, E0907 for names.
    pub diags: Vec<Diagnostic>,
}

/// Finds the files with a wanted extension under `dir`, in name order.
/// `prefixed` names them from the current directory (`dir/a/b.netpol`)
/// rather than from `dir` (`a/b.netpol`).
pub fn walk(dir: &Path, search: &Search<'_>, prefixed: bool) -> Walked {
    let mut walker = Walker {
        start: dir,
        search,
        prefixed,
        out: Walked {
            files: Vec::new(),
            matched: 0,
            diags: Vec::new(),
        },
    };
    walker.dir(dir, &mut PathBuf::new());
    walker.out
}

struct Walker<'a> {
    start: &'a Path,
    search: &'a Search<'a>,
    prefixed: bool,
    out: Walked,
}

impl Walker<'_> {
    /// The path of `rel`, from the current directory.
    fn path(&self, rel: &Path) -> PathBuf {
        if self.start == Path::new(".") {
            rel.to_path_buf()
        } else {
            self.start.join(rel)
        }
    }

    /// The path of `rel` as it is shown.
    fn shown(&self, rel: &Path) -> PathBuf {
        if self.prefixed {
            self.path(rel)
        } else {
            rel.to_path_buf()
        }
    }

    fn dir(&mut self, dir: &Path, rel: &mut PathBuf) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.cannot_list(rel, &error),
        };
        let mut children: Vec<(OsString, fs::FileType)> = Vec::new();
        for entry in entries {
            match entry.and_then(|entry| Ok((entry.file_name(), entry.file_type()?))) {
                Ok(child) => children.push(child),
                Err(error) => return self.cannot_list(rel, &error),
            }
        }
        children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in children {
            if is_hidden(&name) {
                continue;
            }
            rel.push(&name);
            if file_type.is_dir() {
                if self.search.enters(&name, rel) {
                    self.dir(&dir.join(&name), rel);
                }
            } else if self.search.wants(&name) {
                // Links (to files or directories), FIFOs, sockets and devices
                // are found too: the reader refuses them with E0905.
                self.out.matched += 1;
                match checked_name(&self.shown(rel)) {
                    Ok(shown) => self.out.files.push(Found {
                        path: self.path(rel),
                        shown,
                    }),
                    Err(diag) => self.out.diags.push(*diag),
                }
            }
            rel.pop();
        }
    }

    /// E0902 for a directory that could not be listed.
    fn cannot_list(&mut self, rel: &Path, error: &io::Error) {
        let shown = self.shown(rel);
        let shown = if shown.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            escape(&slashes(&shown.to_string_lossy())).into_owned()
        };
        self.out
            .diags
            .push(report::cannot_read(report::CannotRead::Directory {
                path: &shown,
                error: &describe_io(error),
            }));
    }
}
