use std::process::ExitCode;

// Typst allocates many small objects; mimalloc is faster than the system
// allocator at that, scales across a batch's threads and returns memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    notice::cli::run()
}
