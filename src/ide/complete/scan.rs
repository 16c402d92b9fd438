//! The text before the cursor, read without the parser (the file may not
//! parse while it is typed): words and punctuation, strings and comments
//! skipped, and the brackets still open at the cursor, each with the tokens
//! written before it at its own depth.

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok<'a> {
    /// A word: keyword, name, number, `$NAME`, label key or value.
    Word(&'a str),
    /// One punctuation character: `,` `:` `=` `!` `/`.
    Punct(char),
    /// A string literal, with the byte range of what is between the quotes.
    Str(usize, usize),
    /// A closed bracket pair, by its opening character, with the byte range
    /// of what is inside.
    Group(char, usize, usize),
}

impl Tok<'_> {
    /// True when this is the word `word`.
    pub fn is(self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w == word)
    }
}

/// A bracket still open at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// `{`, `(` or `[`; `\0` for the file itself.
    pub open: char,
    /// The tokens after the bracket, up to the cursor.
    pub toks: Vec<Tok<'a>>,
}

/// The text before the cursor, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan<'a> {
    /// The open brackets, outermost (the file) first; never empty.
    pub frames: Vec<Frame<'a>>,
    /// The word being typed, right before the cursor (maybe empty).
    pub partial: &'a str,
    /// True when the cursor is in a string or a comment.
    pub in_literal: bool,
    /// True when the line holds nothing but blanks before `partial`.
    pub blank_line: bool,
    /// True when `partial` follows a `/` right after a port-like word.
    pub after_port_slash: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$')
}

/// Reads `text` (up to the cursor).
pub fn scan<'a>(text: &'a str) -> Scan<'a> {
    let mut frames = vec![Frame {
        open: '\0',
        toks: Vec::new(),
    }];
    // The byte offset each open bracket's content starts at.
    let mut starts: Vec<usize> = vec![0];
    let mut in_literal = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        in_literal = false;
        let push = |frames: &mut Vec<Frame<'a>>, tok: Tok<'a>| {
            if let Some(frame) = frames.last_mut() {
                frame.toks.push(tok);
            }
        };
        match c {
            '#' => {
                in_literal = true;
                while let Some((_, c)) = chars.peek() {
                    if *c == '\n' {
                        in_literal = false;
                        break;
                    }
                    chars.next();
                }
            }
            '"' => {
                in_literal = true;
                let mut end = text.len();
                while let Some((next, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => {
                            in_literal = false;
                            end = next;
                            break;
                        }
                        _ => {}
                    }
                }
                push(&mut frames, Tok::Str(at + 1, end));
            }
            '{' | '(' | '[' => {
                frames.push(Frame {
                    open: c,
                    toks: Vec::new(),
                });
                starts.push(at + 1);
            }
            // A stray closing bracket at the top level is ignored.
            '}' | ')' | ']' if frames.len() > 1 => {
                let frame = frames.pop();
                let start = starts.pop().unwrap_or(0);
                if let Some(frame) = frame {
                    push(&mut frames, Tok::Group(frame.open, start, at));
                }
            }
            ',' | ':' | '=' | '!' | '/' => push(&mut frames, Tok::Punct(c)),
            c if is_word_char(c) => {
                let mut end = at + c.len_utf8();
                while let Some((next, c)) = chars.peek() {
                    if !is_word_char(*c) {
                        break;
                    }
                    end = next + c.len_utf8();
                    chars.next();
                }
                push(&mut frames, Tok::Word(text.get(at..end).unwrap_or("")));
            }
            _ => {}
        }
    }
    let partial_start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(text.len(), |(at, _)| at);
    let partial = text.get(partial_start..).unwrap_or("");
    if !partial.is_empty() && !in_literal {
        // The word being typed is not a token of its statement.
        if let Some(frame) = frames.last_mut()
            && matches!(frame.toks.last(), Some(Tok::Word(word)) if *word == partial)
        {
            frame.toks.pop();
        }
    }
    let before = text.get(..partial_start).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    let blank_line = line.trim().is_empty();
    let after_port_slash = before.strip_suffix('/').is_some_and(|rest| {
        let port = rest
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .next()
            .unwrap_or("");
        let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        let named = port.starts_with(|c: char| c.is_ascii_alphabetic());
        let before_port = rest.get(..rest.len() - port.len()).unwrap_or("");
        (digits || named) && !before_port.ends_with(['.', '/', ':', '$'])
    });
    Scan {
        frames,
        partial,
        in_literal,
        blank_line,
        after_port_slash,
    }
}

/// The tokens of the whole of `text` at its top level (outside brackets).
pub fn top_level(text: &str) -> Vec<Tok<'_>> {
    scan(text)
        .frames
        .into_iter()
        .next()
        .map(|frame| frame.toks)
        .unwrap_or_default()
}

/// The parameters written in a category head, from the text right after
/// its name: name and the rest (`cidrs = [10.0.0.0/8]`), trimmed.
pub fn params_in_head(after_name: &str) -> Vec<(String, String)> {
    let rest = after_name.trim_start();
    let Some(inside) = rest.strip_prefix('(') else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in inside.chars() {
        if in_string {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' if depth == 0 => break,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .filter_map(|part| {
            let (name, rest) = part.split_once(':')?;
            let name = name.trim();
            let ident = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            ident.then(|| {
                let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
                (name.to_owned(), rest)
            })
        })
        .collect()
}
