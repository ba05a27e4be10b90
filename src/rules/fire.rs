//! Applying checked rules to the model: `on element` once per element of the kinds,
//! `on source`/`on target` once per flow whose end is of the kinds, `on flow` once per flow.
//! Each threat gets its stable id, its rendered text and its explained severity.

use super::check::CompiledRule;
use super::path::{Role, Scope};
use super::severity::{self, Factors};
use super::{Threat, ThreatSubject};
use crate::model::{DataIdx, Element, ElementIdx, Flow, FlowIdx, ManualThreat, Model, Subject};
use crate::vocab::{Classification, Level, Status};

/// Every threat the rules produce, in output order: flows by number, then elements in source
/// order, and by rule id (the order `rules` is in) within each. Producing them in that order
/// leaves the final sort, which adds hand-written threats, next to nothing to do.
pub fn fire(model: &Model, rules: &[CompiledRule]) -> Vec<Threat> {
    let (element_rules, flow_rules): (Vec<&CompiledRule>, Vec<&CompiledRule>) =
        rules.iter().partition(|rule| rule.role == Role::Element);
    let mut threats = Vec::new();
    for (index, flow) in model.flows.iter().enumerate() {
        let idx = FlowIdx(index);
        let scope = Scope {
            model,
            element: None,
            flow: Some(idx),
            source: Some(flow.source),
            target: Some(flow.target),
        };
        for rule in &flow_rules {
            let end = match rule.role {
                Role::Source => Some(flow.source),
                Role::Target => Some(flow.target),
                Role::Flow | Role::Element => None,
            };
            let end = end.and_then(|idx| model.element(idx).map(|e| (idx, e)));
            if end.is_some_and(|(_, element)| !rule.kinds.contains(element.kind)) {
                continue;
            }
            if rule.when.as_ref().map_or(true, |w| w.holds(&scope)) {
                threats.push(threat(rule, &scope, end, Some((idx, flow))));
            }
        }
    }
    for (index, element) in model.elements.iter().enumerate() {
        let idx = ElementIdx(index);
        let scope = Scope {
            model,
            element: Some(idx),
            flow: None,
            source: None,
            target: None,
        };
        for rule in &element_rules {
            if rule.kinds.contains(element.kind)
                && rule.when.as_ref().map_or(true, |w| w.holds(&scope))
            {
                threats.push(threat(rule, &scope, Some((idx, element)), None));
            }
        }
    }
    threats
}

fn threat(
    rule: &CompiledRule,
    scope: &Scope,
    element: Option<(ElementIdx, &Element)>,
    flow: Option<(FlowIdx, &Flow)>,
) -> Threat {
    let model = scope.model;
    let info = &rule.info;
    let (id, span) = match (flow, element) {
        (Some((_, flow)), _) => (format!("{}@{}", info.id, flow.id), flow.span),
        (None, Some((_, element))) => (format!("{}@{}", info.id, element.id), element.span),
        (None, None) => (info.id.clone(), info.span),
    };
    let declared = Declared::find(&info.mitigated_by, element.map(|e| e.1), flow.map(|f| f.1));
    let mut explanation = rule.explanation.render(scope);
    declared.explain(
        element.map(|e| e.1),
        rule.severity.is_none(),
        &mut explanation,
    );
    let factors = Factors {
        fixed: rule.severity.map(|level| (level, "the rule")),
        restricted: restricted(model, element.map(|e| e.1), flow.map(|f| f.1)),
        controls: declared.reasons(element.map(|e| e.1)),
    };
    let (severity, severity_reasons) = severity::assess(rule.likelihood, rule.impact, &factors);
    Threat {
        id,
        rule: Some(info.id.clone()),
        category: info.category,
        subject: ThreatSubject {
            element: element.map(|e| e.0),
            flow: flow.map(|f| f.0),
        },
        title: rule.title.render(scope),
        explanation,
        mitigations: rule.mitigations.iter().map(|m| m.render(scope)).collect(),
        likelihood: rule.likelihood,
        impact: rule.impact,
        severity,
        severity_reasons,
        status: Status::Open,
        decision: None,
        references: info.references.clone(),
        span,
    }
}

