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
use std::fmt::Write;

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
fn write_within(diagram: &Diagram<'_>, limit: usize, out: &mut String) -> bool {
    out.push_str("flowchart LR\n");
    let mut boundaries = Vec::new();
    let mut risky_nodes = Vec::new();
    for item in &diagram.items {
        if out.len() > limit {
            return false;
        }
        // `write!` into a String cannot fail; the results are ignored for that reason.
        match item {
            Item::Open {
                boundary,
                index,
                depth,
            } => {
                let _ = write!(
                    out,
                    "{:indent$}subgraph n{index}[\"",
                    "",
                    indent = 2 * depth + 2
                );
                escape::mermaid_to(out, &boundary.name);
                out.push_str("\"]\n");
                boundaries.push(format!("n{index}"));
            }
            Item::Close { depth } => {
                let _ = writeln!(out, "{:indent$}end", "", indent = 2 * depth + 2);
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
                let _ = write!(
                    out,
                    "{:indent$}n{index}{open}\"",
                    "",
                    indent = 2 * depth + 2
                );
                escape::mermaid_to(out, &element.name);
                out.push('"');
                out.push_str(close);
                out.push('\n');
                if *risky {
                    risky_nodes.push(format!("n{index}"));
                }
            }
        }
    }
    let mut risky_edges = Vec::new();
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
        let arrow = if edge.two_way { "<-->" } else { "-->" };
        let _ = write!(out, "  n{source} {arrow}|\"");
        edge.text_into(&mut label);
        escape::mermaid_to(out, &label);
        let _ = writeln!(out, "\"| n{target}");
        if edge.risky {
            risky_edges.push(drawn.to_string());
        }
        drawn += 1;
    }
    if !boundaries.is_empty() {
        out.push_str("  classDef boundary fill:none,stroke:#666,stroke-dasharray:5 5\n");
        let _ = writeln!(out, "  class {} boundary", boundaries.join(","));
    }
    if !risky_nodes.is_empty() {
        out.push_str("  classDef risk stroke:#d62728,stroke-width:3px\n");
        let _ = writeln!(out, "  class {} risk", risky_nodes.join(","));
    }
    if !risky_edges.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#d62728,stroke-width:2px",
            risky_edges.join(",")
        );
    }
    out.len() <= limit
}
