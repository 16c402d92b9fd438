//! `netpolc import FILE|DIR... --out DIR`: CiliumNetworkPolicy and
//! CiliumClusterwideNetworkPolicy YAML in, a new `.netpol` repository out.
//!
//! This file reads the YAML it imports and writes the new repository; the
//! library ([`netpolc::import`]) does the rest. A directory is searched for
//! `.yaml`, `.yml` and `.json` files, recursively and in name order, skipping
//! hidden entries.
//!
//! **Invariant:** an existing `.netpol` file is never overwritten: when
//! `--out` already holds one, import refuses (E0703) before reading
//! anything, and each new file is created with `create_new`.
//!
//! **Invariant:** when anything is refused, nothing is written.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::diag::{Code, Diagnostic, has_errors};
use netpolc::import::{Import, Input, Summary};
use netpolc::source::SourceMap;

use super::report::{Reporter, describe_io};

/// The largest YAML file import reads: 8 MiB, as for sources.
const MAX_FILE_SIZE: u64 = 8 << 20;

/// Runs `import`.
pub fn run(paths: &[PathBuf], out: &Path, reporter: &Reporter) -> ExitCode {
    let mut diags = check_out(out);
    if has_errors(&diags) {
        reporter.diagnostics(&diags, &SourceMap::new());
        reporter.failure("import", &diags);
        return ExitCode::FAILURE;
    }
    let mut inputs = Vec::new();
    for path in paths {
        read_input(path, &mut inputs, &mut diags);
    }
    if has_errors(&diags) {
        reporter.diagnostics(&diags, &SourceMap::new());
        reporter.failure("import", &diags);
        return ExitCode::FAILURE;
    }
    let import = netpolc::import::import(&inputs);
    diags.extend(import.diagnostics.iter().cloned());
    let shown = super::build::display_paths(&import.sources, out);
    reporter.diagnostics(&diags, &shown);
    if has_errors(&diags) {
        reporter.failure("import", &diags);
        return ExitCode::FAILURE;
    }
    match write(&import, out) {
        Ok(()) => {
            reporter.status(&describe(&import.summary, out));
            ExitCode::SUCCESS
        }
        Err(write_diags) => {
            reporter.diagnostics(&write_diags, &SourceMap::new());
            reporter.failure("write the repository", &write_diags);
            ExitCode::FAILURE
        }
    }
}

/// Refuses an output directory that is a file or already holds `.netpol`
/// files.
fn check_out(out: &Path) -> Vec<Diagnostic> {
    match fs::metadata(out) {
        Ok(metadata) if !metadata.is_dir() => vec![
            Diagnostic::without_span(
                Code::E0903,
                format!("cannot write to `{}`: it is not a directory", out.display()),
            )
            .help("pass `--out` a new directory"),
        ],
        Ok(_) => match first_netpol(out) {
            Some(found) => vec![
                Diagnostic::without_span(
                    Code::E0703,
                    format!(
                        "`{}` already holds `.netpol` files, such as `{}`",
                        out.display(),
                        found.display()
                    ),
                )
                .note("import writes a new repository and never overwrites a source file")
                .help("pass `--out` a new or empty directory"),
            ],
            None => Vec::new(),
        },
        Err(_) => Vec::new(),
    }
}

/// The first `.netpol` file under `dir`, hidden entries included.
fn first_netpol(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() {
            if let Some(found) = first_netpol(&path) {
                return Some(found);
            }
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            return Some(path);
        }
    }
    None
}

/// Reads a file, or the YAML files under a directory.
fn read_input(path: &Path, inputs: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => walk(path, inputs, diags),
        Ok(_) => read_file(path, true, inputs, diags),
        Err(error) => diags.push(
            Diagnostic::without_span(
                Code::E0902,
                format!("cannot read `{}`: {}", path.display(), describe_io(&error)),
            )
            .help("name YAML files or directories that hold them"),
        ),
    }
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            diags.push(Diagnostic::without_span(
                Code::E0902,
                format!(
                    "cannot read the directory `{}`: {}",
                    dir.display(),
                    describe_io(&error)
                ),
            ));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    children.sort();
    for path in children {
        let hidden = path
            .file_name()
            .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."));
        if hidden {
            continue;
        }
        if path.is_dir() {
            if !path.is_symlink() {
                walk(&path, inputs, diags);
            }
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        {
            read_file(&path, false, inputs, diags);
        }
    }
}

fn read_file(path: &Path, named: bool, inputs: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    let shown = path.display().to_string();
    let bytes = match read_limited(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            diags.push(
                Diagnostic::without_span(Code::E0004, format!("`{shown}` is too large"))
                    .note("netpolc imports files of at most 8 MiB")
                    .help("split the file"),
            );
            return;
        }
        Err(error) => {
            diags.push(Diagnostic::without_span(
                Code::E0902,
                format!("cannot read `{shown}`: {}", describe_io(&error)),
            ));
            return;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => inputs.push(Input {
            path: shown,
            text,
            named,
        }),
        Err(_) => diags.push(
            Diagnostic::without_span(Code::E0003, format!("`{shown}` is not valid UTF-8"))
                .help("save the file as UTF-8"),
        ),
    }
}

/// Reads a whole file, or returns `None` when it is larger than [`MAX_FILE_SIZE`].
fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_SIZE).then_some(bytes))
}

/// Creates every file; never replaces one.
fn write(import: &Import, out: &Path) -> Result<(), Vec<Diagnostic>> {
    let fail = |path: &Path, error: &std::io::Error| {
        vec![
            Diagnostic::without_span(
                Code::E0903,
                format!("cannot write `{}`: {}", path.display(), describe_io(error)),
            )
            .note("the files written before this one are left in place"),
        ]
    };
    for file in &import.files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| fail(parent, &error))?;
        }
        let mut handle = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|error| fail(&path, &error))?;
        handle
            .write_all(file.contents.as_bytes())
            .map_err(|error| fail(&path, &error))?;
    }
    Ok(())
}

/// The closing status lines.
fn describe(summary: &Summary, out: &Path) -> String {
    let mut text = format!(
        "imported {} in {} and {} into `{}`",
        count(summary.policies, "policy", "policies"),
        count(summary.namespaces, "namespace", "namespaces"),
        count(
            summary.cluster_policies,
            "cluster-wide policy",
            "cluster-wide policies"
        ),
        out.display()
    );
    if summary.constants > 0 || summary.categories > 0 {
        text.push_str(&format!(
            ", with {} and {}",
            count(summary.constants, "constant", "constants"),
            count(summary.categories, "category", "categories")
        ));
    }
    if !summary.other_kinds.is_empty() {
        let kinds: Vec<String> = summary
            .other_kinds
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        text.push_str(&format!(
            "\nleft alone: {} (not Cilium policies)",
            kinds.join(", ")
        ));
    }
    for fields in &summary.ignored {
        text.push_str(&format!(
            "\nleft out what the API server and `kubectl` set: {fields}"
        ));
    }
    text
}

/// `1 policy`, `2 policies`.
fn count(number: usize, one: &str, many: &str) -> String {
    format!("{number} {}", if number == 1 { one } else { many })
}
