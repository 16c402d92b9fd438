//! import: CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy YAML to a
//! `.netpol` repository that builds back to equivalent policies.
//!
//! ```text
//! YAML ──read──▶ JSON values ──decode──▶ model::Policy ──idioms──▶ `use` + rest ──dedup──▶ constants,
//!                 (E0702)       (E0701, E0702)                                            categories ──print──▶ files ──compile──▶ checked
//! ```
//!
//! - `read.rs`: the only YAML reader; `decode/`: Cilium fields to the model,
//!   refusing what `.netpol` cannot say (E0701) and what is not valid Cilium
//!   (E0702); `idioms.rs`: standard-library forms; `consts.rs` and `dedup.rs`:
//!   constants and categories; `print.rs`, `selectors.rs` and `scope.rs`: the text; `repo.rs` and `layout.rs`: the files,
//!   which [`crate::fmt`] then lays out in the canonical layout.
//!
//! The repository has `constants.netpol`, `categories.netpol`,
//! `namespaces/<namespace>.netpol` and `cluster.netpol`, each only when it
//! has something in it, and `cilium.netpol` when it names a Cilium line:
//! the one `--cilium-version` gave ([`import_for`]), or the oldest line
//! newer than the default that builds the policies when the default line
//! lacks what they use (W0128). What Cilium reads the same either way (an
//! empty list of L7 rules, a server name listed twice) is written the one
//! way `.netpol` has and listed in [`Summary::normalised`]. A CNP without `metadata.namespace` goes to
//! `default`, the namespace `kubectl apply` uses when the context names
//! none, and its policy says so in a comment.
//!
//! **Invariant:** the output compiles. [`import`] compiles what it printed
//! and returns no files when that fails; the compiler's diagnostics then
//! point into the printed files (in [`Import::sources`]) with a note naming
//! the input document of the policy.
//!
//! **Invariant:** like the rest of the library, no IO and no panic; the same
//! inputs in the same order give the same bytes.

mod consts;
mod decode;
mod dedup;
mod idioms;
mod layout;
mod model;
mod print;
mod read;
mod repo;
mod scope;
mod selectors;

use std::collections::BTreeMap;

use crate::CiliumVersion;
use crate::diag::report;
use crate::diag::{Diagnostic, has_errors};
use crate::emit::OutputFile;
use crate::source::SourceMap;

/// One input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Its path, as diagnostics and comments name it.
    pub path: String,
    /// Its text.
    pub text: String,
    /// True when the user named the file itself (rather than a directory
    /// holding it): such a file must hold a policy (E0705).
    pub named: bool,
}

/// The result of [`import`].
#[derive(Clone, Debug, Default)]
pub struct Import {
    /// The `.netpol` files, relative to the output directory; empty when
    /// there is an error.
    pub files: Vec<OutputFile>,
    /// Refusals, and the compiler's diagnostics on the printed files.
    pub diagnostics: Vec<Diagnostic>,
    /// The printed files with the standard library, for rendering the
    /// compiler's diagnostics.
    pub sources: SourceMap,
    /// What was imported.
    pub summary: Summary,
    /// The Cilium line the repository names in [`LINE_FILE`]: the one given,
    /// or the one import chose (W0128); `None` when it names none and builds
    /// for the default line.
    pub cilium: Option<CiliumVersion>,
}

/// Counts for the closing status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Namespaced policies imported.
    pub policies: usize,
    /// Cluster-wide policies imported.
    pub cluster_policies: usize,
    /// Namespaces written.
    pub namespaces: usize,
    /// Constants made, CIDR groups included.
    pub constants: usize,
    /// Categories made.
    pub categories: usize,
    /// Documents of other kinds that were left alone, by kind.
    pub other_kinds: BTreeMap<String, usize>,
    /// Server-set fields that were left out, one line each.
    pub ignored: Vec<String>,
    /// What was written differently because Cilium reads it the same (an
    /// empty list of L7 rules, a server name listed twice), one line per
    /// document.
    pub normalised: Vec<String>,
}

