//! Near-duplicate detection ([`eventwire_resolve::dedup`]) on a test set built from the shared
//! news text: every BBC and Reuters story with a body of at least [`MIN_WORDS`] words is a
//! distinct story; [`COPIES`] of them get one synthetic copy each, of a kind from [`Kind`]
//! (syndicated copies, rewrites with reordered sentences, swapped words, dropped and added
//! paragraphs, a new headline, outlet boilerplate). All articles stream through one index in a
//! fixed pseudo-random order, each copy after its original. A copy linked to its original is a
//! true positive (or to the story its original was linked to, when that one came first); any
//! other link is a false positive (links between two corpus stories
//! included, though some of those are genuine repeats in the corpus: the report lists them).

use crate::corpus;
use crate::{EvalError, Report};
use eventwire_model::Article;
use eventwire_resolve::dedup::{DedupIndex, Signature};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Shortest body (words) of a story in the test set.
pub const MIN_WORDS: usize = 40;
/// Links between two corpus stories listed in the report, evenly spread.
const SAMPLE: usize = 40;
/// Stories that get a synthetic copy.
pub const COPIES: usize = 2000;

/// How a copy differs from its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The same body, another outlet.
    Syndicated,
    /// The same body under a new headline, between the outlet's header and footer lines.
    Boilerplate,
    /// Sentences shuffled, one word in twenty substituted.
    Reordered,
    /// A rewrite: one word in ten substituted, a paragraph dropped, one added, a new headline,
    /// boilerplate.
    Rewritten,
    /// The first half of the story only (a shortened syndicated version).
    Shortened,
}

const KINDS: [Kind; 5] = [
    Kind::Syndicated,
    Kind::Boilerplate,
    Kind::Reordered,
    Kind::Rewritten,
    Kind::Shortened,
];

