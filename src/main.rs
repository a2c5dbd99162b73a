//! The `charter` binary: everything lives in the library.

/// mimalloc: pages are rendered on many threads and their memory freed on others,
/// where glibc's allocator spends a tenth of a build in malloc/free/consolidate
/// (perf). Measured at N = 10,000: build 1.42 s -> 1.30 s, check 0.45 s -> 0.31 s,
/// peak memory 270 MiB -> 322 MiB (see README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
    charter::run()
}

/// mimalloc asks the kernel for transparent huge pages, which the kernel zeroes 2 MiB
/// at a time on first touch: a tenth of a build's CPU time was that zeroing (perf:
/// `clear_page_erms` under `do_huge_pmd_anonymous_page`), and the peak memory counted
/// whole huge pages that were barely used. At N = 10,000: peak 198 -> 153 MiB.
/// Failing to turn them off only costs that time and memory, so it is not an error.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}
