//! The fixture runner. Every `tests/fixtures/**/*.tm` whose name does not start with `_` is a
//! model; its files carry their expected diagnostics as `//~ CODE` on the line the diagnostic
//! points at (`//~^ CODE` for the line above). The runner checks that exactly those are
//! reported, and snapshots the rendered diagnostics. Directives: `//@ max-file-size: N`,
//! `//@ max-string-length: N`, `//@ max-threats: N`, `//@ max-threat-text: N`.

use crate::support::{compile_path, files_under, options, root};
use std::collections::BTreeSet;
use tmc::diagnostics::{render_human, ColorChoice, CODES};

/// (file name, line, code) triples.
type Expectations = BTreeSet<(String, usize, String)>;

fn expectations(file_name: &str, text: &str) -> Expectations {
    let mut out = Expectations::new();
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        let rest = &line[at + 3..];
        let (line_no, codes) = match rest.strip_prefix('^') {
            Some(codes) => (index, codes),
            None => (index + 1, rest),
        };
        for code in codes
            .split_whitespace()
            .filter(|w| w.len() == 5 && (w.starts_with('E') || w.starts_with('W')))
        {
            out.insert((file_name.to_string(), line_no, code.to_string()));
        }
    }
    out
}

fn fixture_roots() -> Vec<String> {
    let base = root().join("tests/fixtures");
    files_under(&base, "tm")
        .into_iter()
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .filter_map(|p| {
            p.strip_prefix(root())
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Runs one fixture; returns the codes it reported.
fn run_fixture(relative: &str) -> (BTreeSet<String>, Vec<String>) {
    let mut opts = options();
    let text = String::from_utf8_lossy(&std::fs::read(root().join(relative)).unwrap_or_default())
        .into_owned();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("//@ max-file-size:") {
            opts.load.max_file_size = value.trim().parse().unwrap_or(opts.load.max_file_size);
        }
        if let Some(value) = line.strip_prefix("//@ max-string-length:") {
            opts.load.parse.max_string_length = value
                .trim()
                .parse()
                .unwrap_or(opts.load.parse.max_string_length);
        }
        if let Some(value) = line.strip_prefix("//@ max-threats:") {
            opts.rules.max_threats = value.trim().parse().unwrap_or(opts.rules.max_threats);
        }
        if let Some(value) = line.strip_prefix("//@ max-threat-text:") {
            opts.rules.max_threat_text = value.trim().parse().unwrap_or(opts.rules.max_threat_text);
        }
    }
    let compilation = compile_path(relative, &opts);
    let mut expected = Expectations::new();
    let mut actual = Expectations::new();
    let mut failures = Vec::new();
    for index in 0..compilation.sources.len() {
        let file = tmc::source::FileId(u32::try_from(index).unwrap());
        let name = compilation.sources.name(file).to_string();
        if name.starts_with('<') {
            continue;
        }
        let disk = String::from_utf8_lossy(&std::fs::read(root().join(&name)).unwrap_or_default())
            .into_owned();
        expected.extend(expectations(&name, &disk));
    }
    for diagnostic in &compilation.diagnostics {
        let span = diagnostic.primary.span;
        let line = compilation.sources.line_col(span.file, span.start()).line;
        actual.insert((
            compilation.sources.name(span.file).to_string(),
            line,
            diagnostic.code.id.to_string(),
        ));
    }
    for missing in expected.difference(&actual) {
        failures.push(format!(
            "{relative}: expected {} at {}:{} but it was not reported",
            missing.2, missing.0, missing.1
        ));
    }
    for extra in actual.difference(&expected) {
        failures.push(format!(
            "{relative}: unexpected {} at {}:{}",
            extra.2, extra.0, extra.1
        ));
    }
    let rendered = render_human(
        &compilation.sources,
        &compilation.diagnostics,
        ColorChoice::Never,
    );
    let snapshot_name = relative
        .trim_start_matches("tests/fixtures/")
        .replace(['/', '.'], "__");
    insta::with_settings!({ snapshot_path => root().join("tests/it/snapshots/fixtures"), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(snapshot_name, rendered);
    });
    (
        actual.into_iter().map(|(_, _, code)| code).collect(),
        failures,
    )
}

#[test]
fn every_fixture_reports_exactly_its_expectations() {
    let roots = fixture_roots();
    assert!(roots.len() > 20, "fixtures not found");
    let mut failures = Vec::new();
    for relative in &roots {
        failures.extend(run_fixture(relative).1);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_is_documented_and_triggered() {
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap_or_default();
    let mut triggered = BTreeSet::new();
    for relative in fixture_roots() {
        triggered.extend(run_fixture(&relative).0);
    }
    let mut problems = Vec::new();
    for code in CODES {
        if !docs.contains(&format!("## {}", code.id)) {
            problems.push(format!(
                "{} is not documented in docs/diagnostics.md",
                code.id
            ));
        }
        if !triggered.contains(code.id) {
            problems.push(format!("{} is not triggered by any fixture", code.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
