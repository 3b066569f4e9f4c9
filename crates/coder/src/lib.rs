//! The coder: one [`Article`] in, PLOVER/CAMEO [`Event`]s out, from raw text.
//!
//! Passes, per sentence: actor mentions ([`mentions`]: lexicon phrases composed into entities,
//! pronouns and metonyms resolved), event patterns (the lexicon's matcher), roles ([`roles`]:
//! subject/object, passives, "by" phrases, possessors), modality, dates, sizes and attribution
//! ([`attributes`]). Every coded field records the character span that justifies it.
//!
//! ```
//! use eventwire_coder::Coder;
//! use eventwire_model::Article;
//! let coder = Coder::bundled();
//! let a = Article::new("x", "", "Russian troops shelled Ukrainian positions on Monday.", "2024-03-06");
//! let events = coder.code(&a).unwrap();
//! assert_eq!(events[0].event, ["ASSAULT"]);
//! assert_eq!(events[0].date, "2024-03-04");
//! ```
#![deny(missing_docs)]

mod attributes;
mod mentions;
pub mod peer;
mod place;
mod roles;
pub mod tabari;

pub use place::{geoparse, outlet_places};

use attributes::{attribution, detect_modes, find_sizes, Modes};
use chrono::NaiveDate;
use eventwire_lexicon::PatternKind;
use eventwire_lexicon::{Lexicon, LexiconBuilder, LexiconError};
use eventwire_model::{plover_quad, Article, CiteInfo, Entity, Event, Extensions, TextInfo};
use eventwire_resolve::dates::{find_dates, parse_published, DateMention, Precision};
use eventwire_resolve::geo::{Context, Found, Gazetteer, OutletHomes};
use eventwire_text::{segment, CharIndex, Document, Lemmatizer, Sentence};
use mentions::{Mention, StoryContext};
use std::collections::BTreeMap;

/// Why an article could not be coded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodeError {
    /// `published` is missing or not a date.
    #[error("published {0:?} is not a date (expected YYYY-MM-DD or RFC 3339)")]
    BadPublished(String),
}

/// Codes articles; immutable and `Send + Sync`, so one coder serves every thread.
#[derive(Debug)]
pub struct Coder {
    lexicon: Lexicon,
    lemmatizer: &'static Lemmatizer,
    coded_date: String,
    locations: bool,
    outlet_homes: Option<std::sync::Arc<OutletHomes>>,
}

/// The article's places, for event locations.
struct Places {
    gazetteer: &'static Gazetteer,
    found: Vec<Found>,
    story: place::StoryPlaces,
}

/// An article's places, geoparsed on the first event that needs them: most articles hold no
/// event, and they never pay for the gazetteer.
struct LazyPlaces<'a> {
    enabled: bool,
    text: &'a str,
    sentences: &'a [Sentence],
    /// The article and the outlet homes, read only when the article is geoparsed.
    article: &'a Article,
    homes: Option<&'a OutletHomes>,
    cell: std::cell::OnceCell<Option<Places>>,
}

impl LazyPlaces<'_> {
    /// The places, geoparsed on the first call with the story's countries (`StoryContext`
    /// fixes them before the first sentence, so every call passes the same list).
    fn get(&self, countries: &[String]) -> Option<&Places> {
        self.cell
            .get_or_init(|| {
                self.enabled.then(Gazetteer::bundled).map(|g| {
                    let context = Context {
                        countries,
                        home: place::outlet_home(self.homes, self.article),
                    };
                    let found = g.geoparse(self.text, self.sentences, context);
                    let story = place::StoryPlaces::new(g, &found);
                    Places {
                        gazetteer: g,
                        found,
                        story,
                    }
                })
            })
            .as_ref()
    }
}

/// What `eventwire lexicon check` found for one example sentence.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    /// Pattern id.
    pub pattern: String,
    /// `file:line`.
    pub source: String,
    /// The code the example must yield.
    pub expected: String,
    /// The codes it yielded.
    pub got: Vec<String>,
}

impl ExampleResult {
    /// True when the expected code was produced.
    pub fn passed(&self) -> bool {
        self.got.iter().any(|g| *g == self.expected)
    }
}

