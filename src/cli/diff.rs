//! `netpolc diff [REPO] [--out DIR] [--stat]`: what `build` would change in
//! the output directory, as a unified diff or, with `--stat`, one line per
//! file as `git diff --stat` prints it. The diff goes to stdout and
//! diagnostics to stderr, except with `--message-format json`: there stdout
//! carries JSON lines only, so the diff goes to stderr (see [`Sink`]).
//! [`unified_file`] and [`Sink`] also serve `check`.
//!
//! **Invariant:** `diff` writes nothing: it compiles in memory and reads
//! the output directory through the write plan, which only reads.
//!
//! **Invariant:** the exit code is 0 whether or not there are differences,
//! as for `git diff`; it is 1 only for an error diagnostic.
//!
//! **Invariant:** without colour, the diff of one file is exactly what
//! `similar`'s unified diff prints for it, with `/dev/null` naming the
//! missing side of a created or deleted file, so `patch -p0` accepts it.

pub mod flows;

use std::fmt::Write as _;

use anstyle::{AnsiColor, Color, Style};
use std::io::{self, Write as _};
use std::path::Path;
use std::process::ExitCode;

use netpolc::diag::render::Format;
use similar::{ChangeTag, TextDiff};

use super::build;
use super::report::{Reporter, plural};
use super::write::{self, Change};

/// The widest `+`/`-` bar of `--stat`; longer ones are scaled down.
const STAT_BAR_WIDTH: usize = 50;

/// Runs `diff`; `stdout_color` says whether stdout gets ANSI colours.
pub fn run(
    repo: &Path,
    out: Option<&Path>,
    stat: bool,
    reporter: &Reporter,
    stdout_color: bool,
) -> ExitCode {
    let named = out.is_some();
    let out = build::output_dir(repo, out);
    let Some(compiled) = build::compile(repo, &out, reporter) else {
        return ExitCode::FAILURE;
    };
    let plan = match write::plan(&compiled.files, &out, named) {
        Ok(plan) => plan,
        Err(diags) => {
            reporter.diagnostics(&diags, &compiled.sources);
            reporter.failure("diff the output", &diags);
            return ExitCode::FAILURE;
        }
    };
    let sink = Sink::new(reporter, stdout_color);
    if stat {
        sink.print(&self::stat(&plan.changes, &out, sink.color));
    } else {
        sink.print_unified(&plan.changes, &out);
    }
    reporter.warning_count(&compiled.diags);
    ExitCode::SUCCESS
}

/// The unified diff of one change, with paths shown as `dir/<name>`.
/// Callers print it file by file ([`Sink::print_unified`]), so that only
/// one file's diff is in memory at a time, however many files differ.
pub fn unified_file(change: &Change<'_>, dir: &Path, color: bool) -> String {
    let mut text = String::new();
    let path = shown_path(dir, change);
    let (old_name, new_name) = match change {
        Change::Create(_) => ("/dev/null", path.as_str()),
        Change::Replace { .. } => (path.as_str(), path.as_str()),
        Change::Remove { .. } => (path.as_str(), "/dev/null"),
    };
    let old = String::from_utf8_lossy(change.old());
    let new = change.file().map_or("", |file| file.contents.as_str());
    let diff = TextDiff::from_lines(old.as_ref(), new);
    paint(&mut text, color, BOLD, &format!("--- {old_name}"));
    paint(&mut text, color, BOLD, &format!("+++ {new_name}"));
    for hunk in diff.unified_diff().iter_hunks() {
        paint(&mut text, color, CYAN, &hunk.header().to_string());
        for line in hunk.iter_changes() {
            let (sign, ansi) = match line.tag() {
                ChangeTag::Equal => (' ', PLAIN),
                ChangeTag::Delete => ('-', RED),
                ChangeTag::Insert => ('+', GREEN),
            };
            let value = line.value();
            let value = value.strip_suffix('\n').unwrap_or(value);
            paint(&mut text, color, ansi, &format!("{sign}{value}"));
            if line.missing_newline() {
                text.push_str("\\ No newline at end of file\n");
            }
        }
    }
    text
}

