//! `netpolc explain [CODE]`: prints a code's explanation (Markdown, as
//! written in `src/diag/explain/`), or lists every code with its title.
//!
//! **Invariant:** explanations and the list go to stdout; an unknown code is
//! an error on stderr, with the closest known code when there is one, and
//! exit code 1.

use std::io::{self, Write};
use std::process::ExitCode;

use netpolc::diag::Code;

use super::report::Reporter;

/// Runs `explain`.
pub fn run(code: Option<&str>, reporter: &Reporter) -> ExitCode {
    let text = match code {
        None => list(),
        Some(word) => match Code::parse(word) {
            Some(code) => code.explanation().to_owned(),
            None => {
                reporter.error(&format!("unknown error code `{}`", word.trim()));
                match closest(word) {
                    Some(code) => reporter.help(&format!("did you mean `{code}`?")),
                    None => reporter.help("run `netpolc explain` to list every code"),
                }
                return ExitCode::from(2);
            }
        },
    };
    // A closed stdout (`netpolc explain | head`) is not an error worth reporting.
    let _ = io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

/// Every code and its title, one per line.
fn list() -> String {
    let mut text = String::new();
    for code in Code::ALL {
        text.push_str(code.as_str());
        text.push_str("  ");
        text.push_str(code.title());
        text.push('\n');
    }
    text
}

/// The known code closest to what the user typed, if any is close enough.
fn closest(word: &str) -> Option<&'static str> {
    let word = word.trim().to_ascii_uppercase();
    let candidates: Vec<&'static str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    similar::get_close_matches(word.as_str(), &candidates, 1, 0.6)
        .first()
        .copied()
}
