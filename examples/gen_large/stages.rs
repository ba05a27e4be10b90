//! Times each stage of the pipeline once on a synthetic model of N elements and prints a table,
//! with peak memory: `cargo run --release --example stages -- 10000 [RUNS]`.
//!
//! For N = 100,000, where criterion's sampling would take too long. Each stage is timed by the
//! wall clock and by the CPU time of this thread (`CLOCK_THREAD_CPUTIME_ID`), which is what to
//! compare on a machine other people share, and counts the page faults it took (the kernel's
//! part). `-- N RUNS` repeats the pipeline and prints each stage's least and median time. Peak RSS
//! is `VmHWM` from `/proc/self/status`, reset before each run: the model text, every stage's
//! output (Markdown, JSON and SARIF are streamed into a byte counter, as `tmc build` streams
//! them to files; DOT and Mermaid are rendered to strings and dropped), then the whole compile
//! once more while the first one's memory is free.

mod synth;

use std::path::Path;
use std::time::Instant;
use tmc::diagnostics::Diagnostics;
use tmc::load::{self, LoadOptions, MemoryLoader};
use tmc::report::{self, Templates};
use tmc::rules::{self, RuleOptions};
use tmc::source::SourceMap;
use tmc::syntax::{self, ParseLimits};

// The allocator the `tmc` binary uses, set up as src/main.rs does, so the stages' times,
// faults and peaks are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
}

/// A writer that only counts the bytes: rendering without the disk.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// CPU time of this thread in nanoseconds, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`
/// (exact, where `/proc/.../schedstat` is only updated at scheduler ticks, and `getrusage`
/// splits user from system time by tick samples). Declared here rather than through the `libc`
/// crate to keep the dependency tree as it is.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_ns() -> Option<u64> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable timespec for the duration of the call.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
    (status == 0).then(|| time.tv_sec as u64 * 1_000_000_000 + time.tv_nsec as u64)
}

/// Minor page faults of this thread so far (`getrusage(RUSAGE_THREAD)`, an exact count): the
/// kernel's share of the CPU time, which at N = 100,000 outweighs our own code.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn page_faults() -> Option<u64> {
    #[repr(C)]
    struct Rusage {
        times: [i64; 4],
        /// maxrss, ixrss, idrss, isrss, minflt, majflt, ...
        counts: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_THREAD: i32 = 1;
    let mut usage = Rusage {
        times: [0; 4],
        counts: [0; 14],
    };
    // SAFETY: `usage` is a valid, writable `struct rusage` for the duration of the call.
    let status = unsafe { getrusage(RUSAGE_THREAD, &mut usage) };
    (status == 0)
        .then(|| usage.counts.get(4).map(|&n| n as u64))
        .flatten()
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_ns() -> Option<u64> {
    None
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn page_faults() -> Option<u64> {
    None
}

/// A `/proc/self/status` field in kB (`VmHWM`, `VmRSS`).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One stage's measurement.
struct Row {
    stage: String,
    wall_ms: f64,
    cpu_ms: Option<f64>,
    /// Minor page faults.
    faults: Option<f64>,
    /// The process's peak RSS so far (VmHWM, MB) when the stage ended.
    peak_mb: Option<f64>,
    /// What the stage produced.
    note: String,
}

/// One run's measurements.
#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// Runs `f` once and records its wall and CPU time under `name`; `note` describes the result.
    fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T, note: impl Fn(&T) -> String) -> T {
        let (cpu, faults) = (cpu_ns(), page_faults());
        let start = Instant::now();
        let value = f();
        let wall = start.elapsed().as_secs_f64() * 1e3;
        let delta = |before: Option<u64>, after: Option<u64>| {
            before
                .zip(after)
                .map(|(before, after)| after.saturating_sub(before) as f64)
        };
        let cpu = delta(cpu, cpu_ns()).map(|ns| ns / 1e6);
        let faults = delta(faults, page_faults());
        self.rows.push(Row {
            stage: name.to_string(),
            wall_ms: wall,
            cpu_ms: cpu,
            faults,
            peak_mb: status_kb("VmHWM").map(|kb| kb as f64 / 1e3),
            note: note(&value),
        });
        value
    }
}

