//! `initialize`: the client's root and position encodings, and the
//! capabilities the server answers with.

use super::*;

impl<W: Write> Server<W> {
    /// `initialize`: reads the client's root and encodings, and answers the
    /// server's capabilities.
    pub(super) fn initialize(&mut self, raw: Value) -> Answer {
        let params: InitializeParams = handlers::params(raw)?;
        self.encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|general| general.position_encodings.as_deref()),
        );
        self.workspace.root = root_of(&params);
        self.phase = Phase::Running;
        // The whole repository is checked from the start.
        self.changed();
        let capabilities = ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    will_save: None,
                    will_save_wait_until: None,
                    save: None,
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["$".to_owned(), ".".to_owned()]),
                ..CompletionOptions::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        };
        serde_json::to_value(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "netpolc".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
        .map_err(|error| (ErrorCode::InternalError as i32, error.to_string()))
    }
}

/// The repository root the client names: its first workspace folder, else
/// `rootUri`, else `rootPath`.
#[expect(deprecated, reason = "older clients send only `rootUri` or `rootPath`")]
fn root_of(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .and_then(|folder| documents::uri_to_path(folder.uri.as_str()));
    folder
        .or_else(|| {
            params
                .root_uri
                .as_ref()
                .and_then(|uri| documents::uri_to_path(uri.as_str()))
        })
        .or_else(|| params.root_path.as_ref().map(std::path::PathBuf::from))
}
