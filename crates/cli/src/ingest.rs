//! `eventwire ingest`, `eventwire export` and `eventwire bench ingest`: news files into the
//! event store ([`eventwire_store`]) and events back out as JSONL, CAMEO TSV, CSV or Parquet.
//!
//! Ingest reads in batches of [`BATCH`] articles: both cores hash and sign them, the store
//! plans them (unchanged ones are skipped, near-duplicates linked), both cores code the
//! first-seen ones, and the batch is committed in one transaction, so an interrupted run loses
//! at most one batch and the next run resumes where it stopped.
use anyhow::{bail, Context, Result};
use eventwire_coder::Coder;
use eventwire_model::Article;
use eventwire_sinks::{flat, flat_row, CameoTsv, FlatParquet, Reach, Sink};
use eventwire_store::{Entry, EventFilter, Plan, Planned, Store, StoredEvent, Summary, WriteStats};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Articles per transaction.
const BATCH: usize = 2048;

/// The database file used when `--db` is not given.
const DEFAULT_DB: &str = "eventwire.db";

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or folders (read recursively): JSONL, plain text, HTML, WARC, RSS/Atom, OPML,
    /// CSV/TSV, gzip or zstd compressed (see `eventwire_ingest::read_path`).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The store (an SQLite file, created if missing).
    #[arg(long, default_value = DEFAULT_DB)]
    db: PathBuf,
    /// Publication date (YYYY-MM-DD) of articles whose input gives none (plain text always).
    #[arg(long)]
    published: Option<String>,
    /// Skip event locations (the gazetteer is then never loaded).
    #[arg(long)]
    no_locations: bool,
    /// Learn each outlet's home province (URL host, else source) from the places in its articles
    /// first, as `code --outlet-homes` does: for local news. Reads the inputs twice. An article
    /// already stored unchanged is not coded again, so homes learned later do not touch it.
    #[arg(long)]
    outlet_homes: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// PLOVER JSONL with the store's counts in `ew` (CAMEO-only statements left out).
    Jsonl,
    /// PETRARCH2-style CAMEO TSV.
    CameoTsv,
    /// One row per event, flat columns.
    Csv,
    /// The CSV columns as an Apache Parquet file.
    Parquet,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The store to read.
    #[arg(long, default_value = DEFAULT_DB)]
    db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    /// First event date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Last event date (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Events whose actor, recipient or location is this country (alpha-3) or actor code.
    #[arg(long)]
    country: Option<String>,
    /// A PLOVER event type (ASSAULT) or a CAMEO code prefix (19).
    #[arg(long)]
    event: Option<String>,
    /// One event per one-a-day group (same date, actors, code, mode and place).
    #[arg(long)]
    one_a_day: bool,
    /// Write here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum BenchTarget {
    /// Articles/s end to end (read, dedup, code, store) over the shared news text and HTML pages,
    /// per kind and mixed, and store size.
    Ingest {
        /// Keep the mixed run's database here (default: a temporary file, removed afterwards).
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

/// Every article of a file or folder (any format `eventwire_ingest` reads), or a located
/// problem: the one place that knows about input formats.
fn read_articles(
    path: &Path,
    published: Option<&str>,
) -> impl Iterator<Item = std::result::Result<Article, String>> {
    let options = eventwire_ingest::Options {
        published: published.map(str::to_string),
        ..Default::default()
    };
    eventwire_ingest::read_path(path, &options).map(|r| r.map_err(|e| e.to_string()))
}

fn add(total: &mut WriteStats, w: WriteStats) {
    total.added += w.added;
    total.replaced += w.replaced;
    total.duplicates += w.duplicates;
    total.unchanged += w.unchanged;
    total.events += w.events;
}

/// Hashes, signs, plans (after `in_flight`, the batch being written) and codes one batch on
/// all cores; articles the coder rejects go to `report` and are left out.
pub(crate) fn prepare_batch(
    planner: &Store,
    coder: &Coder,
    articles: Vec<Article>,
    in_flight: &[Planned],
    report: &(dyn Fn(&str) + Sync),
) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = articles.into_par_iter().map(Entry::new).collect();
    planner.plan_after(&mut entries, in_flight)?;
    let coded: Vec<Option<Entry>> = entries
        .into_par_iter()
        .map(|mut entry| {
            if entry.plan != Plan::Code {
                return Some(entry);
            }
            let coded = coder
                .code(&entry.article)
                .map_err(|e| e.to_string())
                .and_then(|events| entry.set_events(&events).map_err(|e| e.to_string()));
            match coded {
                Ok(()) => Some(entry),
                Err(e) => {
                    report(&format!("article {:?}: {e}", entry.article.id));
                    None
                }
            }
        })
        .collect();
    Ok(coded.into_iter().flatten().collect())
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} {human_pos} articles ({per_sec}) {msg}",
        )
        .expect("valid progress template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Reads, codes and stores: while a writer thread commits one batch, the cores plan and code
/// the next.
pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    ingest_counted(args)?;
    Ok(ExitCode::SUCCESS)
}

