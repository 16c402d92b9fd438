//! A repository written by a stranger: what netpolc reads and prints when
//! it checks a pull request from a fork. Each test runs the real binary
//! (with a time limit, so that a command that blocks fails instead of
//! hanging the test run) on a repository holding an attack:
//!
//! - links that leave the repository (`/proc/self/environ`, a file beside
//!   it), FIFOs and devices named `*.netpol` or `*.yaml`: E0905, and the
//!   content never appears in the output;
//! - control characters in sources (ESC, OSC 52, BEL, NUL, CR, DEL, C1),
//!   strings whose `\n` would print a forged line (`::error ...`, a fake
//!   `file:line:col: error[...]`), file names with newlines (E0907): the
//!   raw characters never reach the output;
//! - bidirectional controls (E0006) and invisible characters (W0117).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netpolc::diag::escape::{bidi_chars, bidi_name};
use netpolc::diag::render::{Format, render};
use netpolc::source::SourceMap;

use crate::cli::SHOP;

/// Longer than any of these commands takes, even on a loaded machine; a
/// command still running then is blocked.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The result of one run, as bytes: the tests look for raw control bytes.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Both streams, for searching.
    fn all(&self) -> Vec<u8> {
        [self.stdout.as_slice(), self.stderr.as_slice()].concat()
    }

    fn contains(&self, needle: &[u8]) -> bool {
        self.all()
            .windows(needle.len().max(1))
            .any(|window| window == needle)
    }
}

/// Runs netpolc in `dir` with `args` and the extra environment `env`;
/// panics when it has not finished within [`TIME_LIMIT`] (after killing it).
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netpolc"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NETPOLC_TEST_FORCE_ICE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`netpolc {}` did not finish within {TIME_LIMIT:?}: it blocks",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn exec(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

/// A repository with one valid file, `shop.netpol`, in `repo/` under a
/// temporary directory; the directory beside it is "outside".
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("repo")).unwrap();
    fs::write(dir.path().join("repo/shop.netpol"), SHOP).unwrap();
    dir
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Makes a FIFO with `mkfifo`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {} failed", path.display());
}

/// Asserts an E0905 failure that names `name`.
#[track_caller]
fn assert_e0905(run: &Run, name: &str) {
    let stderr = run.stderr();
    assert_eq!(run.code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("error[E0905]: `{name}` is not a regular file")),
        "{stderr}"
    );
}

/// The commands that read a repository at `repo`, as argument lists.
fn repo_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["build", "repo"],
        vec!["check", "repo"],
        vec!["diff", "repo"],
        vec!["lint", "repo"],
        vec!["fmt", "--check", "repo"],
    ]
}

/// What a command names a file of the repository: from the repository
/// for the commands that compile it, from the current directory for fmt.
fn shown(command: &[&str], file: &str) -> String {
    if command.first() == Some(&"fmt") {
        format!("repo/{file}")
    } else {
        file.to_owned()
    }
}

#[cfg(target_os = "linux")]
#[test]
fn link_to_proc_self_environ_is_refused_and_the_environment_never_printed() {
    let secret = "netpolc-test-secret-Zq7vX2";
    if !Path::new("/proc/self/environ").is_file() {
        // Linux CI runners always mount /proc: there, this must not be skipped.
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci != "true"),
            "/proc/self/environ is missing under CI=true"
        );
        crate::skip::skip(
            "hostile_repo::link_to_proc_self_environ_is_refused_and_the_environment_never_printed",
            "/proc is not mounted",
        );
        return;
    }
    let dir = workspace();
    symlink("/proc/self/environ", dir.path().join("repo/evil.netpol"));
    for command in repo_commands() {
        for format in ["human", "short", "json"] {
            let mut args = vec!["--message-format", format];
            args.extend(&command);
            let run = run_env(dir.path(), &args, &[("GITHUB_TOKEN", secret)]);
            assert_eq!(run.code, 1, "{args:?}: {}", run.stderr());
            assert!(run.contains(b"E0905"), "{args:?}: {}", run.stderr());
            assert!(
                !run.contains(secret.as_bytes()) && !run.contains(b"GITHUB_TOKEN"),
                "{args:?} printed the environment:\n{}\n{}",
                run.stdout(),
                run.stderr()
            );
        }
        let run = run_env(dir.path(), &command, &[("GITHUB_TOKEN", secret)]);
        assert_e0905(&run, &shown(&command, "evil.netpol"));
        assert!(
            run.stderr()
                .contains("a symbolic link that leads outside the repository"),
            "{}",
            run.stderr()
        );
    }
    assert!(!dir.path().join("repo/generated").exists());
}

