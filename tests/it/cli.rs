//! The `tmc` binary end to end: exit codes, output formats, hostile input.

use assert_cmd::Command;
use std::path::PathBuf;

fn tmc() -> Command {
    let mut cmd = Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

/// `tmc check --color never FILE`: the exit code and what it wrote to stderr.
fn check(file: &std::path::Path) -> (Option<i32>, String) {
    let out = tmc()
        .args(["check", "--color", "never"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tmc-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn check_clean_model_exits_zero() {
    let out = tmc()
        .args(["check", "tests/fixtures/syntax/ok-everything.tm"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("ok (0 errors"));
}

#[test]
fn check_errors_exit_one_and_render_with_source() {
    let out = tmc()
        .args([
            "check",
            "--color",
            "never",
            "tests/fixtures/resolve/E0004-unknown-endpoint.tm",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[E0004]: no element is named `api_gatway`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tests/fixtures/resolve/E0004-unknown-endpoint.tm:4:1"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `api_app`?"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour with --color never");
}

#[test]
fn color_always_uses_ansi() {
    let out = tmc()
        .args([
            "check",
            "--color",
            "always",
            "tests/fixtures/resolve/E0004-unknown-endpoint.tm",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn check_json_format() {
    let out = tmc()
        .args([
            "check",
            "--format",
            "json",
            "tests/fixtures/resolve/E0004-unknown-endpoint.tm",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let items = value.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    let first = &items[0];
    assert_eq!(first["code"], "E0004");
    assert_eq!(first["severity"], "error");
    assert_eq!(
        first["file"],
        "tests/fixtures/resolve/E0004-unknown-endpoint.tm"
    );
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(3), Some(7))
    );
    assert!(first["labels"].as_array().is_some_and(|l| !l.is_empty()));
    assert_eq!(items[2]["help"], "did you mean `api_app`?");
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "tests/fixtures/resolve/W0002-duplicate-property.tm";
    tmc().args(["check", file]).assert().code(0);
    tmc()
        .args(["check", "--deny-warnings", file])
        .assert()
        .code(1);
}

#[test]
fn missing_root_file_is_an_io_error() {
    let out = tmc().args(["check", "no/such/model.tm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/model.tm"));
}

#[test]
fn usage_errors_exit_two() {
    tmc().args(["check"]).assert().code(2);
    tmc().args(["frobnicate"]).assert().code(2);
    tmc()
        .args(["check", "--today", "tomorrow", "x.tm"])
        .assert()
        .code(2);
}

#[test]
fn help_and_version() {
    let out = tmc().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("threat model compiler"));
    let out = tmc().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("tmc {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn empty_file_is_an_empty_model() {
    let dir = temp_dir("empty");
    let file = dir.join("empty.tm");
    std::fs::write(&file, "").unwrap();
    tmc().arg("check").arg(&file).assert().code(0);
}

#[test]
fn hostile_inputs_fail_cleanly() {
    let dir = temp_dir("hostile");
    let deep_boundaries = "boundary b \"B\" {\n".repeat(20_000) + &"}\n".repeat(20_000);
    let deep_parens = format!(
        "rule r {{ category spoofing; on element; title \"t\"; when {}true{} }}",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    let many_nots = format!(
        "rule r {{ category spoofing; on element; title \"t\"; when {}true }}",
        "not ".repeat(50_000)
    );
    let unbalanced = "boundary b \"B\" {\n  process p \"P\"\n".to_string();
    let stray = "}}}}\n".to_string();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deep.tm", deep_boundaries.into_bytes(), "E0003"),
        ("parens.tm", deep_parens.into_bytes(), "E0003"),
        ("nots.tm", many_nots.into_bytes(), "E0003"),
        ("unbalanced.tm", unbalanced.into_bytes(), "E0001"),
        ("stray.tm", stray.into_bytes(), "E0001"),
        (
            "binary.tm",
            vec![0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff],
            "E0015",
        ),
    ];
    for (name, bytes, code) in cases {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let (status, stderr) = check(&file);
        assert_eq!(status, Some(1), "{name}: {stderr}");
        assert!(stderr.contains(code), "{name}: expected {code}: {stderr}");
    }
}

#[test]
fn fifty_megabyte_file_is_refused_with_the_flag_to_raise_the_limit() {
    let dir = temp_dir("huge");
    let file = dir.join("huge.tm");
    let line = "process p \"A process with a long enough name to fill the file quickly\"\n";
    std::fs::write(&file, line.repeat(50 * 1024 * 1024 / line.len())).unwrap();
    let (code, stderr) = check(&file);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0016") && stderr.contains("--max-file-size"),
        "{stderr}"
    );
    // The file was never read: no snippet of it, only the message that names it.
    assert!(
        stderr.contains("huge.tm` is ") && !stderr.contains('│'),
        "{stderr}"
    );
}

/// The root file is one of the files `--max-files` counts: 0 is refused, and 1 allows no include.
#[test]
fn the_file_limit_counts_the_root_file() {
    let dir = temp_dir("file-limit");
    std::fs::write(dir.join("main.tm"), "include \"part.tm\"\nactor a \"A\"\n").unwrap();
    std::fs::write(dir.join("part.tm"), "process p \"P\"\n").unwrap();
    let run = |limit: &str| {
        let output = tmc_process(&["check", "--color", "never", "--max-files", limit])
            .arg(dir.join("main.tm"))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run("0");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("0 is not in 1.."), "{stderr}");
    let (code, stderr) = run("1");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E0016]: more than 1 file in one model")
            && stderr.contains("--max-files"),
        "{stderr}"
    );
    let (code, stderr) = run("2");
    assert_eq!(code, Some(0), "{stderr}");
}

/// Control characters a model writes as escapes (`"\u{1b}[2J"`), or that a model's file name
/// holds, never reach the terminal as they are: diagnostics, the gate's list and the file lines
/// show the escape instead (a CI log is read in a terminal).
#[test]
fn control_characters_from_a_model_are_shown_escaped() {
    let dir = temp_dir("control-characters");
    let model = "actor a \"A\"\n\"\\u{1b}]0;title\\u{7}\" -> a\n";
    let decided = "actor a \"A\\u{1b}[31m\"\nprocess p \"P\"\na -> p \"x\"\nmitigate \"\\u{1b}[2J\\u{0}x\" { by \"r\" }\n";
    std::fs::write(dir.join("decided.tm"), decided).unwrap();
    let gated = "actor a \"A\\u{1b}[31m\"\nprocess p \"P\"\na -> p \"x\"\n";
    std::fs::write(dir.join("gated.tm"), gated).unwrap();
    std::fs::write(dir.join("model.tm"), model).unwrap();
    // Shown in the snippet of an error on their line: a carriage return that would send the
    // cursor back over the line, a bidi override, a C1 control.
    let snippet = "actor b \"B\" foo // \rhidden \u{202E}reversed \u{9b}2J \u{200b}\n";
    std::fs::write(dir.join("snippet.tm"), snippet).unwrap();
    #[cfg(unix)]
    std::fs::write(dir.join("named \u{1b}[2J.tm"), "actor b \"B\"\n").unwrap();
    for args in [
        &["check", "--color", "never"][..],
        &["check", "--fail-on", "low"][..],
    ] {
        let output = tmc_process(args).arg(&dir).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{0}', '\r', '\u{202E}', '\u{9b}']),
                "{args:?}: {text:?}"
            );
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("`\\u{1b}]0;title\\u{7}`"), "{stderr}");
        assert!(stderr.contains("\\u{1b}[2J\\u{0}x"), "{stderr}");
        assert!(
            stderr.contains("foo // ?hidden \u{FFFD}reversed ¿2J \u{FFFD}"),
            "{stderr}"
        );
        #[cfg(unix)]
        assert!(stderr.contains("named \\u{1b}[2J.tm: ok"), "{stderr}");
        if args.contains(&"--fail-on") {
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(stdout.contains("from A\\u{1b}[31m to P"), "{stdout}");
        }
    }
}

#[test]
fn includes_may_not_escape_unless_allowed() {
    let dir = temp_dir("escape");
    std::fs::create_dir_all(dir.join("model")).unwrap();
    std::fs::write(dir.join("secret.tm"), "process leaked \"Leaked\"\n").unwrap();
    std::fs::write(dir.join("model/main.tm"), "include \"../secret.tm\"\n").unwrap();
    let main = dir.join("model/main.tm");
    let (code, stderr) = check(&main);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("E0008"), "{stderr}");
    tmc()
        .args(["check", "--allow-outside-includes"])
        .arg(&main)
        .assert()
        .code(0);
}

/// A file reached by two paths (itself and a link to it, or through `..`) is loaded once, as
/// a file included twice is; `include "."` names a folder, and says so.
#[cfg(unix)]
#[test]
fn a_file_included_through_a_link_is_loaded_once() {
    let dir = temp_dir("include-alias");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("c.tm"), "actor c \"C\"\n").unwrap();
    std::os::unix::fs::symlink(dir.join("c.tm"), dir.join("alias.tm")).unwrap();
    std::fs::write(
        dir.join("main.tm"),
        "include \"c.tm\"\ninclude \"alias.tm\"\ninclude \"sub/../c.tm\"\nprocess p \"P\"\nc -> p\n",
    )
    .unwrap();
    let (code, stderr) = check(&dir.join("main.tm"));
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::write(dir.join("dot.tm"), "include \".\"\n").unwrap();
    let (code, stderr) = check(&dir.join("dot.tm"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0006") && stderr.contains("directory"),
        "{stderr}"
    );
}

/// A link inside the model's directory that points out of it is outside too: the check looks
/// at where the file really is, not only at the path written in the include.
#[cfg(unix)]
#[test]
fn includes_may_not_escape_through_a_symlink() {
    let dir = temp_dir("symlink-escape");
    std::fs::create_dir_all(dir.join("model")).unwrap();
    std::fs::write(dir.join("secret.tm"), "process leaked \"Leaked\"\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.tm"), dir.join("model/inside.tm")).unwrap();
    std::fs::write(
        dir.join("model/main.tm"),
        "include \"inside.tm\"\nprocess p \"P\"\n",
    )
    .unwrap();
    let main = dir.join("model/main.tm");
    let (code, stderr) = check(&main);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0008") && stderr.contains("inside.tm"),
        "{stderr}"
    );

    // A link that stays inside the tree is fine.
    std::fs::write(dir.join("model/real.tm"), "process q \"Q\"\n").unwrap();
    std::os::unix::fs::symlink(dir.join("model/real.tm"), dir.join("model/alias.tm")).unwrap();
    std::fs::write(
        dir.join("model/main.tm"),
        "include \"alias.tm\"\nprocess p \"P\"\n",
    )
    .unwrap();
    let (code, stderr) = check(&main);
    assert_eq!(code, Some(0), "{stderr}");
}

/// A folder of models is read the way an include is: a link in it that points out of it is
/// not a model (its lines would be printed as syntax errors), a link to a model in it is that
/// model (built once), and a part included through a link or a `..` is a part, not a model.
#[cfg(unix)]
#[test]
fn a_folder_follows_links_as_includes_do() {
    let dir = temp_dir("folder-links");
    let models = dir.join("models");
    std::fs::create_dir_all(models.join("parts")).unwrap();
    std::fs::write(dir.join("secret.env"), "AWS_SECRET=fake-s3cr3t\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.env"), models.join("notes.tm")).unwrap();
    std::fs::write(
        models.join("a.tm"),
        "model \"A\"\nprocess p \"P\"\ninclude \"lnk/frag.tm\"\n",
    )
    .unwrap();
    std::fs::write(
        models.join("parts/frag.tm"),
        "store s \"S\"\np -> s \"w\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(models.join("parts"), models.join("lnk")).unwrap();
    std::fs::write(
        models.join("b.tm"),
        "model \"B\"\nprocess p \"P\"\ninclude \"../models/parts/frag.tm\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(models.join("a.tm"), models.join("alias.tm")).unwrap();
    // Neither a link to nothing nor a pipe is a model (reading the pipe would wait forever).
    std::os::unix::fs::symlink(models.join("deleted.tm"), models.join("gone.tm")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(models.join("pipe.tm"))
        .status()
        .is_ok_and(|status| status.success());

    let (code, stderr) = check(&models);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
    assert!(
        stderr.contains("notes.tm is a link to a file outside"),
        "{stderr}"
    );
    assert!(stderr.contains("gone.tm is not a file"), "{stderr}");
    assert!(
        !fifo || stderr.contains("pipe.tm is not a file"),
        "{stderr}"
    );
    let checked: Vec<&str> = stderr.lines().filter(|l| l.contains(": ok")).collect();
    assert_eq!(checked.len(), 2, "{stderr}");
    assert!(
        checked[0].contains("a.tm") && checked[1].contains("b.tm"),
        "{stderr}"
    );
}

/// A model whose file name is not UTF-8 (Linux allows any bytes) is linked from the index by
/// its real name: the link leads to the folder its report was written to.
#[test]
fn a_folder_index_links_to_a_model_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp_dir("folder-not-utf8");
    let models = dir.join("models");
    std::fs::create_dir_all(&models).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xE9.tm");
    std::fs::write(models.join(name), "model \"Cafe\"\nprocess p \"P\"\n").unwrap();
    let out = dir.join("out");
    let output = tmc()
        .args(["build", "--emit", "md"])
        .arg(&models)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let index = std::fs::read_to_string(out.join("index.md")).unwrap();
    assert!(index.contains("(caf%E9/threat-model.md)"), "{index}");
    let report = out
        .join(std::ffi::OsStr::from_bytes(b"caf\xE9"))
        .join("threat-model.md");
    assert!(report.is_file(), "{index}");
}

/// Which files are models is decided with the limits the models are compiled with: a root
/// with a string over the default length still names its parts.
#[test]
fn a_folder_finds_parts_with_the_string_limit_given() {
    let dir = temp_dir("folder-long-string");
    let long = "x".repeat(1_500_000);
    std::fs::write(
        dir.join("a.tm"),
        format!("model \"A\" {{ description \"{long}\" }}\nprocess p \"P\"; include \"part.tm\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("part.tm"), "store s \"S\"\np -> s \"w\"\n").unwrap();
    let output = tmc()
        .args(["check", "--max-string-length", "2000000"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("part.tm"), "{stderr}");
}

#[test]
fn debug_model_prints_resolved_json() {
    let out = tmc()
        .args(["debug", "model", "tests/fixtures/syntax/ok-everything.tm"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value["model"]["name"], "Kitchen sink");
    let flows = value["flows"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = flows.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "operator>svc",
            "svc>db",
            "db>svc",
            "partner>svc",
            "partner>svc#2"
        ]
    );
    assert_eq!(flows[1]["reverse_of"], "db>svc");
    let svc = value["elements"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["id"] == "svc").cloned())
        .unwrap_or_default();
    assert_eq!(svc["boundaries"], serde_json::json!(["inner", "outer"]));
    assert_eq!(svc["internet_facing"], true);
}

/// `--timings` prints each stage's end, in order, to stderr, and leaves stdout and the exit
/// code alone; without it nothing is printed.
#[test]
fn timings_mark_each_stage_in_order() {
    let dir = temp_dir("timings");
    let out = tmc()
        .args([
            "build",
            "examples/ai-nutrition-pro.tm",
            "--emit",
            "md,json,sarif",
        ])
        .arg("-o")
        .arg(&dir)
        .arg("--timings")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let marks: Vec<(f64, &str)> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("timings:"))
        .map(|rest| {
            let (ms, stage) = rest.trim().split_once(" ms  ").unwrap();
            // On Linux each mark ends with the memory held then.
            let stage = match stage.split_once("  (rss ") {
                Some((stage, memory)) => {
                    assert!(memory.ends_with(" page faults)"), "{memory}");
                    stage
                }
                None if cfg!(target_os = "linux") => panic!("no memory in {stage:?}"),
                None => stage,
            };
            (ms.trim().parse().unwrap(), stage)
        })
        .collect();
    let stages: Vec<&str> = marks.iter().map(|(_, stage)| *stage).collect();
    for (before, after) in [
        ("load: read and parse", "resolve"),
        ("resolve", "rules: fire"),
        ("rules: fire", "rules: decisions"),
        ("rules: decisions", "report"),
        ("report", "threats.json"),
        ("report", "threat-model.md"),
        ("threats.sarif", "outputs in place"),
    ] {
        let at = |stage| stages.iter().position(|s| *s == stage);
        assert!(at(before) < at(after) && at(before).is_some(), "{stages:?}");
    }
    assert!(marks.windows(2).all(|w| w[0].0 <= w[1].0), "{marks:?}");

    // `check` builds no report, and says so by leaving its mark out.
    let checked = tmc()
        .args(["check", "examples/ai-nutrition-pro.tm", "--timings"])
        .output()
        .unwrap();
    let checked = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.contains(" ms  rules: decisions"), "{checked}");
    assert!(!checked.contains(" ms  report"), "{checked}");

    let quiet = tmc()
        .args(["check", "examples/ai-nutrition-pro.tm"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("timings:"));
}

/// `tmc` as a plain `std::process::Command`, for wiring its stdout and stderr to files and pipes.
fn tmc_process(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tmc"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    cmd
}

/// `/dev/full`, where every write fails with "No space left on device"; `None` where there is
/// no such device (the tests using it are then skipped).
fn dev_full() -> Option<std::fs::File> {
    match std::fs::File::create("/dev/full") {
        Ok(file) => Some(file),
        Err(error) => {
            eprintln!("skipped: cannot open /dev/full: {error}");
            None
        }
    }
}

/// A failed write to stdout is an I/O error (exit code 2, with a message), not a panic.
#[test]
fn stdout_that_cannot_be_written_is_an_io_error() {
    for args in [
        &["rules"][..],
        &["rules", "--format", "json"],
        &["debug", "model", "examples/ai-nutrition-pro.tm"],
        &["check", "--fail-on", "low", "examples/ai-nutrition-pro.tm"],
        &["--help"],
    ] {
        let Some(full) = dev_full() else { return };
        let out = tmc_process(args)
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// When the reader of stdout goes away (`tmc rules | head`), `tmc` stops with exit code 2 and
/// says nothing: the reader left on purpose.
#[test]
fn broken_pipe_on_stdout_exits_two_without_a_message() {
    use std::io::Read;
    use std::process::Stdio;
    // The JSON list of rules is larger than a pipe holds (64 KiB on Linux), so `tmc` is still
    // writing when the reader goes.
    let mut child = tmc_process(&["rules", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = child.stdout.take().unwrap();
    let mut first = [0; 10];
    reader.read_exact(&mut first).unwrap();
    assert_eq!(&first[..1], b"[");
    drop(reader);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");

    // A reader gone before the first write: the same, whatever the size of the output.
    let mut child = tmc_process(&["debug", "model", "examples/ai-nutrition-pro.tm"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// A failed write to stderr is ignored (there is nowhere to report it): the exit code is the
/// one the command has with a working stderr.
#[test]
fn stderr_that_cannot_be_written_leaves_the_exit_code_alone() {
    let dir = temp_dir("stderr-full");
    let out_dir = dir.display().to_string();
    for (args, code) in [
        (&["check", "examples/ai-nutrition-pro.tm"][..], 0),
        (
            &[
                "build",
                "examples/ai-nutrition-pro.tm",
                "--emit",
                "md",
                "-o",
                &out_dir,
            ],
            0,
        ),
        (
            &["check", "tests/fixtures/resolve/E0004-unknown-endpoint.tm"],
            1,
        ),
        (&["explain", "no.such_rule"], 2),
        (
            &[
                "check",
                "--today",
                "yesterday",
                "examples/ai-nutrition-pro.tm",
            ],
            2,
        ),
    ] {
        let Some(full) = dev_full() else { return };
        let out = tmc_process(args).stderr(full).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
    assert!(dir.join("threat-model.md").is_file());
}

/// `debug model` takes the options `check` takes and honours them: `--deny-warnings` fails on
/// warnings, and `--format json` writes the diagnostics (to stderr: stdout is the model) as JSON.
#[test]
fn debug_model_honours_deny_warnings_and_the_json_format() {
    let warned = "tests/fixtures/resolve/W0002-duplicate-property.tm";
    let out = tmc().args(["debug", "model", warned]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = tmc()
        .args([
            "debug",
            "model",
            "--deny-warnings",
            "--format",
            "json",
            warned,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(diagnostics[0]["code"], "W0002", "{diagnostics}");
}

/// A usage error with `--format json` (a flag out of range, a bad date, a root file that cannot
/// be read, an unknown flag) exits 2 with `[]` on stdout, so a script parsing stdout always gets
/// an array; with the human format, stdout stays empty.
#[test]
fn usage_errors_print_an_empty_json_array() {
    let model = "examples/ai-nutrition-pro.tm";
    for args in [
        &["check", "--format", "json", "--max-depth", "2000", model][..],
        &["check", "--format=json", "--today", "2020-13-01", model][..],
        &["check", "--format", "json", "missing.tm"][..],
        &["build", "--format", "json", "--max-files", "0", model][..],
        &["diff", "--format", "json", "--no-such-flag", model, model][..],
    ] {
        let out = tmc().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "[]\n", "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: the message is on stderr");
    }
    let out = tmc()
        .args(["check", "--max-depth", "2000", model])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