impl Coder {
    /// A coder over a compiled lexicon.
    pub fn new(lexicon: Lexicon) -> Self {
        Coder {
            lexicon,
            lemmatizer: Lemmatizer::bundled(),
            coded_date: String::new(),
            locations: true,
            outlet_homes: None,
        }
    }

    /// Turns event location on or off (on by default; off never loads the gazetteer).
    pub fn with_locations(mut self, on: bool) -> Self {
        self.locations = on;
        self
    }

    /// Ranks place names with each outlet's home province (learned beforehand, e.g. from
    /// [`outlet_places`] of the same articles).
    pub fn with_outlet_homes(mut self, homes: std::sync::Arc<OutletHomes>) -> Self {
        self.outlet_homes = Some(homes);
        self
    }

    /// The bundled lexicon; panics only if the shipped files are broken (a test guards this).
    pub fn bundled() -> Self {
        let (lexicon, problems) = LexiconBuilder::bundled().build();
        assert!(
            problems.is_empty(),
            "bundled lexicon has problems: {problems:?}"
        );
        Coder::new(lexicon)
    }

    /// Builds from a lexicon builder, returning the problems found alongside.
    pub fn from_builder(b: &LexiconBuilder) -> (Self, Vec<LexiconError>) {
        let (lexicon, problems) = b.build();
        (Coder::new(lexicon), problems)
    }

    /// Sets the `coded_date` written into events (default: empty, for reproducible output).
    pub fn with_coded_date(mut self, date: &str) -> Self {
        self.coded_date = date.to_string();
        self
    }

    /// The compiled lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Codes one article. Events whose CAMEO code has no PLOVER type (CAMEO 01 statements) are
    /// returned with an empty `event` list; PLOVER writers skip them, CAMEO writers keep them.
    pub fn code(&self, article: &Article) -> Result<Vec<Event>, CodeError> {
        let published = parse_published(&article.published)
            .ok_or_else(|| CodeError::BadPublished(article.published.clone()))?;
        let doc = Document::new(&article.title, &article.text);
        let chars = doc.char_offsets();
        let sentences = segment(&doc);
        let date_key = published
            .format("%Y%m%d")
            .to_string()
            .parse::<u32>()
            .unwrap_or(0);
        let mut ctx = StoryContext::new(&self.lexicon, &sentences, date_key);
        let unverified: Vec<bool> = sentences
            .iter()
            .map(|s| attributes::says_unverified(&s.tokens))
            .collect();
        let places = LazyPlaces {
            enabled: self.locations,
            text: &doc.text,
            sentences: &sentences,
            article,
            homes: self.outlet_homes.as_deref(),
            cell: std::cell::OnceCell::new(),
        };
        let mut events: Vec<Event> = Vec::new();
        for (k, sent) in sentences.iter().enumerate() {
            let next_unverified = unverified.get(k + 1).copied().unwrap_or(false)
                && sentences[k + 1].tokens.len() < 12;
            let verified = (unverified[k] || next_unverified).then_some(false);
            let mut coded = self.code_sentence(
                article,
                &doc,
                &chars,
                (k, sent),
                published,
                &mut ctx,
                verified,
                &places,
            );
            events.append(&mut coded);
        }
        Ok(dedup_story(events))
    }

