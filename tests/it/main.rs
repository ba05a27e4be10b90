//! The one integration test binary (one link keeps `cargo test` fast).

mod build_cli;
mod cli;
mod clients;
mod deep_inputs;
mod diff_cli;
mod docs_blocks;
mod docs_example;
mod fixtures;
mod fmt;
mod fuzz_regressions;
mod golden;
mod html;
mod json_schema;
mod properties;
mod render;
mod reorder;
mod rule_packs;
mod rules;
mod support;
