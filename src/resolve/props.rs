//! Property blocks: known keys checked for the shape of their value, duplicates and near-miss
//! keys warned about, everything else kept for rules to read.

use crate::diagnostics::{codes, one_edit_apart, Diagnostic, Diagnostics};
use crate::model::PropValue;
use crate::source::Span;
use crate::syntax::ast::{Property, Value, ValueKind};
use indexmap::IndexMap;

/// What a known key's value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string (an identifier is accepted: it equals a string with the same text).
    Text,
    /// A list of strings or identifiers.
    List,
    /// One word out of a closed vocabulary, checked by the caller.
    Word,
}

/// The keys one kind of declaration knows.
pub type Schema = &'static [(&'static str, Shape)];

pub const ELEMENT: Schema = &[
    ("description", Shape::Text),
    ("technology", Shape::Text),
    ("tags", Shape::List),
    ("controls", Shape::List),
    ("stores", Shape::List),
    ("owner", Shape::Text),
    ("url", Shape::Text),
    ("formerly", Shape::List),
];
pub const MODEL: Schema = &[
    ("description", Shape::Text),
    ("version", Shape::Text),
    ("owner", Shape::Text),
    ("url", Shape::Text),
];
pub const DATA: Schema = &[
    ("classification", Shape::Word),
    ("description", Shape::Text),
    ("tags", Shape::List),
    ("owner", Shape::Text),
];
pub const FLOW: Schema = &[
    ("protocol", Shape::Text),
    ("data", Shape::List),
    ("controls", Shape::List),
    ("tags", Shape::List),
    ("description", Shape::Text),
];
/// The facts tmc works out for an element (docs/language.md, *Derived facts*), with how to say
/// what setting one would have meant. A property of the same name would be kept but never read:
/// rules read the fact. (A test holds these and [`ELEMENT`] to the fields rules can read.)
pub const ELEMENT_DERIVED: &[(&str, &str)] = &[
    ("id", "the id is the one after the keyword: `process api \"API\"`"),
    ("name", "the name is the string after the id: `process api \"API\"`"),
    ("kind", "the kind is the keyword the element is declared with (`actor`, `external`, `process`, `store`)"),
    ("data", "a store lists its data with `stores [...]`; the data of other elements is what their flows carry"),
    ("max_classification", "it is the highest classification of the element's data"),
    ("boundary", "declare the element inside the `boundary` block"),
    ("boundaries", "declare the element inside the `boundary` blocks"),
    ("internet_facing", "tag the element: `tags [internet_facing]`"),
    ("inbound", "it is counted from the flows"),
    ("outbound", "it is counted from the flows"),
];
/// The facts tmc works out for a flow, as [`ELEMENT_DERIVED`] for elements.
pub const FLOW_DERIVED: &[(&str, &str)] = &[
    ("id", "a flow's id is `SOURCE>TARGET`"),
    ("number", "flows are numbered in reading order"),
    (
        "label",
        "write the label after the ends: `a -> b \"label\"`",
    ),
    (
        "crosses_boundary",
        "a flow crosses a boundary when its ends are declared in different boundaries",
    ),
    (
        "max_classification",
        "it is the highest classification of the data the flow carries",
    ),
    (
        "encrypted",
        "write `controls [tls]` (or `mtls`), or a protocol that names TLS, such as \"HTTPS\"",
    ),
];

/// Reports each property in `p` named like a fact of `derived` (`E0012`): rules would read the
/// fact, never the property, so `encrypted true` would leave the flow unencrypted without a word.
pub fn refuse_derived(
    p: &Props<'_>,
    derived: &[(&str, &str)],
    what: &dyn std::fmt::Display,
    sink: &mut Diagnostics,
) {
    for (key, help) in derived {
        if let Some(property) = p.get(key) {
            sink.push(
                Diagnostic::new(
                    codes::E0012,
                    property.key.span,
                    format!("`{key}` of {what} is worked out by tmc, not set"),
                )
                .label("rules read the worked-out value, never this one")
                .with_help(*help),
            );
        }
    }
}

/// What a `stores` property lists, as written (`d, e`), or `...` when it is not a list of names.
pub fn stores_written(p: &Props<'_>) -> String {
    let items: Vec<&str> = p.items("stores").map(|(word, _)| word).collect();
    if items.is_empty() {
        "...".to_string()
    } else {
        items.join(", ")
    }
}

