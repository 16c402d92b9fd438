//! A checker of Go's regular expression syntax: what `regexp.Compile` (Go
//! 1.25, `regexp/syntax` with the `syntax.Perl` flags) accepts, and which of
//! those patterns C++ RE2 (Envoy's engine) refuses.
//!
//! The Cilium agent compiles the `path` and `method` of an HTTP rule with
//! Go's `regexp` and drops the whole policy when one fails; Envoy then
//! compiles `path`, `method` and `host` with RE2. [`check`] follows Go's
//! parser step by step (the same parse stack, the same order of checks, so
//! the same error kind) without building the tree: each node on the stack
//! carries only what Go's limits need (its height, its compiled size and the
//! product of its nested repeat counts).
//!
//! What is modelled rather than exact, all of it about size limits that no
//! hand-written pattern reaches:
//! - Go factors common prefixes out of alternations before it measures a
//!   node; the size here is of the unfactored alternation, an upper bound,
//!   so a pattern over Go's 3.3-million-instruction limit only through
//!   alternatives Go would factor is refused here but accepted by Go;
//! - Go's cap of 32M runes held in character classes counts each class as
//!   its number of ranges; here a class counts as one range (Unicode tables
//!   are not embedded), so only literals can hit that cap;
//! - single-rune classes like `[a]` stay classes here (Go turns them into
//!   literals), which changes a node's height by at most one.
//!
//! The checker does no IO, never panics, and runs in time linear in the
//! pattern, with memory bounded by the parse stack.

mod escapes;
mod names;
mod node;
mod parser;
mod re2;

use parser::Parser;
use re2::re2_refuses;

/// The kinds of error Go's `regexp/syntax` reports, by Go's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `invalid character class range`: a bad range, POSIX class or `\p`.
    InvalidCharRange,
    /// `invalid escape sequence`.
    InvalidEscape,
    /// `invalid named capture`.
    InvalidNamedCapture,
    /// `invalid or unsupported Perl syntax`: an unknown `(?` group or flag.
    InvalidPerlOp,
    /// `invalid nested repetition operator`: `a**`, `a{2}{3}`.
    InvalidRepeatOp,
    /// `invalid repeat count`: over 1000, `{2,1}`, or nested over 1000.
    InvalidRepeatSize,
    /// `invalid UTF-8`.
    InvalidUtf8,
    /// `missing closing ]`.
    MissingBracket,
    /// `missing closing )`.
    MissingParen,
    /// `missing argument to repetition operator`.
    MissingRepeatArgument,
    /// `trailing backslash at end of expression`.
    TrailingBackslash,
    /// `unexpected )`.
    UnexpectedParen,
    /// `expression nests too deeply`.
    NestingDepth,
    /// `expression too large`.
    Large,
}

impl ErrorKind {
    /// Go's text for the kind, as in `error parsing regexp: <text>: ...`.
    pub fn go_text(self) -> &'static str {
        match self {
            ErrorKind::InvalidCharRange => "invalid character class range",
            ErrorKind::InvalidEscape => "invalid escape sequence",
            ErrorKind::InvalidNamedCapture => "invalid named capture",
            ErrorKind::InvalidPerlOp => "invalid or unsupported Perl syntax",
            ErrorKind::InvalidRepeatOp => "invalid nested repetition operator",
            ErrorKind::InvalidRepeatSize => "invalid repeat count",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::MissingBracket => "missing closing ]",
            ErrorKind::MissingParen => "missing closing )",
            ErrorKind::MissingRepeatArgument => "missing argument to repetition operator",
            ErrorKind::TrailingBackslash => "trailing backslash at end of expression",
            ErrorKind::UnexpectedParen => "unexpected )",
            ErrorKind::NestingDepth => "expression nests too deeply",
            ErrorKind::Large => "expression too large",
        }
    }
}

/// A pattern Go's `regexp.Compile` refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoError {
    /// What Go reports.
    pub kind: ErrorKind,
    /// The byte range of the offending text in the pattern (Go's `Expr`,
    /// or the unmatched parenthesis, or the whole pattern for size limits).
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A pattern Go accepts and C++ RE2 refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Re2Error {
    /// The byte range of the `\p{...}` in the pattern.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The class as written, e.g. `\p{Letter}`.
    pub written: String,
    /// The spelling RE2 knows, e.g. `\p{L}`, when there is one.
    pub exact: Option<String>,
}

/// Why a pattern must not be emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Go refuses it: the Cilium agent drops the policy.
    Go(GoError),
    /// Go accepts it but RE2 refuses it: Envoy rejects the configuration.
    Re2(Re2Error),
}

/// Checks a pattern as Go's `regexp.Compile` does.
pub fn check(pattern: &str) -> Result<(), GoError> {
    check_bytes(pattern.as_bytes())
}

/// Checks a pattern given as bytes (Go strings need not be UTF-8).
pub fn check_bytes(pattern: &[u8]) -> Result<(), GoError> {
    Parser::new(pattern).parse().map(|_| ())
}

/// Checks that both Go and C++ RE2 accept a pattern: safe to emit.
pub fn check_emit(pattern: &str) -> Result<(), Refusal> {
    let classes = Parser::new(pattern.as_bytes())
        .parse()
        .map_err(Refusal::Go)?;
    for class in classes {
        if let Some(error) = re2_refuses(pattern, &class) {
            return Err(Refusal::Re2(error));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
