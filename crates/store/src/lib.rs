//! The event store: one embedded SQLite file (WAL mode) holding articles, their coded events,
//! near-duplicate links and one-a-day mentions; nothing to install or start.
//!
//! Writing goes in batches, one transaction each: [`Store::plan`] marks each [`Entry`] as
//! unchanged (same id and content hash as stored: skipped, so an interrupted ingest resumes
//! where it stopped), a first-seen story, or a near-duplicate of a stored or earlier article
//! ([`eventwire_resolve::dedup`]); the caller codes the first-seen ones
//! ([`Entry::set_events`]) and [`Store::write`] commits the batch. A changed article (same id,
//! new content) replaces its events.
//!
//! Near-duplicates are found in memory: the planning connection keeps the LSH band keys of the
//! stored first-seen articles (`bands`, read once from their signatures and caught up with new
//! rows before each batch), so writing an article appends one signature row instead of
//! maintaining a 42-key index on disk.
//!
//! Crash safety: each batch is one transaction; the WAL runs with `synchronous = NORMAL`, so a
//! commit appends to the log without waiting for the disk and the log is synced before it is
//! copied into the database. A killed process (`kill -9`) loses nothing committed (the log is
//! in the operating system's cache); a power cut can lose the last commits but never corrupts
//! the file, and the next ingest redoes any lost batch (its articles are not stored yet).
//!
//! Duplicates store no events: each of them adds a *mention* of each of its story's events
//! (table `mentions`; a stored event is its own article's mention), so an event knows how many
//! outlets reported its story (`ew.sources` on export). Events that agree on
//! (date, actor, recipient, CAMEO code, mode, location) form one *daily event* (the Phoenix
//! one-a-day filter) with GDELT-like counts: mentions, articles and outlets (sources).
//!
//! ```
//! use eventwire_model::{Article, Event};
//! use eventwire_store::{Entry, EventFilter, Store};
//! let mut store = Store::open_in_memory().unwrap();
//! let mut batch = vec![Entry::new(Article::new("a1", "Title", "Body.", "2023-09-20"))];
//! store.plan(&mut batch).unwrap();
//! let event = Event { id: "a1-1-1".into(), date: "2023-09-20".into(), event: vec!["ASSAULT".into()], ..Default::default() };
//! batch[0].set_events(&[event]).unwrap();
//! store.write(&batch, "2026-11-30").unwrap();
//! let found = store.events_page(&EventFilter { event_type: Some("ASSAULT".into()), ..Default::default() }).unwrap();
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].num_sources, 1);
//! ```
#![deny(missing_docs)]

use eventwire_model::{Article, Event};
use eventwire_resolve::dedup::{DedupIndex, Signature};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

mod bands;
use bands::BandIndex;

/// Schema version kept in SQLite's `user_version`.
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT,
    source TEXT,
    outlet TEXT NOT NULL,
    published TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT,
    text_hash TEXT NOT NULL,
    duplicate_of TEXT,
    num_sources INTEGER NOT NULL DEFAULT 1,
    coded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS signatures (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article INTEGER NOT NULL UNIQUE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    date TEXT NOT NULL,
    event_type TEXT NOT NULL,
    cameo TEXT NOT NULL,
    quad INTEGER NOT NULL,
    mode TEXT NOT NULL,
    actor TEXT NOT NULL,
    recipient TEXT NOT NULL,
    loc_country TEXT NOT NULL,
    loc_admin1 TEXT NOT NULL,
    lat REAL,
    lon REAL,
    day_key INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_type ON events(event_type, date);
CREATE INDEX IF NOT EXISTS events_actor ON events(actor, date);
CREATE INDEX IF NOT EXISTS events_recipient ON events(recipient, date);
CREATE INDEX IF NOT EXISTS events_loc_country ON events(loc_country, date);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_day_key ON events(day_key);
CREATE TABLE IF NOT EXISTS mentions (
    day_key INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    story TEXT NOT NULL,
    article TEXT NOT NULL,
    outlet TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_day_key ON mentions(day_key);
CREATE INDEX IF NOT EXISTS mentions_story ON mentions(story);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article);
CREATE TABLE IF NOT EXISTS daily (
    key INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    num_mentions INTEGER NOT NULL,
    num_articles INTEGER NOT NULL,
    num_sources INTEGER NOT NULL
);
";

/// Schema 2 → 3: signatures of first-seen articles move to `signatures`; `lsh` goes.
const MIGRATE_TO_3: &str = "
CREATE TABLE signatures (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article INTEGER NOT NULL UNIQUE,
    signature BLOB NOT NULL
);
INSERT INTO signatures (article, signature)
    SELECT rowid, signature FROM articles
    WHERE duplicate_of IS NULL AND length(signature) > 0 ORDER BY rowid;
ALTER TABLE articles DROP COLUMN signature;
DROP TABLE lsh;
DROP INDEX IF EXISTS events_lat;
";

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened as an eventwire store.
    #[error("{path}: {reason}")]
    Open {
        /// The database file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A database operation failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// An event could not be serialised.
    #[error("event {id}: {reason}")]
    Event {
        /// The event id.
        id: String,
        /// Why.
        reason: String,
    },
}

type Result<T> = std::result::Result<T, StoreError>;

/// What [`Store::plan`] decided for an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Stored already with the same content: nothing to do.
    Unchanged,
    /// A first-seen story (new, or a changed article): code it and store its events.
    Code,
    /// A near-duplicate of the stored or earlier article with this id: stored as a mention.
    DuplicateOf(String),
}

