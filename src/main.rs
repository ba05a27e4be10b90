//! The `tmc` command: a thin shell over the library. The only place that touches the disk,
//! the clock, colour and exit codes (0 ok, 1 errors or a failed gate, 2 usage or I/O).

mod cli;

// mimalloc rather than glibc's malloc: it asks the kernel for transparent huge pages, so a build
// takes a few hundred page faults instead of tens of thousands. That cut the median wall time of
// a 10,000-element build by a quarter (on a quiet machine) and the CPU time of a 1,000-element
// one by a fifth; docs/performance.md has the measurements. Its v2 line: v3 held 20 MB more at the peak.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's `mi_option_set` (mimalloc.h), linked in with the allocator.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_e` (mimalloc.h of libmimalloc-sys 0.1.49,
/// locked in Cargo.lock).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Freed memory stays with the process until it exits, instead of going back to the kernel
/// 10 ms after it is freed (mimalloc's default). A large compile frees its syntax trees and then
/// fills the memory again with threats and report views; returned, that memory comes back as
/// fresh pages the kernel must zero (and, on a VM whose host reclaims free guest memory, fault in
/// on the host as well). `tmc` runs one build and exits, so holding what it freed costs nothing
/// after. At N = 100,000, `tmc check` took a median 1.44 s with a 3 ms delay, 1.02 s with 100 ms
/// (on one machine), and 2.47 s with 100 ms against 1.81 s never returning (system time 0.98 s
/// against 0.19 s, on a slower one); a 10,000-element build's peak stays near 190 MB
/// (docs/performance.md, tenth and eleventh rounds). `MIMALLOC_PURGE_DELAY` still wins when
/// set: 0 returns freed memory at once, for a smaller footprint at 0.1-0.2 s more.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mimalloc is this program's allocator (above), so the function is linked in;
        // it takes any value for any option (-1: never), and is called before any other
        // thread exists.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

fn main() {
    keep_freed_memory();
    std::process::exit(cli::run());
}
