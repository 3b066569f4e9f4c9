//! The JSON endpoints. Handlers check their parameters ([`crate::params`]), run the store's
//! queries on a blocking thread and answer JSON, CSV, JSONL or Parquet; every failure is a JSON
//! `{"error": …}` with a 4xx/5xx status (503 when a query runs past its deadline).

use crate::db::{Db, QueryTimeout};
use crate::params::{is_date, EventsQuery, Params};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use eventwire_model::{Article, Event};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Most events one JSON page holds.
pub const MAX_PAGE: usize = 500;
/// Most rows one CSV/JSONL/Parquet download holds (page on with `offset` for more).
pub const MAX_DOWNLOAD: usize = 100_000;
/// Most rows an aggregate returns.
pub const MAX_ROWS: usize = 10_000;

/// An error answer: status and a message that names the problem.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong, for the caller.
    pub message: String,
}

impl ApiError {
    /// 400 Bad Request.
    pub fn bad(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("store error: {e}"),
        }
    }

    /// 503 for a query stopped at its deadline, else 500.
    fn from_store(e: anyhow::Error) -> Self {
        match e.downcast_ref::<QueryTimeout>() {
            Some(timeout) => ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: timeout.to_string(),
            },
            None => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;
type Pairs = Query<Vec<(String, String)>>;

/// The hand-written OpenAPI 3 document.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../assets/openapi.json"),
    )
        .into_response()
}

/// Any other `/api/…` path.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see /api/openapi.json")
}

/// The store, or a 503 saying the server was started without one.
fn store(state: &AppState) -> Result<Arc<Db>, ApiError> {
    state.db.clone().ok_or_else(|| ApiError {
        status: StatusCode::SERVICE_UNAVAILABLE,
        message: "no event store: start with `eventwire serve --db FILE`".into(),
    })
}

/// Runs a store query off the async threads.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Db) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let db = store(state)?;
    tokio::task::spawn_blocking(move || f(&db))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::from_store)
}

fn params(
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> Result<Vec<(String, String)>, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad(format!("unreadable query string: {}", e.body_text())))
}