/// [`ingest`], returning the number of input records.
fn ingest_counted(args: IngestArgs) -> Result<usize> {
    let coded_at = chrono::Local::now().format("%Y-%m-%d").to_string();
    let mut store = Store::open(&args.db)?;
    let planner = Store::open(&args.db)?;
    let mut coder = Coder::bundled()
        .with_locations(!args.no_locations)
        .with_coded_date(&coded_at);
    if args.outlet_homes {
        let inputs: Vec<String> = args
            .paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let homes = crate::learn_outlet_homes(&inputs, args.published.as_deref())?;
        coder = coder.with_outlet_homes(std::sync::Arc::new(homes));
    }
    let bar = progress_bar();
    let bad = std::sync::atomic::AtomicUsize::new(0);
    let report = |msg: &str| {
        bad.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bar.suspend(|| eprintln!("eventwire: {msg}"));
    };
    let start = Instant::now();
    let (articles, written) = std::thread::scope(|scope| -> Result<(usize, WriteStats)> {
        // Dropped when this closure returns, early or not: the writer then sees the end.
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<Vec<Entry>>(0);
        let (store, bar, coded_at) = (&mut store, &bar, &coded_at);
        let writer = scope.spawn(move || -> Result<WriteStats> {
            let mut total = WriteStats::default();
            for batch in batches {
                add(&mut total, store.write(&batch, coded_at)?);
                bar.inc(batch.len() as u64);
                bar.set_message(format!(
                    "{} events, {} duplicates, {} unchanged",
                    total.events, total.duplicates, total.unchanged
                ));
            }
            Ok(total)
        });
        // The inputs are parsed beside the coding, a batch ahead.
        let (to_planner, inputs) = std::sync::mpsc::sync_channel::<Vec<Article>>(1);
        let (paths, published, report) = (&args.paths, args.published.as_deref(), &report);
        let reader = scope.spawn(move || -> usize {
            let mut records = 0;
            let mut pending: Vec<Article> = Vec::with_capacity(BATCH);
            for path in paths {
                for item in read_articles(path, published) {
                    match item {
                        Ok(a) => pending.push(a),
                        Err(msg) => report(&msg),
                    }
                    records += 1;
                    // A closed channel: planning or writing stopped on an error.
                    if pending.len() >= BATCH
                        && to_planner.send(std::mem::take(&mut pending)).is_err()
                    {
                        return records;
                    }
                }
            }
            if !pending.is_empty() {
                let _ = to_planner.send(pending);
            }
            records
        });
        let mut in_flight: Vec<Planned> = Vec::new();
        for articles in inputs {
            let entries = prepare_batch(&planner, &coder, articles, &in_flight, report)?;
            in_flight = entries.iter().map(Entry::planned).collect();
            // A closed channel: the writer stopped on an error, which `join` returns.
            if to_writer.send(entries).is_err() {
                break;
            }
        }
        drop(to_writer);
        let written = writer.join().expect("the writer thread does not panic")?;
        Ok((
            reader.join().expect("the reader thread does not panic"),
            written,
        ))
    })?;
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    let w = &written;
    eprintln!(
        "eventwire: {articles} articles in {secs:.1} s ({:.0}/s): {} new, {} replaced, {} duplicates, {} unchanged, {} bad; {} events stored in {}",
        articles as f64 / secs.max(1e-9),
        w.added,
        w.replaced,
        w.duplicates,
        w.unchanged,
        bad.into_inner(),
        w.events,
        args.db.display()
    );
    Ok(articles)
}

