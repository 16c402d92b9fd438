//! YAML that every reader reads the same: each string netpolc emits reads
//! back as the same string with `serde_yaml` (YAML 1.2), and no plain
//! (unquoted) scalar of the output has one of the implicit types a YAML 1.1
//! reader (PyYAML, go-yaml v2 under `kubectl`, Ansible, CI linters) gives
//! plain scalars, as listed by the YAML 1.1 type repository.
//!
//! The strings go through real policies, as descriptions, rule labels and
//! selector label values, so the whole writer is exercised, keys and layout
//! included. A small deterministic generator mixes the tricky forms of the
//! type repository with random ASCII and Unicode.
//!
//! The fuzz targets (`tests/fuzz/src/differential.rs`) include this file by
//! path for [`implicit_type`] and [`plain_scalars`].

use std::sync::OnceLock;

use netpolc::source::SourceMap;
use regex::Regex;
use serde::Deserialize;

/// The implicit types of a plain scalar, each `(type, source, regexp)`; a
/// plain scalar netpolc emits as a string must match none of them.
///
/// The YAML 1.1 rows are copied from the type repository,
/// <https://yaml.org/type/> (bool.html, int.html, float.html, null.html,
/// timestamp.html, value.html, merge.html). Two of its own examples do not
/// match its regexps (`685.230_15e+03` in float.html, `2001-12-14
/// 21:59:43.10 -5` in timestamp.html); PyYAML's resolver reads both, so the
/// "errata" rows add PyYAML's widening. The YAML 1.2 rows are the core
/// schema (YAML 1.2.2, section 10.3.2). The go-yaml v2 rows are what
/// `kubectl` reads besides: it drops every `_` of a scalar that starts with a
/// digit or a sign before parsing a number with Go's `strconv` (base prefixes
/// `0x`, `0o`, `0b`, a leading `0` for octal), and its timestamps are Go's
/// `2006-1-2` layouts, with one-digit fields.
const IMPLICIT_TYPES: &[(&str, &str, &str)] = &[
    (
        "bool",
        "yaml.org/type/bool",
        r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
    ),
    (
        "int",
        "yaml.org/type/int",
        r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
    ),
    (
        "float",
        "yaml.org/type/float",
        r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
    ),
    ("null", "yaml.org/type/null", r"~|null|Null|NULL|"),
    (
        "timestamp",
        "yaml.org/type/timestamp",
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?",
    ),
    ("value", "yaml.org/type/value", r"="),
    ("merge", "yaml.org/type/merge", r"<<"),
    (
        "float",
        "yaml.org/type/float errata (PyYAML)",
        r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?",
    ),
    (
        "timestamp",
        "yaml.org/type/timestamp errata (PyYAML)",
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?([ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?",
    ),
    ("null", "YAML 1.2 core", r"null|Null|NULL|~|"),
    ("bool", "YAML 1.2 core", r"true|True|TRUE|false|False|FALSE"),
    (
        "int",
        "YAML 1.2 core",
        r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
    ),
    (
        "float",
        "YAML 1.2 core",
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN",
    ),
    (
        "timestamp",
        "go-yaml v2 (Go time layouts 2006-1-2...)",
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}([.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?",
    ),
];

/// The go-yaml v2 number rows, on a scalar with its `_`s dropped (only for a
/// scalar starting with a digit or a sign: go-yaml v2 tries no number
/// otherwise).
const GO_YAML_V2_NUMBERS: &[(&str, &str)] = &[
    (
        "int",
        r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)",
    ),
    (
        "float",
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?",
    ),
];

/// The table, each regexp anchored.
fn implicit_types() -> &'static [(String, Regex, bool)] {
    static TABLE: OnceLock<Vec<(String, Regex, bool)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let anchored = |pattern: &str| Regex::new(&format!("^(?:{pattern})$")).unwrap();
        let mut table: Vec<_> = IMPLICIT_TYPES
            .iter()
            .map(|(ty, source, pattern)| (format!("{ty} ({source})"), anchored(pattern), false))
            .collect();
        table.extend(GO_YAML_V2_NUMBERS.iter().map(|(ty, pattern)| {
            (
                format!("{ty} (go-yaml v2, `_` dropped)"),
                anchored(pattern),
                true,
            )
        }));
        table
    })
}

