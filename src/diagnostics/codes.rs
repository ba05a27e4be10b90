//! The one table of diagnostic codes. docs/diagnostics.md explains each, and a test checks that
//! every code here is documented and triggered by at least one fixture.

use super::Severity;
use serde::Serialize;

/// A stable diagnostic code with its severity and a short title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Code {
    pub id: &'static str,
    #[serde(skip)]
    pub title: &'static str,
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.id.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

macro_rules! codes {
    ($($name:ident = $title:literal;)+) => {
        $(pub const $name: Code = Code { id: stringify!($name), title: $title };)+
        /// Every code, in table order.
        pub const CODES: &[Code] = &[$($name),+];
    };
}

codes! {
    E0001 = "syntax error";
    E0002 = "unterminated string or comment";
    E0003 = "nesting too deep";
    E0004 = "unknown name";
    E0005 = "duplicate id";
    E0006 = "include or rule file not found";
    E0007 = "include cycle";
    E0008 = "include outside the model's directory";
    E0009 = "unknown built-in pack";
    E0010 = "invalid property value";
    E0011 = "property given the wrong type of value";
    E0012 = "property not allowed here";
    E0013 = "more than one model block";
    E0014 = "invalid string escape or number";
    E0015 = "input is not UTF-8 text";
    E0016 = "input exceeds a limit";
    E0017 = "missing required field";
    E0018 = "declaration not allowed here";
    E0101 = "invalid rule header";
    E0102 = "unknown field in a rule";
    E0103 = "type mismatch in a rule expression";
    E0104 = "duplicate rule id";
    E0105 = "invalid template";
    E0106 = "decision matches no threat";
    E0107 = "invalid date";
    W0001 = "unknown property key close to a known one";
    W0002 = "duplicate property";
    W0003 = "acceptance has lapsed";
    W0004 = "model uses an LLM without the llm pack";
    W0005 = "field name close to a known field";
    W0006 = "threat decided more than once";
    W0007 = "flow from an element to itself";
    W0008 = "renamed id used in a decision";
    W0009 = "tag or control spelt unlike the one the rules test";
    W0010 = "a rule reads a field of the other kind of thing";
    W0011 = "a decision or threat property that nothing reads";
    W0012 = "bidirectional control character in the source";
}
