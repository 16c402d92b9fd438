//! `netpolc lsp` driven over stdio by a small JSON-RPC client, as an editor
//! drives it: the real binary, `Content-Length` framing, requests matched to
//! their responses by id, notifications kept until asked for, and a time
//! limit on every wait so that a hung server fails the test instead of
//! hanging CI (the limit guards against hangs; it measures nothing).
//!
//! The repository is a temporary copy of `examples/platform`, opened as the
//! workspace. Answers are snapshotted with the copy's path replaced by
//! `/REPO` (URIs `file:///REPO/...`):
//!
//! * [`session_diagnostics_formatting_shutdown`]: initialize, didOpen,
//!   a didChange that introduces an error (its diagnostic published with the
//!   code) and one that fixes it (the diagnostics cleared), formatting,
//!   shutdown and exit.
//! * [`navigation`]: hover, definition, references, prepareRename and
//!   rename, the outline (the bodies are `netpolc::ide::nav`).
//! * [`completion_and_code_actions`]: completion and code actions (the bodies
//!   are `netpolc::ide::complete`).
//! * [`bad_input_never_kills_the_server`]: malformed JSON-RPC, unknown
//!   methods, invalid UTF-8, a 5 MB line, a file deleted while open,
//!   positions past the end: each gets an error response or is ignored, and
//!   the next request is answered.

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The longest wait for one message. Generous: CI machines are slow and
/// shared; a server that answers at all answers well within it.
const TIMEOUT: Duration = Duration::from_secs(60);

/// JSON-RPC error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// What the reader thread saw on the server's stdout.
enum Frame {
    Message(Value),
    /// Not an LSP frame: the server wrote something else to stdout.
    Garbage(String),
    /// stdout closed (the server exited).
    Closed,
}

/// Reads `Content-Length` frames from `stdout` until it closes.
fn read_frames(stdout: impl Read, tx: &Sender<Frame>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Frame::Closed);
                    return;
                }
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            match line.split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse::<usize>().ok();
                }
                Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                _ => {
                    let _ = tx.send(Frame::Garbage(format!("not a header: {line:?}")));
                    return;
                }
            }
        }
        let Some(length) = length else {
            let _ = tx.send(Frame::Garbage("a frame without Content-Length".into()));
            return;
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            let _ = tx.send(Frame::Closed);
            return;
        }
        let frame = match serde_json::from_slice(&body) {
            Ok(value) => Frame::Message(value),
            Err(err) => Frame::Garbage(format!(
                "a frame that is not JSON ({err}): {}",
                String::from_utf8_lossy(&body)
            )),
        };
        if tx.send(frame).is_err() {
            return;
        }
    }
}

/// A running `netpolc lsp` over a temporary copy of `examples/platform`.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    frames: Receiver<Frame>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Notifications received and not asked for yet, in order.
    pending: VecDeque<Value>,
    /// The methods of the requests the server sent the client.
    server_requests: Vec<String>,
    /// Error responses to messages that could not be read.
    errors_without_request: Vec<Value>,
    repo: tempfile::TempDir,
}

/// Copies `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The LSP position (line, UTF-16 column) of byte `offset` of `text`.
fn position_at(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}

/// The position `delta` bytes into the `nth` (0-based) occurrence of `needle`.
fn position_of(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", nth + 1))
        .0;
    position_at(text, offset + delta)
}

/// The 0-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let index = text
        .lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"));
    u64::try_from(index).unwrap()
}

