//! Unit tests of the Go regexp checker: the tricky cases, each with the
//! verdict Go 1.25 gives (from Go's own parser tests and its source).

use super::node::Node;
use super::*;

fn kind(pattern: &str) -> Option<ErrorKind> {
    check(pattern).err().map(|error| error.kind)
}

fn expr(pattern: &str) -> Option<&str> {
    let error = check(pattern).err()?;
    pattern.get(error.start..error.end)
}

#[test]
fn valid_patterns() {
    for pattern in [
        "",
        "|",
        "a|",
        "()",
        "(|)",
        "/api/v1/.*",
        "a{,5}",
        "a{1",
        "x{2}{",
        "a*{",
        "x{1001",
        "x{9876543210",
        "a{2}?",
        "(a*)*",
        "\\Q+|*?{[\\E",
        "\\Q\\\\E",
        "[]a]",
        "[^]a]",
        "[a-]",
        "[\\d-z]",
        "[[:^alpha:]]",
        "[[=a=]]",
        "\\p{Greek}",
        "\\pL",
        "\\P{^L}",
        "\\p{upper case-let ter}",
        "\\p{__upper case-let ter}",
        "\\p{Canadian_Aboriginal}",
        "\\p{canadianaboriginal}",
        "(?i)\\p{ascii}",
        "\\p{^Assigned}",
        "(?P<1a>a)",
        "(?<name>a)",
        "(?i-s:a)",
        "(?)a",
        "\\x{10FFFF}",
        "\\101\\0",
        "\\_\\ \\/",
        "(?:[a-z]{4}){0,250}",
        "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))",
        "((((((((((x{1}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
        "(?:a{0}){2}",
        "(a{1000}){1}",
        "(a{0}){1000}",
        "a*(?i)*",
    ] {
        assert_eq!(check(pattern), Ok(()), "{pattern:?}");
    }
}

#[test]
fn repeat_counts() {
    assert_eq!(expr("/a{1001}"), Some("{1001}"));
    assert_eq!(kind("/a{1001}"), Some(ErrorKind::InvalidRepeatSize));
    assert_eq!(expr("(a{500}){3}"), Some("{3}"));
    assert_eq!(expr("(a{3}){334}"), Some("{334}"));
    assert_eq!(check("(a{3}){333}"), Ok(()));
    assert_eq!(expr("a{2,1}"), Some("{2,1}"));
    assert_eq!(expr("a{99999999999}"), Some("{99999999999}"));
    assert_eq!(kind("a{1001,}"), Some(ErrorKind::InvalidRepeatSize));
    assert_eq!(
        kind("(?:[a-z]{4}){0,251}"),
        Some(ErrorKind::InvalidRepeatSize)
    );
    assert_eq!(
        kind("((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})"),
        Some(ErrorKind::InvalidRepeatSize)
    );
    // {0,} multiplies nothing in; {0} hides its operand.
    assert_eq!(check("((a{1000}){0,}){1}"), Ok(()));
    assert_eq!(
        kind("((a{1000}){1,}){2}"),
        Some(ErrorKind::InvalidRepeatSize)
    );
    // A count checked before the nesting: `a*{2000}` is a bad count.
    assert_eq!(kind("a*{2000}"), Some(ErrorKind::InvalidRepeatSize));
    assert_eq!(kind("a{0}{2}"), Some(ErrorKind::InvalidRepeatOp));
}

#[test]
fn nested_repetition_and_missing_argument() {
    assert_eq!(expr("a**"), Some("**"));
    assert_eq!(expr("a*?*"), Some("*?*"));
    assert_eq!(expr("a{2}{3}"), Some("{2}{3}"));
    assert_eq!(kind("a++"), Some(ErrorKind::InvalidRepeatOp));
    assert_eq!(expr("*a"), Some("*"));
    assert_eq!(expr("{5}"), Some("{5}"));
    assert_eq!(expr("a|*"), Some("*"));
    assert_eq!(expr("(*)"), Some("*"));
    assert_eq!(expr("(?i)*"), Some("*"));
    assert_eq!(kind("\\Q\\E*"), Some(ErrorKind::MissingRepeatArgument));
}

