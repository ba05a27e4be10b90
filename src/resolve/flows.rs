//! Flows: endpoints looked up by id or display name, `<->` split in two, ids `SOURCE>TARGET`
//! with `#N` for repeats, numbered in reading order.

use super::collect::Decls;
use super::props::{self, Props};
use crate::diagnostics::{closest_within, codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, Flow, FlowIdx, Model, Properties};
use crate::source::Span;
use crate::syntax::ast::Endpoint;
use crate::vocab::ElementKind;
use crate::Map;

/// Display name → elements with that name, for endpoint lookup.
pub struct NameIndex {
    by_name: Map<String, Vec<ElementIdx>>,
}

impl NameIndex {
    pub fn new(model: &Model) -> NameIndex {
        let mut by_name: Map<String, Vec<ElementIdx>> = Map::default();
        for (index, element) in model.elements.iter().enumerate() {
            by_name
                .entry(element.name.clone())
                .or_default()
                .push(ElementIdx::new(index));
        }
        NameIndex { by_name }
    }

    /// Finds an endpoint: an id first, then a display name (ids win: they are unique).
    pub fn lookup(
        &self,
        model: &Model,
        endpoint: &Endpoint,
        sink: &mut Diagnostics,
    ) -> Option<ElementIdx> {
        let text = endpoint.text();
        if let Some(index) = model.element_by_id(text) {
            return Some(index);
        }
        match self.by_name.get(text).map(Vec::as_slice) {
            Some([only]) => return Some(*only),
            Some([first, second, ..]) => {
                let mut diagnostic = Diagnostic::new(
                    codes::E0004,
                    endpoint.span(),
                    format!("`{text}` names more than one element"),
                )
                .label("ambiguous")
                .with_help("refer to the element by its id");
                for index in [first, second] {
                    if let Some(element) = model.element(*index) {
                        diagnostic = diagnostic.with_secondary(
                            element.name_span,
                            format!("`{}` has this name", element.id),
                        );
                    }
                }
                sink.push(diagnostic);
                return None;
            }
            _ => {}
        }
        if let Some(index) = model.renamed.get(text) {
            let new_id = model
                .element(*index)
                .map(|e| e.id.as_str())
                .unwrap_or_default();
            sink.push(
                Diagnostic::new(
                    codes::W0008,
                    endpoint.span(),
                    format!("`{text}` was renamed to `{new_id}`"),
                )
                .label("old id, listed in `formerly`")
                .with_help(format!("write `{new_id}`")),
            );
            return Some(*index);
        }
        // One candidate per element: its id when the id is close, else its name.
        let budget = sink.hints();
        let mut candidates: Vec<&str> = Vec::new();
        for element in &model.elements {
            let id_is_close = !closest_within(text, [element.id.as_str()], 1, budget).is_empty();
            if budget.is_spent() {
                break;
            }
            candidates.push(if id_is_close {
                element.id.as_str()
            } else {
                element.name.as_str()
            });
        }
        let close = closest_within(text, candidates, 3, budget);
        let mut diagnostic = Diagnostic::new(
            codes::E0004,
            endpoint.span(),
            format!("no element is named `{text}`"),
        )
        .label("unknown element");
        diagnostic = match close.as_slice() {
            [] => diagnostic.with_help(
                "declare it (`process my_service \"My Service\"`), or check the spelling",
            ),
            [one] => diagnostic.with_help(format!("did you mean `{one}`?")),
            many => diagnostic.with_help(format!(
                "did you mean one of {}?",
                many.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        sink.push(diagnostic);
        None
    }
}

pub fn flows(decls: &Decls, model: &mut Model, sink: &mut Diagnostics) {
    let names = NameIndex::new(model);
    let data_ids: Map<String, usize> = model
        .data
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    let mut pair_counts: Map<(ElementIdx, ElementIdx), usize> = Map::default();
    pair_counts.reserve(decls.flows.len());
    model.flows.reserve(decls.flows.len());
    for decl in &decls.flows {
        let source = names.lookup(model, &decl.source, sink);
        let target = names.lookup(model, &decl.target, sink);
        let p = Props::check(&decl.properties, props::FLOW, "a flow", sink);
        let data = super::collect::resolve_data_list(&p.list("data"), &data_ids, model, sink);
        let (Some(source), Some(target)) = (source, target) else {
            continue;
        };
        let mut endpoints_ok = true;
        for (index, endpoint) in [(source, &decl.source), (target, &decl.target)] {
            if let Some(element) = model
                .element(index)
                .filter(|e| e.kind == ElementKind::Boundary)
            {
                sink.push(
                    Diagnostic::new(
                        codes::E0018,
                        endpoint.span(),
                        format!(
                            "`{}` is a trust boundary; data flows between elements",
                            element.id
                        ),
                    )
                    .label("a boundary cannot send or receive data")
                    .with_secondary(element.name_span, "declared as a boundary here")
                    .with_help("connect the element inside the boundary that handles this flow"),
                );
                endpoints_ok = false;
            }
        }
        if !endpoints_ok {
            continue;
        }
        if source == target {
            sink.push(
                Diagnostic::new(codes::W0007, decl.span, "this flow goes from an element to itself")
                    .label("source and target are the same")
                    .with_help("a data flow crosses between two elements; model the internal step as a separate process"),
            );
        }
        let properties = Properties {
            description: p.text("description"),
            technology: None,
            owner: None,
            url: None,
            tags: p.words("tags"),
            controls: p.words("controls"),
            extra: p.extra(),
        };
        let label = decl.label.as_ref().map(|l| l.value.clone());
        let protocol = p.text("protocol");
        // Only a two-way flow needs a second copy of everything.
        let reverse = decl.bidirectional.then(|| {
            (
                label.clone(),
                protocol.clone(),
                data.clone(),
                properties.clone(),
            )
        });
        let first = push_flow(
            model,
            &mut pair_counts,
            source,
            target,
            label,
            protocol,
            data,
            properties,
            decl.span,
        );
        if let Some((label, protocol, data, properties)) = reverse {
            let second = push_flow(
                model,
                &mut pair_counts,
                target,
                source,
                label,
                protocol,
                data,
                properties,
                decl.span,
            );
            if let Some(flow) = model.flows.get_mut(first.index()) {
                flow.reverse_of = Some(second);
            }
            if let Some(flow) = model.flows.get_mut(second.index()) {
                flow.reverse_of = Some(first);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn push_flow(
    model: &mut Model,
    pair_counts: &mut Map<(ElementIdx, ElementIdx), usize>,
    source: ElementIdx,
    target: ElementIdx,
    label: Option<String>,
    protocol: Option<String>,
    data: Vec<crate::model::DataIdx>,
    properties: Properties,
    span: Span,
) -> FlowIdx {
    let count = pair_counts.entry((source, target)).or_insert(0);
    *count += 1;
    let source_id = model.element(source).map(|e| e.id.as_str()).unwrap_or("");
    let target_id = model.element(target).map(|e| e.id.as_str()).unwrap_or("");
    // Written piece by piece: `format!` was a tenth of resolving a large model.
    let mut id = String::with_capacity(source_id.len() + target_id.len() + 4);
    id.push_str(source_id);
    id.push('>');
    id.push_str(target_id);
    if *count > 1 {
        id.push('#');
        id.push_str(itoa::Buffer::new().format(*count));
    }
    let index = FlowIdx::new(model.flows.len());
    model.flows.push(Flow {
        id,
        number: index.index() + 1,
        source,
        target,
        label,
        protocol,
        data,
        properties,
        reverse_of: None,
        crosses_boundary: false,
        encrypted: false,
        max_classification: None,
        span,
    });
    index
}
