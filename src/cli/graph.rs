//! `netpolc graph [REPO]`: who may talk to whom, as a Mermaid flowchart, a
//! DOT graph or an SVG picture ([`netpolc::flow::graph`]); with
//! `--base-dir OLD` (or `--base REV`) the edges added since OLD are green
//! and the removed ones red and dashed.
//!
//! **Invariant:** writes nothing but the picture: on stdout, or with
//! `-o FILE` to that file through `fs/write.rs` (atomic replace, never
//! through a link); exits 1 on a compile error of either side.

use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;

use netpolc::diag::report;
use netpolc::flow::graph::{Graph, Level, dot, mermaid, svg};
use netpolc::source::SourceMap;

use super::fs::{Durability, Mode, Refused, write_file};
use super::report::{Reporter, describe_io};
use super::revision::load_revision;
use super::trace::{Loaded, load_repo};

/// The `--format` values of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A Mermaid flowchart: renders inside GitHub and GitLab Markdown in a
    /// ```` ```mermaid ```` block.
    Mermaid,
    /// Graphviz's DOT language.
    Dot,
    /// An SVG picture drawn by netpolc (no Graphviz needed).
    Svg,
}

/// The old revision to compare with.
#[derive(Clone, Copy, Debug)]
pub enum Base<'a> {
    /// `--base-dir DIR`: a directory holding the old repository.
    Dir(&'a Path),
    /// `--base REV`: a git revision of REPO.
    Rev(&'a str),
}

/// What `graph` was asked for.
#[derive(Debug)]
pub struct Args<'a> {
    /// The repository.
    pub repo: &'a Path,
    /// Pod classes instead of namespaces.
    pub pods: bool,
    /// The picture's format.
    pub format: Format,
    /// Where to write it; stdout when `None`.
    pub output: Option<&'a Path>,
    /// The old revision, if any.
    pub base: Option<Base<'a>>,
}

/// Runs `graph`.
pub fn run(args: &Args<'_>, reporter: &Reporter) -> ExitCode {
    let old = match args.base {
        Some(base) => match load_base(args.repo, base, reporter) {
            Some(old) => Some(old),
            None => return ExitCode::FAILURE,
        },
        None => None,
    };
    let Some(new) = load_repo(args.repo, reporter) else {
        return ExitCode::FAILURE;
    };
    let level = if args.pods {
        Level::Pods
    } else {
        Level::Namespaces
    };
    let graph = match &old {
        Some(old) => Graph::between(&old.program, &new.program, level),
        None => Graph::of(&new.program, level),
    };
    let text = match args.format {
        Format::Mermaid => mermaid(&graph),
        Format::Dot => dot(&graph),
        Format::Svg => svg(&graph),
    };
    match args.output {
        None => super::print_stdout(text.as_bytes()),
        Some(path) => write_output(path, &text, reporter),
    }
}

/// Loads the old revision: the one place `--base-dir` and `--base` meet.
fn load_base(repo: &Path, base: Base<'_>, reporter: &Reporter) -> Option<Loaded> {
    match base {
        Base::Dir(dir) => load_repo(dir, reporter),
        Base::Rev(rev) => load_revision(repo, rev, reporter),
    }
}

/// Writes the picture to `path` (E0903 when it cannot, E0906 for a link).
fn write_output(path: &Path, text: &str, reporter: &Reporter) -> ExitCode {
    let shown = path.display();
    let diag = match write_file(path, text.as_bytes(), Mode::Replace, Durability::Default) {
        Ok(_) => return ExitCode::SUCCESS,
        Err(Refused::NotRegular(file_type)) if file_type.is_symlink() => {
            report::cannot_write(report::CannotWrite::File {
                path: &shown,
                error: &"it is a symbolic link, which netpolc does not follow",
            })
        }
        Err(Refused::NotRegular(_)) => report::cannot_write(report::CannotWrite::File {
            path: &shown,
            error: &"it is not a regular file",
        }),
        Err(Refused::Exists) => report::cannot_write(report::CannotWrite::File {
            path: &shown,
            error: &describe_io(&std::io::Error::from(std::io::ErrorKind::AlreadyExists)),
        }),
        Err(Refused::Io(error)) => report::cannot_write(report::CannotWrite::File {
            path: &shown,
            error: &describe_io(&error),
        }),
    };
    let diags = [diag];
    reporter.diagnostics(&diags, &SourceMap::new());
    reporter.failure("graph", &diags);
    ExitCode::FAILURE
}
