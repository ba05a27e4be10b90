//! Decisions: `mitigate` and `accept` matched against threat ids and applied as statuses.
//!
//! An id is parts separated by `@`, `>` and `#`; a pattern matches an id with the same
//! separators in the same order, each part matched on its own, where `*` stands for any run of
//! characters within the part. A pattern that names one element or flow exactly is looked up
//! in that subject's place in the sorted threats; a plain one among the plain ids; any other
//! with a `*` by one of its exact parts, and only scans when every part has a `*`.

use super::check::CompiledRule;
use super::path::Role;
use super::{order, AppliedDecision, RuleOptions, Threat};
use crate::diagnostics::{codes, Diagnostic, Diagnostics, HintBudget};
use crate::model::{Decision, DecisionKind, Model};
use crate::vocab::Status;
use crate::Map;

const SEPARATORS: [char; 3] = ['@', '>', '#'];

/// The separators of an id or pattern, in order, two bits each; `None` past 31 of them (no
/// threat id has more than three). Ids are compared by shape without cutting them up.
fn shape(id: &str) -> Option<u64> {
    let mut code: u64 = 1;
    for byte in id.bytes() {
        let bits = match byte {
            b'@' => 1,
            b'>' => 2,
            b'#' => 3,
            _ => continue,
        };
        if code >> 62 != 0 {
            return None;
        }
        code = code << 2 | bits;
    }
    Some(code)
}

/// An id or a pattern cut into its parts: the separators in order, and the parts between them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts<'a> {
    shape: String,
    parts: Vec<&'a str>,
}

fn split(id: &str) -> Parts<'_> {
    Parts {
        shape: id.chars().filter(|c| SEPARATORS.contains(c)).collect(),
        parts: id.split(SEPARATORS).collect(),
    }
}

