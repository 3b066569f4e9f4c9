//! Near-duplicate articles: MinHash signatures over word shingles, found through LSH banding.
//!
//! The same wire story arrives rewritten by many outlets: sentences reordered, words swapped,
//! paragraphs dropped or added, a new headline, the outlet's boilerplate, or only its first
//! half. An article's body is cut into lower-cased word [`SHINGLE`]-grams; its [`Signature`]
//! keeps, for each of [`PERMUTATIONS`] hash functions, the smallest hash over its shingles, so
//! the share of equal slots between two signatures estimates the Jaccard similarity of their
//! shingle sets. [`BANDS`] bands of [`ROWS`] slots each give the LSH keys ([`band_keys`]):
//! articles sharing a key are candidates. A candidate is a duplicate when the estimated
//! *containment* (shared shingles over the smaller set's, from the Jaccard estimate and the
//! two set sizes) reaches [`MIN_CONTAINMENT`], and, when both texts hold at least
//! [`MIN_NUMBERS`] distinct numbers, most numbers of one are in the other: templated wire copy
//! ("weekly electric output", "X sells convertible debt") shares its wording from one story to
//! the next but not its figures. The headline is left out on purpose (rewrites change it).
//!
//! ```
//! use eventwire_resolve::dedup::{DedupIndex, Signature};
//! let story = "Azerbaijan halted its offensive in Nagorno-Karabakh on Wednesday after separatist \
//!     forces agreed to lay down their arms under a ceasefire brokered by Russian peacekeepers.";
//! let copy = format!("{story} Follow us for more news.");
//! let other = "The central bank raised interest rates by a quarter point on Thursday, citing \
//!     stubborn inflation in services and a tight labour market across the country.";
//! let mut index = DedupIndex::default();
//! assert_eq!(index.insert("a", &Signature::of(story)), None);
//! assert_eq!(index.insert("b", &Signature::of(other)), None);
//! assert_eq!(index.insert("c", &Signature::of(&copy)), Some("a".to_string()));
//! ```

use rustc_hash::FxHashMap;
use twox_hash::XxHash3_64;

/// Words per shingle.
pub const SHINGLE: usize = 3;
/// Hash functions (slots) per signature.
pub const PERMUTATIONS: usize = 128;
/// Slots per LSH band.
pub const ROWS: usize = 3;
/// LSH bands (the last `PERMUTATIONS % ROWS` slots are in none).
pub const BANDS: usize = PERMUTATIONS / ROWS;
/// Smallest estimated containment (shared shingles over the smaller text's) of a duplicate.
pub const MIN_CONTAINMENT: f64 = 0.5;
/// Smallest estimated Jaccard similarity of a duplicate: keeps a brief that happens to repeat
/// one passage of a long article apart from it.
pub const MIN_JACCARD: f64 = 0.1;
/// Texts with at least this many distinct numbers each must share most of them.
pub const MIN_NUMBERS: usize = 3;
/// Share of the smaller number set the other must hold.
pub const NUMBER_CONTAINMENT: f64 = 0.7;
/// Numbers kept per signature (the smallest hashes).
const NUMBERS_KEPT: usize = 32;
/// Fewer words than this and a text has no signature: too short to tell a copy from a
/// coincidence (a headline-only item, a one-line brief).
pub const MIN_WORDS: usize = 12;

/// Multipliers and offsets of the hash functions `h_i(x) = a_i * x + b_i` (mod 2^64, `a_i`
/// odd: a permutation of the 64-bit values), drawn once from a fixed SplitMix64 stream so
/// signatures stay comparable across runs and databases.
/// Kept as two arrays, so the slot loop of [`Signature::of`] runs over contiguous values.
static PERMUTATION_KEYS: std::sync::LazyLock<PermutationKeys> = std::sync::LazyLock::new(|| {
    let mut state = 0x5eed_0e7e_17f1_2e00u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut keys = PermutationKeys {
        a: [0; PERMUTATIONS],
        b: [0; PERMUTATIONS],
    };
    for i in 0..PERMUTATIONS {
        keys.a[i] = next() | 1;
        keys.b[i] = next();
    }
    keys
});

struct PermutationKeys {
    a: [u64; PERMUTATIONS],
    b: [u64; PERMUTATIONS],
}

/// What dedup knows of an article body: its MinHash slots, its shingle count and the hashes of
/// its numbers. Empty when the body has fewer than [`MIN_WORDS`] words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature {
    slots: Vec<u64>,
    shingles: u32,
    numbers: Vec<u64>,
}

