//! Notifications: documents opened, changed and closed, files changed on
//! disk, cancellation, exit; and the diagnostics published after each
//! analysis.

use super::*;

impl<W: Write> Server<W> {
    /// Handles a notification; `Some` ends the server.
    pub(super) fn notification(&mut self, notification: Notification) -> Option<ExitCode> {
        let method = notification.method.as_str();
        if method == "exit" {
            return Some(if self.phase == Phase::ShutDown {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        if self.phase != Phase::Running {
            return None;
        }
        match method {
            "textDocument/didOpen" => {
                if let Some(params) = self.note_params::<DidOpenTextDocumentParams>(notification) {
                    let uri = params.text_document.uri.as_str().to_owned();
                    self.workspace.root_for_first_file(&uri);
                    self.workspace.docs.insert(
                        uri,
                        Document {
                            text: Arc::from(params.text_document.text),
                            version: params.text_document.version,
                        },
                    );
                    self.changed();
                }
            }
            "textDocument/didChange" => {
                if let Some(params) = self.note_params::<DidChangeTextDocumentParams>(notification)
                {
                    let uri = params.text_document.uri.as_str().to_owned();
                    // Full sync: the last change holds the whole text.
                    match (
                        self.workspace.docs.get_mut(&uri),
                        params.content_changes.into_iter().next_back(),
                    ) {
                        (Some(doc), Some(change)) => {
                            doc.text = Arc::from(change.text);
                            doc.version = params.text_document.version;
                            self.changed();
                        }
                        (None, _) => self.log(
                            MessageType::WARNING,
                            &format!("didChange for `{uri}`, which is not open; ignored"),
                        ),
                        (Some(_), None) => {}
                    }
                }
            }
            "textDocument/didClose" => {
                if let Some(params) = self.note_params::<DidCloseTextDocumentParams>(notification) {
                    let uri = params.text_document.uri.as_str();
                    if self.workspace.docs.remove(uri).is_some() {
                        self.changed();
                    }
                }
            }
            // The disk changed under files that are not open.
            "workspace/didChangeWatchedFiles" => self.changed(),
            "$/cancelRequest" => {
                if let Some(params) = self.note_params::<lsp_types::CancelParams>(notification) {
                    let id: RequestId = match params.id {
                        lsp_types::NumberOrString::Number(id) => id.into(),
                        lsp_types::NumberOrString::String(id) => id.into(),
                    };
                    if let Some(at) = self.pending.iter().position(|request| request.id == id) {
                        let request = self.pending.remove(at);
                        self.reply(Response::new_err(
                            request.id,
                            ErrorCode::RequestCanceled as i32,
                            "canceled".to_owned(),
                        ));
                    }
                }
            }
            _ => {}
        }
        self.broken.then_some(ExitCode::FAILURE)
    }

    /// A notification's parameters, or `None` after logging why not.
    pub(super) fn note_params<P: serde::de::DeserializeOwned>(
        &mut self,
        notification: Notification,
    ) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(error) => {
                self.log(
                    MessageType::WARNING,
                    &format!(
                        "ignored `{}`: invalid parameters: {error}",
                        notification.method
                    ),
                );
                None
            }
        }
    }

    /// The workspace changed: a new generation, and a job for it.
    pub(super) fn changed(&mut self) {
        self.generation += 1;
        if let Some(snapshot) = self.workspace.snapshot() {
            let job = Job {
                generation: self.generation,
                snapshot,
                received: Instant::now(),
            };
            if self.jobs.send(job).is_err() {
                self.log(
                    MessageType::ERROR,
                    "netpolc lsp: the analysis thread is gone",
                );
            }
        }
    }

    /// Publishes the diagnostics of an analysis: every open document (with
    /// its version) and every file whose diagnostics changed; files that
    /// became clean, or are gone, get an empty list.
    pub(super) fn publish(&mut self, analysis: &Analysis) {
        let files = Files::new(analysis, &self.workspace, self.encoding);
        let current = files.diagnostics();
        let mut notes = Vec::new();
        for (uri, diags) in &current {
            let open = self.workspace.docs.get(uri);
            let before = self.published.get(uri).map_or(&[][..], Vec::as_slice);
            if open.is_none() && before == diags.as_slice() {
                continue;
            }
            notes.push((uri.clone(), diags.clone(), open.map(|doc| doc.version)));
        }
        for uri in self.published.keys() {
            if !current.contains_key(uri) {
                notes.push((uri.clone(), Vec::new(), None));
            }
        }
        self.published = current
            .into_iter()
            .filter(|(_, diags)| !diags.is_empty())
            .collect();
        for (uri, diagnostics, version) in notes {
            let Ok(uri) = uri.parse::<Uri>() else {
                continue;
            };
            self.notify(
                "textDocument/publishDiagnostics",
                PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                },
            );
        }
    }
}
