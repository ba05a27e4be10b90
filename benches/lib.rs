//! Nothing: this package only holds the criterion benchmarks (`pipeline.rs`).
