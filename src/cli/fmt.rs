//! `netpolc fmt [PATHS] [--check]`: gives `.netpol` files the canonical
//! layout of [`netpolc::fmt`].
//!
//! PATHS are files (formatted whatever their name) or directories, walked
//! like `load.rs` walks a repository: recursively, in name order, for
//! `*.netpol` files, skipping hidden entries, `target` directories and
//! directories reached through symbolic links. The default is `.`.
//!
//! This command reads and rewrites the sources themselves, so it has its own
//! reader and writer, apart from `load.rs` and `write.rs`, which read sources
//! and write generated YAML.
//!
//! **Invariant:** a file whose text is already formatted is not written, so
//! its modification time stays; a file that changes is replaced atomically
//! (a temporary file in the same directory, renamed over it) and keeps its
//! permissions. With `--check`, nothing is written.
//!
//! **Invariant:** only regular files are formatted. A `.netpol` symbolic
//! link, found in a directory or named on the command line, is refused with
//! E0906 and neither read nor written, so a repository cannot have `fmt`
//! rewrite a file outside it. The temporary file is created exclusively
//! (`O_CREAT|O_EXCL`) under an unpredictable name, never through a link.
//!
//! **Invariant:** a file with a syntax error is reported with its E00xx
//! diagnostic and left as it is; the other files are still formatted. The
//! exit code is 1 when any file could not be read, parsed or written, and,
//! with `--check`, when any file is not formatted.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::diag::{Code, Diagnostic};
use netpolc::source::{FileId, SourceMap};

use super::load::MAX_FILE_SIZE;
use super::report::{Reporter, describe_io, plural};
use super::write;

/// Runs `fmt` over `paths` (`.` when empty).
pub fn run(paths: &[PathBuf], check: bool, reporter: &Reporter) -> ExitCode {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        find(path, &mut files, &mut seen, &mut diags);
    }
    let mut sources = SourceMap::new();
    let mut targets: Vec<(FileId, PathBuf)> = Vec::new();
    for path in files {
        if let Some(text) = read(&path, &mut diags) {
            targets.push((sources.add_user(shown(&path), text), path));
        }
    }
    let mut unformatted = Vec::new();
    let mut unchanged = 0;
    for (id, path) in &targets {
        let formatted = match netpolc::fmt::format_file(&sources, *id) {
            Ok(formatted) => formatted,
            Err(diag) => {
                diags.push(*diag);
                continue;
            }
        };
        if sources
            .get(*id)
            .is_some_and(|source| *source.text == *formatted)
        {
            unchanged += 1;
            continue;
        }
        if !check {
            if let Err(diag) = replace(path, &formatted) {
                diags.push(*diag);
                continue;
            }
        }
        unformatted.push(sources.path(*id).to_owned());
    }
    reporter.diagnostics(&diags, &sources);
    if check {
        for path in &unformatted {
            reporter.status(&format!("would reformat {path}"));
        }
    }
    let summary = if check {
        format!(
            "{} formatted, {} would be reformatted",
            plural(unchanged, "file"),
            unformatted.len()
        )
    } else {
        format!(
            "formatted {}, {} unchanged",
            plural(unformatted.len(), "file"),
            unchanged
        )
    };
    if !diags.is_empty() {
        reporter.status(&summary);
        reporter.failure("format every file", &diags);
        return ExitCode::FAILURE;
    }
    if check && !unformatted.is_empty() {
        reporter.error(&format!(
            "{} not formatted",
            match unformatted.len() {
                1 => "1 file is".to_owned(),
                count => format!("{count} files are"),
            }
        ));
        reporter.help("run `netpolc fmt` to format them");
        return ExitCode::FAILURE;
    }
    reporter.status(&summary);
    ExitCode::SUCCESS
}

/// Adds the files `path` names: itself, or the `.netpol` files under it.
fn find(
    path: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let linked = fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_symlink());
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => walk(path, files, seen, diags),
        Ok(_) if linked => diags.push(symlink_refusal(path)),
        Ok(_) => {
            if seen.insert(path.to_path_buf()) {
                files.push(path.to_path_buf());
            }
        }
        Err(error) => diags.push(cannot_read(path, &error)),
    }
}

