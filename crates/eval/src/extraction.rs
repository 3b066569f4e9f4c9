//! Main-text extraction on the Zyte (Scrapinghub) article-extraction benchmark: 181 gzipped pages
//! in `html/` and `ground-truth.json` with each page's article body.
//!
//! Scored as the benchmark's `evaluate.py` does: both texts are split into `\w+` tokens; a page's
//! true/false positives and false negatives are counted over bags of 4-token shingles and
//! normalised by their sum; precision and recall are averaged over pages (pages where they are
//! undefined left out), and F1 is their harmonic mean. The same over single tokens is reported as
//! `token_*`. Speed is extraction alone (decode + parse + extract), on one core.

use crate::{EvalError, Report};
use eventwire_ingest::{compress::decompress, html};
use regex::Regex;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// True positives, false positives, false negatives of one page, normalised to sum to 1.
type Counts = (f64, f64, f64);

/// Runs the extractor over the benchmark folder `dir` and scores it.
pub fn extraction(dir: &Path) -> Result<Report, EvalError> {
    let truth_path = dir.join("ground-truth.json");
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&crate::read(&truth_path)?)
            .map_err(|e| EvalError(format!("{}: {e}", truth_path.display())))?;
    let words = Regex::new(r"\w+").expect("valid regex");
    let mut shingle_counts = Vec::new();
    let mut token_counts = Vec::new();
    let mut exact = 0usize;
    let mut empty = 0usize;
    let mut busy = Duration::ZERO;
    for (key, gold) in &truth {
        let page_path = dir.join("html").join(format!("{key}.html.gz"));
        let bytes = read_page(&page_path)?;
        let url = gold["url"].as_str();
        let started = Instant::now();
        let page = html::extract(&html::decode(&bytes, None), url);
        busy += started.elapsed();
        let predicted = page.map(|p| p.text).unwrap_or_default();
        if predicted.is_empty() {
            empty += 1;
        }
        let gold_tokens = tokens(&words, gold["articleBody"].as_str().unwrap_or_default());
        let predicted_tokens = tokens(&words, &predicted);
        exact += usize::from(gold_tokens == predicted_tokens);
        shingle_counts.push(match_bags(&gold_tokens, &predicted_tokens, 4));
        token_counts.push(match_bags(&gold_tokens, &predicted_tokens, 1));
    }
    let pages = truth.len();
    if pages == 0 {
        return Err(EvalError(format!("{}: no pages", truth_path.display())));
    }
    let (precision, recall, f1) = average(&shingle_counts);
    let (token_precision, token_recall, token_f1) = average(&token_counts);
    let figures = [
        ("pages", pages as f64),
        ("pages_without_text", empty as f64),
        ("precision", precision),
        ("recall", recall),
        ("f1", f1),
        ("token_precision", token_precision),
        ("token_recall", token_recall),
        ("token_f1", token_f1),
        ("exact_match_accuracy", exact as f64 / pages as f64),
        (
            "pages_per_s",
            (pages as f64 / busy.as_secs_f64().max(1e-9)).round(),
        ),
    ];
    Ok(Report {
        name: format!(
            "main-text extraction, {} (4-token shingles as evaluate.py; token_* over single tokens)",
            dir.display()
        ),
        figures: figures.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
        details: Vec::new(),
    })
}

fn read_page(path: &Path) -> Result<Vec<u8>, EvalError> {
    let fail = |e: std::io::Error| EvalError(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut bytes = Vec::new();
    decompress(file)
        .map_err(fail)?
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    Ok(bytes)
}

fn tokens<'t>(words: &Regex, text: &'t str) -> Vec<&'t str> {
    words.find_iter(text).map(|m| m.as_str()).collect()
}

/// Shingles of `n` tokens (one short shingle for a text shorter than `n`, none for no tokens).
fn shingles<'a, 't>(tokens: &'a [&'t str], n: usize) -> HashMap<&'a [&'t str], usize> {
    let mut bag = HashMap::new();
    if tokens.is_empty() {
        return bag;
    }
    let count = tokens.len().saturating_sub(n) + 1;
    for i in 0..count {
        *bag.entry(&tokens[i..(i + n).min(tokens.len())])
            .or_insert(0) += 1;
    }
    bag
}

fn match_bags(gold: &[&str], predicted: &[&str], n: usize) -> Counts {
    let gold = shingles(gold, n);
    let predicted = shingles(predicted, n);
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (shingle, &g) in &gold {
        let p = predicted.get(shingle).copied().unwrap_or(0);
        tp += g.min(p) as f64;
        fn_ += g.saturating_sub(p) as f64;
    }
    for (shingle, &p) in &predicted {
        fp += p.saturating_sub(gold.get(shingle).copied().unwrap_or(0)) as f64;
    }
    let sum = tp + fp + fn_;
    if sum > 0.0 {
        (tp / sum, fp / sum, fn_ / sum)
    } else {
        (0.0, 0.0, 0.0)
    }
}

/// Mean precision, mean recall (each over the pages where it is defined) and their harmonic mean.
fn average(counts: &[Counts]) -> (f64, f64, f64) {
    let mean = |xs: Vec<f64>| xs.iter().sum::<f64>() / xs.len().max(1) as f64;
    let perfect = |fp: f64, fn_: f64| fp == 0.0 && fn_ == 0.0;
    let precision = mean(
        counts
            .iter()
            .filter(|(tp, fp, _)| tp + fp > 0.0)
            .map(|&(tp, fp, fn_)| {
                if perfect(fp, fn_) {
                    1.0
                } else {
                    tp / (tp + fp)
                }
            })
            .collect(),
    );
    let recall = mean(
        counts
            .iter()
            .filter(|(tp, _, fn_)| tp + fn_ > 0.0)
            .map(|&(tp, fp, fn_)| {
                if perfect(fp, fn_) {
                    1.0
                } else {
                    tp / (tp + fn_)
                }
            })
            .collect(),
    );
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoring_follows_evaluate_py() {
        let words = Regex::new(r"\w+").unwrap();
        let gold = tokens(&words, "a b c d e");
        let pred = tokens(&words, "a b c d e f");
        // Gold shingles: abcd, bcde; predicted adds cdef: tp 2, fp 1, fn 0.
        let (tp, fp, fn_) = match_bags(&gold, &pred, 4);
        assert!((tp - 2.0 / 3.0).abs() < 1e-12 && (fp - 1.0 / 3.0).abs() < 1e-12 && fn_ == 0.0);
        let (p, r, f) = average(&[(tp, fp, fn_), (1.0, 0.0, 0.0)]);
        assert!((p - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-12 && r == 1.0 && f > p);
        // An empty prediction counts for recall (0) but not for precision.
        let empty = match_bags(&gold, &[], 4);
        assert_eq!(empty, (0.0, 0.0, 1.0));
        assert_eq!(average(&[empty, (1.0, 0.0, 0.0)]), (1.0, 0.5, 2.0 / 3.0));
    }
}
