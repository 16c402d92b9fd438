//! Every ```` ```netpol ```` block of README.md and docs/*.md compiles as
//! written, and every ```` ```yaml,output=FILE ```` block is exactly what
//! netpolc writes to FILE for the repository of the netpol block before it.
//!
//! The info string of a netpol block is `netpol` and, after commas:
//! - a code such as `E0101` or `W0106`: the block must give exactly these
//!   codes (a block with no code must compile with no error and no warning);
//! - `file=PATH`: the block's file in the repository (default
//!   `policy.netpol`), which the generated header names;
//! - `repo=NAME`: blocks of one document with the same name are one
//!   repository, compiled together (`import` between them works);
//! - `fragment`: not compiled, for the few blocks that only show a piece of
//!   syntax; [`MAX_FRAGMENTS`] keeps them few.
//!
//! The same blocks are also checked against `netpolc fmt`: a block that
//! compiles is laid out as `fmt` would lay it out, so the docs teach the
//! canonical layout.
//!
//! The blocks are read here and checked in `tests/fixtures.rs`, one named
//! test per document (`docs::<path>`); here, the block reader's own test and
//! the counts (enough examples, few fragments).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Fragments allowed over all documents.
const MAX_FRAGMENTS: usize = 2;

/// One fenced block.
#[derive(Debug)]
struct Block {
    line: usize,
    info: String,
    text: String,
}

/// The fenced blocks of a Markdown text (``` fences, any length ≥ 3).
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim_start();
        let fence: String = trimmed.chars().take_while(|c| *c == '`').collect();
        if fence.len() < 3 {
            continue;
        }
        let info = trimmed[fence.len()..].trim().to_owned();
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.trim_start().starts_with(&fence) && inner.trim() == fence {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        out.push(Block {
            line: number + 1,
            info,
            text: body,
        });
    }
    out
}

/// A repository of one or more netpol blocks and what it must give.
#[derive(Debug, Default)]
pub struct Repo {
    pub name: Option<String>,
    /// The line of its first block.
    pub line: usize,
    pub files: Vec<(String, String)>,
    /// The codes it must give; none: it compiles clean.
    pub codes: BTreeSet<String>,
    pub fragment: bool,
    /// (file, expected contents, line of the output block).
    pub outputs: Vec<(String, String, usize)>,
}

/// The documents checked: README.md and docs/*.md.
pub fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = crate::ui::read_dir(&root.join("docs"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// The repositories of one document, in order.
pub fn repos(text: &str) -> Vec<Repo> {
    let mut repos: Vec<Repo> = Vec::new();
    let mut last: Option<usize> = None;
    for block in blocks(text) {
        let mut parts = block.info.split(',').map(str::trim);
        match parts.next() {
            Some("netpol") => {
                let attrs: Vec<&str> = parts.collect();
                let value = |key: &str| {
                    attrs
                        .iter()
                        .find_map(|attr| attr.strip_prefix(key)?.strip_prefix('='))
                };
                let name = value("repo").map(str::to_owned);
                let index = match name.as_ref().and_then(|name| {
                    repos
                        .iter()
                        .position(|repo| repo.name.as_ref() == Some(name))
                }) {
                    Some(index) => index,
                    None => {
                        repos.push(Repo {
                            name: name.clone(),
                            line: block.line,
                            ..Repo::default()
                        });
                        repos.len() - 1
                    }
                };
                let repo = &mut repos[index];
                let file = value("file").unwrap_or("policy.netpol").to_owned();
                assert!(
                    !repo.files.iter().any(|(path, _)| *path == file),
                    "line {}: `{file}` twice in one repository",
                    block.line
                );
                repo.files.push((file, block.text));
                for attr in &attrs {
                    if *attr == "fragment" {
                        repo.fragment = true;
                    } else if attr.len() == 5
                        && (attr.starts_with('E') || attr.starts_with('W'))
                        && attr[1..].chars().all(|c| c.is_ascii_digit())
                    {
                        repo.codes.insert((*attr).to_owned());
                    } else {
                        assert!(
                            attr.starts_with("file=") || attr.starts_with("repo="),
                            "line {}: unknown attribute `{attr}` in `{}`",
                            block.line,
                            block.info
                        );
                    }
                }
                last = Some(index);
            }
            Some("yaml") => {
                let output = parts.find_map(|attr| attr.strip_prefix("output="));
                if let Some(output) = output {
                    let index = last.unwrap_or_else(|| {
                        panic!(
                            "line {}: an output block with no netpol block before it",
                            block.line
                        )
                    });
                    repos[index]
                        .outputs
                        .push((output.to_owned(), block.text, block.line));
                }
            }
            _ => {}
        }
    }
    repos
}

#[test]
fn the_docs_have_many_checked_examples_and_few_fragments() {
    let (mut fragments, mut compiled, mut outputs) = (Vec::new(), 0, 0);
    for path in documents() {
        for repo in repos(&crate::ui::read_text(&path)) {
            if repo.fragment {
                fragments.push(format!("{}:{}", path.display(), repo.line));
            } else {
                compiled += 1;
                outputs += repo.outputs.len();
            }
        }
    }
    assert!(
        fragments.len() <= MAX_FRAGMENTS,
        "{} fragments ({}): write whole examples that compile instead",
        fragments.len(),
        fragments.join(", ")
    );
    // The docs do have examples to check: a parser that finds none fails here.
    assert!(compiled >= 20, "only {compiled} netpol blocks found");
    assert!(outputs >= 10, "only {outputs} yaml output blocks found");
}

#[test]
fn the_block_reader_sees_codes_files_repositories_and_outputs() {
    let text = "\
```netpol,repo=a,file=constants.netpol
const A = 10.0.0.0/8
```

```netpol,repo=a,file=ns.netpol,W0109
namespace x {}
```

```yaml,output=x.yaml
y
```

````netpol,fragment
allow to pods
````
";
    let repos = repos(text);
    assert_eq!(repos.len(), 2);
    assert_eq!(repos[0].files.len(), 2);
    assert_eq!(repos[0].files[0].0, "constants.netpol");
    assert_eq!(repos[0].codes, BTreeSet::from(["W0109".to_owned()]));
    assert_eq!(
        repos[0].outputs,
        vec![("x.yaml".to_owned(), "y\n".to_owned(), 9)]
    );
    assert!(repos[1].fragment);
    assert_eq!(repos[1].files[0].1, "allow to pods\n");
}
