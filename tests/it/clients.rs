//! Checks of tmc's outputs with the real programs that read them.
//!
//! - DOT: Graphviz's `dot -Tsvg` must render it without a word on stderr.
//! - Mermaid: `tests/clients/mermaid-check.mjs` parses *and* renders every
//!   diagram with the `mermaid` npm package in headless Chromium, as GitHub
//!   shows Markdown.
//! - SARIF: `tests/clients/sarif-check.py` validates against the official
//!   SARIF 2.1.0 schema plus GitHub code scanning's expectations.
//! - HTML: `tests/clients/html-check.mjs` opens pages from `file://` URLs in
//!   headless Chromium, fails on any console error, uncaught exception,
//!   dialog or request for anything but the page itself, and reports what a
//!   reader sees (rows shown by each filter, the order after sorting).
//! - Markdown: `tests/clients/markdown-check.mjs` reads it with `marked` as
//!   GitHub-flavoured Markdown and reports each block's and table cell's
//!   rendered text; raw HTML, emphasis or links made by names, and table rows
//!   with another number of cells than their header are rejections.
//!
//! Availability policy: when a client is missing (no `dot`, no
//! `tests/clients/node_modules`, no Chromium, no `tests/clients/.venv`), the
//! `assert_*` helpers panic if the `CI` environment variable is set, and
//! otherwise print one `skipped: ...` line to stderr and return. Install
//! everything with `bash tests/clients/setup.sh` (see docs/testing.md).
//!
//! Each `assert_*` wraps a `check_*` function that returns the verdict as a
//! [`ClientError`] instead of panicking, so tests can show a check rejects bad
//! input.

use std::collections::HashSet;
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why a check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The client program is not installed or could not start: skip outside CI.
    Unavailable(String),
    /// The client read the output and rejected it: always a test failure.
    Rejected(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Unavailable(why) => write!(f, "client unavailable: {why}"),
            ClientError::Rejected(why) => write!(f, "{why}"),
        }
    }
}

/// How long one `dot` run may take.
const DOT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one run of the Mermaid checker may take, on top of its own
/// per-diagram limits (it gives up by itself well before this).
const MERMAID_TIMEOUT: Duration = Duration::from_secs(600);
/// How long one run of the SARIF checker may take.
const SARIF_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one run of the HTML checker may take (it gives up by itself before this).
const HTML_TIMEOUT: Duration = Duration::from_secs(300);
/// How long one run of the Markdown checker may take (node alone, no browser).
const MARKDOWN_TIMEOUT: Duration = Duration::from_secs(120);

// ------------------------------------------------------------------ asserts

/// Renders `dot_source` with `dot -Tsvg` and returns the SVG.
///
/// Panics if `dot` exits non-zero or prints anything on stderr (warnings
/// count as failures). When `dot` is missing and `CI` is unset, prints a
/// `skipped:` note and returns an empty string (see [`dot_available`]).
#[track_caller]
pub fn assert_dot_renders(dot_source: &str) -> String {
    match check_dot(dot_source) {
        Ok(svg) => svg,
        Err(e) => {
            unavailable_or_panic("Graphviz dot", e);
            String::new()
        }
    }
}

/// Checks Markdown files (every ```mermaid block) and `.mmd` files (one
/// diagram each), given as `(file name, content)`, in one browser session.
///
/// The file name's extension decides which: `.mmd`/`.mermaid` is one
/// diagram, anything else is Markdown. A Markdown file without any mermaid
/// block is rejected. Names must be plain, distinct file names.
#[track_caller]
pub fn assert_mermaid_parses(markdown_or_mmd: &[(&str, &str)]) {
    if let Err(e) = check_mermaid(markdown_or_mmd) {
        unavailable_or_panic("Mermaid (node + Chromium)", e);
    }
}

/// Validates a SARIF log against the SARIF 2.1.0 schema and GitHub code
/// scanning's expectations.
#[track_caller]
pub fn assert_sarif_valid(sarif: &str) {
    if let Err(e) = check_sarif(sarif) {
        unavailable_or_panic("SARIF validator (tests/clients/.venv)", e);
    }
}

