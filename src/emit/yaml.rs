//! yaml: the block YAML writer emit prints with. The only YAML code on the
//! output path; it needs no YAML crate.
//!
//! [`Node`] is one value about to be printed, in a [`Slot`] that decides
//! what comes before it; [`Node::mapping`] and [`Node::sequence`] open a
//! collection whose entries are nodes again, so the printer of each emit
//! type (src/emit/cilium/write.rs) writes its fields straight into the one
//! `String` of its text, with no tree and no serde in between. The layout is
//! serde_yaml's default block layout, kept byte for byte from the serde
//! Serializer this replaced: 2-space indentation, sequences not indented
//! under their key, the first entry of a collection in a sequence on the
//! `- ` line, `{}` and `[]` for empty collections, no line wrapping. A test
//! compares it with serde_yaml's layout over nested values.
//!
//! [`push_scalar`] prints one string, quoted as serde_yaml quotes it plus the
//! YAML 1.1 quoting below. A one-line string of printable ASCII, which is
//! nearly every string emit prints, is classified by libyaml's own rules for
//! plain scalars in block context ([`ascii_style`]); any other string,
//! multi-line or not ASCII, by a port of libyaml's scalar analysis and style
//! choice as serde_yaml configures it (unicode on, no width limit, a string
//! with a line feed asked for as a literal block scalar; see
//! [`push_libyaml_scalar`]). Tests compare both with serde_yaml's output for
//! every string of up to three characters over an alphabet of YAML's special
//! characters (four over a smaller one) and for a list of hard cases.
//!
//! **Invariant:** every string reads back as the same string with a YAML 1.2
//! parser, with the YAML 1.1 parser that Kubernetes uses (`sigs.k8s.io/yaml`,
//! a fork of go-yaml v2) and with other YAML 1.1 readers (PyYAML). serde_yaml
//! 0.9 follows YAML 1.2 only and prints `yes`, `on`, `y`, `1_000`,
//! `2001-12-14`, `1:20` or `=` bare, which YAML 1.1 reads as a boolean, a
//! number, a timestamp or the value key; every such string (the implicit
//! types of <https://yaml.org/type/>) is single-quoted here. A string with
//! U+2028 or U+2029, where libyaml would break the line, is double-quoted
//! with escapes. `tests/it/yaml_scalars.rs` checks the output against the
//! type repository's regexps.
//!
//! Map keys are always printed on one line, as `key:`. Every value is a
//! string, a number, a boolean, a mapping or a sequence, so every value the
//! writer is given can be printed: there is no error path.

use std::fmt::Write as _;
use std::iter::Peekable;

/// Where a value goes, which decides what comes before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// On lines of its own: a top-level value.
    Top,
    /// After `key:` on the key's line.
    Value,
    /// After `- ` on the item's line.
    Item,
}

/// One value about to be printed. `indent` is the indentation of the line
/// the value starts on (for a top-level value, of the value itself).
pub struct Node<'o> {
    /// The text so far.
    out: &'o mut String,
    /// Where the value goes.
    slot: Slot,
    /// The indentation of the value's first line.
    indent: usize,
}

impl<'o> Node<'o> {
    /// A top-level value whose lines are indented by `indent` spaces and end
    /// in a newline.
    pub fn top(out: &'o mut String, indent: usize) -> Node<'o> {
        Node {
            out,
            slot: Slot::Top,
            indent,
        }
    }

    /// Prints a value that fits on one line: a scalar, `{}` or `[]`.
    fn inline(self, write: impl FnOnce(&mut String, usize)) {
        match self.slot {
            Slot::Top => push_indent(self.out, self.indent),
            Slot::Value => self.out.push(' '),
            Slot::Item => {}
        }
        write(self.out, self.indent);
        self.out.push('\n');
    }

    /// Prints a string, quoted where YAML needs it.
    pub fn str(self, text: &str) {
        self.inline(|out, indent| push_scalar(out, text, indent));
    }

    /// Prints a number.
    pub fn number(self, number: impl Into<u64>) {
        let number: u64 = number.into();
        self.inline(|out, _| {
            // Writing to a `String` cannot fail.
            let _ = write!(out, "{number}");
        });
    }

    /// Prints `true` or `false`.
    pub fn bool(self, value: bool) {
        self.inline(|out, _| out.push_str(if value { "true" } else { "false" }));
    }

    /// Opens a mapping; it prints as `{}` if no entry is added before it is
    /// dropped.
    pub fn mapping(self) -> Mapping<'o> {
        Mapping(self.collection(Collection::Mapping))
    }

    /// Opens a sequence; it prints as `[]` if no item is added before it is
    /// dropped.
    pub fn sequence(self) -> Sequence<'o> {
        Sequence(self.collection(Collection::Sequence))
    }

    /// Starts a mapping or a sequence.
    fn collection(self, kind: Collection) -> Block<'o> {
        let child_indent = match (self.slot, kind) {
            (Slot::Top, _) | (Slot::Value, Collection::Sequence) => self.indent,
            (Slot::Value, Collection::Mapping) | (Slot::Item, _) => self.indent + 2,
        };
        Block {
            out: self.out,
            slot: self.slot,
            indent: self.indent,
            child_indent,
            kind,
            started: false,
        }
    }
}

/// A mapping being printed ([`Node::mapping`]).
pub struct Mapping<'o>(Block<'o>);

impl Mapping<'_> {
    /// Prints `key:` for a key of the CRD's vocabulary (a field name, never
    /// quoted) and gives the node for its value.
    pub fn field(&mut self, name: &'static str) -> Node<'_> {
        debug_assert!(ascii_style(name) == Some(Style::Plain), "field {name:?}");
        self.0.start_entry();
        self.0.out.push_str(name);
        self.0.out.push(':');
        self.0.value()
    }

    /// Prints `key:` for any string key, quoted where needed and always on
    /// one line, and gives the node for its value.
    pub fn key(&mut self, key: &str) -> Node<'_> {
        self.0.start_entry();
        push_key(self.0.out, key);
        self.0.out.push(':');
        self.0.value()
    }

    /// Prints a field holding a string.
    pub fn str(&mut self, name: &'static str, text: &str) {
        self.field(name).str(text);
    }

    /// Prints a field holding a string, when there is one.
    pub fn opt_str(&mut self, name: &'static str, text: Option<&str>) {
        if let Some(text) = text {
            self.field(name).str(text);
        }
    }
}

/// A sequence being printed ([`Node::sequence`]).
pub struct Sequence<'o>(Block<'o>);

impl Sequence<'_> {
    /// Prints `- ` and gives the node for the item.
    pub fn item(&mut self) -> Node<'_> {
        self.0.start_entry();
        self.0.out.push_str("- ");
        Node {
            out: self.0.out,
            slot: Slot::Item,
            indent: self.0.child_indent,
        }
    }
}