/// Adds the `.netpol` files under the directory `dir`, in name order.
fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => return diags.push(cannot_read(dir, &error)),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry.and_then(|entry| Ok((entry.file_name(), entry.file_type()?))) {
            Ok(child) => children.push(child),
            Err(error) => return diags.push(cannot_read(dir, &error)),
        }
    }
    children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, file_type) in children {
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = if dir == Path::new(".") {
            PathBuf::from(&name)
        } else {
            dir.join(&name)
        };
        if file_type.is_dir() {
            if name != "target" {
                walk(&path, files, seen, diags);
            }
        } else if Path::new(&name)
            .extension()
            .is_some_and(|ext| ext == "netpol")
        {
            if file_type.is_symlink() {
                if path.is_file() {
                    diags.push(symlink_refusal(&path));
                }
            } else if file_type.is_file() && seen.insert(path.clone()) {
                files.push(path);
            }
        }
    }
}

/// Reads one file as UTF-8, or reports E0902, E0004 or E0003.
fn read(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let read = fs::File::open(path).and_then(|file| {
        let mut bytes = Vec::new();
        file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => {
            diags.push(cannot_read(path, &error));
            return None;
        }
    };
    let name = shown(path);
    if bytes.len() as u64 > MAX_FILE_SIZE {
        diags.push(
            Diagnostic::without_span(Code::E0004, format!("`{name}` is too large"))
                .note("netpolc reads source files of at most 8 MiB")
                .help("split the file into several smaller `.netpol` files"),
        );
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let before = error.as_bytes().get(..offset).unwrap_or_default();
            let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
            diags.push(
                Diagnostic::without_span(Code::E0003, format!("`{name}` is not valid UTF-8"))
                    .note(format!(
                        "the first invalid byte is at byte offset {offset}, on line {line}"
                    ))
                    .help("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Replaces the regular file at `path` with `text`: a new temporary file
/// beside it with the same permissions, renamed over it. A symbolic link or
/// other non-regular file is refused (E0906), never followed.
fn replace(path: &Path, text: &str) -> Result<(), Box<Diagnostic>> {
    let cannot_write = |error: &std::io::Error| {
        Box::new(Diagnostic::without_span(
            Code::E0903,
            format!("cannot write `{}`: {}", shown(path), describe_io(error)),
        ))
    };
    let regular = |metadata: fs::Metadata| {
        if metadata.is_file() {
            Ok(metadata)
        } else if metadata.is_symlink() {
            Err(Box::new(symlink_refusal(path)))
        } else {
            Err(cannot_write(&std::io::Error::other(
                "it is not a regular file",
            )))
        }
    };
    let metadata = fs::symlink_metadata(path).map_err(|error| cannot_write(&error))?;
    let permissions = regular(metadata)?.permissions();
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = write::create_temp(dir, &name, text.as_bytes(), Some(&permissions))
        .map_err(|error| cannot_write(&error))?;
    // Checked again just before the rename, which replaces whatever is there.
    let renamed = fs::symlink_metadata(path)
        .map_err(|error| cannot_write(&error))
        .and_then(regular)
        .and_then(|_| fs::rename(&temp, path).map_err(|error| cannot_write(&error)));
    if renamed.is_err() {
        // The temporary file is ours and must not stay behind.
        let _ = fs::remove_file(&temp);
    }
    renamed.map(|_| ())
}

/// E0906 for a `.netpol` file that is a symbolic link: `fmt` would rewrite
/// the file it points to, which may lie outside the repository.
fn symlink_refusal(path: &Path) -> Diagnostic {
    Diagnostic::without_span(
        Code::E0906,
        format!(
            "refusing to format `{}`: it is a symbolic link",
            shown(path)
        ),
    )
    .note("`netpolc fmt` rewrites only regular files, never the file a link points to")
    .help("format the file the link points to by its own path, or replace the link with the file")
}

/// E0902 for a path that cannot be read.
fn cannot_read(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::without_span(
        Code::E0902,
        format!("cannot read `{}`: {}", shown(path), describe_io(error)),
    )
    .help("pass `.netpol` files or directories that hold them")
}

/// A path as diagnostics and listings show it, with `/` separators.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
