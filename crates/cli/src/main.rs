//! `eventwire`: the command line. Glue only: every stage lives in its own crate.
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use eventwire_coder::peer::PeerCoder;
use eventwire_coder::tabari::TabariCoder;
use eventwire_coder::Coder;
use eventwire_lexicon::petrarch::Dictionaries;
use eventwire_lexicon::LexiconBuilder;
use eventwire_model::{Article, Event};
use eventwire_resolve::geo::{Gazetteer, OutletHomes};
use eventwire_sinks::{CameoTsv, PloverJsonl, Sink};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

mod bench;
mod ingest;
mod pipe;
mod serve;
#[cfg(feature = "nats")]
mod worker;

/// mimalloc: glibc's allocator serialises the worker threads on this workload (many small
/// short-lived allocations per article); with mimalloc both cores code in parallel.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "eventwire",
    version,
    about = "News text in, PLOVER and CAMEO political events out."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Code articles (files or folders in any format `ingest` reads, `-` for stdin) and write one event per line.
    Code(CodeArgs),
    /// Check or describe the lexicon.
    Lexicon {
        #[command(subcommand)]
        action: LexiconAction,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// Score eventwire on a gold set (prints the figures).
    Eval {
        #[command(subcommand)]
        set: EvalSet,
    },
    /// Find and resolve place names: one JSON line per mention.
    Geoparse {
        /// Input files as for `code`.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// Publication date for plain-text input.
        #[arg(long)]
        published: Option<String>,
        /// Learn each outlet's home province (URL host, else source) from the places in its
        /// articles first, and prefer readings there ("Alexandria" in a Louisiana paper): for local
        /// news. Reads the inputs twice, so not stdin.
        #[arg(long)]
        outlet_homes: bool,
    },
    /// Measure coding speed over news text (sentences/s, MB/s, peak memory).
    Bench(bench::BenchArgs),
    /// Code news files (folders recursively) into the event store, skipping what it holds.
    Ingest(ingest::IngestArgs),
    /// Write the store's events as JSONL, CAMEO TSV, CSV or Parquet.
    Export(ingest::ExportArgs),
    /// Write articles from any input `ingest` reads (or a shared corpus) as JSONL.
    Articles(pipe::ArticlesArgs),
    /// Print each JSONL article's near-duplicate (MinHash LSH) keys, one line per record.
    DedupKeys(pipe::DedupKeysArgs),
    /// Serve the HTTP API and the dashboard over a store (http://127.0.0.1:8080).
    Serve(serve::ServeArgs),
    /// Build a store from the examples (and the shared news text) and serve it.
    Demo(serve::DemoArgs),
    /// Publish articles into a NATS JetStream work queue (awaiting acks, bounded in flight).
    #[cfg(feature = "nats")]
    Feed(worker::FeedArgs),
    /// Code articles from a NATS JetStream work queue into the store or an output subject.
    #[cfg(feature = "nats")]
    Worker(worker::WorkerArgs),
}

#[derive(clap::Args)]
struct CodeArgs {
    /// Inputs: files or folders (recursively) of JSONL, plain text (first line = title), HTML, WARC, RSS/Atom/OPML, CSV/TSV, optionally gzip or zstd compressed; `-` = stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "plover")]
    format: Format,
    /// Publication date for plain-text input (YYYY-MM-DD).
    #[arg(long)]
    published: Option<String>,
    /// Report bad records on stderr and code the rest (exit 0).
    #[arg(long)]
    skip_bad: bool,
    /// Skip event locations (the gazetteer is then never loaded).
    #[arg(long)]
    no_locations: bool,
    /// Learn each outlet's home province (URL host, else source) from the places in its
    /// articles first, and prefer readings there ("Alexandria" in a Louisiana paper): for local
    /// news. Reads the inputs twice, so not stdin.
    #[arg(long)]
    outlet_homes: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(clap::Args, Default)]
