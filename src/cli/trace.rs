//! `netpolc trace [REPO] FROM TO (--port P | --icmp T) [--http LINE]
//! [--dns NAME] [--yaml DIR...] [--exit-code]`: decides one flow with the
//! flow engine ([`netpolc::flow`]) and shows both sides, the deciding rules
//! in their source, what would allow a denied flow and what was assumed.
//!
//! The flow is described in the language's words: the arguments are put
//! together as the text `from FROM to TO port P [http "LINE"] [dns "NAME"]`,
//! which is added to the source map as the virtual file `<command line>`
//! and parsed by the library's flow parser, so a mistake in FROM or TO is a
//! diagnostic that points into that line.
//!
//! **Invariant:** `trace` writes no file. It exits 0 when the trace ran,
//! whatever the verdict (with `--exit-code`, 1 when the flow is not
//! allowed), 1 on a diagnostic error.

pub mod show;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netpolc::diag::report;
use netpolc::diag::{Diagnostic, has_errors};
use netpolc::flow::{Answer, Engine, FlowVerdict, Namespaces};
use netpolc::ir::Program;
use netpolc::source::{Origin, SourceMap};
use netpolc::syntax::quote;

use super::report::Reporter;
use super::{build, import, load};

/// The name of the virtual file that holds the flow built from the
/// arguments.
pub const COMMAND_LINE: &str = "<command line>";

/// The arguments of `trace`.
#[derive(Debug)]
pub struct Args<'a> {
    /// `[REPO] FROM TO`.
    pub positional: &'a [String],
    /// `--port`.
    pub port: Option<&'a str>,
    /// `--icmp`.
    pub icmp: Option<&'a str>,
    /// `--http`.
    pub http: Option<&'a str>,
    /// `--dns`.
    pub dns: Option<&'a str>,
    /// `--yaml`.
    pub yaml: &'a [PathBuf],
    /// `--exit-code`.
    pub exit_code: bool,
}

/// A checked program and the sources its spans point into, named as the
/// user sees them.
pub struct Loaded {
    /// The program.
    pub program: Program,
    /// The sources, named from the current directory.
    pub shown: SourceMap,
    /// True when the program was imported from YAML (`--yaml`).
    pub imported: bool,
}

/// The directory the imported `.netpol` files of `--yaml` are shown in;
/// they exist only in memory.
pub const IMPORTED: &str = "<import>";

/// Runs `trace`; `stdout_color` says whether stdout gets ANSI colours.
pub fn run(args: &Args<'_>, reporter: &Reporter, stdout_color: bool) -> ExitCode {
    let (repo, from, to) = match args.positional {
        [from, to] => (None, from, to),
        [repo, from, to] => (Some(Path::new(repo)), from, to),
        // clap takes two or three.
        _ => return ExitCode::from(2),
    };
    let diags = check_args(args, repo);
    if has_errors(&diags) {
        reporter.diagnostics(&diags, &SourceMap::new());
        reporter.failure("trace", &diags);
        return ExitCode::FAILURE;
    }
    let loaded = if args.yaml.is_empty() {
        load_repo(repo.unwrap_or(Path::new(".")), reporter)
    } else {
        load_yaml(args.yaml, reporter)
    };
    let Some(mut loaded) = loaded else {
        return ExitCode::FAILURE;
    };
    let text = flow_text(from, to, args);
    let file = loaded.shown.add_user(COMMAND_LINE, text);
    // YAML says nothing of the cluster's other namespaces, so any name goes.
    let namespaces = if args.yaml.is_empty() {
        Namespaces::Known
    } else {
        Namespaces::Any
    };
    let spec = match netpolc::flow::parse_flow(&loaded.shown, file, &loaded.program, namespaces) {
        Ok(spec) => spec,
        Err(diags) => {
            reporter.diagnostics(&diags, &loaded.shown);
            reporter.failure("trace", &diags);
            return ExitCode::FAILURE;
        }
    };
    let answer = Engine::new(&loaded.program).decide_spec(&spec);
    let shown = show::Trace {
        from,
        to,
        spec: &spec,
        answer: &answer,
        sources: &loaded.shown,
        imported: loaded.imported,
    };
    let text = if reporter.format == netpolc::diag::render::Format::Json {
        show::json(&shown)
    } else {
        show::human(&shown, stdout_color)
    };
    super::print_stdout(text.as_bytes());
    exit_code(&answer, args.exit_code)
}

/// 0, or with `--exit-code` 1 when the flow is not allowed.
fn exit_code(answer: &Answer, asked: bool) -> ExitCode {
    if asked && answer.verdict != FlowVerdict::Allowed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The refusals of arguments that clap cannot express as coded errors.
fn check_args(args: &Args<'_>, repo: Option<&Path>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    match (args.port, args.icmp) {
        (None, None) => diags.push(report::port_or_icmp(report::PortOrIcmp::Neither)),
        (Some(_), Some(_)) => diags.push(report::port_or_icmp(report::PortOrIcmp::Both)),
        _ => {}
    }
    if args.http.is_some() && args.dns.is_some() {
        diags.push(report::two_requests());
    }
    if let Some(repo) = repo {
        if !args.yaml.is_empty() {
            diags.push(report::yaml_with_repo(&repo.display()));
        }
    }
    diags
}

