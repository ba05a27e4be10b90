//! Stage: report → `json`. `threats.json`: the report view-model itself, for tools.
//!
//! Input: a [`Report`]. Output: JSON ending in a newline, in exactly the shape of
//! [`super::view`] (documented in docs/json.md); it deserializes back into an equal `Report`.
//! Indented, with one line per element, data item, flow, threat and rule ([`super::json_format`]).
//! Invariants: field and list order is the view-model's, so output is deterministic.
//!
//! The threats, most of the file, are written directly ([`write_threat`]); everything else goes
//! through `Serialize`. The tests hold the whole file byte-identical to serializing the
//! `Report` in one piece.

use super::escape;
use super::json_format;
use super::shared::{PerList, PerLiteral};
use super::view::{ElementView, FlowView, Report, SourceSpan, ThreatView};
use super::RenderError;
use serde::Serialize;
use std::io::{self, Write};
use std::sync::Arc;

/// The records are the elements of the report's top-level lists.
const RECORDS: usize = 1;
/// The buffer is handed to the writer once it holds this much.
const FLUSH_AT: usize = 1 << 20;

/// Renders `threats.json`.
pub fn json(report: &Report) -> Result<String, RenderError> {
    let mut out = Vec::new();
    json_to(report, &mut out)?;
    String::from_utf8(out).map_err(|e| RenderError::Io(std::io::Error::other(e)))
}

/// Writes `threats.json` to `writer`: the bytes [`json`] returns, without holding them all in
/// memory (260 MB for a model of 10,000 elements). Serializing a [`Report`] cannot fail, so
/// every error is the writer's.
pub fn json_to(report: &Report, mut writer: impl Write) -> io::Result<()> {
    let mut out = Vec::with_capacity(FLUSH_AT + FLUSH_AT / 4);
    out.extend_from_slice(b"{\n  \"model\": ");
    field(&mut out, &report.model)?;
    out.extend_from_slice(b",\n  \"elements\": ");
    records(&mut out, &mut writer, &report.elements, write_element)?;
    out.extend_from_slice(b",\n  \"data\": ");
    field(&mut out, &report.data)?;
    out.extend_from_slice(b",\n  \"flows\": ");
    records(&mut out, &mut writer, &report.flows, write_flow)?;
    out.extend_from_slice(b",\n  \"threats\": [");
    let mut shared = Shared::default();
    for (i, threat) in report.threats.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        write_threat(&mut out, threat, &mut shared)?;
        if out.len() >= FLUSH_AT {
            writer.write_all(&out)?;
            out.clear();
        }
    }
    if !report.threats.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.extend_from_slice(b"],\n  \"rules\": ");
    field(&mut out, &report.rules)?;
    out.extend_from_slice(b"\n}\n");
    writer.write_all(&out)
}

/// A top-level list written a record per line by `write`, as [`field`] would write it.
fn records<T>(
    out: &mut Vec<u8>,
    writer: &mut impl Write,
    list: &[T],
    write: impl Fn(&mut Vec<u8>, &T) -> io::Result<()>,
) -> io::Result<()> {
    out.push(b'[');
    for (i, record) in list.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        write(out, record)?;
        if out.len() >= FLUSH_AT {
            writer.write_all(out)?;
            out.clear();
        }
    }
    if !list.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.push(b']');
    Ok(())
}

/// One element's line, as `ElementView`'s `Serialize` gives it in a record (a large model has
/// a great many, and field by field through `Serialize` cost several times as much).
fn write_element(out: &mut Vec<u8>, element: &ElementView) -> io::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    string(out, &element.id);
    out.extend_from_slice(b",\"name\":");
    string(out, &element.name);
    out.extend_from_slice(b",\"kind\":");
    string(out, element.kind.word());
    out.extend_from_slice(b",\"boundary\":");
    optional(out, element.boundary.as_deref());
    out.extend_from_slice(b",\"boundaries\":");
    strings(out, element.boundaries.iter().map(String::as_str));
    out.extend_from_slice(b",\"description\":");
    optional(out, element.description.as_deref());
    out.extend_from_slice(b",\"technology\":");
    optional(out, element.technology.as_deref());
    out.extend_from_slice(b",\"owner\":");
    optional(out, element.owner.as_deref());
    out.extend_from_slice(b",\"url\":");
    optional(out, element.url.as_deref());
    out.extend_from_slice(b",\"tags\":");
    strings(out, element.tags.iter().map(String::as_str));
    out.extend_from_slice(b",\"controls\":");
    strings(out, element.controls.iter().map(String::as_str));
    out.extend_from_slice(b",\"stores\":");
    strings(out, element.stores.iter().map(String::as_str));
    out.extend_from_slice(b",\"internet_facing\":");
    out.extend_from_slice(if element.internet_facing {
        b"true"
    } else {
        b"false"
    });
    out.extend_from_slice(b",\"properties\":");
    if element.properties.is_empty() {
        out.extend_from_slice(b"{}");
    } else {
        // Few elements have any: through `Serialize`.
        json_format::compact_into(out, &element.properties).map_err(io::Error::from)?;
    }
    out.extend_from_slice(b",\"source_span\":");
    source_span(out, &element.source_span);
    out.push(b'}');
    Ok(())
}

