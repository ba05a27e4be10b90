//! A large model (10,000 elements, 20,000 flows, 50 rules) must compile quickly. Ignored by
//! default; run with `cargo test --release --test it perf -- --ignored --nocapture`.

use crate::rules::compile_text;
use std::fmt::Write;
use std::time::Instant;

const WHENS: &[(&str, &str)] = &[
    ("target process, store", "flow.crosses_boundary and not (target.controls has authentication or flow.controls has authentication)"),
    ("flow", "not flow.encrypted and flow.max_classification >= confidential"),
    ("element store", "element.max_classification >= confidential and not (element.controls has encryption_at_rest)"),
    ("element process", "element.internet_facing or element.inbound > 3"),
    ("source actor, external", "flow.protocol contains \"http\" and target.boundary.name != none"),
    ("target process", "target.tier in [1, 2] and target.technology contains \"go\""),
];

/// A deterministic model of the given size.
pub fn large_model(elements: usize, flows: usize, rules: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "data secret \"Secret\" {{ classification restricted }}"
    );
    let _ = writeln!(
        text,
        "data plain \"Plain\" {{ classification confidential }}"
    );
    let kinds = ["process", "store", "actor", "external", "process"];
    let per_boundary = elements / 20 + 1;
    for b in 0..20 {
        let _ = writeln!(text, "boundary b{b} \"Boundary {b}\" {{");
        for i in (b * per_boundary)..((b + 1) * per_boundary).min(elements) {
            let kind = kinds[i % kinds.len()];
            let body = match kind {
                "store" => "stores [secret, plain]; controls [encryption_at_rest]".to_string(),
                "process" => format!(
                    "technology \"Go\"; controls [authentication]; tier {}",
                    i % 3
                ),
                _ => String::new(),
            };
            let _ = writeln!(text, "  {kind} e{i} \"Element {i}\" {{ {body} }}");
        }
        let _ = writeln!(text, "}}");
    }
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for _ in 0..flows {
        let (a, b) = (next(elements), next(elements));
        let protocol = ["HTTPS", "gRPC", "SQL", "HTTP"][next(4)];
        let data = ["[secret]", "[plain]", "[]"][next(3)];
        let _ = writeln!(
            text,
            "e{a} -> e{b} \"Flow\" {{ protocol \"{protocol}\"; data {data} }}"
        );
    }
    for r in 0..rules {
        let (on, when) = WHENS[r % WHENS.len()];
        let subject = if on.starts_with("element") {
            "{{ element.name }}"
        } else {
            "{{ flow.id }}, {{ target.boundary.name }}"
        };
        let _ = writeln!(
            text,
            "rule perf.r{r} {{ category tampering; on {on}; when {when}; title \"Threat {r} on {subject}\"; mitigated_by [authentication] }}"
        );
    }
    text
}

#[test]
#[ignore]
fn a_large_model_compiles_quickly() {
    let text = large_model(10_000, 20_000, 50);
    if let Some(path) = std::env::var_os("TMC_WRITE_LARGE_MODEL") {
        std::fs::write(path, &text).unwrap_or_else(|e| panic!("{e}"));
    }
    let started = Instant::now();
    let compilation = compile_text(&text);
    let total = started.elapsed();
    let errors: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(3)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let started = Instant::now();
    let mut sink = tmc::diagnostics::Diagnostics::new();
    let threats = tmc::rules::apply(
        &compilation.model,
        &crate::support::options().rules,
        &mut sink,
    );
    let rules = started.elapsed();
    println!(
        "{} bytes, {} threats: whole compile {total:?}, rules stage {rules:?}",
        text.len(),
        threats.threats.len()
    );
}