/// What planning a later batch needs to know of a planned one.
#[derive(Debug, Clone)]
pub struct Planned {
    id: String,
    hash: String,
    signature: Signature,
    first_seen: bool,
}

/// One article on its way into the store.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The article.
    pub article: Article,
    /// Hash of everything that is coded (id excluded), hex.
    pub hash: String,
    /// MinHash signature of the body.
    pub signature: Signature,
    /// Set by [`Store::plan`].
    pub plan: Plan,
    rows: Vec<EventRow>,
}

/// An event ready to insert: its indexed columns and its JSON.
#[derive(Debug, Clone)]
struct EventRow {
    id: String,
    date: String,
    event_type: String,
    cameo: String,
    quad: u8,
    mode: String,
    actor: String,
    recipient: String,
    loc_country: String,
    loc_admin1: String,
    lat: Option<f64>,
    lon: Option<f64>,
    day_key: i64,
    json: String,
}

impl Entry {
    /// Hashes and signs `article` (CPU work: call from worker threads).
    pub fn new(article: Article) -> Entry {
        Entry {
            hash: content_hash(&article),
            signature: Signature::of(&article.text),
            article,
            plan: Plan::Code,
            rows: Vec::new(),
        }
    }

    /// Attaches the coded events (serialised here, on the caller's thread).
    pub fn set_events(&mut self, events: &[Event]) -> Result<()> {
        self.rows = events.iter().map(EventRow::of).collect::<Result<_>>()?;
        Ok(())
    }

    /// What [`Store::plan_after`] needs of this entry once it is planned.
    pub fn planned(&self) -> Planned {
        Planned {
            id: self.article.id.clone(),
            hash: self.hash.clone(),
            signature: self.signature.clone(),
            first_seen: self.plan == Plan::Code,
        }
    }

    /// Number of events attached.
    pub fn event_count(&self) -> usize {
        self.rows.len()
    }

    fn outlet(&self) -> String {
        outlet(&self.article)
    }
}

/// The outlet that published an article, as corroboration counts it: its source, else its
/// URL's host (without `www.`), else its id.
pub fn outlet(a: &Article) -> String {
    a.source
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| a.url.as_deref().and_then(url_host).map(str::to_string))
        .unwrap_or_else(|| a.id.clone())
}

