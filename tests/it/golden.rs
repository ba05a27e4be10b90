//! Golden threats.json: every example under examples/, and the engine's own fixture model.
//! Update with `INSTA_UPDATE=always cargo test --test it golden` and review the diff.

use crate::build_cli::scratch;
use assert_cmd::Command;
use std::path::Path;

/// `tmc build` on a model, returning threats.json as written.
fn build(model: &Path, name: &str) -> String {
    let out = scratch(&format!("golden-{name}"));
    let mut command = Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    let output = command
        .args(["build", "--today", "2026-06-01", "--color", "never", "-o"])
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
    std::fs::read_to_string(out.join("threats.json")).unwrap_or_default()
}

#[test]
fn examples_match_their_golden_threats_json() {
    let Ok(entries) = std::fs::read_dir("examples") else {
        return;
    };
    let mut models: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tm"))
        .collect();
    models.sort();
    for model in models {
        let name = model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("example-{name}.threats.json"), build(&model, &name));
    }
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