/// The smallest and the median of some times.
fn min_median(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let min = values.first().copied().unwrap_or(0.0);
    let median = values.get(values.len() / 2).copied().unwrap_or(0.0);
    (min, median)
}

/// Prints each stage's least and median wall and CPU time over the runs.
fn print(runs: &[Table]) {
    let Some(first) = runs.first() else { return };
    println!(
        "| stage | wall ms (min / median) | CPU ms (min / median) | page faults (run 1) | peak RSS after (run 1) | result |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for (index, row) in first.rows.iter().enumerate() {
        let column = |pick: &dyn Fn(&Row) -> Option<f64>| {
            min_median(
                runs.iter()
                    .filter_map(|run| run.rows.get(index).and_then(pick))
                    .collect(),
            )
        };
        let (wall_min, wall_median) = column(&|r| Some(r.wall_ms));
        let (cpu_min, cpu_median) = column(&|r| r.cpu_ms);
        // The first run's: later runs reuse memory the allocator kept, and fault less.
        let faults = row.faults.map_or("-".to_string(), |n| format!("{n:.0}"));
        let peak = row
            .peak_mb
            .map_or("-".to_string(), |mb| format!("{mb:.0} MB"));
        println!(
            "| {} | {wall_min:.1} / {wall_median:.1} | {cpu_min:.1} / {cpu_median:.1} | {faults} | {peak} | {} |",
            row.stage, row.note
        );
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn main() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: as in src/main.rs: mimalloc is the allocator; 15 is `mi_option_purge_delay`.
        unsafe { mi_option_set(15, -1) };
    }
    let mut args = std::env::args().skip(1);
    let elements: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let repeats: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    let text = synth::model(elements);
    // As src/main.rs's `plain_pages_for`: 4 KB pages from 8 MB of model text.
    if text.len() >= 8 * 1024 * 1024 && std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: 41 is PR_SET_THP_DISABLE, which sets a flag on this process.
        unsafe {
            prctl(
                41,
                1 as std::ffi::c_ulong,
                0 as std::ffi::c_ulong,
                0 as std::ffi::c_ulong,
                0 as std::ffi::c_ulong,
            )
        };
    }
    let mut peaks = Vec::new();
    let runs: Vec<Table> = (0..repeats)
        .map(|_| {
            // Writing 5 to clear_refs resets VmHWM (Linux 4.0+), so each run has its own peak.
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let table = run(&text);
            peaks.extend(status_kb("VmHWM"));
            table
        })
        .collect();
    println!(
        "N = {elements}: {:.1} MB of model text; {repeats} run(s)",
        text.len() as f64 / 1e6
    );
    print(&runs);
    let peaks: Vec<String> = peaks
        .iter()
        .map(|kb| format!("{:.0} MB", *kb as f64 / 1e3))
        .collect();
    println!();
    println!("peak RSS (VmHWM) of each run: {}", peaks.join(", "));
}

