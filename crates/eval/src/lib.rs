//! Gold-set scorers. Each reads a shared gold file, codes its sentences with the same [`Coder`]
//! the CLI uses, and returns a printable [`Report`] with the figures.
//!
//! - [`plover_gsr`]: PLOVER gold-standard records (event type, actor/recipient country and sector,
//!   confusion table; 2016 category names mapped to the current manual).
//! - [`conflibert`]: ConfliBERT CAMEO sentences, penta class (CAMEO root → statement / quad class), macro-F1.
#![deny(missing_docs)]

pub mod corpus;
pub mod dedup;
pub mod extraction;
pub mod geo;
pub mod suites;

use eventwire_coder::Coder;
use eventwire_model::{Article, Event};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Figures from one evaluation run.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Name of the gold set.
    pub name: String,
    /// Named figures (accuracy, F1, counts), in print order.
    pub figures: Vec<(String, f64)>,
    /// Extra lines (confusion table).
    pub details: Vec<String>,
}

impl Report {
    /// A figure by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.figures.iter().find(|(n, _)| n == name).map(|x| x.1)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.name)?;
        for (n, v) in &self.figures {
            let ratio = ["accuracy", "f1", "precision", "recall", "within"]
                .iter()
                .any(|w| n.contains(w));
            if v.fract() == 0.0 && !ratio {
                writeln!(f, "  {n:<32} {v:.0}")?;
            } else {
                writeln!(f, "  {n:<32} {v:.3}")?;
            }
        }
        for d in &self.details {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Why an evaluation could not run.
#[derive(Debug)]
pub struct EvalError(String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|e| EvalError(format!("{}: {e}", path.display())))
}

fn code_sentence(coder: &Coder, text: &str, date: &str) -> Vec<Event> {
    coder
        .code(&Article::new("gold", "", text, date))
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct GsrActor {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    sector: Option<String>,
}

#[derive(Deserialize)]
struct GsrRecord {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    source: serde_json::Value,
    #[serde(default)]
    target: serde_json::Value,
}

/// PLOVER 0.5 category names → the current manual's.
fn map_2016(event: &str) -> &str {
    match event {
        "DEMAND" => "REQUEST",
        "DISAPPROVE" | "INVESTIGATE" => "ACCUSE",
        "FIGHT" => "ASSAULT",
        other => other,
    }
}

/// Codes that mean the same actor in the 2016 gold and in our output.
fn same_code(gold: &str, ours: &str) -> bool {
    let canon = |c: &str| match c {
        "UNO" | "EUR" => "IGO".to_string(),
        "JAP" => "JPN".to_string(),
        "ITL" => "ITA".to_string(),
        other => other.to_string(),
    };
    canon(gold) == canon(ours)
}

fn actors(v: &serde_json::Value) -> Vec<GsrActor> {
    serde_json::from_value::<Vec<GsrActor>>(v.clone()).unwrap_or_default()
}

/// Scores the PLOVER gold-standard records.
pub fn plover_gsr(coder: &Coder, path: &Path) -> Result<Report, EvalError> {
    let records: Vec<serde_json::Value> = serde_json::from_str(&read(path)?)
        .map_err(|e| EvalError(format!("{}: {e}", path.display())))?;
    let mut n = 0usize;
    let mut event_ok = 0usize;
    let (mut actor_n, mut actor_ok, mut recip_n, mut recip_ok) = (0, 0, 0, 0);
    let (mut asec_n, mut asec_ok, mut rsec_n, mut rsec_ok) = (0, 0, 0, 0);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    for v in records {
        let Ok(r) = serde_json::from_value::<GsrRecord>(v) else {
            continue;
        };
        let (Some(text), Some(gold)) = (r.text, r.event) else {
            continue;
        };
        n += 1;
        let gold = map_2016(&gold).to_string();
        let events: Vec<Event> = code_sentence(coder, &text, "2000-01-01")
            .into_iter()
            .filter(|e| !e.event.is_empty())
            .collect();
        let predicted = events
            .iter()
            .find(|e| e.event[0] == gold)
            .or(events.first());
        let p_event = predicted.map_or("NONE".to_string(), |e| e.event[0].clone());
        // The first event counts, unless the gold type is among the sentence's events (a sentence
        // may hold several events; PLOVER's gold codes one).
        if p_event == gold {
            event_ok += 1;
        }
        *confusion
            .entry((gold.clone(), p_event.clone()))
            .or_default() += 1;
        let score = |gold_side: &[GsrActor],
                     ours: Option<&[eventwire_model::Entity]>,
                     n: &mut usize,
                     ok: &mut usize,
                     sn: &mut usize,
                     sok: &mut usize| {
            let codes: Vec<&str> = gold_side
                .iter()
                .filter_map(|a| a.code.as_deref())
                .filter(|c| !c.is_empty())
                .collect();
            if codes.is_empty() {
                return;
            }
            *n += 1;
            let ours = ours.unwrap_or(&[]);
            if ours
                .iter()
                .any(|o| codes.iter().any(|g| same_code(g, &o.code)))
            {
                *ok += 1;
            }
            let sectors: Vec<String> = gold_side
                .iter()
                .filter_map(|a| a.sector.as_deref())
                .filter(|s| s.len() >= 3 && *s != "***")
                .map(|s| s[..3].to_uppercase())
                .collect();
            if !sectors.is_empty() {
                *sn += 1;
                if ours.iter().any(|o| {
                    o.sector
                        .split_whitespace()
                        .any(|s| sectors.iter().any(|g| g == s))
                }) {
                    *sok += 1;
                }
            }
        };
        score(
            &actors(&r.source),
            predicted.map(|e| e.actor.as_slice()),
            &mut actor_n,
            &mut actor_ok,
            &mut asec_n,
            &mut asec_ok,
        );
        score(
            &actors(&r.target),
            predicted.map(|e| e.recipient.as_slice()),
            &mut recip_n,
            &mut recip_ok,
            &mut rsec_n,
            &mut rsec_ok,
        );
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut report = Report {
        name: format!("PLOVER GSR ({})", path.display()),
        ..Default::default()
    };
    report.figures = vec![
        ("records".into(), n as f64),
        ("event_type_accuracy".into(), ratio(event_ok, n)),
        ("actor_country_accuracy".into(), ratio(actor_ok, actor_n)),
        ("actor_sector_accuracy".into(), ratio(asec_ok, asec_n)),
        (
            "recipient_country_accuracy".into(),
            ratio(recip_ok, recip_n),
        ),
        ("recipient_sector_accuracy".into(), ratio(rsec_ok, rsec_n)),
    ];
    report.details = confusion_table(&confusion);
    Ok(report)
}

fn confusion_table(c: &BTreeMap<(String, String), usize>) -> Vec<String> {
    let mut cols: Vec<&String> = c.keys().map(|(_, p)| p).collect();
    cols.sort();
    cols.dedup();
    let mut rows: Vec<&String> = c.keys().map(|(g, _)| g).collect();
    rows.dedup();
    let short = |s: &str| s.chars().take(5).collect::<String>();
    let mut out = vec![format!(
        "  confusion (rows gold, columns predicted)\n  {:<10}{}",
        "",
        cols.iter()
            .map(|c| format!("{:>6}", short(c)))
            .collect::<String>()
    )];
    for r in rows {
        let line: String = cols
            .iter()
            .map(|col| {
                format!(
                    "{:>6}",
                    c.get(&(r.clone(), (*col).clone()))
                        .map_or(String::from("."), |v| v.to_string())
                )
            })
            .collect();
        out.push(format!("  {r:<10}{line}"));
    }
    out
}

/// CAMEO root → ConfliBERT penta class: 0 statement, 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict.
fn penta(cameo: &str) -> usize {
    match cameo
        .get(..2)
        .and_then(|r| r.parse::<u32>().ok())
        .unwrap_or(1)
    {
        1 => 0,
        2..=5 => 1,
        6..=9 => 2,
        10..=14 => 3,
        _ => 4,
    }
}

/// Scores ConfliBERT's CAMEO penta-class sentences (macro-F1 over the five classes).
pub fn conflibert(coder: &Coder, path: &Path) -> Result<Report, EvalError> {
    let text = read(path)?;
    let mut tp = [0usize; 5];
    let mut fp = [0usize; 5];
    let mut fneg = [0usize; 5];
    let mut n = 0;
    let mut correct = 0;
    for line in text.lines() {
        let Some((sentence, label)) = line.rsplit_once('\t') else {
            continue;
        };
        let Ok(gold) = label.trim().parse::<usize>() else {
            continue;
        };
        if gold > 4 {
            continue;
        }
        n += 1;
        let events = code_sentence(coder, sentence, "2020-01-01");
        let predicted = events
            .iter()
            .find(|e| !e.event.is_empty())
            .or(events.first())
            .map_or(0, |e| penta(&e.ew.cameo));
        if predicted == gold {
            tp[gold] += 1;
            correct += 1;
        } else {
            fp[predicted] += 1;
            fneg[gold] += 1;
        }
    }
    let f1: Vec<f64> = (0..5)
        .map(|c| {
            let p = if tp[c] + fp[c] == 0 {
                0.0
            } else {
                tp[c] as f64 / (tp[c] + fp[c]) as f64
            };
            let r = if tp[c] + fneg[c] == 0 {
                0.0
            } else {
                tp[c] as f64 / (tp[c] + fneg[c]) as f64
            };
            if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            }
        })
        .collect();
    let mut report = Report {
        name: format!("ConfliBERT CAMEO penta class ({})", path.display()),
        ..Default::default()
    };
    report.figures.push(("sentences".into(), n as f64));
    report.figures.push((
        "accuracy".into(),
        if n == 0 {
            0.0
        } else {
            correct as f64 / n as f64
        },
    ));
    report
        .figures
        .push(("macro_f1".into(), f1.iter().sum::<f64>() / 5.0));
    for (c, v) in f1.iter().enumerate() {
        report.figures.push((format!("f1_class_{c}"), *v));
    }
    Ok(report)
}
