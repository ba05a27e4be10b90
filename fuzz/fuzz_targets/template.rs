//! Renders arbitrary text as the user's Markdown report template (`--templates DIR` holding
//! `threat-model.md.tera`) over a fixed model. A template that Tera cannot parse, that goes too
//! deep or recurses, or that fails to render must be an error naming the template: never a panic,
//! a stack overflow or (apart from loops that run long by design) a hang.
//!
//! The input's first byte chooses which template it replaces, so the DOT and HTML templates
//! (with their different escaping) are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;
use tmc::compile::{compile, Compilation, Options};
use tmc::load::MemoryLoader;
use tmc::report::{self, Templates};

const MODEL: &str = include_str!("../fixed/inc.tm");
const RULES: &str = include_str!("../fixed/rules.tm");

/// Which template an input replaces, by its first byte.
const REPLACED: &[&str] = &[
    "threat-model.md.tera",
    "threat-table.md.tera",
    "dfd.dot.tera",
    "threat-model.html.tera",
];

fn compilation() -> &'static Compilation {
    static COMPILATION: OnceLock<Compilation> = OnceLock::new();
    COMPILATION.get_or_init(|| {
        let loader = MemoryLoader::new()
            .with("model.tm", format!("use \"rules.tm\"\n{MODEL}").as_bytes())
            .with("rules.tm", RULES);
        let mut options = Options::default();
        options.rules.today = Some("2026-01-01".to_string());
        let compilation = compile(Path::new("model.tm"), &loader, &options).expect("in memory");
        assert!(compilation.report.is_some(), "the fixed model compiles");
        compilation
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = REPLACED[usize::from(choice) % REPLACED.len()];
    let Ok(templates) = Templates::with_overrides(vec![(name.to_string(), text.to_string())]) else {
        return;
    };
    let report = compilation().report.as_ref().expect("checked above");
    // Errors are fine; only a panic, an overflow or a hang is a finding.
    let _ = report::markdown(report, &templates, None);
    let _ = report::dot(report, &templates, None);
    let _ = report::html(report, &templates, &report::HtmlOptions::default());
});
