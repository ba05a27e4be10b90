//! Model + threats → the report view-model. Ids replace indices, spans become 1-based places.

use super::view::*;
use crate::model::{DecisionKind as ModelDecisionKind, Model};
use crate::rules::{RuleInfo, Threat, Threats};
use crate::source::{SourceMap, Span};
use std::sync::Arc;

/// From this many threats, the views and the threats are made on two threads.
const PARALLEL_FROM: usize = 4096;

pub fn source_span(sources: &SourceMap, span: Span) -> SourceSpan {
    let start = sources.line_col(span.file, span.start());
    let end = sources.line_col(span.file, span.end());
    SourceSpan {
        file: sources.name(span.file).into(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// Builds the report every renderer reads, copying the threats' text (see [`build_owned`]).
pub fn build(model: &Model, threats: &Threats, sources: &SourceMap) -> Report {
    build_owned(model, threats.threats.clone(), &threats.rules, sources)
}

/// Builds the report, moving each threat into it instead of copying: at 170,000 threats the
/// copy was a few hundred megabytes when threats held their text, and the memory it touched
/// most of the time a build took (docs/performance-history.md, second round); it would still
/// be tens of megabytes of fresh memory.
pub fn build_owned(
    model: &Model,
    threats: Vec<Threat>,
    rules: &[RuleInfo],
    sources: &SourceMap,
) -> Report {
    build_with(model, threats, rules, sources, PARALLEL_FROM)
}

/// [`build_owned`], on two threads from `parallel_from` threats: the element, data and flow
/// views on a second thread while this one converts the threats (the two take about as long).
fn build_with(
    model: &Model,
    threats: Vec<Threat>,
    rules: &[RuleInfo],
    sources: &SourceMap,
    parallel_from: usize,
) -> Report {
    let ids = Ids::new(model);
    let ((elements, data, flows), (threat_views, fired)) = if threats.len() < parallel_from {
        (
            views(model, &ids, sources),
            convert(model, &ids, threats, sources),
        )
    } else {
        std::thread::scope(|threads| {
            let made = threads.spawn(|| views(model, &ids, sources));
            let converted = convert(model, &ids, threats, sources);
            let made = made
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (made, converted)
        })
    };
    // A rule's threats share one `Arc` of its id; should two hold the same id, add them up.
    let mut fired_by_id: crate::Map<&str, usize> = crate::Map::default();
    for (id, count) in fired.values() {
        *fired_by_id.entry(id).or_insert(0) += count;
    }
    let rules = rules
        .iter()
        .filter_map(|rule| {
            let count = fired_by_id.get(rule.id.as_str()).copied()?;
            Some(RuleView {
                id: rule.id.clone(),
                pack: rule.pack.clone(),
                category: rule.category,
                applies_to: rule.applies_to.clone(),
                title: rule.title.clone(),
                explanation: rule.explanation.clone(),
                mitigations: rule.mitigations.clone(),
                references: rule.references.clone(),
                fired: count,
                source_span: source_span(sources, rule.span),
            })
        })
        .collect();
    Report {
        model: ModelInfo {
            name: model.info.name.clone(),
            description: model.info.description.clone(),
            version: model.info.version.clone(),
            owner: model.info.owner.clone(),
            file: model.info.file.clone(),
            properties: custom_properties(&model.info.extra),
        },
        elements,
        data,
        flows,
        threats: threat_views,
        rules,
    }
}

/// The views of some threats alone, as [`build_owned`] makes them: for `tmc check --fail-on`,
/// which shows only the threats that fail the gate and needs no other part of a report.
pub fn threat_views(model: &Model, threats: Vec<Threat>, sources: &SourceMap) -> Vec<ThreatView> {
    convert(model, &Ids::new(model), threats, sources).0
}

/// Every element's, data item's and flow's id once, shared by the views and threats that name
/// it (at N = 100,000 a copy for each was a million allocations).
struct Ids {
    elements: Vec<Arc<str>>,
    data: Vec<Arc<str>>,
    flows: Vec<Arc<str>>,
}

impl Ids {
    fn new(model: &Model) -> Ids {
        Ids {
            elements: model
                .elements
                .iter()
                .map(|e| e.id.as_str().into())
                .collect(),
            data: model.data.iter().map(|d| d.id.as_str().into()).collect(),
            flows: model.flows.iter().map(|f| f.id.as_str().into()).collect(),
        }
    }

    fn element(&self, idx: crate::model::ElementIdx) -> Arc<str> {
        self.elements
            .get(idx.index())
            .cloned()
            .unwrap_or_else(|| "".into())
    }

    fn data(&self, idx: &crate::model::DataIdx) -> Arc<str> {
        self.data
            .get(idx.index())
            .cloned()
            .unwrap_or_else(|| "".into())
    }

    fn flow(&self, idx: crate::model::FlowIdx) -> Option<Arc<str>> {
        self.flows.get(idx.index()).cloned()
    }
}

/// The report's elements, data and flows.
fn views(
    model: &Model,
    ids: &Ids,
    sources: &SourceMap,
) -> (Vec<ElementView>, Vec<DataView>, Vec<FlowView>) {
    let elements = model
        .elements
        .iter()
        .enumerate()
        .map(|(index, element)| ElementView {
            id: ids.element(crate::model::ElementIdx::new(index)),
            name: element.name.clone(),
            kind: element.kind,
            boundary: element.boundaries.first().map(|b| ids.element(*b)),
            boundaries: element.boundaries.iter().map(|b| ids.element(*b)).collect(),
            description: element.properties.description.clone(),
            technology: element.properties.technology.clone(),
            owner: element.properties.owner.clone(),
            url: element.properties.url.clone(),
            tags: element.properties.tags.clone(),
            controls: element.properties.controls.clone(),
            stores: element.stores.iter().map(|d| ids.data(d)).collect(),
            internet_facing: element.internet_facing,
            properties: custom_properties(&element.properties.extra),
            source_span: source_span(sources, element.span),
        })
        .collect();
    let data = model
        .data
        .iter()
        .map(|d| DataView {
            id: d.id.clone(),
            name: d.name.clone(),
            classification: d.classification,
            description: d.description.clone(),
            tags: d.tags.clone(),
            properties: custom_properties(&d.extra),
            source_span: source_span(sources, d.span),
        })
        .collect();
    let flows = model
        .flows
        .iter()
        .enumerate()
        .map(|(index, flow)| FlowView {
            id: ids
                .flow(crate::model::FlowIdx::new(index))
                .unwrap_or_else(|| "".into()),
            number: flow.number,
            source: ids.element(flow.source),
            target: ids.element(flow.target),
            label: flow.label.clone(),
            protocol: flow.protocol.clone(),
            description: flow.properties.description.clone(),
            data: flow.data.iter().map(|d| ids.data(d)).collect(),
            controls: flow.properties.controls.clone(),
            tags: flow.properties.tags.clone(),
            reverse_of: flow.reverse_of.and_then(|r| ids.flow(r)),
            crosses_boundary: flow.crosses_boundary,
            encrypted: flow.encrypted,
            max_classification: flow.max_classification,
            properties: custom_properties(&flow.properties.extra),
            source_span: source_span(sources, flow.span),
        })
        .collect();
    (elements, data, flows)
}

/// The keys the language does not know, as JSON values.
fn custom_properties(
    extra: &indexmap::IndexMap<String, crate::model::PropValue>,
) -> indexmap::IndexMap<String, serde_json::Value> {
    (extra.iter())
        .map(|(key, value)| {
            let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
            (key.clone(), value)
        })
        .collect()
}

/// Each rule's shared id (by its address) and how many threats it gave.
type Fired = crate::Map<*const u8, (Arc<str>, usize)>;

/// The threats as the report shows them, and how many each rule's shared id fired.
fn convert(
    model: &Model,
    ids: &Ids,
    threats: Vec<Threat>,
    sources: &SourceMap,
) -> (Vec<ThreatView>, Fired) {
    // Counted by the rule's shared id (its address), which is cheaper to hash than its text.
    let mut fired = Fired::default();
    // A declaration's threats come one after another (the threats are sorted by what they are
    // about), so its place is computed once and shared by the run. A table of every place seen
    // held 300,000 entries at N = 100,000 to catch repeats the order rules out.
    let mut last: Option<(Span, Arc<SourceSpan>)> = None;
    let mut place = |span: Span| match &last {
        Some((seen, place)) if *seen == span => place.clone(),
        _ => {
            let place = Arc::new(source_span(sources, span));
            last = Some((span, place.clone()));
            place
        }
    };
    let converted = threats
        .into_iter()
        .map(|threat| {
            if let Some(rule) = &threat.rule {
                fired
                    .entry(Arc::as_ptr(rule).cast::<u8>())
                    .or_insert_with(|| (rule.clone(), 0))
                    .1 += 1;
            }
            ThreatView {
                id: threat.id.into_boxed_str(),
                rule: threat.rule,
                category: threat.category,
                element: (threat.subject.element).map(|e| ids.element(e)),
                flow: (threat.subject.flow).and_then(|f| ids.flow(f)),
                title: threat.title,
                explanation: threat.explanation,
                mitigations: threat.mitigations,
                likelihood: threat.likelihood,
                impact: threat.impact,
                severity: threat.severity,
                severity_reasons: threat.severity_reasons,
                status: threat.status,
                decision: threat.decision.and_then(|applied| {
                    model.decisions.get(applied.decision as usize).map(|d| {
                        Box::new(DecisionView {
                            kind: match d.kind {
                                ModelDecisionKind::Mitigate => DecisionKind::Mitigate,
                                ModelDecisionKind::Accept => DecisionKind::Accept,
                            },
                            pattern: d.pattern.clone(),
                            text: d.text.clone(),
                            until: d.until.clone(),
                            lapsed: applied.lapsed,
                            source_span: SourceSpan::clone(&place(d.span)),
                        })
                    })
                }),
                references: threat.references,
                source_span: place(threat.span),
            }
        })
        .collect();
    (converted, fired)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `convert` turns the threats into views in the threats' own allocation only while a view
    /// is no larger than a threat (and as aligned); otherwise a large report needs a second
    /// list as large as the first (340 MB at 100,000 elements), faulted in page by page.
    #[test]
    fn a_view_fits_where_its_threat_was() {
        use std::mem::{align_of, size_of};
        assert!(size_of::<ThreatView>() <= size_of::<Threat>());
        assert_eq!(align_of::<ThreatView>(), align_of::<Threat>());
        assert_eq!(size_of::<Span>(), 12);
    }
    use crate::compile::{compile, Options};
    use crate::load::MemoryLoader;
    use std::path::Path;

    /// The report made on two threads is the one made on one.
    #[test]
    fn two_threads_make_the_same_report() {
        let text = include_str!("../../examples/ai-nutrition-pro.tm");
        let loader = MemoryLoader::new().with("example.tm", text);
        let compilation = compile(Path::new("example.tm"), &loader, &Options::default()).unwrap();
        let (model, threats) = (&compilation.model, &compilation.threats);
        let one = build_with(
            model,
            threats.threats.clone(),
            &threats.rules,
            &compilation.sources,
            usize::MAX,
        );
        let two = build_with(
            model,
            threats.threats.clone(),
            &threats.rules,
            &compilation.sources,
            0,
        );
        assert!(!one.threats.is_empty() && !one.flows.is_empty());
        assert_eq!(one, two);
    }
}
