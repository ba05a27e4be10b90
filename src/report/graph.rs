//! Stage: report (rendering helpers). The data-flow diagram as DOT and Mermaid both draw it.
//!
//! Input: a [`Report`] (indexed once into a [`Layout`]) and an optional boundary id to draw alone.
//! Output: a [`Diagram`], the elements in nesting pre-order (boundaries open and close around what
//! they hold) and the edges.
//! Invariants: order follows the report's source order, so output is deterministic; every lookup
//! goes through an id → index map built once, so building is linear in the size of the report;
//! a malformed report (unknown parent, nesting cycle) still gives a diagram, never a panic.

use super::view::{ElementView, FlowView, Report};
use super::RenderError;
use crate::vocab::{ElementKind, Level, Status};
use crate::{Map, Set};
use std::cell::Cell;

/// One line of the diagram body, in drawing order.
pub(crate) enum Item<'a> {
    /// A boundary starts: everything until the matching `Close` is inside it.
    Open {
        boundary: &'a ElementView,
        index: usize,
        depth: usize,
    },
    /// An element that is not a boundary. `outside` marks an endpoint outside the drawn scope.
    Node {
        element: &'a ElementView,
        index: usize,
        depth: usize,
        risky: bool,
        outside: bool,
    },
    /// The innermost open boundary ends.
    Close { depth: usize },
}

/// One arrow: a flow, or a `<->` pair drawn as one two-headed arrow.
pub(crate) struct Edge<'a> {
    pub source: &'a str,
    pub target: &'a str,
    /// The flow numbers it stands for, in order ("Data flow N" in the Markdown).
    pub numbers: Vec<usize>,
    pub flow: &'a FlowView,
    pub two_way: bool,
    /// Some open high or critical threat lies on one of its flows.
    pub risky: bool,
}

impl Edge<'_> {
    /// `N. label`, `N, M. label` for a pair, then the protocol on a second line.
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.text_into(&mut text);
        text
    }

    /// [`Edge::text`], written into `out` (cleared first): every diagram labels every edge,
    /// and a buffer the caller reuses saves an allocation or three each.
    pub fn text_into(&self, out: &mut String) {
        out.clear();
        let mut number = itoa::Buffer::new();
        for (i, n) in self.numbers.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(number.format(*n));
        }
        if let Some(label) = &self.flow.label {
            out.push_str(". ");
            out.push_str(label);
            if let Some(protocol) = &self.flow.protocol {
                out.push_str("\n[");
                out.push_str(protocol);
                out.push(']');
            }
        } else if let Some(protocol) = &self.flow.protocol {
            out.push_str(". [");
            out.push_str(protocol);
            out.push(']');
        }
    }
}

pub(crate) struct Diagram<'a> {
    pub items: Vec<Item<'a>>,
    pub edges: Vec<Edge<'a>>,
    index: &'a Map<&'a str, usize>,
}

impl Diagram<'_> {
    /// The element's position in `report.elements`, if it is an element of the report.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

fn is_risky(severity: Level, status: Status) -> bool {
    status == Status::Open && severity >= Level::High
}

/// What every diagram of one report shares, computed once: drawing the whole model and then each
/// boundary alone costs time in proportion to what is drawn, not to the model times the boundaries.
pub(crate) struct Layout<'a> {
    report: &'a Report,
    index: Map<&'a str, usize>,
    /// Element index → the elements it holds directly, in source order.
    children: Vec<Vec<usize>>,
    /// Elements with no (known) enclosing boundary, in source order.
    roots: Vec<usize>,
    /// Element index → the flows (indices) that start or end there, in source order.
    incident: Vec<Vec<usize>>,
    risky_elements: Vec<bool>,
    risky_flows: Set<&'a str>,
    /// A flag per element for what one diagram has drawn, all false between calls: drawing each
    /// of B boundaries then costs what it draws, not B times the model.
    drawn: Cell<Vec<bool>>,
}