/// `*` matches any run of characters (within one part: parts never hold a separator).
///
/// The literal runs between stars are found left to right, each at its first place after the
/// previous one (taking the leftmost place never makes a later run fail where another place would
/// let it match), so the time is linear in the lengths, whatever the pattern. (A backtracking
/// matcher took time pattern × text on patterns like `*a*a*a...b`.)
fn glob(pattern: &str, text: &str) -> bool {
    let mut runs = pattern.split('*');
    let first = runs.next().unwrap_or_default();
    let Some(last) = runs.next_back() else {
        // No star at all.
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for run in runs.filter(|run| !run.is_empty()) {
        match rest.find(run) {
            Some(at) => rest = rest.get(at + run.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// True for a part that matches anything: one or more stars.
fn any(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b == b'*')
}

/// True when the parts of a pattern match an id's parts (`parts(id)`, or the id cut before).
fn parts_match<'i>(pattern: &[&str], id: impl IntoIterator<Item = &'i str>) -> bool {
    let mut id = id.into_iter();
    pattern
        .iter()
        .all(|p| id.next().is_some_and(|part| any(p) || glob(p, part)))
        && id.next().is_none()
}

/// The parts of an id between its separators, as `id.split(SEPARATORS)` gives them. The
/// separators are ASCII, so the bytes are searched directly: at 170,000 threats, cutting every
/// id with a `char` pattern into a vector of its own was most of the time decisions took.
fn parts(id: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(id);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| matches!(b, b'@' | b'>' | b'#')) {
            Some(at) => {
                rest = text.get(at + 1..);
                text.get(..at)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// True when `id` matches the pattern (already cut into parts).
#[cfg(test)]
fn matches(pattern: &Parts, id: &str) -> bool {
    pattern.shape == split(id).shape && parts_match(&pattern.parts, parts(id))
}

/// Shapes of the ids threats have. Ids, rule ids and element ids never hold a separator, so a
/// generated threat's id is `RULE@ELEMENT`, `RULE@SOURCE>TARGET` (`#N` for a repeated flow) or,
/// for a rule about nothing in particular and for a hand-written threat, a plain id; a pattern
/// of any other shape matches nothing.
const PLAIN: u64 = 0b1;
const ON_ELEMENT: u64 = 0b1_01;
const ON_FLOW: u64 = 0b1_01_10;
const ON_REPEATED_FLOW: u64 = 0b1_01_10_11;

/// The indexes decisions are looked up in, each built the first time a decision needs it.
struct Index<'t> {
    model: &'t Model,
    /// In output order: a subject's threats are next to each other.
    threats: &'t [Threat],
    /// Flow id → flow, for patterns that name one flow.
    flows: Option<Map<&'t str, usize>>,
    /// Threats with a plain id (hand-written, or from a rule about no element or flow).
    plain: Option<Vec<usize>>,
    /// Each threat's shape (one byte: no threat id has more than three separators), for
    /// patterns with `*` in an element or flow id.
    shapes: Option<Vec<u8>>,
    /// (shape, part position) → part text → threats, for patterns with an exact part or a star
    /// in every part.
    by_part: Map<(u8, usize), Map<&'t str, Vec<usize>>>,
    /// shape → threats, for patterns of stars only.
    by_shape: Option<Map<u8, Vec<usize>>>,
}

impl<'t> Index<'t> {
    fn new(model: &'t Model, threats: &'t [Threat]) -> Index<'t> {
        Index {
            model,
            threats,
            flows: None,
            plain: None,
            shapes: None,
            by_part: Map::default(),
            by_shape: None,
        }
    }

    /// Indices of the threats the pattern matches, in threat order.
    fn find(&mut self, pattern: &str) -> Vec<usize> {
        let threats = self.threats;
        let Some(wanted_shape) = shape(pattern) else {
            return Vec::new();
        };
        let wanted: Vec<&str> = parts(pattern).collect();
        let matching = |candidates: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
            candidates
                .filter(|&i| {
                    threats
                        .get(i)
                        .is_some_and(|t| parts_match(&wanted, parts(&t.id)))
                })
                .collect()
        };
        match wanted_shape {
            PLAIN => {
                let plain = self.plain.get_or_insert_with(|| {
                    (0..threats.len())
                        .filter(|&i| threats.get(i).is_some_and(has_plain_id))
                        .collect()
                });
                return matching(&mut plain.iter().copied());
            }
            ON_ELEMENT | ON_FLOW | ON_REPEATED_FLOW => {}
            _ => return Vec::new(),
        }
        // A pattern naming one element or flow: its threats are the ones in that place.
        let subject = pattern.split_once('@').map_or("", |(_, subject)| subject);
        if !subject.contains('*') {
            let place = if wanted_shape == ON_ELEMENT {
                self.model
                    .element_by_id(subject)
                    .map(|element| (1, element.index()))
            } else {
                let model = self.model;
                let flows = self.flows.get_or_insert_with(|| {
                    let mut flows = Map::default();
                    flows.reserve(model.flows.len());
                    for (index, flow) in model.flows.iter().enumerate() {
                        flows.insert(flow.id.as_str(), index);
                    }
                    flows
                });
                flows
                    .get(subject)
                    .and_then(|&index| model.flows.get(index))
                    .map(|flow| (0, flow.number))
            };
            let Some(place) = place else {
                return Vec::new();
            };
            let model = self.model;
            let start = threats.partition_point(|t| order::place(model, t) < place);
            let end = start
                + threats
                    .get(start..)
                    .unwrap_or_default()
                    .partition_point(|t| order::place(model, t) == place);
            return matching(&mut (start..end));
        }
        let Ok(wanted_shape) = u8::try_from(wanted_shape) else {
            return Vec::new();
        };
        let exact_part = wanted
            .iter()
            .enumerate()
            .find(|(_, part)| !part.contains('*'));
        let shapes = self.shapes.get_or_insert_with(|| {
            threats
                .iter()
                .map(|t| shape(&t.id).and_then(|s| u8::try_from(s).ok()).unwrap_or(0))
                .collect()
        });
        let of_shape = || {
            shapes
                .iter()
                .enumerate()
                .filter(move |(_, shape)| **shape == wanted_shape)
                .filter_map(|(i, _)| Some((i, threats.get(i)?)))
        };
        let by_part = &mut self.by_part;
        if exact_part.is_none() && !wanted.iter().all(|part| any(part)) {
            // A star in every part, and not only stars. Each part is matched against the texts
            // at its place (rule ids, element ids: far fewer than the threats), and a threat
            // matches when its text matches at every place: one bit per threat and place,
            // and-ed. Matching each threat's id instead took decisions x threats x the id's
            // length: a 64 KB model of 1,800 decisions like `*_*@*a*>*b*#*` over 3,000 flows
            // took 7-10 s.
            let words = threats.len().div_ceil(64);
            let mut selected: Option<Vec<u64>> = None;
            for (position, part) in wanted.iter().enumerate() {
                if any(part) {
                    continue;
                }
                let mut here = vec![0u64; words];
                let mut count = 0;
                let texts = part_index(by_part, (wanted_shape, position), of_shape());
                for (_, indices) in texts.iter().filter(|(text, _)| glob(part, text)) {
                    count += indices.len();
                    for &i in indices {
                        if let Some(word) = here.get_mut(i / 64) {
                            *word |= 1 << (i % 64);
                        }
                    }
                }
                if count == 0 {
                    return Vec::new();
                }
                selected = Some(match selected {
                    None => here,
                    Some(mut all) => {
                        for (all, here) in all.iter_mut().zip(&here) {
                            *all &= here;
                        }
                        all
                    }
                });
            }
            let selected = selected.unwrap_or_default();
            let mut found = Vec::new();
            for (at, &word) in selected.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    found.push(at * 64 + word.trailing_zeros() as usize);
                    word &= word - 1;
                }
            }
            return found;
        }
        // Every candidate has the pattern's shape.
        let candidates: &[usize] = match exact_part {
            Some((position, part)) => part_index(by_part, (wanted_shape, position), of_shape())
                .get(part)
                .map_or(&[], Vec::as_slice),
            None => self
                .by_shape
                .get_or_insert_with(|| {
                    let mut map: Map<u8, Vec<usize>> = Map::default();
                    for (i, shape) in shapes.iter().enumerate() {
                        map.entry(*shape).or_default().push(i);
                    }
                    map
                })
                .get(&wanted_shape)
                .map_or(&[], Vec::as_slice),
        };
        if exact_part.is_some() {
            // A few threats share an exact part: cut each as it is checked.
            return matching(&mut candidates.iter().copied());
        }
        // Only stars: every threat of the shape.
        candidates.to_vec()
    }
}

