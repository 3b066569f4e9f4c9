//! `eventwire feed` and `eventwire worker`: a NATS JetStream work queue for live coding.
//!
//! `feed` publishes articles (anything `eventwire ingest` reads) into a work-queue stream, one
//! JSON article per message, with a `Nats-Msg-Id` of article id and content hash so that
//! re-feeding the same article within the stream's duplicate window queues it once. It awaits
//! the server's publish acks with a bounded number in flight (back-pressure).
//!
//! `worker` is a stateless coder on a durable pull consumer that any number of workers share:
//! it fetches a batch, codes it with the same coder as `eventwire code`, writes the events to
//! the store (one transaction per batch, near-duplicates linked as in `ingest`) or publishes
//! them (one message of PLOVER JSONL per article, `Nats-Msg-Id` as above), and acks only after
//! the write. Delivery is at least once; the writes are idempotent (the store skips an article
//! it holds with the same content; the output stream drops a repeated message id), so a worker
//! killed mid-batch loses nothing and duplicates nothing: the server redelivers its unacked
//! messages after `--ack-wait`.
use crate::{ArticleCoder, LexiconArgs};
use anyhow::{bail, Context, Result};
use async_nats::jetstream::{self, consumer, message::PublishMessage, stream, AckKind};
use eventwire_model::{Article, Event};
use eventwire_sinks::{PloverJsonl, Sink};
use eventwire_store::{content_hash, Entry, Plan, Store, StoreError};
use futures_util::StreamExt;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Where the queue lives.
#[derive(clap::Args)]
pub struct QueueArgs {
    /// NATS server URL.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// JetStream stream of articles (created with work-queue retention when missing).
    #[arg(long, default_value = "ARTICLES")]
    stream: String,
    /// Subject the articles are published on.
    #[arg(long, default_value = "articles")]
    subject: String,
}

#[derive(clap::Args)]
pub struct FeedArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Files or folders (read recursively) in any format `ingest` reads; `-` = stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Publication date of inputs that give none (YYYY-MM-DD).
    #[arg(long)]
    published: Option<String>,
    /// Publishes awaiting the server's ack at most.
    #[arg(long, default_value_t = 256)]
    in_flight: usize,
}

#[derive(clap::Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Durable pull consumer shared by the workers.
    #[arg(long, default_value = "coders")]
    durable: String,
    /// The store (an SQLite file, created if missing) the events are written to.
    #[arg(long, required_unless_present = "publish", conflicts_with = "publish")]
    db: Option<PathBuf>,
    /// Publish each article's events (PLOVER JSONL, one message per article) on this subject.
    #[arg(long)]
    publish: Option<String>,
    /// Stream capturing the `--publish` subject (created when missing).
    #[arg(long, default_value = "EVENTS")]
    events_stream: String,
    /// Messages fetched per batch.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Seconds the server waits for an ack before redelivering (set when the consumer is created).
    #[arg(long, default_value_t = 60)]
    ack_wait: u64,
    /// Exit after this many seconds without messages (default: run until stopped).
    #[arg(long)]
    idle_exit: Option<u64>,
    /// Skip event locations (the gazetteer is then never loaded).
    #[arg(long)]
    no_locations: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// A stream, created when missing. Workers starting together race to create it: the loser's
/// create fails ("subjects overlap"), and it then finds the stream the winner made.
async fn ensure_stream(js: &jetstream::Context, config: stream::Config) -> Result<stream::Stream> {
    let name = config.name.clone();
    match js.get_or_create_stream(config).await {
        Ok(s) => Ok(s),
        Err(create) => js
            .get_stream(&name)
            .await
            .map_err(|_| anyhow::Error::new(create)),
    }
}

/// The article stream, created with work-queue retention when missing.
async fn article_stream(js: &jetstream::Context, q: &QueueArgs) -> Result<stream::Stream> {
    let config = stream::Config {
        name: q.stream.clone(),
        subjects: vec![q.subject.clone()],
        retention: stream::RetentionPolicy::WorkQueue,
        ..Default::default()
    };
    ensure_stream(js, config)
        .await
        .with_context(|| format!("stream {} on {}", q.stream, q.nats))
}