#[cfg(unix)]
#[test]
fn link_to_a_file_outside_the_repository_is_refused_by_every_command() {
    let secret = "OUTSIDE-SECRET namespace";
    let dir = workspace();
    fs::write(dir.path().join("secret.netpol"), secret).unwrap();
    symlink("../secret.netpol", dir.path().join("repo/leak.netpol"));
    for command in repo_commands() {
        let run = exec(dir.path(), &command);
        assert_e0905(&run, &shown(&command, "leak.netpol"));
        assert!(
            run.stderr()
                .contains("a symbolic link that leads outside the repository"),
            "{}",
            run.stderr()
        );
        assert!(
            !run.contains(b"OUTSIDE-SECRET"),
            "{command:?}: {}",
            run.stderr()
        );
    }
    // Named on the command line, the link is refused too: it leaves the
    // current directory.
    let run = exec(&dir.path().join("repo"), &["fmt", "--check", "leak.netpol"]);
    assert_e0905(&run, "leak.netpol");
    assert!(!run.contains(b"OUTSIDE-SECRET"), "{}", run.stderr());
    assert_eq!(
        fs::read_to_string(dir.path().join("secret.netpol")).unwrap(),
        secret
    );
}

#[cfg(unix)]
#[test]
fn link_inside_the_repository_is_still_read() {
    let dir = workspace();
    // `target/` is not walked, but a link to a file in it is inside the repository.
    fs::create_dir(dir.path().join("repo/target")).unwrap();
    fs::rename(
        dir.path().join("repo/shop.netpol"),
        dir.path().join("repo/target/shop.netpol"),
    )
    .unwrap();
    symlink("target/shop.netpol", dir.path().join("repo/shop.netpol"));
    let run = exec(dir.path(), &["build", "repo"]);
    assert_eq!(run.code, 0, "{}", run.stderr());
    assert!(dir.path().join("repo/generated/shop.yaml").is_file());
}

#[cfg(unix)]
#[test]
fn import_refuses_links_out_of_its_directory() {
    let secret = "OUTSIDE-SECRET: yes";
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("k8s")).unwrap();
    fs::write(dir.path().join("secret.yaml"), secret).unwrap();
    symlink("../secret.yaml", dir.path().join("k8s/leak.yaml"));
    let run = exec(dir.path(), &["import", "k8s", "--out", "policies"]);
    assert_e0905(&run, "k8s/leak.yaml");
    assert!(!run.contains(b"OUTSIDE-SECRET"), "{}", run.stderr());
    assert!(!dir.path().join("policies").exists());
    // A link named on the command line may not leave the current directory.
    let run = exec(
        &dir.path().join("k8s"),
        &["import", "leak.yaml", "--out", "out"],
    );
    assert_e0905(&run, "leak.yaml");
    assert!(!run.contains(b"OUTSIDE-SECRET"), "{}", run.stderr());
}

#[cfg(unix)]
#[test]
fn fifo_does_not_block_any_command() {
    let dir = workspace();
    mkfifo(&dir.path().join("repo/x.netpol"));
    for command in repo_commands() {
        let run = exec(dir.path(), &command);
        assert_e0905(&run, &shown(&command, "x.netpol"));
        assert!(run.stderr().contains("a FIFO"), "{}", run.stderr());
    }
    let run = exec(&dir.path().join("repo"), &["fmt", "x.netpol"]);
    assert_e0905(&run, "x.netpol");
    // Import: a FIFO found in a directory, and one named.
    fs::create_dir(dir.path().join("k8s")).unwrap();
    mkfifo(&dir.path().join("k8s/pipe.yaml"));
    let run = exec(dir.path(), &["import", "k8s", "--out", "policies"]);
    assert_e0905(&run, "k8s/pipe.yaml");
    let run = exec(
        dir.path(),
        &["import", "k8s/pipe.yaml", "--out", "policies"],
    );
    assert_e0905(&run, "k8s/pipe.yaml");
}

