//! In-process stages of a build, on the benchmark notice and the examples:
//! plan parsing, Markdown to model, Typst layout, PDF export, text output,
//! and the whole build in memory as every front end runs it
//! (`Engine::render`: the pagination search, PDF and twin).
//!
//!     cargo bench --bench pipeline
//!
//! Fonts are parsed once (as in a batch); each layout starts from Typst's
//! caches cleared, so it measures a document laid out for the first time.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use notice::compose::{self, markdown};
use notice::diagnostic::SourceMap;
use notice::driver::{Engine, Job, Options};
use notice::typeset::fonts::{FontOptions, FontSet};
use notice::typeset::template::{DEFAULT_TEMPLATE, Template};
use notice::writers::{Names, OutputFormat, Rendered, Settings, txt};
use notice::{plan, typeset};

fn plans() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        ("table-notice", root.join("bench/table-notice/plan.toml")),
        ("yonghe", root.join("examples/yonghe-notice/plan.toml")),
        ("upward", root.join("examples/upward-request/plan.toml")),
    ]
}

fn stages(c: &mut Criterion) {
    let engine = Engine::new(
        FontSet::new(&FontOptions::default()),
        Template::load(DEFAULT_TEMPLATE).unwrap(),
    );
    let settings = compose::Settings::default();
    compose::title::warm_up();
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
                compose::compose(&loaded, &settings, &mut sources, &mut Vec::new()).unwrap()
            });
        });
        let mut sources = SourceMap::new();
        let loaded = plan::load(&path, &mut sources).unwrap();
        if let Some(body) = &loaded.front_matter_body {
            group.bench_function("markdown only", |b| {
                b.iter(|| markdown::parse(&body.text, &[]))
            });
        }

        let composed = compose::compose(&loaded, &settings, &mut sources, &mut Vec::new()).unwrap();
        let document = &composed.document;
        group.bench_function("typst layout", |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                typeset::layout(
                    document,
                    &engine.fonts,
                    &engine.template,
                    &mut SourceMap::new(),
                )
                .unwrap()
            });
        });

        let (pages, _) =
            typeset::layout(document, &engine.fonts, &engine.template, &mut sources).unwrap();
        let rendered = Rendered {
            document,
            laid: Some(&pages),
            fonts: &engine.fonts,
            template: &engine.template,
        };
        let names = Names {
            dir: PathBuf::from("bench"),
            stem: "bench".into(),
        };
        group.bench_function("pdf export", |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                OutputFormat::Pdf
                    .writer()
                    .write(&rendered, &names, &Settings::default())
                    .unwrap()
            });
        });

        group.bench_function("text output", |b| b.iter(|| txt::render(document)));

        let job = Job::for_plan(&path, None);
        let options = Options {
            formats: vec![OutputFormat::Pdf, OutputFormat::Txt],
            ..Options::default()
        };
        group.bench_function("engine render", |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                let (outcome, made) = engine.render(&job, &options);
                assert!(made.is_some(), "{:?}", outcome.diagnostics);
                made
            });
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