/// A mapping or a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Collection {
    /// `key: value` lines.
    Mapping,
    /// `- item` lines.
    Sequence,
}

/// A mapping or sequence being printed. The first entry decides the layout:
/// with none, the collection prints as `{}` or `[]` in its slot when it is
/// dropped.
struct Block<'o> {
    /// The text so far.
    out: &'o mut String,
    /// Where the collection goes.
    slot: Slot,
    /// The collection's [`Node::indent`].
    indent: usize,
    /// The indentation of each entry's line.
    child_indent: usize,
    /// Mapping or sequence.
    kind: Collection,
    /// Whether an entry has been printed.
    started: bool,
}

impl Block<'_> {
    /// Begins an entry's line. serde_yaml puts the first entry of a
    /// collection in a sequence on the `- ` line, and a collection under a
    /// key on the next line.
    fn start_entry(&mut self) {
        if self.started || self.slot != Slot::Item {
            if !self.started && self.slot == Slot::Value {
                self.out.push('\n');
            }
            push_indent(self.out, self.child_indent);
        }
        self.started = true;
    }

    /// The node for the value of the key just printed.
    fn value(&mut self) -> Node<'_> {
        Node {
            out: self.out,
            slot: Slot::Value,
            indent: self.child_indent,
        }
    }
}

impl Drop for Block<'_> {
    /// Ends the collection: `{}` or `[]` when it had no entry.
    fn drop(&mut self) {
        if self.started {
            return;
        }
        let empty = match self.kind {
            Collection::Mapping => "{}",
            Collection::Sequence => "[]",
        };
        Node {
            out: self.out,
            slot: self.slot,
            indent: self.indent,
        }
        .inline(|out, _| out.push_str(empty));
    }
}

/// Appends `text` as one YAML scalar. A multi-line string becomes a block
/// scalar whose lines are indented by `indent + 2`, so `indent` is the
/// indentation of the line that holds the key or `-` before it.
pub fn push_scalar(out: &mut String, text: &str, indent: usize) {
    match ascii_style(text) {
        Some(Style::Plain) => out.push_str(text),
        Some(Style::SingleQuoted) => push_single_quoted(out, text),
        None if is_yaml_1_1_non_string(text) => push_single_quoted(out, text),
        // libyaml breaks the line at U+2028 and U+2029 in single-quoted and
        // block scalars, as YAML 1.1 reads them; a YAML 1.2 reader, for which
        // they are ordinary characters, would read the indentation after the
        // break as part of the string. Escaped, both read the same string.
        None if text.contains(['\u{2028}', '\u{2029}']) => push_double_quoted(out, text),
        None => push_libyaml_scalar(out, text, indent),
    }
}

/// How a one-line printable ASCII string is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// Bare.
    Plain,
    /// Between single quotes, each `'` doubled.
    SingleQuoted,
}

/// [`BYTE_CLASSES`]: a byte outside printable ASCII.
const NOT_PRINTABLE: u8 = 1;

/// [`BYTE_CLASSES`]: a space, `#` or `:`, which may rule out a plain scalar
/// depending on its neighbours.
const CONTEXTUAL: u8 = 2;

/// The class bits of each byte.
const BYTE_CLASSES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut rest: &mut [u8] = &mut classes;
    let mut byte: u8 = 0;
    while let [class, tail @ ..] = rest {
        *class = match byte {
            b' ' | b'#' | b':' => CONTEXTUAL,
            b'!'..=b'~' => 0,
            _ => NOT_PRINTABLE,
        };
        rest = tail;
        byte = byte.wrapping_add(1);
    }
    classes
};

/// The style serde_yaml, plus the YAML 1.1 quoting (module docs), gives a
/// string made only of printable ASCII (`' '..='~'`, no tab or line break);
/// `None` for any other string.
///
/// serde_yaml single-quotes what YAML 1.2 reads as a null, a boolean or a
/// number, all of which [`is_yaml_1_1_non_string`] covers, and hands the rest
/// to libyaml, which prints a printable ASCII line plain when it may be plain
/// in block context (`block_plain_allowed` in its `analyze_scalar`) and
/// single-quoted otherwise. Plain is ruled out by: an empty string, a leading
/// or trailing space, a `---` or `...` start, an indicator first (`-`, `?`
/// and `:` only before a space or the end), a `:` before a space or the end,
/// and a ` #`.
fn ascii_style(text: &str) -> Option<Style> {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        // The empty string, a YAML 1.1 null.
        return Some(Style::SingleQuoted);
    };
    // One pass, by table, to check the bytes and to find any that needs a
    // closer look.
    let classes = bytes.iter().fold(0, |classes, byte| {
        classes
            | BYTE_CLASSES
                .get(usize::from(*byte))
                .copied()
                .unwrap_or(NOT_PRINTABLE)
    });
    if classes & NOT_PRINTABLE != 0 {
        return None;
    }
    let contextual = classes & CONTEXTUAL != 0;
    let quoted = Some(Style::SingleQuoted);
    // Only a word, or a number that starts with a digit, a sign, `.` or `_`,
    // can be a YAML 1.1 non-string; a letter first skips the number check.
    if first.is_ascii_alphabetic() {
        if is_yaml_1_1_word(text) {
            return quoted;
        }
    } else {
        let blank_second = bytes.get(1).is_none_or(|byte| *byte == b' ');
        let indicator_first = match first {
            b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' => true,
            b'?' | b':' | b'-' => blank_second,
            _ => false,
        };
        if indicator_first
            || bytes.starts_with(b"---")
            || bytes.starts_with(b"...")
            || (matches!(
                first,
                b'0'..=b'9' | b'+' | b'-' | b'.' | b'_' | b'~' | b'<' | b'='
            ) && is_yaml_1_1_non_string(text))
        {
            return quoted;
        }
    }
    if contextual {
        let blank_at = |position: usize| bytes.get(position).is_none_or(|byte| *byte == b' ');
        // `windows(2)` pairs each byte after the first with the one before it.
        let breaks_plain = bytes
            .windows(2)
            .enumerate()
            .any(|(position, pair)| match pair {
                [_, b':'] => blank_at(position + 2),
                [b' ', b'#'] => true,
                _ => false,
            });
        if last == b' ' || breaks_plain {
            return quoted;
        }
    }
    Some(Style::Plain)
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a non-empty
/// string, reduced to the three styles a block-context value can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Analysis {
    /// Bare (`block_plain_allowed`).
    plain: bool,
    /// Between single quotes (`single_quoted_allowed`).
    single_quoted: bool,
    /// As a literal block scalar (`block_allowed`).
    block: bool,
}