/// One flow's line, as `FlowView`'s `Serialize` gives it in a record.
fn write_flow(out: &mut Vec<u8>, flow: &FlowView) -> io::Result<()> {
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(b"{\"id\":");
    string(out, &flow.id);
    out.extend_from_slice(b",\"number\":");
    out.extend_from_slice(number.format(flow.number).as_bytes());
    out.extend_from_slice(b",\"source\":");
    string(out, &flow.source);
    out.extend_from_slice(b",\"target\":");
    string(out, &flow.target);
    out.extend_from_slice(b",\"label\":");
    optional(out, flow.label.as_deref());
    out.extend_from_slice(b",\"protocol\":");
    optional(out, flow.protocol.as_deref());
    out.extend_from_slice(b",\"data\":");
    strings(out, flow.data.iter().map(String::as_str));
    out.extend_from_slice(b",\"controls\":");
    strings(out, flow.controls.iter().map(String::as_str));
    out.extend_from_slice(b",\"tags\":");
    strings(out, flow.tags.iter().map(String::as_str));
    out.extend_from_slice(b",\"reverse_of\":");
    optional(out, flow.reverse_of.as_deref());
    out.extend_from_slice(b",\"crosses_boundary\":");
    out.extend_from_slice(if flow.crosses_boundary {
        b"true"
    } else {
        b"false"
    });
    out.extend_from_slice(b",\"max_classification\":");
    optional(out, flow.max_classification.map(|c| c.word()));
    out.extend_from_slice(b",\"source_span\":");
    source_span(out, &flow.source_span);
    out.push(b'}');
    Ok(())
}

/// A top-level field's value, indented one level, its list elements one per line.
fn field<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> io::Result<()> {
    json_format::to_writer_at(out, value, RECORDS, 1).map_err(io::Error::from)
}

/// One threat's line: what `ThreatView`'s `Serialize` gives in a record, written directly (the
/// threats are most of a large file, and a field at a time through `Serialize` cost three
/// times as much).
fn write_threat(out: &mut Vec<u8>, threat: &ThreatView, shared: &mut Shared) -> io::Result<()> {
    let Shared {
        lists,
        literals,
        string_lists,
        place,
    } = shared;
    out.extend_from_slice(b"{\"id\":");
    string(out, &threat.id);
    out.extend_from_slice(b",\"rule\":");
    optional(out, threat.rule.as_deref());
    out.extend_from_slice(b",\"category\":");
    string(out, threat.category.word());
    out.extend_from_slice(b",\"element\":");
    optional(out, threat.element.as_deref());
    out.extend_from_slice(b",\"flow\":");
    optional(out, threat.flow.as_deref());
    out.extend_from_slice(b",\"title\":");
    literals.json_string(out, &threat.title);
    out.extend_from_slice(b",\"explanation\":");
    literals.json_string(out, &threat.explanation);
    out.extend_from_slice(b",\"mitigations\":");
    lists.write(&threat.mitigations, out, |out, list| {
        strings(out, list.iter())
    });
    out.extend_from_slice(b",\"likelihood\":");
    string(out, threat.likelihood.word());
    out.extend_from_slice(b",\"impact\":");
    string(out, threat.impact.word());
    out.extend_from_slice(b",\"severity\":");
    string(out, threat.severity.word());
    out.extend_from_slice(b",\"severity_reasons\":");
    string_lists.write(out, &threat.severity_reasons);
    out.extend_from_slice(b",\"status\":");
    string(out, threat.status.word());
    out.extend_from_slice(b",\"decision\":");
    match &threat.decision {
        // Few threats have one: through `Serialize`.
        Some(decision) => json_format::compact_into(out, decision).map_err(io::Error::from)?,
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"references\":");
    string_lists.write(out, &threat.references);
    out.extend_from_slice(b",\"source_span\":");
    place.write(out, &threat.source_span);
    out.push(b'}');
    Ok(())
}

