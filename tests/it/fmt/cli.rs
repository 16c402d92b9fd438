//! `netpolc fmt [PATHS] [--check]` exit paths: formatted, not formatted,
//! rewritten, syntax error, missing path; and what is (not) touched on disk.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::cli::{netpolc, repo};

/// A formatted file.
const TIDY: &str =
    "namespace shop {\n  policy web {\n    allow from pods app=web port 80/tcp\n  }\n}\n";

/// The same file, badly laid out.
const MESSY: &str = "namespace shop { policy web {\n allow from pods app = web port 80/tcp } }";

/// A file with a syntax error.
const BROKEN: &str = "namespace shop   { allow from }\n";

/// An old modification time, so that any write shows.
fn old() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

/// Sets the modification time of every file under `dir` to [`old`].
fn age(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age(&path);
        } else {
            fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(old())
                .unwrap();
        }
    }
}

/// Every file under `dir`: relative path, contents and modification time.
fn snapshot(dir: &Path) -> Vec<(String, String, SystemTime)> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String, SystemTime)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                let text = fs::read_to_string(&path).unwrap();
                out.push((rel, text, fs::metadata(&path).unwrap().modified().unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A repository with tidy and messy files, and messy files that `fmt`
/// must not look at: in a hidden directory, in `target`, and not `.netpol`.
fn mixed() -> tempfile::TempDir {
    let dir = repo(&[
        ("tidy.netpol", TIDY.as_bytes()),
        ("messy.netpol", MESSY.as_bytes()),
        ("sub/deeper/messy.netpol", MESSY.as_bytes()),
        (".hidden/messy.netpol", MESSY.as_bytes()),
        ("target/messy.netpol", MESSY.as_bytes()),
        ("notes.txt", MESSY.as_bytes()),
    ]);
    age(dir.path());
    dir
}

#[test]
fn check_passes_when_every_file_is_formatted() {
    let dir = repo(&[
        ("tidy.netpol", TIDY.as_bytes()),
        ("sub/tidy.netpol", TIDY.as_bytes()),
    ]);
    let run = netpolc(dir.path(), &["fmt", "--check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "2 files already formatted, 0 would be reformatted\n"
    );
}

#[test]
fn check_lists_unformatted_files_and_changes_nothing() {
    let dir = mixed();
    let before = snapshot(dir.path());
    let run = netpolc(dir.path(), &["fmt", "--check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "would reformat messy.netpol\nwould reformat sub/deeper/messy.netpol\n\
         error: 2 files are not formatted\nhelp: run `netpolc fmt` to format them\n"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn fmt_rewrites_only_what_changes_and_a_second_run_writes_nothing() {
    let dir = mixed();
    let before = snapshot(dir.path());
    let run = netpolc(dir.path(), &["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "formatted 2 files, 1 already formatted\n");
    let after = snapshot(dir.path());
    assert_eq!(
        after.len(),
        before.len(),
        "no temporary file stays behind: {after:?}"
    );
    for ((path, old_text, old_time), (_, new_text, new_time)) in before.iter().zip(&after) {
        if path == "messy.netpol" || path == "sub/deeper/messy.netpol" {
            assert_eq!(new_text, TIDY, "{path}");
            assert_ne!(new_time, old_time, "{path}");
        } else {
            assert_eq!(
                (new_text, new_time),
                (old_text, old_time),
                "{path} was touched"
            );
        }
    }
    age(dir.path());
    let before = snapshot(dir.path());
    let run = netpolc(dir.path(), &["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "formatted 0 files, 3 already formatted\n");
    assert_eq!(snapshot(dir.path()), before);
    let run = netpolc(dir.path(), &["fmt", "--check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_syntax_error_is_reported_and_its_file_left_alone() {
    let dir = repo(&[
        ("broken.netpol", BROKEN.as_bytes()),
        ("messy.netpol", MESSY.as_bytes()),
    ]);
    age(dir.path());
    let run = netpolc(dir.path(), &["--message-format", "short", "fmt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "broken.netpol:1:31: error[E0001]: expected a peer (`pods`, `namespace`, `namespaces`, \
         `entity`, `cidr`, `fqdn`, `service`, `services`, `nodes`, `aws`, `anywhere` or `everything`), found `}`\n\
         formatted 1 file, 0 already formatted\n\
         error: could not format every file: 1 error\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("broken.netpol")).unwrap(),
        BROKEN
    );
    assert_eq!(
        fs::metadata(dir.path().join("broken.netpol"))
            .unwrap()
            .modified()
            .unwrap(),
        old()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("messy.netpol")).unwrap(),
        TIDY
    );
}

#[test]
fn a_syntax_error_fails_check_too() {
    let dir = repo(&[
        ("broken.netpol", BROKEN.as_bytes()),
        ("tidy.netpol", TIDY.as_bytes()),
    ]);
    let run = netpolc(dir.path(), &["fmt", "--check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E0001]"), "{}", run.stderr);
    assert!(run.stderr.contains("broken.netpol:1:31"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("broken.netpol")).unwrap(),
        BROKEN
    );
}

#[test]
fn paths_can_name_files_and_directories() {
    let dir = mixed();
    fs::write(dir.path().join("policy.txt"), MESSY).unwrap();
    let run = netpolc(
        dir.path(),
        &["fmt", "sub", "policy.txt", "sub/deeper/messy.netpol"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "formatted 2 files, 0 already formatted\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("policy.txt")).unwrap(),
        TIDY
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/deeper/messy.netpol")).unwrap(),
        TIDY
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("messy.netpol")).unwrap(),
        MESSY
    );
    let run = netpolc(dir.path(), &["fmt", "--check", "sub/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = netpolc(dir.path().join("sub").as_path(), &["fmt", "--check", ".."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("would reformat ../messy.netpol\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let dir = repo(&[("messy.netpol", MESSY.as_bytes())]);
    let run = netpolc(
        dir.path(),
        &[
            "--message-format",
            "short",
            "fmt",
            "nowhere",
            "messy.netpol",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error[E0902]: cannot read `nowhere`: no such file or directory\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("messy.netpol")).unwrap(),
        TIDY
    );
}

#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("messy.netpol", MESSY.as_bytes())]);
    let path = dir.path().join("messy.netpol");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let run = netpolc(dir.path(), &["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), TIDY);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}
