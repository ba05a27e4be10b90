//! What the embedded `threat-model.md.tera` renders, written directly.
//!
//! Tera renders a page from a `serde_json::Value` copy of its whole context; on a model of
//! 10,000 elements that copy and the walk over it took 0.35 s and tens of megabytes, more than
//! writing the 170,000 threat rows. Without an override the page is written here instead, line
//! for line as the template writes it (Tera's whitespace control and truthiness included); a test
//! renders both over every report it has and holds them byte-identical. A change to the
//! template is a change here too.

use super::{render_table, Context, Decided, Made, Row, Table};
use crate::report::escape;
use crate::report::summary::CountRow;
use crate::report::RenderError;
use std::fmt::Write as _;
use std::io::Write;

/// Hand the page to the writer in pieces of about this size.
/// A megabyte: a `BufWriter` of that size passes it on without copying it.
const FLUSH_AT: usize = 1 << 20;

/// Writes the page for `context`, each threat table from `tables` in its place.
pub(super) fn write_page(
    context: &Context<'_>,
    tables: &[Vec<Row<'_>>],
    templates: &crate::report::Templates,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut page = Page {
        text: String::with_capacity(FLUSH_AT * 2),
        out,
        tables,
        templates,
        lists: Made::default(),
    };
    page.head(context);
    page.summary(context);
    page.diagrams(context);
    page.flows(context)?;
    page.elements(context)?;
    page.manual_and_other(context)?;
    page.decisions(context);
    page.rules(context);
    page.finish()
}

struct Page<'p, 'a> {
    text: String,
    out: &'p mut dyn Write,
    tables: &'p [Vec<Row<'a>>],
    templates: &'p crate::report::Templates,
    /// The cells made once (shared mitigation lists) and how to write template text.
    lists: Made,
}

/// Tera's truthiness of an optional string: present and not empty.
fn truthy(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.is_empty())
}

/// Tera's `pluralize`: the plural unless the count is one.
fn plural<'s>(count: usize, singular: &'s str, plural: &'s str) -> &'s str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

impl Page<'_, '_> {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// `{{ text | md }}`.
    fn md(&mut self, text: &str) {
        escape::md_to(&mut self.text, text, "<br>");
    }

    /// `{{ text | md_line }}`.
    fn md_line(&mut self, text: &str) {
        escape::md_heading_to(&mut self.text, text);
    }

    /// `{{ text | md_code }}`.
    fn md_code(&mut self, text: &str) {
        escape::md_code_to(&mut self.text, text);
    }