/// Loads and checks a `.netpol` repository as `check` does, reporting its
/// errors. Warnings are left to `netpolc lint`, and unmet expectations
/// (E0801) to `netpolc test`: tracing is how one finds out why they fail.
pub fn load_repo(repo: &Path, reporter: &Reporter) -> Option<Loaded> {
    let out = build::output_dir(repo, None);
    let (sources, diags) = load::load(repo, &out);
    let shown = build::display_paths(&sources, repo);
    check_sources(&sources, shown, diags, reporter)
}

/// Checks loaded sources (`shown` names them for the user) after the
/// diagnostics of loading them, as [`load_repo`] does.
pub fn check_sources(
    sources: &SourceMap,
    shown: SourceMap,
    mut diags: Vec<Diagnostic>,
    reporter: &Reporter,
) -> Option<Loaded> {
    let (program, _, checked) = netpolc::check(sources, &reporter.options);
    diags.extend(
        checked
            .into_iter()
            .filter(|diag| !is_unmet_expectation(diag)),
    );
    diags.retain(Diagnostic::is_error);
    if !diags.is_empty() {
        reporter.diagnostics(&diags, &shown);
        reporter.failure("compile", &diags);
        return None;
    }
    Some(Loaded {
        program,
        shown,
        imported: false,
    })
}

/// True for E0801, an `expect` statement the policies do not keep.
pub fn is_unmet_expectation(diag: &Diagnostic) -> bool {
    diag.code.as_str() == "E0801"
}

/// Imports CNP and CCNP YAML in memory (nothing is written) and checks the
/// imported program; the deciding rules then point into the imported
/// `.netpol` text, and each is shown with its Cilium name.
pub fn load_yaml(paths: &[PathBuf], reporter: &Reporter) -> Option<Loaded> {
    let mut inputs = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        import::read_input(path, &mut inputs, &mut diags);
    }
    if has_errors(&diags) {
        reporter.diagnostics(&diags, &SourceMap::new());
        reporter.failure("import", &diags);
        return None;
    }
    let imported = netpolc::import::import(&inputs);
    diags.extend(
        imported
            .diagnostics
            .iter()
            .filter(|diag| diag.is_error())
            .cloned(),
    );
    if has_errors(&diags) {
        reporter.diagnostics(&diags, &imported.sources);
        reporter.failure("import", &diags);
        return None;
    }
    let mut shown = SourceMap::new();
    for (_, file) in imported.sources.iter() {
        let path = match file.origin {
            Origin::User => format!("{IMPORTED}/{}", file.path),
            Origin::Stdlib => file.path.clone(),
        };
        shown.add(path, file.text.clone(), file.origin);
    }
    let (program, _, checked) = netpolc::check(&imported.sources, &reporter.options);
    let errors: Vec<Diagnostic> = checked
        .into_iter()
        .filter(|diag| diag.is_error() && !is_unmet_expectation(diag))
        .collect();
    if !errors.is_empty() {
        reporter.diagnostics(&errors, &shown);
        reporter.failure("import", &errors);
        return None;
    }
    Some(Loaded {
        program,
        shown,
        imported: true,
    })
}

/// The flow as the language writes it: `from FROM to TO port P`, with the
/// strings of `--http` and `--dns` quoted.
pub fn flow_text(from: &str, to: &str, args: &Args<'_>) -> String {
    let mut text = format!("from {from} to {to}");
    if let Some(port) = args.port {
        text.push_str(" port ");
        text.push_str(port);
    }
    if let Some(icmp) = args.icmp {
        text.push_str(" icmp ");
        text.push_str(icmp);
    }
    if let Some(http) = args.http {
        text.push_str(" http ");
        text.push_str(&quote(http));
    }
    if let Some(dns) = args.dns {
        text.push_str(" dns ");
        text.push_str(&quote(dns));
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args<'a>(port: Option<&'a str>, icmp: Option<&'a str>) -> Args<'a> {
        Args {
            positional: &[],
            port,
            icmp,
            http: None,
            dns: None,
            yaml: &[],
            exit_code: false,
        }
    }

    #[test]
    fn flow_text_quotes_the_strings() {
        let mut with = args(Some("8080/tcp"), None);
        with.http = Some("GET /a\"b\\c");
        assert_eq!(
            flow_text("pods app=web in namespace shop", "entity world", &with),
            "from pods app=web in namespace shop to entity world port 8080/tcp http \"GET /a\\\"b\\\\c\"\n"
        );
        let mut with = args(None, Some("EchoRequest"));
        with.dns = Some("api.example.com");
        assert_eq!(
            flow_text("a", "b", &with),
            "from a to b icmp EchoRequest dns \"api.example.com\"\n"
        );
    }

    #[test]
    fn port_and_icmp_are_one_of_two() {
        let codes = |args: &Args<'_>| -> Vec<&str> {
            check_args(args, None)
                .iter()
                .map(|diag| diag.code.as_str())
                .collect()
        };
        assert_eq!(codes(&args(None, None)), ["E0811"]);
        assert_eq!(codes(&args(Some("80/tcp"), Some("0"))), ["E0811"]);
        assert!(codes(&args(Some("80/tcp"), None)).is_empty());
        let mut both = args(Some("53/udp"), None);
        both.http = Some("GET /");
        both.dns = Some("a.b");
        assert_eq!(codes(&both), ["E0813"]);
        let yaml = [PathBuf::from("policies")];
        let mut with_yaml = args(Some("80/tcp"), None);
        with_yaml.yaml = &yaml;
        let codes: Vec<&str> = check_args(&with_yaml, Some(Path::new("repo")))
            .iter()
            .map(|diag| diag.code.as_str())
            .collect();
        assert_eq!(codes, ["E0812"]);
    }
}
