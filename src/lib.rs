//! netpolc: a compiler from the `.netpol` policy language to Cilium
//! CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy YAML.
//!
//! # Code map
//!
//! ```text
//! SourceMap ──syntax::parse──▶ ast::File ──sema::analyze──▶ (ir::Program, sema::Index) ──emit::emit──▶ Vec<OutputFile>
//!  (text)       per file      (as written)  sentences, resolve,  (checked; names)     total,          (path, text)
//!                                           version, expand,       │                  deterministic
//!                                           index                  └──lint::lint──▶ warnings
//! ```
//!
//! `docs/architecture.md` describes each stage and the recipes for adding a
//! diagnostic code, a lint and a standard-library entry.
//!
//! - [`source`]: files, spans, the source map (user files and the stdlib).
//! - [`syntax`]: text to [`ast`], with the pest grammar in `grammar/netpol.pest`.
//! - [`sema`]: names, types, values, category expansion, Cilium and safety rules;
//!   and the name index ([`sema::Index`]) the lints and tools read.
//! - [`ir`]: the checked program.
//! - [`lint`]: warnings (W01xx) about a checked program, and `silence`.
//! - [`emit`]: YAML out; only `emit/yaml.rs` writes YAML (and only
//!   `import/read.rs` reads it).
//! - [`diag`]: diagnostics, their codes and their rendering.
//! - [`stdlib`]: the embedded standard library.
//! - [`goregexp`]: Go's regexp syntax (and RE2's refusals), for HTTP rules.
//! - [`flow`]: the flow engine: whether a flow passes the program's
//!   policies and which rules decide (`netpolc trace`, `expect`).
//! - [`fmt`]: the canonical layout of a `.netpol` file (`netpolc fmt`).
//! - [`import`]: CNP/CCNP YAML to a `.netpol` repository (`netpolc import`).
//! - [`ide`]: answers about the source for editors (`netpolc lsp`): hover,
//!   definitions, references, rename, symbols, completion, fixes.
//!
//! The command-line interface lives in the binary (`src/cli/`), so this
//! library cannot reach the terminal or the filesystem.
//!
//! # Architecture invariants
//!
//! - **Invariant:** the library does no IO.
//! - **Invariant:** no input makes the library panic; syntax errors are
//!   diagnostics, and each stage reports everything it finds.
//! - **Invariant:** `emit` is total: the IR's types cannot hold what it
//!   could not print (see [`ir`]); sema rejected it with a diagnostic.
//! - **Invariant:** the same sources give the same bytes, whatever the order
//!   the files were added in.
//! - **Invariant:** when [`Compilation::diagnostics`] holds an error,
//!   [`Compilation::files`] is empty.

pub mod ast;
pub mod diag;
pub mod emit;
pub mod flow;
pub mod fmt;
pub mod goregexp;
mod hash;
pub mod ide;
pub mod import;
pub mod ir;
pub mod lint;
pub mod par;
pub mod sema;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod version;

/// Hooks for the test suite, only in a build with the `test-hooks` cargo
/// feature (what the test command builds; never a release binary).
#[cfg(feature = "test-hooks")]
pub mod test_hooks {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// When set, printing a namespace in [`crate::emit::emit`] panics, on
    /// the worker thread that prints it, so the suite can check that a
    /// panic in a worker is an internal error report and writes nothing.
    pub static PANIC_IN_EMIT_WORKER: AtomicBool = AtomicBool::new(false);

    /// Panics when [`PANIC_IN_EMIT_WORKER`] is set.
    #[expect(
        clippy::panic,
        reason = "the worker panic test needs a panic on purpose"
    )]
    pub(crate) fn emit_worker() {
        if PANIC_IN_EMIT_WORKER.load(Ordering::Relaxed) {
            panic!("forced in an emit worker by the test hook");
        }
    }
}

use diag::Diagnostic;
use source::SourceMap;

pub use emit::OutputFile;

pub use version::CiliumVersion;

/// Settings of one compilation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The Cilium version to target, overriding the repository's `cilium`
    /// setting.
    pub cilium_version: Option<CiliumVersion>,
}

