//! Stage: report → `html`. The threat model as one self-contained page: summary, the data-flow
//! diagram, a threat table people can filter and sort, the data flows and the decisions.
//!
//! Input: a [`Report`], the [`Templates`], and optionally the SVG Graphviz drew from this report's
//! DOT, or why there is none ([`NotDrawn`]; the library never runs Graphviz; the CLI does).
//! Output: HTML ending in a newline.
//! Invariants: the page loads nothing (no external scripts, styles, fonts or images; its
//! Content-Security-Policy forbids it); every text from the model reaches the page through the
//! template's autoescaping ([`super::escape::html`]), so a name is never markup; the only text
//! printed `safe` is the SVG, cut down to its `<svg>` element, and the threats' data of a large
//! page, which holds no `<` (see `html_data.rs`). Up to [`TABLE_LIMIT`] threats, the page lists
//! them as rows and works without JavaScript (the inline script adds filters and sorting);
//! beyond it, the script shows them from the data a page at a time.

use super::escape;
use super::shared::{PerList, PerLiteral};
use super::summary::{status_name, CountRow, Counts, Decided, SEVERITIES};
use super::templates::{
    Templates, FLOW_ROWS_MARKER, THREAT_DATA_MARKER, THREAT_MODEL_HTML, THREAT_MODEL_HTML_PAGE,
    THREAT_ROWS_MARKER,
};
use super::view::{
    DecisionKind, ElementView, FlowView, MitigationList, Mitigations, ModelInfo, Report, Text,
    ThreatView,
};
use super::{html_data, mermaid, RenderError};
use crate::vocab::{Category, Level, Status};
use crate::Map;
use serde::Serialize;
use std::borrow::Cow;

/// How the page is made.
#[derive(Clone, Copy, Debug)]
pub struct HtmlOptions<'a> {
    /// Graphviz's rendering of this report's DOT (see [`super::dot`]); without it the page
    /// shows the Mermaid source of the diagram instead, after a sentence saying why.
    pub svg: Option<&'a str>,
    /// Why there is no `svg`, for that sentence (ignored when `svg` is given).
    pub not_drawn: NotDrawn<'a>,
    /// Draw one boundary only, as for the other diagrams.
    pub scope: Option<&'a str>,
    /// The most threats the page lists as rows of its table. A report with more carries them
    /// as data, which the page's script shows [`PAGE_SIZE`] at a time: a browser lays a table
    /// of tens of thousands of rows out for minutes, and the page is a quarter the size.
    pub table_limit: usize,
}

/// The default [`HtmlOptions::table_limit`]: about 120 elements' threats. Headless Chromium on
/// a 2-core machine opens a page of 3,100 rows in 3.3 s and of 16,800 rows in 55 s.
pub const TABLE_LIMIT: usize = 2000;

/// Rows per page of a page whose threats are data, at first; the reader can pick another of
/// [`PAGE_SIZES`].
pub const PAGE_SIZE: usize = 100;
const PAGE_SIZES: [usize; 4] = [100, 250, 500, 1000];

/// Why a page has no Graphviz drawing; the template's `diagram.not_drawn`, a `why` word and
/// the details of that case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum NotDrawn<'a> {
    /// Not said: the caller ran no Graphviz and gave no reason.
    #[default]
    Unknown,
    /// Graphviz's `dot` could not be run where the page was built.
    NoGraphviz,
    /// The drawing has `elements` elements, more than the `limit` Graphviz lays out in
    /// reasonable time, so it was not attempted.
    TooLarge { elements: usize, limit: usize },
    /// Graphviz failed or was stopped; `error` is the first line of what went wrong.
    Failed { error: &'a str },
}

impl Default for HtmlOptions<'_> {
    fn default() -> Self {
        HtmlOptions {
            svg: None,
            not_drawn: NotDrawn::Unknown,
            scope: None,
            table_limit: TABLE_LIMIT,
        }
    }
}