impl Server {
    /// Starts the server on a fresh copy of examples/platform and
    /// initializes it; returns it with the `initialize` result.
    fn start() -> (Self, Value) {
        let repo = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform"),
            repo.path(),
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_netpolc"))
            .arg("lsp")
            .current_dir(repo.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("netpolc lsp starts");
        let (tx, frames) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || read_frames(stdout, &tx));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n) = child_stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut server = Server {
            stdin: child.stdin.take(),
            child,
            frames,
            stderr,
            next_id: 1,
            pending: VecDeque::new(),
            server_requests: Vec::new(),
            errors_without_request: Vec::new(),
            repo,
        };
        let root = server.root_uri();
        let init = server.result(
            "initialize",
            json!({
                "processId": std::process::id(),
                "clientInfo": { "name": "netpolc-test-harness" },
                "rootUri": root,
                "workspaceFolders": [{ "uri": root, "name": "platform" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "textDocument": {
                        "synchronization": { "didSave": true, "dynamicRegistration": false },
                        "publishDiagnostics": { "relatedInformation": true, "versionSupport": true, "codeDescriptionSupport": true },
                        "hover": { "contentFormat": ["markdown", "plaintext"] },
                        "definition": { "linkSupport": false },
                        "rename": { "prepareSupport": true },
                        "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                        "completion": { "completionItem": { "snippetSupport": false, "documentationFormat": ["markdown"] } },
                        "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } },
                        "formatting": {}
                    },
                    "workspace": { "workspaceFolders": true, "applyEdit": true, "workspaceEdit": { "documentChanges": false } }
                }
            }),
        );
        server.notify("initialized", json!({}));
        (server, init)
    }

    fn root(&self) -> PathBuf {
        self.repo.path().to_path_buf()
    }

    fn root_uri(&self) -> String {
        format!("file://{}", self.repo.path().display())
    }

