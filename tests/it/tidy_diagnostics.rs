//! Tidy: every diagnostic code is built by exactly one constructor in
//! `src/diag/report/`, and no code is named anywhere else in `src/` outside
//! `src/diag/`.

use std::fs;
use std::path::{Path, PathBuf};

use netpolc::diag::Code;
use regex::Regex;

/// Files outside `src/diag/` that may name codes, and why.
const ALLOWED: &[(&str, &str)] = &[(
    "src/cli/write/tests.rs",
    "unit tests that assert on the code each case yields",
)];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted, as paths relative to the crate root.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path.strip_prefix(root()).unwrap().to_owned());
            }
        }
    }
    out.sort();
    out
}

fn code_pattern() -> Regex {
    Regex::new(r"\bCode::([EW][0-9]{4})\b").unwrap()
}

/// `(line, code)` for each code named in `text`.
fn codes_named(text: &str) -> Vec<(usize, String)> {
    let pattern = code_pattern();
    text.lines()
        .enumerate()
        .flat_map(|(index, line)| {
            pattern
                .captures_iter(line)
                .map(move |caps| (index + 1, caps[1].to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The top-level functions of a file: `(name, is_pub, text)`, each from its
/// `fn` line to the closing `}` at column 0.
fn functions(text: &str) -> Vec<(String, bool, String)> {
    let header = Regex::new(r"^(pub )?fn ([a-z0-9_]+)").unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, bool, String)> = None;
    for line in text.lines() {
        if let Some((_, _, body)) = &mut current {
            body.push_str(line);
            body.push('\n');
            if line == "}" {
                out.extend(current.take());
            }
        } else if let Some(caps) = header.captures(line) {
            current = Some((
                caps[2].to_owned(),
                caps.get(1).is_some(),
                format!("{line}\n"),
            ));
        }
    }
    assert!(current.is_none(), "unclosed function in:\n{text}");
    out
}

#[test]
fn no_code_is_named_outside_src_diag() {
    let files = rust_files(Path::new("src"));
    assert!(
        files.len() > 50,
        "found only {} files under src/",
        files.len()
    );
    let mut found = Vec::new();
    for file in &files {
        let shown = file.to_string_lossy().replace('\\', "/");
        if shown.starts_with("src/diag/") || ALLOWED.iter().any(|(path, _)| *path == shown) {
            continue;
        }
        let text = fs::read_to_string(root().join(file)).unwrap();
        for (line, code) in codes_named(&text) {
            found.push(format!("{shown}:{line}: Code::{code}"));
        }
    }
    assert!(
        found.is_empty(),
        "diagnostic codes are built only in src/diag/report/; call its constructor instead:\n{}",
        found.join("\n")
    );
    for (path, _) in ALLOWED {
        assert!(
            root().join(path).is_file(),
            "{path} is allowed but does not exist"
        );
    }
}

#[test]
fn each_code_has_exactly_one_constructor() {
    let files = rust_files(Path::new("src/diag/report"));
    assert!(files.len() > 5, "found only {} report files", files.len());
    let mut constructors: Vec<(Code, Vec<String>)> =
        Code::ALL.iter().map(|code| (*code, Vec::new())).collect();
    let mut problems = Vec::new();
    for file in &files {
        let text = fs::read_to_string(root().join(file)).unwrap();
        for (name, is_pub, body) in functions(&text) {
            let mut named: Vec<String> = codes_named(&body).into_iter().map(|(_, c)| c).collect();
            named.sort();
            named.dedup();
            if named.len() > 1 {
                problems.push(format!("`{name}` builds {} codes: {named:?}", named.len()));
            }
            if !named.is_empty() && !is_pub {
                problems.push(format!("`{name}` builds {named:?} but is not `pub`"));
            }
            for code in named {
                match constructors.iter_mut().find(|(c, _)| c.as_str() == code) {
                    Some((_, fns)) => fns.push(format!("{}::{name}", file.display())),
                    None => problems.push(format!("`{name}` builds {code}, which is not a code")),
                }
            }
        }
    }
    for (code, fns) in &constructors {
        // A retired code keeps its explanation and is built nowhere.
        let wanted = usize::from(!code.explanation().contains("no longer emitted"));
        if fns.len() != wanted {
            problems.push(format!(
                "{code} has {} constructors, not {wanted}: {fns:?}",
                fns.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scanners_see_what_they_look_for() {
    let text = "use x;\n\n/// Doc.\npub fn a(span: Span) -> Diagnostic {\n    Diagnostic::new(Code::E0101, span, \"m\")\n}\n\nfn b() {\n    let _ = (Code::W0106, Code::E0202);\n}\n";
    assert_eq!(
        codes_named(text),
        [
            (5, "E0101".to_owned()),
            (9, "W0106".to_owned()),
            (9, "E0202".to_owned())
        ]
    );
    let fns = functions(text);
    assert_eq!(
        fns.iter()
            .map(|(name, is_pub, _)| (name.as_str(), *is_pub))
            .collect::<Vec<_>>(),
        [("a", true), ("b", false)]
    );
    assert!(fns[0].2.contains("Code::E0101") && !fns[0].2.contains("Code::W0106"));
    assert!(codes_named("Code::E01011 MyCode::E0101").is_empty());
}
