//! The requests about a document: each converts the LSP position to a byte
//! offset, asks `netpolc::ide`, and converts the answer back. No request
//! here computes anything itself.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use lsp_server::ErrorCode;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionItem,
    CompletionItemKind, CompletionParams, CompletionResponse, DocumentFormattingParams,
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Documentation,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    MarkupContent, MarkupKind, Position, PrepareRenameResponse, Range, ReferenceParams,
    RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use netpolc::ide::{self, Analysis};
use netpolc::source::{FileId, Origin, Span};

use super::diagnostics::{self, Locate};
use super::documents::Workspace;
use super::position::{Encoding, LineIndex};

/// A failed request: the JSON-RPC error code and message.
pub type Failure = (i32, String);

/// The result of a request.
pub type Answer = Result<Value, Failure>;

/// The error code of a request that is valid but cannot be carried out
/// (LSP's `RequestFailed`).
pub const REQUEST_FAILED: i32 = -32803;

/// An analysis with the workspace it was made for: maps files to URIs and
/// spans to ranges.
pub struct Files<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The repository root and open documents.
    pub workspace: &'a Workspace,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// The URIs of open documents by repository path.
    open: BTreeMap<String, String>,
    /// Line indexes built so far.
    lines: RefCell<HashMap<FileId, LineIndex<'a>>>,
}

impl<'a> Files<'a> {
    /// Wraps an analysis.
    pub fn new(analysis: &'a Analysis, workspace: &'a Workspace, encoding: Encoding) -> Files<'a> {
        let open = workspace
            .docs
            .keys()
            .filter_map(|uri| Some((workspace.relative(uri)?, uri.clone())))
            .collect();
        Files {
            analysis,
            workspace,
            encoding,
            open,
            lines: RefCell::new(HashMap::new()),
        }
    }

    /// The file of a document URI in the analysis.
    pub fn file_of(&self, uri: &str) -> Option<FileId> {
        let rel = self.workspace.relative(uri)?;
        self.analysis
            .sources
            .iter()
            .find(|(_, file)| file.origin == Origin::User && file.path == rel)
            .map(|(id, _)| id)
    }

    /// The text of a file.
    fn text(&self, file: FileId) -> &'a str {
        self.analysis
            .sources
            .get(file)
            .map_or("", |source| &source.text)
    }

    /// Runs `f` with the line index of a file.
    fn with_lines<T>(&self, file: FileId, f: impl FnOnce(&LineIndex<'a>) -> T) -> T {
        let mut lines = self.lines.borrow_mut();
        let index = lines
            .entry(file)
            .or_insert_with(|| LineIndex::new(self.text(file), self.encoding));
        f(index)
    }

    /// The byte offset of a position in a file.
    pub fn offset(&self, file: FileId, position: Position) -> usize {
        self.with_lines(file, |lines| lines.offset(position))
    }

    /// The byte range of an LSP range in a file.
    pub fn byte_range(&self, file: FileId, range: Range) -> std::ops::Range<usize> {
        self.with_lines(file, |lines| lines.byte_range(range))
    }

    /// The location of a span, or `None` in the standard library.
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location {
            uri: self.uri(span.file)?,
            range: self.range(span),
        })
    }

    /// The LSP diagnostics of the analysis by URI: every user file of the
    /// repository has an entry, empty when it is clean.
    pub fn diagnostics(&self) -> BTreeMap<String, Vec<lsp_types::Diagnostic>> {
        let mut by_file: BTreeMap<FileId, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for diag in &self.analysis.diagnostics {
            let Some(primary) = &diag.primary else {
                continue;
            };
            if let Some(converted) = diagnostics::convert(diag, self) {
                by_file
                    .entry(primary.span.file)
                    .or_default()
                    .push(converted);
            }
        }
        let mut out = BTreeMap::new();
        for (id, file) in self.analysis.sources.iter() {
            if file.origin != Origin::User {
                continue;
            }
            if let Some(uri) = self.uri(id) {
                let diags = by_file.remove(&id).unwrap_or_default();
                out.insert(uri.as_str().to_owned(), diags);
            }
        }
        out
    }

    /// The edits as a workspace edit.
    #[expect(
        clippy::mutable_key_type,
        reason = "lsp-types keys `WorkspaceEdit::changes` by `Uri`, whose parsed form holds a \
                  `Cell`; the keys are never changed"
    )]
    fn workspace_edit(&self, edits: &[ide::Edit]) -> WorkspaceEdit {
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for edit in edits {
            if let Some(location) = self.location(edit.span) {
                changes.entry(location.uri).or_default().push(TextEdit {
                    range: location.range,
                    new_text: edit.new_text.clone(),
                });
            }
        }
        WorkspaceEdit {
            changes: Some(changes),
            document_changes: None,
            change_annotations: None,
        }
    }
}

