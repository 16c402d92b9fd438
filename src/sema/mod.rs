//! sema: AST to checked IR. Resolves names, type-checks `$NAME` uses, turns
//! literals into proof types, expands categories, and enforces the Cilium
//! agent rules and the safety rules.
//!
//! **Invariant:** sema reports everything it finds, not just the first error.
//! **Invariant:** a construct sema does not check is rejected, never passed
//! to emit unchecked.

mod cilium;
mod context;
mod expand;
pub mod index;
mod inventory;
mod place;
mod proof;
mod resolve;
mod rules;
mod safety;
mod sentences;
mod suggest;
#[cfg(test)]
pub(crate) mod tests;
mod types;
mod validate;
mod values;
mod versions;
pub(crate) mod walk;

pub use index::Index;
pub use proof::Checked;
pub use safety::SYSTEM_NAMESPACES;
pub use sentences::complete as complete_sentences;
pub(crate) use suggest::{closest, did_you_mean};
pub use types::Ty;

use crate::Options;
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::{ast, ir};

/// Analyses every parsed file. The passes, in order:
/// 1. `resolve`: imports, definitions, duplicates;
///    and the repository's `cilium` version;
/// 2. `expand`: namespaces, categories and policies, evaluating values
///    (`values`, `validate`) and lowering rules (`rules`) as it goes, with the
///    Cilium (`cilium`) and safety (`safety`) checks on every rule and policy;
/// 3. `index`: the name index, from what `resolve` defined and `expand`
///    evaluated.
pub fn analyze(
    sources: &SourceMap,
    files: &[ast::File],
    options: &Options,
) -> (ir::Program, Index, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let defs = resolve::resolve(sources, files, &mut diags);
    let version = options
        .cilium_version
        .or(defs.cilium.map(|(version, _)| version))
        .unwrap_or_default();
    let (mut program, constants) = expand::expand(sources, &defs, version, &mut diags);
    program.cilium_version = version;
    let index = index::build(sources, files, &defs, &program, &constants);
    (program, index, diags)
}