    #[allow(clippy::too_many_arguments)]
    fn code_sentence(
        &self,
        article: &Article,
        doc: &Document,
        chars: &CharIndex,
        (sentence_index, sent): (usize, &Sentence),
        published: NaiveDate,
        ctx: &mut StoryContext,
        verified: Option<bool>,
        places: &LazyPlaces,
    ) -> Vec<Event> {
        let tokens = &sent.tokens;
        let ids: Vec<Vec<u32>> = tokens
            .iter()
            .map(|t| self.lexicon.events.word_ids(self.lemmatizer, t))
            .collect();
        let mentions = ctx.mentions(&self.lexicon, &doc.text, tokens);
        let matches = if self.lexicon.peer_rules {
            self.lexicon.events.find_where(
                tokens,
                &ids,
                |m, pattern| peer_verb(tokens, &mentions, m, pattern),
                |trigger| roles::passive_subject(tokens, trigger),
            )
        } else {
            self.lexicon.events.find(tokens, &ids)
        };
        if matches.is_empty() {
            // Most sentences hold no event: dates, sizes and speakers are only read for events.
            ctx.remember(&mentions);
            return Vec::new();
        }
        let dates = find_dates(tokens, published);
        let sizes = find_sizes(tokens);
        let span = |a: usize, b: usize| {
            [
                chars.char_of(tokens[a].start),
                chars.char_of(tokens[b - 1].end),
            ]
        };
        let speaker = attribution(tokens, &mentions, ctx);
        let mut out = Vec::new();
        let mut embedded_until: Option<usize> = None;
        let mut prev_actor: Option<Vec<Mention>> = None;
        let has_plover = matches.iter().any(|m| {
            let p = &self.lexicon.events.patterns[m.pattern as usize];
            self.lexicon
                .codes
                .get(&p.cameo)
                .is_some_and(|c| !c.plover_event.is_empty())
        });
        for m in &matches {
            let pattern = &self.lexicon.events.patterns[m.pattern as usize];
            let Some(info) = self.lexicon.codes.get(&pattern.cameo) else {
                continue;
            };
            // A bare statement only counts when nothing else happened; a peer's specific
            // statement ("claimed responsibility", 015) counts beside other events.
            if info.plover_event.is_empty()
                && has_plover
                && (!self.lexicon.peer_rules || pattern.cameo == "010")
            {
                continue;
            }
            let trigger = m.tokens[0];
            if self.lexicon.peer_rules && chained(tokens, &matches, m) {
                continue;
            }
            if embedded_until.is_some_and(|e| trigger <= e) {
                continue; // the content of an accusation, demand or threat, not an event
            }
            if speaker.as_ref().is_some_and(|s| s.verb_token == trigger)
                && info.plover_event.is_empty()
                && matches.len() > 1
            {
                continue;
            }
            let mut roles =
                roles::assign(pattern.kind, m, tokens, &mentions, self.lexicon.peer_rules);
            if self.lexicon.peer_rules {
                // "… condemned an attack … and promised aid": a verb after "and" shares the subject.
                if let Some(a) = prev_actor
                    .as_ref()
                    .filter(|_| trigger > 0 && tokens[trigger - 1].norm == "and")
                {
                    roles.actor = a.clone();
                }
                prev_actor = Some(roles.actor.clone()).filter(|a| !a.is_empty());
            }
            if pattern.kind == PatternKind::Noun
                && roles.actor.is_empty()
                && trigger > 0
                && matches!(
                    tokens[trigger - 1].norm.as_str(),
                    "this" | "that" | "these" | "those"
                )
            {
                continue; // "this ceasefire": a reference back, not a new event
            }
            let modes = detect_modes(tokens, trigger, pattern.kind == PatternKind::Noun);
            let date = event_date(tokens, &dates, trigger);
            let (date_str, precision, date_source, date_text, date_span) = match date {
                Some(d) => {
                    // "due to begin on Thursday": a future event's weekday lies ahead.
                    let date = if modes.future.is_some() && d.weekday && d.date <= published {
                        d.date + chrono::Duration::days(7)
                    } else {
                        d.date
                    };
                    (
                        date.to_string(),
                        d.precision,
                        "text",
                        Some(doc.text[tokens[d.start].start..tokens[d.end - 1].end].to_string()),
                        Some(span(d.start, d.end)),
                    )
                }
                None => (
                    published.to_string(),
                    Precision::Day,
                    "publication",
                    None,
                    None,
                ),
            };
            let historical = date
                .is_some_and(|d| (published - d.date).num_days() > 60 && modes.future.is_none());
            let Reduced {
                event: event_type,
                modes: mode_list,
                cameo: reduced_cameo,
                demand,
            } = reduce(&info.plover_event, &info.plover_mode, &modes, historical);
            if demand && !self.lexicon.peer_rules {
                // "X said Y must …": X demands of Y.
                roles.recipient = std::mem::take(&mut roles.actor);
                if let Some((e, Some((a, b)))) = speaker
                    .as_ref()
                    .and_then(|s| s.entity.clone().map(|e| (e, s.span)))
                {
                    roles.actor = vec![Mention::from_entity(e, a, b)];
                } else if let Some(first) = mentions.iter().find(|m| {
                    roles.recipient.first().is_some_and(|r| m.end <= r.start) && m.has_code()
                }) {
                    // "Chirac issued a reminder to Iraq that it must …": the sentence's subject demands.
                    roles.actor = vec![first.clone()];
                }
            }
            // A group with no country takes the country of the place the sentence puts it in
            // ("demonstrators … in Monrovia").
            if let (Some(a), Some(p)) = (roles.actor.first_mut(), places.get(ctx.countries())) {
                if a.entity.code.is_empty() && a.kind == mentions::MentionKind::Group {
                    let placed = p
                        .found
                        .iter()
                        .find(|f| f.sentence == sentence_index && f.mention.cued);
                    if let Some(f) = placed {
                        a.entity.code = p.gazetteer.country_of(f.mention.target).to_string();
                    }
                }
            }
            let cameo_code = reduced_cameo.map_or_else(|| info.cameo.clone(), String::from);
            let goldstein = reduced_cameo
                .and_then(|c| self.lexicon.codes.get(c))
                .map_or(info.goldstein, |c| c.goldstein);
            if matches!(
                info.plover_event.as_str(),
                "ACCUSE" | "REQUEST" | "THREATEN" | "REJECT" | "AGREE"
            ) {
                embedded_until = complement_end(tokens, *m.tokens.iter().max().unwrap_or(&trigger));
            }
            let first = m.tokens[0];
            // Pattern words read in a passive's subject stand before the verb: the verb alone is
            // the event's span (`event_text` lists them all).
            let last = (*m.tokens.last().unwrap_or(&first)).max(first);
            let mut evidence = BTreeMap::new();
            evidence.insert("event".to_string(), span(first, last + 1));
            let actor: Vec<Entity> = roles.actor.iter().map(|a| a.entity.clone()).collect();
            let recipient: Vec<Entity> = roles.recipient.iter().map(|a| a.entity.clone()).collect();
            if let Some(a) = roles.actor.first() {
                evidence.insert("actor".to_string(), span(a.start, a.end));
            }
            if let Some(r) = roles.recipient.first() {
                evidence.insert("recipient".to_string(), span(r.start, r.end));
            }
            if let Some(ds) = date_span {
                evidence.insert("date".to_string(), ds);
            }
            let cues = [
                (modes.negation, "negation"),
                (modes.future, "future"),
                (modes.hypothetical, "hypothetical"),
                (modes.intent, "intent"),
                (modes.obligation, "obligation"),
                (modes.refusal, "refusal"),
                (modes.condition, "condition"),
            ];
            for (cue, name) in cues {
                let explains = mode_list.iter().any(|m| m == name)
                    || reduced_cameo.is_some()
                        && matches!(name, "intent" | "obligation" | "refusal" | "condition");
                if let Some(i) = cue.filter(|_| explains) {
                    evidence.insert(format!("mode.{name}"), span(i, i + 1));
                }
            }
            let mut size = None;
            let mut size_qualifier = BTreeMap::new();
            if matches!(event_type.as_str(), "ASSAULT" | "COERCE" | "PROTEST") {
                let mut s = eventwire_model::Size::default();
                for f in &sizes {
                    let slot = match f.field {
                        "dead" if event_type != "COERCE" => &mut s.dead,
                        "injured" if event_type != "COERCE" => &mut s.injured,
                        "arrested" if event_type != "ASSAULT" => &mut s.arrested,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Some(f.value);
                        size_qualifier.insert(f.field.to_string(), f.qualifier.to_string());
                        evidence.insert(format!("size.{}", f.field), span(f.start, f.end));
                    }
                }
                size = (!s.is_empty()).then_some(s);
            }
            let attribution = speaker.as_ref().map(|s| {
                if let Some((a, b)) = s.span {
                    evidence.insert("attribution".to_string(), span(a, b));
                }
                eventwire_model::Attribution {
                    speaker: s.entity.clone(),
                    verb: Some(s.verb.clone()),
                    verified,
                }
            });
            let attribution = attribution.or_else(|| {
                verified.map(|v| eventwire_model::Attribution {
                    speaker: None,
                    verb: None,
                    verified: Some(v),
                })
            });
            let event_text: Vec<String> = m
                .tokens
                .iter()
                .map(|&t| doc.text[tokens[t].start..tokens[t].end].to_string())
                .collect();
            let scale_mode = mode_list.first().map_or("-", String::as_str);
            let event_scale = if event_type.is_empty() {
                0.0
            } else {
                self.lexicon.codes.scale(&event_type, scale_mode)
            };
            let (event_loc, location_reason) = match places.get(ctx.countries()) {
                Some(p) => {
                    let actor_country = roles.actor.first().map(|a| a.entity.code.as_str());
                    let (loc, reason, used) = place::event_location(
                        p.gazetteer,
                        &doc.text,
                        &p.found,
                        sentence_index,
                        trigger,
                        actor_country,
                        &p.story,
                    );
                    if let Some(f) = used.map(|k| &p.found[k]) {
                        evidence.insert(
                            "event_loc".to_string(),
                            [chars.char_of(f.start), chars.char_of(f.end)],
                        );
                    }
                    (loc, Some(reason.to_string()))
                }
                None => (None, None),
            };
            let ordinal = out.len() + 1;
            out.push(Event {
                id: format!("{}-{}-{}", article.id, sent.seq, ordinal),
                date: date_str,
                event: if event_type.is_empty() {
                    vec![]
                } else {
                    vec![event_type.clone()]
                },
                mode: mode_list,
                context: info.contexts.clone(),
                actor,
                recipient,
                event_text,
                quad_code: if event_type.is_empty() {
                    info.cameo_quad
                } else {
                    plover_quad(&event_type)
                },
                event_scale,
                event_loc,
                size,
                text: doc.text[sent.start..sent.end].to_string(),
                text_info: TextInfo {
                    sequence: sent.seq,
                    start: chars.char_of(sent.start),
                    end: chars.char_of(sent.end),
                },
                cite_info: CiteInfo::of(article),
                coder: concat!("eventwire ", env!("CARGO_PKG_VERSION")).to_string(),
                coded_date: self.coded_date.clone(),
                ew: Extensions {
                    cameo: cameo_code,
                    cameo_actor: roles.actor.first().map(Mention::cameo).unwrap_or_default(),
                    cameo_recipient: roles
                        .recipient
                        .first()
                        .map(Mention::cameo)
                        .unwrap_or_default(),
                    goldstein,
                    attribution,
                    size_qualifier,
                    date_precision: precision.as_str().to_string(),
                    date_source: date_source.to_string(),
                    date_text,
                    location_reason,
                    evidence,
                    article_id: article.id.clone(),
                    pattern_id: pattern.id.clone(),
                    also_in: Vec::new(),
                },
            });
        }
        ctx.remember(&mentions);
        out
    }