/// Renders the HTML threat model.
pub fn html(
    report: &Report,
    templates: &Templates,
    options: &HtmlOptions<'_>,
) -> Result<String, RenderError> {
    let mut out = Vec::new();
    html_to(report, templates, options, &mut out)?;
    String::from_utf8(out).map_err(|e| RenderError::Io(std::io::Error::other(e)))
}

/// Writes the HTML threat model to `out`: the bytes [`html`] returns, without holding the
/// threat rows (nearly all of a large page) in memory. Give it a buffered writer.
pub fn html_to(
    report: &Report,
    templates: &Templates,
    options: &HtmlOptions<'_>,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let svg = options.svg.and_then(svg_element);
    let diagram = match (svg, options.svg) {
        (Some(svg), _) => DiagramView {
            svg: Some(svg),
            mermaid: None,
            not_drawn: None,
        },
        (None, given) => DiagramView {
            svg: None,
            mermaid: Some(mermaid(report, options.scope)?),
            not_drawn: Some(match given {
                Some(_) => NotDrawn::Failed {
                    error: "its output holds no <svg> element",
                },
                None => options.not_drawn,
            }),
        },
    };
    let lookup = Lookup::new(report);
    let paged = report.threats.len() > options.table_limit;
    // The embedded page: Tera renders it around markers, and the rows (or the data) are made
    // and written here a piece at a time, as the template's loops write them.
    if templates.has(THREAT_MODEL_HTML_PAGE) && !report.threats.is_empty() {
        let mut context = Context::build(report, &lookup, diagram, false);
        let flows = match std::mem::replace(&mut context.flows, Rows::Present(false)) {
            Rows::All(flows) => flows,
            Rows::Present(_) => Vec::new(),
        };
        context.flows = Rows::Present(!flows.is_empty());
        context.threat_rows = Some(THREAT_ROWS_MARKER);
        context.flow_rows = Some(FLOW_ROWS_MARKER);
        context.paged = paged.then(|| Paged::new(THREAT_DATA_MARKER.into()));
        let page = templates.render(THREAT_MODEL_HTML_PAGE, &context)?;
        let missing = || {
            let missing = tera::Error::msg("a row marker is missing");
            RenderError::template(THREAT_MODEL_HTML_PAGE, &missing)
        };
        let threats_at = if paged {
            THREAT_DATA_MARKER
        } else {
            THREAT_ROWS_MARKER
        };
        let (before, rest) = page.split_once(threats_at).ok_or_else(missing)?;
        // Without flows there is no flow table, and no marker for it.
        let (between, after) = match rest.split_once(FLOW_ROWS_MARKER) {
            Some(parts) => parts,
            None if flows.is_empty() => (rest, ""),
            None => return Err(missing()),
        };
        out.write_all(before.as_bytes())?;
        if paged {
            html_data::write(report, |threat| lookup.component(threat), out)?;
        } else {
            write_rows(report, &lookup, out)?;
        }
        out.write_all(between.as_bytes())?;
        let mut buffer = String::with_capacity(FLUSH_AT * 2);
        for flow in &flows {
            write_flow_row(flow, &mut buffer);
            if buffer.len() >= FLUSH_AT {
                out.write_all(buffer.as_bytes())?;
                buffer.clear();
            }
        }
        out.write_all(buffer.as_bytes())?;
        out.write_all(after.as_bytes())?;
        return Ok(());
    }
    let mut context = Context::build(report, &lookup, diagram, true);
    if paged {
        let mut data = Vec::new();
        html_data::write(report, |threat| lookup.component(threat), &mut data)?;
        let data = String::from_utf8(data).map_err(std::io::Error::other)?;
        context.paged = Some(Paged::new(data.into()));
    }
    out.write_all(templates.render(THREAT_MODEL_HTML, &context)?.as_bytes())?;
    Ok(())
}