impl Signature {
    /// The signature of `text`'s word shingles (letters and digits, lower-cased) and numbers
    /// (words holding a digit: `50.08`, `6-1/4`, `1987`).
    pub fn of(text: &str) -> Signature {
        let words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(word_hash)
            .collect();
        if words.len() < MIN_WORDS {
            return Signature::default();
        }
        let keys = &*PERMUTATION_KEYS;
        let mut mins = [u64::MAX; PERMUTATIONS];
        for gram in words.windows(SHINGLE) {
            let x = XxHash3_64::oneshot(&ne_bytes::<{ 8 * SHINGLE }>(gram));
            for i in 0..PERMUTATIONS {
                mins[i] = mins[i].min(keys.a[i].wrapping_mul(x).wrapping_add(keys.b[i]));
            }
        }
        let mut numbers: Vec<u64> = text
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
            .map(|w| XxHash3_64::oneshot(w.as_bytes()))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers.truncate(NUMBERS_KEPT);
        Signature {
            slots: mins.to_vec(),
            shingles: (words.len() + 1 - SHINGLE) as u32,
            numbers,
        }
    }

    /// The MinHash slots (empty for a text too short to sign).
    pub fn slots(&self) -> &[u64] {
        &self.slots
    }

    /// True for a text too short to sign.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Estimated Jaccard similarity of the shingle sets: the share of equal slots (0 when
    /// either is empty).
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let same = self
            .slots
            .iter()
            .zip(&other.slots)
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / PERMUTATIONS as f64
    }

    /// Estimated containment: shared shingles over the smaller text's, from the Jaccard
    /// estimate `j` and the sizes: `|A ∩ B| = j (|A| + |B|) / (1 + j)`.
    pub fn containment(&self, other: &Signature) -> f64 {
        let j = self.jaccard(other);
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        if j == 0.0 || a.min(b) == 0.0 {
            return 0.0;
        }
        (j * (a + b) / (1.0 + j) / a.min(b)).min(1.0)
    }

    /// True unless both texts hold [`MIN_NUMBERS`] or more numbers and fewer than
    /// [`NUMBER_CONTAINMENT`] of the smaller set are in the other.
    pub fn numbers_agree(&self, other: &Signature) -> bool {
        let (small, large) = if self.numbers.len() <= other.numbers.len() {
            (&self.numbers, &other.numbers)
        } else {
            (&other.numbers, &self.numbers)
        };
        if small.len() < MIN_NUMBERS {
            return true;
        }
        // A full list holds only the smallest hashes of its set: compare below the cut-off.
        let cut = [small, large]
            .iter()
            .filter(|l| l.len() == NUMBERS_KEPT)
            .filter_map(|l| l.last().copied())
            .min()
            .unwrap_or(u64::MAX);
        let small: Vec<u64> = small.iter().copied().filter(|h| *h <= cut).collect();
        let shared = small
            .iter()
            .filter(|h| large.binary_search(h).is_ok())
            .count();
        small.is_empty() || shared as f64 >= NUMBER_CONTAINMENT * small.len() as f64
    }

    /// True when the two signatures agree on every slot of some LSH band, i.e. share a
    /// [`band_keys`] key (false when either is empty).
    pub fn shares_band(&self, other: &Signature) -> bool {
        self.slots
            .chunks_exact(ROWS)
            .zip(other.slots.chunks_exact(ROWS))
            .any(|(a, b)| a == b)
    }

    /// How strongly `other` duplicates this text (its estimated containment), or `None` when
    /// it is no duplicate.
    pub fn duplicate_score(&self, other: &Signature) -> Option<f64> {
        let c = self.containment(other);
        (c >= MIN_CONTAINMENT && self.jaccard(other) >= MIN_JACCARD && self.numbers_agree(other))
            .then_some(c)
    }

    /// The signature as bytes (for storage): shingle count, number count, slots, numbers, all
    /// little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(8 + 8 * (self.slots.len() + self.numbers.len()));
        out.extend(self.shingles.to_le_bytes());
        out.extend((self.numbers.len() as u32).to_le_bytes());
        for v in self.slots.iter().chain(&self.numbers) {
            out.extend(v.to_le_bytes());
        }
        out
    }

    /// The inverse of [`Signature::to_bytes`]; `None` for a malformed blob.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.is_empty() {
            return Some(Signature::default());
        }
        let word = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?))
        };
        let (shingles, n) = (word(0)?, word(4)? as usize);
        let values: Vec<u64> = bytes
            .get(8..)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8-byte chunk")))
            .collect();
        if values.len() != PERMUTATIONS + n || bytes.len() != 8 + 8 * values.len() {
            return None;
        }
        Some(Signature {
            slots: values[..PERMUTATIONS].to_vec(),
            shingles,
            numbers: values[PERMUTATIONS..].to_vec(),
        })
    }
}

