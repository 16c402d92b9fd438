//! yaml: serde values to YAML text. The only file that touches the YAML crate.
//!
//! [`block`] prints any `Serialize` value in serde_yaml's default block
//! layout: 2-space indentation, sequences not indented under their key,
//! `{}` and `[]` for empty collections, no line wrapping. [`push_scalar`]
//! prints one string. serde_yaml builds the value tree and decides how each
//! string is quoted; this file lays the tree out, so that a spec can be
//! printed once at any indentation and pasted under many `spec:` keys. Two
//! exceptions to serde_yaml's quoting: simple names skip the YAML crate for
//! speed (a test checks they print the same), and YAML 1.1 non-strings get
//! quotes (next invariant). A test checks that the layout is byte-for-byte
//! serde_yaml's.
//!
//! **Invariant:** every string reads back as the same string with a YAML 1.2
//! parser and with the YAML 1.1 parser that Kubernetes uses
//! (`sigs.k8s.io/yaml`, a fork of go-yaml v2). serde_yaml 0.9 follows YAML 1.2
//! only and prints `yes`, `on`, `y` or `1_000` bare, which go-yaml v2 reads as
//! a boolean or a number; those strings are single-quoted here.
//!
//! serde_yaml writes an externally tagged enum as a YAML tag (`!variant`);
//! this layout drops tags, so emit's structs use none (a choice between
//! fields is a struct of `Option`s, as in Cilium's Go types).
//!
//! **Invariant:** nothing here panics. A value serde_yaml cannot represent
//! (not one of emit's structs) prints as nothing.

use std::fmt::Write as _;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

/// Prints `value` as block YAML, each line indented by `indent` spaces and
/// ending in a newline.
pub fn block<T: Serialize>(value: &T, indent: usize) -> String {
    let mut out = String::new();
    // `to_value` fails only for maps with non-scalar keys and similar shapes
    // that emit's structs never have; printing nothing keeps emit infallible.
    if let Ok(tree) = serde_yaml::to_value(value) {
        push_node(&mut out, &tree, indent);
    }
    out
}

/// Appends `text` as one YAML scalar. A multi-line string becomes a block
/// scalar whose lines are indented by `indent + 2`, so `indent` is the
/// indentation of the line that holds the key or `-` before it.
pub fn push_scalar(out: &mut String, text: &str, indent: usize) {
    if is_plain_word(text) {
        out.push_str(text);
    } else if is_yaml_1_1_non_string(text) {
        push_single_quoted(out, text);
    } else {
        match serde_yaml::to_string(text) {
            Ok(rendered) => push_rendered_scalar(out, &rendered, indent),
            // Serializing a `&str` cannot fail; quoting keeps the text intact.
            Err(_) => push_single_quoted(out, text),
        }
    }
}

/// How a value is laid out.
enum Shape<'v> {
    /// A non-empty mapping: one line per key.
    Mapping(&'v Mapping),
    /// A non-empty sequence: one line per item.
    Sequence(&'v [Value]),
    /// A scalar, `{}` or `[]`: on the line of its key or `-`.
    Inline(&'v Value),
}

/// The layout of a value, under any tags (module docs).
fn shape(value: &Value) -> Shape<'_> {
    match value {
        Value::Mapping(mapping) if !mapping.is_empty() => Shape::Mapping(mapping),
        Value::Sequence(sequence) if !sequence.is_empty() => Shape::Sequence(sequence),
        Value::Tagged(tagged) => shape(&tagged.value),
        Value::Null
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Mapping(_)
        | Value::Sequence(_) => Shape::Inline(value),
    }
}

/// Appends a top-level node: a mapping or sequence as lines, anything else
/// on one line.
fn push_node(out: &mut String, node: &Value, indent: usize) {
    match shape(node) {
        Shape::Mapping(mapping) => push_mapping(out, mapping, indent, false),
        Shape::Sequence(sequence) => push_sequence(out, sequence, indent, false),
        Shape::Inline(value) => {
            push_indent(out, indent);
            push_inline(out, value, indent);
            out.push('\n');
        }
    }
}

/// Appends a non-empty mapping at `indent`. With `inline_first` the first
/// key goes on the current line, right after a `- `.
fn push_mapping(out: &mut String, mapping: &Mapping, indent: usize, inline_first: bool) {
    for (position, (key, value)) in mapping.iter().enumerate() {
        if position > 0 || !inline_first {
            push_indent(out, indent);
        }
        push_key(out, key);
        out.push(':');
        match shape(value) {
            Shape::Mapping(inner) => {
                out.push('\n');
                push_mapping(out, inner, indent + 2, false);
            }
            // serde_yaml does not indent a sequence under its key.
            Shape::Sequence(inner) => {
                out.push('\n');
                push_sequence(out, inner, indent, false);
            }
            Shape::Inline(inner) => {
                out.push(' ');
                push_inline(out, inner, indent);
                out.push('\n');
            }
        }
    }
}

/// Appends a non-empty sequence at `indent`. With `inline_first` the first
/// item goes on the current line, right after a `- `.
fn push_sequence(out: &mut String, sequence: &[Value], indent: usize, inline_first: bool) {
    for (position, item) in sequence.iter().enumerate() {
        if position > 0 || !inline_first {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match shape(item) {
            Shape::Mapping(inner) => push_mapping(out, inner, indent + 2, true),
            Shape::Sequence(inner) => push_sequence(out, inner, indent + 2, true),
            Shape::Inline(inner) => {
                push_inline(out, inner, indent);
                out.push('\n');
            }
        }
    }
}

/// Appends a value that fits after `key: ` or `- `: a scalar, `{}` or `[]`.
/// Block scalar lines go at `indent + 2`.
fn push_inline(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => push_scalar(out, text, indent),
        Value::Mapping(_) => out.push_str("{}"),
        Value::Sequence(_) => out.push_str("[]"),
        Value::Tagged(tagged) => push_inline(out, &tagged.value, indent),
    }
}

/// Appends a mapping key, always on one line.
fn push_key(out: &mut String, key: &Value) {
    match key {
        Value::String(text) if text.contains(['\n', '\r']) => push_double_quoted(out, text),
        Value::Tagged(tagged) => push_key(out, &tagged.value),
        Value::Null
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Mapping(_)
        | Value::Sequence(_) => push_inline(out, key, 0),
    }
}

/// Appends serde_yaml's rendering of a string. A block scalar's content lines
/// come indented by 2, relative to column 0; they move to `indent + 2`.
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

/// Appends `indent` spaces.
fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Appends `'text'`, doubling single quotes.
fn push_single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// Appends `"text"` with YAML double-quoted escapes, for keys that serde_yaml
/// would print as a block scalar.
fn push_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "\\u{:04X}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// Strings that YAML 1.1 reads as a boolean, a null or a merge key.
const YAML_1_1_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "", "<<",
];