/// Writes the threat rows, as the embedded page's loop writes them.
fn write_rows(
    report: &Report,
    lookup: &Lookup<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut buffer = String::with_capacity(FLUSH_AT * 2);
    let mut made = Made::default();
    for (index, threat) in report.threats.iter().enumerate() {
        write_row(&lookup.row(index, threat), &mut buffer, &mut made);
        if buffer.len() >= FLUSH_AT {
            out.write_all(buffer.as_bytes())?;
            buffer.clear();
        }
    }
    out.write_all(buffer.as_bytes())
}

/// Hand the rows to the writer in pieces of about this size.
/// A megabyte, as for the Markdown: a `BufWriter` of that size (the CLI's) passes it on without
/// copying it, where 64 KB pieces were each copied into its buffer first.
const FLUSH_AT: usize = 1 << 20;

/// One row of the flow table, as the loop of the embedded `threat-model.html.tera` writes it.
fn write_flow_row(f: &FlowRow<'_>, out: &mut String) {
    use std::fmt::Write;
    let text = |out: &mut String, text: &str| escape::html_to(out, text);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "<tr id=\"flow-{0}\"><td class=\"n\">{0}</td><td>",
        f.number
    );
    text(out, f.source);
    out.push_str("</td><td>");
    text(out, f.target);
    out.push_str("</td><td class=\"pre\">");
    text(out, f.label.unwrap_or_default());
    out.push_str("</td><td>");
    text(out, f.protocol.unwrap_or_default());
    out.push_str("</td><td>");
    text(out, &f.data.join(", "));
    out.push_str(if f.crosses_boundary {
        "</td><td>Yes</td>"
    } else {
        "</td><td>No</td>"
    });
    let _ = writeln!(out, "<td class=\"n\">{}</td></tr>", f.threats);
}

