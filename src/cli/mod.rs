//! cli: the `netpolc` command line. The only part of netpolc that reads
//! arguments, files and the terminal.
//!
//! **Invariant:** `fs.rs` is the only reader of files (for `load.rs`,
//! `fmt.rs` and `import.rs`, under one policy: regular files inside the
//! repository) and `fs/write.rs` the only writer of files (write only when
//! the bytes change, atomic replace, never through a link): `write.rs`
//! uses it for the output directory of `build`, `fmt.rs` to rewrite
//! `.netpol` sources in place and `import.rs` to create the new
//! repository's files (never over an existing entry); everything else works
//! on in-memory values. `write.rs` also deletes stale generated files and
//! `build` and `import` create directories.
//!
//! **Invariant:** exit codes are 0 on success, 1 when there are error
//! diagnostics, 2 for usage errors (clap's default) and 101 for an internal
//! error (see `ice.rs`).

mod build;
mod cache;
mod check;
mod diff;
mod explain;
mod fmt;
mod fs;
mod graph;
pub mod ice;
mod import;
mod lint;
mod load;
mod lsp;
mod report;
mod revision;
mod test;
mod trace;
mod write;

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
    /// When to colour diagnostics and diffs; `auto` colours each stream that
    /// is a terminal.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How to print diagnostics: `human` boxes with source lines, `short`
    /// `file:line:col: error[CODE]: message` lines for editors, or `json`
    /// objects, one per line on stdout, for CI and tools.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human, value_name = "FORMAT")]
    pub message_format: MessageFormat,
    /// The Cilium version to check and write policies for, such as `1.18`;
    /// overrides the repository's `cilium` setting [default: the
    /// repository's, else 1.19].
    #[arg(long, global = true, value_name = "VERSION", value_parser = parse_cilium_version)]
    pub cilium_version: Option<netpolc::CiliumVersion>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile every `.netpol` file under REPO and write the YAML to the output directory.
    ///
    /// A build of a repository and output directory that have not changed
    /// since the last build answers from that build's record, without
    /// compiling. Records live in `$NETPOLC_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/netpolc`, else `~/.cache/netpolc`;
    /// `NETPOLC_CACHE_DIR=` (empty) turns them off.
    Build {
        /// The policy repository to compile.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Where to write the YAML [default: REPO/generated].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Fail, writing nothing, when there are warnings.
        #[arg(long)]
        deny_warnings: bool,
        /// Wait until every written file, and the output directory, is on
        /// disk (`fsync`) before exiting; slower, for builds that must
        /// survive a power loss.
        #[arg(long)]
        fsync: bool,
    },
    /// Print the warnings (and errors) of every `.netpol` file under REPO,
    /// writing nothing.
    Lint {
        /// The policy repository to check.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Exit 1 when there are warnings.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compare the output directory with what `build` would write, writing
    /// nothing; exit 1 with a unified diff when it is out of date.
    ///
    /// Like `build`, it answers from the record of the last build when
    /// nothing has changed since; it never writes a record.
    Check {
        /// The policy repository to compile.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// The output directory to compare [default: REPO/generated].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Show what `build` would change in the output directory, as a unified
    /// diff on stdout; exit 0 whether or not there are differences.
    #[command(group(clap::ArgGroup::new("flow_base").multiple(true)))]
    Diff {
        /// The policy repository to compile.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// The output directory to compare [default: REPO/generated].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// One line per file with its inserted and deleted line counts.
        #[arg(long, conflicts_with = "flows")]
        stat: bool,
        /// Compare connections instead of YAML: the flows REPO allows that
        /// the old revision (--base or --base-dir) denies (+) and the reverse (-).
        #[arg(long, requires = "flow_base", conflicts_with = "out")]
        flows: bool,
        /// The old revision's policy repository, for --flows.
        #[arg(long, value_name = "DIR", requires = "flows", group = "flow_base")]
        base_dir: Option<PathBuf>,
        /// The old revision, for --flows: a git revision (`origin/main`,
        /// `HEAD~1`) of the repository that holds REPO, read through git.
        #[arg(long, value_name = "REV", requires = "flows", group = "flow_base")]
        base: Option<String>,
        /// With --flows, compare two directories of CiliumNetworkPolicy and
        /// CiliumClusterwideNetworkPolicy YAML (--base-dir OLD, REPO the new).
        #[arg(long, requires = "flows", conflicts_with = "base")]
        yaml: bool,
        /// With --flows, how to print the connections: `human`, `markdown`
        /// (a pull-request comment) or `json`.
        #[arg(long, value_enum, requires = "flows", default_value_t = diff::flows::Output::Human, value_name = "FORMAT")]
        format: diff::flows::Output,
        /// With --flows, exit 1 when a connection changed (like `git diff --exit-code`).
        #[arg(long, requires = "flows")]
        exit_code: bool,
    },
    /// Turn CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy YAML into a new `.netpol` repository.
    Import {
        /// YAML files, or directories searched for `.yaml`, `.yml` and `.json` files.
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// The new repository; it must not hold `.netpol` files yet.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Give `.netpol` files the canonical layout, in place; with `--check`,
    /// change nothing, list the files that need it and exit 1 if any does.
    Fmt {
        /// Files, or directories to search for `.netpol` files [default: .];
        /// `-` reads standard input and writes the result to standard output.
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// Print only diagnostics and errors, not the summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Explain an error code, or list every code when none is given.
    Explain {
        /// A code such as `E0203`.
        code: Option<String>,
    },
    /// Print a shell completion script on stdout, e.g.
    /// `netpolc completions bash > ~/.local/share/bash-completion/completions/netpolc`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the netpolc(1) man page (roff) on stdout, e.g.
    /// `netpolc man > ~/.local/share/man/man1/netpolc.1`.
    Man,
    /// Decide one flow with the policies of REPO (or of `--yaml` files):
    /// each side's verdict, the deciding rules in their source, and what
    /// would allow a denied flow; writes nothing.
    ///
    /// FROM and TO are peers in the language's words, such as
    /// `"pods app=web in namespace shop"`, `"namespace shop"`,
    /// `"entity world"`, `"cidr 10.20.0.10"`, `"fqdn api.stripe.com"`.
    #[command(
        override_usage = "netpolc trace [OPTIONS] [REPO] <FROM> <TO> (--port <PORT/PROTO> | --icmp <TYPE>)"
    )]
    Trace {
        /// `[REPO] FROM TO`: the repository (default `.`; none with
        /// `--yaml`), the source and the destination.
        #[arg(required = true, num_args = 2..=3, value_name = "ARG")]
        args: Vec<String>,
        /// The destination port and protocol, such as `8080/tcp`, `53/udp`.
        #[arg(long, value_name = "PORT/PROTO")]
        port: Option<String>,
        /// An ICMP type instead of a port, such as `EchoRequest` or `8`.
        #[arg(long, value_name = "TYPE")]
        icmp: Option<String>,
        /// An HTTP request line judged by the HTTP rules, such as `"GET /api/v1/x"`.
        #[arg(long, value_name = "LINE")]
        http: Option<String>,
        /// A DNS lookup of NAME judged by the DNS rules.
        #[arg(long, value_name = "NAME")]
        dns: Option<String>,
        /// Trace on CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy
        /// YAML (files, or directories searched for `.yaml`, `.yml` and
        /// `.json` files), imported in memory, instead of a repository;
        /// repeat it for several.
        #[arg(long, value_name = "FILE|DIR")]
        yaml: Vec<PathBuf>,
        /// Exit 1 when the flow is not allowed (like `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
    },
    /// Run the `expect` statements of REPO and report each, like `cargo test`;
    /// exit 1 when one fails.
    Test {
        /// The policy repository to test.
        #[arg(default_value = ".")]
        repo: PathBuf,
    },
    /// Run the language server on stdin and stdout, for editors: errors as
    /// you type, hover, go to definition, rename, formatting, completion.
    Lsp,
    /// Draw who may talk to whom: an edge A -> B when the policies of REPO
    /// allow some pod of A (or entity, address block, FQDN) to open a
    /// connection to B, labelled with the ports; decided by the flow
    /// engine, like `trace`. Writes the picture to stdout (or `-o FILE`).
    Graph {
        /// The policy repository to draw.
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// One node per pod class (`shop/{app=web}`) instead of per namespace.
        #[arg(long)]
        pods: bool,
        /// `mermaid` (renders in GitHub and GitLab Markdown), `dot`
        /// (Graphviz) or `svg` (drawn by netpolc).
        #[arg(long, value_enum, default_value_t = graph::Format::Mermaid, value_name = "FORMAT")]
        format: graph::Format,
        /// Write the picture to FILE instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Compare with the old revision's repository in DIR: added edges
        /// green, removed edges red and dashed.
        #[arg(long, value_name = "DIR", conflicts_with = "base")]
        base_dir: Option<PathBuf>,
        /// Compare with the git revision REV of REPO, like --base-dir.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
    },
}

/// The `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour each stream (stderr, and stdout for diffs) that is a terminal,
    /// unless `NO_COLOR` is set; `CLICOLOR_FORCE=1` colours pipes too.
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
    /// One JSON object per diagnostic and line, on stdout.
    Json,
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn run() -> ExitCode {
    ice::test_hook();
    let cli = Cli::parse();
    let reporter = Reporter {
        format: match cli.message_format {
            MessageFormat::Human => Format::Human,
            MessageFormat::Short => Format::Short,
            MessageFormat::Json => Format::Json,
        },
        color: use_color(cli.color, &std::io::stderr()),
        options: netpolc::Options {
            cilium_version: cli.cilium_version,
        },
    };
    let stdout_color = use_color(cli.color, &std::io::stdout());
    match &cli.command {
        Command::Build {
            repo,
            out,
            deny_warnings,
            fsync,
        } => {
            let durability = if *fsync {
                write::Durability::Fsync
            } else {
                write::Durability::Default
            };
            build::run(repo, out.as_deref(), *deny_warnings, durability, &reporter)
        }
        Command::Lint {
            repo,
            deny_warnings,
        } => lint::run(repo, *deny_warnings, &reporter),
        Command::Check { repo, out } => check::run(repo, out.as_deref(), &reporter, stdout_color),
        Command::Diff {
            repo,
            flows: true,
            base_dir,
            base,
            yaml,
            format,
            exit_code,
            ..
        } => diff::flows::run(
            &diff::flows::Args {
                repo,
                base_dir: base_dir.as_deref(),
                base: base.as_deref(),
                yaml: *yaml,
                format: *format,
                exit_code: *exit_code,
            },
            &reporter,
            stdout_color,
        ),
        Command::Diff {
            repo, out, stat, ..
        } => diff::run(repo, out.as_deref(), *stat, &reporter, stdout_color),
        Command::Import { paths, out } => import::run(paths, out, &reporter),
        Command::Fmt {
            paths,
            check,
            quiet,
        } => fmt::run(paths, *check, *quiet, &reporter),
        Command::Explain { code } => explain::run(code.as_deref(), &reporter),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command, "netpolc", &mut out);
            print_stdout(&out)
        }
        Command::Trace {
            args,
            port,
            icmp,
            http,
            dns,
            yaml,
            exit_code,
        } => trace::run(
            &trace::Args {
                positional: args,
                port: port.as_deref(),
                icmp: icmp.as_deref(),
                http: http.as_deref(),
                dns: dns.as_deref(),
                yaml,
                exit_code: *exit_code,
            },
            &reporter,
            stdout_color,
        ),
        Command::Test { repo } => test::run(repo, &reporter, stdout_color),
        Command::Lsp => lsp::run(reporter.options),
        Command::Graph {
            repo,
            pods,
            format,
            output,
            base_dir,
            base,
        } => graph::run(
            &graph::Args {
                repo,
                pods: *pods,
                format: *format,
                output: output.as_deref(),
                base: match (base_dir, base) {
                    (Some(dir), _) => Some(graph::Base::Dir(dir)),
                    (None, Some(rev)) => Some(graph::Base::Rev(rev)),
                    (None, None) => None,
                },
            },
            &reporter,
        ),
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            match clap_mangen::Man::new(command).render(&mut out) {
                Ok(()) => print_stdout(&out),
                Err(error) => {
                    reporter.error(&format!("cannot render the man page: {error}"));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Writes generated text to stdout; a closed stdout (`| head`) is not an error.
fn print_stdout(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(bytes);
    ExitCode::SUCCESS
}

/// Parses `--cilium-version`.
fn parse_cilium_version(text: &str) -> Result<netpolc::CiliumVersion, String> {
    netpolc::CiliumVersion::parse(text).ok_or_else(|| {
        format!(
            "netpolc knows Cilium {}, written like `{}`",
            netpolc::CiliumVersion::known(),
            netpolc::CiliumVersion::DEFAULT
        )
    })
}

/// Decides whether `stream` gets colour: the one place where colour is
/// turned on or off, for netpolc's own messages, the diagnostics (rendered
/// by codespan-reporting) and the diffs alike. `--color auto` leaves it to
/// anstream, which honours `NO_COLOR` (no colour), `CLICOLOR_FORCE` (colour
/// even into a pipe), `CLICOLOR=0` and `TERM=dumb`, and otherwise colours
/// only a terminal.
fn use_color<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}
