//! Stage: report → `dot`. The data-flow diagram in Graphviz DOT, from the `dfd.dot.tera` template.
//!
//! Input: a [`Report`], the [`Templates`], optionally a boundary id to draw alone. Output: DOT
//! source ending in a newline, which `dot -Tsvg` renders without a warning.
//! Invariants: actors and external systems are boxes, processes ellipses, stores cylinders; each
//! trust boundary is a dashed `subgraph cluster_N` (N is the boundary's position in the report)
//! and nested boundaries nest; flows are labelled `N. label` with the Markdown's numbers, and a
//! `<->` pair is one two-headed edge; open high or critical threats colour their element or flow
//! red. All user text passes through [`super::escape::dot`] in the template.

use super::escape::dot_to;
use super::graph::{Diagram, Item, Layout};
use super::templates::{Templates, DFD};
use super::view::Report;
use super::RenderError;
use serde::Serialize;
use std::fmt::Write;

/// Renders the diagram of the model, or of boundary `scope` (elements inside it, transitively, and
/// the flows touching them; their outside endpoints are drawn plainly, outside any cluster).
pub fn dot(
    report: &Report,
    templates: &Templates,
    scope: Option<&str>,
) -> Result<String, RenderError> {
    let layout = Layout::new(report);
    let diagram = layout.diagram(scope)?;
    let scope_name = scope
        .and_then(|id| report.elements.iter().find(|e| *e.id == *id))
        .map(|e| e.name.as_str());
    let title = match scope_name {
        Some(name) => format!("{} — {}", report.model.name, name),
        None => report.model.name.clone(),
    };
    if !templates.is_overridden(DFD) {
        return Ok(embedded(&title, &diagram));
    }
    let indent = |depth: usize| "  ".repeat(depth + 1);
    let nexts = diagram.items.iter().skip(1).map(Some).chain([None]);
    let body = diagram
        .items
        .iter()
        .zip(nexts)
        .map(|(item, next)| match item {
            Item::Open {
                boundary,
                index,
                depth,
            } => BodyItem::Open {
                indent: indent(*depth),
                cluster: format!("cluster_{index}"),
                id: &boundary.id,
                name: &boundary.name,
                empty: matches!(next, Some(Item::Close { .. })),
            },
            Item::Node {
                element,
                depth,
                risky,
                outside,
                ..
            } => BodyItem::Node {
                indent: indent(*depth),
                id: &element.id,
                name: &element.name,
                kind: element.kind.word(),
                technology: element.technology.as_deref(),
                risky: *risky,
                outside: *outside,
            },
            Item::Close { depth } => BodyItem::Close {
                indent: indent(*depth),
            },
        })
        .collect();
    let edges = diagram
        .edges
        .iter()
        .map(|edge| EdgeItem {
            source: edge.source,
            target: edge.target,
            label: edge.text(),
            numbers: edge.numbers.clone(),
            two_way: edge.two_way,
            risky: edge.risky,
        })
        .collect();
    let context = Context {
        title,
        scope,
        body,
        edges,
    };
    templates.render(DFD, &context)
}

/// What `dfd.dot.tera` sees (documented in docs/outputs.md).
#[derive(Serialize)]
struct Context<'a> {
    /// The model's name, and the boundary's when drawn per boundary.
    title: String,
    scope: Option<&'a str>,
    body: Vec<BodyItem<'a>>,
    edges: Vec<EdgeItem<'a>>,
}

/// One line of the graph body, in nesting pre-order.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum BodyItem<'a> {
    Open {
        indent: String,
        cluster: String,
        id: &'a str,
        name: &'a str,
        /// Nothing is drawn in it: it holds an invisible node, as Graphviz leaves out an empty
        /// cluster (a declared boundary would vanish from the diagram).
        empty: bool,
    },
    Node {
        indent: String,
        id: &'a str,
        name: &'a str,
        kind: &'static str,
        technology: Option<&'a str>,
        risky: bool,
        outside: bool,
    },
    Close {
        indent: String,
    },
}

#[derive(Serialize)]
struct EdgeItem<'a> {
    source: &'a str,
    target: &'a str,
    label: String,
    numbers: Vec<usize>,
    two_way: bool,
    risky: bool,
}

/// What the embedded `dfd.dot.tera` renders, written directly: Tera would first copy every node
/// and edge into a `serde_json::Value` (48 MB and 0.2 s at 10,000 elements). A test renders
/// both and holds them byte-identical; a change to the template is a change here too.
fn embedded(title: &str, diagram: &Diagram<'_>) -> String {
    let mut out = String::with_capacity(64 * (diagram.items.len() + diagram.edges.len()) + 256);
    out.push_str("digraph dfd {\n  graph [rankdir=LR, label=\"");
    dot_to(&mut out, title);
    out.push_str(
        "\", labelloc=t, fontname=\"Helvetica\", fontsize=16];\n  \
         node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let indent = |out: &mut String, depth: usize| {
        for _ in 0..=depth {
            out.push_str("  ");
        }
    };
    let mut items = diagram.items.iter().peekable();
    while let Some(item) = items.next() {
        match item {
            Item::Open {
                boundary,
                index,
                depth,
            } => {
                let depth = *depth;
                indent(&mut out, depth);
                // `write!` into a String cannot fail.
                let _ = writeln!(out, "subgraph cluster_{index} {{");
                indent(&mut out, depth);
                out.push_str("  label=\"");
                dot_to(&mut out, &boundary.name);
                out.push_str("\";\n");
                for line in [
                    "  style=dashed;\n",
                    "  color=\"#666666\";\n",
                    "  fontcolor=\"#444444\";\n",
                ] {
                    indent(&mut out, depth);
                    out.push_str(line);
                }
                if matches!(items.peek(), Some(Item::Close { .. })) {
                    indent(&mut out, depth);
                    let _ = writeln!(
                        out,
                        "  \"cluster_{index} (empty)\" [label=\"\", shape=point, style=invis];"
                    );
                }
            }
            Item::Node {
                element,
                depth,
                risky,
                outside,
                ..
            } => {
                indent(&mut out, *depth);
                out.push('"');
                dot_to(&mut out, &element.id);
                out.push_str("\" [label=\"");
                dot_to(&mut out, &element.name);
                if let Some(technology) = element.technology.as_deref().filter(|t| !t.is_empty()) {
                    out.push_str("\\n[");
                    dot_to(&mut out, technology);
                    out.push(']');
                }
                out.push_str(match element.kind {
                    crate::vocab::ElementKind::Process => "\", shape=ellipse",
                    crate::vocab::ElementKind::Store => "\", shape=cylinder",
                    _ => "\", shape=box",
                });
                if *risky {
                    out.push_str(", color=\"#d62728\", penwidth=2");
                } else if *outside {
                    out.push_str(", color=\"#999999\"");
                }
                out.push_str("];\n");
            }
            Item::Close { depth } => {
                indent(&mut out, *depth);
                out.push_str("}\n");
            }
        }
    }
    let mut label = String::new();
    for edge in &diagram.edges {
        out.push_str("\n  \"");
        dot_to(&mut out, edge.source);
        out.push_str("\" -> \"");
        dot_to(&mut out, edge.target);
        out.push_str("\" [label=\"");
        edge.text_into(&mut label);
        dot_to(&mut out, &label);
        out.push('"');
        if edge.two_way {
            out.push_str(", dir=both");
        }
        if edge.risky {
            out.push_str(", color=\"#d62728\", fontcolor=\"#d62728\", penwidth=2");
        }
        out.push_str("];");
    }
    out.push_str("\n}\n");
    out
}
