//! Criterion benchmarks of each pipeline stage and of the whole compile + render, on synthetic
//! models of N = 1,000 and 10,000 elements (N elements over nested boundaries, 2N flows) from
//! the generator in `examples/gen_large`. From `benches/` (its own package and workspace):
//! `cargo bench --bench pipeline [-- FILTER]`.
//!
//! N = 100,000 takes too long for criterion's sampling: `cargo run --release --example stages --
//! 100000` times it once per stage. How to use it: docs/performance.md (Criterion); the figures it
//! gave: docs/performance-history.md.
//!
//! Each stage's output is dropped outside the timing (`iter_with_large_drop`): the CLI never frees
//! the model, and freeing is measured by the `stages` example instead.

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use std::path::Path;
use std::time::Duration;
use tmc::compile::{self, Compilation};
use tmc::diagnostics::Diagnostics;
use tmc::load::{self, LoadOptions, MemoryLoader};
use tmc::model::Model;
use tmc::report::{self, view::Report, Templates};
use tmc::rules::{self, RuleOptions, Threats};
use tmc::source::SourceMap;
use tmc::syntax::{self, ParseLimits};

#[path = "../examples/gen_large/synth.rs"]
mod synth;

const SIZES: &[usize] = &[1_000, 10_000];
const ROOT: &str = "big.tm";

/// One model, with every stage's output computed once so each stage can be timed alone.
struct Fixture {
    elements: usize,
    text: String,
    loader: MemoryLoader,
    sources: SourceMap,
    model: std::sync::Arc<Model>,
    threats: Threats,
    report: Report,
    templates: Templates,
}

fn load_options() -> LoadOptions {
    LoadOptions {
        max_file_size: usize::MAX,
        ..LoadOptions::default()
    }
}

impl Fixture {
    fn new(elements: usize) -> Fixture {
        let text = synth::model(elements);
        let loader = MemoryLoader::new().with(ROOT, text.clone());
        let mut sources = SourceMap::new();
        let mut sink = Diagnostics::new();
        let loaded = load::load(
            Path::new(ROOT),
            &loader,
            load_options(),
            &mut sources,
            &mut sink,
        )
        .expect("the synthetic model loads");
        let model = std::sync::Arc::new(tmc::resolve::resolve(&loaded, ROOT, &sources, &mut sink));
        let threats = rules::apply(&model, &RuleOptions::default(), &mut sink);
        assert!(!sink.has_errors(), "the synthetic model has errors");
        let report = report::build(&model, &threats, &sources);
        Fixture {
            elements,
            text,
            loader,
            sources,
            model,
            threats,
            report,
            templates: Templates::embedded().expect("the embedded templates parse"),
        }
    }

    fn id(&self) -> BenchmarkId {
        BenchmarkId::from_parameter(self.elements)
    }
}

/// Parse, load and resolve, rules, report build, then every renderer and the whole build.
fn stages(c: &mut Criterion) {
    let fixtures: Vec<Fixture> = SIZES.iter().map(|&n| Fixture::new(n)).collect();
    let group =
        |c: &mut Criterion, name: &str, f: &dyn Fn(&mut criterion::BenchmarkGroup<_>, &Fixture)| {
            let mut group = c.benchmark_group(name);
            // A stage at N = 10,000 takes up to seconds: ten samples, flat sampling (the same number
            // of iterations in each, as few as criterion allows), and no long warm-up.
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
            for fixture in &fixtures {
                group.throughput(Throughput::Elements(fixture.elements as u64));
                f(&mut group, fixture);
            }
            group.finish();
        };

    group(c, "parse", &|g, f| {
        let mut sources = SourceMap::new();
        let file = sources.add(ROOT, f.text.clone());
        g.bench_with_input(f.id(), &f.text, |b, text| {
            b.iter_with_large_drop(|| {
                let mut sink = Diagnostics::new();
                syntax::parse(file, text, ParseLimits::default(), &mut sink)
            })
        });
    });
    group(c, "load+resolve", &|g, f| {
        g.bench_with_input(f.id(), &f.loader, |b, loader| {
            b.iter_with_large_drop(|| {
                let mut sources = SourceMap::new();
                let mut sink = Diagnostics::new();
                let loaded = load::load(
                    Path::new(ROOT),
                    loader,
                    load_options(),
                    &mut sources,
                    &mut sink,
                )
                .expect("the synthetic model loads");
                let model = tmc::resolve::resolve(&loaded, ROOT, &sources, &mut sink);
                (loaded, model, sources)
            })
        });
    });
    group(c, "rules", &|g, f| {
        g.bench_with_input(f.id(), &f.model, |b, model| {
            b.iter_with_large_drop(|| {
                let mut sink = Diagnostics::new();
                rules::apply(model, &RuleOptions::default(), &mut sink)
            })
        });
    });
    group(c, "report build", &|g, f| {
        g.bench_function(f.id(), |b| {
            b.iter_with_large_drop(|| report::build(&f.model, &f.threats, &f.sources))
        });
    });
    group(c, "render json", &|g, f| {
        g.bench_with_input(f.id(), &f.report, |b, r| {
            b.iter(|| report::json_to(r, std::io::sink()))
        });
    });
    group(c, "render sarif", &|g, f| {
        g.bench_with_input(f.id(), &f.report, |b, r| {
            b.iter(|| report::sarif_to(r, &mut std::io::sink()))
        });
    });
    group(c, "render markdown", &|g, f| {
        g.bench_with_input(f.id(), &f.report, |b, r| {
            b.iter(|| report::markdown_to(r, &f.templates, None, &mut std::io::sink()))
        });
    });
    group(c, "render dot", &|g, f| {
        g.bench_with_input(f.id(), &f.report, |b, r| {
            b.iter_with_large_drop(|| report::dot(r, &f.templates, None))
        });
    });
    group(c, "render mermaid", &|g, f| {
        g.bench_with_input(f.id(), &f.report, |b, r| {
            b.iter_with_large_drop(|| report::mermaid(r, None))
        });
    });
    // What `tmc build --emit json,md,dot,sarif` does, less reading and writing files and
    // running the three streamed outputs side by side.
    group(c, "compile+render", &|g, f| {
        let options = compile::Options {
            load: load_options(),
            report_takes_threats: true,
            ..Default::default()
        };
        g.bench_with_input(f.id(), &f.loader, |b, loader| {
            b.iter_with_large_drop(|| {
                let compilation: Compilation = compile::compile(Path::new(ROOT), loader, &options)
                    .expect("the synthetic model loads");
                let outputs = compilation.report.as_ref().map(|r| {
                    let sink = &mut std::io::sink();
                    [
                        report::json_to(r, &mut *sink).map_err(report::RenderError::Io),
                        report::markdown_to(r, &f.templates, None, sink),
                        report::dot(r, &f.templates, None).map(drop),
                        report::sarif_to(r, sink),
                    ]
                });
                (compilation, outputs)
            })
        });
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
