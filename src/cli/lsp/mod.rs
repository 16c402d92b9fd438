//! `netpolc lsp`: the language server, over stdio.
//!
//! Built on rust-analyzer's `lsp-server` (the message types) and
//! `lsp-types` (the protocol's structures): synchronous, with threads and
//! channels, no async runtime. Three threads:
//!
//! - the reader ([`transport`]) turns stdin into frames, surviving bad ones;
//! - the worker ([`worker`]) compiles snapshots of the workspace into
//!   [`netpolc::ide::Analysis`] values, debounced, one at a time;
//! - the main loop (here) owns the state and stdout: it keeps the open
//!   documents ([`documents`]), sends the worker a job on every change,
//!   publishes the diagnostics of each analysis that is still current, and
//!   answers requests.
//!
//! **Scheduling:** every change bumps the generation. An analysis result of
//! an older generation is dropped unseen. A request about documents (hover,
//! definition, ...) is answered from the analysis of the current
//! generation; while that one is being compiled, the request waits in a
//! queue and is answered as soon as it arrives (a `$/cancelRequest` takes it
//! out). Formatting needs no analysis and is answered at once.
//!
//! **Invariant:** nothing the client sends stops the server but `exit` or
//! the end of stdin: a malformed frame gets an error response (or is
//! logged), an unknown method `MethodNotFound`, bad parameters
//! `InvalidParams`, and a panic, in the worker or in a request, is caught,
//! logged to the client (`window/logMessage`) and answered with an error.

mod diagnostics;
mod documents;
mod handlers;
mod initialize;
mod notifications;
mod position;
mod transport;
mod worker;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::Instant;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, HoverProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MessageType, OneOf,
    PublishDiagnosticsParams, RenameOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
    WorkDoneProgressOptions,
};
use serde_json::Value;

use netpolc::Options;
use netpolc::ide::Analysis;

use documents::{Document, Workspace};
use handlers::{Answer, Files};
use position::Encoding;
use transport::Frame;
use worker::{Done, Job};

/// What the main loop waits for.
#[derive(Debug)]
enum Event {
    /// Something from the client.
    Frame(Frame),
    /// An analysis finished.
    Done(Box<Done>),
}

/// Runs the server on stdin and stdout until `exit` or the end of stdin:
/// exit 0 after a `shutdown`, 1 otherwise (as the LSP specification asks).
pub fn run(options: Options) -> ExitCode {
    install_panic_hook();
    serve(
        io::BufReader::new(io::stdin()),
        io::stdout(),
        options,
        test_panic_marker(),
    )
}

/// With the `test-hooks` feature, the value of `NETPOLC_TEST_LSP_PANIC`:
/// the analysis panics when an open document contains it, so the test suite
/// can check that a panic in the worker does not kill the server.
#[cfg(feature = "test-hooks")]
fn test_panic_marker() -> Option<String> {
    std::env::var("NETPOLC_TEST_LSP_PANIC")
        .ok()
        .filter(|marker| !marker.is_empty())
}

/// Without the `test-hooks` feature there is no marker.
#[cfg(not(feature = "test-hooks"))]
fn test_panic_marker() -> Option<String> {
    None
}

/// The server on any input and output (stdio, or pipes in tests).
fn serve(
    input: impl io::BufRead + Send + 'static,
    output: impl Write,
    options: Options,
    panic_marker: Option<String>,
) -> ExitCode {
    let (events, inbox) = mpsc::channel();
    let reader_events = events.clone();
    let reader = thread::Builder::new()
        .name("lsp-reader".to_owned())
        .spawn(move || {
            let mut input = input;
            transport::read_loop(&mut input, &reader_events, Event::Frame);
        });
    let (jobs, job_inbox) = mpsc::channel();
    let worker = thread::Builder::new()
        .name("lsp-analysis".to_owned())
        .spawn(move || {
            worker::run(&job_inbox, &events, options, panic_marker, |done| {
                Event::Done(Box::new(done))
            });
        });
    if let Err(error) = reader.and(worker) {
        let _ = writeln!(
            io::stderr(),
            "error: cannot start the language server: {error}"
        );
        return ExitCode::FAILURE;
    }
    let mut server = Server::new(output, jobs);
    for event in inbox {
        // A request's handler catches its own panics to answer with an
        // error; this is the last net, for the rest of the loop.
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| match event {
            Event::Frame(frame) => server.frame(frame),
            Event::Done(done) => server.done(*done),
        }));
        match outcome {
            Ok(Some(code)) => return code,
            Ok(None) => {}
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                server.log(
                    MessageType::ERROR,
                    &format!("netpolc lsp: internal error: {message}"),
                );
            }
        }
    }
    ExitCode::FAILURE
}