/// The threats of one shape by their text at one place, built the first time it is needed
/// from `of_shape` (that shape's threats with their indices).
fn part_index<'i, 't: 'i>(
    by_part: &'i mut Map<(u8, usize), Map<&'t str, Vec<usize>>>,
    (shape, position): (u8, usize),
    of_shape: impl Iterator<Item = (usize, &'t Threat)>,
) -> &'i Map<&'t str, Vec<usize>> {
    by_part.entry((shape, position)).or_insert_with(|| {
        let mut map: Map<&str, Vec<usize>> = Map::default();
        for (i, threat) in of_shape {
            if let Some(part) = parts(&threat.id).nth(position) {
                map.entry(part).or_default().push(i);
            }
        }
        map
    })
}

/// A hand-written threat, or one from a rule about no element or flow: its id has no separator.
fn has_plain_id(threat: &Threat) -> bool {
    threat.rule.is_none() || (threat.subject.element.is_none() && threat.subject.flow.is_none())
}

/// What failed before decisions were matched: a decision about it matching nothing is no news.
pub struct Broken<'a> {
    /// Ids of rules with errors.
    pub rules: &'a [String],
    /// The model itself had errors (a hand-written threat may be missing).
    pub model: bool,
}

impl Broken<'_> {
    fn explains(&self, pattern: &str) -> bool {
        let parts = split(pattern);
        let about_broken_rule = parts
            .parts
            .first()
            .is_some_and(|rule| self.rules.iter().any(|b| glob(rule, b)));
        let about_hand_written = parts.shape.is_empty();
        about_broken_rule || self.model && about_hand_written
    }
}

