//! tmc, the threat model compiler.
//!
//! The pipeline runs one way: source → syntax → model → threats → report → outputs.
//! Each stage is a module; the CLI in `main.rs` is a thin shell over this library.

pub mod report;
pub mod vocab;