impl<'a> Layout<'a> {
    pub fn new(report: &'a Report) -> Self {
        let elements = &report.elements;
        let index: Map<&str, usize> = elements
            .iter()
            .enumerate()
            .map(|(i, e)| (&*e.id, i))
            .collect();

        let mut risky_elements = vec![false; elements.len()];
        let mut risky_flows = Set::default();
        for threat in report
            .threats
            .iter()
            .filter(|t| is_risky(t.severity, t.status))
        {
            let element = threat.element.as_deref().and_then(|id| index.get(id));
            if let Some(slot) = element.and_then(|&i| risky_elements.get_mut(i)) {
                *slot = true;
            }
            if let Some(flow) = &threat.flow {
                risky_flows.insert(&**flow);
            }
        }

        let mut children: Vec<Vec<usize>> = vec![Vec::new(); elements.len()];
        let mut roots = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            match element
                .boundary
                .as_deref()
                .and_then(|b| index.get(b).copied())
            {
                Some(p) if p != i => match children.get_mut(p) {
                    Some(list) => list.push(i),
                    None => roots.push(i),
                },
                _ => roots.push(i),
            }
        }

        let mut incident: Vec<Vec<usize>> = vec![Vec::new(); elements.len()];
        for (f, flow) in report.flows.iter().enumerate() {
            for end in [&flow.source, &flow.target] {
                if let Some(list) = index.get(&**end).and_then(|&i| incident.get_mut(i)) {
                    if list.last() != Some(&f) {
                        list.push(f);
                    }
                }
            }
        }

