//! Hostile input: truncated, corrupted, binary, deeply nested and huge files
//! give coded diagnostics, never a panic and never output.

use netpolc::source::SourceMap;

use crate::examples::{example_dirs, repo_files};

fn compile(text: &str) -> netpolc::Compilation {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("input.netpol", text);
    netpolc::compile(&sources, &netpolc::Options::default())
}

fn codes(text: &str) -> Vec<String> {
    compile(text)
        .diagnostics
        .iter()
        .map(|diag| diag.code.to_string())
        .collect()
}

/// A small deterministic generator, so failures reproduce (also used by
/// `output_safety.rs`).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next value, 31 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A value below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn corpus() -> Vec<String> {
    example_dirs()
        .iter()
        .flat_map(|dir| repo_files(dir))
        .map(|(_, text)| text)
        .chain(
            netpolc::stdlib::FILES
                .iter()
                .map(|(_, text)| (*text).to_owned()),
        )
        .collect()
}

#[test]
fn truncated_files_never_panic() {
    for text in corpus() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let compilation = compile(&text[..cut]);
                assert!(compilation.files.is_empty() || !compilation.has_errors());
            }
            cut += 13;
        }
    }
}

#[test]
fn corrupted_files_never_panic() {
    let mut rng = Lcg(42);
    let alphabet = b"{}[](),:=!$\"#/-. \nabcz019*";
    for text in corpus() {
        for _ in 0..40 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..3 {
                let at = (rng.next() as usize) % bytes.len().max(1);
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = alphabet[(rng.next() as usize) % alphabet.len()];
                }
            }
            let corrupted = String::from_utf8_lossy(&bytes);
            let compilation = compile(&corrupted);
            assert!(compilation.files.is_empty() || !compilation.has_errors());
        }
    }
}

#[test]
fn binary_input_is_a_syntax_error() {
    let mut rng = Lcg(7);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..256).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let compilation = compile(&text);
        assert!(compilation.files.is_empty());
    }
    assert_eq!(codes("\u{0}\u{1}\u{2}ELF"), vec!["E0001"]);
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let text = format!(
        "const X = {}10.0.0.0/8{}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(codes(&text), vec!["E0005"]);
    let braces = format!("namespace a {{ {} }}", "{".repeat(10_000));
    assert_eq!(codes(&braces), vec!["E0005"]);
}

#[test]
fn huge_files_are_refused() {
    let text = "# padding\n".repeat(900_000);
    assert_eq!(codes(&text), vec!["E0004"]);
}

#[test]
fn long_lists_and_lines_compile() {
    let cidrs: Vec<String> = (0..20_000)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let text = format!(
        "const BIG = [{}]\nnamespace a {{ allow to cidr $BIG port 443/tcp }}\n",
        cidrs.join(", ")
    );
    let compilation = compile(&text);
    // 20,000 CIDRs are 20,000 policy-map entries: the one warning is W0113.
    let codes: Vec<&str> = compilation
        .diagnostics
        .iter()
        .map(|diag| diag.code.as_str())
        .collect();
    assert_eq!(codes, vec!["W0113"]);
    assert_eq!(compilation.files.len(), 1);
}

/// Five mebibytes: a line that long is still under the 8 MiB file limit.
const FIVE_MB: usize = 5 * 1024 * 1024;

#[test]
fn five_megabyte_lines_compile_or_give_a_code() {
    let rule = "namespace a { allow to cidr 10.0.0.0/8 port 80/tcp }\n";
    let comment = format!("# {}\n{rule}", "x".repeat(FIVE_MB));
    assert_eq!(codes(&comment), Vec::<String>::new());
    let name = format!(
        "namespace a{} {{ allow to cidr 10.0.0.0/8 port 80/tcp }}\n",
        "a".repeat(FIVE_MB)
    );
    assert_eq!(codes(&name), vec!["E0206"]);
    let unterminated = format!("namespace a {{ description \"{}\n}}\n", "x".repeat(FIVE_MB));
    assert_eq!(codes(&unterminated), vec!["E0002"]);
    let garbage = format!("namespace a {{ {}}}\n", "allow ".repeat(FIVE_MB / 6));
    assert_eq!(codes(&garbage), vec!["E0001"]);
}

