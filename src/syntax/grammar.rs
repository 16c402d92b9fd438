//! The pest parser generated from `grammar/netpol.pest`.

#![expect(
    missing_docs,
    reason = "pest_derive generates the undocumented `Rule` enum from the grammar"
)]

/// The `.netpol` parser.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/netpol.pest"]
pub struct NetpolParser;
