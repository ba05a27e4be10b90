//! Stage: report (rendering helpers). Counting threats by status and severity, shared by the
//! Markdown and HTML threat models and the index of a folder build.
//!
//! Input: threats from the view-model. Output: plain counts. Invariants: every threat is counted
//! once in `total` and once in exactly one status; severity rows are listed worst first.

use super::view::{DecisionKind, Report, Text, ThreatView};
use crate::vocab::{Level, Status};
use serde::Serialize;

/// Severity rows top-down, as readers scan for the worst first.
pub(crate) const SEVERITIES: [Level; 4] = [Level::Critical, Level::High, Level::Medium, Level::Low];

/// Threats counted by status.
#[derive(Serialize, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counts {
    pub open: usize,
    pub mitigated: usize,
    pub accepted: usize,
    pub total: usize,
    /// Open threats of high or critical severity.
    pub open_high: usize,
}

impl Counts {
    pub fn add(&mut self, threat: &ThreatView) {
        self.total += 1;
        match threat.status {
            Status::Open => self.open += 1,
            Status::Mitigated => self.mitigated += 1,
            Status::Accepted => self.accepted += 1,
        }
        if threat.status == Status::Open && threat.severity >= Level::High {
            self.open_high += 1;
        }
    }

    pub fn of(report: &Report) -> Counts {
        let mut counts = Counts::default();
        for threat in &report.threats {
            counts.add(threat);
        }
        counts
    }
}

/// One row of a summary table: a severity or category and its counts.
#[derive(Serialize)]
pub(crate) struct CountRow {
    pub name: &'static str,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The open threats of each severity, in [`SEVERITIES`] order.
pub(crate) fn open_by_severity(report: &Report) -> [usize; 4] {
    let mut open = [0; 4];
    for threat in report.threats.iter().filter(|t| t.status == Status::Open) {
        if let Some(slot) = SEVERITIES
            .iter()
            .position(|s| *s == threat.severity)
            .and_then(|i| open.get_mut(i))
        {
            *slot += 1;
        }
    }
    open
}

/// The status shown for an open threat whose acceptance has lapsed.
pub(crate) const OPEN_LAPSED: &str = "Open (acceptance lapsed)";

/// The status shown to people, and whether an acceptance ran out (the threat is open again).
pub(crate) fn status_name(threat: &ThreatView) -> (&'static str, bool) {
    let lapsed = threat
        .decision
        .as_ref()
        .is_some_and(|d| d.kind == DecisionKind::Accept && d.lapsed);
    if lapsed && threat.status == Status::Open {
        (OPEN_LAPSED, true)
    } else {
        (threat.status.display(), lapsed)
    }
}

/// A row of the Markdown and HTML pages' decision tables.
#[derive(Serialize)]
pub(crate) struct Decided<'a> {
    pub id: &'a str,
    pub title: &'a Text,
    /// `by` of a mitigation, `reason` of an acceptance.
    pub text: &'a str,
    pub pattern: &'a str,
    /// Where the decision is written: the file when it is not the model's own, and the line.
    pub file: Option<&'a str>,
    pub line: usize,
    pub until: Option<&'a str>,
    pub lapsed: bool,
}

impl<'a> Decided<'a> {
    /// The row of a decided threat, and which table it goes in.
    pub fn of(report: &'a Report, threat: &'a ThreatView) -> Option<(DecisionKind, Decided<'a>)> {
        let decision = threat.decision.as_ref()?;
        let row = Decided {
            id: &threat.id,
            title: &threat.title,
            text: &decision.text,
            pattern: &decision.pattern,
            file: Some(&*decision.source_span.file).filter(|file| *file != report.model.file),
            line: decision.source_span.line,
            until: decision.until.as_deref(),
            lapsed: decision.lapsed,
        };
        Some((decision.kind, row))
    }
}
