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
