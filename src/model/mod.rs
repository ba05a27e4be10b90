//! The resolved model: what the rules stage reads. Elements, data and flows are in source order
//! and refer to each other by index newtypes; derived facts are computed once, in `resolve`.

mod ids;
mod value;

pub use ids::IdIndex;
pub use value::PropValue;

use crate::source::Span;
use crate::syntax::ast;
use crate::vocab::{Category, Classification, ElementKind, Level};
use crate::Map;
use indexmap::IndexMap;
use petgraph::graph::DiGraph;

/// Indices are `u32`: a threat names its element or flow, and a large model has millions of
/// threats. No model that fits in memory has four billion elements.
macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            pub fn new(index: usize) -> $name {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }

            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of an element (boundaries included) in `Model::elements`.
    ElementIdx
);
index_type!(
    /// Index of a flow in `Model::flows`.
    FlowIdx
);
index_type!(
    /// Index of a data declaration in `Model::data`.
    DataIdx
);

#[derive(Debug, Clone, Default)]
pub struct ModelInfo {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<String>,
    pub owner: Option<String>,
    /// The root file as the user named it.
    pub file: String,
    /// Keys of the `model` block the language does not know, kept verbatim.
    pub extra: IndexMap<String, PropValue>,
}

/// A declaration's [`PropertyValues`], boxed only when one is set: inline they were 216 bytes
/// of every element and flow, and most flows of a large model set none (40 MB at N = 100,000).
/// Read the values through it (`element.properties.technology`).
#[derive(Debug, Clone, Default)]
pub struct Properties(Option<Box<PropertyValues>>);

impl Properties {
    pub fn new(values: PropertyValues) -> Properties {
        Properties((!values.is_empty()).then(|| Box::new(values)))
    }
}

impl std::ops::Deref for Properties {
    type Target = PropertyValues;

    fn deref(&self) -> &PropertyValues {
        static NONE: std::sync::OnceLock<PropertyValues> = std::sync::OnceLock::new();
        match &self.0 {
            Some(values) => values,
            None => NONE.get_or_init(PropertyValues::default),
        }
    }
}

/// Properties every declaration may carry; anything else lands in `extra`.
#[derive(Debug, Clone, Default)]
pub struct PropertyValues {
    pub description: Option<String>,
    pub technology: Option<String>,
    pub owner: Option<String>,
    pub url: Option<String>,
    pub tags: Vec<String>,
    pub controls: Vec<String>,
    pub extra: IndexMap<String, PropValue>,
}

impl PropertyValues {
    fn is_empty(&self) -> bool {
        self.description.is_none()
            && self.technology.is_none()
            && self.owner.is_none()
            && self.url.is_none()
            && self.tags.is_empty()
            && self.controls.is_empty()
            && self.extra.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Element {
    pub id: String,
    pub name: String,
    pub kind: ElementKind,
    /// The whole declaration.
    pub span: Span,
    /// The id or name as written, for pointing at the element itself.
    pub name_span: Span,
    pub properties: Properties,
    /// Data a store holds.
    pub stores: Vec<DataIdx>,
    /// Ids this element had before a rename.
    pub formerly: Vec<String>,
    /// Enclosing boundaries, innermost first.
    pub boundaries: Vec<ElementIdx>,
    pub internet_facing: bool,
    pub inbound: usize,
    pub outbound: usize,
    /// Highest classification of the data a store holds.
    pub max_classification: Option<Classification>,
    /// Petgraph node (boundaries are not in the graph).
    pub node: Option<petgraph::graph::NodeIndex>,
}

#[derive(Debug, Clone)]
pub struct Data {
    pub id: String,
    pub name: String,
    pub classification: Classification,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub extra: IndexMap<String, PropValue>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Flow {
    /// `SOURCE>TARGET`, plus `#N` for the Nth flow between the same pair.
    pub id: String,
    /// 1-based, source order.
    pub number: usize,
    pub source: ElementIdx,
    pub target: ElementIdx,
    pub label: Option<String>,
    pub protocol: Option<String>,
    pub data: Vec<DataIdx>,
    pub properties: Properties,
    /// The other half of a `<->` declaration.
    pub reverse_of: Option<FlowIdx>,
    pub crosses_boundary: bool,
    pub encrypted: bool,
    pub max_classification: Option<Classification>,
    pub span: Span,
}

/// What a hand-written threat is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Element(ElementIdx),
    Flow(FlowIdx),
}

#[derive(Debug, Clone)]
pub struct ManualThreat {
    pub id: String,
    pub title: String,
    pub subject: Subject,
    pub category: Category,
    pub severity: Option<Level>,
    pub likelihood: Option<Level>,
    pub impact: Option<Level>,
    pub explanation: String,
    pub mitigations: Vec<String>,
    pub references: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    Mitigate,
    Accept,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub kind: DecisionKind,
    pub pattern: String,
    pub pattern_span: Span,
    /// `by` of a mitigation, `reason` of an acceptance.
    pub text: String,
    /// `until` of an acceptance, checked to be `YYYY-MM-DD`.
    pub until: Option<String>,
    pub span: Span,
}

/// A rule as declared, with the pack it came from; the rules stage checks and compiles it.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub pack: String,
    pub decl: ast::RuleDecl,
}

/// The resolved model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub info: ModelInfo,
    pub elements: Vec<Element>,
    pub data: Vec<Data>,
    pub flows: Vec<Flow>,
    pub threats: Vec<ManualThreat>,
    pub decisions: Vec<Decision>,
    pub rules: Vec<RuleSource>,
    /// Packs the model uses (`use`), stdlib names or paths.
    pub packs: Vec<String>,
    /// Old id → current element, from `formerly`.
    pub renamed: Map<String, ElementIdx>,
    /// Elements and flows as a graph, in source order (node weight: element, edge weight: flow).
    pub graph: DiGraph<ElementIdx, FlowIdx>,
    pub element_ids: IdIndex,
}

impl Model {
    pub fn element(&self, idx: ElementIdx) -> Option<&Element> {
        self.elements.get(idx.index())
    }

    pub fn flow(&self, idx: FlowIdx) -> Option<&Flow> {
        self.flows.get(idx.index())
    }

    pub fn data_item(&self, idx: DataIdx) -> Option<&Data> {
        self.data.get(idx.index())
    }

    pub fn element_by_id(&self, id: &str) -> Option<ElementIdx> {
        self.element_ids.get(id)
    }

    /// The innermost enclosing boundary.
    pub fn boundary_of(&self, idx: ElementIdx) -> Option<ElementIdx> {
        self.element(idx)
            .and_then(|e| e.boundaries.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A declaration that sets no property holds a null pointer, and reads as empty values; one
    /// that sets any holds them all.
    #[test]
    fn properties_are_boxed_only_when_set() {
        assert_eq!(
            std::mem::size_of::<Properties>(),
            std::mem::size_of::<usize>()
        );
        let none = Properties::new(PropertyValues::default());
        assert!(none.0.is_none());
        assert!(none.description.is_none() && none.tags.is_empty() && none.extra.is_empty());
        let tagged = Properties::new(PropertyValues {
            tags: vec!["pci".into()],
            ..PropertyValues::default()
        });
        assert!(tagged.0.is_some());
        assert_eq!(tagged.tags, ["pci"]);
        let extra = Properties::new(PropertyValues {
            extra: [("zone".to_string(), PropValue::Int(2))]
                .into_iter()
                .collect(),
            ..PropertyValues::default()
        });
        assert_eq!(extra.extra.get("zone"), Some(&PropValue::Int(2)));
    }
}
