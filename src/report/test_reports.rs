//! Reports for the renderers' tests: the bundled example, a lapsed acceptance, one whose every
//! threat, element and flow field is awkward, and an empty one.

use super::view::{DecisionKind, DecisionView, Report, SourceSpan};
use crate::compile::{compile, Options};
use crate::load::MemoryLoader;
use crate::vocab::{Category, Level, Status};
use std::path::Path;
use std::sync::Arc;

fn compiled(name: &str, text: &str) -> Report {
    let loader = MemoryLoader::new().with(name, text);
    let compilation = compile(Path::new(name), &loader, &Options::default())
        .unwrap_or_else(|_| panic!("{name} unreadable"));
    compilation
        .report
        .unwrap_or_else(|| panic!("{name}: {:?}", compilation.diagnostics))
}

/// The bundled example and a lapsed acceptance, then every field of a threat made awkward:
/// text to escape, missing and empty values, both kinds of decision.
pub fn reports() -> Vec<Report> {
    let example = compiled(
        "ai-nutrition-pro.tm",
        include_str!("../../examples/ai-nutrition-pro.tm"),
    );
    let lapsed = compiled(
        "lapsed.tm",
        include_str!("../../tests/fixtures/decisions/W0003-lapsed.tm"),
    );
    let mut awkward = example.clone();
    let span = |file: &str| SourceSpan {
        file: Arc::from(file),
        line: 1,
        column: 22,
        end_line: 333,
        end_column: 4444,
    };
    for (i, threat) in awkward.threats.iter_mut().enumerate() {
        threat.id = format!("id \"{i}\"\\\u{1}\u{7f}é").into();
        threat.title = "tab\there, line\nthere, <b>|</b> & \u{1F600}".into();
        threat.explanation = String::new().into();
        threat.category = Category::ALL[i % Category::ALL.len()];
        threat.likelihood = Level::ALL[i % Level::ALL.len()];
        threat.status = Status::ALL[i % Status::ALL.len()];
        let files = ["dir/with \"quote\".tm", "/abs/a#b.tm", "C:\\x\\a.tm"];
        threat.source_span = Arc::new(span(files[i % files.len()]));
        match i % 4 {
            0 => {
                threat.rule = None;
                threat.element = None;
                threat.flow = None;
                threat.mitigations = Arc::<[Arc<str>]>::from(Vec::new()).into();
                threat.severity_reasons = Arc::from(Vec::new());
                threat.references = Arc::from(Vec::new());
            }
            1 => {
                threat.decision = Some(Box::new(DecisionView {
                    kind: DecisionKind::Mitigate,
                    pattern: "rule.*@\"x\"".into(),
                    text: "by\nsomeone".into(),
                    until: None,
                    lapsed: false,
                    source_span: span("d.tm"),
                }))
            }
            2 => {
                threat.decision = Some(Box::new(DecisionView {
                    kind: DecisionKind::Accept,
                    pattern: "*".into(),
                    text: String::new(),
                    until: Some("2020-01-31".into()),
                    lapsed: true,
                    source_span: span("d.tm"),
                }));
                threat.mitigations =
                    Arc::<[Arc<str>]>::from([Arc::from(""), Arc::from("\u{0}\u{1f}")]).into();
            }
            _ => {}
        }
    }
    let awkward_text = "quote \" back\\slash\nline\ttab \u{1}é";
    for (i, element) in awkward.elements.iter_mut().enumerate() {
        element.name = format!("{awkward_text} {i}");
        element.description = (i % 2 == 0).then(|| awkward_text.to_string());
        element.technology = None;
        element.owner = Some(String::new());
        element.url = (i % 3 == 0).then(|| "https://x.test/?a=\"b\"".to_string());
        element.tags = vec![awkward_text.to_string(), String::new()];
        element.boundaries.clear();
        element.internet_facing = i % 2 == 1;
        if i % 2 == 0 {
            element
                .properties
                .insert(awkward_text.into(), serde_json::json!([1, -2, "x", true]));
            element
                .properties
                .insert("n".into(), serde_json::json!({"k": null, "f": 1.5}));
        }
    }
    for (i, flow) in awkward.flows.iter_mut().enumerate() {
        flow.label = (i % 2 == 0).then(|| awkward_text.to_string());
        flow.protocol = None;
        flow.data = vec![awkward_text.into()];
        flow.controls.clear();
        flow.reverse_of = (i % 2 == 1).then(|| format!("{awkward_text}>x").into());
        flow.crosses_boundary = i % 3 == 0;
        flow.max_classification = None;
        flow.number = usize::MAX - i;
    }
    let mut empty = example.clone();
    empty.threats.clear();
    empty.elements.clear();
    empty.rules.clear();
    vec![example, lapsed, awkward, empty]
}