/// What the threats share, written once and copied after.
#[derive(Default)]
struct Shared {
    lists: PerList<Vec<u8>>,
    literals: PerLiteral<Vec<u8>>,
    /// Severity reasons and references: a rule's threats share one list of references, and
    /// most threats one of a few lists of reasons.
    string_lists: PerStrings,
    /// A declaration's threats come one after another and share its place.
    place: LastPlace,
}

/// Each shared list of strings as JSON, keyed by the list's address (every list lives as long
/// as the report being written, so no other can take its address meanwhile).
#[derive(Default)]
struct PerStrings {
    made: crate::Map<usize, Vec<u8>>,
}

impl PerStrings {
    fn write(&mut self, out: &mut Vec<u8>, list: &Arc<[String]>) {
        if Arc::strong_count(list) < 2 {
            return strings(out, list.iter().map(String::as_str));
        }
        let made = (self.made)
            .entry(Arc::as_ptr(list).cast::<u8>() as usize)
            .or_insert_with(|| {
                let mut made = Vec::new();
                strings(&mut made, list.iter().map(String::as_str));
                made
            });
        out.extend_from_slice(made);
    }
}

/// The place last written, as JSON, and the address it was shared at.
#[derive(Default)]
struct LastPlace {
    at: usize,
    made: Vec<u8>,
}

impl LastPlace {
    fn write(&mut self, out: &mut Vec<u8>, place: &Arc<SourceSpan>) {
        let at = Arc::as_ptr(place) as usize;
        if self.at != at || self.made.is_empty() {
            self.made.clear();
            source_span(&mut self.made, place);
            self.at = at;
        }
        out.extend_from_slice(&self.made);
    }
}

fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape::json_into(out, text);
    out.push(b'"');
}

fn optional(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

fn strings<'a>(out: &mut Vec<u8>, texts: impl Iterator<Item = &'a str>) {
    out.push(b'[');
    for (i, text) in texts.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, text);
    }
    out.push(b']');
}

fn source_span(out: &mut Vec<u8>, span: &SourceSpan) {
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(b"{\"file\":");
    string(out, &span.file);
    out.extend_from_slice(b",\"line\":");
    out.extend_from_slice(number.format(span.line).as_bytes());
    out.extend_from_slice(b",\"column\":");
    out.extend_from_slice(number.format(span.column).as_bytes());
    out.extend_from_slice(b",\"end_line\":");
    out.extend_from_slice(number.format(span.end_line).as_bytes());
    out.extend_from_slice(b",\"end_column\":");
    out.extend_from_slice(number.format(span.end_column).as_bytes());
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_reports::reports;
    use crate::vocab::{Category, Level, Status};

    /// The whole report through `Serialize` in one piece: what [`json_to`] must equal.
    fn serialized(report: &Report) -> String {
        let mut out = Vec::new();
        json_format::to_writer(&mut out, report, RECORDS).unwrap_or_else(|e| panic!("{e}"));
        out.push(b'\n');
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn the_direct_threats_equal_the_serialized_report() {
        for report in reports() {
            let direct = json(&report).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(direct, serialized(&report), "{}", report.model.name);
            let back: Report = serde_json::from_str(&direct).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, report);
        }
    }

    #[test]
    fn the_words_are_the_serialized_names() {
        fn name(value: impl Serialize) -> String {
            serde_json::to_string(&value).unwrap_or_default()
        }
        for &category in Category::ALL {
            assert_eq!(name(category), format!("\"{}\"", category.word()));
        }
        for &level in Level::ALL {
            assert_eq!(name(level), format!("\"{}\"", level.word()));
        }
        for &status in Status::ALL {
            assert_eq!(name(status), format!("\"{}\"", status.word()));
        }
    }
}
