//! `tmc build`, `tmc rules` and `tmc explain` as a user runs them.

use assert_cmd::Command;
use std::path::PathBuf;

const SHOP: &str = "tests/golden/shop.tm";

fn tmc() -> Command {
    match Command::cargo_bin("tmc") {
        Ok(command) => command,
        Err(error) => panic!("{error}"),
    }
}

/// A fresh, empty directory under the target dir.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn build_writes_threats_json() {
    let out = scratch("build-ok");
    let output = tmc()
        .args([
            "build",
            SHOP,
            "--today",
            "2026-06-01",
            "--color",
            "never",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The lapsed acceptance is a warning, not a failure.
    assert!(stderr(&output).contains("warning[W0003]"));
    let text = std::fs::read_to_string(out.join("threats.json")).unwrap_or_default();
    assert!(text.ends_with("}\n"));
    let report: tmc::report::view::Report =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(report
        .threats
        .iter()
        .any(|t| t.id == "shop.dos.flood@gateway"));
}

#[test]
fn build_writes_nothing_on_errors() {
    let dir = scratch("build-errors");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let model = dir.join("broken.tm");
    std::fs::write(
        &model,
        "process api \"API\"\nrule r { category spoofing; on element; title \"{{ element.nam\" }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let output = tmc()
        .args(["build", "--color", "never", "-o"])
        .arg(&out)
        .arg(&model)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("error[E0105]"));
    assert!(stderr(&output).contains("nothing written"));
    assert!(!out.exists());
}

#[test]
fn build_fails_with_deny_warnings_and_usage_errors_exit_2() {
    let out = scratch("build-deny");
    tmc()
        .args([
            "build",
            SHOP,
            "--today",
            "2026-06-01",
            "--deny-warnings",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists());
    tmc()
        .args(["build", "tests/golden/missing.tm", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    tmc()
        .args(["build", SHOP, "--emit", "json,pdf", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    tmc()
        .args(["build", SHOP, "--today", "tomorrow", "-o"])
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn build_is_byte_identical_across_runs() {
    let (a, b) = (scratch("build-a"), scratch("build-b"));
    for out in [&a, &b] {
        tmc()
            .args([
                "build",
                SHOP,
                "--today",
                "2026-06-01",
                "--emit",
                "json,json",
                "-o",
            ])
            .arg(out)
            .assert()
            .code(0);
    }
    let read = |dir: &PathBuf| std::fs::read(dir.join("threats.json")).unwrap_or_default();
    assert!(!read(&a).is_empty());
    assert_eq!(read(&a), read(&b));
}

#[test]
fn rules_lists_the_rules_of_a_models_packs() {
    let output = tmc()
        .args(["rules", "--model", SHOP, "--pack", "shop-rules.tm"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("ID"), "{text}");
    assert!(
        header.contains("CATEGORY") && header.contains("APPLIES TO") && header.contains("TITLE")
    );
    let ids: Vec<&str> = lines.filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(
        ids,
        [
            "shop.disclosure.channel",
            "shop.dos.flood",
            "shop.spoofing.caller",
            "shop.tampering.store"
        ]
    );
    assert!(text.contains("target process, store"));

    let output = tmc()
        .args([
            "rules",
            "--model",
            SHOP,
            "--pack",
            "shop-rules.tm",
            "--format",
            "json",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json[0]["id"], "shop.disclosure.channel");
    assert_eq!(json[0]["applies_to"], "flow");
    assert_eq!(json[0]["source_span"]["line"], 28);

    tmc().args(["rules", "--pack", "strde"]).assert().code(2);
    tmc().args(["rules"]).assert().code(0);
}

#[test]
fn explain_prints_a_rule_with_its_location() {
    let output = tmc()
        .args(["explain", "shop.dos.flood", "--model", SHOP])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("tests/golden/shop-rules.tm:16"), "{text}");
    assert!(text.contains("rule shop.dos.flood {\n  category denial_of_service"));

    let output = tmc()
        .args(["explain", "shop.dos.flod", "--model", SHOP])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("did you mean `shop.dos.flood`?"));
}

#[test]
fn build_writes_the_default_outputs() {
    let out = scratch("build-defaults");
    let output = tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--color",
            "never",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in ["threat-model.md", "dfd.dot", "threats.json"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    assert!(!out.join("threats.sarif").exists(), "sarif only when asked");
    let has_dot = crate::clients::dot_available().is_ok();
    assert_eq!(
        out.join("dfd.svg").is_file(),
        has_dot,
        "svg exactly when Graphviz is there"
    );
    if has_dot {
        let svg = std::fs::read_to_string(out.join("dfd.svg")).unwrap_or_default();
        assert!(svg.contains("<svg") && svg.contains("API Gateway"));
    }
}

#[test]
fn svg_without_graphviz_is_a_clear_error() {
    let out = scratch("build-no-dot");
    let output = tmc()
        .env("PATH", "/nonexistent")
        .args(["build", SHOP, "--emit", "svg", "-o"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs Graphviz"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn templates_can_be_overridden_from_a_directory() {
    let dir = scratch("build-templates");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        templates.join("threat-model.md.tera"),
        "# {{ model.name }}: {{ totals.total }} threats\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let output = tmc()
        .args(["build", SHOP, "--emit", "md", "--templates"])
        .arg(&templates)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(out.join("threat-model.md")).unwrap_or_default();
    assert!(
        text.starts_with("# ") && text.contains(" threats\n"),
        "{text}"
    );

    std::fs::write(templates.join("nonsense.tera"), "x").unwrap_or_else(|e| panic!("{e}"));
    let output = tmc()
        .args(["build", SHOP, "--templates"])
        .arg(&templates)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("nonsense.tera"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn diagram_scope_draws_one_boundary() {
    let out = scratch("build-scope");
    let output = tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--emit",
            "dot",
            "--diagram-scope",
            "vpc",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let dot = std::fs::read_to_string(out.join("dfd.dot")).unwrap_or_default();
    assert!(
        dot.contains("API Gateway") && !dot.contains("Dietitian"),
        "{dot}"
    );

    let output = tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--diagram-scope",
            "vcp",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `vpc`?"),
        "{}",
        stderr(&output)
    );
}
