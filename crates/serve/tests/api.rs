//! Every endpoint through the router (no socket): answers over a store built from the bundled
//! Karabakh example, and the 400/404/413/503 answers.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use eventwire_coder::Coder;
use eventwire_serve::{router, AppState, Db};
use eventwire_store::{Entry, Plan, Store};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tower::ServiceExt;

const KARABAKH: &str = include_str!("../../../examples/karabakh.jsonl");

/// A store holding the Karabakh example and the other example stories, built once per run.
fn store_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("eventwire-serve-test-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut store = Store::open(&path).unwrap();
        let coder = Coder::bundled();
        let stories = include_str!("../../../examples/stories.jsonl");
        let mut batch: Vec<Entry> =
            eventwire_ingest::read_jsonl("x.jsonl", format!("{KARABAKH}\n{stories}").as_bytes())
                .map(|a| Entry::new(a.unwrap()))
                .collect();
        store.plan(&mut batch).unwrap();
        for e in batch.iter_mut().filter(|e| e.plan == Plan::Code) {
            let events = coder.code(&e.article).unwrap();
            e.set_events(&events).unwrap();
        }
        store.write(&batch, "2026-11-30").unwrap();
        store.checkpoint().unwrap();
        path
    })
}

fn app() -> axum::Router {
    router(AppState::new(Some(Db::open(store_path()).unwrap())))
}

async fn send(app: axum::Router, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, ctype, body)
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(app(), Request::get(uri).body(Body::empty()).unwrap()).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, json)
}

