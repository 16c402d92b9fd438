//! Characters that must not reach a terminal or a CI log as they are, and
//! their escaped spelling.
//!
//! A repository is written by whoever opened the pull request, and its text
//! reaches the terminal through diagnostics: source lines in snippets, names
//! and strings quoted in messages, file paths. Three kinds of characters are
//! dangerous there:
//!
//! - control characters (C0, DEL, C1): ESC starts terminal escape sequences
//!   (colours, cursor moves, OSC 52 clipboard writes), CR and BEL rewrite or
//!   hide what was printed, and a newline inside a message starts a new
//!   output line that can look like another diagnostic or a CI workflow
//!   command (`::error file=...::`);
//! - bidirectional controls (CVE-2021-42574, "Trojan Source"), which reorder
//!   the text a reviewer sees;
//! - invisible formatting characters (zero-width space and joiners, word
//!   joiner, soft hyphen, tag characters...), which make two different
//!   strings look the same.
//!
//! [`escape`] spells each of them as `\u{..}` (and newline, CR and tab as
//! `\n`, `\r`, `\t`), which is how the renderer shows every user-controlled
//! string. [`bidi_name`] and [`invisible_name`] name them for the E0006
//! error and the W0117 warning.
//!
//! **Invariant:** [`escape`] output holds no character for which
//! [`needs_escape`] is true, and no newline.

use std::borrow::Cow;

/// The bidirectional control characters, with their Unicode names: the
/// embeddings, overrides and isolates of CVE-2021-42574, and the implicit
/// marks.
const BIDI: &[(char, &str)] = &[
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
];

/// Every bidirectional control character [`bidi_name`] knows, in order.
pub fn bidi_chars() -> impl Iterator<Item = char> {
    BIDI.iter().map(|(c, _)| *c)
}

/// The Unicode name of a bidirectional control character, or `None` for
/// any other character.
pub fn bidi_name(c: char) -> Option<&'static str> {
    BIDI.iter().find(|(b, _)| *b == c).map(|(_, name)| *name)
}

/// Invisible formatting characters (not bidirectional controls): they are
/// drawn as nothing, or as a blank, so that a string holding them looks like
/// one without. The ranges are inclusive.
const INVISIBLE: &[(char, char, &str)] = &[
    ('\u{00AD}', '\u{00AD}', "SOFT HYPHEN"),
    ('\u{034F}', '\u{034F}', "COMBINING GRAPHEME JOINER"),
    ('\u{115F}', '\u{1160}', "HANGUL FILLER"),
    ('\u{17B4}', '\u{17B5}', "KHMER INHERENT VOWEL"),
    ('\u{180B}', '\u{180D}', "MONGOLIAN FREE VARIATION SELECTOR"),
    ('\u{180E}', '\u{180E}', "MONGOLIAN VOWEL SEPARATOR"),
    ('\u{180F}', '\u{180F}', "MONGOLIAN FREE VARIATION SELECTOR"),
    ('\u{200B}', '\u{200B}', "ZERO WIDTH SPACE"),
    ('\u{200C}', '\u{200C}', "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', '\u{200D}', "ZERO WIDTH JOINER"),
    ('\u{2060}', '\u{2060}', "WORD JOINER"),
    ('\u{2061}', '\u{2064}', "INVISIBLE OPERATOR"),
    ('\u{206A}', '\u{206F}', "DEPRECATED FORMAT CHARACTER"),
    ('\u{3164}', '\u{3164}', "HANGUL FILLER"),
    ('\u{FE00}', '\u{FE0F}', "VARIATION SELECTOR"),
    ('\u{FEFF}', '\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{FFA0}', '\u{FFA0}', "HALFWIDTH HANGUL FILLER"),
    ('\u{FFF9}', '\u{FFFB}', "INTERLINEAR ANNOTATION CHARACTER"),
    ('\u{1D173}', '\u{1D17A}', "MUSICAL SYMBOL FORMAT CHARACTER"),
    ('\u{E0000}', '\u{E007F}', "TAG CHARACTER"),
    ('\u{E0100}', '\u{E01EF}', "VARIATION SELECTOR"),
];

/// The name of an invisible formatting character (zero-width space, word
/// joiner, soft hyphen, tag characters...), or `None` for any other
/// character; bidirectional controls are [`bidi_name`]'s.
pub fn invisible_name(c: char) -> Option<&'static str> {
    INVISIBLE
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&c))
        .map(|(_, _, name)| *name)
}

