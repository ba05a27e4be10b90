//! Compiles arbitrary bytes as the root file of a model, through the whole pipeline, and renders
//! every output when the model is clean. Also formats the input when it parses: formatting must
//! be idempotent and its output must parse. Must never panic, hang or overflow the stack.
//!
//! The root is `model.tm` in a `MemoryLoader` that also holds a fixed included file (`inc.tm`)
//! and a rule pack (`rules.tm`), so `include "inc.tm"` and `use "rules.tm"` reach real files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;
use tmc::compile::{compile, Options};
use tmc::diagnostics::Diagnostics;
use tmc::load::MemoryLoader;
use tmc::report::{self, Templates};
use tmc::source::FileId;
use tmc::syntax::{parse, ParseLimits};

const INC: &str = include_str!("../fixed/inc.tm");
const RULES: &str = include_str!("../fixed/rules.tm");

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| Templates::embedded().expect("embedded templates parse"))
}

fuzz_target!(|data: &[u8]| {
    let loader = MemoryLoader::new()
        .with("model.tm", data)
        .with("inc.tm", INC)
        .with("rules.tm", RULES);
    let mut options = Options::default();
    options.rules.today = Some("2026-01-01".to_string());
    // Rules × elements (and templates × long names) can ask for reports of any size; lower
    // limits than the CLI's keep the time on the compiler's algorithms, so that a 1 s timeout
    // means something is superlinear rather than that a report is large.
    options.rules.max_threats = 10_000;
    options.rules.max_threat_text = 8 * 1024 * 1024;
    let compilation = compile(Path::new("model.tm"), &loader, &options).expect("root is in memory");
    if let Some(report) = &compilation.report {
        let templates = templates();
        report::markdown(report, templates, None).expect("markdown renders");
        report::dot(report, templates, None).expect("dot renders");
        report::mermaid(report, None).expect("mermaid renders");
        report::sarif(report).expect("sarif renders");
        report::json(report).expect("json renders");
        // As a table, and with the threats as data.
        for table_limit in [usize::MAX, 0] {
            let options = report::HtmlOptions { table_limit, ..Default::default() };
            report::html(report, templates, &options).expect("html renders");
        }
        // Every boundary can be drawn alone.
        for element in &report.elements {
            if element.kind == tmc::vocab::ElementKind::Boundary {
                report::dot(report, templates, Some(&element.id)).expect("scoped dot renders");
                report::mermaid(report, Some(&element.id)).expect("scoped mermaid renders");
            }
        }
    }
    check_format(data);
});

/// When the input parses, formatting it succeeds (or refuses, never panics), the result parses,
/// and formatting the result changes nothing.
fn check_format(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sink = Diagnostics::new();
    if parse(FileId(0), text, ParseLimits::default(), &mut sink).is_none() || sink.has_errors() {
        return;
    }
    let formatted = match tmc::format::format(text) {
        Ok(formatted) => formatted,
        // A form the formatter does not handle (mismatched brackets in its token view, a comment
        // ended by a bare CR) is refused on purpose; a changed meaning is a formatter bug.
        Err(tmc::format::FormatError::Refused(reason)) if !reason.contains("bug") => return,
        Err(error) => panic!("a file that parses was not formatted: {error:?}"),
    };
    let mut sink = Diagnostics::new();
    assert!(
        parse(FileId(0), &formatted, ParseLimits::default(), &mut sink).is_some()
            && !sink.has_errors(),
        "formatted text does not parse:\n{formatted}"
    );
    match tmc::format::format(&formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
        Err(error) => panic!("formatted text cannot be formatted again: {error}\n{formatted}"),
    }
}