/// The implicit type a plain scalar has for some reader, if any.
pub(crate) fn implicit_type(scalar: &str) -> Option<&'static str> {
    let numeric_start = scalar.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let without_underscores = scalar.replace('_', "");
    implicit_types()
        .iter()
        .find(|(_, regex, drops_underscores)| {
            if *drops_underscores {
                numeric_start && regex.is_match(&without_underscores)
            } else {
                regex.is_match(scalar)
            }
        })
        .map(|(name, _, _)| name.as_str())
}

/// The table, on the examples the type repository's pages give for each
/// type, and on strings that are no implicit type.
#[test]
fn the_table_reads_the_spec_examples() {
    let typed = [
        "y",
        "NO",
        "on",
        "Off",
        "TRUE", // bool.html
        "685230",
        "+685_230",
        "02472256",
        "0x_0A_74_AE",
        "0b1010_0111_0100_1010_1110",
        "190:20:30", // int.html
        "6.8523015e+5",
        "685.230_15e+03",
        "685_230.15",
        "190:20:30.15",
        "-.inf",
        ".NaN", // float.html
        "~",
        "null",
        "", // null.html
        "2001-12-15T02:59:43.1Z",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-15 2:59:43.10",
        "2002-12-14", // timestamp.html
        "=",
        "<<", // value.html, merge.html
        "0o17",
        "1e3",
        "1_000",
        "-0b1",
        "2001-1-2", // YAML 1.2 core, go-yaml v2
    ];
    for scalar in typed {
        assert!(implicit_type(scalar).is_some(), "{scalar:?} has no type");
    }
    let strings = [
        "web",
        "yess",
        "0x",
        "1:60x",
        "v1.2.3",
        "inf",
        "nan",
        "1e",
        "2001-12",
        "a=b",
        "<",
        "_1",
        "1.2.3-rc1",
        "k8s:app",
        "/api/v1/.*",
        "0:20",
    ];
    for scalar in strings {
        assert_eq!(implicit_type(scalar), None, "{scalar:?}");
    }
}

