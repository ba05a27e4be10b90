//! A threat's title, explanation and mitigations. A rule's threats keep their templates and
//! subject, not the rendered text: the text is rendered again by each output that writes it, a
//! piece at a time or into a buffer the output reuses. At 10,000 elements the rendered text was 50 MB of the compile's memory,
//! and at 100,000 it was 800 MB, most of the memory fresh pages cost the kernel to hand out
//! (docs/performance-history.md, seventh round). Rendering is deterministic, so every output, and every
//! call, gets the same text.

use super::path::Scope;
pub use super::template::Origin;
use super::template::Template;
use super::ThreatSubject;
use crate::model::{Element, ElementIdx, Flow, FlowIdx, Model};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// What a rule's threats need to render their text: the model, and the rule's templates.
#[derive(Debug)]
pub struct RuleText {
    pub model: Arc<Model>,
    pub title: Template,
    pub explanation: Template,
    pub mitigations: Vec<Template>,
    /// The rule's `mitigated_by`: controls the model declares are named in the explanation.
    pub mitigated_by: Vec<String>,
    /// The rule sets no severity outright, so a declared control lowers the risk.
    pub lowers: bool,
}

/// Which of a threat's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Title,
    Explanation,
}

/// A title or an explanation.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// Hand-written, read back from JSON, or made by a test.
    Written(String),
    /// Rendered from the rule's templates on demand. The subject's indices are `u32`, with
    /// `u32::MAX` for none, and which text it is is the variant, so that a `Text` is no larger
    /// than a `String`.
    Title(Deferred),
    Explanation(Deferred),
}

#[derive(Clone)]
struct Deferred {
    rule: Arc<RuleText>,
    element: u32,
    flow: u32,
}

impl Deferred {
    /// `None` past four billion elements or flows.
    fn new(rule: &Arc<RuleText>, subject: ThreatSubject) -> Option<Deferred> {
        let compact = |index: Option<usize>| match index {
            None => Some(NONE),
            Some(i) => u32::try_from(i).ok().filter(|i| *i != NONE),
        };
        Some(Deferred {
            rule: rule.clone(),
            element: compact(subject.element.map(|e| e.index()))?,
            flow: compact(subject.flow.map(|f| f.index()))?,
        })
    }

    fn subject(&self) -> ThreatSubject {
        let index = |i: u32| (i != NONE).then_some(i as usize);
        ThreatSubject {
            element: index(self.element).map(ElementIdx::new),
            flow: index(self.flow).map(FlowIdx::new),
        }
    }
}

const NONE: u32 = u32::MAX;

impl Text {
    /// The title of `rule`'s threat about `subject`.
    pub fn title(rule: &Arc<RuleText>, subject: ThreatSubject) -> Text {
        Text::deferred(rule, subject, Which::Title)
    }

    /// The explanation of `rule`'s threat about `subject`.
    pub fn explanation(rule: &Arc<RuleText>, subject: ThreatSubject) -> Text {
        Text::deferred(rule, subject, Which::Explanation)
    }

    fn deferred(rule: &Arc<RuleText>, subject: ThreatSubject, which: Which) -> Text {
        match Deferred::new(rule, subject) {
            Some(deferred) => Text(match which {
                Which::Title => Repr::Title(deferred),
                Which::Explanation => Repr::Explanation(deferred),
            }),
            // Past four billion elements: render it now.
            None => {
                let mut text = String::new();
                rule.pieces(subject, which, &mut |piece, _| text.push_str(piece));
                Text(Repr::Written(text))
            }
        }
    }

    /// The text: borrowed when it is written out, else rendered into `scratch` (cleared first).
    pub fn as_str<'a>(&'a self, scratch: &'a mut String) -> &'a str {
        match &self.0 {
            Repr::Written(text) => text,
            Repr::Title(_) | Repr::Explanation(_) => {
                scratch.clear();
                self.pieces(|piece| scratch.push_str(piece));
                scratch
            }
        }
    }

    /// The text, handed to `piece` a piece at a time (for an output whose escaping works piece
    /// by piece, such as JSON's, this saves putting it together first).
    pub fn pieces(&self, mut piece: impl FnMut(&str)) {
        self.pieces_marked(|text, _| piece(text));
    }

    /// [`Text::pieces`], each marked with where it comes from: a piece of the rule's template
    /// is the same `&str` for every threat of the rule, so an output can work out once how to
    /// escape it.
    pub fn pieces_marked(&self, mut piece: impl FnMut(&str, Origin)) {
        match &self.0 {
            Repr::Written(text) => piece(text, Origin::Model),
            Repr::Title(deferred) => {
                (deferred.rule).pieces(deferred.subject(), Which::Title, &mut piece)
            }
            Repr::Explanation(deferred) => {
                (deferred.rule).pieces(deferred.subject(), Which::Explanation, &mut piece)
            }
        }
    }
}