/// A JSON answer through the store's cache (recomputed when the store changes).
async fn cached(
    state: &AppState,
    uri: &Uri,
    f: impl FnOnce(&Db) -> anyhow::Result<serde_json::Value> + Send + 'static,
) -> ApiResult {
    let key = uri.to_string();
    let body = blocking(state, move |db| {
        db.cached(&key, || Ok(serde_json::to_vec(&f(db)?)?))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Body of `POST /api/code` as JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: String,
    text: String,
    #[serde(default)]
    published: Option<String>,
}

/// `POST /api/code`: codes the posted article (JSON `{title, text, published}` or plain text,
/// first line the title) and returns it with its events.
pub async fn code(
    State(state): State<AppState>,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &["published"], false)?;
    let body = body.map_err(|e| ApiError {
        status: e.status(),
        message: format!(
            "{} (the body limit is {} KiB)",
            e.body_text(),
            crate::MAX_BODY >> 10
        ),
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let article = if is_json {
        let r: CodeRequest = serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad(format!(
                "body is not a JSON object {{title, text, published}}: {e}"
            ))
        })?;
        Article::new(
            r.id.as_deref().unwrap_or("posted"),
            &r.title,
            &r.text,
            r.published
                .or(p.get("published").map(str::to_string))
                .as_deref()
                .unwrap_or(&today),
        )
    } else {
        let text = std::str::from_utf8(&body)
            .map_err(|e| ApiError::bad(format!("body is not UTF-8 text: {e}")))?;
        let (title, rest) = text.split_once('\n').unwrap_or((text, ""));
        Article::new(
            "posted",
            title.trim_end_matches('\r'),
            rest,
            p.get("published").unwrap_or(&today),
        )
    };
    if article.text.trim().is_empty() && article.title.trim().is_empty() {
        return Err(ApiError::bad("nothing to code: the text is empty"));
    }
    let published = &article.published;
    if !is_date(published.get(..10).unwrap_or(published)) {
        return Err(ApiError::bad(format!(
            "published {published:?} is not a date (expected YYYY-MM-DD)"
        )));
    }
    let coder_state = state.clone();
    let (article, events) = tokio::task::spawn_blocking(move || {
        let events = coder_state.coder().code(&article);
        (article, events)
    })
    .await
    .map_err(ApiError::internal)?;
    let events: Vec<Event> = events
        .map_err(|e| ApiError::bad(e.to_string()))?
        .into_iter()
        .filter(|e| !e.event.is_empty())
        .collect();
    Ok(Json(json!({ "article": article, "events": events })).into_response())
}

/// One page of `GET /api/events`.
#[derive(Serialize)]
struct EventPage {
    total: u64,
    limit: usize,
    offset: usize,
    events: Vec<Box<RawValue>>,
}

/// `GET /api/events`: a page of events (JSON) or a download (CSV, JSONL, Parquet) of the same
/// query.
pub async fn events(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let EventsQuery {
        filters,
        format,
        sort,
        limit,
        offset,
    } = EventsQuery::new(&Params::new(params(q)?, EventsQuery::KEYS, true)?)?;
    if format == "json" {
        return cached(&state, &uri, move |db| {
            Ok(serde_json::to_value(EventPage {
                total: db.count(&filters)?,
                limit,
                offset,
                events: db.events(&filters, sort, limit, offset)?,
            })?)
        })
        .await;
    }
    if format == "parquet" {
        let body = blocking(&state, move |db| {
            db.version()?;
            let rows = db
                .events_with_reach(&filters, sort, limit, offset)?
                .into_iter()
                .map(|(event, reach)| eventwire_sinks::flat_row(&event, &reach));
            Ok(eventwire_sinks::write_parquet(rows, Vec::new())?)
        })
        .await?;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/vnd.apache.parquet"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"events.parquet\"",
                ),
            ],
            body,
        )
            .into_response());
    }
    let events = blocking(&state, move |db| {
        db.version()?;
        db.events(&filters, sort, limit, offset)
    })
    .await?;
    let (ctype, name, body) = if format == "csv" {
        let csv = crate::db::to_csv(&events).map_err(ApiError::internal)?;
        (
            "text/csv; charset=utf-8",
            "attachment; filename=\"events.csv\"",
            csv,
        )
    } else {
        let mut out = Vec::with_capacity(events.len() * 1500);
        for e in &events {
            out.extend_from_slice(e.get().as_bytes());
            out.push(b'\n');
        }
        (
            "application/x-ndjson",
            "attachment; filename=\"events.jsonl\"",
            out,
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/events/{id}`: the event, its article's text and the other reports of it.
pub async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    Params::new(params(q)?, &[], false)?;
    let found = blocking(&state, move |db| {
        let Some(event) = db.event(&id)? else {
            return Ok(Err(id));
        };
        let article = db.article(&event.ew.article_id)?;
        let mentions = db.mentions(&event)?;
        Ok(Ok((event, article, mentions)))
    })
    .await?;
    let (event, article, mentions) =
        found.map_err(|id| ApiError::not_found(format!("no event with id {id:?}")))?;
    Ok(Json(json!({ "event": event, "article": article, "mentions": mentions })).into_response())
}

/// `GET /api/articles/{id}`: the article and its events.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    Params::new(params(q)?, &[], false)?;
    let found = blocking(&state, move |db| {
        let Some(article) = db.article(&id)? else {
            return Ok(Err(id));
        };
        let events = db.article_events(&article.id)?;
        Ok(Ok((article, events)))
    })
    .await?;
    let (article, events) =
        found.map_err(|id| ApiError::not_found(format!("no article with id {id:?}")))?;
    Ok(Json(ArticleAnswer { article, events }).into_response())
}

/// The answer of `GET /api/articles/{id}`.
#[derive(Serialize)]
struct ArticleAnswer {
    article: crate::db::ArticleRow,
    events: Vec<Box<RawValue>>,
}

/// `GET /api/aggregates/counts`: events per period × type, quad class or country.
pub async fn counts(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &["by", "group"], true)?;
    let filters = p.filters()?;
    let by = p.choice("by", &["auto", "day", "week", "month"])?;
    let group = p.choice("group", &["type", "quad", "country", "none"])?;
    cached(&state, &uri, move |db| {
        let counts = db.counts(&filters, by, group)?;
        Ok(json!({ "by": counts.by, "group": group, "rows": counts.rows }))
    })
    .await
}

/// `GET /api/aggregates/dyads`: actor → recipient country pairs with counts and mean scale.
pub async fn dyads(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &["limit"], true)?;
    let filters = p.filters()?;
    let limit = p.number("limit", 100, MAX_ROWS)?;
    cached(&state, &uri, move |db| {
        Ok(json!({ "rows": db.dyads(&filters, limit)? }))
    })
    .await
}

/// `GET /api/aggregates/places`: the places with most events, with counts per quad class.
pub async fn places(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &["limit"], true)?;
    let filters = p.filters()?;
    let limit = p.number("limit", 1000, MAX_ROWS)?;
    cached(&state, &uri, move |db| {
        Ok(json!({ "rows": db.places(&filters, limit)? }))
    })
    .await
}

/// `GET /api/aggregates/countries`: events per location country.
pub async fn countries(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &[], true)?;
    let filters = p.filters()?;
    cached(&state, &uri, move |db| {
        Ok(json!({ "rows": db.countries(&filters)? }))
    })
    .await
}

/// `GET /api/aggregates/fatalities`: dead, injured and arrested sums per period or country.
pub async fn fatalities(
    State(state): State<AppState>,
    uri: Uri,
    q: Result<Pairs, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let p = Params::new(params(q)?, &["group"], true)?;
    let filters = p.filters()?;
    let group = p.choice("group", &["month", "day", "week", "country", "total"])?;
    cached(&state, &uri, move |db| {
        Ok(json!({ "group": group, "rows": db.fatalities(&filters, group)? }))
    })
    .await
}
