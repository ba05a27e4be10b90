//! `tmc diff` and the `tmc check --fail-on` gate, end to end through the binary.

use crate::build_cli::{scratch, write_file};
use assert_cmd::Command;
use std::path::PathBuf;

fn tmc() -> Command {
    let mut command = Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    command.env("NO_COLOR", "1");
    command
}

fn run(command: &mut Command) -> (Option<i32>, String, String) {
    let output = command.output().unwrap_or_else(|e| panic!("{e}"));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn diff_of_two_files_as_json() {
    let (code, stdout, stderr) = run(tmc().args([
        "diff",
        "tests/diff/before.tm",
        "tests/diff/after.tm",
        "--format",
        "json",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let diff: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let ids = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["id"].as_str().map(String::from))
            .collect()
    };
    // The added flow brings threats on it; the removed element takes its threats away.
    assert!(
        ids("added").iter().any(|id| id.ends_with("@web>psp")),
        "{stdout}"
    );
    assert!(ids("added")
        .iter()
        .any(|id| id == "spoofing.external_impersonation@psp"));
    assert!(ids("removed")
        .iter()
        .any(|id| id.ends_with("@legacy>orders")));
    assert!(
        !ids("removed").iter().any(|id| id.contains("web")),
        "web's threats stay"
    );
    let changed = diff["changed"].as_array().cloned().unwrap_or_default();
    let mitigated = changed
        .iter()
        .find(|c| c["id"] == "tampering.process_integrity@web")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(mitigated["status"], "mitigated");
    let status_change = mitigated["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|f| f["field"] == "status"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (status_change["from"].as_str(), status_change["to"].as_str()),
        (Some("open"), Some("mitigated"))
    );
    for entry in diff["added"].as_array().into_iter().flatten() {
        for key in ["id", "title", "severity", "status"] {
            assert!(!entry[key].is_null(), "{key} missing in {entry}");
        }
    }
}

/// A model with an unknown endpoint (E0004), in a fresh directory `name`.
fn broken_model(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let broken = dir.join("broken.tm");
    std::fs::write(&broken, "actor a \"A\"\na -> nowhere\n").unwrap_or_else(|e| panic!("{e}"));
    broken
}

#[test]
fn diff_as_json_of_a_model_with_errors_prints_the_diagnostics_as_json() {
    let broken = broken_model("diff-json-errors");
    let (code, stdout, stderr) = run(tmc()
        .args(["diff", "--format", "json", "tests/diff/before.tm"])
        .arg(&broken));
    assert_eq!(code, Some(1), "{stderr}");
    let diagnostics: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(diagnostics[0]["code"], "E0004", "{stdout}");
    assert_eq!(diagnostics[0]["version"], "new", "{stdout}");
    assert!(
        !stderr.contains("error[E0004]"),
        "not printed twice: {stderr}"
    );
    assert!(stderr.contains("new version: failed"), "{stderr}");
}

/// An element merged into another (`formerly` naming an element the old version also had
/// beside it): its threats come to ids the other's threats have, and are listed as removed.
#[test]
fn a_merged_element_s_threats_are_removed_not_lost() {
    let dir = scratch("diff-merge");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let old = dir.join("old.tm");
    let new = dir.join("new.tm");
    std::fs::write(
        &old,
        "process cart \"Cart\"\nprocess checkout \"Checkout\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&new, "process checkout \"Checkout\" { formerly [cart] }\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(tmc().args(["diff", "--format", "json"]).arg(&old).arg(&new));
    assert_eq!(code, Some(0), "{stderr}");
    let diff: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let ids = |list: &str| -> Vec<String> {
        (diff[list].as_array().into_iter().flatten())
            .filter_map(|t| t["id"].as_str().map(str::to_string))
            .collect()
    };
    let removed = ids("removed");
    assert!(
        !removed.is_empty() && removed.iter().all(|id| id.ends_with("@cart")),
        "{stdout}"
    );
    assert!(
        ids("added").is_empty() && ids("changed").is_empty(),
        "{stdout}"
    );
}

#[test]
fn diff_markdown_is_a_pull_request_comment() {
    let (code, stdout, _) =
        run(tmc().args(["diff", "tests/diff/before.tm", "tests/diff/after.tm"]));
    assert_eq!(code, Some(0));
    assert!(
        stdout.starts_with("## Threat model changes: Shop\n"),
        "{stdout}"
    );
    for heading in ["### Added", "### Removed", "### Changed"] {
        assert!(stdout.contains(heading), "{heading} missing");
    }
    assert!(stdout.contains("| `tampering.process_integrity@web` |"));
    let (code, stdout, _) = run(tmc().args(["diff", "tests/diff/after.tm", "tests/diff/after.tm"]));
    assert_eq!(code, Some(0));
    assert!(stdout.contains("No threats were added, removed or changed."));
}

#[test]
fn diff_fails_on_new_threats_at_or_above_a_severity() {
    let (code, _, stderr) = run(tmc().args([
        "diff",
        "tests/diff/before.tm",
        "tests/diff/after.tm",
        "--fail-on-new",
        "high",
    ]));
    assert_eq!(
        code,
        Some(1),
        "a new high threat: spoofing.stolen_outbound_credentials@web>psp"
    );
    assert!(stderr.contains("at or above high"), "{stderr}");
    let (code, _, _) = run(tmc().args([
        "diff",
        "tests/diff/before.tm",
        "tests/diff/after.tm",
        "--fail-on-new",
        "critical",
    ]));
    assert_eq!(code, Some(0));
}

/// `--fail-on-new` counts every threat that becomes open at or above the level: one whose
/// acceptance a change removes, and one a change raises to it, as well as one it adds; not one
/// that was already open at or above it and got worse, nor one a change accepts.
#[test]
fn diff_fails_on_threats_reopened_or_raised_to_a_severity() {
    let dir = scratch("diff-reopened");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let version = |name: &str, classification: &str, accepted: bool| {
        let mut model = format!(
            "model \"Shop\"\nactor customer \"Customer\"\nprocess api \"API\"\n\
             data card \"Card\" {{ classification {classification} }}\n\
             customer -> api \"Pays\" {{ protocol \"HTTP\"; data [card] }}\n"
        );
        if accepted {
            model.push_str(
                "accept \"information_disclosure.unencrypted_channel@customer>api\" { reason \"internal only\" }\n",
            );
        }
        let path = dir.join(name);
        std::fs::write(&path, model).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let accepted = version("accepted.tm", "internal", true);
    let reopened = version("reopened.tm", "internal", false);
    let restricted = version("restricted.tm", "restricted", true);
    let diff = |old: &PathBuf, new: &PathBuf, level: &str| {
        run(tmc()
            .arg("diff")
            .args([old, new])
            .args(["--fail-on-new", level]))
    };

    let (code, stdout, stderr) = diff(&accepted, &reopened, "high");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("0 added, 0 removed, 1 changed."),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 threat newly open at or above high (added, reopened or raised):\n  high     information_disclosure.unencrypted_channel@customer>api"),
        "{stderr}"
    );

    // Classified restricted, one threat is added at high and cross-site scripting rises from
    // medium to high; threats already open at high that become critical do not count at high.
    let (code, _, stderr) = diff(&accepted, &restricted, "high");
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("2 threats newly open"), "{stderr}");
    assert!(
        stderr.contains("sensitive_data_in_logs@customer>api")
            && stderr.contains("cross_site_scripting@customer>api")
            && !stderr.contains("input_injection"),
        "{stderr}"
    );
    let (code, _, stderr) = diff(&accepted, &restricted, "critical");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("  critical tampering.input_injection@customer>api"),
        "raised from high: {stderr}"
    );

    // Accepting a threat makes nothing newly open.
    let (code, _, stderr) = diff(&reopened, &accepted, "low");
    assert_eq!(code, Some(0), "{stderr}");
}

/// Runs git in `dir` as a fixed user; panics when it fails.
fn git_in(dir: &std::path::Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn diff_against_a_git_revision() {
    let dir = scratch("diff-git");
    std::fs::create_dir_all(dir.join("models")).unwrap_or_else(|e| panic!("{e}"));
    let git = |args: &[&str]| git_in(&dir, args);
    let before = std::fs::read_to_string("tests/diff/before.tm").unwrap_or_default();
    let after = std::fs::read_to_string("tests/diff/after.tm").unwrap_or_default();
    // The flows live in an included file, so the old version's include must come from git too.
    let split = |text: &str| {
        let (head, flows) = text.split_at(text.find("customer -> web").unwrap_or(text.len()));
        (format!("{head}include \"flows.tm\"\n"), flows.to_string())
    };
    let (main_before, flows_before) = split(&before);
    let (main_after, flows_after) = split(&after);
    git(&["init", "-q"]);
    std::fs::write(dir.join("models/shop.tm"), main_before).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("models/flows.tm"), flows_before).unwrap_or_else(|e| panic!("{e}"));
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    std::fs::write(dir.join("models/shop.tm"), main_after).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("models/flows.tm"), flows_after).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(tmc().current_dir(&dir).args([
        "diff",
        "--base",
        "HEAD",
        "models/shop.tm",
        "--format",
        "json",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let diff: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(
        diff["added"].as_array().is_some_and(|a| a
            .iter()
            .any(|t| t["id"] == "spoofing.external_impersonation@psp")),
        "{stdout}"
    );
    assert!(diff["removed"].as_array().is_some_and(|a| !a.is_empty()));
    // The same by an absolute path, from outside the repository (as CI passes
    // `$GITHUB_WORKSPACE/...`), and from inside the models' folder.
    let absolute = std::fs::canonicalize(dir.join("models/shop.tm")).unwrap_or_default();
    for (at, file) in [
        (std::env::temp_dir(), absolute.clone()),
        (dir.join("models"), PathBuf::from("shop.tm")),
    ] {
        let (code, again, stderr) = run(tmc()
            .current_dir(&at)
            .args(["diff", "--base", "HEAD", "--format", "json"])
            .arg(&file));
        assert_eq!(code, Some(0), "{file:?} from {at:?}: {stderr}");
        assert_eq!(again, stdout, "{file:?} from {at:?}");
    }
    let (code, _, stderr) =
        run(tmc()
            .current_dir(&dir)
            .args(["diff", "--base", "no-such-rev", "models/shop.tm"]));
    assert_eq!(code, Some(2), "{stderr}");
    // A revision that git would read as an option (here: write its output to a file).
    let (code, _, stderr) =
        run(tmc()
            .current_dir(&dir)
            .args(["diff", "--base=--output=injected", "models/shop.tm"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--base takes a git revision"), "{stderr}");
    let written = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        !written
            .iter()
            .any(|name| name.to_string_lossy().starts_with("injected")),
        "{written:?}"
    );
}

#[test]
fn gate_fails_on_open_threats_at_or_above_the_severity() {
    let (code, stdout, _) = run(tmc().args(["check", "tests/diff/before.tm", "--fail-on", "high"]));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("gate failed"), "{stdout}");
    assert!(
        stdout.contains("information_disclosure.unencrypted_channel@legacy>orders"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tests/diff/before.tm:14:1"),
        "where it is declared: {stdout}"
    );
    let (code, stdout, _) =
        run(tmc().args(["check", "tests/diff/before.tm", "--fail-on", "critical"]));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("gate passed"));
}

#[test]
fn decisions_change_the_gate() {
    let dir = scratch("gate-decisions");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read_to_string("tests/diff/before.tm").unwrap_or_default();
    let model = dir.join("model.tm");
    let high = "information_disclosure.unencrypted_channel@legacy>orders";
    let accepted = format!("{before}accept \"*@legacy>orders\" {{ reason \"Decommissioned in Q1\"; until \"2027-01-31\" }}\n");
    std::fs::write(&model, &accepted).unwrap_or_else(|e| panic!("{e}"));
    let (_, stdout, stderr) = run(tmc()
        .args(["check", "--today", "2026-12-01", "--fail-on", "high"])
        .arg(&model));
    assert!(
        !stdout.contains(high),
        "accepted until 2027: {stdout}{stderr}"
    );
    // After `until` the acceptance lapses: the threat counts as open again.
    let (code, stdout, stderr) = run(tmc()
        .args(["check", "--today", "2027-02-01", "--fail-on", "high"])
        .arg(&model));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(high) && stderr.contains("W0003"),
        "{stdout}{stderr}"
    );
    // The diff says the acceptance has lapsed, not that the threat is accepted.
    let (_, stdout, stderr) = run(tmc()
        .args(["diff", "--today", "2027-02-01", "tests/diff/before.tm"])
        .arg(&model));
    assert!(
        stdout.contains("accepted: Decommissioned in Q1 (lapsed after 2027-01-31)"),
        "{stdout}{stderr}"
    );
    let mitigated =
        format!("{before}mitigate \"{high}\" {{ by \"TLS enabled on the ODBC driver\" }}\n");
    std::fs::write(&model, mitigated).unwrap_or_else(|e| panic!("{e}"));
    let (_, stdout, _) = run(tmc().args(["check", "--fail-on", "high"]).arg(&model));
    assert!(
        stdout.contains("gate failed") && !stdout.contains(high),
        "{stdout}"
    );
    // Mitigating everything at or above high passes the gate.
    let all = format!("{before}mitigate \"*@legacy>orders\" {{ by \"Retired\" }}\nmitigate \"*@web\" {{ by \"Hardened\" }}\nmitigate \"*@customer>web\" {{ by \"Hardened\" }}\nmitigate \"*@web>orders\" {{ by \"Hardened\" }}\nmitigate \"*@legacy\" {{ by \"Retired\" }}\nmitigate \"*@orders\" {{ by \"Hardened\" }}\nmitigate \"*@customer\" {{ by \"SSO\" }}\n");
    std::fs::write(&model, all).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(tmc().args(["check", "--fail-on", "high"]).arg(&model));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("gate passed"));
}

/// A model that does not compile has no threats to gate: the gate is not evaluated, and never
/// reported as passed; `--deny-warnings` makes a model with warnings "failed", as `build` says.
#[test]
fn a_gate_over_a_model_that_does_not_compile_has_not_passed() {
    let broken = broken_model("gate-broken");
    let (code, stdout, _) = run(tmc().args(["check", "--fail-on", "low"]).arg(&broken));
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("gate not evaluated: the model does not compile")
            && !stdout.contains("passed"),
        "{stdout}"
    );
    let (code, stdout, _) = run(tmc()
        .args(["check", "--fail-on", "low", "--format", "json"])
        .arg(&broken));
    assert_eq!(code, Some(1));
    let value: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(value["gate"]["passed"], false, "{stdout}");
    assert_eq!(value["gate"]["not_evaluated"], 1, "{stdout}");

    let (code, _, stderr) = run(tmc().args(["check", "--deny-warnings", "tests/golden/shop.tm"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("shop.tm: failed (0 errors, 1 warning)"),
        "{stderr}"
    );
}

#[test]
fn gate_as_json() {
    let (code, stdout, _) = run(tmc().args([
        "check",
        "tests/diff/before.tm",
        "--fail-on",
        "high",
        "--format",
        "json",
    ]));
    assert_eq!(code, Some(1));
    let value: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(value["gate"]["fail_on"], "high");
    assert_eq!(value["gate"]["passed"], false);
    assert_eq!(value["gate"]["not_evaluated"], 0);
    let threats = value["gate"]["threats"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!threats.is_empty());
    for key in ["id", "severity", "title", "file", "line"] {
        assert!(!threats[0][key].is_null(), "{key}");
    }
    assert!(value["diagnostics"].is_array());
}

#[test]
fn renaming_a_component_keeps_its_decisions() {
    let dir = scratch("rename-formerly");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read_to_string("tests/diff/before.tm").unwrap_or_default();
    let decided = format!(
        "{before}mitigate \"tampering.process_integrity@web\" {{ by \"Signed images\" }}\n"
    );
    let renamed = decided
        .replace(
            "process web \"Web shop\" { controls [authentication] }",
            "process storefront \"Storefront\" { controls [authentication]; formerly [web] }",
        )
        .replace("customer -> web", "customer -> storefront")
        .replace("web -> orders", "storefront -> orders");
    let model = dir.join("model.tm");
    std::fs::write(&model, &renamed).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let (code, _, stderr) = run(tmc()
        .args(["build", "--emit", "json", "-o"])
        .arg(&out)
        .arg(&model));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("W0008") && stderr.contains("storefront"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("threats.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let threat = report["threats"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .find(|t| t["id"] == "tampering.process_integrity@storefront")
                .cloned()
        })
        .unwrap_or_else(|| panic!("renamed threat missing"));
    assert_eq!(threat["status"], "mitigated");

    // To `tmc diff`, the renamed element's threats are the same threats, with new ids: nothing
    // is added or removed, so the gate on new threats passes.
    let before = dir.join("before.tm");
    std::fs::write(&before, &decided).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(tmc()
        .args(["diff", "--format", "json", "--fail-on-new", "low"])
        .arg(&before)
        .arg(&model));
    assert_eq!(code, Some(0), "{stderr}");
    let diff: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(diff["added"], serde_json::json!([]), "{stdout}");
    assert_eq!(diff["removed"], serde_json::json!([]), "{stdout}");
    let renamed = diff["changed"].as_array().and_then(|changed| {
        changed
            .iter()
            .find(|c| c["id"] == "tampering.process_integrity@storefront")
    });
    assert_eq!(
        renamed.map(|c| c["changes"].clone()),
        Some(serde_json::json!([{
            "field": "id",
            "from": "tampering.process_integrity@web",
            "to": "tampering.process_integrity@storefront"
        }])),
        "{stdout}"
    );
}

/// `check` builds no report: the gate makes views of the threats it shows. They must be the
/// report's own: every open threat at or above the level in threats.json, with the same title
/// and place, most severe first — on a model with decisions and a lapsed acceptance.
#[test]
fn the_gate_shows_the_reports_open_threats() {
    let dir = scratch("gate-against-report");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read_to_string("tests/diff/before.tm").unwrap_or_default();
    let model = dir.join("model.tm");
    let decided = format!("{before}accept \"*@legacy>orders\" {{ reason \"Retiring\"; until \"2026-01-31\" }}\nmitigate \"*@web\" {{ by \"Hardened\" }}\n");
    std::fs::write(&model, decided).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let (code, _, stderr) = run(tmc()
        .args(["build", "--today", "2026-12-01", "--emit", "json", "-o"])
        .arg(&out)
        .arg(&model));
    assert_eq!(code, Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("threats.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rank = |severity: &str| {
        ["low", "medium", "high", "critical"]
            .iter()
            .position(|s| *s == severity)
    };
    let mut expected: Vec<(usize, String, String, u64)> = report["threats"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["status"] == "open" && rank(t["severity"].as_str().unwrap_or("")) >= Some(1))
        .map(|t| {
            (
                rank(t["severity"].as_str().unwrap_or("")).unwrap_or(0),
                t["id"].as_str().unwrap_or("").to_string(),
                t["title"].as_str().unwrap_or("").to_string(),
                t["source_span"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    assert!(expected.len() > 3, "{expected:?}");
    assert!(
        expected.iter().any(|t| t.1.ends_with("@legacy>orders")),
        "the lapsed acceptance counts as open: {expected:?}"
    );

    let (code, stdout, stderr) = run(tmc()
        .args([
            "check",
            "--today",
            "2026-12-01",
            "--fail-on",
            "medium",
            "--format",
            "json",
        ])
        .arg(&model));
    assert_eq!(code, Some(1), "{stderr}");
    let gate: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let shown: Vec<(usize, String, String, u64)> = gate["gate"]["threats"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                rank(t["severity"].as_str().unwrap_or("")).unwrap_or(9),
                t["id"].as_str().unwrap_or("").to_string(),
                t["title"].as_str().unwrap_or("").to_string(),
                t["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(shown, expected);
}

/// `--deny-warnings` fails a diff whose new version has warnings, as it fails `check` and
/// `build`; the old version's warnings do not count.
#[test]
fn diff_deny_warnings_fails_on_the_new_versions_warnings() {
    let dir = scratch("diff-deny-warnings");
    let before = std::fs::read_to_string("tests/diff/before.tm").unwrap_or_else(|e| panic!("{e}"));
    let (clean, warned) = (dir.join("clean.tm"), dir.join("warned.tm"));
    write_file(&dir, "clean.tm", &before);
    let twice = "process x \"X\" { technology \"a\"; technology \"b\" }\n";
    write_file(&dir, "warned.tm", &format!("{before}{twice}"));
    let (code, stdout, stderr) = run(tmc()
        .arg("diff")
        .arg(&clean)
        .arg(&warned)
        .arg("--deny-warnings"));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("W0002") && stderr.contains("new version: failed"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    let (code, _, stderr) = run(tmc()
        .arg("diff")
        .arg(&warned)
        .arg(&clean)
        .arg("--deny-warnings"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("W0002"),
        "the old version's warnings are history: {stderr}"
    );
    let (code, _, stderr) = run(tmc().arg("diff").arg(&clean).arg(&warned));
    assert_eq!(code, Some(0), "{stderr}");

    // As JSON: the warnings are the result when they fail the diff, and JSON on standard
    // error beside the diff when they do not.
    let json = |text: &str| -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let (code, stdout, stderr) = run(tmc().arg("diff").arg(&clean).arg(&warned).args([
        "--deny-warnings",
        "--format",
        "json",
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    let diagnostics = json(&stdout);
    assert_eq!(diagnostics[0]["code"], "W0002", "{stdout}");
    assert_eq!(diagnostics[0]["version"], "new", "{stdout}");
    assert!(!stderr.contains("warning[W0002]"), "{stderr}");
    let (code, stdout, stderr) = run(tmc()
        .arg("diff")
        .arg(&clean)
        .arg(&warned)
        .args(["--format", "json"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(json(&stdout)["added"].is_array(), "{stdout}");
    assert_eq!(json(&stderr)[0]["code"], "W0002", "{stderr}");
}

/// When both versions fail, the errors of both are shown, the old version's under a line
/// that says they are the old version's.
#[test]
fn diff_shows_the_errors_of_both_versions() {
    let dir = scratch("diff-both-broken");
    write_file(&dir, "old.tm", "actor a \"A\"\na -> gone\n");
    write_file(&dir, "new.tm", "actor a \"A\"\na -> missing\n");
    let (code, stdout, stderr) = run(tmc().current_dir(&dir).args(["diff", "old.tm", "new.tm"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let old_errors = stderr.find("in the old version (old.tm):");
    let gone = stderr.find("`gone`");
    let new_errors = stderr.find("in the new version (new.tm):");
    let missing = stderr.find("`missing`");
    assert!(
        old_errors.is_some() && old_errors < gone && gone < new_errors && new_errors < missing,
        "{stderr}"
    );
    assert!(
        stderr.contains("old version: failed") && stderr.contains("new version: failed"),
        "{stderr}"
    );
}

/// A `.tm` file that is a symbolic link is read at the revision as the disk reads it: by
/// following the link inside the revision's tree (`git show` would give the link's target
/// path as the file's text). A link out of the repository cannot be read from git.
#[cfg(unix)]
#[test]
fn diff_base_follows_symbolic_links_in_the_revision() {
    let dir = scratch("diff-git-symlinks");
    let git = |args: &[&str]| git_in(&dir, args);
    write_file(
        &dir,
        "models/shared/people.tm",
        "actor customer \"Customer\"\n",
    );
    std::os::unix::fs::symlink("shared/people.tm", dir.join("models/people.tm"))
        .unwrap_or_else(|e| panic!("{e}"));
    write_file(
        &dir,
        "models/shop.tm",
        "include \"people.tm\"\nprocess web \"Web\"\ncustomer -> web\n",
    );
    std::os::unix::fs::symlink("shop.tm", dir.join("models/linked-root.tm"))
        .unwrap_or_else(|e| panic!("{e}"));
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    for model in ["models/shop.tm", "models/linked-root.tm"] {
        let (code, stdout, stderr) = run(tmc().current_dir(&dir).args([
            "diff",
            "--allow-outside-includes",
            "--base",
            "HEAD",
            model,
        ]));
        assert_eq!(code, Some(0), "{model}: {stderr}");
        assert!(
            stdout.contains("No threats were added, removed or changed"),
            "{model}: {stdout}"
        );
    }
    // A file name with a line break (git's batch mode reads one name per line).
    write_file(&dir, "models/two\nlines.tm", "process solo\n");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "line break"]);
    let (code, stdout, stderr) =
        run(tmc()
            .current_dir(&dir)
            .args(["diff", "--base", "HEAD", "models/two\nlines.tm"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("No threats were added"), "{stdout}");
    // A link that leaves the repository.
    let outside = scratch("diff-git-symlinks-outside");
    write_file(&outside, "far.tm", "actor far\n");
    std::os::unix::fs::symlink(outside.join("far.tm"), dir.join("models/far.tm"))
        .unwrap_or_else(|e| panic!("{e}"));
    write_file(
        &dir,
        "models/shop.tm",
        "include \"people.tm\"\ninclude \"far.tm\"\nprocess web \"Web\"\ncustomer -> web\n",
    );
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v2"]);
    let (code, _, stderr) = run(tmc().current_dir(&dir).args([
        "diff",
        "--allow-outside-includes",
        "--base",
        "HEAD",
        "models/shop.tm",
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0006") && stderr.contains("outside the repository"),
        "{stderr}"
    );
}

/// A change that moves the folder of a model's includes (`git mv models/shared models/common`)
/// still diffs: the old include is read from git by its path in the repository, though the
/// working tree no longer has that folder. And a model of a folder build that includes a
/// sibling folder's file is checked and diffed on its own with `--include-root`.
#[test]
fn diff_base_reads_moved_folders_and_sibling_includes() {
    let dir = scratch("diff-git-moved");
    let git = |args: &[&str]| git_in(&dir, args);
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    write("models/shared/actors.tm", "actor customer \"Customer\"\n");
    write(
        "models/shop/shop.tm",
        "model \"Shop\"\ninclude \"../shared/actors.tm\"\nprocess web \"Web\"\ncustomer -> web \"Buys\"\n",
    );
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    // On its own, the model may not read its sibling folder; `--include-root` lets it.
    let (code, _, stderr) = run(tmc()
        .current_dir(&dir)
        .args(["check", "models/shop/shop.tm"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0008") && stderr.contains("--include-root"),
        "{stderr}"
    );
    let (code, _, stderr) = run(tmc().current_dir(&dir).args([
        "check",
        "--include-root",
        "models",
        "models/shop/shop.tm",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    // However the folder and the model are written: absolute and relative, from elsewhere.
    let absolute = dir.join("models").to_string_lossy().into_owned();
    let spellings = [
        (dir.clone(), absolute.as_str(), "models/shop/shop.tm"),
        (dir.join("models/shop"), "../../models", "shop.tm"),
        (dir.join("models/shop"), "..", "./shop.tm"),
    ];
    for (cwd, root, model) in spellings {
        let (code, _, stderr) =
            run(tmc()
                .current_dir(&cwd)
                .args(["check", "--include-root", root, model]));
        assert_eq!(code, Some(0), "{root} {model}: {stderr}");
    }
    let (code, _, stderr) = run(tmc().current_dir(&dir).args([
        "diff",
        "--include-root",
        &absolute,
        "--base",
        "HEAD",
        "models/shop/shop.tm",
    ]));
    assert_eq!(code, Some(0), "git, absolute root: {stderr}");

    git(&["mv", "models/shared", "models/common"]);
    let moved = std::fs::read_to_string(dir.join("models/shop/shop.tm"))
        .unwrap_or_default()
        .replace("../shared/", "../common/");
    write("models/shop/shop.tm", &moved);
    let (code, stdout, stderr) = run(tmc().current_dir(&dir).args([
        "diff",
        "--include-root",
        "models",
        "--base",
        "HEAD",
        "models/shop/shop.tm",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("No threats were added, removed or changed"),
        "{stdout}"
    );
    // The same through a link to the repository (as `/tmp` is on macOS): git names the
    // repository's top by its real path.
    #[cfg(unix)]
    {
        let link = scratch("diff-git-moved-link");
        let _ = std::fs::remove_dir_all(&link);
        std::os::unix::fs::symlink(&dir, &link).unwrap_or_else(|e| panic!("{e}"));
        let (code, _, stderr) = run(tmc()
            .arg("diff")
            .arg("--include-root")
            .arg(link.join("models"))
            .args(["--base", "HEAD"])
            .arg(link.join("models/shop/shop.tm")));
        assert_eq!(code, Some(0), "through a link: {stderr}");
        // The folder through the link, the model by its real path.
        let (code, _, stderr) = run(tmc()
            .current_dir(&dir)
            .arg("diff")
            .arg("--include-root")
            .arg(link.join("models"))
            .args(["--base", "HEAD", "models/shop/shop.tm"]));
        assert_eq!(code, Some(0), "root through a link: {stderr}");
    }
}

/// The JSON diff of OLD and NEW in `dir`, and its Markdown.
fn diff_both_ways(dir: &std::path::Path) -> (serde_json::Value, String) {
    let (old, new) = (dir.join("old.tm"), dir.join("new.tm"));
    let (code, json, stderr) = run(tmc().args(["diff", "--format", "json"]).args([&old, &new]));
    assert_eq!(code, Some(0), "{stderr}");
    let json = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let (code, markdown, stderr) = run(tmc().arg("diff").args([&old, &new]));
    assert_eq!(code, Some(0), "{stderr}");
    (json, markdown)
}

/// The rows of the table under the heading `### {heading}`, as a reader sees each cell
/// (`text`) and as HTML (`html`).
fn table_under(blocks: &[serde_json::Value], heading: &str) -> Vec<Vec<(String, String)>> {
    let at = blocks
        .iter()
        .position(|b| b["type"] == "heading" && b["text"] == heading)
        .unwrap_or_else(|| panic!("no heading {heading}: {blocks:?}"));
    let table = blocks.get(at + 1).cloned().unwrap_or_default();
    assert_eq!(table["type"], "table", "{heading}: {table}");
    (table["rows"].as_array().into_iter().flatten())
        .map(|row| {
            (row.as_array().into_iter().flatten())
                .map(|cell| {
                    let text = |key: &str| cell[key].as_str().unwrap_or_default().to_string();
                    (text("text"), text("html"))
                })
                .collect()
        })
        .collect()
}

/// Every cell of every table of the Markdown diff reads, in a GFM renderer (marked, as in a
/// pull-request comment), as the JSON has it: ids verbatim in code spans (`>` in the Change
/// column too, not `&gt;`), and names and decisions with quotes, pipes, backticks, angle
/// brackets, ampersands, emphasis, links and line breaks as they were written.
#[test]
fn diff_markdown_reads_as_the_json_with_hostile_names() {
    let dir = scratch("diff-hostile-markdown");
    let hostile =
        r#"\"q\" | `tick` <b>bold</b> &amp; *em* [link](x) ~~del~~ _u_ \\| >quote\n2nd line"#;
    let common = format!(
        "actor user \"User <script>x</script> & co\"\n\
         store db \"DB {hostile}\"\n"
    );
    write_file(
        &dir,
        "old.tm",
        &format!(
            "model \"Evil | `model` <i>x</i> & \\\"q\\\" #\"\n{common}\
             process device \"Dev {hostile}\"\n\
             process legacy \"Old {hostile}\"\n\
             user -> device \"Uses\" {{ protocol \"HTTP\" }}\n\
             device -> db \"Writes\" {{ protocol \"SQL\" }}\n\
             legacy -> db \"Reads\" {{ protocol \"SQL\" }}\n\
             accept \"tampering.process_integrity@device\" {{ reason \"Was {hostile}\" }}\n"
        ),
    );
    write_file(
        &dir,
        "new.tm",
        &format!(
            "model \"Evil | `model` <i>x</i> & \\\"q\\\" #\"\n{common}\
             process sensor \"Dev {hostile}\" {{ formerly [device] }}\n\
             external partner \"New {hostile}\"\n\
             user -> sensor \"Uses\" {{ protocol \"HTTP\" }}\n\
             sensor -> db \"Writes\" {{ protocol \"SQL\" }}\n\
             sensor -> partner \"Sends\" {{ protocol \"HTTPS\" }}\n\
             accept \"tampering.process_integrity@sensor\" {{ reason \"Is {hostile}\" }}\n\
             mitigate \"spoofing.process_impersonation@sensor\" {{ by \"By {hostile}\" }}\n"
        ),
    );
    let (json, markdown) = diff_both_ways(&dir);
    let Some(blocks) = crate::clients::assert_markdown_renders(&markdown) else {
        return;
    };
    assert_eq!(
        blocks[0]["text"], "Threat model changes: Evil | `model` <i>x</i> & \"q\" #",
        "{markdown}"
    );
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    let code = |id: &str| {
        format!(
            "<code>{}</code>",
            id.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        )
    };
    for (heading, list) in [("Added", "added"), ("Removed", "removed")] {
        let rows = table_under(&blocks, heading);
        let threats = json[list].as_array().cloned().unwrap_or_default();
        assert!(!threats.is_empty(), "{json}");
        assert_eq!(rows.len(), threats.len(), "{markdown}");
        for (row, threat) in rows.iter().zip(&threats) {
            let cells: Vec<&str> = row.iter().map(|(text, _)| text.as_str()).collect();
            assert_eq!(cells.first(), Some(&text(&threat["id"]).as_str()));
            assert_eq!(
                row.first().map(|c| c.1.clone()),
                Some(code(&text(&threat["id"])))
            );
            assert_eq!(cells.get(1), Some(&text(&threat["title"]).as_str()));
            assert!(
                text(&threat["title"]).contains("*em* [link](x)"),
                "{threat}"
            );
        }
    }
    // Listed as changed: the threats with more than a new id.
    let changed: Vec<serde_json::Value> = (json["changed"].as_array().into_iter().flatten())
        .filter(|c| c["changes"].as_array().is_some_and(|f| f.len() > 1))
        .cloned()
        .collect();
    let rows = table_under(&blocks, "Changed");
    assert_eq!(rows.len(), changed.len(), "{markdown}");
    assert!(rows.len() >= 2, "{markdown}");
    for (row, threat) in rows.iter().zip(&changed) {
        assert_eq!(row.first().map(|c| c.0.clone()), Some(text(&threat["id"])));
        assert_eq!(
            row.get(1).map(|c| c.0.clone()),
            Some(text(&threat["title"]))
        );
        let expected: Vec<String> = (threat["changes"].as_array().into_iter().flatten())
            .map(|f| {
                format!(
                    "{}: {} → {}",
                    text(&f["field"]),
                    text(&f["from"]),
                    text(&f["to"])
                )
            })
            .collect();
        let (change_text, change_html) = row.get(2).cloned().unwrap_or_default();
        assert_eq!(change_text, expected.join("\n"), "{markdown}");
        // The old and the new id are code spans, as in the Id column.
        let id_change = (threat["changes"].as_array().into_iter().flatten())
            .find(|f| f["field"] == "id")
            .unwrap_or_else(|| panic!("{threat}"));
        assert!(
            change_html.starts_with(&format!(
                "id: {} → {}<br>",
                code(&text(&id_change["from"])),
                code(&text(&id_change["to"]))
            )),
            "{change_html}"
        );
        assert!(text(&id_change["from"]).contains("@device"), "{threat}");
    }
    assert!(
        !markdown.contains("&gt;sensor") && !markdown.contains("&gt;db"),
        "an id is never escaped as text: {markdown}"
    );
}

/// Renaming an element with `formerly` changes the id of every threat on it. The Markdown
/// says so in one line per rename; it lists only the threats that changed in more than their
/// id (with the id change shown). The JSON keeps every threat, with its old and new id.
#[test]
fn a_rename_is_one_line_in_markdown_and_every_threat_in_json() {
    let dir = scratch("diff-rename-summary");
    let model = |names: [&str; 2], formerly: &str, decision: &str| {
        let [device, broker] = names;
        format!(
            "model \"Fleet\"\n\
             actor operator \"Operator\"\n\
             process {device} \"Field device\" {{ technology \"Linux\"{formerly} }}\n\
             process {broker} \"Broker\" {formerly_b}\n\
             store db \"DB\"\n\
             operator -> {device} \"Configures\" {{ protocol \"HTTPS\" }}\n\
             {device} -> {broker} \"Publishes\" {{ protocol \"MQTT\" }}\n\
             {broker} -> db \"Stores\" {{ protocol \"SQL\" }}\n{decision}",
            formerly_b = if formerly.is_empty() {
                String::new()
            } else {
                "{ formerly [broker] }".to_string()
            },
        )
    };
    write_file(&dir, "old.tm", &model(["device", "broker"], "", ""));
    write_file(
        &dir,
        "new.tm",
        &model(
            ["sensor", "hub"],
            "; formerly [device]",
            "mitigate \"tampering.process_integrity@sensor\" { by \"Signed firmware\" }\n",
        ),
    );
    let (json, markdown) = diff_both_ways(&dir);
    let changed = json["changed"].as_array().cloned().unwrap_or_default();
    assert!(json["added"] == serde_json::json!([]) && json["removed"] == serde_json::json!([]));
    // Every threat is in the JSON, with the old id as the `from` of its `id` change.
    for threat in &changed {
        let id_change = (threat["changes"].as_array().into_iter().flatten())
            .find(|f| f["field"] == "id")
            .unwrap_or_else(|| panic!("{threat}"));
        assert_eq!(id_change["to"], threat["id"]);
        let (old, new) = (
            id_change["from"].as_str().unwrap_or_default(),
            id_change["to"].as_str().unwrap_or_default(),
        );
        assert_eq!(
            old.replace("@device", "@sensor")
                .replace(">device", ">sensor")
                .replace("@broker", "@hub")
                .replace(">broker", ">hub"),
            new
        );
    }
    let only_id = |pattern: &dyn Fn(&str) -> bool| {
        (changed.iter())
            .filter(|c| c["changes"].as_array().is_some_and(|f| f.len() == 1))
            .filter(|c| pattern(c["id"].as_str().unwrap_or_default()))
            .count()
    };
    let both = only_id(&|id| id.contains("sensor") && id.contains("hub"));
    let sensor = only_id(&|id| id.contains("sensor") && !id.contains("hub"));
    let hub = only_id(&|id| id.contains("hub") && !id.contains("sensor"));
    assert!(both > 0 && sensor > 0 && hub > 0, "{json}");
    let renamed = both + sensor + hub;
    assert_eq!(renamed + 1, changed.len(), "{json}");

    assert!(
        markdown.contains(&format!(
            "\n0 added, 0 removed, 1 changed, and {renamed} threats whose ids only follow renamed elements.\n"
        )),
        "{markdown}"
    );
    // One line per set of renames; the line naming both renames counts the flow's threats.
    let expected = format!(
        "\n### Renamed\n\n\
         {hub} threats follow the rename of `broker` to `hub`, with no other change.\n\n\
         {sensor} threats follow the rename of `device` to `sensor`, with no other change.\n\n\
         {both} threats follow the renames of `device` to `sensor` and `broker` to `hub`, with no other change.\n"
    );
    assert!(markdown.ends_with(&expected), "{markdown}");
    // The decided threat is still a row, with its id change.
    assert!(
        markdown.contains(
            "\n| `tampering.process_integrity@sensor` | Attacker modifies the code or configuration of Field device | id: `tampering.process_integrity@device` → `tampering.process_integrity@sensor`<br>status: open → mitigated<br>decision: none → mitigated: Signed firmware |\n"
        ),
        "{markdown}"
    );
    assert_eq!(markdown.matches("\n| `").count(), 1, "{markdown}");
    if let Some(blocks) = crate::clients::assert_markdown_renders(&markdown) {
        let last = blocks.last().cloned().unwrap_or_default();
        assert_eq!(last["type"], "paragraph");
        assert!(
            (last["html"].as_str().unwrap_or_default())
                .contains("<code>device</code> to <code>sensor</code>"),
            "{last}"
        );
    }
}

/// `diff --fail-on-new` lists the threats as `check --fail-on` does: most severe first, then
/// by id.
#[test]
fn diff_fail_on_new_lists_the_worst_first_as_check_does() {
    let dir = scratch("diff-fail-on-order");
    let base = "model \"Shop\"\nactor customer \"Customer\"\nprocess api \"API\"\n\
                customer -> api \"Uses\" { protocol \"HTTPS\" }\n";
    let threat = |id: &str, severity: &str| {
        format!("threat {id} \"{id}\" {{ on api; category tampering; severity {severity} }}\n")
    };
    write_file(&dir, "old.tm", base);
    write_file(
        &dir,
        "new.tm",
        &format!(
            "{base}{}{}{}{}",
            threat("a_high", "high"),
            threat("b_critical", "critical"),
            threat("c_high", "high"),
            threat("d_critical", "critical")
        ),
    );
    let (code, _, stderr) = run(tmc()
        .args(["diff", "--fail-on-new", "high"])
        .args([dir.join("old.tm"), dir.join("new.tm")]));
    assert_eq!(code, Some(1), "{stderr}");
    let listed: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(
        listed,
        [
            "  critical b_critical  b_critical",
            "  critical d_critical  d_critical",
            "  high     a_high  a_high",
            "  high     c_high  c_high",
        ],
        "{stderr}"
    );
    // The same order as the gate of `check`, for the threats both list.
    let (code, stdout, stderr) = run(tmc()
        .args(["check", "--fail-on", "high"])
        .arg(dir.join("new.tm")));
    assert_eq!(code, Some(1), "{stderr}");
    let gated: Vec<&str> = (stdout.lines())
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|id| id.ends_with("_high") || id.ends_with("_critical"))
        .collect();
    assert_eq!(
        gated,
        ["b_critical", "d_critical", "a_high", "c_high"],
        "{stdout}"
    );
}
