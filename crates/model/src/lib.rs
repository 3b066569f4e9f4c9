//! The values every eventwire stage passes along: an [`Article`] comes in, [`Event`]s go out.
//!
//! Events follow the PLOVER JSON shape of `output-contract.md`: PLOVER fields at the top level,
//! everything PLOVER does not define inside [`Extensions`] (`ew`). Offsets are always code-point
//! offsets into the article's *full text* (`title + "\n" + text`), see [`Article::full_text`].
//!
//! ```
//! use eventwire_model::Article;
//! let a = Article::new("a1", "Title", "Body.", "2023-09-20");
//! assert_eq!(a.full_text(), "Title\nBody.");
//! ```
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One news article as read from any input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Article {
    /// The caller's identifier; event ids start with it.
    pub id: String,
    /// Headline (may be empty).
    #[serde(default)]
    pub title: String,
    /// Body text as given.
    pub text: String,
    /// Publication date `YYYY-MM-DD` (the date part of RFC 3339 input).
    #[serde(default)]
    pub published: String,
    /// Where the article lives, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// ISO 639-1 language, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Article {
    /// An article with the four required fields.
    pub fn new(id: &str, title: &str, text: &str, published: &str) -> Self {
        Article {
            id: id.into(),
            title: title.into(),
            text: text.into(),
            published: published.into(),
            ..Default::default()
        }
    }

    /// `title + "\n" + text`: the string every offset in the output refers to.
    pub fn full_text(&self) -> String {
        let mut s = String::with_capacity(self.title.len() + 1 + self.text.len());
        s.push_str(&self.title);
        s.push('\n');
        s.push_str(&self.text);
        s
    }
}

/// A half-open `[start, end)` range of code points into an article's full text.
pub type CharSpan = [usize; 2];

/// Who acts or is acted upon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Entity {
    /// ISO 3166 alpha-3 or a PLOVER non-state code (IGO, UNO, EUR, NGO, ISM, IMG, MNC); may be empty.
    pub code: String,
    /// PLOVER sector(s), space separated (`REB PRE`); may be empty.
    pub sector: String,
    /// The words as written.
    pub entity_text: String,
    /// Canonical name, where the lexicon knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_text: Option<String>,
    /// Wikidata QID, where the lexicon knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_id: Option<String>,
}

/// Where an event happened (PLOVER / Mordecai location fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    /// The place name as written.
    pub extracted_place: String,
    /// The name it resolved to.
    pub resolved_place: String,
    /// GeoNames id; `None` for curated regions.
    pub geonameid: Option<u64>,
    /// Latitude, decimal degrees.
    pub lat: f64,
    /// Longitude, decimal degrees.
    pub lon: f64,
    /// City name, if resolved to a city.
    #[serde(default)]
    pub city: Option<String>,
    /// Admin-2 name.
    #[serde(default)]
    pub district: Option<String>,
    /// Admin-1 name.
    #[serde(default)]
    pub province: Option<String>,
    /// Country name.
    #[serde(default)]
    pub country: Option<String>,
    /// ISO alpha-3.
    pub country_code: String,
    /// GeoNames feature class.
    #[serde(default)]
    pub feature_class: Option<String>,
    /// GeoNames feature code.
    #[serde(default)]
    pub feature_code: Option<String>,
    /// 5 sub-city, 4 city, 3 district, 2 province/region, 1 country.
    pub resolution: u8,
}

/// Casualty and arrest counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Size {
    /// Number killed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead: Option<u64>,
    /// Number injured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<u64>,
    /// Number arrested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrested: Option<u64>,
}

impl Size {
    /// True when no count is set.
    pub fn is_empty(&self) -> bool {
        self.dead.is_none() && self.injured.is_none() && self.arrested.is_none()
    }
}

/// Sentence position of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TextInfo {
    /// Sentence number in the article; the title is 0.
    pub sequence: usize,
    /// First code point of the sentence in the full text.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
}

/// Where the text came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CiteInfo {
    /// Article URL.
    pub url: Option<String>,
    /// Article title.
    pub title: String,
    /// Publisher.
    pub publication: Option<String>,
    /// Language code.
    pub language: String,
}

