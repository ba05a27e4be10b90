//! `tmc fmt` end to end: every `.tm` file of the repository formats idempotently, keeps its
//! comments and compiles to the same model; the command rewrites, checks and pipes; random
//! models with random layout do the same.

use crate::support::{files_under, options, root, DiskLoader};
use assert_cmd::Command;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tmc::compile::{compile, Compilation};
use tmc::format::{format, FormatError};
use tmc::load::{Loader, MemoryLoader};

// ---------------------------------------------------------------- helpers

/// Every comment of a `.tm` text, in order (line comments without trailing blanks), found by a
/// scanner of its own rather than the formatter's lexer.
fn comments(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    let bytes = text.as_bytes();
    let find = |from: usize, needle: &[u8]| {
        bytes
            .get(from..)
            .and_then(|rest| rest.windows(needle.len()).position(|w| w == needle))
            .map(|at| at + from)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"\"\"\"") {
            i = find(i + 3, b"\"\"\"").map_or(bytes.len(), |end| end + 3);
        } else if rest.starts_with(b"\"") {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if rest.starts_with(b"//") {
            let end = find(i, b"\n").unwrap_or(bytes.len());
            out.push(
                String::from_utf8_lossy(&bytes[i..end])
                    .trim_end()
                    .to_string(),
            );
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = find(i + 2, b"*/").map_or(bytes.len(), |end| end + 2);
            out.push(String::from_utf8_lossy(&bytes[i..end]).into_owned());
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Replaces every `Span { .. }` in a `Debug` rendering: spans move when lines do.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn strip_key(value: &mut serde_json::Value, key: &str) {
    match value {
        serde_json::Value::Object(map) => {
            map.shift_remove(key);
            map.values_mut().for_each(|v| strip_key(v, key));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip_key(v, key)),
        _ => {}
    }
}

/// What a compilation means, with every position left out: the report (today elements, data
/// and flows; threats and rules as the rule engine fills them in), the model's hand-written
/// threats, decisions and rules, and the diagnostics' codes and messages.
fn meaning(compilation: &Compilation) -> String {
    let report = tmc::report::build(
        &compilation.model,
        &compilation.threats,
        &compilation.sources,
    );
    let mut report = serde_json::to_value(&report).unwrap_or_default();
    strip_key(&mut report, "source_span");
    let model = &compilation.model;
    // One line per list: the compact `Debug` form keeps each span on one line.
    let declarations = without_spans(&format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        model.elements,
        model.flows,
        model.threats,
        model.decisions,
        model.rules,
        model.packs,
        compilation.threats
    ));
    let mut diagnostics: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {:?} {}: {}",
                d.code.id,
                d.severity,
                compilation.sources.name(d.primary.span.file),
                d.message
            )
        })
        .collect();
    diagnostics.sort();
    format!("{report:#}\n{declarations}\n{diagnostics:#?}")
}

/// Reads through another loader and hands out every file formatted (when it formats).
struct Formatting<'a>(&'a dyn Loader);

impl Loader for Formatting<'_> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let bytes = self.0.read(path)?;
        let formatted = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| format(text).ok());
        Ok(formatted.map_or(bytes, String::into_bytes))
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        self.0.real_path(path)
    }
}

fn compile_with(path: &Path, loader: &dyn Loader) -> Compilation {
    match compile(path, loader, &options()) {
        Ok(compilation) => compilation,
        Err(error) => panic!("{error}"),
    }
}

/// Checks the three guarantees on one text; `compiled` compiles it as it is or formatted.
fn check_guarantees(
    name: &str,
    text: &str,
    formatted: &str,
    compiled: impl Fn(bool) -> Compilation,
) -> Vec<String> {
    let mut failures = Vec::new();
    match format(formatted) {
        Ok(again) if again == formatted => {}
        Ok(again) => failures.push(format!(
            "{name}: not idempotent\n--- once\n{formatted}\n--- twice\n{again}"
        )),
        Err(error) => failures.push(format!("{name}: its formatted text fails: {error:?}")),
    }
    if comments(text) != comments(formatted) {
        failures.push(format!(
            "{name}: comments changed\n{:#?}\n{:#?}",
            comments(text),
            comments(formatted)
        ));
    }
    let (before, after) = (meaning(&compiled(false)), meaning(&compiled(true)));
    if before != after {
        failures.push(format!(
            "{name}: compiles differently once formatted\n--- before\n{before}\n--- after\n{after}"
        ));
    }
    failures
}

// ---------------------------------------------------------------- every file of the repository