#[cfg(unix)]
#[test]
fn links_to_devices_are_refused() {
    for device in ["/dev/null", "/dev/zero"] {
        let dir = workspace();
        symlink(device, dir.path().join("repo/dev.netpol"));
        for command in repo_commands() {
            let run = exec(dir.path(), &command);
            assert_e0905(&run, &shown(&command, "dev.netpol"));
        }
    }
}

/// A real character device in the repository, which only root can make.
#[cfg(target_os = "linux")]
#[test]
fn character_device_is_refused() {
    let dir = workspace();
    let path = dir.path().join("repo/null.netpol");
    let made = Command::new("mknod")
        .arg(&path)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        // Making a device needs root (CAP_MKNOD), which .ci/run has.
        crate::skip::skip(
            "hostile_repo::character_device_is_refused",
            "`mknod` cannot make a character device here (not root)",
        );
        return;
    }
    for command in repo_commands() {
        let run = exec(dir.path(), &command);
        assert_e0905(&run, &shown(&command, "null.netpol"));
        assert!(
            run.stderr().contains("a character device"),
            "{}",
            run.stderr()
        );
    }
}

/// Control characters in a comment on the line of an error, so the snippet
/// echoes them.
const CONTROLS: &[(&str, &[u8])] = &[
    ("ESC", b"\x1b[2J\x1b[31m"),
    ("OSC 52", b"\x1b]52;c;cm0gLXJmIH4=\x07"),
    ("BEL", b"\x07"),
    ("NUL", b"\x00"),
    ("CR", b"\r"),
    ("DEL", b"\x7f"),
    ("C1 CSI", "\u{9b}31m".as_bytes()),
    ("C1 NEL", "\u{85}".as_bytes()),
    ("LINE SEPARATOR", "\u{2028}".as_bytes()),
];

#[test]
fn control_characters_in_source_never_reach_the_output() {
    for (name, bytes) in CONTROLS {
        let mut source = b"namespace shop {\n  policy web {\n    allow from pods app=a port 80/tcp\n    select pods app=$NOPE # ".to_vec();
        source.extend_from_slice(bytes);
        source.extend_from_slice(b" hidden\n  }\n}\n");
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.netpol"), &source).unwrap();
        for format in ["human", "short"] {
            let run = exec(dir.path(), &["--message-format", format, "build"]);
            assert_eq!(run.code, 1, "{name}: {}", run.stderr());
            assert!(run.stderr().contains("E0101"), "{name}: {}", run.stderr());
            assert!(
                !run.contains(bytes),
                "{name} reached the {format} output raw:\n{:?}",
                run.stderr()
            );
            if format == "human" {
                // The snippet shows it escaped.
                let escaped = netpolc::diag::escape::escape(std::str::from_utf8(bytes).unwrap());
                assert!(run.stderr().contains(&*escaped), "{name}: {}", run.stderr());
            }
        }
    }
}

#[test]
fn control_characters_in_an_error_token_are_escaped_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.netpol"),
        "namespace shop {\n  allow from pods app=b\u{1b}]52;c;eA==\u{7} port 80/tcp\n}\n",
    )
    .unwrap();
    for format in ["human", "short"] {
        let run = exec(dir.path(), &["--message-format", format, "build"]);
        assert_eq!(run.code, 1);
        assert!(run.stderr().contains("found `\\u{1b}`"), "{}", run.stderr());
        assert!(
            !run.contains(b"\x1b") && !run.contains(b"\x07"),
            "{:?}",
            run.stderr()
        );
    }
    // JSON keeps the exact text, escaped the JSON way.
    let run = exec(dir.path(), &["--message-format", "json", "build"]);
    let line = run.stdout().lines().next().unwrap().to_owned();
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(
        value["message"]
            .as_str()
            .unwrap()
            .contains("found `\u{1b}`"),
        "{line}"
    );
    assert!(!run.stdout.contains(&0x1b), "{line}");
}

