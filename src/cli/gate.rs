//! The CI gate: open threats at or above a severity fail the run (`tmc check --fail-on`).

use std::path::Path;
use tmc::compile::Compilation;
use tmc::report::build::threat_views;
use tmc::report::view::ThreatView;
use tmc::rules::Threat;
use tmc::vocab::{Level, Status};

/// Open threats (lapsed acceptances are open) at or above `level`, most severe first, as the
/// report shows them. Only these are made into views: the gate needs no report.
pub fn failing(compilation: &Compilation, level: Level) -> Vec<ThreatView> {
    if compilation.has_errors() {
        return Vec::new();
    }
    let failing: Vec<Threat> = compilation
        .threats
        .threats
        .iter()
        .filter(|t| t.status == Status::Open && t.severity >= level)
        .cloned()
        .collect();
    let mut threats = threat_views(&compilation.model, failing, &compilation.sources);
    threats.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    threats
}

/// The gate's verdict for people: one line per failing threat, with where it is declared.
pub fn human(file: &Path, level: Level, failing: &[ThreatView]) -> String {
    if failing.is_empty() {
        return format!(
            "{}: gate passed: no open threat at or above {level}\n",
            super::check::shown(file)
        );
    }
    let mut out = format!(
        "{}: gate failed: {} open threat{} at or above {level}\n",
        super::check::shown(file),
        failing.len(),
        if failing.len() == 1 { "" } else { "s" }
    );
    for threat in failing {
        let span = &threat.source_span;
        out.push_str(&format!(
            "  {:<8} {}  {}  ({}:{}:{})\n",
            threat.severity.word(),
            threat.id,
            tmc::diagnostics::printable(&threat.title.to_string()),
            tmc::diagnostics::printable(&span.file),
            span.line,
            span.column
        ));
    }
    out
}

pub fn json(threat: &ThreatView) -> serde_json::Value {
    serde_json::json!({
        "id": threat.id,
        "severity": threat.severity,
        "status": threat.status,
        "title": threat.title,
        "file": threat.source_span.file,
        "line": threat.source_span.line,
        "column": threat.source_span.column,
    })
}
