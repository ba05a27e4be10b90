//! Evaluating compiled `when` expressions: a small tree-walker over `Value`s. It never fails
//! and never panics; a comparison that makes no sense is false.

use super::path::{Path, Scope};
use super::value::{Const, Value};
use std::cmp::Ordering;

/// A checked `when` expression. `and`/`or` chains are flattened, so the tree stays shallow.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Const(Const),
    Path(Path),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Compare(Compare, Box<Cond>, Box<Cond>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Has,
    In,
    Contains,
}

impl Cond {
    /// True when the rule fires in this scope.
    pub fn holds<'a>(&'a self, scope: &Scope<'a>) -> bool {
        match self {
            Cond::And(items) => items.iter().all(|c| c.holds(scope)),
            Cond::Or(items) => items.iter().any(|c| c.holds(scope)),
            Cond::Not(inner) => !inner.holds(scope),
            Cond::Compare(op, lhs, rhs) => {
                let (lhs, rhs) = (lhs.value(scope), rhs.value(scope));
                let model = scope.model;
                match op {
                    Compare::Eq => lhs.equals(rhs, model),
                    Compare::Ne => !lhs.equals(rhs, model),
                    Compare::Lt => lhs.compare(rhs) == Some(Ordering::Less),
                    Compare::Le => {
                        matches!(lhs.compare(rhs), Some(Ordering::Less | Ordering::Equal))
                    }
                    Compare::Gt => lhs.compare(rhs) == Some(Ordering::Greater),
                    Compare::Ge => {
                        matches!(lhs.compare(rhs), Some(Ordering::Greater | Ordering::Equal))
                    }
                    Compare::Has => lhs.has(rhs, model),
                    Compare::In => rhs.has(lhs, model),
                    Compare::Contains => lhs.contains(rhs, model),
                }
            }
            Cond::Const(_) | Cond::Path(_) => self.value(scope).truthy(),
        }
    }

    /// The value of an operand; a condition used as a value is a boolean.
    pub fn value<'a>(&'a self, scope: &Scope<'a>) -> Value<'a> {
        match self {
            Cond::Const(c) => Value::from_const(c),
            Cond::Path(path) => scope.read(path),
            _ => Value::Bool(self.holds(scope)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn text(s: &str) -> Box<Cond> {
        Box::new(Cond::Const(Const::Text(s.to_string())))
    }

    #[test]
    fn constants_and_connectives() {
        let model = Model::default();
        let scope = Scope {
            model: &model,
            element: None,
            flow: None,
            source: None,
            target: None,
        };
        let eq = Cond::Compare(Compare::Eq, text("a"), text("a"));
        let ne = Cond::Compare(Compare::Eq, text("a"), text("b"));
        assert!(eq.holds(&scope));
        assert!(!ne.holds(&scope));
        assert!(Cond::Or(vec![ne.clone(), eq.clone()]).holds(&scope));
        assert!(!Cond::And(vec![ne.clone(), eq.clone()]).holds(&scope));
        assert!(Cond::Not(Box::new(ne)).holds(&scope));
        let list = Box::new(Cond::Const(Const::List(vec![
            Const::Text("x".into()),
            Const::Text("y".into()),
        ])));
        assert!(Cond::Compare(Compare::In, text("y"), list.clone()).holds(&scope));
        assert!(!Cond::Compare(Compare::In, text("z"), list).holds(&scope));
        let none = Box::new(Cond::Const(Const::None));
        assert!(Cond::Compare(Compare::Eq, none.clone(), none.clone()).holds(&scope));
        assert!(!Cond::Compare(Compare::Has, none, text("x")).holds(&scope));
        assert!(Cond::Compare(Compare::Ge, text("high"), text("medium")).holds(&scope));
        assert!(!Cond::Compare(Compare::Ge, text("high"), text("public")).holds(&scope));
        assert!(!Cond::Compare(Compare::Lt, text("high"), text("public")).holds(&scope));
    }
}
