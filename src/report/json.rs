//! Stage: report → `json`. `threats.json`: the report view-model itself, for tools.
//!
//! Input: a [`Report`]. Output: pretty-printed JSON ending in a newline, in exactly the shape of
//! [`super::view`] (documented in docs/json.md); it deserializes back into an equal `Report`.
//! Invariants: field and list order is the view-model's, so output is deterministic.

use super::view::Report;
use super::RenderError;

/// Renders `threats.json`.
pub fn json(report: &Report) -> Result<String, RenderError> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}

/// Writes `threats.json` to `writer`: the bytes [`json`] returns, without holding them all in
/// memory (260 MB for a model of 10,000 elements). Give it a buffered writer. Serializing a
/// [`Report`] cannot fail, so every error is the writer's.
pub fn json_to(report: &Report, mut writer: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut writer, report)?;
    writer.write_all(b"\n")
}
