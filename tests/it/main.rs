//! The one integration test binary (`autotests = false` keeps link time down).

mod build_cli;
mod golden;
mod json_schema;
mod perf;
mod reorder;
mod rule_fixtures;
mod rules;
