//! Criterion: coding throughput on news text, against a same-run baseline (the text stage alone).
//! Uses the shared BBC corpus when ../shared is present, else the shipped examples.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use eventwire_coder::Coder;
use eventwire_model::Article;
use eventwire_text::{segment, Document};
use std::hint::black_box;

fn articles() -> Vec<Article> {
    if let Some(shared) = eventwire_eval::corpus::shared_dir() {
        if let Ok(mut a) = eventwire_eval::corpus::bbc(&shared) {
            a.truncate(300);
            return a;
        }
    }
    let text = include_str!("../../../examples/stories.jsonl");
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let coder = Coder::bundled();
    let arts = articles();
    let bytes: usize = arts.iter().map(|a| a.title.len() + a.text.len() + 1).sum();
    let events: usize = arts
        .iter()
        .map(|a| coder.code(a).map_or(0, |e| e.len()))
        .sum();
    assert!(events > 0, "the bench corpus must yield events");
    let mut g = c.benchmark_group("code");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("text-stage-baseline", |b| {
        b.iter(|| {
            arts.iter()
                .map(|a| segment(&Document::new(&a.title, &a.text)).len())
                .sum::<usize>()
        })
    });
    g.bench_function("coder", |b| {
        b.iter(|| {
            arts.iter()
                .map(|a| black_box(coder.code(a)).map_or(0, |e| e.len()))
                .sum::<usize>()
        })
    });
    g.finish();
    c.bench_function("lexicon-load", |b| {
        b.iter(|| black_box(eventwire_lexicon::LexiconBuilder::bundled().build()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
