//! `--message-format json`: one JSON object per diagnostic and line, with
//! the same positions the `short` format prints, on stdout and nothing else
//! there. The README's GitHub Actions step (jq into `::error` workflow
//! commands) relies on exactly these fields.

use std::collections::BTreeSet;

use netpolc::diag::render::{Format, render};
use netpolc::diag::{Code, Diagnostic, Label, Severity, report};
use netpolc::source::{SourceMap, Span};
use serde_json::Value;

use crate::cli::{netpolc, repo};
use crate::ui::{fixture_files, fixtures};

/// Every field of a diagnostic object.
const FIELDS: [&str; 11] = [
    "code", "severity", "message", "file", "line", "column", "end", "label", "help", "notes",
    "labels",
];

/// Every field of a secondary label object.
const LABEL_FIELDS: [&str; 5] = ["file", "line", "column", "end", "message"];

/// A missing argument, whose secondary label points into the standard library.
const MISSING_ARGUMENT: &str = "\
namespace shop {
  allow from pods app=gateway port 8080/tcp
  use allow_metrics_scrape(namespace: \"monitoring\")
}
";

/// An exception outside its CIDR: a diagnostic with a note and a help.
const EXCEPT_OUTSIDE: &str = "\
namespace web {
  allow from pods app=gateway port 8080/tcp
  allow to cidr 10.1.0.0/16 except [10.0.0.0/8] port 443/tcp
}
";

/// Compiles user files and returns the map and the sorted diagnostics.
fn compile(files: &[(String, String)]) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    (sources, compilation.diagnostics)
}

/// Renders as JSON and parses every line, checking there is one per diagnostic.
fn json_lines(diags: &[Diagnostic], sources: &SourceMap) -> Vec<Value> {
    let text = render(diags, sources, Format::Json, false);
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect();
    assert_eq!(lines.len(), diags.len(), "{text}");
    lines
}

/// The keys of a JSON object, as a set.
fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// The byte offset of a 1-based line and character column, computed
/// independently of codespan: lines end at `\n`, every character is a column.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let rest = &text[start..];
    let chars = column as usize - 1;
    rest.char_indices()
        .nth(chars)
        .map_or(rest.len(), |(at, _)| at)
        + start
}

/// Checks one positioned object (a diagnostic or a label) against its span.
fn assert_position(value: &Value, span: Span, sources: &SourceMap) {
    let file = sources.get(span.file).unwrap();
    assert_eq!(value["file"], file.path.as_str(), "{value}");
    let (line, column) = (
        value["line"].as_u64().unwrap(),
        value["column"].as_u64().unwrap(),
    );
    let end = (
        value["end"]["line"].as_u64().unwrap(),
        value["end"]["column"].as_u64().unwrap(),
    );
    assert!(line >= 1 && column >= 1 && (line, column) <= end, "{value}");
    assert_eq!(
        offset(&file.text, line, column),
        span.start as usize,
        "start of {value}"
    );
    assert_eq!(
        offset(&file.text, end.0, end.1),
        span.end as usize,
        "end of {value}"
    );
}

/// Checks every diagnostic's JSON against the diagnostic itself.
fn assert_faithful(diags: &[Diagnostic], sources: &SourceMap) {
    for (diag, value) in diags.iter().zip(json_lines(diags, sources)) {
        assert_eq!(keys(&value), FIELDS.into_iter().collect(), "{value}");
        assert_eq!(value["code"], diag.code.as_str());
        assert_eq!(value["message"], diag.message.as_str());
        assert_eq!(value["help"].as_str(), diag.help.as_deref());
        assert_eq!(value["notes"], serde_json::json!(diag.notes));
        let primary = diag.primary.as_ref().unwrap();
        assert_position(&value, primary.span, sources);
        let label = (!primary.message.is_empty()).then_some(primary.message.as_str());
        assert_eq!(value["label"].as_str(), label);
        let labels = value["labels"].as_array().unwrap();
        assert_eq!(labels.len(), diag.secondary.len(), "{value}");
        for (label, json) in diag.secondary.iter().zip(labels) {
            assert_eq!(keys(json), LABEL_FIELDS.into_iter().collect(), "{json}");
            assert_eq!(json["message"], label.message.as_str());
            assert_position(json, label.span, sources);
        }
    }
}

