//! fmt: the one canonical layout of a `.netpol` file, for `netpolc fmt`.
//!
//! The formatter lays out the pest pairs of the file (not the AST, which
//! drops comments and punctuation) and puts every comment back from the
//! source gaps between tokens (`printer.rs`): the grammar's `COMMENT` stays
//! silent, so the parser never sees comments. Tokens keep their order and text; only
//! white space changes, trailing commas of groups come and go, and a comment
//! may move past a `,`, `:` or `{` (below).
//!
//! # The layout
//!
//! - Two spaces of indentation per block level (`category`, `namespace`,
//!   `policy`, `cluster policy`); `{` ends the block's first line and `}`
//!   gets a line of its own, except that an empty block is `{}`.
//! - One item or statement per line, its tokens separated by single spaces.
//! - Blank lines between items and statements are kept, collapsed to one;
//!   none is kept at the start of the file or of a block, nor before `}`.
//! - The namespace inventory (`cluster namespaces { ... }`) has one
//!   namespace per line, each followed by a comma, like a group with a
//!   comment inside (below).
//! - A `silence` has a line of its own, right above what it silences: a
//!   blank line between them goes.
//! - Each L7 rule of a rule (`http`, `grpc`, `kafka`, `dns`, `l7`) is on its own
//!   line, one level deeper than the rule, and so is each TLS clause
//!   (`terminate tls ...`, `originate tls ...`); so is the L7 request of an
//!   `expect` (`http "GET /"`, `dns "NAME"`, `kafka ...`).
//! - Selector terms hug their operator (`app=web`, `tier!=db`, `!canary`),
//!   as do labels (`label team=payments`); a constant or default keeps its
//!   spaces (`const PORT = 80/tcp`, `port: port = 9090/tcp`).
//! - Lists are `[a, b, c]`, braced selectors `{ a=b, c in (x, y) }` (and
//!   `{}` when empty), parameters and arguments `name(a: x, b: y)`; a
//!   trailing comma of such a one-line group is dropped.
//! - A group (`[...]`, `{...}` selector, `(...)`) with a comment inside it is
//!   laid out one element per line, one level deeper, each element followed
//!   by a comma, and the closing bracket on its own line:
//!
//!   ```text
//!   const NETS = [
//!     10.0.0.0/8, # the office
//!     10.8.0.0/16,
//!   ]
//!   ```
//!
//! - A comment on the same line as the token before it stays at the end of
//!   that line; any other comment keeps a line of its own, indented like
//!   what follows it. `##` doc comments are comments like any other: their
//!   text is kept as written, only trailing white space is removed.
//! - A comment just before a `,`, a `:` or a block's `{` moves after it
//!   (`a, # note`, `namespace shop { # note`), so it stays at the end of the
//!   line of the token it followed.
//! - Any other comment in the middle of a statement ends the line; the
//!   statement goes on one level deeper than its first line.
//! - No line ends with white space, and the file ends with exactly one
//!   newline (an empty file stays empty). Long lines are not wrapped.
//!
//! **Invariant:** formatting is idempotent (`format(format(x)) == format(x)`)
//! and does not change what the file means: its AST is the same, spans
//! aside. Like `syntax`, it never panics and does no IO.

mod printer;

use std::ops::Range;

use pest::iterators::Pair;

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, Rule};

use printer::{Line, Printer, Sep};

/// The compound-atomic (`${ }`) rules of the grammar: their inner pairs are
/// parts of one token and are copied as written, never spaced out.
pub const VERBATIM_RULES: &[Rule] = &[Rule::string, Rule::port];

/// Formats one file of the source map; a syntax error (or a file too large
/// or too deeply nested to parse) is the E00xx diagnostic that
/// [`syntax::parse`] reports, and the file cannot be formatted.
pub fn format_file(sources: &SourceMap, file: FileId) -> Result<String, Box<Diagnostic>> {
    let Some(pair) = syntax::file_pair(sources, file)? else {
        return Ok(String::new());
    };
    let text = sources.get(file).map_or("", |source| &source.text);
    Ok(format_pair(text, pair))
}

/// Formats `text`, one `.netpol` file; see [`format_file`].
pub fn format(text: &str) -> Result<String, Box<Diagnostic>> {
    let mut sources = SourceMap::new();
    let file = sources.add_user("<input>", text);
    format_file(&sources, file)
}

/// Lays out the pair of a whole file.
fn format_pair(text: &str, file: Pair<'_, Rule>) -> String {
    let mut tokens = Vec::new();
    collect_tokens(&file, &mut tokens);
    let mut layout = Layout {
        p: Printer::new(text, &tokens),
        glued: false,
    };
    for item in file.into_inner() {
        layout.statement(item, 0);
    }
    layout.p.finish()
}

/// The byte ranges of every token under `pair`, in source order.
fn collect_tokens(pair: &Pair<'_, Rule>, out: &mut Vec<Range<usize>>) {
    let mut inner = pair.clone().into_inner().peekable();
    if inner.peek().is_none() || is_verbatim(pair.as_rule()) {
        let span = pair.as_span();
        out.push(span.start()..span.end());
        return;
    }
    for child in inner {
        collect_tokens(&child, out);
    }
}

