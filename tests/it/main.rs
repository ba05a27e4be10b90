//! The one integration test binary (one link keeps `cargo test` fast).

mod cli;
mod clients;
mod fixtures;
mod render;
mod support;