    /// The URI of `rel` in the repository.
    fn uri(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root_uri())
    }

    /// The text of `rel` in the repository copy.
    fn text(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// `value` as pretty JSON with the repository's path replaced by `/REPO`.
    fn stable(&self, value: &Value) -> String {
        let text = serde_json::to_string_pretty(value).unwrap();
        let root = self.repo.path().display().to_string();
        text.replace(&format!("file://{root}"), "file:///REPO")
            .replace(&root, "/REPO")
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Writes raw bytes to the server's stdin.
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|err| {
                panic!(
                    "cannot write to the server ({err}); stderr:\n{}",
                    self.stderr.lock().unwrap()
                )
            });
    }

    /// Writes `body` as one frame.
    fn send_body(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.send_raw(&frame);
    }

    fn send(&mut self, message: &Value) {
        self.send_body(&serde_json::to_vec(message).unwrap());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message; answers the server's own requests on the way.
    fn next(&mut self, waiting_for: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame = match self.frames.recv_timeout(left) {
                Ok(frame) => frame,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no message from netpolc lsp within {TIMEOUT:?} while waiting for {waiting_for}; stderr:\n{}",
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => Frame::Closed,
            };
            match frame {
                Frame::Message(message) => {
                    if message.get("method").is_some() && message.get("id").is_some() {
                        // A request from the server (registerCapability,
                        // workDoneProgress/create, configuration): accept it.
                        let method = message["method"].as_str().unwrap_or_default().to_string();
                        let result = if method == "workspace/configuration" {
                            let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                            Value::Array(vec![Value::Null; items])
                        } else {
                            Value::Null
                        };
                        self.server_requests.push(method);
                        self.send(
                            &json!({ "jsonrpc": "2.0", "id": message["id"], "result": result }),
                        );
                        continue;
                    }
                    return message;
                }
                Frame::Garbage(what) => panic!(
                    "netpolc lsp wrote {what} while we waited for {waiting_for}; stderr:\n{}",
                    self.stderr()
                ),
                Frame::Closed => {
                    std::thread::sleep(Duration::from_millis(100));
                    let status = self.child.try_wait().ok().flatten();
                    panic!(
                        "netpolc lsp closed its stdout (exit status {status:?}) while we waited for {waiting_for}; stderr:\n{}",
                        self.stderr()
                    );
                }
            }
        }
    }

    /// Sends a request; returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(&json!(id), method)
    }

    /// Waits for the response with `id`, keeping notifications for later.
    fn response(&mut self, id: &Value, what: &str) -> Value {
        loop {
            let message = self.next(&format!("the response to {what} (id {id})"));
            if message.get("method").is_some() {
                self.pending.push_back(message);
            } else if message.get("id") == Some(id) {
                assert_eq!(message["jsonrpc"], "2.0", "{message}");
                return message;
            } else {
                self.unsolicited(message, what);
            }
        }
    }

    /// A response to no request of ours: only an error answering a message
    /// that could not be read (a parse error or an invalid request, its id
    /// null or unreadable) may be one.
    fn unsolicited(&mut self, message: Value, what: &str) {
        let code = message["error"]["code"].as_i64();
        assert!(
            matches!(code, Some(PARSE_ERROR | INVALID_REQUEST)),
            "a response nobody asked for while waiting for {what}: {message}"
        );
        assert!(
            message["id"].as_i64().is_none_or(|id| id >= self.next_id),
            "an error for an answered request while waiting for {what}: {message}"
        );
        self.errors_without_request.push(message);
    }

    /// Sends a request that must succeed; returns its `result`.
    fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}; stderr:\n{}",
            self.stderr()
        );
        response
            .get("result")
            .cloned()
            .expect("a response has `result` or `error`")
    }

    /// Sends a request that must fail; returns its `error`.
    fn error(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        let error = response
            .get("error")
            .cloned()
            .unwrap_or_else(|| panic!("{method} should fail: {response}"));
        assert!(error["code"].is_i64(), "an error has a code: {error}");
        assert!(
            error["message"].is_string(),
            "an error has a message: {error}"
        );
        error
    }

    /// Waits for `textDocument/publishDiagnostics` for `uri` whose
    /// diagnostics satisfy `want`; the publications for `uri` before it are
    /// dropped (they are older states).
    fn diagnostics(
        &mut self,
        uri: &str,
        what: &str,
        want: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let is_for = |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        };
        let matches = |message: &Value| {
            message["params"]["diagnostics"]
                .as_array()
                .is_some_and(|diagnostics| want(diagnostics))
        };
        let mut kept = VecDeque::new();
        let mut found = None;
        while let Some(message) = self.pending.pop_front() {
            if found.is_none() && is_for(&message) {
                if matches(&message) {
                    found = Some(message);
                }
            } else {
                kept.push_back(message);
            }
        }
        self.pending = kept;
        let message = match found {
            Some(message) => message,
            None => loop {
                let message = self.next(&format!("diagnostics for {uri}: {what}"));
                if is_for(&message) && matches(&message) {
                    break message;
                }
                if message.get("method").is_none() {
                    self.unsolicited(message, &format!("diagnostics for {uri}"));
                } else if !is_for(&message) {
                    self.pending.push_back(message);
                }
            },
        };
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn did_open(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "netpol", "version": 1, "text": text } }),
        );
    }

    fn did_change(&mut self, rel: &str, version: i64, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }]
            }),
        );
    }

    /// `{ textDocument, position }`.
    fn at(&self, rel: &str, position: Value) -> Value {
        json!({ "textDocument": { "uri": self.uri(rel) }, "position": position })
    }

    /// A request that must be answered without an error: the server is alive.
    fn assert_alive(&mut self, after: &str) {
        let response = self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": self.uri(CHECKOUT) } }),
        );
        assert!(
            response.get("error").is_none(),
            "after {after}, the next request failed: {response}; stderr:\n{}",
            self.stderr()
        );
    }

    /// shutdown, exit; the exit status.
    fn shut_down(mut self) -> ExitStatus {
        let result = self.result("shutdown", Value::Null);
        assert_eq!(result, Value::Null, "shutdown returns null");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "netpolc lsp did not exit within {TIMEOUT:?} of `exit`; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const CHECKOUT: &str = "namespaces/checkout.netpol";
const CONSTANTS: &str = "constants.netpol";

/// Sorts an array of locations by URI and range, for a stable snapshot.
fn sorted_locations(value: &Value) -> Value {
    let mut items = value.as_array().cloned().unwrap_or_default();
    items.sort_by_key(|item| {
        (
            item["uri"].as_str().unwrap_or_default().to_string(),
            item["range"]["start"]["line"].as_u64(),
            item["range"]["start"]["character"].as_u64(),
        )
    });
    Value::Array(items)
}

/// `(start line, start character, end line, end character)` of an LSP range.
fn range_tuple(range: &Value) -> (u64, u64, u64, u64) {
    let get = |v: &Value| {
        v.as_u64()
            .unwrap_or_else(|| panic!("not a position: {range}"))
    };
    (
        get(&range["start"]["line"]),
        get(&range["start"]["character"]),
        get(&range["end"]["line"]),
        get(&range["end"]["character"]),
    )
}

/// Applies LSP text edits (all in one document) to `text`.
fn apply_edits(text: &str, edits: &Value) -> String {
    let offset = |line: u64, character: u64| -> usize {
        let mut start = 0;
        for _ in 0..line {
            start += text[start..]
                .find('\n')
                .map_or(text.len() - start, |i| i + 1);
        }
        let line_text = &text[start..];
        let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += u64::try_from(c.len_utf16()).unwrap();
        }
        start + line_text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .expect("edits are an array")
        .iter()
        .map(|edit| {
            let (sl, sc, el, ec) = range_tuple(&edit["range"]);
            (
                offset(sl, sc),
                offset(el, ec),
                edit["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, &new_text);
    }
    out
}

#[test]
fn session_diagnostics_formatting_shutdown() {
    let (mut server, init) = Server::start();
    let capabilities = &init["capabilities"];
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "completionProvider",
        "codeActionProvider",
    ] {
        assert!(
            !capabilities[provider].is_null() && capabilities[provider] != false,
            "initialize announces {provider}: {capabilities}"
        );
    }
    assert!(
        !capabilities["textDocumentSync"].is_null(),
        "{capabilities}"
    );
    // The version changes with every release: checked here, not in the snapshot.
    let mut init = init;
    assert_eq!(
        init["serverInfo"]["version"],
        env!("CARGO_PKG_VERSION"),
        "{init}"
    );
    init["serverInfo"]["version"] = json!("[VERSION]");
    insta::assert_snapshot!("initialize", server.stable(&init));

    // The example compiles clean: the opened file gets an empty list.
    let text = server.text(CHECKOUT);
    server.did_open(CHECKOUT, &text);
    let checkout = server.uri(CHECKOUT);
    server.diagnostics(&checkout, "none on open", <[Value]>::is_empty);

    // An unknown constant: E0101 at the use, with the CLI's message.
    let broken = text.replacen("$PAYMENT_PROVIDER_API", "$PAYMENT_PROVIDER_APX", 1);
    assert_ne!(broken, text);
    server.did_change(CHECKOUT, 2, &broken);
    let diagnostics = server.diagnostics(&checkout, "E0101 after the change", |d| {
        d.iter().any(|d| d["code"] == "E0101")
    });
    let e0101 = diagnostics.iter().find(|d| d["code"] == "E0101").unwrap();
    let use_line = line_of(&broken, "$PAYMENT_PROVIDER_APX");
    assert_eq!(e0101["range"]["start"]["line"], use_line, "{e0101}");
    assert_eq!(e0101["severity"], 1, "an error: {e0101}");
    insta::assert_snapshot!(
        "diagnostics_unknown_constant",
        server.stable(&Value::Array(diagnostics))
    );

    // Fixed: the diagnostics are cleared.
    server.did_change(CHECKOUT, 3, &text);
    server.diagnostics(&checkout, "cleared after the fix", <[Value]>::is_empty);

    // Formatting: a mis-indented file gets the edits that make it `fmt`'s
    // layout again (the example is already in that layout).
    let messy = text.replacen(
        "\n    select pods app=checkout-api",
        "\n        select pods app=checkout-api",
        1,
    );
    assert_ne!(messy, text);
    server.did_change(CHECKOUT, 4, &messy);
    let edits = server.result(
        "textDocument/formatting",
        json!({
            "textDocument": { "uri": checkout },
            "options": { "tabSize": 2, "insertSpaces": true }
        }),
    );
    assert_eq!(
        apply_edits(&messy, &edits),
        text,
        "formatting restores the layout: {edits}"
    );
    insta::assert_snapshot!("formatting", server.stable(&edits));
    // Already formatted: no edit.
    server.did_change(CHECKOUT, 5, &text);
    let edits = server.result(
        "textDocument/formatting",
        json!({
            "textDocument": { "uri": checkout },
            "options": { "tabSize": 2, "insertSpaces": true }
        }),
    );
    assert!(
        edits.is_null() || edits == json!([]),
        "a formatted file needs no edit: {edits}"
    );

    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": checkout } }),
    );
    let status = server.shut_down();
    assert!(status.success(), "exit after shutdown exits 0: {status}");
}

/// Hover, definition, references, rename and the outline. While
/// `netpolc::ide::nav` is in progress the answers are empty; the snapshots
/// then say what they are and need re-accepting once it lands.
#[test]
fn navigation() {
    let (mut server, _) = Server::start();
    let text = server.text(CHECKOUT);
    let constants = server.text(CONSTANTS);
    server.did_open(CHECKOUT, &text);
    server.did_open(CONSTANTS, &constants);
    let storage_use = position_of(&text, "$STORAGE_IPS", 0, 3);

    // Hover over a constant's use: markdown about it.
    let hover = server.result(
        "textDocument/hover",
        server.at(CHECKOUT, storage_use.clone()),
    );
    if !hover.is_null() {
        let value = hover["contents"]["value"].as_str().unwrap_or_default();
        assert_eq!(hover["contents"]["kind"], "markdown", "{hover}");
        assert!(
            value.contains("STORAGE_IPS"),
            "the hover names the constant: {hover}"
        );
    }
    insta::assert_snapshot!("hover_constant", server.stable(&hover));

    // Hover over a policy's name: the YAML it becomes.
    let policy = position_of(&text, "policy checkout-api", 0, 8);
    let hover = server.result("textDocument/hover", server.at(CHECKOUT, policy));
    if !hover.is_null() {
        let value = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            value.contains("CiliumNetworkPolicy"),
            "the hover shows the YAML: {hover}"
        );
    }
    insta::assert_snapshot!("hover_policy", server.stable(&hover));

    // Definition of the constant: its `const` line in constants.netpol.
    let definition = server.result(
        "textDocument/definition",
        server.at(CHECKOUT, storage_use.clone()),
    );
    if !definition.is_null() {
        let location = if definition.is_array() {
            definition[0].clone()
        } else {
            definition.clone()
        };
        assert_eq!(location["uri"], server.uri(CONSTANTS), "{definition}");
        assert_eq!(
            location["range"]["start"]["line"],
            line_of(&constants, "const STORAGE_IPS"),
            "{definition}"
        );
    }
    insta::assert_snapshot!("definition_constant", server.stable(&definition));

    // References, with the definition.
    let mut params = server.at(CHECKOUT, storage_use.clone());
    params["context"] = json!({ "includeDeclaration": true });
    let references = server.result("textDocument/references", params);
    assert!(
        references.is_null() || references.is_array(),
        "{references}"
    );
    if let Some(items) = references.as_array().filter(|items| !items.is_empty()) {
        let uris: Vec<_> = items.iter().map(|item| item["uri"].clone()).collect();
        assert!(uris.contains(&json!(server.uri(CHECKOUT))), "{references}");
        assert!(uris.contains(&json!(server.uri(CONSTANTS))), "{references}");
    }
    insta::assert_snapshot!(
        "references_constant",
        server.stable(&sorted_locations(&references))
    );

    // Rename the file-local constant.
    let local = position_of(&text, "$PAYMENT_PROVIDER_API", 0, 3);
    let prepare = server.request(
        "textDocument/prepareRename",
        server.at(CHECKOUT, local.clone()),
    );
    insta::assert_snapshot!("prepare_rename_constant", server.stable(&prepare["result"]));
    let mut params = server.at(CHECKOUT, local.clone());
    params["newName"] = json!("PAYMENT_API");
    let rename = server.request("textDocument/rename", params);
    if let Some(edit) = rename.get("result").filter(|edit| !edit.is_null()) {
        let edits = &edit["changes"][server.uri(CHECKOUT)];
        let renamed = apply_edits(&text, edits);
        assert!(!renamed.contains("PAYMENT_PROVIDER_API"), "{renamed}");
        assert_eq!(renamed.matches("PAYMENT_API").count(), 2, "{renamed}");
    } else {
        // Refused: an error response with a message.
        assert!(rename["error"]["message"].is_string(), "{rename}");
    }
    insta::assert_snapshot!("rename_constant", server.stable(&rename));

    // Renaming onto a name that exists is refused.
    let mut params = server.at(CHECKOUT, local);
    params["newName"] = json!("STORAGE_IPS");
    let conflict = server.request("textDocument/rename", params);
    assert!(
        conflict.get("error").is_some() || conflict["result"].is_null(),
        "a conflicting rename is refused: {conflict}"
    );

    // The outline.
    let symbols = server.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": server.uri(CHECKOUT) } }),
    );
    assert!(symbols.is_null() || symbols.is_array(), "{symbols}");
    insta::assert_snapshot!("document_symbols", server.stable(&symbols));

    assert!(server.shut_down().success());
}

