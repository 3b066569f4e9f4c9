//! `eventwire`: the command line. Glue only: every stage lives in its own crate.
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use eventwire_coder::Coder;
use eventwire_model::{Article, Event};
use eventwire_sinks::{CameoTsv, PloverJsonl, Sink};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::Path;
use std::process::ExitCode;

mod bench;

#[derive(Parser)]
#[command(name = "eventwire", version, about = "News text in, PLOVER and CAMEO political events out.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Code articles (JSONL or plain-text files, `-` for stdin) and write one event per line.
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
    /// Measure coding speed over news text (sentences/s, MB/s, peak memory).
    Bench(bench::BenchArgs),
}

#[derive(clap::Args)]
struct CodeArgs {
    /// Input files: `.jsonl` (one article per line), other files are plain text (first line = title); `-` = stdin.
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
}

impl LexiconArgs {
    /// The bundled lexicon plus the user's files; bad lines are reported (fatal with --strict).
    fn coder(&self) -> Result<Coder> {
        let mut b = eventwire_lexicon::LexiconBuilder::bundled();
        for f in &self.files {
            let text = std::fs::read_to_string(f).with_context(|| format!("{f}: cannot read"))?;
            let path = if f.ends_with(".events.txt") { format!("events/{f}") } else { f.clone() };
            b.add_file(&path, text);
        }
        let (coder, problems) = Coder::from_builder(&b);
        for p in &problems {
            eprintln!("eventwire: {p}");
        }
        if self.strict && !problems.is_empty() {
            bail!("{} bad lexicon line(s) (--strict)", problems.len());
        }
        Ok(coder)
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(args) => code(args),
        Command::Lexicon { action, lexicon: files } => lexicon(action, &files),
        Command::Eval { set } => eval(set),
        Command::Bench(args) => bench::run(args),
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

fn read_input(path: &str, published: Option<&str>) -> Result<Vec<Item>> {
    let mut bytes = Vec::new();
    let name = if path == "-" { "-".to_string() } else { path.to_string() };
    if path == "-" {
        io::stdin().lock().read_to_end(&mut bytes).context("reading stdin")?;
    } else {
        let meta = std::fs::metadata(path).with_context(|| format!("{path}: cannot open"))?;
        if meta.is_dir() {
            bail!("{path}: is a directory (give files, or `-` for stdin)");
        }
        bytes = std::fs::read(path).with_context(|| format!("{path}: cannot read"))?;
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let is_jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson") || path.ends_with(".json") || (path == "-" && first == Some(b'{'));
    if is_jsonl {
        let items = eventwire_ingest::read_jsonl(&name, &bytes[..])
            .map(|r| {
                r.map(|mut a| {
                    if a.published.is_empty() {
                        a.published = published.unwrap_or_default().to_string();
                    }
                    a
                })
                .map_err(|e| e.to_string())
            })
            .collect();
        return Ok(items);
    }
    let id = Path::new(path).file_stem().map_or("stdin".into(), |s| s.to_string_lossy().into_owned());
    let Some(date) = published else {
        return Ok(vec![Err(format!("{name}: plain text needs a publication date: pass --published YYYY-MM-DD"))]);
    };
    Ok(vec![eventwire_ingest::read_text(&name, &id, &bytes[..], date).map_err(|e| e.to_string())])
}

fn code(args: CodeArgs) -> Result<ExitCode> {
    let coder = args.lexicon.coder()?.with_coded_date(&chrono::Local::now().format("%Y-%m-%d").to_string());
    let stdout = io::stdout().lock();
    let mut sink: Box<dyn Sink> = match args.format {
        Format::Plover => Box::new(PloverJsonl::new(stdout)),
        Format::CameoTsv => Box::new(CameoTsv::new(stdout)),
    };
    let mut bad = 0usize;
    let mut events_out = 0usize;
    'inputs: for input in &args.inputs {
        let items = read_input(input, args.published.as_deref())?;
        for batch in items.chunks(512) {
            let coded: Vec<Result<Vec<Event>, String>> = batch
                .par_iter()
                .map(|item| match item {
                    Ok(a) => coder.code(a).map_err(|e| format!("{input}: article {:?}: {e}", a.id)),
                    Err(e) => Err(e.clone()),
                })
                .collect();
            for r in coded {
                match r {
                    Ok(events) => {
                        for e in &events {
                            events_out += 1;
                            if !sink.event(e).context("writing output")? {
                                break 'inputs;
                            }
                        }
                    }
                    Err(msg) => {
                        eprintln!("eventwire: {msg}");
                        bad += 1;
                        if !args.skip_bad {
                            sink.finish()?;
                            eprintln!("eventwire: stopped at the first bad record (use --skip-bad to code the rest)");
                            return Ok(ExitCode::from(1));
                        }
                    }
                }
            }
        }
    }
    sink.finish()?;
    if bad > 0 {
        eprintln!("eventwire: skipped {bad} bad record(s); wrote {events_out} event(s)");
    }
    Ok(ExitCode::SUCCESS)
}

fn lexicon(action: LexiconAction, files: &LexiconArgs) -> Result<ExitCode> {
    let mut b = eventwire_lexicon::LexiconBuilder::bundled();
    for f in &files.files {
        let text = std::fs::read_to_string(f).with_context(|| format!("{f}: cannot read"))?;
        b.add_file(&if f.ends_with(".events.txt") { format!("events/{f}") } else { f.clone() }, text);
    }
    let (coder, problems) = Coder::from_builder(&b);
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
                println!("{}: example of {} ({}) yielded {:?}", f.source, f.pattern, f.expected, f.got);
            }
            println!("{} problems; examples: {} passed, {} failed", problems.len(), results.len() - failed.len(), failed.len());
            Ok(if problems.is_empty() && failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

fn eval(set: EvalSet) -> Result<ExitCode> {
    let coder = Coder::bundled();
    let report = match set {
        EvalSet::PloverGsr { file } => eventwire_eval::plover_gsr(&coder, Path::new(&file))?,
        EvalSet::Conflibert { file } => eventwire_eval::conflibert(&coder, Path::new(&file))?,
    };
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