/// Applies the model's decisions to `threats` (already in output order).
pub fn decide(
    model: &Model,
    options: &RuleOptions,
    broken: &Broken,
    rules: &[CompiledRule],
    threats: &mut [Threat],
    sink: &mut Diagnostics,
) {
    if model.decisions.is_empty() {
        return;
    }
    // Each threat's decision's number plus one (0: none yet). Zeroed memory: only the pages
    // of decided threats are ever written.
    let mut decided: Vec<u32> = vec![0; threats.len()];
    {
        let mut index = Index::new(model, threats);
        // For the hints of decisions that match nothing, made for the first of them.
        let mut known: Option<(bool, Vec<&str>)> = None;
        for (number, decision) in model.decisions.iter().enumerate() {
            let pattern = renamed(model, decision, sink);
            let found = index.find(&pattern);
            if found.is_empty() {
                if !broken.explains(&pattern) {
                    let (hand_written, fired) = known.get_or_insert_with(|| {
                        (
                            threats.iter().any(|t| t.rule.is_none()),
                            fired_rules(threats),
                        )
                    });
                    let known = Known {
                        hand_written: *hand_written,
                        fired: fired.as_slice(),
                        rules,
                    };
                    let diagnostic =
                        no_match(model, decision, &pattern, threats, &known, sink.hints());
                    sink.push(diagnostic);
                }
                continue;
            }
            let mut overlaps: Vec<(usize, &str, usize)> = Vec::new();
            let mut decides_any = false;
            let this = u32::try_from(number + 1).unwrap_or(u32::MAX);
            for &threat in &found {
                match decided
                    .get(threat)
                    .and_then(|d| d.checked_sub(1))
                    .map(|d| d as usize)
                {
                    Some(earlier) => match overlaps.iter_mut().find(|(e, _, _)| *e == earlier) {
                        Some(entry) => entry.2 += 1,
                        None => overlaps.push((
                            earlier,
                            threats.get(threat).map_or("", |t| t.id.as_str()),
                            0,
                        )),
                    },
                    None => {
                        if let Some(slot) = decided.get_mut(threat) {
                            *slot = this;
                            decides_any = true;
                        }
                    }
                }
            }
            for (earlier, id, more) in overlaps {
                if let Some(first) = model.decisions.get(earlier) {
                    let first_lapsed = lapsed(first, options);
                    sink.push(twice(decision, first, first_lapsed, id, more));
                }
            }
            // An acceptance every threat of which an earlier decision took opens nothing again.
            if decides_any && lapsed(decision, options) {
                sink.push(
                    Diagnostic::new(
                        codes::W0003,
                        decision.pattern_span,
                        format!(
                            "the acceptance of `{}` lapsed after {}, its last day",
                            decision.pattern,
                            decision.until.as_deref().unwrap_or_default()
                        ),
                    )
                    .label("no longer accepted: the threat is open again")
                    .with_help("review the risk, then replace this acceptance with a `mitigate`, or renew it with a new `until`"),
                );
            }
        }
    }
    for (threat, decision) in threats.iter_mut().zip(decided) {
        let Some(number) = decision.checked_sub(1).map(|n| n as usize) else {
            continue;
        };
        let Some(decision) = model.decisions.get(number) else {
            continue;
        };
        let lapsed = lapsed(decision, options);
        threat.status = match decision.kind {
            DecisionKind::Mitigate => Status::Mitigated,
            DecisionKind::Accept if lapsed => Status::Open,
            DecisionKind::Accept => Status::Accepted,
        };
        threat.decision = Some(AppliedDecision {
            decision: u32::try_from(number).unwrap_or(u32::MAX),
            lapsed,
        });
    }
}

fn lapsed(decision: &Decision, options: &RuleOptions) -> bool {
    // `YYYY-MM-DD` dates order as text.
    decision.kind == DecisionKind::Accept
        && matches!((&decision.until, &options.today), (Some(until), Some(today)) if until < today)
}

/// The pattern with renamed element ids replaced by the current ones (W0008 for each).
fn renamed(model: &Model, decision: &Decision, sink: &mut Diagnostics) -> String {
    let pattern = &decision.pattern;
    let mut out = String::with_capacity(pattern.len());
    let mut changed = Vec::new();
    let mut separator = None;
    let mut rest = pattern.as_str();
    loop {
        let end = rest.find(SEPARATORS).unwrap_or(rest.len());
        let part = rest.get(..end).unwrap_or_default();
        // Parts after `@` and `>` are element ids; the rule id and `#N` are not renamed.
        let element_part = matches!(separator, Some('@' | '>'));
        let current = (element_part && model.element_by_id(part).is_none())
            .then(|| model.renamed.get(part))
            .flatten()
            .and_then(|idx| model.element(*idx));
        match current {
            Some(element) => {
                out.push_str(&element.id);
                changed.push((part.to_string(), element.id.clone()));
            }
            None => out.push_str(part),
        }
        let Some(next) = rest.get(end..).and_then(|r| r.chars().next()) else {
            break;
        };
        out.push(next);
        separator = Some(next);
        rest = rest.get(end + next.len_utf8()..).unwrap_or_default();
    }
    for (old, new) in changed {
        sink.push(
            Diagnostic::new(
                codes::W0008,
                decision.pattern_span,
                format!("`{old}` was renamed to `{new}`"),
            )
            .label(format!("`{old}` is an old id (`formerly`)"))
            .with_help(format!("write the current id: \"{out}\"")),
        );
    }
    out
}

