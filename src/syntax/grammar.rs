//! The pest parser generated from `grammar/netpol.pest`.

#![allow(missing_docs)]

/// The `.netpol` parser.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/netpol.pest"]
pub struct NetpolParser;
