//! Stage: report → `html`. The threat model as one self-contained page: summary, the data-flow
//! diagram, a threat table people can filter and sort, the data flows and the decisions.
//!
//! Input: a [`Report`], the [`Templates`], and optionally the SVG Graphviz drew from this report's
//! DOT (the library never runs Graphviz; the CLI does). Output: HTML ending in a newline.
//! Invariants: the page loads nothing (no external scripts, styles, fonts or images; its
//! Content-Security-Policy forbids it); every text from the model reaches the page through the
//! template's autoescaping ([`super::escape::html`]), so a name is never markup; the only text
//! printed `safe` is the SVG, cut down to its `<svg>` element; without JavaScript the full
//! table shows, and the inline script only adds the filters and sorting.

use super::escape;
use super::summary::{status_name, CountRow, Counts, SEVERITIES};
use super::templates::{Templates, THREAT_MODEL_HTML, THREAT_MODEL_HTML_PAGE, THREAT_ROWS_MARKER};
use super::view::{DecisionKind, ElementView, FlowView, ModelInfo, Report};
use super::{mermaid, RenderError};
use crate::vocab::{Category, Level, Status};
use serde::Serialize;
use std::collections::HashMap;

/// Renders the HTML threat model. `svg` is Graphviz's rendering of this report's DOT (see
/// [`super::dot`]); without it the page shows the Mermaid source of the diagram instead.
/// `scope` draws one boundary only, as for the other diagrams.
pub fn html(
    report: &Report,
    templates: &Templates,
    svg: Option<&str>,
    scope: Option<&str>,
) -> Result<String, RenderError> {
    let svg = svg.and_then(svg_element);
    let diagram = match svg {
        Some(svg) => DiagramView {
            svg: Some(svg),
            mermaid: None,
        },
        None => DiagramView {
            svg: None,
            mermaid: Some(mermaid(report, scope)?),
        },
    };
    let mut context = Context::build(report, diagram);
    if templates.has(THREAT_MODEL_HTML_PAGE) {
        // The embedded page: Tera renders it around a marker, and the rows (nearly all of a
        // large page) are written here, as the template's loop writes them.
        let rows = std::mem::replace(&mut context.threats, Threats::Present(false));
        if let Threats::Rows(rows) = rows {
            context.threats = Threats::Present(!rows.is_empty());
            context.threat_rows = Some(THREAT_ROWS_MARKER);
            let page = templates.render(THREAT_MODEL_HTML_PAGE, &context)?;
            if let Some((before, after)) = page.split_once(THREAT_ROWS_MARKER) {
                let mut out = String::with_capacity(page.len() + rows.len() * 2048);
                out.push_str(before);
                for row in &rows {
                    write_row(row, &mut out);
                }
                out.push_str(after);
                return Ok(out);
            }
            // No rows, so no table and no marker: the whole template is as cheap.
            context.threats = Threats::Rows(rows);
            context.threat_rows = None;
        }
    }
    templates.render(THREAT_MODEL_HTML, &context)
}