/// Imports every policy of `inputs` into one repository, for the default
/// Cilium line or, when the policies need one, a newer line (W0128).
pub fn import(inputs: &[Input]) -> Import {
    import_for(inputs, None)
}

/// [`import`]; with `line` (`--cilium-version`), the repository names that
/// Cilium line and is checked for it, without choosing one.
pub fn import_for(inputs: &[Input], line: Option<CiliumVersion>) -> Import {
    let mut diagnostics = Vec::new();
    let mut decoded = decode::Decoded::default();
    for input in inputs {
        let before = decoded.policies.len() + decoded.groups.len();
        let errors = diagnostics.len();
        let documents = read::documents(&input.path, &input.text, &mut diagnostics);
        for document in &documents {
            decode::document(
                &input.path,
                documents.len() > 1,
                document,
                &mut decoded,
                &mut diagnostics,
            );
        }
        let found = decoded.policies.len() + decoded.groups.len() > before;
        if input.named && !found && diagnostics.len() == errors {
            diagnostics.push(report::nothing_to_import(report::NothingToImport::InFile {
                path: &input.path,
            }));
        }
    }
    if !has_errors(&diagnostics)
        && decoded.policies.is_empty()
        && !inputs.iter().any(|input| input.named)
    {
        diagnostics.push(report::nothing_to_import(report::NothingToImport::Anywhere));
    }
    repo::duplicates(&decoded.policies, &mut diagnostics);
    let groups = repo::used_groups(decoded.groups, &decoded.group_refs, &mut diagnostics);
    let mut summary = Summary::default();
    for kind in &decoded.others {
        *summary.other_kinds.entry(kind.clone()).or_default() += 1;
    }
    if groups.unused > 0 {
        summary.other_kinds.insert(
            "CiliumCIDRGroup that no imported policy names".to_owned(),
            groups.unused,
        );
    }
    summary.ignored = decoded.ignored;
    summary.normalised = decoded.normalised;
    if has_errors(&diagnostics) {
        return Import {
            diagnostics,
            summary,
            ..Import::default()
        };
    }
    system_namespaces(&decoded.policies, &mut diagnostics);
    let mut built = repo::build(decoded.policies, groups.used);
    for file in &mut built.files {
        // A file the formatter cannot read has a syntax error, which the
        // compiler reports below.
        if let Ok(formatted) = crate::fmt::format(&file.contents) {
            file.contents = formatted;
        }
    }
    summary.policies = built.policies;
    summary.cluster_policies = built.cluster_policies;
    summary.namespaces = built.namespaces;
    summary.constants = built.constants;
    summary.categories = built.categories;
    if let Some(line) = line {
        add_file(&mut built.files, line_file(line, false));
    }
    let mut sources = sources_of(&built.files);
    let mut compilation = crate::compile(&sources, &crate::Options::default());
    let mut cilium = line;
    if line.is_none() {
        if let Some((chosen, warning)) = choose_line(&compilation, &sources, &built.origins) {
            add_file(&mut built.files, line_file(chosen, true));
            sources = sources_of(&built.files);
            compilation = crate::compile(&sources, &crate::Options::default());
            diagnostics.push(warning);
            cilium = Some(chosen);
        }
    }
    let failed = compilation.has_errors();
    for diag in compilation.diagnostics {
        diagnostics.push(repo::with_origin(diag, &sources, &built.origins));
    }
    Import {
        files: if failed { Vec::new() } else { built.files },
        diagnostics,
        sources,
        summary,
        cilium,
    }
}

/// Adds a file, keeping the files sorted by path.
fn add_file(files: &mut Vec<OutputFile>, file: OutputFile) {
    let at = files.partition_point(|other| other.path < file.path);
    files.insert(at, file);
}

