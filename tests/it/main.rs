//! The one integration test binary (one link keeps `cargo test` fast).

mod cli;
mod clients;
mod fixtures;
mod fmt;
mod render;
mod support;
