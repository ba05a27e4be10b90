//! Stage 4: rules. Checks every rule once, applies the rules to the model, stamps each threat
//! with its stable id and an explained severity, adds hand-written threats, and applies the
//! model's decisions (`mitigate`, `accept`).
//!
//! Invariants: threat ids come from (rule id, element or flow id), never from an index, so they
//! survive unrelated edits; the output order is flow number, then element order, then rule id.
//! The semantics are documented for users in docs/rules-language.md.

pub mod check;
mod decide;
pub mod eval;
mod fire;
mod order;
pub mod path;
pub mod severity;
pub mod template;
pub mod value;
mod when;

use crate::diagnostics::Diagnostics;
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::source::Span;
use crate::vocab::{Category, Level, Status};

/// What a threat is about: an element alone, a flow's channel, or an element in a flow's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreatSubject {
    pub element: Option<ElementIdx>,
    pub flow: Option<FlowIdx>,
}

/// A decision that applies to a threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedDecision {
    /// Index into `Model::decisions`.
    pub decision: usize,
    /// The acceptance's `until` is before today.
    pub lapsed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    pub id: String,
    /// The rule that produced it; `None` for a hand-written threat.
    pub rule: Option<String>,
    pub category: Category,
    pub subject: ThreatSubject,
    pub title: String,
    pub explanation: String,
    pub mitigations: Vec<String>,
    pub likelihood: Level,
    pub impact: Level,
    pub severity: Level,
    pub severity_reasons: Vec<String>,
    pub status: Status,
    pub decision: Option<AppliedDecision>,
    pub references: Vec<String>,
    /// The declaration the threat is about (element, flow, or the hand-written threat).
    pub span: Span,
}

/// A checked rule as the appendix and `tmc rules` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    pub id: String,
    pub pack: String,
    pub category: Category,
    /// "target process, store", "flow", "element store".
    pub applies_to: String,
    pub title: String,
    pub explanation: String,
    pub mitigations: Vec<String>,
    pub mitigated_by: Vec<String>,
    pub references: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Threats {
    /// In output order.
    pub threats: Vec<Threat>,
    /// Every checked rule, sorted by id.
    pub rules: Vec<RuleInfo>,
}

/// Options the CLI fills in; the library never reads the clock.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Today as `YYYY-MM-DD`, for lapsing acceptances; `None` means nothing lapses.
    pub today: Option<String>,
}

/// Checks the model's rules and applies them. Rule and decision errors go to `sink`.
pub fn apply(model: &Model, options: &RuleOptions, sink: &mut Diagnostics) -> Threats {
    // A hand-written threat with errors is not in the model, so a decision about it would
    // match nothing; that second error is noise.
    let model_failed = sink.has_errors();
    let checked = check::check_all(model, sink);
    let mut threats = fire::fire(model, &checked.rules);
    threats.extend(model.threats.iter().map(|m| fire::manual(model, m)));
    order::sort(model, &mut threats);
    let broken = decide::Broken {
        rules: &checked.broken,
        model: model_failed,
    };
    decide::decide(model, options, &broken, &mut threats, sink);
    Threats {
        threats,
        rules: checked.rules.into_iter().map(|rule| rule.info).collect(),
    }
}
