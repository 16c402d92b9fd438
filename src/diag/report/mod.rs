//! One constructor per diagnostic code, and the only place a [`Diagnostic`]
//! with a [`Code`] is built.
//!
//! Each function is named for what it reports, takes typed arguments (a
//! span, the names and values the message shows, and for codes with several
//! messages an enum saying which), and returns the diagnostic with its code
//! and headline fixed. Callers add the labels, notes and help that depend on
//! where the problem was found with the builder methods.
//!
//! **Invariant:** every code in [`Code::ALL`] is built by exactly one
//! function here, and `Code::` is written nowhere else in `src/` outside
//! `src/diag/`; the tidy test in `tests/it/tidy_diagnostics.rs` checks both.

mod cilium;
mod cli;
mod expect;
mod flow_lints;
mod import;
mod lints;
mod listener;
mod metadata;
mod names;
mod peers;
mod ports;
mod rules;
mod safety;
mod sni;
mod specs;
mod syntax;
mod tls;
mod values;
mod versions;

pub use cilium::*;
pub use cli::*;
pub use expect::*;
pub use flow_lints::*;
pub use import::*;
pub use lints::*;
pub use listener::*;
pub use metadata::*;
pub use names::*;
pub use peers::*;
pub use ports::*;
pub use rules::*;
pub use safety::*;
pub use sni::*;
pub use specs::*;
pub use syntax::*;
pub use tls::*;
pub use values::*;
pub use versions::*;

use super::{Code, Diagnostic};
use crate::source::Span;

/// A diagnostic at a span, or without one when there is none (a file read
/// before it has a place in the source map).
fn at(code: Code, span: Option<Span>, message: String) -> Diagnostic {
    match span {
        Some(span) => Diagnostic::new(code, span, message),
        None => Diagnostic::without_span(code, message),
    }
}