async fn connect(url: &str) -> Result<async_nats::Client> {
    async_nats::connect(url)
        .await
        .with_context(|| format!("cannot connect to {url}"))
}

/// The message id that makes a publish idempotent: article id and content hash.
fn message_id(a: &Article) -> String {
    format!("{}:{}", a.id, content_hash(a))
}

pub fn feed(args: FeedArgs) -> Result<ExitCode> {
    runtime()?.block_on(feed_async(args))
}

async fn feed_async(args: FeedArgs) -> Result<ExitCode> {
    let client = connect(&args.queue.nats).await?;
    let max_payload = client.server_info().max_payload;
    let js = jetstream::new(client);
    article_stream(&js, &args.queue).await?;
    let options = eventwire_ingest::Options {
        published: args.published.clone(),
        ..Default::default()
    };
    let start = Instant::now();
    let (mut sent, mut already, mut bad) = (0usize, 0usize, 0usize);
    let mut pending = VecDeque::with_capacity(args.in_flight);
    for path in &args.paths {
        let articles = if path.as_os_str() == "-" {
            eventwire_ingest::read_reader("-", std::io::stdin(), &options)
        } else {
            eventwire_ingest::read_path(path, &options)
        };
        for item in articles {
            let article = match item {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("eventwire: {e}");
                    bad += 1;
                    continue;
                }
            };
            let body = serde_json::to_vec(&article)?;
            if body.len() > max_payload {
                eprintln!(
                    "eventwire: {}: article {:?}: {} bytes, over the server's {max_payload}-byte message limit; skipped",
                    path.display(),
                    article.id,
                    body.len()
                );
                bad += 1;
                continue;
            }
            let publish = PublishMessage::build()
                .payload(body.into())
                .message_id(message_id(&article));
            let ack = js
                .send_publish(args.queue.subject.clone(), publish)
                .await
                .context("publishing")?;
            pending.push_back(ack);
            sent += 1;
            if pending.len() >= args.in_flight.max(1) {
                let ack = pending.pop_front().expect("in-flight publish");
                already += usize::from(ack.await.context("publish not acknowledged")?.duplicate);
            }
        }
    }
    while let Some(ack) = pending.pop_front() {
        already += usize::from(ack.await.context("publish not acknowledged")?.duplicate);
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "eventwire: fed {sent} articles to {} in {secs:.2} s ({:.0}/s); {already} already queued, {bad} bad",
        args.queue.stream,
        sent as f64 / secs.max(1e-9)
    );
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn empty_message(origin: &str) -> eventwire_ingest::ReadError {
    eventwire_ingest::ReadError {
        file: origin.to_string(),
        line: 0,
        reason: "empty message".into(),
    }
}

/// Where a worker's events go.
enum Output {
    Store(Store),
    Publish {
        js: jetstream::Context,
        subject: String,
        max_payload: usize,
    },
}

/// Running totals of a worker.
#[derive(Default)]
struct Totals {
    articles: usize,
    events: usize,
    duplicates: usize,
    unchanged: usize,
    bad: usize,
}

pub fn worker(args: WorkerArgs) -> Result<ExitCode> {
    let coded_at = chrono::Local::now().format("%Y-%m-%d").to_string();
    let coder = args.lexicon.article_coder(!args.no_locations, &coded_at)?;
    let store = match &args.db {
        Some(db) => Some(Store::open(db)?),
        None => None,
    };
    runtime()?.block_on(worker_async(&args, &coder, store, &coded_at))
}

