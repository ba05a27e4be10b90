//! The `tmc` command: a thin shell over the library. The only place that touches the disk,
//! the clock, colour and exit codes (0 ok, 1 errors or a failed gate, 2 usage or I/O).

mod cli;

// mimalloc rather than glibc's malloc: it asks the kernel for transparent huge pages, so a build
// takes a few hundred page faults instead of tens of thousands. That cut the median wall time of
// a 10,000-element build by a quarter (on a quiet machine) and the CPU time of a 1,000-element
// one by a fifth; docs/performance.md has the measurements. Its v2 line: v3 held 20 MB more at the peak.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
