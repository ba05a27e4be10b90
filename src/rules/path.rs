//! Paths (`target.boundary.name`, `flow.protocol`): checked once per rule and compiled into
//! field accessors, so evaluation never matches field names as strings (custom properties
//! excepted: they are looked up by name in the element's or flow's `extra` map).

use super::value::{List, OrdKind, Value};
use crate::diagnostics::{closest, codes, one_edit_apart, Code, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::source::Span;

/// The names a rule binds: `element` in element rules; `source`, `target`, `flow` in the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Element,
    Source,
    Target,
    Flow,
}

impl Role {
    pub fn from_word(word: &str) -> Option<Role> {
        Some(match word {
            "element" => Role::Element,
            "source" => Role::Source,
            "target" => Role::Target,
            "flow" => Role::Flow,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        match self {
            Role::Element => "element",
            Role::Source => "source",
            Role::Target => "target",
            Role::Flow => "flow",
        }
    }

    pub const WORDS: &'static [&'static str] = &["element", "source", "target", "flow"];

    /// The names bound in a rule of this role.
    pub fn bound(self) -> &'static [&'static str] {
        match self {
            Role::Element => &["element"],
            _ => &["source", "target", "flow"],
        }
    }
}

/// What the first segment of a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Element,
    Source,
    Target,
    Flow,
}

/// A field of an element (`kind`, `controls`, ...), or a custom property by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElementField {
    /// The element itself (`target`, `target.boundary` in a template); shows as its name.
    Itself,
    Id,
    Name,
    Kind,
    Description,
    Technology,
    Tags,
    Controls,
    Owner,
    Url,
    Stores,
    Data,
    MaxClassification,
    Boundary,
    Boundaries,
    InternetFacing,
    Inbound,
    Outbound,
    Formerly,
    Custom(String),
}

/// A field of a flow, or a custom property by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowField {
    /// The flow itself, in a template: shows as its label, or its id without one.
    Itself,
    Id,
    Number,
    Label,
    Protocol,
    Data,
    Controls,
    Tags,
    CrossesBoundary,
    MaxClassification,
    Encrypted,
    Description,
    Custom(String),
}

pub const ELEMENT_FIELDS: &[&str] = &[
    "id",
    "name",
    "kind",
    "description",
    "technology",
    "tags",
    "controls",
    "owner",
    "url",
    "stores",
    "data",
    "max_classification",
    "boundary",
    "boundaries",
    "internet_facing",
    "inbound",
    "outbound",
    "formerly",
];

pub const FLOW_FIELDS: &[&str] = &[
    "id",
    "number",
    "label",
    "protocol",
    "data",
    "controls",
    "tags",
    "crosses_boundary",
    "max_classification",
    "encrypted",
    "description",
];

fn element_field(name: &str) -> ElementField {
    match name {
        "id" => ElementField::Id,
        "name" => ElementField::Name,
        "kind" => ElementField::Kind,
        "description" => ElementField::Description,
        "technology" => ElementField::Technology,
        "tags" => ElementField::Tags,
        "controls" => ElementField::Controls,
        "owner" => ElementField::Owner,
        "url" => ElementField::Url,
        "stores" => ElementField::Stores,
        "data" => ElementField::Data,
        "max_classification" => ElementField::MaxClassification,
        "boundary" => ElementField::Boundary,
        "boundaries" => ElementField::Boundaries,
        "internet_facing" => ElementField::InternetFacing,
        "inbound" => ElementField::Inbound,
        "outbound" => ElementField::Outbound,
        "formerly" => ElementField::Formerly,
        other => ElementField::Custom(other.to_string()),
    }
}

fn flow_field(name: &str) -> FlowField {
    match name {
        "id" => FlowField::Id,
        "number" => FlowField::Number,
        "label" => FlowField::Label,
        "protocol" => FlowField::Protocol,
        "data" => FlowField::Data,
        "controls" => FlowField::Controls,
        "tags" => FlowField::Tags,
        "crosses_boundary" => FlowField::CrossesBoundary,
        "max_classification" => FlowField::MaxClassification,
        "encrypted" => FlowField::Encrypted,
        "description" => FlowField::Description,
        other => FlowField::Custom(other.to_string()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Element(ElementField),
    Flow(FlowField),
}

/// A compiled path: a root, how many `.boundary` steps to take from it, and the field to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub root: Root,
    pub hops: usize,
    pub field: Field,
    /// As written, for messages.
    pub text: String,
}

/// The static type of a value, for the light checks a rule gets once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Text,
    /// A classification or level: a word with an order.
    Word(OrdKind),
    List,
    Element,
    /// A custom property or `none`: anything goes.
    Any,
}