/// E0012 for `stores` where no store is declared (a flow, a data): only a store holds data, and
/// as a custom property the list would be kept and never read. `help` says what to write.
pub fn refuse_stores(p: &Props<'_>, what: &str, help: String, sink: &mut Diagnostics) {
    if let Some(property) = p.get("stores") {
        sink.push(
            Diagnostic::new(
                codes::E0012,
                property.key.span,
                format!("`stores` is only for stores, not {what}"),
            )
            .label("not allowed here")
            .with_help(help),
        );
    }
}

pub const THREAT: Schema = &[
    ("category", Shape::Word),
    ("severity", Shape::Word),
    ("likelihood", Shape::Word),
    ("impact", Shape::Word),
    ("explanation", Shape::Text),
    ("description", Shape::Text),
    ("mitigations", Shape::List),
    ("references", Shape::List),
];
/// Statements that are only declared at the top level; as a key in a block, one is a misplaced
/// statement, never a custom property (`use llm` in a boundary would load no pack).
pub const STATEMENTS: &[&str] = &["mitigate", "accept", "threat", "rule", "include", "use"];

pub const MITIGATE: Schema = &[("by", Shape::Text)];
pub const ACCEPT: Schema = &[("reason", Shape::Text), ("until", Shape::Text)];
pub const RULE: Schema = &[
    ("category", Shape::Word),
    ("title", Shape::Text),
    ("explanation", Shape::Text),
    ("description", Shape::Text),
    ("mitigations", Shape::List),
    ("mitigated_by", Shape::List),
    ("impact", Shape::Word),
    ("likelihood", Shape::Word),
    ("severity", Shape::Word),
    ("references", Shape::List),
];

/// Blocks with more properties than this get a map; smaller ones (every block of a real model)
/// are searched where they are, without allocating: at N = 100,000 a map per element and flow
/// was 600,000 allocations.
const SEARCHED_UP_TO: usize = 16;

/// What a block does with keys outside its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Keeps them as custom properties; a key near a known one is W0001.
    KeepsOthers,
    /// As `KeepsOthers`, for a boundary's block, which holds declarations: there `model
    /// "Name"` is the statement misplaced too; elsewhere it is a custom property (`external gpt
    /// { model "gpt-4o" }`).
    Boundary,
    /// Keeps none (a hand-written threat): the caller says what becomes of them (W0011), so a
    /// near-miss gets no W0001 saying it is kept.
    KeepsNothing,
}

/// A checked block: the last value of each key, in source order.
pub struct Props<'a> {
    properties: &'a [Property],
    /// Key → last value, in the order keys first appear; only for blocks of more than
    /// [`SEARCHED_UP_TO`] properties. Hashed with foldhash (SipHash was a tenth of resolving).
    large: Option<IndexMap<&'a str, &'a Property, foldhash::fast::RandomState>>,
    schema: Schema,
}

