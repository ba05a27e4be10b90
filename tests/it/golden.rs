//! Golden outputs: every output of every example under examples/, a model built to break
//! renderers, and the engine's own fixture model. Each output is also read by the program that
//! consumes it (Graphviz, Mermaid in Chromium, a SARIF 2.1.0 validator).
//! Update with `INSTA_UPDATE=always cargo test --test it golden` and review the diff.

use crate::build_cli::scratch;
use assert_cmd::Command;
use std::path::Path;

/// Every output `tmc build` writes, by file name.
const OUTPUTS: &[&str] = &[
    "threat-model.md",
    "dfd.dot",
    "threats.json",
    "threats.sarif",
];

/// `tmc build` on a model with every text output; returns the output directory.
fn build_all(model: &Path, name: &str) -> std::path::PathBuf {
    let out = scratch(&format!("golden-all-{name}"));
    let mut command = Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    let output = command
        .args(["build", "--today", "2026-06-01", "--color", "never"])
        .args(["--emit", "md,dot,json,sarif", "-o"])
        .arg(&out)
        .arg(model)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Snapshots every output of a model and has each read by its real client.
fn check_all_outputs(model: &Path, name: &str) {
    let out = build_all(model, name);
    let read = |file: &str| {
        std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    for file in OUTPUTS {
        insta::assert_snapshot!(format!("{name}.{file}"), read(file));
    }
    let markdown = read("threat-model.md");
    assert_tables_keep_their_columns(&markdown);
    crate::clients::assert_dot_renders(&read("dfd.dot"));
    crate::clients::assert_mermaid_parses(&[(&format!("{name}.md"), markdown.as_str())]);
    crate::clients::assert_sarif_valid(&read("threats.sarif"));
    let json: serde_json::Value =
        serde_json::from_str(&read("threats.json")).unwrap_or_else(|e| panic!("{e}"));
    assert!(json["threats"].as_array().is_some_and(|t| !t.is_empty()));
}

/// Every row of every Markdown table has as many cells as its header.
fn assert_tables_keep_their_columns(markdown: &str) {
    let cells = |line: &str| {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        let mut count = 1;
        let mut escaped = false;
        for c in inner.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => count += 1,
                _ => escaped = false,
            }
        }
        count
    };
    let mut header = None;
    for line in markdown.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "row has {n} cells, header {h}: {line}"),
            }
        } else {
            header = None;
        }
    }
}

#[test]
fn every_output_of_every_example_matches_its_golden_and_its_client() {
    for model in examples() {
        let name = model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        check_all_outputs(&model, &format!("example-{name}"));
    }
}

#[test]
fn a_model_built_to_break_renderers_renders_well_formed() {
    check_all_outputs(Path::new("tests/golden/hostile.tm"), "hostile");
}

fn examples() -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir("examples") else {
        panic!("examples/ not found");
    };
    let mut models: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tm"))
        .collect();
    models.sort();
    assert!(!models.is_empty());
    models
}

/// `tmc build` on a model, returning threats.json as written.
fn build(model: &Path, name: &str) -> String {
    let out = build_all(model, name);
    std::fs::read_to_string(out.join("threats.json")).unwrap_or_default()
}

/// The fixture's own pack only: the built-in packs are still being written, and this golden
/// is about the engine, not about them.
fn without_builtin_rules(text: &str) -> String {
    let mut report: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    let builtin =
        |rule: &serde_json::Value| rule.as_str().is_some_and(|id| !id.starts_with("shop."));
    if let Some(threats) = report["threats"].as_array_mut() {
        threats.retain(|t| !builtin(&t["rule"]));
    }
    if let Some(rules) = report["rules"].as_array_mut() {
        rules.retain(|r| !builtin(&r["id"]));
    }
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[test]
fn the_engine_fixture_matches_its_golden_threats_json() {
    let text = build(Path::new("tests/golden/shop.tm"), "shop");
    insta::assert_snapshot!("shop.threats.json", without_builtin_rules(&text));
}