/// The result of [`compile`].
#[derive(Clone, Debug, Default)]
pub struct Compilation {
    /// The files to write; empty when there are errors.
    pub files: Vec<OutputFile>,
    /// Every error and warning, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The Cilium version the output targets.
    pub cilium_version: CiliumVersion,
}

impl Compilation {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        diag::has_errors(&self.diagnostics)
    }
}

/// Compiles every file of the source map (user files and stdlib).
///
/// Once the whole program is checked, the lints and expectations run (in
/// parallel groups, [`lint::lint`]); then the syntax trees and the name
/// index, which only they read, are dropped before the namespaces are
/// printed in parallel ([`emit::emit`]), so the syntax trees and the output
/// are never in memory together. The result does not depend on the number
/// of threads.
pub fn compile(sources: &SourceMap, options: &Options) -> Compilation {
    let (program, index, files, mut diagnostics) = analyze(sources, options);
    if !diag::has_errors(&diagnostics) {
        diagnostics.extend(later_checks(&program, &index, &files, sources));
    }
    drop((files, index));
    let out = if diag::has_errors(&diagnostics) {
        Vec::new()
    } else {
        emit::emit(&program)
    };
    sort_diagnostics(sources, &mut diagnostics);
    Compilation {
        files: out,
        diagnostics,
        cilium_version: program.cilium_version,
    }
}

/// Parses and analyses every file, without emitting: the program, its name
/// index ([`sema::Index`]) and the diagnostics, sorted.
pub fn check(
    sources: &SourceMap,
    options: &Options,
) -> (ir::Program, sema::Index, Vec<Diagnostic>) {
    let (program, index, _, diagnostics) = check_with_syntax(sources, options);
    (program, index, diagnostics)
}

/// [`check`], also returning the syntax trees (with rule sentences
/// completed), for tools that answer questions about the source
/// ([`ide::Analysis`]).
pub(crate) fn check_with_syntax(
    sources: &SourceMap,
    options: &Options,
) -> (ir::Program, sema::Index, Vec<ast::File>, Vec<Diagnostic>) {
    let (program, index, files, mut diagnostics) = analyze(sources, options);
    // Warnings never follow from errors: the lints run on a clean program.
    if !diag::has_errors(&diagnostics) {
        diagnostics.extend(later_checks(&program, &index, &files, sources));
    }
    sort_diagnostics(sources, &mut diagnostics);
    (program, index, files, diagnostics)
}

/// Parsing and sema, with the unused-silence check: the program, its index,
/// the syntax trees and the diagnostics, not yet sorted.
fn analyze(
    sources: &SourceMap,
    options: &Options,
) -> (ir::Program, sema::Index, Vec<ast::File>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(sources.len());
    for (file, diags) in parse_all(sources) {
        diagnostics.extend(diags);
        files.push(file);
    }
    let (program, index, diags) = sema::analyze(sources, &mut files, options);
    diagnostics.extend(diags);
    diagnostics.extend(lint::check_silences(&files));
    (program, index, files, diagnostics)
}

/// The checks that run on a program without errors only: the lints, then
/// the expectations (E0801).
fn later_checks(
    program: &ir::Program,
    index: &sema::Index,
    files: &[ast::File],
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let mut diagnostics = lint::lint(program, index, files, sources);
    diagnostics.extend(flow::check_expectations(program));
    diagnostics
}

/// Parses every file, on as many threads as the machine has cores when
/// there are enough files to pay for them. Results keep the source map's
/// order, so the output does not depend on the thread count.
fn parse_all(sources: &SourceMap) -> Vec<(ast::File, Vec<Diagnostic>)> {
    const FILES_PER_THREAD: usize = 256;
    let ids: Vec<source::FileId> = sources.iter().map(|(id, _)| id).collect();
    par::map(&ids, FILES_PER_THREAD, |id| syntax::parse(sources, *id))
}

/// Orders diagnostics by file path, then position, then code, so output does
/// not depend on the order files were found in.
fn sort_diagnostics(sources: &SourceMap, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.primary.as_ref().map(|label| {
                (
                    sources.path(label.span.file).to_owned(),
                    label.span.start,
                    label.span.end,
                )
            })
        };
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}
