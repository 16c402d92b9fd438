//! `netpolc import FILE|DIR... --out DIR`: CiliumNetworkPolicy and
//! CiliumClusterwideNetworkPolicy YAML in, a new `.netpol` repository out.
//!
//! This file reads the YAML it imports and writes the new repository; the
//! library ([`netpolc::import`]) does the rest. A directory is searched for
//! `.yaml`, `.yml` and `.json` files, recursively and in name order, skipping
//! hidden entries, by the walker of `fs.rs`; files are read by its reader,
//! under its policy: regular files only, inside the directory named on the
//! command line (a file named on the command line: inside the current
//! directory, or its own directory when it lies outside that).
//!
//! **Invariant:** an existing `.netpol` file is never overwritten: when
//! `--out` already holds one, import refuses (E0703) before reading
//! anything, and each new file is created by the writer of `fs.rs` in its
//! create-only mode, which never replaces an entry (one `O_CREAT|O_EXCL`
//! open of the new name).
//!
//! **Invariant:** when anything is refused, nothing is written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::diag::report;
use netpolc::diag::{Diagnostic, has_errors};
use netpolc::import::{Import, Input, Summary};
use netpolc::source::SourceMap;

use super::fs::{
    Durability, Kind, Mode, Refused, Root, Search, checked_name, read_text, walk, write_file,
};
use super::report::{Reporter, describe_io};

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
    let import = netpolc::import::import_for(&inputs, reporter.options.cilium_version);
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
            report::cannot_write(report::CannotWrite::NotDirectory {
                path: &out.display(),
            })
            .help("pass `--out` a new directory"),
        ],
        Ok(_) => match first_netpol(out) {
            Some(found) => vec![report::output_holds_sources(
                &out.display(),
                &found.display(),
            )],
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
pub(super) fn read_input(path: &Path, inputs: &mut Vec<Input>, diags: &mut Vec<Diagnostic>) {
    let cannot_read = |error: &std::io::Error| {
        report::cannot_read(report::CannotRead::File {
            path: &path.display(),
            error: &describe_io(error),
        })
        .help("name YAML files or directories that hold them")
    };
    let (root, is_dir) = match Root::for_named(path) {
        Ok(found) => found,
        Err(error) => return diags.push(cannot_read(&error)),
    };
    if !is_dir {
        match checked_name(path) {
            Ok(shown) => read_file(&root, path, shown, true, inputs, diags),
            Err(diag) => diags.push(*diag),
        }
        return;
    }
    let search = Search {
        extensions: &["yaml", "yml", "json"],
        skip_target: false,
        skip: None,
    };
    let walked = walk(path, &search, true);
    diags.extend(walked.diags);
    for found in walked.files {
        read_file(&root, &found.path, found.shown, false, inputs, diags);
    }
}

fn read_file(
    root: &Root,
    path: &Path,
    shown: String,
    named: bool,
    inputs: &mut Vec<Input>,
    diags: &mut Vec<Diagnostic>,
) {
    match read_text(root, path, &shown, Kind::Import) {
        Ok(text) => inputs.push(Input {
            path: shown,
            text,
            named,
        }),
        Err(diag) => diags.push(*diag),
    }
}

/// Creates every file, by the writer of `fs.rs`; never replaces one.
fn write(import: &Import, out: &Path) -> Result<(), Vec<Diagnostic>> {
    let fail = |path: &Path, error: &std::io::Error| {
        vec![
            report::cannot_write(report::CannotWrite::File {
                path: &path.display(),
                error: &describe_io(error),
            })
            .note("the files written before this one are left in place"),
        ]
    };
    // Each directory once (`namespaces/` holds most files), not once a file.
    let mut created = std::collections::BTreeSet::new();
    for file in &import.files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            if created.insert(parent.to_path_buf()) {
                fs::create_dir_all(parent).map_err(|error| fail(parent, &error))?;
            }
        }
        match write_file(
            &path,
            file.contents.as_bytes(),
            Mode::CreateNew,
            Durability::Default,
        ) {
            Ok(_) => {}
            Err(Refused::Exists | Refused::NotRegular(_)) => {
                return Err(fail(
                    &path,
                    &std::io::Error::from(std::io::ErrorKind::AlreadyExists),
                ));
            }
            Err(Refused::Io(error)) => return Err(fail(&path, &error)),
        }
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
    for line in &summary.normalised {
        text.push_str(&format!("\nwrote what Cilium reads the same way: {line}"));
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
