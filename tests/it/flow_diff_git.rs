//! `netpolc diff --flows --base REV`: the old revision read from git, in
//! memory, by the same rules as the working tree; its coded refusals.

use std::path::Path;
use std::process::Command;

use crate::cli::{netpolc, repo};

use crate::flow_diff::OLD;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A git repository whose commit holds `policies/shop.netpol` as [`OLD`]
/// and, where the walk of the working tree would not look, files that do
/// not compile; the working tree then opens 10.20.0.0/24 to port 8443 too.
fn committed() -> tempfile::TempDir {
    let broken: &[u8] = b"this does not parse {\n";
    let dir = repo(&[
        ("policies/shop.netpol", OLD.as_bytes()),
        ("policies/.hidden/broken.netpol", broken),
        ("policies/target/broken.netpol", broken),
        ("policies/generated/broken.netpol", broken),
        ("policies/notes.txt", broken),
        ("elsewhere/broken.netpol", broken),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "user.name", "netpolc tests"]);
    git(
        dir.path(),
        &["config", "user.email", "tests@netpolc.invalid"],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "old"]);
    std::fs::write(
        dir.path().join("policies/shop.netpol"),
        OLD.replace("port 443/tcp", "port 443/tcp, 8443/tcp"),
    )
    .unwrap();
    // The working tree's own broken files would fail its load: remove them.
    for path in ["policies/target", "policies/generated", "policies/.hidden"] {
        std::fs::remove_dir_all(dir.path().join(path)).unwrap();
    }
    dir
}

