//! `netpolc test [REPO]`: runs every `expect` statement of the repository
//! with the flow engine and reports like `cargo test`: one line per
//! expectation (`ok` or `FAILED`), each failure as its E0801 diagnostic,
//! then `test result: ok. N passed; M failed`. With `--message-format
//! json`, one JSON object per expectation and one for the suite.
//!
//! Exit 0 when every expectation holds; 1 when one fails, when the
//! repository does not compile, or when it has no expectation (E0814).
//!
//! **Invariant:** `test` writes no file.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use netpolc::diag::Diagnostic;
use netpolc::diag::render::{self, Format};
use netpolc::flow::{Engine, FlowVerdict};
use netpolc::ir::{Expectation, Expected};
use netpolc::source::{SourceMap, Span};

use super::report::{Reporter, plural};
use super::trace::{is_unmet_expectation, show::verdict_word};
use super::{build, load};

/// One expectation's outcome.
struct Outcome<'a> {
    expectation: &'a Expectation,
    name: String,
    file: String,
    line: Option<usize>,
    verdict: FlowVerdict,
    /// The E0801 diagnostic of a failed expectation.
    failure: Option<Diagnostic>,
    failed: bool,
}

/// Runs `test`; `stdout_color` says whether stdout gets ANSI colours.
pub fn run(repo: &Path, reporter: &Reporter, stdout_color: bool) -> ExitCode {
    let out = build::output_dir(repo, None);
    let (sources, mut diags) = load::load(repo, &out);
    let (program, _, checked) = netpolc::check(&sources, &reporter.options);
    let (mut unmet, others): (Vec<Diagnostic>, Vec<Diagnostic>) =
        checked.into_iter().partition(is_unmet_expectation);
    diags.extend(others.into_iter().filter(Diagnostic::is_error));
    let shown = build::display_paths(&sources, repo);
    if !diags.is_empty() {
        reporter.diagnostics(&diags, &shown);
        reporter.failure("compile", &diags);
        return ExitCode::FAILURE;
    }
    if program.expectations.is_empty() {
        let diags = [netpolc::diag::report::no_expectations(&repo.display())];
        reporter.diagnostics(&diags, &shown);
        reporter.failure("test", &diags);
        return ExitCode::FAILURE;
    }
    // `check` has decided every expectation (E0801 for each that does not
    // hold); only those at a statement with a failure are decided again, to
    // tell which namespaces of a category's expectation failed.
    let failing: BTreeSet<Span> = unmet
        .iter()
        .filter_map(|diag| diag.primary.as_ref().map(|primary| primary.span))
        .collect();
    let spans: Vec<Span> = program
        .expectations
        .iter()
        .map(|expectation| expectation.origin.span)
        .collect();
    let lines = render::locate_spans(&shown, &spans);
    let engine = Engine::new(&program);
    let mut outcomes = Vec::with_capacity(program.expectations.len());
    for (expectation, position) in program.expectations.iter().zip(lines) {
        let verdict = if failing.contains(&expectation.origin.span) {
            engine.decide_spec(&expectation.flow).verdict
        } else {
            match expectation.expected {
                Expected::Allow => FlowVerdict::Allowed,
                Expected::Deny => FlowVerdict::Denied,
            }
        };
        let failed = !holds(expectation.expected, verdict);
        let failure = if failed {
            take_diagnostic(&mut unmet, expectation)
        } else {
            None
        };
        let file = shown.path(expectation.origin.span.file).to_owned();
        let line = position.map(|(start, _)| start.line);
        outcomes.push(Outcome {
            expectation,
            name: name(expectation, &shown, &file, line),
            file,
            line,
            verdict,
            failure,
            failed,
        });
    }
    let text = if reporter.format == Format::Json {
        json(&outcomes, &shown)
    } else {
        human(&outcomes, &shown, stdout_color)
    };
    super::print_stdout(text.as_bytes());
    if outcomes.iter().any(|outcome| outcome.failed) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether the verdict keeps the promise; an undecided flow (it depends on
/// the DNS cache) keeps neither.
fn holds(expected: Expected, verdict: FlowVerdict) -> bool {
    matches!(
        (expected, verdict),
        (Expected::Allow, FlowVerdict::Allowed) | (Expected::Deny, FlowVerdict::Denied)
    )
}

/// The first unused E0801 diagnostic that points at the expectation.
fn take_diagnostic(unmet: &mut Vec<Diagnostic>, expectation: &Expectation) -> Option<Diagnostic> {
    let at = unmet.iter().position(|diag| {
        diag.primary
            .as_ref()
            .is_some_and(|primary| primary.span == expectation.origin.span)
    })?;
    Some(unmet.remove(at))
}

/// `namespaces/shop.netpol:12 expect allow from ... port 8080/tcp`, with
/// `(namespace shop)` for an expectation a category brought.
fn name(expectation: &Expectation, sources: &SourceMap, file: &str, line: Option<usize>) -> String {
    let text = sources.slice(expectation.origin.span);
    let text: Vec<&str> = text.split_whitespace().collect();
    let mut name = format!("{file}:{} {}", line.unwrap_or(0), text.join(" "));
    if !expectation.origin.categories.is_empty() {
        if let Some(namespace) = &expectation.namespace {
            let _ = write!(name, " (namespace {namespace})");
        }
    }
    netpolc::diag::escape::escape(&name).into_owned()
}

fn human(outcomes: &[Outcome<'_>], sources: &SourceMap, color: bool) -> String {
    let paint = |text: &str, tint: anstyle::AnsiColor| {
        if color {
            let style = anstyle::Style::new().fg_color(Some(tint.into()));
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let mut out = format!("\nrunning {}\n", plural(outcomes.len(), "expectation"));
    for outcome in outcomes {
        let status = if outcome.failed {
            paint("FAILED", anstyle::AnsiColor::Red)
        } else {
            paint("ok", anstyle::AnsiColor::Green)
        };
        let _ = writeln!(out, "test {} ... {status}", outcome.name);
    }
    let failed: Vec<&Outcome<'_>> = outcomes.iter().filter(|outcome| outcome.failed).collect();
    if !failed.is_empty() {
        out.push_str("\nfailures:\n\n");
        for outcome in &failed {
            match &outcome.failure {
                Some(diag) => out.push_str(&render::render(
                    std::slice::from_ref(diag),
                    sources,
                    Format::Human,
                    color,
                )),
                None => {
                    let _ = writeln!(
                        out,
                        "{}: the flow is {}\n",
                        outcome.name,
                        verdict_word(outcome.verdict)
                    );
                }
            }
        }
        out.push_str("failures:\n");
        for outcome in &failed {
            let _ = writeln!(out, "    {}", outcome.name);
        }
    }
    let passed = outcomes.len() - failed.len();
    let result = if failed.is_empty() {
        paint("ok", anstyle::AnsiColor::Green)
    } else {
        paint("FAILED", anstyle::AnsiColor::Red)
    };
    let _ = writeln!(
        out,
        "\ntest result: {result}. {passed} passed; {} failed",
        failed.len()
    );
    out
}

#[derive(Serialize)]
struct JsonTest<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    event: &'static str,
    name: &'a str,
    file: &'a str,
    line: Option<usize>,
    namespace: Option<&'a str>,
    expected: &'static str,
    verdict: &'static str,
    diagnostic: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct JsonSuite {
    #[serde(rename = "type")]
    kind: &'static str,
    event: &'static str,
    passed: usize,
    failed: usize,
}

fn json(outcomes: &[Outcome<'_>], sources: &SourceMap) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let diagnostic = outcome.failure.as_ref().and_then(|diag| {
            let line = render::render(std::slice::from_ref(diag), sources, Format::Json, false);
            serde_json::from_str(line.trim_end()).ok()
        });
        let object = JsonTest {
            kind: "test",
            event: if outcome.failed { "failed" } else { "ok" },
            name: &outcome.name,
            file: &outcome.file,
            line: outcome.line,
            namespace: outcome
                .expectation
                .namespace
                .as_ref()
                .map(|namespace| namespace.as_str()),
            expected: match outcome.expectation.expected {
                Expected::Allow => "allow",
                Expected::Deny => "deny",
            },
            verdict: verdict_word(outcome.verdict),
            diagnostic,
        };
        if let Ok(line) = serde_json::to_string(&object) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let failed = outcomes.iter().filter(|outcome| outcome.failed).count();
    let suite = JsonSuite {
        kind: "suite",
        event: if failed == 0 { "ok" } else { "failed" },
        passed: outcomes.len() - failed,
        failed,
    };
    if let Ok(line) = serde_json::to_string(&suite) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
