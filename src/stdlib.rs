//! The standard library: `.netpol` files under `stdlib/`, embedded in the
//! binary and added to every compilation as `<stdlib>/NAME.netpol`.
//!
//! Every definition in the standard library is visible in every file without
//! an import; a user definition of the same name takes precedence.

/// Every stdlib file: its name and text.
pub const FILES: &[(&str, &str)] = &[];
