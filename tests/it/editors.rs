//! Editor support under `editors/`: the editors agree with the grammar and with netpolc.
//!
//! * The keyword sets of the pest grammar, the TextMate grammar, the Vim
//!   syntax and the tree-sitter grammar and query agree.
//! * The TextMate grammar tokenises every example with no `invalid` scope and
//!   matches its scope snapshots and fixture assertions
//!   (`tests/editors/textmate.mjs`, with Node and `npm ci --prefix tests/editors`);
//!   skipped with a one-line message when Node or npm is missing, except
//!   under `CI`, where it must run.
//! * The VS Code extension's client starts `netpolc lsp` with the configured
//!   path (`tests/editors/vscode.cjs`, with Node and `npm ci --prefix
//!   editors/vscode`); skipped like the TextMate test.
//! * The tree-sitter grammar's generated `src/` is up to date with
//!   `grammar.js`, and its own tests pass: the corpus, every example and
//!   stdlib file without an ERROR node, agreement with netpolc's syntax errors
//!   over `tests/ui/` (`cargo test` in `editors/tree-sitter-netpol`).
//! * Vim: filetype, syntax, indent and `:make` filling the quickfix list
//!   (`tests/editors/vim.sh`), when Vim is installed; under `CI` it must be.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(repo().join(rel)).unwrap_or_else(|err| panic!("cannot read {rel}: {err}"))
}

/// Whether `program` runs (`program --version` exits).
fn has_program(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// True under CI (`CI` set to anything but empty, `0` or `false`), where
/// every editor test must run.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// Skips a test whose tool is missing with one line on stderr
/// ([`crate::skip`]); under CI (or `NETPOLC_REQUIRE_ALL_TESTS=1`) the tool
/// must be there, so the test fails instead.
fn skip_outside_ci(test: &str, why: &str) {
    assert!(
        !in_ci(),
        "{why}, but CI runs every editor test: install it (see README.md, Set up)"
    );
    crate::skip::skip(test, why);
}

/// Runs a command, printing its output; panics with `what` when it fails.
fn run(what: &str, command: &mut Command) {
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: cannot run {command:?}: {err}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "{what} failed ({})\n{stdout}\n{stderr}",
        out.status
    );
}

// ---------------------------------------------------------------------------
// Keywords
// ---------------------------------------------------------------------------

/// The strings of the `keyword` rule of grammar/netpol.pest.
fn pest_keywords() -> BTreeSet<String> {
    let pest = read("grammar/netpol.pest");
    let start = pest
        .find("\nkeyword = @{")
        .expect("grammar/netpol.pest has a `keyword = @{` rule");
    let body = &pest[start..];
    let body = &body[..body.find("\n}").expect("the keyword rule ends with `}`")];
    let words = quoted(body, '"');
    assert!(
        words.len() > 20,
        "too few keywords found in the pest `keyword` rule: {words:?}"
    );
    words
}

/// Every `q`-quoted string of `text`.
fn quoted(text: &str, q: char) -> BTreeSet<String> {
    text.split(q)
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The alternatives of `repository.keywords.match` in the TextMate grammar.
fn textmate_keywords() -> BTreeSet<String> {
    let grammar: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/syntaxes/netpol.tmLanguage.json"))
            .expect("the TextMate grammar is JSON");
    let pattern = grammar["repository"]["keywords"]["match"]
        .as_str()
        .expect("the TextMate grammar has repository.keywords.match");
    let start = pattern
        .find("(?:")
        .expect("the keyword pattern has a `(?:` group")
        + 3;
    let end = start + pattern[start..].find(')').expect("the group closes");
    pattern[start..end].split('|').map(str::to_string).collect()
}

/// The words of every `syn keyword netpolKeyword` line of the Vim syntax.
fn vim_keywords() -> BTreeSet<String> {
    const OPTIONS: &[&str] = &[
        "contained",
        "transparent",
        "skipwhite",
        "skipnl",
        "skipempty",
        "display",
        "fold",
        "oneline",
        "extend",
        "conceal",
        "concealends",
        "excludenl",
        "keepend",
    ];
    read("editors/vim/syntax/netpol.vim")
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let command = words.next()?;
            let is_syntax = ["syn", "synt", "synta", "syntax"].contains(&command);
            (is_syntax && words.next() == Some("keyword") && words.next() == Some("netpolKeyword"))
                .then_some(words)
        })
        .flatten()
        .filter(|word| !word.contains('=') && !OPTIONS.contains(word))
        .map(str::to_string)
        .collect()
}

