//! lint: warnings (W01xx) about policy that compiles but is probably not
//! what its author meant: rules that never match, policies that deny more
//! than they say, values written twice, names nothing uses.
//!
//! **Invariant:** the lints run only on a program without errors (a warning
//! never follows from an error), and report nothing in the standard
//! library: a warning points at a user file, where the user can act.
//!
//! **Invariant:** a warning can be silenced on one definition with
//! `silence CODE "reason"` ([`silence`]); a `silence` that silences nothing
//! is W0115.
//!
//! The lints, in the order they run:
//!
//! | code | lint | file |
//! |---|---|---|
//! | W0101 | `fqdn` peer without a DNS rule that matches it | `fqdn.rs` |
//! | W0102 | only deny rules in a direction | `deny.rs` |
//! | W0103 | cluster policy over kube-system | `system.rs` |
//! | W0104 | very broad FQDN pattern | `fqdn.rs` |
//! | W0105 | L7 rule on a broad peer | `proxy.rs` |
//! | W0106 | the same literal in several places | `literals.rs` |
//! | W0107 | CIDR inside another of the same list | `cidrs.rs` |
//! | W0108 | one rule twice in a policy | `duplicates.rs` |
//! | W0109–W0111 | unused constant, category, import | `unused.rs` |
//! | W0112 | selector label one typo from another | `labels.rs` |
//! | W0113 | policy-map estimate | `mapsize.rs` |
//! | W0114, W0116 | namespace inventory | `inventory.rs` |
//! | W0115 | `silence` that silences nothing | `silence.rs` |
//! | W0117 | invisible formatting character in a string | `invisible.rs` |
//! | W0118 | allow rule without a port to shared infrastructure | `infra.rs` |
//! | W0121, W0122 | flow allowed at one end, refused at the other | `flows.rs` |
//! | W0123 | `fqdn` peer whose DNS lookup is refused | `flows.rs` |
//! | W0124 | allow rule shadowed by a deny rule | `shadowed.rs` |
//! | W0125 | selector that matches no namespace of the inventory | `nothing.rs` |

mod cidrs;
mod deny;
mod duplicates;
mod flows;
mod fqdn;
mod groups;
mod infra;
mod inventory;
mod invisible;
mod labels;
mod literals;
mod mapsize;
mod nothing;
mod proxy;
mod repo;
mod select;
mod shadowed;
pub mod silence;
mod system;
mod unused;

use crate::ast;
use crate::diag::Diagnostic;
use crate::hash::{HashSet, HashSetExt};
use crate::ir;
use crate::sema::Index;
use crate::source::SourceMap;

pub use silence::check as check_silences;

/// Runs every lint over a program that compiled without errors; the
/// warnings are unsorted.
pub fn lint(
    program: &ir::Program,
    index: &Index,
    files: &[ast::File],
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let repo = repo::Repo::new(program, index, files, sources);
    let silences = silence::Silences::new(files);
    // Two groups of checks, the flow lints (the largest) on a new thread
    // and the rest on this one; their warnings are put together in the
    // order of one thread. A lint that asks the silences before it builds a
    // warning marks them used from either thread.
    let (flow_diags, mut diags) = crate::par::join(
        || {
            let mut diags = Vec::new();
            flows::check(&repo, &silences, &mut diags);
            shadowed::check(&repo, &mut diags);
            nothing::check(&repo, &mut diags);
            diags
        },
        || {
            let mut diags = Vec::new();
            fqdn::check(&repo, &mut diags);
            deny::check(&repo, &mut diags);
            system::check(&repo, &mut diags);
            proxy::check(&repo, &mut diags);
            infra::check(&repo, &mut diags);
            literals::check(&repo, &silences, &mut diags);
            cidrs::check(&repo, &mut diags);
            duplicates::check(&repo, &mut diags);
            unused::check(&repo, &mut diags);
            labels::check(&repo, &mut diags);
            mapsize::check(&repo, &mut diags);
            inventory::check(&repo, &mut diags);
            invisible::check(&repo, sources, &mut diags);
            diags
        },
    );
    diags.extend(flow_diags);
    groups::check(&repo, &mut diags);
    // A rule of a category used in many places is checked in each; say it once.
    let mut seen = HashSet::new();
    diags.retain(|diag| {
        let at_user = diag
            .primary
            .as_ref()
            .is_some_and(|primary| repo.is_user(primary.span));
        at_user
            && seen.insert((
                diag.code,
                diag.primary.as_ref().map(|primary| primary.span),
                diag.message.clone(),
            ))
    });
    let mut out = silences.filter(diags);
    out.extend(silences.unused());
    out
}
