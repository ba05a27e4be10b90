//! Properties of the whole pipeline: no prefix of a real model makes the compiler panic, and
//! compiling twice gives byte-identical outputs, on a model large enough to take every
//! two-thread path too.

use proptest::prelude::*;
use std::path::Path;
use tmc::compile::{compile, Options};
use tmc::load::MemoryLoader;
use tmc::report::{self, Templates};

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        "examples/ai-nutrition-pro.tm",
        "stdlib/stride.tm",
        "stdlib/llm.tm",
        "tests/golden/hostile.tm",
        "tests/golden/shop.tm",
    ] {
        out.push((
            path.to_string(),
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}")),
        ));
    }
    out
}

/// Compiles `text` as a model and renders every output when it compiles.
fn compile_and_render(text: &str) -> Vec<String> {
    let loader = MemoryLoader::new().with("model.tm", text).with(
        "shop-rules.tm",
        std::fs::read_to_string("tests/golden/shop-rules.tm").unwrap_or_default(),
    );
    let mut options = Options::default();
    options.rules.today = Some("2026-11-23".into());
    let compilation =
        compile(Path::new("model.tm"), &loader, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut outputs: Vec<String> = compilation
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect();
    if let Some(report) = &compilation.report {
        let templates = Templates::embedded().unwrap_or_else(|e| panic!("{e}"));
        outputs.push(report::markdown(report, &templates, None).unwrap_or_else(|e| panic!("{e}")));
        outputs.push(report::dot(report, &templates, None).unwrap_or_else(|e| panic!("{e}")));
        outputs.push(report::mermaid(report, None).unwrap_or_else(|e| panic!("{e}")));
        outputs.push(report::sarif(report).unwrap_or_else(|e| panic!("{e}")));
        outputs.push(report::json(report).unwrap_or_else(|e| panic!("{e}")));
    }
    outputs
}

#[test]
fn compiling_twice_gives_byte_identical_outputs() {
    for (path, text) in sources()
        .into_iter()
        .filter(|(p, _)| !p.starts_with("stdlib"))
    {
        assert_eq!(
            compile_and_render(&text),
            compile_and_render(&text),
            "{path}"
        );
    }
}

#[path = "../../examples/gen_large/synth.rs"]
mod synth;

/// A model past every size from which work is split over two threads (the file parsed in
/// pieces from 256 KiB, the rules fired in halves from 4,096 flows and elements, the report
/// and Markdown's diagrams from 4,096 threats) compiles and renders to the same bytes twice.
/// Each split is held equal to one thread by a unit test; this holds the whole run steady.
#[test]
fn a_large_model_compiles_to_the_same_bytes_twice() {
    let text = synth::model(1_400);
    assert!(text.len() >= 256 * 1024, "{} bytes", text.len());
    let first = compile_and_render(&text);
    let threats = first
        .iter()
        .find(|o| o.starts_with("{\n  \"model\""))
        .map(|json| {
            let threat = |l: &&str| l.starts_with("    {\"id\":") && l.contains(",\"rule\":");
            json.lines().filter(threat).count()
        });
    assert!(threats.is_some_and(|n| n >= 4096), "{threats:?}");
    assert_eq!(first, compile_and_render(&text));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Every prefix of a real model compiles or fails with diagnostics; none panics.
    #[test]
    fn every_prefix_compiles_or_fails_cleanly(which in 0usize..5, cut in 0.0f64..1.0) {
        let all = sources();
        let (_, text) = &all[which % all.len()];
        let mut at = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let _ = compile_and_render(&text[..at]);
    }
}

#[test]
fn every_line_prefix_of_the_example_compiles_or_fails_cleanly() {
    let text = std::fs::read_to_string("examples/ai-nutrition-pro.tm").unwrap_or_default();
    // Every third line keeps the debug-build run short; the proptest above covers cuts anywhere.
    let mut at = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        at += line.len();
        if index % 3 == 0 {
            let _ = compile_and_render(&text[..at]);
        }
    }
}