/// Completion and code actions. While `netpolc::ide::complete` is in
/// progress the answers are empty; the snapshots then say what they are and
/// need re-accepting once it lands.
#[test]
fn completion_and_code_actions() {
    let (mut server, _) = Server::start();
    let text = server.text(CHECKOUT);
    server.did_open(CHECKOUT, &text);
    let checkout = server.uri(CHECKOUT);
    server.diagnostics(&checkout, "none on open", <[Value]>::is_empty);

    // `$` constants after `$`.
    let typed = text.replacen(
        "    allow to fqdn $PAYMENT_PROVIDER_API port 443/tcp\n",
        "    allow to fqdn $PAYMENT_PROVIDER_API port 443/tcp\n    allow to cidr $\n",
        1,
    );
    assert_ne!(typed, text);
    server.did_change(CHECKOUT, 2, &typed);
    let completion = server.result(
        "textDocument/completion",
        server.at(CHECKOUT, position_of(&typed, "allow to cidr $", 0, 15)),
    );
    let items = completion
        .get("items")
        .unwrap_or(&completion)
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !items.is_empty() {
        let labels: Vec<_> = items
            .iter()
            .filter_map(|item| item["label"].as_str())
            .collect();
        assert!(
            labels.iter().any(|label| label.contains("STORAGE_IPS")),
            "an imported constant is offered: {labels:?}"
        );
    }
    let mut labels: Vec<Value> = items
        .iter()
        .map(|item| json!({ "label": item["label"], "kind": item["kind"], "detail": item["detail"] }))
        .collect();
    labels.sort_by_key(Value::to_string);
    insta::assert_snapshot!("completion_constants", server.stable(&Value::Array(labels)));

    // A misspelt constant: the diagnostic and the quick fix for it.
    let broken = text.replacen("$STORAGE_IPS", "$STORAGE_IPZ", 1);
    server.did_change(CHECKOUT, 3, &broken);
    let diagnostics = server.diagnostics(&checkout, "E0101 for the misspelling", |d| {
        d.iter().any(|d| d["code"] == "E0101")
    });
    let e0101 = diagnostics
        .iter()
        .find(|d| d["code"] == "E0101")
        .unwrap()
        .clone();
    let actions = server.result(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": checkout },
            "range": e0101["range"],
            "context": { "diagnostics": [e0101], "only": ["quickfix"] }
        }),
    );
    assert!(actions.is_null() || actions.is_array(), "{actions}");
    if let Some(fix) = actions.as_array().and_then(|actions| actions.first()) {
        let fixed = apply_edits(&broken, &fix["edit"]["changes"][checkout.as_str()]);
        assert_eq!(
            fixed, text,
            "the first quick fix restores `$STORAGE_IPS`: {fix}"
        );
    }
    insta::assert_snapshot!("code_actions_unknown_constant", server.stable(&actions));

    assert!(server.shut_down().success());
}

