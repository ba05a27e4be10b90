//! Property values as the model keeps them: identifiers become text, lists stay lists.

use crate::syntax::ast::{Value, ValueKind};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PropValue {
    Text(String),
    Int(i64),
    Bool(bool),
    List(Vec<PropValue>),
}

impl From<&Value> for PropValue {
    fn from(value: &Value) -> PropValue {
        match &value.kind {
            ValueKind::Str(s) | ValueKind::Ident(s) => PropValue::Text(s.clone()),
            ValueKind::Int(n) => PropValue::Int(*n),
            ValueKind::Bool(b) => PropValue::Bool(*b),
            ValueKind::List(items) => PropValue::List(items.iter().map(PropValue::from).collect()),
        }
    }
}

impl PropValue {
    /// The text as a template shows it: lists comma-separated.
    pub fn display(&self) -> String {
        match self {
            PropValue::Text(s) => s.clone(),
            PropValue::Int(n) => n.to_string(),
            PropValue::Bool(b) => b.to_string(),
            PropValue::List(items) => items
                .iter()
                .map(PropValue::display)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}
