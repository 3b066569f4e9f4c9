//! Coding with a peer's dictionaries (PETRARCH, PETRARCH2): the shared matcher finds actors and
//! verbs, then the peers' post-processing gives the codes those projects expect: paired codes
//! (`[042:043]` adds the target→source event), role swaps (`+ * $`), discards, agent
//! composition (`ARNGOV`, `NGOARN`), compounds, and the clause scope a parse gives PETRARCH: no
//! subject across a relative pronoun, a verb of speech or a preposition, no event from a
//! participle, a purpose infinitive, an object's own verb or an adverbial clause of a coded main
//! clause, no noun read as a verb; PETRARCH2's `~` transformations of a verb nested under another
//! ("wants Putin to attack" → appeal), a speaker as the source of its own verb of speech, and a
//! compound recipient before an active verb as its subject. [`PeerCoder::code_article`] writes
//! contract events whose `ew.cameo*` fields carry the peer's codes; [`PeerCoder::code`] gives the
//! (source, target, code) triples the validation suites compare.

use crate::{CodeError, Coder};
use eventwire_lexicon::petrarch::{Dictionaries, DiscardKind};
use eventwire_lexicon::{LexiconBuilder, LexiconError};
use eventwire_model::{plover_quad, Article, Entity, Event};
use std::collections::{BTreeSet, HashMap, HashSet};

/// (source, target, code).
pub type Triple = (String, String, String);

/// A coder built from peer dictionaries, with the peers' post-processing.
pub struct PeerCoder {
    coder: Coder,
    dicts: Dictionaries,
    /// Pattern id → (paired reverse code, swap source and target).
    meta: HashMap<String, (Option<String>, bool)>,
    prefix_agents: Vec<String>,
    /// Pattern id → the dictionary's code (the coder's PLOVER reductions do not apply to peers).
    codes: HashMap<String, String>,
    /// Ids of the patterns whose verb is their last word (`- IN *`).
    verb_last: HashSet<String>,
}

/// What a peer coder made of one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coded {
    /// The events (possibly none).
    Events(BTreeSet<Triple>),
    /// A discard phrase dropped the sentence or story.
    Discarded(DiscardKind),
}

/// One peer event: its codes and the coder event it came from (`reversed` for a paired code's
/// target→source half).
struct PeerEvent {
    triple: Triple,
    base: usize,
    reversed: bool,
}

impl PeerCoder {
    /// Compiles `dicts` on top of `base`: [`LexiconBuilder::codes_only`] to replace eventwire's
    /// lexicon (its code tables stay), [`LexiconBuilder::bundled`] to extend it. Returns the
    /// compile problems alongside.
    pub fn new(dicts: Dictionaries, mut b: LexiconBuilder) -> (Self, Vec<LexiconError>) {
        b.add_dictionaries(dicts.clone());
        let (coder, problems) = Coder::from_builder(&b);
        let coder = coder.with_locations(false);
        let meta = dicts.pattern_meta();
        let prefix_agents = dicts
            .agents
            .iter()
            .filter(|a| a.prefix)
            .map(|a| a.code.clone())
            .collect();
        let codes = coder
            .lexicon()
            .events
            .patterns
            .iter()
            .map(|p| (p.id.clone(), p.cameo.clone()))
            .collect();
        let verb_last = dicts
            .patterns
            .iter()
            .filter(|p| {
                let body = p.text.split('[').next().unwrap_or("").trim();
                body.len() > 1 && body.ends_with('*')
            })
            .map(|p| p.id.clone())
            .collect();
        (
            PeerCoder {
                coder,
                dicts,
                meta,
                prefix_agents,
                codes,
                verb_last,
            },
            problems,
        )
    }

    /// Turns event locations on or off (off by default for the suites' single sentences).
    pub fn with_locations(mut self, on: bool) -> Self {
        self.coder = self.coder.with_locations(on);
        self
    }

