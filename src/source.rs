//! Source text and positions: [`FileId`], [`Span`], [`Spanned`] and the
//! [`SourceMap`] that holds the user's files and the embedded standard library.
//!
//! **Invariant:** a [`Span`] always lies inside its file's text, on character
//! boundaries.

use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing the file's text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

/// Where a file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file of the user's repository.
    User,
    /// A file of the standard library embedded in netpolc.
    Stdlib,
}

/// One source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators, or
    /// `<stdlib>/name.netpol` for the standard library.
    pub path: String,
    /// The file's text.
    pub text: Arc<str>,
    /// User file or standard library.
    pub origin: Origin,
}

/// Every file of one compilation.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// A map holding the embedded standard library and nothing else.
    pub fn with_stdlib() -> SourceMap {
        let mut map = SourceMap::new();
        for (name, text) in crate::stdlib::FILES {
            map.add(format!("<stdlib>/{name}"), Arc::from(*text), Origin::Stdlib);
        }
        map
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: String, text: Arc<str>, origin: Origin) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile { path, text, origin });
        id
    }

    /// Adds a user file.
    pub fn add_user(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.add(path.into(), text.into(), Origin::User)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The file's path, or `?` for an unknown id.
    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("?", |file| file.path.as_str())
    }

    /// The text a span covers, or `""` if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|file| file.text.get(span.range()))
            .unwrap_or("")
    }

    /// Every file with its id, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(u32::try_from(index).unwrap_or(u32::MAX)), file))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The id of the file at this path.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.iter()
            .find(|(_, file)| file.path == path)
            .map(|(id, _)| id)
    }
}