/// The store's counts of an event, for its flat row.
fn reach(s: &StoredEvent) -> Reach {
    Reach {
        sources: s.sources,
        num_mentions: s.num_mentions,
        num_articles: s.num_articles,
        num_sources: s.num_sources,
    }
}

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    if !args.db.exists() {
        bail!(
            "{}: no such store (run `eventwire ingest` first)",
            args.db.display()
        );
    }
    let store = Store::open(&args.db)?;
    let filter = EventFilter {
        since: args.since.clone(),
        until: args.until.clone(),
        country: args.country.clone(),
        event_type: args.event.clone(),
        one_a_day: args.one_a_day,
        ..Default::default()
    };
    let out: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        ),
        None => Box::new(io::stdout()),
    };
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    let mut failure: Option<anyhow::Error> = None;
    let mut written = 0usize;
    let mut keep = |r: Result<()>| match r {
        Ok(()) => {
            written += 1;
            true
        }
        Err(e) => {
            failure = Some(e);
            false
        }
    };
    match args.format {
        // As `code` writes it: CAMEO-only statements have no PLOVER line.
        ExportFormat::Jsonl => store.events(&filter, |s| {
            s.event_type.is_empty() || keep(writeln!(out, "{}", s.json).map_err(Into::into))
        })?,
        ExportFormat::CameoTsv => {
            let mut sink = CameoTsv::new(&mut out);
            store.events(&filter, |s| {
                keep(
                    s.event()
                        .map_err(anyhow::Error::from)
                        .and_then(|e| sink.event(&e).map(drop).map_err(Into::into)),
                )
            })?;
            sink.finish()?;
        }
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record(flat::COLUMNS)?;
            store.events(&filter, |s| {
                keep(s.event().map_err(anyhow::Error::from).and_then(|e| {
                    csv.write_record(flat_row(&e, &reach(&s)))
                        .map_err(Into::into)
                }))
            })?;
            csv.flush()?;
        }
        ExportFormat::Parquet => {
            let mut file = FlatParquet::new(&mut out)?;
            store.events(&filter, |s| {
                keep(
                    s.event()
                        .map_err(anyhow::Error::from)
                        .and_then(|e| file.push(flat_row(&e, &reach(&s))).map_err(Into::into)),
                )
            })?;
            file.finish()?;
        }
    }
    let closed_pipe = |e: &anyhow::Error| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    };
    match failure.map_or_else(|| out.flush().map_err(Into::into), Err) {
        // The reader stopped early (`| head`): not an error.
        Err(e) if closed_pipe(&e) => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e.context("writing the export")),
        Ok(()) => {}
    }
    eprintln!("eventwire: exported {written} event(s)");
    Ok(ExitCode::SUCCESS)
}

fn print_summary(s: &Summary) {
    println!(
        "store: {} articles ({} near-duplicates), {} events, {} one-a-day events, {} mentions, {:.1} MB",
        s.articles,
        s.duplicates,
        s.events,
        s.daily_events,
        s.mentions,
        s.bytes as f64 / 1e6
    );
}

