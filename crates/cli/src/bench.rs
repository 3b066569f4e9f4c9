//! `eventwire bench`: coding speed over the shared BBC and Reuters news text.
//!
//! Prints sentences/s, MB/s and peak memory for the full coder on all cores, and, measured in the
//! same run, three baselines: the coder without event locations, the text stage alone (segment +
//! tokenize) and the coder on one thread.
use anyhow::{bail, Result};
use eventwire_coder::Coder;
use eventwire_model::Article;
use eventwire_text::{segment, Document};
use rayon::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Megabytes of text to code (the corpus is repeated to reach it).
    #[arg(long, default_value_t = 100)]
    mb: usize,
    /// The shared folder (default: ../shared or $EVENTWIRE_SHARED).
    #[arg(long)]
    shared: Option<String>,
    #[command(subcommand)]
    target: Option<crate::ingest::BenchTarget>,
}

/// User + system CPU seconds this process has used, all threads (`/proc/self/stat`, in the
/// kernel's clock ticks of 1/100 s; 0 where it cannot be read): on a shared machine it measures
/// the work where wall time measures the neighbours too.
pub(crate) fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses and may hold spaces.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Pairs of passes (with and without event locations) the coder benchmark times.
const ROUNDS: usize = 5;

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    let shared = match args.shared {
        Some(s) => std::path::PathBuf::from(s),
        None => match eventwire_eval::corpus::shared_dir() {
            Some(p) => p,
            None => bail!("no ../shared folder: pass --shared DIR (the bench codes its BBC and Reuters news text)"),
        },
    };
    if let Some(target) = args.target {
        return crate::ingest::bench(target, &shared);
    }
    let t = Instant::now();
    let coder = Coder::bundled().with_locations(false);
    eventwire_text::Lemmatizer::bundled();
    let load = t.elapsed().as_secs_f64();
    let rss_before_gazetteer = peak_rss_mb();
    let t = Instant::now();
    eventwire_resolve::geo::Gazetteer::bundled();
    let gazetteer_load = t.elapsed().as_secs_f64();
    let located = Coder::bundled();
    let gazetteer_mb = peak_rss_mb() - rss_before_gazetteer;
    let mut base = eventwire_eval::corpus::bbc(&shared)?;
    base.extend(eventwire_eval::corpus::reuters(&shared)?);
    let base_bytes: usize = base.iter().map(|a| a.title.len() + a.text.len() + 1).sum();
    let target = args.mb << 20;
    let mut articles: Vec<Article> = Vec::new();
    let mut bytes = 0;
    let mut round = 0;
    while bytes < target {
        for a in &base {
            let mut a = a.clone();
            a.id = format!("{}#{round}", a.id);
            articles.push(a);
        }
        bytes += base_bytes;
        round += 1;
    }
    let mb = bytes as f64 / (1 << 20) as f64;
    println!(
        "corpus: {} articles, {:.1} MB (BBC + Reuters x{round})",
        articles.len(),
        mb
    );
    println!("lexicon + lemmas compiled and loaded in {load:.3} s; gazetteer loaded in {gazetteer_load:.3} s (+{gazetteer_mb:.0} MB peak memory)");

    let sentences: usize = articles
        .par_iter()
        .map(|a| segment(&Document::new(&a.title, &a.text)).len())
        .sum();
    let t = Instant::now();
    let again: usize = articles
        .par_iter()
        .map(|a| segment(&Document::new(&a.title, &a.text)).len())
        .sum();
    let text_secs = t.elapsed().as_secs_f64();
    debug_assert_eq!(sentences, again);

    // Warm up (allocator, page cache, thread pool) on one copy of the corpus with both coders,
    // then time [`ROUNDS`] pairs of full passes, one with event locations and one without, in
    // alternating order. A pair's passes run seconds apart, so the machine's slow drifts (this VM
    // moves by a quarter between runs) touch both alike: the share geolocation adds is the
    // median of the pairs' ratios. Passes are timed by the clock and by the CPU time the process
    // used; throughput is each coder's fastest pass.
    let warm = &articles[..articles.len().min(base.len())];
    warm.par_iter().for_each(|a| {
        drop(located.code(a));
        drop(coder.code(a));
    });
    let pass = |c: &Coder| {
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let n: usize = articles
            .par_iter()
            .map(|a| c.code(a).map_or(0, |e| e.len()))
            .sum();
        (n, t.elapsed().as_secs_f64(), cpu_seconds() - cpu)
    };
    let (mut all_secs, mut no_geo_secs) = (f64::MAX, f64::MAX);
    let (mut events, mut unlocated) = (0, 0);
    let (mut clock_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (located_pass, plain_pass) = if round % 2 == 0 {
            let l = pass(&located);
            (l, pass(&coder))
        } else {
            let p = pass(&coder);
            (pass(&located), p)
        };
        (events, unlocated) = (located_pass.0, plain_pass.0);
        all_secs = all_secs.min(located_pass.1);
        no_geo_secs = no_geo_secs.min(plain_pass.1);
        clock_ratios.push(located_pass.1 / plain_pass.1);
        cpu_ratios.push(located_pass.2 / plain_pass.2);
    }
    let added = |ratios: &mut Vec<f64>| {
        ratios.sort_by(f64::total_cmp);
        let pct = |r: f64| 100.0 * (r - 1.0);
        format!(
            "{:.0}% (pairs {:.0}–{:.0}%)",
            pct(ratios[ratios.len() / 2]),
            pct(ratios[0]),
            pct(ratios[ratios.len() - 1])
        )
    };
    let (clock_added, cpu_added) = (added(&mut clock_ratios), added(&mut cpu_ratios));

    let slice = &articles[..articles.len().min(base.len())];
    let slice_bytes: usize = slice.iter().map(|a| a.title.len() + a.text.len() + 1).sum();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let t = Instant::now();
    pool.install(|| slice.iter().for_each(|a| drop(located.code(a))));
    let one_secs = t.elapsed().as_secs_f64();
    let one_rate = slice_bytes as f64 / one_secs;
    let all_rate = bytes as f64 / all_secs;

    println!("threads: {}", rayon::current_num_threads());
    println!(
        "coder:      {:>10.0} sentences/s  {:>7.2} MB/s  {events} events (with event locations)",
        sentences as f64 / all_secs,
        mb / all_secs
    );
    println!(
        "no geo:     {:>10.0} sentences/s  {:>7.2} MB/s  {unlocated} events",
        sentences as f64 / no_geo_secs,
        mb / no_geo_secs
    );
    println!("geolocation adds (median of {ROUNDS} paired passes): {clock_added} time, {cpu_added} CPU time");
    println!(
        "text stage: {:>10.0} sentences/s  {:>7.2} MB/s  (baseline: segment + tokenize only)",
        sentences as f64 / text_secs,
        mb / text_secs
    );
    println!("ratio coder/text-stage time: {:.2}x", all_secs / text_secs);
    println!(
        "one thread: {:>7.2} MB/s; all threads / one thread: {:.2}x",
        one_rate / (1 << 20) as f64,
        all_rate / one_rate
    );
    println!("peak memory: {:.0} MB", peak_rss_mb());
    Ok(ExitCode::SUCCESS)
}