/// The ids of the rules that made threats, sorted: made once, for the first decision that
/// matches nothing.
fn fired_rules(threats: &[Threat]) -> Vec<&str> {
    let mut fired: Vec<&str> = threats.iter().filter_map(|t| t.rule.as_deref()).collect();
    fired.sort_unstable();
    fired.dedup();
    fired
}

/// What the hints of a decision that matches nothing know of the threats and rules.
struct Known<'a> {
    /// Some threat is hand-written.
    hand_written: bool,
    /// The ids of the rules that made threats, sorted.
    fired: &'a [&'a str],
    /// Every rule that checked clean, sorted by id.
    rules: &'a [CompiledRule],
}

impl Known<'_> {
    fn fired(&self, rule: &str) -> bool {
        self.fired.binary_search(&rule).is_ok()
    }

    fn exists(&self, rule: &str) -> bool {
        self.role(rule).is_some()
    }

    fn role(&self, rule: &str) -> Option<Role> {
        let at = self
            .rules
            .binary_search_by(|r| r.info.id.as_str().cmp(rule))
            .ok()?;
        self.rules.get(at).map(|r| r.role)
    }
}

/// `` `api` `` for an id, "what `*>api` matches" for a pattern.
fn on_subject(subject: &str) -> String {
    if subject.contains('*') {
        format!("what `{subject}` matches")
    } else {
        format!("`{subject}`")
    }
}

/// What a pattern that matches nothing names that the model does not have: an element, a
/// flow, or a rule that made no threat. Told before the closest ids, which compare whole ids
/// and so favour short unrelated ones over the one that differs by a typo in the element. The
/// suggestions come out of the run's hint budget, as the closest ids do.
fn unknown_part(
    model: &Model,
    pattern: &str,
    threats: &[Threat],
    known: &Known,
    budget: &mut HintBudget,
) -> Option<String> {
    let Some((rule, subject)) = pattern.split_once('@') else {
        // Likely a hand-written threat's id misspelt, unless it reads as a rule's.
        if known.hand_written && !pattern.contains('.') {
            return None;
        }
        let rule = if pattern.contains('*') {
            pattern
        } else {
            "RULE"
        };
        // `*>*` is one part on each side of `>`: the first flow between two elements, not
        // `a>b#2`.
        return Some(format!(
            "without `@` a pattern names hand-written threats only; a rule's threats are \
             `RULE@ELEMENT` or `RULE@SOURCE>TARGET` (`#N` for the Nth flow between the same \
             two): `\"{rule}@*\"` covers those on elements, `\"{rule}@*>*\"` those on the \
             first flow between two elements and `\"{rule}@*>*#*\"` those on the others"
        ));
    };
    let suggest = |budget: &mut HintBudget,
                   wanted: &str,
                   candidates: &mut dyn Iterator<Item = &str>,
                   count: usize| {
        let cost = 1 + wanted.len().saturating_mul(count).saturating_mul(16);
        if !budget.take(cost) {
            return String::new();
        }
        crate::diagnostics::closest(wanted, candidates)
            .map(|best| format!("; did you mean `{best}`?"))
            .unwrap_or_default()
    };
    let ends = subject.split('#').next().unwrap_or_default();
    for end in ends.split('>').filter(|end| !end.contains('*')) {
        if model.element_by_id(end).is_none() {
            return Some(unknown_element(model, rule, subject, end, budget));
        }
    }
    if let Some(first) = subject.strip_suffix("#1") {
        return Some(format!(
            "the first flow between two elements has no `#N`, the second is `#2`: \
             `\"{rule}@{first}\"`"
        ));
    }
    if let Some((source, target)) = ends.split_once('>').filter(|_| !subject.contains('*')) {
        // Both ends exist (above), but perhaps no flow between them, or not that many.
        if budget.take(1 + model.flows.len()) && !model.flows.iter().any(|f| f.id == subject) {
            let reverse = format!("{target}>{source}");
            let hint = if model.flows.iter().any(|f| f.id == reverse) {
                format!("; the flow goes the other way: `\"{rule}@{reverse}\"`")
            } else {
                String::new()
            };
            return Some(format!("there is no flow `{subject}`{hint}"));
        }
    }
    if !rule.contains('*') && !known.fired(rule) {
        if known.exists(rule) {
            return Some(format!(
                "the rule `{rule}` exists but did not fire on {}, nor anywhere else in the \
                 model: no element or flow meets its `on` and `when`",
                on_subject(subject)
            ));
        }
        let hint = suggest(
            budget,
            rule,
            &mut known.fired.iter().copied(),
            known.fired.len(),
        );
        if hint.is_empty() && !subject.contains('*') && budget.take(1 + threats.len()) {
            let on_subject: Vec<String> = threats
                .iter()
                .filter(|t| t.id.split_once('@').is_some_and(|(_, s)| s == subject))
                .filter_map(|t| t.id.split_once('@').map(|(r, _)| format!("`{r}`")))
                .take(RULES_NAMED + 1)
                .collect();
            if !on_subject.is_empty() {
                let more = if on_subject.len() > RULES_NAMED {
                    ", …"
                } else {
                    ""
                };
                let named = on_subject
                    .get(..RULES_NAMED.min(on_subject.len()))
                    .unwrap_or_default();
                return Some(format!(
                    "no threat comes from a rule `{rule}`; the threats on `{subject}` come from {}{more} \
                     (`tmc rules` lists every rule)",
                    named.join(", ")
                ));
            }
        }
        return Some(format!("no threat comes from a rule `{rule}`{hint}"));
    }
    None
}

