//! Inputs shaped to exhaust the compiler's stack or memory: each must end in a result or a
//! diagnostic, never a crash, a hang or an unbounded read.

use super::support::{scratch_dir, tmc};

/// The exit code and standard error of `tmc ARGS...`.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = tmc().args(args).output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rule_with_when(when: &str) -> String {
    format!(
        "rule x.y {{ category tampering; on flow; when {when}; title \"t\" }}\n\
         actor a \"A\"\nprocess p \"P\"\na -> p\n"
    )
}

#[test]
fn long_and_or_chains_compile_and_render() {
    let dir = scratch_dir("chains");
    let terms = vec!["true"; 100_000];
    for (name, op) in [("and.tm", " and "), ("or.tm", " or ")] {
        let file = dir.join(name);
        std::fs::write(&file, rule_with_when(&terms.join(op))).unwrap();
        let file = file.to_string_lossy();
        let out = dir.join(name.replace(".tm", ""));
        let out = out.to_string_lossy();
        let (code, stderr) = run(&["build", &file, "-o", &out, "--emit", "md,dot,json,sarif"]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
    }
}

#[test]
fn a_long_chain_of_comparisons_is_e0003() {
    let dir = scratch_dir("comparisons");
    let file = dir.join("eq.tm");
    std::fs::write(&file, rule_with_when(&vec!["true"; 100_000].join(" == "))).unwrap();
    let (code, stderr) = run(&["check", "--color", "never", &file.to_string_lossy()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0003") && stderr.contains("more than 64 comparisons in a row"),
        "{stderr}"
    );
}