/// Every known tricky form, emitted as a description: the exact text of its
/// `description:` line.
#[test]
fn known_cases_are_quoted() {
    let cases: &[(&str, &str)] = &[
        // Booleans and null, every YAML 1.1 spelling.
        ("y", "'y'"),
        ("Y", "'Y'"),
        ("yes", "'yes'"),
        ("Yes", "'Yes'"),
        ("YES", "'YES'"),
        ("n", "'n'"),
        ("N", "'N'"),
        ("no", "'no'"),
        ("No", "'No'"),
        ("NO", "'NO'"),
        ("true", "'true'"),
        ("True", "'True'"),
        ("TRUE", "'TRUE'"),
        ("false", "'false'"),
        ("False", "'False'"),
        ("FALSE", "'FALSE'"),
        ("on", "'on'"),
        ("On", "'On'"),
        ("ON", "'ON'"),
        ("off", "'off'"),
        ("Off", "'Off'"),
        ("OFF", "'OFF'"),
        ("null", "'null'"),
        ("Null", "'Null'"),
        ("NULL", "'NULL'"),
        ("~", "'~'"),
        ("", "''"),
        // Integers.
        ("0b1_0", "'0b1_0'"),
        ("0o17", "'0o17'"),
        ("017", "'017'"),
        ("1_000", "'1_000'"),
        ("-42", "'-42'"),
        ("+42", "'+42'"),
        ("0x_1F", "'0x_1F'"),
        ("0x1F", "'0x1F'"),
        ("1:20", "'1:20'"),
        ("-1:20:30", "'-1:20:30'"),
        // Floats.
        (".inf", "'.inf'"),
        ("-.Inf", "'-.Inf'"),
        (".NaN", "'.NaN'"),
        ("1e3", "'1e3'"),
        ("1_000.5", "'1_000.5'"),
        ("6.8523015e+5", "'6.8523015e+5'"),
        ("685.230_15e+03", "'685.230_15e+03'"),
        ("190:20:30.15", "'190:20:30.15'"),
        ("1.2.3", "'1.2.3'"),
        (".", "'.'"),
        // Timestamps.
        ("2001-12-14", "'2001-12-14'"),
        (
            "2001-12-14t21:59:43.10-05:00",
            "'2001-12-14t21:59:43.10-05:00'",
        ),
        ("2001-12-14 21:59:43.10 -5", "'2001-12-14 21:59:43.10 -5'"),
        ("2001-12-14 21:59:43,10", "'2001-12-14 21:59:43,10'"),
        // The value and merge keys.
        ("=", "'='"),
        ("<<", "'<<'"),
        // Leading indicators.
        ("-x", "-x"),
        ("- x", "'- x'"),
        ("-", "'-'"),
        ("?x", "?x"),
        ("? x", "'? x'"),
        (":x", ":x"),
        (": x", "': x'"),
        (",x", "',x'"),
        ("[x", "'[x'"),
        ("]x", "']x'"),
        ("{x", "'{x'"),
        ("}x", "'}x'"),
        ("#x", "'#x'"),
        ("&x", "'&x'"),
        ("*x", "'*x'"),
        ("!x", "'!x'"),
        ("|x", "'|x'"),
        (">x", "'>x'"),
        ("'x", "'''x'"),
        ("\"x", "'\"x'"),
        ("%x", "'%x'"),
        ("@x", "'@x'"),
        ("`x", "'`x'"),
        ("---", "'---'"),
        ("...", "'...'"),
        // Spaces, `: ` and ` #`.
        (" lead", "' lead'"),
        ("trail ", "'trail '"),
        ("a: b", "'a: b'"),
        ("a:", "'a:'"),
        ("a #b", "'a #b'"),
        ("a:b", "a:b"),
        ("a#b", "a#b"),
        // Control characters, non-printable characters and line breaks.
        ("tab\there", "\"tab\\there\""),
        ("bell\u{7}", "\"bell\\a\""),
        ("nul\u{0}", "\"nul\\0\""),
        ("del\u{7f}", "\"del\\x7F\""),
        ("c1\u{9f}", "\"c1\\x9F\""),
        ("cr\r", "\"cr\\r\""),
        ("bom\u{feff}", "\"bom\\uFEFF\""),
        ("nel\u{85}x", "\"nel\\Nx\""),
        ("ls\u{2028}x", "\"ls\\Lx\""),
        ("ps\u{2029}x", "\"ps\\Px\""),
        // Found by the generator: printed as `|2` and a content line broken
        // at U+2028, this was not YAML at all.
        ("\u{2028}190:20:30.15\n", "\"\\L190:20:30.15\\n\""),
        ("\u{2028}x\ny", "\"\\Lx\\ny\""),
        ("nbsp\u{a0}x", "nbsp\u{a0}x"),
        ("héllo ✓", "héllo ✓"),
        // Safe strings stay plain.
        ("Deny all ingress by default", "Deny all ingress by default"),
        ("v1.2.3", "v1.2.3"),
        ("2024-01", "2024-01"),
        ("1:60", "1:60"),
        ("0:20", "0:20"),
        ("a=b", "a=b"),
    ];
    let texts: Vec<String> = cases.iter().map(|(text, _)| (*text).to_owned()).collect();
    let output = compile_descriptions(&texts, &[]);
    let lines: Vec<&str> = output
        .iter()
        .flat_map(|(_, contents)| contents.lines())
        .filter_map(|line| line.strip_prefix("  description: "))
        .collect();
    let expected: Vec<&str> = cases.iter().map(|(_, quoted)| *quoted).collect();
    assert_eq!(lines.len(), expected.len());
    for (index, (line, expected)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(line, expected, "case {index}: {:?}", cases[index].0);
    }
    check_output(&output, &texts, &[]);
    // A line break in a description makes a block scalar.
    let multi_line = ["a\nb".to_owned()];
    let output = compile_descriptions(&multi_line, &[]);
    assert!(output[0].1.contains("  description: |-\n    a\n    b\n"));
    check_output(&output, &multi_line, &[]);
}