/// How many rules the help of an unknown rule names among those that fired on its subject.
const RULES_NAMED: usize = 6;

/// The help for a pattern naming an element that does not exist: a flow written `a->b`, an
/// element's display name instead of its id, a typo, or an element renamed without `formerly`.
fn unknown_element(
    model: &Model,
    rule: &str,
    subject: &str,
    end: &str,
    budget: &mut HintBudget,
) -> String {
    let arrow = end
        .strip_suffix('-')
        .is_some_and(|source| model.element_by_id(source).is_some());
    if arrow && subject.contains("->") {
        let fixed = subject.replace("->", ">");
        return format!(
            "a flow in a threat id is `SOURCE>TARGET`, without `-`: `\"{rule}@{fixed}\"`"
        );
    }
    if budget.take(1 + model.elements.len()) {
        let named = model
            .elements
            .iter()
            .find(|e| e.kind != crate::vocab::ElementKind::Boundary && e.name == end);
        if let Some(element) = named {
            let fixed = subject.replacen(end, &element.id, 1);
            return format!(
                "`{end}` is the name of `{}`; a threat id names elements by id: `\"{rule}@{fixed}\"`",
                element.id
            );
        }
    }
    let cost = 1 + end
        .len()
        .saturating_mul(model.elements.len())
        .saturating_mul(16);
    let closest = if budget.take(cost) {
        crate::diagnostics::closest(end, model.elements.iter().map(|e| e.id.as_str()))
    } else {
        None
    };
    match closest {
        Some(best) => format!("no element has the id `{end}`; did you mean `{best}`?"),
        None => format!(
            "no element has the id `{end}`; if it was renamed, add `formerly [{end}]` to the \
             element it became"
        ),
    }
}

