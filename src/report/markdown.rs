//! Stage: report → `markdown`. The threat model people read, in the format of LLM-written threat
//! models (`### Data flow N: SOURCE -> TARGET` sections with a seven-column STRIDE table), with
//! a summary, the Mermaid DFD, element threats, hand-written threats, decisions and the rules.
//!
//! Input: a [`Report`] and the [`Templates`]. Output: Markdown ending in a newline.
//! Invariants: all grouping and counting is done here, in one pass over the threats with
//! id → index maps, into a [`Context`] the template only walks; every section appears once; a
//! flow without threats gets a sentence, never an empty table; `Threat Id` restarts at 1 in each
//! table and the stable id is always shown beside it.

use super::escape;
use super::graph::Layout;
use super::shared::{PerList, PerLiteral};
use super::summary::{status_name, CountRow, Counts, Decided, SEVERITIES};
use super::templates::{Templates, THREAT_MODEL, THREAT_TABLE};
use super::view::{
    DataView, DecisionKind, ElementView, FlowView, MitigationList, Mitigations, ModelInfo, Report,
    RuleView, Text, ThreatView,
};
use super::{mermaid, RenderError};
use crate::vocab::{Category, ElementKind};
use crate::Map;
use serde::Serialize;
use std::fmt::Write;

mod page;

/// With more flows than this, the report opens with a table of contents.
const TOC_MIN_FLOWS: usize = 21;
/// Mermaid refuses diagrams longer than this (its default `maxTextSize`), and so does GitHub.
const MERMAID_MAX_CHARS: usize = 50_000;
/// [`MERMAID_MAX_CHARS`] as the note for a diagram over it spells it out.
const MERMAID_MAX_CHARS_TEXT: &str = "50,000";
/// Mermaid refuses a flowchart with more arrows than this (its default `maxEdges`, a setting a
/// diagram cannot change), and so does GitHub.
const MERMAID_MAX_EDGES: usize = 500;
/// From this many threats, the diagrams are drawn while the threats are grouped.
const DIAGRAMS_ASIDE_FROM: usize = 4096;

/// Renders the Markdown threat model. `scope` draws the diagram of one boundary only, as for
/// the other diagrams; the rest of the report covers the whole model.
pub fn markdown(
    report: &Report,
    templates: &Templates,
    scope: Option<&str>,
) -> Result<String, RenderError> {
    let mut out = Vec::new();
    markdown_to(report, templates, scope, &mut out)?;
    String::from_utf8(out).map_err(|e| RenderError::Io(std::io::Error::other(e)))
}

/// Writes the Markdown threat model to `out`: the bytes [`markdown`] returns, without holding
/// its threat tables in memory (nearly all of a large report). Give it a buffered writer.
///
/// The embedded page is written by [`page`], each table as it is reached. A user's
/// `threat-model.md.tera` is rendered by Tera with a marker in place of each table, then written
/// out with each marker replaced by its table, rendered as it is written.
pub fn markdown_to(
    report: &Report,
    templates: &Templates,
    scope: Option<&str>,
    out: &mut dyn std::io::Write,
) -> Result<(), RenderError> {
    let mut context = Context::build(report, scope)?;
    let tables = std::mem::take(&mut context.tables);
    if !templates.is_overridden(THREAT_MODEL) {
        return page::write_page(&context, &tables, templates, out);
    }
    // As written: the newline a page must end with is added after the last table is in place.
    let page = templates.render_as_written(THREAT_MODEL, &context)?;
    match Marker::find(&page, tables.len()) {
        Some(markers) => {
            let mut rest = page.as_str();
            let mut buffer = String::new();
            let mut lists = Made::default();
            let mut last_byte = None;
            let mut write = |text: &str| {
                last_byte = text.as_bytes().last().copied().or(last_byte);
                out.write_all(text.as_bytes())
            };
            for (marker, rows) in markers.into_iter().zip(tables) {
                let (before, after) = rest.split_at(marker.start);
                write(before)?;
                buffer.clear();
                render_table(&rows, templates, &mut lists, &mut buffer)?;
                write(&buffer)?;
                rest = after.get(marker.len..).unwrap_or_default();
            }
            write(rest)?;
            if last_byte != Some(b'\n') {
                out.write_all(b"\n")?;
            }
        }
        // A user's template that drops, repeats or reorders tables: render them in place.
        None => {
            context.fill_tables(tables, templates)?;
            out.write_all(templates.render(THREAT_MODEL, &context)?.as_bytes())?;
        }
    }
    Ok(())
}

