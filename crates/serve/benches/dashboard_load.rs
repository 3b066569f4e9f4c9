//! The dashboard's initial load on a large store: the page, its assets and the five API calls
//! it makes at once (map countries and places, timeline counts, dyads, the first table page),
//! through the router as the browser issues them (concurrently), timed end to end. The first
//! load of a view computes its answers (`serve` does this for the unfiltered view at start-up);
//! later loads of the same view come from the cache.
//!
//! The store is synthetic: the example articles' real coded events, copied with random dates
//! (2015–2024), types, actors, recipients and places, 10 events per article, written with the
//! store's own `write`. It is built once and kept as `target/bench-serve-<N>.db`.
//!
//! `cargo bench -p eventwire-serve --bench dashboard_load` (`BENCH_EVENTS=N` to resize, default
//! 1,000,000).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eventwire_coder::Coder;
use eventwire_model::{plover_quad, Article, Event, Location, PLOVER_EVENTS};
use eventwire_serve::{router, AppState, Db};
use eventwire_store::{Entry, Store};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Countries the synthetic events happen in, with a point inside each (degrees).
const COUNTRIES: [(&str, f64, f64); 30] = [
    ("AZE", 40.4, 47.7),
    ("ARM", 40.2, 45.0),
    ("GEO", 42.2, 43.5),
    ("RUS", 55.7, 37.6),
    ("UKR", 49.0, 31.4),
    ("SDN", 15.5, 32.5),
    ("PHL", 12.9, 121.8),
    ("VNM", 16.0, 107.8),
    ("CHN", 35.9, 104.2),
    ("USA", 39.8, -98.6),
    ("IRN", 32.4, 53.7),
    ("IRQ", 33.2, 43.7),
    ("SYR", 35.0, 38.5),
    ("ISR", 31.4, 35.0),
    ("TUR", 39.0, 35.2),
    ("AFG", 33.9, 67.7),
    ("PAK", 30.4, 69.3),
    ("IND", 22.0, 79.0),
    ("NGA", 9.1, 8.7),
    ("ETH", 9.1, 40.5),
    ("SOM", 5.2, 46.2),
    ("COD", -2.9, 23.7),
    ("MLI", 17.6, -4.0),
    ("YEM", 15.6, 48.5),
    ("LBY", 26.3, 17.2),
    ("MEX", 23.6, -102.6),
    ("COL", 4.6, -74.3),
    ("VEN", 6.4, -66.6),
    ("MMR", 21.9, 95.9),
    ("FRA", 46.6, 2.4),
];

/// SplitMix64: reproducible synthetic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The examples' coded events: the templates.
fn templates() -> Vec<Event> {
    let coder = Coder::bundled();
    let input = concat!(
        include_str!("../../../examples/karabakh.jsonl"),
        "\n",
        include_str!("../../../examples/stories.jsonl")
    );
    eventwire_ingest::read_jsonl("examples", input.as_bytes())
        .flat_map(|a| coder.code(&a.unwrap()).unwrap())
        .filter(|e| !e.event.is_empty())
        .collect()
}