/// A hand-written threat, with the same severity computation (its `severity` overrides it).
pub fn manual(model: &Model, manual: &ManualThreat) -> Threat {
    let (element, flow) = match manual.subject {
        Subject::Element(idx) => (model.element(idx).map(|e| (idx, e)), None),
        Subject::Flow(idx) => (None, model.flow(idx).map(|f| (idx, f))),
    };
    let likelihood = manual.likelihood.unwrap_or(Level::Medium);
    let impact = manual.impact.unwrap_or(Level::Medium);
    let factors = Factors {
        fixed: manual.severity.map(|level| (level, "the threat")),
        restricted: restricted(model, element.map(|e| e.1), flow.map(|f| f.1)),
        controls: Vec::new(),
    };
    let (severity, severity_reasons) = severity::assess(likelihood, impact, &factors);
    Threat {
        id: manual.id.clone(),
        rule: None,
        category: manual.category,
        subject: ThreatSubject {
            element: element.map(|e| e.0),
            flow: flow.map(|f| f.0),
        },
        title: manual.title.clone(),
        explanation: manual.explanation.clone(),
        mitigations: manual.mitigations.clone(),
        likelihood,
        impact,
        severity,
        severity_reasons,
        status: Status::Open,
        decision: None,
        references: manual.references.clone(),
        span: manual.span,
    }
}

/// Why the data involved raises a severity: the flow's data in a flow's context, what a store
/// holds otherwise.
fn restricted(model: &Model, element: Option<&Element>, flow: Option<&Flow>) -> Option<String> {
    let ids = |data: &[DataIdx]| -> Vec<String> {
        data.iter()
            .filter_map(|d| model.data_item(*d))
            .filter(|d| d.classification == Classification::Restricted)
            .map(|d| d.id.clone())
            .collect()
    };
    match (flow, element) {
        (Some(flow), _) => {
            let found = ids(&flow.data);
            (!found.is_empty())
                .then(|| format!("the flow carries restricted data ({})", found.join(", ")))
        }
        (None, Some(element)) => {
            let found = ids(&element.stores);
            (!found.is_empty()).then(|| {
                format!(
                    "{} stores restricted data ({})",
                    element.name,
                    found.join(", ")
                )
            })
        }
        (None, None) => None,
    }
}

/// The `mitigated_by` controls the model declares, on the element and on the flow.
struct Declared<'r> {
    on_element: Vec<&'r str>,
    on_flow: Vec<&'r str>,
}

impl<'r> Declared<'r> {
    fn find(mitigated_by: &'r [String], element: Option<&Element>, flow: Option<&Flow>) -> Self {
        let mut declared = Declared {
            on_element: Vec::new(),
            on_flow: Vec::new(),
        };
        for control in mitigated_by {
            if element.is_some_and(|e| e.properties.controls.contains(control)) {
                declared.on_element.push(control);
            } else if flow.is_some_and(|f| f.properties.controls.contains(control)) {
                declared.on_flow.push(control);
            }
        }
        declared
    }

    fn reasons(&self, element: Option<&Element>) -> Vec<String> {
        let name = element.map_or("the element", |e| e.name.as_str());
        let on_element = self
            .on_element
            .iter()
            .map(|c| format!("{name} declares {c}"));
        let on_flow = self
            .on_flow
            .iter()
            .map(|c| format!("the flow declares {c}"));
        on_element.chain(on_flow).collect()
    }

    /// Says so in the explanation, without claiming anything the model does not declare
    /// (nor that it lowered a severity the rule sets outright).
    fn explain(&self, element: Option<&Element>, lowers: bool, explanation: &mut String) {
        let name = element.map_or("The element", |e| e.name.as_str());
        for (who, controls) in [(name, &self.on_element), ("The flow", &self.on_flow)] {
            if controls.is_empty() {
                continue;
            }
            let (verb, pronoun) = if controls.len() == 1 {
                ("covers", "it")
            } else {
                ("cover", "they")
            };
            if !explanation.is_empty() && !explanation.ends_with(' ') {
                explanation.push(' ');
            }
            let effect = if lowers {
                ", which lowers the risk"
            } else {
                ""
            };
            explanation.push_str(&format!(
                "{who} already declares {}{effect}; verify {pronoun} {verb} this threat.",
                and_list(controls)
            ));
        }
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::and_list;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["tls"]), "tls");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