/// The bytes hashed for a shingle or a band: the values' native-endian bytes, in order.
fn ne_bytes<const N: usize>(values: &[u64]) -> [u8; N] {
    let mut bytes = [0u8; N];
    for (chunk, v) in bytes.chunks_exact_mut(8).zip(values) {
        chunk.copy_from_slice(&v.to_ne_bytes());
    }
    bytes
}

/// The hash of a word, lower-cased (without allocating for words of up to 64 bytes).
fn word_hash(word: &str) -> u64 {
    let mut buf = [0u8; 64];
    if word.len() <= buf.len() && word.is_ascii() {
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        return XxHash3_64::oneshot(lower);
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    XxHash3_64::oneshot(lower.as_bytes())
}

/// One key per band (band number mixed in), for an LSH table: two signatures that agree on
/// every slot of some band share that band's key. Empty for an empty signature.
pub fn band_keys(sig: &Signature) -> Vec<u64> {
    sig.slots
        .chunks_exact(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            XxHash3_64::oneshot_with_seed(band as u64, &ne_bytes::<{ 8 * ROWS }>(rows))
        })
        .collect()
}

/// An in-memory LSH table of first-seen articles (the store keeps the same keys on disk).
#[derive(Default)]
pub struct DedupIndex {
    /// The latest posting of each band key (a position in `postings`).
    heads: FxHashMap<u64, u32>,
    /// (article, the previous posting of the same key or [`NO_POSTING`]).
    postings: Vec<(u32, u32)>,
    articles: Vec<(String, Signature)>,
}

const NO_POSTING: u32 = u32::MAX;