impl Locate for Files<'_> {
    fn uri(&self, file: FileId) -> Option<Uri> {
        let source = self.analysis.sources.get(file)?;
        if source.origin != Origin::User {
            return None;
        }
        match self.open.get(&source.path) {
            Some(uri) => uri.parse().ok(),
            None => self.workspace.disk_uri(&source.path),
        }
    }

    fn range(&self, span: Span) -> Range {
        self.with_lines(span.file, |lines| lines.range(span.range()))
    }

    fn path(&self, file: FileId) -> String {
        self.analysis.sources.path(file).to_owned()
    }
}

/// Reads a request's parameters.
pub fn params<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params).map_err(|error| {
        (
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters: {error}"),
        )
    })
}

/// The file a position request is about, and the byte offset.
fn at(
    files: &Files<'_>,
    position: &TextDocumentPositionParams,
) -> Result<(FileId, usize), Failure> {
    let file = file(files, &position.text_document.uri)?;
    Ok((file, files.offset(file, position.position)))
}

/// The file of a document, or an error naming it.
fn file(files: &Files<'_>, uri: &Uri) -> Result<FileId, Failure> {
    files.file_of(uri.as_str()).ok_or_else(|| {
        (
            ErrorCode::InvalidParams as i32,
            format!(
                "`{}` is not a `.netpol` file of the repository being analysed",
                uri.as_str()
            ),
        )
    })
}

/// A value as JSON.
fn json<T: serde::Serialize>(value: T) -> Answer {
    serde_json::to_value(value)
        .map_err(|error| (ErrorCode::InternalError as i32, error.to_string()))
}

/// Answers one request about documents; `None` for a method this module
/// does not handle.
pub fn handle(files: &Files<'_>, method: &str, raw: Value) -> Option<Answer> {
    Some(match method {
        "textDocument/hover" => hover(files, raw),
        "textDocument/definition" => definition(files, raw),
        "textDocument/references" => references(files, raw),
        "textDocument/prepareRename" => prepare_rename(files, raw),
        "textDocument/rename" => rename(files, raw),
        "textDocument/documentSymbol" => symbols(files, raw),
        "textDocument/completion" => completion(files, raw),
        "textDocument/codeAction" => code_action(files, raw),
        _ => return None,
    })
}

/// The methods [`handle`] answers.
pub const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/completion",
    "textDocument/codeAction",
];

/// `textDocument/hover`: what `ide::hover` says (which includes the
/// explanation of a diagnostic's code under the cursor).
fn hover(files: &Files<'_>, raw: Value) -> Answer {
    let params: HoverParams = params(raw)?;
    let (file, offset) = at(files, &params.text_document_position_params)?;
    match ide::hover(files.analysis, file, offset) {
        Some(found) => json(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: found.markdown,
            }),
            range: Some(files.range(found.span)),
        }),
        None => Ok(Value::Null),
    }
}

/// `textDocument/definition`.
fn definition(files: &Files<'_>, raw: Value) -> Answer {
    let params: GotoDefinitionParams = params(raw)?;
    let (file, offset) = at(files, &params.text_document_position_params)?;
    match ide::definition(files.analysis, file, offset).and_then(|span| files.location(span)) {
        Some(location) => json(GotoDefinitionResponse::Scalar(location)),
        None => Ok(Value::Null),
    }
}

/// `textDocument/references`.
fn references(files: &Files<'_>, raw: Value) -> Answer {
    let params: ReferenceParams = params(raw)?;
    let (file, offset) = at(files, &params.text_document_position)?;
    let spans = ide::references(
        files.analysis,
        file,
        offset,
        params.context.include_declaration,
    );
    let locations: Vec<Location> = spans
        .into_iter()
        .filter_map(|span| files.location(span))
        .collect();
    json(locations)
}

/// `textDocument/prepareRename`.
fn prepare_rename(files: &Files<'_>, raw: Value) -> Answer {
    let params: TextDocumentPositionParams = params(raw)?;
    let (file, offset) = at(files, &params)?;
    match ide::prepare_rename(files.analysis, file, offset) {
        Some(span) if span.file == file => json(PrepareRenameResponse::Range(files.range(span))),
        _ => Ok(Value::Null),
    }
}

/// `textDocument/rename`; a refused rename is an error response with the
/// reason.
fn rename(files: &Files<'_>, raw: Value) -> Answer {
    let params: RenameParams = params(raw)?;
    let (file, offset) = at(files, &params.text_document_position)?;
    match ide::rename(files.analysis, file, offset, &params.new_name) {
        Ok(edits) => json(files.workspace_edit(&edits)),
        Err(error) => Err((
            REQUEST_FAILED,
            match error {
                ide::RenameError::NotRenamable => "nothing to rename here".to_owned(),
                ide::RenameError::InvalidName(reason) | ide::RenameError::Conflict(reason) => {
                    reason
                }
            },
        )),
    }
}

