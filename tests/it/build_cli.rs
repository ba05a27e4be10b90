//! `tmc build`, `tmc rules` and `tmc explain` as a user runs them.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

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
        .any(|t| &*t.id == "shop.dos.flood@gateway"));
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

/// `./m.tm`, `dir/../m.tm` and `m.tm` are one model: its reports name it the same way.
#[test]
fn build_names_the_model_the_same_however_its_path_is_written() {
    let outputs: Vec<Vec<Vec<u8>>> = [
        "tests/golden/shop.tm",
        "./tests/golden/shop.tm",
        "tests/./golden/../golden/shop.tm",
    ]
    .iter()
    .enumerate()
    .map(|(i, path)| {
        let out = scratch(&format!("build-path-{i}"));
        tmc()
            .args([
                "build",
                path,
                "--today",
                "2026-06-01",
                "--emit",
                "md,json,sarif",
                "-o",
            ])
            .arg(&out)
            .assert()
            .code(0);
        ["threat-model.md", "threats.json", "threats.sarif"]
            .iter()
            .map(|name| std::fs::read(out.join(name)).unwrap_or_default())
            .collect()
    })
    .collect();
    let json = String::from_utf8_lossy(&outputs[0][1]).into_owned();
    assert!(
        json.contains("\"file\": \"tests/golden/shop.tm\""),
        "{json}"
    );
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
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

    // A model's rule with a built-in rule's id replaces it: the list shows the one in force.
    let dir = scratch("rules-override");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let model = dir.join("model.tm");
    let rule = "rule spoofing.process_impersonation { category spoofing; on element process; title \"Ours\" }\nprocess a \"A\"\n";
    std::fs::write(&model, rule).unwrap_or_else(|e| panic!("{e}"));
    let output = (tmc()
        .args(["rules", "--format", "json", "--model"])
        .arg(&model))
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&serde_json::Value> = (json.as_array().into_iter().flatten())
        .filter(|r| r["id"] == "spoofing.process_impersonation")
        .map(|r| &r["title"])
        .collect();
    assert_eq!(titles, [&serde_json::json!("Ours")]);
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
    assert_eq!(output.status.code(), Some(2), "a usage error");
    assert!(stderr(&output).contains("did you mean `shop.dos.flood`?"));

    // A rule the model declares with errors is not "no rule": its errors are the answer.
    let dir = scratch("explain-broken");
    let text = "process api \"API\"\nrule custom.t {\n  category spoofing\n  on element process\n  title \"{{ element.nmae }} {{ source.name }}\"\n}\n";
    write_file(&dir, "m.tm", text);
    let model = dir.join("m.tm");
    let output = tmc()
        .args(["explain", "custom.t", "--model"])
        .arg(&model)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("E0105") && err.contains("the rule `custom.t` has errors"),
        "{err}"
    );
}