/// True for the rules copied as one token.
fn is_verbatim(kind: Rule) -> bool {
    VERBATIM_RULES.contains(&kind)
}

/// The byte range of a pair.
fn range(pair: &Pair<'_, Rule>) -> Range<usize> {
    let span = pair.as_span();
    span.start()..span.end()
}

/// True for the opening brackets of blocks and groups.
fn is_open(kind: Rule) -> bool {
    matches!(kind, Rule::lbrace | Rule::lbracket | Rule::lparen)
}

/// True for the L7 rules (and the TLS clauses that let the proxy read
/// them) that follow a rule on lines of their own, and the L7 requests that
/// follow a flow.
fn is_l7(kind: Rule) -> bool {
    matches!(
        kind,
        Rule::tls
            | Rule::http
            | Rule::grpc
            | Rule::kafka
            | Rule::dns
            | Rule::generic
            | Rule::flow_http
            | Rule::flow_dns
    )
}

/// The walk over the pairs, writing through the printer.
struct Layout<'a> {
    /// The printer.
    p: Printer<'a>,
    /// The last statement was a `silence`, so no blank line may follow it.
    glued: bool,
}

impl<'a> Layout<'a> {
    /// An item or statement at block depth `depth`, on a line of its own.
    fn statement(&mut self, pair: Pair<'a, Rule>, depth: usize) {
        if pair.as_rule() == Rule::EOI {
            return;
        }
        let mut line = Line::statement(depth);
        // A `silence` line stays with the statement it silences.
        line.blank = !std::mem::replace(&mut self.glued, pair.as_rule() == Rule::silence);
        let first = Sep::Line(line);
        self.p.cont = depth + 1;
        let children: Vec<Pair<'a, Rule>> = pair.clone().into_inner().collect();
        let has = |kind: Rule| children.iter().any(|child| child.as_rule() == kind);
        if has(Rule::lbrace) && (pair.as_rule() == Rule::inventory || has(Rule::comma)) {
            self.group(children, Some(first), true);
        } else if has(Rule::lbrace) {
            self.block(children, depth, first);
        } else if children.iter().any(|child| is_l7(child.as_rule())) {
            self.rule_with_l7(children, depth, first);
        } else if pair.as_rule() == Rule::expect {
            self.expect(children, depth, first);
        } else {
            self.inline(pair, Some(first));
        }
    }

    /// A block: its head on one line, `{`, its statements one level deeper,
    /// then `}` on a line of its own (or `{}` when there is nothing inside).
    fn block(&mut self, children: Vec<Pair<'a, Rule>>, depth: usize, first: Sep) {
        let mut first = Some(first);
        let mut open_end = None;
        let mut body = false;
        for child in children {
            match child.as_rule() {
                Rule::lbrace if open_end.is_none() => {
                    open_end = Some(child.as_span().end());
                    match first.take() {
                        Some(sep) => self.p.open(range(&child), sep),
                        None => {
                            self.p.punct(range(&child), Sep::Space);
                            self.p.opened();
                        }
                    }
                }
                Rule::rbrace => {
                    let span = range(&child);
                    let empty = !body
                        && !self
                            .p
                            .has_comment_in(open_end.unwrap_or(span.start)..span.start);
                    let sep = if empty {
                        Sep::Tight
                    } else {
                        Sep::Line(Line::close(depth))
                    };
                    self.p.token(span, sep);
                }
                _ if open_end.is_some() => {
                    body = true;
                    self.statement(child, depth + 1);
                    self.p.cont = depth + 1;
                }
                _ => self.inline(child, first.take()),
            }
        }
    }

    /// A rule followed by L7 rules: the rule on one line, then each L7 rule
    /// on a line of its own, one level deeper.
    fn rule_with_l7(&mut self, children: Vec<Pair<'a, Rule>>, depth: usize, first: Sep) {
        let mut first = Some(first);
        for child in children {
            if is_l7(child.as_rule()) {
                self.p.cont = depth + 2;
                self.inline(child, Some(Sep::Line(Line::continuation(depth + 1))));
            } else {
                self.inline(child, first.take());
            }
        }
    }

    /// An `expect`: the flow on one line, its L7 request on a line of its
    /// own, one level deeper.
    fn expect(&mut self, children: Vec<Pair<'a, Rule>>, depth: usize, first: Sep) {
        let mut first = Some(first);
        for child in children {
            if child.as_rule() == Rule::flow {
                let parts: Vec<Pair<'a, Rule>> = child.into_inner().collect();
                self.rule_with_l7(parts, depth, first.take().unwrap_or(Sep::Space));
            } else {
                self.inline(child, first.take());
            }
        }
    }

