//! The printer: writes tokens with the separators the layout asks for, and
//! puts every comment of the source back.
//!
//! The layout (`fmt/mod.rs`) walks the pest pairs and says, for each token,
//! what goes before it: nothing, one space, or a line break at some indent.
//! Comments are not pairs, so the printer finds them in the source gaps
//! between tokens and writes them out as it reaches them:
//!
//! - A comment on the same source line as the token before it stays at the
//!   end of that line; whatever follows then starts a new line.
//! - Any other comment gets a line of its own, indented like the line that
//!   follows it (one level deeper before a closing brace or bracket).
//! - A blank line before a comment or a statement survives, collapsed to
//!   one, wherever the layout allows it; never right after an opening brace
//!   or bracket, nor before a closing one, nor inside a statement.
//!
//! **Invariant:** every comment of the source is written exactly once, in
//! source order, and no line ends with white space.

use std::ops::Range;

/// What goes before a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sep {
    /// Nothing: the token hugs the one before (`,`, `key=value`).
    Tight,
    /// One space.
    Space,
    /// A line break.
    Line(Line),
}

/// A line break before a token, and how comments before it are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Line {
    /// The token's indent, in levels.
    pub indent: usize,
    /// Whether a blank line of the source before the token is kept.
    pub blank: bool,
    /// The indent of comments on their own line before the token.
    pub comment_indent: usize,
}

impl Line {
    /// A statement or item at `indent`: comments line up with it, and a
    /// blank line before it is kept.
    pub fn statement(indent: usize) -> Line {
        Line {
            indent,
            blank: true,
            comment_indent: indent,
        }
    }

    /// A closing brace or bracket at `indent`: comments before it belong to
    /// the body, one level deeper, and no blank line precedes it.
    pub fn close(indent: usize) -> Line {
        Line {
            indent,
            blank: false,
            comment_indent: indent + 1,
        }
    }

    /// A continuation line inside a statement (an L7 rule): no blank line.
    pub fn continuation(indent: usize) -> Line {
        Line {
            indent,
            blank: false,
            comment_indent: indent,
        }
    }
}

/// Two spaces per indent level.
const INDENT: &str = "  ";

/// Writes the formatted text.
pub(super) struct Printer<'a> {
    /// The source.
    text: &'a str,
    /// Every comment of the source, in order, as byte ranges without
    /// trailing white space.
    comments: Vec<Range<usize>>,
    /// The first comment not written yet.
    next: usize,
    /// The end of the last token or comment written, in the source.
    prev_end: usize,
    /// The end of the last punctuation written ahead of a comment before it.
    punct_end: usize,
    /// The output.
    out: String,
    /// The indent of the current output line, in levels.
    line_indent: usize,
    /// Nothing but indentation is on the current output line yet.
    at_line_start: bool,
    /// The last line written ended in an opening brace or bracket (and maybe
    /// a comment after it), so no blank line may follow.
    after_open: bool,
    /// A comment ended the current line, so the next token starts a new one.
    broken: bool,
    /// The indent of a line that a comment breaks inside a statement.
    pub cont: usize,
}

