//! Applying checked rules to the model: `on element` once per element of the kinds,
//! `on source`/`on target` once per flow whose end is of the kinds, `on flow` once per flow.
//! Each threat gets its stable id, its text (the rule's templates, rendered on demand: see
//! `text.rs`; measured here against `--max-threat-text`) and its explained severity.

use super::check::CompiledRule;
use super::path::{Role, Scope};
use super::severity::{self, Factors};
use super::text::{Declared, Ending, Mitigations, RuleText, Text};
use super::{Threat, ThreatSubject};
use crate::model::{DataIdx, Element, ElementIdx, Flow, FlowIdx, ManualThreat, Model, Subject};
use crate::source::Span;
use crate::vocab::{Classification, Level, Status};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the rules of one run may generate (see [`super::RuleOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub threats: usize,
    /// Bytes of titles, explanations and mitigations, all threats together.
    pub text: usize,
}

/// The limit firing stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Threats,
    Text,
}

/// The rules would generate more than the limits allow: the first threat past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany {
    pub exceeded: Exceeded,
    /// The element or flow the threat is about.
    pub subject: Span,
    /// The id of the rule that generated it.
    pub rule: Span,
}

/// Every threat the rules produce, in output order: flows by number, then elements in source
/// order, and by rule id (the order `rules` is in) within each. Producing them in that order
/// leaves the final sort, which adds hand-written threats, next to nothing to do.
///
/// Every rule applies to every element or flow it names, and a template may repeat a long name,
/// so a small model can ask for a great deal: 64 KB of rules and processes for 1.4 million
/// threats, or of processes and one long explanation for 300 MB of reports. Firing stops at the
/// first threat past the limits.
///
/// On a large model the threats are made on two threads, which take the work in pieces, in
/// output order, and put each piece's threats in place as soon as the pieces before it are:
/// the result, and the threat a limit stops at, are the same as on one thread.
pub fn fire(
    model: &Arc<Model>,
    compiled: &[CompiledRule],
    limits: Limits,
) -> Result<Vec<Threat>, TooMany> {
    let rules = Split::new(compiled, model);
    let whole = Part {
        flows: 0..model.flows.len(),
        elements: 0..model.elements.len(),
    };
    let room = rules
        .most_threats(&whole)
        .min(limits.threats)
        .min(MOST_ROOM);
    let subjects = model.flows.len() + model.elements.len();
    if subjects < PARALLEL_FROM {
        return on_part(model, &rules, &whole, room, &mut Budget::new(limits));
    }
    let pieces = rules.pieces(model, (subjects / PIECE).clamp(MIN_PIECES, MAX_PIECES));
    // The second thread's threats share `Arc`s of their own (see `Firing`).
    let theirs = Split::new(compiled, model);
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(InPlace {
        threats: Vec::with_capacity(room),
        budget: Budget::new(limits),
        next: 0,
        waiting: BTreeMap::new(),
        spare: Vec::new(),
        stopped_at: None,
    });
    let work = |rules: &Split<'_>| loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(piece) = pieces.get(index) else {
            break;
        };
        let mut scratch = match shared.lock() {
            Ok(mut shared) if shared.stopped_at.is_none() => shared.spare.pop(),
            _ => break,
        }
        .unwrap_or_default();
        let mut budget = Budget::new(limits);
        let made = on_part_into(model, rules, piece, &mut budget, &mut scratch).is_ok();
        let Ok(mut shared) = shared.lock() else {
            break;
        };
        shared
            .waiting
            .insert(index, made.then_some((scratch, budget)));
        shared.put_in_place(limits);
    };
    std::thread::scope(|threads| {
        threads.spawn(|| work(&theirs));
        work(&rules);
    });
    let InPlace {
        mut threats,
        mut budget,
        stopped_at,
        ..
    } = shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Past a limit: the rest again on this thread, with what is left, to stop where one
    // thread would.
    if let Some(from) = stopped_at {
        for piece in pieces.get(from..).unwrap_or_default() {
            on_part_into(model, &rules, piece, &mut budget, &mut threats)?;
        }
    }
    Ok(threats)
}

/// The threats of the pieces put in place so far, and the pieces made but not yet in place.
struct InPlace {
    threats: Vec<Threat>,
    /// What is left of the limits after the threats in place.
    budget: Budget,
    /// The piece to put in place next.
    next: usize,
    /// Pieces made out of order: their threats and what they spent of a fresh budget, or
    /// `None` for a piece that passed a limit on its own.
    waiting: BTreeMap<usize, Option<(Vec<Threat>, Budget)>>,
    /// Emptied lists of threats, for the next pieces: their memory is already the process's.
    spare: Vec<Vec<Threat>>,
    /// The first piece that did not fit in what was left of the limits.
    stopped_at: Option<usize>,
}

impl InPlace {
    /// Appends the waiting pieces that are next in order, until one is missing or does not fit.
    fn put_in_place(&mut self, limits: Limits) {
        while self.stopped_at.is_none() {
            let Some(made) = self.waiting.remove(&self.next) else {
                return;
            };
            match made {
                Some((mut piece, spent)) if self.budget.covers(&spent, limits) => {
                    self.budget.spend(&spent, limits);
                    self.threats.append(&mut piece);
                    self.spare.push(piece);
                    self.next += 1;
                }
                _ => self.stopped_at = Some(self.next),
            }
        }
    }
}

/// The most threats to make room for at once: 960 MiB of them. mimalloc places a request of up
/// to 1 GiB at an address where the kernel can back it with huge pages (2 MiB, zeroed in one
/// fault); a larger one lands where it cannot, and is taken 4 KiB at a time. At N = 100,000 the
/// bound on the threats (each rule on every element or flow it names) is 1.1 GB of threats for
/// the 385 MB written, and its 140,000 small page faults were a quarter of the compile's time.
const MOST_ROOM: usize = (960 << 20) / std::mem::size_of::<Threat>();

/// Below this many flows and elements, a second thread costs more than it saves.
const PARALLEL_FROM: usize = 4096;

/// About how many flows and elements make a piece of the work, within the bounds below. Each
/// piece's threats are made in a list of their own and then copied into place: in lists that
/// are used again, so that the threats are written to fresh memory once. (Each thread making
/// one half of the list and the two halves joined at the end wrote a half again as much: at
/// N = 100,000, 165 MB of fresh pages the kernel had to clear.)
const PIECE: usize = 4096;
const MIN_PIECES: usize = 8;
const MAX_PIECES: usize = 256;

/// The rules on elements and the rules on flows (and their ends).
struct Split<'r> {
    elements: Vec<Firing<'r>>,
    flows: Vec<Firing<'r>>,
}

/// A rule, and what its threats share: their text's templates, the rule's id, references
/// and (without holes) mitigations. Each thread has its own `Arc`s of them: two threads
/// counting references on the same ones would pass each count's cache line back and forth.
struct Firing<'r> {
    rule: &'r CompiledRule,
    text: Arc<RuleText>,
    id: Arc<str>,
    references: Arc<[String]>,
    mitigations: Option<(Arc<[Arc<str>]>, usize)>,
}

/// A contiguous share of the work, in output order: some flows, then some elements.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    flows: std::ops::Range<usize>,
    elements: std::ops::Range<usize>,
}

impl<'r> Split<'r> {
    fn new(rules: &'r [CompiledRule], model: &Arc<Model>) -> Self {
        let (elements, flows) = rules
            .iter()
            .map(|rule| Firing {
                rule,
                id: Arc::from(&*rule.shared_id),
                references: Arc::from(&*rule.shared_references),
                mitigations: (rule.shared_mitigations.as_ref())
                    .map(|(list, length)| (Arc::from(&**list), *length)),
                text: Arc::new(RuleText {
                    model: model.clone(),
                    title: rule.title.clone(),
                    explanation: rule.explanation.clone(),
                    mitigations: rule.mitigations.clone(),
                    mitigated_by: rule.info.mitigated_by.clone(),
                    lowers: rule.severity.is_none(),
                }),
            })
            .partition(|firing| firing.rule.role == Role::Element);
        Split { elements, flows }
    }

    /// The most threats `part` can make: each rule fires at most once per element or flow.
    fn most_threats(&self, part: &Part) -> usize {
        let flows = part.flows.len().saturating_mul(self.flows.len());
        let elements = part.elements.len().saturating_mul(self.elements.len());
        flows.saturating_add(elements)
    }

    /// The work cut in `count` contiguous pieces of about the same cost, in output order. A
    /// rule applied to a flow counts 3 against 2 for one applied to an element: with the STRIDE
    /// pack at 10,000 elements, a flow's application takes about 1.4 times as long (its threats
    /// are about two elements).
    fn pieces(&self, model: &Model, count: usize) -> Vec<Part> {
        let (flows, elements) = (model.flows.len(), model.elements.len());
        let flow_cost = 3 * self.flows.len().max(1);
        let element_cost = 2 * self.elements.len().max(1);
        let flows_cost = flows.saturating_mul(flow_cost);
        let total = flows_cost.saturating_add(elements.saturating_mul(element_cost));
        let count = count.max(1);
        // Where the work is cut at `cost`: how many flows, then how many elements, come before.
        let cut = |cost: usize| {
            if cost <= flows_cost {
                ((cost / flow_cost).min(flows), 0)
            } else {
                (flows, ((cost - flows_cost) / element_cost).min(elements))
            }
        };
        let mut pieces = Vec::with_capacity(count);
        let mut from = (0, 0);
        for i in 1..=count {
            let to = if i == count {
                (flows, elements)
            } else {
                cut((total / count).saturating_mul(i))
            };
            pieces.push(Part {
                flows: from.0..to.0,
                elements: from.1..to.1,
            });
            from = to;
        }
        pieces
    }
}

/// What is left of the limits.
#[derive(Debug, Clone)]
struct Budget {
    threats: usize,
    text: usize,
    /// Where the sentence about declared controls is put together to be measured (the rest of
    /// a threat's text is measured without putting it together).
    measure: String,
}

impl Budget {
    fn new(limits: Limits) -> Self {
        Budget {
            threats: limits.threats,
            text: limits.text,
            measure: String::new(),
        }
    }

    /// What `other` spent of a fresh budget: threats and bytes of text.
    fn spent(other: &Budget, limits: Limits) -> (usize, usize) {
        (
            limits.threats.saturating_sub(other.threats),
            limits.text.saturating_sub(other.text),
        )
    }

    /// Whether what `other` spent of a fresh budget also fits in this one.
    fn covers(&self, other: &Budget, limits: Limits) -> bool {
        let (threats, text) = Budget::spent(other, limits);
        threats <= self.threats && text <= self.text
    }

    /// Takes what `other` spent of a fresh budget from this one.
    fn spend(&mut self, other: &Budget, limits: Limits) {
        let (threats, text) = Budget::spent(other, limits);
        self.threats = self.threats.saturating_sub(threats);
        self.text = self.text.saturating_sub(text);
    }
}

/// The threats of one part: its flows' (flow by flow), then its elements' (element by element).
/// `room`: how many threats to make room for at once. A list of threats grown by doubling
/// copies itself and writes twice the memory it ends with (a third of the page faults of a
/// 1,000-element build); room reserved and never written costs no memory.
fn on_part(
    model: &Model,
    rules: &Split<'_>,
    part: &Part,
    room: usize,
    budget: &mut Budget,
) -> Result<Vec<Threat>, TooMany> {
    let mut threats = Vec::with_capacity(room);
    on_part_into(model, rules, part, budget, &mut threats)?;
    Ok(threats)
}

/// [`on_part`], appending to `threats`.
fn on_part_into(
    model: &Model,
    rules: &Split<'_>,
    part: &Part,
    budget: &mut Budget,
    threats: &mut Vec<Threat>,
) -> Result<(), TooMany> {
    on_flows(model, &rules.flows, part.flows.clone(), budget, threats)?;
    on_elements(
        model,
        &rules.elements,
        part.elements.clone(),
        budget,
        threats,
    )
}

/// The threats of the rules on flows (`on flow`, `on source`, `on target`), flow by flow.
fn on_flows(
    model: &Model,
    rules: &[Firing<'_>],
    range: std::ops::Range<usize>,
    budget: &mut Budget,
    threats: &mut Vec<Threat>,
) -> Result<(), TooMany> {
    let flows = model.flows.get(range.clone()).unwrap_or_default();
    for (index, flow) in range.zip(flows) {
        let idx = FlowIdx::new(index);
        let scope = Scope {
            model,
            element: None,
            flow: Some(idx),
            source: Some(flow.source),
            target: Some(flow.target),
        };
        let mut facts = SubjectFacts::default();
        for firing in rules {
            let rule = firing.rule;
            let end = match rule.role {
                Role::Source => Some(flow.source),
                Role::Target => Some(flow.target),
                Role::Flow | Role::Element => None,
            };
            let end = end.and_then(|idx| model.element(idx).map(|e| (idx, e)));
            if end.is_some_and(|(_, element)| !rule.kinds.contains(element.kind)) {
                continue;
            }
            if rule.when.as_ref().map_or(true, |w| w.holds(&scope)) {
                let subject = flow.span;
                threats.push(within(
                    budget,
                    firing,
                    &scope,
                    end,
                    Some((idx, flow)),
                    subject,
                    &mut facts,
                )?);
            }
        }
    }
    Ok(())
}

/// The threats of the rules on elements, element by element.
fn on_elements(
    model: &Model,
    rules: &[Firing<'_>],
    range: std::ops::Range<usize>,
    budget: &mut Budget,
    threats: &mut Vec<Threat>,
) -> Result<(), TooMany> {
    let elements = model.elements.get(range.clone()).unwrap_or_default();
    for (index, element) in range.zip(elements) {
        let idx = ElementIdx::new(index);
        let scope = Scope {
            model,
            element: Some(idx),
            flow: None,
            source: None,
            target: None,
        };
        let mut facts = SubjectFacts::default();
        for firing in rules {
            let rule = firing.rule;
            if rule.kinds.contains(element.kind)
                && rule.when.as_ref().map_or(true, |w| w.holds(&scope))
            {
                let subject = Some((idx, element));
                threats.push(within(
                    budget,
                    firing,
                    &scope,
                    subject,
                    None,
                    element.span,
                    &mut facts,
                )?);
            }
        }
    }
    Ok(())
}

/// One threat, taken from the budget; the limit it would pass otherwise.
fn within(
    budget: &mut Budget,
    firing: &Firing<'_>,
    scope: &Scope,
    element: Option<(ElementIdx, &Element)>,
    flow: Option<(FlowIdx, &Flow)>,
    subject: Span,
    facts: &mut SubjectFacts,
) -> Result<Threat, TooMany> {
    let too_many = |exceeded| TooMany {
        exceeded,
        subject,
        rule: firing.rule.id_span,
    };
    if budget.threats == 0 {
        return Err(too_many(Exceeded::Threats));
    }
    let found = threat(firing, scope, element, flow, facts, budget)
        .ok_or_else(|| too_many(Exceeded::Text))?;
    budget.threats -= 1;
    Ok(found)
}

/// The threat, its text taken from the budget's bytes; `None` when the text would not fit.
fn threat(
    firing: &Firing<'_>,
    scope: &Scope,
    element: Option<(ElementIdx, &Element)>,
    flow: Option<(FlowIdx, &Flow)>,
    facts: &mut SubjectFacts,
    budget: &mut Budget,
) -> Option<Threat> {
    let (rule, model) = (firing.rule, scope.model);
    let Budget {
        text: text_left,
        measure,
        ..
    } = budget;
    let info = &rule.info;
    // `RULE@SUBJECT`, allocated once at its length (`format!` grows it twice).
    let at = |subject: &str| {
        let mut id = String::with_capacity(info.id.len() + 1 + subject.len());
        id.push_str(&info.id);
        id.push('@');
        id.push_str(subject);
        id
    };
    let (id, span) = match (flow, element) {
        (Some((_, flow)), _) => (at(&flow.id), flow.span),
        (None, Some((_, element))) => (at(&element.id), element.span),
        (None, None) => (info.id.clone(), info.span),
    };
    let declared = Declared::find(&info.mitigated_by, element.map(|e| e.1), flow.map(|f| f.1));
    let subject = ThreatSubject {
        element: element.map(|e| e.0),
        flow: flow.map(|f| f.0),
    };
    let explanation = Text::explanation(&firing.text, subject);
    // Measured as it will be rendered, without putting it together.
    *text_left = text_left.checked_sub(rule.title.rendered_len(scope))?;
    let mut ending = Ending::default();
    rule.explanation
        .pieces(scope, &mut |piece| ending.after(piece));
    *text_left = text_left.checked_sub(ending.length)?;
    if !declared.on_element.is_empty() || !declared.on_flow.is_empty() {
        measure.clear();
        let lowers = rule.severity.is_none();
        declared.explain(element.map(|e| e.1), lowers, ending.open(), measure);
        *text_left = text_left.checked_sub(measure.len())?;
    }
    let mitigations = match &firing.mitigations {
        Some((shared, length)) => {
            *text_left = text_left.checked_sub(*length)?;
            Mitigations::from(shared.clone())
        }
        None => {
            for mitigation in &rule.mitigations {
                *text_left = text_left.checked_sub(mitigation.rendered_len(scope))?;
            }
            Mitigations::rule(&firing.text, subject)
        }
    };
    let SubjectFacts {
        restricted: restricted_data,
        assessed,
    } = facts;
    let restricted_data = restricted_data
        .get_or_insert_with(|| restricted(model, element.map(|e| e.1), flow.map(|f| f.1)));
    let factors = Factors {
        fixed: rule.severity.map(|level| (level, "the rule")),
        restricted: restricted_data.as_deref(),
        controls: declared.reasons(element.map(|e| e.1)),
    };
    let key = (rule.likelihood, rule.impact, factors.fixed);
    let found = assessed
        .iter()
        .find(|(seen, controls, _)| *seen == key && *controls == factors.controls);
    let (severity, severity_reasons) = match found {
        Some((_, _, (severity, reasons))) => (*severity, reasons.clone()),
        None => {
            let assessed_now = severity::assess(rule.likelihood, rule.impact, &factors);
            assessed.push((key, factors.controls, assessed_now.clone()));
            assessed_now
        }
    };
    Some(Threat {
        id,
        rule: Some(firing.id.clone()),
        category: info.category,
        subject,
        title: Text::title(&firing.text, subject),
        explanation,
        mitigations,
        likelihood: rule.likelihood,
        impact: rule.impact,
        severity,
        severity_reasons,
        status: Status::Open,
        decision: None,
        references: firing.references.clone(),
        span,
    })
}

/// A hand-written threat, with the same severity computation (its `severity` overrides it).
pub fn manual(model: &Model, manual: &ManualThreat) -> Threat {
    let (element, flow) = match manual.subject {
        Subject::Element(idx) => (model.element(idx).map(|e| (idx, e)), None),
        Subject::Flow(idx) => (None, model.flow(idx).map(|f| (idx, f))),
    };
    let likelihood = manual.likelihood.unwrap_or(Level::Medium);
    let impact = manual.impact.unwrap_or(Level::Medium);
    let restricted_data = restricted(model, element.map(|e| e.1), flow.map(|f| f.1));
    let factors = Factors {
        fixed: manual.severity.map(|level| (level, "the threat")),
        restricted: restricted_data.as_deref(),
        controls: Vec::new(),
    };
    let (severity, severity_reasons) = severity::assess(likelihood, impact, &factors);
    Threat {
        id: manual.id.clone(),
        rule: None,
        category: manual.category,
        subject: ThreatSubject {
            element: element.map(|e| e.0),
            flow: flow.map(|f| f.0),
        },
        title: manual.title.clone().into(),
        explanation: manual.explanation.clone().into(),
        mitigations: manual
            .mitigations
            .iter()
            .map(|m| m.as_str().into())
            .collect::<Arc<[Arc<str>]>>()
            .into(),
        likelihood,
        impact,
        severity,
        severity_reasons,
        status: Status::Open,
        decision: None,
        references: manual.references.as_slice().into(),
        span: manual.span,
    }
}

/// Why the data involved raises a severity: the flow's data in a flow's context, what a store
/// holds otherwise.
/// What the threats about one element or flow share, worked out for the first of them: whether
/// it holds restricted data, and each severity assessed (most rules on a subject have one of a
/// few likelihood and impact pairs, and the reasons are the same sentences).
#[derive(Default)]
struct SubjectFacts {
    restricted: Option<Option<String>>,
    #[allow(clippy::type_complexity)]
    assessed: Vec<(
        (Level, Level, Option<(Level, &'static str)>),
        Vec<String>,
        (Level, std::sync::Arc<[String]>),
    )>,
}

fn restricted(model: &Model, element: Option<&Element>, flow: Option<&Flow>) -> Option<String> {
    let ids = |data: &[DataIdx]| -> Vec<String> {
        data.iter()
            .filter_map(|d| model.data_item(*d))
            .filter(|d| d.classification == Classification::Restricted)
            .map(|d| d.id.clone())
            .collect()
    };
    match (flow, element) {
        (Some(flow), _) => {
            let found = ids(&flow.data);
            (!found.is_empty())
                .then(|| format!("the flow carries restricted data ({})", found.join(", ")))
        }
        (None, Some(element)) => {
            let found = ids(&element.stores);
            (!found.is_empty()).then(|| {
                format!(
                    "{} stores restricted data ({})",
                    element.name,
                    found.join(", ")
                )
            })
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{compile, Options};
    use crate::diagnostics::Diagnostics;
    use crate::load::MemoryLoader;
    use std::fmt::Write;

    /// What one thread does: the flows' threats, then the elements'.
    fn one_thread(
        model: &Arc<Model>,
        rules: &[CompiledRule],
        limits: Limits,
    ) -> Result<Vec<Threat>, TooMany> {
        let whole = Part {
            flows: 0..model.flows.len(),
            elements: 0..model.elements.len(),
        };
        on_part(
            model,
            &Split::new(rules, model),
            &whole,
            0,
            &mut Budget::new(limits),
        )
    }

    fn text_of(threats: &[Threat]) -> usize {
        threats
            .iter()
            .map(|t| {
                t.title.to_string().len()
                    + t.explanation.to_string().len()
                    + t.mitigations
                        .to_vec()
                        .iter()
                        .map(String::len)
                        .sum::<usize>()
            })
            .sum()
    }

    /// On models large enough for two threads, whether the pieces cut the flows or the
    /// elements, every limit stops at the same threat as one thread would: inside the first
    /// piece, at its end, inside a later one, at the very end.
    #[test]
    fn two_threads_stop_where_one_does() {
        let mut chain = String::new();
        for i in 0..1000 {
            let _ = writeln!(chain, "process p{i}");
            for step in 1..=4 {
                let _ = writeln!(chain, "p{i} -> p{} \"call {i}\"", (i + step) % 1000);
            }
        }
        let mut few_flows = String::new();
        for i in 0..5000 {
            let _ = writeln!(few_flows, "process p{i}");
        }
        let _ = writeln!(few_flows, "p0 -> p1 \"call\"");
        for (name, text) in [("chain", chain), ("few flows", few_flows)] {
            let loader = MemoryLoader::new().with("m.tm", text);
            let compilation = compile(std::path::Path::new("m.tm"), &loader, &Options::default())
                .unwrap_or_else(|e| panic!("{e}"));
            let model = &compilation.model;
            let subjects = model.flows.len() + model.elements.len();
            assert!(subjects >= PARALLEL_FROM);
            let rules = super::super::check::check_all(model, &mut Diagnostics::new()).rules;
            let unlimited = Limits {
                threats: usize::MAX,
                text: usize::MAX,
            };
            let split = Split::new(&rules, model);
            let pieces = split.pieces(model, (subjects / PIECE).clamp(MIN_PIECES, MAX_PIECES));
            assert_eq!(pieces.len(), MIN_PIECES);
            let first = pieces.first().cloned().unwrap_or(Part {
                flows: 0..0,
                elements: 0..0,
            });
            let cuts_flows = first.elements.is_empty();
            assert_eq!(cuts_flows, name == "chain", "{first:?}");
            // The pieces are the whole work, in order, without overlap.
            let (mut flows, mut elements) = (0, 0);
            for piece in &pieces {
                assert_eq!((piece.flows.start, piece.elements.start), (flows, elements));
                assert!(piece.elements.is_empty() || piece.flows.end == model.flows.len());
                (flows, elements) = (piece.flows.end, piece.elements.end);
            }
            assert_eq!((flows, elements), (model.flows.len(), model.elements.len()));
            let made = |part: &Part| {
                on_part(model, &split, part, 0, &mut Budget::new(unlimited)).unwrap_or_default()
            };
            let first = made(&first);
            let middle = made(&Part {
                flows: 0..pieces[3].flows.end,
                elements: 0..pieces[3].elements.end,
            });
            let all = one_thread(model, &rules, unlimited).unwrap_or_default();
            let counts = [first.len(), middle.len(), all.len()];
            let texts = [text_of(&first), text_of(&middle), text_of(&all)];
            assert!(
                counts[0] > 0 && counts[1] > counts[0] && counts[2] > counts[1],
                "{name}"
            );
            assert_eq!(fire(model, &rules, unlimited), Ok(all), "{name}");
            for count in counts {
                for threats in [count - 1, count, count + 1] {
                    let limits = Limits {
                        threats,
                        text: usize::MAX,
                    };
                    assert_eq!(
                        fire(model, &rules, limits),
                        one_thread(model, &rules, limits),
                        "{name}: {threats} threats"
                    );
                }
            }
            for length in texts {
                for text in [length - 1, length, length + 1] {
                    let limits = Limits {
                        threats: usize::MAX,
                        text,
                    };
                    assert_eq!(
                        fire(model, &rules, limits),
                        one_thread(model, &rules, limits),
                        "{name}: {text} bytes"
                    );
                }
            }
        }
    }
}