    /// Runs every pattern's example sentence and reports what it yielded.
    pub fn check_examples(&self) -> Vec<ExampleResult> {
        self.lexicon
            .events
            .patterns
            .iter()
            .filter_map(|p| p.example.as_ref().map(|e| (p, e)))
            .map(|(p, example)| {
                let a = Article::new("example", "", example, "2024-01-10");
                let got = self
                    .code(&a)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| e.ew.cameo)
                    .collect();
                ExampleResult {
                    pattern: p.id.clone(),
                    source: p.source.clone(),
                    expected: p.cameo.clone(),
                    got,
                }
            })
            .collect()
    }
}

/// Whether a peer dictionary's match stands on a verb, as PETRARCH and TABARI (which code verbs
/// only) would see it: not a word of an actor's name ("United States"), not a noun after a
/// determiner ("a brief private visit", "the restore"). A pattern that starts with its subject
/// ("- &MILITARY *": "troops withdrew", "a missile blew up") is judged on the word after it and
/// never fits a passive's subject; one that starts with its verb ("- * ATTACK") on the verb ("United
/// States attacked" is no "unite … attack").
fn peer_verb(
    tokens: &[eventwire_text::Token],
    mentions: &[Mention],
    m: &eventwire_lexicon::EventMatch,
    pattern: &eventwire_lexicon::EventPattern,
) -> bool {
    let determiner = |t: &eventwire_text::Token| {
        matches!(
            t.norm.as_str(),
            "a" | "an" | "the" | "its" | "their" | "his" | "her" | "this" | "these" | "those"
        )
    };
    let plain = |t: &eventwire_text::Token| {
        t.norm == "-" // "its six-year campaign"
            || t.kind == eventwire_text::TokenKind::Word
            && !t.capitalized
            && !matches!(
                t.norm.as_str(),
                "has"
                    | "have"
                    | "had"
                    | "is"
                    | "are"
                    | "was"
                    | "were"
                    | "will"
                    | "would"
                    | "be"
                    | "been"
                    | "did"
                    | "do"
                    | "does"
                    | "can"
                    | "could"
                    | "may"
                    | "might"
                    | "must"
                    | "should"
                    | "to"
                    | "not"
                    | "n't"
                    | "also"
                    | "then"
            )
    };
    let in_mention = |i: usize| mentions.iter().any(|x| x.start <= i && i < x.end);
    let after_determiner = |i: usize| {
        // "a brief private visit", "its six-year campaign": a determiner and one or two plain
        // words (hyphens aside) before a base form.
        let words_before = |k: usize| {
            tokens[i - k + 1..i]
                .iter()
                .filter(|t| t.norm != "-")
                .count()
        };
        let noun_phrase = !tokens[i].norm.ends_with("ed")
            && (2..=5).any(|k| {
                i >= k
                    && determiner(&tokens[i - k])
                    && words_before(k) <= 2
                    && tokens[i - k + 1..i].iter().all(plain)
                    && !mentions.iter().any(|x| x.start < i && x.end > i - k)
            });
        i > 0 && (determiner(&tokens[i - 1]) || noun_phrase)
    };
    let verb_like = |i: usize| !in_mention(i) && !after_determiner(i);
    let trigger = m.tokens[0];
    // Words before the verb's `*`, its role markers aside.
    let verb_first = pattern
        .text
        .strip_prefix(pattern.id.as_str())
        .is_some_and(|body| {
            body.split_whitespace()
                .take_while(|w| *w != "*")
                .all(|w| matches!(w, "+" | "$" | "%" | "^"))
        });
    if verb_first || m.tokens.len() < 2 {
        return verb_like(trigger);
    }
    // A pattern that names its subject ("- MISSILE *") is judged on its verb; a passive verb's
    // subject is no agent ("a mortar bomb was fired" is no `- &WEAPON *`).
    let verb = m.tokens[1];
    let in_passive_subject =
        roles::passive_subject(tokens, verb).is_some_and(|subject| trigger < subject.end);
    (verb_like(trigger) || verb_like(verb)) && !in_passive_subject
}