async fn worker_async(
    args: &WorkerArgs,
    coder: &ArticleCoder,
    store: Option<Store>,
    coded_at: &str,
) -> Result<ExitCode> {
    let client = connect(&args.queue.nats).await?;
    let max_payload = client.server_info().max_payload;
    let js = jetstream::new(client);
    let articles = article_stream(&js, &args.queue).await?;
    let mut output = match (store, &args.publish) {
        (Some(store), _) => Output::Store(store),
        (None, Some(subject)) => {
            let config = stream::Config {
                name: args.events_stream.clone(),
                subjects: vec![subject.clone()],
                ..Default::default()
            };
            ensure_stream(&js, config)
                .await
                .with_context(|| format!("stream {}", args.events_stream))?;
            Output::Publish {
                js: js.clone(),
                subject: subject.clone(),
                max_payload,
            }
        }
        (None, None) => bail!("give --db FILE or --publish SUBJECT"),
    };
    let consumer: consumer::PullConsumer = articles
        .get_or_create_consumer(
            &args.durable,
            consumer::pull::Config {
                durable_name: Some(args.durable.clone()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(args.ack_wait),
                ..Default::default()
            },
        )
        .await
        .with_context(|| format!("consumer {} on stream {}", args.durable, args.queue.stream))?;
    eprintln!(
        "eventwire: worker ready: consumer {} on stream {}",
        args.durable, args.queue.stream
    );
    let mut totals = Totals::default();
    let mut first_message: Option<Instant> = None;
    let mut last_done = Instant::now();
    let mut idle_since = Instant::now();
    loop {
        let mut batch = consumer
            .fetch()
            .max_messages(args.batch.max(1))
            .expires(Duration::from_secs(1))
            .messages()
            .await
            .context("fetching")?;
        let mut messages = Vec::with_capacity(args.batch);
        while let Some(m) = batch.next().await {
            messages.push(m.map_err(|e| anyhow::anyhow!("fetching: {e}"))?);
        }
        if messages.is_empty() {
            if args
                .idle_exit
                .is_some_and(|s| idle_since.elapsed() >= Duration::from_secs(s))
            {
                break;
            }
            continue;
        }
        first_message.get_or_insert_with(Instant::now);
        let mut good = Vec::with_capacity(messages.len());
        let mut articles = Vec::with_capacity(messages.len());
        for m in messages {
            let origin = match m.info() {
                Ok(i) => format!("{} message {}", i.stream, i.stream_sequence),
                Err(_) => format!("{} message", args.queue.stream),
            };
            let parsed = eventwire_ingest::read_jsonl(&origin, &m.payload[..])
                .next()
                .unwrap_or_else(|| Err(empty_message(&origin)));
            match parsed {
                Ok(a) => {
                    articles.push(a);
                    good.push(m);
                }
                Err(e) => {
                    eprintln!("eventwire: {e}; dropped");
                    totals.bad += 1;
                    m.ack_with(AckKind::Term)
                        .await
                        .map_err(|e| anyhow::anyhow!("acking: {e}"))?;
                }
            }
        }
        totals.articles += articles.len();
        match &mut output {
            Output::Store(store) => tokio::task::block_in_place(|| {
                write_to_store(store, coder, articles, coded_at, &mut totals)
            })?,
            Output::Publish {
                js,
                subject,
                max_payload,
            } => publish_events(js, subject, *max_payload, coder, &articles, &mut totals).await?,
        }
        // Only now is the batch safely written: ack it.
        for m in &good {
            m.ack().await.map_err(|e| anyhow::anyhow!("acking: {e}"))?;
        }
        last_done = Instant::now();
        idle_since = last_done;
    }
    let secs = first_message.map_or(0.0, |t| last_done.duration_since(t).as_secs_f64());
    let t = &totals;
    eprintln!(
        "eventwire: worker coded {} articles in {secs:.2} s ({:.0}/s): {} events, {} duplicates, {} already done, {} bad",
        t.articles,
        t.articles as f64 / secs.max(1e-9),
        t.events,
        t.duplicates,
        t.unchanged,
        t.bad
    );
    Ok(ExitCode::SUCCESS)
}

/// Plans, codes and writes one batch into the store (one transaction); a bad article is
/// reported and left out. When another worker holds the store's write lock, the batch is
/// planned again (that worker may just have stored a copy or a near-duplicate) and retried.
fn write_to_store(
    store: &mut Store,
    coder: &ArticleCoder,
    articles: Vec<Article>,
    coded_at: &str,
    totals: &mut Totals,
) -> Result<()> {
    let mut entries: Vec<Entry> = articles.into_par_iter().map(Entry::new).collect();
    let mut coded = vec![false; entries.len()];
    let mut wait = Duration::from_millis(20);
    let started = Instant::now();
    loop {
        store.plan(&mut entries)?;
        let failures: Vec<Option<String>> = entries
            .par_iter_mut()
            .zip(coded.par_iter_mut())
            .map(|(entry, coded)| {
                if entry.plan != Plan::Code || *coded {
                    return None;
                }
                *coded = true;
                coder
                    .code(&entry.article)
                    .map_err(|e| e.to_string())
                    .and_then(|events| entry.set_events(&events).map_err(|e| e.to_string()))
                    .err()
                    .map(|e| format!("article {:?}: {e}", entry.article.id))
            })
            .collect();
        if failures.iter().any(Option::is_some) {
            let mut kept = (Vec::new(), Vec::new());
            for ((entry, done), failure) in entries.into_iter().zip(coded).zip(failures) {
                match failure {
                    Some(msg) => {
                        eprintln!("eventwire: {msg}");
                        totals.bad += 1;
                    }
                    None => {
                        kept.0.push(entry);
                        kept.1.push(done);
                    }
                }
            }
            (entries, coded) = kept;
        }
        match store.write(&entries, coded_at) {
            Ok(w) => {
                totals.events += w.events;
                totals.duplicates += w.duplicates;
                totals.unchanged += w.unchanged;
                return Ok(());
            }
            Err(e) if is_busy(&e) && started.elapsed() < STORE_BUSY_LIMIT => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(1));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// How long a worker keeps retrying a batch while other writers hold the store.
const STORE_BUSY_LIMIT: Duration = Duration::from_secs(120);

/// True when the store failed because another connection holds its write lock.
fn is_busy(e: &StoreError) -> bool {
    matches!(e, StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
        if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Codes a batch and publishes each article's events as one message; returns when the server
/// has acknowledged every message.
async fn publish_events(
    js: &jetstream::Context,
    subject: &str,
    max_payload: usize,
    coder: &ArticleCoder,
    articles: &[Article],
    totals: &mut Totals,
) -> Result<()> {
    let coded = tokio::task::block_in_place(|| code_to_jsonl(coder, articles));
    let mut acks = Vec::with_capacity(coded.len());
    for (a, result) in articles.iter().zip(coded) {
        let (body, n) = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("eventwire: article {:?}: {e}", a.id);
                totals.bad += 1;
                continue;
            }
        };
        if body.len() > max_payload {
            eprintln!(
                "eventwire: article {:?}: {n} events, {} bytes, over the server's {max_payload}-byte message limit; not published",
                a.id,
                body.len()
            );
            totals.bad += 1;
            continue;
        }
        totals.events += n;
        let publish = PublishMessage::build()
            .payload(body.into())
            .message_id(message_id(a));
        acks.push(
            js.send_publish(subject.to_string(), publish)
                .await
                .context("publishing events")?,
        );
    }
    for ack in acks {
        totals.unchanged += usize::from(ack.await.context("events not acknowledged")?.duplicate);
    }
    Ok(())
}

/// Each article's events as PLOVER JSONL (as `eventwire code` writes them) and how many
/// were written.
fn code_to_jsonl(coder: &ArticleCoder, articles: &[Article]) -> Vec<Result<(Vec<u8>, usize)>> {
    articles
        .par_iter()
        .map(|a| {
            let events: Vec<Event> = coder.code(a)?;
            let mut buf = Vec::with_capacity(events.len() * 2048);
            let mut sink = PloverJsonl::new(&mut buf);
            for e in &events {
                sink.event(e)?;
            }
            sink.finish()?;
            drop(sink);
            let written = buf.iter().filter(|&&b| b == b'\n').count();
            Ok((buf, written))
        })
        .collect()
}
