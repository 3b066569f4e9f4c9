//! `eventwire serve` (the API and dashboard of [`eventwire_serve`] over a store) and
//! `eventwire demo` (a fresh store of the bundled examples, plus the shared news text when
//! `../shared` is there, then served).
use anyhow::{Context, Result};
use eventwire_coder::Coder;
use eventwire_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// The example articles (CC0, `examples/`), embedded so `demo` runs from any folder.
const EXAMPLES: [(&str, &str); 2] = [
    (
        "examples/karabakh.jsonl",
        include_str!("../../../examples/karabakh.jsonl"),
    ),
    (
        "examples/stories.jsonl",
        include_str!("../../../examples/stories.jsonl"),
    ),
];

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The store to serve (built by `eventwire ingest`).
    #[arg(long, default_value = "eventwire.db")]
    db: PathBuf,
    /// Address to listen on (loopback by default; nothing is exposed unless asked).
    #[arg(long, default_value = eventwire_serve::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// Longest a store query may run, in seconds (then a 503 asks for narrower filters).
    #[arg(long, default_value_t = eventwire_serve::QUERY_TIMEOUT.as_secs_f64())]
    query_timeout: f64,
}

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where to build the demo store (replaced if present; default: a file in the temp folder).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = eventwire_serve::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// Only the bundled examples, not the shared news text.
    #[arg(long)]
    examples_only: bool,
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let query_timeout = std::time::Duration::try_from_secs_f64(args.query_timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .context("--query-timeout must be a positive number of seconds")?;
    eventwire_serve::run(eventwire_serve::Config {
        addr: args.addr,
        db: Some(args.db),
        query_timeout,
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(args: DemoArgs) -> Result<ExitCode> {
    let db = args
        .db
        .unwrap_or_else(|| std::env::temp_dir().join("eventwire-demo.db"));
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("{}: cannot replace", db.display()))
            }
            _ => {}
        }
    }
    let mut articles = Vec::new();
    for (name, text) in EXAMPLES {
        for a in eventwire_ingest::read_jsonl(name, text.as_bytes()) {
            articles.push(a?);
        }
    }
    let shared = eventwire_eval::corpus::shared_dir().filter(|_| !args.examples_only);
    match &shared {
        Some(dir) => {
            articles.extend(eventwire_eval::corpus::reuters(dir)?);
            articles.extend(eventwire_eval::corpus::bbc(dir)?);
        }
        None => eprintln!("eventwire: demo with the bundled examples only (no ../shared)"),
    }
    let coded_at = chrono::Local::now().format("%Y-%m-%d").to_string();
    let coder = Coder::bundled().with_coded_date(&coded_at);
    let mut store = Store::open(&db)?;
    let (mut stored, start) = (0, std::time::Instant::now());
    eprintln!(
        "eventwire: coding {} articles into {}",
        articles.len(),
        db.display()
    );
    let report = |msg: &str| eprintln!("eventwire: {msg}");
    for chunk in articles.chunks(2048) {
        let entries = crate::ingest::prepare_batch(&store, &coder, chunk.to_vec(), &[], &report)?;
        stored += store.write(&entries, &coded_at)?.events;
    }
    store.checkpoint()?;
    eprintln!(
        "eventwire: {stored} events stored in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    drop(store);
    eventwire_serve::run(eventwire_serve::Config {
        addr: args.addr,
        db: Some(db),
        query_timeout: eventwire_serve::QUERY_TIMEOUT,
    })?;
    Ok(ExitCode::SUCCESS)
}
