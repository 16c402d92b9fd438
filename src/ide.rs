//! ide: answers about a repository's source for editors, with no IO and no
//! protocol types: the language server (`netpolc lsp`, in the binary) turns
//! positions and results into LSP messages.
//!
//! Everything here works on an [`Analysis`]: one compilation of the whole
//! repository (files open in the editor already substituted for their disk
//! contents by the caller), with its syntax trees, checked program, name
//! index, diagnostics and, when there is no error, its output. Positions are
//! byte offsets into a file of the source map; the server converts them
//! from and to LSP's UTF-16 line and character positions.

use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::{Options, OutputFile, ast, diag, emit, ir, sema};

/// One compilation of a repository, kept for answering questions about it.
#[derive(Debug)]
pub struct Analysis {
    /// The sources: user files and the standard library.
    pub sources: SourceMap,
    /// The syntax tree of every file, in the source map's order, with rule
    /// sentences completed into `use` statements.
    pub files: Vec<ast::File>,
    /// The checked program (partial when there are errors).
    pub program: ir::Program,
    /// Every name's definition and uses.
    pub index: sema::Index,
    /// Every error and warning, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The files `build` would write; empty when there are errors.
    pub outputs: Vec<OutputFile>,
}

impl Analysis {
    /// Compiles `sources` and keeps everything an editor asks about.
    pub fn new(sources: SourceMap, options: &Options) -> Analysis {
        let (program, index, files, diagnostics) = crate::check_with_syntax(&sources, options);
        let outputs = if diag::has_errors(&diagnostics) {
            Vec::new()
        } else {
            emit::emit(&program)
        };
        Analysis {
            sources,
            files,
            program,
            index,
            diagnostics,
            outputs,
        }
    }

    /// The syntax tree of a file.
    pub fn file(&self, id: crate::source::FileId) -> Option<&ast::File> {
        self.files.iter().find(|file| file.id == id)
    }
}

mod complete;
mod nav;

pub use complete::{Completion, CompletionKind, Fix, complete, fixes};
pub use nav::{
    Edit, Hover, RenameError, Symbol, SymbolKind, definition, hover, prepare_rename, references,
    rename, symbols,
};
