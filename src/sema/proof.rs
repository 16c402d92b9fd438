//! The witness that sema checked a value.
//!
//! Every text newtype of the IR (`ir::LabelKey`, `ir::PolicyName`, ...) is
//! built with a [`Checked`] value, and only this module can make one: its
//! field is private here and [`CHECKED`] is visible to sema alone. So the
//! only way to put text into the IR is through the sema function that
//! checks it (`validate::label_key`, `validate::fqdn`, ...), which reports a
//! diagnostic instead of building a value from bad input.

/// Proof that sema checked a value before wrapping it. Zero-sized.
#[derive(Clone, Copy, Debug)]
pub struct Checked {
    _sealed: (),
}

/// The witness, for sema's checks.
pub(super) const CHECKED: Checked = Checked { _sealed: () };