/// The word-like string literals of the generated tree-sitter grammar.
fn tree_sitter_keywords() -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(|t| t.as_str()) == Some("STRING") {
                    if let Some(s) = map.get("value").and_then(|v| v.as_str()) {
                        if s.starts_with(|c: char| c.is_ascii_lowercase())
                            && s.chars().all(|c| c.is_ascii_alphanumeric())
                        {
                            out.insert(s.to_string());
                        }
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let grammar: serde_json::Value =
        serde_json::from_str(&read("editors/tree-sitter-netpol/src/grammar.json"))
            .expect("src/grammar.json is JSON");
    let mut out = BTreeSet::new();
    walk(&grammar["rules"], &mut out);
    out
}

/// The word-like strings of the tree-sitter highlight query.
fn tree_sitter_query_keywords() -> BTreeSet<String> {
    let query: String = read("editors/tree-sitter-netpol/queries/highlights.scm")
        .lines()
        .filter(|line| !line.trim_start().starts_with(';'))
        .collect::<Vec<_>>()
        .join("\n");
    quoted(&query, '"')
        .into_iter()
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .collect()
}

#[test]
fn editor_keywords_match_the_pest_grammar() {
    let pest = pest_keywords();
    let editors = [
        (
            "editors/vscode/syntaxes/netpol.tmLanguage.json (repository.keywords)",
            textmate_keywords(),
        ),
        (
            "editors/vim/syntax/netpol.vim (syn keyword netpolKeyword)",
            vim_keywords(),
        ),
        (
            "editors/tree-sitter-netpol/grammar.js (src/grammar.json)",
            tree_sitter_keywords(),
        ),
        (
            "editors/tree-sitter-netpol/queries/highlights.scm",
            tree_sitter_query_keywords(),
        ),
    ];
    let mut report = String::new();
    for (editor, words) in &editors {
        let missing: Vec<_> = pest.difference(words).collect();
        let extra: Vec<_> = words.difference(&pest).collect();
        if !missing.is_empty() || !extra.is_empty() {
            report.push_str(&format!(
                "{editor}:\n  missing: {missing:?}\n  extra: {extra:?}\n"
            ));
        }
    }
    assert!(
        report.is_empty(),
        "the editor keyword lists differ from the `keyword` rule of grammar/netpol.pest ({} keywords):\n{report}",
        pest.len()
    );
}

// ---------------------------------------------------------------------------
// VS Code
// ---------------------------------------------------------------------------

#[test]
fn vscode_extension_manifest() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("package.json is JSON");
    // The client: extension.js starts `netpolc lsp` (tested by
    // `vscode_extension_starts_the_server`).
    assert_eq!(manifest["main"], "./extension.js");
    assert!(
        repo().join("editors/vscode/extension.js").is_file(),
        "`main` names a file"
    );
    assert_eq!(
        manifest["activationEvents"],
        serde_json::json!(["onLanguage:netpol"])
    );
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "netpol");
    assert_eq!(language["extensions"][0], ".netpol");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["language"], "netpol");
    assert_eq!(grammar["scopeName"], "source.netpol");
    let dir = repo().join("editors/vscode");
    for path in [&language["configuration"], &grammar["path"]] {
        let path = path.as_str().expect("a path");
        let text = fs::read_to_string(dir.join(path)).unwrap_or_else(|err| panic!("{path}: {err}"));
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|err| panic!("{path}: {err}"));
    }
    let tm: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/syntaxes/netpol.tmLanguage.json")).unwrap();
    assert_eq!(tm["scopeName"], "source.netpol");
    let config: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/language-configuration.json")).unwrap();
    assert_eq!(config["comments"]["lineComment"], "#");
}

