//! The parallel build (issue 15): a repository with enough namespaces that
//! `emit` prints them on several threads gives, file for file, what each
//! namespace gives compiled alone; and a panic on a worker thread is the
//! internal-compiler-error report with nothing written.

use std::fs;
use std::path::Path;
use std::process::Command;

use netpolc::source::SourceMap;

/// Namespaces in the test repository: enough for two threads of at least
/// 128 namespaces each (`emit`'s threshold) with a remainder.
const NAMESPACES: usize = 301;

/// The policy of namespace `i`: two policies, with ports that vary.
fn namespace(i: usize) -> String {
    format!(
        "namespace ns-{i:04} {{\n  policy web {{\n    select pods app=web\n    allow from pods app=lb port {}/tcp\n  }}\n  policy api {{\n    select pods app=api\n    allow from pods app=web port {}/tcp\n    allow to cidr 10.{}.0.0/16 port 5432/tcp\n  }}\n}}\n",
        8000 + i,
        9000 + i % 7,
        i % 250,
    )
}

/// A repository of [`NAMESPACES`] files, one namespace each.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..NAMESPACES {
        fs::write(dir.path().join(format!("ns-{i:04}.netpol")), namespace(i)).unwrap();
    }
    dir
}

#[test]
fn many_namespaces_build_as_each_alone() {
    let dir = repository();
    let out = dir.path().join("generated");
    let run = Command::new(env!("CARGO_BIN_EXE_netpolc"))
        .args(["build"])
        .current_dir(dir.path())
        .env_remove("NETPOLC_TEST_FORCE_ICE")
        .env_remove("NETPOLC_TEST_PANIC_IN_WORKER")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let expected: Vec<String> = (0..NAMESPACES).map(|i| format!("ns-{i:04}.yaml")).collect();
    assert_eq!(names, expected);
    for i in 0..NAMESPACES {
        let mut sources = SourceMap::with_stdlib();
        sources.add_user(format!("ns-{i:04}.netpol"), namespace(i));
        let alone = netpolc::compile(&sources, &netpolc::Options::default());
        assert!(!alone.has_errors(), "{:?}", alone.diagnostics);
        let [file] = alone.files.as_slice() else {
            panic!("one file for namespace {i}: {:?}", alone.files);
        };
        let built = fs::read_to_string(out.join(&file.path)).unwrap();
        assert_eq!(built, file.contents, "{}", file.path);
    }
}

#[test]
#[cfg(not(feature = "test-hooks"))]
fn a_panic_in_a_worker_is_an_internal_error_and_writes_nothing() {
    panic!(
        "the worker panic test needs the binary's test hook: run the tests with `cargo test --locked --features test-hooks`"
    );
}

#[test]
#[cfg(feature = "test-hooks")]
fn a_panic_in_a_worker_is_an_internal_error_and_writes_nothing() {
    let dir = repository();
    let run = Command::new(env!("CARGO_BIN_EXE_netpolc"))
        .args(["build"])
        .current_dir(dir.path())
        .env_remove("NETPOLC_TEST_FORCE_ICE")
        .env("NETPOLC_TEST_PANIC_IN_WORKER", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(101), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: internal compiler error: forced in an emit worker by the test hook\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert!(!Path::new(&dir.path().join("generated")).exists());
}
