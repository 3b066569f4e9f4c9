//! Read-only queries over an `eventwire ingest` store (schema in `crates/store`): the listing,
//! single events and articles, and the aggregates the dashboard draws. The store's own
//! [`eventwire_store::EventFilter`] is narrower than the API's filters, so the SQL is built here:
//! the WHERE clause is fixed text with `?N` placeholders, every value is bound, never spliced in.
//!
//! `serve` adds its own structures to the store, never `ingest` (which stays as fast as it
//! is): covering indexes for the whole-store aggregates ([`INDEXES`]) and `serve_search`, an
//! SQLite FTS5 index over each event's sentence and its actor and recipient sectors, behind
//! `q=` and the sector filters. The search index is brought up to date when a store is opened
//! and whenever another connection (an `ingest` beside `serve`) has committed: only events added
//! since are indexed; if the last indexed event was replaced (its row id may then be reused),
//! the index is rebuilt. Every query runs under a deadline ([`QueryTimeout`]).

use crate::params::Filters;
use anyhow::{bail, Context, Result};
use axum::body::Bytes;
use chrono::Datelike;
use eventwire_lexicon::CodeTable;
use eventwire_model::Event;
use eventwire_sinks::Reach;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Order of an event listing.
#[derive(Debug, Clone, Copy)]
pub enum Sort {
    /// Newest first (default).
    DateDesc,
    /// Oldest first.
    DateAsc,
    /// Most cooperative first.
    ScaleDesc,
    /// Most conflictual first.
    ScaleAsc,
    /// By event id.
    Id,
}

/// An opened store: a pool of read-only SQLite connections (one per concurrent request).
pub struct Db {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Longest a query may run before it is interrupted.
    timeout: Duration,
    /// The PLOVER scale of (event type, mode), for the dyads' mean scale without reading JSON.
    scale: CodeTable,
    /// Whether the store keeps article bodies (`articles.text`).
    has_text: bool,
    /// Answers already computed, by request, with the store version they were computed at.
    cache: Mutex<HashMap<String, (i64, Bytes)>>,
    /// Answers being computed: a request for one of them waits for it instead of computing
    /// it again.
    computing: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Queries running at once are limited to the cores: more would only share them, and
    /// queued requests are then served in turn instead of all slowly.
    running: Slots,
    /// A read-write connection kept to read `PRAGMA data_version`, which changes when another
    /// connection (an `ingest` running beside `serve`) commits: the search index then catches
    /// up, and cached answers are recomputed.
    watch: Mutex<Watch>,
}

/// The connection that watches the store and keeps the search index, and the store version
/// the index was last brought up to.
struct Watch {
    conn: Connection,
    version: i64,
}

/// A counting semaphore: at most `n` holders at once, the others wait.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A held slot, given back when dropped.
struct Slot<'a>(&'a Slots);

impl Slots {
    fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Default of [`Db::with_timeout`].
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite virtual-machine steps between two checks of a query's deadline.
const PROGRESS_STEPS: i32 = 1000;

/// A query ran past its deadline and was interrupted.
#[derive(Debug)]
pub struct QueryTimeout(pub Duration);

impl std::fmt::Display for QueryTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the query ran longer than the {:.1} s limit and was stopped; narrow the filters (dates, country, event type)",
            self.0.as_secs_f64()
        )
    }
}

impl std::error::Error for QueryTimeout {}

