//! No tracked text file cites a path outside the repository (`../shared`,
//! `/work/`) or a Markdown document or `docs/` path that does not exist:
//! the repository stands alone, and a reader can open everything it names.

use std::path::Path;
use std::process::Command;

/// Tracked files, from git; `None` outside a git checkout.
fn tracked() -> Option<Vec<String>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .args(["-C", root, "ls-files", "-z"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split('\0')
            .filter(|path| !path.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// Every path-like word of `text` that ends in `.md` or starts with `docs/`.
fn cited_paths(text: &str) -> Vec<String> {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    let mut out = Vec::new();
    for word in text.split(|c: char| !is_path_char(c)) {
        let word = word.trim_end_matches(['.', '/']);
        let cites_md = word.ends_with(".md") && word.len() > 3 && !word.starts_with('.');
        let cites_docs = word.starts_with("docs/");
        if (cites_md || cites_docs) && !word.contains("//") {
            out.push(word.to_owned());
        }
    }
    out
}

/// Whether a cited path exists, from the repository root or from the
/// citing file's directory.
fn exists(root: &Path, citing: &str, cited: &str) -> bool {
    let dir = Path::new(citing).parent().unwrap_or(Path::new(""));
    root.join(cited).exists()
        || root.join(dir).join(cited).exists()
        // `src/diag/explain/E0203.md` is cited as `explain/E0203.md`.
        || root.join("src/diag").join(cited).exists()
}

#[test]
fn no_file_cites_what_is_not_in_the_repository() {
    let Some(files) = tracked() else {
        crate::skip::skip(
            "tidy_citations::no_file_cites_what_is_not_in_the_repository",
            "not a git checkout (or no `git`), so the tracked files are unknown",
        );
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for file in &files {
        // This file names the forbidden strings to look for them.
        if file == "tests/it/tidy_citations.rs" {
            continue;
        }
        let Ok(bytes) = std::fs::read(root.join(file)) else {
            continue;
        };
        if bytes.contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (number, line) in text.lines().enumerate() {
            for outside in ["../shared", "/work/"] {
                if line.contains(outside) {
                    problems.push(format!("{file}:{}: cites `{outside}`: {line}", number + 1));
                }
            }
            // Only prose cites: Markdown, and comments of code (a test may
            // well create `generated/README.md` in a scratch directory).
            let prose = file.ends_with(".md")
                || line.trim_start().starts_with("//")
                || line.trim_start().starts_with('#');
            if !prose {
                continue;
            }
            // URLs name other sites; their paths are not this repository's.
            let local: String = line
                .split_whitespace()
                .filter(|word| !word.contains("://"))
                .collect::<Vec<_>>()
                .join(" ");
            for cited in cited_paths(&local) {
                if !exists(root, file, &cited) {
                    problems.push(format!(
                        "{file}:{}: cites `{cited}`, which is not in the repository",
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn cited_paths_are_found_in_prose_and_code() {
    assert_eq!(
        cited_paths("see `docs/language.md` and README.md, or docs/cilium-semantics.md §4."),
        ["docs/language.md", "README.md", "docs/cilium-semantics.md"]
    );
    assert_eq!(cited_paths("a .md file, e.g. `x.rs`"), Vec::<String>::new());
}
