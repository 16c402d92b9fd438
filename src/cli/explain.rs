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
    // The measure and cutoff of the library's did-you-mean (sema/suggest.rs).
    let mut best: Option<(f64, &'static str)> = None;
    for code in Code::ALL {
        let score = strsim::normalized_damerau_levenshtein(&word, code.as_str())
            .max(strsim::sorensen_dice(&word, code.as_str()));
        if score >= 0.6 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, code.as_str()));
        }
    }
    best.map(|(_, code)| code)
}
