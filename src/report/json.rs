//! Stage: report → `json`. `threats.json`: the report view-model itself, for tools.
//!
//! Input: a [`Report`]. Output: JSON ending in a newline, in exactly the shape of
//! [`super::view`] (documented in docs/json.md); it deserializes back into an equal `Report`.
//! Indented, with one line per element, data item, flow, threat and rule ([`super::json_format`]).
//! Invariants: field and list order is the view-model's, so output is deterministic.

use super::view::Report;
use super::{json_format, RenderError};

/// The records are the elements of the report's top-level lists.
const RECORDS: usize = 1;

/// Renders `threats.json`.
pub fn json(report: &Report) -> Result<String, RenderError> {
    let mut out = Vec::new();
    json_to(report, &mut out)?;
    String::from_utf8(out).map_err(|e| RenderError::Io(std::io::Error::other(e)))
}

/// Writes `threats.json` to `writer`: the bytes [`json`] returns, without holding them all in
/// memory (260 MB for a model of 10,000 elements). Give it a buffered writer. Serializing a
/// [`Report`] cannot fail, so every error is the writer's.
pub fn json_to(report: &Report, mut writer: impl std::io::Write) -> std::io::Result<()> {
    json_format::to_writer(&mut writer, report, RECORDS)?;
    writer.write_all(b"\n")
}