/// Where a table's marker is in the rendered page, from the end of the previous marker.
struct Marker {
    start: usize,
    len: usize,
}

/// A table's stand-in while the page is rendered. Escaped user text cannot contain it (every
/// escaping filter replaces control characters); a template may print a model's text raw,
/// so [`Marker::find`] takes the markers only when there are exactly as many as tables.
fn marker(index: usize) -> String {
    format!("\u{1}tmc-table-{index}\u{1}")
}

impl Marker {
    /// The markers' places relative to the end of the previous marker; `None` unless the page
    /// shows each of the `count` tables exactly once, in order.
    fn find(page: &str, count: usize) -> Option<Vec<Marker>> {
        // One more (a model name holding a marker, printed raw) would take a table's place.
        if page.matches("\u{1}tmc-table-").count() != count {
            return None;
        }
        let mut found = Vec::with_capacity(count);
        let mut offset = 0;
        for index in 0..count {
            let marker = marker(index);
            let start = page.get(offset..)?.find(&marker)?;
            found.push(Marker {
                start,
                len: marker.len(),
            });
            offset += start + marker.len();
        }
        (!page.get(offset..)?.contains("\u{1}tmc-table-")).then_some(found)
    }
}

/// What the Markdown templates see (documented in docs/outputs.md).
#[derive(Serialize)]
struct Context<'a> {
    model: &'a ModelInfo,
    tool: Tool,
    totals: Counts,
    by_severity: Vec<CountRow>,
    by_category: Vec<CountRow>,
    toc: bool,
    diagrams: Vec<Diagram>,
    flows: Vec<FlowSection<'a>>,
    elements: Vec<ElementSection<'a>>,
    /// The table of hand-written threats (empty when there are none).
    manual: Table,
    /// The table of threats whose flow or element the report does not list (normally empty).
    other: Table,
    mitigated: Vec<Decided<'a>>,
    accepted: Vec<Decided<'a>>,
    rules: Vec<Rule<'a>>,
    /// The rows of each table whose `table` is still a marker, by marker index.
    #[serde(skip)]
    tables: Vec<Vec<Row<'a>>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Diagram {
    /// `None` for the whole model; the boundary's name when the model is drawn per boundary.
    title: Option<String>,
    /// The diagram of the elements outside every boundary, when the model is drawn per
    /// boundary (it has no title).
    outside: bool,
    /// Mermaid source, or `None` when it is too large for Mermaid (then `note` says so).
    mermaid: Option<String>,
    note: Option<String>,
}

#[derive(Serialize)]
struct FlowSection<'a> {
    number: usize,
    id: &'a str,
    anchor: String,
    source: &'a str,
    target: &'a str,
    label: Option<&'a str>,
    protocol: Option<&'a str>,
    /// Names of the data it carries, with their classification: "Dietitian content (Confidential)".
    data: Vec<String>,
    crosses_boundary: bool,
    threats: Table,
    /// Ids of hand-written threats on this flow (listed in their own section).
    manual: Vec<&'a str>,
}

#[derive(Serialize)]
struct ElementSection<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    anchor: String,
    threats: Table,
    /// Ids of hand-written threats on this element (listed in their own section).
    manual: Vec<&'a str>,
}

/// A threat table, rendered by `threat-table.md.tera`.
#[derive(Serialize)]
struct Table {
    count: usize,
    /// The Markdown table (while the page renders, its marker); empty when there are no rows.
    table: String,
    /// Its index in `Context::tables` while `table` is a marker.
    #[serde(skip)]
    pending: Option<usize>,
}

/// One line of a threat table: the threat, its number and its `Component name` cell. Small,
/// because a large report has one per threat; the template sees [`RowFields`].
struct Row<'a> {
    /// 1.. within its table.
    number: usize,
    component: Component<'a>,
    threat: &'a ThreatView,
}

/// The `Component name` cell, written out only when the row is.
#[derive(Clone, Copy)]
enum Component<'a> {
    /// An element's name (or its id, when the report does not list it).
    Name(&'a str),
    /// A hand-written threat on an element within a flow: `NAME (data flow N)`.
    NameOnFlow(&'a str, usize),
    /// A threat on the channel itself: `Data flow N`.
    Flow(usize),
}

impl std::fmt::Display for Component<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Component::Name(name) => f.write_str(name),
            Component::NameOnFlow(name, number) => write!(f, "{name} (data flow {number})"),
            Component::Flow(number) => write!(f, "Data flow {number}"),
        }
    }
}

