//! The store's promises: idempotent, changed articles replace their events, interrupted runs
//! resume, duplicates corroborate instead of repeating, one-a-day grouping, queries.

use eventwire_model::{Article, Entity, Event, Extensions, Location};
use eventwire_store::{CountBy, Entry, EventFilter, Plan, Store, Summary};
use std::path::PathBuf;

const BODY: &str = "Azerbaijan said on Wednesday it had halted its military offensive in \
    Nagorno-Karabakh after separatist Armenian forces agreed to lay down their arms under a \
    ceasefire brokered by Russian peacekeepers, the defence ministry said in a statement.";

fn article(id: &str, text: &str, date: &str, source: &str) -> Article {
    Article {
        source: Some(source.into()),
        ..Article::new(id, "Headline", text, date)
    }
}

fn event(article: &str, n: usize, date: &str, kind: &str, actor: &str, place: &str) -> Event {
    Event {
        id: format!("{article}-1-{n}"),
        date: date.into(),
        event: vec![kind.into()],
        actor: vec![Entity {
            code: actor.into(),
            ..Default::default()
        }],
        recipient: vec![Entity {
            code: "ARM".into(),
            ..Default::default()
        }],
        quad_code: 4,
        event_loc: Some(Location {
            resolved_place: place.into(),
            country_code: "AZE".into(),
            lat: 39.8,
            lon: 46.7,
            geonameid: Some(1),
            ..Default::default()
        }),
        ew: Extensions {
            cameo: "190".into(),
            article_id: article.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A toy coder: one ASSAULT per article by the actor named in the source field's first letter.
fn code(a: &Article) -> Vec<Event> {
    let actor = if a.text.contains("Russia") {
        "AZE"
    } else {
        "USA"
    };
    vec![event(
        &a.id,
        1,
        &a.published,
        "ASSAULT",
        actor,
        "Stepanakert",
    )]
}

/// Plans, codes and writes one batch as `eventwire ingest` does.
fn ingest(store: &mut Store, articles: &[Article]) -> eventwire_store::WriteStats {
    let mut batch: Vec<Entry> = articles.iter().cloned().map(Entry::new).collect();
    store.plan(&mut batch).unwrap();
    for e in &mut batch {
        if e.plan == Plan::Code {
            let events = code(&e.article);
            e.set_events(&events).unwrap();
        }
    }
    store.write(&batch, "2026-11-30").unwrap()
}

fn stories() -> Vec<Article> {
    vec![
        article("a", BODY, "2023-09-20", "Reuters"),
        article(
            "b",
            "The central bank raised interest rates by a quarter of a percentage point on \
             Thursday, citing stubborn inflation in services and a tight labour market.",
            "2023-09-21",
            "AP",
        ),
        article(
            "c",
            &format!("{BODY} Read more on our site."),
            "2023-09-20",
            "BBC",
        ),
        article(
            "d",
            "Protesters gathered outside the parliament in Yerevan for a third day, demanding \
             the resignation of the prime minister over the loss of the region to Azerbaijan.",
            "2023-09-22",
            "AFP",
        ),
    ]
}

/// A store path in a scratch folder that is removed when the returned guard is dropped.
fn temp_db(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("eventwire-store-{name}-"))
        .tempdir()
        .unwrap();
    let path = dir.path().join("events.db");
    (dir, path)
}

fn counts(s: &Summary) -> (u64, u64, u64, u64, u64) {
    (
        s.articles,
        s.duplicates,
        s.events,
        s.mentions,
        s.daily_events,
    )
}

#[test]
fn ingesting_twice_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let first = ingest(&mut store, &stories());
    assert_eq!((first.added, first.duplicates, first.events), (3, 1, 3));
    let before = store.summary().unwrap();
    let again = ingest(&mut store, &stories());
    assert_eq!(again.unchanged, 4);
    assert_eq!((again.added, again.events, again.replaced), (0, 0, 0));
    assert_eq!(counts(&store.summary().unwrap()), counts(&before));
}

#[test]
fn a_changed_article_replaces_its_events() {
    let mut store = Store::open_in_memory().unwrap();
    ingest(&mut store, &stories());
    let mut changed = stories()[1].clone();
    changed.published = "2023-09-25".into();
    let stats = ingest(&mut store, &[changed]);
    assert_eq!((stats.replaced, stats.events), (1, 1));
    let b_events = store
        .events_page(&EventFilter {
            country: Some("USA".into()),
            ..Default::default()
        })
        .unwrap();
    let dates: Vec<String> = b_events.iter().map(|e| e.event().unwrap().date).collect();
    assert_eq!(
        dates,
        ["2023-09-22", "2023-09-25"],
        "d's event and b's new one"
    );
    assert_eq!(store.summary().unwrap().events, 3);
}

#[test]
fn an_interrupted_ingest_resumes() {
    let (_scratch, path) = temp_db("resume");
    let all = stories();
    {
        let mut store = Store::open(&path).unwrap();
        ingest(&mut store, &all[..2]);
        // The next batch is planned and coded, then the process dies before it commits.
        let mut lost: Vec<Entry> = all[2..].iter().cloned().map(Entry::new).collect();
        store.plan(&mut lost).unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let resumed = ingest(&mut store, &all);
    assert_eq!(resumed.unchanged, 2, "the committed batch is skipped");
    assert_eq!((resumed.added, resumed.duplicates), (1, 1));

    let mut fresh = Store::open_in_memory().unwrap();
    ingest(&mut fresh, &all);
    assert_eq!(
        counts(&store.summary().unwrap()),
        counts(&fresh.summary().unwrap())
    );
}

#[test]
fn duplicates_corroborate_instead_of_repeating() {
    let mut store = Store::open_in_memory().unwrap();
    ingest(&mut store, &stories());
    let azerbaijan = store
        .events_page(&EventFilter {
            country: Some("AZE".into()),
            since: Some("2023-09-20".into()),
            until: Some("2023-09-20".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        azerbaijan.len(),
        1,
        "c is a near-duplicate of a: no events of its own"
    );
    let e = &azerbaijan[0];
    assert_eq!((e.sources, e.num_mentions, e.num_sources), (2, 2, 2));
    let json: serde_json::Value = serde_json::from_str(&e.json).unwrap();
    assert_eq!(json["ew"]["sources"], 2);
    assert_eq!(json["ew"]["num_mentions"], 2);
    assert_eq!(json["ew"]["article_id"], "a");
}

#[test]
fn same_event_on_one_day_is_one_daily_event() {
    let mut store = Store::open_in_memory().unwrap();
    let other_story = article(
        "e",
        "Fighting continued across the region on Wednesday as artillery shelled villages near \
         the regional capital and residents sheltered in basements, Russia's envoy said.",
        "2023-09-20",
        "TASS",
    );
    ingest(&mut store, &[stories()[0].clone(), other_story]);
    let s = store.summary().unwrap();
    assert_eq!((s.events, s.daily_events), (2, 1));
    let one = store
        .events_page(&EventFilter {
            one_a_day: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!((one[0].num_articles, one[0].num_sources), (2, 2));
    assert_eq!(one[0].sources, 1, "each story has one outlet");
}

#[test]
fn queries_filter_and_count() {
    let mut store = Store::open_in_memory().unwrap();
    ingest(&mut store, &stories());
    let all = EventFilter::default();
    assert_eq!(store.events_page(&all).unwrap().len(), 3);
    let page = store
        .events_page(&EventFilter {
            limit: Some(1),
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page[0].event().unwrap().date, "2023-09-21");
    let by_type = |t: &str| {
        store
            .events_page(&EventFilter {
                event_type: Some(t.into()),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(
        (by_type("assault"), by_type("19"), by_type("PROTEST")),
        (3, 3, 0)
    );
    let in_box = |bbox| {
        store
            .events_page(&EventFilter {
                bbox: Some(bbox),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(in_box([44.0, 38.0, 48.0, 41.0]), 3);
    assert_eq!(in_box([0.0, 38.0, 10.0, 41.0]), 0);
    assert_eq!(
        in_box([170.0, 38.0, 50.0, 41.0]),
        3,
        "across the antimeridian"
    );
    assert_eq!(
        store.counts(CountBy::Day, &all).unwrap(),
        [
            ("2023-09-20".to_string(), 1),
            ("2023-09-21".to_string(), 1),
            ("2023-09-22".to_string(), 1)
        ]
    );
    assert_eq!(
        store.counts(CountBy::EventType, &all).unwrap(),
        [("ASSAULT".to_string(), 3)]
    );
    assert_eq!(
        store.counts(CountBy::Country, &all).unwrap(),
        [("AZE".to_string(), 3)]
    );
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let (_scratch, path) = temp_db("foreign");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
    }
    let err = Store::open(&path).err().expect("refused").to_string();
    assert!(err.contains("not an eventwire store"), "{err}");
    std::fs::write(&path, b"plain text, not a database at all").unwrap();
    let err = Store::open(&path).err().expect("refused").to_string();
    assert!(err.starts_with(&path.display().to_string()), "{err}");
}