fn url_host(url: &str) -> Option<&str> {
    let host = eventwire_model::url_host(url);
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// XXH3-128 of the coded fields (title, text, date, url, source, language), hex.
pub fn content_hash(a: &Article) -> String {
    let mut h = twox_hash::XxHash3_128::new();
    for part in [
        a.title.as_str(),
        a.text.as_str(),
        a.published.as_str(),
        a.url.as_deref().unwrap_or(""),
        a.source.as_deref().unwrap_or(""),
        a.language.as_deref().unwrap_or(""),
    ] {
        h.write(&(part.len() as u64).to_le_bytes());
        h.write(part.as_bytes());
    }
    format!("{:032x}", h.finish_128())
}

fn codes(entities: &[eventwire_model::Entity]) -> String {
    entities
        .iter()
        .map(|e| e.code.as_str())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl EventRow {
    fn of(e: &Event) -> Result<EventRow> {
        let json = serde_json::to_string(e).map_err(|err| StoreError::Event {
            id: e.id.clone(),
            reason: err.to_string(),
        })?;
        let loc = e.event_loc.as_ref();
        let place = loc.map_or(String::new(), |l| match l.geonameid {
            Some(id) => id.to_string(),
            None => format!("{}/{}", l.country_code, l.resolved_place),
        });
        let actor = codes(&e.actor);
        let recipient = codes(&e.recipient);
        let actor_full = format!("{}:{}", e.ew.cameo_actor, actor);
        let recipient_full = format!("{}:{}", e.ew.cameo_recipient, recipient);
        let mode = e.mode.join(" ");
        let day_key = [
            e.date.as_str(),
            &actor_full,
            &recipient_full,
            &e.ew.cameo,
            &e.event.join(" "),
            &mode,
            &place,
        ]
        .join("|");
        // The one-a-day group as a 64-bit hash: a small, fast index key.
        let day_key = twox_hash::XxHash3_64::oneshot(day_key.as_bytes()) as i64;
        Ok(EventRow {
            id: e.id.clone(),
            date: e.date.clone(),
            event_type: e.event.first().cloned().unwrap_or_default(),
            cameo: e.ew.cameo.clone(),
            quad: e.quad_code,
            mode,
            actor: e.actor.first().map(|a| a.code.clone()).unwrap_or_default(),
            recipient: e
                .recipient
                .first()
                .map(|a| a.code.clone())
                .unwrap_or_default(),
            loc_country: loc.map(|l| l.country_code.clone()).unwrap_or_default(),
            loc_admin1: loc.and_then(|l| l.province.clone()).unwrap_or_default(),
            lat: loc.map(|l| l.lat),
            lon: loc.map(|l| l.lon),
            day_key,
            json,
        })
    }
}

/// What one [`Store::write`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// New first-seen articles stored.
    pub added: usize,
    /// Changed articles whose events were replaced.
    pub replaced: usize,
    /// Near-duplicates linked to a first-seen article.
    pub duplicates: usize,
    /// Unchanged articles skipped.
    pub unchanged: usize,
    /// Events stored.
    pub events: usize,
}

/// Totals of a store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Articles (first-seen and duplicates).
    pub articles: u64,
    /// Articles that are near-duplicates of another.
    pub duplicates: u64,
    /// Stored events.
    pub events: u64,
    /// Mentions: each stored event once, plus once per near-duplicate of its article.
    pub mentions: u64,
    /// One-a-day events.
    pub daily_events: u64,
    /// Bytes of the database (pages in use, WAL checkpointed or not).
    pub bytes: u64,
}

/// Which events a query returns. Dates are `YYYY-MM-DD`, inclusive.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    /// First day.
    pub since: Option<String>,
    /// Last day.
    pub until: Option<String>,
    /// Alpha-3 (or PLOVER actor) code of the actor, the recipient or the location's country.
    pub country: Option<String>,
    /// A PLOVER event type (`ASSAULT`) or a CAMEO code prefix (`19`, `0871`).
    pub event_type: Option<String>,
    /// `[west, south, east, north]` in degrees; west > east crosses the antimeridian.
    pub bbox: Option<[f64; 4]>,
    /// Only the first event of each one-a-day group.
    pub one_a_day: bool,
    /// At most this many events.
    pub limit: Option<u64>,
    /// Skip this many first.
    pub offset: u64,
}

/// An event read back, with the store's corroboration counts.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The PLOVER event type; empty for a CAMEO-only statement.
    pub event_type: String,
    /// The event's JSON as coded, with `ew.sources`, `ew.num_mentions`, `ew.num_articles` and
    /// `ew.num_sources` added.
    pub json: String,
    /// Outlets that reported the event's story (the article and its near-duplicates).
    pub sources: u64,
    /// Mentions of its one-a-day event (every article reporting any event of the group).
    pub num_mentions: u64,
    /// Distinct articles of its one-a-day event.
    pub num_articles: u64,
    /// Distinct outlets of its one-a-day event.
    pub num_sources: u64,
}

impl StoredEvent {
    /// The event as a value.
    pub fn event(&self) -> Result<Event> {
        serde_json::from_str(&self.json).map_err(|e| StoreError::Event {
            id: String::new(),
            reason: e.to_string(),
        })
    }
}

/// What [`Store::counts`] groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    /// Event date.
    Day,
    /// PLOVER event type.
    EventType,
    /// The location's country, else the actor's code.
    Country,
}