#[test]
fn bad_input_never_kills_the_server() {
    let (mut server, _) = Server::start();
    let text = server.text(CHECKOUT);
    server.did_open(CHECKOUT, &text);
    server.assert_alive("didOpen");

    // Malformed JSON-RPC: a body that is not JSON gets a parse error (id
    // null) or is dropped; then the server goes on.
    server.send_body(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    server.assert_alive("a body that is not JSON");
    for body in [
        &b"[1, 2, 3]"[..],
        b"{\"jsonrpc\": \"2.0\", \"id\": {\"an\": \"object\"}, \"method\": \"textDocument/hover\"}",
        b"{\"jsonrpc\": \"2.0\", \"method\": 42}",
        b"{}",
        b"null",
    ] {
        server.send_body(body);
        server.assert_alive(&format!("the message {}", String::from_utf8_lossy(body)));
    }
    // Whatever answered them was an error to no request (checked as it came).
    let parse_errors = server.errors_without_request.len();
    assert!(parse_errors <= 6, "{:?}", server.errors_without_request);

    // A request whose params do not fit its method: an error, not a crash.
    let error = server.error("textDocument/hover", json!({ "textDocument": 42 }));
    assert_ne!(error["code"], METHOD_NOT_FOUND, "{error}");
    let error = server.error("textDocument/definition", json!("not an object"));
    assert_ne!(error["code"], METHOD_NOT_FOUND, "{error}");
    server.assert_alive("params of the wrong shape");

    // Unknown methods: MethodNotFound for a request, nothing for a notification.
    let error = server.error("netpolc/noSuchMethod", json!({}));
    assert_eq!(error["code"], METHOD_NOT_FOUND, "{error}");
    server.notify("netpolc/noSuchNotification", json!({ "x": 1 }));
    server.notify("$/cancelRequest", json!({ "id": 12345 }));
    server.assert_alive("unknown methods");

    // Invalid UTF-8 inside a message: the frame cannot be decoded.
    let mut body = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x/bad.netpol","languageId":"netpol","version":1,"text":"namespace "#.to_vec();
    body.extend_from_slice(b"\xff\xfe\xc3 {}\"}}}");
    server.send_body(&body);
    server.assert_alive("a frame with invalid UTF-8");
    // A lone surrogate, which JSON can spell but a Rust string cannot hold.
    server.send_body(
        format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{}","languageId":"netpol","version":1,"text":"const A = \ud800 1"}}}}}}"#,
            server.uri("namespaces/surrogate.netpol")
        )
        .as_bytes(),
    );
    server.assert_alive("a lone surrogate");
    // Invalid UTF-8 in a file on disk, in the repository.
    fs::write(
        server.root().join("namespaces/latin1.netpol"),
        b"# caf\xe9\nnamespace latin1 {}\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": server.uri("namespaces/latin1.netpol"), "type": 1 }] }),
    );
    server.assert_alive("a file that is not UTF-8");
    let mut opened = text.clone();
    opened.push_str("\n# edited\n");
    server.did_change(CHECKOUT, 2, &opened);
    server.assert_alive("a change while a file is not UTF-8");
    fs::remove_file(server.root().join("namespaces/latin1.netpol")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": server.uri("namespaces/latin1.netpol"), "type": 3 }] }),
    );

    // A 5 MB line: opened, hovered at its end, completed in the middle.
    let long = format!("const LONG = \"{}\"\n", "a".repeat(5 * 1024 * 1024));
    server.did_open("namespaces/long.netpol", &long);
    let end = position_at(&long, long.len() - 2);
    let hover = server.request(
        "textDocument/hover",
        server.at("namespaces/long.netpol", end),
    );
    assert!(
        hover.get("error").is_some() || hover.get("result").is_some(),
        "{hover}"
    );
    let middle = json!({ "line": 0, "character": 2_500_000 });
    let completion = server.request(
        "textDocument/completion",
        server.at("namespaces/long.netpol", middle),
    );
    assert!(completion.get("error").is_some() || completion.get("result").is_some());
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": server.uri("namespaces/long.netpol") } }),
    );
    server.assert_alive("a 5 MB line");

    // A file deleted while open: edits, requests and close still work.
    let doomed = server.text("namespaces/search.netpol");
    server.did_open("namespaces/search.netpol", &doomed);
    fs::remove_file(server.root().join("namespaces/search.netpol")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": server.uri("namespaces/search.netpol"), "type": 3 }] }),
    );
    server.did_change("namespaces/search.netpol", 2, &format!("{doomed}\n"));
    let hover = server.request(
        "textDocument/hover",
        server.at(
            "namespaces/search.netpol",
            json!({ "line": 0, "character": 0 }),
        ),
    );
    assert!(
        hover.get("error").is_some() || hover.get("result").is_some(),
        "{hover}"
    );
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": server.uri("namespaces/search.netpol") } }),
    );
    server.assert_alive("a file deleted while open");

    // Positions past the end, in every request that takes one.
    for position in [
        json!({ "line": 100_000, "character": 0 }),
        json!({ "line": 0, "character": 100_000 }),
        json!({ "line": 4_294_967_295_u64, "character": 4_294_967_295_u64 }),
    ] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/prepareRename",
        ] {
            let response = server.request(method, server.at(CHECKOUT, position.clone()));
            assert!(
                response.get("error").is_some() || response.get("result").is_some(),
                "{method} at {position}: {response}"
            );
        }
        let mut params = server.at(CHECKOUT, position.clone());
        params["context"] = json!({ "includeDeclaration": true });
        server.request("textDocument/references", params);
        let mut params = server.at(CHECKOUT, position.clone());
        params["newName"] = json!("X");
        server.request("textDocument/rename", params);
        server.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": server.uri(CHECKOUT) },
                "range": { "start": position, "end": position },
                "context": { "diagnostics": [] }
            }),
        );
        server.assert_alive(&format!("requests at {position}"));
    }
    // A change whose range is past the end (incremental sync).
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": server.uri(CHECKOUT), "version": 10 },
            "contentChanges": [{
                "range": { "start": { "line": 9999, "character": 0 }, "end": { "line": 9999, "character": 5 } },
                "text": "x"
            }]
        }),
    );
    server.assert_alive("a change past the end");
    // Requests about a document nobody opened, outside the workspace.
    let response = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere/at/all.netpol" }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(response.get("error").is_some() || response.get("result").is_some());
    server.assert_alive("a request about an unknown document");

    // The ids JSON-RPC allows: strings too.
    server.send(&json!({ "jsonrpc": "2.0", "id": "string-id", "method": "textDocument/documentSymbol", "params": { "textDocument": { "uri": server.uri(CHECKOUT) } } }));
    let response = server.response(&json!("string-id"), "a request with a string id");
    assert!(response.get("error").is_none(), "{response}");

    assert!(server.shut_down().success());
}