/// A threat's mitigations: a list kept as text (shared by all the threats of a rule whose
/// mitigations have no `{{ }}` hole, or hand-written), or rendered from the rule's templates on
/// demand, like [`Text`].
#[derive(Clone)]
pub struct Mitigations(Listed);

#[derive(Clone)]
enum Listed {
    Kept(Arc<[Arc<str>]>),
    Rule(Deferred),
}

/// A threat's mitigations as a list of texts: kept, or rendered into a buffer.
pub enum MitigationList<'a> {
    Kept(&'a Arc<[Arc<str>]>),
    Rendered(&'a [String]),
}

impl MitigationList<'_> {
    pub fn len(&self) -> usize {
        match self {
            MitigationList::Kept(list) => list.len(),
            MitigationList::Rendered(list) => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (kept, rendered) = match self {
            MitigationList::Kept(list) => (&list[..], &[][..]),
            MitigationList::Rendered(list) => (&[][..], *list),
        };
        kept.iter()
            .map(|m| &**m)
            .chain(rendered.iter().map(String::as_str))
    }
}

impl Mitigations {
    /// The mitigations of `rule`'s threat about `subject`.
    pub fn rule(rule: &Arc<RuleText>, subject: ThreatSubject) -> Mitigations {
        match Deferred::new(rule, subject) {
            Some(deferred) => Mitigations(Listed::Rule(deferred)),
            None => {
                let scope = rule.scope(subject);
                let list = rule.mitigations.iter().map(|m| m.render(&scope).into());
                Mitigations(Listed::Kept(list.collect()))
            }
        }
    }

    /// The list when it is kept as text: the same `Arc` for every threat that shares it.
    pub fn kept(&self) -> Option<&Arc<[Arc<str>]>> {
        match &self.0 {
            Listed::Kept(list) => Some(list),
            Listed::Rule(_) => None,
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Listed::Kept(list) => list.len(),
            Listed::Rule(deferred) => deferred.rule.mitigations.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The list: as kept, or rendered into `scratch`, whose strings are reused.
    pub fn as_list<'a>(&'a self, scratch: &'a mut Vec<String>) -> MitigationList<'a> {
        match &self.0 {
            Listed::Kept(list) => MitigationList::Kept(list),
            Listed::Rule(deferred) => {
                let templates = &deferred.rule.mitigations;
                scratch.resize_with(templates.len(), String::new);
                let scope = deferred.rule.scope(deferred.subject());
                for (template, text) in templates.iter().zip(scratch.iter_mut()) {
                    text.clear();
                    template.pieces(&scope, &mut |piece| text.push_str(piece));
                }
                MitigationList::Rendered(scratch.get(..templates.len()).unwrap_or_default())
            }
        }
    }

    pub fn to_vec(&self) -> Vec<String> {
        let mut scratch = Vec::new();
        let list = self.as_list(&mut scratch);
        list.iter().map(str::to_string).collect()
    }
}

impl From<Arc<[Arc<str>]>> for Mitigations {
    fn from(list: Arc<[Arc<str>]>) -> Mitigations {
        Mitigations(Listed::Kept(list))
    }
}

impl FromIterator<Arc<str>> for Mitigations {
    fn from_iter<I: IntoIterator<Item = Arc<str>>>(items: I) -> Mitigations {
        Mitigations::from(items.into_iter().collect::<Arc<[Arc<str>]>>())
    }
}

impl Default for Mitigations {
    fn default() -> Mitigations {
        Mitigations(Listed::Kept(Arc::from(Vec::new())))
    }
}

impl fmt::Debug for Mitigations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.to_vec()).finish()
    }
}

/// Lists are equal when they read the same, however they are kept.
impl PartialEq for Mitigations {
    fn eq(&self, other: &Mitigations) -> bool {
        self.to_vec() == other.to_vec()
    }
}

impl Serialize for Mitigations {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut scratch = Vec::new();
        serializer.collect_seq(self.as_list(&mut scratch).iter())
    }
}

impl<'de> Deserialize<'de> for Mitigations {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Mitigations, D::Error> {
        let list = Vec::<String>::deserialize(deserializer)?;
        Ok(Mitigations::from(
            list.into_iter().map(Arc::from).collect::<Arc<[Arc<str>]>>(),
        ))
    }
}

