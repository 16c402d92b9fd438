//! The grammar's tests: the corpus under `test/corpus/`, every `.netpol`
//! file of the repository, and the highlight query.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Query, Tree};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The netpolc repository this grammar lives in.
fn repo_dir() -> PathBuf {
    crate_dir().join("../..")
}

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&super::LANGUAGE.into())
        .expect("the netpol grammar loads");
    parser.parse(text, None).expect("the parser returns a tree")
}

/// Every `.netpol` file under `dir`, sorted.
fn netpol_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            out.extend(netpol_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The first ERROR or MISSING node, as `line:col: what`.
fn first_error(node: Node) -> Option<String> {
    if node.is_error() || node.is_missing() {
        let p = node.start_position();
        let what = if node.is_missing() {
            format!("missing `{}`", node.kind())
        } else {
            "syntax error".to_string()
        };
        return Some(format!("{}:{}: {what}", p.row + 1, p.column + 1));
    }
    if !node.has_error() {
        return None;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    children.into_iter().find_map(first_error)
}

fn rel(path: &Path) -> String {
    let repo = repo_dir().canonicalize().expect("the repository exists");
    let path = path.canonicalize().expect("the file exists");
    path.strip_prefix(&repo)
        .unwrap_or(&path)
        .display()
        .to_string()
}

#[test]
fn grammar_loads() {
    let mut parser = Parser::new();
    parser
        .set_language(&super::LANGUAGE.into())
        .expect("Error loading netpol parser");
}

#[test]
fn highlights_query_compiles() {
    Query::new(&super::LANGUAGE.into(), super::HIGHLIGHTS_QUERY)
        .unwrap_or_else(|err| panic!("queries/highlights.scm: {err}"));
}

/// Every example and stdlib file parses with no ERROR or MISSING node.
#[test]
fn examples_and_stdlib_parse_without_errors() {
    let repo = repo_dir();
    let files: Vec<PathBuf> = ["examples", "stdlib"]
        .iter()
        .flat_map(|dir| netpol_files(&repo.join(dir)))
        .collect();
    assert!(
        !files.is_empty(),
        "no .netpol files under examples/ and stdlib/"
    );
    let mut failures = String::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("the file reads");
        if let Some(error) = first_error(parse(&text).root_node()) {
            writeln!(failures, "  {}:{error}", rel(file)).unwrap();
        }
    }
    assert!(failures.is_empty(), "files with parse errors:\n{failures}");
    println!(
        "{} example and stdlib files parse without errors",
        files.len()
    );
}

/// The compiler's UI fixtures: a file that netpolc rejects with a syntax error
/// (its `# expect:` header names E0001 or E0002) has an error node here, and
/// every other file has none, so this grammar accepts what pest accepts.
#[test]
fn ui_fixtures_agree_with_netpolc_syntax_errors() {
    let mut failures = String::new();
    let files = netpol_files(&repo_dir().join("tests/ui"));
    for file in &files {
        let text = fs::read_to_string(file).expect("the file reads");
        let syntax_error = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect:"))
            .any(|codes| codes.contains("E0001") || codes.contains("E0002"));
        match (syntax_error, first_error(parse(&text).root_node())) {
            (true, None) => writeln!(
                failures,
                "  {}: netpolc reports a syntax error, tree-sitter parses it",
                rel(file)
            )
            .unwrap(),
            (false, Some(error)) => writeln!(
                failures,
                "  {}:{error} (netpolc has no syntax error here)",
                rel(file)
            )
            .unwrap(),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "tree-sitter and netpolc disagree:\n{failures}"
    );
    println!("{} UI fixtures agree", files.len());
}

/// The editor fixtures: broken.netpol has errors, the others none.
#[test]
fn editor_fixtures() {
    let dir = repo_dir().join("tests/editors/fixtures");
    for file in netpol_files(&dir) {
        let text = fs::read_to_string(&file).expect("the file reads");
        let error = first_error(parse(&text).root_node());
        if file.ends_with("broken.netpol") {
            assert!(error.is_some(), "{}: expected a parse error", rel(&file));
        } else if let Some(error) = error {
            panic!("{}:{error}", rel(&file));
        }
    }
}

/// One test of a corpus file.
struct CorpusTest {
    name: String,
    input: String,
    expected: String,
    error: bool,
}

fn is_rule(line: &str, ch: char) -> bool {
    let trimmed = line.trim_end();
    trimmed.len() >= 3 && trimmed.chars().all(|c| c == ch)
}

/// Reads the corpus format of `tree-sitter test`: `===` header with the name
/// (and attributes such as `:error`), input, `---`, expected S-expression.
fn read_corpus(text: &str) -> Vec<CorpusTest> {
    let lines: Vec<&str> = text.lines().collect();
    let mut tests = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i], '=') {
            i += 1;
            continue;
        }
        i += 1;
        let mut name = Vec::new();
        let mut error = false;
        while i < lines.len() && !is_rule(lines[i], '=') {
            match lines[i].trim() {
                ":error" => error = true,
                attr if attr.starts_with(':') => {}
                line => name.push(line),
            }
            i += 1;
        }
        i += 1;
        let start = i;
        while i < lines.len() && !is_rule(lines[i], '-') {
            i += 1;
        }
        let input = lines[start..i.min(lines.len())].join("\n");
        i += 1;
        let start = i;
        while i < lines.len() && !is_rule(lines[i], '=') {
            i += 1;
        }
        let expected = lines[start.min(lines.len())..i].join("\n");
        tests.push(CorpusTest {
            name: name.join(" "),
            input: input.trim_matches('\n').to_string() + "\n",
            expected,
            error,
        });
    }
    tests
}

/// An S-expression with its white space normalised and, unless `fields`,
/// its field names (`name: `) removed.
fn normalise_sexp(sexp: &str, fields: bool) -> String {
    let mut out = String::new();
    for token in sexp.split_whitespace() {
        if !fields && token.ends_with(':') && !token.starts_with('(') && !token.starts_with('"') {
            continue;
        }
        if !out.is_empty() && !token.starts_with(')') {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

#[test]
fn corpus() {
    let dir = crate_dir().join("test/corpus");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("test/corpus exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    let mut count = 0;
    let mut failures = String::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("the corpus file reads");
        for test in read_corpus(&text) {
            count += 1;
            let tree = parse(&test.input);
            let root = tree.root_node();
            let where_ = format!("{} \"{}\"", rel(file), test.name);
            if test.error {
                if !root.has_error() {
                    writeln!(failures, "  {where_}: expected a parse error, got none").unwrap();
                }
                continue;
            }
            let fields = test.expected.contains(": (");
            let want = normalise_sexp(&test.expected, fields);
            let got = normalise_sexp(&root.to_sexp(), fields);
            if want != got {
                writeln!(
                    failures,
                    "  {where_}:\n    expected: {want}\n    actual:   {got}"
                )
                .unwrap();
            }
        }
    }
    assert!(count > 0, "no corpus tests under {}", dir.display());
    assert!(failures.is_empty(), "corpus tests failed:\n{failures}");
    println!("{count} corpus tests passed");
}
