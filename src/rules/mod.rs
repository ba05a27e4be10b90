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
pub mod text;
pub mod value;
mod when;
mod words;

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::source::Span;
use crate::vocab::{Category, Level, Status};
use std::sync::Arc;

/// What a threat is about: an element alone, a flow's channel, or an element in a flow's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreatSubject {
    pub element: Option<ElementIdx>,
    pub flow: Option<FlowIdx>,
}

/// A decision that applies to a threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedDecision {
    /// Index into `Model::decisions` (`u32`: every threat carries one of these).
    pub decision: u32,
    /// The acceptance's `until` is before today.
    pub lapsed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    pub id: String,
    /// The rule that produced it; `None` for a hand-written threat. Shared with the rule's
    /// other threats, as are `references`.
    pub rule: Option<Arc<str>>,
    pub category: Category,
    pub subject: ThreatSubject,
    /// Rendered on demand from the rule's templates (see [`text`]).
    pub title: text::Text,
    pub explanation: text::Text,
    /// Shared with the rule's other threats when no mitigation has a `{{ }}` hole, and each
    /// one shared when it has none.
    pub mitigations: text::Mitigations,
    pub likelihood: Level,
    pub impact: Level,
    pub severity: Level,
    pub severity_reasons: Arc<[String]>,
    pub status: Status,
    pub decision: Option<AppliedDecision>,
    pub references: Arc<[String]>,
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
#[derive(Debug, Clone)]
pub struct RuleOptions {
    /// Today as `YYYY-MM-DD`, for lapsing acceptances; `None` means nothing lapses.
    pub today: Option<String>,
    /// Most threats the rules may generate (hand-written threats are not counted).
    pub max_threats: usize,
    /// Most bytes of text (titles, explanations, mitigations) the rules may generate, all
    /// threats together.
    pub max_threat_text: usize,
}

impl RuleOptions {
    /// The default of [`RuleOptions::max_threats`]: about three times the threats of the
    /// 10,000-element benchmark model (`examples/gen_large`, 172,000 threats).
    pub const MAX_THREATS: usize = 500_000;
    /// The default of [`RuleOptions::max_threat_text`]: 256 MiB, about two and a half times
    /// the text of the benchmark model's threats.
    pub const MAX_THREAT_TEXT: usize = 256 * 1024 * 1024;
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            today: None,
            max_threats: RuleOptions::MAX_THREATS,
            max_threat_text: RuleOptions::MAX_THREAT_TEXT,
        }
    }
}

/// Checks the model's rules and applies them. Rule and decision errors go to `sink`.
pub fn apply(model: &Arc<Model>, options: &RuleOptions, sink: &mut Diagnostics) -> Threats {
    // A hand-written threat with errors is not in the model, so a decision about it would
    // match nothing; that second error is noise.
    let model_failed = sink.has_errors();
    let checked = check::check_all(model, sink);
    words::check(model, &checked.rules, sink);
    let limits = fire::Limits {
        threats: options.max_threats,
        text: options.max_threat_text,
    };
    let mut threats = match fire::fire(model, &checked.rules, limits) {
        Ok(threats) => threats,
        Err(too_many) => {
            sink.push(too_many_threats(too_many, options));
            // Decisions are not matched against a partial list: each would be noise.
            return Threats {
                threats: Vec::new(),
                rules: checked.rules.into_iter().map(|rule| rule.info).collect(),
            };
        }
    };
    crate::timings::mark("rules: fire");
    threats.extend(model.threats.iter().map(|m| fire::manual(model, m)));
    order::sort(model, &mut threats);
    crate::timings::mark("rules: sort");
    let broken = decide::Broken {
        rules: &checked.broken,
        model: model_failed,
    };
    decide::decide(model, options, &broken, &checked.rules, &mut threats, sink);
    Threats {
        threats,
        rules: checked.rules.into_iter().map(|rule| rule.info).collect(),
    }
}

fn too_many_threats(too_many: fire::TooMany, options: &RuleOptions) -> Diagnostic {
    let (message, flag) = match too_many.exceeded {
        fire::Exceeded::Threats => (
            format!(
                "the rules generate more than {} threats",
                options.max_threats
            ),
            "--max-threats",
        ),
        fire::Exceeded::Text => (
            format!(
                "the rules generate more than {} bytes of threat text",
                options.max_threat_text
            ),
            "--max-threat-text",
        ),
    };
    Diagnostic::new(codes::E0016, too_many.subject, message)
        .label("the threats about this go past the limit")
        .with_secondary(too_many.rule, "from this rule")
        .with_help(format!(
            "every rule applies to every element or flow it names; narrow the rules' `when`, \
             shorten their templates, split the model, or raise the limit with `{flag}`"
        ))
}