struct LexiconArgs {
    /// Extra lexicon files in eventwire's grammar (data/lexicon/README.md), added to the bundled
    /// lexicon: `countries.txt`, `organizations.txt`, `people.txt`, `sectors.txt`, `disputed.txt`
    /// by name; any file under an `events/` folder or named `*.events.txt` holds event patterns.
    #[arg(long = "lexicon", value_name = "FILE", value_delimiter = ',')]
    files: Vec<String>,
    /// Treat any bad lexicon line as fatal.
    #[arg(long)]
    strict: bool,
    /// A peer's dictionary set: `petrarch:PETR_config.ini` or `tabari:X.project`. Replaces
    /// eventwire's lexicon (its code tables stay) unless `--extend` is given.
    #[arg(long, value_name = "petrarch:CONFIG|tabari:PROJECT")]
    dictionaries: Option<String>,
    /// PETRARCH verb dictionaries (CAMEO.2.0.txt, PETR.Validate.verbs.txt).
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    verbs: Vec<String>,
    /// PETRARCH actor dictionaries.
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    actors: Vec<String>,
    /// PETRARCH agent dictionaries.
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    agents: Vec<String>,
    /// PETRARCH discard lists.
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    discards: Vec<String>,
    /// Add the peer dictionaries to eventwire's lexicon instead of replacing it.
    #[arg(long)]
    extend: bool,
}

/// The coder a `code` run uses: eventwire's lexicon, or a peer's dictionaries with the peer's
/// post-processing.
enum ArticleCoder {
    Ours(Coder),
    Peer(PeerCoder),
    /// TABARI's own algorithm over a `.project`; the code table gives the PLOVER fields.
    Tabari(Box<TabariCoder>, eventwire_lexicon::CodeTable, String),
}

impl ArticleCoder {
    fn code(&self, a: &Article) -> Result<Vec<Event>, eventwire_coder::CodeError> {
        match self {
            ArticleCoder::Ours(c) => c.code(a),
            ArticleCoder::Peer(c) => c.code_article(a),
            ArticleCoder::Tabari(c, codes, coded_date) => c.code_article(a, codes, coded_date),
        }
    }
}

impl LexiconArgs {
    /// The coder for `code`: with peer dictionaries a [`PeerCoder`], else the bundled lexicon
    /// plus the user's files. Bad lines are reported (fatal with --strict).
    fn article_coder(&self, locations: bool, coded_date: &str) -> Result<ArticleCoder> {
        if let Some(project) = self.tabari_project() {
            let (coder, problems) = TabariCoder::load(Path::new(project))?;
            self.report(&problems)?;
            eprintln!("eventwire: TABARI project {project} loaded (events have no locations)");
            let (lexicon, _) = LexiconBuilder::codes_only().build();
            return Ok(ArticleCoder::Tabari(
                Box::new(coder),
                lexicon.codes,
                coded_date.to_string(),
            ));
        }
        Ok(match self.peers()? {
            Some(d) => {
                let (coder, problems) = PeerCoder::new(d, self.base()?);
                self.report(&problems)?;
                ArticleCoder::Peer(coder.with_locations(locations).with_coded_date(coded_date))
            }
            None => {
                let (coder, problems) = Coder::from_builder(&self.base()?);
                self.report(&problems)?;
                ArticleCoder::Ours(coder.with_locations(locations).with_coded_date(coded_date))
            }
        })
    }

    fn report(&self, problems: &[eventwire_lexicon::LexiconError]) -> Result<()> {
        for p in problems {
            eprintln!("eventwire: {p}");
        }
        if self.strict && !problems.is_empty() {
            bail!("{} bad lexicon line(s) (--strict)", problems.len());
        }
        Ok(())
    }

    /// The `.project` of `--dictionaries tabari:X.project` when no other dictionary flag is
    /// given: TABARI's own algorithm then codes (with `--extend` or extra files, the shared
    /// matcher does).
    fn tabari_project(&self) -> Option<&str> {
        let project = self
            .dictionaries
            .as_deref()
            .and_then(|s| s.strip_prefix("tabari:"))?;
        let others = [
            &self.verbs,
            &self.actors,
            &self.agents,
            &self.discards,
            &self.files,
        ]
        .iter()
        .any(|v| !v.is_empty());
        (!others && !self.extend).then_some(project)
    }

    fn has_peers(&self) -> bool {
        self.dictionaries.is_some()
            || [&self.verbs, &self.actors, &self.agents, &self.discards]
                .iter()
                .any(|v| !v.is_empty())
    }

