//! Derived facts, computed once so rules never recompute them: boundary crossings, encryption,
//! classifications, flow counts, internet exposure, and the graph.

use super::collect::Decls;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::vocab::ElementKind;

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

pub fn derive(model: &mut Model) {
    for index in 0..model.flows.len() {
        let Some(flow) = model.flows.get(index) else {
            continue;
        };
        let (source, target) = (flow.source, flow.target);
        let source_chain = model
            .element(source)
            .map(|e| e.boundaries.clone())
            .unwrap_or_default();
        let target_chain = model
            .element(target)
            .map(|e| e.boundaries.clone())
            .unwrap_or_default();
        let protocol = flow.protocol.as_deref().unwrap_or("").to_ascii_lowercase();
        let encrypted = flow
            .properties
            .controls
            .iter()
            .any(|c| ENCRYPTING_CONTROLS.contains(&c.as_str()))
            || ENCRYPTING_PROTOCOLS
                .iter()
                .any(|word| protocol.contains(word));
        let max_classification = flow
            .data
            .iter()
            .filter_map(|d| model.data_item(*d))
            .map(|d| d.classification)
            .max();
        let source_kind = model.element(source).map(|e| e.kind);
        let crosses = source_chain != target_chain;
        if let Some(flow) = model.flows.get_mut(index) {
            flow.crosses_boundary = crosses;
            flow.encrypted = encrypted;
            flow.max_classification = max_classification;
        }
        if let Some(element) = model.elements.get_mut(source.index()) {
            element.outbound += 1;
        }
        if let Some(element) = model.elements.get_mut(target.index()) {
            element.inbound += 1;
            if crosses
                && matches!(
                    source_kind,
                    Some(ElementKind::Actor | ElementKind::External)
                )
            {
                element.internet_facing = true;
            }
        }
    }
    for element in &mut model.elements {
        if element
            .properties
            .tags
            .iter()
            .any(|t| t == "internet_facing")
        {
            element.internet_facing = true;
        }
    }
    let classifications: Vec<_> = model
        .elements
        .iter()
        .map(|e| {
            e.stores
                .iter()
                .filter_map(|d| model.data.get(d.index()))
                .map(|d| d.classification)
                .max()
        })
        .collect();
    for (element, classification) in model.elements.iter_mut().zip(classifications) {
        element.max_classification = classification;
    }
    for index in 0..model.elements.len() {
        if model
            .elements
            .get(index)
            .is_some_and(|e| e.kind != ElementKind::Boundary)
        {
            let node = model.graph.add_node(ElementIdx::new(index));
            if let Some(element) = model.elements.get_mut(index) {
                element.node = Some(node);
            }
        }
    }
    for (index, flow) in model.flows.iter().enumerate() {
        let source = model.elements.get(flow.source.index()).and_then(|e| e.node);
        let target = model.elements.get(flow.target.index()).and_then(|e| e.node);
        if let (Some(source), Some(target)) = (source, target) {
            model.graph.add_edge(source, target, FlowIdx::new(index));
        }
    }
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