fn build_store(path: &Path, events: usize) {
    let templates = templates();
    let mut rng = Rng(2026);
    // 3,000 distinct places: a country and a point near its centre.
    let places: Vec<(usize, f64, f64)> = (0..3000)
        .map(|_| {
            let c = rng.below(COUNTRIES.len());
            let jitter = |r: &mut Rng| (r.below(600) as f64 - 300.0) / 100.0;
            (
                c,
                COUNTRIES[c].1 + jitter(&mut rng),
                COUNTRIES[c].2 + jitter(&mut rng),
            )
        })
        .collect();
    let mut store = Store::open(path).unwrap();
    let per_article = 10;
    let start = Instant::now();
    let mut written = 0;
    let mut article = 0usize;
    while written < events {
        let mut batch = Vec::with_capacity(2000);
        while batch.len() < 2000 && written < events {
            article += 1;
            let id = format!("syn{article}");
            let day = rng.below(3653) as i64;
            let published = (chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()
                + chrono::Duration::days(day))
            .to_string();
            let mut entry = Entry::new(Article::new(
                &id,
                &format!("Synthetic article {article}"),
                &format!("Body of synthetic article number {article}, written for the dashboard benchmark."),
                &published,
            ));
            let n = per_article.min(events - written);
            let coded: Vec<Event> = (0..n)
                .map(|k| {
                    let mut e = templates[rng.below(templates.len())].clone();
                    let event = PLOVER_EVENTS[rng.below(PLOVER_EVENTS.len())];
                    let (c, lat, lon) = places[rng.below(places.len())];
                    let (code, ..) = COUNTRIES[c];
                    e.id = format!("{id}-{}-1", k + 1);
                    e.date = published.clone();
                    e.event = vec![event.to_string()];
                    e.quad_code = plover_quad(event);
                    if let Some(a) = e.actor.first_mut() {
                        a.code = COUNTRIES[rng.below(COUNTRIES.len())].0.to_string();
                    }
                    if let Some(r) = e.recipient.first_mut() {
                        r.code = COUNTRIES[rng.below(COUNTRIES.len())].0.to_string();
                    }
                    e.event_loc = Some(Location {
                        resolved_place: format!("Place {lat:.2} {lon:.2}"),
                        country_code: code.to_string(),
                        lat,
                        lon,
                        resolution: 4,
                        ..Default::default()
                    });
                    e.ew.article_id = id.clone();
                    e
                })
                .collect();
            entry.set_events(&coded).unwrap();
            written += n;
            batch.push(entry);
        }
        store.write(&batch, "2026-11-30").unwrap();
    }
    store.checkpoint().unwrap();
    eprintln!(
        "built {} with {written} events in {:.0} s ({} MB)",
        path.display(),
        start.elapsed().as_secs_f64(),
        std::fs::metadata(path).unwrap().len() >> 20
    );
}

/// The page and its assets; then come the API calls of [`eventwire_serve::FIRST_VIEW`].
const ASSETS: [&str; 4] = ["/", "/app.css", "/app.js", "/world-110m.json"];

async fn fetch(app: axum::Router, uri: String) -> (String, Duration, usize) {
    let t = Instant::now();
    let res = app
        .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    let bytes = res.into_body().collect().await.unwrap().to_bytes().len();
    (uri, t.elapsed(), bytes)
}

/// One page load: the HTML, then everything else at once (as the browser does).
async fn load(app: &axum::Router, filter: &str) -> (Duration, Vec<(String, Duration, usize)>) {
    let t = Instant::now();
    let mut parts = vec![fetch(app.clone(), ASSETS[0].to_string()).await];
    let rest: Vec<_> = ASSETS[1..]
        .iter()
        .chain(eventwire_serve::FIRST_VIEW.iter())
        .map(|u| {
            let sep = if u.contains('?') { '&' } else { '?' };
            let uri = if filter.is_empty() || !u.starts_with("/api") {
                u.to_string()
            } else {
                format!("{u}{sep}{filter}")
            };
            tokio::spawn(fetch(app.clone(), uri))
        })
        .collect();
    for r in rest {
        parts.push(r.await.unwrap());
    }
    (t.elapsed(), parts)
}

fn main() {
    let events: usize = std::env::var("BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-serve-{events}.db"));
    if !path.exists() {
        build_store(&path, events);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let t = Instant::now();
        let app = router(AppState::new(Some(Db::open(&path).unwrap())));
        println!(
            "store: {events} events, {} MB; opened in {:.0} ms",
            std::fs::metadata(&path).unwrap().len() >> 20,
            t.elapsed().as_secs_f64() * 1e3
        );
        for (name, filter) in [
            ("no filter", ""),
            ("event=ASSAULT&country=AZE", "event=ASSAULT&country=AZE"),
            (
                "from=2020-01-01&to=2020-03-31",
                "from=2020-01-01&to=2020-03-31",
            ),
            ("q=artillery", "q=artillery"),
            ("actor_sector=MIL", "actor_sector=MIL"),
        ] {
            let mut runs = Vec::new();
            for run in 0..4 {
                let (total, parts) = load(&app, filter).await;
                if run == 0 {
                    println!(
                        "\n{name}: first load (computed) {:.0} ms",
                        total.as_secs_f64() * 1e3
                    );
                    for (uri, d, bytes) in &parts {
                        println!("  {:>6.0} ms {:>8} B  {uri}", d.as_secs_f64() * 1e3, bytes);
                    }
                } else {
                    runs.push(total.as_secs_f64() * 1e3);
                }
            }
            runs.sort_by(f64::total_cmp);
            println!(
                "{name}: next loads (cached) {:.0} / {:.0} / {:.0} ms (min / median / max)",
                runs[0], runs[1], runs[2]
            );
        }
    });
}
