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

/// A checked block: the last value of each key, in source order.
pub struct Props<'a> {
    /// Hashed with foldhash: a model has a block per element and flow, each looked up by key
    /// several times, and SipHash was a tenth of resolving.
    values: IndexMap<&'a str, &'a Property, foldhash::fast::RandomState>,
    schema: Schema,
}

impl<'a> Props<'a> {
    pub fn check(
        properties: &'a [Property],
        schema: Schema,
        what: &dyn std::fmt::Display,
        sink: &mut Diagnostics,
    ) -> Props<'a> {
        let mut values: IndexMap<&'a str, &'a Property, foldhash::fast::RandomState> =
            IndexMap::default();
        for property in properties {
            let key = property.key.text.as_str();
            if let Some(earlier) = values.get(key) {
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
                None => {
                    if let Some((known, _)) =
                        schema.iter().find(|(known, _)| one_edit_apart(key, known))
                    {
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
            values.insert(key, property);
        }
        Props { values, schema }
    }

    pub fn get(&self, key: &str) -> Option<&'a Property> {
        self.values.get(key).copied()
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

    /// A list of words with their spans; empty when unset or of the wrong shape.
    pub fn list(&self, key: &str) -> Vec<(String, Span)> {
        match self.get(key).map(|p| &p.value.kind) {
            Some(ValueKind::List(items)) => items
                .iter()
                .filter_map(|item| item.as_text().map(|t| (t.to_string(), item.span)))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn words(&self, key: &str) -> Vec<String> {
        self.list(key).into_iter().map(|(word, _)| word).collect()
    }

    /// Keys the schema does not know, kept verbatim.
    pub fn extra(&self) -> IndexMap<String, PropValue> {
        self.values
            .iter()
            .filter(|(key, _)| !self.schema.iter().any(|(known, _)| known == *key))
            .map(|(key, property)| ((*key).to_string(), PropValue::from(&property.value)))
            .collect()
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
            sink.push(
                Diagnostic::new(
                    codes::E0011,
                    value.span,
                    format!("`{key}` takes one value, not {}", value.type_name()),
                )
                .label(if shape == Shape::Text {
                    "expected a string"
                } else {
                    "expected a word"
                }),
            );
        }
    }
}