/// An open event store.
pub struct Store {
    conn: Connection,
    /// Band keys of the stored first-seen articles, read when this connection first plans.
    bands: RefCell<BandIndex>,
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let fail = |reason: String| StoreError::Open {
            path: path.display().to_string(),
            reason,
        };
        let conn = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        Store::init(conn).map_err(|e| match e {
            StoreError::Sql(e) => fail(e.to_string()),
            other => other,
        })
    }

    /// A store in memory (for tests and trials).
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every statement of a batch stays prepared (the default cache holds 16).
        conn.set_prepared_statement_cache_capacity(64);
        // A new store gets 16 KiB pages: events of 1–2 kB pack with less slack and a commit
        // logs fewer pages than with 4 KiB (an existing file keeps its page size).
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Index pages stay in memory: 64 MiB of page cache, reads through a memory map.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION || (version == 0 && tables > 0) {
            return Err(StoreError::Open {
                path: conn.path().unwrap_or("").to_string(),
                reason: format!(
                    "not an eventwire store (schema version {version}, {tables} tables)"
                ),
            });
        }
        if version < SCHEMA_VERSION {
            let tx = conn.unchecked_transaction()?;
            if version == 1 {
                // Version 2 keeps article bodies, for the evidence of every event.
                tx.execute_batch("ALTER TABLE articles ADD COLUMN text TEXT")?;
            }
            if (1..=2).contains(&version) {
                // Version 3 keeps the signatures of first-seen articles in their own table
                // (the band keys live in memory) instead of every article's signature and an
                // on-disk band-key index.
                tx.execute_batch(MIGRATE_TO_3)?;
            }
            tx.execute_batch(SCHEMA)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        }
        Ok(Store {
            conn,
            bands: RefCell::default(),
        })
    }

    /// Decides each entry's [`Plan`]: unchanged, to code, or a near-duplicate of a stored
    /// article or of an earlier entry of the batch. Reads only.
    pub fn plan(&self, batch: &mut [Entry]) -> Result<()> {
        self.plan_after(batch, &[])
    }

    /// [`Store::plan`] for a batch that follows `in_flight`, a planned batch another
    /// connection is still writing: its articles count as stored.
    pub fn plan_after(&self, batch: &mut [Entry], in_flight: &[Planned]) -> Result<()> {
        let mut stored_hash = self
            .conn
            .prepare_cached("SELECT text_hash FROM articles WHERE id = ?1")?;
        let mut stored_signature = self.conn.prepare_cached(
            "SELECT a.rowid, a.id, s.signature FROM signatures s \
             JOIN articles a ON a.rowid = s.article WHERE s.seq = ?1",
        )?;
        let mut bands = self.bands.borrow_mut();
        let mut caught_up = false;
        let mut earlier = DedupIndex::default();
        let mut seen: HashMap<String, String> = HashMap::new();
        for p in in_flight {
            seen.insert(p.id.clone(), p.hash.clone());
            if p.first_seen {
                earlier.add(&p.id, &p.signature);
            }
        }
        for entry in batch.iter_mut() {
            let id = entry.article.id.clone();
            let known: Option<String> = match seen.get(&id) {
                Some(h) => Some(h.clone()),
                None => stored_hash.query_row([&id], |r| r.get(0)).optional()?,
            };
            seen.insert(id.clone(), entry.hash.clone());
            if known.as_deref() == Some(entry.hash.as_str()) {
                entry.plan = Plan::Unchanged;
                continue;
            }
            // The stored article it duplicates most strongly; ties go to the first stored.
            let mut best: Option<(String, f64)> = None;
            if !entry.signature.is_empty() {
                if !caught_up {
                    bands.catch_up(&self.conn)?;
                    caught_up = true;
                }
                let mut best_rowid = i64::MAX;
                for seq in bands.candidates(&entry.signature) {
                    let found: Option<(i64, String, Vec<u8>)> = stored_signature
                        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                        .optional()?;
                    let Some((rowid, other, blob)) = found else {
                        continue;
                    };
                    let score = Signature::from_bytes(&blob)
                        .filter(|s| s.shares_band(&entry.signature))
                        .and_then(|s| entry.signature.duplicate_score(&s));
                    let Some(score) = score.filter(|_| other != id) else {
                        continue;
                    };
                    let best_score = best.as_ref().map_or(f64::NEG_INFINITY, |b| b.1);
                    if score > best_score || (score == best_score && rowid < best_rowid) {
                        best = Some((other, score));
                        best_rowid = rowid;
                    }
                }
            }
            if let Some((other, sim)) = earlier.find(&entry.signature) {
                if other != id && best.as_ref().is_none_or(|(_, b)| sim > *b) {
                    best = Some((other.to_string(), sim));
                }
            }
            entry.plan = match best {
                Some((first, _)) => Plan::DuplicateOf(first),
                None => {
                    earlier.add(&id, &entry.signature);
                    Plan::Code
                }
            };
        }
        Ok(())
    }

    /// Stores a planned batch in one transaction: a crash loses at most this batch. The
    /// transaction takes the write lock at once, so a second writer (another `worker`) waits
    /// for it under the busy timeout instead of failing on upgrade.
    pub fn write(&mut self, batch: &[Entry], coded_at: &str) -> Result<WriteStats> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut stats = WriteStats::default();
        let outlets: Vec<String> = batch.iter().map(Entry::outlet).collect();
        let mut daily = DailyChanges::default();
        // Stories whose outlet count may have changed (a new story has one: the default).
        let mut recount_stories = BTreeSet::new();
        for (entry, outlet) in batch.iter().zip(&outlets) {
            if entry.plan == Plan::Unchanged {
                stats.unchanged += 1;
                continue;
            }
            let id = entry.article.id.as_str();
            let old: Option<(i64, String, Option<String>)> = tx
                .prepare_cached(
                    "SELECT rowid, text_hash, duplicate_of FROM articles WHERE id = ?1",
                )?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((rowid, hash, old_first)) = &old {
                if *hash == entry.hash {
                    stats.unchanged += 1;
                    continue;
                }
                stats.replaced += 1;
                daily.recount(keys_of(
                    &tx,
                    "SELECT day_key FROM events WHERE article_id = ?1 \
                     UNION SELECT day_key FROM mentions WHERE story = ?1 OR article = ?1",
                    id,
                )?);
                tx.execute(
                    "DELETE FROM mentions WHERE story = ?1 OR article = ?1",
                    [id],
                )?;
                tx.execute("DELETE FROM events WHERE article_id = ?1", [id])?;
                tx.execute("DELETE FROM signatures WHERE article = ?1", [rowid])?;
                if let Some(f) = old_first {
                    recount_stories.insert(f.clone());
                }
            }
            let a = &entry.article;
            let first = match &entry.plan {
                Plan::DuplicateOf(f) => Some(f.as_str()),
                _ => None,
            };
            let rowid: i64 = tx
                .prepare_cached(
                    "INSERT INTO articles (id, url, source, outlet, published, title, text_hash, \
                     duplicate_of, coded_at, text) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                     ON CONFLICT(id) DO UPDATE SET url = excluded.url, source = excluded.source, \
                     outlet = excluded.outlet, published = excluded.published, title = excluded.title, \
                     text = excluded.text, text_hash = excluded.text_hash, \
                     duplicate_of = excluded.duplicate_of, coded_at = excluded.coded_at \
                     RETURNING rowid",
                )?
                .query_row(
                    params![
                        id,
                        a.url,
                        a.source,
                        outlet,
                        a.published,
                        a.title,
                        entry.hash,
                        first,
                        coded_at,
                        a.text
                    ],
                    |r| r.get(0),
                )?;
            match first {
                Some(f) => {
                    stats.duplicates += 1;
                    recount_stories.insert(f.to_string());
                    for key in add_mentions(&tx, f, id, outlet)? {
                        daily.add(key, id, outlet, None);
                    }
                }
                None => {
                    if old.is_none() {
                        stats.added += 1;
                    }
                    if !entry.signature.is_empty() {
                        tx.prepare_cached(
                            "INSERT INTO signatures (article, signature) VALUES (?1, ?2)",
                        )?
                        .execute(params![rowid, entry.signature.to_bytes()])?;
                    }
                    let mut insert = tx.prepare_cached(
                        "INSERT INTO events (id, article_id, date, event_type, cameo, quad, mode, \
                         actor, recipient, loc_country, loc_admin1, lat, lon, day_key, json) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    )?;
                    for e in &entry.rows {
                        insert.execute(params![
                            e.id,
                            id,
                            e.date,
                            e.event_type,
                            e.cameo,
                            e.quad,
                            e.mode,
                            e.actor,
                            e.recipient,
                            e.loc_country,
                            e.loc_admin1,
                            e.lat,
                            e.lon,
                            e.day_key,
                            e.json
                        ])?;
                        daily.add(e.day_key, id, outlet, Some(&e.id));
                    }
                    stats.events += entry.rows.len();
                }
            }
            if old.is_some() {
                // Its own duplicates follow it: to its events, or to the story it now copies.
                let story = first.unwrap_or(id);
                if story != id {
                    tx.execute(
                        "UPDATE articles SET duplicate_of = ?2 WHERE duplicate_of = ?1",
                        [id, story],
                    )?;
                }
                let copies: Vec<(String, String)> = tx
                    .prepare_cached("SELECT id, outlet FROM articles WHERE duplicate_of = ?1")?
                    .query_map([story], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (copy, outlet) in copies {
                    tx.execute("DELETE FROM mentions WHERE article = ?1", [&copy])?;
                    daily.recount(add_mentions(&tx, story, &copy, &outlet)?);
                }
                recount_stories.insert(story.to_string());
            }
        }
        for story in &recount_stories {
            tx.prepare_cached(
                "UPDATE articles SET num_sources = (SELECT count(DISTINCT outlet) FROM articles \
                 WHERE id = ?1 OR duplicate_of = ?1) WHERE id = ?1",
            )?
            .execute([story])?;
        }
        daily.apply(&tx)?;
        tx.commit()?;
        Ok(stats)
    }

    /// Totals of the store.
    pub fn summary(&self) -> Result<Summary> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(Summary {
            articles: count("SELECT count(*) FROM articles")?,
            duplicates: count("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")?,
            events: count("SELECT count(*) FROM events")?,
            mentions: count(
                "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM mentions)",
            )?,
            daily_events: count("SELECT count(*) FROM daily")?,
            bytes: count(
                "SELECT (page_count - freelist_count) * page_size \
                 FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
            )?,
        })
    }

    /// Calls `each` for every event `filter` selects, by date then storage order, until it
    /// returns false.
    pub fn events(
        &self,
        filter: &EventFilter,
        mut each: impl FnMut(StoredEvent) -> bool,
    ) -> Result<()> {
        let (clause, args) = where_clause(filter);
        let sql = format!(
            "SELECT json_set(e.json, '$.ew.sources', a.num_sources, '$.ew.num_mentions', \
             d.num_mentions, '$.ew.num_articles', d.num_articles, '$.ew.num_sources', d.num_sources), \
             a.num_sources, d.num_mentions, d.num_articles, d.num_sources, e.event_type \
             FROM events e JOIN articles a ON a.id = e.article_id JOIN daily d ON d.key = e.day_key \
             {clause} ORDER BY e.date, e.rowid LIMIT {} OFFSET {}",
            filter.limit.map_or(-1, |l| l.min(i64::MAX as u64) as i64),
            filter.offset.min(i64::MAX as u64),
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            let found = StoredEvent {
                json: r.get(0)?,
                sources: r.get::<_, i64>(1)? as u64,
                num_mentions: r.get::<_, i64>(2)? as u64,
                num_articles: r.get::<_, i64>(3)? as u64,
                num_sources: r.get::<_, i64>(4)? as u64,
                event_type: r.get(5)?,
            };
            if !each(found) {
                break;
            }
        }
        Ok(())
    }

    /// The events `filter` selects, collected (mind `limit`).
    pub fn events_page(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>> {
        let mut out = Vec::new();
        self.events(filter, |e| {
            out.push(e);
            true
        })?;
        Ok(out)
    }

    /// Event counts grouped by day, event type or country: days in date order, types and
    /// countries largest first. `limit`/`offset` apply to groups.
    pub fn counts(&self, by: CountBy, filter: &EventFilter) -> Result<Vec<(String, u64)>> {
        let (group, order) = match by {
            CountBy::Day => ("e.date", "1"),
            CountBy::EventType => ("e.event_type", "2 DESC, 1"),
            CountBy::Country => ("coalesce(nullif(e.loc_country, ''), e.actor)", "2 DESC, 1"),
        };
        let (clause, args) = where_clause(filter);
        let join = if filter.one_a_day {
            "JOIN daily d ON d.key = e.day_key"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {group}, count(*) FROM events e {join} {clause} GROUP BY 1 ORDER BY {order} \
             LIMIT {} OFFSET {}",
            filter.limit.map_or(-1, |l| l.min(i64::MAX as u64) as i64),
            filter.offset.min(i64::MAX as u64),
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Folds the write-ahead log into the database file (done by SQLite on its own as well).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// The WHERE clause and its arguments for `filter` (events aliased `e`, daily `d`).
fn where_clause(filter: &EventFilter) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut parts: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let arg = |v: Value, args: &mut Vec<Value>| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(d) = &filter.since {
        parts.push(format!(
            "e.date >= {}",
            arg(Value::Text(d.clone()), &mut args)
        ));
    }
    if let Some(d) = &filter.until {
        parts.push(format!(
            "e.date <= {}",
            arg(Value::Text(d.clone()), &mut args)
        ));
    }
    if let Some(c) = &filter.country {
        let p = arg(Value::Text(c.to_uppercase()), &mut args);
        parts.push(format!(
            "(e.actor = {p} OR e.recipient = {p} OR e.loc_country = {p})"
        ));
    }
    if let Some(t) = &filter.event_type {
        if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
            parts.push(format!(
                "e.cameo LIKE {} || '%'",
                arg(Value::Text(t.clone()), &mut args)
            ));
        } else {
            parts.push(format!(
                "e.event_type = {}",
                arg(Value::Text(t.to_uppercase()), &mut args)
            ));
        }
    }
    if let Some([west, south, east, north]) = filter.bbox {
        let (s, n) = (
            arg(Value::Real(south), &mut args),
            arg(Value::Real(north), &mut args),
        );
        let (w, ea) = (
            arg(Value::Real(west), &mut args),
            arg(Value::Real(east), &mut args),
        );
        let lon = if west <= east { "AND" } else { "OR" };
        parts.push(format!(
            "e.lat BETWEEN {s} AND {n} AND (e.lon >= {w} {lon} e.lon <= {ea})"
        ));
    }
    if filter.one_a_day {
        parts.push("d.event_id = e.id".into());
    }
    let clause = if parts.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", parts.join(" AND "))
    };
    (clause, args)
}

