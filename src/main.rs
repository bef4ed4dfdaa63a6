use std::process::ExitCode;

// Typst allocates many small objects; mimalloc is faster than the system
// allocator at that, scales across a batch's threads and returns memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Transparent huge pages make the kernel zero 2 MB for every fresh
    // region mimalloc touches: 15% of a dense batch's time, and 30% more
    // memory (BENCHMARKS.md). notice's allocations are small and short-lived.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    notice::cli::run()
}