#[test]
fn deep_selectors_parentheses_and_regexps_give_a_code() {
    use netpolc::syntax::MAX_NESTING;
    let selector = format!(
        "namespace a {{ allow from pods {}a=b{} port 80/tcp }}",
        "{ ".repeat(100_000),
        " }".repeat(100_000)
    );
    assert_eq!(codes(&selector), vec!["E0005"]);
    let parens = format!(
        "namespace a {{ allow from pods tier in {}a{} port 80/tcp }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_eq!(codes(&parens), vec!["E0005"]);
    // One level under the limit, counting the namespace's braces: pest
    // parses it, and it is a syntax error rather than a stack overflow.
    let under = format!(
        "namespace a {{ allow from pods {}a=b{} port 80/tcp }}",
        "{ ".repeat(MAX_NESTING - 1),
        " }".repeat(MAX_NESTING - 1)
    );
    assert_eq!(codes(&under), vec!["E0001"]);
    let lists = format!(
        "const X = {}10.0.0.0/8{}\nnamespace a {{ allow to cidr $X port 80/tcp }}\n",
        "[".repeat(MAX_NESTING),
        "]".repeat(MAX_NESTING)
    );
    assert_eq!(codes(&lists), Vec::<String>::new());
    // Parentheses inside a string are not nesting, but an HTTP path regexp
    // nested 10,000 deep is refused by the regexp parser's own limit.
    let regexp = format!(
        "namespace a {{ allow from pods a=b port 80/tcp http \"{}{}\" }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_eq!(codes(&regexp), vec!["E0211"]);
}

#[test]
fn a_hundred_thousand_use_statements_compile() {
    let uses = "    use allow_dns\n".repeat(100_000);
    let text = format!("namespace a {{\n  policy p {{\n    select pods app=a\n{uses}  }}\n}}\n");
    let compilation = compile(&text);
    // The same stdlib rules 100,000 times would make a policy of more than
    // 100,000 entries: one E0108, at the `use` that passes the budget, and
    // none for the statements after it.
    let codes: Vec<&str> = compilation
        .diagnostics
        .iter()
        .map(|diag| diag.code.as_str())
        .collect();
    assert_eq!(codes, ["E0108"]);
    assert!(compilation.files.is_empty());
    // Within the budget, the same shape compiles: duplicate rules, and a
    // policy map estimate past the warning line.
    let uses = "    use allow_dns\n".repeat(10_000);
    let text = format!("namespace a {{\n  policy p {{\n    select pods app=a\n{uses}  }}\n}}\n");
    let compilation = compile(&text);
    let codes: std::collections::BTreeSet<&str> = compilation
        .diagnostics
        .iter()
        .map(|diag| diag.code.as_str())
        .collect();
    assert_eq!(codes, ["W0108", "W0113"].into_iter().collect());
    assert_eq!(compilation.files.len(), 1);
}

#[test]
fn import_chains_ten_thousand_files_long_compile() {
    let mut sources = SourceMap::with_stdlib();
    let n = 10_000;
    for i in 0..n {
        let text = if i + 1 < n {
            format!("import \"f{}.netpol\"\nconst C{i} = 10.0.0.0/8\n", i + 1)
        } else {
            format!("const C{i} = 10.0.0.0/8\nnamespace a {{ allow to cidr $C{i} port 80/tcp }}\n")
        };
        sources.add_user(format!("f{i}.netpol"), text);
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    assert!(
        !compilation.has_errors(),
        "{:?}",
        compilation.diagnostics.first()
    );
    assert_eq!(compilation.files.len(), 1);
}

/// Constants defined in terms of each other, and categories that use each
/// other, recurse once per level; a chain deeper than 100 levels is a coded
/// error (E0107), never a stack overflow. Run in a separate process, so a
/// regression cannot take the test binary down.
#[test]
fn deep_constant_and_category_chains_are_refused() {
    let n = 100_000;
    let mut constants = String::from("const C0 = 10.0.0.0/8\n");
    let mut categories = String::from("category c0 { allow to cidr 10.0.0.0/8 port 80/tcp }\n");
    for i in 1..n {
        constants.push_str(&format!("const C{i} = $C{}\n", i - 1));
        categories.push_str(&format!("category c{i} {{ use c{} }}\n", i - 1));
    }
    constants.push_str(&format!(
        "namespace a {{ allow to cidr $C{} port 80/tcp }}\n",
        n - 1
    ));
    categories.push_str(&format!("namespace a {{ use c{} }}\n", n - 1));
    for text in [constants, categories] {
        let dir = crate::cli::repo(&[("a.netpol", text.as_bytes())]);
        let run = crate::cli::netpolc(dir.path(), &["build"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("error[E0107]"), "{}", run.stderr);
        assert!(!dir.path().join("generated").exists());
    }
}