/// What `threat-table.md.tera` sees of a row (documented in docs/outputs.md).
#[derive(Serialize)]
struct RowFields<'a> {
    number: usize,
    component: &'a str,
    title: &'a Text,
    category: &'static str,
    explanation: &'a Text,
    mitigations: &'a Mitigations,
    severity: &'static str,
    likelihood: &'static str,
    impact: &'static str,
    severity_reasons: &'a [String],
    id: &'a str,
    rule: Option<&'a str>,
    status: &'static str,
    /// An acceptance that ran out: the threat is open again.
    lapsed: bool,
    references: &'a [String],
}

impl Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let threat = self.threat;
        let (status, lapsed) = status_name(threat);
        let component = self.component.to_string();
        RowFields {
            number: self.number,
            component: &component,
            title: &threat.title,
            category: threat.category.display(),
            explanation: &threat.explanation,
            mitigations: &threat.mitigations,
            severity: threat.severity.display(),
            likelihood: threat.likelihood.display(),
            impact: threat.impact.display(),
            severity_reasons: &threat.severity_reasons,
            id: &threat.id,
            rule: threat.rule.as_deref(),
            status,
            lapsed,
            references: &threat.references,
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct Rule<'a> {
    #[serde(flatten)]
    rule: &'a RuleView,
    category_name: &'static str,
}

impl<'a> Context<'a> {
    fn build(report: &'a Report, scope: Option<&str>) -> Result<Self, RenderError> {
        if report.threats.len() < DIAGRAMS_ASIDE_FROM {
            return Self::build_with(report, diagrams(report, scope)?);
        }
        // The diagrams need no threats: draw them on a second thread while the threats are
        // grouped (on a large model each takes tens of milliseconds of the longest output).
        std::thread::scope(|threads| {
            let drawn = threads.spawn(|| diagrams(report, scope));
            let grouped = Self::build_with(report, Vec::new());
            let drawn = drawn
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            grouped.map(|context| Context {
                diagrams: drawn,
                ..context
            })
        })
    }

    fn build_with(report: &'a Report, diagrams: Vec<Diagram>) -> Result<Self, RenderError> {
        let elements: Map<&str, usize> = report
            .elements
            .iter()
            .enumerate()
            .map(|(i, e)| (&*e.id, i))
            .collect();
        let flows: Map<&str, usize> = report
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| (&*f.id, i))
            .collect();
        let element = |id: &str| elements.get(id).and_then(|&i| report.elements.get(i));
        let data: Map<&str, &DataView> = report.data.iter().map(|d| (d.id.as_str(), d)).collect();

        let (mut last_element, mut last_flow) = (LastFound::default(), LastFound::default());
        let mut totals = Counts::default();
        let mut by_severity = [Counts::default(); 4];
        let mut by_category = vec![Counts::default(); Category::ALL.len()];
        let mut flow_rows: Vec<Vec<Row<'a>>> = report.flows.iter().map(|_| Vec::new()).collect();
        let mut flow_manual: Vec<Vec<&'a str>> = vec![Vec::new(); report.flows.len()];
        let mut element_rows: Vec<Vec<Row<'a>>> =
            report.elements.iter().map(|_| Vec::new()).collect();
        let mut element_manual: Vec<Vec<&'a str>> = vec![Vec::new(); report.elements.len()];
        let mut manual = Vec::new();
        let mut other = Vec::new();
        let mut mitigated = Vec::new();
        let mut accepted = Vec::new();
        let mut tables = Vec::new();