/// Whether a peer match is the first verb of a chain whose verb after "to" carries the event
/// ("prepared to attend").
fn chained(
    tokens: &[eventwire_text::Token],
    matches: &[eventwire_lexicon::EventMatch],
    m: &eventwire_lexicon::EventMatch,
) -> bool {
    let last = *m.tokens.iter().max().unwrap_or(&m.tokens[0]);
    tokens.get(last + 1).is_some_and(|t| t.norm == "to")
        && matches
            .iter()
            .any(|b| b.tokens[0] > last + 1 && b.tokens[0] <= last + 3)
}

/// The date expression that dates an event: the nearest one in the trigger's clause, or one that
/// opens the sentence ("On Wednesday, …").
fn event_date<'d>(
    tokens: &[eventwire_text::Token],
    dates: &'d [DateMention],
    trigger: usize,
) -> Option<&'d DateMention> {
    let crosses = |d: &DateMention| {
        // A trigger inside the date expression itself crosses nothing.
        let (a, b) = if d.end <= trigger {
            (d.end, trigger)
        } else {
            (trigger, d.start.max(trigger))
        };
        tokens[a..b].iter().any(|t| t.is_clause_break())
    };
    dates
        .iter()
        .filter(|d| !crosses(d) || d.start <= 1)
        .min_by_key(|d| {
            (
                crosses(d),
                d.start.abs_diff(trigger).min(d.end.abs_diff(trigger)),
            )
        })
}

