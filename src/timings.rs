//! `--timings`: when each stage of a run ended, printed to standard error as it happens, to
//! see where a large model's time goes (docs/performance.md). Off unless the CLI turns it on;
//! the stages only mark their end.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);
static START: OnceLock<Instant> = OnceLock::new();

/// Turns the marks on; times count from this call.
pub fn enable() {
    START.get_or_init(Instant::now);
    ENABLED.store(true, Ordering::Relaxed);
}

/// Prints `timings: MS ms STAGE` (milliseconds since [`enable`]) when the marks are on.
/// Stages on other threads mark their own end as they finish.
pub fn mark(stage: &str) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    if let Some(start) = START.get() {
        // The clock is read with standard error held, so the lines come out in time order.
        let mut stderr = std::io::stderr().lock();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let _ = writeln!(stderr, "timings: {ms:8.1} ms  {stage}{}", memory());
    }
}

/// `  (rss N MB, peak N MB, N page faults)` on Linux, from `/proc/self`: where a large model's
/// memory is taken, and how often the kernel had to hand out fresh pages (each one zeroed).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kilobytes = |field: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    // Field 10 of /proc/self/stat, counted after the command name, which may hold spaces.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let faults = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7))
        .and_then(|n| n.parse::<u64>().ok());
    match (kilobytes("VmRSS:"), kilobytes("VmHWM:"), faults) {
        (Some(rss), Some(peak), Some(faults)) => format!(
            "  (rss {} MB, peak {} MB, {faults} page faults)",
            rss / 1024,
            peak / 1024
        ),
        _ => String::new(),
    }
}