fn keys_of(tx: &rusqlite::Transaction, sql: &str, id: &str) -> Result<Vec<i64>> {
    Ok(tx
        .prepare_cached(sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Adds one mention per event of `story` reported by `article`, a near-duplicate of it (a
/// first-seen article's own events count as its mentions); returns the day key of each.
fn add_mentions(
    tx: &rusqlite::Transaction,
    story: &str,
    article: &str,
    outlet: &str,
) -> Result<Vec<i64>> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO mentions (day_key, event_id, story, article, outlet) \
             SELECT day_key, id, ?1, ?2, ?3 FROM events WHERE article_id = ?1 RETURNING day_key",
        )?
        .query_map([story, article, outlet], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// What one batch did to the one-a-day groups it touched.
#[derive(Default)]
struct DailyChanges<'a> {
    groups: BTreeMap<i64, GroupChange<'a>>,
}

#[derive(Default)]
struct GroupChange<'a> {
    /// Mentions were removed or moved: the group is counted again from the tables.
    recount: bool,
    /// The mentions added, as (article, outlet).
    added: Vec<(&'a str, &'a str)>,
    /// The first event added: the group's event if the group is new.
    first_event: Option<&'a str>,
}

impl<'a> DailyChanges<'a> {
    fn recount(&mut self, keys: impl IntoIterator<Item = i64>) {
        for key in keys {
            self.groups.entry(key).or_default().recount = true;
        }
    }

    /// A mention of group `key` by `article`; `event` when it is a stored event of its own.
    fn add(&mut self, key: i64, article: &'a str, outlet: &'a str, event: Option<&'a str>) {
        let group = self.groups.entry(key).or_default();
        group.added.push((article, outlet));
        group.first_event = group.first_event.or(event);
    }

    /// Writes the groups' counts: a group first seen in this batch from the batch alone (all
    /// its mentions are here), any other by counting it again.
    fn apply(&self, tx: &rusqlite::Transaction) -> Result<()> {
        for (&key, group) in &self.groups {
            if let (false, Some(event)) = (group.recount, group.first_event) {
                let distinct = |pick: fn(&(&'a str, &'a str)) -> &'a str| {
                    let mut v: Vec<&str> = group.added.iter().map(pick).collect();
                    v.sort_unstable();
                    v.dedup();
                    v.len() as i64
                };
                let inserted = tx
                    .prepare_cached(
                        "INSERT INTO daily (key, event_id, num_mentions, num_articles, num_sources) \
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO NOTHING",
                    )?
                    .execute(params![
                        key,
                        event,
                        group.added.len() as i64,
                        distinct(|m| m.0),
                        distinct(|m| m.1)
                    ])?;
                if inserted == 1 {
                    continue;
                }
            }
            refresh_daily(tx, key)?;
        }
        Ok(())
    }
}

/// Recounts one one-a-day event from its events and their duplicates' mentions (removing it
/// when none are left).
fn refresh_daily(tx: &rusqlite::Transaction, key: i64) -> Result<()> {
    let (mentions, articles, sources, first): (i64, i64, i64, Option<String>) = tx
        .prepare_cached(
            "WITH m AS (\
               SELECT e.article_id AS article, a.outlet AS outlet FROM events e \
               JOIN articles a ON a.id = e.article_id WHERE e.day_key = ?1 \
               UNION ALL SELECT article, outlet FROM mentions WHERE day_key = ?1) \
             SELECT count(*), count(DISTINCT article), count(DISTINCT outlet), \
             (SELECT id FROM events WHERE day_key = ?1 ORDER BY rowid LIMIT 1) FROM m",
        )?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    match first {
        Some(event_id) if mentions > 0 => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO daily (key, event_id, num_mentions, num_articles, num_sources) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![key, event_id, mentions, articles, sources])?;
        }
        _ => {
            tx.prepare_cached("DELETE FROM daily WHERE key = ?1")?
                .execute([key])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema of version 2 stores (version 1 lacked `articles.text`).
    const SCHEMA_2: &str = "
        CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT, source TEXT, outlet TEXT NOT NULL,
            published TEXT NOT NULL, title TEXT NOT NULL, text TEXT, text_hash TEXT NOT NULL,
            signature BLOB NOT NULL, duplicate_of TEXT, num_sources INTEGER NOT NULL DEFAULT 1,
            coded_at TEXT NOT NULL);
        CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
        CREATE TABLE lsh (key INTEGER NOT NULL, article INTEGER NOT NULL,
            PRIMARY KEY (key, article)) WITHOUT ROWID;
        CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT NULL,
            date TEXT NOT NULL, event_type TEXT NOT NULL, cameo TEXT NOT NULL, quad INTEGER NOT NULL,
            mode TEXT NOT NULL, actor TEXT NOT NULL, recipient TEXT NOT NULL,
            loc_country TEXT NOT NULL, loc_admin1 TEXT NOT NULL, lat REAL, lon REAL,
            day_key INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX events_date ON events(date);
        CREATE INDEX events_type ON events(event_type, date);
        CREATE INDEX events_actor ON events(actor, date);
        CREATE INDEX events_recipient ON events(recipient, date);
        CREATE INDEX events_loc_country ON events(loc_country, date);
        CREATE INDEX events_lat ON events(lat) WHERE lat IS NOT NULL;
        CREATE INDEX events_article ON events(article_id);
        CREATE INDEX events_day_key ON events(day_key);
        CREATE TABLE mentions (day_key INTEGER NOT NULL, event_id TEXT NOT NULL,
            story TEXT NOT NULL, article TEXT NOT NULL, outlet TEXT NOT NULL);
        CREATE INDEX mentions_day_key ON mentions(day_key);
        CREATE INDEX mentions_story ON mentions(story);
        CREATE INDEX mentions_article ON mentions(article);
        CREATE TABLE daily (key INTEGER PRIMARY KEY, event_id TEXT NOT NULL,
            num_mentions INTEGER NOT NULL, num_articles INTEGER NOT NULL,
            num_sources INTEGER NOT NULL);
    ";

    const STORY: &str = "Azerbaijan said on Wednesday it had halted its military offensive in \
        Nagorno-Karabakh after separatist Armenian forces agreed to lay down their arms under a \
        ceasefire brokered by Russian peacekeepers, the defence ministry said in a statement.";

    /// A version 1 or 2 store as those versions wrote it: a first-seen story with its band
    /// keys, a near-duplicate of it and an article too short to sign.
    fn old_store(path: &Path, version: i64) {
        let conn = Connection::open(path).unwrap();
        let schema = match version {
            1 => SCHEMA_2.replace(" text TEXT,", ""),
            _ => SCHEMA_2.to_string(),
        };
        conn.execute_batch(&schema).unwrap();
        let insert = "INSERT INTO articles (id, outlet, published, title, text_hash, signature, \
                      duplicate_of, coded_at) VALUES (?1, 'X', '2023-09-20', 'T', ?2, ?3, ?4, 'd')";
        let story = Signature::of(STORY);
        let copy = Signature::of(&format!("{STORY} Read more."));
        let short = Signature::of("Troops moved in.");
        for (id, sig, first) in [
            ("a", &story, None),
            ("b", &copy, Some("a")),
            ("c", &short, None),
        ] {
            conn.execute(insert, params![id, id, sig.to_bytes(), first])
                .unwrap();
        }
        for key in eventwire_resolve::dedup::band_keys(&story) {
            conn.execute("INSERT INTO lsh VALUES (?1, 1)", [key as i64])
                .unwrap();
        }
        conn.pragma_update(None, "user_version", version).unwrap();
    }

    #[test]
    fn older_stores_are_migrated() {
        for version in [1, 2] {
            let scratch = tempfile::tempdir().unwrap();
            let path = scratch.path().join(format!("v{version}.db"));
            old_store(&path, version);
            let store = Store::open(&path).unwrap();
            let query = |sql: &str| -> i64 { store.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
            assert_eq!(query("PRAGMA user_version"), SCHEMA_VERSION);
            let column = |name: &str| {
                format!("SELECT count(*) FROM pragma_table_info('articles') WHERE name = '{name}'")
            };
            assert_eq!(query(&column("text")), 1);
            assert_eq!(query(&column("signature")), 0);
            assert_eq!(
                query("SELECT count(*) FROM sqlite_master WHERE name = 'lsh'"),
                0
            );
            // Only the first-seen story keeps its signature.
            assert_eq!(query("SELECT count(*) FROM signatures"), 1);
            assert_eq!(query("SELECT article FROM signatures"), 1);
            let mut batch = vec![Entry::new(Article::new(
                "d",
                "T",
                &format!("{STORY} More."),
                "2023-09-21",
            ))];
            store.plan(&mut batch).unwrap();
            assert_eq!(batch[0].plan, Plan::DuplicateOf("a".into()));
        }
    }
}
