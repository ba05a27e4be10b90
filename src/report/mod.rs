//! Stage: report. Turns threats into the view-model every renderer reads, and renders it.

pub mod build;
pub mod view;

pub use build::build;