/// tests/editors/textmate.mjs: no invalid scope in examples and stdlib, the
/// fixtures' assertions, scope snapshots.
#[test]
fn textmate_grammar_tokenises_examples_and_fixtures() {
    let dir = repo().join("tests/editors");
    if !has_program("node") {
        return skip_outside_ci(
            "editors::textmate_grammar_tokenises_examples_and_fixtures",
            "Node.js (`node`) is not installed, so tests/editors/textmate.mjs cannot run",
        );
    }
    let installed = |dir: &Path| {
        dir.join("node_modules/vscode-textmate").is_dir()
            && dir.join("node_modules/vscode-oniguruma").is_dir()
    };
    if !installed(&dir) && !has_program("npm") {
        return skip_outside_ci(
            "editors::textmate_grammar_tokenises_examples_and_fixtures",
            "npm is not installed and tests/editors/node_modules is missing, so tests/editors/textmate.mjs cannot run",
        );
    }
    if !installed(&dir) {
        // A fresh clone: install the two pinned packages from the lockfile,
        // so the README's `cargo test` runs the whole suite by itself.
        run(
            "npm ci --prefix tests/editors",
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir),
        );
    }
    assert!(
        installed(&dir),
        "the TextMate tests need their npm packages: run `npm ci --prefix tests/editors`"
    );
    run(
        "tests/editors/textmate.mjs",
        Command::new("node").arg(dir.join("textmate.mjs")),
    );
}

/// tests/editors/vscode.cjs: the extension's `main` loads with its real
/// module graph (vscode-languageclient) and a stub `vscode` module, and
/// `activate` spawns `<netpolc.path> lsp`, which answers `initialize` over
/// stdio; the default path is `netpolc`; a missing binary gives an error
/// message naming the setting.
#[test]
fn vscode_extension_starts_the_server() {
    const TEST: &str = "editors::vscode_extension_starts_the_server";
    let dir = repo().join("editors/vscode");
    if !has_program("node") {
        return skip_outside_ci(
            TEST,
            "Node.js (`node`) is not installed, so tests/editors/vscode.cjs cannot run",
        );
    }
    let installed = |dir: &Path| dir.join("node_modules/vscode-languageclient").is_dir();
    if !installed(&dir) && !has_program("npm") {
        return skip_outside_ci(
            TEST,
            "npm is not installed and editors/vscode/node_modules is missing, so tests/editors/vscode.cjs cannot run",
        );
    }
    if !installed(&dir) {
        run(
            "npm ci --prefix editors/vscode",
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir),
        );
    }
    assert!(
        installed(&dir),
        "the extension test needs its npm packages: run `npm ci --prefix editors/vscode`"
    );
    run(
        "tests/editors/vscode.cjs",
        Command::new("node")
            .arg(repo().join("tests/editors/vscode.cjs"))
            .arg(env!("CARGO_BIN_EXE_netpolc")),
    );
}

// ---------------------------------------------------------------------------
// tree-sitter
// ---------------------------------------------------------------------------

const TS_DIR: &str = "editors/tree-sitter-netpol";
/// The files `tree-sitter generate` writes under src/.
const TS_GENERATED: &[&str] = &[
    "parser.c",
    "grammar.json",
    "node-types.json",
    "tree_sitter/parser.h",
    "tree_sitter/alloc.h",
    "tree_sitter/array.h",
];
/// The hash of grammar.js that src/ was generated from.
const TS_STAMP: &str = "src/grammar.js.fnv1a64";

