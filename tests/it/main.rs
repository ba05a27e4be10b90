//! The one integration test binary (one link keeps `cargo test` fast).

mod build_cli;
mod cli;
mod clients;
mod fixtures;
mod fmt;
mod fuzz_regressions;
mod golden;
mod json_schema;
mod render;
mod reorder;
mod rule_packs;
mod rules;
mod support;
