//! Derived facts, computed once so rules never recompute them: boundary crossings, encryption,
//! classifications, flow counts, internet exposure, and the graph.

use super::collect::Decls;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::vocab::ElementKind;
use petgraph::graph::NodeIndex;

/// Controls that mean a channel is encrypted.
const ENCRYPTING_CONTROLS: &[&str] = &["tls", "mtls"];
/// Protocol words that mean a channel is encrypted (matched case-insensitively).
const ENCRYPTING_PROTOCOLS: &[&str] = &[
    "https",
    "tls",
    "ssh",
    "sftp",
    "wss",
    "ssl",
    "ipsec",
    "wireguard",
];

/// What the flows need to know of their endpoints, in small lists read in the flows' order: at
/// 100,000 elements, visiting each flow's two elements where they lie missed the cache four
/// times per flow.
struct Endpoints {
    /// The innermost enclosing boundary. Two elements are in the same chain of boundaries
    /// exactly when their innermost ones are the same (a chain is its innermost boundary's
    /// chain, with that boundary in front).
    innermost: Vec<Option<ElementIdx>>,
    /// Actors and external systems: the internet, where they send from across a boundary.
    outside: Vec<bool>,
    /// The element's node in the graph (boundaries have none).
    node: Vec<Option<NodeIndex>>,
    inbound: Vec<usize>,
    outbound: Vec<usize>,
    internet_facing: Vec<bool>,
}

pub fn derive(model: &mut Model) {
    let count = model.elements.len();
    let mut ends = Endpoints {
        innermost: model
            .elements
            .iter()
            .map(|e| e.boundaries.first().copied())
            .collect(),
        outside: model
            .elements
            .iter()
            .map(|e| matches!(e.kind, ElementKind::Actor | ElementKind::External))
            .collect(),
        node: Vec::with_capacity(count),
        inbound: vec![0; count],
        outbound: vec![0; count],
        internet_facing: model
            .elements
            .iter()
            .map(|e| e.properties.tags.iter().any(|t| t == "internet_facing"))
            .collect(),
    };
    model.graph.reserve_nodes(count);
    model.graph.reserve_edges(model.flows.len());
    for (index, element) in model.elements.iter().enumerate() {
        let node = (element.kind != ElementKind::Boundary)
            .then(|| model.graph.add_node(ElementIdx::new(index)));
        ends.node.push(node);
    }
    for (index, flow) in model.flows.iter_mut().enumerate() {
        let (source, target) = (flow.source.index(), flow.target.index());
        let innermost = |element: usize| ends.innermost.get(element).copied().flatten();
        let crosses = innermost(source) != innermost(target);
        let protocol = flow.protocol.as_deref().unwrap_or("");
        flow.encrypted = flow
            .properties
            .controls
            .iter()
            .any(|c| ENCRYPTING_CONTROLS.contains(&c.as_str()))
            || ENCRYPTING_PROTOCOLS
                .iter()
                .any(|word| contains_ignoring_case(protocol, word));
        flow.max_classification = flow
            .data
            .iter()
            .filter_map(|d| model.data.get(d.index()))
            .map(|d| d.classification)
            .max();
        flow.crosses_boundary = crosses;
        if let Some(count) = ends.outbound.get_mut(source) {
            *count += 1;
        }
        if let Some(count) = ends.inbound.get_mut(target) {
            *count += 1;
        }
        if crosses && ends.outside.get(source).copied().unwrap_or(false) {
            if let Some(facing) = ends.internet_facing.get_mut(target) {
                *facing = true;
            }
        }
        let node = |element: usize| ends.node.get(element).copied().flatten();
        if let (Some(source), Some(target)) = (node(source), node(target)) {
            model.graph.add_edge(source, target, FlowIdx::new(index));
        }
    }
    let data = &model.data;
    for (index, element) in model.elements.iter_mut().enumerate() {
        element.inbound = ends.inbound.get(index).copied().unwrap_or(0);
        element.outbound = ends.outbound.get(index).copied().unwrap_or(0);
        element.internet_facing = ends.internet_facing.get(index).copied().unwrap_or(false);
        element.node = ends.node.get(index).copied().flatten();
        element.max_classification = element
            .stores
            .iter()
            .filter_map(|d| data.get(d.index()))
            .map(|d| d.classification)
            .max();
    }
}

/// True when `text` contains `word` (lowercase ASCII) in any case, without lowering a copy.
fn contains_ignoring_case(text: &str, word: &str) -> bool {
    let word = word.as_bytes();
    !word.is_empty()
        && text
            .as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word))
}

/// Advice that needs the whole model: an element tagged `llm` without `use llm`.
pub fn hints(decls: &Decls, model: &Model, sink: &mut Diagnostics) {
    if decls.packs.iter().any(|p| p == "llm") {
        return;
    }
    if let Some(element) = model
        .elements
        .iter()
        .find(|e| e.properties.tags.iter().any(|t| t == "llm"))
    {
        sink.push(
            Diagnostic::new(codes::W0004, element.name_span, format!("`{}` is tagged `llm`, but the model does not use the llm rule pack", element.id))
                .label("an LLM")
                .with_help("add `use llm` to get threats for prompt injection, output handling and data sent to the model"),
        );
    }
}