/// Removes a store file and its WAL companions.
fn remove_store(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

/// `eventwire bench ingest`: the shared BBC and Reuters text (written as one JSONL file) and the
/// article-extraction benchmark's HTML pages (read in place), each ingested end to end into a
/// fresh store, then both together; then the mix again (everything unchanged).
pub fn bench(target: BenchTarget, shared: &Path) -> Result<ExitCode> {
    let BenchTarget::Ingest { db } = target;
    let mut articles = eventwire_eval::corpus::bbc(shared)?;
    articles.extend(eventwire_eval::corpus::reuters(shared)?);
    // Removed when the benchmark ends, whether it succeeds or not.
    let scratch = tempfile::Builder::new()
        .prefix("eventwire-bench-ingest-")
        .tempdir()?;
    let dir = scratch.path();
    let news = dir.join("news.jsonl");
    let mut w = io::BufWriter::new(std::fs::File::create(&news)?);
    for a in &articles {
        serde_json::to_writer(&mut w, a)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    drop(w);
    // Bytes of a file, or of the files of a folder (the pages' folder is flat).
    let size = |p: &Path| -> u64 {
        match std::fs::read_dir(p) {
            Ok(entries) => entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum(),
            Err(_) => std::fs::metadata(p).map_or(0, |m| m.len()),
        }
    };
    let html = shared.join("corpora/article-extraction-benchmark/html");
    println!(
        "news text: {} articles, {:.1} MB JSONL (BBC 2004-05 + Reuters-21578); {} threads",
        articles.len(),
        size(&news) as f64 / 1e6,
        rayon::current_num_threads()
    );
    let mut kinds = vec![("news text", vec![news.clone()])];
    if html.is_dir() {
        println!(
            "HTML pages: {:.1} MB of gzipped pages in {}",
            size(&html) as f64 / 1e6,
            html.display()
        );
        kinds.push(("HTML pages", vec![html.clone()]));
        kinds.push(("mix", vec![news.clone(), html]));
    } else {
        println!("HTML pages: none ({} is missing)", html.display());
    }
    let mixed_db = db.clone().unwrap_or_else(|| dir.join("bench.db"));
    let run = |label: &str, paths: &[PathBuf], db: &Path| -> Result<()> {
        let (t, cpu) = (Instant::now(), crate::bench::cpu_seconds());
        let n = ingest_counted(IngestArgs {
            paths: paths.to_vec(),
            db: db.to_path_buf(),
            // Some pages give no date; a user would pass `--published` for them.
            published: Some("2020-01-01".into()),
            no_locations: false,
            outlet_homes: false,
        })?;
        let (secs, cpu) = (t.elapsed().as_secs_f64(), crate::bench::cpu_seconds() - cpu);
        let mb = paths.iter().map(|p| size(p)).sum::<u64>() as f64 / 1e6;
        println!(
            "{label}: {n} articles in {secs:.1} s, {:.0} articles/s, {:.2} MB/s of input \
             (gazetteer and lexicon load included); {cpu:.1} CPU-s, {:.0} articles per CPU-second",
            n as f64 / secs,
            mb / secs,
            n as f64 / cpu.max(1e-9)
        );
        Ok(())
    };
    let last = kinds.len() - 1;
    for (i, (kind, paths)) in kinds.iter().enumerate() {
        let store = if i == last {
            mixed_db.clone()
        } else {
            dir.join(format!("bench-{i}.db"))
        };
        remove_store(&store)?;
        run(&format!("{kind} into a new store"), paths, &store)?;
        if i != last {
            remove_store(&store)?;
        }
    }
    let store = Store::open(&mixed_db)?;
    store.checkpoint()?;
    let summary = store.summary()?;
    print_summary(&summary);
    let file_bytes = std::fs::metadata(&mixed_db)?.len() as f64;
    if summary.events > 0 {
        let per_event = file_bytes / summary.events as f64;
        println!(
            "store file: {:.1} MB, {:.0} bytes per event (articles, duplicates and indexes included) -> {:.2} GB per million events",
            file_bytes / 1e6,
            per_event,
            per_event * 1e6 / 1e9
        );
    }
    drop(store);
    let (kind, paths) = &kinds[last];
    run(&format!("{kind} again (all unchanged)"), paths, &mixed_db)?;
    Ok(ExitCode::SUCCESS)
}
