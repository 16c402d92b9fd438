//! Properties of `netpolc::fmt::format` on every example, stdlib file and
//! UI fixture that parses: formatting is idempotent, keeps the AST (spans
//! aside) and every comment in order, gives examples the same YAML, ignores
//! horizontal white space and CRLF line ends, and leaves examples and stdlib
//! as they are, since they are formatted already.

use std::sync::LazyLock;

use netpolc::fmt::format;
use netpolc::source::SourceMap;

use super::repo_root;
use crate::examples::{example_dirs, repo_files};
use crate::ui::{fixture_files, fixtures};

/// Every `.netpol` file of examples, stdlib and UI fixtures, as (path, text).
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in example_dirs() {
        for (path, text) in repo_files(&dir) {
            files.push((format!("{}/{path}", dir.display()), text));
        }
    }
    for (path, text) in repo_files(&repo_root().join("stdlib")) {
        files.push((format!("stdlib/{path}"), text));
    }
    for fixture in fixtures() {
        for (path, text) in fixture_files(&fixture) {
            files.push((format!("{}/{path}", fixture.display()), text));
        }
    }
    assert!(
        files.len() > 100,
        "the corpus is too small: {}",
        files.len()
    );
    files
}

/// The corpus files that parse, formatted: (path, text, formatted). Only
/// the syntax fixtures may fail to parse.
fn formatted_corpus() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (path, text) in corpus() {
        match format(&text) {
            Ok(formatted) => out.push((path, text, formatted)),
            Err(diag) => assert!(
                path.contains("tests/ui/syntax/"),
                "{path} does not format: {}",
                diag.message
            ),
        }
    }
    out
}

#[test]
fn formatting_is_idempotent() {
    for (path, _, formatted) in formatted_corpus() {
        assert_eq!(format(&formatted).unwrap(), formatted, "{path}");
    }
}

#[test]
fn examples_and_stdlib_are_formatted() {
    let root = repo_root();
    let mut unformatted = Vec::new();
    for (path, text, formatted) in formatted_corpus() {
        if !path.contains("tests/ui/") && text != formatted {
            unformatted.push(path);
        }
    }
    assert!(
        unformatted.is_empty(),
        "run `netpolc fmt examples stdlib` in {}:\n{}",
        root.display(),
        unformatted.join("\n")
    );
}

/// The AST of `text` as a debug dump without spans.
fn ast_without_spans(text: &str) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add_user("f.netpol", text);
    let (ast, diags) = netpolc::syntax::parse(&sources, file);
    assert!(diags.is_empty());
    static SPANS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"Span \{ file: FileId\(\d+\), start: \d+, end: \d+ \}").unwrap()
    });
    SPANS.replace_all(&format!("{ast:?}"), "Span").into_owned()
}

/// The comments of `text`, in order: `#` to the end of the line, outside
/// strings, without trailing white space.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for (at, ch) in line.char_indices() {
            match ch {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    out.push(line[at..].trim_end().to_owned());
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn formatting_keeps_the_ast_and_every_comment() {
    for (path, text, formatted) in formatted_corpus() {
        let (before, after) = (ast_without_spans(&text), ast_without_spans(&formatted));
        if before != after {
            let at = before
                .bytes()
                .zip(after.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |dump: &str| {
                dump.get(at.saturating_sub(80)..(at + 80).min(dump.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "{path}: the AST changed at\n  {}\nto\n  {}",
                around(&before),
                around(&after)
            );
        }
        assert_eq!(comments(&text), comments(&formatted), "{path}");
    }
}

/// Compiles a repository: the output files and the diagnostic codes.
fn compile(files: &[(String, String)]) -> (Vec<(String, String)>, Vec<String>) {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let codes = compilation
        .diagnostics
        .iter()
        .map(|diag| format!("{:?}", diag.code))
        .collect();
    let output = compilation
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    (output, codes)
}

#[test]
fn formatted_examples_compile_to_the_same_yaml() {
    for dir in example_dirs() {
        let files = repo_files(&dir);
        let formatted: Vec<(String, String)> = files
            .iter()
            .map(|(path, text)| (path.clone(), format(text).unwrap()))
            .collect();
        let before = compile(&files);
        assert!(
            !before.0.is_empty(),
            "{} compiles to nothing",
            dir.display()
        );
        assert_eq!(before, compile(&formatted), "{}", dir.display());
    }
}

#[test]
fn every_prefix_that_parses_formats_idempotently() {
    let mut checked = 0;
    for (path, text, _) in formatted_corpus() {
        let ends = text
            .char_indices()
            .filter(|(_, ch)| *ch == '\n')
            .map(|(at, _)| at);
        for end in ends {
            let prefix = &text[..end];
            if let Ok(formatted) = format(prefix) {
                assert_eq!(
                    format(&formatted).unwrap(),
                    formatted,
                    "{path}, first {end} bytes"
                );
                assert_eq!(
                    ast_without_spans(prefix),
                    ast_without_spans(&formatted),
                    "{path}, first {end} bytes"
                );
                assert_eq!(
                    comments(prefix),
                    comments(&formatted),
                    "{path}, first {end} bytes"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} prefixes parse");
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// `text` with every run of spaces and tabs outside strings and comments
/// replaced by a random non-empty one, random indentation, and CRLF line
/// ends on some lines.
fn perturb(text: &str, rng: &mut Lcg) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut in_blank = true;
        for _ in 0..rng.next(4) {
            out.push(if rng.next(2) == 0 { ' ' } else { '\t' });
        }
        for (at, ch) in line.char_indices() {
            if !in_string && ch == '#' {
                out.push_str(&line[at..]);
                break;
            }
            let blank = !in_string && (ch == ' ' || ch == '\t');
            if blank {
                if !in_blank {
                    for _ in 0..=rng.next(3) {
                        out.push(if rng.next(3) == 0 { '\t' } else { ' ' });
                    }
                }
            } else {
                out.push(ch);
                match ch {
                    _ if escaped => escaped = false,
                    '\\' if in_string => escaped = true,
                    '"' => in_string = !in_string,
                    _ => {}
                }
            }
            in_blank = blank;
        }
        if rng.next(3) == 0 {
            out.push(' ');
        }
        out.push_str(if rng.next(2) == 0 { "\r\n" } else { "\n" });
    }
    out
}

#[test]
fn horizontal_white_space_and_line_ends_do_not_matter() {
    let mut rng = Lcg(0x006e_6574_706f_6c63);
    for (path, text, formatted) in formatted_corpus() {
        for _ in 0..3 {
            let perturbed = perturb(&text, &mut rng);
            assert_eq!(
                format(&perturbed).unwrap(),
                formatted,
                "{path}, perturbed:\n{perturbed}"
            );
        }
    }
}
