//! Crash-safe ingest: `eventwire ingest` killed with SIGKILL at a random moment (seeded), then run
//! again to completion, leaves the store with exactly the events of an uninterrupted run — none
//! lost, none duplicated, near-duplicate counts intact — in each of several rounds. The corpus is built from the shipped
//! examples: thousands of articles of shuffled example sentences, so that ingest spans several
//! write batches and takes a few seconds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Seed of the kill moments and of the corpus.
const SEED: u64 = 0x6b69_6c6c;
/// Rounds of kill then resume, each on a fresh store.
const ROUNDS: usize = 5;
/// Articles in the corpus (ingest writes 2,048 a transaction).
const ARTICLES: usize = 4500;

/// splitmix64: a few reproducible numbers are all the test needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Articles of six example sentences each, in seeded random order, with their own ids and dates.
fn write_corpus(path: &Path, rng: &mut Rng) {
    let mut sentences = Vec::new();
    for file in ["examples/karabakh.jsonl", "examples/stories.jsonl"] {
        for line in std::fs::read_to_string(repo(file)).unwrap().lines() {
            let article: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = article["text"].as_str().unwrap().to_string();
            sentences.extend(
                text.lines()
                    .flat_map(|l| l.split_inclusive(". "))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
        }
    }
    assert!(
        sentences.len() > 20,
        "examples too small: {}",
        sentences.len()
    );
    let mut out = String::new();
    for k in 0..ARTICLES {
        let text: Vec<&str> = (0..6)
            .map(|_| sentences[rng.below(sentences.len() as u64) as usize].as_str())
            .collect();
        let article = serde_json::json!({
            "id": format!("k{k}"),
            "title": format!("Report {k}"),
            "text": text.join(" "),
            "published": format!("2023-09-{:02}", 1 + k % 28),
        });
        out.push_str(&article.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn ingest(corpus: &Path, db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eventwire"));
    c.arg("ingest").arg(corpus).arg("--db").arg(db);
    c
}

/// Runs ingest to completion; returns how long it took.
fn ingest_whole(corpus: &Path, db: &Path) -> Duration {
    let started = Instant::now();
    let out = ingest(corpus, db).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ingest into {db:?}: {stderr}");
    assert!(stderr.contains(" 0 bad"), "{stderr}");
    started.elapsed()
}

/// The store's events, one JSON line each, sorted; `coded_date` (the day of coding) left out.
fn events(db: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_eventwire"))
        .args(["export", "--format", "jsonl", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut e: serde_json::Value = serde_json::from_str(l).unwrap();
            e.as_object_mut().unwrap().remove("coded_date");
            e.to_string()
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn kill_9_at_random_moments_then_resume_gives_the_uninterrupted_events() {
    let scratch = tempfile::Builder::new()
        .prefix("eventwire-kill-ingest-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let mut rng = Rng(SEED);
    let corpus = dir.join("corpus.jsonl");
    write_corpus(&corpus, &mut rng);

    let reference_db = dir.join("reference.db");
    let whole = ingest_whole(&corpus, &reference_db);
    let reference = events(&reference_db);
    assert!(reference.len() > 1000, "only {} events", reference.len());

    for round in 0..ROUNDS {
        let db = dir.join(format!("killed-{round}.db"));
        let at = Duration::from_millis(rng.below(whole.as_millis() as u64 * 9 / 10 + 1));
        let mut child = ingest(&corpus, &db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let had_finished = child.try_wait().unwrap().is_some();
        // std's kill is SIGKILL on Unix: no handler, no flush, no clean close.
        child.kill().unwrap();
        child.wait().unwrap();
        ingest_whole(&corpus, &db);
        let resumed = events(&db);
        let context = format!(
            "seed {SEED:#x}, round {round}: killed after {at:?} (had finished: {had_finished}) of an uninterrupted {whole:?}"
        );
        assert_eq!(
            resumed.len(),
            reference.len(),
            "event count differs; {context}"
        );
        if let Some((got, want)) = resumed.iter().zip(&reference).find(|(a, b)| a != b) {
            panic!("events differ; {context}\nresumed:       {got}\nuninterrupted: {want}");
        }
    }
}
