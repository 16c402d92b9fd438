//! sema
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::{ast, ir};

/// Analyses.
pub fn analyze(sources: &SourceMap, files: &[ast::File]) -> (ir::Program, Vec<Diagnostic>) {
    let _ = (sources, files);
    (ir::Program::default(), Vec::new())
}
