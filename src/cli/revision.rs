//! Reads a policy repository as it was at a git revision, in memory:
//! `diff --flows --base REV` (and `graph --base REV`) compare the working
//! tree with it.
//!
//! The old sources come through the git command line: `git rev-parse` finds
//! the work tree's top and the repository's place in it, `git ls-tree -r -z`
//! lists the revision's files under that place, and one `git cat-file
//! --batch` reads their blobs. The files are chosen by the same rules as
//! the working tree's ([`load::search`], [`Search::finds`]): `.netpol`
//! files, no hidden entry, no `target` directory, not the output directory
//! (`generated`).
//!
//! **Invariant:** nothing is written: not the user's checkout (no
//! `checkout`, `stash` or `worktree`), not the index, not a temporary
//! directory. Only regular files of the revision are read (a symbolic link
//! is E0905, as a link leaving the repository is in the working tree), each
//! of at most 8 MiB (E0004) and UTF-8 (E0003).
//!
//! The old files are shown as `REV:path`, with the path from the work
//! tree's top, so `git show REV:path` opens what a diagnostic names.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use netpolc::diag::report;
use netpolc::diag::{Diagnostic, has_errors};
use netpolc::source::{Origin, SourceMap};

use super::fs::{Kind, MAX_FILE_SIZE, checked_name, not_regular, too_large, utf8};
use super::load;
use super::report::Reporter;
use super::trace::{Loaded, check_sources};

/// Loads and checks the repository `repo` as it is at the git revision
/// `rev`, reporting its errors as [`super::trace::load_repo`] does.
pub fn load_revision(repo: &Path, rev: &str, reporter: &Reporter) -> Option<Loaded> {
    match read(repo, rev) {
        Ok((sources, shown, diags)) => check_sources(&sources, shown, diags, reporter),
        Err(diag) => {
            let diags = [*diag];
            reporter.diagnostics(&diags, &SourceMap::new());
            reporter.failure("read the base revision", &diags);
            None
        }
    }
}

/// The revision's sources (named from the repository, for checking), the
/// same named `REV:path` for the user, and the diagnostics of reading them.
fn read(
    repo: &Path,
    rev: &str,
) -> Result<(SourceMap, SourceMap, Vec<Diagnostic>), Box<Diagnostic>> {
    let place = git(
        repo,
        &["rev-parse", "--show-toplevel", "--show-prefix"],
        None,
    )
    .map_err(|failure| match failure {
        Failure::Spawn(error) => Box::new(report::git_missing(&error)),
        Failure::Status(_) => Box::new(report::not_a_git_repository(&repo.display())),
    })?;
    let place = String::from_utf8_lossy(&place);
    let mut lines = place.lines();
    let top = PathBuf::from(lines.next().unwrap_or_default());
    let prefix = lines.next().unwrap_or_default().to_owned();
    let failed = |what: &str| Box::new(report::git_failed(&rev, &what));
    // A name starting with `-` would be read as an option.
    let commit = format!("{rev}^{{commit}}");
    if rev.starts_with('-')
        || git(&top, &["rev-parse", "--verify", "--quiet", &commit], None).is_err()
    {
        return Err(Box::new(report::unknown_revision(&rev)));
    }
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", &commit, "--"];
    if !prefix.is_empty() {
        args.push(&prefix);
    }
    let listing = git(&top, &args, None).map_err(|failure| failed(&failure.to_string()))?;
    let search = load::search(Some(PathBuf::from("generated")));
    let mut diags = Vec::new();
    let mut wanted: Vec<(String, String)> = Vec::new();
    for entry in listing
        .split(|byte| *byte == 0)
        .filter(|entry| !entry.is_empty())
    {
        let entry = String::from_utf8_lossy(entry);
        // `<mode> <type> <object>\t<path>`.
        let Some((meta, path)) = entry.split_once('\t') else {
            return Err(failed("an entry of `git ls-tree` without a path"));
        };
        let Some(rel) = path.strip_prefix(prefix.as_str()) else {
            continue;
        };
        if !search.finds(rel) {
            continue;
        }
        let shown = match checked_name(Path::new(&format!("{rev}:{path}"))) {
            Ok(shown) => shown,
            Err(diag) => {
                diags.push(*diag);
                continue;
            }
        };
        let mut meta = meta.split(' ');
        let (mode, kind, object) = (meta.next(), meta.next(), meta.next());
        match (mode, kind, object) {
            (Some("100644" | "100755"), Some("blob"), Some(object)) => {
                wanted.push((object.to_owned(), rel.to_owned()));
            }
            (Some("120000"), ..) => {
                diags.push(not_regular(&shown, Kind::Source, "a symbolic link"));
            }
            // A submodule (`commit`) holds no file of this repository.
            _ => {}
        }
    }
    let mut sources = SourceMap::with_stdlib();
    let mut shown_map = SourceMap::new();
    for (_, file) in sources.iter() {
        shown_map.add(file.path.clone(), file.text.clone(), file.origin);
    }
    let blobs = cat_blobs(&top, wanted.iter().map(|(object, _)| object.as_str()))
        .map_err(|what| failed(&what))?;
    for ((_, rel), blob) in wanted.iter().zip(blobs) {
        let shown = format!("{rev}:{prefix}{rel}");
        let text = match blob {
            Blob::TooLarge => Err(Box::new(too_large(&shown, Kind::Source))),
            Blob::Bytes(bytes) => utf8(bytes, &shown),
        };
        match text {
            Ok(text) => {
                let text: std::sync::Arc<str> = text.into();
                shown_map.add(shown, text.clone(), Origin::User);
                sources.add_user(rel.clone(), text);
            }
            Err(diag) => diags.push(*diag),
        }
    }
    if wanted.is_empty() && !has_errors(&diags) {
        diags.push(report::no_sources(&format!("{rev}:{prefix}")));
    }
    Ok((sources, shown_map, diags))
}