/// The emitted text of a policy with tricky descriptions and label values,
/// whole: the values a YAML 1.1 reader would type are quoted.
#[test]
fn golden_description_and_labels() {
    let source = r#"
namespace shop {
  policy timestamp {
    description "2001-12-14"
    select pods app=yes
    label flag=on
    label hex=0x1F
    allow from pods version=1.2.3
  }
  policy sexagesimal {
    description "1:20"
    select pods app=web
    label count=1_000
    label bool=yes
    allow from pods app=y
  }
  policy value-key {
    description "="
    select pods app=off
    allow from pods { tier in (on, no, 0b1_0, 2001-12-14) }
  }
}
"#;
    let files = compile(&[("shop.netpol", source)]);
    assert_eq!(files.len(), 1);
    let expected = r#"# Code generated by netpolc from shop.netpol. DO NOT EDIT.
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: sexagesimal
  namespace: shop
spec:
  description: '1:20'
  endpointSelector:
    matchLabels:
      app: web
  ingress:
  - fromEndpoints:
    - matchLabels:
        app: 'y'
  labels:
  - key: bool
    value: 'yes'
  - key: count
    value: '1_000'
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: timestamp
  namespace: shop
spec:
  description: '2001-12-14'
  endpointSelector:
    matchLabels:
      app: 'yes'
  ingress:
  - fromEndpoints:
    - matchLabels:
        version: '1.2.3'
  labels:
  - key: flag
    value: 'on'
  - key: hex
    value: '0x1F'
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: value-key
  namespace: shop
spec:
  description: '='
  endpointSelector:
    matchLabels:
      app: 'off'
  ingress:
  - fromEndpoints:
    - matchExpressions:
      - key: tier
        operator: In
        values:
        - 'on'
        - 'no'
        - '0b1_0'
        - '2001-12-14'
"#;
    assert_eq!(files[0].1, expected);
}

/// Generated strings, as descriptions and (when valid) label values, read
/// back as themselves, and no plain scalar of the output has an implicit
/// type.
#[test]
fn generated_strings_read_back_and_plain_scalars_are_strings() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut descriptions = Vec::new();
    let mut label_values = Vec::new();
    for _ in 0..4000 {
        let text = generate(&mut rng);
        if is_label_value(&text) {
            label_values.push(text.clone());
        }
        descriptions.push(text);
    }
    // The generator must reach the shapes it is for.
    let typed = descriptions
        .iter()
        .filter(|text| implicit_type(text).is_some())
        .count();
    assert!(typed >= 400, "only {typed} strings with an implicit type");
    assert!(label_values.len() >= 400, "{}", label_values.len());
    assert!(descriptions.iter().any(|text| !text.is_ascii()));
    assert!(descriptions.iter().any(|text| text.contains('\n')));
    for chunk in 0..descriptions.len().div_ceil(500) {
        let texts = &descriptions[chunk * 500..((chunk + 1) * 500).min(descriptions.len())];
        let labels: Vec<String> = label_values
            .iter()
            .skip(chunk * 100)
            .take(100)
            .cloned()
            .collect();
        let output = compile_descriptions(texts, &labels);
        check_output(&output, texts, &labels);
    }
}

/// Compiles one namespace with a policy per description (`p0`, `p1`, ...),
/// and one per label value (`l0000`, `l0001`, ...) that carries it as a rule
/// label and a selector label value.
fn compile_descriptions(texts: &[String], labels: &[String]) -> Vec<(String, String)> {
    let mut source = String::from("namespace yaml {\n");
    for (index, text) in texts.iter().enumerate() {
        source.push_str(&format!(
            "  policy p{index:04} {{\n    description {}\n    select pods app=web\n    allow from pods app=web\n  }}\n",
            netpolc::syntax::quote(text)
        ));
    }
    for (index, value) in labels.iter().enumerate() {
        let value = netpolc::syntax::quote(value);
        source.push_str(&format!(
            "  policy l{index:04} {{\n    select pods app={value}\n    label k={value}\n    allow from pods {{ tier in ({value}) }}\n  }}\n"
        ));
    }
    source.push_str("}\n");
    compile(&[("yaml.netpol", &source)])
}

/// Compiles `files`; panics on an error (warnings, such as W0112 on generated
/// label values that differ only in case, do not change the output).
fn compile(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user((*path).to_owned(), *text);
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let messages: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|diag| diag.severity() == netpolc::diag::Severity::Error)
        .map(|diag| format!("{}: {}", diag.code, diag.message))
        .collect();
    assert!(messages.is_empty(), "{messages:#?}");
    compilation
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
}

