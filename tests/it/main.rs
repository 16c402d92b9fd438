//! The one integration-test binary.

mod schema;