/// One row of the threat table, as the loop of the embedded `threat-model.html.tera` writes
/// it (a test holds the two byte-identical; a change to one is a change to the other).
fn write_row(t: &Row<'_>, out: &mut String) {
    use std::fmt::Write;
    let text = |out: &mut String, text: &str| escape::html_to(out, text);
    // `write!` into a String cannot fail.
    let _ = write!(out, "<tr id=\"threat-{}\" data-severity=\"", t.number);
    text(out, t.severity_word);
    out.push_str("\" data-status=\"");
    text(out, t.status_word);
    out.push_str("\" data-category=\"");
    text(out, t.category_word);
    let _ = write!(out, "\">\n<td class=\"n\">{}</td>\n<td><strong>", t.number);
    text(out, t.title);
    out.push_str("</strong><br><code>");
    text(out, t.id);
    out.push_str("</code></td>\n<td>");
    text(out, &t.component);
    out.push_str("</td>\n");
    match t.flow.filter(|&n| n != 0) {
        Some(n) => {
            let _ = writeln!(
                out,
                "<td class=\"n\" data-value=\"{n}\"><a href=\"#flow-{n}\">{n}</a></td>"
            );
        }
        None => out.push_str("<td class=\"n\" data-value=\"0\"></td>\n"),
    }
    out.push_str("<td>");
    text(out, t.category);
    let _ = write!(
        out,
        "</td>\n<td data-value=\"{}\"><span class=\"sev sev-",
        t.severity_rank
    );
    text(out, t.severity_word);
    out.push_str("\">");
    text(out, t.severity);
    out.push_str("</span><br><small>likelihood ");
    text(out, &t.likelihood.to_lowercase());
    out.push_str(", impact ");
    text(out, &t.impact.to_lowercase());
    out.push_str("</small></td>\n<td class=\"status-");
    text(out, t.status_word);
    out.push_str("\">");
    text(out, t.status);
    out.push_str("</td>\n<td><div class=\"pre\">");
    text(out, t.explanation);
    out.push_str("</div>");
    if !t.mitigations.is_empty() {
        out.push_str("<ul>");
        for m in t.mitigations {
            out.push_str("<li class=\"pre\">");
            text(out, m);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let rule = t.rule.filter(|r| !r.is_empty());
    if !t.severity_reasons.is_empty() || !t.references.is_empty() || rule.is_some() {
        out.push_str("<details><summary>Why this severity, references</summary>");
        if !t.severity_reasons.is_empty() {
            out.push_str("<ul>");
            for r in t.severity_reasons {
                out.push_str("<li>");
                text(out, r);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        if !t.references.is_empty() {
            out.push_str("<p>References: ");
            for (i, r) in t.references.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                text(out, r);
            }
            out.push_str("</p>");
        }
        match rule {
            Some(rule) => {
                out.push_str("<p>Rule: <code>");
                text(out, rule);
                out.push_str("</code></p>");
            }
            None => out.push_str("<p>Hand-written threat.</p>"),
        }
        out.push_str("</details>");
    }
    out.push_str("</td>\n</tr>\n");
}

/// The `<svg>` element of a Graphviz SVG document, without the XML declaration, the doctype and
/// the comments before it; `None` when there is no `<svg` element.
fn svg_element(svg: &str) -> Option<&str> {
    let start = svg.find("<svg")?;
    svg.get(start..).map(str::trim_end)
}

/// What `threat-model.html.tera` sees (documented in docs/outputs.md).
#[derive(Serialize)]
struct Context<'a> {
    model: &'a ModelInfo,
    tool: Tool,
    totals: Counts,
    by_severity: Vec<CountRow>,
    by_category: Vec<CountRow>,
    diagram: DiagramView<'a>,
    filters: Filters,
    threats: Threats<'a>,
    /// The marker standing for the rows in the embedded page without its row loop.
    #[serde(skip_serializing_if = "Option::is_none")]
    threat_rows: Option<&'static str>,
    flows: Vec<FlowRow<'a>>,
    mitigated: Vec<Decided<'a>>,
    accepted: Vec<Decided<'a>>,
}

/// The threat rows, or (for the page whose loop is written in Rust) whether there are any.
#[derive(Serialize)]
#[serde(untagged)]
enum Threats<'a> {
    Rows(Vec<Row<'a>>),
    Present(bool),
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct DiagramView<'a> {
    /// The `<svg>` element drawn by Graphviz, printed as it is.
    svg: Option<&'a str>,
    /// The Mermaid source, when there is no SVG.
    mermaid: Option<String>,
}

/// The choices of the filter selects: `word` is the value of the rows' `data-*` attribute.
#[derive(Serialize)]
struct Filters {
    severities: Vec<Choice>,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
}

#[derive(Serialize)]
struct Choice {
    word: &'static str,
    name: &'static str,
}

/// One row of the threat table.
#[derive(Serialize)]
struct Row<'a> {
    /// 1.., in report order (the table's initial order).
    number: usize,
    id: &'a str,
    rule: Option<&'a str>,
    title: &'a str,
    /// The element's name, or `Data flow N` for a threat on the channel itself.
    component: String,
    /// The number of the flow the threat is in the context of.
    flow: Option<usize>,
    category: &'static str,
    category_word: &'static str,
    severity: &'static str,
    severity_word: &'static str,
    /// 1 for critical .. 4 for low: the sort key that puts the worst first.
    severity_rank: usize,
    likelihood: &'static str,
    impact: &'static str,
    severity_reasons: &'a [String],
    status: &'static str,
    status_word: &'static str,
    lapsed: bool,
    explanation: &'a str,
    mitigations: &'a [std::sync::Arc<str>],
    references: &'a [String],
}

#[derive(Serialize)]
struct FlowRow<'a> {
    number: usize,
    id: &'a str,
    source: &'a str,
    target: &'a str,
    label: Option<&'a str>,
    protocol: Option<&'a str>,
    /// Names of the data it carries, with their classification.
    data: Vec<String>,
    crosses_boundary: bool,
    /// Threats in this flow's context.
    threats: usize,
}

#[derive(Serialize)]
struct Decided<'a> {
    id: &'a str,
    title: &'a str,
    /// `by` of a mitigation, `reason` of an acceptance.
    text: &'a str,
    pattern: &'a str,
    until: Option<&'a str>,
    lapsed: bool,
}

fn choices<T: Copy>(
    all: &[T],
    word: fn(T) -> &'static str,
    name: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&value| Choice {
            word: word(value),
            name: name(value),
        })
        .collect()
}

