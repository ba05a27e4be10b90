//! Flows: endpoints looked up by id or display name, `<->` split in two, ids `SOURCE>TARGET`
//! with `#N` for repeats, numbered in reading order.

use super::collect::Decls;
use super::props::{self, Props};
use crate::diagnostics::{closest_within, codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, Flow, FlowIdx, Model, Properties, PropertyValues};
use crate::source::Span;
use crate::syntax::ast::Endpoint;
use crate::vocab::ElementKind;
use crate::Map;
use std::borrow::Cow;

/// Display name → elements with that name, for endpoint lookup: built the first time an
/// endpoint is not an id (a model that names every endpoint by id never needs it; at 100,000
/// elements building it was a tenth of resolving).
#[derive(Default)]
pub struct NameIndex {
    by_name: std::cell::OnceCell<Map<String, Vec<ElementIdx>>>,
}

impl NameIndex {
    fn by_name(&self, model: &Model) -> &Map<String, Vec<ElementIdx>> {
        self.by_name.get_or_init(|| {
            let mut by_name: Map<String, Vec<ElementIdx>> = Map::default();
            for (index, element) in model.elements.iter().enumerate() {
                by_name
                    .entry(element.name.clone())
                    .or_default()
                    .push(ElementIdx::new(index));
            }
            by_name
        })
    }

    /// Finds an endpoint: an id first, then a display name (ids win: they are unique).
    pub fn lookup(
        &self,
        model: &Model,
        endpoint: &Endpoint,
        sink: &mut Diagnostics,
    ) -> Option<ElementIdx> {
        self.find(model, endpoint, sink).map(|found| found.index)
    }

    /// [`NameIndex::lookup`], saying whether the endpoint is written as the element's id.
    fn find(&self, model: &Model, endpoint: &Endpoint, sink: &mut Diagnostics) -> Option<Found> {
        let text = endpoint.text();
        if let Some(index) = model.element_by_id(text) {
            return Some(Found { index, by_id: true });
        }
        let by_name = |index| Found {
            index,
            by_id: false,
        };
        match self.by_name(model).get(text).map(Vec::as_slice) {
            Some([only]) => return Some(by_name(*only)),
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
            return Some(by_name(*index));
        }
        // One candidate per element: its id when the id is close, else its name. Boundaries
        // are no candidates: a flow or a threat on one is an error of its own (E0018).
        let budget = sink.hints();
        let mut candidates: Vec<&str> = Vec::new();
        for element in model
            .elements
            .iter()
            .filter(|e| e.kind != ElementKind::Boundary)
        {
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

/// An endpoint found by [`NameIndex::find`].
#[derive(Clone, Copy)]
struct Found {
    index: ElementIdx,
    /// Written as the element's id (not its display name), so the text is the id.
    by_id: bool,
}

/// The id of a found endpoint: its text when it is written as the id, which spares a visit to
/// the element (at 100,000 elements, most such visits miss the cache).
fn id_of<'a>(model: &Model, found: Found, endpoint: &'a Endpoint) -> Cow<'a, str> {
    if found.by_id {
        return Cow::Borrowed(endpoint.text());
    }
    Cow::Owned(
        model
            .element(found.index)
            .map(|e| e.id.clone())
            .unwrap_or_default(),
    )
}

pub fn flows(decls: &Decls, model: &mut Model, sink: &mut Diagnostics) {
    let names = NameIndex::default();
    let data_ids: Map<String, usize> = model
        .data
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    let mut pair_counts: Map<(ElementIdx, ElementIdx), usize> = Map::default();
    pair_counts.reserve(decls.flows.len());
    model.flows.reserve(decls.flows.len());
    // Which elements are boundaries, in one small list that stays in the cache.
    let is_boundary: Vec<bool> = model
        .elements
        .iter()
        .map(|e| e.kind == ElementKind::Boundary)
        .collect();
    for decl in &decls.flows {
        let source = names.find(model, &decl.source, sink);
        let target = names.find(model, &decl.target, sink);
        let p = Props::check(&decl.properties, props::FLOW, &"a flow", sink);
        props::refuse_derived(&p, props::FLOW_DERIVED, &"a flow", sink);
        props::refuse_stores(
            &p,
            "a flow",
            format!(
                "a flow names the data it carries with `data`: write `data [{}]`",
                props::stores_written(&p)
            ),
            sink,
        );
        let data = super::collect::resolve_data_list(p.items("data"), &data_ids, model, sink);
        let (Some(source_found), Some(target_found)) = (source, target) else {
            continue;
        };
        let (source, target) = (source_found.index, target_found.index);
        let mut endpoints_ok = true;
        for (index, endpoint) in [(source, &decl.source), (target, &decl.target)] {
            if let Some(element) = is_boundary
                .get(index.index())
                .is_some_and(|b| *b)
                .then(|| model.element(index))
                .flatten()
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
        let properties = Properties::new(PropertyValues {
            description: p.text("description"),
            technology: None,
            owner: None,
            url: None,
            tags: p.words("tags"),
            controls: p.words("controls"),
            extra: p.extra(),
        });
        // Blank is none: `""` drew as `6. ` and `[]` on the diagrams' edges.
        let not_blank = |text: &String| !text.trim().is_empty();
        let label = decl
            .label
            .as_ref()
            .map(|l| l.value.clone())
            .filter(not_blank);
        let protocol = p.text("protocol").filter(not_blank);
        // Only a two-way flow needs a second copy of everything.
        let reverse = decl.bidirectional.then(|| {
            (
                label.clone(),
                protocol.clone(),
                data.clone(),
                properties.clone(),
            )
        });
        let source_id = id_of(model, source_found, &decl.source);
        let target_id = id_of(model, target_found, &decl.target);
        let first = push_flow(
            model,
            &mut pair_counts,
            (source, &source_id),
            (target, &target_id),
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
                (target, &target_id),
                (source, &source_id),
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
    (source, source_id): (ElementIdx, &str),
    (target, target_id): (ElementIdx, &str),
    label: Option<String>,
    protocol: Option<String>,
    data: Vec<crate::model::DataIdx>,
    properties: Properties,
    span: Span,
) -> FlowIdx {
    let count = pair_counts.entry((source, target)).or_insert(0);
    *count += 1;
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