        Layout {
            report,
            index,
            children,
            roots,
            incident,
            risky_elements,
            risky_flows,
            drawn: Cell::new(vec![false; elements.len()]),
        }
    }

    fn risky(&self, i: usize) -> bool {
        self.risky_elements.get(i).copied().unwrap_or(false)
    }

    /// Lays out the whole model, or one boundary (`scope`) with the flows touching what it holds.
    pub fn diagram(&'a self, scope: Option<&str>) -> Result<Diagram<'a>, RenderError> {
        let elements = &self.report.elements;
        let starts: Vec<usize> = match scope {
            None => self.roots.clone(),
            Some(id) => match self.index.get(id) {
                Some(&i)
                    if elements
                        .get(i)
                        .is_some_and(|e| e.kind == ElementKind::Boundary) =>
                {
                    vec![i]
                }
                _ => return Err(RenderError::UnknownScope(id.to_string())),
            },
        };
        Ok(self.diagram_from(&starts, scope.is_some()))
    }

    /// The elements outside every boundary, with the flows that touch them (and those flows'
    /// other ends, drawn outside): what the diagrams drawn per top-level boundary leave out.
    /// `None` when every element is in a boundary.
    pub fn outside_boundaries(&'a self) -> Option<Diagram<'a>> {
        let elements = &self.report.elements;
        let loose: Vec<usize> = (self.roots.iter().copied())
            .filter(|&i| {
                elements
                    .get(i)
                    .is_some_and(|e| e.kind != ElementKind::Boundary)
            })
            .collect();
        (!loose.is_empty()).then(|| self.diagram_from(&loose, true))
    }

    /// The diagram of the elements `starts` (and everything in those that are boundaries);
    /// `scoped`: only the flows touching them, else every flow and every element.
    fn diagram_from(&'a self, starts: &[usize], scoped: bool) -> Diagram<'a> {
        let elements = &self.report.elements;

        let mut items = Vec::new();
        // A flag per element (cheaper than hashing, even for one small boundary), and the list.
        let mut drawn = self.drawn.take();
        drawn.resize(elements.len(), false);
        let mut drawn_list = Vec::new();
        // Explicit stack instead of recursion: nesting depth is the user's to choose.
        enum Step {
            Enter(usize, usize),
            Leave(usize),
        }
        let mut stack: Vec<Step> = starts.iter().rev().map(|&i| Step::Enter(i, 0)).collect();
        while let Some(step) = stack.pop() {
            match step {
                Step::Leave(depth) => items.push(Item::Close { depth }),
                Step::Enter(i, depth) => {
                    let (Some(element), Some(seen)) = (elements.get(i), drawn.get_mut(i)) else {
                        continue;
                    };
                    if std::mem::replace(seen, true) {
                        continue;
                    }
                    drawn_list.push(i);
                    if element.kind == ElementKind::Boundary {
                        items.push(Item::Open {
                            boundary: element,
                            index: i,
                            depth,
                        });
                        stack.push(Step::Leave(depth));
                        if let Some(kids) = self.children.get(i) {
                            stack.extend(kids.iter().rev().map(|&k| Step::Enter(k, depth + 1)));
                        }
                    } else {
                        items.push(Item::Node {
                            element,
                            index: i,
                            depth,
                            risky: self.risky(i),
                            outside: false,
                        });
                    }
                }
            }
        }

        let is_drawn = |i: usize| drawn.get(i).copied().unwrap_or(false);
        let flows: Vec<&FlowView> = if scoped {
            let mut touching: Vec<usize> = drawn_list
                .iter()
                .filter_map(|&i| self.incident.get(i))
                .flatten()
                .copied()
                .collect();
            touching.sort_unstable();
            touching.dedup();
            let flows: Vec<&FlowView> = touching
                .iter()
                .filter_map(|&f| self.report.flows.get(f))
                .collect();
            // Endpoints outside the scope, drawn plainly after it, in source order.
            let mut outside: Vec<usize> = flows
                .iter()
                .flat_map(|f| [&f.source, &f.target])
                .filter_map(|end| self.index.get(&**end).copied())
                .filter(|&i| !is_drawn(i))
                .collect();
            outside.sort_unstable();
            outside.dedup();
            for i in outside {
                if let Some(element) = elements.get(i) {
                    items.push(Item::Node {
                        element,
                        index: i,
                        depth: 0,
                        risky: self.risky(i),
                        outside: true,
                    });
                }
            }
            flows
        } else {
            // Elements caught in a nesting cycle are unreachable from the roots: draw them anyway.
            for (i, element) in elements.iter().enumerate() {
                if element.kind != ElementKind::Boundary && !is_drawn(i) {
                    items.push(Item::Node {
                        element,
                        index: i,
                        depth: 0,
                        risky: self.risky(i),
                        outside: false,
                    });
                }
            }
            self.report.flows.iter().collect()
        };

        for &i in &drawn_list {
            if let Some(flag) = drawn.get_mut(i) {
                *flag = false;
            }
        }
        self.drawn.set(drawn);
        Diagram {
            items,
            edges: edges(&flows, &self.risky_flows),
            index: &self.index,
        }
    }
}

/// One edge per flow, except that the second flow of a `<->` pair joins the first one's edge.
fn edges<'a>(flows: &[&'a FlowView], risky_flows: &Set<&str>) -> Vec<Edge<'a>> {
    let by_id: Map<&str, &FlowView> = flows.iter().map(|f| (&*f.id, *f)).collect();
    let mut edge_of: Map<&str, usize> = Map::default();
    let mut edges: Vec<Edge<'a>> = Vec::with_capacity(flows.len());
    for flow in flows {
        let risky = risky_flows.contains(&*flow.id);
        let partner = flow
            .reverse_of
            .as_deref()
            .and_then(|r| by_id.get(r))
            .filter(|p| {
                p.number < flow.number
                    && p.reverse_of.as_deref() == Some(&*flow.id)
                    && p.label == flow.label
                    && p.protocol == flow.protocol
                    && p.source == flow.target
                    && p.target == flow.source
            });
        if let Some(edge) = partner
            .and_then(|p| edge_of.get(&*p.id))
            .and_then(|&e| edges.get_mut(e))
        {
            edge.numbers.push(flow.number);
            edge.two_way = true;
            edge.risky |= risky;
            continue;
        }
        edge_of.insert(&*flow.id, edges.len());
        edges.push(Edge {
            source: &flow.source,
            target: &flow.target,
            numbers: vec![flow.number],
            flow,
            two_way: false,
            risky,
        });
    }
    edges
}