/// `textDocument/documentSymbol`: the outline, nested.
fn symbols(files: &Files<'_>, raw: Value) -> Answer {
    let params: DocumentSymbolParams = params(raw)?;
    let file = file(files, &params.text_document.uri)?;
    let symbols: Vec<DocumentSymbol> = ide::symbols(files.analysis, file)
        .iter()
        .map(|symbol| document_symbol(files, symbol))
        .collect();
    json(DocumentSymbolResponse::Nested(symbols))
}

/// One outline entry.
#[expect(
    deprecated,
    reason = "`DocumentSymbol::deprecated` must be given, as None"
)]
fn document_symbol(files: &Files<'_>, symbol: &ide::Symbol) -> DocumentSymbol {
    use lsp_types::SymbolKind as Kind;
    let range = files.range(symbol.span);
    let selection = files.range(symbol.name_span);
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: None,
        kind: match symbol.kind {
            ide::SymbolKind::Constant => Kind::CONSTANT,
            ide::SymbolKind::Category => Kind::CLASS,
            ide::SymbolKind::Parameter => Kind::TYPE_PARAMETER,
            ide::SymbolKind::Namespace => Kind::NAMESPACE,
            ide::SymbolKind::Policy | ide::SymbolKind::ClusterPolicy => Kind::OBJECT,
        },
        tags: None,
        deprecated: None,
        range,
        // The selection must lie inside the range.
        selection_range: if contains(range, selection) {
            selection
        } else {
            range
        },
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|child| document_symbol(files, child))
                .collect()
        }),
    }
}

/// True when `outer` contains `inner`.
fn contains(outer: Range, inner: Range) -> bool {
    let key = |position: Position| (position.line, position.character);
    key(outer.start) <= key(inner.start) && key(inner.end) <= key(outer.end)
}

/// `textDocument/completion`.
fn completion(files: &Files<'_>, raw: Value) -> Answer {
    let params: CompletionParams = params(raw)?;
    let (file, offset) = at(files, &params.text_document_position)?;
    let items: Vec<CompletionItem> = ide::complete(files.analysis, file, offset)
        .into_iter()
        .map(|completion| CompletionItem {
            kind: Some(match completion.kind {
                ide::CompletionKind::Keyword => CompletionItemKind::KEYWORD,
                ide::CompletionKind::Constant => CompletionItemKind::CONSTANT,
                ide::CompletionKind::Category => CompletionItemKind::CLASS,
                ide::CompletionKind::Parameter => CompletionItemKind::VARIABLE,
                ide::CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
                ide::CompletionKind::Label => CompletionItemKind::PROPERTY,
                ide::CompletionKind::Namespace => CompletionItemKind::MODULE,
            }),
            detail: completion.detail,
            documentation: completion.documentation.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            insert_text: completion.insert_text,
            label: completion.label,
            ..CompletionItem::default()
        })
        .collect();
    json(CompletionResponse::Array(items))
}

/// `textDocument/codeAction`: a quick fix for each fix `ide::fixes` knows,
/// with the diagnostic it fixes.
fn code_action(files: &Files<'_>, raw: Value) -> Answer {
    let params: CodeActionParams = params(raw)?;
    let file = file(files, &params.text_document.uri)?;
    let range = files.byte_range(file, params.range);
    let actions: Vec<CodeActionOrCommand> = ide::fixes(files.analysis, file, range)
        .into_iter()
        .map(|fix| {
            let diagnostic = files
                .analysis
                .diagnostics
                .get(fix.diagnostic)
                .and_then(|diag| diagnostics::convert(diag, files));
            CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: diagnostic.map(|diag| vec![diag]),
                edit: Some(files.workspace_edit(&fix.edits)),
                command: None,
                is_preferred: None,
                disabled: None,
                data: None,
            })
        })
        .collect();
    json(actions)
}

/// `textDocument/formatting`: the document through `netpolc::fmt`, as one
/// edit of the whole text; no edit when it is already formatted or does not
/// parse (its syntax error is already a diagnostic).
pub fn formatting(workspace: &Workspace, encoding: Encoding, raw: Value) -> Answer {
    let params: DocumentFormattingParams = params(raw)?;
    let uri = params.text_document.uri.as_str();
    let Some(doc) = workspace.docs.get(uri) else {
        return Err((
            ErrorCode::InvalidParams as i32,
            format!("`{uri}` is not open"),
        ));
    };
    let edits = match netpolc::fmt::format(&doc.text) {
        Ok(formatted) if formatted != *doc.text => vec![TextEdit {
            range: LineIndex::new(&doc.text, encoding).whole(),
            new_text: formatted,
        }],
        Ok(_) | Err(_) => Vec::new(),
    };
    json(edits)
}