/// True for a string that serde_yaml prints bare (checked by a test): an
/// ASCII letter, then letters, digits and `-._/:`, not ending in `:`, and not
/// a YAML 1.1 word. This fast path spares the YAML crate for names.
fn is_plain_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last() != Some(&b':')
        && bytes.iter().all(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'/' | b':')
        })
        && !YAML_1_1_WORDS.contains(&text)
}

/// True when go-yaml v2 would read `text`, unquoted, as something other than
/// a string: a word of [`YAML_1_1_WORDS`], a `.inf`/`.nan`, or a number (its
/// integers allow `_`, `0x`, `0o`, `0b`). A few harmless extras are included.
fn is_yaml_1_1_non_string(text: &str) -> bool {
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
        || is_yaml_style_float(unsigned)
}

/// go-yaml v2's float syntax without the sign,
/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, which covers integers.
fn is_yaml_style_float(text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

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
        words: Vec<&'static str>,
        items: Vec<Item>,
        nested: Vec<Vec<&'static str>>,
        map: BTreeMap<&'static str, &'static str>,
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
        "2024-01-01",
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
            map: BTreeMap::from([("k8s:app", "web"), ("80", "x"), ("a b", "")]),
        }
    }

    #[test]
    fn block_matches_serde_yaml_layout() {
        let value = shapes();
        let Ok(expected) = serde_yaml::to_string(&value) else {
            unreachable!("serde_yaml prints the test struct");
        };
        assert_eq!(block(&value, 0), expected);
    }

    #[test]
    fn block_indents_every_line() {
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
    fn plain_words_match_serde_yaml() {
        let candidates = [
            "web",
            "k8s:app",
            "inf",
            "nan",
            "infinity",
            "Infinity",
            "NaN",
            "e3",
            "x1",
            "a.b-c_d/e",
            "a:b:c",
            "io.kubernetes.pod.namespace",
            "EchoReply",
            "TCP",
            "produce",
            "nullable",
            "yesterday",
            "ontario",
        ];
        for text in candidates {
            assert!(is_plain_word(text), "{text}");
            let mut out = String::new();
            push_scalar(&mut out, text, 0);
            assert_eq!(
                Ok(format!("{out}\n")),
                serde_yaml::to_string(text).map_err(|_| ()),
                "{text}"
            );
        }
        for text in ["yes", "on", "null", "true", "a:", "1a", "-a", "a b", ""] {
            assert!(!is_plain_word(text), "{text}");
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
            let mut out = String::new();
            push_scalar(&mut out, text, 0);
            assert_eq!(out, format!("'{text}'"), "{text}");
        }
        for text in [
            "1a", "0x", "0b2", "1.2.3", ".", "e", "1e", "-", "yess", "v1", "0x1p3",
        ] {
            assert!(!is_yaml_1_1_non_string(text), "{text}");
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
}