impl CiteInfo {
    /// The citation of an article (language `en` unless the article says otherwise).
    pub fn of(article: &Article) -> Self {
        CiteInfo {
            url: article.url.clone(),
            title: article.title.clone(),
            publication: article.source.clone(),
            language: article.language.clone().unwrap_or_else(|| "en".into()),
        }
    }
}

/// Who asserts an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attribution {
    /// The speaker, if named.
    pub speaker: Option<Entity>,
    /// The reporting verb ("said", "told", "according to").
    pub verb: Option<String>,
    /// `Some(false)` where the text says the claim could not be verified.
    pub verified: Option<bool>,
}

/// Everything eventwire adds beyond PLOVER.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Extensions {
    /// CAMEO event code ("0871").
    pub cameo: String,
    /// CAMEO actor code ("AZEMIL").
    pub cameo_actor: String,
    /// CAMEO recipient code.
    pub cameo_recipient: String,
    /// Goldstein score of the CAMEO code.
    pub goldstein: f64,
    /// Who asserts the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// Per size field: exact, approximate, at_least, at_most.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub size_qualifier: BTreeMap<String, String>,
    /// day, week, month, year.
    pub date_precision: String,
    /// `text` or `publication`.
    pub date_source: String,
    /// The phrase the date came from, when `date_source` is `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_text: Option<String>,
    /// Why the location is what it is (`in-sentence`, `story-focus`, …, `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_reason: Option<String>,
    /// Field name → code-point span in the full text.
    pub evidence: BTreeMap<String, CharSpan>,
    /// The input article's id.
    pub article_id: String,
    /// The lexicon entry that fired (`0871-03`).
    pub pattern_id: String,
    /// Sentence spans of later mentions of the same event in the story (story-level dedup).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<CharSpan>,
}

/// One coded event: a line of PLOVER JSONL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Event {
    /// `<article id>-<sentence seq>-<ordinal>`.
    pub id: String,
    /// When it happened, `YYYY-MM-DD`.
    pub date: String,
    /// One PLOVER event type.
    pub event: Vec<String>,
    /// PLOVER modes plus auxiliary modes.
    pub mode: Vec<String>,
    /// PLOVER contexts.
    pub context: Vec<String>,
    /// Who acts.
    pub actor: Vec<Entity>,
    /// Who is acted upon.
    pub recipient: Vec<Entity>,
    /// The trigger words as written.
    pub event_text: Vec<String>,
    /// 1–4.
    pub quad_code: u8,
    /// PLOVER conflict/cooperation score.
    pub event_scale: f64,
    /// Where; `None` when unknown (see `ew.location_reason`).
    pub event_loc: Option<Location>,
    /// Counts, when the sentence gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// The sentence.
    pub text: String,
    /// Sentence position.
    pub text_info: TextInfo,
    /// Article citation.
    pub cite_info: CiteInfo,
    /// `eventwire <version>`.
    pub coder: String,
    /// Date of the run.
    pub coded_date: String,
    /// Extensions.
    pub ew: Extensions,
}

/// One place name found by `eventwire geoparse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlaceMention {
    /// The article's id.
    pub article_id: String,
    /// Code-point offset into the article's `text` field as given.
    pub start: usize,
    /// One past the end.
    pub end: usize,
    /// The words as written.
    pub text: String,
    /// GeoNames id; `None` for a curated region.
    pub geonameid: Option<u64>,
    /// Curated region id, when the name is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Resolved name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// ISO alpha-3.
    pub country_code: String,
    /// GeoNames feature code (`REGION` for curated regions).
    pub feature_code: String,
    /// Ranking score of the chosen candidate.
    pub score: f64,
}

/// The PLOVER event types in manual order.
pub const PLOVER_EVENTS: [&str; 16] = [
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];

/// The host of a URL as written: no scheme, path, query, fragment, user info or port (empty for
/// a URL without one). Callers decide on case and a leading "www.".
pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    host.split(':').next().unwrap_or("")
}

/// PLOVER quad class of an event type: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict.
pub fn plover_quad(event: &str) -> u8 {
    match event {
        "AGREE" | "CONSULT" | "SUPPORT" | "CONCEDE" => 1,
        "COOPERATE" | "AID" | "RETREAT" => 2,
        "REQUEST" | "ACCUSE" | "REJECT" | "THREATEN" => 3,
        _ => 4,
    }
}