/// The search index: contentless (the text stays in the events' JSON, the index holds only
/// tokens), keyed by the events' row ids.
const SEARCH_SCHEMA: &str = "
CREATE VIRTUAL TABLE IF NOT EXISTS serve_search USING fts5(
    text, actor_sector, recipient_sector,
    content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS serve_search_state (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    last_rowid INTEGER NOT NULL,
    last_mark TEXT NOT NULL
);";

/// Events indexed per transaction (a running `ingest` waits at most one of these).
const SEARCH_CHUNK: i64 = 50_000;

/// Most answers kept in the cache (it is emptied when full).
const CACHE_ENTRIES: usize = 512;

/// Covering indexes for the dashboard's whole-store aggregates (map places, choropleth,
/// dyads): with them the first view of a million events reads index pages only, never the
/// events' JSON. Added once, on first `serve` of a store (the store's own indexes serve the
/// filters and the listing).
const INDEXES: [(&str, &str); 3] = [
    (
        "serve_places",
        "CREATE INDEX IF NOT EXISTS serve_places ON events(lat, lon, loc_country, quad, event_type) WHERE lat IS NOT NULL",
    ),
    (
        "serve_country_type_date",
        "CREATE INDEX IF NOT EXISTS serve_country_type_date ON events(loc_country, event_type, date)",
    ),
    (
        "serve_dyads",
        "CREATE INDEX IF NOT EXISTS serve_dyads ON events(actor, recipient, event_type, mode)",
    ),
];

/// An article as the API returns it.
#[derive(Debug, Serialize)]
pub struct ArticleRow {
    /// Article id.
    pub id: String,
    /// Headline.
    pub title: String,
    /// Body, when the store keeps it (else absent: offsets then only resolve inside `event.text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Publication date.
    pub published: String,
    /// URL, if known.
    pub url: Option<String>,
    /// Outlet (source, else URL host, else id).
    pub outlet: String,
    /// The first-seen article this one copies, if it is a near-duplicate.
    pub duplicate_of: Option<String>,
    /// Outlets that reported this story.
    pub num_sources: i64,
}

/// One report of an event: an article of the event's one-a-day group.
#[derive(Debug, Serialize)]
pub struct Mention {
    /// The event coded from that article (for a near-duplicate: the story's event).
    pub id: String,
    /// Article id.
    pub article_id: String,
    /// Outlet.
    pub publication: String,
    /// Publication date of the article.
    pub date: String,
    /// Its headline.
    pub text: String,
    /// Its URL.
    pub url: Option<String>,
}

/// A count for one period and group key.
#[derive(Debug, Serialize)]
pub struct CountRow {
    period: String,
    key: String,
    count: i64,
}

/// Counts of the timeline, with the period length chosen.
#[derive(Debug, Serialize)]
pub struct Counts {
    /// `day`, `week` or `month`.
    pub by: &'static str,
    /// Rows by period then key.
    pub rows: Vec<CountRow>,
}

/// One actor → recipient pair.
#[derive(Debug, Serialize)]
pub struct DyadRow {
    actor: String,
    recipient: String,
    count: i64,
    mean_scale: f64,
}

/// One place with its events per quad class.
#[derive(Debug, Serialize)]
pub struct PlaceRow {
    place: String,
    country: String,
    lat: f64,
    lon: f64,
    count: i64,
    quads: [i64; 4],
}

/// Events of one location country.
#[derive(Debug, Serialize)]
pub struct CountryRow {
    country: String,
    count: i64,
}

/// Casualty sums for one group.
#[derive(Debug, Serialize)]
pub struct FatalityRow {
    key: String,
    events: i64,
    dead: i64,
    injured: i64,
    arrested: i64,
}

/// Columns of the CSV download, in order.
const CSV_HEADER: [&str; 19] = [
    "id",
    "date",
    "event",
    "mode",
    "quad_code",
    "event_scale",
    "cameo",
    "actor",
    "actor_sector",
    "recipient",
    "recipient_sector",
    "place",
    "country_code",
    "lat",
    "lon",
    "dead",
    "injured",
    "arrested",
    "text",
];

/// Renders events as CSV (the columns of [`CSV_HEADER`]; several entities joined by `;`).
pub fn to_csv(events: &[Box<RawValue>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(events.len() * 400));
    w.write_record(CSV_HEADER)?;
    for raw in events {
        let e: Event = serde_json::from_str(raw.get())?;
        let join = |v: &[eventwire_model::Entity], f: fn(&eventwire_model::Entity) -> &str| {
            v.iter().map(f).collect::<Vec<_>>().join(";")
        };
        let loc = e.event_loc.as_ref();
        let size = e.size.clone().unwrap_or_default();
        let num = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
        w.write_record([
            e.id.as_str(),
            &e.date,
            &e.event.join(";"),
            &e.mode.join(";"),
            &e.quad_code.to_string(),
            &e.event_scale.to_string(),
            &e.ew.cameo,
            &join(&e.actor, |a| &a.code),
            &join(&e.actor, |a| &a.sector),
            &join(&e.recipient, |a| &a.code),
            &join(&e.recipient, |a| &a.sector),
            loc.map_or("", |l| &l.resolved_place),
            loc.map_or("", |l| &l.country_code),
            &loc.map_or(String::new(), |l| l.lat.to_string()),
            &loc.map_or(String::new(), |l| l.lon.to_string()),
            &num(size.dead),
            &num(size.injured),
            &num(size.arrested),
            &e.text,
        ])?;
    }
    Ok(w.into_inner()?)
}

/// The WHERE clause for `f` (events aliased `e`) and the values it binds.
fn where_clause(f: &Filters) -> (String, Vec<Value>) {
    // CAMEO 01 statements have no PLOVER type: stored for CAMEO exports, never shown here.
    let mut parts: Vec<String> = vec!["e.event_type != ''".into()];
    let mut args: Vec<Value> = Vec::new();
    fn bind(args: &mut Vec<Value>, v: Value) -> String {
        args.push(v);
        format!("?{}", args.len())
    }
    fn any_of(args: &mut Vec<Value>, column: &str, values: &[String]) -> String {
        let marks: Vec<String> = values
            .iter()
            .map(|v| bind(args, Value::Text(v.clone())))
            .collect();
        format!("{column} IN ({})", marks.join(", "))
    }
    if let Some(d) = &f.from {
        parts.push(format!(
            "e.date >= {}",
            bind(&mut args, Value::Text(d.clone()))
        ));
    }
    if let Some(d) = &f.to {
        parts.push(format!(
            "e.date <= {}",
            bind(&mut args, Value::Text(d.clone()))
        ));
    }
    for (column, values) in [
        ("e.actor", &f.actor),
        ("e.recipient", &f.recipient),
        ("e.event_type", &f.event),
        ("e.loc_country", &f.country),
    ] {
        if !values.is_empty() {
            parts.push(any_of(&mut args, column, values));
        }
    }
    if !f.quad.is_empty() {
        let marks: Vec<String> = f
            .quad
            .iter()
            .map(|q| bind(&mut args, Value::Integer(i64::from(*q))))
            .collect();
        parts.push(format!("e.quad IN ({})", marks.join(", ")));
    }
    if !f.mode.is_empty() {
        let tests: Vec<String> = f
            .mode
            .iter()
            .map(|m| {
                format!(
                    "instr(' ' || e.mode || ' ', ' ' || {} || ' ') > 0",
                    bind(&mut args, Value::Text(m.clone()))
                )
            })
            .collect();
        parts.push(format!("({})", tests.join(" OR ")));
    }
    if let Some(search) = search_query(f) {
        parts.push(format!(
            "e.rowid IN (SELECT rowid FROM serve_search WHERE serve_search MATCH {})",
            bind(&mut args, Value::Text(search))
        ));
    }
    if let Some([west, south, east, north]) = f.bbox {
        let s = bind(&mut args, Value::Real(south));
        let n = bind(&mut args, Value::Real(north));
        let w = bind(&mut args, Value::Real(west));
        let ea = bind(&mut args, Value::Real(east));
        let join = if west <= east { "AND" } else { "OR" };
        parts.push(format!(
            "e.lat BETWEEN {s} AND {n} AND (e.lon >= {w} {join} e.lon <= {ea})"
        ));
    }
    if let Some(a) = &f.article {
        parts.push(format!(
            "e.article_id = {}",
            bind(&mut args, Value::Text(a.clone()))
        ));
    }
    (format!("WHERE {}", parts.join(" AND ")), args)
}

/// The FTS5 query for `serve_search` that the text and sector filters ask for, if any: every
/// word of `q` must begin a word of the sentence (case and accents ignored), and an actor
/// (recipient) must have one of the sectors. Words become quoted phrases, so no input is
/// read as FTS5 syntax.
pub fn search_query(f: &Filters) -> Option<String> {
    let phrase = |word: &str| format!("\"{}\"", word.replace('"', "\"\""));
    let mut terms: Vec<String> =
        f.q.iter()
            .flat_map(|q| q.split(|c: char| c.is_whitespace() || c.is_control()))
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .map(|w| format!("{}*", phrase(w)))
            .collect();
    for (column, sectors) in [
        ("actor_sector", &f.actor_sector),
        ("recipient_sector", &f.recipient_sector),
    ] {
        let sectors: Vec<String> = sectors
            .iter()
            .filter(|s| s.chars().any(char::is_alphanumeric))
            .map(|s| phrase(s))
            .collect();
        if !sectors.is_empty() {
            terms.push(format!("{column} : ({})", sectors.join(" OR ")));
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// The mark of the event at `rowid`: its id and its article's text hash (`None` if gone).
fn search_mark(conn: &Connection, rowid: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.id || ' ' || coalesce(a.text_hash, '') FROM events e \
             LEFT JOIN articles a ON a.id = e.article_id WHERE e.rowid = ?1",
        )?
        .query_row([rowid], |r| r.get(0))
        .optional()?)
}

/// Brings `serve_search` up to the store: indexes the events added since it was last brought
/// up, or all of them when the last indexed event is gone or changed (a replaced article's
/// events can reuse its row ids). Returns the events indexed.
fn update_search(conn: &Connection, path: &Path) -> Result<i64> {
    conn.execute_batch(SEARCH_SCHEMA)?;
    let state: Option<(i64, String)> = conn
        .query_row(
            "SELECT last_rowid, last_mark FROM serve_search_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let mut from = match state {
        Some((0, _)) | None => 0,
        Some((rowid, mark)) if search_mark(conn, rowid)?.as_ref() == Some(&mark) => rowid,
        Some(_) => {
            conn.execute_batch(
                "INSERT INTO serve_search(serve_search) VALUES ('delete-all'); \
                 DELETE FROM serve_search_state;",
            )?;
            0
        }
    };
    let last: i64 = conn.query_row("SELECT coalesce(max(rowid), 0) FROM events", [], |r| {
        r.get(0)
    })?;
    if last <= from {
        return Ok(0);
    }
    let announce = last - from > SEARCH_CHUNK;
    if announce {
        eprintln!(
            "eventwire: indexing {} for text and sector search (events after row {from}; once)",
            path.display()
        );
    }
    let (mut indexed, start) = (0, Instant::now());
    while from < last {
        let to = (from + SEARCH_CHUNK).min(last);
        // IMMEDIATE: wait for a running ingest's write lock instead of failing on it.
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        indexed += tx.execute(
            "INSERT INTO serve_search (rowid, text, actor_sector, recipient_sector) \
             SELECT e.rowid, coalesce(json_extract(e.json, '$.text'), ''), \
             (SELECT group_concat(json_extract(x.value, '$.sector'), ' ') FROM json_each(e.json, '$.actor') x), \
             (SELECT group_concat(json_extract(x.value, '$.sector'), ' ') FROM json_each(e.json, '$.recipient') x) \
             FROM events e WHERE e.rowid > ?1 AND e.rowid <= ?2",
            [from, to],
        )? as i64;
        let top: i64 = tx.query_row(
            "SELECT coalesce(max(rowid), 0) FROM events WHERE rowid <= ?1",
            [to],
            |r| r.get(0),
        )?;
        let mark = search_mark(&tx, top)?.unwrap_or_default();
        tx.execute(
            "INSERT OR REPLACE INTO serve_search_state (one, last_rowid, last_mark) VALUES (1, ?1, ?2)",
            rusqlite::params![top, mark],
        )?;
        tx.commit()?;
        from = to;
    }
    if announce {
        eprintln!(
            "eventwire: indexed {indexed} events in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(indexed)
}

/// Adds the missing [`INDEXES`] (saying so: on a large store this takes a while, once) and
/// returns the connection, which then keeps the search index.
fn add_indexes(path: &Path) -> Result<Connection> {
    let conn =
        Connection::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    for (name, sql) in INDEXES {
        let present: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        if present == 0 {
            eprintln!(
                "eventwire: adding index {name} to {} (once)",
                path.display()
            );
            conn.execute(sql, [])
                .with_context(|| format!("{}: cannot add index {name}", path.display()))?;
        }
    }
    Ok(conn)
}

/// The listing query: `columns` of the events `f` selects (events aliased `e`, plus `joins`),
/// in `sort` order, one page; and the values it binds.
fn listing(
    columns: &str,
    joins: &str,
    f: &Filters,
    sort: Sort,
    limit: usize,
    offset: usize,
) -> (String, Vec<Value>) {
    let (clause, mut args) = where_clause(f);
    let order = match sort {
        Sort::DateDesc => "e.date DESC, e.rowid DESC",
        Sort::DateAsc => "e.date, e.rowid",
        Sort::ScaleDesc => "json_extract(e.json, '$.event_scale') DESC, e.date DESC",
        Sort::ScaleAsc => "json_extract(e.json, '$.event_scale'), e.date DESC",
        Sort::Id => "e.id",
    };
    args.push(Value::Integer(limit as i64));
    args.push(Value::Integer(offset.min(i64::MAX as usize) as i64));
    let n = args.len();
    let sql = format!(
        "SELECT {columns} FROM events e {joins} {clause} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
        n - 1
    );
    (sql, args)
}

/// The article id inside an event id (`<article>-<sentence>-<ordinal>`).
fn article_of(event_id: &str) -> Option<&str> {
    let (rest, ordinal) = event_id.rsplit_once('-')?;
    let (article, sentence) = rest.rsplit_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(ordinal) && digits(sentence)).then_some(article)
}

impl Db {
    /// Opens the store at `path` (it must exist and be an eventwire store).
    pub fn open(path: &Path) -> Result<Db> {
        if !path.is_file() {
            bail!(
                "{}: no such store (build one with `eventwire ingest`, or try `eventwire demo`)",
                path.display()
            );
        }
        // Checks the file is an eventwire store of a schema this build reads.
        eventwire_store::Store::open(path)?;
        let conn = add_indexes(path)?;
        let version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        update_search(&conn, path)
            .with_context(|| format!("{}: cannot build the search index", path.display()))?;
        let (lexicon, _) = eventwire_lexicon::LexiconBuilder::codes_only().build();
        let db = Db {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            timeout: QUERY_TIMEOUT,
            scale: lexicon.codes,
            has_text: false,
            cache: Mutex::new(HashMap::new()),
            computing: Mutex::new(HashMap::new()),
            running: Slots::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            ),
            watch: Mutex::new(Watch { conn, version }),
        };
        let has_text = db.with(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM pragma_table_info('articles') WHERE name = 'text'",
                [],
                |r| r.get::<_, i64>(0),
            )? > 0)
        })?;
        Ok(Db { has_text, ..db })
    }

    /// The same store with another query deadline (default [`QUERY_TIMEOUT`]).
    pub fn with_timeout(self, timeout: Duration) -> Db {
        Db { timeout, ..self }
    }

    /// Runs `f` on an idle connection (opening one when none is idle); SQLite interrupts it
    /// when the deadline passes, which is then a [`QueryTimeout`] error.
    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        // Taken first, so the pool never holds more connections than there are slots.
        let _slot = self.running.take();
        let idle = self
            .idle
            .lock()
            .map_err(|_| anyhow::anyhow!("pool poisoned"))?
            .pop();
        let mut conn = match idle {
            Some(c) => c,
            None => Self::connect(&self.path)?,
        };
        let deadline = Instant::now() + self.timeout;
        conn.progress_handler(PROGRESS_STEPS, Some(move || Instant::now() >= deadline))?;
        let out = f(&conn);
        conn.progress_handler(0, None::<fn() -> bool>)?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        out.map_err(|e| {
            let interrupted = e.downcast_ref::<rusqlite::Error>().is_some_and(|e| {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
            });
            if interrupted {
                QueryTimeout(self.timeout).into()
            } else {
                e
            }
        })
    }

    fn connect(path: &Path) -> Result<Connection> {
        let c = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("{}: cannot open", path.display()))?;
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(c)
    }

    /// The store's version (`PRAGMA data_version` of the watching connection), after bringing
    /// the search index up to it when another connection has committed since the last call.
    pub fn version(&self) -> Result<i64> {
        let mut watch = self
            .watch
            .lock()
            .map_err(|_| anyhow::anyhow!("store watcher poisoned"))?;
        let version: i64 = watch
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if version != watch.version {
            // On failure the index stays as it was and the next request tries again.
            match update_search(&watch.conn, &self.path) {
                Ok(_) => watch.version = version,
                Err(e) => eprintln!("eventwire: search index not updated: {e:#}"),
            }
        }
        Ok(version)
    }

    /// The answer to `key` computed while the store was as it is now, else `compute`'s (kept).
    pub fn cached(&self, key: &str, compute: impl FnOnce() -> Result<Vec<u8>>) -> Result<Bytes> {
        let version = self.version()?;
        let hit = || {
            self.cache.lock().ok().and_then(|c| {
                c.get(key)
                    .filter(|(v, _)| *v == version)
                    .map(|(_, body)| body.clone())
            })
        };
        if let Some(body) = hit() {
            return Ok(body);
        }
        let gate = self
            .computing
            .lock()
            .map_err(|_| anyhow::anyhow!("cache poisoned"))?
            .entry(key.to_string())
            .or_default()
            .clone();
        let _turn = gate.lock().map_err(|_| anyhow::anyhow!("cache poisoned"))?;
        if let Some(body) = hit() {
            return Ok(body);
        }
        let computed = compute();
        if let Ok(mut computing) = self.computing.lock() {
            computing.remove(key);
        }
        let body = Bytes::from(computed?);
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHE_ENTRIES {
                c.clear();
            }
            c.insert(key.to_string(), (version, body.clone()));
        }
        Ok(body)
    }

    /// Number of events `f` selects.
    pub fn count(&self, f: &Filters) -> Result<u64> {
        let (clause, args) = where_clause(f);
        self.with(|c| {
            let sql = format!("SELECT count(*) FROM events e {clause}");
            Ok(c.prepare_cached(&sql)?
                .query_row(params_from_iter(args), |r| r.get::<_, i64>(0))? as u64)
        })
    }

    /// A page of events (their JSON as stored).
    pub fn events(
        &self,
        f: &Filters,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Box<RawValue>>> {
        let (sql, args) = listing("e.json", "", f, sort, limit, offset);
        self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| r.get::<_, String>(0))?;
            rows.map(|r| Ok(RawValue::from_string(r?)?)).collect()
        })
    }

    /// A page of events with the store's counts of each (as `eventwire export` gives them).
    pub fn events_with_reach(
        &self,
        f: &Filters,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<(Event, Reach)>> {
        let (sql, args) = listing(
            "e.json, coalesce(a.num_sources, 1), coalesce(d.num_mentions, 1), \
             coalesce(d.num_articles, 1), coalesce(d.num_sources, 1)",
            "LEFT JOIN articles a ON a.id = e.article_id LEFT JOIN daily d ON d.key = e.day_key",
            f,
            sort,
            limit,
            offset,
        );
        let rows: Vec<(String, Reach)> = self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                let count = |i| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
                Ok((
                    r.get(0)?,
                    Reach {
                        sources: count(1)?,
                        num_mentions: count(2)?,
                        num_articles: count(3)?,
                        num_sources: count(4)?,
                    },
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        rows.into_iter()
            .map(|(json, reach)| {
                let event =
                    serde_json::from_str(&json).context("stored event is not valid JSON")?;
                Ok((event, reach))
            })
            .collect()
    }

    /// One event by id.
    pub fn event(&self, id: &str) -> Result<Option<Event>> {
        let json: Option<String> = self.with(|c| {
            // The article id prefix reaches the row through the article index.
            Ok(match article_of(id) {
                Some(article) => c
                    .prepare_cached("SELECT json FROM events WHERE article_id = ?1 AND id = ?2")?
                    .query_row([article, id], |r| r.get(0))
                    .optional()?,
                None => None,
            })
        })?;
        json.map(|j| serde_json::from_str(&j).context("stored event is not valid JSON"))
            .transpose()
    }

    /// One article's stored fields.
    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        let text = if self.has_text { "text" } else { "NULL" };
        let sql = format!(
            "SELECT id, title, {text}, published, url, outlet, duplicate_of, num_sources \
             FROM articles WHERE id = ?1"
        );
        self.with(|c| {
            Ok(c.prepare_cached(&sql)?
                .query_row([id], |r| {
                    Ok(ArticleRow {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        text: r.get(2)?,
                        published: r.get(3)?,
                        url: r.get(4)?,
                        outlet: r.get(5)?,
                        duplicate_of: r.get(6)?,
                        num_sources: r.get(7)?,
                    })
                })
                .optional()?)
        })
    }

    /// The events coded from one article, in text order.
    pub fn article_events(&self, id: &str) -> Result<Vec<Box<RawValue>>> {
        self.with(|c| {
            let mut stmt =
                c.prepare_cached("SELECT json FROM events WHERE article_id = ?1 ORDER BY rowid")?;
            let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
            rows.map(|r| Ok(RawValue::from_string(r?)?)).collect()
        })
    }

    /// Every article reporting the event's one-a-day group (same day, actors, recipients,
    /// CAMEO code, mode and place), the event's own article included, other outlets first.
    pub fn mentions(&self, e: &Event) -> Result<Vec<Mention>> {
        let Some(article) = article_of(&e.id) else {
            return Ok(Vec::new());
        };
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT m.event_id, m.article, m.outlet, a.published, a.title, a.url \
                 FROM mentions m JOIN articles a ON a.id = m.article \
                 WHERE m.day_key = (SELECT day_key FROM events WHERE article_id = ?1 AND id = ?2) \
                 AND NOT (m.article = ?1 AND m.event_id = ?2) \
                 ORDER BY a.published, m.article LIMIT 200",
            )?;
            let rows = stmt.query_map([article, e.id.as_str()], |r| {
                Ok(Mention {
                    id: r.get(0)?,
                    article_id: r.get(1)?,
                    publication: r.get(2)?,
                    date: r.get(3)?,
                    text: r.get(4)?,
                    url: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Events per period and key. `by = "auto"` picks day, week or month from the span of the
    /// selected dates (day up to 120 days, week up to 3 years).
    pub fn counts(&self, f: &Filters, by: &str, group: &str) -> Result<Counts> {
        let (clause, args) = where_clause(f);
        let key = match group {
            "type" => "e.event_type",
            "quad" => "CAST(e.quad AS TEXT)",
            "country" => "e.loc_country",
            _ => "'all'",
        };
        // Per day, rolled up here. Unfiltered, the (event_type, date) index groups without
        // sorting; filtered, `+e.date` keeps SQLite from choosing that index for the grouping
        // over the one that serves the filters (0.8 s → 15 ms for a type and a country of 1 M).
        let day = if *f == Filters::default() {
            "e.date"
        } else {
            "+e.date"
        };
        let sql = format!("SELECT {day}, {key}, count(*) FROM events e {clause} GROUP BY 1, 2");
        let days: Vec<(String, String, i64)> = self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let by: &'static str = match by {
            "day" => "day",
            "week" => "week",
            "month" => "month",
            _ => {
                let first = days.iter().filter_map(|(d, ..)| date(d)).min();
                let last = days.iter().filter_map(|(d, ..)| date(d)).max();
                match first.zip(last).map_or(0, |(a, b)| (b - a).num_days()) {
                    s if s <= 120 => "day",
                    s if s <= 1100 => "week",
                    _ => "month",
                }
            }
        };
        let period = |d: &str| -> String {
            match (by, date(d)) {
                ("week", Some(day)) => {
                    let monday =
                        day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
                    monday.format("%Y-%m-%d").to_string()
                }
                ("month", Some(day)) => day.format("%Y-%m-01").to_string(),
                _ => d.to_string(),
            }
        };
        let mut rolled: BTreeMap<(String, String), i64> = BTreeMap::new();
        for (d, key, n) in days {
            *rolled.entry((period(&d), key)).or_default() += n;
        }
        let rows = rolled
            .into_iter()
            .take(crate::api::MAX_ROWS * 16)
            .map(|((period, key), count)| CountRow { period, key, count })
            .collect();
        Ok(Counts { by, rows })
    }

    /// Actor → recipient pairs (first actor and recipient codes) with counts and the mean PLOVER
    /// scale, most frequent first.
    pub fn dyads(&self, f: &Filters, limit: usize) -> Result<Vec<DyadRow>> {
        let (clause, args) = where_clause(f);
        let sql = format!(
            "SELECT e.actor, e.recipient, e.event_type, e.mode, count(*) FROM events e {clause} \
             AND e.actor != '' AND e.recipient != '' GROUP BY 1, 2, 3, 4"
        );
        let groups: Vec<(String, String, String, String, i64)> = self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        // The coder scores an event by its type and first mode; sum those per pair.
        let mut pairs: HashMap<(String, String), (i64, f64)> = HashMap::new();
        for (actor, recipient, event, mode, n) in groups {
            let first_mode = mode
                .split(' ')
                .next()
                .filter(|m| !m.is_empty())
                .unwrap_or("-");
            let s = self.scale.scale(&event, first_mode);
            let p = pairs.entry((actor, recipient)).or_default();
            p.0 += n;
            p.1 += s * n as f64;
        }
        let mut rows: Vec<DyadRow> = pairs
            .into_iter()
            .map(|((actor, recipient), (count, sum))| DyadRow {
                actor,
                recipient,
                count,
                mean_scale: (sum / count as f64 * 100.0).round() / 100.0,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.actor, &a.recipient).cmp(&(&b.actor, &b.recipient)))
        });
        rows.truncate(limit);
        Ok(rows)
    }

    /// Places (event coordinates) with their event counts per quad class, most events first.
    pub fn places(&self, f: &Filters, limit: usize) -> Result<Vec<PlaceRow>> {
        let (clause, mut args) = where_clause(f);
        args.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT e.lat, e.lon, e.loc_country, count(*), sum(e.quad = 1), sum(e.quad = 2), \
             sum(e.quad = 3), sum(e.quad = 4), max(e.rowid) FROM events e {clause} \
             AND e.lat IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT ?{}",
            args.len()
        );
        self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params_from_iter(args), |r| {
                    Ok((
                        PlaceRow {
                            place: String::new(),
                            lat: r.get(0)?,
                            lon: r.get(1)?,
                            country: r.get(2)?,
                            count: r.get(3)?,
                            quads: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                        },
                        r.get::<_, i64>(8)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            // The name, from one event at the place (one JSON read per place, not per event).
            let mut name = c.prepare_cached(
                "SELECT json_extract(json, '$.event_loc.resolved_place') FROM events WHERE rowid = ?1",
            )?;
            rows.into_iter()
                .map(|(mut p, rowid)| {
                    p.place = name
                        .query_row([rowid], |r| r.get::<_, Option<String>>(0))?
                        .unwrap_or_default();
                    Ok(p)
                })
                .collect()
        })
    }

    /// Events per location country, most first.
    pub fn countries(&self, f: &Filters) -> Result<Vec<CountryRow>> {
        let (clause, args) = where_clause(f);
        let sql = format!(
            "SELECT e.loc_country, count(*) FROM events e {clause} AND e.loc_country != '' \
             GROUP BY 1 ORDER BY 2 DESC, 1"
        );
        self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                Ok(CountryRow {
                    country: r.get(0)?,
                    count: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Dead, injured and arrested sums (events that give a size) per period, country or in total.
    pub fn fatalities(&self, f: &Filters, group: &str) -> Result<Vec<FatalityRow>> {
        let (clause, args) = where_clause(f);
        let key = match group {
            "day" => "e.date",
            "week" => "date(e.date, '-' || ((CAST(strftime('%w', e.date) AS INTEGER) + 6) % 7) || ' days')",
            "month" => "substr(e.date, 1, 7)",
            "country" => "e.loc_country",
            _ => "'total'",
        };
        let sql = format!(
            "SELECT {key}, count(*), \
             coalesce(sum(json_extract(e.json, '$.size.dead')), 0), \
             coalesce(sum(json_extract(e.json, '$.size.injured')), 0), \
             coalesce(sum(json_extract(e.json, '$.size.arrested')), 0) \
             FROM events e {clause} AND json_type(e.json, '$.size') IS NOT NULL \
             GROUP BY 1 ORDER BY 1 LIMIT {}",
            crate::api::MAX_ROWS
        );
        self.with(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                Ok(FatalityRow {
                    key: r.get(0)?,
                    events: r.get(1)?,
                    dead: r.get(2)?,
                    injured: r.get(3)?,
                    arrested: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_ids_come_from_event_ids() {
        assert_eq!(article_of("karabakh-example-3-1"), Some("karabakh-example"));
        assert_eq!(article_of("a-b"), None);
        assert_eq!(article_of("x-1-y"), None);
    }

    #[test]
    fn search_words_are_phrases_never_syntax() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SEARCH_SCHEMA).unwrap();
        conn.execute(
            "INSERT INTO serve_search (rowid, text, actor_sector, recipient_sector) \
             VALUES (1, 'He said \"stop\" AND left Yerevan''s café', 'GOV MIL', 'REB')",
            [],
        )
        .unwrap();
        let hits = |f: Filters| -> i64 {
            let query = search_query(&f).unwrap();
            conn.query_row(
                "SELECT count(*) FROM serve_search WHERE serve_search MATCH ?1",
                [&query],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{query}: {e}"))
        };
        let q = |text: &str| Filters {
            q: Some(text.into()),
            ..Default::default()
        };
        assert_eq!(hits(q("\"stop\" AND NEAR(x* -")), 0);
        assert_eq!(hits(q("\"stop\" AND")), 1);
        assert_eq!(hits(q("CAFE yerevan's sa")), 1);
        assert_eq!(hits(q("said left")), 1);
        assert_eq!(hits(q("saidx")), 0);
        // Found by the api_query fuzz target: a NUL inside a word ended SQLite's string.
        assert_eq!(hits(q("said\0stop")), 1);
        let sectors = |actor: &[&str], recipient: &[&str]| Filters {
            actor_sector: actor.iter().map(|s| s.to_string()).collect(),
            recipient_sector: recipient.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(hits(sectors(&["MIL", "OPP"], &["REB"])), 1);
        assert_eq!(hits(sectors(&["REB"], &[])), 0);
        assert_eq!(search_query(&Filters::default()), None);
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let f = Filters {
            actor: vec!["AZE'; DROP TABLE events; --".into()],
            q: Some("100% 'dead'".into()),
            ..Default::default()
        };
        let (clause, args) = where_clause(&f);
        assert!(!clause.contains("DROP") && !clause.contains("dead"));
        assert_eq!(args.len(), 2);
    }
}