    /// `{{ list | md(sep=separator) }}`.
    fn md_list<S: AsRef<str>>(&mut self, items: &[S], separator: &str) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text.push_str(separator);
            }
            self.md(item.as_ref());
        }
    }

    /// `{{ list | md_code }}` (items joined by `, `).
    /// The line below a flow's or element's table naming its hand-written threats, if any.
    fn manual_ids(&mut self, on: &str, ids: &[&str]) {
        if !ids.is_empty() {
            self.push("\nHand-written threats on this ");
            self.push(on);
            self.push(": ");
            self.md_code_list(ids);
            self.push(".\n");
        }
    }

    fn md_code_list(&mut self, items: &[&str]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.md_code(item);
        }
    }

    /// `{{ table.table }}`: the rows set aside for it, rendered now.
    fn table(&mut self, table: &Table) -> Result<(), RenderError> {
        match table.pending.and_then(|i| self.tables.get(i)) {
            Some(rows) => render_table(rows, self.templates, &mut self.lists, &mut self.text)?,
            None => self.text.push_str(&table.table),
        }
        self.flush_if_full()
    }

    fn flush_if_full(&mut self) -> Result<(), RenderError> {
        if self.text.len() >= FLUSH_AT {
            self.out.write_all(self.text.as_bytes())?;
            self.text.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), RenderError> {
        // `Templates::render` ends every page with a newline.
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.out.write_all(self.text.as_bytes())?;
        Ok(())
    }

    fn head(&mut self, c: &Context<'_>) {
        self.push("# Threat Model: ");
        self.md_line(&c.model.name);
        self.push("\n");
        if let Some(description) = truthy(c.model.description.as_deref()) {
            self.push("\n");
            self.md(description);
            self.push("\n");
        }
        self.push("\n- Source: ");
        escape::md_code_text_to(&mut self.text, &c.model.file);
        if let Some(version) = truthy(c.model.version.as_deref()) {
            self.push("\n- Version: ");
            self.md(version);
        }
        if let Some(owner) = truthy(c.model.owner.as_deref()) {
            self.push("\n- Owner: ");
            self.md(owner);
        }
        let _ = writeln!(
            self.text,
            "\n- Generated by: {} {}",
            c.tool.name, c.tool.version
        );
        if c.toc {
            self.contents(c);
        }
        self.push("\n## Summary\n\n");
    }

    fn contents(&mut self, c: &Context<'_>) {
        self.push(
            "\n## Contents\n\n- [Summary](#summary)\n- [Data-flow diagram](#data-flow-diagram)\n\
             - [Data flows](#data-flows)",
        );
        for flow in &c.flows {
            self.push("\n  - [");
            self.flow_title_start(flow.number);
            self.md_line(flow.source);
            self.push(" -> ");
            self.md_line(flow.target);
            self.link_end(&flow.anchor);
        }
        self.push("\n- [Threats on elements](#threats-on-elements)");
        for element in &c.elements {
            self.push("\n  - [");
            self.md_line(element.name);
            self.link_end(&element.anchor);
        }
        self.push("\n- [Hand-written threats](#hand-written-threats)");
        if c.other.count > 0 {
            self.push("\n- [Other threats](#other-threats)");
        }
        self.push(
            "\n- [Decisions](#decisions)\n- [Appendix: rules that fired](#appendix-rules-that-fired)\n",
        );
    }

    fn summary(&mut self, c: &Context<'_>) {
        let t = &c.totals;
        let _ = write!(
            self.text,
            "{} threat{}: {} open, {} mitigated, {} accepted.",
            t.total,
            plural(t.total, "", "s"),
            t.open,
            t.mitigated,
            t.accepted
        );
        if t.open_high > 0 {
            let _ = write!(
                self.text,
                " {} open threat{} {} high or critical.",
                t.open_high,
                plural(t.open_high, "", "s"),
                plural(t.open_high, "is", "are")
            );
        }
        self.push(
            "\n\n| Risk severity | Open | Mitigated | Accepted | Total |\n\
             | --- | ---: | ---: | ---: | ---: |\n",
        );
        self.count_rows(&c.by_severity);
        let _ = write!(
            self.text,
            "| **Total** | **{}** | **{}** | **{}** | **{}** |\n\n\
             | STRIDE category | Open | Mitigated | Accepted | Total |\n\
             | --- | ---: | ---: | ---: | ---: |\n",
            t.open, t.mitigated, t.accepted, t.total
        );
        self.count_rows(&c.by_category);
        self.push("\n## Data-flow diagram\n");
    }

    /// `| NAME | OPEN | MITIGATED | ACCEPTED | TOTAL |`, a line per row.
    fn count_rows(&mut self, rows: &[CountRow]) {
        for row in rows {
            let n = &row.counts;
            let _ = writeln!(
                self.text,
                "| {} | {} | {} | {} | {} |",
                row.name, n.open, n.mitigated, n.accepted, n.total
            );
        }
    }

    fn diagrams(&mut self, c: &Context<'_>) {
        for diagram in &c.diagrams {
            self.push("\n");
            if let Some(title) = truthy(diagram.title.as_deref()) {
                self.push("### Trust boundary: ");
                self.md_line(title);
                self.push("\n\n");
            } else if diagram.outside {
                self.push("### Outside every trust boundary\n\n");
            }
            match truthy(diagram.mermaid.as_deref()) {
                Some(mermaid) => {
                    self.push("```mermaid\n");
                    self.push(mermaid);
                    self.push("```");
                }
                None => self.md(diagram.note.as_deref().unwrap_or_default()),
            }
            self.push("\n");
        }
        self.push("\n## Data flows\n");
    }

    /// `Data flow N: `, before the flow's source and target in its heading and contents link.
    fn flow_title_start(&mut self, number: usize) {
        self.push("Data flow ");
        self.push(itoa::Buffer::new().format(number));
        self.push(": ");
    }

    /// `](#ANCHOR)`: the end of a link to a section.
    fn link_end(&mut self, anchor: &str) {
        self.push("](#");
        self.push(anchor);
        self.push(")");
    }

    /// The anchor a table of contents links to, before a section's heading.
    fn anchor(&mut self, anchor: &str) {
        self.push("<a id=\"");
        self.push(anchor);
        self.push("\"></a>\n\n");
    }

    fn flows(&mut self, c: &Context<'_>) -> Result<(), RenderError> {
        if c.flows.is_empty() {
            self.push("\nThe model declares no data flows.\n");
        }
        for flow in &c.flows {
            self.push("\n");
            if c.toc {
                self.anchor(&flow.anchor);
            }
            self.push("### ");
            self.flow_title_start(flow.number);
            self.md_line(flow.source);
            self.push(" -> ");
            self.md_line(flow.target);
            self.push("\n\n");
            if let Some(label) = truthy(flow.label) {
                self.md(label);
                self.push(escape::sentence_end(label));
                self.push(" ");
            }
            if let Some(protocol) = truthy(flow.protocol) {
                self.push("Protocol: ");
                self.md(protocol);
                self.push(". ");
            }
            if !flow.data.is_empty() {
                self.push("Data: ");
                self.md_list(&flow.data, ", ");
                self.push(". ");
            }
            if flow.crosses_boundary {
                self.push("Crosses a trust boundary. ");
            }
            self.push("Flow id: ");
            self.md_code(flow.id);
            self.push(".\n\n");
            if flow.threats.count > 0 {
                self.table(&flow.threats)?;
            } else {
                self.push("No threats were found for this data flow.\n");
            }
            self.manual_ids("flow", &flow.manual);
        }
        self.push("\n## Threats on elements\n");
        Ok(())
    }

    fn elements(&mut self, c: &Context<'_>) -> Result<(), RenderError> {
        if c.elements.is_empty() {
            self.push("\nNo threats were found on elements alone.\n");
        }
        for element in &c.elements {
            self.push("\n");
            if c.toc {
                self.anchor(&element.anchor);
            }
            self.push("### ");
            self.md_line(element.name);
            self.push(" (");
            self.push(element.kind);
            self.push(" ");
            self.md_code(element.id);
            self.push(")\n\n");
            if element.threats.count > 0 {
                self.table(&element.threats)?;
            } else {
                self.push("No threats were found for this element.\n");
            }
            self.manual_ids("element", &element.manual);
        }
        self.push("\n## Hand-written threats\n\n");
        Ok(())
    }

    fn manual_and_other(&mut self, c: &Context<'_>) -> Result<(), RenderError> {
        if c.manual.count > 0 {
            self.table(&c.manual)?;
        } else {
            self.push("The model has no hand-written threats.\n");
        }
        if c.other.count > 0 {
            self.push(
                "\n## Other threats\n\n\
                 These threats name a flow or element that the report does not list.\n\n",
            );
            self.table(&c.other)?;
        }
        self.push("\n## Decisions\n\n### Mitigated\n\n");
        Ok(())
    }

    fn decisions(&mut self, c: &Context<'_>) {
        if c.mitigated.is_empty() {
            self.push("No threats are marked mitigated.\n");
        } else {
            self.push(
                "| Id | Threat Name | Mitigated by | Decision |\n| --- | --- | --- | --- |\n",
            );
            for d in &c.mitigated {
                self.decided(d);
                self.decided_at(d);
            }
        }
        self.push("\n### Accepted\n\n");
        if c.accepted.is_empty() {
            self.push("No threats are accepted.\n");
        } else {
            self.push(
                "| Id | Threat Name | Reason | Until | State | Decision |\n\
                 | --- | --- | --- | --- | --- | --- |\n",
            );
            for d in &c.accepted {
                self.decided(d);
                self.md(d.until.unwrap_or_default());
                self.push(if d.lapsed {
                    " | **Lapsed**: the threat is open again | "
                } else {
                    " | In force | "
                });
                self.decided_at(d);
            }
        }
        self.push("\n## Appendix: rules that fired\n\n");
    }

    /// The cells both decision tables open with: `| id | title | text | `.
    fn decided(&mut self, d: &Decided<'_>) {
        self.push("| ");
        self.md_code(d.id);
        self.push(" | ");
        let mut scratch = String::new();
        self.md(d.title.as_str(&mut scratch));
        self.push(" | ");
        self.md(d.text);
        self.push(" | ");
    }

    /// The last cell of both decision tables: the pattern when it is not the threat's own id,
    /// then where the decision is written.
    fn decided_at(&mut self, d: &Decided<'_>) {
        if d.pattern != d.id {
            self.md_code(d.pattern);
            self.push(", ");
        }
        if let Some(file) = d.file {
            self.md_code(file);
            self.push(", ");
        }
        self.push(&format!("line {} |\n", d.line));
    }

    fn rules(&mut self, c: &Context<'_>) {
        if c.rules.is_empty() {
            self.push("No rule fired.\n");
            return;
        }
        self.push(
            "| Rule | Pack | STRIDE category | Applies to | References | Threats |\n\
             | --- | --- | --- | --- | --- | ---: |\n",
        );
        for r in &c.rules {
            self.push("| ");
            self.md_code(&r.rule.id);
            self.push(" | ");
            self.md(&r.rule.pack);
            let _ = write!(self.text, " | {} | ", r.category_name);
            self.md(&r.rule.applies_to);
            self.push(" | ");
            self.md_list(&r.rule.references, ", ");
            let _ = writeln!(self.text, " | {} |", r.rule.fired);
        }
    }
}