impl<'a> Props<'a> {
    /// Checks a block whose other keys are kept as custom properties: a key near a known one
    /// is W0001.
    pub fn check(
        properties: &'a [Property],
        schema: Schema,
        what: &dyn std::fmt::Display,
        sink: &mut Diagnostics,
    ) -> Props<'a> {
        Props::check_as(properties, schema, what, Block::KeepsOthers, sink)
    }

    /// Checks a block of the given kind: what becomes of keys outside `schema`.
    pub fn check_as(
        properties: &'a [Property],
        schema: Schema,
        what: &dyn std::fmt::Display,
        block: Block,
        sink: &mut Diagnostics,
    ) -> Props<'a> {
        let mut large: Option<IndexMap<&'a str, &'a Property, foldhash::fast::RandomState>> =
            (properties.len() > SEARCHED_UP_TO).then(IndexMap::default);
        for (index, property) in properties.iter().enumerate() {
            let key = property.key.text.as_str();
            let earlier = match &large {
                Some(values) => values.get(key).copied(),
                None => properties
                    .get(..index)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .find(|p| p.key.text == key),
            };
            if let Some(earlier) = earlier {
                sink.push(
                    Diagnostic::new(
                        codes::W0002,
                        property.key.span,
                        format!("`{key}` is set twice"),
                    )
                    .label("this value wins")
                    .with_secondary(earlier.key.span, "first set here"),
                );
            }
            match schema.iter().find(|(known, _)| *known == key) {
                Some((_, shape)) => check_shape(property, *shape, sink),
                None if STATEMENTS.contains(&key) || block == Block::Boundary && key == "model" => {
                    // `mitigate "*@api"` inside a boundary read as a custom property: the
                    // decision would be kept as text on the boundary and never applied.
                    sink.push(
                        Diagnostic::new(
                            codes::E0018,
                            property.key.span,
                            format!("`{key}` inside {what}"),
                        )
                        .label("read as a property, so it never applies")
                        .with_help(format!(
                            "`{key}` is declared at the top level of a file: move it after the closing `}}`"
                        )),
                    );
                }
                None if block == Block::KeepsNothing => {}
                None => {
                    if let Some((known, _)) = schema.iter().find(|(known, _)| {
                        one_edit_apart(key, known) || key.eq_ignore_ascii_case(known)
                    }) {
                        sink.push(
                            Diagnostic::new(
                                codes::W0001,
                                property.key.span,
                                format!("unknown property `{key}` on {what}"),
                            )
                            .label("kept as a custom property")
                            .with_help(format!("did you mean `{known}`?")),
                        );
                    }
                }
            }
            if let Some(values) = &mut large {
                values.insert(key, property);
            }
        }
        Props {
            properties,
            large,
            schema,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Property> {
        match &self.large {
            Some(values) => values.get(key).copied(),
            None => self.properties.iter().rev().find(|p| p.key.text == key),
        }
    }

    /// Each key's last value, in the order keys first appear.
    fn values(&self) -> Vec<(&'a str, &'a Property)> {
        match &self.large {
            Some(values) => values.iter().map(|(k, v)| (*k, *v)).collect(),
            None => {
                let properties = self.properties;
                properties
                    .iter()
                    .enumerate()
                    .filter(|(index, property)| {
                        !properties
                            .get(..*index)
                            .unwrap_or_default()
                            .iter()
                            .any(|p| p.key.text == property.key.text)
                    })
                    .filter_map(|(_, first)| {
                        let key = first.key.text.as_str();
                        Some((key, self.get(key)?))
                    })
                    .collect()
            }
        }
    }

    pub fn span(&self, key: &str) -> Option<Span> {
        self.get(key).map(|p| p.value.span)
    }

    /// A text value; `None` when unset or of the wrong shape (already reported).
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|p| p.value.as_text())
            .map(str::to_string)
    }

    /// The words of a list with their spans, as written; none when unset or of the wrong shape.
    pub fn items(&self, key: &str) -> impl Iterator<Item = (&'a str, Span)> + 'a {
        let items = match self.get(key).map(|p| &p.value.kind) {
            Some(ValueKind::List(items)) => items.as_slice(),
            _ => &[],
        };
        items
            .iter()
            .filter_map(|item| item.as_text().map(|t| (t, item.span)))
    }

    /// A list of words with their spans; empty when unset or of the wrong shape.
    pub fn list(&self, key: &str) -> Vec<(String, Span)> {
        self.items(key)
            .map(|(word, span)| (word.to_string(), span))
            .collect()
    }

    pub fn words(&self, key: &str) -> Vec<String> {
        self.items(key).map(|(word, _)| word.to_string()).collect()
    }

    /// Keys the schema does not know, kept verbatim.
    pub fn extra(&self) -> IndexMap<String, PropValue> {
        if self.properties.iter().all(|p| self.is_known(&p.key.text)) {
            return IndexMap::new();
        }
        self.values()
            .into_iter()
            .filter(|(key, _)| !self.is_known(key))
            .map(|(key, property)| (key.to_string(), PropValue::from(&property.value)))
            .collect()
    }

    fn is_known(&self, key: &str) -> bool {
        self.schema.iter().any(|(known, _)| *known == key)
    }

    /// A word from a closed vocabulary, reported with the allowed words when it is not one.
    pub fn word<T>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
        sink: &mut Diagnostics,
    ) -> Option<T> {
        let property = self.get(key)?;
        let text = property.value.as_text()?;
        match parse(text) {
            Some(value) => Some(value),
            None => {
                sink.push(
                    Diagnostic::new(
                        codes::E0010,
                        property.value.span,
                        format!("`{text}` is not a valid {key}"),
                    )
                    .label(format!("expected one of {}", allowed.join(", ")))
                    .with_suggestion(text, allowed.iter().copied()),
                );
                None
            }
        }
    }
}

