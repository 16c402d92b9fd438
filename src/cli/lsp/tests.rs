//! The server driven over pipes, in process: the life cycle, diagnostics as
//! documents change, scheduling, formatting, and bad input that must not
//! stop it. (The harness over the real binary, with snapshots of every
//! answer, is tests/it/lsp.rs.)

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{Value, json};

/// How long a test waits for one message before failing.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The marker that makes the analysis panic in these tests.
const PANIC_MARKER: &str = "# test: panic in the analysis";

const CLEAN: &str = "const API_PORT = 8080/tcp\n\nnamespace shop {\n  policy web {\n    select pods app=web\n    allow from pods app=api port $API_PORT\n  }\n}\n";

const BROKEN: &str = "const API_PORT = 8080/tcp\n\nnamespace shop {\n  policy web {\n    select pods app=web\n    allow from pods app=api port $API_PORTS\n  }\n}\n";

/// A server on pipes and a client for it.
struct Client {
    input: io::PipeWriter,
    messages: Receiver<Value>,
    server: JoinHandle<ExitCode>,
    next_id: i32,
    /// Every message received, for failure messages.
    seen: Vec<Value>,
    /// The messages received that no `wait` matched yet.
    backlog: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let (server_in, input) = io::pipe().unwrap();
        let (server_out, output) = io::pipe().unwrap();
        let server = thread::spawn(move || {
            super::serve(
                BufReader::new(server_in),
                output,
                netpolc::Options::default(),
                Some(PANIC_MARKER.to_owned()),
            )
        });
        let (sender, messages) = mpsc::channel();
        thread::spawn(move || {
            let mut output = BufReader::new(server_out);
            while let Some(value) = read_json(&mut output) {
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            input,
            messages,
            server,
            next_id: 0,
            seen: Vec::new(),
            backlog: Vec::new(),
        }
    }

    fn raw(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.input.write_all(&frame).unwrap();
    }

    fn send(&mut self, mut message: Value) {
        message["jsonrpc"] = json!("2.0");
        self.raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    fn request_async(&mut self, method: &str, params: Value) -> i32 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and returns its response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    fn response(&mut self, id: i32) -> Value {
        self.wait(|message| message["id"] == json!(id) && message.get("method").is_none())
    }

    /// The first message that matches, among those received and not
    /// matched yet, then the new ones.
    fn wait(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(at);
        }
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
                panic!("no matching message; received:\n{:#?}", self.seen);
            });
            self.seen.push(message.clone());
            if matches(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let response = self.request(
            "initialize",
            json!({ "rootUri": uri(root), "capabilities": {} }),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "netpol", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `shutdown`, `exit`, and the server's exit code.
    fn stop(mut self) -> ExitCode {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.server.join().unwrap()
    }
}

/// Reads one frame of the server's output as JSON; `None` at the end.
fn read_json(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(": ").unwrap();
        assert_eq!(name, "Content-Length");
        length = Some(value.parse::<usize>().unwrap());
    }
    let mut body = vec![0; length.unwrap()];
    input.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).unwrap())
}

fn uri(path: &Path) -> String {
    super::documents::path_to_uri(path)
        .unwrap()
        .as_str()
        .to_owned()
}

