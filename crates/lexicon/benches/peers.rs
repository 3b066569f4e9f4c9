//! Criterion: loading PETRARCH2's full Phoenix dictionary set (CAMEO.2.0 verbs, the three Phoenix
//! actor files, agents, discards, issues) and compiling it into eventwire's matchers. Target:
//! ≤ 0.5 s (PETRARCH2 needs about 2.5 s). Skips when ../shared is absent.
use criterion::{criterion_group, criterion_main, Criterion};
use eventwire_lexicon::petrarch::load_config;
use eventwire_lexicon::LexiconBuilder;
use std::hint::black_box;
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/peers/petrarch2/data/config/PETR_config.ini");
    if !config.exists() {
        eprintln!("skipped: {} is absent", config.display());
        return;
    }
    let mut g = c.benchmark_group("phoenix");
    g.sample_size(10);
    g.bench_function("read", |b| {
        b.iter(|| black_box(load_config(&config).unwrap().0.actors.len()))
    });
    g.bench_function("read+compile", |b| {
        b.iter(|| {
            let (d, _) = load_config(&config).unwrap();
            let mut builder = LexiconBuilder::codes_only();
            builder.add_dictionaries(d);
            black_box(builder.build().0.actors.phrase_count())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