/// Strings whose escapes would print forged lines: a GitHub Actions
/// workflow command and a fake diagnostic of another file.
const FORGERIES: &[&str] = &[
    "web\\n::error file=other.netpol,line=7::pwned",
    "web\\nother.netpol:7:3: error[E0203]: forged\\n::warning::x",
    "web\r::error::a raw carriage return",
];

#[test]
fn strings_with_newlines_cannot_forge_output_lines() {
    for forgery in FORGERIES {
        let source = format!(
            "namespace shop {{\n  policy web {{\n    select pods app=\"{forgery}\"\n    allow from pods app=gateway port 80/tcp\n  }}\n}}\n"
        );
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.netpol"), source).unwrap();
        for format in ["human", "short"] {
            let run = exec(dir.path(), &["--message-format", format, "lint"]);
            let stderr = run.stderr();
            assert_eq!(run.code, 1, "{stderr}");
            assert!(stderr.contains("error[E0205]"), "{stderr}");
            for line in stderr.lines() {
                assert!(!line.starts_with("::"), "forged line {line:?} in\n{stderr}");
                assert!(
                    !line.starts_with("other.netpol"),
                    "forged line {line:?} in\n{stderr}"
                );
            }
            assert!(!run.contains(b"\r"), "{stderr:?}");
            if format == "short" {
                // One diagnostic, one line, then the summary.
                assert_eq!(stderr.lines().count(), 2, "{stderr}");
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn file_names_with_control_characters_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let names: &[&[u8]] = &[
        b"shop\n::error file=x::pwned.netpol",
        b"a\x1b[2Jb.netpol",
        b"c\rd.netpol",
        "e\u{202e}lopten.netpol".as_bytes(),
        b"bad\xffname.netpol",
    ];
    for name in names {
        let dir = workspace();
        let path = dir
            .path()
            .join("repo")
            .join(std::ffi::OsStr::from_bytes(name));
        fs::write(&path, SHOP).unwrap();
        for command in repo_commands() {
            for format in ["human", "short"] {
                let mut args = vec!["--message-format", format];
                args.extend(&command);
                let run = exec(dir.path(), &args);
                let stderr = run.stderr();
                assert_eq!(run.code, 1, "{stderr}");
                assert!(stderr.contains("error[E0907]"), "{stderr}");
                for line in stderr.lines() {
                    assert!(!line.starts_with("::"), "{line:?} in\n{stderr}");
                }
                assert!(!run.contains(b"\x1b") && !run.contains(b"\r"), "{stderr:?}");
                assert!(!run.contains("\u{202e}".as_bytes()), "{stderr:?}");
            }
        }
        // Import refuses such a name found in a directory.
        let yaml = dir.path().join("k8s");
        fs::create_dir(&yaml).unwrap();
        let mut yaml_name = name[..name.len() - ".netpol".len()].to_vec();
        yaml_name.extend_from_slice(b".yaml");
        fs::write(
            yaml.join(std::ffi::OsStr::from_bytes(&yaml_name)),
            "kind: x\n",
        )
        .unwrap();
        let run = exec(dir.path(), &["import", "k8s", "--out", "policies"]);
        assert_eq!(run.code, 1, "{}", run.stderr());
        assert!(run.stderr().contains("error[E0907]"), "{}", run.stderr());
    }
}

#[test]
fn file_name_with_a_newline_is_shown_escaped() {
    let dir = workspace();
    fs::write(dir.path().join("repo/shop\n::error::x.netpol"), SHOP).unwrap();
    let run = exec(dir.path(), &["build", "repo"]);
    assert_eq!(
        run.stderr().lines().next().unwrap(),
        "error[E0907]: cannot read `shop\\n::error::x.netpol`: its path holds the control character U+000A"
    );
}

/// Compiles one file in memory and renders its diagnostics.
fn compile(text: &str, format: Format) -> (Vec<String>, String) {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("a.netpol", text);
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let codes = compilation
        .diagnostics
        .iter()
        .map(|diag| diag.code.to_string())
        .collect();
    (
        codes,
        render(&compilation.diagnostics, &sources, format, false),
    )
}

#[test]
fn every_bidi_control_is_e0006_in_comments_strings_and_between_tokens() {
    let places = [
        "namespace shop {\n  # a comment X here\n  allow from pods app=web port 80/tcp\n}\n",
        "namespace shop {\n  allow from pods app=web port 80/tcp http GET \"/aXb\"\n}\n",
        "namespace shop {\n  policy web {\n    description \"text X\"\n    select pods app=web\n  }\n}\n",
        "namespace shop {\n  allow from pods X app=web port 80/tcp\n}\n",
    ];
    let mut count = 0;
    for c in bidi_chars() {
        let name = bidi_name(c).unwrap();
        let headline = format!("U+{:04X} {name}", u32::from(c));
        for place in places {
            let text = place.replace('X', &c.to_string());
            let (codes, human) = compile(&text, Format::Human);
            assert_eq!(codes, ["E0006"], "{headline} in {place:?}:\n{human}");
            assert!(human.contains(&headline), "{human}");
            assert!(!human.contains(c), "{headline} printed raw:\n{human}");
            assert!(
                human.contains(&format!("\\u{{{:x}}}", u32::from(c))),
                "{human}"
            );
            // The primary label is at the character.
            let (_, short) = compile(&text, Format::Short);
            let line = place.lines().position(|line| line.contains('X')).unwrap() + 1;
            let column = place.lines().nth(line - 1).unwrap().find('X').unwrap() + 1;
            assert!(
                short.starts_with(&format!("a.netpol:{line}:{column}: error[E0006]")),
                "{short}"
            );
            count += 1;
        }
    }
    assert_eq!(count, 12 * places.len());
    // Through the binary too, once.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.netpol"),
        places[0].replace('X', "\u{202e}"),
    )
    .unwrap();
    let run = exec(dir.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr().contains("error[E0006]"), "{}", run.stderr());
    assert!(!run.contains("\u{202e}".as_bytes()));
}

#[test]
fn columns_count_the_original_text_after_escaped_characters() {
    // ESC, BEL and a zero-width space before the error, on the same line.
    let text = "namespace shop {\n  policy web { description \"\u{1b}[2K\u{7}\u{200b}\" select pods app=$NOPE allow from pods app=a port 80/tcp }\n}\n";
    let (codes, short) = compile(text, Format::Short);
    assert_eq!(codes, ["E0101"]);
    let line = text.lines().nth(1).unwrap();
    let column = line[..line.find("$NOPE").unwrap()].chars().count() + 1;
    assert!(
        short.starts_with(&format!("a.netpol:2:{column}: error[E0101]")),
        "{short}"
    );
    let (_, json) = compile(text, Format::Json);
    assert!(
        json.contains(&format!("\"line\":2,\"column\":{column}")),
        "{json}"
    );
    let (_, human) = compile(text, Format::Human);
    assert!(human.contains(&format!("a.netpol:2:{column}\n")), "{human}");
    // The carets stand under `$NOPE` in the escaped snippet line.
    let lines: Vec<&str> = human.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with("2 │"))
        .unwrap();
    let snippet = lines[at];
    assert!(snippet.contains("\\u{1b}[2K\\u{7}\\u{200b}"), "{human}");
    let carets = lines[at + 1];
    let chars_before = |line: &str, at: usize| line[..at].chars().count();
    assert_eq!(
        chars_before(carets, carets.find('^').unwrap()),
        chars_before(snippet, snippet.find("$NOPE").unwrap()),
        "{human}"
    );
}

#[test]
fn crlf_line_ends_are_not_escaped() {
    let text = "namespace shop {\r\n  policy web {\r\n    select pods app=$NOPE\r\n    allow from pods app=a port 80/tcp\r\n  }\r\n}\r\n";
    let (codes, human) = compile(text, Format::Human);
    assert_eq!(codes, ["E0101"]);
    assert!(!human.contains("\\r"), "{human}");
    assert!(!human.contains('\r'), "{human:?}");
}

#[cfg(unix)]
#[test]
fn import_path_with_an_invisible_character_is_w0117() {
    let dir = workspace();
    let repo = dir.path().join("repo");
    fs::write(repo.join("common.netpol"), "const PORT = 8080/tcp\n").unwrap();
    fs::write(
        repo.join("common\u{200b}.netpol"),
        "const PORT = 9090/tcp\n",
    )
    .unwrap();
    fs::write(
        repo.join("web.netpol"),
        "import \"common\u{200b}.netpol\"\nnamespace web {\n  allow from pods app=a port $PORT\n}\n",
    )
    .unwrap();
    let run = exec(dir.path(), &["lint", "repo"]);
    let stderr = run.stderr();
    assert!(stderr.contains("warning[W0117]"), "{stderr}");
    assert!(stderr.contains("U+200B ZERO WIDTH SPACE"), "{stderr}");
    assert!(
        stderr.contains("import \"common\\u{200b}.netpol\""),
        "{stderr}"
    );
    assert!(!run.contains("\u{200b}".as_bytes()), "{stderr}");
}

/// The invariant the fuzz targets check, over every UI fixture: the human
/// and short formats print no control, bidirectional or invisible
/// character but their own newlines, and short prints one line per
/// diagnostic.
#[test]
fn rendered_diagnostics_of_every_ui_fixture_are_clean() {
    let mut checked = 0;
    for fixture in crate::ui::fixtures() {
        let mut sources = SourceMap::with_stdlib();
        for (path, text) in crate::ui::fixture_files(&fixture) {
            sources.add_user(path, text);
        }
        let diags = netpolc::compile(&sources, &netpolc::Options::default()).diagnostics;
        for format in [Format::Human, Format::Short] {
            let text = render(&diags, &sources, format, false);
            let raw = text
                .chars()
                .find(|c| *c != '\n' && netpolc::diag::escape::needs_escape(*c));
            assert_eq!(raw, None, "{}:\n{text}", fixture.display());
            if format == Format::Short {
                assert_eq!(text.lines().count(), diags.len(), "{text}");
            }
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} fixtures");
}

/// `check` and `diff` read the output directory to compare it: a link
/// there named like an output file is refused (E0906), never followed.
#[cfg(target_os = "linux")]
#[test]
fn link_in_the_output_directory_is_not_read() {
    let secret = "netpolc-test-secret-out-Kp3";
    let dir = workspace();
    fs::create_dir(dir.path().join("repo/generated")).unwrap();
    symlink(
        "/proc/self/environ",
        dir.path().join("repo/generated/shop.yaml"),
    );
    for command in [["check", "repo"], ["diff", "repo"], ["build", "repo"]] {
        let run = run_env(dir.path(), &command, &[("GITHUB_TOKEN", secret)]);
        assert_eq!(run.code, 1, "{}", run.stderr());
        assert!(run.stderr().contains("error[E0906]"), "{}", run.stderr());
        assert!(!run.contains(secret.as_bytes()), "{}", run.stderr());
    }
}

/// `fmt` reads through the same policy, so it never rewrites a file
/// outside the repository through a link.
#[cfg(unix)]
#[test]
fn fmt_does_not_rewrite_a_file_outside_the_repository() {
    let unformatted = "namespace   web{\nallow from pods app=a port 80/tcp}\n";
    let dir = workspace();
    fs::write(dir.path().join("outside.netpol"), unformatted).unwrap();
    symlink("../outside.netpol", dir.path().join("repo/web.netpol"));
    let run = exec(dir.path(), &["fmt", "repo"]);
    assert_e0905(&run, "repo/web.netpol");
    assert_eq!(
        fs::read_to_string(dir.path().join("outside.netpol")).unwrap(),
        unformatted
    );
    // The same text inside the repository is formatted, so the link was
    // the only reason to leave it alone.
    fs::remove_file(dir.path().join("repo/web.netpol")).unwrap();
    fs::write(dir.path().join("repo/web.netpol"), unformatted).unwrap();
    let run = exec(dir.path(), &["fmt", "repo"]);
    assert_eq!(run.code, 0, "{}", run.stderr());
    assert_ne!(
        fs::read_to_string(dir.path().join("repo/web.netpol")).unwrap(),
        unformatted
    );
}
