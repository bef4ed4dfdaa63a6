//! In-process stages of a build, on the benchmark notice and the examples:
//! plan parsing, Markdown to model, Typst layout, PDF export, text output.
//!
//!     cargo bench --bench pipeline
//!
//! Fonts are parsed once (as in a batch); each layout starts from Typst's
//! caches cleared, so it measures a document laid out for the first time.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use notice::diagnostic::SourceMap;
use notice::document::{self, BuildInputs};
use notice::fonts::{FontOptions, FontSet};
use notice::pipeline::Engine;
use notice::template::{DEFAULT_TEMPLATE, Template};
use notice::{markdown, plan, render, text};

fn plans() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        ("four-page", root.join("bench/four-page/plan.toml")),
        ("yonghe", root.join("examples/yonghe-notice/plan.toml")),
        ("upward", root.join("examples/upward-request/plan.toml")),
    ]
}

fn stages(c: &mut Criterion) {
    let engine = Engine::new(
        FontSet::new(&FontOptions::default()),
        Template::load(DEFAULT_TEMPLATE).unwrap(),
    );
    let inputs = BuildInputs::default();
    notice::title::warm_up();
    for (name, path) in plans() {
        let mut group = c.benchmark_group(name);
        group.sample_size(20);

        group.bench_function("plan parse", |b| {
            b.iter(|| plan::load(&path, &mut SourceMap::new()).unwrap());
        });

        group.bench_function("plan to model", |b| {
            b.iter(|| {
                let mut sources = SourceMap::new();
                let loaded = plan::load(&path, &mut sources).unwrap();
                document::build(&loaded, &inputs, &mut sources).unwrap()
            });
        });
        let mut sources = SourceMap::new();
        let loaded = plan::load(&path, &mut sources).unwrap();
        if let Some(body) = &loaded.front_matter_body {
            group.bench_function("markdown only", |b| b.iter(|| markdown::parse(&body.text)));
        }

        let built = document::build(&loaded, &inputs, &mut sources).unwrap();
        group.bench_function("typst layout", |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                render::layout(
                    &built.document,
                    &built.seals,
                    &engine.fonts,
                    &engine.template,
                    &mut SourceMap::new(),
                )
                .unwrap()
            });
        });

        let (layout, _) = render::layout(
            &built.document,
            &built.seals,
            &engine.fonts,
            &engine.template,
            &mut sources,
        )
        .unwrap();
        group.bench_function("pdf export", |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                render::pdf(&layout, "bench", &[]).unwrap()
            });
        });

        group.bench_function("text output", |b| b.iter(|| text::render(&built.document)));
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