impl Ty {
    pub fn describe(self) -> &'static str {
        match self {
            Ty::Bool => "true or false",
            Ty::Int => "a number",
            Ty::Text => "text",
            Ty::Word(OrdKind::Classification) => "a classification",
            Ty::Word(OrdKind::Level) => "a level",
            Ty::Word(OrdKind::Int) => "a number",
            Ty::List => "a list",
            Ty::Element => "an element",
            Ty::Any => "any value",
        }
    }
}

impl Path {
    pub fn ty(&self) -> Ty {
        match &self.field {
            Field::Element(field) => match field {
                ElementField::Itself | ElementField::Boundary => Ty::Element,
                ElementField::Id
                | ElementField::Name
                | ElementField::Kind
                | ElementField::Description
                | ElementField::Technology
                | ElementField::Owner
                | ElementField::Url => Ty::Text,
                ElementField::Tags
                | ElementField::Controls
                | ElementField::Stores
                | ElementField::Data
                | ElementField::Boundaries
                | ElementField::Formerly => Ty::List,
                ElementField::MaxClassification => Ty::Word(OrdKind::Classification),
                ElementField::InternetFacing => Ty::Bool,
                ElementField::Inbound | ElementField::Outbound => Ty::Int,
                ElementField::Custom(_) => Ty::Any,
            },
            Field::Flow(field) => match field {
                FlowField::Itself
                | FlowField::Id
                | FlowField::Label
                | FlowField::Protocol
                | FlowField::Description => Ty::Text,
                FlowField::Number => Ty::Int,
                FlowField::Data | FlowField::Controls | FlowField::Tags => Ty::List,
                FlowField::CrossesBoundary | FlowField::Encrypted => Ty::Bool,
                FlowField::MaxClassification => Ty::Word(OrdKind::Classification),
                FlowField::Custom(_) => Ty::Any,
            },
        }
    }
}

/// Where a path was written: `when` paths report E0102, template paths E0105.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSite {
    When,
    Template,
}

impl PathSite {
    fn code(self) -> Code {
        match self {
            PathSite::When => codes::E0102,
            PathSite::Template => codes::E0105,
        }
    }
}

/// The custom properties a model sets somewhere, on elements and on flows: reading one of
/// these is no mistake, however its name is spelt.
#[derive(Debug, Default)]
pub struct SetProperties {
    element: crate::Set<String>,
    flow: crate::Set<String>,
}

impl SetProperties {
    pub fn of(model: &Model) -> SetProperties {
        let names = |props: &crate::model::Properties| -> Vec<String> {
            props.extra.keys().cloned().collect()
        };
        SetProperties {
            element: model
                .elements
                .iter()
                .flat_map(|e| names(&e.properties))
                .collect(),
            flow: model
                .flows
                .iter()
                .flat_map(|f| names(&f.properties))
                .collect(),
        }
    }
}