/// Where the server is in the protocol's life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for `initialize`.
    Uninitialized,
    /// Serving.
    Running,
    /// After `shutdown`: waiting for `exit`.
    ShutDown,
}

/// The latest analysis.
struct Latest {
    /// The generation it compiled.
    generation: u64,
    /// The analysis, or the panic message when it failed.
    analysis: Result<Arc<Analysis>, String>,
}

/// The server's state; it owns the output.
struct Server<W: Write> {
    out: W,
    phase: Phase,
    encoding: Encoding,
    workspace: Workspace,
    /// Bumped on every change of the workspace.
    generation: u64,
    jobs: Sender<Job>,
    latest: Option<Latest>,
    /// Requests waiting for the analysis of the current generation.
    pending: Vec<Request>,
    /// The diagnostics last published, by URI (only non-empty lists kept).
    published: BTreeMap<String, Vec<lsp_types::Diagnostic>>,
    /// The loading problems last logged.
    load_errors: Vec<String>,
    /// The `shutdown` request, answered once no request is waiting.
    shutdown: Option<RequestId>,
    /// Set when the client is gone: the server stops.
    broken: bool,
}

impl<W: Write> Server<W> {
    fn new(out: W, jobs: Sender<Job>) -> Server<W> {
        Server {
            out,
            phase: Phase::Uninitialized,
            encoding: Encoding::Utf16,
            workspace: Workspace::default(),
            generation: 0,
            jobs,
            latest: None,
            pending: Vec::new(),
            published: BTreeMap::new(),
            load_errors: Vec::new(),
            shutdown: None,
            broken: false,
        }
    }

