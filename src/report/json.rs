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
/// memory (211 MB for a model of 10,000 elements). Serializing a [`Report`] cannot fail, so
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
    out.extend_from_slice(b",\n  \"threats\": ");
    let mut shared = Shared::default();
    records(&mut out, &mut writer, &report.threats, |out, threat| {
        write_threat(out, threat, &mut shared)
    })?;
    out.extend_from_slice(b",\n  \"rules\": ");
    field(&mut out, &report.rules)?;
    out.extend_from_slice(b"\n}\n");
    writer.write_all(&out)
}

/// A top-level list written a record per line by `write`, as [`field`] would write it.
fn records<T>(
    out: &mut Vec<u8>,
    writer: &mut impl Write,
    list: &[T],
    mut write: impl FnMut(&mut Vec<u8>, &T) -> io::Result<()>,
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

/// A record's key as it is written after the first: `,"name":`. The names are the
/// view-model's field names: nothing in them needs escaping.
macro_rules! key {
    ($name:literal) => {
        concat!(",\"", $name, "\":").as_bytes()
    };
}

/// A record's first key as it is written: `"name":`.
macro_rules! first_key {
    ($name:literal) => {
        concat!("\"", $name, "\":").as_bytes()
    };
}

/// One object on one line, written a field at a time: what `Serialize` gives for a struct in
/// a record, without going through it.
struct Record<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> Record<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Record { out }
    }

    /// Writes a key as [`key!`] (or, first, [`first_key!`]) makes it, and hands back the
    /// output for the value.
    fn key(&mut self, key: &[u8]) -> &mut Vec<u8> {
        self.out.extend_from_slice(key);
        self.out
    }

    fn string(&mut self, key: &[u8], value: &str) {
        string(self.key(key), value);
    }

    fn word(&mut self, key: &[u8], word: &'static str) {
        escape::json_word_into(self.key(key), word);
    }

    fn optional(&mut self, key: &[u8], value: Option<&str>) {
        optional(self.key(key), value);
    }

    fn strings<S: AsRef<str>>(&mut self, key: &[u8], values: &[S]) {
        strings(self.key(key), values.iter().map(AsRef::as_ref));
    }

    fn boolean(&mut self, key: &[u8], value: bool) {
        let out = self.key(key);
        out.extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// A value few records have, through `Serialize`; `null` when there is none.
    fn serialized<T: Serialize + ?Sized>(
        &mut self,
        key: &[u8],
        value: Option<&T>,
    ) -> io::Result<()> {
        let out = self.key(key);
        match value {
            Some(value) => json_format::compact_into(out, value).map_err(io::Error::from),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    /// The custom properties: `{}` without any (nearly always), else through `Serialize`.
    fn properties(
        &mut self,
        properties: &indexmap::IndexMap<String, serde_json::Value>,
    ) -> io::Result<()> {
        if properties.is_empty() {
            self.key(key!("properties")).extend_from_slice(b"{}");
            Ok(())
        } else {
            self.serialized(key!("properties"), Some(properties))
        }
    }

    fn end(self) {
        self.out.push(b'}');
    }
}

/// One element's line, as `ElementView`'s `Serialize` gives it in a record (a large model has
/// a great many, and field by field through `Serialize` cost several times as much).
fn write_element(out: &mut Vec<u8>, element: &ElementView) -> io::Result<()> {
    let mut record = Record::new(out);
    record.string(first_key!("id"), &element.id);
    record.string(key!("name"), &element.name);
    record.word(key!("kind"), element.kind.word());
    record.optional(key!("boundary"), element.boundary.as_deref());
    record.strings(key!("boundaries"), &element.boundaries);
    record.optional(key!("description"), element.description.as_deref());
    record.optional(key!("technology"), element.technology.as_deref());
    record.optional(key!("owner"), element.owner.as_deref());
    record.optional(key!("url"), element.url.as_deref());
    record.strings(key!("tags"), &element.tags);
    record.strings(key!("controls"), &element.controls);
    record.strings(key!("stores"), &element.stores);
    record.boolean(key!("internet_facing"), element.internet_facing);
    record.properties(&element.properties)?;
    source_span(record.key(key!("source_span")), &element.source_span);
    record.end();
    Ok(())
}

/// One flow's line, as `FlowView`'s `Serialize` gives it in a record.
fn write_flow(out: &mut Vec<u8>, flow: &FlowView) -> io::Result<()> {
    let mut record = Record::new(out);
    record.string(first_key!("id"), &flow.id);
    let mut number = itoa::Buffer::new();
    (record.key(key!("number"))).extend_from_slice(number.format(flow.number).as_bytes());
    record.string(key!("source"), &flow.source);
    record.string(key!("target"), &flow.target);
    record.optional(key!("label"), flow.label.as_deref());
    record.optional(key!("protocol"), flow.protocol.as_deref());
    record.optional(key!("description"), flow.description.as_deref());
    record.strings(key!("data"), &flow.data);
    record.strings(key!("controls"), &flow.controls);
    record.strings(key!("tags"), &flow.tags);
    record.optional(key!("reverse_of"), flow.reverse_of.as_deref());
    record.boolean(key!("crosses_boundary"), flow.crosses_boundary);
    record.boolean(key!("encrypted"), flow.encrypted);
    record.optional(
        key!("max_classification"),
        flow.max_classification.map(|c| c.word()),
    );
    record.properties(&flow.properties)?;
    source_span(record.key(key!("source_span")), &flow.source_span);
    record.end();
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
    let mut record = Record::new(out);
    record.string(first_key!("id"), &threat.id);
    record.optional(key!("rule"), threat.rule.as_deref());
    record.word(key!("category"), threat.category.word());
    record.optional(key!("element"), threat.element.as_deref());
    record.optional(key!("flow"), threat.flow.as_deref());
    literals.json_string(record.key(key!("title")), &threat.title);
    literals.json_string(record.key(key!("explanation")), &threat.explanation);
    lists.write(
        &threat.mitigations,
        record.key(key!("mitigations")),
        |out, list| strings(out, list.iter()),
    );
    record.word(key!("likelihood"), threat.likelihood.word());
    record.word(key!("impact"), threat.impact.word());
    record.word(key!("severity"), threat.severity.word());
    string_lists.write(
        record.key(key!("severity_reasons")),
        &threat.severity_reasons,
    );
    record.word(key!("status"), threat.status.word());
    // Few threats have one.
    record.serialized(key!("decision"), threat.decision.as_deref())?;
    string_lists.write(record.key(key!("references")), &threat.references);
    place.write(record.key(key!("source_span")), &threat.source_span);
    record.end();
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

/// `text` as a JSON string.
pub(super) fn string(out: &mut Vec<u8>, text: &str) {
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

/// `texts` as a JSON array of strings.
pub(super) fn strings<'a>(out: &mut Vec<u8>, texts: impl Iterator<Item = &'a str>) {
    strings_with(out, texts, string);
}

/// `texts` as a JSON array, each written by `string`.
pub(super) fn strings_with<'a>(
    out: &mut Vec<u8>,
    texts: impl Iterator<Item = &'a str>,
    string: impl Fn(&mut Vec<u8>, &str),
) {
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
    use crate::vocab::{Category, ElementKind, Level, Status};

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
        for &kind in ElementKind::ALL {
            assert_eq!(name(kind), format!("\"{}\"", kind.word()));
        }
    }
}
