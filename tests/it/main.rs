//! The one integration test binary (one link keeps `cargo test` fast).

mod cli;
mod fixtures;
mod fmt;
mod support;
