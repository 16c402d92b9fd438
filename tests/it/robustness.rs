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
    compile(text).diagnostics.iter().map(|diag| diag.code.to_string()).collect()
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn corpus() -> Vec<String> {
    example_dirs()
        .iter()
        .flat_map(|dir| repo_files(dir))
        .map(|(_, text)| text)
        .chain(netpolc::stdlib::FILES.iter().map(|(_, text)| (*text).to_owned()))
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
    let text = format!("const X = {}10.0.0.0/8{}", "[".repeat(100_000), "]".repeat(100_000));
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
    let cidrs: Vec<String> = (0..20_000).map(|i| format!("10.{}.{}.0/24", i / 256, i % 256)).collect();
    let text = format!("const BIG = [{}]\nnamespace a {{ allow to cidr $BIG port 443/tcp }}\n", cidrs.join(", "));
    let compilation = compile(&text);
    // 20,000 CIDRs are 20,000 policy-map entries: the one warning is W0113.
    let codes: Vec<&str> = compilation.diagnostics.iter().map(|diag| diag.code.as_str()).collect();
    assert_eq!(codes, vec!["W0113"]);
    assert_eq!(compilation.files.len(), 1);
}
