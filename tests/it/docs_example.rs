//! The example outputs committed under docs/example (shown in the README) are what the compiler
//! produces today: regenerate them with `bash docs/example/regenerate.sh` when this fails.

use crate::build_cli::scratch;
use assert_cmd::Command;

#[test]
fn committed_example_outputs_are_current() {
    let out = scratch("docs-example");
    let output = Command::cargo_bin("tmc")
        .unwrap_or_else(|e| panic!("{e}"))
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--today",
            "2026-11-23",
        ])
        .args(["--emit", "md,dot,json,sarif", "-o"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "threat-model.md",
        "dfd.dot",
        "threats.json",
        "threats.sarif",
    ] {
        let fresh = std::fs::read_to_string(out.join(file)).unwrap_or_default();
        let committed = std::fs::read_to_string(format!("docs/example/{file}")).unwrap_or_default();
        assert!(
            fresh == committed,
            "docs/example/{file} is stale: run `bash docs/example/regenerate.sh` and commit"
        );
    }
}
