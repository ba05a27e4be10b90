//! The CI gate: open threats at or above a severity fail the run (`tmc check --fail-on`).

use std::path::Path;
use tmc::report::view::{Report, ThreatView};
use tmc::vocab::{Level, Status};

/// Open threats (lapsed acceptances are open) at or above `level`, most severe first.
pub fn failing(report: &Report, level: Level) -> Vec<&ThreatView> {
    let mut threats: Vec<&ThreatView> = report
        .threats
        .iter()
        .filter(|t| t.status == Status::Open && t.severity >= level)
        .collect();
    threats.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    threats
}

/// The gate's verdict for people: one line per failing threat, with where it is declared.
pub fn human(file: &Path, level: Level, failing: &[&ThreatView]) -> String {
    if failing.is_empty() {
        return format!(
            "{}: gate passed: no open threat at or above {level}\n",
            file.display()
        );
    }
    let mut out = format!(
        "{}: gate failed: {} open threat{} at or above {level}\n",
        file.display(),
        failing.len(),
        if failing.len() == 1 { "" } else { "s" }
    );
    for threat in failing {
        let span = &threat.source_span;
        out.push_str(&format!(
            "  {:<8} {}  {}  ({}:{}:{})\n",
            threat.severity.word(),
            threat.id,
            threat.title.to_string().replace('\n', " "),
            span.file,
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
