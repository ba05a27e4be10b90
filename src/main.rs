//! The `tmc` command: a thin shell over the library. The only place that touches the disk,
//! the clock, colour and exit codes (0 ok, 1 errors or a failed gate, 2 usage or I/O).

mod cli;

// mimalloc rather than glibc's malloc: it asks the kernel for transparent huge pages, so a build
// takes a few hundred page faults instead of tens of thousands. That cut the median wall time of
// a 10,000-element build by a quarter (on a quiet machine) and the CPU time of a 1,000-element
// one by a fifth; docs/performance-history.md has the measurements. Its v2 line: v3 held 20 MB more at the peak.
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
/// against 0.19 s, on a slower one), with a 10,000-element build's peak near 190 MB
/// (docs/performance-history.md, tenth and eleventh rounds; 160 MB now, docs/performance.md). `MIMALLOC_PURGE_DELAY` still wins when
/// set: 0 returns freed memory at once, for a smaller footprint at 0.1-0.2 s more.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mimalloc is this program's allocator (above), so the function is linked in;
        // it takes any value for any option (-1: never), and is called before any other
        // thread exists.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

/// From this much model text (about 36,000 elements of the benchmark model), a compile holds
/// hundreds of megabytes it touches once.
const PLAIN_PAGES_FROM: u64 = 8 * 1024 * 1024;

/// Turns transparent huge pages off for the rest of the run when the model at `path` is large.
///
/// mimalloc asks for 2 MB pages, which makes a small or mid-sized compile faster (fewer page
/// faults and TLB misses: a 10,000-element `check` took a median 0.13 s with them and 0.16-0.18 s
/// without). A large compile touches most of its memory fresh, and there a 2 MB page costs
/// more than the 4 KB pages it stands for: on the eleventh round's 2-core VM
/// (docs/performance-history.md), whose
/// host takes back free guest memory in 2 MB blocks, `check` at N = 100,000 took a median
/// 2.04-2.17 s with them and 1.48-1.55 s without (system time 1.1 s against 0.43 s); at 30,000
/// and 50,000 elements the two were even. `MIMALLOC_ALLOW_THP` set to anything keeps this from
/// deciding.
pub(crate) fn plain_pages_for(path: &std::path::Path) {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
        }
        /// `PR_SET_THP_DISABLE` in linux/prctl.h (Linux 3.15).
        const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
        let large = std::fs::metadata(path).is_ok_and(|m| m.len() >= PLAIN_PAGES_FROM);
        if large && std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            // SAFETY: prctl with PR_SET_THP_DISABLE takes one integer argument (the rest are
            // ignored) and only sets a flag on this process; failing leaves the flag as it was.
            unsafe {
                prctl(
                    PR_SET_THP_DISABLE,
                    1 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                )
            };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
}

/// The stack of every thread: the compiler recurses once per level of nesting in a model
/// (blocks, lists, parentheses, includes) and in what it writes (a diagram's boundaries), up to
/// `--max-depth` levels (at most [`cli::MAX_DEPTH`]). 64 MiB holds that many in a debug build
/// with room to spare (tests/it/deep_inputs.rs); a thread's stack is memory only where a run
/// touches it.
const STACK_BYTES: usize = 64 << 20;

fn main() {
    keep_freed_memory();
    // The threads the compiler spawns (parsing, firing rules, writing outputs) read this once,
    // at the first spawn; nothing else runs yet.
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        std::env::set_var("RUST_MIN_STACK", STACK_BYTES.to_string());
    }
    let code = std::thread::Builder::new()
        .name("tmc".to_string())
        .stack_size(STACK_BYTES)
        .spawn(cli::run)
        .map_or_else(|_| cli::run(), |run| run.join().unwrap_or(101));
    std::process::exit(code);
}