#[test]
fn base_reads_the_revision_from_git_and_names_its_files_rev_path() {
    let dir = committed();
    let before = git(dir.path(), &["status", "--porcelain"]);
    let run = netpolc(
        dir.path(),
        &["diff", "--flows", "--base", "HEAD", "policies"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("diff_flows_base_head", run.stdout);
    // Only an addition, explained by the working tree's rule.
    let changes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with(['+', '-']))
        .collect();
    assert_eq!(
        changes,
        ["+ shop/{app=web} -> 10.20.0.0/24 8443/tcp  (policies/shop.netpol:5 CNP shop/web)"]
    );
    // Nothing of the checkout changed.
    assert_eq!(git(dir.path(), &["status", "--porcelain"]), before);
    assert!(git(dir.path(), &["worktree", "list"]).lines().count() == 1);
}

#[test]
fn base_from_inside_the_repository_and_the_reverse() {
    let dir = committed();
    let inside = dir.path().join("policies");
    let run = netpolc(&inside, &["diff", "--flows", "--base", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("+ shop/{app=web} -> 10.20.0.0/24 8443/tcp  (shop.netpol:5 CNP shop/web)"),
        "{}",
        run.stdout
    );
    // The commit against itself: nothing changed.
    git(dir.path(), &["stash", "-q"]);
    let run = netpolc(
        dir.path(),
        &[
            "diff",
            "--flows",
            "--base",
            "HEAD",
            "policies",
            "--exit-code",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    // A removal names the old file as REV:path.
    git(dir.path(), &["stash", "pop", "-q"]);
    git(dir.path(), &["commit", "-q", "-am", "new"]);
    std::fs::write(dir.path().join("policies/shop.netpol"), OLD).unwrap();
    let run = netpolc(
        dir.path(),
        &["diff", "--flows", "--base", "HEAD", "policies"],
    );
    assert!(
        run.stdout.contains(
            "- shop/{app=web} -> 10.20.0.0/24 8443/tcp  (HEAD:policies/shop.netpol:5 CNP shop/web)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn base_refusals_are_coded() {
    let dir = committed();
    let code = |run: &crate::cli::Run| {
        run.stderr
            .lines()
            .find_map(|line| line.strip_prefix("error[")?.get(..5).map(str::to_owned))
    };
    for rev in ["no-such-branch", "-all", "HEAD~5"] {
        let run = netpolc(
            dir.path(),
            &["diff", "--flows", &format!("--base={rev}"), "policies"],
        );
        assert_eq!(run.code, 1, "{rev}");
        assert_eq!(
            code(&run).as_deref(),
            Some("E0817"),
            "{rev}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("help: fetch it first"),
            "{}",
            run.stderr
        );
    }
    let run = netpolc(
        dir.path(),
        &[
            "diff",
            "--flows",
            "--base",
            "HEAD",
            "--base-dir",
            "policies",
            "policies",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(code(&run).as_deref(), Some("E0818"), "{}", run.stderr);
    let outside = repo(&[("shop.netpol", OLD.as_bytes())]);
    let run = netpolc(outside.path(), &["diff", "--flows", "--base", "HEAD"]);
    assert_eq!(run.code, 1);
    assert_eq!(code(&run).as_deref(), Some("E0816"), "{}", run.stderr);
    let output = Command::new(env!("CARGO_BIN_EXE_netpolc"))
        .args(["diff", "--flows", "--base", "HEAD", "policies"])
        .current_dir(dir.path())
        .env("PATH", "")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error[E0815]: cannot run `git`"),
        "{stderr}"
    );
    // `--yaml` reads directories only.
    let run = netpolc(
        dir.path(),
        &["diff", "--flows", "--yaml", "--base", "HEAD", "policies"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_blob_git_cannot_read_is_e0819() {
    let dir = committed();
    let blob = git(dir.path(), &["rev-parse", "HEAD:policies/shop.netpol"]);
    let blob = blob.trim();
    let object = dir
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(object).unwrap();
    let run = netpolc(
        dir.path(),
        &["diff", "--flows", "--base", "HEAD", "policies"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.starts_with(&format!(
            "error[E0819]: git failed reading revision `HEAD`: `git cat-file` answered `{blob} missing`"
        )),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_revision_is_not_followed() {
    let dir = committed();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("policies/link.netpol")).unwrap();
    git(dir.path(), &["add", "policies/link.netpol"]);
    git(dir.path(), &["commit", "-q", "-m", "link"]);
    std::fs::remove_file(dir.path().join("policies/link.netpol")).unwrap();
    let run = netpolc(
        dir.path(),
        &["diff", "--flows", "--base", "HEAD", "policies"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .starts_with("error[E0905]: `HEAD:policies/link.netpol` is not a regular file"),
        "{}",
        run.stderr
    );
}

/// The README's Markdown flow diff is what netpolc prints for the change
/// it describes, in a clone where `origin/main` is the example as it is.
#[test]
fn the_readme_shows_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = crate::examples::repo_files(&root.join("examples/platform"));
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in &files {
        let path = dir.path().join("examples/platform").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "user.name", "netpolc tests"]);
    git(
        dir.path(),
        &["config", "user.email", "tests@netpolc.invalid"],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "main"]);
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", "HEAD"],
    );
    let constants = dir.path().join("examples/platform/constants.netpol");
    let text = std::fs::read_to_string(&constants).unwrap();
    assert!(text.contains("10.20.0.11"));
    std::fs::write(&constants, text.replace("10.20.0.11", "10.20.0.99")).unwrap();
    let run = netpolc(
        dir.path(),
        &[
            "diff",
            "--flows",
            "--base",
            "origin/main",
            "--format",
            "markdown",
            "examples/platform",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let quoted: String = run
        .stdout
        .lines()
        .map(|line| {
            if line.is_empty() {
                ">\n".to_owned()
            } else {
                format!("> {line}\n")
            }
        })
        .collect();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&quoted),
        "README.md should quote this output:\n{quoted}"
    );
}

/// `netpolc graph --base REV` reads the old revision through the same
/// reader: its picture equals the one drawn against a directory holding
/// that revision, and it shows the new port as an added edge (green, `#1a7f37`).
#[test]
fn graph_base_reads_the_revision_like_base_dir() {
    let dir = committed();
    let from_git = netpolc(
        dir.path(),
        &[
            "graph", "--pods", "--base", "HEAD", "policies", "--format", "dot",
        ],
    );
    assert_eq!(from_git.code, 0, "{}", from_git.stderr);
    let old = repo(&[("shop.netpol", OLD.as_bytes())]);
    let old_dir = old.path().to_str().unwrap();
    let from_dir = netpolc(
        dir.path(),
        &[
            "graph",
            "--pods",
            "--base-dir",
            old_dir,
            "policies",
            "--format",
            "dot",
        ],
    );
    assert_eq!(from_dir.code, 0, "{}", from_dir.stderr);
    assert_eq!(from_git.stdout, from_dir.stdout);
    assert!(
        from_git
            .stdout
            .lines()
            .any(|line| line.contains("8443/tcp") && line.contains("#1a7f37")),
        "{}",
        from_git.stdout
    );
}