    /// The peer dictionaries named by `--dictionaries`, `--verbs`, … (their summary goes to
    /// stderr), or None.
    fn peers(&self) -> Result<Option<Dictionaries>> {
        if !self.has_peers() {
            return Ok(None);
        }
        let (d, errors) = match self.dictionaries.as_deref().map(|s| (s, s.split_once(':'))) {
            None => Default::default(),
            Some((_, Some(("petrarch", f)))) => {
                eventwire_lexicon::petrarch::load_config(Path::new(f))?
            }
            Some((_, Some(("tabari", f)))) => {
                eventwire_lexicon::tabari::load_project(Path::new(f)).map(|(d, _, e)| (d, e))?
            }
            Some((spec, _)) => {
                bail!("--dictionaries {spec:?}: expected petrarch:CONFIG.ini or tabari:X.project")
            }
        };
        let (mut d, mut errors): (Dictionaries, _) = (d, errors);
        for (kind, files) in [
            ("verbs", &self.verbs),
            ("actors", &self.actors),
            ("agents", &self.agents),
            ("discards", &self.discards),
        ] {
            for f in files {
                d.load_file(kind, Path::new(f), &mut errors)?;
            }
        }
        for e in &errors {
            eprintln!("eventwire: {e}");
        }
        eprintln!(
            "eventwire: loaded {d}{}",
            if errors.is_empty() {
                String::new()
            } else {
                format!("; {} unreadable line(s)", errors.len())
            }
        );
        if self.strict && !errors.is_empty() {
            bail!("{} bad dictionary line(s) (--strict)", errors.len());
        }
        Ok(Some(d))
    }

    /// The lexicon under any peer dictionaries: bundled (or, with peer dictionaries and no
    /// `--extend`, only the code tables) plus the user's lexicon files.
    fn base(&self) -> Result<LexiconBuilder> {
        let mut b = if self.has_peers() && !self.extend {
            LexiconBuilder::codes_only()
        } else {
            LexiconBuilder::bundled()
        };
        for f in &self.files {
            let text = std::fs::read_to_string(f).with_context(|| format!("{f}: cannot read"))?;
            let path = if f.ends_with(".events.txt") {
                format!("events/{f}")
            } else {
                f.clone()
            };
            b.add_file(&path, text);
        }
        Ok(b)
    }

