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
mod expect;
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

pub(crate) use expect::flow_spec;
pub use index::Index;
pub use proof::Checked;
pub(crate) use resolve::join as join_import_path;
pub use safety::SYSTEM_NAMESPACES;
pub(crate) use suggest::{closest, did_you_mean_at};
pub use types::Ty;
pub(crate) use validate::{icmp_number, is_dns_label, is_dns_subdomain};

use crate::Options;
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::{ast, ir};

/// Analyses every parsed file. The passes, in this order, each a module
/// with one entry point:
///
/// 1. `sentences::complete` (`&mut [ast::File]` → the same files): rule
///    sentences such as `allow dns` become the `use` of the category that
///    declares them (E0109, E0306–E0308);
/// 2. `resolve::resolve` (files → `Defs`): imports, definitions and
///    duplicates in each file's scope, and the repository settings (E01xx);
/// 3. `versions::target` (`Options`, `Defs` → `CiliumVersion`): the
///    Cilium version the program is checked and written for;
/// 4. `expand::expand` (`Defs`, version → `ir::Program`): namespaces,
///    categories and policies. Each rule statement goes through one sequence:
///    lower and validate (`rules`, `values`, `validate`: literals to IR
///    newtypes), the agent rules (`cilium`), the safety rules (`safety`),
///    placing in its list (`place`), the version gate (`versions`), the
///    budget; each finished policy through the whole-policy checks. These
///    checks run per statement, inside expansion, because a category is
///    expanded (and so checked) once per argument set and its diagnostics
///    move to the `use` that gave the argument;
/// 5. `index::build` (files, `Defs`, program → [`Index`]): every name's
///    definition and uses.
///
/// `docs/architecture.md` draws the whole pipeline.
pub fn analyze(
    sources: &SourceMap,
    files: &mut [ast::File],
    options: &Options,
) -> (ir::Program, Index, Vec<Diagnostic>) {
    let mut diags = sentences::complete(sources, files);
    let defs = resolve::resolve(sources, files, &mut diags);
    let version = versions::target(options, &defs);
    let (mut program, constants) = expand::expand(sources, &defs, version, &mut diags);
    program.cilium_version = version;
    let index = index::build(sources, files, &defs, &program, &constants);
    (program, index, diags)
}
