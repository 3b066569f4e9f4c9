//! Pipe modes for outside engines (Spark's `RDD.pipe`, `mapPartitions` with a subprocess):
//! `eventwire articles` turns any input `ingest` reads (WARC, HTML, feeds, CSV, compressed
//! files, or the shared benchmark corpora) into JSONL articles; `eventwire dedup-keys` prints
//! each article's near-duplicate signature and LSH band keys, and with `--pairs` scores
//! candidate pairs, so that an engine groups articles by band key and decides duplicates with
//! exactly the store's rules ([`eventwire_resolve::dedup`]).
use anyhow::{bail, Context, Result};
use eventwire_resolve::dedup::{band_keys, Signature};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// A shared benchmark corpus (`../shared/corpora`), read as `eventwire bench` reads it.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SharedCorpus {
    /// BBC News 2004–05.
    Bbc,
    /// Reuters-21578 stories with a body.
    Reuters,
}

#[derive(clap::Args)]
pub struct ArticlesArgs {
    /// Files or folders (read recursively) in any format `ingest` reads; `-` = stdin.
    paths: Vec<PathBuf>,
    /// Also write a shared benchmark corpus (after the paths).
    #[arg(long, value_enum)]
    corpus: Vec<SharedCorpus>,
    /// Publication date of inputs that give none (YYYY-MM-DD).
    #[arg(long)]
    published: Option<String>,
    /// Report bad records on stderr and go on (exit 0).
    #[arg(long)]
    skip_bad: bool,
}

#[derive(clap::Args)]
pub struct DedupKeysArgs {
    /// JSONL articles (with `--pairs`: candidate pairs); `-` = stdin.
    #[arg(default_value = "-")]
    input: String,
    /// Score candidate pairs instead: each input line is `FIRST<TAB>LATER<TAB>SIG<TAB>SIG`
    /// (opaque labels, then the two articles' signatures as printed without `--pairs`); each
    /// pair where the later article duplicates the first is printed as
    /// `FIRST<TAB>LATER<TAB>SCORE` (the store keeps the highest score, ties to the earliest).
    #[arg(long)]
    pairs: bool,
}

/// Writes every article of the inputs as one JSON line.
pub fn articles(args: ArticlesArgs) -> Result<ExitCode> {
    if args.paths.is_empty() && args.corpus.is_empty() {
        bail!("give files, `-` or --corpus");
    }
    let options = eventwire_ingest::Options {
        published: args.published.clone(),
        ..Default::default()
    };
    let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut bad = 0usize;
    for path in &args.paths {
        let items = if path.as_os_str() == "-" {
            eventwire_ingest::read_reader("-", io::stdin(), &options)
        } else {
            eventwire_ingest::read_path(path, &options)
        };
        for item in items {
            match item {
                Ok(a) => {
                    serde_json::to_writer(&mut out, &a)?;
                    out.write_all(b"\n")?;
                }
                Err(e) => {
                    eprintln!("eventwire: {e}");
                    bad += 1;
                    if !args.skip_bad {
                        out.flush()?;
                        eprintln!(
                            "eventwire: stopped at the first bad record (use --skip-bad to go on)"
                        );
                        return Ok(ExitCode::from(1));
                    }
                }
            }
        }
    }
    if !args.corpus.is_empty() {
        let shared = eventwire_eval::corpus::shared_dir()
            .context("no ../shared folder (set EVENTWIRE_SHARED)")?;
        for corpus in &args.corpus {
            let list = match corpus {
                SharedCorpus::Bbc => eventwire_eval::corpus::bbc(&shared),
                SharedCorpus::Reuters => eventwire_eval::corpus::reuters(&shared),
            }
            .with_context(|| format!("reading the shared corpora in {}", shared.display()))?;
            for a in list {
                serde_json::to_writer(&mut out, &a)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    if bad > 0 {
        eprintln!("eventwire: skipped {bad} bad record(s)");
    }
    Ok(ExitCode::SUCCESS)
}

/// For each JSONL record, one line: `{"line", "id", "hash", "outlet", "signature", "keys"}`
/// (the signature as hex of its stored bytes, band keys as 16-digit hex; both empty for a text
/// too short to sign), or `{"line", "error"}` for a bad record. `line` counts the non-blank
/// input lines, so an engine can zip the output with its input. With `--pairs`, scores pairs.
pub fn dedup_keys(args: DedupKeysArgs) -> Result<ExitCode> {
    let input: Box<dyn io::BufRead> = if args.input == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(io::BufReader::new(
            std::fs::File::open(&args.input)
                .with_context(|| format!("{}: cannot open", args.input))?,
        ))
    };
    let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
    if args.pairs {
        score_pairs(&args.input, input, &mut out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    for (n, item) in eventwire_ingest::read_jsonl(&args.input, input).enumerate() {
        let line = match item {
            Ok(a) => {
                let sig = Signature::of(&a.text);
                serde_json::json!({
                    "line": n + 1,
                    "id": &a.id,
                    "hash": eventwire_store::content_hash(&a),
                    "outlet": eventwire_store::outlet(&a),
                    "signature": hex(&sig.to_bytes()),
                    "keys": band_keys(&sig).iter().map(|k| format!("{k:016x}")).collect::<Vec<_>>(),
                })
            }
            Err(e) => serde_json::json!({"line": n + 1, "error": e.to_string()}),
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
        if n % 512 == 511 {
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `dedup-keys --pairs`: the pairs whose later article duplicates the first, with the score.
fn score_pairs(name: &str, input: Box<dyn io::BufRead>, out: &mut impl Write) -> Result<()> {
    for (n, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: line {}: cannot read", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: &str| anyhow::anyhow!("{name}: line {}: {reason}", n + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let [first, later, a, b] = fields[..] else {
            bail!(bad("expected FIRST<TAB>LATER<TAB>SIGNATURE<TAB>SIGNATURE"));
        };
        let signature = |s: &str| {
            unhex(s)
                .and_then(|bytes| Signature::from_bytes(&bytes))
                .ok_or_else(|| bad("not a signature printed by `eventwire dedup-keys`"))
        };
        if let Some(score) = signature(b)?.duplicate_score(&signature(a)?) {
            writeln!(out, "{first}\t{later}\t{score}")?;
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