#[test]
fn perl_groups_and_flags() {
    assert_eq!(expr("(?x) a b"), Some("(?x"));
    assert_eq!(expr("(?u)a"), Some("(?u"));
    assert_eq!(expr("(?"), Some("(?"));
    assert_eq!(expr("(?-)a"), Some("(?-)"));
    assert_eq!(expr("(?i-)a"), Some("(?i-)"));
    assert_eq!(expr("(?i-m-s)a"), Some("(?i-m-"));
    assert_eq!(expr("(?=a)"), Some("(?="));
    assert_eq!(expr("(?P=name)"), Some("(?P"));
    assert_eq!(expr("(?<=a)"), Some("(?<=a)"));
    assert_eq!(kind("(?<=a)"), Some(ErrorKind::InvalidNamedCapture));
    assert_eq!(expr("(?P<>a)"), Some("(?P<>"));
    assert_eq!(expr("(?P<a-b>x)"), Some("(?P<a-b>"));
    assert_eq!(kind("(?P<name"), Some(ErrorKind::InvalidNamedCapture));
    assert_eq!(kind("(?<x y>a)"), Some(ErrorKind::InvalidNamedCapture));
}

#[test]
fn escapes() {
    assert_eq!(expr("\\u0041"), Some("\\u"));
    assert_eq!(expr("\\1"), Some("\\1"));
    assert_eq!(expr("\\18"), Some("\\1"));
    assert_eq!(expr("\\8"), Some("\\8"));
    assert_eq!(expr("\\x{110000}"), Some("\\x{110000"));
    assert_eq!(expr("\\x{}"), Some("\\x{}"));
    assert_eq!(expr("\\x{4g}"), Some("\\x{4g"));
    assert_eq!(expr("\\xg1"), Some("\\xg1"));
    assert_eq!(expr("\\x4"), Some("\\x4"));
    assert_eq!(expr("\\x"), Some("\\x"));
    assert_eq!(expr("\\C"), Some("\\C"));
    assert_eq!(expr("\\z\\Z"), Some("\\Z"));
    assert_eq!(kind("a\\"), Some(ErrorKind::TrailingBackslash));
    assert_eq!(expr("a\\"), Some("\\"));
    assert_eq!(kind("\\é"), Some(ErrorKind::InvalidEscape));
    assert_eq!(check("\\x{41}\\x41\\101\\a\\f\\t\\v"), Ok(()));
}

#[test]
fn classes() {
    assert_eq!(expr("[z-a]"), Some("z-a"));
    assert_eq!(expr("[a--b]"), Some("a--"));
    assert_eq!(expr("[a-\\d]"), Some("\\d"));
    assert_eq!(expr("[[:foo:]]"), Some("[:foo:]"));
    assert_eq!(expr("[[:^foo:]]"), Some("[:^foo:]"));
    // Go looks for `:]` anywhere after `[:`, even past the class.
    assert_eq!(expr("[[:a]b:]"), Some("[:a]b:]"));
    assert_eq!(check("[[:a]"), Ok(()));
    assert_eq!(expr("[]"), Some("[]"));
    assert_eq!(expr("x[^]"), Some("[^]"));
    assert_eq!(kind("[a"), Some(ErrorKind::MissingBracket));
    assert_eq!(kind("["), Some(ErrorKind::MissingBracket));
    assert_eq!(kind("[\\"), Some(ErrorKind::TrailingBackslash));
    assert_eq!(expr("\\p{sc=Greek}"), Some("\\p{sc=Greek}"));
    assert_eq!(expr("[\\p{Alphabetic}]"), Some("\\p{Alphabetic}"));
    assert_eq!(expr("\\p{L"), Some("\\p{L"));
    assert_eq!(expr("\\p}"), Some("\\p}"));
    assert_eq!(expr("\\p"), Some("\\p"));
    assert_eq!(expr("\\p{}"), Some("\\p{}"));
    assert_eq!(expr("\\p{^}"), Some("\\p{^}"));
}

#[test]
fn parentheses() {
    assert_eq!(kind("a)"), Some(ErrorKind::UnexpectedParen));
    assert_eq!(expr("a)"), Some(")"));
    assert_eq!(kind("(a|b))"), Some(ErrorKind::UnexpectedParen));
    assert_eq!(expr("(a(b)"), Some("("));
    assert_eq!(kind("(a(b)"), Some(ErrorKind::MissingParen));
    assert_eq!(expr("x(?i:a"), Some("("));
}

#[test]
fn invalid_utf8() {
    for bytes in [
        &b"\xff"[..],
        b"[\xff]",
        b"[\\\xff]",
        b"\\\xff",
        b"\\Q\xff",
        b"\\p{\xff}",
    ] {
        assert_eq!(
            check_bytes(bytes).map_err(|error| error.kind),
            Err(ErrorKind::InvalidUtf8),
            "{bytes:?}"
        );
    }
}