/// Runs every stage once on `text`.
fn run(text: &str) -> Table {
    let mut table = Table::default();
    let root = Path::new("big.tm");
    let load_options = LoadOptions {
        max_file_size: usize::MAX,
        ..LoadOptions::default()
    };

    // Parse alone: the root file's text → AST (the stdlib packs are parsed in `load`).
    let mut sources = SourceMap::new();
    let file = sources.add("big.tm", text.to_string());
    let mut sink = Diagnostics::new();
    let ast = table.time(
        "parse (root file alone)",
        || syntax::parse(file, text, ParseLimits::default(), &mut sink),
        |ast| format!("{} items", ast.as_ref().map_or(0, |a| a.items.len())),
    );
    drop(ast);

    // The pipeline, stage by stage, as `compile::compile` runs it.
    let loader = MemoryLoader::new().with(root, text.to_string());
    let mut sources = SourceMap::new();
    let mut sink = Diagnostics::new();
    let Ok(loaded) = table.time(
        "load (parse + stdlib packs)",
        || load::load(root, &loader, load_options.clone(), &mut sources, &mut sink),
        |l| format!("{} files", l.as_ref().map_or(0, |l| l.files.len())),
    ) else {
        eprintln!("the model could not be loaded");
        std::process::exit(1);
    };
    let model = table.time(
        "resolve",
        || {
            std::sync::Arc::new(tmc::resolve::resolve(
                &loaded, "big.tm", &sources, &mut sink,
            ))
        },
        |m| format!("{} elements, {} flows", m.elements.len(), m.flows.len()),
    );
    table.time("drop loaded (ASTs)", || drop(loaded), |_| String::new());
    // No limits: N = 100,000 asks for 1.7 million threats, past the CLI's defaults.
    let rule_options = RuleOptions {
        max_threats: usize::MAX,
        max_threat_text: usize::MAX,
        ..RuleOptions::default()
    };
    let mut threats = table.time(
        "rules (apply)",
        || rules::apply(&model, &rule_options, &mut sink),
        |t| format!("{} threats", t.threats.len()),
    );
    if sink.has_errors() {
        eprintln!("the model has errors");
        std::process::exit(1);
    }
    // As the CLI does: the threats move into the report.
    let taken = std::mem::take(&mut threats.threats);
    let report = table.time(
        "report build",
        || report::build::build_owned(&model, taken, &threats.rules, &sources),
        |r| format!("{} threats", r.threats.len()),
    );
    let templates = match Templates::embedded() {
        Ok(templates) => templates,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    let size = |r: &Result<String, report::RenderError>| match r {
        Ok(text) => mb(text.len()),
        Err(error) => format!("error: {error}"),
    };
    // The large outputs are streamed, as `tmc build` writes them; here into a counter.
    let written = |r: &Result<usize, report::RenderError>| match r {
        Ok(bytes) => mb(*bytes),
        Err(error) => format!("error: {error}"),
    };
    drop(table.time(
        "render json (streamed)",
        || {
            let mut out = Counter(0);
            report::json_to(&report, &mut out)?;
            Ok(out.0)
        },
        written,
    ));
    drop(table.time(
        "render sarif (streamed)",
        || {
            let mut out = Counter(0);
            report::sarif_to(&report, &mut out).map(|()| out.0)
        },
        written,
    ));
    drop(table.time(
        "render markdown (streamed)",
        || {
            let mut out = Counter(0);
            report::markdown_to(&report, &templates, None, &mut out).map(|()| out.0)
        },
        written,
    ));
    drop(table.time(
        "render html (streamed)",
        || {
            let mut out = Counter(0);
            let options = report::HtmlOptions::default();
            report::html_to(&report, &templates, &options, &mut out).map(|()| out.0)
        },
        written,
    ));
    drop(table.time(
        "render dot",
        || report::dot(&report, &templates, None),
        size,
    ));
    drop(table.time("render mermaid", || report::mermaid(&report, None), size));
    table.time("drop report", || drop(report), |_| String::new());
    table.time("drop threats", || drop(threats), |_| String::new());
    table.time("drop model", || drop(model), |_| String::new());
    // The whole compile as the CLI runs it (load → resolve → rules → report build).
    let options = tmc::compile::Options {
        load: load_options,
        rules: rule_options,
        report_takes_threats: true,
        skip_report: false,
    };
    let compilation = table.time(
        "whole compile (load..report build)",
        || tmc::compile::compile(root, &loader, &options),
        |c| match c {
            Ok(c) => format!("{} diagnostics", c.diagnostics.len()),
            Err(e) => e.to_string(),
        },
    );
    // Freed untimed: the CLI skips freeing it at exit.
    drop(compilation);

    table
}
