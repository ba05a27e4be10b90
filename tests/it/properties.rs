//! Properties of the whole pipeline: no prefix of a real model makes the compiler panic, and
//! compiling twice gives byte-identical outputs.

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
        outputs.push(report::markdown(report, &templates).unwrap_or_else(|e| panic!("{e}")));
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