    /// Handles one frame; `Some` ends the server with that exit code.
    fn frame(&mut self, frame: Frame) -> Option<ExitCode> {
        match frame {
            Frame::Message(Message::Request(request)) => self.request(request),
            Frame::Message(Message::Notification(notification)) => {
                return self.notification(notification);
            }
            // The server sends no requests, so it expects no responses.
            Frame::Message(Message::Response(_)) => {}
            Frame::Malformed {
                id: Some(id),
                error,
            } => self.reply(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                format!("not a JSON-RPC request: {error}"),
            )),
            Frame::Malformed { id: None, error } => {
                let message = format!("cannot read the message: {error}");
                if transport::write_null_id_error(
                    &mut self.out,
                    ErrorCode::ParseError as i32,
                    &message,
                )
                .is_err()
                {
                    self.broken = true;
                }
            }
            Frame::InvalidUtf8 => self.log(
                MessageType::WARNING,
                "a message was not valid UTF-8; its bad bytes were read as U+FFFD",
            ),
            Frame::Closed => {
                return Some(if self.phase == Phase::ShutDown {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                });
            }
        }
        self.broken.then_some(ExitCode::FAILURE)
    }

    /// Answers or queues a request.
    fn request(&mut self, request: Request) {
        match (self.phase, request.method.as_str()) {
            (Phase::Uninitialized, "initialize") => {
                let result = self.initialize(request.params);
                self.answer(request.id, result);
            }
            (Phase::Uninitialized, _) => self.reply(Response::new_err(
                request.id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".to_owned(),
            )),
            (Phase::ShutDown, _) => self.reply(Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            )),
            (Phase::Running, "initialize") => self.reply(Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".to_owned(),
            )),
            (Phase::Running, "shutdown") => {
                // Requests waiting for the analysis are answered first.
                self.phase = Phase::ShutDown;
                self.shutdown = Some(request.id);
                self.answer_pending();
            }
            (Phase::Running, "textDocument/formatting") => {
                let result = handlers::formatting(&self.workspace, self.encoding, request.params);
                self.answer(request.id, result);
            }
            (Phase::Running, method) if handlers::METHODS.contains(&method) => {
                self.pending.push(request);
                self.answer_pending();
            }
            (Phase::Running, method) => {
                let message = format!("netpolc lsp does not handle `{method}`");
                self.reply(Response::new_err(
                    request.id,
                    ErrorCode::MethodNotFound as i32,
                    message,
                ));
            }
        }
    }

    /// Answers the waiting requests if the current analysis is there, then
    /// a `shutdown` waiting for them.
    fn answer_pending(&mut self) {
        match &self.latest {
            None if self.workspace.root.is_none() => {
                // Nothing is being analysed: there is no repository yet.
                for request in std::mem::take(&mut self.pending) {
                    self.answer(request.id, Ok(Value::Null));
                }
            }
            Some(latest) if latest.generation == self.generation => {
                let analysis = latest.analysis.clone();
                for request in std::mem::take(&mut self.pending) {
                    let answer = match &analysis {
                        Ok(analysis) => {
                            self.answer_from(analysis, request.method.as_str(), request.params)
                        }
                        Err(_) => Err((
                            handlers::REQUEST_FAILED,
                            "the analysis of the current text failed (see the log)".to_owned(),
                        )),
                    };
                    self.answer(request.id, answer);
                }
            }
            _ => {}
        }
        if self.pending.is_empty() {
            if let Some(id) = self.shutdown.take() {
                self.answer(id, Ok(Value::Null));
            }
        }
    }

    /// Answers a request from an analysis, catching a panic.
    fn answer_from(&mut self, analysis: &Analysis, method: &str, params: Value) -> Answer {
        let files = Files::new(analysis, &self.workspace, self.encoding);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            handlers::handle(&files, method, params)
        }));
        match outcome {
            Ok(Some(answer)) => answer,
            Ok(None) => Err((
                ErrorCode::MethodNotFound as i32,
                format!("netpolc lsp does not handle `{method}`"),
            )),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                self.log(
                    MessageType::ERROR,
                    &format!("netpolc lsp: internal error in `{method}`: {message}"),
                );
                Err((
                    ErrorCode::InternalError as i32,
                    format!("internal error: {message}"),
                ))
            }
        }
    }

    /// An analysis finished: publish and answer, unless it is stale.
    fn done(&mut self, done: Done) -> Option<ExitCode> {
        if done.generation != self.generation {
            return None;
        }
        // Files that cannot be read have no span to publish at: logged, once
        // per change of the list rather than on every keystroke.
        let load_errors: Vec<String> = done
            .load_diags
            .iter()
            .map(|diag| format!("{}: {}", diag.code.as_str(), diag.message))
            .collect();
        if load_errors != self.load_errors {
            for line in &load_errors {
                self.log(MessageType::ERROR, line);
            }
            self.load_errors = load_errors;
        }
        match &done.analysis {
            Ok(analysis) => self.publish(analysis),
            Err(message) => self.log(
                MessageType::ERROR,
                &format!("netpolc lsp: internal error while analysing: {message}"),
            ),
        }
        self.latest = Some(Latest {
            generation: done.generation,
            analysis: done.analysis,
        });
        self.answer_pending();
        self.broken.then_some(ExitCode::FAILURE)
    }

    /// Sends a result or an error for a request.
    fn answer(&mut self, id: RequestId, answer: Answer) {
        let response = match answer {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code, message),
        };
        self.reply(response);
    }

    /// Sends a response.
    fn reply(&mut self, response: Response) {
        self.send(Message::Response(response));
    }

    /// Sends a notification.
    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        self.send(Message::Notification(Notification {
            method: method.to_owned(),
            params,
        }));
    }

    /// Logs to the client's output (`window/logMessage`).
    fn log(&mut self, typ: MessageType, message: &str) {
        self.notify(
            "window/logMessage",
            LogMessageParams {
                typ,
                message: message.to_owned(),
            },
        );
    }

    /// Writes a message; a failure means the client is gone.
    fn send(&mut self, message: Message) {
        if transport::write(&mut self.out, message).is_err() {
            self.broken = true;
        }
    }
}

thread_local! {
    /// The message and place of the last panic on this thread, set by the
    /// hook, read by [`panic_message`] after `catch_unwind`.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the ICE hook (which ends the process) with one that records the
/// panic for the thread that catches it and prints it to stderr, which
/// editors keep in the server's log.
fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let message = super::ice::message(info.payload());
        let text = match info.location() {
            Some(location) => format!("{message} (at {location})"),
            None => message.to_owned(),
        };
        let _ = writeln!(
            io::stderr(),
            "error: internal error in netpolc lsp {}: {text}",
            env!("CARGO_PKG_VERSION")
        );
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
    }));
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    LAST_PANIC
        .with(|last| last.borrow_mut().take())
        .unwrap_or_else(|| super::ice::message(payload).to_owned())
}