async fn bad_request(uri: &str, needle: &str) {
    let (status, json) = get(uri).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {json}");
    let msg = json["error"].as_str().unwrap();
    assert!(msg.contains(needle), "{uri}: {msg:?} lacks {needle:?}");
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let (status, doc) = get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "/api/events",
        "/api/events/{id}",
        "/api/articles/{id}",
        "/api/aggregates/counts",
        "/api/aggregates/dyads",
        "/api/aggregates/places",
        "/api/aggregates/countries",
        "/api/aggregates/fatalities",
        "/api/code",
        "/api/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}

#[tokio::test]
async fn dashboard_files_are_embedded() {
    for (uri, ctype) in [
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
        ("/world-110m.json", "application/json"),
    ] {
        let (status, got, body) = send(app(), Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(got.starts_with(ctype), "{uri}: {got}");
        assert!(!body.is_empty());
    }
    let (status, _, _) = send(app(), Request::get("/nope.js").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, json) = get("/api/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].as_str().unwrap().contains("openapi"));
}

#[tokio::test]
async fn events_filter_page_and_download() {
    let (status, page) = get("/api/events?limit=100").await;
    assert_eq!(status, StatusCode::OK);
    let total = page["total"].as_u64().unwrap();
    assert!(total >= 8, "{total} events");
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len() as u64, total.min(100));
    assert!(events
        .iter()
        .any(|e| e["ew"]["article_id"] == "karabakh-example"));
    // Newest first.
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    let (_, assaults) = get("/api/events?event=ASSAULT&article=karabakh-example").await;
    let list = assaults["events"].as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list
        .iter()
        .all(|e| e["event"][0] == "ASSAULT" && e["quad_code"] == 4));

    let (_, az) =
        get("/api/events?actor=AZE&from=2023-09-19&to=2023-09-20&quad=2,4&country=AZE").await;
    for e in az["events"].as_array().unwrap() {
        assert_eq!(e["actor"][0]["code"], "AZE");
        assert_eq!(e["event_loc"]["country_code"], "AZE");
    }
    let (_, boxed) = get("/api/events?bbox=44,38,48,41&limit=500").await;
    for e in boxed["events"].as_array().unwrap() {
        let lon = e["event_loc"]["lon"].as_f64().unwrap();
        assert!((44.0..=48.0).contains(&lon));
    }
    let (_, words) = get("/api/events?q=ARTILLERY").await;
    assert!(words["events"].as_array().unwrap().iter().all(|e| e["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("artillery")));
    assert!(words["total"].as_u64().unwrap() >= 1);
    // Words are prefixes of the sentence's words, in any order, accents and case ignored.
    let (_, prefix) = get("/api/events?q=artill%20Tuesday").await;
    assert_eq!(prefix["total"], words["total"]);
    let (_, none) = get("/api/events?q=artilleryman").await;
    assert_eq!(none["total"], 0);
    let (_, military) = get("/api/events?actor_sector=MIL,REB&limit=500").await;
    let military = military["events"].as_array().unwrap();
    assert!(!military.is_empty());
    for e in military {
        assert!(
            e["actor"].as_array().unwrap().iter().any(|a| a["sector"]
                .as_str()
                .unwrap()
                .split(' ')
                .any(|s| s == "MIL" || s == "REB")),
            "{e}"
        );
    }
    let (_, paged) = get("/api/events?limit=2&offset=1&sort=date").await;
    assert_eq!(paged["events"].as_array().unwrap().len(), 2);

    let (status, ctype, csv) = send(
        app(),
        Request::get("/api/events?format=csv&event=ASSAULT")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,date,event,mode,quad_code,"));
    assert!(csv.lines().skip(1).all(|l| l.contains(",ASSAULT,")));
    let (_, ctype, jsonl) = send(
        app(),
        Request::get("/api/events?format=jsonl")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(ctype.starts_with("application/x-ndjson"));
    let lines: Vec<Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, total);
}

#[tokio::test]
async fn parquet_download_holds_the_jsonl_rows() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let query = "event=ASSAULT,ACCUSE,RETREAT&sort=date";
    let (status, ctype, parquet) = send(
        app(),
        Request::get(format!("/api/events?format=parquet&{query}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/vnd.apache.parquet");
    let (_, _, jsonl) = send(
        app(),
        Request::get(format!("/api/events?format=jsonl&{query}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let expected: Vec<Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(expected.len() >= 3);
    let reader = SerializedFileReader::new(bytes::Bytes::from(parquet)).unwrap();
    let rows: Vec<parquet::record::Row> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), expected.len());
    let text = |row: &parquet::record::Row, name: &str| -> String {
        match row.get_column_iter().find(|(n, _)| n.as_str() == name) {
            Some((_, Field::Str(s))) => s.clone(),
            Some((_, Field::Null)) => String::new(),
            other => panic!("{name}: {other:?}"),
        }
    };
    for (row, e) in rows.iter().zip(&expected) {
        assert_eq!(text(row, "id"), e["id"].as_str().unwrap());
        assert_eq!(text(row, "date"), e["date"].as_str().unwrap());
        assert_eq!(text(row, "event"), e["event"][0].as_str().unwrap());
        assert_eq!(
            text(row, "actor_code"),
            e["actor"][0]["code"].as_str().unwrap_or("")
        );
        assert_eq!(text(row, "text"), e["text"].as_str().unwrap());
        let quad = row
            .get_column_iter()
            .find(|(n, _)| n.as_str() == "quad_code")
            .map(|(_, f)| f.clone());
        assert_eq!(quad, Some(Field::Long(e["quad_code"].as_i64().unwrap())));
    }
    let (_, doc) = get("/api/openapi.json").await;
    let events = &doc["paths"]["/api/events"]["get"];
    assert!(events["responses"]["200"]["content"]["application/vnd.apache.parquet"].is_object());
    let format = events["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "format")
        .unwrap();
    assert!(format["schema"]["enum"]
        .as_array()
        .unwrap()
        .contains(&Value::from("parquet")));
}

#[tokio::test]
async fn a_query_past_its_deadline_is_stopped() {
    // 200 copies of the Karabakh article's events: enough work for SQLite to check the clock.
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "eventwire-serve-deadline-{}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let karabakh = eventwire_ingest::read_jsonl("k.jsonl", KARABAKH.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let events = Coder::bundled().code(&karabakh).unwrap();
    let batch: Vec<Entry> = (0..200)
        .map(|n| {
            let id = format!("copy{n}");
            let mut entry = Entry::new(eventwire_model::Article::new(
                &id,
                &karabakh.title,
                &format!("{} ({n})", karabakh.text),
                &karabakh.published,
            ));
            let copies: Vec<_> = events
                .iter()
                .enumerate()
                .map(|(k, e)| {
                    let mut e = e.clone();
                    e.id = format!("{id}-{}-1", k + 1);
                    e.ew.article_id = id.clone();
                    e
                })
                .collect();
            entry.set_events(&copies).unwrap();
            entry
        })
        .collect();
    Store::open(&path)
        .unwrap()
        .write(&batch, "2026-11-30")
        .unwrap();
    let db = Db::open(&path)
        .unwrap()
        .with_timeout(std::time::Duration::ZERO);
    let app = router(AppState::new(Some(db)));
    let (status, _, body) = send(
        app,
        Request::get("/api/aggregates/fatalities?group=week")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let msg = String::from_utf8_lossy(&body);
    assert!(msg.contains("limit and was stopped"), "{msg}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn no_cors_headers_and_loopback_by_default() {
    for req in [
        Request::get("/api/events?limit=1")
            .header(header::ORIGIN, "http://elsewhere.example")
            .body(Body::empty())
            .unwrap(),
        Request::options("/api/events")
            .header(header::ORIGIN, "http://elsewhere.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap(),
    ] {
        let res = app().oneshot(req).await.unwrap();
        assert!(
            res.headers()
                .keys()
                .all(|k| !k.as_str().starts_with("access-control-")),
            "{:?}",
            res.headers()
        );
    }
    let addr: std::net::SocketAddr = eventwire_serve::DEFAULT_ADDR.parse().unwrap();
    assert!(addr.ip().is_loopback());
}

#[tokio::test]
async fn bad_parameters_are_named() {
    bad_request("/api/events?colour=red", "unknown query parameter `colour`").await;
    bad_request("/api/events?limit=501", "at most 500").await;
    bad_request("/api/events?limit=ten", "whole number").await;
    bad_request("/api/events?from=20-09-2023", "YYYY-MM-DD").await;
    bad_request("/api/events?event=FIGHT", "not a PLOVER event type").await;
    bad_request("/api/events?quad=0", "1 to 4").await;
    bad_request("/api/events?bbox=50,10,40", "west,south,east,north").await;
    bad_request("/api/events?sort=random", "must be one of").await;
    bad_request("/api/events?format=xlsx", "must be one of").await;
    bad_request("/api/events?format=csv&limit=100001", "at most 100000").await;
    bad_request("/api/events?q=%21%3F", "must hold a word").await;
    bad_request(
        &format!("/api/events?q={}", "w+".repeat(17)),
        "at most 16 words",
    )
    .await;
    bad_request("/api/events?event=ASSAULT&event=AGREE", "given twice").await;
    bad_request(
        "/api/events/karabakh-example-1-1?x=1",
        "this endpoint takes: none",
    )
    .await;
    bad_request("/api/aggregates/counts?by=year", "must be one of").await;
    bad_request("/api/aggregates/dyads?limit=10001", "at most 10000").await;
    bad_request("/api/aggregates/places?sort=x", "unknown query parameter").await;
    bad_request(
        "/api/aggregates/countries?limit=5",
        "unknown query parameter `limit`",
    )
    .await;
    bad_request("/api/aggregates/fatalities?group=year", "must be one of").await;
}

#[tokio::test]
async fn one_event_with_article_and_mentions() {
    let (_, page) = get("/api/events?article=karabakh-example&event=ASSAULT&limit=1").await;
    let id = page["events"][0]["id"].as_str().unwrap().to_string();
    let (status, got) = get(&format!("/api/events/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["event"]["id"], id.as_str());
    assert!(got["event"]["ew"]["evidence"]["event"].is_array());
    assert_eq!(got["article"]["id"], "karabakh-example");
    assert!(got["article"]["title"]
        .as_str()
        .unwrap()
        .starts_with("Azerbaijan halts"));
    // The store keeps the body: every evidence span can be shown in its article.
    let text = got["article"]["text"].as_str().expect("the article text");
    let title = got["article"]["title"].as_str().unwrap();
    let full: Vec<char> = format!("{title}\n{text}").chars().collect();
    let [a, b] =
        [0, 1].map(|k| got["event"]["ew"]["evidence"]["event"][k].as_u64().unwrap() as usize);
    let trigger: String = full[a..b].iter().collect();
    let words = got["event"]["event_text"].as_array().unwrap();
    assert!(trigger.contains(words[0].as_str().unwrap()), "{trigger}");
    assert!(got["mentions"].is_array());
    let (status, json) = get("/api/events/karabakh-example-99-9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].as_str().unwrap().contains("no event"));
    let (status, _) = get("/api/events/not-an-event-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, art) = get("/api/articles/karabakh-example").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(art["article"]["published"], "2023-09-20");
    assert!(art["events"].as_array().unwrap().len() >= 8);
    let (status, _) = get("/api/articles/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn aggregates() {
    let (status, counts) =
        get("/api/aggregates/counts?by=auto&group=type&article=karabakh-example").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(counts["by"], "day");
    let rows = counts["rows"].as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["period"] == "2023-09-19" && r["key"] == "ASSAULT"));
    let (_, months) = get("/api/aggregates/counts?by=month&group=quad").await;
    assert!(months["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["period"].as_str().unwrap().ends_with("-01")));
    let (_, weeks) =
        get("/api/aggregates/counts?by=week&group=none&article=karabakh-example").await;
    // 2023-09-20 was a Wednesday: its week starts on Monday the 18th.
    assert!(weeks["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["period"] == "2023-09-18"));

    let (_, dyads) = get("/api/aggregates/dyads?article=karabakh-example").await;
    let rows = dyads["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r["count"].as_i64().unwrap() >= 1 && r["mean_scale"].is_number()));
    // Azerbaijan's army against the Karabakh separatists (coded AZE REB).
    assert!(
        rows.iter().any(|r| r["actor"] == "AZE"
            && r["recipient"] == "AZE"
            && r["mean_scale"].as_f64().unwrap() < 0.0),
        "{rows:?}"
    );

    let (_, places) = get("/api/aggregates/places?article=karabakh-example").await;
    let rows = places["rows"].as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["country"] == "AZE" && !r["place"].as_str().unwrap().is_empty()));
    for r in rows {
        let quads: i64 = r["quads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q.as_i64().unwrap())
            .sum();
        assert_eq!(quads, r["count"].as_i64().unwrap());
    }
    let (_, countries) = get("/api/aggregates/countries").await;
    assert!(countries["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["country"] == "AZE"));
    let (_, fatalities) = get("/api/aggregates/fatalities?group=total").await;
    let total = &fatalities["rows"][0];
    assert!(total["dead"].as_i64().unwrap() > 0, "{fatalities}");
}

fn post(body: &str, ctype: &str, uri: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn code_endpoint_codes_json_and_plain_text() {
    let article: Value = serde_json::from_str(KARABAKH).unwrap();
    let body = serde_json::json!({
        "title": article["title"], "text": article["text"], "published": "2023-09-20"
    });
    let (status, _, out) = send(
        app(),
        post(&body.to_string(), "application/json", "/api/code"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&out));
    let out: Value = serde_json::from_slice(&out).unwrap();
    let events = out["events"].as_array().unwrap();
    assert!(events
        .iter()
        .any(|e| e["event"][0] == "RETREAT" && e["actor"][0]["code"] == "AZE"));
    assert!(events
        .iter()
        .all(|e| !e["event"].as_array().unwrap().is_empty()));
    assert_eq!(out["article"]["published"], "2023-09-20");

    let text = "Protesters clash with police in Tbilisi\nPolice in Tbilisi arrested 20 protesters on Monday.";
    let (status, _, out) = send(
        app(),
        post(text, "text/plain", "/api/code?published=2024-05-01"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let out: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        out["article"]["title"],
        "Protesters clash with police in Tbilisi"
    );
    assert!(!out["events"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn code_endpoint_rejects_bad_bodies() {
    let cases = [
        (
            "",
            "text/plain",
            "/api/code",
            StatusCode::BAD_REQUEST,
            "empty",
        ),
        (
            "{\"text\": 3}",
            "application/json",
            "/api/code",
            StatusCode::BAD_REQUEST,
            "not a JSON object",
        ),
        (
            "{\"text\": \"x\", \"colour\": 1}",
            "application/json",
            "/api/code",
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "{\"text\": \"x\", \"published\": \"yesterday\"}",
            "application/json",
            "/api/code",
            StatusCode::BAD_REQUEST,
            "not a date",
        ),
        (
            "T\nBody.",
            "text/plain",
            "/api/code?lang=en",
            StatusCode::BAD_REQUEST,
            "unknown query parameter",
        ),
    ];
    for (body, ctype, uri, want, needle) in cases {
        let (status, _, out) = send(app(), post(body, ctype, uri)).await;
        let msg = String::from_utf8_lossy(&out);
        assert_eq!(status, want, "{body:?}: {msg}");
        assert!(msg.contains(needle), "{body:?}: {msg}");
    }
    let big = "x".repeat(eventwire_serve::MAX_BODY + 1);
    let (status, _, out) = send(app(), post(&big, "text/plain", "/api/code")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(String::from_utf8_lossy(&out).contains("body limit"));
}

#[tokio::test]
async fn without_a_store_data_endpoints_say_so() {
    let app = router(AppState::new(None));
    let (status, _, body) = send(
        app,
        Request::get("/api/events").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&body).contains("--db"));
}

#[test]
fn a_missing_store_is_an_error_not_a_new_file() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eventwire-no-such-store.db");
    let err = Db::open(&path).err().unwrap().to_string();
    assert!(err.contains("no such store"), "{err}");
    assert!(!path.exists());
}

#[tokio::test]
async fn cached_answers_follow_the_store() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("eventwire-serve-cache-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    std::fs::copy(store_path(), &path).unwrap();
    let app = router(AppState::new(Some(Db::open(&path).unwrap())));
    let total = |app: axum::Router| async move {
        let (_, _, body) = send(
            app,
            Request::get("/api/events?limit=1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        serde_json::from_slice::<Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let before = total(app.clone()).await;
    assert_eq!(total(app.clone()).await, before);
    // An ingest beside the server: the next answer is recomputed.
    let mut store = Store::open(&path).unwrap();
    let mut batch = vec![Entry::new(eventwire_model::Article::new(
        "later",
        "Police arrest protesters",
        "Police in Tbilisi arrested 20 protesters on Monday.",
        "2024-05-01",
    ))];
    store.plan(&mut batch).unwrap();
    let events = Coder::bundled().code(&batch[0].article).unwrap();
    batch[0].set_events(&events).unwrap();
    store.write(&batch, "2026-11-30").unwrap();
    assert!(total(app.clone()).await > before);
    // The search index caught up with the new article's events.
    let (_, _, body) = send(
        app,
        Request::get("/api/events?q=tbilisi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let found: Value = serde_json::from_slice(&body).unwrap();
    assert!(found["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["ew"]["article_id"] == "later"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn search_index_follows_a_replaced_article() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("eventwire-serve-search-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let coder = Coder::bundled();
    let write = |text: &str| {
        let mut store = Store::open(&path).unwrap();
        let mut batch = vec![Entry::new(eventwire_model::Article::new(
            "story",
            "Clashes",
            text,
            "2024-05-01",
        ))];
        store.plan(&mut batch).unwrap();
        let events = coder.code(&batch[0].article).unwrap();
        batch[0].set_events(&events).unwrap();
        store.write(&batch, "2026-11-30").unwrap();
    };
    let hits = |app: axum::Router, q: &'static str| async move {
        let (_, _, body) = send(
            app,
            Request::get(format!("/api/events?q={q}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        serde_json::from_slice::<Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    write("Police in Tbilisi arrested 20 protesters on Monday.");
    let app = router(AppState::new(Some(Db::open(&path).unwrap())));
    assert!(hits(app.clone(), "tbilisi").await >= 1);
    // The same article with other text: its events are replaced and reuse the row ids.
    write("Police in Yerevan arrested 30 protesters on Monday.");
    assert_eq!(hits(app.clone(), "tbilisi").await, 0);
    assert!(hits(app.clone(), "yerevan").await >= 1);
    drop(app);
    // Reopened, the index is current without rebuilding.
    let app = router(AppState::new(Some(Db::open(&path).unwrap())));
    assert!(hits(app, "yerevan").await >= 1);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
