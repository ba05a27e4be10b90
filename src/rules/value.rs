//! Values a `when` expression computes with. They borrow from the model and the compiled rule,
//! so evaluating a rule allocates nothing in the common case.
//!
//! Semantics (docs/rules-language.md): an identifier equals a string with the same text;
//! `none` equals `none` and the empty list; comparing values of different types is false,
//! never an error.

use crate::model::{DataIdx, ElementIdx, Model, PropValue};
use crate::vocab::{Classification, Level};

/// A literal in a rule, owned by the compiled rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Text(String),
    List(Vec<Const>),
}

/// A list value, borrowed from wherever it lives.
#[derive(Debug, Clone, Copy)]
pub enum List<'a> {
    /// Tags, controls, `formerly`: words as written.
    Words(&'a [String]),
    /// Data ids.
    Data(&'a [DataIdx]),
    /// Element ids (`boundaries`).
    Elements(&'a [ElementIdx]),
    /// A list literal.
    Consts(&'a [Const]),
    /// A custom property's list.
    Props(&'a [PropValue]),
}

#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    None,
    Bool(bool),
    Int(i64),
    Text(&'a str),
    List(List<'a>),
    /// An element (`target.boundary`): equals its id, shows as its name.
    Element(ElementIdx),
}

/// What an ordered comparison orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdKind {
    Classification,
    Level,
    Int,
}

impl<'a> Value<'a> {
    pub fn text(text: Option<&'a str>) -> Value<'a> {
        text.map_or(Value::None, Value::Text)
    }

    pub fn from_prop(prop: &'a PropValue) -> Value<'a> {
        match prop {
            PropValue::Text(s) => Value::Text(s),
            PropValue::Int(n) => Value::Int(*n),
            PropValue::Bool(b) => Value::Bool(*b),
            PropValue::List(items) => Value::List(List::Props(items)),
        }
    }

    pub fn from_const(value: &'a Const) -> Value<'a> {
        match value {
            Const::None => Value::None,
            Const::Bool(b) => Value::Bool(*b),
            Const::Int(n) => Value::Int(*n),
            Const::Text(s) => Value::Text(s),
            Const::List(items) => Value::List(List::Consts(items)),
        }
    }

    /// `when` treats `none`, `false`, `0`, empty text and empty lists as false.
    pub fn truthy(self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => b,
            Value::Int(n) => n != 0,
            Value::Text(s) => !s.is_empty(),
            Value::List(list) => !list.is_empty(),
            Value::Element(_) => true,
        }
    }

    /// `==`
    pub fn equals(self, other: Value<'a>, model: &'a Model) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::None, Value::List(list)) | (Value::List(list), Value::None) => list.is_empty(),
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::Element(a), Value::Element(b)) => a == b,
            (Value::Element(e), Value::Text(t)) | (Value::Text(t), Value::Element(e)) => {
                model.element(e).is_some_and(|element| element.id == t)
            }
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len()
                    && (0..a.len()).all(|i| match (a.get(i, model), b.get(i, model)) {
                        (Some(x), Some(y)) => x.equals(y, model),
                        _ => false,
                    })
            }
            _ => false,
        }
    }

    /// `has`: list membership; a single value is a list of one, `none` is the empty list.
    pub fn has(self, item: Value<'a>, model: &'a Model) -> bool {
        match self {
            Value::None => false,
            Value::List(list) => list.any(model, |x| x.equals(item, model)),
            scalar => scalar.equals(item, model),
        }
    }

    /// `contains`: a case-insensitive substring on text, membership on lists.
    pub fn contains(self, needle: Value<'a>, model: &'a Model) -> bool {
        match (self, needle) {
            (Value::Text(hay), Value::Text(needle)) => contains_ignore_case(hay, needle),
            (Value::Element(e), Value::Text(needle)) => model
                .element(e)
                .is_some_and(|element| contains_ignore_case(&element.name, needle)),
            (Value::List(_), _) => self.has(needle, model),
            _ => false,
        }
    }

    /// The rank of an ordered value: classifications, levels and integers each have their own scale.
    pub fn rank(self) -> Option<(OrdKind, i64)> {
        match self {
            Value::Int(n) => Some((OrdKind::Int, n)),
            Value::Text(word) => word_rank(word),
            _ => None,
        }
    }

    /// `<`, `<=`, `>`, `>=`: `None` when the two are not on the same scale (the comparison is false).
    pub fn compare(self, other: Value<'a>) -> Option<std::cmp::Ordering> {
        let (a_kind, a) = self.rank()?;
        let (b_kind, b) = other.rank()?;
        (a_kind == b_kind).then(|| a.cmp(&b))
    }

    /// How a template shows the value (lists comma-separated, `none` as nothing, elements by
    /// name), handed to `piece` a piece at a time, without putting it together.
    pub fn pieces(self, model: &Model, piece: &mut impl FnMut(&str)) {
        match self {
            Value::None => {}
            Value::Bool(b) => piece(if b { "true" } else { "false" }),
            Value::Int(n) => piece(itoa::Buffer::new().format(n)),
            Value::Text(s) => piece(s),
            Value::Element(e) => {
                if let Some(element) = model.element(e) {
                    piece(&element.name);
                }
            }
            Value::List(list) => {
                for i in 0..list.len() {
                    if i > 0 {
                        piece(", ");
                    }
                    if let Some(item) = list.get(i, model) {
                        item.pieces(model, piece);
                    }
                }
            }
        }
    }
}

/// The rank of a classification or level word.
pub fn word_rank(word: &str) -> Option<(OrdKind, i64)> {
    if let Some(c) = Classification::from_word(word) {
        return Some((OrdKind::Classification, c as i64));
    }
    Level::from_word(word).map(|l| (OrdKind::Level, l as i64))
}

impl<'a> List<'a> {
    pub fn len(self) -> usize {
        match self {
            List::Words(items) => items.len(),
            List::Data(items) => items.len(),
            List::Elements(items) => items.len(),
            List::Consts(items) => items.len(),
            List::Props(items) => items.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The item at `index`; data and elements are seen as their ids.
    pub fn get(self, index: usize, model: &'a Model) -> Option<Value<'a>> {
        Some(match self {
            List::Words(items) => Value::Text(items.get(index)?),
            List::Data(items) => Value::Text(&model.data_item(*items.get(index)?)?.id),
            List::Elements(items) => Value::Text(&model.element(*items.get(index)?)?.id),
            List::Consts(items) => Value::from_const(items.get(index)?),
            List::Props(items) => Value::from_prop(items.get(index)?),
        })
    }

    pub fn any(self, model: &'a Model, mut predicate: impl FnMut(Value<'a>) -> bool) -> bool {
        (0..self.len()).any(|i| self.get(i, model).is_some_and(&mut predicate))
    }
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
        needle.is_empty()
            || hay
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle))
    } else {
        hay.to_lowercase().contains(&needle.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_equal_strings_and_none_equals_empty() {
        let model = Model::default();
        assert!(Value::Text("process").equals(Value::Text("process"), &model));
        assert!(Value::None.equals(Value::None, &model));
        assert!(Value::None.equals(Value::List(List::Words(&[])), &model));
        assert!(!Value::None.equals(Value::Text(""), &model));
        assert!(!Value::Int(1).equals(Value::Text("1"), &model));
    }

    #[test]
    fn membership_and_substrings() {
        let model = Model::default();
        let controls = vec!["tls".to_string(), "authentication".to_string()];
        let list = Value::List(List::Words(&controls));
        assert!(list.has(Value::Text("tls"), &model));
        assert!(!list.has(Value::Text("waf"), &model));
        assert!(!Value::None.has(Value::Text("tls"), &model));
        assert!(Value::Text("HTTPS/REST").contains(Value::Text("https"), &model));
        assert!(Value::Text("Café Öl").contains(Value::Text("ÖL"), &model));
        assert!(!Value::Text("grpc").contains(Value::Text("https"), &model));
        assert!(list.contains(Value::Text("tls"), &model));
    }

    #[test]
    fn ordered_comparisons_stay_on_their_scale() {
        use std::cmp::Ordering::*;
        assert_eq!(
            Value::Text("restricted").compare(Value::Text("internal")),
            Some(Greater)
        );
        assert_eq!(
            Value::Text("low").compare(Value::Text("critical")),
            Some(Less)
        );
        assert_eq!(Value::Int(3).compare(Value::Int(3)), Some(Equal));
        assert_eq!(Value::Text("high").compare(Value::Text("public")), None);
        assert_eq!(Value::None.compare(Value::Text("public")), None);
        assert_eq!(Value::Text("banana").compare(Value::Text("apple")), None);
    }

    #[test]
    fn truthiness() {
        assert!(!Value::None.truthy());
        assert!(!Value::List(List::Consts(&[])).truthy());
        assert!(Value::Text("x").truthy());
        assert!(!Value::Bool(false).truthy());
    }
}