        for threat in &report.threats {
            totals.add(threat);
            if let Some(slot) = SEVERITIES
                .iter()
                .position(|s| *s == threat.severity)
                .and_then(|i| by_severity.get_mut(i))
            {
                slot.add(threat);
            }
            if let Some(slot) = Category::ALL
                .iter()
                .position(|c| *c == threat.category)
                .and_then(|i| by_category.get_mut(i))
            {
                slot.add(threat);
            }
            match Decided::of(report, threat) {
                Some((DecisionKind::Mitigate, decided)) => mitigated.push(decided),
                Some((DecisionKind::Accept, decided)) => accepted.push(decided),
                None => {}
            }

            let element_index = threat
                .element
                .as_ref()
                .and_then(|id| last_element.find(id, &elements));
            let on_element = element_index.and_then(|i| report.elements.get(i));
            let on_flow = threat
                .flow
                .as_ref()
                .and_then(|id| last_flow.find(id, &flows));
            let flow_view = on_flow.and_then(|i| report.flows.get(i));
            let component = component(threat, on_element, flow_view, threat.rule.is_none());
            let row = row(threat, component);
            if threat.rule.is_none() {
                let pointer = match threat.flow {
                    Some(_) => on_flow.and_then(|i| flow_manual.get_mut(i)),
                    None => element_index.and_then(|i| element_manual.get_mut(i)),
                };
                if let Some(list) = pointer {
                    list.push(&threat.id);
                }
                manual.push(row);
            } else if threat.flow.is_some() {
                match on_flow.and_then(|i| flow_rows.get_mut(i)) {
                    Some(list) => list.push(row),
                    None => other.push(row),
                }
            } else {
                match element_index.and_then(|i| element_rows.get_mut(i)) {
                    Some(list) => list.push(row),
                    None => other.push(row),
                }
            }
        }

        let flow_sections = report
            .flows
            .iter()
            .zip(flow_rows)
            .zip(flow_manual)
            .map(|((f, threats), manual)| FlowSection {
                number: f.number,
                id: &f.id,
                anchor: super::numbered("flow-", f.number),
                source: element(&f.source).map_or(&*f.source, |e| e.name.as_str()),
                target: element(&f.target).map_or(&*f.target, |e| e.name.as_str()),
                label: f.label.as_deref(),
                protocol: f.protocol.as_deref(),
                data: data_names(&data, &f.data),
                crosses_boundary: f.crosses_boundary,
                threats: table(threats, &mut tables),
                manual,
            })
            .collect();
        let element_sections = report
            .elements
            .iter()
            .zip(element_rows)
            .zip(element_manual)
            .enumerate()
            .filter(|(_, ((_, threats), manual))| !threats.is_empty() || !manual.is_empty())
            .map(|(i, ((e, threats), manual))| ElementSection {
                id: &e.id,
                name: &e.name,
                kind: e.kind.display(),
                anchor: super::numbered("element-", i + 1),
                threats: table(threats, &mut tables),
                manual,
            })
            .collect();

        Ok(Context {
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
            toc: report.flows.len() >= TOC_MIN_FLOWS,
            diagrams,
            flows: flow_sections,
            elements: element_sections,
            manual: table(manual, &mut tables),
            other: table(other, &mut tables),
            mitigated,
            accepted,
            rules: report
                .rules
                .iter()
                .map(|rule| Rule {
                    rule,
                    category_name: rule.category.display(),
                })
                .collect(),
            tables,
        })
    }

    /// Replaces every table's marker by the table itself.
    fn fill_tables(
        &mut self,
        mut tables: Vec<Vec<Row<'a>>>,
        templates: &Templates,
    ) -> Result<(), RenderError> {
        let mut lists = Made::default();
        let sections = self.flows.iter_mut().map(|f| &mut f.threats);
        let sections = sections.chain(self.elements.iter_mut().map(|e| &mut e.threats));
        for table in sections.chain([&mut self.manual, &mut self.other]) {
            if let Some(rows) = table.pending.take().and_then(|i| tables.get_mut(i)) {
                table.table.clear();
                render_table(rows, templates, &mut lists, &mut table.table)?;
            }
        }
        Ok(())
    }
}

/// The last id looked up and where it was found. Threats share their element's and flow's id
/// (one `Arc` each) and come grouped by them, so most lookups are the previous one again: the
/// address says so without hashing the text again (1.7 M of 334 M instructions of a
/// 1,000-element `--emit md` build).
#[derive(Default)]
struct LastFound {
    last: Option<(*const u8, Option<usize>)>,
}

impl LastFound {
    fn find(&mut self, id: &std::sync::Arc<str>, map: &Map<&str, usize>) -> Option<usize> {
        match self.last {
            Some((seen, found)) if seen == id.as_ptr() => found,
            _ => {
                let found = map.get(&**id).copied();
                self.last = Some((id.as_ptr(), found));
                found
            }
        }
    }
}