fn no_match(
    model: &Model,
    decision: &Decision,
    pattern: &str,
    threats: &[Threat],
    known: &Known,
    budget: &mut HintBudget,
) -> Diagnostic {
    let kind = match decision.kind {
        DecisionKind::Mitigate => "mitigate",
        DecisionKind::Accept => "accept",
    };
    let diagnostic = Diagnostic::new(
        codes::E0106,
        decision.pattern_span,
        format!("`{kind} \"{}\"` matches no threat", decision.pattern),
    )
    .label("no threat has this id");
    if let Some(help) = unknown_part(model, pattern, threats, known, budget) {
        return diagnostic.with_help(help);
    }
    // A rule that made threats, but none on what the pattern names: its own threats are the
    // ones to suggest.
    let own_rule = pattern
        .split_once('@')
        .filter(|(rule, _)| !rule.contains('*') && known.fired(rule));
    // Every threat id is compared with the pattern; the run's hint budget keeps thousands of
    // unmatched decisions in a model with thousands of threats from taking quadratic time.
    let pattern_chars = pattern.chars().count();
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for threat in threats {
        if let Some((rule, _)) = own_rule {
            if threat.rule.as_deref() != Some(rule) {
                continue;
            }
        }
        let cost = 1 + pattern_chars.saturating_mul(threat.id.chars().count());
        if !budget.take(cost) {
            scored.clear();
            break;
        }
        scored.push((strsim::levenshtein(pattern, &threat.id), threat.id.as_str()));
    }
    scored.sort_unstable();
    let closest: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, id)| format!("`{id}`"))
        .collect();
    if let Some((rule, subject)) = own_rule {
        let on_a_flow = subject.contains('>');
        // Named after the wrong kind of thing, the rule's threats cannot match; otherwise the
        // rule did not fire there.
        let did_not_fire = match known.role(rule) {
            Some(Role::Element) if on_a_flow => format!(
                "`{rule}` is an `on element` rule: its threats are named after the element, \
                 `{rule}@ELEMENT`"
            ),
            Some(role) if role != Role::Element && !on_a_flow => format!(
                "`{rule}` is an `on {}` rule: its threats are named after the flow, \
                 `{rule}@SOURCE>TARGET`",
                role.word()
            ),
            _ => format!(
                "the rule `{rule}` did not fire on {}: its `on` or `when` rules it out there",
                on_subject(subject)
            ),
        };
        return diagnostic.with_help(match (closest.as_slice(), scored.len()) {
            ([], _) => did_not_fire,
            ([one], 1) => format!("{did_not_fire}; its one threat is {one}"),
            (ids, n) if n <= ids.len() => {
                format!("{did_not_fire}; its threats are {}", ids.join(", "))
            }
            (ids, _) => format!(
                "{did_not_fire}; its threats closest to this id are {}",
                ids.join(", ")
            ),
        });
    }
    // Naming the element where the threat is named after a flow is the likeliest slip.
    let shape = split(pattern).shape;
    let flow_hint = if shape == "@"
        && scored
            .first()
            .is_some_and(|(_, id)| split(id).shape.contains('>'))
    {
        "; threats of `on source`, `on target` and `on flow` rules are named after the flow, `RULE@SOURCE>TARGET`"
    } else {
        "; `*` matches any run of characters within one part"
    };
    match closest.as_slice() {
        [] if budget.is_spent() => diagnostic.with_help(
            "a threat id is `RULE@ELEMENT` or `RULE@SOURCE>TARGET` (`#N` for a repeated flow); `*` matches any run of characters within one part",
        ),
        [] => diagnostic.with_help("the model has no threats to decide on"),
        [one] => diagnostic.with_help(format!("the closest id is {one}{flow_hint}")),
        more => diagnostic.with_help(format!(
            "the closest ids are {}{flow_hint}",
            more.join(", ")
        )),
    }
}