/// FNV-1a, 64 bits: enough to notice that grammar.js changed.
fn fnv1a64(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The tree-sitter CLI version src/ is generated with: another version writes
/// a different parser.c.
const TS_CLI_VERSION: &str = "0.27.1";

/// The tree-sitter CLI, if installed in version [`TS_CLI_VERSION`]:
/// `$TREE_SITTER` or `tree-sitter` on PATH.
fn tree_sitter_cli() -> Option<String> {
    let cli = std::env::var("TREE_SITTER").unwrap_or_else(|_| "tree-sitter".to_string());
    let out = Command::new(&cli).arg("--version").output().ok()?;
    let version = String::from_utf8_lossy(&out.stdout);
    if version.split_whitespace().nth(1) == Some(TS_CLI_VERSION) {
        Some(cli)
    } else {
        println!(
            "{cli} is `{}`, not {TS_CLI_VERSION}: not regenerating src/",
            version.trim()
        );
        None
    }
}

/// `tree-sitter generate` in a scratch copy; the generated files that differ
/// from src/.
fn regenerate(cli: &str, ts: &Path) -> (tempfile::TempDir, Vec<&'static str>) {
    let scratch = tempfile::tempdir().expect("a temp dir");
    for file in ["grammar.js", "tree-sitter.json", "package.json"] {
        fs::copy(ts.join(file), scratch.path().join(file)).expect("copy the grammar");
    }
    run(
        "tree-sitter generate",
        Command::new(cli)
            .arg("generate")
            .current_dir(scratch.path()),
    );
    let stale = TS_GENERATED
        .iter()
        .copied()
        .filter(|file| {
            fs::read(scratch.path().join("src").join(file)).ok()
                != fs::read(ts.join("src").join(file)).ok()
        })
        .collect();
    (scratch, stale)
}

#[test]
fn tree_sitter_grammar() {
    let ts = repo().join(TS_DIR);
    let hash = fnv1a64(&fs::read(ts.join("grammar.js")).expect("grammar.js reads"));
    let stamp = fs::read_to_string(ts.join(TS_STAMP)).unwrap_or_default();

    // src/ is committed (editors build the parser from src/parser.c without the
    // CLI); it must be what grammar.js generates.
    if let Some(cli) = tree_sitter_cli() {
        let (scratch, stale) = regenerate(&cli, &ts);
        if !stale.is_empty() || stamp.trim() != hash {
            for file in TS_GENERATED {
                let to = ts.join("src").join(file);
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::copy(scratch.path().join("src").join(file), to).unwrap();
            }
            fs::write(ts.join(TS_STAMP), format!("{hash}\n")).unwrap();
            panic!(
                "{TS_DIR}/src was not up-to-date with grammar.js ({stale:?}), regenerated it: \
                 review the change with `git diff` and run the test again"
            );
        }
        run(
            "tree-sitter test",
            Command::new(&cli).arg("test").current_dir(&ts),
        );
    } else {
        assert_eq!(
            stamp.trim(),
            hash,
            "{TS_DIR}/grammar.js changed since src/ was generated: install the tree-sitter CLI \
             (`cargo install tree-sitter-cli --locked --version {TS_CLI_VERSION}`, or set TREE_SITTER) \
             and run this test again, which regenerates src/"
        );
        println!("tree-sitter CLI not found: src/ checked against grammar.js by its hash only");
    }

    // The grammar's own tests, against the committed src/parser.c.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    run(
        "cargo test in editors/tree-sitter-netpol",
        Command::new(cargo)
            .args(["test", "--locked", "--manifest-path"])
            .arg(ts.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(repo().join("target/tree-sitter-netpol"))
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS"),
    );
}

// ---------------------------------------------------------------------------
// Vim
// ---------------------------------------------------------------------------

#[test]
fn vim_filetype_syntax_indent_and_make() {
    // `VIM_BINARY` names one; otherwise Vim and Neovim, whichever are installed.
    let candidates = match std::env::var("VIM_BINARY") {
        Ok(vim) => vec![vim],
        Err(_) => vec!["vim".to_string(), "nvim".to_string()],
    };
    let installed: Vec<_> = candidates
        .into_iter()
        .filter(|vim| has_program(vim))
        .collect();
    if installed.is_empty() {
        skip_outside_ci(
            "editors::vim_filetype_syntax_indent_and_make",
            "neither vim nor nvim is installed (`apt-get install -y vim-nox`), so tests/editors/vim.sh cannot run",
        );
        return;
    }
    for vim in installed {
        run(
            &format!("tests/editors/vim.sh with {vim}"),
            Command::new("bash")
                .arg(repo().join("tests/editors/vim.sh"))
                .arg(env!("CARGO_BIN_EXE_netpolc"))
                .arg(&vim),
        );
    }
}