/// Where the complement of a verbal event ("accused X of …", "urged X to …") ends: the next clause break.
fn complement_end(tokens: &[eventwire_text::Token], after: usize) -> Option<usize> {
    let mut i = after + 1;
    let mut seen_link = false;
    while i < tokens.len() && i <= after + 14 {
        let n = tokens[i].norm.as_str();
        if matches!(n, "of" | "to" | "that" | "for") {
            seen_link = true;
        }
        if tokens[i].is_clause_break() || n == "." {
            break;
        }
        i += 1;
    }
    seen_link.then_some(i)
}

/// What PLOVER's reductions made of a pattern's event.
struct Reduced {
    event: String,
    modes: Vec<String>,
    /// The CAMEO code that now fits ("030" for an offer, "100" for a demand …), if it changed.
    cameo: Option<&'static str>,
    /// "X said Y must …": the speaker demands, Y is the recipient.
    demand: bool,
}

/// Applies PLOVER's reductions and adds auxiliary modes: an offer to cooperate is AGREE; a
/// refusal to cooperate REJECT; "must" a demand (REQUEST); a future or conditional conflict act a
/// threat (THREATEN); future RETREAT is CONCEDE; future CONSULT/SUPPORT/COOPERATE/AID is AGREE.
fn reduce(event: &str, mode: &str, modes: &Modes, historical: bool) -> Reduced {
    let mut event = event.to_string();
    let mut mode = mode.to_string();
    let mut cameo = None;
    let cooperative = matches!(
        event.as_str(),
        "AGREE" | "CONSULT" | "SUPPORT" | "COOPERATE" | "AID" | "RETREAT" | "CONCEDE"
    );
    let material_conflict = matches!(
        event.as_str(),
        "ASSAULT" | "COERCE" | "SANCTION" | "PROTEST" | "MOBILIZE"
    );
    let (mut future, mut hypothetical) = (modes.future.is_some(), modes.hypothetical.is_some());
    let mut negation = modes.negation.is_some();
    if event.is_empty() {
        // CAMEO 01 statements carry no PLOVER reductions.
    } else if modes.obligation.is_some() && !negation {
        event = "REQUEST".into();
        mode.clear();
        return Reduced {
            event,
            modes: Vec::new(),
            cameo: Some("100"),
            demand: true,
        };
    } else if cooperative
        && (modes.refusal.is_some() || (negation && (future || modes.intent.is_some())))
    {
        event = "REJECT".into();
        mode.clear();
        cameo = Some("120");
        (future, hypothetical, negation) = (false, false, false);
    } else if modes.intent.is_some() && cooperative && !negation {
        return Reduced {
            event: "AGREE".into(),
            modes: Vec::new(),
            cameo: Some("030"),
            demand: false,
        };
    } else if material_conflict
        && !negation
        && (future || hypothetical || modes.intent.is_some() || modes.condition.is_some())
    {
        cameo = Some(if event == "ASSAULT" { "138" } else { "130" });
        mode = match event.as_str() {
            "ASSAULT" => "violence",
            "COERCE" | "PROTEST" => "restrict",
            "SANCTION" => "relations",
            _ => "",
        }
        .into();
        event = "THREATEN".into();
    } else if future {
        match event.as_str() {
            "RETREAT" => event = "CONCEDE".into(),
            "CONSULT" | "SUPPORT" | "COOPERATE" | "AID" => {
                event = "AGREE".into();
                mode.clear();
                cameo = Some("030");
            }
            _ => {}
        }
    }
    let mut list = Vec::new();
    if !mode.is_empty() {
        list.push(mode);
    }
    for (on, name) in [
        (negation, "negation"),
        (future, "future"),
        (hypothetical, "hypothetical"),
        (historical, "historical"),
    ] {
        if on {
            list.push(name.to_string());
        }
    }
    Reduced {
        event,
        modes: list,
        cameo,
        demand: false,
    }
}

/// One (date, actor, recipient, event, mode) per story; later mentions go to `ew.also_in`.
fn dedup_story(events: Vec<Event>) -> Vec<Event> {
    let key = |e: &Event| {
        let ents = |v: &[Entity]| {
            v.iter()
                .map(|x| format!("{}/{}", x.code, x.sector))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!(
            "{}|{}|{}|{}|{}|{}",
            e.date,
            ents(&e.actor),
            ents(&e.recipient),
            e.event.join(","),
            e.mode.join(","),
            e.ew.cameo
        )
    };
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        let k = key(&e);
        match seen.get(&k) {
            Some(&i) => {
                let span = [e.text_info.start, e.text_info.end];
                out[i].ew.also_in.push(span);
            }
            None => {
                seen.insert(k, out.len());
                out.push(e);
            }
        }
    }
    out
}