/// A Kubernetes label value.
fn is_label_value(text: &str) -> bool {
    static VALUE: OnceLock<Regex> = OnceLock::new();
    let value =
        VALUE.get_or_init(|| Regex::new(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$").unwrap());
    text.len() <= 63 && value.is_match(text)
}

/// Checks the output of [`compile_descriptions`]: every document reads back
/// with `serde_yaml` to the strings it was made from, and every plain scalar
/// is a string for every reader.
fn check_output(output: &[(String, String)], texts: &[String], labels: &[String]) {
    let mut seen = 0;
    for (path, contents) in output {
        let problems = plain_scalar_problems(contents);
        assert!(problems.is_empty(), "{path}: {problems:#?}");
        for document in serde_yaml::Deserializer::from_str(contents) {
            let value = serde_yaml::Value::deserialize(document)
                .unwrap_or_else(|err| panic!("{path} is not YAML: {err}\n{contents}"));
            let name = value["metadata"]["name"].as_str().unwrap();
            let spec = &value["spec"];
            if let Some(index) = name.strip_prefix('p') {
                let text = &texts[index.parse::<usize>().unwrap()];
                assert_eq!(
                    spec["description"],
                    serde_yaml::Value::String(text.clone()),
                    "{name}"
                );
            } else if let Some(index) = name.strip_prefix('l') {
                let text =
                    serde_yaml::Value::String(labels[index.parse::<usize>().unwrap()].clone());
                assert_eq!(
                    spec["endpointSelector"]["matchLabels"]["app"], text,
                    "{name}"
                );
                assert_eq!(spec["labels"][0]["value"], text, "{name}");
                let values =
                    &spec["ingress"][0]["fromEndpoints"][0]["matchExpressions"][0]["values"];
                let values = values.as_sequence().unwrap();
                assert!(values.contains(&text), "{name}: {values:?}");
            } else {
                panic!("unexpected policy {name}");
            }
            seen += 1;
        }
    }
    assert_eq!(seen, texts.len() + labels.len());
}

/// Every plain scalar (key or value) of an emitted file that has an implicit
/// type for some reader, described.
fn plain_scalar_problems(contents: &str) -> Vec<String> {
    plain_scalars(contents)
        .into_iter()
        .filter_map(|(line, scalar)| {
            implicit_type(&scalar)
                .map(|ty| format!("line {line}: plain scalar {scalar:?} is a {ty}"))
        })
        .collect()
}

/// The plain scalars of netpolc's block layout, with their 1-based line:
/// `key: value`, `- value`, `- key: value`, skipping comments, document
/// markers, `{}` and `[]`, block scalars (`|`, `>` and their content lines)
/// and quoted scalars, which may run over several lines.
pub(crate) fn plain_scalars(contents: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block_parent: Option<usize> = None;
    let mut open_quote: Option<char> = None;
    for (index, line) in contents.lines().enumerate() {
        let number = index + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block_parent {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        if let Some(quote) = open_quote {
            if let Some(end) = quoted_end(line, quote, 0) {
                open_quote = None;
                assert!(line[end..].trim().is_empty(), "line {number}: {line:?}");
            }
            continue;
        }
        let mut rest = &line[indent..];
        if rest.starts_with('#') || rest == "---" {
            continue;
        }
        while let Some(after) = rest.strip_prefix("- ") {
            rest = after;
        }
        // A key, plain or quoted.
        let value = if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '\'' | '"')) {
            match quoted_end(rest, quote, 1) {
                Some(end) => match rest[end..].strip_prefix(':') {
                    Some(value) => value,
                    None => {
                        assert!(rest[end..].is_empty(), "line {number}: {line:?}");
                        continue;
                    }
                },
                None => {
                    open_quote = Some(quote);
                    continue;
                }
            }
        } else {
            match rest
                .find(": ")
                .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
            {
                Some(colon) => {
                    out.push((number, rest[..colon].to_owned()));
                    &rest[colon + 1..]
                }
                None => {
                    out.push((number, rest.to_owned()));
                    continue;
                }
            }
        };
        let value = value.strip_prefix(' ').unwrap_or(value);
        match value.chars().next() {
            None => {}
            Some('|' | '>') => block_parent = Some(indent),
            Some(quote @ ('\'' | '"')) => {
                if let Some(end) = quoted_end(value, quote, 1) {
                    assert!(value[end..].is_empty(), "line {number}: {line:?}");
                } else {
                    open_quote = Some(quote);
                }
            }
            Some(_) if value == "{}" || value == "[]" => {}
            Some(_) => out.push((number, value.to_owned())),
        }
    }
    assert_eq!(open_quote, None, "unterminated quoted scalar");
    out
}

/// The byte offset just past the closing `quote` in `text`, looking from
/// byte `from`: `''` is a quote inside single quotes, `\` escapes inside
/// double quotes.
fn quoted_end(text: &str, quote: char, from: usize) -> Option<usize> {
    let mut chars = text[from..].char_indices().peekable();
    while let Some((offset, character)) = chars.next() {
        if quote == '"' && character == '\\' {
            chars.next();
        } else if character == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
            } else {
                return Some(from + offset + 1);
            }
        }
    }
    None
}

