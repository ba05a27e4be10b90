//! Stage: report. Turns threats into the view-model every renderer reads, and renders it.

pub mod view;