impl DedupIndex {
    /// The indexed article `sig` duplicates most strongly, with its score (ties go to the first
    /// indexed).
    pub fn find(&self, sig: &Signature) -> Option<(&str, f64)> {
        let mut candidates: Vec<u32> = Vec::new();
        for key in band_keys(sig) {
            let mut posting = self.heads.get(&key).copied().unwrap_or(NO_POSTING);
            while posting != NO_POSTING {
                let (article, previous) = self.postings[posting as usize];
                candidates.push(article);
                posting = previous;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|i| Some((i, sig.duplicate_score(&self.articles[i as usize].1)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, s)| (self.articles[i as usize].0.as_str(), s))
    }

    /// Indexes `id` as a first-seen article.
    pub fn add(&mut self, id: &str, sig: &Signature) {
        let article = self.articles.len() as u32;
        self.articles.push((id.to_string(), sig.clone()));
        for key in band_keys(sig) {
            let previous = self
                .heads
                .insert(key, self.postings.len() as u32)
                .unwrap_or(NO_POSTING);
            self.postings.push((article, previous));
        }
    }

    /// The first-seen article `sig` duplicates, if any; otherwise `id` is indexed as
    /// first-seen and `None` is returned. Duplicates are not indexed: later copies link to the
    /// first-seen article.
    pub fn insert(&mut self, id: &str, sig: &Signature) -> Option<String> {
        if let Some((first, _)) = self.find(sig) {
            return Some(first.to_string());
        }
        self.add(id, sig);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Azerbaijan said on Wednesday it had halted its military offensive in \
        Nagorno-Karabakh after separatist Armenian forces agreed to lay down their arms. The \
        agreement was brokered by Russian peacekeepers, the defence ministry said. Armenian \
        officials said about one hundred people had been killed and hundreds more injured in \
        the fighting, which began on Tuesday with heavy artillery fire on the regional capital. \
        Opposition protesters gathered in Yerevan to demand the resignation of the prime \
        minister, accusing the government of abandoning the ethnic Armenians of the region.";

    #[test]
    fn exact_copy_is_identical() {
        let a = Signature::of(STORY);
        assert_eq!(a.jaccard(&Signature::of(STORY)), 1.0);
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a));
    }

    #[test]
    fn reordered_and_edited_rewrite_matches() {
        let mut sentences: Vec<&str> = STORY.split_inclusive(". ").collect();
        sentences.reverse();
        let rewrite = sentences
            .concat()
            .replace("halted", "stopped")
            .replace("injured", "wounded")
            + " Copyright 2023 Example News. All rights reserved.";
        assert!(Signature::of(STORY)
            .duplicate_score(&Signature::of(&rewrite))
            .is_some());
    }

    /// Signatures are stored: the one-shot hashes must equal the streamed ones they replaced.
    #[test]
    fn hashes_equal_their_streamed_form() {
        use std::hash::Hasher;
        let long = "Long".repeat(40);
        for word in [
            "Azerbaijan",
            "ÉTAT",
            "İstanbul",
            "x",
            "50.08",
            long.as_str(),
        ] {
            let mut h = XxHash3_64::default();
            let mut buf = [0u8; 4];
            for c in word.chars().flat_map(char::to_lowercase) {
                h.write(c.encode_utf8(&mut buf).as_bytes());
            }
            assert_eq!(word_hash(word), h.finish(), "{word}");
        }
        let values = [1u64, u64::MAX, 0x0123_4567_89ab_cdef];
        for seed in [None, Some(5)] {
            let mut h = seed.map_or_else(XxHash3_64::default, XxHash3_64::with_seed);
            for v in values {
                h.write_u64(v);
            }
            let bytes = ne_bytes::<24>(&values);
            let oneshot = seed.map_or_else(
                || XxHash3_64::oneshot(&bytes),
                |s| XxHash3_64::oneshot_with_seed(s, &bytes),
            );
            assert_eq!(oneshot, h.finish());
        }
    }

    #[test]
    fn sharing_a_band_is_sharing_a_band_key() {
        let story = Signature::of(STORY);
        let keys = band_keys(&story);
        for text in [
            STORY.replace("halted", "stopped"),
            STORY[..STORY.len() / 3].to_string(),
            "The central bank raised interest rates by a quarter point on Thursday, citing \
             stubborn inflation in services and a tight labour market across the country."
                .to_string(),
        ] {
            let other = Signature::of(&text);
            let shares_key = band_keys(&other).iter().zip(&keys).any(|(a, b)| a == b);
            assert_eq!(story.shares_band(&other), shares_key, "{text}");
        }
        assert!(story.shares_band(&story));
        assert!(!story.shares_band(&Signature::default()));
    }

    #[test]
    fn different_story_does_not_match() {
        let other = "The central bank raised interest rates by a quarter of a percentage point \
            on Thursday, citing stubborn inflation in services, and signalled that further \
            increases were possible if wage growth did not slow in the coming months.";
        assert_eq!(
            Signature::of(STORY).duplicate_score(&Signature::of(other)),
            None
        );
    }

    #[test]
    fn short_texts_have_no_signature() {
        let s = Signature::of("Troops moved in.");
        assert!(s.is_empty() && band_keys(&s).is_empty());
        assert_eq!(s.jaccard(&s), 0.0);
        let mut index = DedupIndex::default();
        assert_eq!(index.insert("a", &s), None);
        assert_eq!(index.insert("b", &s), None);
    }

    #[test]
    fn the_first_half_of_a_story_is_a_duplicate() {
        let half = &STORY[..STORY.len() / 2];
        let c = Signature::of(STORY).duplicate_score(&Signature::of(half));
        assert!(c.is_some_and(|c| c > 0.8), "{c:?}");
    }

    #[test]
    fn templated_stories_with_other_figures_are_not_duplicates() {
        let week = |a: &str, b: &str, c: &str, d: &str| {
            format!(
                "U.S. power companies generated a net {a} billion kilowatt-hours of electrical \
                 energy in the week ended {b}, up {c} pct from {d} billion a year earlier, the \
                 Edison Electric Institute said in its weekly report on electric output."
            )
        };
        let first = Signature::of(&week("50.08", "Feb 28", "2.4", "48.91"));
        assert!(first.jaccard(&Signature::of(&week("47.47", "March 21", "2.4", "46.36"))) > 0.3);
        assert_eq!(
            first.duplicate_score(&Signature::of(&week("47.47", "March 21", "2.4", "46.36"))),
            None
        );
        assert!(first
            .duplicate_score(&Signature::of(&week("50.08", "Feb 28", "2.4", "48.91")))
            .is_some());
    }

    #[test]
    fn duplicates_link_to_the_first_seen_article() {
        let mut index = DedupIndex::default();
        let sig = Signature::of(STORY);
        assert_eq!(index.insert("first", &sig), None);
        assert_eq!(index.insert("second", &sig).as_deref(), Some("first"));
        assert_eq!(index.insert("third", &sig).as_deref(), Some("first"));
    }
}