fn twice(
    decision: &Decision,
    first: &Decision,
    first_lapsed: bool,
    id: &str,
    more: usize,
) -> Diagnostic {
    let others = match more {
        0 => String::new(),
        1 => " (and 1 more threat)".to_string(),
        n => format!(" (and {n} more threats)"),
    };
    Diagnostic::new(
        codes::W0006,
        decision.pattern_span,
        format!("`{id}`{others} is already decided by an earlier decision"),
    )
    .label("this decision does not apply to it")
    .with_secondary(first.pattern_span, "decided here first")
    .with_help(if first_lapsed {
        // The threat is open, and a mitigation added later for it looks like it should apply.
        "the first decision in source order wins, and that one is an acceptance that has \
         lapsed: the threat stays open until it is removed or renewed"
    } else {
        "the first decision in source order wins; narrow one of the patterns"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(pattern: &str, id: &str) -> bool {
        matches(&split(pattern), id)
    }

    #[test]
    fn parts_cut_ids_as_split_does() {
        for id in [
            "",
            "a",
            "@",
            "a@b",
            "a>b",
            "@a>",
            "r.x@e1>e2#3",
            "r@@>#",
            "é@ü>😀#",
            "a*@*",
            ">>",
        ] {
            let expected: Vec<&str> = id.split(SEPARATORS).collect();
            assert_eq!(parts(id).collect::<Vec<_>>(), expected, "{id:?}");
        }
    }

    #[test]
    fn stars_stay_within_a_part() {
        assert!(glob("*", ""));
        assert!(glob("spoofing.*", "spoofing.unauthenticated_source"));
        assert!(glob("*.flood", "denial_of_service.flood"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXbYY"));
        assert!(glob("**", "x"));
        assert!(!glob("x", "xy"));
        assert!(is_match("*@api_gateway", "dos.flood@api_gateway"));
        assert!(!is_match("*@api_gateway", "dos.flood@client>api_gateway"));
        assert!(is_match("*@checkout>psp#2", "r.x@checkout>psp#2"));
        assert!(!is_match("*@checkout>psp#2", "r.x@checkout>psp"));
        assert!(is_match("*@*>*", "r.x@a>b"));
        assert!(!is_match("*@*", "r.x@a>b"));
        assert!(is_match("prompt_injection", "prompt_injection"));
        assert!(is_match("prompt_*", "prompt_injection"));
        assert_ne!(shape("a@b>c"), shape("a>b@c"));
        assert_ne!(shape("a"), shape("a@b"));
        assert_eq!(shape("r@a>b#2"), shape("x@y>z#9"));
        assert_eq!(shape(&"@".repeat(40)), None);
    }

    /// The lookups by place, by exact part and by shape find what comparing the pattern with
    /// every threat id finds.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        use crate::compile::{compile, Options};
        use crate::load::MemoryLoader;
        let text = r#"
actor user "User"
process api "API"
store db "Database"
external psp "PSP"
boundary zone "Zone" { process inner "Inner" }
user -> api "Call"
api -> db "Write"
api -> db "Read"
api <-> psp "Pay"
api -> inner "Job"
threat skimming "Card skimming" { on api -> psp; category information_disclosure }
threat leak "Leak" { on db; category information_disclosure }
"#;
        let loader = MemoryLoader::new().with("m.tm", text);
        let compiled = compile(std::path::Path::new("m.tm"), &loader, &Options::default()).unwrap();
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        let threats = &compiled.threats.threats;
        let ids: Vec<&str> = threats.iter().map(|t| t.id.as_str()).collect();
        for id in ["skimming", "leak"] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        assert!(ids.iter().any(|id| id.ends_with("@api>db#2")), "{ids:?}");
        let mut patterns: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        patterns.extend(
            [
                "*",
                "*@*",
                "*@*>*",
                "*@*>*#*",
                "*@api",
                "*@api>db",
                "*@api>db#2",
                "*@*>db",
                "*@api>*",
                "spoofing.*@*",
                "*.*@user>api",
                "l*",
                "skim*",
                "*@nobody",
                "*@api>nobody",
                "nothing",
                "*@@",
                "a>b",
                "*#2",
                "*@api>db#*",
                "*@a*",
            ]
            .map(String::from),
        );
        let mut shared = Index::new(&compiled.model, threats);
        for pattern in &patterns {
            let expected: Vec<usize> = (0..threats.len())
                .filter(|&i| matches(&split(pattern), ids[i]))
                .collect();
            let mut fresh = Index::new(&compiled.model, threats);
            assert_eq!(fresh.find(pattern), expected, "{pattern}");
            assert_eq!(shared.find(pattern), expected, "{pattern} (shared)");
        }
    }

    #[test]
    fn the_shapes_threat_ids_have_are_the_shape_codes() {
        assert_eq!(shape("skimming"), Some(PLAIN));
        assert_eq!(shape("dos.flood@api"), Some(ON_ELEMENT));
        assert_eq!(shape("r.x@a>b"), Some(ON_FLOW));
        assert_eq!(shape("r.x@a>b#2"), Some(ON_REPEATED_FLOW));
    }

    #[test]
    fn long_patterns_stay_fast() {
        let text = "a".repeat(5000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!glob(&pattern, &text));
    }
}