    /// Sets `coded_date` on the events.
    pub fn with_coded_date(mut self, date: &str) -> Self {
        self.coder = self.coder.with_coded_date(date);
        self
    }

    /// The underlying coder.
    pub fn coder(&self) -> &Coder {
        &self.coder
    }

    /// Codes one sentence dated `date` (YYYYMMDD). With `require_dyad`, events need both sides.
    pub fn code(&self, text: &str, date: &str, require_dyad: bool) -> Coded {
        if let Some(k) = self.dicts.discard(text) {
            return Coded::Discarded(k);
        }
        let published = if date.len() == 8 {
            format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..])
        } else {
            date.to_string()
        };
        let events = self
            .coder
            .code(&Article::new("suite", "", text, &published))
            .unwrap_or_default();
        match self.peer_events(&events, require_dyad) {
            Ok(v) => Coded::Events(v.into_iter().map(|p| p.triple).collect()),
            Err(k) => Coded::Discarded(k),
        }
    }

    /// Codes an article into contract events carrying the peer's codes: a story discard drops
    /// the article, a sentence discard (or an actor coded `###`) drops its sentence, a paired
    /// code adds the reversed event. PLOVER fields follow the peer's CAMEO code.
    pub fn code_article(&self, article: &Article) -> Result<Vec<Event>, CodeError> {
        let whole = format!("{}\n{}", article.title, article.text);
        if self.dicts.discard(&whole) == Some(DiscardKind::Story) {
            return Ok(Vec::new());
        }
        let events = self.coder.code(article)?;
        let mut out: Vec<Event> = Vec::with_capacity(events.len());
        let mut start = 0;
        while start < events.len() {
            let seq = events[start].text_info.sequence;
            let end = start
                + events[start..]
                    .iter()
                    .take_while(|e| e.text_info.sequence == seq)
                    .count();
            let sentence = &events[start..end];
            if self.dicts.discard(&sentence[0].text).is_none() {
                if let Ok(peer) = self.peer_events(sentence, false) {
                    for (k, p) in peer.into_iter().enumerate() {
                        let mut e = self.recode(sentence[p.base].clone(), p);
                        e.id = format!("{}-{}-{}", article.id, seq, k + 1);
                        out.push(e);
                    }
                }
            }
            start = end;
        }
        Ok(out)
    }

    /// The base event rewritten with a peer triple: peer codes in `ew`, PLOVER fields from the
    /// CAMEO table, actor and recipient swapped for a paired code's reverse half.
    fn recode(&self, mut e: Event, p: PeerEvent) -> Event {
        let (source, target, code) = p.triple;
        if p.reversed {
            std::mem::swap(&mut e.actor, &mut e.recipient);
            let ev = &mut e.ew.evidence;
            let (a, r) = (ev.remove("actor"), ev.remove("recipient"));
            if let Some(r) = r {
                ev.insert("actor".into(), r);
            }
            if let Some(a) = a {
                ev.insert("recipient".into(), a);
            }
        }
        let dash = |s: String| if s == "---" { String::new() } else { s };
        e.ew.cameo_actor = dash(source);
        e.ew.cameo_recipient = dash(target);
        if let Some(info) = self.coder.lexicon().codes.get(&code) {
            e.event = if info.plover_event.is_empty() {
                vec![]
            } else {
                vec![info.plover_event.clone()]
            };
            e.mode.retain(|m| {
                matches!(
                    m.as_str(),
                    "future" | "hypothetical" | "historical" | "negation"
                )
            });
            if !info.plover_mode.is_empty() {
                e.mode.insert(0, info.plover_mode.clone());
            }
            e.context = info.contexts.clone();
            e.quad_code = if info.plover_event.is_empty() {
                info.cameo_quad
            } else {
                plover_quad(&info.plover_event)
            };
            e.event_scale = self
                .coder
                .lexicon()
                .codes
                .scale(&info.plover_event, &info.plover_mode);
            e.ew.goldstein = info.goldstein;
        }
        e.ew.cameo = code;
        e
    }

    /// The peer events of one sentence's coder events, or the discard that drops the sentence.
    fn peer_events(
        &self,
        events: &[Event],
        require_dyad: bool,
    ) -> Result<Vec<PeerEvent>, DiscardKind> {
        let mut keep: Vec<usize> = (0..events.len()).collect();
        if self.dicts.stems {
            // TABARI codes the first verb of a sentence (its compounds and paired codes aside).
            let start = |e: &Event| e.ew.evidence.get("event").map_or(usize::MAX, |s| s[0]);
            if let Some(first) = events
                .iter()
                .filter(|e| self.codes.get(&e.ew.pattern_id).is_none_or(|c| c != "---"))
                .map(start)
                .min()
            {
                keep.retain(|&i| start(&events[i]) == first);
            }
        }
        let mut out: Vec<PeerEvent> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut push = |triple: Triple, base: usize, reversed: bool| {
            if seen.insert(triple.clone()) {
                out.push(PeerEvent {
                    triple,
                    base,
                    reversed,
                });
            }
        };
        for i in keep {
            let e = &events[i];
            let code = self
                .codes
                .get(&e.ew.pattern_id)
                .cloned()
                .unwrap_or_else(|| e.ew.cameo.clone());
            if code == "###" {
                return Err(DiscardKind::Sentence);
            }
            if matches!(code.as_str(), "---" | "+++" | "") {
                continue;
            }
            if !self.dicts.stems
                && (outside_clause(e)
                    || object_of_earlier(events, i)
                    || purpose_of_earlier(events, i)
                    || subordinate_to_earlier(events, i, |o| self.is_event(o))
                    || !stands_as_verb(e, self.verb_last.contains(&e.ew.pattern_id)))
            {
                continue;
            }
            // PETRARCH spreads a compound's agent over its members; TABARI does not.
            let spread = |v: &[Entity]| {
                if self.dicts.stems {
                    v.to_vec()
                } else {
                    distribute(v)
                }
            };
            let mut src: Vec<String> = spread(&e.actor)
                .iter()
                .flat_map(|x| self.codes_of(x))
                .collect();
            // A verb of speech with no subject of its own ("a report released in the Rwandan
            // capital alleged that France …"): its speaker is the source.
            if src.is_empty() && !self.dicts.stems {
                if let Some(speaker) = speaker_of_trigger(e) {
                    src = self.codes_of(speaker);
                }
            }
            let mut tgt: Vec<String> = spread(&e.recipient)
                .iter()
                .flat_map(|x| self.codes_of(x))
                .collect();
            let meta = self.meta.get(&e.ew.pattern_id);
            if meta.is_some_and(|m| m.1) {
                std::mem::swap(&mut src, &mut tgt);
            }
            dedup(&mut src);
            dedup(&mut tgt);
            // TABARI: an actor coded `###` discards the sentence.
            if src.iter().chain(&tgt).any(|c| c == "###") {
                return Err(DiscardKind::Sentence);
            }
            let mut code = code;
            if let Some((s, t, c)) = self.transform(e, &src, &tgt, &code) {
                (src, tgt, code) = (s, t, c);
            }
            // A compound recipient before an active verb is its subject ("… that Gondor and
            // Osgiliath have delayed").
            if src.is_empty() && tgt.len() > 1 && !self.dicts.stems && subject_recipient(e) {
                std::mem::swap(&mut src, &mut tgt);
            }
            // A compound actor with no target acts on each other ("Gondor and Osgiliath met").
            if tgt.is_empty() && src.len() > 1 {
                for a in &src {
                    for b in src.iter().filter(|b| *b != a) {
                        push((a.clone(), b.clone(), code.clone()), i, false);
                    }
                }
                continue;
            }
            if (require_dyad && (src.is_empty() || tgt.is_empty()))
                || (src.is_empty() && tgt.is_empty())
            {
                continue;
            }
            for v in [&mut src, &mut tgt] {
                if v.is_empty() {
                    v.push("---".into());
                }
            }
            let reverse = meta
                .and_then(|m| m.0.as_ref())
                .filter(|_| !self.dicts.petrarch2);
            for a in &src {
                for b in tgt.iter().filter(|b| *b != a) {
                    push((a.clone(), b.clone(), code.clone()), i, false);
                    if let Some(rev) = reverse {
                        push((b.clone(), a.clone(), rev.clone()), i, true);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Applies the first transformation that fits an event whose trigger spans a verb nested
    /// under another ("wants Putin to attack", "said that Iraq had attacked"): the outer verb is
    /// the trigger's first word, the inner one a later word; a recipient between the two is the
    /// inner verb's source, one after them its target. Returns the new source, target and code.
    fn transform(
        &self,
        e: &Event,
        src: &[String],
        tgt: &[String],
        code: &str,
    ) -> Option<(Vec<String>, Vec<String>, String)> {
        if self.dicts.transformations.is_empty() || src.is_empty() {
            return None;
        }
        let verb = e.ew.evidence.get("event")?;
        let start = text_before(e, verb[0]).len();
        let trigger = e.text.get(start..text_before(e, verb[1]).len())?;
        let words: Vec<(usize, &str)> = trigger
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| (start + (w.as_ptr() as usize - trigger.as_ptr() as usize), w))
            .collect();
        let outer = self.verb_code(words.first()?.1)?;
        let recipient =
            e.ew.evidence
                .get("recipient")
                .map(|r| text_before(e, r[0]).len());
        let codes = &self.dicts.verb_codes;
        for t in &self.dicts.transformations {
            if codes.get(&t.outer_verb.to_lowercase()) != Some(&outer) {
                continue;
            }
            let inner = codes.get(&t.inner_verb.to_lowercase());
            if t.inner_verb != "Q" && inner.is_none() {
                continue;
            }
            let fits = |c: &str| match inner {
                Some(i) => c.get(..2).is_some_and(|r| i.starts_with(r)),
                None => c != "---",
            };
            let Some(&(at, _)) = words[1..]
                .iter()
                .find(|(_, w)| self.verb_code(w).is_some_and(|c| fits(&c)))
            else {
                continue;
            };
            let own_subject = t.inner_source == t.outer_source || t.inner_source == "_";
            let mut bound: HashMap<&str, &[String]> = HashMap::new();
            bound.insert(t.outer_source.as_str(), src);
            if recipient.is_some_and(|r| r > start && r < at) {
                if own_subject || t.inner_target != "." {
                    continue;
                }
                bound.insert(t.inner_source.as_str(), tgt);
            } else {
                if !own_subject || tgt.is_empty() {
                    continue;
                }
                bound.insert(t.inner_target.as_str(), tgt);
            }
            let (Some(s), Some(g)) = (bound.get(t.source.as_str()), bound.get(t.target.as_str()))
            else {
                continue;
            };
            let code = if t.code == "Q" { code } else { &t.code };
            return Some((s.to_vec(), g.to_vec(), code.to_string()));
        }
        None
    }

    /// The dictionary code of a verb word in any regular inflection ("attacked", "wants").
    fn verb_code(&self, word: &str) -> Option<String> {
        let w = word.to_lowercase();
        let codes = &self.dicts.verb_codes;
        if let Some(c) = codes.get(&w) {
            return Some(c.clone());
        }
        ["ing", "ed", "es", "s", "d"].iter().find_map(|suffix| {
            let stem = w.strip_suffix(suffix)?;
            codes
                .get(stem)
                .or_else(|| codes.get(&format!("{stem}e")))
                .cloned()
        })
    }

    /// Whether a coder event carries a peer event code (not `---`, `+++` or a discard).
    fn is_event(&self, e: &Event) -> bool {
        let code = self
            .codes
            .get(&e.ew.pattern_id)
            .map_or(e.ew.cameo.as_str(), String::as_str);
        !matches!(code, "---" | "+++" | "###" | "")
    }

    /// The peer actor codes of an entity: the actor code (`FRO/BIL/SAM` stands for three) with
    /// its agent glued after it (`~GOV`) or before it (`NGO~`); an agent the code already ends
    /// with is not repeated; an agent with no actor is `---GOV`.
    fn codes_of(&self, e: &Entity) -> Vec<String> {
        let agent = e
            .sector
            .split_whitespace()
            .find(|s| *s != "PRE")
            .unwrap_or("");
        let codes: Vec<&str> = if e.code.is_empty() {
            vec![""]
        } else {
            e.code.split('/').collect()
        };
        codes
            .into_iter()
            .filter_map(|code| {
                if code.is_empty() && agent.is_empty() {
                    return None;
                }
                // An agent with no actor: PETRARCH writes `---GOV`, TABARI `~GOV`.
                let code = if !code.is_empty() {
                    code
                } else if self.dicts.stems {
                    "~"
                } else {
                    "---"
                };
                Some(
                    if agent.is_empty() || (code.ends_with(agent) && code.len() > 3) {
                        code.to_string()
                    } else if self.prefix_agents.iter().any(|p| p == agent) {
                        if code == "---" || code == "~" {
                            agent.to_string()
                        } else {
                            format!("{agent}{code}")
                        }
                    } else {
                        format!("{code}{agent}")
                    },
                )
            })
            .collect()
    }
}

/// "The ambassadors of Arnor, Osgiliath and Gondor": one agent in a compound applies to every member.
fn distribute(v: &[Entity]) -> Vec<Entity> {
    let mut out = v.to_vec();
    let with: Vec<&Entity> = v.iter().filter(|x| !x.sector.is_empty()).collect();
    if v.len() > 1 && with.len() == 1 {
        let sector = with[0].sector.clone();
        for x in out.iter_mut().filter(|x| !x.code.is_empty()) {
            x.sector = sector.clone();
        }
    }
    out
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Relative pronouns: a verb after one has the pronoun, not an earlier name, as its subject.
const RELATIVES: &[&str] = &["which", "who", "whom", "whose"];
/// Verbs of speech: a verb after one belongs to the reported clause, whose subject follows them.
const SPEECH: &[&str] = &["said", "says", "say", "told", "tells", "added", "stated"];
/// Subject pronouns: one right before a verb is its subject.
const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "they", "we", "it", "i"];
/// Auxiliaries and modals that follow a relative "that".
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "is", "are", "was", "were", "will", "would", "can", "could", "may",
    "might", "must", "should",
];
/// Words that may open a noun phrase after its preposition.
const NP_OPENERS: &[&str] = &[
    "a", "an", "the", "two", "three", "four", "five", "several", "some", "many", "its", "their",
    "his", "her",
];
/// Prepositions whose object is never a verb's subject.
const SUBJECTLESS_PREPOSITIONS: &[&str] = &[
    "for", "of", "to", "with", "against", "from", "into", "on", "at", "about", "toward", "towards",
];
/// Prepositions that make an "-ing" verb a gerund ("by promoting", "before leaving").
const GERUND_PREPOSITIONS: &[&str] = &[
    "by", "for", "of", "in", "on", "after", "before", "while", "without", "since", "from", "about",
];

/// Whether event `i`'s actor is the object of an earlier verb of its sentence ("pressuring
/// Obama to help Iran", "Obama is being pressured … to help", "pledged to expel exiled leaders
/// … forced …"): PETRARCH gives the later verb no subject of its own.
fn object_of_earlier(events: &[Event], i: usize) -> bool {
    let span = |e: &Event, k: &str| e.ew.evidence.get(k).copied();
    let (Some(actor), Some(verb)) = (span(&events[i], "actor"), span(&events[i], "event")) else {
        return false;
    };
    events.iter().any(|o| {
        span(o, "recipient").is_some_and(|r| r[0] < actor[1] && actor[0] < r[1])
            && span(o, "event").is_some_and(|v| v[0] < verb[0])
    })
}

/// Whether event `i` is a purpose infinitive of an earlier event with the same actor ("met with
/// Assad Tuesday to discuss efforts"): PETRARCH codes the main verb only.
fn purpose_of_earlier(events: &[Event], i: usize) -> bool {
    let span = |e: &Event, k: &str| e.ew.evidence.get(k).copied();
    let e = &events[i];
    let (Some(actor), Some(verb)) = (span(e, "actor"), span(e, "event")) else {
        return false;
    };
    let before = text_before(e, verb[0]);
    if before.split_whitespace().next_back() != Some("to") {
        return false;
    }
    events.iter().any(|o| {
        span(o, "actor") == Some(actor)
            && span(o, "event").is_some_and(|v| {
                v[0] < verb[0]
                    // "agreed to lift": the first verb of a chain is not the main event.
                    && text_before(e, verb[0])
                        .get(text_before(e, v[1]).len()..)
                        .is_some_and(|gap| gap.split_whitespace().count() > 1)
            })
    })
}

/// Subordinators that open an adverbial clause.
const SUBORDINATORS: &[&str] = &[
    "after", "before", "since", "until", "when", "while", "because", "although", "though",
];

/// Whether event `i` stands in an adverbial clause ("… almost five years after crowds burned
/// down its embassy") of a sentence whose main clause, before it, already holds an event: the
/// peers code the main verb's phrase and leave the clause inside it.
fn subordinate_to_earlier(events: &[Event], i: usize, is_event: impl Fn(&Event) -> bool) -> bool {
    let e = &events[i];
    let Some(verb) = e.ew.evidence.get("event") else {
        return false;
    };
    let before = text_before(e, verb[0]);
    // The subordinator that opens the trigger's clause, as a code point of the article.
    let mut opener = None;
    for (k, w) in before
        .split_inclusive(|c: char| !c.is_alphanumeric())
        .rev()
        .enumerate()
    {
        let word = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        if w.contains([',', ';', ':']) {
            break;
        }
        if SUBORDINATORS.contains(&word.to_lowercase().as_str()) {
            let byte = before.len()
                - before
                    .split_inclusive(|c: char| !c.is_alphanumeric())
                    .rev()
                    .take(k + 1)
                    .map(str::len)
                    .sum::<usize>();
            opener = Some(e.text_info.start + e.text[..byte].chars().count());
            break;
        }
    }
    let Some(opener) = opener else {
        return false;
    };
    events.iter().enumerate().any(|(j, o)| {
        j != i && is_event(o) && o.ew.evidence.get("event").is_some_and(|v| v[0] < opener)
    })
}

/// Forms of "be": between a subject and a participle they make the verb passive.
const BE_FORMS: &[&str] = &["be", "been", "being", "is", "are", "was", "were"];

/// Whether the event's recipient stands before the trigger's last word with no form of "be"
/// between them ("that Gondor and Osgiliath have delayed"), so it is that verb's subject.
fn subject_recipient(e: &Event) -> bool {
    let (Some(recipient), Some(verb)) =
        (e.ew.evidence.get("recipient"), e.ew.evidence.get("event"))
    else {
        return false;
    };
    let trigger = text_before(e, verb[1]);
    let last = trigger
        .trim_end()
        .rfind(char::is_whitespace)
        .map_or(0, |k| k + 1);
    let end = text_before(e, recipient[1]).len();
    end <= last
        && trigger.get(end..last).is_some_and(|gap| {
            gap.split_whitespace()
                .all(|w| !BE_FORMS.contains(&w.to_lowercase().as_str()))
        })
}

/// The speaker of an event whose trigger is the reporting verb itself.
fn speaker_of_trigger(e: &Event) -> Option<&Entity> {
    let attribution = e.ew.attribution.as_ref()?;
    let verb = e.ew.evidence.get("event")?;
    let before = text_before(e, verb[0]).len();
    let trigger = text_before(e, verb[1]).get(before..)?;
    let first = trigger.split_whitespace().next()?;
    attribution
        .verb
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case(first))
        .then_some(attribution.speaker.as_ref())
        .flatten()
}

/// The sentence text before code point `at` of the article (evidence coordinates).
fn text_before(e: &Event, at: usize) -> &str {
    let k = at.saturating_sub(e.text_info.start);
    &e.text[..e
        .text
        .char_indices()
        .nth(k)
        .map_or(e.text.len(), |(b, _)| b)]
}

/// Whether the event's trigger can be a verb at all: not glued to a word before it by a hyphen
/// ("Al-Qaeda-linked rebels"), not after a degree adverb ("very close to"), not a capitalised
/// word inside a name ("Free Tibet banners"); when the pattern ends with its verb (`- IN *`),
/// that last word is no noun after an article ("in an accord").
fn stands_as_verb(e: &Event, verb_last: bool) -> bool {
    let Some(verb) = e.ew.evidence.get("event") else {
        return true;
    };
    let before = text_before(e, verb[0]);
    let rest = &e.text[before.len()..];
    let previous = before
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .to_lowercase();
    if before.ends_with('-') || matches!(previous.as_str(), "very" | "too" | "more" | "most") {
        return false;
    }
    if verb_last {
        let words: Vec<String> = text_before(e, verb[1])
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        if words.len() >= 2 && matches!(words[words.len() - 2].as_str(), "a" | "an" | "the") {
            return false;
        }
    }
    let mut words = rest.split_whitespace();
    let capital = |w: Option<&str>| {
        w.and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    };
    let initial = before.trim().is_empty();
    !(capital(words.next()) && capital(words.next()) && !initial)
}

/// Whether the event's actor stands outside the clause of its verb, where PETRARCH's parse
/// would never look for a subject: across a relative pronoun ("Beijing, which have resisted
/// taking …", "the group that has seized …") or a verb of speech ("Washington said such a step
/// enjoyed …"), inside a prepositional phrase ("warrants for two Brazilian men sought …"), or
/// before a participial or gerund phrase ("…, killing eight people", "by promoting biofuels");
/// or the trigger is the head noun of an indefinite noun phrase ("an Islamic State target").
fn outside_clause(e: &Event) -> bool {
    let (Some(actor), Some(verb)) = (e.ew.evidence.get("actor"), e.ew.evidence.get("event")) else {
        return false;
    };
    if actor[1] > verb[0] {
        return false;
    }
    let chars: Vec<char> = e.text.chars().collect();
    let at = |k: usize| k.saturating_sub(e.text_info.start).min(chars.len());
    let between: String = chars[at(actor[1])..at(verb[0])].iter().collect();
    let trigger: String = chars[at(verb[0])..at(verb[1])]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '-')
        .collect::<String>()
        .to_lowercase();
    let words: Vec<String> = between
        .split(|c: char| !c.is_alphanumeric() && c != ',')
        .flat_map(|w| {
            let comma = w.ends_with(',');
            let w = w.trim_end_matches(',').to_lowercase();
            [w, if comma { ",".into() } else { String::new() }]
        })
        .filter(|w| !w.is_empty())
        .collect();
    // "the group that has seized …": "that" right before the verb or its auxiliary.
    let relative_that = words.iter().enumerate().any(|(k, w)| {
        w == "that"
            && words
                .get(k + 1)
                .is_none_or(|n| AUXILIARIES.contains(&n.as_str()))
    });
    // "On … Gondor's health centres, he said": a pronoun after a comma is the verb's own subject.
    let own_pronoun = words
        .last()
        .is_some_and(|w| SUBJECT_PRONOUNS.contains(&w.as_str()))
        && words.iter().any(|w| w == ",");
    if relative_that
        || own_pronoun
        || words
            .iter()
            .any(|w| RELATIVES.contains(&w.as_str()) || SPEECH.contains(&w.as_str()))
    {
        return true;
    }
    // "an Islamic State target": a base form after an indefinite noun phrase is its head noun.
    let base_form =
        !trigger.ends_with('s') && !trigger.ends_with("ed") && !trigger.ends_with("ing");
    let lead: Vec<&str> = text_before(e, verb[0]).split_whitespace().rev().collect();
    let names = lead
        .iter()
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    if base_form
        && names > 0
        && lead
            .get(names)
            .is_some_and(|w| w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an"))
    {
        return true;
    }
    // "warrants for two Brazilian men sought …": a name inside a prepositional phrase is no subject.
    let before = text_before(e, actor[0]).to_lowercase();
    let preposition = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .find(|w| !NP_OPENERS.contains(w) && !w.chars().all(|c| c.is_ascii_digit()));
    if preposition.is_some_and(|w| SUBJECTLESS_PREPOSITIONS.contains(&w)) {
        return true;
    }
    trigger.ends_with("ing")
        && words
            .last()
            .is_some_and(|w| w == "," || GERUND_PREPOSITIONS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coder with three actors (GON, MOR, ROH) and the given verb dictionary.
    fn coder_with(verbs: &str) -> PeerCoder {
        let mut d = Dictionaries::default();
        let mut errors = Vec::new();
        d.parse_actors(
            "a.txt",
            "GONDOR_ [GON]\nMORDOR_ [MOR]\nROHAN_ [ROH]\n",
            &mut errors,
        );
        d.parse_verbs("v.txt", verbs, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        PeerCoder::new(d, LexiconBuilder::codes_only()).0
    }

    fn coder() -> PeerCoder {
        coder_with("--- AGREE [030] ---\nAGREE\n- * (TO SANCTIONS) [163]\n\n--- LIFT [---] ---\nLIFT\n- * SANCTIONS [085]\n\n--- CONDEMN [122] ---\nCONDEMN\n\n--- ATTACK [190] ---\nATTACK\n")
    }

    fn events(c: &PeerCoder, text: &str) -> Vec<Triple> {
        match c.code(text, "19950101", true) {
            Coded::Events(e) => e.into_iter().collect(),
            Coded::Discarded(k) => panic!("{text}: discarded ({k:?})"),
        }
    }

    fn triple(s: &str, t: &str, c: &str) -> Triple {
        (s.into(), t.into(), c.into())
    }

    #[test]
    fn a_phrase_pattern_never_takes_a_verb_inside() {
        let c = coder();
        assert_eq!(
            events(&c, "Gondor agreed to lift the sanctions against Mordor."),
            [triple("GON", "MOR", "085")]
        );
    }

    #[test]
    fn a_relative_clause_has_no_subject_before_it() {
        let c = coder();
        assert_eq!(
            events(&c, "Gondor attacked Rohan."),
            [triple("GON", "ROH", "190")]
        );
        let coded = events(&c, "Gondor condemned the army, which attacked Rohan.");
        assert!(!coded.iter().any(|t| t.2 == "190"), "{coded:?}");
    }
    #[test]
    fn a_transformation_recodes_a_nested_verb() {
        let c = coder_with("--- DEMAND [100] ---\nWANT [030]\n- * ATTACK [138]\n\n--- ATTACK [190] ---\nATTACK\n\n~ a (b . ATTACK) WANT = a b 021\n");
        assert_eq!(
            events(&c, "Gondor wants Mordor to attack Rohan."),
            [triple("GON", "MOR", "021")]
        );
    }
}
