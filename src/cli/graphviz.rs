//! Graphviz's `dot`, run as a subprocess to turn the DFD into SVG.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// True when `dot` can be run (asked once per process): `dot -V` answers within
/// [`PROBE_TIMEOUT`]. A `dot` that does not answer is stopped and counts as missing.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let Ok(mut child) = Command::new("dot")
            .arg("-V")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            return false;
        };
        let deadline = Instant::now() + PROBE_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    })
}

/// How long `dot -V` may take to say its version.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Above this many elements in a drawing, the default outputs leave the SVG out rather than
/// wait for Graphviz: its layout took 4 s at 1,000 elements (the benchmark model) and more than
/// ten minutes at 10,000. Asked for by `--emit svg`, it is still drawn, within the timeout.
pub const MAX_ELEMENTS: usize = 2_000;

/// The elements (boundaries aside) a drawing of `scope` shows: the whole model's, or those
/// inside the boundary at any depth.
pub fn drawn_elements(report: &tmc::report::view::Report, scope: Option<&str>) -> usize {
    let in_scope = |element: &tmc::report::view::ElementView| match scope {
        None => true,
        Some(scope) => element.boundaries.iter().any(|b| **b == *scope),
    };
    report
        .elements
        .iter()
        .filter(|e| e.kind != tmc::vocab::ElementKind::Boundary && in_scope(e))
        .count()
}

/// Renders DOT source to SVG; the error carries what `dot` said. `dot` is stopped after
/// `timeout` (`None`: no limit): its layout of a graph of thousands of nodes can run for hours.
pub fn svg(dot: &str, timeout: Option<Duration>) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run Graphviz's `dot`: {e}"))?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        return Err("cannot talk to `dot` through pipes".to_string());
    };
    let input = dot.to_string();
    // Write and read on other threads: `dot` may fill its output pipe before reading all its
    // input, and this thread watches the clock.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        stdout.read_to_end(&mut text).map(|_| text)
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    // A limit too far away to be an instant (centuries of seconds) is no limit.
    let deadline = timeout.and_then(|limit| Some((limit, Instant::now().checked_add(limit)?)));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => match deadline {
                Some((limit, at)) if Instant::now() >= at => {
                    let _ = child.kill();
                    let _ = child.wait();
                    // The reader threads end when the pipes close; nothing waits for them.
                    return Err(format!(
                        "Graphviz's `dot` did not finish within {} s (--graphviz-timeout); \
                         draw one boundary with --diagram-scope, or allow more time",
                        limit.as_secs()
                    ));
                }
                _ => std::thread::sleep(POLL),
            },
            Err(error) => return Err(format!("`dot` failed: {error}")),
        }
    };
    let _ = writer.join();
    let stdout = out_reader
        .join()
        .map_err(|_| "reading `dot`'s output failed".to_string())?
        .map_err(|e| format!("reading `dot`'s output failed: {e}"))?;
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "`dot -Tsvg` failed: {}",
            String::from_utf8_lossy(&stderr).trim()
        ));
    }
    String::from_utf8(stdout).map_err(|_| "`dot` wrote something that is not UTF-8".to_string())
}

/// How often to look whether `dot` has finished.
const POLL: Duration = Duration::from_millis(10);
