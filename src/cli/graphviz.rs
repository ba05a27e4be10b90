//! Graphviz's `dot`, run as a subprocess to turn the DFD into SVG.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// True when `dot` can be run (asked once per process).
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new("dot")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Renders DOT source to SVG; the error carries what `dot` said.
pub fn svg(dot: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run Graphviz's `dot`: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to `dot`")?;
    let input = dot.to_string();
    // Write from another thread: `dot` may fill its output pipe before reading all its input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("`dot` failed: {e}"))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(format!(
            "`dot -Tsvg` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| "`dot` wrote something that is not UTF-8".to_string())
}
