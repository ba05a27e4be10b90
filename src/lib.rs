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

/// The hash map of every lookup table: foldhash, seeded per process, where the standard
/// library's SipHash was 2–5% of a large build's instructions. Nothing is ever written in a
/// map's order, so the seed cannot change an output.
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The set to go with [`Map`].
pub type Set<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

pub mod compile;
pub mod diagnostics;
pub mod diff;
pub mod format;
pub mod load;
pub mod model;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod timings;
pub mod vocab;
