//! cli: the `netpolc` command line. The only part of netpolc that reads
//! arguments, files and the terminal.
//!
//! **Invariant:** `load.rs` is the only reader and `write.rs` the only writer
//! of the filesystem; everything else works on in-memory values.
//!
//! **Invariant:** exit codes are 0 on success, 1 when there are error
//! diagnostics, 2 for usage errors (clap's default) and 101 for an internal
//! error (see `ice.rs`).

mod build;
mod explain;
pub mod ice;
mod load;
mod report;
mod write;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use netpolc::diag::render::Format;

use report::Reporter;

/// Compiles `.netpol` policy files to CiliumNetworkPolicy and
/// CiliumClusterwideNetworkPolicy YAML.
#[derive(Debug, Parser)]
#[command(name = "netpolc", version, about)]
pub struct Cli {
    /// When to colour diagnostics; `auto` colours them when stderr is a terminal.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How to print diagnostics: `human` boxes with source lines, or `short`
    /// `file:line:col: error[CODE]: message` lines for editors and CI.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human, value_name = "FORMAT")]
    pub message_format: MessageFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile every `.netpol` file under REPO and write the YAML to the output directory.
    Build {
        /// The policy repository to compile.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Where to write the YAML [default: REPO/generated].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Explain an error code, or list every code when none is given.
    Explain {
        /// A code such as `E0203`.
        code: Option<String>,
    },
}

/// The `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The `--message-format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style boxes with source lines, notes and help.
    Human,
    /// One `file:line:col: error[CODE]: message` line per diagnostic.
    Short,
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn run() -> ExitCode {
    ice::test_hook();
    let cli = Cli::parse();
    let reporter = Reporter {
        format: match cli.message_format {
            MessageFormat::Human => Format::Human,
            MessageFormat::Short => Format::Short,
        },
        color: use_color(cli.color),
    };
    match &cli.command {
        Command::Build { repo, out } => build::run(repo, out.as_deref(), &reporter),
        Command::Explain { code } => explain::run(code.as_deref(), &reporter),
    }
}

/// Decides whether diagnostics on stderr get colour.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}
