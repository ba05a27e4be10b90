//! Stage: report → `mermaid`. The data-flow diagram as a Mermaid `flowchart`, for GitHub to draw
//! inside the Markdown threat model (and on its own).
//!
//! Input: a [`Report`], optionally a boundary id to draw alone. Output: Mermaid source ending in a
//! newline. Invariants: node ids are generated (`n` + the element's position in the report), so
//! no user text is ever an identifier; every label is quoted and escaped with
//! [`escape::mermaid`]; trust boundaries are nested `subgraph`s; flows are labelled `N. label` with
//! the Markdown's numbers; open high or critical threats colour their element or flow.

use super::escape;
use super::graph::{Diagram, Item, Layout};
use super::view::Report;
use super::RenderError;
use crate::vocab::ElementKind;

/// Renders the diagram of the model, or of boundary `scope` (elements inside it, transitively, and
/// the flows touching them; their outside endpoints are drawn plainly).
pub fn mermaid(report: &Report, scope: Option<&str>) -> Result<String, RenderError> {
    Ok(render(&Layout::new(report).diagram(scope)?))
}

/// Writes one laid-out diagram as Mermaid source.
pub(crate) fn render(diagram: &Diagram<'_>) -> String {
    let mut out = String::new();
    write_within(diagram, usize::MAX, &mut out);
    out
}

/// The diagram's Mermaid source if it is at most `limit` bytes long, else `None`, found without
/// writing much more than `limit` bytes (a diagram too large for Mermaid can be megabytes).
pub(crate) fn render_within(diagram: &Diagram<'_>, limit: usize) -> Option<String> {
    let mut out = String::new();
    write_within(diagram, limit, &mut out).then_some(out)
}

/// Writes the source into `out`, stopping once it is longer than `limit`; whether it fits.
///
/// Pushed piece by piece, with numbers through `itoa`: at 10,000 elements the Markdown draws a
/// diagram per boundary, and `write!`'s formatting was a third of drawing them.
fn write_within(diagram: &Diagram<'_>, limit: usize, out: &mut String) -> bool {
    out.push_str("flowchart LR\n");
    // The `class` lines' lists: node ids and edge numbers, comma-separated.
    let mut boundaries = String::new();
    let mut risky_nodes = String::new();
    for item in &diagram.items {
        if out.len() > limit {
            return false;
        }
        match item {
            Item::Open {
                boundary,
                index,
                depth,
            } => {
                indent(out, 2 * depth + 2);
                out.push_str("subgraph ");
                node_id(out, *index);
                out.push_str("[\"");
                escape::mermaid_to(out, &boundary.name);
                out.push_str("\"]\n");
                listed(&mut boundaries, |list| node_id(list, *index));
            }
            Item::Close { depth } => {
                indent(out, 2 * depth + 2);
                out.push_str("end\n");
            }
            Item::Node {
                element,
                index,
                depth,
                risky,
                ..
            } => {
                let (open, close) = match element.kind {
                    ElementKind::Process => ("(", ")"),
                    ElementKind::Store => ("[(", ")]"),
                    ElementKind::Actor | ElementKind::External | ElementKind::Boundary => {
                        ("[", "]")
                    }
                };
                indent(out, 2 * depth + 2);
                node_id(out, *index);
                out.push_str(open);
                out.push('"');
                escape::mermaid_to(out, &element.name);
                out.push('"');
                out.push_str(close);
                out.push('\n');
                if *risky {
                    listed(&mut risky_nodes, |list| node_id(list, *index));
                }
            }
        }
    }
    let mut risky_edges = String::new();
    let mut drawn = 0usize;
    let mut label = String::new();
    for edge in &diagram.edges {
        if out.len() > limit {
            return false;
        }
        let (Some(source), Some(target)) =
            (diagram.index_of(edge.source), diagram.index_of(edge.target))
        else {
            continue;
        };
        out.push_str("  ");
        node_id(out, source);
        out.push_str(if edge.two_way { " <-->|\"" } else { " -->|\"" });
        edge.text_into(&mut label);
        escape::mermaid_to(out, &label);
        out.push_str("\"| ");
        node_id(out, target);
        out.push('\n');
        if edge.risky {
            listed(&mut risky_edges, |list| {
                list.push_str(itoa::Buffer::new().format(drawn));
            });
        }
        drawn += 1;
    }
    if !boundaries.is_empty() {
        out.push_str("  classDef boundary fill:none,stroke:#666,stroke-dasharray:5 5\n");
        out.extend(["  class ", &boundaries, " boundary\n"]);
    }
    if !risky_nodes.is_empty() {
        out.push_str("  classDef risk stroke:#d62728,stroke-width:3px\n");
        out.extend(["  class ", &risky_nodes, " risk\n"]);
    }
    if !risky_edges.is_empty() {
        out.extend([
            "  linkStyle ",
            &risky_edges,
            " stroke:#d62728,stroke-width:2px\n",
        ]);
    }
    out.len() <= limit
}

/// `n` and the element's (or boundary's) position: the node's id.
fn node_id(out: &mut String, index: usize) {
    out.push('n');
    out.push_str(itoa::Buffer::new().format(index));
}

fn indent(out: &mut String, spaces: usize) {
    out.extend(std::iter::repeat(' ').take(spaces));
}

/// Appends one entry to a comma-separated list.
fn listed(list: &mut String, entry: impl FnOnce(&mut String)) {
    if !list.is_empty() {
        list.push(',');
    }
    entry(list);
}