fn check_shape(property: &Property, shape: Shape, sink: &mut Diagnostics) {
    let value: &Value = &property.value;
    let key = &property.key.text;
    match (shape, &value.kind) {
        (Shape::Text | Shape::Word, ValueKind::Str(_) | ValueKind::Ident(_)) => {}
        (Shape::List, ValueKind::List(items)) => {
            for item in items {
                if item.as_text().is_none() {
                    sink.push(
                        Diagnostic::new(
                            codes::E0011,
                            item.span,
                            format!("`{key}` holds names, not {}", item.type_name()),
                        )
                        .label("expected a name or a string"),
                    );
                }
            }
        }
        (Shape::List, _) => {
            let shown = match &value.kind {
                ValueKind::Str(s) => format!("\"{s}\""),
                ValueKind::Ident(s) => s.clone(),
                _ => "...".to_string(),
            };
            sink.push(
                Diagnostic::new(
                    codes::E0011,
                    value.span,
                    format!("`{key}` takes a list, not {}", value.type_name()),
                )
                .label("expected a list")
                .with_help(format!("write `{key} [{shown}]`")),
            );
        }
        (Shape::Text | Shape::Word, _) => {
            let (wanted, expected) = match shape {
                Shape::Text => ("a string", "expected a string"),
                _ => ("one word", "expected a word"),
            };
            let mut diagnostic = Diagnostic::new(
                codes::E0011,
                value.span,
                format!("`{key}` takes {wanted}, not {}", value.type_name()),
            )
            .label(expected);
            // `version 2`, `owner 42`: the text as a string.
            if let (Shape::Text, ValueKind::Int(n)) = (shape, &value.kind) {
                diagnostic = diagnostic.with_help(format!("write `{key} \"{n}\"`"));
            }
            sink.push(diagnostic);
        }
    }
}

/// E0017 for a text (a title, an item of a list) that is empty or only blanks, which a report
/// would show as an empty cell or bullet.
pub fn empty_text(key: &str, span: Span, help: impl Into<String>) -> Diagnostic {
    Diagnostic::new(codes::E0017, span, format!("an empty text in `{key}`"))
        .label("nothing to show")
        .with_help(help)
}

#[cfg(test)]
mod tests {
    /// Every field a rule can read of an element or a flow is either set in a block or worked
    /// out (and then refused as a property): none is left for a property to shadow silently.
    #[test]
    fn every_field_rules_read_is_settable_or_refused() {
        use super::{ELEMENT, ELEMENT_DERIVED, FLOW, FLOW_DERIVED};
        use crate::rules::path::{ELEMENT_FIELDS, FLOW_FIELDS};
        for (fields, schema, derived) in [
            (ELEMENT_FIELDS, ELEMENT, ELEMENT_DERIVED),
            (FLOW_FIELDS, FLOW, FLOW_DERIVED),
        ] {
            for field in fields {
                let settable = schema.iter().any(|(key, _)| key == field);
                let refused = derived.iter().any(|(key, _)| key == field);
                assert!(
                    settable != refused,
                    "`{field}`: settable {settable}, refused {refused}"
                );
            }
            for (key, _) in derived {
                assert!(fields.contains(key), "`{key}` is not a field rules read");
            }
        }
    }

    use crate::compile::{compile, Options};
    use crate::load::MemoryLoader;
    use crate::model::PropValue;

    /// A block searched where it is and a block large enough for a map give the same values,
    /// custom keys in the order they first appear with their last value, and the same warnings.
    #[test]
    fn small_and_large_blocks_agree() {
        for filler in [0, super::SEARCHED_UP_TO] {
            let mut block = String::from("zone b; rank 1; technology \"Go\"; zone a; tier 3; ");
            for n in 0..filler {
                block.push_str(&format!("k{n} {n}; "));
            }
            block.push_str("rank 2; technologi \"x\"; technology \"Rust\"");
            let text = format!("process api \"API\" {{ {block} }}\n");
            let loader = MemoryLoader::new().with("m.tm", text);
            let compiled =
                compile(std::path::Path::new("m.tm"), &loader, &Options::default()).unwrap();
            let element = compiled.model.elements.first().unwrap();
            assert_eq!(element.properties.technology.as_deref(), Some("Rust"));
            let extra: Vec<(&str, &PropValue)> = element
                .properties
                .extra
                .iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect();
            let expected = [
                ("zone", PropValue::Text("a".into())),
                ("rank", PropValue::Int(2)),
                ("tier", PropValue::Int(3)),
            ];
            let keys: Vec<&str> = extra.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys.first().copied(), Some("zone"), "{keys:?}");
            assert_eq!(extra.len(), 3 + filler + 1, "{keys:?}");
            for (key, value) in &expected {
                assert_eq!(
                    extra.iter().find(|(k, _)| k == key).map(|(_, v)| *v),
                    Some(value),
                    "{key} with {filler} more"
                );
            }
            assert_eq!(keys.last().copied(), Some("technologi"), "{keys:?}");
            let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code.id).collect();
            // zone, rank and technology set twice; `technologi` one edit from a known key.
            assert_eq!(
                codes.iter().filter(|c| **c == "W0002").count(),
                3,
                "{codes:?} with {filler} more"
            );
            assert_eq!(
                codes.iter().filter(|c| **c == "W0001").count(),
                1,
                "{codes:?}"
            );
        }
    }
}