    /// The tokens of `pair` on the current line; `first` is what goes before
    /// the first token, when the caller decides it.
    fn inline(&mut self, pair: Pair<'a, Rule>, first: Option<Sep>) {
        let parent = pair.as_rule();
        let children: Vec<Pair<'a, Rule>> = if is_verbatim(parent) {
            Vec::new()
        } else {
            pair.clone().into_inner().collect()
        };
        if children.is_empty() {
            self.leaf(pair, Rule::EOI, first);
            return;
        }
        if children.iter().any(|child| is_open(child.as_rule())) {
            self.group(children, first, false);
            return;
        }
        let mut first = first;
        let mut prev: Option<Rule> = None;
        for child in children {
            let kind = child.as_rule();
            if prev == Some(Rule::silence) {
                first = Some(Sep::Line(Line::continuation(self.p.line_indent())));
            }
            let sep = first.take().or_else(|| {
                prev.filter(|prev| hugs_after(*prev, parent))
                    .map(|_| Sep::Tight)
            });
            if !is_verbatim(kind) && child.clone().into_inner().next().is_some() {
                self.inline(child, sep);
            } else {
                self.leaf(child, parent, sep);
            }
            prev = Some(kind);
        }
    }

    /// One token; `parent` is the rule it appears in.
    fn leaf(&mut self, pair: Pair<'a, Rule>, parent: Rule, sep: Option<Sep>) {
        let kind = pair.as_rule();
        let span = range(&pair);
        match sep {
            Some(sep) => self.p.token(span, sep),
            None if matches!(kind, Rule::comma | Rule::colon) => self.p.punct(span, Sep::Tight),
            None if hugs_before(kind, parent) => self.p.token(span, Sep::Tight),
            None => self.p.token(span, Sep::Space),
        }
    }

    /// A bracketed group (`[...]`, `{...}`, `(...)`) and the tokens before
    /// it in the same pair (`key in (a, b)`): on one line, or one element
    /// per line when a comment is inside or `always_broken` (the namespace
    /// inventory) and there is an element.
    fn group(&mut self, children: Vec<Pair<'a, Rule>>, first: Option<Sep>, always_broken: bool) {
        let mut first = first;
        let mut rest = children.into_iter().peekable();
        let mut prefix = false;
        while let Some(child) = rest.next_if(|child| !is_open(child.as_rule())) {
            let sep = first.take().unwrap_or(Sep::Space);
            self.inline(child, Some(sep));
            prefix = true;
        }
        let Some(open) = rest.next() else {
            return;
        };
        let open_rule = open.as_rule();
        let open_span = range(&open);
        let items: Vec<Pair<'a, Rule>> = rest.collect();
        let Some((close, items)) = items.split_last() else {
            self.p.open(open_span, first.unwrap_or(Sep::Space));
            return;
        };
        let close_span = range(close);
        let hug = open_rule == Rule::lparen && !prefix;
        let open_sep = first.unwrap_or(if hug { Sep::Tight } else { Sep::Space });
        let broken = (always_broken && items.iter().any(|item| item.as_rule() != Rule::comma))
            || self.p.has_comment_in(open_span.end..close_span.start);
        let base = self.p.line_indent();
        self.p.open(open_span, open_sep);
        let braces = open_rule == Rule::lbrace;
        let elements = items
            .iter()
            .filter(|item| item.as_rule() != Rule::comma)
            .count();
        let saved_cont = self.p.cont;
        if broken {
            self.p.cont = base + 2;
        }
        let mut seen = 0;
        let mut after_element = false;
        for item in items {
            if item.as_rule() == Rule::comma {
                if broken || seen < elements {
                    self.p.punct(range(item), Sep::Tight);
                } else {
                    self.p.skip(range(item));
                }
                after_element = false;
                continue;
            }
            if broken && after_element {
                self.p.synthetic(",");
            }
            let sep = if broken {
                Sep::Line(Line::statement(base + 1))
            } else if seen == 0 && !braces {
                Sep::Tight
            } else {
                Sep::Space
            };
            self.inline(item.clone(), Some(sep));
            seen += 1;
            after_element = true;
        }
        if broken && after_element {
            self.p.synthetic(",");
        }
        self.p.cont = saved_cont;
        let close_sep = if broken {
            Sep::Line(Line::close(base))
        } else if braces && elements > 0 {
            Sep::Space
        } else {
            Sep::Tight
        };
        self.p.token(close_span, close_sep);
    }
}

/// True when a token of rule `kind` inside `parent` hugs the token before it.
fn hugs_before(kind: Rule, parent: Rule) -> bool {
    matches!(
        kind,
        Rule::comma | Rule::colon | Rule::rparen | Rule::rbracket
    ) || (matches!(kind, Rule::eq | Rule::ne) && hugs_operator(parent))
}

/// True when the token after a token of rule `kind` inside `parent` hugs it.
fn hugs_after(kind: Rule, parent: Rule) -> bool {
    matches!(kind, Rule::lparen | Rule::lbracket | Rule::bang)
        || (matches!(kind, Rule::eq | Rule::ne) && hugs_operator(parent))
}

/// The rules whose `=` or `!=` has no spaces around it: `key=value`.
fn hugs_operator(parent: Rule) -> bool {
    matches!(
        parent,
        Rule::sel_eq | Rule::sel_ne | Rule::label | Rule::metadata
    )
}
