//! The documents the editor has open, the repository they belong to, and the
//! sources an analysis compiles.
//!
//! The repository is the unit, as in `netpolc check`: every `.netpol` file
//! under the root, read from disk through `load.rs` (and so through the one
//! reader of `fs.rs`, under its policy), with the standard library; a file
//! open in the editor replaces its disk contents, and an open file that is
//! not on disk (new, or deleted while open) is added.
//!
//! The root is the first workspace folder, else `rootUri`; without either,
//! it is chosen when the first file opens: the server's working directory
//! when the file lies inside it (what `netpolc check` with no argument
//! compiles), else the file's directory. A file outside the root is not
//! analysed (formatting still works on it).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::Uri;

use netpolc::diag::{Diagnostic, report};
use netpolc::source::{Origin, SourceMap};

use crate::cli::load;

/// An open document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The editor's text.
    pub text: Arc<str>,
    /// The editor's version.
    pub version: i32,
}

/// The open documents and the repository root.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The repository, once known.
    pub root: Option<PathBuf>,
    /// Open documents by URI, as the client spells it.
    pub docs: BTreeMap<String, Document>,
}

/// What the worker compiles: the root and the open documents' texts by
/// repository path.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The repository.
    pub root: PathBuf,
    /// Open documents inside the repository: path relative to the root with
    /// `/` separators, and text.
    pub overrides: BTreeMap<String, Arc<str>>,
}

impl Workspace {
    /// Chooses the root for the first opened file when the client gave none.
    pub fn root_for_first_file(&mut self, uri: &str) {
        if self.root.is_some() {
            return;
        }
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        let cwd = std::env::current_dir().ok();
        self.root = match cwd {
            Some(cwd) if path.starts_with(&cwd) => Some(cwd),
            _ => path.parent().map(Path::to_path_buf),
        };
    }

    /// The path of a document relative to the root, with `/` separators, or
    /// `None` when it is outside the root (or not a `file:` URI).
    pub fn relative(&self, uri: &str) -> Option<String> {
        let root = self.root.as_deref()?;
        let path = uri_to_path(uri)?;
        let rel = path
            .strip_prefix(root)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                // The client may name the file through a symbolic link.
                let canonical_root = root.canonicalize().ok()?;
                let canonical = path.canonicalize().ok()?;
                canonical
                    .strip_prefix(&canonical_root)
                    .ok()
                    .map(Path::to_path_buf)
            })?;
        let mut parts = Vec::new();
        for component in rel.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?.to_owned()),
                _ => return None,
            }
        }
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// The `file:` URI of a repository path.
    pub fn disk_uri(&self, rel: &str) -> Option<Uri> {
        path_to_uri(&self.root.as_deref()?.join(rel))
    }

    /// What an analysis of the current state compiles, once the root is known.
    pub fn snapshot(&self) -> Option<Snapshot> {
        let root = self.root.clone()?;
        let overrides = self
            .docs
            .iter()
            .filter_map(|(uri, doc)| Some((self.relative(uri)?, doc.text.clone())))
            .collect();
        Some(Snapshot { root, overrides })
    }
}

impl Snapshot {
    /// The sources: the repository from disk with the open documents
    /// substituted, and the standard library; with the loading diagnostics
    /// (files that could not be read), which have no span.
    pub fn sources(&self) -> (SourceMap, Vec<Diagnostic>) {
        let (disk, mut diags) = load::load(&self.root, &self.root.join("generated"));
        let mut sources = SourceMap::with_stdlib();
        let mut left = self.overrides.clone();
        for (_, file) in disk.iter().filter(|(_, file)| file.origin == Origin::User) {
            let text = left.remove(&file.path).unwrap_or_else(|| file.text.clone());
            sources.add_user(file.path.clone(), text);
        }
        for (path, text) in left {
            sources.add_user(path, text);
        }
        if !self.overrides.is_empty() {
            // The open documents are the sources, even if none is on disk yet.
            let none = report::no_sources(&self.root.display());
            diags.retain(|diag| *diag != none);
        }
        (sources, diags)
    }
}

/// The path of a `file:` URI, percent-decoded.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // Skip the authority (usually empty, or `localhost`).
    let path = rest.get(rest.find('/')?..)?;
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `/c:/x` is `c:/x` on Windows.
    #[cfg(windows)]
    let decoded = match decoded.get(1..3) {
        Some(drive) if drive.ends_with(':') => decoded.get(1..).unwrap_or(&decoded).to_owned(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            // The drive letter's colon stays as editors write it.
            b':' if cfg!(windows) => uri.push_str("%3A"),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    Uri::from_str(&uri).ok()
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%' {
            let hex = bytes
                .get(at + 1..at + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(value) = hex {
                out.push(value);
                at += 3;
                continue;
            }
        }
        out.push(byte);
        at += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/home/me/my policies/ü.netpol");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///home/me/my%20policies/%C3%BC.netpol");
        assert_eq!(uri_to_path(uri.as_str()).as_deref(), Some(path));
        assert_eq!(
            uri_to_path("file://localhost/a/b%2Fc.netpol").as_deref(),
            Some(Path::new("/a/b/c.netpol"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///bad%ff"), None);
    }

    #[test]
    #[cfg(unix)]
    fn relative_paths_stay_inside_the_root() {
        let workspace = Workspace {
            root: Some(PathBuf::from("/repo")),
            docs: BTreeMap::new(),
        };
        assert_eq!(
            workspace.relative("file:///repo/ns/a.netpol").as_deref(),
            Some("ns/a.netpol")
        );
        assert_eq!(workspace.relative("file:///other/a.netpol"), None);
        assert_eq!(workspace.relative("file:///repo"), None);
        assert_eq!(
            workspace
                .disk_uri("ns/a b.netpol")
                .map(|uri| uri.as_str().to_owned()),
            Some("file:///repo/ns/a%20b.netpol".to_owned())
        );
    }
}