#[test]
fn nesting_depth() {
    let ok = format!("{}{}", "(".repeat(999), ")".repeat(999));
    assert_eq!(check(&ok), Ok(()));
    let deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
    assert_eq!(kind(&deep), Some(ErrorKind::NestingDepth));
    let stars = format!("{}{}", "(?:".repeat(999), ")*".repeat(999));
    assert_eq!(check(&stars), Ok(()));
    let stars = format!("{}{}", "(?:".repeat(1000), ")*".repeat(1000));
    assert_eq!(kind(&stars), Some(ErrorKind::NestingDepth));
    // Non-capturing groups add no node.
    let groups = format!("{}a{}", "(?:".repeat(100_000), ")".repeat(100_000));
    assert_eq!(check(&groups), Ok(()));
    // Not nested at all.
    let bars = format!("({})", "|".repeat(12_345));
    assert_eq!(check(&bars), Ok(()));
    // Unclosed: never nests, so the missing parenthesis is what Go says.
    assert_eq!(kind(&"(".repeat(100_000)), Some(ErrorKind::MissingParen));
}

#[test]
fn size_limits() {
    let long = format!("({}){{1000}}", "(xx?)".repeat(1000));
    assert_eq!(kind(&long), Some(ErrorKind::Large));
    let many = "(xx?){1000}".repeat(1000);
    assert_eq!(kind(&many), Some(ErrorKind::Large));
    // A long literal is one node: Go never measures it.
    assert_eq!(check(&"a".repeat(4_000_000)), Ok(()));
    // 3355 repeats of 1000 are under 3,355,443 instructions; 3356 are over.
    assert_eq!(check(&"a{1000}".repeat(3355)), Ok(()));
    assert_eq!(kind(&"a{1000}".repeat(3356)), Some(ErrorKind::Large));
}

#[test]
fn safe_to_emit() {
    let re2 = |pattern: &str| match check_emit(pattern) {
        Err(Refusal::Re2(error)) => Some((error.written, error.exact)),
        _ => None,
    };
    assert_eq!(
        check_emit("\\p{Greek}\\pL\\p{Lu}\\p{Any}[\\P{^Nd}]"),
        Ok(())
    );
    assert_eq!(
        re2("a\\p{Letter}"),
        Some(("\\p{Letter}".to_owned(), Some("\\p{L}".to_owned())))
    );
    assert_eq!(
        re2("\\P{^greek}"),
        Some(("\\P{^greek}".to_owned(), Some("\\P{^Greek}".to_owned())))
    );
    assert_eq!(
        re2("\\p{ASCII}"),
        Some(("\\p{ASCII}".to_owned(), Some("[\\x00-\\x7F]".to_owned())))
    );
    assert_eq!(
        re2("\\pl"),
        Some(("\\pl".to_owned(), Some("\\pL".to_owned())))
    );
    assert_eq!(re2("\\p{Cn}"), Some(("\\p{Cn}".to_owned(), None)));
    assert_eq!(
        re2("\\p{Assigned}"),
        Some(("\\p{Assigned}".to_owned(), None))
    );
    assert!(matches!(check_emit("a{1001}"), Err(Refusal::Go(_))));
}

#[test]
fn hostile_patterns_of_five_megabytes() {
    const M: usize = 5_000_000;
    let cases: [(String, Result<(), ErrorKind>); 11] = [
        ("a".repeat(M), Ok(())),
        (
            format!("{}{}", "(".repeat(M / 2), ")".repeat(M / 2)),
            Err(ErrorKind::NestingDepth),
        ),
        (
            format!("{}a{}", "(?:".repeat(M / 4), ")".repeat(M / 4)),
            Ok(()),
        ),
        ("a|".repeat(M / 2), Ok(())),
        ("[a-z]".repeat(M / 5), Ok(())),
        ("\\pL".repeat(M / 3), Ok(())),
        ("x{1000}".repeat(M / 7), Err(ErrorKind::Large)),
        (format!("\\Q{}", "a*".repeat(M / 2)), Ok(())),
        // Each star is a node, and 2.5 million of them are over Go's size.
        ("a*".repeat(M / 2), Err(ErrorKind::Large)),
        // Each group is a capture of a class, 3 instructions: 3 million in
        // all, under Go's limit of 3,355,443.
        ("(a|b)".repeat(M / 5), Ok(())),
        ("(a|b)".repeat(M / 5 + 200_000), Err(ErrorKind::Large)),
    ];
    for (pattern, expected) in cases {
        let head: String = pattern.chars().take(12).collect();
        assert_eq!(
            check(&pattern).map_err(|error| error.kind),
            expected,
            "{head}…"
        );
    }
}

#[test]
fn a_stack_node_stays_small() {
    // Hostile patterns keep millions of nodes on the parse stack.
    assert!(
        std::mem::size_of::<Node>() <= 48,
        "{}",
        std::mem::size_of::<Node>()
    );
}