/// One line per change with its inserted and deleted line counts and a
/// `+`/`-` bar, then the totals; empty when there is no change.
pub fn stat(changes: &[Change<'_>], dir: &Path, color: bool) -> String {
    let rows: Vec<(String, usize, usize)> = changes
        .iter()
        .map(|change| {
            let (insertions, deletions) = count_lines(change);
            (shown_path(dir, change), insertions, deletions)
        })
        .collect();
    let Some(most) = rows.iter().map(|(_, ins, del)| ins + del).max() else {
        return String::new();
    };
    let name_width = rows.iter().map(|(name, ..)| name.chars().count()).max();
    let name_width = name_width.unwrap_or_default();
    let count_width = most.to_string().len();
    let mut text = String::new();
    for (name, insertions, deletions) in &rows {
        let total = insertions + deletions;
        let bar = scale(total, most);
        let plus = scale(*insertions, most);
        let _ = write!(text, " {name:<name_width$} | {total:>count_width$} ");
        paint_inline(&mut text, color, GREEN, &"+".repeat(plus));
        paint_inline(&mut text, color, RED, &"-".repeat(bar - plus));
        text.push('\n');
    }
    let insertions: usize = rows.iter().map(|(_, ins, _)| ins).sum();
    let deletions: usize = rows.iter().map(|(_, _, del)| del).sum();
    let _ = write!(text, " {} changed", plural(rows.len(), "file"));
    if insertions > 0 || deletions == 0 {
        let noun = if insertions == 1 {
            "insertion"
        } else {
            "insertions"
        };
        let _ = write!(text, ", {insertions} {noun}(+)");
    }
    if deletions > 0 || insertions == 0 {
        let noun = if deletions == 1 {
            "deletion"
        } else {
            "deletions"
        };
        let _ = write!(text, ", {deletions} {noun}(-)");
    }
    text.push('\n');
    text
}

/// How many lines a change inserts and deletes.
fn count_lines(change: &Change<'_>) -> (usize, usize) {
    let old = String::from_utf8_lossy(change.old());
    let new = change.file().map_or("", |file| file.contents.as_str());
    let diff = TextDiff::from_lines(old.as_ref(), new);
    let mut counts = (0, 0);
    for line in diff.iter_all_changes() {
        match line.tag() {
            ChangeTag::Insert => counts.0 += 1,
            ChangeTag::Delete => counts.1 += 1,
            ChangeTag::Equal => {}
        }
    }
    counts
}

/// Scales a line count to a bar length, as git does: unchanged when the
/// largest count fits in [`STAT_BAR_WIDTH`], else proportionally with at
/// least one character for a non-zero count.
fn scale(count: usize, most: usize) -> usize {
    if most <= STAT_BAR_WIDTH || count == 0 {
        count
    } else {
        1 + count * (STAT_BAR_WIDTH - 1) / most
    }
}

/// `dir/<name>` for a change, as the user named the directory.
fn shown_path(dir: &Path, change: &Change<'_>) -> String {
    dir.join(change.name()).display().to_string()
}

/// Bold, for the `---`/`+++` file lines.
const BOLD: Style = Style::new().bold();
/// Cyan, for hunk headers.
const CYAN: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));
/// Red, for deleted lines.
const RED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Red)));
/// Green, for inserted lines.
const GREEN: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Green)));
/// No style, for unchanged lines.
const PLAIN: Style = Style::new();

/// Appends `line` and a newline, in `style` when colour is on.
fn paint(text: &mut String, color: bool, style: Style, line: &str) {
    paint_inline(text, color, style, line);
    text.push('\n');
}

/// Appends `part`, in `style` when colour is on and both are non-empty.
fn paint_inline(text: &mut String, color: bool, style: Style, part: &str) {
    if color && !style.is_plain() && !part.is_empty() {
        let _ = write!(text, "{style}{part}{style:#}");
    } else {
        text.push_str(part);
    }
}

/// Where a diff goes: stdout, or stderr with `--message-format json`, whose
/// stdout carries JSON lines and nothing else.
#[derive(Clone, Copy, Debug)]
pub struct Sink {
    /// Whether the diff goes to stderr.
    stderr: bool,
    /// Whether that stream gets ANSI colours.
    pub color: bool,
}

impl Sink {
    /// Chooses the stream; `stdout_color` says whether stdout gets colour,
    /// and stderr follows the diagnostics' setting.
    pub fn new(reporter: &Reporter, stdout_color: bool) -> Self {
        if reporter.format == Format::Json {
            Sink {
                stderr: true,
                color: reporter.color,
            }
        } else {
            Sink {
                stderr: false,
                color: stdout_color,
            }
        }
    }

    /// Writes the unified diff of every change, in order, one file at a
    /// time ([`unified_file`]).
    pub fn print_unified(&self, changes: &[Change<'_>], dir: &Path) {
        for change in changes {
            self.print(&unified_file(change, dir, self.color));
        }
    }

    /// Writes the text, ignoring failures such as a closed pipe
    /// (`netpolc diff | head`): the output is then unwanted anyway.
    pub fn print(&self, text: &str) {
        let result = if self.stderr {
            io::stderr().lock().write_all(text.as_bytes())
        } else {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
        };
        let _ = result;
    }
}

#[cfg(test)]
mod tests;
