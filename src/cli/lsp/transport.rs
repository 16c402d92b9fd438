//! The JSON-RPC framing over stdio: `Content-Length` headers and a JSON body.
//!
//! lsp-server's own stdio transport ends the connection at the first frame it
//! cannot read (a malformed header, a body that is not UTF-8 or not a JSON-RPC
//! message), which would kill the server; this reader keeps going instead:
//!
//! - a body that is not UTF-8 has its bad bytes replaced by U+FFFD and is read
//!   as usual (a document with invalid UTF-8 is analysed with replacement
//!   characters), and the server logs that it happened;
//! - a body that is not JSON, or not a JSON-RPC message, becomes
//!   [`Frame::Malformed`]: the server answers a parse error (with the
//!   request's id when one can be read) and reads on;
//! - a header block without a valid `Content-Length` is skipped, and reading
//!   resynchronises at the next header line;
//! - a body larger than [`MAX_BODY`] is skipped unread.
//!
//! Only the end of stdin or a read error ends the reader.
//!
//! Writing is done by the main loop alone ([`write`]), so messages never
//! interleave.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::Sender;

use lsp_server::{Message, RequestId};

/// The largest body read: 64 MiB, far above any document netpolc reads
/// (8 MiB) in JSON with escapes.
pub const MAX_BODY: usize = 64 << 20;

/// The longest header line kept; longer lines are malformed.
const MAX_HEADER_LINE: usize = 4096;

/// What the reader hands to the main loop.
#[derive(Debug)]
pub enum Frame {
    /// A JSON-RPC message.
    Message(Message),
    /// A frame that could not be read as a message; `id` when it had one.
    Malformed {
        /// The request id, when the body was JSON with an `id`.
        id: Option<RequestId>,
        /// What was wrong.
        error: String,
    },
    /// A body with invalid UTF-8, read with replacement characters.
    InvalidUtf8,
    /// End of input (or a read error).
    Closed,
}

/// Reads frames from `input` until it ends, sending each one to `sink`
/// wrapped by `wrap`; returns when the input ends or the receiver is gone.
pub fn read_loop<T>(input: &mut impl BufRead, sink: &Sender<T>, wrap: impl Fn(Frame) -> T) {
    loop {
        let frames = match read_frame(input) {
            Ok(Some(frames)) => frames,
            Ok(None) | Err(_) => {
                let _ = sink.send(wrap(Frame::Closed));
                return;
            }
        };
        for frame in frames {
            if sink.send(wrap(frame)).is_err() {
                return;
            }
        }
    }
}

/// Reads one frame: `None` at the end of input. A frame may give two
/// events (invalid UTF-8, then the message).
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<Frame>>> {
    let mut length = None;
    let mut header_error = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let read = input
            .by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // Too long: skip the rest of the line.
            let mut rest = Vec::new();
            input.read_until(b'\n', &mut rest)?;
            header_error = Some("a header line is too long".to_owned());
            saw_header = true;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are skipped.
            continue;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(value) => length = Some(value),
                    Err(_) => header_error = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => header_error = Some(format!("malformed header line `{}`", truncate(text))),
        }
    }
    let malformed = |error: String| Ok(Some(vec![Frame::Malformed { id: None, error }]));
    let Some(length) = length else {
        return malformed(header_error.unwrap_or_else(|| "no Content-Length header".to_owned()));
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return malformed(format!("a message of {length} bytes is too large"));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    let mut frames = Vec::new();
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            frames.push(Frame::InvalidUtf8);
            String::from_utf8_lossy(error.as_bytes()).into_owned()
        }
    };
    frames.push(parse(&text));
    Ok(Some(frames))
}

/// A body as a message, or why it is not one.
fn parse(text: &str) -> Frame {
    match serde_json::from_str::<Message>(text) {
        Ok(message) => Frame::Message(message),
        Err(error) => {
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|value| value.get("id").cloned())
                .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
            Frame::Malformed {
                id,
                error: error.to_string(),
            }
        }
    }
}

/// The start of a long text, for a message.
fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

/// Writes one message; an error means the client is gone.
pub fn write(output: &mut impl Write, message: Message) -> io::Result<()> {
    message.write(output)
}

/// Writes the JSON-RPC error response with a `null` id that a body which is
/// not JSON gets (lsp-server's `Response` cannot hold a null id).
pub fn write_null_id_error(output: &mut impl Write, code: i32, message: &str) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    fn read_all(input: &[u8]) -> Vec<Frame> {
        let (sender, receiver) = std::sync::mpsc::channel();
        read_loop(&mut io::BufReader::new(input), &sender, |frame| frame);
        drop(sender);
        receiver.into_iter().collect()
    }

    fn describe(frames: &[Frame]) -> Vec<String> {
        frames
            .iter()
            .map(|frame| match frame {
                Frame::Message(Message::Request(request)) => format!("request {}", request.method),
                Frame::Message(Message::Notification(note)) => {
                    format!("notification {}", note.method)
                }
                Frame::Message(Message::Response(_)) => "response".to_owned(),
                Frame::Malformed { id, .. } => format!("malformed {id:?}"),
                Frame::InvalidUtf8 => "invalid utf-8".to_owned(),
                Frame::Closed => "closed".to_owned(),
            })
            .collect()
    }

    #[test]
    fn bad_frames_do_not_stop_the_reader() {
        let mut input = Vec::new();
        input.extend(frame(br#"{"jsonrpc":"2.0","id":1,"method":"a"}"#));
        input.extend(frame(b"{not json"));
        input.extend(frame(br#"{"jsonrpc":"2.0","id":7}"#));
        input.extend(frame(
            b"{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"params\":{\"t\":\"\xff\"}}",
        ));
        input.extend(b"Content-Length: banana\r\n\r\n");
        input.extend(frame(br#"{"jsonrpc":"2.0","method":"c"}"#));
        assert_eq!(
            describe(&read_all(&input)),
            [
                "request a",
                "malformed None",
                "malformed Some(RequestId(I32(7)))",
                "invalid utf-8",
                "notification b",
                "malformed None",
                "notification c",
                "closed",
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let input = frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"params\":\"a\xffb\"}");
        let frames = read_all(&input);
        let Some(Frame::Message(Message::Notification(note))) = frames.get(1) else {
            panic!("{frames:?}");
        };
        assert_eq!(note.params, serde_json::json!("a\u{fffd}b"));
    }

    #[test]
    fn a_huge_length_is_skipped() {
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1).into_bytes();
        input.extend(vec![b' '; MAX_BODY + 1]);
        input.extend(frame(br#"{"jsonrpc":"2.0","method":"c"}"#));
        assert_eq!(
            describe(&read_all(&input)),
            ["malformed None", "notification c", "closed"]
        );
    }
}
