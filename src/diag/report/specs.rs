//! A policy's `spec` blocks, the object's `specs` list (E0243-E0245).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0243`: a rule-set statement written directly in a policy that also
/// has `spec` blocks; `what` names the statement.
pub fn statement_beside_specs(span: Span, what: &str, block: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0243,
        span,
        format!("{what} beside `spec` blocks"),
    )
    .label("outside every `spec` block")
    .secondary(block, "this policy holds its rule sets in `spec` blocks")
    .note("with `spec` blocks the object has `specs:` only, and each block is a rule set of its own; a statement outside them would belong to none")
    .help("move it into the `spec` block it belongs to (or into each of them)")
}

/// Where an E0244 statement was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misplaced {
    /// `metadata` inside a `spec` block.
    MetadataInSpec,
    /// A `spec` block inside another.
    SpecInSpec,
    /// A `spec` block in a namespace's or category's own statements, not in
    /// a `policy` block.
    SpecOutsidePolicy,
}

/// `E0244`: `metadata` inside a `spec` block (it belongs to the object), or
/// a `spec` block anywhere but directly in a `policy` block. `block` is the
/// enclosing `spec` block, when there is one.
pub fn misplaced_spec(span: Span, kind: Misplaced, block: Option<Span>) -> Diagnostic {
    let headline = match kind {
        Misplaced::MetadataInSpec => "`metadata` inside a `spec` block",
        Misplaced::SpecInSpec => "a `spec` block inside a `spec` block",
        Misplaced::SpecOutsidePolicy => "a `spec` block outside a `policy` block",
    };
    let mut diag = Diagnostic::new(Code::E0244, span, headline);
    if let Some(block) = block {
        diag = diag.secondary(block, "in this `spec` block");
    }
    match kind {
        Misplaced::MetadataInSpec => diag
            .label("the object's metadata, not a rule set's")
            .note("`metadata` sets the labels and annotations of the whole object, which every rule set shares")
            .help("move it out of the `spec` block, into the `policy` block"),
        Misplaced::SpecInSpec => diag
            .label("a rule set cannot hold another")
            .note("`specs` is a flat list of rule sets")
            .help("close the outer `spec` block before opening the next"),
        Misplaced::SpecOutsidePolicy => diag
            .label("not in a `policy` block")
            .note("`spec` blocks are the rule sets of one named object, so they go in a `policy NAME { ... }` block")
            .help("put the `spec` blocks in a `policy` block of their own"),
    }
}

/// `E0245`: `spec { }` with no statement.
pub fn empty_spec(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0245, span, "empty `spec` block")
        .label("no subject and no rule")
        .note("each `spec` block is one rule set of the object's `specs`: it needs at least a rule, or `default deny`")
        .help("write the block's rules in it, or remove it")
}