/// A repository with one file, `shop.netpol`.
fn repo(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("shop.netpol"), text).unwrap();
    dir
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|diag| diag["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn life_cycle() {
    let dir = repo(CLEAN);
    let mut client = Client::start();
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], json!(-32002), "{early}");
    let init = client.initialize(dir.path());
    let capabilities = &init["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], json!(1));
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "codeActionProvider",
    ] {
        assert_eq!(capabilities[capability], json!(true), "{capability}");
    }
    assert_eq!(
        capabilities["renameProvider"]["prepareProvider"],
        json!(true)
    );
    assert!(capabilities["completionProvider"].is_object());
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    assert_eq!(client.server.join().unwrap(), ExitCode::FAILURE);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({ "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } } }),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn diagnostics_follow_the_edits() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&shop, CLEAN);
    assert_eq!(client.diagnostics(&shop, 1), Vec::<Value>::new());
    client.change(&shop, 2, BROKEN);
    let diags = client.diagnostics(&shop, 2);
    assert_eq!(codes(&diags), ["E0101"]);
    let diag = &diags[0];
    // The CLI: `shop.netpol:6:34`, `^^^^^^^^^^` under `$API_PORTS`.
    assert_eq!(
        diag["range"],
        json!({ "start": { "line": 5, "character": 33 }, "end": { "line": 5, "character": 43 } })
    );
    assert_eq!(diag["severity"], json!(1));
    assert_eq!(diag["source"], "netpolc");
    let message = diag["message"].as_str().unwrap();
    assert!(
        message.starts_with("cannot find `$API_PORTS`\n"),
        "{message}"
    );
    assert!(
        message.contains("\nhelp: did you mean `$API_PORT`?"),
        "{message}"
    );
    assert_eq!(
        diag["relatedInformation"][0]["message"],
        "not a constant or parameter in scope"
    );
    client.change(&shop, 3, CLEAN);
    assert_eq!(client.diagnostics(&shop, 3), Vec::<Value>::new());
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn files_that_are_not_open_are_checked_and_cleared() {
    let dir = repo(CLEAN);
    fs::write(dir.path().join("other.netpol"), "const X = $NOPE\n").unwrap();
    let other = uri(&dir.path().join("other.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    // The whole repository is checked at start: `other.netpol` is not open.
    let published = client.wait(|message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == other
    });
    assert_eq!(
        codes(published["params"]["diagnostics"].as_array().unwrap()),
        ["E0101"]
    );
    assert_eq!(published["params"].get("version"), None);
    // Opened with the error fixed: its editor text replaces the disk's (and
    // with no error, the lints run: the constant is unused).
    client.open(&other, "const X = 1/tcp\n");
    assert_eq!(codes(&client.diagnostics(&other, 1)), ["W0109"]);
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn stale_analyses_are_not_published() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&shop, CLEAN);
    client.diagnostics(&shop, 1);
    for version in 2..=30 {
        client.change(
            &shop,
            version,
            if version % 2 == 0 { BROKEN } else { CLEAN },
        );
    }
    // A request waits for the analysis of the last text.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": shop } }),
    );
    assert!(symbols.get("error").is_none(), "{symbols}");
    let last = client.diagnostics(&shop, 30);
    assert_eq!(codes(&last), ["E0101"]);
    // Whatever was published on the way came in order, and nothing after 30.
    let versions: Vec<i64> = client
        .seen
        .iter()
        .filter(|message| message["method"] == "textDocument/publishDiagnostics")
        .filter_map(|message| message["params"]["version"].as_i64())
        .collect();
    assert!(
        versions.windows(2).all(|pair| pair[0] < pair[1]),
        "{versions:?}"
    );
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn formatting_is_one_whole_document_edit() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    let ugly = "namespace   shop {\npolicy web {\nselect pods app=web\n}\n}\n";
    client.open(&shop, ugly);
    let params = json!({ "textDocument": { "uri": shop }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = client.request("textDocument/formatting", params.clone());
    let expected = netpolc::fmt::format(ugly).unwrap();
    assert_ne!(expected, ugly);
    assert_eq!(
        edits["result"],
        json!([{
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 5, "character": 0 } },
            "newText": expected,
        }])
    );
    client.change(&shop, 2, &expected);
    let edits = client.request("textDocument/formatting", params.clone());
    assert_eq!(edits["result"], json!([]));
    client.change(&shop, 3, "namespace shop {\n");
    let edits = client.request("textDocument/formatting", params);
    assert_eq!(edits["result"], json!([]));
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn bad_input_gets_an_error_and_the_next_request_an_answer() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&shop, CLEAN);
    client.diagnostics(&shop, 1);

    // Not JSON: a parse error with a null id.
    client.raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\":");
    let error = client.wait(|message| message.get("error").is_some());
    assert_eq!(error["id"], Value::Null, "{error}");
    assert_eq!(error["error"]["code"], json!(-32700), "{error}");

    // JSON with an id, but no method: invalid request, with the id.
    client.raw(br#"{"jsonrpc":"2.0","id":77}"#);
    let error = client.response(77);
    assert_eq!(error["error"]["code"], json!(-32600), "{error}");

    // An unknown method.
    let error = client.request("netpolc/noSuchThing", json!({}));
    assert_eq!(error["error"]["code"], json!(-32601), "{error}");

    // Parameters of the wrong shape.
    let error = client.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(error["error"]["code"], json!(-32602), "{error}");

    // A document never opened and not in the repository.
    let error = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere/x.netpol" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(error["error"]["code"], json!(-32602), "{error}");

    // Positions past the end are clamped.
    let answer = client.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": shop }, "position": { "line": 9999, "character": 9999 } }),
    );
    assert!(answer.get("error").is_none(), "{answer}");
    let answer = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": shop }, "range": { "start": { "line": 4_000_000_000u32, "character": 0 }, "end": { "line": 0, "character": 4_000_000_000u32 } }, "context": { "diagnostics": [] } }),
    );
    assert!(answer.get("error").is_none(), "{answer}");

    // Invalid UTF-8 in a document: read with U+FFFD, logged, analysed.
    let change = json!({
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": { "uri": shop, "version": 2 },
            "contentChanges": [{ "text": format!("# BAD\n{CLEAN}") }],
        },
    });
    let body = change.to_string().into_bytes();
    let at = body.windows(3).position(|window| window == b"BAD").unwrap();
    let mut bad = body[..at].to_vec();
    bad.extend_from_slice(b"\xff\xfe");
    bad.extend_from_slice(&body[at + 3..]);
    client.raw(&bad);
    let log = client.wait(|message| message["method"] == "window/logMessage");
    assert!(
        log["params"]["message"].as_str().unwrap().contains("UTF-8"),
        "{log}"
    );
    assert_eq!(client.diagnostics(&shop, 2), Vec::<Value>::new());

    // A 5 MB line.
    let long = format!("# {}\n{CLEAN}", "x".repeat(5 << 20));
    client.change(&shop, 3, &long);
    assert_eq!(client.diagnostics(&shop, 3), Vec::<Value>::new());
    let answer = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": shop }, "position": { "line": 0, "character": 4_000_000 } }),
    );
    assert!(answer.get("error").is_none(), "{answer}");

    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn a_file_deleted_while_open_is_still_analysed_until_closed() {
    let dir = repo(CLEAN);
    let path = dir.path().join("gone.netpol");
    fs::write(&path, "const X = 1/tcp\n").unwrap();
    let gone = uri(&path);
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&gone, "const X = $NOPE\n");
    assert_eq!(codes(&client.diagnostics(&gone, 1)), ["E0101"]);
    fs::remove_file(&path).unwrap();
    client.change(&gone, 2, "const X = $NOPE2\n");
    assert_eq!(codes(&client.diagnostics(&gone, 2)), ["E0101"]);
    client.backlog.clear();
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": gone } }),
    );
    // Gone from disk and closed: its diagnostics are cleared.
    let cleared = client.wait(|message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == gone
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn a_panic_in_the_analysis_is_logged_and_the_server_goes_on() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&shop, CLEAN);
    client.diagnostics(&shop, 1);
    client.change(&shop, 2, &format!("{BROKEN}{PANIC_MARKER}\n"));
    let log = client.wait(|message| {
        message["method"] == "window/logMessage" && message["params"]["type"] == json!(1)
    });
    let text = log["params"]["message"].as_str().unwrap();
    assert!(text.contains("internal error while analysing"), "{text}");
    assert!(text.contains("forced by a test"), "{text}");
    let answer = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": shop }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(answer["error"]["code"], json!(-32803), "{answer}");
    client.change(&shop, 3, BROKEN);
    assert_eq!(codes(&client.diagnostics(&shop, 3)), ["E0101"]);
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn canceled_requests_get_request_canceled() {
    let dir = repo(CLEAN);
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    client.open(&shop, CLEAN);
    // Sent with the didOpen's analysis still running, then canceled at once;
    // if the analysis was faster the request is answered instead.
    let id = client.request_async(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": shop } }),
    );
    client.notify("$/cancelRequest", json!({ "id": id }));
    let response = client.response(id);
    let canceled = response["error"]["code"] == json!(-32800);
    assert!(canceled || response.get("result").is_some(), "{response}");
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn requests_before_any_document_without_a_root_are_answered() {
    let mut client = Client::start();
    client.request("initialize", json!({ "capabilities": {} }));
    let answer = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x/y.netpol" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(answer["result"], Value::Null, "{answer}");
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}

#[test]
fn unreadable_files_are_logged_once() {
    let dir = repo(CLEAN);
    fs::write(dir.path().join("bad.netpol"), b"const X = \xff\n").unwrap();
    let shop = uri(&dir.path().join("shop.netpol"));
    let mut client = Client::start();
    client.initialize(dir.path());
    let log = client.wait(|message| message["method"] == "window/logMessage");
    let text = log["params"]["message"].as_str().unwrap();
    assert!(text.contains("bad.netpol"), "{text}");
    client.open(&shop, CLEAN);
    client.change(&shop, 2, BROKEN);
    assert_eq!(codes(&client.diagnostics(&shop, 2)), ["E0101"]);
    let logs = client
        .seen
        .iter()
        .filter(|message| message["method"] == "window/logMessage")
        .count();
    assert_eq!(logs, 1, "{:#?}", client.seen);
    assert_eq!(client.stop(), ExitCode::SUCCESS);
}
