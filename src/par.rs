//! Data parallelism for the pipeline's independent parts (files to parse,
//! namespaces to print, groups of lints, and the CLI's file writes), on `std::thread::scope`: no crate,
//! no pool. Each thread takes one contiguous chunk of the items and the
//! results are put back in the items' order, so nothing downstream can
//! tell how many threads ran.
//!
//! **Invariant:** [`map`] returns exactly what `items.iter().map(f)` would,
//! in the same order, whatever the number of cores.
//!
//! A panic in a worker is a bug. The binary's panic hook (the internal
//! compiler error report, `src/cli/ice.rs`) runs on the panicking thread and
//! ends the process with exit code 101 there, before any file is written
//! (the CLI writes only after the whole compilation returned). Without a
//! hook (library users, unit tests) the panic is raised again on the
//! calling thread, as if the work had run there.

/// How many threads to use for `items` items when each thread should get at
/// least `per_thread` of them: between 1 and the number of cores.
///
/// The number of cores is asked once per process, and not at all when the
/// items are too few for two threads: `available_parallelism` reads the
/// cgroup's CPU quota from `/sys/fs/cgroup` on Linux, which cost about 50 µs
/// a call, more than printing a small namespace.
pub(crate) fn threads_for(items: usize, per_thread: usize) -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let most = items / per_thread.max(1);
    if most < 2 {
        return 1;
    }
    let cores = *CORES.get_or_init(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    cores.min(most).max(1)
}

/// `items.iter().map(f).collect()`, on up to one thread per core when there
/// are at least `per_thread` items for each; in the items' order. The CLI
/// writes and compares output files with it too.
pub fn map<T: Sync, R: Send>(items: &[T], per_thread: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len(), per_thread);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Runs `a` on a new thread and `b` on this one, and returns both results.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let handle = scope.spawn(a);
        let b = b();
        match handle.join() {
            Ok(a) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = map(&items, 16, |n| n * 2);
        let expected: Vec<u32> = (0..10_000).map(|n| n * 2).collect();
        assert_eq!(doubled, expected);
    }

    #[test]
    fn map_of_nothing_is_nothing() {
        let items: Vec<u32> = Vec::new();
        assert!(map(&items, 1, |n| n + 1).is_empty());
    }

    #[test]
    fn join_returns_both_results() {
        assert_eq!(join(|| 1 + 1, || "b"), (2, "b"));
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let result = std::panic::catch_unwind(|| {
            map(&items, 1, |n| {
                assert!(*n != 63, "worker bug");
                *n
            })
        });
        assert!(result.is_err());
    }
}