impl RuleText {
    /// The scope the rule's templates were rendered in when it fired on `subject`: a flow's
    /// (for `on flow`, `on source` and `on target` rules) or an element's.
    pub fn scope(&self, subject: ThreatSubject) -> Scope<'_> {
        let model = &*self.model;
        match subject.flow {
            Some(idx) => {
                let flow = model.flow(idx);
                Scope {
                    model,
                    element: None,
                    flow: Some(idx),
                    source: flow.map(|f| f.source),
                    target: flow.map(|f| f.target),
                }
            }
            None => Scope {
                model,
                element: subject.element,
                flow: None,
                source: None,
                target: None,
            },
        }
    }

    fn pieces(&self, subject: ThreatSubject, which: Which, piece: &mut impl FnMut(&str, Origin)) {
        let scope = self.scope(subject);
        match which {
            Which::Title => self.title.pieces_marked(&scope, piece),
            Which::Explanation => {
                let mut ending = Ending::default();
                self.explanation.pieces_marked(&scope, &mut |text, origin| {
                    ending.after(text);
                    piece(text, origin);
                });
                if self.mitigated_by.is_empty() {
                    return;
                }
                let element = subject.element.and_then(|e| self.model.element(e));
                let flow = subject.flow.and_then(|f| self.model.flow(f));
                let mut suffix = String::new();
                Declared::find(&self.mitigated_by, element, flow).explain(
                    element,
                    self.lowers,
                    ending.open(),
                    &mut suffix,
                );
                if !suffix.is_empty() {
                    piece(&suffix, Origin::Model);
                }
            }
        }
    }
}

/// How a text rendered a piece at a time ends, as far as the sentence added after it cares.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Ending {
    pub length: usize,
    last: Option<u8>,
}

impl Ending {
    pub fn after(&mut self, piece: &str) {
        self.length += piece.len();
        if let Some(&byte) = piece.as_bytes().last() {
            self.last = Some(byte);
        }
    }

    /// Not empty, and not ending in a space: a sentence after it needs one first.
    pub fn open(self) -> bool {
        self.last.is_some_and(|byte| byte != b' ')
    }
}

/// The `mitigated_by` controls the model declares, on the element and on the flow.
pub(super) struct Declared<'r> {
    pub on_element: Vec<&'r str>,
    pub on_flow: Vec<&'r str>,
}

impl<'r> Declared<'r> {
    pub fn find(
        mitigated_by: &'r [String],
        element: Option<&Element>,
        flow: Option<&Flow>,
    ) -> Self {
        let mut declared = Declared {
            on_element: Vec::new(),
            on_flow: Vec::new(),
        };
        for control in mitigated_by {
            if element.is_some_and(|e| e.properties.controls.contains(control)) {
                declared.on_element.push(control);
            } else if flow.is_some_and(|f| f.properties.controls.contains(control)) {
                declared.on_flow.push(control);
            }
        }
        declared
    }

    pub fn reasons(&self, element: Option<&Element>) -> Vec<String> {
        let name = element.map_or("the element", |e| e.name.as_str());
        let on_element = self
            .on_element
            .iter()
            .map(|c| format!("{name} declares {c}"));
        let on_flow = self
            .on_flow
            .iter()
            .map(|c| format!("the flow declares {c}"));
        on_element.chain(on_flow).collect()
    }

    /// Says so after the explanation, in `out`, without claiming anything the model does not
    /// declare (nor that it lowered a severity the rule sets outright). `open`: the explanation
    /// is not empty and does not end in a space.
    pub fn explain(&self, element: Option<&Element>, lowers: bool, open: bool, out: &mut String) {
        let name = element.map_or("The element", |e| e.name.as_str());
        for (who, controls) in [(name, &self.on_element), ("The flow", &self.on_flow)] {
            if controls.is_empty() {
                continue;
            }
            let (verb, pronoun) = if controls.len() == 1 {
                ("covers", "it")
            } else {
                ("cover", "they")
            };
            let needs_space = if out.is_empty() {
                open
            } else {
                !out.ends_with(' ')
            };
            if needs_space {
                out.push(' ');
            }
            let effect = if lowers {
                ", which lowers the risk"
            } else {
                ""
            };
            out.push_str(who);
            out.push_str(" already declares ");
            out.push_str(&and_list(controls));
            out.push_str(effect);
            out.push_str("; verify ");
            out.push_str(pronoun);
            out.push(' ');
            out.push_str(verb);
            out.push_str(" this threat.");
        }
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Repr::Written(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(Repr::Written(text.to_string()))
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Written(String::new()))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut scratch = String::new();
        f.write_str(self.as_str(&mut scratch))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut scratch = String::new();
        fmt::Debug::fmt(self.as_str(&mut scratch), f)
    }
}

/// Texts are equal when they read the same, however they are kept.
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        let (mut mine, mut theirs) = (String::new(), String::new());
        self.as_str(&mut mine) == other.as_str(&mut theirs)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        let mut scratch = String::new();
        self.as_str(&mut scratch) == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut scratch = String::new();
        serializer.serialize_str(self.as_str(&mut scratch))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_no_larger_than_a_string() {
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["tls"]), "tls");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
