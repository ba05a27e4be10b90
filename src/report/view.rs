//! The report view-model: one serializable value that every renderer reads, and the exact
//! shape of `threats.json` (documented in docs/json.md). Renderers never look past it.

pub use crate::rules::text::{MitigationList, Mitigations, Text};
use crate::vocab::{Category, Classification, ElementKind, Level, Status};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Everything a renderer may show. Lists are already in output order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub model: ModelInfo,
    /// Elements in source order; boundaries are listed too, with kind `boundary`.
    pub elements: Vec<ElementView>,
    /// Data declarations in source order.
    pub data: Vec<DataView>,
    /// Flows in source order (flow number order).
    pub flows: Vec<FlowView>,
    /// Threats ordered by flow number, then element (source order), then rule id.
    pub threats: Vec<ThreatView>,
    /// The rules that produced at least one threat, sorted by id.
    pub rules: Vec<RuleView>,
}

/// The `model` block, and where the model came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<String>,
    pub owner: Option<String>,
    /// The root file, as given on the command line (relative paths stay relative).
    pub file: String,
    /// Keys of the `model` block the language does not know (`team "payments"`), verbatim.
    pub properties: IndexMap<String, serde_json::Value>,
}

/// A place in a `.tm` file, 1-based, for people and for SARIF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSpan {
    /// Shared by every place in the same file (a large report has one per threat).
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementView {
    pub id: Arc<str>,
    pub name: String,
    pub kind: ElementKind,
    /// Id of the innermost enclosing boundary.
    pub boundary: Option<Arc<str>>,
    /// Ids of all enclosing boundaries, innermost first.
    pub boundaries: Vec<Arc<str>>,
    pub description: Option<String>,
    pub technology: Option<String>,
    pub owner: Option<String>,
    pub url: Option<String>,
    pub tags: Vec<String>,
    pub controls: Vec<String>,
    /// Data ids held by a store (empty for other kinds).
    pub stores: Vec<Arc<str>>,
    pub internet_facing: bool,
    /// Keys the language does not know, kept verbatim for rules and for users.
    pub properties: IndexMap<String, serde_json::Value>,
    pub source_span: SourceSpan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataView {
    pub id: String,
    pub name: String,
    pub classification: Classification,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Keys the language does not know (`retention "30d"`), kept verbatim.
    pub properties: IndexMap<String, serde_json::Value>,
    pub source_span: SourceSpan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowView {
    /// `SOURCE>TARGET`, with `#N` for the Nth flow between the same pair.
    pub id: Arc<str>,
    /// 1-based, in source order: "Data flow N".
    pub number: usize,
    pub source: Arc<str>,
    pub target: Arc<str>,
    pub label: Option<String>,
    pub protocol: Option<String>,
    pub description: Option<String>,
    pub data: Vec<Arc<str>>,
    pub controls: Vec<String>,
    pub tags: Vec<String>,
    /// Id of the flow declared with it by `<->`, if any.
    pub reverse_of: Option<Arc<str>>,
    pub crosses_boundary: bool,
    /// Derived: a `tls`/`mtls` control, or a protocol that names an encrypted channel.
    pub encrypted: bool,
    pub max_classification: Option<Classification>,
    /// Keys the language does not know, kept verbatim for rules and for users.
    pub properties: IndexMap<String, serde_json::Value>,
    pub source_span: SourceSpan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatView {
    /// Stable id: `RULE@ELEMENT`, `RULE@SOURCE>TARGET[#N]`, or a hand-written threat's own id.
    pub id: Box<str>,
    /// The rule that produced it; `None` for a hand-written threat. Shared with the rule's
    /// other threats, as are `references` (a large report has hundreds of thousands of threats).
    pub rule: Option<Arc<str>>,
    pub category: Category,
    /// The element the threat is about; `None` for a threat on the channel itself. Shared with
    /// the element's other threats, as is `flow`.
    pub element: Option<Arc<str>>,
    /// The flow whose context the threat is in; `None` for a threat on an element alone.
    pub flow: Option<Arc<str>>,
    /// Rendered from the rule's templates by each output that writes it (see
    /// [`crate::rules::text`]).
    pub title: Text,
    pub explanation: Text,
    /// Shared with the rule's other threats when its mitigations have no `{{ }}` holes.
    pub mitigations: Mitigations,
    pub likelihood: Level,
    pub impact: Level,
    pub severity: Level,
    /// Why the severity is what it is, one step per line. Shared by the threats whose severity
    /// is the plain likelihood × impact.
    pub severity_reasons: Arc<[String]>,
    pub status: Status,
    /// Boxed: few threats have one, and the report holds a great many threats.
    pub decision: Option<Box<DecisionView>>,
    pub references: Arc<[String]>,
    /// The declaration the threat is about (element, flow or hand-written threat), shared with
    /// the other threats about it.
    pub source_span: Arc<SourceSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Mitigate,
    Accept,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub kind: DecisionKind,
    /// The pattern as written in the decision (may contain `*`).
    pub pattern: String,
    /// `by` for a mitigation, `reason` for an acceptance.
    pub text: String,
    /// `until` of the decision, `YYYY-MM-DD`.
    pub until: Option<String>,
    /// True when `until` is before today: the decision no longer holds.
    pub lapsed: bool,
    pub source_span: SourceSpan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    pub id: String,
    /// The pack it came from: `stride`, `llm`, or the path of a user's rule file.
    pub pack: String,
    pub category: Category,
    /// What it fires on, in words: "target process, store", "flow", "element store".
    pub applies_to: String,
    /// The title template as written.
    pub title: String,
    /// The explanation template as written (SARIF rule help). Empty when the rule has none.
    #[serde(default)]
    pub explanation: String,
    /// The mitigation templates as written (SARIF rule help).
    #[serde(default)]
    pub mitigations: Vec<String>,
    pub references: Vec<String>,
    /// How many threats it produced in this model.
    pub fired: usize,
    pub source_span: SourceSpan,
}
