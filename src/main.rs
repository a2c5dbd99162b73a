//! The `charter` binary: everything lives in the library.

/// mimalloc: pages are rendered on many threads and their memory freed on others,
/// where glibc's allocator spends a tenth of a build in malloc/free/consolidate
/// (perf). Measured at N = 10,000: build 1.42 s -> 1.30 s, check 0.45 s -> 0.31 s,
/// peak memory 270 MiB -> 322 MiB (see README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    charter::run()
}