/// The printed files with the standard library.
fn sources_of(files: &[OutputFile]) -> SourceMap {
    let mut sources = SourceMap::with_stdlib();
    for file in files {
        sources.add_user(file.path.clone(), file.contents.clone());
    }
    sources
}

/// The file that names the Cilium line: `--cilium-version`'s, or (when
/// `chosen`) the one [`choose_line`] chose because the default line lacks
/// features the policies use.
fn line_file(line: CiliumVersion, chosen: bool) -> OutputFile {
    let why = match chosen {
        true => format!(
            "# The Cilium line the imported policies need, chosen by `netpolc import`:\n# they use what Cilium {line} has and Cilium {} lacks (W0128).\n",
            CiliumVersion::DEFAULT
        ),
        false => {
            "# The Cilium line named by `--cilium-version` when `netpolc import` ran.\n".to_owned()
        }
    };
    OutputFile {
        path: LINE_FILE.to_owned(),
        contents: format!("{why}cilium {line}\n"),
    }
}

/// The file [`line_file`] writes.
pub const LINE_FILE: &str = "cilium.netpol";

/// When the repository fails at the default Cilium line only for features
/// of a newer line (E0421), the oldest newer line that builds it, tried in
/// order, with W0128 naming each feature and the document it came from.
fn choose_line(
    default: &crate::Compilation,
    sources: &SourceMap,
    placed: &[repo::Placed],
) -> Option<(CiliumVersion, Diagnostic)> {
    let errors: Vec<&Diagnostic> = default
        .diagnostics
        .iter()
        .filter(|diag| diag.is_error())
        .collect();
    if errors.is_empty()
        || !errors
            .iter()
            .all(|diag| report::unavailable_feature(diag).is_some())
    {
        return None;
    }
    let line = (CiliumVersion::DEFAULT.minor + 1..=CiliumVersion::NEWEST.minor)
        .map(|minor| CiliumVersion { minor })
        .find(|line| {
            let options = crate::Options {
                cilium_version: Some(*line),
            };
            !crate::compile(sources, &options).has_errors()
        })?;
    let mut notes: Vec<String> = Vec::new();
    for diag in errors {
        let feature = report::unavailable_feature(diag).unwrap_or_default();
        let note = match repo::origin_of(diag, sources, placed) {
            Some(origin) => format!("{feature} (in the policy imported from {origin})"),
            None => feature.to_owned(),
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    let mut warning = report::imported_needs_line(&line);
    for note in notes {
        warning = warning.note(note);
    }
    let warning = warning
        .note(format!(
            "`{LINE_FILE}` says `cilium {line}`, so that the repository builds for that line (the default is {})",
            CiliumVersion::DEFAULT
        ))
        .help(format!(
            "the built YAML needs a cluster that runs Cilium {line}; for an older cluster, change or delete these rules and `{LINE_FILE}`"
        ));
    Some((line, warning))
}

/// W0120: imported policies in kube-system and the other system namespaces.
/// Their `namespace` block is marked `system` so that they build, which
/// would otherwise say nothing about a policy that can break the cluster.
fn system_namespaces(policies: &[model::Policy], diagnostics: &mut Vec<Diagnostic>) {
    let mut found: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for policy in policies {
        if let Some(namespace) = policy.namespace.as_deref() {
            if policy.kind == model::Kind::Cnp
                && crate::sema::SYSTEM_NAMESPACES.contains(&namespace)
            {
                found.entry(namespace).or_default().push(format!(
                    "`{}` ({})",
                    policy.name,
                    policy.origin.describe()
                ));
            }
        }
    }
    for (namespace, names) in found {
        diagnostics.push(
            report::imported_system_policy(&namespace)
            .note(format!("imported: {}", names.join(", ")))
            .note(format!("`namespaces/{namespace}.netpol` marks the block `system namespace {namespace}` so that it builds; a policy there can cut CoreDNS, the Cilium agent or the cloud controllers off from what they need"))
            .help("check that these policies are meant; if they are not, delete them from the imported repository and from the cluster"),
        );
    }
}