/// A model's rules are listed under the pack `model`, and what the model writes reaches the
/// terminal as text: a control character (written as an escape in a string, or raw in a
/// comment) is shown as its escape, in `rules` and in `explain`.
#[test]
fn rules_and_explain_show_a_model_s_own_rules_without_its_control_characters() {
    let dir = scratch("rules-own");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let model = dir.join("own.tm");
    std::fs::write(
        &model,
        "process p \"P\"\n// sets the title \u{1b}]0;pwned\u{7}\nrule own.r {\n  category spoofing\n  on element process\n  title \"T \\u{1b}[5m {{ element.name }}\"\n  explanation \"E\"\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let model = model.to_string_lossy().into_owned();
    let output = tmc()
        .args(["rules", "--pack", "model", "--model", &model])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(
        listed.contains("own.r") && listed.contains("T \\u{1b}[5m") && !listed.contains('\u{1b}'),
        "{listed}"
    );
    assert_eq!(
        listed.lines().count(),
        2,
        "the header and the model's one rule: {listed}"
    );

    let output = tmc()
        .args(["explain", "own.r", "--model", &model])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("pack model")
            && shown.contains("// sets the title \\u{1b}]0;pwned\\u{7}\nrule own.r {\n  category")
            && !shown.contains('\u{1b}')
            && !shown.contains('\u{7}'),
        "{shown}"
    );
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

/// A `dot` that answers `-V` and then never finishes a layout, first on PATH.
#[cfg(unix)]
fn stuck_graphviz(dir: &std::path::Path) -> String {
    fake_graphviz(dir, "exec sleep 60")
}

/// A `dot` that answers `-V` and then runs the shell `layout`, first on PATH: the `PATH`.
#[cfg(unix)]
fn fake_graphviz(dir: &std::path::Path, layout: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        format!("#!/bin/sh\nif [ \"$1\" = \"-V\" ]; then exit 0; fi\n{layout}\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `tmc build MODEL ARGS -o OUT` with `PATH` set to `path`: the output directory and the run.
#[cfg(unix)]
fn build_with_path(
    path: &str,
    model: &std::path::Path,
    out: &std::path::Path,
    args: &[&str],
) -> (std::path::PathBuf, std::process::Output) {
    let output = tmc()
        .env("PATH", path)
        .arg("build")
        .arg(model)
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (out.to_path_buf(), output)
}

/// A `dot` that does not even say its version is given up on: the default outputs leave the
/// SVG out, as when Graphviz is missing.
#[cfg(unix)]
#[test]
fn a_graphviz_that_does_not_answer_its_version_is_taken_for_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("build-mute-dot");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(bin.join("dot"), "#!/bin/sh\nexec sleep 60\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(bin.join("dot"), std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = std::time::Instant::now();
    let (out, output) = build_with_path(&path, std::path::Path::new(SHOP), &dir.join("out"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(out.join("threat-model.md").exists() && !out.join("dfd.svg").exists());
}

/// Graphviz can lay out a large graph for hours; `--graphviz-timeout` stops it. Asked for
/// explicitly, the SVG is then an error that says what to do; among the default outputs it is
/// left out with a warning, and the HTML page falls back to the Mermaid source.
#[cfg(unix)]
#[test]
fn a_graphviz_that_does_not_finish_is_stopped() {
    let dir = scratch("build-stuck-dot");
    let path = stuck_graphviz(&dir);
    let started = std::time::Instant::now();
    // `tmc build SHOP --graphviz-timeout 1 -o DIR/NAME` with `args`, the stuck `dot` on PATH.
    let build = |name: &str, args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--graphviz-timeout", "1"]);
        build_with_path(&path, SHOP.as_ref(), &dir.join(name), &args)
    };

    let (out, output) = build("explicit", &["--emit", "svg"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("did not finish within 1 s (--graphviz-timeout)")
            && message.contains("--diagram-scope"),
        "{message}"
    );
    assert!(!out.join("dfd.svg").exists());

    let (out, output) = build("defaults", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: Graphviz's `dot` did not finish"));
    assert!(out.join("dfd.dot").is_file() && out.join("threats.json").is_file());
    assert!(!out.join("dfd.svg").exists());

    let (out, output) = build("html", &["--emit", "html"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(out.join("threat-model.html")).unwrap_or_default();
    assert!(page.contains("flowchart"), "the Mermaid source stands in");
    // Three builds, each stopping `dot` after a second: nowhere near the 60 s it would sleep.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// A limit too large to add to the clock (`u64::MAX` seconds) is no limit, not a crash.
#[cfg(unix)]
#[test]
fn a_graphviz_timeout_past_the_clock_is_no_limit() {
    let dir = scratch("build-endless-timeout");
    let path = fake_graphviz(&dir, "cat >/dev/null\necho '<svg width=\"1\"></svg>'");
    for seconds in ["9223372036854775807", "18446744073709551615"] {
        let (out, output) = build_with_path(
            &path,
            SHOP.as_ref(),
            &dir.join(seconds),
            &["--emit", "svg", "--graphviz-timeout", seconds],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let svg = std::fs::read_to_string(out.join("dfd.svg")).unwrap_or_default();
        assert!(svg.contains("<svg"), "{svg}");
    }
}

/// Over 2,000 elements, the default outputs do not wait for Graphviz at all: `dfd.svg` is left
/// out at once with a warning that says why, and the page shows the Mermaid source. A scope
/// small enough is drawn, and so is an SVG asked for by name.
#[cfg(unix)]
#[test]
fn a_diagram_too_large_for_graphviz_is_not_attempted_unless_asked_for() {
    let dir = scratch("build-too-large-for-dot");
    let path = stuck_graphviz(&dir);
    let mut model = String::from(
        "boundary small \"Small\" {\n  process a \"A\"\n  process b \"B\"\n}\na -> b\n",
    );
    for i in 0..2_000 {
        model.push_str(&format!("process p{i} \"P {i}\"\n"));
    }
    let file = dir.join("large.tm");
    std::fs::write(&file, model).unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    // With no timeout, the stuck `dot` would hold a build for 60 s if it were run.
    let build = |name: &str, args: &[&str]| build_with_path(&path, &file, &dir.join(name), args);

    let (out, output) = build("defaults", &["--graphviz-timeout", "0"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("warning: the diagram has 2002 elements, more than the 2000")
            && message.contains("dfd.svg is left out"),
        "{message}"
    );
    assert!(out.join("dfd.dot").is_file() && !out.join("dfd.svg").exists());

    let (out, output) = build("html", &["--emit", "html", "--graphviz-timeout", "0"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("shows the diagram's Mermaid source instead"));
    let page = std::fs::read_to_string(out.join("threat-model.html")).unwrap_or_default();
    assert!(page.contains("flowchart"), "the Mermaid source stands in");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));

    // A boundary of two elements is drawn: the stuck `dot` runs, and is stopped.
    let (_, output) = build(
        "scoped",
        &["--diagram-scope", "small", "--graphviz-timeout", "1"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("did not finish within 1 s"),
        "{}",
        stderr(&output)
    );
    // Asked for by name, the whole diagram is attempted too.
    let (_, output) = build("explicit", &["--emit", "svg", "--graphviz-timeout", "1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("did not finish within 1 s"));
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
    // A folder in the directory (old versions, say) is not read.
    std::fs::create_dir_all(templates.join("old")).unwrap_or_else(|e| panic!("{e}"));
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

/// What is in the templates folder is checked by name before it is read: a pipe that nobody
/// writes to must not stop the build, nor a binary file under another name give a UTF-8 error.
#[cfg(unix)]
#[test]
fn a_templates_folder_is_read_by_name_and_never_waits() {
    let dir = scratch("build-template-pipe");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
    let build = || {
        let output = (tmc().args(["build", SHOP, "--emit", "md", "--templates"]))
            .arg(&templates)
            .arg("-o")
            .arg(dir.join("out"))
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (output.status.code(), stderr(&output))
    };
    std::fs::write(templates.join("README.bin"), [0xff, 0xfe, 0]).unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("README.bin") && !err.contains("UTF-8"),
        "{err}"
    );
    std::fs::remove_file(templates.join("README.bin")).unwrap_or_else(|e| panic!("{e}"));

    let fifo = templates.join("dfd.dot.tera");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()));
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("dfd.dot.tera") && err.contains("not a regular file"),
        "{err}"
    );
    std::fs::remove_file(&fifo).unwrap_or_else(|e| panic!("{e}"));

    std::fs::write(&fifo, [b'a', 0xff]).unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("dfd.dot.tera") && err.contains("not UTF-8"),
        "{err}"
    );
    std::fs::remove_file(&fifo).unwrap_or_else(|e| panic!("{e}"));

    std::fs::create_dir_all(templates.join("threat-model.md.tera"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is a folder, not a template"), "{err}");
}

/// Overrides may extend one another in either direction (they are parsed as one set), a broken
/// one is still named, and a misspelt file name in the directory is an error rather than
/// silently ignored; hidden files are.
#[test]
fn template_overrides_extend_each_other_and_misspelt_names_are_errors() {
    let dir = scratch("build-template-set");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
    let put = |name: &str, text: &str| {
        std::fs::write(templates.join(name), text).unwrap_or_else(|e| panic!("{e}"))
    };
    let build = || {
        let output = (tmc().args(["build", SHOP, "--emit", "md", "--templates"]))
            .arg(&templates)
            .arg("-o")
            .arg(dir.join("out"))
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (output.status.code(), stderr(&output))
    };
    // The model's template extends the table's, which sorts after it.
    put("threat-table.md.tera", "base {% block b %}{% endblock b %}");
    put(
        "threat-model.md.tera",
        "{% extends \"threat-table.md.tera\" %}{% block b %}{{ model.name }}{% endblock b %}",
    );
    put(".gitkeep", "");
    let (code, err) = build();
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(read(&dir.join("out/threat-model.md")), "base Shop\n");

    put("threat-table.md.tera", "{% if %}");
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("template `threat-table.md.tera`: Failed to parse"),
        "{err}"
    );
    std::fs::remove_file(templates.join("threat-table.md.tera")).unwrap_or_else(|e| panic!("{e}"));
    put("threat-model.md.tera", "{{ model.name }}");

    put("threat-table.md", "a typo: no .tera");
    let (code, err) = build();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unknown template `threat-table.md`"), "{err}");
}

/// The large outputs are streamed into temporary files: a renderer failing half-way leaves
/// neither them nor the outputs finished before it.
#[test]
fn a_failing_streamed_output_leaves_nothing_behind() {
    let dir = scratch("build-stream-fails");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        templates.join("threat-table.md.tera"),
        "{{ no_such_variable }}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("deep").join("out");
    let output = tmc()
        .args(["build", SHOP, "--emit", "md,json,sarif,dot", "--templates"])
        .arg(&templates)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot render threat-model.md"),
        "{}",
        stderr(&output)
    );
    assert!(
        !dir.join("deep").exists(),
        "the directories it made are gone"
    );

    // Into a directory that exists, its other files stay and no partial file is left.
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(out.join("keep.txt"), "mine").unwrap_or_else(|e| panic!("{e}"));
    tmc()
        .args(["build", SHOP, "--emit", "md,json", "--templates"])
        .arg(&templates)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    left.sort();
    assert_eq!(left, ["keep.txt"]);
}

#[test]
fn a_rebuild_replaces_the_previous_outputs_only_when_it_succeeds() {
    let dir = scratch("build-replaces");
    let out = dir.join("out");
    let build = |templates: Option<&PathBuf>| {
        let mut command = tmc();
        command.args([
            "build",
            SHOP,
            "--today",
            "2026-06-01",
            "--emit",
            "md,json,dot",
            "-o",
        ]);
        command.arg(&out);
        if let Some(templates) = templates {
            command.arg("--templates").arg(templates);
        }
        command.output().unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(build(None).status.code(), Some(0));
    let names = ["threat-model.md", "threats.json", "dfd.dot"];
    let fresh: Vec<String> = names.iter().map(|name| read(&out.join(name))).collect();
    for name in names {
        std::fs::write(out.join(name), "stale").unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(build(None).status.code(), Some(0));
    let rebuilt: Vec<String> = names.iter().map(|name| read(&out.join(name))).collect();
    assert_eq!(rebuilt, fresh, "every output is replaced");

    // A failing rebuild leaves the last good outputs as they were.
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(templates.join("threat-table.md.tera"), "{{ nothing }}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(build(Some(&templates)).status.code(), Some(2));
    let kept: Vec<String> = names.iter().map(|name| read(&out.join(name))).collect();
    assert_eq!(kept, fresh);
    assert_eq!(tree(&out).len(), names.len(), "{:?}", tree(&out));

    // So does one that could not write all its files: a directory where a file goes is found
    // before anything is written or replaced.
    std::fs::remove_file(out.join("threats.json")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(out.join("threats.json/x")).unwrap_or_else(|e| panic!("{e}"));
    let output = build(None);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("threats.json: it is a directory"),
        "{}",
        stderr(&output)
    );
    let kept: Vec<String> = ["threat-model.md", "dfd.dot"]
        .iter()
        .map(|name| read(&out.join(name)))
        .collect();
    assert_eq!(kept, [fresh[0].clone(), fresh[2].clone()]);
    assert_eq!(
        tree(&out).len(),
        2,
        "no temporary file is left: {:?}",
        tree(&out)
    );
}

/// A build that fails while writing its files replaces none of the previous build's files and
/// leaves no temporary file behind, in a single build and in a folder build: when a file grows
/// past the size the process may write (`ulimit -f`, as a full disk would stop it), when a
/// temporary file cannot be created (a folder in its place), and when a previous file cannot
/// be replaced (made immutable). A symbolic link planted at a temporary name is not followed.
#[cfg(target_os = "linux")]
#[test]
fn a_build_that_fails_while_writing_replaces_nothing() {
    let site = site("build-write-fails");
    let single = site.with_file_name("single");
    let folder = site.with_file_name("folder");
    let build = |input: &std::path::Path, out: &std::path::Path, most_blocks: Option<u32>| {
        let mut command = std::process::Command::new("sh");
        // A file past `ulimit -f` is refused with EFBIG once SIGXFSZ is ignored (kept by exec).
        let limit = most_blocks.map_or(String::new(), |n| format!("ulimit -f {n}; "));
        command
            .arg("-c")
            .arg(format!("trap '' XFSZ; {limit}exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_tmc"))
            .args(["build", "--emit", "md,dot,json", "--color", "never"])
            .arg(input)
            .arg("-o")
            .arg(out);
        let output = command.output().unwrap_or_else(|e| panic!("{e}"));
        (output.status.code(), stderr(&output))
    };
    let model = site.join("shop.tm");
    for (input, out) in [(&model, &single), (&site, &folder)] {
        let (code, err) = build(input, out, None);
        assert_eq!(code, Some(0), "{err}");
        let files = tree(out);
        for file in &files {
            std::fs::write(out.join(file), "previous").unwrap_or_else(|e| panic!("{e}"));
        }
        let unchanged = |err: &str| {
            assert_eq!(tree(out), files, "no temporary file is left: {err}");
            for file in &files {
                assert_eq!(
                    read(&out.join(file)),
                    "previous",
                    "{file} was replaced: {err}"
                );
            }
        };

        let (code, err) = build(input, out, Some(8));
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("File too large"), "{err}");
        unchanged(&err);

        let last = if input == &site {
            "index.html"
        } else {
            "dfd.dot"
        };
        let blocked = out.join(format!(".{last}.tmc-partial"));
        std::fs::create_dir(&blocked).unwrap_or_else(|e| panic!("{e}"));
        let (code, err) = build(input, out, None);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("Is a directory"), "{err}");
        std::fs::remove_dir(&blocked).unwrap_or_else(|e| panic!("{e}"));
        unchanged(&err);

        let stuck = out.join(&files[files.len() / 2]);
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(&stuck)
            .status()
            .is_ok_and(|status| status.success());
        if immutable {
            let (code, err) = build(input, out, None);
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&stuck)
                .status();
            assert_eq!(code, Some(2), "{err}");
            assert!(err.contains("Operation not permitted"), "{err}");
            unchanged(&err);
        }
    }

    // A link at a temporary name is replaced, not written through.
    let victim = site.with_file_name("victim.txt");
    std::fs::write(&victim, "mine").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&victim, single.join(".threats.json.tmc-partial"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build(&model, &single, None);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(read(&victim), "mine");
    assert!(read(&single.join("threats.json")).starts_with('{'), "{err}");
    assert_eq!(tree(&single).len(), 3, "{:?}", tree(&single));

    // The folders a failing build made are removed, also when making the last one failed.
    let made = site.with_file_name("made");
    let (code, err) = build(&model, &made.join("x".repeat(300)), None);
    assert_eq!(code, Some(2), "{err}");
    assert!(!made.exists(), "{err}");
}

#[test]
fn outputs_that_would_be_both_a_file_and_a_folder_are_refused_before_writing() {
    let dir = scratch("build-collisions");
    let models = dir.join("models");
    std::fs::create_dir_all(&models).unwrap_or_else(|e| panic!("{e}"));
    let model = "actor x \"X\"\nprocess p \"P\"\nx -> p\n";
    // A model named like the folder build's index writes its outputs into `index.md/`.
    for name in ["index.md.tm", "other.tm"] {
        std::fs::write(models.join(name), model).unwrap_or_else(|e| panic!("{e}"));
    }
    let out = dir.join("out");
    let build = |input: &std::path::Path, out: &std::path::Path| {
        let output = (tmc()
            .args(["build", "--color", "never"])
            .arg(input)
            .arg("-o")
            .arg(out))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
        (output.status.code(), stderr(&output))
    };
    let (code, err) = build(&models, &out);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the first would have to be a folder"), "{err}");
    assert!(!out.exists(), "nothing written: {:?}", tree(&out));
    std::fs::remove_file(models.join("index.md.tm")).unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build(&models, &out);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains(": 1 model ok; wrote"), "{err}");

    // `-o` naming a file.
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = build(std::path::Path::new(SHOP), &file);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("a-file is not a directory"), "{err}");
}

#[test]
fn diagram_scope_draws_one_boundary() {
    let out = scratch("build-scope");
    let output = tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--emit",
            "dot,md",
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
    // The Markdown's diagram too; its flow sections still cover the whole model.
    let md = std::fs::read_to_string(out.join("threat-model.md")).unwrap_or_default();
    let diagram = md.split("```mermaid").nth(1).unwrap_or_default();
    let diagram = diagram.split("```").next().unwrap_or_default();
    assert!(
        diagram.contains("API Gateway") && !diagram.contains("Dietitian"),
        "{diagram}"
    );
    assert!(md.contains("### Data flow 1: Dietitian -> "), "{md}");

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
    // An empty value is nearest to every short id: the list says more than a guess.
    let output = (tmc().args([
        "build",
        "examples/ai-nutrition-pro.tm",
        "--diagram-scope",
        "",
        "-o",
    ]))
    .arg(&out)
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the boundaries are meal_planner_org, openai"),
        "{}",
        stderr(&output)
    );
}

/// Writes `text` to `dir/path`, making the folders on the way.
pub fn write_file(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
}

/// A folder of models as a team keeps them: two roots (`shop.tm`, `team a/billing.tm`), a rule
/// pack one of them uses, a file the other includes, a hidden folder of drafts that does not
/// even parse (skipped), and a file that is not a model. Returns the folder.
pub fn site(name: &str) -> PathBuf {
    let dir = scratch(name).join("site");
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    let golden = |file: &str| {
        std::fs::read_to_string(format!("tests/golden/{file}")).unwrap_or_else(|e| panic!("{e}"))
    };
    write("shop.tm", &golden("shop.tm"));
    write("shop-rules.tm", &golden("shop-rules.tm"));
    write(
        "team a/billing.tm",
        "model \"Billing <internal> & \\\"co\\\"\" { description \"Invoices | payments\" }\n\
         include \"parts/ledger.tm\"\n\
         use llm\n\
         boundary corp \"Corp\" {\n\
           actor clerk \"Clerk\"\n\
           process billing \"Billing service\" { technology \"Rust\" }\n\
         }\n\
         clerk -> billing \"Creates invoices\" { protocol \"HTTPS\" }\n\
         billing -> ledger \"Writes\" { protocol \"SQL\" }\n",
    );
    write("team a/parts/ledger.tm", "store ledger \"Ledger\"\n");
    write(".drafts/broken.tm", "process {{{\n");
    write("README.txt", "not a model\n");
    dir
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `tmc build FILE` streams the HTML page into its file (after Graphviz's drawing); a folder
/// build renders it in memory. Both write the same page, with Graphviz and without.
#[test]
fn a_streamed_html_page_is_the_page_a_folder_build_writes() {
    let site = site("build-html-streamed");
    let folder = site.with_file_name("folder");
    let single = site.with_file_name("single");
    for (out, input) in [(&folder, site.clone()), (&single, site.join("shop.tm"))] {
        let output = tmc()
            .args(["build", "--today", "2026-06-01", "--emit", "md,html", "-o"])
            .arg(out)
            .arg(input)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let streamed = read(&single.join("threat-model.html"));
    assert_eq!(streamed, read(&folder.join("shop/threat-model.html")));
    assert!(streamed.contains("<tr id=\"threat-1\""), "{streamed}");
    assert!(
        tree(&single) == ["threat-model.html", "threat-model.md"],
        "no temporary file is left: {:?}",
        tree(&single)
    );
}

#[test]
fn folder_build_writes_each_root_and_an_index() {
    let site = site("build-folder");
    let out = site.with_file_name("out");
    let output = tmc()
        .args(["build", "--today", "2026-06-01", "--color", "never"])
        .args(["--emit", "md,json,sarif", "-o"])
        .arg(&out)
        .arg(&site)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    // Only the roots are built: not the rule pack, the included file or the hidden drafts.
    assert_eq!(
        tree(&out),
        [
            "index.html",
            "index.md",
            "shop/threat-model.md",
            "shop/threats.json",
            "shop/threats.sarif",
            "team a/billing/threat-model.md",
            "team a/billing/threats.json",
            "team a/billing/threats.sarif",
        ],
        "{err}"
    );
    assert!(err.contains("shop.tm: ok (0 errors, 1 warning)"), "{err}");
    assert!(err.contains("2 models ok; wrote 8 files"), "{err}");

    // Each model's files are those of a single build of the same file.
    let single = scratch("build-folder-single");
    tmc()
        .args([
            "build",
            "--today",
            "2026-06-01",
            "--emit",
            "md,json,sarif",
            "-o",
        ])
        .arg(&single)
        .arg(site.join("team a/billing.tm"))
        .assert()
        .code(0);
    for file in ["threat-model.md", "threats.json", "threats.sarif"] {
        assert_eq!(
            read(&single.join(file)),
            read(&out.join("team a/billing").join(file)),
            "{file}"
        );
    }

    // The index counts each model's threats and links to its report.
    let shop: tmc::report::view::Report =
        serde_json::from_str(&read(&out.join("shop/threats.json")))
            .unwrap_or_else(|e| panic!("{e}"));
    let count = |f: &dyn Fn(&tmc::report::view::ThreatView) -> bool| {
        shop.threats.iter().filter(|t| f(t)).count()
    };
    use tmc::vocab::{Level, Status};
    let open = |level: Level| count(&|t| t.status == Status::Open && t.severity == level);
    let row = format!(
        "| [Shop](shop/threat-model.md) | `shop.tm` | {} | {} | {} | {} | {} | {} | {} | {} |",
        open(Level::Critical),
        open(Level::High),
        open(Level::Medium),
        open(Level::Low),
        count(&|t| t.status == Status::Open),
        count(&|t| t.status == Status::Mitigated),
        count(&|t| t.status == Status::Accepted),
        shop.threats.len()
    );
    let index = read(&out.join("index.md"));
    assert!(index.contains(&row), "{row}\n{index}");
    assert!(
        index.contains(
            "| [Billing &lt;internal&gt; &amp; \"co\"](team%20a/billing/threat-model.md) | `team a/billing.tm` |"
        ),
        "{index}"
    );
    let html = read(&out.join("index.html"));
    // Without --emit html the page links to the Markdown reports.
    assert!(html.contains("<a href=\"team%20a/billing/threat-model.md\">Billing &lt;internal&gt; &amp; &quot;co&quot;</a>"), "{html}");
    assert!(!html.contains("<internal>"), "{html}");

    // Byte-identical on a second run.
    let again = scratch("build-folder-again");
    tmc()
        .args([
            "build",
            "--today",
            "2026-06-01",
            "--emit",
            "md,json,sarif",
            "-o",
        ])
        .arg(&again)
        .arg(&site)
        .assert()
        .code(0);
    for file in tree(&out) {
        assert_eq!(read(&out.join(&file)), read(&again.join(&file)), "{file}");
    }
}

#[test]
fn folder_build_writes_nothing_when_one_model_fails() {
    let site = site("build-folder-fails");
    std::fs::write(
        site.join("zz-broken.tm"),
        "process api \"API\"\napi -> nowhere \"Calls\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = site.with_file_name("out");
    let output = tmc()
        .args(["build", "--today", "2026-06-01", "--color", "never", "-o"])
        .arg(&out)
        .arg(&site)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("billing.tm: ok"), "{err}");
    assert!(err.contains("zz-broken.tm: failed ("), "{err}");
    assert!(
        err.contains("1 of 3 models failed; nothing written"),
        "{err}"
    );
    assert!(!out.exists());

    // JSON diagnostics: one array for the whole folder.
    let output = tmc()
        .args(["build", "--format", "json", "-o"])
        .arg(&out)
        .arg(&site)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert!(json.as_array().is_some_and(|a| !a.is_empty()), "{json}");
}

#[test]
fn folder_build_usage_errors() {
    let dir = scratch("build-folder-usage");
    std::fs::create_dir_all(dir.join("empty/sub")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("empty/sub/notes.md"), "# no models\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let output = tmc()
        .args(["build", "-o"])
        .arg(dir.join("out"))
        .arg(dir.join("empty"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("there is no .tm file under"),
        "{}",
        stderr(&output)
    );

    // Files that only include each other: the first is built, and the cycle reported.
    std::fs::create_dir_all(dir.join("cycle")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("cycle/a.tm"), "include \"b.tm\"\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("cycle/b.tm"), "include \"a.tm\"\n").unwrap_or_else(|e| panic!("{e}"));
    let output = tmc()
        .args(["build", "-o"])
        .arg(dir.join("out"))
        .arg(dir.join("cycle"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("E0007") && stderr(&output).contains("a.tm: failed"),
        "{}",
        stderr(&output)
    );

    let site = site("build-folder-scope");
    tmc()
        .args(["build", "--diagram-scope", "dc", "-o"])
        .arg(dir.join("out"))
        .arg(&site)
        .assert()
        .code(2);
    assert!(!dir.join("out").exists());
}

#[test]
fn completions_are_generated_for_each_shell() {
    let output = tmc()
        .args(["completions", "bash"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0));
    let bash = String::from_utf8_lossy(&output.stdout);
    assert!(bash.contains("complete -F _tmc"), "{bash}");
    for word in ["build", "check", "fmt", "--emit", "--templates"] {
        assert!(bash.contains(word), "bash completions lack {word}");
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = tmc()
            .args(["completions", shell])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("build"),
            "{shell}"
        );
    }
    tmc().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn check_takes_a_folder_of_models() {
    let site = site("check-folder");
    let output = tmc()
        .args(["check", "--today", "2026-06-01", "--color", "never"])
        .arg(&site)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    // The roots only, in path order: not the rule pack, the included file or the drafts.
    let verdicts: Vec<&str> = err.lines().filter(|l| l.contains(": ok (")).collect();
    assert_eq!(verdicts.len(), 2, "{err}");
    assert!(
        verdicts[0].contains("shop.tm") && verdicts[1].contains("billing.tm"),
        "{err}"
    );
    let empty = scratch("check-folder-empty");
    std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
    tmc().arg("check").arg(&empty).assert().code(2);
}

/// In a folder given to `build` or `check`, a model may include files anywhere in that folder
/// (shared declarations in a sibling folder, as large-models.md advises), and nothing outside it.
#[test]
fn models_in_a_folder_share_files_within_it() {
    let dir = scratch("folder-shared");
    let models = dir.join("models");
    for sub in ["shared", "team-a", "team-b"] {
        std::fs::create_dir_all(models.join(sub)).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::create_dir_all(dir.join("secret")).unwrap_or_else(|e| panic!("{e}"));
    let put = |path: &str, text: &str| {
        std::fs::write(dir.join(path), text).unwrap_or_else(|e| panic!("{e}"))
    };
    put(
        "models/shared/common.tm",
        "actor shared_user \"Shared user\"\n",
    );
    put(
        "models/team-a/billing.tm",
        "include \"../shared/common.tm\"\nprocess billing \"Billing\"\nshared_user -> billing\n",
    );
    put("secret/keys.tm", "actor s \"S\"\n");
    let out = dir.join("site");
    let build = || {
        tmc()
            .args(["build", "--emit", "md", "--color", "never"])
            .arg(&models)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let output = build();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(out.join("team-a/billing/threat-model.md").is_file());
    let output = tmc()
        .args(["check", "--color", "never"])
        .arg(&models)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    put(
        "models/team-b/leak.tm",
        "include \"../../secret/keys.tm\"\nprocess p \"P\"\n",
    );
    let output = build();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("E0008") && err.contains("the folder includes may read"),
        "{err}"
    );
}

/// The commands of examples/ci/ run as written (with the models folder swapped in).
#[test]
fn the_ci_examples_commands_run() {
    let workflow =
        std::fs::read_to_string("examples/ci/github-actions.yml").unwrap_or_else(|e| panic!("{e}"));
    let build = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("run: tmc build \"$MODELS\" "))
        .unwrap_or_else(|| panic!("no tmc build step in the workflow"));
    let mut words: Vec<String> = build.split_whitespace().map(str::to_string).collect();
    assert_eq!(words.first().map(String::as_str), Some("-o"), "{build}");
    let emit = words
        .iter()
        .position(|w| w == "--emit")
        .unwrap_or_else(|| panic!("{build}"));
    assert_eq!(words[emit + 1], "md,dot,svg,json,sarif,html");
    if crate::clients::dot_available().is_err() {
        words[emit + 1] = "md,dot,json,sarif,html".into();
    }
    let site = site("ci-example");
    let dir = site
        .parent()
        .unwrap_or_else(|| panic!("{}", site.display()));
    let output = tmc()
        .current_dir(dir)
        .args(["build", "site", "--today", "2026-06-01"])
        .args(&words)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = dir.join(&words[1]);
    for file in ["index.html", "shop/threats.sarif", "shop/threat-model.html"] {
        assert!(out.join(file).is_file(), "{file}");
    }

    let hooks = std::fs::read_to_string("examples/ci/pre-commit-hooks.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    for needed in [
        "- id: tmc-fmt\n",
        "  entry: tmc fmt --check\n",
        "- id: tmc-check\n",
        "  entry: tmc check --color never\n",
        "  args: [threat-models]\n",
        "  files: \\.tm$\n",
    ] {
        assert!(hooks.contains(needed), "{needed:?} missing from the hooks");
    }
    // The hook's command on a folder of models, as pre-commit runs it.
    tmc()
        .current_dir(dir)
        .args(["check", "--color", "never", "--today", "2026-06-01", "site"])
        .assert()
        .code(0);
}

/// A SARIF result's message lists the mitigations only when they name its elements: a rule
/// whose mitigations have no `{{ }}` hole lists them, word for word, in its help instead.
#[test]
fn sarif_messages_leave_a_rules_fixed_mitigations_to_its_help() {
    let out = scratch("build-sarif-mitigations");
    tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--today",
            "2026-11-23",
        ])
        .args(["--emit", "json,sarif", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let parse = |file: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let (json, sarif) = (parse("threats.json"), parse("threats.sarif"));
    let strings = |value: &serde_json::Value| -> Vec<String> {
        let list = value.as_array().cloned().unwrap_or_default();
        list.iter()
            .map(|m| m.as_str().unwrap_or_default().to_string())
            .collect()
    };
    let templated: std::collections::BTreeMap<String, bool> = json["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|rule| {
            let holes = strings(&rule["mitigations"])
                .iter()
                .any(|m| m.contains("{{"));
            (rule["id"].as_str().unwrap_or_default().to_string(), holes)
        })
        .collect();
    let threats = json["threats"].as_array().cloned().unwrap_or_default();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().cloned().unwrap_or_default();
    let (mut listed, mut left_to_help) = (0, 0);
    for result in &results {
        let id = result["partialFingerprints"]["tmcThreatId/v1"].as_str();
        let threat = threats
            .iter()
            .find(|t| t["id"].as_str() == id)
            .unwrap_or_else(|| panic!("{id:?} not in threats.json"));
        let message = result["message"]["text"].as_str().unwrap_or_default();
        let mitigations = strings(&threat["mitigations"]);
        let rule_id = result["ruleId"].as_str().unwrap_or_default();
        if templated.get(rule_id).copied().unwrap_or(true) {
            listed += 1;
            for mitigation in &mitigations {
                assert!(message.contains(mitigation.as_str()), "{message}");
            }
        } else {
            left_to_help += 1;
            assert!(!message.contains("Mitigations:"), "{message}");
            let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX);
            let rule = &run["tool"]["driver"]["rules"][index as usize];
            let help = rule["help"]["text"].as_str().unwrap_or_default();
            for mitigation in &mitigations {
                assert!(help.contains(&format!("- {mitigation}\n")), "{help}");
            }
        }
    }
    assert!(listed > 0 && left_to_help > 0, "{listed} / {left_to_help}");
}

/// A SARIF log with more results than GitHub code scanning takes in a run (25,000) gets a
/// warning naming the file and the way out; the build still succeeds. Deciding the threats of
/// one element brings this model to exactly 25,000, where the warning is not given.
#[test]
fn sarif_over_code_scannings_result_limit_is_a_warning() {
    let dir = scratch("build-sarif-limit");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    // A chain of 2,501 processes: 6 threats on each and 4 on each of the 2,500 flows.
    let mut model = String::from("model \"Many processes\"\n");
    for i in 0..2501 {
        model.push_str(&format!("process p{i}\n"));
    }
    for i in 0..2500 {
        model.push_str(&format!("p{i} -> p{}\n", i + 1));
    }
    let decided = format!("{model}accept \"*@p0\" {{ reason \"Tested elsewhere\" }}\n");
    for (name, text, results) in [("over", &model, 25_006), ("at", &decided, 25_000)] {
        let file = dir.join(format!("{name}.tm"));
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        let out = dir.join(name);
        let output = build_sarif(&file, &out);
        let sarif =
            std::fs::read_to_string(out.join("threats.sarif")).unwrap_or_else(|e| panic!("{e}"));
        let sarif: serde_json::Value =
            serde_json::from_str(&sarif).unwrap_or_else(|e| panic!("{e}"));
        let listed = sarif["runs"][0]["results"].as_array().map(Vec::len);
        assert_eq!(listed, Some(results), "{name}");
        let warned = stderr(&output).contains(&format!(
            "threats.sarif has {results} results; GitHub code scanning rejects a run of more than 25000"
        ));
        assert_eq!(warned, results > 25_000, "{name}: {}", stderr(&output));
    }
    // A folder build warns for each model's log that is over.
    let site = dir.join("site");
    let err = stderr(&build_sarif(&dir, &site));
    let over = format!(
        "warning: {} has 25006 results",
        site.join("over").join("threats.sarif").display()
    );
    assert!(err.contains(&over), "{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
}

/// `tmc build MODEL_OR_FOLDER --emit sarif -o OUT`, which must succeed.
fn build_sarif(model: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    let output = tmc()
        .arg("build")
        .arg(model)
        .args(["--today", "2026-11-23", "--emit", "sarif", "-o"])
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// A model named by a path that climbs out of the working directory (`../models/main.tm`, as
/// from a subfolder of the repository) reads the files beside it, and still no further.
#[test]
fn a_model_above_the_working_directory_reads_its_includes() {
    let dir = scratch("dotdot");
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    write(
        "models/main.tm",
        "model \"M\"\ninclude \"part.tm\"\nprocess api \"API\"\nuser -> api \"call\"\n",
    );
    write("models/part.tm", "actor user \"User\"\n");
    // What the old path handling read instead from the working directory.
    write("cwd/sub/models/part.tm", "actor user \"IMPOSTOR\"\n");
    write(
        "models/outside.tm",
        "model \"O\"\ninclude \"../secret.tm\"\n",
    );
    write("secret.tm", "actor s \"S\"\n");
    for (cwd, root) in [("cwd", "../models"), ("cwd/sub", "../../models")] {
        let out = dir.join(cwd).join("out");
        let output = tmc()
            .current_dir(dir.join(cwd))
            .args(["build", &format!("{root}/main.tm"), "--emit", "json", "-o"])
            .arg(&out)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let json =
            std::fs::read_to_string(out.join("threats.json")).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            json.contains("\"User\"") && !json.contains("IMPOSTOR"),
            "{json}"
        );
        // The folder as a whole too.
        let output = tmc()
            .current_dir(dir.join(cwd))
            .args(["check", root])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains("E0008"), "{text}");
        assert!(text.contains("main.tm: ok"), "{text}");
    }
}

/// In a folder, models that include each other in a cycle are still checked (the cycle is
/// reported, where it used to be skipped as "not a root"), and a model with a syntax error
/// still names its parts, which are not taken for models of their own.
#[test]
fn a_folder_check_reports_include_cycles_and_keeps_parts_of_broken_models() {
    let dir = scratch("folder-cycles").join("m");
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    write("a.tm", "model \"A\"\ninclude \"b.tm\"\nprocess pa \"A\"\n");
    write("b.tm", "include \"a.tm\"\nprocess pb \"B\"\n");
    write("c.tm", "model \"C\"\nprocess pc \"C\"\n");
    let output = tmc()
        .args(["check"])
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("E0007") && text.contains("c.tm: ok"),
        "{text}"
    );
    assert!(
        !text.contains("b.tm: ok") && !text.contains("b.tm: failed"),
        "{text}"
    );

    std::fs::remove_file(dir.join("a.tm")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(dir.join("b.tm")).unwrap_or_else(|e| panic!("{e}"));
    write(
        "main.tm",
        "model \"M\"\ninclude \"part.tm\"\nprocess api \"API\" {\n",
    );
    write("part.tm", "actor user \"User\"\nuser -> api\n");
    let output = tmc()
        .args(["check"])
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("main.tm: failed"), "{text}");
    assert!(!text.contains("part.tm:"), "{text}");
}

/// A flow's description and custom properties, and those of a data item and of the model
/// block, reach threats.json (language.md: any other key
/// is kept and listed under `properties`), with whether tmc judged the flow encrypted.
#[test]
fn a_flows_description_and_custom_properties_are_in_the_json() {
    let dir = scratch("flow-properties");
    let model = dir.join("m.tm");
    let text = "model \"M\" { team \"payments\" }\nprocess u \"U\"\nprocess p \"P\"\ndata d \"D\" { retention \"30d\" }\nu -> p \"push\" { protocol \"SMTPS\"; description \"Nightly export\"; auth_method \"mTLS\"; retries 3 }\n";
    write_file(&dir, "m.tm", text);
    let out = dir.join("out");
    let output = tmc()
        .args(["build", "--emit", "json", "-o"])
        .arg(&out)
        .arg(&model)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = std::fs::read_to_string(out.join("threats.json")).unwrap_or_else(|e| panic!("{e}"));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let flow = &report["flows"][0];
    assert_eq!(flow["description"], "Nightly export", "{flow}");
    assert_eq!(flow["encrypted"], true, "{flow}");
    assert_eq!(flow["properties"]["auth_method"], "mTLS", "{flow}");
    assert_eq!(flow["properties"]["retries"], 3, "{flow}");
    assert_eq!(report["data"][0]["properties"]["retention"], "30d");
    assert_eq!(report["model"]["properties"]["team"], "payments");
}

/// A build whose outputs would land on a file the model was read from refuses, however the
/// output folder is spelled, and leaves the model as it was.
#[test]
fn build_never_writes_over_the_models_own_files() {
    let dir = scratch("build-over-sources");
    std::fs::create_dir_all(dir.join("folder")).unwrap_or_else(|e| panic!("{e}"));
    let model = "actor a \"A\"\nprocess p \"P\"\na -> p\n";
    let files = [
        ("threats.json", model.to_string()),
        ("dfd.dot", model.replace("\"A\"", "\"Included\"")),
        ("m.tm", "include \"dfd.dot\"\n".to_string()),
        ("folder/m.tm", "include \"m/dfd.dot\"\n".to_string()),
        ("folder/m/dfd.dot", model.to_string()),
        (".threats.json.tmc-partial", model.to_string()),
        (".dfd.dot.tmc-previous", model.to_string()),
        ("<stdlib/threats.json", model.to_string()),
    ];
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }
    for (args, written_over) in [
        (&["build", "threats.json", "-o", "."][..], "threats.json"),
        (&["build", "m.tm", "-o", "new/.."][..], "dfd.dot"),
        (
            &["build", "./m.tm", "-o", "../build-over-sources"][..],
            "dfd.dot",
        ),
        (&["build", "folder", "-o", "folder"][..], "dfd.dot"),
        // The hidden files written beside the outputs, and a folder named like the stdlib's.
        (
            &["build", ".threats.json.tmc-partial", "-o", "."][..],
            ".threats.json.tmc-partial",
        ),
        (
            &["build", ".dfd.dot.tmc-previous", "-o", "."][..],
            ".dfd.dot.tmc-previous",
        ),
        (
            &["build", "<stdlib/threats.json", "-o", "<stdlib"][..],
            "<stdlib/threats.json",
        ),
    ] {
        let output = tmc()
            .current_dir(&dir)
            .args(args)
            .args(["--emit", "md,dot,json"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {said}");
        assert!(
            said.contains("the model was read from it") && said.contains(written_over),
            "{args:?}: {said}"
        );
        for (name, text) in &files {
            let now = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            assert_eq!(&now, text, "{args:?}: {name} is as it was");
        }
        assert!(!dir.join("new").exists() && !dir.join("threat-model.md").exists());
    }
}

/// Escape sequences in a file's name or in its comments are shown (`\u{1b}`), never sent to
/// the terminal or the CI log: by `build`'s messages and by the diff of `fmt --check`.
#[test]
fn messages_and_format_diffs_show_control_characters_instead_of_sending_them() {
    let dir = scratch("control-characters");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let name = "e\u{1b}[31mvil.tm";
    std::fs::write(dir.join(name), "actor a \"A\"\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("comment.tm"),
        "actor  a \"A\" // \u{1b}]0;owned\u{7} \u{202e}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let build = tmc()
        .current_dir(&dir)
        .args(["build", name, "-o", "out\u{1b}[2J", "--emit", "md"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let check = tmc()
        .current_dir(&dir)
        .args(["fmt", "--check", "comment.tm"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let said = stderr(&build);
    let diff = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(
        said.contains("e\\u{1b}[31mvil.tm: ok") && said.contains("out\\u{1b}[2J/threat-model.md"),
        "{said}"
    );
    assert!(
        diff.contains("+actor a \"A\" // \\u{1b}]0;owned\\u{7} \\u{202e}\n"),
        "{diff}"
    );
    for text in [&said, &diff] {
        assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{text:?}");
    }
}

/// `rules --model` and `explain --model` read a model's packs from where a folder build would:
/// they take `--include-root` and `--allow-outside-includes`, which the E0008 help names.
#[test]
fn rules_and_explain_read_packs_beside_the_models_folder() {
    let dir = scratch("rules-include-root");
    write_file(
        &dir,
        "models/rules/team.tm",
        "rule team.r {\n  category spoofing\n  on element process\n  title \"T\"\n}\n",
    );
    write_file(
        &dir,
        "models/shop/shop.tm",
        "use \"../rules/team.tm\"\nprocess p\n",
    );
    let run = |args: &[&str]| {
        tmc()
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let output = run(&["rules", "--model", "models/shop/shop.tm"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--include-root"),
        "{}",
        stderr(&output)
    );
    for flags in [
        &["--include-root", "models"][..],
        &["--allow-outside-includes"][..],
    ] {
        let output = run(&[&["rules", "--model", "models/shop/shop.tm"][..], flags].concat());
        assert_eq!(
            output.status.code(),
            Some(0),
            "{flags:?}: {}",
            stderr(&output)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("team.r"));
        let output = run(&[
            &["explain", "team.r", "--model", "models/shop/shop.tm"][..],
            flags,
        ]
        .concat());
        assert_eq!(
            output.status.code(),
            Some(0),
            "{flags:?}: {}",
            stderr(&output)
        );
    }
}

/// `--include-root` names a folder that holds the model: a missing folder, a file, or a
/// folder beside the model is a usage error (exit 2), not a misleading E0008 on every include
/// (or nothing at all, for a model that includes nothing).
#[test]
fn include_root_must_be_a_folder_holding_the_model() {
    let dir = scratch("include-root-checked");
    write_file(&dir, "a/part.tm", "actor x \"X\"\n");
    write_file(&dir, "a/m.tm", "include \"part.tm\"\nprocess p\nx -> p\n");
    write_file(&dir, "b/alone.tm", "process q\n");
    let cases = [
        (
            "nowhere",
            "a/m.tm",
            "--include-root nowhere: no such folder",
        ),
        ("a/m.tm", "a/m.tm", "is not a folder"),
        ("b", "a/m.tm", "it is not under b"),
        ("a", "b/alone.tm", "it is not under a"),
        // A missing root is missing, whatever the folder.
        (
            "a",
            "a/missing.tm",
            "cannot read a/missing.tm: no such file",
        ),
    ];
    for (root, model, message) in cases {
        for command in ["check", "build"] {
            let output = tmc()
                .current_dir(&dir)
                .args([command, "--include-root", root, model])
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let text = stderr(&output);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {root} {model}: {text}"
            );
            assert!(text.contains(message), "{command} {root} {model}: {text}");
        }
    }
    let output = tmc()
        .current_dir(&dir)
        .args(["check", "--include-root", ".", "a/m.tm"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // A link under the folder that leads out of it is outside, and the message says where.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../b/alone.tm", dir.join("a/link.tm"))
            .unwrap_or_else(|e| panic!("{e}"));
        let output = tmc()
            .current_dir(&dir)
            .args(["check", "--include-root", "a", "a/link.tm"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("(it leads to "),
            "{}",
            stderr(&output)
        );
    }
    // The include flags of `rules` and `explain` are about `--model`.
    for args in [
        &["rules", "--include-root", "a"][..],
        &[
            "explain",
            "spoofing.external_impersonation",
            "--allow-outside-includes",
        ][..],
    ] {
        let output = tmc()
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("give --model FILE"),
            "{}",
            stderr(&output)
        );
    }
}

/// A decision's row says where it is written: its line, the file when it is an included one,
/// and the pattern only when it is not the threat's own id.
#[test]
fn decision_rows_say_where_the_decision_is_written() {
    let dir = scratch("decision-lines");
    write_file(
        &dir,
        "main.tm",
        "model \"M\"\ninclude \"decisions/d.tm\"\nactor u \"User\"\nprocess p \"P\"\nu -> p \"Uses\"\n\
         mitigate \"spoofing.actor_impersonation@u\" { by \"SSO with MFA\" }\n",
    );
    write_file(
        &dir,
        "decisions/d.tm",
        "\naccept \"*@u>p\" { reason \"Lab only\" }\n",
    );
    let out = dir.join("out");
    tmc()
        .current_dir(&dir)
        .args(["build", "--emit", "md,html", "-o", "out", "main.tm"])
        .assert()
        .code(0);
    let md = std::fs::read_to_string(out.join("threat-model.md")).unwrap_or_default();
    assert!(md.contains("| SSO with MFA | line 6 |\n"), "{md}");
    assert!(
        md.contains("| In force | `*@u>p`, `decisions/d.tm`, line 2 |\n"),
        "{md}"
    );
    let html = std::fs::read_to_string(out.join("threat-model.html")).unwrap_or_default();
    assert!(html.contains("SSO with MFA</td><td>line 6</td>"), "{html}");
    assert!(
        html.contains("<td><code>*@u&gt;p</code>, <code>decisions/d.tm</code>, line 2</td>"),
        "{html}"
    );
}