/// Synonyms a rewriting desk would use; other substituted words are replaced by a random word
/// of the corpus.
const SYNONYMS: [(&str, &str); 24] = [
    ("said", "stated"),
    ("says", "states"),
    ("told", "informed"),
    ("government", "administration"),
    ("company", "firm"),
    ("increase", "rise"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("big", "large"),
    ("new", "fresh"),
    ("people", "individuals"),
    ("also", "additionally"),
    ("but", "however"),
    ("about", "around"),
    ("help", "assist"),
    ("show", "reveal"),
    ("buy", "purchase"),
    ("shares", "stock"),
    ("profit", "earnings"),
    ("minister", "secretary"),
    ("officials", "authorities"),
    ("year", "twelve months"),
    ("plan", "proposal"),
    ("because", "as"),
];

const HEADERS: [&str; 4] = [
    "By our correspondent | Updated 2 hours ago",
    "Share this article: Facebook Twitter Email",
    "ADVERTISEMENT",
    "From the wires. Breaking news alerts: sign up for our newsletter.",
];

const FOOTERS: [&str; 4] = [
    "(c) 2024 Example Media Group. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Also read: Markets today. Related stories: The week in review; Five things to know.",
    "Follow us on social media for more updates. Comments are closed for this story.",
    "Reporting by staff writers; editing by the news desk.",
];

/// An article of the test stream, the index of its original when it is a copy, and the copy's kind.
type Streamed = (Article, Option<usize>, Option<Kind>);

/// A SplitMix64 stream: deterministic, so the test set is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'?' | b'!')
            && bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
        {
            out.push(text[start..=i].trim().to_string());
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

fn paragraphs(text: &str) -> Vec<String> {
    let split: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if split.len() > 1 {
        return split;
    }
    // One block: paragraphs of three sentences.
    sentences(text).chunks(3).map(|c| c.join(" ")).collect()
}

fn substitute(text: &str, rate: f64, vocabulary: &[&str], rng: &mut Rng) -> String {
    text.split(' ')
        .map(|w| {
            if w.is_empty() || !rng.chance(rate) {
                return w.to_string();
            }
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            let lower = core.to_lowercase();
            let swap = SYNONYMS
                .iter()
                .find(|(a, _)| *a == lower)
                .map_or_else(|| vocabulary[rng.below(vocabulary.len())], |(_, b)| *b);
            if core.is_empty() {
                w.to_string()
            } else {
                w.replacen(core, swap, 1)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A synthetic copy of `a` of the given kind; `other` lends a paragraph to rewrites.
pub fn copy_of(
    a: &Article,
    kind: Kind,
    other: &Article,
    vocabulary: &[&str],
    seed: u64,
) -> Article {
    let mut rng = Rng(seed);
    let headline = format!(
        "{} - {}",
        HEADERS[rng.below(2)].split(':').next().unwrap_or(""),
        a.title
    );
    let header = HEADERS[rng.below(HEADERS.len())];
    let footer = FOOTERS[rng.below(FOOTERS.len())];
    let (title, text) = match kind {
        Kind::Syndicated => (a.title.clone(), a.text.clone()),
        Kind::Boilerplate => (headline, format!("{header}\n\n{}\n\n{footer}", a.text)),
        Kind::Reordered => {
            let mut s = sentences(&a.text);
            rng.shuffle(&mut s);
            (
                a.title.clone(),
                substitute(&s.join(" "), 0.05, vocabulary, &mut rng),
            )
        }
        Kind::Rewritten => {
            let mut p = paragraphs(&a.text);
            if p.len() > 2 {
                p.remove(1 + rng.below(p.len() - 1));
            }
            let added = paragraphs(&other.text)
                .into_iter()
                .next()
                .unwrap_or_default();
            p.insert(rng.below(p.len() + 1), added);
            let body = substitute(&p.join("\n\n"), 0.10, vocabulary, &mut rng);
            (headline, format!("{header}\n\n{body}\n\n{footer}"))
        }
        Kind::Shortened => {
            let s = sentences(&a.text);
            let half = s.len().div_ceil(2);
            (a.title.clone(), s[..half].join(" "))
        }
    };
    Article {
        id: format!("{}~copy", a.id),
        title,
        text,
        published: a.published.clone(),
        source: Some("copy-desk".into()),
        ..Default::default()
    }
}

/// Scores the detector on the test set built from `shared`'s news text.
pub fn dedup(shared: &Path) -> Result<Report, EvalError> {
    let io = |e: std::io::Error| EvalError(format!("reading the shared news text: {e}"));
    let mut stories = corpus::bbc(shared).map_err(io)?;
    stories.extend(corpus::reuters(shared).map_err(io)?);
    let mut seen = HashSet::new();
    stories.retain(|a| {
        let words: Vec<&str> = a.text.split_whitespace().collect();
        words.len() >= MIN_WORDS && seen.insert(words.join(" "))
    });
    Ok(score(&stories))
}

/// Scores the detector on `stories` (distinct stories) and copies of [`COPIES`] of them.
pub fn score(stories: &[Article]) -> Report {
    let mut rng = Rng(0xd0d0_cafe);
    let vocabulary: Vec<&str> = stories
        .iter()
        .step_by(7)
        .flat_map(|a| a.text.split_whitespace())
        .filter(|w| w.len() > 3 && w.chars().all(char::is_alphabetic))
        .take(50_000)
        .collect();
    let mut order: Vec<usize> = (0..stories.len()).collect();
    rng.shuffle(&mut order);
    let n_copies = COPIES.min(stories.len() / 2);
    let mut stream: Vec<Streamed> = stories.iter().map(|a| (a.clone(), None, None)).collect();
    let mut copies = Vec::new();
    for (n, &i) in order[..n_copies].iter().enumerate() {
        let kind = KINDS[n % KINDS.len()];
        let other = &stories[order[n_copies + n % (stories.len() - n_copies)]];
        let copy = copy_of(&stories[i], kind, other, &vocabulary, rng.next());
        copies.push((copy, Some(i), Some(kind)));
    }
    // Stories in shuffled order, each copy inserted at a random later point.
    let mut sequence: Vec<Streamed> = order
        .iter()
        .map(|&i| std::mem::take(&mut stream[i]))
        .collect();
    let position: Vec<usize> = {
        let mut p = vec![0; stories.len()];
        for (at, &i) in order.iter().enumerate() {
            p[i] = at;
        }
        p
    };
    let mut placed: Vec<(usize, u64, Streamed)> = copies
        .into_iter()
        .map(|c| {
            let after = position[c.1.expect("copy")];
            let at = after + 1 + rng.below(sequence.len() - after);
            (at, rng.next(), c)
        })
        .collect();
    placed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (at, _, c) in placed {
        sequence.insert(at, c);
    }

    let mut index = DedupIndex::default();
    // Where each article's story was first seen: itself, or what it was linked to.
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let (mut tp, mut fp, mut corpus_links) = (0usize, 0usize, Vec::new());
    let mut found_by_kind = [0usize; KINDS.len()];
    let mut total_by_kind = [0usize; KINDS.len()];
    for (article, original, kind) in &sequence {
        let link = index.insert(&article.id, &Signature::of(&article.text));
        let kind_at = KINDS.iter().position(|k| Some(*k) == *kind);
        match (original, &link) {
            (Some(o), Some(l)) if Some(l) == first_seen.get(&stories[*o].id) => {
                tp += 1;
                found_by_kind[kind_at.unwrap_or(0)] += 1;
            }
            (Some(_), Some(_)) => fp += 1,
            (None, Some(l)) => {
                fp += 1;
                let title = |id: &str| {
                    stories
                        .iter()
                        .find(|a| a.id == id)
                        .map_or(String::new(), |a| a.title.clone())
                };
                corpus_links.push(format!(
                    "  {} -> {l}: {:?} / {:?}",
                    article.id,
                    article.title,
                    title(l)
                ));
            }
            (_, None) => {}
        }
        if let Some(k) = kind_at {
            total_by_kind[k] += 1;
        }
        first_seen.insert(
            article.id.clone(),
            link.unwrap_or_else(|| article.id.clone()),
        );
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / n_copies.max(1) as f64;
    let wrong_copy_links = fp - corpus_links.len();
    let mut details = vec!["recall by kind of copy:".to_string()];
    for (i, k) in KINDS.iter().enumerate() {
        details.push(format!(
            "  {:<12} {:.3} ({} of {})",
            format!("{k:?}"),
            found_by_kind[i] as f64 / total_by_kind[i].max(1) as f64,
            found_by_kind[i],
            total_by_kind[i]
        ));
    }
    if !corpus_links.is_empty() {
        details.push(format!(
            "{} links between two corpus stories count as false positives in `precision`; some are \
             the corpus's own repeats (corrections, re-sent stories), others templated stories",
            corpus_links.len()
        ));
        let step = corpus_links.len().div_ceil(SAMPLE);
        details.push(format!("every {step}th of them:"));
        details.extend(corpus_links.into_iter().step_by(step));
    }
    Report {
        name: format!(
            "near-duplicates: {} distinct BBC + Reuters stories, {} synthetic copies",
            stories.len(),
            n_copies
        ),
        figures: vec![
            ("precision".into(), precision),
            ("recall".into(), recall),
            (
                "f1".into(),
                2.0 * precision * recall / (precision + recall).max(1e-9),
            ),
            (
                "copy_link_precision".into(),
                tp as f64 / (tp + wrong_copy_links).max(1) as f64,
            ),
            ("true_positives".into(), tp as f64),
            ("missed".into(), (n_copies - tp) as f64),
            ("wrong_copy_links".into(), wrong_copy_links as f64),
            ("corpus_links".into(), (fp - wrong_copy_links) as f64),
            ("articles".into(), sequence.len() as f64),
        ],
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_differ_as_their_kind_says() {
        let a = Article::new(
            "s",
            "Title",
            "First sentence here. Second one follows! Third is a question?\n\nA new paragraph. It ends.",
            "2005-01-01",
        );
        let other = Article::new("o", "Other", "Unrelated text. More of it.", "2005-01-01");
        let vocabulary = ["alpha", "beta"];
        let syndicated = copy_of(&a, Kind::Syndicated, &other, &vocabulary, 1);
        assert_eq!(
            (syndicated.title.as_str(), syndicated.text.as_str()),
            (a.title.as_str(), a.text.as_str())
        );
        assert_ne!(syndicated.id, a.id);
        let boiler = copy_of(&a, Kind::Boilerplate, &other, &vocabulary, 1);
        assert!(boiler.text.contains(&a.text) && boiler.text.len() > a.text.len());
        let rewritten = copy_of(&a, Kind::Rewritten, &other, &vocabulary, 1);
        assert!(rewritten.text.contains("Unrelated text."));
        assert_eq!(
            rewritten,
            copy_of(&a, Kind::Rewritten, &other, &vocabulary, 1)
        );
        let short = copy_of(&a, Kind::Shortened, &other, &vocabulary, 1);
        assert_eq!(
            short.text,
            "First sentence here. Second one follows! Third is a question?"
        );
        assert_eq!(sentences(&a.text).len(), 5);
        assert_eq!(paragraphs(&a.text).len(), 2);
    }
}