impl<'a> Context<'a> {
    fn build(report: &'a Report, diagram: DiagramView<'a>) -> Self {
        let elements: HashMap<&str, &ElementView> =
            report.elements.iter().map(|e| (e.id.as_str(), e)).collect();
        let flows: HashMap<&str, &FlowView> =
            report.flows.iter().map(|f| (f.id.as_str(), f)).collect();
        let name = |id: &'a str| elements.get(id).map_or(id, |e| e.name.as_str());

        let mut totals = Counts::default();
        let mut by_severity = [Counts::default(); 4];
        let mut by_category = vec![Counts::default(); Category::ALL.len()];
        let mut per_flow: HashMap<&str, usize> = HashMap::new();
        let mut threats = Vec::with_capacity(report.threats.len());
        let mut mitigated = Vec::new();
        let mut accepted = Vec::new();
        for (i, threat) in report.threats.iter().enumerate() {
            totals.add(threat);
            let severity_at = SEVERITIES.iter().position(|s| *s == threat.severity);
            if let Some(slot) = severity_at.and_then(|i| by_severity.get_mut(i)) {
                slot.add(threat);
            }
            if let Some(slot) = Category::ALL
                .iter()
                .position(|c| *c == threat.category)
                .and_then(|i| by_category.get_mut(i))
            {
                slot.add(threat);
            }
            let flow = threat.flow.as_deref().and_then(|id| flows.get(id));
            if let Some(flow) = flow {
                *per_flow.entry(flow.id.as_str()).or_default() += 1;
            }
            let component = match (threat.element.as_deref(), flow) {
                (Some(element), _) => name(element).to_string(),
                (None, Some(flow)) => format!("Data flow {}", flow.number),
                (None, None) => threat.flow.as_deref().unwrap_or_default().to_string(),
            };
            let (status, lapsed) = status_name(threat);
            threats.push(Row {
                number: i + 1,
                id: &threat.id,
                rule: threat.rule.as_deref(),
                title: &threat.title,
                component,
                flow: flow.map(|f| f.number),
                category: threat.category.display(),
                category_word: threat.category.word(),
                severity: threat.severity.display(),
                severity_word: threat.severity.word(),
                severity_rank: severity_at.map_or(SEVERITIES.len(), |i| i + 1),
                likelihood: threat.likelihood.display(),
                impact: threat.impact.display(),
                severity_reasons: &threat.severity_reasons,
                status,
                status_word: threat.status.word(),
                lapsed,
                explanation: &threat.explanation,
                mitigations: &threat.mitigations,
                references: &threat.references,
            });
            if let Some(decision) = &threat.decision {
                let decided = Decided {
                    id: &threat.id,
                    title: &threat.title,
                    text: &decision.text,
                    pattern: &decision.pattern,
                    until: decision.until.as_deref(),
                    lapsed: decision.lapsed,
                };
                match decision.kind {
                    DecisionKind::Mitigate => mitigated.push(decided),
                    DecisionKind::Accept => accepted.push(decided),
                }
            }
        }

        let data: HashMap<&str, String> = report
            .data
            .iter()
            .map(|d| {
                let shown = format!("{} ({})", d.name, d.classification.display());
                (d.id.as_str(), shown)
            })
            .collect();
        let flow_rows = report
            .flows
            .iter()
            .map(|f| FlowRow {
                number: f.number,
                id: &f.id,
                source: name(&f.source),
                target: name(&f.target),
                label: f.label.as_deref(),
                protocol: f.protocol.as_deref(),
                data: f
                    .data
                    .iter()
                    .map(|id| data.get(id.as_str()).cloned().unwrap_or_else(|| id.clone()))
                    .collect(),
                crosses_boundary: f.crosses_boundary,
                threats: per_flow.get(f.id.as_str()).copied().unwrap_or(0),
            })
            .collect();

        Context {
            model: &report.model,
            tool: Tool {
                name: "tmc",
                version: env!("CARGO_PKG_VERSION"),
            },
            totals,
            by_severity: SEVERITIES
                .iter()
                .zip(by_severity)
                .map(|(level, counts)| CountRow {
                    name: level.display(),
                    counts,
                })
                .collect(),
            by_category: Category::ALL
                .iter()
                .zip(by_category)
                .map(|(category, counts)| CountRow {
                    name: category.display(),
                    counts,
                })
                .collect(),
            diagram,
            filters: Filters {
                severities: choices(&SEVERITIES, Level::word, Level::display),
                statuses: choices(Status::ALL, Status::word, Status::display),
                categories: choices(Category::ALL, Category::word, Category::display),
            },
            threats: Threats::Rows(threats),
            threat_rows: None,
            flows: flow_rows,
            mitigated,
            accepted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_element_drops_the_prolog() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"x\" \"y\">\n<!-- Generated -->\n<svg width=\"1\">\n</svg>\n";
        assert_eq!(svg_element(svg), Some("<svg width=\"1\">\n</svg>"));
        assert_eq!(svg_element("not svg"), None);
    }
}
