//! Inputs that fuzzing, or the search for slow inputs that went with it, found to crash the
//! compiler or to take time quadratic in their size. Each goes through the whole pipeline as the
//! `compile` fuzz target does (a `MemoryLoader`, then every renderer when there are no errors).
//! Findings that can carry `//~` comments are fixtures in `tests/fixtures/fuzz/` instead; the ones
//! here are binary or generated (64 KB inputs are not worth keeping as files).
//!
//! The slow inputs are checked for what they report and for a time limit that is far above what
//! they take now (tens of milliseconds in a release build) and far below what they took before
//! the fix (seconds to minutes), so a debug build on a busy machine passes and a quadratic
//! regression does not.

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};
use tmc::compile::{compile, Compilation, Options};
use tmc::load::MemoryLoader;
use tmc::report::{self, Templates};

/// The size the fuzzer works up to.
const SIZE: usize = 64 * 1024;

/// Far above the time these inputs take, far below the time they took before their fix.
const LIMIT: Duration = Duration::from_secs(20);

/// The options of the `compile` fuzz target: lower limits on what the rules generate, so that
/// time goes to the compiler's algorithms rather than to writing huge reports.
fn fuzz_options() -> Options {
    let mut options = Options::default();
    options.rules.today = Some("2026-11-23".to_string());
    options.rules.max_threats = 10_000;
    options.rules.max_threat_text = 8 * 1024 * 1024;
    options
}

/// Compiles `text` as `model.tm` and renders every output when it compiles clean.
fn compile_all(text: impl Into<Vec<u8>>, options: &Options) -> Compilation {
    let loader = MemoryLoader::new().with("model.tm", text);
    let compilation = match compile(Path::new("model.tm"), &loader, options) {
        Ok(compilation) => compilation,
        Err(error) => panic!("{error}"),
    };
    if let Some(report) = &compilation.report {
        let templates = Templates::embedded().unwrap();
        report::markdown(report, &templates, None).unwrap();
        report::dot(report, &templates, None).unwrap();
        report::mermaid(report, None).unwrap();
        report::sarif(report).unwrap();
        report::json(report).unwrap();
    }
    compilation
}

/// Compiles and renders with the fuzz target's options, and fails when that took longer than
/// [`LIMIT`].
fn compile_in_time(name: &str, text: String) -> Compilation {
    compile_in_time_with(name, text, &fuzz_options())
}

fn compile_in_time_with(name: &str, text: String, options: &Options) -> Compilation {
    assert!(text.len() <= SIZE, "{name}: {} bytes", text.len());
    let start = Instant::now();
    let compilation = compile_all(text, options);
    let took = start.elapsed();
    assert!(took < LIMIT, "{name} took {took:?}");
    compilation
}

/// `unit(i)` for i = 0, 1, ... appended to `text` while it stays within `budget` bytes.
fn fill(mut text: String, budget: usize, unit: impl Fn(usize) -> String) -> String {
    for i in 0.. {
        let next = unit(i);
        if text.len() + next.len() > budget {
            break;
        }
        text.push_str(&next);
    }
    text
}

fn processes(count: usize) -> String {
    (0..count).fold(String::new(), |mut text, i| {
        let _ = writeln!(text, "process p{i}");
        text
    })
}

fn count(compilation: &Compilation, code: &str) -> usize {
    compilation
        .diagnostics
        .iter()
        .filter(|d| d.code.id == code)
        .count()
}

/// Each decision that matched nothing compared its pattern with every threat id to suggest the
/// closest: decisions × threats edit distances (23 s in a release build). The hints now come
/// from a budget for the whole run.
#[test]
fn many_unmatched_decisions_in_a_model_with_many_threats() {
    let text = fill(processes(1500), SIZE, |i| {
        format!("mitigate \"zz{i}*@p1\" {{ by \"x\" }}\n")
    });
    let decisions = text.matches("mitigate").count();
    let compilation = compile_in_time("unmatched decisions", text);
    assert_eq!(count(&compilation, "E0106"), decisions);
    let helps: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    // The first ones still get their closest ids; the rest say what an id looks like.
    assert!(helps.first().is_some_and(|h| h.contains("closest ids")));
    assert!(helps.last().is_some_and(|h| h.contains("`RULE@ELEMENT`")));
}

/// Decisions with a star in every part were matched by cutting every threat id up again for
/// every decision (10 s in a release build); ids are now cut once and indexed by shape, and a
/// part of stars alone is not matched at all.
#[test]
fn many_decisions_with_stars_in_every_part() {
    let text = fill(processes(1500), SIZE, |i| {
        let rule = if i % 2 == 0 { "*" } else { "t*" };
        format!(
            "accept \"{rule}@{}\" {{ reason \"x\" }}\n",
            "*".repeat(1 + i % 3)
        )
    });
    let compilation = compile_in_time("starred decisions", text);
    assert!(!compilation.has_errors());
    // Every decision after the first decides nothing new.
    assert!(count(&compilation, "W0006") > 1000);
}

