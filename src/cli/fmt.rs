//! `netpolc fmt [PATHS] [--check] [--quiet]`: gives `.netpol` files the
//! canonical layout of [`netpolc::fmt`]. `netpolc fmt -` formats standard
//! input to standard output, for editors that format on save.
//!
//! PATHS are files (formatted whatever their name) or directories, walked
//! like `load.rs` walks a repository: recursively, in name order, for
//! `*.netpol` files, skipping hidden entries, `target` directories and
//! directories reached through symbolic links. The default is `.`.
//!
//! Files are read with the reader of `fs.rs` and its policy: only regular
//! files inside the directory named on the command line (for a file named
//! on the command line, inside the current directory, or its own directory
//! when it lies outside that). Files are written by the writer of
//! `fs.rs` (`fs/write.rs`), the one `build` and `import` use too.
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
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::diag::Diagnostic;
use netpolc::diag::report;
use netpolc::source::{FileId, SourceMap};

use super::fs::{
    Durability, Kind, MAX_FILE_SIZE, Mode, Refused, Root, Search, checked_name, read_text, walk,
    write_file,
};
use super::report::{Reporter, describe_io, plural};

/// Runs `fmt` over `paths` (`.` when empty); `-` alone formats standard
/// input to standard output. `quiet` leaves out the summary and the
/// `would reformat` lines; diagnostics and errors are still printed.
pub fn run(paths: &[PathBuf], check: bool, quiet: bool, reporter: &Reporter) -> ExitCode {
    if paths.iter().any(|path| path.as_os_str() == "-") {
        if paths.len() > 1 {
            reporter.error("`-` (standard input) cannot be given with other paths");
            reporter.help("run `netpolc fmt -` on its own");
            return ExitCode::from(2);
        }
        return stdin(check, reporter);
    }
    let status = |message: &str| {
        if !quiet {
            reporter.status(message);
        }
    };
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
    for file in files {
        match read_text(&file.root, &file.path, &file.shown, Kind::Source) {
            Ok(text) => targets.push((sources.add_user(file.shown, text), file.path)),
            Err(diag) => diags.push(*diag),
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
            status(&format!("would reformat {path}"));
        }
    }
    let summary = if check {
        format!(
            "{} already formatted, {} would be reformatted",
            plural(unchanged, "file"),
            unformatted.len()
        )
    } else {
        format!(
            "formatted {}, {} already formatted",
            plural(unformatted.len(), "file"),
            unchanged
        )
    };
    if !diags.is_empty() {
        status(&summary);
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
    status(&summary);
    ExitCode::SUCCESS
}

/// `netpolc fmt -`: formats standard input to standard output, as editors
/// that format on save expect. On a syntax error nothing is written to
/// stdout and the exit code is 1. With `--check`, nothing is written to
/// stdout either, and the exit code is 1 when the input is not formatted.
fn stdin(check: bool, reporter: &Reporter) -> ExitCode {
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes);
    let mut diags = Vec::new();
    let mut sources = SourceMap::new();
    let text = match read {
        Err(error) => {
            diags.push(report::cannot_read(report::CannotRead::StandardInput {
                error: &describe_io(&error),
            }));
            None
        }
        Ok(_) if bytes.len() as u64 > MAX_FILE_SIZE => {
            diags.push(report::source_too_large(
                None,
                report::SourceTooLarge::StandardInput,
            ));
            None
        }
        Ok(_) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                diags.push(report::invalid_utf8(report::InvalidUtf8::StandardInput));
                None
            }
        },
    };
    let formatted = text.and_then(|text| {
        let id = sources.add_user("<stdin>".to_owned(), text.clone());
        match netpolc::fmt::format_file(&sources, id) {
            Ok(formatted) => Some((text, formatted)),
            Err(diag) => {
                diags.push(*diag);
                None
            }
        }
    });
    let Some((text, formatted)) = formatted else {
        reporter.diagnostics(&diags, &sources);
        reporter.failure("format standard input", &diags);
        return ExitCode::FAILURE;
    };
    if check {
        if text == *formatted {
            return ExitCode::SUCCESS;
        }
        reporter.error("standard input is not formatted");
        return ExitCode::FAILURE;
    }
    // A closed stdout is the reader's choice, not an error worth reporting.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), formatted.as_bytes());
    ExitCode::SUCCESS
}

/// A file to format.
struct Target {
    /// The path to open.
    path: PathBuf,
    /// The path as diagnostics show it.
    shown: String,
    /// The directory reading stays inside.
    root: Root,
}

/// Adds the files `path` names: itself, or the `.netpol` files under it.
fn find(
    path: &Path,
    files: &mut Vec<Target>,
    seen: &mut HashSet<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    let (root, is_dir) = match Root::for_named(path) {
        Ok(found) => found,
        Err(error) => return diags.push(cannot_read(path, &error)),
    };
    if !is_dir {
        match checked_name(path) {
            Ok(shown) if seen.insert(path.to_path_buf()) => files.push(Target {
                path: path.to_path_buf(),
                shown,
                root,
            }),
            Ok(_) => {}
            Err(diag) => diags.push(*diag),
        }
        return;
    }
    let search = Search {
        extensions: &["netpol"],
        skip_target: true,
        skip: None,
    };
    let walked = walk(path, &search, true);
    diags.extend(walked.diags);
    for found in walked.files {
        if seen.insert(found.path.clone()) {
            files.push(Target {
                path: found.path,
                shown: found.shown,
                root: root.clone(),
            });
        }
    }
}

/// Replaces the regular file at `path` with `text`, by the writer of
/// `fs.rs`: a new temporary file beside it with the same permissions,
/// renamed over it. A symbolic link or other non-regular file is refused
/// (E0906 for a link), never followed.
fn replace(path: &Path, text: &str) -> Result<(), Box<Diagnostic>> {
    let cannot_write = |error: &std::io::Error| {
        Box::new(report::cannot_write(report::CannotWrite::File {
            path: &shown(path),
            error: &describe_io(error),
        }))
    };
    match write_file(
        path,
        text.as_bytes(),
        Mode::ReplaceKeepingPermissions,
        Durability::Default,
    ) {
        Ok(_) => Ok(()),
        Err(Refused::NotRegular(file_type)) if file_type.is_symlink() => {
            Err(Box::new(symlink_refusal(path)))
        }
        Err(Refused::NotRegular(_)) => Err(cannot_write(&std::io::Error::other(
            "it is not a regular file",
        ))),
        Err(Refused::Exists) => Err(cannot_write(&std::io::Error::from(
            std::io::ErrorKind::AlreadyExists,
        ))),
        Err(Refused::Io(error)) => Err(cannot_write(&error)),
    }
}

/// E0906 for a `.netpol` file that is a symbolic link: `fmt` would rewrite
/// the file it points to, which may lie outside the repository.
fn symlink_refusal(path: &Path) -> Diagnostic {
    report::symlink_refused(report::SymlinkRefused::Format { path: &shown(path) })
}

/// E0902 for a path that cannot be read.
fn cannot_read(path: &Path, error: &std::io::Error) -> Diagnostic {
    report::cannot_read(report::CannotRead::File {
        path: &shown(path),
        error: &describe_io(error),
    })
    .help("pass `.netpol` files or directories that hold them")
}

/// A path as diagnostics and listings show it, with `/` separators.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
