//! The plain syntax tree: what a file says, with a span on every node. No pest types here.

use crate::source::Span;
use crate::vocab::ElementKind;

/// One parsed `.tm` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Model(ModelDecl),
    Include(Include),
    Use(Use),
    Element(Element),
    Data(DataDecl),
    Flow(FlowDecl),
    /// Boxed, as are rules: both are rare and larger than a flow, which a large model is
    /// mostly made of.
    Threat(Box<ThreatDecl>),
    Decision(Decision),
    Rule(Box<RuleDecl>),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Model(x) => x.span,
            Item::Include(x) => x.span,
            Item::Use(x) => x.span,
            Item::Element(x) => x.span,
            Item::Data(x) => x.span,
            Item::Flow(x) => x.span,
            Item::Threat(x) => x.span,
            Item::Decision(x) => x.span,
            Item::Rule(x) => x.span,
        }
    }
}

/// An identifier or dotted rule id as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Str(String),
    Int(i64),
    Bool(bool),
    Ident(String),
    List(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

impl Value {
    /// The text of a string or identifier value (an identifier equals a string with its text).
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) | ValueKind::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Ident(_) => "an identifier",
            ValueKind::List(_) => "a list",
        }
    }
}

/// `key value` inside a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelDecl {
    pub name: Str,
    pub properties: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub path: Str,
    pub span: Span,
}

/// `use stride` (a built-in pack) or `use "rules/x.tm"` (a file).
#[derive(Debug, Clone, PartialEq)]
pub enum UseTarget {
    Builtin(Ident),
    File(Str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    pub target: UseTarget,
    pub span: Span,
}

/// `KIND [ID] ["Name"] [{ ... }]`; only boundaries may hold nested items.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub kind: ElementKind,
    pub kind_span: Span,
    pub id: Option<Ident>,
    pub name: Option<Str>,
    pub properties: Vec<Property>,
    pub children: Vec<Item>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataDecl {
    pub id: Option<Ident>,
    pub name: Option<Str>,
    pub properties: Vec<Property>,
    pub span: Span,
}

/// A flow endpoint: an id or a quoted display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Id(Ident),
    Name(Str),
}

impl Endpoint {
    pub fn span(&self) -> Span {
        match self {
            Endpoint::Id(i) => i.span,
            Endpoint::Name(s) => s.span,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Endpoint::Id(i) => &i.text,
            Endpoint::Name(s) => &s.value,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowDecl {
    pub source: Endpoint,
    pub target: Endpoint,
    pub bidirectional: bool,
    pub label: Option<Str>,
    pub properties: Vec<Property>,
    pub span: Span,
}

/// What a hand-written threat is on.
#[derive(Debug, Clone, PartialEq)]
pub enum ThreatOn {
    Element(Endpoint),
    Flow {
        source: Endpoint,
        target: Endpoint,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreatDecl {
    pub id: Option<Ident>,
    pub name: Option<Str>,
    pub on: Option<ThreatOn>,
    /// Span of the `on` clause, for messages about it.
    pub on_span: Option<Span>,
    pub properties: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    Mitigate,
    Accept,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: DecisionKind,
    pub pattern: Str,
    pub properties: Vec<Property>,
    pub span: Span,
}

/// `on ROLE KIND, KIND`
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOn {
    pub role: Ident,
    pub kinds: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub id: Ident,
    pub on: Option<RuleOn>,
    pub when: Option<Expr>,
    pub properties: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
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

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Has => "has",
            BinaryOp::In => "in",
            BinaryOp::Contains => "contains",
        }
    }
}

/// A `when` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal value (string, integer, boolean, identifier, list).
    Literal(Value),
    /// `none`
    None(Span),
    /// `source.boundary.name`: the segments in order.
    Path(Vec<Ident>, Span),
    Not(Box<Expr>, Span),
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(v) => v.span,
            Expr::None(s) | Expr::Path(_, s) | Expr::Not(_, s) | Expr::Binary(_, _, _, s) => *s,
        }
    }
}