/// Opens each page in headless Chromium (see [`check_html`]) and returns one
/// report per page, or `None` when the browser is unavailable outside CI.
///
/// Panics if a page logs a console error, throws, opens a dialog or requests
/// anything but itself.
#[track_caller]
pub fn assert_html_pages(
    pages: &[&Path],
    filters: &[&str],
    sort: Option<&str>,
    rows: bool,
) -> Option<Vec<serde_json::Value>> {
    match check_html(pages, filters, sort, rows) {
        Ok(reports) => Some(reports),
        Err(e) => {
            unavailable_or_panic("HTML (node + Chromium)", e);
            None
        }
    }
}

/// Reads `markdown` as GitHub-flavoured Markdown (see [`check_markdown`]) and
/// returns its blocks as a reader sees them, or `None` when node or `marked`
/// is unavailable outside CI.
///
/// Panics if names made raw HTML, emphasis or links, or a table row has
/// another number of cells than its header.
#[track_caller]
pub fn assert_markdown_renders(markdown: &str) -> Option<Vec<serde_json::Value>> {
    match check_markdown(markdown) {
        Ok(blocks) => Some(blocks),
        Err(e) => {
            unavailable_or_panic("Markdown (node + marked)", e);
            None
        }
    }
}

// ------------------------------------------------------------------ checks

/// Whether `dot` can be run; `Err` says why not.
pub fn dot_available() -> Result<(), ClientError> {
    match Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(ClientError::Unavailable(format!("`dot -V` failed ({s})"))),
        Err(e) => Err(ClientError::Unavailable(format!(
            "cannot run `dot` ({e}); install graphviz"
        ))),
    }
}

