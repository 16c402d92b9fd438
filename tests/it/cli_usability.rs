//! What a new user tripped on at the command line: `fmt -` for editors,
//! `fmt --quiet`, `fmt --check`'s wording, `explain` of an unknown code as a
//! usage error, and the shell completions and man page.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::cli::{netpolc, repo};

/// Runs netpolc with `args` in a scratch directory, `input` on stdin.
fn with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_netpolc"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    // A command that refuses its arguments exits without reading stdin: the
    // pipe is then closed under the write, which is not the test's failure.
    if let Err(error) = written {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    let output = child.wait_with_output().unwrap();
    // Nothing may be written into the working directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const MESSY: &str = "namespace shop { policy web {\n allow from pods app = web port 80/tcp } }";
const TIDY: &str =
    "namespace shop {\n  policy web {\n    allow from pods app=web port 80/tcp\n  }\n}\n";

#[test]
fn fmt_dash_formats_stdin_to_stdout() {
    let (code, stdout, stderr) = with_stdin(&["fmt", "-"], MESSY);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, TIDY);
    assert_eq!(stderr, "");
}

#[test]
fn fmt_dash_with_a_syntax_error_writes_nothing_to_stdout() {
    let (code, stdout, stderr) = with_stdin(
        &["--message-format", "short", "fmt", "-"],
        "namespace shop { allow from }\n",
    );
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    assert!(stderr.starts_with("<stdin>:1:"), "{stderr}");
    assert!(stderr.contains("error[E0001]"), "{stderr}");
}

#[test]
fn fmt_dash_check_exits_1_when_stdin_is_not_formatted() {
    let (code, stdout, _) = with_stdin(&["fmt", "--check", "-"], MESSY);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let (code, stdout, stderr) = with_stdin(&["fmt", "--check", "-"], TIDY);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
}

#[test]
fn fmt_dash_with_other_paths_is_a_usage_error() {
    let (code, stdout, stderr) = with_stdin(&["fmt", "-", "a.netpol"], MESSY);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("cannot be given with other paths"),
        "{stderr}"
    );
}

#[test]
fn fmt_quiet_prints_no_summary() {
    let dir = repo(&[("messy.netpol", MESSY.as_bytes())]);
    let run = netpolc(dir.path(), &["fmt", "--check", "--quiet"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: 1 file is not formatted\nhelp: run `netpolc fmt` to format them\n"
    );
    let run = netpolc(dir.path(), &["fmt", "-q"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.netpol")).unwrap(),
        TIDY
    );
}

#[test]
fn fmt_check_does_not_read_as_if_it_wrote() {
    let dir = repo(&[("tidy.netpol", TIDY.as_bytes())]);
    let run = netpolc(dir.path(), &["fmt", "--check"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "1 file already formatted, 0 would be reformatted\n"
    );
}

#[test]
fn explain_of_an_unknown_code_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = netpolc(dir.path(), &["explain", "E9999"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
}

#[test]
fn completions_cover_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = netpolc(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in [
            "build",
            "lint",
            "check",
            "diff",
            "fmt",
            "import",
            "explain",
            "deny-warnings",
        ] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let run = netpolc(dir.path(), &["completions", "tcsh"]);
    assert_eq!(run.code, 2);
}

#[test]
fn man_page_is_roff_naming_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let run = netpolc(dir.path(), &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH netpolc 1"), "{}", run.stdout);
    for word in ["build", "check", "fmt", "import", "explain", "completions"] {
        assert!(run.stdout.contains(word), "the man page lacks {word}");
    }
}