/// Decisions with a star in every part but not only stars (`*_*@*a*>*b*#*`) were matched
/// against every threat of their shape, id by id: decisions × threats (7-10 s in a release build
/// for this 64 KB model, found by a review). Each part is now matched against the distinct texts
/// at its place, and the places' matches are and-ed.
#[test]
fn many_decisions_with_a_star_in_every_part_over_many_repeated_flows() {
    let model = "boundary x \"X\" { external a \"A\" { tags [llm] } }\n\
                 boundary y \"Y\" { process b \"B\" }\nuse llm\n"
        .to_string();
    let flows = fill(model, SIZE / 3, |_| "a <-> b\n".to_string());
    for (pattern, matches) in [("*_*@*a*>*b*#*", true), ("*qq*@*>*#*", false)] {
        let text = fill(flows.clone(), SIZE, |_| {
            format!("mitigate \"{pattern}\" {{ by \"x\" }}\n")
        });
        let decisions = text.matches("mitigate").count();
        let compilation = compile_in_time_with(pattern, text, &Options::default());
        if matches {
            assert!(!compilation.has_errors(), "{pattern}");
            // Every decision after the first overlaps it.
            assert_eq!(count(&compilation, "W0006"), decisions - 1, "{pattern}");
        } else {
            assert_eq!(count(&compilation, "E0106"), decisions, "{pattern}");
        }
    }
}

/// A backtracking `*` matcher took pattern × text steps on `*a*a*a...b` (3 s).
#[test]
fn a_pattern_with_many_stars_against_a_long_id() {
    let id = "a".repeat(20_000);
    let text = format!(
        "process {id}\naccept \"*@{}b\" {{ reason \"x\" }}\naccept \"*@{}\" {{ reason \"y\" }}\n",
        "*a".repeat(5_000),
        "*a".repeat(5_000),
    );
    let compilation = compile_in_time("many stars", text);
    // The first matches nothing (E0106); the second matches every threat of the process.
    assert_eq!(count(&compilation, "E0106"), 1);
    let decided = compilation
        .threats
        .threats
        .iter()
        .filter(|t| t.decision.is_some())
        .count();
    assert!(decided > 0);
}

/// "Did you mean" compared two 30 000-character names: 900 million cells (4 s).
#[test]
fn a_near_miss_of_a_very_long_name() {
    let name = "a".repeat(30_000);
    let text = format!("process {name}\n{name}b -> x\n");
    let compilation = compile_in_time("long name", text);
    assert_eq!(count(&compilation, "E0004"), 2);
}

/// Thousands of unknown endpoints, each compared with thousands of elements (4 s).
#[test]
fn many_unknown_endpoints_among_many_elements() {
    let text = fill(processes(2000), SIZE, |i| format!("q{i} -> r{i}\n"));
    let flows = text.matches("->").count();
    let compilation = compile_in_time("unknown endpoints", text);
    assert_eq!(count(&compilation, "E0004"), 2 * flows);
}

/// Columns were counted from the start of the line for every span in the report, so a model on
/// one long line took time quadratic in its length (2 s). They are also still right.
#[test]
fn a_model_on_one_long_line() {
    let text = fill(String::new(), SIZE, |i| format!("data d{i} \"Dé{i}\"; "));
    let last = text.rfind("data").unwrap_or_default();
    let compilation = compile_in_time("one line", text.clone());
    let report = compilation.report.as_ref().unwrap();
    let span = &report.data.last().unwrap().source_span;
    assert_eq!(span.line, 1);
    assert_eq!(span.column, text[..last].chars().count() + 1);
}

/// Every rule applies to every element it names: 64 KB of processes and rules asked for
/// 1.4 million threats (4 GB of memory, 13 s). Firing stops past `max_threats`.
#[test]
fn many_rules_over_many_processes() {
    let text = fill(processes(2700), SIZE, |i| {
        format!("rule r{i} {{ category spoofing; on element; title \"t\" }}\n")
    });
    let compilation = compile_in_time("rules x processes", text);
    assert_eq!(count(&compilation, "E0016"), 1);
    assert!(compilation.threats.threats.is_empty());
}

/// A long explanation applied to thousands of processes: 300 MB of reports from 64 KB (2 s).
/// Firing stops past `max_threat_text`.
#[test]
fn a_long_explanation_over_many_processes() {
    let mut text = processes(2600);
    let explanation = "x".repeat(SIZE - text.len() - 100);
    let _ = writeln!(
        text,
        "rule big {{ category spoofing; on element process; title \"t\"; explanation \"{explanation}\" }}"
    );
    let compilation = compile_in_time("long explanation", text);
    assert_eq!(count(&compilation, "E0016"), 1);
}

/// A template repeating a long name on every flow: text cubic in the size of the model
/// (10 KB name × 1,500 holes × 3,000 flows would be 45 GB). Even with the default limits, firing
/// stops at 256 MiB of text.
#[test]
fn a_long_name_repeated_by_a_template_on_every_flow() {
    let name = "n".repeat(10_000);
    let holes = "{{ target.name }}".repeat(1_500);
    let text = format!(
        "process a \"{name}\"\nrule big {{ category spoofing; on target process; title \"t\"; explanation \"{holes}\" }}\n"
    );
    let text = fill(text, SIZE, |_| "a -> a\n".to_string());
    let mut options = Options::default();
    options.rules.today = Some("2026-11-23".to_string());
    let compilation = compile_in_time_with("long name in a template", text, &options);
    assert_eq!(count(&compilation, "E0016"), 1);
}