/// `dot -Tsvg` on `dot_source`: the SVG, or why it was rejected.
pub fn check_dot(dot_source: &str) -> Result<String, ClientError> {
    dot_available()?;
    let mut cmd = Command::new("dot");
    cmd.arg("-Tsvg");
    let out = run(cmd, Some(dot_source.as_bytes()), DOT_TIMEOUT)
        .map_err(|e| ClientError::Unavailable(format!("dot: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.timed_out {
        return Err(ClientError::Rejected(format!(
            "dot -Tsvg did not finish within {DOT_TIMEOUT:?}"
        )));
    }
    if !out.success || !stderr.trim().is_empty() {
        return Err(ClientError::Rejected(format!(
            "dot -Tsvg rejected the DOT ({}):\n{}\n--- DOT source ---\n{}",
            out.status,
            stderr.trim_end(),
            numbered(dot_source)
        )));
    }
    if !stdout.contains("<svg") {
        return Err(ClientError::Rejected(format!(
            "dot -Tsvg printed no SVG:\n{stdout}"
        )));
    }
    check_xml(&stdout)?;
    Ok(stdout)
}

/// The SVG must be well-formed XML, as a browser opening `dfd.svg` reads it (an HTML page is
/// forgiving; an SVG file is not): parsed by Python's expat.
fn check_xml(svg: &str) -> Result<(), ClientError> {
    let mut cmd = Command::new("python3");
    cmd.args([
        "-c",
        "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())",
    ]);
    let out = run(cmd, Some(svg.as_bytes()), DOT_TIMEOUT)
        .map_err(|e| ClientError::Unavailable(format!("python3: {e}")))?;
    if out.success {
        return Ok(());
    }
    Err(ClientError::Rejected(format!(
        "the SVG is not well-formed XML: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// Runs `tests/clients/mermaid-check.mjs` once on all the files.
pub fn check_mermaid(files: &[(&str, &str)]) -> Result<(), ClientError> {
    assert!(!files.is_empty(), "check_mermaid: no files given");
    let mut seen = HashSet::new();
    for (name, _) in files {
        assert!(
            !name.is_empty()
                && !name.contains(['/', '\\'])
                && *name != "."
                && *name != ".."
                && !name.starts_with('-'),
            "check_mermaid: {name:?} is not a plain file name"
        );
        assert!(seen.insert(*name), "check_mermaid: {name:?} given twice");
    }
    mermaid_available()?;

    // One browser at a time: the machines have 2 cores.
    let _turn = BROWSER_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let dir = TempDir::new("mermaid")?;
    for (name, content) in files {
        dir.write(name, content.as_bytes())?;
    }
    let mut cmd = Command::new("node");
    cmd.arg(clients_dir().join("mermaid-check.mjs"))
        .args(files.iter().map(|(name, _)| *name))
        .current_dir(dir.path());
    let out = run(cmd, None, MERMAID_TIMEOUT)
        .map_err(|e| ClientError::Unavailable(format!("node: {e}")))?;
    let report = out.report();
    match out.code() {
        Some(0) if !out.timed_out => Ok(()),
        Some(1) if !out.timed_out => {
            let fails: Vec<&str> = report.lines().filter(|l| l.starts_with("FAIL ")).collect();
            let mut msg = format!(
                "Mermaid rejected {} diagram(s):\n{}\n",
                fails.len(),
                fails.join("\n")
            );
            for (name, content) in files {
                if report.contains(&format!("FAIL {name}")) {
                    msg.push_str(&format!("--- {name} ---\n{}\n", numbered(content)));
                }
            }
            Err(ClientError::Rejected(msg))
        }
        _ if out.timed_out => Err(ClientError::Rejected(format!(
            "mermaid-check.mjs did not finish within {MERMAID_TIMEOUT:?}:\n{report}"
        ))),
        // 2: setup problem (no browser, mermaid not loadable, time budget).
        _ => Err(ClientError::Unavailable(format!(
            "mermaid-check.mjs could not run ({}): {}",
            out.status,
            report.trim()
        ))),
    }
}

/// Runs `tests/clients/sarif-check.py` on `sarif` with the venv's Python.
pub fn check_sarif(sarif: &str) -> Result<(), ClientError> {
    let python = clients_dir().join(".venv").join("bin").join("python");
    if !python.exists() {
        return Err(ClientError::Unavailable(format!(
            "no {} (run tests/clients/setup.sh)",
            python.display()
        )));
    }
    let dir = TempDir::new("sarif")?;
    dir.write("tmc.sarif", sarif.as_bytes())?;
    let mut cmd = Command::new(&python);
    cmd.arg(clients_dir().join("sarif-check.py"))
        .arg("tmc.sarif")
        .current_dir(dir.path());
    let out = run(cmd, None, SARIF_TIMEOUT)
        .map_err(|e| ClientError::Unavailable(format!("{}: {e}", python.display())))?;
    let report = out.report();
    match out.code() {
        Some(0) if !out.timed_out => Ok(()),
        Some(1) if !out.timed_out => Err(ClientError::Rejected(format!(
            "the SARIF is not valid:\n{}\n--- tmc.sarif ---\n{}",
            report.trim_end(),
            numbered(sarif)
        ))),
        _ if out.timed_out => Err(ClientError::Rejected(format!(
            "sarif-check.py did not finish within {SARIF_TIMEOUT:?}"
        ))),
        _ => Err(ClientError::Unavailable(format!(
            "sarif-check.py could not run ({}): {}",
            out.status,
            report.trim()
        ))),
    }
}

/// Runs `tests/clients/html-check.mjs` on the pages: `filters` are
/// `NAME=VALUE` choices of the threat table's filter selects, `sort` a header
/// to click twice, `rows` whether to report every threat row's markup. One JSON
/// report per page (see the script); a page with errors is a rejection.
pub fn check_html(
    pages: &[&Path],
    filters: &[&str],
    sort: Option<&str>,
    rows: bool,
) -> Result<Vec<serde_json::Value>, ClientError> {
    assert!(!pages.is_empty(), "check_html: no pages given");
    browser_available(&["playwright-core"])?;
    let _turn = BROWSER_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut cmd = Command::new("node");
    cmd.arg(clients_dir().join("html-check.mjs"));
    for filter in filters {
        cmd.arg("--filter").arg(filter);
    }
    if let Some(header) = sort {
        cmd.arg("--sort").arg(header);
    }
    if rows {
        cmd.arg("--rows");
    }
    cmd.args(pages);
    let out =
        run(cmd, None, HTML_TIMEOUT).map_err(|e| ClientError::Unavailable(format!("node: {e}")))?;
    let report = out.report();
    if out.timed_out {
        return Err(ClientError::Rejected(format!(
            "html-check.mjs did not finish within {HTML_TIMEOUT:?}:\n{report}"
        )));
    }
    if out.code() != Some(0) {
        return Err(ClientError::Unavailable(format!(
            "html-check.mjs could not run ({}): {}",
            out.status,
            report.trim()
        )));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let reports: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .map_err(|e| ClientError::Rejected(format!("html-check.mjs printed {line:?}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    if reports.len() != pages.len() {
        return Err(ClientError::Rejected(format!(
            "html-check.mjs reported on {} of {} pages:\n{report}",
            reports.len(),
            pages.len()
        )));
    }
    let problems: Vec<String> = reports
        .iter()
        .filter_map(|r| {
            let errors = r["errors"].as_array()?;
            (!errors.is_empty()).then(|| format!("{}: {}", r["page"], r["errors"]))
        })
        .collect();
    if !problems.is_empty() {
        return Err(ClientError::Rejected(format!(
            "the browser reported problems:\n{}",
            problems.join("\n")
        )));
    }
    Ok(reports)
}

/// Runs `tests/clients/markdown-check.mjs` on `markdown`: its blocks, each
/// `{"type", "text", "html"}` (a table `{"type": "table", "header", "rows"}`
/// of cells `{"text", "html"}`), `text` being what a reader sees (`<br>` a
/// line break, entities decoded, tags dropped).
pub fn check_markdown(markdown: &str) -> Result<Vec<serde_json::Value>, ClientError> {
    let marked = clients_dir()
        .join("node_modules")
        .join("marked")
        .join("package.json");
    if !marked.exists() {
        return Err(ClientError::Unavailable(format!(
            "no {} (run tests/clients/setup.sh)",
            marked.display()
        )));
    }
    let dir = TempDir::new("markdown")?;
    dir.write("page.md", markdown.as_bytes())?;
    let mut cmd = Command::new("node");
    cmd.arg(clients_dir().join("markdown-check.mjs"))
        .arg("page.md")
        .current_dir(dir.path());
    let out = run(cmd, None, MARKDOWN_TIMEOUT)
        .map_err(|e| ClientError::Unavailable(format!("node: {e}")))?;
    let report = out.report();
    if out.timed_out {
        return Err(ClientError::Rejected(format!(
            "markdown-check.mjs did not finish within {MARKDOWN_TIMEOUT:?}:\n{report}"
        )));
    }
    if out.code() != Some(0) {
        return Err(ClientError::Unavailable(format!(
            "markdown-check.mjs could not run ({}): {}",
            out.status,
            report.trim()
        )));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let page: serde_json::Value = serde_json::from_str(stdout.trim()).map_err(|e| {
        ClientError::Rejected(format!("markdown-check.mjs printed {stdout:?}: {e}"))
    })?;
    match page["errors"].as_array() {
        Some(errors) if errors.is_empty() => {}
        _ => {
            return Err(ClientError::Rejected(format!(
                "the Markdown does not read as written: {}\n--- page.md ---\n{}",
                page["errors"],
                numbered(markdown)
            )))
        }
    }
    Ok(page["blocks"].as_array().cloned().unwrap_or_default())
}

fn mermaid_available() -> Result<(), ClientError> {
    browser_available(&["mermaid", "playwright-core"])
}

/// node, the npm packages `packages` in tests/clients, and Chromium.
fn browser_available(packages: &[&str]) -> Result<(), ClientError> {
    let dir = clients_dir();
    for pkg in packages {
        if !dir
            .join("node_modules")
            .join(pkg)
            .join("package.json")
            .exists()
        {
            return Err(ClientError::Unavailable(format!(
                "no {} (run tests/clients/setup.sh)",
                dir.join("node_modules").join(pkg).display()
            )));
        }
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.exists());
    if chromium.is_none() {
        return Err(ClientError::Unavailable(
            "no Chromium (apt-get install chromium, or set CHROMIUM)".into(),
        ));
    }
    match Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(ClientError::Unavailable(format!(
            "`node --version` failed ({s})"
        ))),
        Err(e) => Err(ClientError::Unavailable(format!("cannot run `node` ({e})"))),
    }
}

// ------------------------------------------------------------------ policy

/// True when the `CI` environment variable is set (and not "false" or "0").
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false" && v != "0")
        .unwrap_or(false)
}

/// A rejection always panics; an unavailable client panics under CI and is
/// otherwise noted on stderr.
#[track_caller]
fn unavailable_or_panic(client: &str, e: ClientError) {
    match e {
        ClientError::Rejected(why) => panic!("{why}"),
        ClientError::Unavailable(why) if in_ci() => {
            panic!("{client} is required when CI is set, but {why}")
        }
        ClientError::Unavailable(why) => eprintln!("skipped: {client} check: {why}"),
    }
}

// ------------------------------------------------------------------ plumbing

/// One browser at a time, whichever check runs it.
static BROWSER_LOCK: Mutex<()> = Mutex::new(());
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("clients")
}

/// Lines prefixed with their numbers, for failure messages.
fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| format!("{:>4} | {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A directory under the system temp dir, unique to this process and call;
/// removed on drop. (Failure messages quote the inputs, so nothing is kept.)
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(what: &str) -> Result<TempDir, ClientError> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("tmc-clients-{what}-{}-{n}", std::process::id()));
        // A leftover from an earlier process with the same pid.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| {
            ClientError::Unavailable(format!("cannot create {}: {e}", path.display()))
        })?;
        Ok(TempDir { path })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, name: &str, content: &[u8]) -> Result<PathBuf, ClientError> {
        let file = self.path.join(name);
        std::fs::write(&file, content).map_err(|e| {
            ClientError::Unavailable(format!("cannot write {}: {e}", file.display()))
        })?;
        Ok(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

struct Output {
    status: String,
    code: Option<i32>,
    success: bool,
    timed_out: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Output {
    fn code(&self) -> Option<i32> {
        self.code
    }

    /// stdout then stderr, as text.
    fn report(&self) -> String {
        let mut s = String::from_utf8_lossy(&self.stdout).into_owned();
        let err = String::from_utf8_lossy(&self.stderr);
        if !err.trim().is_empty() {
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&err);
        }
        s
    }
}

/// Runs `cmd` with `stdin` fed in, collecting its output; kills it after
/// `timeout`. `Err` only when it cannot be started at all.
fn run(mut cmd: Command, stdin: Option<&[u8]>, timeout: Duration) -> Result<Output, String> {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;

    let writer = child.stdin.take().map(|mut pipe| {
        let data = stdin.unwrap_or_default().to_vec();
        std::thread::spawn(move || {
            // A client that exits early closes the pipe: not our error.
            let _ = pipe.write_all(&data);
        })
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_thread = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err_thread = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );

    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().map_err(|e| e.to_string())?;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    // Grandchildren (a browser) may hold the pipes open after a kill: do not
    // wait for them forever.
    let join = |t: std::thread::JoinHandle<Vec<u8>>| {
        let until = Instant::now() + Duration::from_secs(10);
        while !t.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        if t.is_finished() {
            t.join().unwrap_or_default()
        } else {
            b"(output not collected: the pipe stayed open)".to_vec()
        }
    };
    Ok(Output {
        status: status.to_string(),
        code: status.code(),
        success: status.success(),
        timed_out,
        stdout: join(out_thread),
        stderr: join(err_thread),
    })
}

// ------------------------------------------------------------------ self-tests

/// The checks must be able to fail: each is shown good and bad input.
mod self_tests {
    use super::*;

    /// `Some(message)` when `result` is a rejection; `None` when the client
    /// is unavailable (allowed outside CI only). Panics when it passed.
    fn rejected<T: fmt::Debug>(client: &str, result: Result<T, ClientError>) -> Option<String> {
        match result {
            Err(ClientError::Rejected(msg)) => Some(msg),
            Err(e @ ClientError::Unavailable(_)) => {
                unavailable_or_panic(client, e);
                None
            }
            Ok(v) => panic!("{client} accepted input it should reject: {v:?}"),
        }
    }

    #[test]
    fn dot_accepts_a_clustered_graph_and_returns_svg() {
        let svg = assert_dot_renders(
            r#"digraph dfd {
                rankdir=LR;
                node [shape=box, fontname="Helvetica"];
                subgraph cluster_internet { label="Internet"; style=dashed; user [label="User 👤"]; }
                subgraph cluster_dmz { label="DMZ \"edge\""; web [label=<Web app<br/>(nginx)>]; db [shape=cylinder, label="Orders DB"]; }
                user -> web [label="HTTPS"];
                web -> db [label="SQL"];
            }"#,
        );
        if dot_available().is_ok() {
            assert!(svg.contains("<svg"), "{svg}");
            assert!(svg.contains("Orders DB"), "{svg}");
        }
    }

    #[test]
    fn dot_rejects_a_syntax_error() {
        if let Some(msg) = rejected("Graphviz dot", check_dot("digraph { a -> ; }")) {
            assert!(msg.contains("syntax error"), "{msg}");
        }
    }

    #[test]
    fn dot_rejects_warnings() {
        // Renders (exit 0), but dot warns about the unknown shape on stderr.
        let result = check_dot("digraph { a [shape=no_such_shape]; }");
        if let Some(msg) = rejected("Graphviz dot", result) {
            assert!(msg.contains("no_such_shape"), "{msg}");
        }
    }

    #[test]
    fn mermaid_accepts_good_diagrams_and_rejects_bad_ones() {
        let good_md = r#"# Threat model

```mermaid
flowchart LR
  subgraph tb_internet["Internet #quot;untrusted#quot;"]
    user(["User 👤<br>browser"])
  end
  subgraph tb_dmz["DMZ"]
    web["Web app<br/>(nginx)"]
    db[("Orders DB")]
  end
  user -->|"HTTPS #quot;login#quot;"| web
  web -->|"SQL"| db
```

Text between diagrams.

```mermaid
sequenceDiagram
  participant U as User 👤
  U->>W: POST /login
```
"#;
        let good_mmd = "flowchart TD\n  a[\"a #quot;quoted#quot; label\"] --> b\n";
        // One run for everything that must pass...
        assert_mermaid_parses(&[("good.md", good_md), ("good.mmd", good_mmd)]);

        // ...and one for what must fail, each for its own reason.
        let syntax = "```mermaid\nflowchart LR\n  a -->|unterminated b\n```\n";
        // Parses, but fails at layout: a subgraph inside itself.
        let layout = "flowchart TD\n  subgraph A\n    A --> B\n  end\n";
        let no_block = "# A threat model without its diagram\n";
        // Renders, but the page then logs an error: a label that fetches.
        let fetches = "flowchart LR\n  a[\"<img src='http://example.invalid/x.png'>\"] --> b\n";
        let result = check_mermaid(&[
            ("syntax.md", syntax),
            ("layout.mmd", layout),
            ("empty.md", no_block),
            ("fetches.mmd", fetches),
            ("fine.mmd", good_mmd),
        ]);
        if let Some(msg) = rejected("Mermaid", result) {
            assert!(msg.contains("FAIL syntax.md#1: Parse error"), "{msg}");
            assert!(msg.contains("FAIL layout.mmd#1:"), "{msg}");
            assert!(msg.contains("FAIL empty.md: no ```mermaid block"), "{msg}");
            assert!(!msg.contains("FAIL fine.mmd"), "{msg}");
            assert!(msg.contains("FAIL fetches.mmd#1: blocked request"), "{msg}");
            assert!(msg.contains("Mermaid rejected 4 diagram(s)"), "{msg}");
        }
    }

    const MINIMAL_SARIF: &str = r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "tmc",
          "version": "0.1.0",
          "rules": [
            {
              "id": "TMC-S-001",
              "shortDescription": { "text": "Spoofing of an external entity" },
              "properties": { "tags": ["security", "STRIDE"], "security-severity": "7.5" }
            }
          ]
        }
      },
      "results": [
        {
          "ruleId": "TMC-S-001",
          "ruleIndex": 0,
          "level": "warning",
          "message": { "text": "User 👤 can be spoofed on the HTTPS flow to Web app" },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": { "uri": "models/shop.tm" },
                "region": { "startLine": 12, "startColumn": 3 }
              }
            }
          ]
        }
      ]
    }
  ]
}"#;

    #[test]
    fn sarif_accepts_a_minimal_valid_log() {
        assert_sarif_valid(MINIMAL_SARIF);
    }

    #[test]
    fn sarif_rejects_schema_violations() {
        let bad = MINIMAL_SARIF
            .replace("\"warning\"", "\"critical\"")
            .replace("\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"");
        if let Some(msg) = rejected("SARIF validator", check_sarif(&bad)) {
            assert!(msg.contains("'critical' is not one of"), "{msg}");
            assert!(msg.contains("$.version: schema"), "{msg}");
        }
    }

    #[test]
    fn sarif_rejects_what_github_code_scanning_needs() {
        // Schema-valid, but no location and a rule that is not declared.
        let bad = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "tmc", "rules": []}},
            "results": [{"ruleId": "TMC-X-999", "message": {"text": "m"}}]}]}"#;
        if let Some(msg) = rejected("SARIF validator", check_sarif(bad)) {
            assert!(msg.contains("'TMC-X-999' is not a rule"), "{msg}");
            assert!(msg.contains("at least one location"), "{msg}");
            assert!(!msg.contains(": schema:"), "{msg}");
        }
    }

    #[test]
    fn sarif_rejects_broken_json() {
        if let Some(msg) = rejected("SARIF validator", check_sarif("{\"version\": ")) {
            assert!(msg.contains("not JSON"), "{msg}");
        }
    }

    #[test]
    fn html_check_rejects_pages_that_log_errors_or_fetch() {
        let dir = TempDir::new("html-selftest").unwrap();
        let good = dir
            .write(
                "good.html",
                b"<!DOCTYPE html><title>ok</title><h1>Fine</h1><script>console.log('hi')</script>",
            )
            .unwrap();
        let logs = dir
            .write(
                "logs.html",
                b"<!DOCTYPE html><title>x</title><script>console.error('broken')</script>",
            )
            .unwrap();
        let fetches = dir
            .write(
                "fetches.html",
                b"<!DOCTYPE html><title>x</title><img src=\"http://example.invalid/x.png\">",
            )
            .unwrap();
        if let Some(reports) = assert_html_pages(&[&good], &[], None, false) {
            assert_eq!(reports[0]["h1"], "Fine");
            assert_eq!(reports[0]["threats"], serde_json::Value::Null);
        }
        if let Some(msg) = rejected("HTML", check_html(&[&logs, &fetches], &[], None, false)) {
            assert!(msg.contains("console error: broken"), "{msg}");
            assert!(msg.contains("example.invalid"), "{msg}");
        }
    }

    #[test]
    fn markdown_check_reports_what_a_reader_sees_and_rejects_markup_from_text() {
        let good = "## A &lt;b&gt; \\| `x>y`\n\ntext &amp; more\n\n| a | b |\n| --- | --- |\n| `p\\|q` | 1<br>2 |\n";
        if let Some(blocks) = assert_markdown_renders(good) {
            assert_eq!(blocks[0]["text"], "A <b> | x>y");
            assert_eq!(blocks[1]["text"], "text & more");
            assert_eq!(blocks[2]["rows"][0][0]["text"], "p|q");
            assert_eq!(blocks[2]["rows"][0][0]["html"], "<code>p|q</code>");
            assert_eq!(blocks[2]["rows"][0][1]["text"], "1\n2");
        }
        let bad = "a <b>bold</b> *em* [l](x)\n\n| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n";
        if let Some(msg) = rejected("Markdown", check_markdown(bad)) {
            assert!(msg.contains("raw HTML \\\"<b>\\\""), "{msg}");
            assert!(msg.contains("<em>") && msg.contains("<a>"), "{msg}");
            assert!(msg.contains("has 3 cells, its header 2"), "{msg}");
        }
    }

    #[test]
    fn temp_dirs_are_unique_and_removed() {
        let a = TempDir::new("selftest").unwrap();
        let b = TempDir::new("selftest").unwrap();
        assert_ne!(a.path(), b.path());
        let pa = a.path().to_path_buf();
        drop(a);
        assert!(!pa.exists());
    }
}
