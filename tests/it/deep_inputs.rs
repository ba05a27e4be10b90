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

/// Runs of `not`s inside parentheses inside runs of `not`s, each within `--max-depth`, make an
/// expression deeper than any: it is refused, not a stack overflow.
#[test]
fn nots_nested_in_parentheses_past_the_highest_depth_are_e0003() {
    let dir = scratch_dir("nested-nots");
    let file = dir.join("nots.tm");
    let run_of_nots = format!("{}(", "not ".repeat(60)).repeat(20);
    let when = format!("{run_of_nots}true{}", ")".repeat(20));
    std::fs::write(&file, rule_with_when(&when)).unwrap();
    let (code, stderr) = run(&["check", "--color", "never", &file.to_string_lossy()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0003") && stderr.contains("more than 1000 levels"),
        "{stderr}"
    );
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

/// `tmc ARGS...` with `stdin` (none: empty), stopped after 20 s: a hang fails the test
/// instead of stalling it.
fn run_briefly(args: &[&str], stdin: Option<std::fs::File>) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tmc"))
        .current_dir(super::support::root())
        .args(args)
        .stdin(stdin.map_or(Stdio::null(), Stdio::from))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`tmc {}` still running after 20 s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (status.code(), stderr)
}

#[test]
fn pipes_and_devices_are_refused_not_read() {
    let dir = scratch_dir("devices");
    let fifo = dir.join("fifo.tm");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let includes = |name: &str, target: &str| {
        let file = dir.join(name);
        std::fs::write(&file, format!("include \"{target}\"\nactor a \"A\"\n")).unwrap();
        file.to_string_lossy().into_owned()
    };
    let (fifo, dev_zero) = (includes("a.tm", "fifo.tm"), includes("b.tm", "/dev/zero"));
    for args in [
        vec!["check", "--color", "never", &fifo],
        vec![
            "check",
            "--color",
            "never",
            "--allow-outside-includes",
            &dev_zero,
        ],
    ] {
        let (code, stderr) = run_briefly(&args, None);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("E0006") && stderr.contains("not a regular file"),
            "{stderr}"
        );
    }
    let fifo_path = dir.join("fifo.tm").to_string_lossy().into_owned();
    for args in [
        vec!["check", &fifo_path],
        vec!["fmt", "--check", "/dev/zero"],
    ] {
        let (code, stderr) = run_briefly(&args, None);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (code, stderr) = run_briefly(&["fmt", "--stdin"], Some(zero));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("over the limit of 16777216 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = scratch_dir("sparse");
    let big = dir.join("big.tm");
    // Sparse: 3 GB on paper, nothing on disk. Reading it would take seconds and 3 GB of memory.
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(3 << 30).unwrap();
    let includer = dir.join("includer.tm");
    std::fs::write(&includer, "include \"big.tm\"\n").unwrap();
    for path in [&big, &includer] {
        let (code, stderr) = run_briefly(
            &["check", "--color", "never", &path.to_string_lossy()],
            None,
        );
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("E0016")
                && stderr.contains("is 3221225472 bytes, over the limit of 16777216 bytes"),
            "{stderr}"
        );
    }
}

/// `depth` nested boundaries around one flow, between `pad` plain elements before and after
/// (from 256 KB, a file is parsed in pieces on two threads).
fn nested_boundaries(depth: usize, pad: usize) -> String {
    let plain = |prefix: &str| -> String {
        (0..pad)
            .map(|i| format!("process {prefix}{i} \"{prefix} {i}\"\n"))
            .collect()
    };
    let open: String = (0..depth)
        .map(|i| format!("boundary b{i} \"B\" {{\n"))
        .collect();
    format!(
        "{}{open}process p \"P\"\nactor a \"A\"\n{}a -> p\n{}",
        plain("q"),
        "}\n".repeat(depth),
        plain("r")
    )
}

#[test]
fn nesting_at_the_highest_depth_limit_compiles_and_renders() {
    let dir = scratch_dir("deepest");
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let nest = write("nest.tm", nested_boundaries(1000, 0));
    let parens = write(
        "parens.tm",
        rule_with_when(&format!("{}true{}", "(".repeat(999), ")".repeat(999))),
    );
    let nots = write(
        "nots.tm",
        rule_with_when(&format!("{}true", "not ".repeat(990))),
    );
    for file in [&nest, &parens, &nots] {
        let out = format!("{file}.out");
        let (code, stderr) = run(&[
            "build",
            file,
            "--max-depth",
            "1000",
            "-o",
            &out,
            "--emit",
            "md,dot,json,sarif,html",
        ]);
        assert_eq!(code, Some(0), "{file}: {stderr}");
    }
    // Large enough to be parsed in pieces, on a thread of the parser's own.
    let pieces = write("pieces.tm", nested_boundaries(1000, 6000));
    assert!(std::fs::metadata(&pieces).unwrap().len() > 256 * 1024);
    let (code, stderr) = run(&["check", "--max-depth", "1000", &pieces]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = run(&["fmt", "--check", "--max-depth", "1000", &nest]);
    assert_eq!(code, Some(1), "not formatted, but no crash: {stderr}");
    let (code, stderr) = run(&["check", "--max-depth", "1001", &nest]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("1001 is not in 0..=1000"), "{stderr}");
}

#[test]
fn includes_nest_no_deeper_than_the_depth_limit() {
    let dir = scratch_dir("include-chain");
    let chain = |files: usize| {
        for i in 0..files {
            let include = if i + 1 < files {
                format!("include \"f{}.tm\"\n", i + 1)
            } else {
                String::new()
            };
            std::fs::write(
                dir.join(format!("f{i}.tm")),
                format!("{include}actor a{i} \"A{i}\"\n"),
            )
            .unwrap();
        }
        dir.join("f0.tm").to_string_lossy().into_owned()
    };
    let root = chain(65);
    assert_eq!(run(&["check", &root]).0, Some(0));
    let root = chain(66);
    let (code, stderr) = run(&["check", "--color", "never", &root]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("E0003") && stderr.contains("includes nested more than 64 deep"),
        "{stderr}"
    );
    let root = chain(1001);
    let (code, stderr) = run(&["check", "--max-depth", "1000", "--max-files", "2000", &root]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// A template's file name and text.
type TemplateFile<'a> = (&'a str, &'a str);

/// Builds the example's `emit` outputs with the templates `files` in place of the embedded
/// ones: the exit code, standard error, and the output folder (absent when nothing was written).
fn build_with_templates(
    name: &str,
    files: &[TemplateFile],
    emit: &str,
) -> (Option<i32>, String, std::path::PathBuf) {
    let dir = scratch_dir(&format!("templates-{name}"));
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (file, text) in files {
        std::fs::write(templates.join(file), text).unwrap();
    }
    let out = dir.join("out");
    let (code, stderr) = run_briefly(
        &[
            "build",
            "examples/ai-nutrition-pro.tm",
            "--templates",
            &templates.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
            "--emit",
            emit,
        ],
        None,
    );
    (code, stderr, out)
}

/// Builds the example's Markdown with `threat-model.md.tera` replaced by `template`: the exit
/// code, standard error, and the report when one was written.
fn build_with_template(name: &str, template: &str) -> (Option<i32>, String, Option<String>) {
    let (code, stderr, out) =
        build_with_templates(name, &[("threat-model.md.tera", template)], "md");
    let report = std::fs::read_to_string(out.join("threat-model.md")).ok();
    (code, stderr, report)
}

#[test]
fn templates_that_include_or_import_themselves_are_refused_before_rendering() {
    let cases: [(&str, &[TemplateFile], &str); 3] = [
        (
            "self-include",
            &[("threat-model.md.tera", "{% include \"threat-model.md.tera\" %}")],
            "(threat-model.md.tera -> threat-model.md.tera)",
        ),
        (
            "mutual-include",
            &[
                ("threat-model.md.tera", "{% include \"threat-table.md.tera\" %}"),
                (
                    "threat-table.md.tera",
                    "{% for t in [1] %}{% if true %}{% include \"threat-model.md.tera\" %}{% endif %}{% endfor %}",
                ),
            ],
            "(threat-model.md.tera -> threat-table.md.tera -> threat-model.md.tera)",
        ),
        (
            "self-import",
            &[(
                "threat-model.md.tera",
                "{% import \"threat-model.md.tera\" as m %}\n{% macro x() %}x{% endmacro %}\n",
            )],
            "(threat-model.md.tera -> threat-model.md.tera)",
        ),
    ];
    for (name, files, chain) in cases {
        let (code, stderr, out) = build_with_templates(name, files, "md");
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("includes or imports itself") && stderr.contains(chain),
            "{name}: {stderr}"
        );
        assert!(!out.exists(), "{name}: nothing is written");
    }
}

/// A chain of `count` macros, each calling the next, called once: `count` levels deep.
fn macro_chain(count: usize) -> String {
    let mut template: String = (0..count)
        .map(|i| {
            format!(
                "{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro %}}",
                i + 1
            )
        })
        .collect();
    template.push_str(&format!("{{% macro m{count}() %}}bottom{{% endmacro %}}"));
    template.push_str("{{ self::m0() }}\n");
    template
}

#[test]
fn templates_within_the_depth_limit_render_in_a_debug_build_too() {
    let cases = [
        (
            "ifs-at-the-limit",
            format!(
                "{}deep{}\n",
                "{% if true %}".repeat(1000),
                "{% endif %}".repeat(1000)
            ),
            "deep",
        ),
        ("macros-at-the-limit", macro_chain(990), "bottom"),
        (
            "parentheses-at-the-limit",
            format!("{{{{ {}7{} }}}}\n", "(".repeat(999), ")".repeat(999)),
            "7",
        ),
    ];
    for (name, template, expected) in cases {
        let (code, stderr, report) = build_with_template(name, &template);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(
            report.as_deref(),
            Some(format!("{expected}\n").as_str()),
            "{name}"
        );
    }
}

#[test]
fn templates_past_the_depth_limit_or_recursive_are_refused_before_rendering() {
    let cases = [
        (
            "ifs",
            format!(
                "{}deep{}\n",
                "{% if true %}".repeat(1001),
                "{% endif %}".repeat(1001)
            ),
            "blocks nested more than 1000 levels deep",
        ),
        ("macros", macro_chain(1100), "more than 1000 levels"),
        (
            "long-tag",
            format!("{{{{ {} }}}}\n", vec!["1"; 10_000].join("+")),
            "a tag of 20005 bytes, longer than the 16384",
        ),
        (
            "operators",
            format!("{{{{ {} }}}}\n", vec!["1"; 2_000].join("+")),
            "more than 1000 levels",
        ),
        (
            "self",
            "{% macro f(n) %}{% if n < 3 %}{{ self::f(n=n+1) }}{% endif %}{% endmacro %}{{ self::f(n=0) }}\n"
                .to_string(),
            "macro `f` calls itself (f -> f)",
        ),
        (
            "mutual",
            "{% macro a() %}{{ self::b() }}{% endmacro %}{% macro b() %}{{ self::a() }}{% endmacro %}x\n"
                .to_string(),
            "macro `a` calls itself (a -> b -> a)",
        ),
    ];
    for (name, template, expected) in cases {
        let (code, stderr, report) = build_with_template(name, &template);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert_eq!(report, None, "{name}: nothing is written");
    }
    // The macro that calls itself is in a template the page imports.
    let files = [
        (
            "index.md.tera",
            "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}",
        ),
        (
            "threat-model.md.tera",
            "{% import \"index.md.tera\" as s %}{{ s::f(n=0) }}\n",
        ),
    ];
    let (code, stderr, out) = build_with_templates("imported-recursion", &files, "md");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("template `index.md.tera`: macro `f` calls itself"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// A macro reached through a namespace the template never imported itself (Tera hands a
/// template the namespaces of what it imports and of what those extend) is followed too; and
/// a value Tera panics on (`i64::MIN % -1`, a float literal too large) is the template's error,
/// not a crash.
#[test]
fn templates_that_recurse_through_inherited_namespaces_or_make_tera_panic_are_errors() {
    let cases: [(&str, &[TemplateFile], &str); 3] = [
        (
            "inherited-namespace",
            &[
                (
                    "dfd.dot.tera",
                    "{% import \"threat-table.md.tera\" as b %}{% macro m() %}{{ a::m() }}{% endmacro m %}{{ self::m() }}",
                ),
                ("threat-table.md.tera", "{% extends \"index.md.tera\" %}"),
                ("index.md.tera", "{% import \"dfd.dot.tera\" as a %}"),
            ],
            "macro `m` calls itself (m -> m)",
        ),
        (
            "remainder",
            &[("dfd.dot.tera", "{{ -9223372036854775808 % -1 }}\n")],
            "Tera stopped rendering it: attempt to calculate the remainder with overflow",
        ),
        (
            "infinite-float",
            &[("dfd.dot.tera", "{{ 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0 }}\n")],
            "template `dfd.dot.tera`: Tera stopped rendering it",
        ),
    ];
    for (name, files, expected) in cases {
        let (code, stderr, out) = build_with_templates(name, files, "dot,md");
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: nothing is written");
    }
}
