//! tmc, the threat model compiler.
//!
//! The pipeline runs one way: source → syntax → model → threats → report → outputs.
//! Each stage is a module; the CLI in `main.rs` is a thin shell over this library.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod compile;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod vocab;