/// A blob read by `git cat-file --batch`.
enum Blob {
    /// Its bytes.
    Bytes(Vec<u8>),
    /// Over [`MAX_FILE_SIZE`]: left unread.
    TooLarge,
}

/// Reads the blobs `objects` with one `git cat-file --batch`, in order.
fn cat_blobs<'o>(top: &Path, objects: impl Iterator<Item = &'o str>) -> Result<Vec<Blob>, String> {
    let input: String = objects.map(|object| format!("{object}\n")).collect();
    if input.is_empty() {
        return Ok(Vec::new());
    }
    let output = git(top, &["cat-file", "--batch"], Some(input.into_bytes()))
        .map_err(|failure| failure.to_string())?;
    let mut blobs = Vec::new();
    let mut rest = output.as_slice();
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|byte| *byte == b'\n')
            .ok_or("a header of `git cat-file` without an end")?;
        let (header, after) = rest.split_at(end);
        let header = String::from_utf8_lossy(header);
        // `<object> <type> <size>`, or `<object> missing`.
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|size| size.parse().ok())
            .ok_or_else(|| format!("`git cat-file` answered `{header}`"))?;
        let body = after
            .get(1..1 + size)
            .ok_or("`git cat-file` ended inside a blob")?;
        blobs.push(if size as u64 > MAX_FILE_SIZE {
            Blob::TooLarge
        } else {
            Blob::Bytes(body.to_vec())
        });
        rest = after.get(2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

/// Why a git command gave no answer.
enum Failure {
    /// It could not be started.
    Spawn(String),
    /// It exited unsuccessfully, saying this on stderr.
    Status(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(error) => write!(f, "cannot run git: {error}"),
            Failure::Status(stderr) => f.write_str(stderr.trim()),
        }
    }
}

/// Runs `git -C dir ARGS`, feeding `input` on stdin, and returns its
/// stdout. The environment's `GIT_DIR` and the like are left as they are,
/// as a git alias would.
fn git(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, Failure> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|error| Failure::Spawn(super::report::describe_io(&error)))?;
    // Fed from another thread: git writes while it reads, and would stop
    // reading once its output pipe is full.
    let feeder = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })),
        _ => None,
    };
    let mut stderr = Vec::new();
    let stderr_reader = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    });
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = pipe.read_to_end(&mut stdout);
    }
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    if let Some(reader) = stderr_reader {
        stderr = reader.join().unwrap_or_default();
    }
    let status = child
        .wait()
        .map_err(|error| Failure::Spawn(super::report::describe_io(&error)))?;
    if status.success() {
        Ok(stdout)
    } else {
        Err(Failure::Status(
            String::from_utf8_lossy(&stderr).into_owned(),
        ))
    }
}
