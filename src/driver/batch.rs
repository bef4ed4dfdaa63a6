//! Many documents in one process, in parallel, each reported as it
//! finishes. One document's failure is its own: a panic in one (ours or a
//! dependency's) fails that document and no other.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Engine, Job, Options, Outcome};
use crate::diagnostic::Diagnostic;

/// Runs every job on `threads` threads (all cores when 0), handing each
/// outcome to `report` as it finishes (from any thread).
///
/// Documents go to plain threads, not to rayon: Typst and the PDF writer use
/// rayon inside, and a rayon worker waiting there would pick up another whole
/// document, stacking half-built documents (and their memory) on one thread.
pub fn run(
    engine: &Engine,
    jobs: &[Job],
    options: &Options,
    threads: usize,
    report: &(dyn Fn(Outcome) + Sync),
) {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    report(run_one(engine, job, options));
                    // Bound memory over long batches: keep only Typst's
                    // recent cache entries.
                    typst::comemo::evict(10);
                }
            });
        }
    });
}

/// Runs one job; a panic becomes that job's failure.
pub fn run_one(engine: &Engine, job: &Job, options: &Options) -> Outcome {
    match std::panic::catch_unwind(AssertUnwindSafe(|| engine.run(job, options))) {
        Ok(outcome) => outcome,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            let mut outcome = Outcome::new(job);
            outcome.diagnostics.push(
                Diagnostic::error(
                    "internal",
                    format!("notice failed on this document (internal error: {what})"),
                )
                .hint("this is a bug in notice; please report it with the plan"),
            );
            outcome
        }
    }
}
