//! netpolc's Go regexp checker against the recorded verdicts of Go's
//! `regexp.Compile` and C++ RE2 (tests/regexp/go-and-re2.tsv; see
//! tests/regexp/SOURCE.md): every pattern, every mismatch reported.

use netpolc::goregexp::{self, ErrorKind};

const TABLE: &str = include_str!("../regexp/go-and-re2.tsv");

struct Row<'a> {
    line: usize,
    pattern: &'a str,
    go_ok: bool,
    go_error: &'a str,
    re2_ok: bool,
}

fn rows() -> Vec<Row<'static>> {
    let mut lines = TABLE.lines().enumerate();
    let header = lines.next().map(|(_, line)| line);
    assert_eq!(header, Some("pattern\tgo\tgo_error\tre2"));
    lines
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "line {}: {line:?}", index + 1);
            let verdict = |text: &str| match text {
                "ok" => true,
                "error" => false,
                other => panic!("line {}: verdict {other:?}", index + 1),
            };
            Row {
                line: index + 1,
                pattern: fields[0],
                go_ok: verdict(fields[1]),
                go_error: fields[2],
                re2_ok: verdict(fields[3]),
            }
        })
        .collect()
}

/// Go's message is `error parsing regexp: <kind>: `<expr>``.
fn split_go_error(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("error parsing regexp: ")?;
    let (kind, expr) = rest.split_once(": `")?;
    Some((kind, expr.strip_suffix('`')?))
}

/// Kinds whose reported range is Go's `Expr` itself (for the others
/// netpolc points at the parenthesis or backslash, or at the whole pattern).
fn range_is_go_expr(kind: ErrorKind) -> bool {
    !matches!(
        kind,
        ErrorKind::UnexpectedParen
            | ErrorKind::MissingParen
            | ErrorKind::TrailingBackslash
            | ErrorKind::InvalidUtf8
            | ErrorKind::NestingDepth
            | ErrorKind::Large
    )
}

#[test]
fn every_pattern_gets_gos_verdict_kind_and_expr() {
    let rows = rows();
    assert_eq!(rows.len(), 182, "the table has 182 patterns");
    let mut mismatches = Vec::new();
    for row in &rows {
        let verdict = goregexp::check(row.pattern);
        match (&verdict, row.go_ok) {
            (Ok(()), true) => {}
            (Ok(()), false) => mismatches.push(format!(
                "line {}: {:?}: accepted, Go says {}",
                row.line, row.pattern, row.go_error
            )),
            (Err(error), true) => mismatches.push(format!(
                "line {}: {:?}: refused ({}), Go accepts it",
                row.line,
                row.pattern,
                error.kind.go_text()
            )),
            (Err(error), false) => {
                let Some((kind, expr)) = split_go_error(row.go_error) else {
                    mismatches.push(format!("line {}: unreadable go_error", row.line));
                    continue;
                };
                if error.kind.go_text() != kind {
                    mismatches.push(format!(
                        "line {}: {:?}: kind `{}`, Go says `{kind}`",
                        row.line,
                        row.pattern,
                        error.kind.go_text()
                    ));
                } else if range_is_go_expr(error.kind) {
                    let ours = row.pattern.get(error.start..error.end);
                    if ours != Some(expr) {
                        mismatches.push(format!(
                            "line {}: {:?}: points at {ours:?}, Go at {expr:?}",
                            row.line, row.pattern
                        ));
                    }
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} patterns disagree with Go:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}

#[test]
fn safe_to_emit_means_go_and_re2_both_accept() {
    let rows = rows();
    let mut mismatches = Vec::new();
    for row in &rows {
        let expected = row.go_ok && row.re2_ok;
        let verdict = goregexp::check_emit(row.pattern);
        if verdict.is_ok() != expected {
            mismatches.push(format!(
                "line {}: {:?}: {verdict:?}, expected safe = {expected} (go {}, re2 {})",
                row.line, row.pattern, row.go_ok, row.re2_ok
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} patterns get the wrong safe-to-emit verdict:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
    // The table holds Go-only acceptances, so the two checks differ on it.
    assert!(rows.iter().any(|row| row.go_ok && !row.re2_ok));
}