/// Checks a path against the rule's role and compiles it. A bare root (`target`) is allowed
/// in templates only (the grammar never gives one to `when`).
pub fn compile(
    segments: &[(&str, Span)],
    role: Role,
    site: PathSite,
    set: &SetProperties,
    sink: &mut Diagnostics,
) -> Option<Path> {
    let text = segments
        .iter()
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(".");
    let (&(first, first_span), rest) = segments.split_first()?;
    let root = match (role, first) {
        (Role::Element, "element") => Root::Element,
        (Role::Source | Role::Target | Role::Flow, "source") => Root::Source,
        (Role::Source | Role::Target | Role::Flow, "target") => Root::Target,
        (Role::Source | Role::Target | Role::Flow, "flow") => Root::Flow,
        _ => {
            let bound = role.bound();
            let names = bound
                .iter()
                .map(|b| format!("`{b}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let diagnostic = if Role::from_word(first).is_some() {
                Diagnostic::new(
                    site.code(),
                    first_span,
                    format!("`{first}` is not bound in an `on {}` rule", role.word()),
                )
                .label("not bound here")
                .with_help(format!("this rule can read {names}"))
            } else {
                Diagnostic::new(site.code(), first_span, format!("unknown name `{first}`"))
                    .label("not a name this rule binds")
                    .with_suggestion(first, bound.iter().copied())
                    .or_help(format!("this rule can read {names}"))
            };
            sink.push(diagnostic);
            return None;
        }
    };
    if root == Root::Flow {
        let field = match rest {
            [] => FlowField::Itself,
            [(name, span)] => {
                let field = flow_field(name);
                if matches!(field, FlowField::Custom(_)) && !set.flow.contains(*name) {
                    unset_property(&text, name, *span, true, sink);
                }
                field
            }
            [(name, _), (next, span), ..] => {
                no_fields(&text, name, next, *span, site, sink);
                return None;
            }
        };
        return Some(Path {
            root,
            hops: 0,
            field: Field::Flow(field),
            text,
        });
    }
    let mut hops = 0;
    let mut rest = rest;
    // `boundary` followed by more segments steps to the enclosing boundary, an element itself.
    while let [("boundary", _), _, ..] = rest {
        hops += 1;
        rest = rest.get(1..).unwrap_or_default();
    }
    let field = match rest {
        [] => ElementField::Itself,
        [(name, span)] => {
            let field = element_field(name);
            if matches!(field, ElementField::Custom(_)) && !set.element.contains(*name) {
                unset_property(&text, name, *span, false, sink);
            }
            field
        }
        [(name, _), (next, span), ..] => {
            no_fields(&text, name, next, *span, site, sink);
            return None;
        }
    };
    Some(Path {
        root,
        hops,
        field: Field::Element(field),
        text,
    })
}

/// Warns about a custom property `name` that nothing in the model sets, when it is a field's
/// name spelt one edit off (W0005) or a field of the other kind of thing (W0010, `flow.name`):
/// then it is surely a mistake, and reads nothing.
fn unset_property(text: &str, name: &str, span: Span, on_flow: bool, sink: &mut Diagnostics) {
    let (what, known) = if on_flow {
        ("a flow", FLOW_FIELDS)
    } else {
        ("an element", ELEMENT_FIELDS)
    };
    if let Some(field) = known.iter().find(|field| one_edit_apart(name, field)) {
        sink.push(
            Diagnostic::new(
                codes::W0005,
                span,
                format!("`{name}` is not a field of {what}; it reads a custom property"),
            )
            .label("read as a custom property, `none` when unset")
            .with_help(format!("did you mean `{field}`?")),
        );
        return;
    }
    let root = text.split('.').next().unwrap_or_default();
    let help = match (on_flow, name) {
        (_, "classification") => format!("did you mean `{root}.max_classification`?"),
        (true, "name") => {
            "a flow has a `label`; its ends are named `source.name` and `target.name`".to_string()
        }
        (true, "source" | "target") => {
            format!("the flow's ends are bound as `{name}`: `{name}.name`, `{name}.id`")
        }
        (true, _) if ELEMENT_FIELDS.contains(&name) => format!(
            "`{name}` is a field of elements: `source.{name}` or `target.{name}`"
        ),
        (false, _) if FLOW_FIELDS.contains(&name) => format!(
            "`{name}` is a field of flows: `flow.{name}`, in a rule `on flow`, `on source` or `on target`"
        ),
        _ => return,
    };
    sink.push(
        Diagnostic::new(
            codes::W0010,
            span,
            format!("`{text}` reads nothing: `{name}` is not a field of {what}, and nothing in the model sets it"),
        )
        .label("a custom property no one sets, always `none`")
        .with_help(help),
    );
}

fn no_fields(
    text: &str,
    name: &str,
    next: &str,
    span: Span,
    site: PathSite,
    sink: &mut Diagnostics,
) {
    let mut diagnostic = Diagnostic::new(
        site.code(),
        span,
        format!("`{name}` has no field `{next}` (in `{text}`)"),
    )
    .label("no such field");
    if let Some(field) = closest(next, ELEMENT_FIELDS.iter().copied()) {
        if name == "boundary" {
            diagnostic = diagnostic.with_help(format!("did you mean `boundary.{field}`?"));
        }
    }
    sink.push(diagnostic.or_help(
        "only `boundary` leads to another element; other fields are values (text, lists, numbers)",
    ));
}

/// The names a rule is evaluated with.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub model: &'a Model,
    /// The element of an element rule.
    pub element: Option<ElementIdx>,
    pub flow: Option<FlowIdx>,
    pub source: Option<ElementIdx>,
    pub target: Option<ElementIdx>,
}

