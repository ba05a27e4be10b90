//! Stage: report. Turns threats into the view-model every renderer reads, and renders it.
//!
//! Input: a [`view::Report`]. Output: the text of each output file (Markdown threat model,
//! Graphviz DFD, Mermaid DFD, SARIF 2.1.0, JSON). Renderers are pure functions of the report
//!: the same report gives byte-identical text.
//! The library never reads template files itself; the CLI reads `--templates DIR` and passes the
//! contents to `Templates::with_overrides`.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod escape;
pub mod view;