/// True for a character that [`escape`] spells out: control characters
/// (C0 including newline and tab, DEL, C1), bidirectional controls,
/// invisible formatting characters, the line and paragraph separators
/// U+2028 and U+2029, and the noncharacters U+FFFE and U+FFFF.
pub fn needs_escape(c: char) -> bool {
    // Every character the tables below list is outside ASCII; in ASCII only
    // the controls (C0 and DEL) are escaped. Most text is ASCII, and this
    // keeps it off the table scans.
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}')
        || bidi_name(c).is_some()
        || invisible_name(c).is_some()
}

/// True when `text` is printable ASCII, space to `~`: nothing in it
/// [`needs_escape`]. A byte test, quicker than decoding the characters.
fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| (b' '..b'\x7f').contains(&b))
}

/// The escaped spelling of one character: `\n`, `\r`, `\t`, or `\u{1b}`.
pub fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        _ => format!("\\u{{{:x}}}", u32::from(c)),
    }
}

/// `text` with every character [`needs_escape`] flags escaped; borrowed
/// when there is none. Backslashes are left alone, so the result is for
/// people to read, not to unescape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if is_plain(text) || !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_leaves_the_rest() {
        assert_eq!(escape("plain `text` \\d é 🗻"), "plain `text` \\d é 🗻");
        assert_eq!(escape("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(escape("\u{1b}]52;c;eA==\u{7}"), "\\u{1b}]52;c;eA==\\u{7}");
        assert_eq!(
            escape("\0\u{7f}\u{85}\u{9b}"),
            "\\u{0}\\u{7f}\\u{85}\\u{9b}"
        );
        assert_eq!(escape("x\u{202e}y\u{200b}z"), "x\\u{202e}y\\u{200b}z");
        assert_eq!(escape("\u{2028}\u{2029}"), "\\u{2028}\\u{2029}");
    }

    #[test]
    fn the_ascii_shortcuts_agree_with_the_tables() {
        // `needs_escape` answers ASCII without the tables, and `escape`
        // borrows printable ASCII without decoding it: both must say what
        // the full definition says, for every character.
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let listed = c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}')
                || bidi_name(c).is_some()
                || invisible_name(c).is_some();
            assert_eq!(needs_escape(c), listed, "{:x}", u32::from(c));
            let text = c.to_string();
            assert_eq!(
                matches!(escape(&text), Cow::Borrowed(_)),
                !listed,
                "{:x}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn every_bidi_control_is_named_and_escaped() {
        let expected = [
            0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068,
            0x2069,
        ];
        let listed: Vec<u32> = bidi_chars().map(u32::from).collect();
        assert_eq!(listed, expected);
        for c in bidi_chars() {
            assert!(needs_escape(c));
            assert!(invisible_name(c).is_none());
        }
        assert_eq!(bidi_name('\u{202E}'), Some("RIGHT-TO-LEFT OVERRIDE"));
        assert_eq!(bidi_name('a'), None);
    }

    #[test]
    fn invisible_characters_are_named() {
        assert_eq!(invisible_name('\u{200B}'), Some("ZERO WIDTH SPACE"));
        assert_eq!(invisible_name('\u{E0041}'), Some("TAG CHARACTER"));
        assert_eq!(invisible_name('\u{00AD}'), Some("SOFT HYPHEN"));
        assert_eq!(invisible_name(' '), None);
        assert_eq!(invisible_name('é'), None);
    }
}