/// libyaml's `IS_PRINTABLE` (a character it may write unescaped): line feed,
/// printable ASCII, and from U+00A0 on everything but the byte order mark,
/// U+FFFE and U+FFFF (surrogates cannot occur in a `str`).
fn is_libyaml_printable(character: char) -> bool {
    matches!(character, '\n' | ' '..='~')
        || (character >= '\u{a0}' && !matches!(character, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
}

/// libyaml's `IS_BREAK`: a line break in YAML 1.1.
fn is_libyaml_break(character: char) -> bool {
    matches!(character, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_BLANKZ` of the character at a position (`None`: the end).
fn is_libyaml_blank_or_end(character: Option<char>) -> bool {
    character.is_none_or(|character| {
        matches!(character, ' ' | '\t' | '\0') || is_libyaml_break(character)
    })
}

/// A port of libyaml's `yaml_emitter_analyze_scalar` for a non-empty string
/// in block context, with unicode output on (as serde_yaml sets it).
fn analyze(text: &str) -> Analysis {
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut characters = text.chars().peekable();
    let mut first = true;
    while let Some(character) = characters.next() {
        let next = characters.peek().copied();
        let followed_by_whitespace = is_libyaml_blank_or_end(next);
        let last = next.is_none();
        if first {
            match character {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match character {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_libyaml_printable(character) {
            special_characters = true;
        }
        if character == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_libyaml_break(character) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_libyaml_blank_or_end(Some(character));
        first = false;
    }
    let edges = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        plain: !(edges
            || break_space
            || space_break
            || special_characters
            || line_breaks
            || block_indicators),
        single_quoted: !(break_space || space_break || special_characters),
        block: !(trailing_space || space_break || special_characters),
    }
}

/// Appends a string that is not one line of printable ASCII, nor a YAML 1.1
/// non-string, nor one with U+2028 or U+2029, as serde_yaml prints it:
/// serde_yaml asks libyaml for a literal block scalar when the string has a
/// line feed and for any style otherwise (its YAML 1.2 number, boolean and
/// null checks only match ASCII one-liners, decided before this), and
/// libyaml's `yaml_emitter_select_scalar_style` falls back from a literal
/// scalar to double quotes, and from plain to single to double quotes, as
/// [`analyze`] allows.
fn push_libyaml_scalar(out: &mut String, text: &str, indent: usize) {
    if text.is_empty() {
        // Not reached (the empty string is a YAML 1.1 null), but libyaml
        // would print it so.
        out.push_str("''");
        return;
    }
    let analysis = analyze(text);
    if text.contains('\n') {
        if analysis.block {
            push_literal(out, text, indent);
        } else {
            push_libyaml_double_quoted(out, text);
        }
    } else if analysis.plain {
        out.push_str(text);
    } else if analysis.single_quoted {
        // libyaml breaks the line at a line break inside single quotes; the
        // only breaks that reach here (`\r`, U+0085) are not printable and
        // so rule single quotes out.
        push_single_quoted(out, text);
    } else {
        push_libyaml_double_quoted(out, text);
    }
}

/// libyaml's literal block scalar (`yaml_emitter_write_literal_scalar` and
/// its `write_block_scalar_hints`) for a string with a line feed and no
/// other line break: `|`, an indentation indicator (`2`) when the text starts
/// with a space or a break, a chomping indicator (`-` when the text does not
/// end in a break, `+` when it ends in two or is one), then each line on
/// its own, indented by `indent + 2`, blank lines left empty. The final line
/// break is the caller's.
fn push_literal(out: &mut String, text: &str, indent: usize) {
    out.push('|');
    if text.starts_with([' ', '\n']) {
        out.push('2');
    }
    let body = match text.strip_suffix('\n') {
        None => {
            out.push('-');
            text
        }
        Some(body) => {
            if body.is_empty() || body.ends_with('\n') {
                out.push('+');
            }
            body
        }
    };
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            push_indent(out, indent + 2);
            out.push_str(line);
        }
    }
}

/// libyaml's double-quoted scalar (`yaml_emitter_write_double_quoted_scalar`
/// with unicode output and no width limit): a character that is not
/// printable, the byte order mark, a line break, `"` and `\` are escaped,
/// by name where YAML has one, else as `\xXX`, `\uXXXX` or `\UXXXXXXXX`.
fn push_libyaml_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        if is_libyaml_printable(character)
            && !is_libyaml_break(character)
            && !matches!(character, '"' | '\\')
        {
            out.push(character);
            continue;
        }
        let named = match character {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        out.push('\\');
        let code = u32::from(character);
        // Writing to a `String` cannot fail.
        let _ = match named {
            Some(name) => write!(out, "{name}"),
            None if code <= 0xFF => write!(out, "x{code:02X}"),
            None if code <= 0xFFFF => write!(out, "u{code:04X}"),
            None => write!(out, "U{code:08X}"),
        };
    }
    out.push('"');
}

/// Appends a string mapping key, always on one line: a key serde_yaml would
/// print as a block scalar is double-quoted instead.
fn push_key(out: &mut String, key: &str) {
    match ascii_style(key) {
        Some(Style::Plain) => out.push_str(key),
        Some(Style::SingleQuoted) => push_single_quoted(out, key),
        None if key.contains(['\n', '\r']) => push_double_quoted(out, key),
        None => push_scalar(out, key, 0),
    }
}

/// Spaces to copy indentation from.
const SPACES: &str = "                                                                ";

/// Appends `indent` spaces.
fn push_indent(out: &mut String, indent: usize) {
    match SPACES.get(..indent) {
        Some(spaces) => out.push_str(spaces),
        None => out.extend(std::iter::repeat_n(' ', indent)),
    }
}

/// Appends `'text'`, doubling single quotes.
fn push_single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    for (number, part) in text.split('\'').enumerate() {
        if number > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

/// Appends `"text"` with YAML double-quoted escapes, for keys that serde_yaml
/// would print as a block scalar and for strings with a Unicode line or
/// paragraph separator. Control characters, the Unicode line breaks, the
/// byte order mark and the non-characters U+FFFE and U+FFFF are escaped.
fn push_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            control
                if control.is_control()
                    || matches!(control, '\u{feff}' | '\u{fffe}' | '\u{ffff}') =>
            {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "\\u{:04X}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// True for a string that YAML 1.1 reads as a boolean, a null or a merge
/// key.
fn is_yaml_1_1_word(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ""
            | "<<"
    )
}

/// True when a YAML 1.1 or 1.2 reader would read `text`, unquoted, as
/// something other than a string: a word of [`is_yaml_1_1_word`], a
/// `.inf`/`.nan`, a number as go-yaml v2 reads it (its integers allow `_`,
/// `0x`, `0o`, `0b`), or one of the other YAML 1.1 implicit types of
/// [`is_yaml_1_1_other`] (timestamps, base 60, the value key `=`, ...). A few
/// harmless extras are included.
///
/// The number checks read `text` without its `_`s, without one leading sign
/// and in lower case, allocating nothing.
fn is_yaml_1_1_non_string(text: &str) -> bool {
    if is_yaml_1_1_word(text) || is_yaml_1_1_other(text.as_bytes()) {
        return true;
    }
    let mut signed = text
        .bytes()
        .filter(|byte| *byte != b'_')
        .map(|byte| byte.to_ascii_lowercase());
    let mut unsigned = signed.clone();
    if let Some(b'+' | b'-') = signed.next() {
        unsigned = signed;
    }
    if unsigned.clone().eq(*b".inf") || unsigned.clone().eq(*b".nan") {
        return true;
    }
    let mut radix = unsigned.clone();
    if radix.next() == Some(b'0') {
        let is_digit: Option<fn(&u8) -> bool> = match radix.next() {
            Some(b'x') => Some(u8::is_ascii_hexdigit),
            Some(b'o') => Some(|byte| (b'0'..=b'7').contains(byte)),
            Some(b'b') => Some(|byte| matches!(byte, b'0' | b'1')),
            _ => None,
        };
        if let Some(is_digit) = is_digit {
            let mut digits = radix.peekable();
            if digits.peek().is_some() && digits.all(|byte| is_digit(&byte)) {
                return true;
            }
        }
    }
    is_yaml_style_float(unsigned)
}

/// The YAML 1.1 implicit types (<https://yaml.org/type/>) that go-yaml v2's
/// number syntax, checked by [`is_yaml_1_1_non_string`], leaves out, as PyYAML
/// and other YAML 1.1 readers resolve them:
///
/// - the value key `=`;
/// - integers whose digits are all `_` (`0x_`, `0b_`, `0_`);
/// - base 60 integers and floats, `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+` and
///   `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*` (`1:20`, `190:20:30.15`);
/// - base 10 floats, `[-+]?([0-9][0-9_]*)?\.[0-9._]*([eE][-+][0-9]+)?`
///   (`1.2.3`, `.`, `685.230_15e+03`; the spec's fraction `[0-9.]*` widened
///   with `_`, as PyYAML reads it and as the spec's own examples need);
/// - timestamps: `YYYY-M-D`, alone or followed by `[Tt]` or blanks and a
///   time `H:M:S`, a fraction and a zone (`[ \t]*Z` or `[ \t]*[-+]H(:MM)?`);
///   one- or two-digit fields throughout and `.` or `,` before the fraction,
///   as Go's time layouts that go-yaml v2 tries also accept those.
fn is_yaml_1_1_other(text: &[u8]) -> bool {
    if text == b"=" {
        return true;
    }
    let unsigned = match text {
        [b'+' | b'-', rest @ ..] => rest,
        _ => text,
    };
    is_yaml_1_1_underscore_int(unsigned)
        || is_yaml_1_1_base_60(unsigned)
        || is_yaml_1_1_float(unsigned)
        || is_yaml_1_1_timestamp(text)
}

/// Counts the leading bytes of `text` that satisfy `class`.
fn span_of(text: &[u8], class: impl Fn(u8) -> bool) -> usize {
    text.iter().take_while(|byte| class(**byte)).count()
}

/// `0b[0-1_]+`, `0[0-7_]+` and `0x[0-9a-fA-F_]+`, without the sign.
fn is_yaml_1_1_underscore_int(text: &[u8]) -> bool {
    let (digits, class): (&[u8], fn(u8) -> bool) = match text {
        [b'0', b'b', rest @ ..] => (rest, |byte| matches!(byte, b'0' | b'1' | b'_')),
        [b'0', b'x', rest @ ..] => (rest, |byte| byte.is_ascii_hexdigit() || byte == b'_'),
        [b'0', rest @ ..] => (rest, |byte| matches!(byte, b'0'..=b'7' | b'_')),
        _ => return false,
    };
    !digits.is_empty() && span_of(digits, class) == digits.len()
}

/// Base 60 integers and floats, without the sign (see [`is_yaml_1_1_other`]).
fn is_yaml_1_1_base_60(text: &[u8]) -> bool {
    let Some(&first) = text.first() else {
        return false;
    };
    if !first.is_ascii_digit() {
        return false;
    }
    let mut rest = text.get(1..).unwrap_or_default();
    rest = rest
        .get(span_of(rest, |byte| byte.is_ascii_digit() || byte == b'_')..)
        .unwrap_or_default();
    let mut groups = 0;
    while let [b':', tail @ ..] = rest {
        // `[0-5]?[0-9]`: two digits only when the first is at most 5.
        let width = match tail {
            [b'0'..=b'5', b'0'..=b'9', ..] => 2,
            [b'0'..=b'9', ..] => 1,
            _ => return false,
        };
        rest = tail.get(width..).unwrap_or_default();
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    match rest {
        [] => first != b'0',
        [b'.', fraction @ ..] => {
            span_of(fraction, |byte| byte.is_ascii_digit() || byte == b'_') == fraction.len()
        }
        _ => false,
    }
}

/// Base 10 floats, without the sign (see [`is_yaml_1_1_other`]).
fn is_yaml_1_1_float(text: &[u8]) -> bool {
    let mut rest = text;
    if rest.first().is_some_and(u8::is_ascii_digit) {
        rest = rest
            .get(span_of(rest, |byte| byte.is_ascii_digit() || byte == b'_')..)
            .unwrap_or_default();
    }
    let [b'.', fraction @ ..] = rest else {
        return false;
    };
    rest = fraction
        .get(
            span_of(fraction, |byte| {
                byte.is_ascii_digit() || matches!(byte, b'.' | b'_')
            })..,
        )
        .unwrap_or_default();
    match rest {
        [] => true,
        [b'e' | b'E', b'+' | b'-', exponent @ ..] => {
            !exponent.is_empty()
                && span_of(exponent, |byte| byte.is_ascii_digit()) == exponent.len()
        }
        _ => false,
    }
}

/// YAML 1.1 and go-yaml v2 timestamps (see [`is_yaml_1_1_other`]).
fn is_yaml_1_1_timestamp(text: &[u8]) -> bool {
    /// Skips one or two digits, or returns `None`.
    fn one_or_two(text: &[u8]) -> Option<&[u8]> {
        match span_of(text, |byte| byte.is_ascii_digit()) {
            1 | 2 => text.get(span_of(text, |byte| byte.is_ascii_digit())..),
            _ => None,
        }
    }
    /// Skips `separator` then one or two digits.
    fn field(text: &[u8], separator: u8) -> Option<&[u8]> {
        match text {
            [first, rest @ ..] if *first == separator => one_or_two(rest),
            _ => None,
        }
    }
    let is_blank = |byte: u8| matches!(byte, b' ' | b'\t');
    let Some(year) = text.get(..4) else {
        return false;
    };
    if !year.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let date = text
        .get(4..)
        .and_then(|rest| field(rest, b'-'))
        .and_then(|rest| field(rest, b'-'));
    let Some(rest) = date else {
        return false;
    };
    let time = match rest {
        [] => return true,
        [b'T' | b't', time @ ..] => time,
        _ if rest.first().is_some_and(|byte| is_blank(*byte)) => {
            rest.get(span_of(rest, is_blank)..).unwrap_or_default()
        }
        _ => return false,
    };
    let clock = one_or_two(time)
        .and_then(|rest| field(rest, b':'))
        .and_then(|rest| field(rest, b':'));
    let Some(mut rest) = clock else {
        return false;
    };
    if let [b'.' | b',', fraction @ ..] = rest {
        rest = fraction
            .get(span_of(fraction, |byte| byte.is_ascii_digit())..)
            .unwrap_or_default();
    }
    rest = rest.get(span_of(rest, is_blank)..).unwrap_or_default();
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', zone @ ..] => match one_or_two(zone) {
            Some([]) => true,
            Some([b':', minutes @ ..]) => {
                minutes.len() == 2 && minutes.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        },
        _ => false,
    }
}

/// go-yaml v2's float syntax without the sign, on lower-case bytes,
/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)(e[-+]?[0-9]+)?`, which covers integers.
fn is_yaml_style_float(bytes: impl Iterator<Item = u8>) -> bool {
    /// Skips ASCII digits, returning how many.
    fn digits(bytes: &mut Peekable<impl Iterator<Item = u8>>) -> usize {
        let mut count = 0;
        while bytes.next_if(u8::is_ascii_digit).is_some() {
            count += 1;
        }
        count
    }
    let mut bytes = bytes.peekable();
    let leading = digits(&mut bytes);
    if bytes.next_if_eq(&b'.').is_some() {
        let fraction = digits(&mut bytes);
        if leading == 0 && fraction == 0 {
            return false;
        }
    } else if leading == 0 {
        return false;
    }
    match bytes.next() {
        None => true,
        Some(b'e') => {
            let _sign = bytes.next_if(|byte| matches!(byte, b'+' | b'-'));
            digits(&mut bytes) > 0 && bytes.next().is_none()
        }
        Some(_) => false,
    }
}

/// serde_yaml, the reference the writer is tested against, for the tests of
/// the other emit modules: serde_yaml calls stay in this file (and in
/// src/import/read.rs).
#[cfg(test)]
pub mod reference {
    use serde::Serialize;
    pub use serde_yaml::{Mapping, Value};

    /// serde_yaml's value of a serializable value.
    pub fn value<T: Serialize>(value: &T) -> Value {
        serde_yaml::to_value(value).expect("serde_yaml converts the test value")
    }

    /// serde_yaml's text of a serializable value.
    pub fn text<T: Serialize>(value: &T) -> String {
        serde_yaml::to_string(value).expect("serde_yaml prints the test value")
    }

    /// Reads YAML text with serde_yaml.
    pub fn parse(text: &str) -> Result<Value, String> {
        serde_yaml::from_str(text).map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_yaml::Value;

    use super::*;

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    struct Item {
        name: &'static str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tags: Vec<&'static str>,
        note: &'static str,
        inner: BTreeMap<&'static str, Vec<&'static str>>,
    }

    #[derive(Serialize)]
    struct Shapes {
        description: &'static str,
        empty_map: Empty,
        empty_seq: Vec<u8>,
        rules: Vec<Empty>,
        numbers: Vec<u16>,
        flags: Vec<bool>,
        present: Option<Vec<&'static str>>,
        words: Vec<&'static str>,
        items: Vec<Item>,
        nested: Vec<Vec<&'static str>>,
        deep: Vec<Vec<Vec<Empty>>>,
        map: BTreeMap<&'static str, &'static str>,
        map_of_maps: BTreeMap<&'static str, BTreeMap<&'static str, Vec<u8>>>,
        seq_of_maps: Vec<BTreeMap<&'static str, Vec<&'static str>>>,
    }

    /// Strings with no YAML 1.1 ambiguity, quoted or not by serde_yaml.
    const WORDS: &[&str] = &[
        "web",
        "k8s:app",
        "80",
        "*",
        "**.example.com",
        "*.example.com",
        "GET",
        "/api/v1/.*",
        "a: b",
        "a #b",
        "#a",
        "true",
        "null",
        "0777",
        "1e3",
        "-a",
        "- a",
        "@a",
        "a'b",
        "a\"b",
        " lead",
        "trail ",
        "héllo",
        "tab\tx",
        "x\u{1}y",
        "[a]",
        "{a}",
        "a,b",
        "!a",
        "&a",
        "%a",
        "|a",
        ">a",
        "'a'",
        "?a",
        "a\nb",
        "a\n",
        "a\n\nb",
        " a\nb",
        "\na",
        "a\n\n",
        "inf",
        "nan",
        "v1.2.3",
        "2024-01",
        "a:",
        "x-request-id",
    ];

    fn shapes() -> Shapes {
        Shapes {
            description: "first line\nsecond: line\n\nlast",
            empty_map: Empty {},
            empty_seq: Vec::new(),
            rules: vec![Empty {}, Empty {}],
            numbers: vec![0, 80, 65535],
            flags: vec![true, false],
            present: Some(vec!["x"]),
            words: WORDS.to_vec(),
            items: vec![
                Item {
                    name: "a",
                    tags: vec!["x", "80"],
                    note: "multi\nline",
                    inner: BTreeMap::from([("k", vec!["v\nw", "z"]), ("empty", vec![])]),
                },
                Item {
                    name: "b\nc",
                    tags: vec![],
                    note: "",
                    inner: BTreeMap::new(),
                },
            ],
            nested: vec![vec!["a", "b"], vec![], vec!["c\nd"]],
            deep: vec![vec![vec![Empty {}], vec![]], vec![]],
            map: BTreeMap::from([("k8s:app", "web"), ("80", "x"), ("a b", "")]),
            map_of_maps: BTreeMap::from([
                ("a", BTreeMap::from([("b", vec![1, 2]), ("c", vec![])])),
                ("d", BTreeMap::new()),
            ]),
            seq_of_maps: vec![
                BTreeMap::from([("k", vec!["a", "b\nc"]), ("l", vec![])]),
                BTreeMap::new(),
            ],
        }
    }

    /// serde_yaml's rendering of a whole value.
    fn serde_yaml_text<T: Serialize + ?Sized>(value: &T) -> String {
        let Ok(text) = serde_yaml::to_string(value) else {
            unreachable!("serde_yaml prints the test value");
        };
        text
    }

    /// serde_yaml's value of a whole value.
    fn serde_yaml_value<T: Serialize>(value: &T) -> Value {
        let Ok(value) = serde_yaml::to_value(value) else {
            unreachable!("serde_yaml converts the test value");
        };
        value
    }

    /// Prints a serde_yaml value (strings, unsigned numbers, booleans,
    /// sequences and string-keyed mappings, what emit has) with the writer.
    fn write_value(node: Node<'_>, value: &Value) {
        match value {
            Value::String(text) => node.str(text),
            Value::Number(number) => match number.as_u64() {
                Some(number) => node.number(number),
                None => unreachable!("the test values hold unsigned numbers only"),
            },
            Value::Bool(flag) => node.bool(*flag),
            Value::Sequence(items) => {
                let mut sequence = node.sequence();
                for item in items {
                    write_value(sequence.item(), item);
                }
            }
            Value::Mapping(entries) => {
                let mut mapping = node.mapping();
                for (key, value) in entries {
                    let Value::String(key) = key else {
                        unreachable!("the test values have string keys only");
                    };
                    write_value(mapping.key(key), value);
                }
            }
            Value::Null | Value::Tagged(_) => unreachable!("not in the test values"),
        }
    }

    /// The writer's text for a serde value, at an indentation.
    fn block<T: Serialize>(value: &T, indent: usize) -> String {
        let mut out = String::new();
        write_value(Node::top(&mut out, indent), &serde_yaml_value(value));
        out
    }

    #[test]
    fn layout_matches_serde_yaml() {
        let value = shapes();
        assert_eq!(block(&value, 0), serde_yaml_text(&value));
    }

    #[test]
    fn layout_indents_every_line() {
        let value = shapes();
        let at_zero = block(&value, 0);
        let shifted: String = at_zero
            .split_inclusive('\n')
            .map(|line| {
                if line == "\n" {
                    line.to_owned()
                } else {
                    format!("    {line}")
                }
            })
            .collect();
        assert_eq!(block(&value, 4), shifted);
    }

    #[test]
    fn top_level_scalars_and_empty_collections() {
        assert_eq!(block(&"a: b", 2), "  'a: b'\n");
        assert_eq!(block(&Empty {}, 2), "  {}\n");
        assert_eq!(block(&Vec::<u8>::new(), 2), "  []\n");
        assert_eq!(block(&vec![vec![1, 2]], 0), "- - 1\n  - 2\n");
        let mut out = String::new();
        {
            let mut mapping = Node::top(&mut out, 0).mapping();
            mapping.field("a").mapping();
            mapping.field("b").sequence();
            mapping.field("c").number(7_u16);
            mapping.opt_str("d", None);
            mapping.opt_str("e", Some("yes"));
        }
        assert_eq!(out, "a: {}\nb: []\nc: 7\ne: 'yes'\n");
    }

    /// serde_yaml's rendering of one string, re-indented as the writer
    /// places it: a block scalar's content lines come indented by 2, relative
    /// to column 0; they move to `indent + 2`.
    fn push_rendered_scalar(out: &mut String, rendered: &str, indent: usize) {
        let rendered = rendered.strip_suffix('\n').unwrap_or(rendered);
        for (number, line) in rendered.split('\n').enumerate() {
            if number > 0 {
                out.push('\n');
                // Blank lines inside a block scalar stay empty, as serde_yaml prints them.
                if !line.is_empty() {
                    push_indent(out, indent);
                }
            }
            out.push_str(line);
        }
    }

    /// The YAML 1.1 check as first written, allocating; the reference for the
    /// allocation-free one.
    fn reference_is_yaml_1_1_non_string(text: &str) -> bool {
        const YAML_1_1_WORDS: &[&str] = &[
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
            "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null",
            "NULL", "", "<<",
        ];
        if YAML_1_1_WORDS.contains(&text) {
            return true;
        }
        let plain: String = text.chars().filter(|character| *character != '_').collect();
        let unsigned = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
        let lower = unsigned.to_ascii_lowercase();
        if matches!(lower.as_str(), ".inf" | ".nan") {
            return true;
        }
        let radix_digits = |prefix: &str, is_digit: fn(&u8) -> bool| {
            lower
                .strip_prefix(prefix)
                .is_some_and(|digits| !digits.is_empty() && digits.as_bytes().iter().all(is_digit))
        };
        radix_digits("0x", u8::is_ascii_hexdigit)
            || radix_digits("0o", |byte| (b'0'..=b'7').contains(byte))
            || radix_digits("0b", |byte| matches!(byte, b'0' | b'1'))
            || reference_is_yaml_style_float(unsigned)
            || reference_is_yaml_1_1_other(text)
    }

    /// The YAML 1.1 forms of [`is_yaml_1_1_other`] as regular expressions,
    /// copied from <https://yaml.org/type/> (int, float, timestamp, value)
    /// with the widenings its docs list.
    fn reference_is_yaml_1_1_other(text: &str) -> bool {
        use std::sync::OnceLock;
        static OTHER: OnceLock<regex::Regex> = OnceLock::new();
        let other = OTHER.get_or_init(|| {
            let Ok(regex) = regex::Regex::new(concat!(
                r"^(?:=",
                r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+",
                r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
                r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
                r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+][0-9]+)?",
                r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
                r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]*)?",
                r"[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?",
                r")$",
            )) else {
                unreachable!("the reference expression is valid");
            };
            regex
        });
        other.is_match(text)
    }

    fn reference_is_yaml_style_float(text: &str) -> bool {
        let digits = |part: &str| part.bytes().take_while(u8::is_ascii_digit).count();
        let leading = digits(text);
        let mut rest = text.get(leading..).unwrap_or("");
        if let Some(fraction) = rest.strip_prefix('.') {
            let fraction_digits = digits(fraction);
            if leading == 0 && fraction_digits == 0 {
                return false;
            }
            rest = fraction.get(fraction_digits..).unwrap_or("");
        } else if leading == 0 {
            return false;
        }
        match rest.strip_prefix(['e', 'E']) {
            None => rest.is_empty(),
            Some(exponent) => {
                let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
                !exponent.is_empty() && digits(exponent) == exponent.len()
            }
        }
    }

    /// What `push_scalar` printed when it handed every string but one line
    /// of printable ASCII to serde_yaml: YAML 1.1 non-strings single-quoted,
    /// everything else as serde_yaml prints it.
    /// A string with U+2028 or U+2029 is double-quoted, those escaped.
    fn reference_scalar(text: &str, indent: usize) -> String {
        if reference_is_yaml_1_1_non_string(text) {
            return format!("'{}'", text.replace('\'', "''"));
        }
        if text.contains(['\u{2028}', '\u{2029}']) {
            let escaped = serde_json::to_string(text).unwrap_or_default();
            return escaped
                .replace('\u{2028}', "\\L")
                .replace('\u{2029}', "\\P");
        }
        let mut out = String::new();
        push_rendered_scalar(&mut out, &serde_yaml_text(&text), indent);
        out
    }

    fn scalar(text: &str, indent: usize) -> String {
        let mut out = String::new();
        push_scalar(&mut out, text, indent);
        out
    }

    /// Every string of `length` characters over `alphabet`.
    fn strings(alphabet: &[char], length: u32) -> impl Iterator<Item = String> + '_ {
        let count = alphabet.len().pow(length);
        (0..count).map(move |mut number| {
            let mut text = String::new();
            for _ in 0..length {
                text.extend(alphabet.get(number % alphabet.len()));
                number /= alphabet.len();
            }
            text
        })
    }

    /// Hard cases for quoting, each a `&str`.
    fn tricky() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            "*",
            "'quote'",
            "a: b",
            "a:b",
            "a:",
            ":a",
            ": a",
            "# x",
            "a # x",
            "a#x",
            "-x",
            "- x",
            "-",
            "--",
            "---",
            "---a",
            "...",
            "..a",
            "1.0",
            "0x1F",
            "0x",
            "0o17",
            "0b2",
            "1_000",
            "+1",
            "-1",
            "+-1",
            ".5",
            "5.",
            "1e3",
            "1e",
            "1e999",
            "0777",
            "09",
            ".inf",
            "-.Inf",
            ".NaN",
            "inf",
            "infinity",
            "nan",
            "yes",
            "Yes",
            "y",
            "n",
            "on",
            "off",
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "False",
            "<<",
            "<",
            "=",
            "héllo",
            "日本",
            "\u{85}",
            "\u{feff}a",
            "\u{a0}",
            "a\u{2028}b",
            "line one\nline two",
            "a\n",
            "\n",
            "a\n\n",
            " a\nb",
            "a \nb",
            "a\n b",
            "\ta",
            "a\t",
            "a\tb",
            "x\u{1}y",
            "\u{7f}",
            " lead",
            "trail ",
            " ",
            "  ",
            "@a",
            "`a",
            "%a",
            "!a",
            "&a",
            "[a",
            "]a",
            "{a",
            "}a",
            "|a",
            ">a",
            "?a",
            "? a",
            "?",
            ",a",
            "a,b",
            "a[b]",
            "a{b}",
            "a?",
            "'",
            "\"",
            "a'b",
            "a\"b",
            "\\",
            "a\\b",
            "/api/v1/.*",
            "10.20.0.10/32",
            "2001:db8::/32",
            "k8s:app",
            "io.kubernetes.pod.namespace",
            "*.tosspayments.com",
            "X-Token: secret",
            "web: allow #frontend",
            "1:20",
            "-1:20:30",
            "190:20:30.15",
            "1:60",
            "0:20",
            "0x_1F",
            "0b_",
            "1.2.3",
            ".",
            "685.230_15e+03",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14\t21:59:43.10",
            "2001-12-14 x",
        ]
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
        texts.push("x".repeat(100));
        texts.push("word ".repeat(20).trim_end().to_owned());
        texts.push(format!("{}: {}", "k".repeat(60), "v".repeat(60)));
        texts
    }

    #[test]
    fn tricky_scalars_match_serde_yaml() {
        for text in tricky() {
            for indent in [0, 2, 6] {
                assert_eq!(
                    scalar(&text, indent),
                    reference_scalar(&text, indent),
                    "{text:?}"
                );
            }
        }
    }

    /// Tricky strings as values, sequence items and (when serde_yaml prints
    /// them as simple keys: one line, at most 128 bytes) keys, in a whole
    /// document, against serde_yaml; strings YAML 1.1 reads as non-strings
    /// are left out, as serde_yaml prints them bare, and so are strings with
    /// a Unicode line break (U+0085, U+2028), whose quoted continuation lines
    /// the layout leaves where serde_yaml's one-scalar rendering puts them.
    #[test]
    fn tricky_scalars_in_documents_match_serde_yaml() {
        #[derive(Serialize)]
        struct Document<'a> {
            value: &'a str,
            items: Vec<&'a str>,
            nested: Vec<BTreeMap<&'a str, &'a str>>,
        }
        let texts = tricky();
        let unicode_break = |text: &str| text.contains(['\u{85}', '\u{2028}']);
        for text in texts
            .iter()
            .filter(|text| !reference_is_yaml_1_1_non_string(text) && !unicode_break(text))
        {
            let simple_key =
                !text.contains(['\n', '\r', '\u{85}', '\u{2028}']) && text.len() <= 128;
            let key = if simple_key { text.as_str() } else { "k" };
            let document = Document {
                value: text,
                items: vec![text, text],
                nested: vec![BTreeMap::from([(key, text.as_str())])],
            };
            assert_eq!(block(&document, 0), serde_yaml_text(&document), "{text:?}");
        }
    }

    #[test]
    fn short_strings_match_serde_yaml() {
        let wide = [
            'a', 'e', 'n', 'x', '0', '1', '.', '-', '_', ':', ' ', '#', '*', '\'', '"', '?', '+',
            '~', '/', ',', '[', '!', '\n', '\t', 'é',
        ];
        let narrow = ['a', '0', '.', '-', ':', ' ', '#', 'e', '_', '+', '\''];
        let cases = (0..=3)
            .flat_map(|length| strings(&wide, length))
            .chain(strings(&narrow, 4));
        for text in cases {
            assert_eq!(scalar(&text, 2), reference_scalar(&text, 2), "{text:?}");
        }
    }

    #[test]
    fn yaml_1_1_check_matches_reference() {
        let alphabet = [
            '0', '1', '7', '9', 'a', 'b', 'e', 'E', 'f', 'x', 'X', 'o', 'i', 'n', '.', '_', '+',
            '-',
        ];
        for text in (0..=4).flat_map(|length| strings(&alphabet, length)) {
            assert_eq!(
                is_yaml_1_1_non_string(&text),
                reference_is_yaml_1_1_non_string(&text),
                "{text:?}"
            );
        }
        for text in tricky() {
            assert_eq!(
                is_yaml_1_1_non_string(&text),
                reference_is_yaml_1_1_non_string(&text),
                "{text:?}"
            );
        }
    }

    /// The YAML 1.1 forms beyond go-yaml v2's numbers (base 60, `_`-only
    /// digits, floats with several dots, `=`) over every short string of
    /// their characters.
    #[test]
    fn yaml_1_1_other_check_matches_reference() {
        let alphabet = [
            '0', '1', '6', '9', 'b', 'x', 'e', ':', '.', '_', '+', '-', '=', ' ',
        ];
        for text in (0..=4).flat_map(|length| strings(&alphabet, length)) {
            assert_eq!(
                is_yaml_1_1_non_string(&text),
                reference_is_yaml_1_1_non_string(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn byte_classes() {
        for byte in 0..=u8::MAX {
            let class = BYTE_CLASSES.get(usize::from(byte)).copied();
            let expected = match byte {
                b' ' | b'#' | b':' => CONTEXTUAL,
                b' '..=b'~' => 0,
                _ => NOT_PRINTABLE,
            };
            assert_eq!(class, Some(expected), "{byte}");
        }
    }

    #[test]
    fn yaml_1_1_non_strings_are_single_quoted() {
        let quoted = [
            "yes", "No", "ON", "off", "y", "N", "~", "", "<<", "80", "-1", "+1", "1_000", "0x1F",
            "0o17", "0b101", "-0b1", "1.5", ".5", "1e3", "1E+3", "1.", ".inf", "-.INF", ".NaN",
            "0777", "09",
        ];
        for text in quoted {
            assert_eq!(scalar(text, 0), format!("'{text}'"), "{text}");
        }
        for text in [
            "1a",
            "0x",
            "0b2",
            "e",
            "1e",
            "-",
            "yess",
            "v1",
            "0x1p3",
            "0:20",
            "1:60",
            "1:2:",
            "2001-12",
            "2001-12-14x",
            "2001-12-14T",
            "2001-123-14",
            "20011-12-14",
            "1.2e3x",
            "==",
            "a=b",
            "<<<",
        ] {
            assert!(!is_yaml_1_1_non_string(text), "{text}");
        }
    }

    /// The YAML 1.1 implicit types of <https://yaml.org/type/> beyond
    /// booleans, null and go-yaml v2's numbers, with the quoting expected.
    #[test]
    fn yaml_1_1_other_types_are_single_quoted() {
        let cases = [
            ("=", "'='"),
            ("1:20", "'1:20'"),
            ("-1:20:30", "'-1:20:30'"),
            ("+1_0:5", "'+1_0:5'"),
            ("190:20:30.15", "'190:20:30.15'"),
            ("0:20.5", "'0:20.5'"),
            ("0b1_0", "'0b1_0'"),
            ("0b_", "'0b_'"),
            ("0x_1F", "'0x_1F'"),
            ("0x_", "'0x_'"),
            ("017", "'017'"),
            ("0_", "'0_'"),
            ("-0_7", "'-0_7'"),
            ("1_000.5", "'1_000.5'"),
            ("6.8523015e+5", "'6.8523015e+5'"),
            ("685.230_15e+03", "'685.230_15e+03'"),
            ("685_230.15", "'685_230.15'"),
            ("1.2.3", "'1.2.3'"),
            ("1..", "'1..'"),
            (".", "'.'"),
            ("-.", "'-.'"),
            ("+.5.", "'+.5.'"),
            ("2001-12-14", "'2001-12-14'"),
            ("2001-1-2", "'2001-1-2'"),
            (
                "2001-12-14t21:59:43.10-05:00",
                "'2001-12-14t21:59:43.10-05:00'",
            ),
            ("2001-12-14T21:59:43.10Z", "'2001-12-14T21:59:43.10Z'"),
            ("2001-12-15T02:59:43.1Z", "'2001-12-15T02:59:43.1Z'"),
            ("2001-12-14 21:59:43.10 -5", "'2001-12-14 21:59:43.10 -5'"),
            ("2001-12-14  21:59:43.10 Z", "'2001-12-14  21:59:43.10 Z'"),
            ("2001-12-14 2:59:43", "'2001-12-14 2:59:43'"),
            ("2001-12-14\t21:59:43", "'2001-12-14\t21:59:43'"),
            ("<<", "'<<'"),
        ];
        for (text, expected) in cases {
            assert_eq!(scalar(text, 0), expected, "{text:?}");
            assert!(
                reference_is_yaml_1_1_other(text) || text == "<<",
                "{text:?}"
            );
        }
    }

    #[test]
    fn multi_line_keys_stay_on_one_line() {
        let map = BTreeMap::from([("a\nb\"\\", "c"), ("t\u{7}", "d")]);
        insta::assert_snapshot!(block(&map, 0), @r#"
        "a\nb\"\\": c
        "t\a": d
        "#);
    }

    #[test]
    fn long_indentation() {
        let deep = vec![BTreeMap::from([("k", "a\nb")])];
        let text = block(&deep, 70);
        let expected = format!("{0}- k: |-\n{0}    a\n{0}    b\n", " ".repeat(70));
        assert_eq!(text, expected);
    }

    /// The strings the writer's port of libyaml decides (not one line of
    /// printable ASCII): every string of up to three characters over line
    /// breaks, controls, Unicode spaces and marks, astral characters and the
    /// indicators around them, and of four over a smaller set, against
    /// serde_yaml; at two indentations, for the block scalars. (U+2028 and
    /// U+2029 never reach the port: they are double-quoted before it, see
    /// the tricky cases.)
    #[test]
    fn unicode_and_control_strings_match_serde_yaml() {
        let wide = [
            'a',
            ' ',
            '\n',
            '\r',
            '\t',
            '\u{85}',
            '\u{a0}',
            '\u{feff}',
            '\u{7f}',
            'é',
            '\u{1F600}',
            ':',
            '#',
            '-',
            '\'',
            '"',
            '\\',
            '\0',
            '\u{1b}',
            '\u{fffe}',
        ];
        let narrow = ['a', ' ', '\n', 'é', ':', '#', '\''];
        let cases = (1..=3)
            .flat_map(|length| strings(&wide, length))
            .chain(strings(&narrow, 4));
        for text in cases {
            for indent in [0, 4] {
                assert_eq!(
                    scalar(&text, indent),
                    reference_scalar(&text, indent),
                    "{text:?}"
                );
            }
        }
    }

    /// Each style of the port, spelled out.
    #[test]
    fn libyaml_styles() {
        let cases = [
            ("héllo", "héllo"),
            ("日本: x", "'日本: x'"),
            ("é #x", "'é #x'"),
            ("x\u{a0}", "x\u{a0}"),
            ("a\tb", "\"a\\tb\""),
            ("\u{85}", "\"\\N\""),
            ("\u{feff}a", "\"\\uFEFFa\""),
            ("\u{1}\u{1F600}", "\"\\x01\u{1F600}\""),
            ("a \nb", "\"a \\nb\""),
            ("a\n", "|\n  a"),
            ("a\n\n", "|+\n  a\n"),
            ("\n", "|2+\n"),
            ("a\n\nb", "|-\n  a\n\n  b"),
            (" a\nb", "|2-\n   a\n  b"),
            ("a\n b", "|-\n  a\n   b"),
        ];
        for (text, expected) in cases {
            assert_eq!(scalar(text, 0), expected, "{text:?}");
        }
    }
}