impl<'a> Scope<'a> {
    /// Reads a path. Anything missing (an element without a boundary, an unset property) is
    /// `none`; never an error.
    pub fn read(&self, path: &'a Path) -> Value<'a> {
        let model = self.model;
        match &path.field {
            Field::Flow(field) => {
                let Some(flow) = self.flow.and_then(|f| model.flow(f)) else {
                    return Value::None;
                };
                match field {
                    FlowField::Itself => Value::Text(flow.label.as_deref().unwrap_or(&flow.id)),
                    FlowField::Id => Value::Text(&flow.id),
                    FlowField::Number => Value::Int(i64::try_from(flow.number).unwrap_or(0)),
                    FlowField::Label => Value::text(flow.label.as_deref()),
                    FlowField::Protocol => Value::text(flow.protocol.as_deref()),
                    FlowField::Data => Value::List(List::Data(&flow.data)),
                    FlowField::Controls => Value::List(List::Words(&flow.properties.controls)),
                    FlowField::Tags => Value::List(List::Words(&flow.properties.tags)),
                    FlowField::CrossesBoundary => Value::Bool(flow.crosses_boundary),
                    FlowField::MaxClassification => {
                        Value::text(flow.max_classification.map(|c| c.word()))
                    }
                    FlowField::Encrypted => Value::Bool(flow.encrypted),
                    FlowField::Description => Value::text(flow.properties.description.as_deref()),
                    FlowField::Custom(name) => flow
                        .properties
                        .extra
                        .get(name)
                        .map_or(Value::None, Value::from_prop),
                }
            }
            Field::Element(field) => {
                let start = match path.root {
                    Root::Element => self.element,
                    Root::Source => self.source,
                    Root::Target => self.target,
                    Root::Flow => None,
                };
                let mut current = start;
                for _ in 0..path.hops {
                    current = current.and_then(|e| model.boundary_of(e));
                }
                let Some(idx) = current else {
                    return Value::None;
                };
                let Some(element) = model.element(idx) else {
                    return Value::None;
                };
                let props = &element.properties;
                match field {
                    ElementField::Itself => Value::Element(idx),
                    ElementField::Id => Value::Text(&element.id),
                    ElementField::Name => Value::Text(&element.name),
                    ElementField::Kind => Value::Text(element.kind.word()),
                    ElementField::Description => Value::text(props.description.as_deref()),
                    ElementField::Technology => Value::text(props.technology.as_deref()),
                    ElementField::Owner => Value::text(props.owner.as_deref()),
                    ElementField::Url => Value::text(props.url.as_deref()),
                    ElementField::Tags => Value::List(List::Words(&props.tags)),
                    ElementField::Controls => Value::List(List::Words(&props.controls)),
                    ElementField::Formerly => Value::List(List::Words(&element.formerly)),
                    ElementField::Stores | ElementField::Data => {
                        Value::List(List::Data(&element.stores))
                    }
                    ElementField::MaxClassification => {
                        Value::text(element.max_classification.map(|c| c.word()))
                    }
                    ElementField::Boundary => element
                        .boundaries
                        .first()
                        .map_or(Value::None, |b| Value::Element(*b)),
                    ElementField::Boundaries => Value::List(List::Elements(&element.boundaries)),
                    ElementField::InternetFacing => Value::Bool(element.internet_facing),
                    ElementField::Inbound => {
                        Value::Int(i64::try_from(element.inbound).unwrap_or(0))
                    }
                    ElementField::Outbound => {
                        Value::Int(i64::try_from(element.outbound).unwrap_or(0))
                    }
                    ElementField::Custom(name) => {
                        props.extra.get(name).map_or(Value::None, Value::from_prop)
                    }
                }
            }
        }
    }
}