#[test]
fn plain_scalar_scanner() {
    let text = "# header\n---\na: b\nc:\n- d\n- e: 'f: g'\n  h: |-\n    yes\n    no\n  i: \"j\n    k\"\n  'l': {}\nm: []\n";
    let found: Vec<String> = plain_scalars(text).into_iter().map(|(_, s)| s).collect();
    assert_eq!(found, ["a", "b", "c", "d", "e", "h", "i", "m"]);
    assert_eq!(
        plain_scalar_problems("a: yes\nb: 'no'\n- 1:20\n"),
        [
            "line 1: plain scalar \"yes\" is a bool (yaml.org/type/bool)",
            "line 3: plain scalar \"1:20\" is a int (yaml.org/type/int)",
        ]
    );
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The tricky forms of the brief and of the type repository.
const KNOWN: &[&str] = &[
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "null",
    "Null",
    "NULL",
    "~",
    "",
    "0b1_0",
    "0o17",
    "017",
    "1_000",
    "-1_000",
    "+12",
    "0x_1F",
    "0x1f",
    "1:20",
    "-1:20:30",
    ".inf",
    "-.Inf",
    "+.INF",
    ".NaN",
    "1e3",
    "1_000.5",
    "6.8523015e+5",
    "685.230_15e+03",
    "685_230.15",
    "190:20:30.15",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-15T02:59:43.1Z",
    "2001-1-2",
    "=",
    "<<",
    "1.2.3",
    ".",
    "0.",
    "-.5",
];

/// Pieces the generator joins.
const TOKENS: &[&str] = &[
    "0",
    "1",
    "2",
    "5",
    "6",
    "9",
    "12",
    "60",
    "0x",
    "0b",
    "0o",
    "0X",
    "_",
    ":",
    ".",
    "-",
    "+",
    "e",
    "E",
    "e+",
    "e-",
    "inf",
    "Inf",
    "nan",
    "NaN",
    "y",
    "Y",
    "yes",
    "no",
    "on",
    "Off",
    "true",
    "null",
    "~",
    "=",
    "<<",
    " ",
    "  ",
    "#",
    " #",
    ": ",
    "- ",
    "? ",
    "---",
    "...",
    "T",
    "t",
    "Z",
    "2001",
    "-12",
    "-14",
    "-1",
    " 21:59:43",
    "21:59:43",
    ".10",
    "-05:00",
    " -5",
    "\t",
    "\n",
    "\r",
    "'",
    "\"",
    "\\",
    "!",
    "&",
    "*",
    "|",
    ">",
    "%",
    "@",
    "`",
    "?",
    ",",
    "[",
    "]",
    "{",
    "}",
    "a",
    "web",
    "é",
    "✓",
    "日本",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{a0}",
    "\u{1}",
    "\u{7f}",
    "\u{9f}",
    "\u{200b}",
    "\u{1F600}",
    "\u{e000}",
    "\u{fffd}",
];

/// One generated string: a known form, maybe with a piece before or after,
/// or a few random pieces, ASCII characters and Unicode characters.
fn generate(rng: &mut Rng) -> String {
    let mut text = String::new();
    match rng.below(4) {
        0 => {
            if rng.below(3) == 0 {
                text.push_str(rng.pick(TOKENS));
            }
            text.push_str(rng.pick(KNOWN));
            if rng.below(3) == 0 {
                text.push_str(rng.pick(TOKENS));
            }
        }
        1 => {
            // Numbers: digits, signs, colons, dots and underscores.
            let alphabet = [
                '0', '1', '2', '5', '7', '9', ':', '.', '_', '-', '+', 'e', 'x', 'b',
            ];
            for _ in 0..rng.below(8) + 1 {
                text.push(rng.pick(&alphabet));
            }
        }
        _ => {
            for _ in 0..rng.below(6) {
                match rng.below(5) {
                    0 => text.push(char::from(rng.below(0x80) as u8)),
                    1 => text.extend(char::from_u32(rng.below(0x3_0000) as u32)),
                    _ => text.push_str(rng.pick(TOKENS)),
                }
            }
        }
    }
    text
}