#[test]
fn every_ui_fixture_renders_faithful_json() {
    let mut checked = 0;
    for fixture in fixtures() {
        let (sources, diags) = compile(&fixture_files(&fixture));
        assert_faithful(&diags, &sources);
        checked += diags.len();
    }
    assert!(
        checked > 100,
        "only {checked} diagnostics in the UI fixtures"
    );
}

#[test]
fn positions_are_the_ones_the_short_format_prints() {
    let mut compared = 0;
    for fixture in fixtures() {
        let (sources, diags) = compile(&fixture_files(&fixture));
        let short = render(&diags, &sources, Format::Short, false);
        let short: Vec<&str> = short.lines().collect();
        assert_eq!(short.len(), diags.len(), "{}: {short:?}", fixture.display());
        for (line, value) in short.iter().zip(json_lines(&diags, &sources)) {
            let expected = format!(
                "{}:{}:{}: {}[{}]: ",
                value["file"].as_str().unwrap(),
                value["line"],
                value["column"],
                value["severity"].as_str().unwrap(),
                value["code"].as_str().unwrap(),
            );
            assert!(
                line.starts_with(&expected),
                "{}: {line} vs {expected}",
                fixture.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} diagnostics compared");
}

#[test]
fn columns_count_characters_and_lines_end_at_newline() {
    // Tabs, accents, an emoji and a CRLF line end before the error.
    let text = "# café ✓ 🚀\r\nnamespace shop {\r\n\t# é\r\n\tpolicy a { select pods app=x\r\n\t\tallow to cidr $NOPE }\r\n}\r\n";
    let (sources, diags) = compile(&[("é/shop.netpol".to_owned(), text.to_owned())]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let value = &json_lines(&diags, &sources)[0];
    assert_eq!(value["code"], "E0101");
    assert_eq!(value["file"], "é/shop.netpol");
    assert_eq!(
        (&value["line"], &value["column"]),
        (&Value::from(5), &Value::from(17))
    );
    assert_eq!(value["end"], serde_json::json!({"line": 5, "column": 22}));
    assert_faithful(&diags, &sources);
    let short = render(&diags, &sources, Format::Short, false);
    assert!(
        short.starts_with("é/shop.netpol:5:17: error[E0101]: "),
        "{short}"
    );
}

#[test]
fn a_diagnostic_without_a_span_has_null_positions() {
    let diag = report::cannot_read(report::CannotRead::File {
        path: &"x",
        error: &"permission denied",
    })
    .help("pass a directory");
    assert_eq!(diag.message, "cannot read `x`: permission denied");
    let value = &json_lines(&[diag], &SourceMap::new())[0];
    assert_eq!(keys(value), FIELDS.into_iter().collect());
    for field in ["file", "line", "column", "end", "label"] {
        assert!(value[field].is_null(), "{field} in {value}");
    }
    assert_eq!(value["help"], "pass a directory");
    assert_eq!(value["labels"], serde_json::json!([]));
    assert_eq!(value["notes"], serde_json::json!([]));
}

#[test]
fn severity_follows_the_code() {
    let diags: Vec<Diagnostic> = Code::ALL
        .iter()
        .map(|code| Diagnostic {
            code: *code,
            message: "m".to_owned(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        })
        .collect();
    for (diag, value) in diags.iter().zip(json_lines(&diags, &SourceMap::new())) {
        let expected = match diag.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        assert_eq!(value["severity"], expected, "{value}");
        assert_eq!(diag.code.as_str().starts_with('W'), expected == "warning");
    }
}

#[test]
fn text_is_escaped_and_survives_a_round_trip() {
    let nasty = "quote \" backslash \\ newline \n return \r tab \t nul \u{0} escape \u{1b}[31m bell \u{7} \
                 del \u{7f} line-sep \u{2028} é 🚀 </script> %0A ::error";
    let mut sources = SourceMap::new();
    let file = sources.add_user("a \"b\"\n.netpol", "x\n");
    let diag = Diagnostic {
        code: Code::E0001,
        message: nasty.to_owned(),
        primary: Some(Label {
            span: Span::new(file, 0, 1),
            message: String::new(),
        }),
        secondary: Vec::new(),
        notes: Vec::new(),
        help: None,
        suggestions: Vec::new(),
    }
    .label(nasty)
    .secondary(Span::new(file, 2, 2), nasty)
    .note(nasty)
    .help(nasty);
    let text = render(std::slice::from_ref(&diag), &sources, Format::Json, false);
    assert_eq!(text.matches('\n').count(), 1, "{text}");
    assert!(
        !text.contains('\u{0}') && !text.contains('\u{1b}') && !text.contains('\r'),
        "{text:?}"
    );
    let value = &json_lines(&[diag], &sources)[0];
    for field in [
        &value["message"],
        &value["label"],
        &value["help"],
        &value["notes"][0],
        &value["labels"][0]["message"],
    ] {
        assert_eq!(field, nasty);
    }
    assert_eq!(value["file"], "a \"b\"\n.netpol");
    assert_eq!(value["labels"][0]["line"], 2);
    assert_eq!(
        value["labels"][0]["end"],
        serde_json::json!({"line": 2, "column": 1})
    );
}

#[test]
fn cli_prints_json_lines_on_stdout_and_the_summary_on_stderr() {
    let dir = repo(&[
        ("policies/shop.netpol", MISSING_ARGUMENT.as_bytes()),
        ("policies/web.netpol", EXCEPT_OUTSIDE.as_bytes()),
    ]);
    // Colour is forced on: it must not leak into the JSON.
    let run = netpolc(
        dir.path(),
        &[
            "--message-format",
            "json",
            "--color",
            "always",
            "build",
            "policies",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!dir.path().join("policies/generated").exists());
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("could not compile: 2 errors"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('{'), "{}", run.stderr);
    insta::assert_snapshot!("json_diagnostics_build", run.stdout);

    let shop = &lines[0];
    assert_eq!(shop["file"], "policies/shop.netpol");
    assert_eq!(shop["code"], "E0301");
    assert_eq!(shop["labels"][0]["file"], "<stdlib>/metrics.netpol");
    let web = &lines[1];
    assert_eq!(web["code"], "E0203");
    assert!(!web["notes"].as_array().unwrap().is_empty(), "{web}");
    assert!(web["help"].is_string(), "{web}");

    // The short format names the same places.
    let short = netpolc(
        dir.path(),
        &["--message-format", "short", "build", "policies"],
    );
    for (line, value) in short.stderr.lines().zip(&lines) {
        let place = format!(
            "{}:{}:{}: ",
            value["file"].as_str().unwrap(),
            value["line"],
            value["column"]
        );
        assert!(line.starts_with(&place), "{line} vs {place}");
    }
}

#[test]
fn cli_io_errors_have_no_file_and_success_prints_no_json() {
    let dir = repo(&[(
        "shop.netpol",
        b"namespace shop { allow from pods app=a port 80/tcp }\n",
    )]);
    let run = netpolc(
        dir.path(),
        &["--message-format", "json", "build", "missing"],
    );
    assert_eq!(run.code, 1);
    let value: Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(value["code"], "E0902");
    assert!(
        value["file"].is_null() && value["line"].is_null() && value["end"].is_null(),
        "{value}"
    );
    assert!(
        value["message"].as_str().unwrap().contains("`missing`"),
        "{value}"
    );

    let ok = netpolc(dir.path(), &["--message-format", "json", "build"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.stdout, "");
    assert!(dir.path().join("generated/shop.yaml").exists());
}
