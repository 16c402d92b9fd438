//! The hash maps and sets of the library's own tables: std's `HashMap` and
//! `HashSet` with foldhash's fast hasher in place of SipHash, which cost
//! about a tenth of the build's instructions (keys here are spans, file ids,
//! short names and pointers, none chosen by an attacker against a
//! long-running process). `HashMapExt`/`HashSetExt` give them `new()` and
//! `with_capacity()`.
//!
//! **Invariant:** nothing iterates one of these maps into output or
//! diagnostics in the map's order (it is random per process, like std's):
//! whatever reaches the user is sorted or kept in a `BTreeMap`/`Vec`.

pub(crate) use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