/// The `Component name` cell: the element, else the flow's channel.
fn component<'a>(
    threat: &'a ThreatView,
    element: Option<&'a ElementView>,
    flow: Option<&FlowView>,
    manual: bool,
) -> Component<'a> {
    let element_name = element
        .map(|e| e.name.as_str())
        .or(threat.element.as_deref());
    match (element_name, flow) {
        // A hand-written threat sits outside the flow sections, so say which flow it is in.
        (Some(name), Some(flow)) if manual => Component::NameOnFlow(name, flow.number),
        (Some(name), _) => Component::Name(name),
        (None, Some(flow)) => Component::Flow(flow.number),
        (None, None) => Component::Name(threat.flow.as_deref().unwrap_or_default()),
    }
}

fn row<'a>(threat: &'a ThreatView, component: Component<'a>) -> Row<'a> {
    Row {
        number: 0,
        component,
        threat,
    }
}

/// Numbers the rows 1.. and sets them aside in `tables`, to be rendered when the page is
/// written; the table holds a marker until then.
fn table<'a>(mut rows: Vec<Row<'a>>, tables: &mut Vec<Vec<Row<'a>>>) -> Table {
    for (i, row) in rows.iter_mut().enumerate() {
        row.number = i + 1;
    }
    let count = rows.len();
    if rows.is_empty() {
        return Table {
            count,
            table: String::new(),
            pending: None,
        };
    }
    tables.push(rows);
    Table {
        count,
        table: marker(tables.len() - 1),
        pending: Some(tables.len() - 1),
    }
}

/// What the threat tables' cells make once and reuse (see `shared.rs`).
#[derive(Default)]
pub(super) struct Made {
    /// The `Mitigations` cells of shared lists.
    lists: PerList<String>,
    /// Whether each template literal is plain Markdown.
    literals: PerLiteral<bool>,
}

/// Renders rows with `threat-table.md.tera` into `out`: the embedded template by
/// [`embedded_table`] (the same text, much faster than Tera on big models; a test holds them
/// equal), an override through Tera.
fn render_table(
    rows: &[Row<'_>],
    templates: &Templates,
    lists: &mut Made,
    out: &mut String,
) -> Result<(), RenderError> {
    if templates.is_overridden(THREAT_TABLE) {
        #[derive(Serialize)]
        struct TableContext<'r, 'a> {
            rows: &'r [Row<'a>],
        }
        out.push_str(&templates.render(THREAT_TABLE, &TableContext { rows })?);
    } else {
        embedded_table(rows, lists, out);
    }
    Ok(())
}

/// What the embedded `threat-table.md.tera` renders, written directly.
fn embedded_table(rows: &[Row<'_>], made: &mut Made, out: &mut String) {
    let Made { lists, literals } = made;
    out.push_str(TABLE_HEADER);
    let mut component = String::new();
    // Where each title and explanation is rendered before it is escaped.
    let mut text = String::new();
    let mut number = itoa::Buffer::new();
    for row in rows {
        let t = row.threat;
        out.push_str("| ");
        out.push_str(number.format(row.number));
        out.push_str(" | ");
        match row.component {
            // Nearly every row: the name alone, escaped where it is.
            Component::Name(name) => escape::md_to(out, name, "<br>"),
            // Written as its `Display` writes it; it has nothing to escape.
            Component::Flow(flow) => {
                out.push_str("Data flow ");
                out.push_str(number.format(flow));
            }
            other => {
                component.clear();
                // `write!` into a String cannot fail.
                let _ = write!(component, "{other}");
                escape::md_to(out, &component, "<br>");
            }
        }
        out.push_str(" | ");
        literals.md_to(out, &t.title, &mut text);
        out.push_str(" | ");
        out.push_str(t.category.display());
        out.push_str(" | ");
        literals.md_to(out, &t.explanation, &mut text);
        out.push_str(" | ");
        lists.write(&t.mitigations, out, mitigation_cell);
        out.push_str(" | ");
        out.push_str(t.severity.display());
        out.push_str(" | ");
        escape::md_code_to(out, &t.id);
        out.push_str(" | ");
        out.push_str(status_name(t).0);
        out.push_str(" |\n");
    }
}

/// Appends the `Mitigations` cell: each mitigation escaped, one per line.
fn mitigation_cell(out: &mut String, mitigations: &MitigationList<'_>) {
    for (i, mitigation) in mitigations.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape::md_to(out, mitigation, "<br>");
    }
}

const TABLE_HEADER: &str = "| Threat Id | Component name | Threat Name | STRIDE category | Explanation | Mitigations | Risk severity | Id | Status |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";

