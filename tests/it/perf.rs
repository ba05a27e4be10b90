//! The rules stage on a large model: the benchmark model of `examples/gen_large` (10,000
//! elements, 20,000 flows, decisions) under the built-in packs. Ignored by default; run with
//! `cargo test --release --test it perf -- --ignored --nocapture`.

#[path = "../../examples/gen_large/synth.rs"]
mod synth;

use crate::support::options;
use std::path::Path;
use std::time::Instant;
use tmc::compile::compile;
use tmc::load::MemoryLoader;

#[test]
#[ignore]
fn the_rules_stage_keeps_up_with_a_large_model() {
    let text = synth::model(10_000);
    let loader = MemoryLoader::new().with("big.tm", text.as_str());
    let started = Instant::now();
    let compilation = match compile(Path::new("big.tm"), &loader, &options()) {
        Ok(compilation) => compilation,
        Err(error) => panic!("{error}"),
    };
    let whole = started.elapsed();
    assert!(!compilation.has_errors());
    let started = Instant::now();
    let mut sink = tmc::diagnostics::Diagnostics::new();
    let threats = tmc::rules::apply(&compilation.model, &options().rules, &mut sink);
    let rules = started.elapsed();
    println!(
        "{} bytes, {} flows, {} rules, {} threats: whole compile {whole:?}, rules stage {rules:?}",
        text.len(),
        compilation.model.flows.len(),
        threats.rules.len(),
        threats.threats.len()
    );
    std::mem::forget(compilation);
}
