//! Stage: report. Turns threats into the view-model every renderer reads, and renders it.
//!
//! Input: a [`view::Report`]. Output: the text of each output file (Markdown threat model,
//! Graphviz DFD, Mermaid DFD, SARIF 2.1.0, JSON, the HTML page, and the index of a folder build).
//! Renderers are pure functions of their inputs (and, for Markdown, DOT and HTML, of the
//! [`Templates`]): the same report gives byte-identical text.
//! The library never reads template files itself; the CLI reads `--templates DIR` and passes the
//! contents to [`Templates::with_overrides`].
//! (Like the whole library, it denies unwrap, expect, panic and indexing: see `src/lib.rs`.)

pub mod build;
mod dot;
pub mod escape;
mod graph;
mod html;
mod html_data;
pub mod index;
mod json;
mod json_format;
mod markdown;
mod mermaid;
mod sarif;
mod shared;
mod summary;
mod template_checks;
mod templates;
#[cfg(test)]
mod test_reports;
pub mod view;

pub use dot::dot;
pub use html::{
    html, html_to, HtmlOptions, NotDrawn, PAGE_SIZE as HTML_PAGE_SIZE,
    TABLE_LIMIT as HTML_TABLE_LIMIT,
};
pub use index::{index_html, index_md, IndexEntry, Links};
pub use json::{json, json_to};
pub use markdown::{markdown, markdown_to};
pub use mermaid::mermaid;
pub use sarif::{
    result_count as sarif_result_count, sarif, sarif_to,
    CODE_SCANNING_MOST_RESULTS as SARIF_CODE_SCANNING_MOST_RESULTS,
    FINGERPRINT as SARIF_FINGERPRINT, MANUAL_RULE as SARIF_MANUAL_RULE,
};
pub use templates::Templates;

/// What can go wrong while rendering. These are environment errors (a broken override template,
/// a scope the caller did not check), never diagnostics about the user's model.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to parse or to render; the message includes Tera's chain of causes.
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
    /// An override was given for a template that does not exist.
    #[error("unknown template `{name}` (expected one of: {expected})")]
    UnknownTemplate { name: String, expected: String },
    /// `scope` named something that is not a boundary of the model.
    #[error("`{0}` is not a boundary of this model")]
    UnknownScope(String),
    /// Serialization to JSON failed.
    #[error("JSON serialization: {0}")]
    Json(#[from] serde_json::Error),
    /// The writer an output was being written to failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl RenderError {
    pub(crate) fn template(name: &str, error: &tera::Error) -> Self {
        // Tera's Display shows only the outermost error; the cause usually says what is wrong.
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        RenderError::Template {
            name: name.to_string(),
            message,
        }
    }
}

pub use build::build;

/// `PREFIX` followed by `number` ("flow-12", "Data flow 12"), without `format!`: the
/// renderers make one for most sections and rows of a large report.
pub(crate) fn numbered(prefix: &str, number: usize) -> String {
    [prefix, itoa::Buffer::new().format(number)].concat()
}
