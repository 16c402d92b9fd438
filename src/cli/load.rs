//! The only reader: walks the policy repository and reads every `.netpol`
//! file into a [`SourceMap`].
//!
//! The walk is recursive and sorted by name, so the same tree always gives
//! the same map. It skips hidden entries (names starting with `.`), `target`
//! directories, the output directory when it lies inside the repository, and
//! directories reached through symbolic links (which could form cycles);
//! symbolic links to files are followed.
//!
//! **Invariant:** every problem becomes a diagnostic without a span (E0003,
//! E0004, E0902) and the walk goes on, so the user sees all of them at once.
//! Files that could not be read are left out of the map.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use netpolc::diag::{Code, Diagnostic};
use netpolc::source::SourceMap;

use super::report::describe_io;

/// The largest source file netpolc reads: 8 MiB.
pub const MAX_FILE_SIZE: u64 = netpolc::syntax::MAX_FILE_BYTES as u64;

/// Reads every `.netpol` file under `repo`, with paths relative to `repo`
/// and `/` separators, into a map that also holds the standard library.
/// `out` is the output directory, skipped when it lies inside `repo`.
pub fn load(repo: &Path, out: &Path) -> (SourceMap, Vec<Diagnostic>) {
    let mut walk = Walk {
        sources: SourceMap::with_stdlib(),
        diags: Vec::new(),
        skip: output_inside(repo, out),
        found: 0,
    };
    match fs::metadata(repo) {
        Ok(metadata) if metadata.is_dir() => {
            walk.dir(repo, &mut PathBuf::new());
            if walk.found == 0 && walk.diags.is_empty() {
                walk.diags.push(
                    Diagnostic::without_span(
                        Code::E0904,
                        format!("there is no `.netpol` file in `{}`", repo.display()),
                    )
                    .note("with no sources netpolc would delete every file it generated before")
                    .help("pass the directory that holds your `.netpol` files"),
                );
            }
        }
        Ok(_) => walk.diags.push(
            Diagnostic::without_span(
                Code::E0902,
                format!("cannot read `{}`: it is not a directory", repo.display()),
            )
            .help("pass the directory that holds your `.netpol` files"),
        ),
        Err(error) => walk.diags.push(
            Diagnostic::without_span(
                Code::E0902,
                format!("cannot read `{}`: {}", repo.display(), describe_io(&error)),
            )
            .help("pass the directory that holds your `.netpol` files"),
        ),
    }
    (walk.sources, walk.diags)
}

/// The state of one walk.
struct Walk {
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    /// The output directory relative to the repository, when it is inside it.
    skip: Option<PathBuf>,
    /// How many `.netpol` files were found, readable or not.
    found: usize,
}

impl Walk {
    /// Visits the directory `dir`, which is `rel` inside the repository.
    fn dir(&mut self, dir: &Path, rel: &mut PathBuf) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.cannot_read(rel, &error),
        };
        let mut children: Vec<(OsString, fs::FileType)> = Vec::new();
        for entry in entries {
            match entry.and_then(|entry| Ok((entry.file_name(), entry.file_type()?))) {
                Ok(child) => children.push(child),
                Err(error) => return self.cannot_read(rel, &error),
            }
        }
        children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in children {
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            rel.push(&name);
            let path = dir.join(&name);
            if file_type.is_dir() {
                if name != "target" && self.skip.as_deref() != Some(rel.as_path()) {
                    self.dir(&path, rel);
                }
            } else if Path::new(&name)
                .extension()
                .is_some_and(|ext| ext == "netpol")
            {
                self.found += 1;
                self.file(&path, rel);
            }
            rel.pop();
        }
    }

    /// Reads one `.netpol` file.
    fn file(&mut self, path: &Path, rel: &Path) {
        let Some(name) = slash_path(rel) else {
            self.diags.push(Diagnostic::without_span(
                Code::E0902,
                format!(
                    "cannot read `{}`: its path is not valid UTF-8",
                    rel.display()
                ),
            ));
            return;
        };
        let bytes = match read_limited(path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                self.diags.push(
                    Diagnostic::without_span(Code::E0004, format!("`{name}` is too large"))
                        .note("netpolc reads source files of at most 8 MiB")
                        .help("split the file into several smaller `.netpol` files"),
                );
                return;
            }
            Err(error) => {
                self.diags.push(Diagnostic::without_span(
                    Code::E0902,
                    format!("cannot read `{name}`: {}", describe_io(&error)),
                ));
                return;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.sources.add_user(name, text);
            }
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let before = error.as_bytes().get(..offset).unwrap_or_default();
                let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
                self.diags.push(
                    Diagnostic::without_span(Code::E0003, format!("`{name}` is not valid UTF-8"))
                        .note(format!(
                            "the first invalid byte is at byte offset {offset}, on line {line}"
                        ))
                        .help("save the file as UTF-8"),
                );
            }
        }
    }

    /// Reports a directory that could not be listed.
    fn cannot_read(&mut self, rel: &Path, error: &std::io::Error) {
        let shown = if rel.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            rel.display().to_string()
        };
        self.diags.push(Diagnostic::without_span(
            Code::E0902,
            format!(
                "cannot read the directory `{shown}`: {}",
                describe_io(error)
            ),
        ));
    }
}

/// Reads a whole file, or returns `None` when it is larger than [`MAX_FILE_SIZE`].
fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_FILE_SIZE {
        return Ok(None);
    }
    // The file may grow while it is read; read one byte past the limit to notice.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// The output directory relative to the repository, when it lies strictly
/// inside it.
fn output_inside(repo: &Path, out: &Path) -> Option<PathBuf> {
    let repo = fs::canonicalize(repo).ok()?;
    let out = fs::canonicalize(out).ok()?;
    let rel = out.strip_prefix(&repo).ok()?;
    (!rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
}

/// A relative path with `/` separators, or `None` when it is not UTF-8.
fn slash_path(rel: &Path) -> Option<String> {
    let mut path = String::new();
    for component in rel.components() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(component.as_os_str().to_str()?);
    }
    Some(path)
}