/// One row of the threat table, as the loop of the embedded `threat-model.html.tera` writes
/// it (a test holds the two byte-identical; a change to one is a change to the other).
///
/// Numbers go through `itoa` and text is pushed piece by piece: `write!` and its formatting
/// machinery were a sixth of a 1,000-element `--emit html` build. The vocabulary's words
/// (`&'static str` in [`Row`]) are pushed as they are: none has anything to escape (a test
/// holds that): escaping eight short words a row was a fifth of writing the rows.
fn write_row(t: &Row<'_>, out: &mut String, made: &mut Made) {
    let Made { lists, literals } = made;
    let text = |out: &mut String, text: &str| escape::html_to(out, text);
    let mut digits = itoa::Buffer::new();
    let number = digits.format(t.number);
    out.push_str("<tr id=\"threat-");
    out.push_str(number);
    out.push_str("\" data-severity=\"");
    out.push_str(t.severity_word);
    out.push_str("\" data-status=\"");
    out.push_str(t.status_word);
    out.push_str("\" data-category=\"");
    out.push_str(t.category_word);
    out.push_str("\">\n<td class=\"n\">");
    out.push_str(number);
    out.push_str("</td>\n<td><strong>");
    literals.html_to(out, t.title);
    out.push_str("</strong><br><code>");
    text(out, t.id);
    out.push_str("</code></td>\n<td>");
    text(out, &t.component);
    out.push_str("</td>\n");
    match t.flow.filter(|&n| n != 0) {
        Some(n) => {
            let mut digits = itoa::Buffer::new();
            let n = digits.format(n);
            out.extend([
                "<td class=\"n\" data-value=\"",
                n,
                "\"><a href=\"#flow-",
                n,
                "\">",
                n,
                "</a></td>\n",
            ]);
        }
        None => out.push_str("<td class=\"n\" data-value=\"0\"></td>\n"),
    }
    out.push_str("<td>");
    out.push_str(t.category);
    out.push_str("</td>\n<td data-value=\"");
    out.push_str(digits.format(t.severity_rank));
    out.push_str("\"><span class=\"sev sev-");
    out.push_str(t.severity_word);
    out.push_str("\">");
    out.push_str(t.severity);
    out.push_str("</span><br><small>likelihood ");
    out.push_str(t.likelihood_word);
    out.push_str(", impact ");
    out.push_str(t.impact_word);
    out.push_str("</small></td>\n<td class=\"status-");
    out.push_str(t.status_word);
    out.push_str("\">");
    out.push_str(t.status);
    out.push_str("</td>\n<td><div class=\"pre\">");
    literals.html_to(out, t.explanation);
    out.push_str("</div>");
    lists.write(t.mitigations, out, mitigation_list);
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

/// Appends the mitigations as a list, or nothing when there are none.
fn mitigation_list(out: &mut String, mitigations: &MitigationList<'_>) {
    if mitigations.is_empty() {
        return;
    }
    out.push_str("<ul>");
    for m in mitigations.iter() {
        out.push_str("<li class=\"pre\">");
        escape::html_to(out, m);
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

/// What the threat rows make once and reuse (see `shared.rs`).
#[derive(Default)]
struct Made {
    /// The mitigation lists of shared lists.
    lists: PerList<String>,
    /// Each template literal, escaped.
    literals: PerLiteral<String>,
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
    threats: Rows<Row<'a>>,
    /// The marker standing for the rows in the embedded page without its row loop.
    #[serde(skip_serializing_if = "Option::is_none")]
    threat_rows: Option<&'static str>,
    flows: Rows<FlowRow<'a>>,
    /// Set when the threats are carried as data (see [`HtmlOptions::table_limit`]).
    paged: Option<Paged>,
    /// The marker standing for the flow rows in the embedded page without its row loops.
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_rows: Option<&'static str>,
    mitigated: Vec<Decided<'a>>,
    accepted: Vec<Decided<'a>>,
}

/// How a page whose threats are data shows them.
#[derive(Serialize)]
struct Paged {
    /// Rows per page at first, and the choices.
    page_size: usize,
    sizes: [usize; 4],
    /// The threats' data (see `html_data.rs`), or the marker standing for it.
    data: Cow<'static, str>,
}

impl Paged {
    fn new(data: Cow<'static, str>) -> Self {
        Paged {
            page_size: PAGE_SIZE,
            sizes: PAGE_SIZES,
            data,
        }
    }
}

/// A table's rows, or (for the page whose loops are written in Rust) whether there are any.
#[derive(Serialize)]
#[serde(untagged)]
enum Rows<T> {
    All(Vec<T>),
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
    /// Why there is no SVG, when there is none.
    not_drawn: Option<NotDrawn<'a>>,
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
    title: &'a Text,
    /// The element's name, or `Data flow N` for a threat on the channel itself.
    component: Cow<'a, str>,
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
    /// The two above in lower case, as the template's `lower` filter writes them.
    #[serde(skip)]
    likelihood_word: &'static str,
    #[serde(skip)]
    impact_word: &'static str,
    severity_reasons: &'a [String],
    status: &'static str,
    status_word: &'static str,
    lapsed: bool,
    explanation: &'a Text,
    mitigations: &'a Mitigations,
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

/// Elements and flows by id, for the rows.
struct Lookup<'a> {
    elements: Map<&'a str, &'a ElementView>,
    flows: Map<&'a str, &'a FlowView>,
}

impl<'a> Lookup<'a> {
    fn new(report: &'a Report) -> Self {
        Lookup {
            elements: report.elements.iter().map(|e| (&*e.id, e)).collect(),
            flows: report.flows.iter().map(|f| (&*f.id, f)).collect(),
        }
    }

    /// An element's name, or the id itself when the report does not list it.
    fn name(&self, id: &'a str) -> &'a str {
        self.elements.get(id).map_or(id, |e| e.name.as_str())
    }

    /// A threat's component as the table shows it (the element's name, or `Data flow N` for a
    /// threat on the channel itself), and the number of its flow.
    fn component(&self, threat: &'a ThreatView) -> (Cow<'a, str>, Option<usize>) {
        let flow = threat.flow.as_deref().and_then(|id| self.flows.get(id));
        let component = match (threat.element.as_deref(), flow) {
            (Some(element), _) => Cow::Borrowed(self.name(element)),
            (None, Some(flow)) => Cow::Owned(super::numbered("Data flow ", flow.number)),
            (None, None) => Cow::Borrowed(threat.flow.as_deref().unwrap_or_default()),
        };
        (component, flow.map(|f| f.number))
    }

    /// The threat table's row for the `index`th threat.
    fn row(&self, index: usize, threat: &'a ThreatView) -> Row<'a> {
        let (component, flow) = self.component(threat);
        let severity_at = SEVERITIES.iter().position(|s| *s == threat.severity);
        let (status, lapsed) = status_name(threat);
        Row {
            number: index + 1,
            id: &threat.id,
            rule: threat.rule.as_deref(),
            title: &threat.title,
            component,
            flow,
            category: threat.category.display(),
            category_word: threat.category.word(),
            severity: threat.severity.display(),
            severity_word: threat.severity.word(),
            severity_rank: severity_at.map_or(SEVERITIES.len(), |i| i + 1),
            likelihood: threat.likelihood.display(),
            impact: threat.impact.display(),
            likelihood_word: threat.likelihood.word(),
            impact_word: threat.impact.word(),
            severity_reasons: &threat.severity_reasons,
            status,
            status_word: threat.status.word(),
            lapsed,
            explanation: &threat.explanation,
            mitigations: &threat.mitigations,
            references: &threat.references,
        }
    }
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
    /// The page's context; with `rows` false, `threats` only says whether there are any (the
    /// caller writes the rows with [`Lookup::row`]).
    fn build(
        report: &'a Report,
        lookup: &Lookup<'a>,
        diagram: DiagramView<'a>,
        rows: bool,
    ) -> Self {
        let flows = &lookup.flows;
        let name = |id: &'a str| lookup.name(id);

        let mut totals = Counts::default();
        let mut by_severity = [Counts::default(); 4];
        let mut by_category = vec![Counts::default(); Category::ALL.len()];
        let mut per_flow: Map<&str, usize> = Map::default();
        let mut threats = Vec::with_capacity(if rows { report.threats.len() } else { 0 });
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
                *per_flow.entry(&*flow.id).or_default() += 1;
            }
            if rows {
                threats.push(lookup.row(i, threat));
            }
            match Decided::of(report, threat) {
                Some((DecisionKind::Mitigate, decided)) => mitigated.push(decided),
                Some((DecisionKind::Accept, decided)) => accepted.push(decided),
                None => {}
            }
        }

        let data: Map<&str, String> = report
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
                    .map(|id| data.get(&**id).cloned().unwrap_or_else(|| id.to_string()))
                    .collect(),
                crosses_boundary: f.crosses_boundary,
                threats: per_flow.get(&*f.id).copied().unwrap_or(0),
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
            threats: if rows {
                Rows::All(threats)
            } else {
                Rows::Present(!report.threats.is_empty())
            },
            threat_rows: None,
            flows: Rows::All(flow_rows),
            paged: None,
            flow_rows: None,
            mitigated,
            accepted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::summary::OPEN_LAPSED;
    use super::*;

    #[test]
    fn svg_element_drops_the_prolog() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"x\" \"y\">\n<!-- Generated -->\n<svg width=\"1\">\n</svg>\n";
        assert_eq!(svg_element(svg), Some("<svg width=\"1\">\n</svg>"));
        assert_eq!(svg_element("not svg"), None);
    }

    /// `write_row` writes these words without escaping them.
    #[test]
    fn the_vocabulary_has_nothing_to_escape() {
        let mut words = vec![OPEN_LAPSED];
        for category in Category::ALL {
            words.extend([category.word(), category.display()]);
        }
        for level in Level::ALL {
            words.extend([level.word(), level.display()]);
        }
        for status in Status::ALL {
            words.extend([status.word(), status.display()]);
        }
        for word in words {
            assert_eq!(escape::html(word), word);
        }
    }
}