#[test]
fn every_tm_file_formats_idempotently_keeps_comments_and_compiles_the_same() {
    let mut formatted_count = 0;
    let mut failures = Vec::new();
    for dir in ["examples", "stdlib", "tests/fixtures", "tests/rules"] {
        for path in files_under(&root().join(dir), "tm") {
            let relative = path.strip_prefix(root()).unwrap_or(&path).to_path_buf();
            let name = relative.display().to_string();
            let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap_or_default()) else {
                continue;
            };
            let formatted = match format(&text) {
                Ok(formatted) => formatted,
                // Fixtures of syntax errors are there to fail.
                Err(FormatError::Syntax(_)) => continue,
                Err(error) => {
                    failures.push(format!("{name}: {error}"));
                    continue;
                }
            };
            formatted_count += 1;
            failures.extend(check_guarantees(&name, &text, &formatted, |formatted| {
                if formatted {
                    compile_with(&relative, &Formatting(&DiskLoader))
                } else {
                    compile_with(&relative, &DiskLoader)
                }
            }));
        }
    }
    assert!(
        formatted_count > 50,
        "only {formatted_count} files formatted"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn stdlib_packs_format_to_the_same_rules() {
    for (pack, text) in tmc::load::STDLIB {
        let formatted = format(text).unwrap_or_else(|e| panic!("{pack}: {e}"));
        let failures = check_guarantees(pack, text, &formatted, |formatted| {
            let pack_text = if formatted {
                formatted_text(text)
            } else {
                text.to_string()
            };
            let loader = MemoryLoader::new()
                .with("m/main.tm", "use \"pack.tm\"\n")
                .with("m/pack.tm", pack_text);
            compile_with(Path::new("m/main.tm"), &loader)
        });
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}

fn formatted_text(text: &str) -> String {
    format(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_example_only_loses_its_comment_alignment() {
    let text =
        std::fs::read_to_string(root().join("examples/ai-nutrition-pro.tm")).unwrap_or_default();
    let formatted = formatted_text(&text);
    let realigned: String = text
        .lines()
        .map(|line| match line.find("]        //") {
            Some(at) => format!("{} //{}", &line[..=at], &line[at + 11..]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert_eq!(formatted, realigned);
}

#[test]
fn the_before_and_after_in_the_docs_is_what_fmt_does() {
    let docs = std::fs::read_to_string(root().join("docs/formatting.md")).unwrap_or_default();
    let blocks: Vec<&str> = docs
        .split("```tm\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .collect();
    assert_eq!(
        blocks.len(),
        2,
        "docs/formatting.md has one before and one after"
    );
    assert_eq!(formatted_text(blocks[0]), blocks[1]);
    assert_eq!(formatted_text(blocks[1]), blocks[1]);
}

// ---------------------------------------------------------------- the command

fn tmc() -> Command {
    let mut cmd = Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tmc-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

const MESSY: &str = "process  api \"API\" { technology \"Go\"; tags [ a,b, ] } // the API\n\n\n\nstore db \"DB\"\napi->db\n";
const TIDY: &str = "process api \"API\" {\n  technology \"Go\"\n  tags [a, b]\n} // the API\n\nstore db \"DB\"\napi -> db\n";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn fmt_rewrites_files_in_place_and_says_nothing() {
    let dir = temp_dir("rewrite");
    let (messy, tidy) = (dir.join("messy.tm"), dir.join("tidy.tm"));
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let out = tmc().arg("fmt").arg(&messy).arg(&tidy).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    assert_eq!(read(&messy), TIDY);
    assert_eq!(read(&tidy), TIDY);
    let out = tmc()
        .args(["fmt", "--verbose"])
        .arg(&messy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already formatted"));
}

/// A folder stands for the `.tm` files under it (hidden ones left out, as `check` and `build`
/// do); a file is replaced whole, keeping its mode, and through a link the file linked to is.
#[test]
fn fmt_formats_folders_and_replaces_files_whole() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("folder");
    let nested = dir.join("team/api.tm");
    let hidden = dir.join(".cache/old.tm");
    let other = dir.join("notes.txt");
    for (path, text) in [(&nested, MESSY), (&hidden, MESSY), (&other, MESSY)] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = tmc().args(["fmt", "--check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("team/api.tm") && !diff.contains("old.tm"),
        "{diff}"
    );
    let link = dir.join("link.tm");
    std::os::unix::fs::symlink(&nested, &link).unwrap();
    let out = tmc().arg("fmt").arg(&link).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(read(&nested), TIDY);
    let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let out = tmc().arg("fmt").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!((read(&hidden), read(&other)), (MESSY.into(), MESSY.into()));
    let left: Vec<_> = std::fs::read_dir(nested.parent().unwrap())
        .unwrap()
        .collect();
    assert_eq!(left.len(), 1, "a temporary file was left: {left:?}");
}

/// A folder without a `.tm` file is a wrong path (exit 2), as for `check`: a format check of
/// the wrong folder must not pass.
#[test]
fn fmt_refuses_a_folder_without_models() {
    let dir = temp_dir("no-models");
    std::fs::write(dir.join("README.md"), "notes\n").unwrap();
    for args in [&["fmt", "--check"][..], &["fmt"][..]] {
        let out = tmc().args(args).arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("there is no .tm file under"),
            "{out:?}"
        );
    }
}

/// File names reach the terminal escaped, as in diagnostics.
#[test]
fn fmt_prints_file_names_escaped() {
    let dir = temp_dir("escaped");
    let file = dir.join("evil\u{1b}[31mred.tm");
    std::fs::write(&file, MESSY).unwrap();
    let out = tmc()
        .args(["fmt", "--check", "--verbose"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains('\u{1b}') && text.contains("evil"), "{text}");
    }
}

#[test]
fn fmt_check_prints_a_diff_and_fails_without_writing() {
    let dir = temp_dir("check");
    let (messy, tidy) = (dir.join("messy.tm"), dir.join("tidy.tm"));
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let out = tmc().args(["fmt", "--check"]).arg(&tidy).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = tmc()
        .args(["fmt", "--check"])
        .arg(&messy)
        .arg(&tidy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    let name = messy.display().to_string();
    assert!(
        diff.starts_with(&format!("--- {name}.orig\n+++ {name}\n@@ -1,")),
        "{diff}"
    );
    assert!(diff.contains("\n+  technology \"Go\"\n"), "{diff}");
    assert!(diff.contains("\n-api->db\n+api -> db\n"), "{diff}");
    assert!(!diff.contains("tidy.tm"), "{diff}");
    assert_eq!(read(&messy), MESSY, "--check wrote the file");
}

#[test]
fn fmt_stdin_writes_to_stdout() {
    let out = tmc()
        .args(["fmt", "--stdin"])
        .write_stdin(MESSY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
    let out = tmc()
        .args(["fmt", "--stdin", "--check"])
        .write_stdin(MESSY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("--- <stdin>.orig\n+++ <stdin>\n"));
    tmc()
        .args(["fmt", "--stdin", "--check"])
        .write_stdin(TIDY)
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_alone() {
    let dir = temp_dir("syntax");
    let (broken, messy) = (dir.join("broken.tm"), dir.join("messy.tm"));
    let text = "process api \"API\" {\n  technology \"Go\"\napi -> \n";
    std::fs::write(&broken, text).unwrap();
    std::fs::write(&messy, MESSY).unwrap();
    let out = tmc()
        .args(["fmt", "--color", "never"])
        .arg(&broken)
        .arg(&messy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E0001]"), "{stderr}");
    assert!(stderr.contains("broken.tm:"), "{stderr}");
    assert_eq!(read(&broken), text);
    assert_eq!(read(&messy), TIDY, "the other files are still formatted");
    let out = tmc()
        .args(["fmt", "--stdin", "--color", "never"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:"));
}

#[test]
fn fmt_io_and_usage_errors_exit_two() {
    let out = tmc().args(["fmt", "no/such/file.tm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/file.tm"));
    tmc().arg("fmt").assert().code(2);
    tmc().args(["fmt", "--stdin", "x.tm"]).assert().code(2);
}

#[test]
fn fmt_fails_cleanly_on_hostile_input() {
    let dir = temp_dir("hostile");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "deep.tm",
            ("boundary b \"B\" {\n".repeat(20_000) + &"}\n".repeat(20_000)).into_bytes(),
            "E0003",
        ),
        (
            "nots.tm",
            format!(
                "rule r {{ title \"t\"; when {}true }}",
                "not ".repeat(50_000)
            )
            .into_bytes(),
            "E0003",
        ),
        ("stray.tm", b"}}}}\n".to_vec(), "E0001"),
        ("nul.tm", b"process a \"A\"\0\n".to_vec(), "E0015"),
        ("binary.tm", vec![0x7f, 0x45, 0x4c, 0x46, 0xff], "UTF-8"),
    ];
    for (name, bytes, expected) in cases {
        let file = dir.join(name);
        std::fs::write(&file, &bytes).unwrap();
        let out = tmc()
            .args(["fmt", "--color", "never"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{name}: expected {expected}: {stderr}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "{name} was written");
    }
}

// ---------------------------------------------------------------- random models

/// Builds a model from a byte string used as a source of choices: statements of every kind,
/// with random blank space, comments, blank lines, `;` or line breaks, lists over lines and
/// `when` expressions broken after and before operators. Every text it builds parses.
struct Gen<'a> {
    choices: &'a [u8],
    at: usize,
    text: String,
}

impl Gen<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(choice) % n
    }

    fn put(&mut self, options: &[&str]) {
        let choice = options[self.pick(options.len())];
        self.text.push_str(choice);
    }

    /// Blank space within a line.
    fn ws(&mut self) {
        self.put(&[" ", " ", "  ", "\t", " /* c */ ", " /*\n multi-line */ "]);
    }

    /// Between statements.
    fn sep(&mut self) {
        self.put(&[
            "\n",
            "\n",
            ";",
            " ; ",
            "\n\n",
            "\n\n\n  ",
            "\n  // note\n",
            "; // note\n",
            "\n/* own line */\n",
            ";\n;",
        ]);
    }

    /// Where the grammar allows line breaks: in lists, around `when` operators, in `( )`.
    fn nl(&mut self) {
        self.put(&[" ", "", "\n", "\n  ", " // why\n", " /* c */ ", "\n\n"]);
    }

    fn open_block(&mut self) {
        self.put(&["{", "{ ", "{\n", "{ // head\n", "{\n\n"]);
    }

    fn close_block(&mut self) {
        self.put(&["}", " }", "\n}", ";}", "\n  // last\n}"]);
    }

    fn id(&mut self) {
        self.put(&["a", "b", "c", "d"]);
    }

    fn scalar(&mut self) {
        self.put(&[
            "\"text\"",
            "\"esc \\\" \\\\ \\n\"",
            "42",
            "-7",
            "true",
            "word",
            "\"\"\"\n    Triple\n      quoted\n    \"\"\"",
        ]);
    }

    fn list(&mut self) {
        self.text.push('[');
        self.nl();
        let items = self.pick(4);
        for index in 0..items {
            if index > 0 {
                self.text.push(',');
                self.nl();
            }
            self.put(&["x", "y", "\"z\"", "3"]);
            if self.pick(3) == 0 {
                self.nl();
            }
        }
        if items > 0 && self.pick(2) == 0 {
            self.text.push(',');
            self.nl();
        }
        self.text.push(']');
    }

    fn property(&mut self) {
        match self.pick(4) {
            0 => {
                self.put(&["description", "technology", "owner", "url", "custom"]);
                self.ws();
                self.scalar();
            }
            1 => {
                self.put(&["tags", "controls", "extra"]);
                self.ws();
                self.list();
            }
            2 => self.put(&[
                "protocol \"HTTPS\"",
                "classification confidential",
                "replicas 3",
            ]),
            _ => self.put(&["technology \"Go\"", "tags [pii]"]),
        }
    }

    fn block(&mut self, children: bool, depth: usize) {
        self.ws();
        self.open_block();
        let items = self.pick(4);
        for index in 0..items {
            if index > 0 {
                self.sep();
            }
            if children && depth < 2 && self.pick(2) == 0 {
                self.element(depth + 1);
            } else {
                self.property();
            }
        }
        self.close_block();
    }

    fn element(&mut self, depth: usize) {
        let kind = self.pick(5);
        self.put(&[["actor", "external", "process", "store", "boundary"][kind]]);
        self.ws();
        match self.pick(3) {
            0 => self.id(),
            1 => self.put(&["\"Name\"", "\"Other name\""]),
            _ => {
                self.id();
                self.ws();
                self.put(&["\"Name\"", "\"Other name\""]);
            }
        }
        if self.pick(2) == 0 {
            self.block(kind == 4, depth);
        }
    }

    fn endpoint(&mut self) {
        if self.pick(4) == 0 {
            self.put(&["\"Name\"", "\"Other name\""]);
        } else {
            self.id();
        }
    }

    fn operand(&mut self, depth: usize) {
        match self.pick(9) {
            0 if depth < 2 => {
                self.text.push('(');
                self.nl();
                self.expr(depth + 1);
                self.nl();
                self.text.push(')');
            }
            1 if depth < 3 => {
                self.text.push_str("not");
                self.ws();
                self.operand(depth + 1);
            }
            2 => self.list(),
            _ => self.put(&[
                "target.kind",
                "flow.crosses_boundary",
                "source.boundary.name",
                "actor",
                "\"s\"",
                "3",
                "none",
            ]),
        }
    }

    fn expr(&mut self, depth: usize) {
        self.operand(depth);
        for _ in 0..self.pick(3) {
            self.put(&[" ", "  ", "\n  ", " /* c */ "]);
            self.put(&[
                "and", "or", "==", "!=", "<", "<=", ">", ">=", "has", "in", "contains",
            ]);
            self.put(&[" ", "\n", " // why\n  ", "\n\n   "]);
            self.operand(depth);
        }
    }

    fn statement(&mut self) {
        match self.pick(7) {
            0 | 1 => self.element(0),
            2 => {
                self.text.push_str("data");
                self.ws();
                self.put(&["p", "q"]);
                self.put(&["", " \"Data\""]);
                if self.pick(2) == 0 {
                    self.block(false, 0);
                }
            }
            3 => {
                self.endpoint();
                self.ws();
                self.put(&["->", "<->"]);
                self.ws();
                self.endpoint();
                if self.pick(2) == 0 {
                    self.ws();
                    self.text.push_str("\"label\"");
                }
                if self.pick(2) == 0 {
                    self.block(false, 0);
                }
            }
            4 => {
                self.put(&["rule r.one", "rule r.two", "rule r.three"]);
                self.ws();
                self.open_block();
                self.text.push_str("category spoofing");
                self.sep();
                self.text.push_str("on target");
                self.ws();
                self.text.push_str("process,");
                self.nl();
                self.text.push_str("store");
                self.sep();
                self.text.push_str("title \"{{ target.name }}\"");
                self.sep();
                self.text.push_str("when");
                self.ws();
                self.expr(0);
                self.close_block();
            }
            5 => {
                self.text.push_str("threat t");
                self.ws();
                self.text.push_str("\"T\"");
                self.ws();
                self.open_block();
                self.text.push_str("on a -> b");
                self.sep();
                self.text.push_str("category tampering");
                self.close_block();
            }
            _ => {
                self.put(&["mitigate \"r.one@a\"", "accept \"*@a>b\""]);
                self.ws();
                self.open_block();
                self.put(&["by \"x\"", "reason \"y\"; until \"2030-01-01\""]);
                self.close_block();
            }
        }
    }

    fn model(choices: &[u8]) -> String {
        let mut gen = Gen {
            choices,
            at: 0,
            text: String::new(),
        };
        gen.put(&["", "\n", "// header\n", "\n\n", "\u{FEFF}"]);
        let statements = gen.pick(7);
        for index in 0..statements {
            if index > 0 {
                gen.sep();
            }
            gen.statement();
        }
        gen.put(&["", "\n", "\n\n", "// end", ";", "\r\n"]);
        gen.text
    }
}

proptest! {
    // Each case compiles twice (with the stdlib); PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(100)
    ))]

    #[test]
    fn random_models_format_idempotently_and_compile_the_same(
        choices in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        let text = Gen::model(&choices);
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            Err(error) => panic!("the generator made text that does not format: {error:?}\n{text}"),
        };
        let failures = check_guarantees("random", &text, &formatted, |formatted| {
            let body = if formatted { formatted_text(&text) } else { text.clone() };
            compile_with(Path::new("m.tm"), &MemoryLoader::new().with("m.tm", body))
        });
        prop_assert!(failures.is_empty(), "{}\n--- input\n{}", failures.join("\n\n"), text);
    }
}

/// The bundled example and the stdlib packs are in the canonical layout: a user who copies
/// them, and then `tmc fmt --check` into CI, starts green.
#[test]
fn the_example_and_the_stdlib_are_formatted() {
    let mut files = files_under(&root().join("examples"), "tm");
    files.extend(files_under(&root().join("stdlib"), "tm"));
    assert!(files.len() >= 3, "{files:?}");
    let out = Command::cargo_bin("tmc")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["fmt", "--check"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Exit 1 for a file that cannot be formatted as it is (over the size limit, not UTF-8, syntax
/// errors), 2 for one that cannot be read: as docs/formatting.md's table says.
#[test]
fn fmt_exit_codes_tell_a_bad_file_from_a_missing_one() {
    let dir = crate::support::scratch_dir("fmt-exit-codes");
    std::fs::write(dir.join("big.tm"), "actor a \"A\"\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("latin1.tm"), b"actor a \"Caf\xe9\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("broken.tm"), "actor a \"A\" flurb\n")
        .unwrap_or_else(|e| panic!("{e}"));
    for (args, code) in [
        (&["--max-file-size", "5", "big.tm"][..], 1),
        (&["latin1.tm"][..], 1),
        (&["broken.tm"][..], 1),
        (&["missing.tm"][..], 2),
    ] {
        let out = Command::cargo_bin("tmc")
            .unwrap_or_else(|e| panic!("{e}"))
            .current_dir(&dir)
            .arg("fmt")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}
