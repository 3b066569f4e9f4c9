//! `eventwire serve`: a JSON API over an event store and an offline dashboard, in one binary.
//!
//! The API is documented by `assets/openapi.json` (served at `/api/openapi.json`); the dashboard
//! (`assets/`: HTML, CSS, vanilla JS and a Natural Earth 1:110m world outline) is embedded at
//! build time and needs no network. No endpoint changes data, so there is no token to give:
//! `POST /api/code` only codes the posted text and returns its events, storing nothing. Limits:
//! pages of at most [`MAX_PAGE`] events, downloads of [`MAX_DOWNLOAD`], bodies of
//! [`MAX_BODY`] bytes, and a deadline on every store query ([`QUERY_TIMEOUT`] by default).
//! Unknown query parameters, bad values, oversized bodies and queries past their deadline are
//! answered with 400/413/503 and a JSON `{"error": …}` naming the problem. No CORS headers are
//! sent, and the default address is loopback ([`DEFAULT_ADDR`]).
//!
//! ```no_run
//! let config = eventwire_serve::Config {
//!     addr: eventwire_serve::DEFAULT_ADDR.parse().unwrap(),
//!     db: Some("events.db".into()),
//!     query_timeout: eventwire_serve::QUERY_TIMEOUT,
//! };
//! eventwire_serve::run(config).unwrap();
//! ```

mod api;
mod assets;
mod db;
pub mod params;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use eventwire_coder::Coder;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use api::{ApiError, MAX_DOWNLOAD, MAX_PAGE};
pub use db::{search_query, Db, QueryTimeout, Sort, QUERY_TIMEOUT};

/// Where `eventwire serve` listens unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Largest request body accepted (`POST /api/code`): 1 MiB.
pub const MAX_BODY: usize = 1 << 20;

/// What `eventwire serve` needs to start.
pub struct Config {
    /// Where to listen ([`DEFAULT_ADDR`] unless told otherwise).
    pub addr: SocketAddr,
    /// The event store; without one only the coder, the OpenAPI document and the dashboard's
    /// "code this text" box work.
    pub db: Option<PathBuf>,
    /// Longest a store query may run ([`QUERY_TIMEOUT`] by default).
    pub query_timeout: std::time::Duration,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    db: Option<Arc<Db>>,
    coder: Arc<OnceLock<Coder>>,
}

impl AppState {
    /// State over an opened store (or none); the coder is built on the first `POST /api/code`.
    pub fn new(db: Option<Db>) -> Self {
        AppState {
            db: db.map(Arc::new),
            coder: Arc::new(OnceLock::new()),
        }
    }

    fn coder(&self) -> &Coder {
        self.coder.get_or_init(|| {
            Coder::bundled().with_coded_date(&chrono::Utc::now().format("%Y-%m-%d").to_string())
        })
    }
}

/// The whole application: API routes, then the embedded dashboard for every other path.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/code", post(api::code))
        .route("/api/events", get(api::events))
        .route("/api/events/{id}", get(api::event))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/aggregates/counts", get(api::counts))
        .route("/api/aggregates/dyads", get(api::dyads))
        .route("/api/aggregates/places", get(api::places))
        .route("/api/aggregates/countries", get(api::countries))
        .route("/api/aggregates/fatalities", get(api::fatalities))
        .route("/api/{*rest}", get(api::not_found).post(api::not_found))
        .fallback(assets::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// The API requests of the dashboard's first view (no filter), exactly as `app.js` sends them.
pub const FIRST_VIEW: [&str; 5] = [
    "/api/aggregates/countries",
    "/api/aggregates/places?limit=2000",
    "/api/aggregates/counts?by=auto&group=type",
    "/api/aggregates/dyads?limit=400",
    "/api/events?limit=25&offset=0",
];

/// Computes the first view's answers into the cache, so that a large store's dashboard opens
/// at once (the whole-store aggregates take seconds over a million events; filtered views are
/// computed on demand).
async fn warm(app: Router) {
    use tower::ServiceExt;
    for uri in FIRST_VIEW {
        let request = axum::http::Request::get(uri).body(axum::body::Body::empty());
        if let Ok(request) = request {
            let _ = app.clone().oneshot(request).await;
        }
    }
}

/// Opens the store, binds and serves until Ctrl-C.
pub fn run(config: Config) -> anyhow::Result<()> {
    let db = match &config.db {
        Some(p) => Some(Db::open(p)?.with_timeout(config.query_timeout)),
        None => None,
    };
    let state = AppState::new(db);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let addr = listener.local_addr()?;
        let app = router(state);
        tokio::spawn(warm(app.clone()));
        eprintln!("eventwire: serving http://{addr}/ (Ctrl-C stops)");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving")
    })
}