fn data_names(data: &Map<&str, &DataView>, ids: &[std::sync::Arc<str>]) -> Vec<String> {
    ids.iter()
        .map(|id| match data.get(&**id) {
            Some(d) => [&*d.name, " (", d.classification.display(), ")"].concat(),
            None => id.to_string(),
        })
        .collect()
}

/// The whole model (or boundary `scope`) in one Mermaid block when Mermaid draws it, else one
/// block per top-level boundary.
fn diagrams(report: &Report, scope: Option<&str>) -> Result<Vec<Diagram>, RenderError> {
    let note = |note: String| Diagram {
        title: None,
        outside: false,
        mermaid: None,
        note: Some(note),
    };
    if report.elements.is_empty() {
        return Ok(vec![note("The model declares no elements to draw.".into())]);
    }
    let layout = Layout::new(report);
    if let Some(whole) = drawable(&layout.diagram(scope)?) {
        return Ok(vec![Diagram {
            title: None,
            outside: false,
            mermaid: Some(whole),
            note: None,
        }]);
    }
    let too_large = |what: &str| {
        format!(
            "{what} is larger than Mermaid draws (at most {MERMAID_MAX_CHARS_TEXT} characters and \
             {MERMAID_MAX_EDGES} arrows); see the Graphviz diagram, dfd.dot (tmc build --emit \
             dot), or draw one boundary with tmc build --diagram-scope."
        )
    };
    if scope.is_some() {
        return Ok(vec![note(too_large("This boundary's diagram"))]);
    }
    let mut diagrams = Vec::new();
    let top = report
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Boundary && e.boundary.is_none());
    for boundary in top {
        let source = drawable(&layout.diagram(Some(&boundary.id))?);
        diagrams.push(Diagram {
            title: Some(boundary.name.clone()),
            outside: false,
            note: source
                .is_none()
                .then(|| too_large("This boundary's diagram")),
            mermaid: source,
        });
    }
    // The elements outside every boundary, and the flows between them, are in none of those.
    if let Some(outside) = layout.outside_boundaries().filter(|_| !diagrams.is_empty()) {
        let source = drawable(&outside);
        diagrams.push(Diagram {
            title: None,
            outside: true,
            note: source
                .is_none()
                .then(|| too_large("The diagram of the elements outside every boundary")),
            mermaid: source,
        });
    }
    if diagrams.is_empty() {
        diagrams.push(note(too_large("The diagram")));
    }
    Ok(diagrams)
}

/// The diagram's Mermaid source when Mermaid (and so GitHub) draws it: Mermaid refuses a
/// diagram over [`MERMAID_MAX_CHARS`] characters or with more than [`MERMAID_MAX_EDGES`]
/// arrows, and neither limit can be raised from inside the diagram.
fn drawable(diagram: &super::graph::Diagram<'_>) -> Option<String> {
    if diagram.edges.len() > MERMAID_MAX_EDGES {
        return None;
    }
    mermaid::render_within(diagram, MERMAID_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{compile, Options};
    use crate::load::MemoryLoader;
    use std::path::Path;

    /// A model large enough that its diagrams are drawn on a second thread: the page must be
    /// the one drawing them in line gives.
    #[test]
    fn diagrams_drawn_aside_change_nothing() {
        let mut text = String::from("boundary zone \"Zone\" {\n");
        for i in 0..500 {
            let _ = writeln!(text, "  process p{i} \"P {i}\"");
        }
        text.push_str("}\nexternal outside \"Outside\"\n");
        for i in 0..499 {
            let _ = writeln!(text, "p{i} -> p{}", i + 1);
        }
        text.push_str("outside -> p0\n");
        let loader = MemoryLoader::new().with("large.tm", text.as_str());
        let compilation = compile(Path::new("large.tm"), &loader, &Options::default()).unwrap();
        let report = compilation.report.unwrap();
        assert!(
            report.threats.len() >= DIAGRAMS_ASIDE_FROM,
            "{}",
            report.threats.len()
        );
        let templates = Templates::embedded().unwrap();

        let aside = markdown(&report, &templates, None).unwrap();
        let mut context = Context::build_with(&report, diagrams(&report, None).unwrap()).unwrap();
        let tables = std::mem::take(&mut context.tables);
        let mut in_line = Vec::new();
        page::write_page(&context, &tables, &templates, &mut in_line).unwrap();
        assert_eq!(aside, String::from_utf8(in_line).unwrap());
        assert!(aside.contains("```mermaid"));
    }
}
