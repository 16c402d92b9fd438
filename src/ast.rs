//! ast
use crate::source::FileId;
/// A file.
#[derive(Clone, Debug)]
pub struct File {
    /// Id.
    pub id: FileId,
    /// Items.
    pub items: Vec<()>,
}