impl<'a> Printer<'a> {
    /// A printer for `text`, whose tokens cover `tokens` (byte ranges in
    /// source order); everything else is white space and comments.
    pub fn new(text: &'a str, tokens: &[Range<usize>]) -> Printer<'a> {
        let mut comments = Vec::new();
        let mut pos = 0;
        for token in tokens
            .iter()
            .chain(std::iter::once(&(text.len()..text.len())))
        {
            if token.start > pos {
                find_comments(text, pos..token.start, &mut comments);
            }
            pos = pos.max(token.end);
        }
        Printer {
            text,
            comments,
            next: 0,
            prev_end: 0,
            punct_end: 0,
            out: String::with_capacity(text.len() + text.len() / 8),
            line_indent: 0,
            at_line_start: true,
            after_open: true,
            broken: false,
            cont: 1,
        }
    }

    /// The indent of the current output line.
    pub fn line_indent(&self) -> usize {
        self.line_indent
    }

    /// True when a comment starts inside `range` of the source.
    pub fn has_comment_in(&self, range: Range<usize>) -> bool {
        let first = self
            .comments
            .partition_point(|comment| comment.start < range.start);
        self.comments
            .get(first)
            .is_some_and(|comment| comment.start < range.end)
    }

    /// Writes the source token at `span`, after the comments before it.
    pub fn token(&mut self, span: Range<usize>, sep: Sep) {
        self.comments_before(span.start, sep);
        self.separate(span.start, sep);
        self.write(self.text.get(span.clone()).unwrap_or_default());
        self.prev_end = span.end;
        self.after_open = false;
    }

    /// Writes an opening brace or bracket: no blank line may follow it.
    pub fn open(&mut self, span: Range<usize>, sep: Sep) {
        self.token(span, sep);
        self.after_open = true;
    }

    /// Writes punctuation (`,`, `:`, a block's `{`) right after the token
    /// before it, ahead of any comment in between: `a # note` + `,` becomes
    /// `a, # note`. Such punctuation means nothing on its own, so moving a
    /// comment over it keeps the comment with the token it followed. `sep`
    /// is [`Sep::Tight`] or [`Sep::Space`].
    pub fn punct(&mut self, span: Range<usize>, sep: Sep) {
        let pending = self
            .comments
            .get(self.next)
            .is_some_and(|comment| comment.start < span.start);
        if !pending {
            self.comments_before(span.start, sep);
        }
        self.separate(span.start, sep);
        self.write(self.text.get(span.clone()).unwrap_or_default());
        if pending {
            self.punct_end = span.end;
        } else {
            self.prev_end = span.end;
        }
        self.after_open = false;
    }

    /// Marks the token just written as an opening brace or bracket, after
    /// which no blank line may follow.
    pub fn opened(&mut self) {
        self.after_open = true;
    }

    /// Writes punctuation that is not in the source (a trailing comma).
    pub fn synthetic(&mut self, text: &str) {
        self.separate(self.prev_end, Sep::Tight);
        self.write(text);
        self.after_open = false;
    }

    /// Drops a source token the layout leaves out (a trailing comma of a
    /// one-line list), keeping the comments before it.
    pub fn skip(&mut self, span: Range<usize>) {
        let pending = self
            .comments
            .get(self.next)
            .is_some_and(|comment| comment.start < span.end);
        if !pending {
            self.prev_end = self.prev_end.max(span.end);
        }
    }

    /// Writes the comments left at the end of the file and returns the text,
    /// which ends in exactly one newline unless it is empty.
    pub fn finish(mut self) -> String {
        self.comments_before(usize::MAX, Sep::Line(Line::statement(0)));
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }

    /// Writes every comment that starts before `pos`, laid out for a token
    /// that will follow with `sep`.
    fn comments_before(&mut self, pos: usize, sep: Sep) {
        while let Some(comment) = self.comments.get(self.next).cloned() {
            if comment.start >= pos {
                break;
            }
            self.next += 1;
            let gap = self
                .text
                .get(self.prev_end..comment.start)
                .unwrap_or_default();
            let newlines = gap.bytes().filter(|byte| *byte == b'\n').count();
            if newlines == 0 && !self.at_line_start {
                self.out.push(' ');
            } else {
                let (indent, blank) = match sep {
                    Sep::Line(line) => (line.comment_indent, true),
                    Sep::Tight | Sep::Space => (self.cont, false),
                };
                let keep_blank = blank && newlines >= 2 && !self.after_open;
                self.newline(indent, keep_blank);
                self.after_open = false;
            }
            self.write(self.text.get(comment.clone()).unwrap_or_default());
            self.prev_end = comment.end;
            self.broken = true;
        }
    }

    /// Writes what goes before a token that starts at `start` in the source.
    fn separate(&mut self, start: usize, sep: Sep) {
        match sep {
            Sep::Line(line) => {
                let from = self.prev_end.max(self.punct_end);
                let gap = self.text.get(from..start).unwrap_or_default();
                let blank = line.blank
                    && !self.after_open
                    && gap.bytes().filter(|byte| *byte == b'\n').count() >= 2;
                self.newline(line.indent, blank);
            }
            Sep::Tight | Sep::Space if self.broken => self.newline(self.cont, false),
            Sep::Space => self.out.push(' '),
            Sep::Tight => {}
        }
        self.broken = false;
    }

    /// Ends the current line (unless nothing was written yet), with a blank
    /// line after it when `blank`, and indents the next one.
    fn newline(&mut self, indent: usize, blank: bool) {
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank {
                self.out.push('\n');
            }
        }
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
        self.line_indent = indent;
        self.at_line_start = true;
    }

    /// Writes text on the current line.
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        self.at_line_start = false;
    }
}

/// Appends the comments in `gap`, which holds only white space and comments.
fn find_comments(text: &str, gap: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(slice) = text.get(gap.clone()) else {
        return;
    };
    let mut offset = 0;
    while let Some(hash) = slice.get(offset..).and_then(|rest| rest.find('#')) {
        let start = offset + hash;
        let line_end = slice
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(slice.len(), |len| start + len);
        let body = slice.get(start..line_end).unwrap_or_default().trim_end();
        out.push(gap.start + start..gap.start + start + body.len());
        offset = line_end;
    }
}
