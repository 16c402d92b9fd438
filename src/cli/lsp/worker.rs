//! The analysis thread: compiles snapshots of the workspace off the main
//! loop, so the editor is never blocked by a compilation.
//!
//! Each change of a document bumps the workspace's generation and sends a
//! [`Job`]. The worker takes the newest job waiting (older ones are
//! skipped without being compiled). When the job came less than
//! [`DEBOUNCE`] after the previous one (the user is typing), the worker
//! waits until no newer job has come for [`DEBOUNCE`]; a single edit after
//! a pause is compiled at once. A compilation that is running is not
//! interrupted (the library has no cancellation points): its result comes
//! back with its generation, and the main loop drops it when the workspace
//! has moved on.
//!
//! A panic during a compilation is caught: the result is the panic's
//! message, which the main loop logs, and the worker goes on with the next
//! job.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use netpolc::Options;
use netpolc::diag::Diagnostic;
use netpolc::ide::Analysis;

use super::documents::Snapshot;

/// How long the worker waits for a quiet moment while the user types.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// A compilation to run.
#[derive(Debug)]
pub struct Job {
    /// The workspace generation it compiles.
    pub generation: u64,
    /// What to compile.
    pub snapshot: Snapshot,
    /// When the change that asked for it arrived.
    pub received: Instant,
}

/// A finished compilation.
#[derive(Debug)]
pub struct Done {
    /// The workspace generation it compiled.
    pub generation: u64,
    /// The analysis, or the message of the panic that stopped it.
    pub analysis: Result<Arc<Analysis>, String>,
    /// The problems loading the repository, without spans.
    pub load_diags: Vec<Diagnostic>,
}

/// Runs jobs from `jobs` until the channel closes, sending each result to
/// `done` wrapped by `wrap`.
pub fn run<T>(
    jobs: &Receiver<Job>,
    done: &Sender<T>,
    options: Options,
    panic_marker: Option<String>,
    wrap: impl Fn(Done) -> T,
) {
    let mut last_received: Option<Instant> = None;
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let typing = last_received
            .is_some_and(|last| job.received.saturating_duration_since(last) < DEBOUNCE);
        if typing {
            loop {
                match jobs.recv_timeout(DEBOUNCE) {
                    Ok(newer) => job = newer,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        last_received = Some(job.received);
        let (analysis, load_diags) = analyze(&job.snapshot, &options, panic_marker.as_deref());
        let result = Done {
            generation: job.generation,
            analysis,
            load_diags,
        };
        if done.send(wrap(result)).is_err() {
            return;
        }
    }
}

/// Loads and compiles a snapshot, catching a panic.
fn analyze(
    snapshot: &Snapshot,
    options: &Options,
    panic_marker: Option<&str>,
) -> (Result<Arc<Analysis>, String>, Vec<Diagnostic>) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        if let Some(marker) = panic_marker {
            test_hook(snapshot, marker);
        }
        let (sources, load_diags) = snapshot.sources();
        (Arc::new(Analysis::new(sources, options)), load_diags)
    }));
    match outcome {
        Ok((analysis, load_diags)) => (Ok(analysis), load_diags),
        Err(payload) => (Err(super::panic_message(payload.as_ref())), Vec::new()),
    }
}

/// Panics when an open document contains `marker`: the test suite's way
/// to check that a panic in the worker does not kill the server. Only tests
/// and a binary built with the `test-hooks` feature (`NETPOLC_TEST_LSP_PANIC`)
/// give a marker.
#[expect(clippy::panic, reason = "the tests need a panic on purpose")]
fn test_hook(snapshot: &Snapshot, marker: &str) {
    if snapshot
        .overrides
        .values()
        .any(|text| text.contains(marker))
    {
        panic!("forced by a test: a document contains `{marker}`");
    }
}
