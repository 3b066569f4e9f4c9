//! Coding with a peer's dictionaries (PETRARCH, PETRARCH2): the shared matcher finds actors and
//! verbs, then the peers' post-processing gives the codes those projects expect: paired codes
//! (`[042:043]` adds the target→source event), role swaps (`+ * $`), discards, agent
//! composition (`ARNGOV`, `NGOARN`), compounds. [`PeerCoder::code_article`] writes contract
//! events whose `ew.cameo*` fields carry the peer's codes; [`PeerCoder::code`] gives the
//! (source, target, code) triples the validation suites compare.

use crate::{CodeError, Coder};
use eventwire_lexicon::petrarch::{Dictionaries, DiscardKind};
use eventwire_lexicon::{LexiconBuilder, LexiconError};
use eventwire_model::{plover_quad, Article, Entity, Event};
use std::collections::{BTreeSet, HashMap};

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
        (
            PeerCoder {
                coder,
                dicts,
                meta,
                prefix_agents,
                codes,
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