    /// The base lexicon with the peer dictionaries compiled in.
    fn builder(&self) -> Result<LexiconBuilder> {
        let mut b = self.base()?;
        if let Some(d) = self.peers()? {
            b.add_dictionaries(d);
        }
        Ok(b)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// PLOVER JSONL (the output contract).
    Plover,
    /// PETRARCH2-style CAMEO TSV.
    CameoTsv,
}

#[derive(Subcommand)]
enum LexiconAction {
    /// Parse every lexicon file and run every example sentence; exit 1 on any problem.
    Check,
    /// Print what the lexicon holds.
    Stats,
}

#[derive(Subcommand)]
enum EvalSet {
    /// PLOVER gold-standard records (PLOVER_GSR_CAMEO.json).
    PloverGsr { file: String },
    /// ConfliBERT CAMEO penta-class sentences (cameo_class_*.tsv).
    Conflibert { file: String },
    /// PETRARCH unit-test records from raw text, with the PETR.Validate dictionaries beside them.
    PetrarchSuite {
        file: String,
        /// PETRARCH2's recorded results (default: found under peers/petrarch2/outputs).
        #[arg(long)]
        petrarch2: Option<String>,
    },
    /// UniversalPetrarch's GSR (PETR2_GSR_validation.xml) with PETRARCH2's dictionaries.
    PetrarchGsr {
        file: String,
        /// GigaWord.sample.PETR.xml: score only its records, with its text.
        #[arg(long)]
        text: Option<String>,
        /// PETR_config.ini (default: ../config/PETR_config.ini beside the --text file).
        #[arg(long)]
        config: Option<String>,
        /// PETRARCH2's recorded results (default: found under peers/petrarch2/outputs).
        #[arg(long)]
        petrarch2: Option<String>,
    },
    /// TABARI's validation records (the .project names dictionaries and Validate.text).
    TabariSuite { project: String },
    /// Geoparsing gold (LGL, TR-News, GeoVirus XML): detection and resolution.
    Geo { file: String },
    /// Near-duplicate detection on synthetic rewrites of the shared news text.
    Dedup,
    /// Main-text extraction on the article-extraction benchmark folder (html/, ground-truth.json).
    Extraction { dir: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(args) => code(args),
        Command::Lexicon {
            action,
            lexicon: files,
        } => lexicon(action, &files),
        Command::Eval { set } => eval(set),
        Command::Geoparse {
            inputs,
            published,
            outlet_homes,
        } => geoparse(&inputs, published.as_deref(), outlet_homes),
        Command::Bench(args) => bench::run(args),
        Command::Ingest(args) => ingest::ingest(args),
        Command::Export(args) => ingest::export(args),
        Command::Articles(args) => pipe::articles(args),
        Command::DedupKeys(args) => pipe::dedup_keys(args),
        Command::Serve(args) => serve::serve(args),
        Command::Demo(args) => serve::demo(args),
        #[cfg(feature = "nats")]
        Command::Feed(args) => worker::feed(args),
        #[cfg(feature = "nats")]
        Command::Worker(args) => worker::worker(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("eventwire: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// One unit of input: an article or a located problem.
type Item = Result<Article, String>;

/// Articles per batch handed to the workers.
const BATCH: usize = 512;

/// Reads `path` (`-` = stdin; a folder is walked recursively) in any format eventwire-ingest
/// knows — JSONL, plain text, HTML, WARC, RSS/Atom/OPML, CSV/TSV, gzip or zstd compressed — and
/// hands its items to `visit` in batches of up to [`BATCH`]; `visit` returns false to stop.
/// Input is streamed, so `eventwire code -` runs as a long-lived pipe worker (Spark's
/// `RDD.pipe`) in bounded memory.
fn read_batches(
    path: &str,
    published: Option<&str>,
    mut visit: impl FnMut(Vec<Item>) -> Result<bool>,
) -> Result<()> {
    let options = eventwire_ingest::Options {
        published: published.map(str::to_string),
        ..Default::default()
    };
    let mut items: eventwire_ingest::Articles = if path == "-" {
        eventwire_ingest::read_reader("-", io::stdin(), &options)
    } else {
        std::fs::metadata(path).with_context(|| format!("{path}: cannot open"))?;
        eventwire_ingest::read_path(Path::new(path), &options)
    };
    loop {
        let batch: Vec<Item> = items
            .by_ref()
            .take(BATCH)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect();
        if batch.is_empty() || !visit(batch)? {
            return Ok(());
        }
    }
}

fn code(args: CodeArgs) -> Result<ExitCode> {
    let mut coder = args.lexicon.article_coder(
        !args.no_locations,
        &chrono::Local::now().format("%Y-%m-%d").to_string(),
    )?;
    if args.outlet_homes {
        let ArticleCoder::Ours(ours) = coder else {
            bail!("--outlet-homes works with eventwire's lexicon, not peer dictionaries");
        };
        let homes = learn_outlet_homes(&args.inputs, args.published.as_deref())?;
        coder = ArticleCoder::Ours(ours.with_outlet_homes(std::sync::Arc::new(homes)));
    }
    let format = args.format;
    let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut bad = 0usize;
    let mut events_out = 0usize;
    // Each worker codes an article and renders its events with the chosen sink into its own
    // buffer, so serialisation runs on both cores; the main thread only writes, in input order.
    let render = |events: &[Event]| -> io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(events.len() * 2048);
        {
            let mut sink: Box<dyn Sink + '_> = match format {
                Format::Plover => Box::new(PloverJsonl::new(&mut buf)),
                Format::CameoTsv => Box::new(CameoTsv::new(&mut buf)),
            };
            for e in events {
                sink.event(e)?;
            }
            sink.finish()?;
        }
        Ok(buf)
    };
    let mut stopped = false;
    for input in &args.inputs {
        read_batches(input, args.published.as_deref(), |batch| {
            let coded: Vec<Result<(Vec<u8>, usize), String>> = batch
                .par_iter()
                .map(|item| match item {
                    Ok(a) if a.published.is_empty() => Err(format!(
                        "{input}: article {:?} has no publication date: pass --published YYYY-MM-DD",
                        a.id
                    )),
                    Ok(a) => coder
                        .code(a)
                        .map_err(|e| format!("{input}: article {:?}: {e}", a.id))
                        .and_then(|events| {
                            render(&events)
                                .map(|b| (b, events.len()))
                                .map_err(|e| format!("rendering output: {e}"))
                        }),
                    Err(e) => Err(e.clone()),
                })
                .collect();
            for r in coded {
                match r {
                    Ok((bytes, n)) => {
                        events_out += n;
                        out.write_all(&bytes).context("writing output")?;
                    }
                    Err(msg) => {
                        eprintln!("eventwire: {msg}");
                        bad += 1;
                        if !args.skip_bad {
                            stopped = true;
                            return Ok(false);
                        }
                    }
                }
            }
            // A pipe reader sees each batch's events as soon as they are coded.
            out.flush().context("writing output")?;
            Ok(true)
        })?;
        if stopped {
            out.flush()?;
            eprintln!(
                "eventwire: stopped at the first bad record (use --skip-bad to code the rest)"
            );
            return Ok(ExitCode::from(1));
        }
    }
    out.flush()?;
    if bad > 0 {
        eprintln!("eventwire: skipped {bad} bad record(s); wrote {events_out} event(s)");
    }
    Ok(ExitCode::SUCCESS)
}

fn lexicon(action: LexiconAction, files: &LexiconArgs) -> Result<ExitCode> {
    let (coder, problems) = Coder::from_builder(&files.builder()?);
    for p in &problems {
        eprintln!("{p}");
    }
    let lex = coder.lexicon();
    match action {
        LexiconAction::Stats => {
            println!("actor phrases: {}", lex.actors.phrase_count());
            println!("actor entries: {}", lex.actors.entries.len());
            println!("event patterns: {}", lex.events.patterns.len());
            println!("pattern words: {}", lex.events.vocabulary_len());
            println!("CAMEO codes: {}", lex.codes.len());
            Ok(ExitCode::SUCCESS)
        }
        LexiconAction::Check => {
            let results = coder.check_examples();
            let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
            for f in &failed {
                println!(
                    "{}: example of {} ({}) yielded {:?}",
                    f.source, f.pattern, f.expected, f.got
                );
            }
            println!(
                "{} problems; examples: {} passed, {} failed",
                problems.len(),
                results.len() - failed.len(),
                failed.len()
            );
            Ok(if problems.is_empty() && failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn eval(set: EvalSet) -> Result<ExitCode> {
    let coder = Coder::bundled();
    let report = match set {
        EvalSet::PloverGsr { file } => eventwire_eval::plover_gsr(&coder, Path::new(&file))?,
        EvalSet::Conflibert { file } => eventwire_eval::conflibert(&coder, Path::new(&file))?,
        EvalSet::PetrarchSuite { file, petrarch2 } => eventwire_eval::suites::petrarch_suite(
            Path::new(&file),
            petrarch2.as_deref().map(Path::new),
        )?,
        EvalSet::PetrarchGsr {
            file,
            text,
            config,
            petrarch2,
        } => {
            let config = config.map(std::path::PathBuf::from).or_else(|| {
                text.as_ref().map(|t| {
                    Path::new(t)
                        .parent()
                        .unwrap_or(Path::new("."))
                        .join("../config/PETR_config.ini")
                })
            });
            let config = config.context(
                "give --config PETR_config.ini (or --text beside PETRARCH2's data/config)",
            )?;
            eventwire_eval::suites::petrarch_gsr(
                Path::new(&file),
                text.as_deref().map(Path::new),
                &config,
                petrarch2.as_deref().map(Path::new),
            )?
        }
        EvalSet::TabariSuite { project } => {
            eventwire_eval::suites::tabari_suite(Path::new(&project))?
        }
        EvalSet::Geo { file } => eventwire_eval::geo::geo(Path::new(&file))?,
        EvalSet::Extraction { dir } => eventwire_eval::extraction::extraction(Path::new(&dir))?,
        EvalSet::Dedup => eventwire_eval::dedup::dedup(
            &eventwire_eval::corpus::shared_dir()
                .context("no ../shared folder (set EVENTWIRE_SHARED)")?,
        )?,
    };
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Each outlet's home province, learned from a first pass over `inputs` (`--outlet-homes`).
pub(crate) fn learn_outlet_homes(
    inputs: &[String],
    published: Option<&str>,
) -> Result<OutletHomes> {
    if inputs.iter().any(|i| i == "-") {
        bail!("--outlet-homes reads the inputs twice, so it cannot read stdin");
    }
    let g = Gazetteer::bundled();
    let mut homes = OutletHomes::default();
    for input in inputs {
        read_batches(input, published.or(Some("1970-01-01")), |batch| {
            let places: Vec<_> = batch
                .par_iter()
                .filter_map(|item| eventwire_coder::outlet_places(g, item.as_ref().ok()?))
                .collect();
            for (outlet, targets) in places {
                homes.add(g, &outlet, targets);
            }
            Ok(true)
        })?;
    }
    Ok(homes)
}

fn geoparse(inputs: &[String], published: Option<&str>, outlet_homes: bool) -> Result<ExitCode> {
    let g = Gazetteer::bundled();
    let homes = if outlet_homes {
        Some(learn_outlet_homes(inputs, published)?)
    } else {
        None
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut bad = 0;
    for input in inputs {
        read_batches(input, published.or(Some("1970-01-01")), |batch| {
            for item in batch {
                let a = match item {
                    Ok(a) => a,
                    Err(e) => {
                        eprintln!("eventwire: {e}");
                        bad += 1;
                        continue;
                    }
                };
                for m in eventwire_coder::geoparse(g, &a, homes.as_ref()) {
                    serde_json::to_writer(&mut out, &m)?;
                    writeln!(out)?;
                }
            }
            Ok(true)
        })?;
    }
    out.flush()?;
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
