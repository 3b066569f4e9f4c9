//! Coding with a peer's dictionaries (PETRARCH, PETRARCH2): the shared matcher finds actors and
//! verbs, then the peers' post-processing gives the codes those projects expect: paired codes
//! (`[042:043]` adds the target→source event), role swaps (`+ * $`), discards, agent
//! composition (`ARNGOV`, `NGOARN`), compounds, and the clause scope a parse gives PETRARCH: no
//! subject across a relative pronoun, a verb of speech or a preposition, no event from a
//! participle, a purpose infinitive, an object's own verb or an adverbial clause of a coded main
//! clause, no noun read as a verb; PETRARCH2's `~` transformations of a verb nested under another
//! ("wants Putin to attack" → appeal), a speaker as the source of its own verb of speech, and a
//! compound recipient before an active verb as its subject. Where raw text hides what the
//! peers' parse shows, the sentence is coded again with words blanked out (offsets unchanged): a
//! verb conjoined to a coded one ("condemned … and promised aid"), a comma or "and" inside a noun
//! phrase ("complete, full ties"), each member of a compound subject ("Lawmakers in Fornost and
//! Gondor"). An agent governing a name through "of" ("the mayor of … Nablus") is glued to it;
//! PETRARCH2's passive agents ("by", "from", "in"), reported attacks (`~ … SAY`
//! transformations) and subject heads are read from the sentence's actor mentions. [`PeerCoder::code_article`] writes
//! contract events whose `ew.cameo*` fields carry the peer's codes; [`PeerCoder::code`] gives the
//! (source, target, code) triples the validation suites compare.

use crate::{CodeError, Coder};
use eventwire_lexicon::petrarch::{peer_date, Dictionaries, DiscardKind};
use eventwire_lexicon::{LexiconBuilder, LexiconError};
use eventwire_model::{plover_quad, Article, CharSpan, Entity, Event};
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
    /// One-word agent phrases (lower case, singular and plural) → their agent code.
    agent_words: HashMap<String, String>,
    /// Pattern id → the prepositions after the verb whose phrase holds the source (`FROM $`).
    source_prepositions: HashMap<String, Vec<String>>,
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
        let mut meta = dicts.pattern_meta();
        // PETRARCH2 reverses a symmetric paired code ("- * TALKS [046:046]": both held talks),
        // and codes the first half of any other ("ATTEND [042:043]").
        if dicts.petrarch2 {
            for p in &dicts.patterns {
                if let Some(m) = meta.get_mut(&p.id) {
                    m.0.take_if(|reverse| *reverse != p.code);
                }
            }
        }
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
        let agent_words = dicts
            .agents
            .iter()
            .flat_map(|a| {
                a.phrases
                    .iter()
                    .filter(|p| !p.contains(' '))
                    .map(|p| (p.to_lowercase(), a.code.clone()))
            })
            .collect();
        let source_prepositions = dicts
            .patterns
            .iter()
            .filter_map(|p| {
                let body = p.text.split('[').next().unwrap_or("");
                let words: Vec<&str> = body.split_whitespace().collect();
                let verb = words.iter().position(|w| *w == "*")?;
                let preps: Vec<String> = words[verb..]
                    .windows(2)
                    .filter(|w| w[1] == "$" && w[0].chars().all(char::is_alphabetic))
                    .map(|w| w[0].to_lowercase())
                    .collect();
                (!preps.is_empty()).then(|| (p.id.clone(), preps))
            })
            .collect();
        (
            PeerCoder {
                coder,
                dicts,
                meta,
                prefix_agents,
                codes,
                verb_last,
                agent_words,
                source_prepositions,
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

    /// Codes one sentence dated `date` (YYYYMMDD, or the peers' YYMMDD). With `require_dyad`,
    /// events need both sides.
    pub fn code(&self, text: &str, date: &str, require_dyad: bool) -> Coded {
        if let Some(k) = self.dicts.discard(text) {
            return Coded::Discarded(k);
        }
        let day = peer_date(date).unwrap_or(0);
        let published = format!(
            "{:04}-{:02}-{:02}",
            day / 10_000,
            day / 100 % 100,
            day % 100
        );
        let article = self.joined(&Article::new("suite", "", text, &published));
        let mut events = self.coder.code(&article).unwrap_or_default();
        if !self.dicts.stems {
            self.recode_hidden(&article, &mut events);
        }
        match self.peer_events(&events, require_dyad, day) {
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
        let date = article
            .published
            .get(..10)
            .map_or(0, |d| d.replace('-', "").parse().unwrap_or(0));
        let joined = self.joined(article);
        // The sentences as written, when joining words changed them.
        let written: Option<Vec<char>> = (joined.text != article.text
            || joined.title != article.title)
            .then(|| whole.chars().collect());
        let article = &joined;
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
            let text_info = &events[start].text_info;
            let text = &match &written {
                None => events[start].text.clone(),
                Some(chars) => chars
                    .get(text_info.start..text_info.end)
                    .unwrap_or_default()
                    .iter()
                    .collect(),
            };
            let mut sentence = events[start..end].to_vec();
            if !self.dicts.stems {
                self.recode_hidden(article, &mut sentence);
            }
            if self.dicts.discard(text).is_none() {
                if let Ok(peer) = self.peer_events(&sentence, false, date) {
                    for (k, p) in peer.into_iter().enumerate() {
                        let mut e = self.recode(sentence[p.base].clone(), p);
                        e.id = format!("{}-{}-{}", article.id, seq, k + 1);
                        // An event of a recoded sentence keeps the sentence as written.
                        e.text.clone_from(text);
                        e.text_info = text_info.clone();
                        out.push(e);
                    }
                }
            }
            start = end;
        }
        Ok(out)
    }

    /// The article as PETRARCH's dictionaries read it: `_` joins the words of one phrase, so an
    /// underscore in the text ("Dol_Amroth") is a space (offsets stay those of the article).
    fn joined(&self, article: &Article) -> Article {
        let mut a = article.clone();
        if !self.dicts.stems {
            a.title = a.title.replace('_', " ");
            a.text = a.text.replace('_', " ");
        }
        a
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
        date: u32,
    ) -> Result<Vec<PeerEvent>, DiscardKind> {
        let mut keep: Vec<usize> = (0..events.len()).collect();
        if self.dicts.stems {
            // TABARI codes the first verb of a sentence (its compounds and paired codes aside).
            let start = |e: &Event| span(e, "event").map_or(usize::MAX, |s| s[0]);
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
            let code = self.headless_subject(e).unwrap_or(code);
            let code = self.nested_code(e, &code).unwrap_or(code);
            if code == "###" {
                return Err(DiscardKind::Sentence);
            }
            if matches!(code.as_str(), "---" | "+++" | "") {
                continue;
            }
            if !self.dicts.stems
                && (outside_clause(e)
                    || object_of_earlier(events, i, |o| {
                        stands_as_verb(o, self.verb_last.contains(&o.ew.pattern_id))
                    })
                    || purpose_of_earlier(events, i)
                    || reduced_relative_of_later(events, i)
                    || (self.dicts.petrarch2 && reported_complement(e))
                    || subordinate_to_earlier(events, i, |o| self.is_event(o))
                    || !stands_as_verb(e, self.verb_last.contains(&e.ew.pattern_id))
                    || self.misinflected(e)
                    || self.plural_after_and(e))
            {
                continue;
            }
            // PETRARCH spreads a compound's agent over its members; TABARI does not.
            let spread = |v: &[Entity], role: &str| {
                if self.dicts.stems {
                    v.to_vec()
                } else {
                    distribute(v, member_phrase(e, role))
                }
            };
            let (actor, recipient) = self
                .passive_agent(e, date)
                .unwrap_or_else(|| (e.actor.clone(), e.recipient.clone()));
            let actor = self.agent_of(e, &actor, "actor");
            let recipient = if self.dicts.petrarch2 && self.past_infinitive(e) {
                Vec::new()
            } else {
                self.agent_of(e, &recipient, "recipient")
            };
            let mut src: Vec<String> = spread(&actor, "actor")
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
            let mut tgt: Vec<String> = spread(&recipient, "recipient")
                .iter()
                .flat_map(|x| self.codes_of(x))
                .collect();
            let meta = self.meta.get(&e.ew.pattern_id);
            if meta.is_some_and(|m| m.1) {
                std::mem::swap(&mut src, &mut tgt);
                // PETRARCH2 takes a reversed code's source from a "from" or "by" phrase after
                // the verb ("faces pressure from Congress to help Iran").
                if self.dicts.petrarch2 {
                    if let Some(agent) = self.phrase_actor(e, date, &["from", "by"]) {
                        src = self.codes_of(&agent);
                    }
                }
            }
            // A pattern that binds its source after a preposition ("- + * FROM $"): the actor
            // opening that phrase is the source, and a source found elsewhere the target.
            if let Some(preps) = self.source_prepositions.get(&e.ew.pattern_id) {
                let preps: Vec<&str> = preps.iter().map(String::as_str).collect();
                if let Some(agent) = self.phrase_actor(e, date, &preps) {
                    if tgt.is_empty() {
                        tgt = std::mem::take(&mut src);
                    }
                    src = self.codes_of(&agent);
                }
            }
            dedup(&mut src);
            dedup(&mut tgt);
            // TABARI: an actor coded `###` discards the sentence.
            if src.iter().chain(&tgt).any(|c| c == "###") {
                return Err(DiscardKind::Sentence);
            }
            let mut code = code;
            if let Some((s, t, c)) = self
                .transform(e, &src, &tgt, &code)
                .or_else(|| self.transform_reported(e, &src, &tgt, &code, date))
            {
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
            // PETRARCH-1 gives a verb with no object phrase at all ("… said today.") no event.
            if tgt.is_empty() && !self.dicts.stems && !self.dicts.petrarch2 && !has_object(e) {
                continue;
            }
            for v in [&mut src, &mut tgt] {
                if v.is_empty() {
                    v.push("---".into());
                }
            }
            let reverse = meta.and_then(|m| m.0.as_ref());
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

    /// Adds to one sentence's coder events what PETRARCH's parse would show and the raw text
    /// hides: the events of a verb whose roles change once a noun phrase's joints are closed
    /// (these replace the verb's own), of a verb conjoined to a coded one (replacing its
    /// untargeted events), and of each member of a compound subject.
    fn recode_hidden(&self, article: &Article, sentence: &mut Vec<Event>) {
        let trigger_at = |e: &Event| span(e, "event").map(|v| v[0]);
        let retargeted = self.phrase_joints(article, sentence);
        if !retargeted.is_empty() {
            let triggers: HashSet<Option<usize>> = retargeted.iter().map(trigger_at).collect();
            sentence.retain(|e| !triggers.contains(&trigger_at(e)));
            sentence.extend(retargeted);
        }
        let (swallowed, misread) = self.swallowed_by_conjoined(article, sentence);
        sentence.retain(|e| !trigger_at(e).is_some_and(|v| misread.contains(&v)));
        sentence.extend(swallowed);
        let conjoined = self.conjoined(article, sentence);
        let triggers: HashSet<Option<usize>> = conjoined.iter().map(trigger_at).collect();
        sentence.retain(|e| {
            !triggers.contains(&trigger_at(e)) || e.ew.evidence.contains_key("recipient")
        });
        sentence.extend(conjoined);
        let members = self.compound_members(article, sentence);
        sentence.extend(members);
    }

    /// The events of each member of a compound subject the coder could not read whole
    /// ("Lawmakers in Fornost and Gondor welcomed …", "Clerics and lawmakers believe …"): when a
    /// verb has no actor, or its actor is the last member of a compound, the sentence is coded
    /// once per choice of members, the others blanked out, and the verb's events that then have
    /// an actor are added.
    fn compound_members(&self, article: &Article, sentence: &[Event]) -> Vec<Event> {
        let Some(first) = sentence.first() else {
            return Vec::new();
        };
        let chars: Vec<char> = first.text.chars().collect();
        let base = first.text_info.start;
        let mut out = Vec::new();
        let mut done = HashSet::new();
        for e in sentence.iter().filter(|e| self.is_event(e)) {
            let Some(verb) = span(e, "event") else {
                continue;
            };
            let trigger = verb[0].saturating_sub(base).min(chars.len());
            let ands = compound_ands(&chars[..trigger]);
            let actor = span(e, "actor").map(|a| a[0].saturating_sub(base));
            let lost = match actor {
                None => !ands.is_empty(),
                Some(a) => ands.iter().any(|m| m.right.start == a) && a < trigger,
            };
            if !lost || ands.len() > 2 || !done.insert(verb[0]) {
                continue;
            }
            for choice in 0..1usize << ands.len() {
                let blank: Vec<std::ops::Range<usize>> = ands
                    .iter()
                    .enumerate()
                    .map(|(k, m)| {
                        let r = if choice >> k & 1 == 0 {
                            m.and..m.right.end
                        } else {
                            m.left.start..m.right.start
                        };
                        base + r.start..base + r.end
                    })
                    .collect();
                out.extend(
                    self.code_blanked(article, first, &blank)
                        .into_iter()
                        .filter(|r| {
                            span(r, "actor").is_some()
                                && span(r, "event").is_some_and(|v| v[0] == verb[0])
                        }),
                );
            }
        }
        out
    }

    /// The events of verbs conjoined to a coded verb of the sentence ("… condemned an attack …
    /// and promised aid to …"), which the first verb's clause hides from the coder: the sentence
    /// is coded again with the words between that verb's actor and the conjunction blanked out,
    /// so the second verb follows the shared subject. Only the second verb's events are kept.
    fn conjoined(&self, article: &Article, sentence: &[Event]) -> Vec<Event> {
        let Some(first) = sentence.first() else {
            return Vec::new();
        };
        // Verbs already coded with a target need nothing more.
        let triggers: HashSet<usize> = sentence
            .iter()
            .filter(|e| span(e, "recipient").is_some())
            .filter_map(|e| span(e, "event").map(|v| v[0]))
            .collect();
        let chars: Vec<char> = first.text.chars().collect();
        let base = first.text_info.start;
        let mut out = Vec::new();
        for (and, next) in conjunctions(&chars) {
            let (verb, word) = next;
            let word: String = word.to_lowercase();
            if word.ends_with("ing")
                || triggers.contains(&(base + verb))
                || self.verb_code(&word).is_none()
            {
                continue;
            }
            // The nearest coded verb before the conjunction whose actor precedes it.
            let Some(actor) = sentence
                .iter()
                .filter_map(|e| Some((span(e, "actor")?, span(e, "event")?)))
                .filter(|(a, v)| a[1] <= v[0] && v[1] <= base + and)
                .max_by_key(|(_, v)| v[0])
                .map(|(a, _)| a)
            else {
                continue;
            };
            let between = actor[1]..base + and + 3;
            let events = self.code_blanked(article, first, std::slice::from_ref(&between));
            out.extend(
                events
                    .into_iter()
                    .filter(|e| span(e, "event").is_some_and(|v| v[0] >= base + verb)),
            );
        }
        out
    }

    /// The events of a verb the coder lost to a verb conjoined after its object ("ISIL had
    /// attacked Iraq and taken the city", where "Iraq" became the subject of "taken"): the
    /// sentence is coded again with the conjoined verb's words blanked out to the end of its
    /// clause, and the events of verbs before the conjunction that were missing are returned,
    /// with the triggers of the conjoined verbs that took the object as subject.
    fn swallowed_by_conjoined(
        &self,
        article: &Article,
        sentence: &[Event],
    ) -> (Vec<Event>, HashSet<usize>) {
        let mut misread = HashSet::new();
        let Some(first) = sentence.first() else {
            return (Vec::new(), misread);
        };
        let triggers: HashSet<usize> = sentence
            .iter()
            .filter_map(|e| span(e, "event").map(|v| v[0]))
            .collect();
        let chars: Vec<char> = first.text.chars().collect();
        let base = first.text_info.start;
        let mut out = Vec::new();
        for (and, (verb, _)) in conjunctions(&chars) {
            let subject_before_and = sentence.iter().any(|e| {
                span(e, "event").is_some_and(|v| v[0] == base + verb)
                    && span(e, "actor").is_some_and(|a| {
                        a[0] >= base
                            && a[1] <= base + and
                            && chars[a[1] - base..and].iter().all(|c| c.is_whitespace())
                    })
            });
            if !subject_before_and {
                continue;
            }
            let end = chars[and..]
                .iter()
                .position(|c| matches!(c, ',' | ';' | '.'))
                .map_or(chars.len(), |k| and + k);
            let blank = base + and..base + end;
            let found: Vec<Event> = self
                .code_blanked(article, first, std::slice::from_ref(&blank))
                .into_iter()
                .filter(|e| {
                    span(e, "event")
                        .is_some_and(|v| v[1] <= base + and && !triggers.contains(&v[0]))
                })
                .collect();
            if !found.is_empty() {
                misread.insert(base + verb);
                out.extend(found);
            }
        }
        (out, misread)
    }

    /// Codes the sentence of `first` alone, with the characters in `blank` (article code points)
    /// turned to spaces so that every offset stays that of the article.
    fn code_blanked(
        &self,
        article: &Article,
        first: &Event,
        blank: &[std::ops::Range<usize>],
    ) -> Vec<Event> {
        let keep = |k: usize| {
            (first.text_info.start..first.text_info.end).contains(&k)
                && !blank.iter().any(|b| b.contains(&k))
        };
        let masked = |text: &str, offset: usize| -> String {
            text.chars()
                .enumerate()
                .map(|(k, c)| if keep(offset + k) { c } else { ' ' })
                .collect()
        };
        let title_len = article.title.chars().count();
        let masked = Article {
            title: masked(&article.title, 0),
            text: masked(&article.text, title_len + 1),
            ..article.clone()
        };
        self.coder.code(&masked).unwrap_or_default()
    }

    /// The events of a sentence whose verbs read a noun phrase differently once its joints
    /// are closed: a comma or "and" between two modifiers of one phrase ("restore complete, full
    /// diplomatic ties with Gondor", "Ithilen's awful and evil minister") stays inside the
    /// phrase in PETRARCH's parse, so the sentence is coded again without them, and a verb whose
    /// roles that changes without losing one takes the new events instead of its own.
    fn phrase_joints(&self, article: &Article, sentence: &[Event]) -> Vec<Event> {
        let Some(first) = sentence.first() else {
            return Vec::new();
        };
        let chars: Vec<char> = first.text.chars().collect();
        let base = first.text_info.start;
        let joints: Vec<std::ops::Range<usize>> = joints(&chars, |w| self.verb_code(w).is_some())
            .into_iter()
            .map(|r| base + r.start..base + r.end)
            .collect();
        if joints.is_empty() {
            return Vec::new();
        }
        let start = |e: &Event| span(e, "event").map(|v| v[0]);
        let roles = |e: &Event| (span(e, "actor"), span(e, "recipient"));
        let filled =
            |e: &Event| usize::from(roles(e).0.is_some()) + usize::from(roles(e).1.is_some());
        let recoded = self.code_blanked(article, first, &joints);
        recoded
            .iter()
            .filter(|r| {
                let before: Vec<&Event> =
                    sentence.iter().filter(|e| start(e) == start(r)).collect();
                !before.is_empty()
                    && before
                        .iter()
                        .all(|e| filled(e) <= filled(r) && roles(e) != roles(r))
            })
            .cloned()
            .collect()
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
        let range = trigger_range(e)?;
        let start = range.start;
        let trigger = e.text.get(range)?;
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

    /// PETRARCH2's verb+verb meaning: a bare appeal, intention or demand verb (020, 030, 100)
    /// with "to" and a cooperative verb after it means that verb's act in its own family ("wants
    /// to help" is 033, "are seeking to deepen a partnership" 031), when CAMEO has the code.
    fn nested_code(&self, e: &Event, code: &str) -> Option<String> {
        if !self.dicts.petrarch2 {
            return None;
        }
        let range = trigger_range(e)?;
        let (outer, inner) = match (
            lower_words(&e.text[..range.start]).as_slice(),
            lower_words(e.text.get(range)?).as_slice(),
        ) {
            // "… seeking to [deepen a partnership]": the trigger is the nested verb's.
            ([.., outer, to], _) if to == "to" => (self.verb_code(outer)?, code.to_string()),
            // "[wants to help]": a pattern took the nested verb for its noun.
            (_, [outer, to, nested]) if to == "to" => {
                (self.verb_code(outer)?, self.verb_code(nested)?)
            }
            _ => return None,
        };
        let combined = combined_code(&outer, &inner)?;
        self.coder
            .lexicon()
            .codes
            .get(&combined)
            .is_some()
            .then_some(combined)
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

    /// PETRARCH2's passive voice: for a participle after a form of "be" ("was fired at it from
    /// the Gaza Strip", "were killed … by government forces") or right after a noun phrase that
    /// follows one ("There were 10 Russian soldiers killed in Ukraine"), the actor that opens a
    /// "by", "from" or "in" phrase after it in its clause is the source, and the passive subject
    /// (or else the coder's recipient) the target. Returns the new actor and recipient.
    fn passive_agent(&self, e: &Event, date: u32) -> Option<(Vec<Entity>, Vec<Entity>)> {
        if !self.dicts.petrarch2 {
            return None;
        }
        let verb = span(e, "event")?;
        let actor = span(e, "actor");
        let before = text_before(e, verb[0]);
        let participle = e.text[before.len()..]
            .split_whitespace()
            .next()
            .is_some_and(|w| !w.ends_with("ing"));
        let be = |text: &str| {
            text.split_whitespace()
                .rev()
                .find(|w| !w.chars().all(|c| c.is_ascii_digit()))
                .is_some_and(|w| BE_FORMS.contains(&w.to_lowercase().as_str()))
        };
        // "There were 10 Russian soldiers killed": a reduced relative after "be" + noun phrase.
        let reduced = actor.is_some_and(|a| {
            text_before(e, a[1]).len() == before.trim_end().len() && be(text_before(e, a[0]))
        });
        if !participle || actor.is_some_and(|a| a[0] > verb[0]) || !(be(before) || reduced) {
            return None;
        }
        let agent = self.phrase_actor(e, date, &["by", "from", "in"])?;
        let patient = if actor.is_some() {
            e.actor.clone()
        } else {
            e.recipient.clone()
        };
        Some((vec![agent], patient))
    }

    /// The actor that opens (after a determiner and up to two modifiers) the first phrase from the
    /// event's trigger on, in its clause, whose preposition is one of `prepositions`.
    fn phrase_actor(&self, e: &Event, date: u32, prepositions: &[&str]) -> Option<Entity> {
        let verb = span(e, "event")?;
        let end = text_before(e, verb[0]).len();
        let clause = e.text[end..].split([',', ';', '.']).next().unwrap_or("");
        let at = |byte: usize| e.text_info.start + e.text[..byte].chars().count();
        let words: Vec<(usize, &str)> = clause
            .split_whitespace()
            .map(|w| (end + (w.as_ptr() as usize - clause.as_ptr() as usize), w))
            .collect();
        // A phrase's actor may follow modifiers: "by pro-Russia rebels", "by armed rebels".
        let modifier = |w: &str| w.contains('-') || w.chars().all(char::is_lowercase);
        let openings: Vec<usize> = words
            .iter()
            .enumerate()
            .filter(|(_, (_, w))| prepositions.contains(w))
            .flat_map(|(k, _)| {
                let mut out = Vec::new();
                for &(byte, w) in words[k + 1..]
                    .iter()
                    .skip_while(|(_, n)| matches!(*n, "the" | "a" | "an"))
                {
                    out.push(at(byte));
                    if out.len() == 3 || !modifier(w) {
                        break;
                    }
                }
                out
            })
            .collect();
        if openings.is_empty() {
            return None;
        }
        let mentions = self.mentions_of(e, date);
        openings.iter().find_map(|&o| {
            mentions
                .iter()
                .find(|(span, m)| span[0] == o && !(m.code.is_empty() && m.sector.is_empty()))
                .map(|(_, m)| m.clone())
        })
    }

    /// PETRARCH2 matches a pattern's words before the verb against the subject's head: when
    /// they stand inside an "of" phrase of the subject instead ("Hundreds of UN troops withdrew"
    /// does not fit `- &MILITARY *`), the verb's own code applies. Returns that code.
    fn headless_subject(&self, e: &Event) -> Option<String> {
        if !self.dicts.petrarch2 {
            return None;
        }
        let verb = span(e, "event")?;
        let start = text_before(e, verb[0]).len();
        let trigger = &e.text[start..text_before(e, verb[1]).len()];
        let mut words = trigger.split_whitespace();
        let first = words.next()?;
        if self.verb_code(first).is_some() {
            return None;
        }
        let code = words.find_map(|w| self.verb_code(w))?;
        let of = e.text[..start]
            .split_whitespace()
            .rev()
            .find(|w| !w.chars().next().is_some_and(char::is_uppercase))?;
        (of == "of").then_some(code)
    }

    /// The actor mentions of an event's sentence: their spans (article code points) and entities.
    fn mentions_of(&self, e: &Event, date: u32) -> Vec<([usize; 2], Entity)> {
        let lex = self.coder.lexicon();
        let doc = eventwire_text::Document::new("", &e.text);
        let chars = doc.char_offsets();
        let sentences = eventwire_text::segment(&doc);
        let ctx = crate::mentions::StoryContext::new(lex, &sentences, date);
        // Document positions count the empty title's line break.
        let at = |byte: usize| (e.text_info.start + chars.char_of(byte)).saturating_sub(1);
        sentences
            .iter()
            .flat_map(|s| {
                ctx.mentions(lex, &doc.text, &s.tokens)
                    .into_iter()
                    .map(|m| {
                        let span = [at(s.tokens[m.start].start), at(s.tokens[m.end - 1].end)];
                        (span, m.entity)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Applies a transformation whose outer verb is a verb of speech that introduces the
    /// event's clause ("Israel said a mortar bomb was fired …" → Israel accuses): the sentence's
    /// first actor before that verb is the outer source, the event's source and target the
    /// inner ones.
    fn transform_reported(
        &self,
        e: &Event,
        src: &[String],
        tgt: &[String],
        code: &str,
        date: u32,
    ) -> Option<(Vec<String>, Vec<String>, String)> {
        if self.dicts.transformations.is_empty() {
            return None;
        }
        let verb = span(e, "event")?;
        let before = text_before(e, verb[0]);
        // The last verb of speech before the trigger, and no actor of the event before it.
        let (at, said) = before
            .split_inclusive(|c: char| !c.is_alphanumeric())
            .scan(0, |offset, w| {
                let at = *offset;
                *offset += w.len();
                Some((at, w.trim_end_matches(|c: char| !c.is_alphanumeric())))
            })
            .filter(|(_, w)| SPEECH.contains(&w.to_lowercase().as_str()))
            .last()?;
        let at = e.text_info.start + e.text[..at].chars().count();
        if span(e, "actor").is_some_and(|a| a[0] < at) {
            return None;
        }
        let outer = self.verb_code(said)?;
        let codes = &self.dicts.verb_codes;
        let candidates: Vec<_> = self
            .dicts
            .transformations
            .iter()
            .filter(|t| {
                codes.get(&t.outer_verb.to_lowercase()) == Some(&outer)
                    && match codes.get(&t.inner_verb.to_lowercase()) {
                        Some(i) => code.get(..2).is_some_and(|r| i.starts_with(r)),
                        None => t.inner_verb == "Q" && code != "---",
                    }
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let speaker = self
            .mentions_of(e, date)
            .into_iter()
            .find(|(span, m)| span[1] <= at && !m.code.is_empty())
            .map(|(_, m)| self.codes_of(&m))?;
        for t in candidates {
            let source_fits = match t.inner_source.as_str() {
                "_" => src.is_empty(),
                s if s == t.outer_source => src == speaker.as_slice(),
                _ => !src.is_empty(),
            };
            if !source_fits || (t.inner_target != "." && tgt.is_empty()) {
                continue;
            }
            let mut bound: HashMap<&str, &[String]> = HashMap::new();
            bound.insert(t.inner_source.as_str(), src);
            bound.insert(t.inner_target.as_str(), tgt);
            bound.insert(t.outer_source.as_str(), &speaker);
            let (Some(s), Some(g)) = (bound.get(t.source.as_str()), bound.get(t.target.as_str()))
            else {
                continue;
            };
            let code = if t.code == "Q" { code } else { &t.code };
            return Some((s.to_vec(), g.to_vec(), code.to_string()));
        }
        None
    }

    /// A role's entities with the agent of the noun phrase whose "of", "from" or "in" phrase
    /// holds the first ("the mayor of the northern West Bank city …" → `PSEGOV`, "exiled
    /// dissidents from military-ruled Myanmar" → `MMROPP`, "a strict Islamic state in
    /// northeastern Nigeria" → `NGAMUS`), when the coder gave it none: the words between the
    /// preposition and the name may be a determiner and lower-case modifiers, and the agent word
    /// may lead its noun phrase by two nouns ("an Islamic State target southwest of Baghdad").
    fn agent_of(&self, e: &Event, entities: &[Entity], role: &str) -> Vec<Entity> {
        let mut out = entities.to_vec();
        let (Some(first), Some(span)) = (out.first_mut(), span(e, role)) else {
            return out;
        };
        if self.dicts.stems || first.code.is_empty() || !first.sector.is_empty() {
            return out;
        }
        let before: Vec<&str> = text_before(e, span[0]).split_whitespace().rev().collect();
        let prepositions: &[&str] = if self.dicts.petrarch2 {
            &["of", "from", "in"]
        } else {
            &["of"]
        };
        let Some(of) = before.iter().take(4).position(|w| prepositions.contains(w)) else {
            return out;
        };
        let modifiers = before[..of].iter().all(|w| {
            matches!(*w, "the" | "a" | "an") || w.chars().all(|c| c.is_lowercase() || c == '-')
        });
        // "southwest of": a compass point belongs to the preposition.
        let head = of
            + 1
            + usize::from(before.get(of + 1).is_some_and(|w| {
                let w = w.to_lowercase();
                let w = w
                    .strip_prefix("north")
                    .or(w.strip_prefix("south"))
                    .unwrap_or(&w);
                matches!(w, "" | "east" | "west")
            }));
        // The agent word, and the nouns between it and the preposition: no verb, no punctuation.
        let lead = if self.dicts.petrarch2 { 3 } else { 1 };
        let agent = before
            .iter()
            .enumerate()
            .skip(head)
            .take(lead)
            .take_while(|(_, w)| w.chars().all(|c| c.is_alphanumeric() || c == '-'))
            .find_map(|(k, w)| {
                let agent = self.agent_words.get(&w.to_lowercase())?;
                let opener = |w: &&str| NP_OPENERS.contains(&w.to_lowercase().as_str());
                // After a determiner ("a strict Islamic state in …") a verb's form is a noun.
                let determined = before.iter().skip(k + 1).take(2).any(opener);
                before[head..k]
                    .iter()
                    .all(|n| !opener(n) && (determined || self.verb_code(n).is_none()))
                    .then_some(agent)
            });
        if let Some(agent) = agent.filter(|_| modifiers) {
            first.sector.clone_from(agent);
        }
        out
    }

    /// Whether the event's recipient stands past an infinitive after the verb's words ("will
    /// send a team … to help identify victims killed by the Malaysia Airlines flight"): a clause
    /// of its own, where the peers' parse never looks for the verb's object.
    fn past_infinitive(&self, e: &Event) -> bool {
        let (Some(range), Some(recipient)) = (trigger_range(e), span(e, "recipient")) else {
            return false;
        };
        let end = text_before(e, recipient[0]).len();
        if end <= range.end {
            return false;
        }
        let words = lower_words(&e.text[range.end..end]);
        words
            .windows(2)
            .any(|w| w[0] == "to" && self.dicts.verb_codes.contains_key(&w[1]))
    }

    /// Whether the event's trigger holds a verb with an "-es" ending its base does not take
    /// ("departes"): the peers generate "+ES" only after s, x, z, ch, sh and o, so the word is no
    /// form of the verb.
    fn misinflected(&self, e: &Event) -> bool {
        let Some(range) = trigger_range(e) else {
            return false;
        };
        let codes = &self.dicts.verb_codes;
        lower_words(&e.text[range]).into_iter().any(|w| {
            let Some(stem) = w.strip_suffix("es") else {
                return false;
            };
            codes.contains_key(stem)
                && !codes.contains_key(&w)
                && !codes.contains_key(&w[..w.len() - 1])
                && !["s", "x", "z", "ch", "sh", "o"]
                    .iter()
                    .any(|end| stem.ends_with(end))
        })
    }

    /// Whether the trigger is a plural noun after "and" rather than a verb sharing the subject:
    /// verbs that share a subject share a tense, so in "The government announced asset freezes
    /// and bans on travel" the "-s" word after an earlier past-tense verb is a noun.
    fn plural_after_and(&self, e: &Event) -> bool {
        let (Some(range), Some(actor)) = (trigger_range(e), span(e, "actor")) else {
            return false;
        };
        let from = text_before(e, actor[1]).len();
        if from > range.start {
            return false;
        }
        let words = lower_words(&e.text[from..range.start]);
        let Some(trigger) = lower_words(&e.text[range]).into_iter().next() else {
            return false;
        };
        let Some((last, rest)) = words.split_last() else {
            return false;
        };
        last == "and"
            && trigger.ends_with('s')
            && !trigger.ends_with("ss")
            && rest
                .iter()
                .any(|w| w.ends_with("ed") && self.verb_code(w).is_some())
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
    /// each of its agents glued after it (`~GOV`) or before it (`NGO~`), once; an agent the code
    /// already ends with is not repeated; an agent with no actor is `---GOV`.
    fn codes_of(&self, e: &Entity) -> Vec<String> {
        let agents: Vec<&str> = e
            .sector
            .split_whitespace()
            .filter(|s| *s != "PRE")
            .collect();
        let codes: Vec<&str> = if e.code.is_empty() {
            vec![""]
        } else {
            e.code.split('/').collect()
        };
        codes
            .into_iter()
            .filter_map(|code| {
                if code.is_empty() && agents.is_empty() {
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
                let bare = code == "---" || code == "~";
                let mut prefix = String::new();
                let mut suffix = String::new();
                for (k, &agent) in agents.iter().enumerate() {
                    let repeated = agents[..k].contains(&agent);
                    if repeated || (code.ends_with(agent) && code.len() > 3) {
                        continue;
                    }
                    if self.prefix_agents.iter().any(|p| p == agent) {
                        prefix.push_str(agent);
                    } else {
                        suffix.push_str(agent);
                    }
                }
                Some(if bare && !prefix.is_empty() && suffix.is_empty() {
                    prefix
                } else {
                    format!("{prefix}{code}{suffix}")
                })
            })
            .collect()
    }
}

/// CAMEO's appeal (02), intention (03) and demand (10) families each hold one code per kind of
/// cooperation, in the same order: diplomatic cooperation (05 → x2), material
/// cooperation (06 → x1, 061–064 → x11–x14), aid (07 → x3, 071–074 → x31–x34) and yielding (08 →
/// x5; political reform, 083, → x4; 081, 082, 084–087 → x51–x56). The code of an `outer` verb of
/// one of those families (bare) whose act is `inner`. Consulting (04) is a family of its own, as
/// in PETRARCH2: "prepared to attend" stays 042.
fn combined_code(outer: &str, inner: &str) -> Option<String> {
    let family = match outer {
        "020" => "02",
        "030" => "03",
        "100" => "10",
        _ => return None,
    };
    let sub = inner.get(2..3).unwrap_or("0");
    let (kind, detail) = match (inner.get(..2)?, sub) {
        ("05", _) => ("2", None),
        ("06", "1" | "2" | "3" | "4") => ("1", Some(sub)),
        ("06", _) => ("1", None),
        ("07", "1" | "2" | "3" | "4") => ("3", Some(sub)),
        ("07", _) => ("3", None),
        ("08", "3") => ("4", None),
        ("08", "1" | "2") => ("5", Some(sub)),
        ("08", "4") => ("5", Some("3")),
        ("08", "5") => ("5", Some("4")),
        ("08", "6") => ("5", Some("5")),
        ("08", "7") => ("5", Some("6")),
        ("08", _) => ("5", None),
        _ => return None,
    };
    Some(format!("{family}{kind}{}", detail.unwrap_or("")))
}

/// The conjunctions "and" of a sentence (as char offsets) with the word after each (its char
/// offset and text), when that word is lower case: a candidate verb sharing an earlier subject.
fn conjunctions(chars: &[char]) -> Vec<(usize, (usize, String))> {
    let mut out = Vec::new();
    let word_at = |k: usize| {
        let end = chars[k..]
            .iter()
            .position(|c| !c.is_alphanumeric())
            .map_or(chars.len(), |e| k + e);
        chars[k..end].iter().collect::<String>()
    };
    for k in 1..chars.len() {
        if !chars[k - 1].is_whitespace() || word_at(k) != "and" {
            continue;
        }
        let mut n = k + 3;
        while n < chars.len() && chars[n].is_whitespace() {
            n += 1;
        }
        if n > k + 3 && n < chars.len() && chars[n].is_lowercase() {
            out.push((k, (n, word_at(n))));
        }
    }
    out
}

/// Words that never stand inside a noun phrase's modifiers around a comma.
const CLAUSE_WORDS: &[&str] = &[
    "and", "or", "but", "a", "an", "the", "it", "he", "she", "they", "we", "i", "who", "which",
    "that", "this", "these", "those", "its", "their", "his", "her", "as", "to", "of", "in", "on",
    "at", "for", "with", "by", "from", "said", "says", "almost", "not",
];

/// One "A and B" of a compound: the members' char ranges and where "and" starts.
struct Compound {
    left: std::ops::Range<usize>,
    and: usize,
    right: std::ops::Range<usize>,
}

/// The two-word compounds "A and B" in the clause that ends the text (after its last comma,
/// semicolon or colon).
fn compound_ands(chars: &[char]) -> Vec<Compound> {
    let start = chars
        .iter()
        .rposition(|c| matches!(c, ',' | ';' | ':'))
        .map_or(0, |k| k + 1);
    let text: String = chars[start..].iter().collect();
    let words: Vec<std::ops::Range<usize>> = text
        .split_whitespace()
        .map(|w| {
            let at = start
                + text[..w.as_ptr() as usize - text.as_ptr() as usize]
                    .chars()
                    .count();
            at..at + w.chars().count()
        })
        .collect();
    let word = |r: &std::ops::Range<usize>| chars[r.clone()].iter().collect::<String>();
    let member = |r: &std::ops::Range<usize>| {
        let w = word(r);
        w.chars().all(char::is_alphanumeric) && !CLAUSE_WORDS.contains(&w.to_lowercase().as_str())
    };
    words
        .windows(3)
        .filter(|t| word(&t[1]) == "and" && member(&t[0]) && member(&t[2]))
        .map(|t| Compound {
            left: t[0].clone(),
            and: t[1].start,
            right: t[2].clone(),
        })
        .collect()
}

/// The joints (char ranges) between two modifiers of one noun phrase: a comma or "and" with
/// plain lower-case words on both sides, none a function word, and the phrase going on after
/// the second modifier ("complete, full diplomatic ties", "awful and evil minister"); neither
/// word after the joint may be a verb, except a gerund after a gerund ("a bombing and shelling
/// offensive").
fn joints(chars: &[char], is_verb: impl Fn(&str) -> bool) -> Vec<std::ops::Range<usize>> {
    let text: String = chars.iter().collect();
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| {
            let byte = w.as_ptr() as usize - text.as_ptr() as usize;
            (text[..byte].chars().count(), w)
        })
        .collect();
    let plain =
        |w: &str| !w.is_empty() && w.chars().all(char::is_lowercase) && !CLAUSE_WORDS.contains(&w);
    let gerunds = |a: &str, b: &str| a.ends_with("ing") && b.ends_with("ing");
    let modifiers = |a: &str, b: &str, c: &str| {
        plain(a) && plain(b) && plain(c) && (!is_verb(b) || gerunds(a, b)) && !is_verb(c)
    };
    let mut out = Vec::new();
    for (k, &(at, w)) in words.iter().enumerate() {
        let next = |n: usize| words.get(k + n).map_or("", |x| x.1);
        if let Some(word) = w.strip_suffix(',') {
            if modifiers(word, next(1), next(2)) {
                let comma = at + word.chars().count();
                out.push(comma..comma + 1);
            }
        } else if next(1) == "and" && modifiers(w, next(2), next(3)) {
            let and = words[k + 1].0;
            out.push(and..and + 3);
        }
    }
    out
}

/// "The ambassadors of Arnor, Osgiliath and Gondor", "US and British activists": one agent in
/// a compound applies to every member, unless a later member is a noun phrase of its own
/// (`own_phrases`: "Ithilen and the government of Gondor") and the agent is not the first's.
fn distribute(v: &[Entity], own_phrases: bool) -> Vec<Entity> {
    let mut out = v.to_vec();
    let with: Vec<&Entity> = v.iter().filter(|x| !x.sector.is_empty()).collect();
    if v.len() > 1 && with.len() == 1 && (!own_phrases || !v[0].sector.is_empty()) {
        let sector = with[0].sector.clone();
        for x in out.iter_mut().filter(|x| !x.code.is_empty()) {
            x.sector = sector.clone();
        }
    }
    out
}

/// Whether the compound that starts with the event's `role` goes on with a determiner ("Ithilen
/// and the government of Gondor"): its next member is a noun phrase of its own.
fn member_phrase(e: &Event, role: &str) -> bool {
    let Some(span) = span(e, role) else {
        return false;
    };
    let after = &e.text[text_before(e, span[1]).len()..];
    let mut words = after
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    words.next() == Some("and")
        && words
            .next()
            .is_some_and(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an"))
}

/// Bare time adverbs: after a verb they are no object phrase.
const TIME_ADVERBS: &[&str] = &["today", "yesterday", "tonight", "now", "then"];

/// Whether the event's verb has an object or prepositional phrase after it in its clause (up to
/// the next comma, semicolon or full stop), more than a bare time adverb.
fn has_object(e: &Event) -> bool {
    let Some(verb) = span(e, "event") else {
        return true;
    };
    let after = &e.text[text_before(e, verb[1]).len()..];
    let clause = after.split([',', ';', '.']).next().unwrap_or("");
    clause
        .split_whitespace()
        .any(|w| !TIME_ADVERBS.contains(&w.to_lowercase().as_str()))
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
    "by", "for", "of", "in", "on", "at", "after", "before", "while", "without", "since", "from",
    "about",
];

/// Whether event `i`'s actor is the object of an earlier verb of its sentence ("pressuring
/// Obama to help Iran", "Obama is being pressured … to help", "pledged to expel exiled leaders
/// … forced …"): PETRARCH gives the later verb no subject of its own. An earlier match that
/// `stands` not as a verb ("Al Qaeda-linked") governs nothing.
fn object_of_earlier(events: &[Event], i: usize, stands: impl Fn(&Event) -> bool) -> bool {
    let (Some(actor), Some(verb)) = (span(&events[i], "actor"), span(&events[i], "event")) else {
        return false;
    };
    events.iter().any(|o| {
        stands(o)
            && span(o, "recipient").is_some_and(|r| r[0] < actor[1] && actor[0] < r[1])
            && span(o, "event").is_some_and(|v| v[0] < verb[0])
    })
}

/// Whether event `i`'s trigger is a participle right after its actor that a later verb's
/// passive subject holds ("The civilians imprisoned for acting against Moscow were released"):
/// a reduced relative, no event of its own.
fn reduced_relative_of_later(events: &[Event], i: usize) -> bool {
    let e = &events[i];
    let (Some(actor), Some(verb)) = (span(e, "actor"), span(e, "event")) else {
        return false;
    };
    let trigger = text_before(e, verb[1]);
    let adjacent =
        actor[1] <= verb[0] && text_before(e, verb[0]).len() - text_before(e, actor[1]).len() <= 1;
    if !adjacent || !trigger.ends_with("ed") {
        return false;
    }
    events.iter().any(|o| {
        let (Some(r), Some(v)) = (span(o, "recipient"), span(o, "event")) else {
            return false;
        };
        let between = &text_before(o, v[0])[trigger.len().min(text_before(o, v[0]).len())..];
        r == actor
            && v[0] > verb[1]
            && !between.contains(',')
            && !lower_words(between).iter().any(|w| w == "and")
    })
}

/// Whether the event's verb is a passive infinitive after a participle of report ("a missile
/// believed to be fired by rebels", "said to be held"): it describes the noun before it, no
/// event of its own.
fn reported_complement(e: &Event) -> bool {
    let Some(verb) = span(e, "event") else {
        return false;
    };
    let words = lower_words(text_before(e, verb[0]));
    match words.as_slice() {
        [.., report, to, be] if to == "to" && be == "be" => {
            report.ends_with("ed") || matches!(report.as_str(), "said" | "thought" | "known")
        }
        _ => false,
    }
}

/// Whether event `i` is a purpose infinitive of an earlier event with the same actor ("met with
/// Assad Tuesday to discuss efforts"): PETRARCH codes the main verb only.
fn purpose_of_earlier(events: &[Event], i: usize) -> bool {
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
    let Some(verb) = span(e, "event") else {
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
    events
        .iter()
        .enumerate()
        .any(|(j, o)| j != i && is_event(o) && span(o, "event").is_some_and(|v| v[0] < opener))
}

/// Forms of "be": between a subject and a participle they make the verb passive.
const BE_FORMS: &[&str] = &["be", "been", "being", "is", "are", "was", "were"];

/// Whether the event's recipient stands before the trigger's last word with no form of "be"
/// between them ("that Gondor and Osgiliath have delayed"), so it is that verb's subject.
fn subject_recipient(e: &Event) -> bool {
    let (Some(recipient), Some(verb)) = (span(e, "recipient"), span(e, "event")) else {
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
    let verb = span(e, "event")?;
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

/// An event's evidence span for `key` ("event", "actor", "recipient"), in article characters.
fn span(e: &Event, key: &str) -> Option<CharSpan> {
    e.ew.evidence.get(key).copied()
}

/// The byte range of an event's trigger (first word to last) in its sentence text.
fn trigger_range(e: &Event) -> Option<std::ops::Range<usize>> {
    let verb = span(e, "event")?;
    Some(text_before(e, verb[0]).len()..text_before(e, verb[1]).len())
}

/// The words of a text, lower case.
fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
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
    let Some(verb) = span(e, "event") else {
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
    let (Some(actor), Some(verb)) = (span(e, "actor"), span(e, "event")) else {
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
    if trigger.ends_with("ed") && reduced_relative(&between) {
        return true;
    }
    trigger.ends_with("ing")
        && words
            .last()
            .is_some_and(|w| w == "," || GERUND_PREPOSITIONS.contains(&w.as_str()))
}

/// Whether a participle after `words` (those between the actor and it) modifies the noun right
/// before it ("… at the start of a regional trip aimed at …"): a determiner and lower-case words
/// of a noun phrase that is not the actor's.
fn reduced_relative(between: &str) -> bool {
    let words: Vec<&str> = between.split_whitespace().collect();
    let lower = |w: &str| w.chars().all(|c| c.is_lowercase() || c == '-');
    let Some(noun) = words.last().copied().filter(|w| lower(w)) else {
        return false;
    };
    if noun.ends_with("ly") || AUXILIARIES.contains(&noun) || BE_FORMS.contains(&noun) {
        return false;
    }
    words
        .iter()
        .rev()
        .skip(1)
        .take(3)
        .position(|w| matches!(*w, "a" | "an" | "the" | "its" | "their"))
        .is_some_and(|k| {
            words[words.len() - 1 - k..words.len() - 1]
                .iter()
                .all(|w| lower(w))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coder with three actors (GON, MOR, ROH) and the given verb dictionary.
    fn coder_with(verbs: &str) -> PeerCoder {
        peer_coder(verbs, "", false)
    }

    /// A coder with three actors, the given verbs and agents, PETRARCH2 semantics or not.
    fn peer_coder(verbs: &str, agents: &str, petrarch2: bool) -> PeerCoder {
        peer_coder_of(
            "GONDOR_ [GON]\nMORDOR_ [MOR]\nROHAN_ [ROH]\n",
            verbs,
            agents,
            petrarch2,
        )
    }

    /// A coder with the given actors, verbs and agents.
    fn peer_coder_of(actors: &str, verbs: &str, agents: &str, petrarch2: bool) -> PeerCoder {
        let mut d = Dictionaries {
            petrarch2,
            ..Default::default()
        };
        let mut errors = Vec::new();
        d.parse_actors("a.txt", actors, &mut errors);
        d.parse_agents("g.txt", agents, &mut errors);
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

    /// Asserts the triples `c` codes from `text`, in order.
    fn expect(c: &PeerCoder, text: &str, want: &[(&str, &str, &str)]) {
        let want: Vec<Triple> = want
            .iter()
            .map(|&(s, t, code)| triple(s, t, code))
            .collect();
        assert_eq!(events(c, text), want, "{text}");
    }

    fn triple(s: &str, t: &str, c: &str) -> Triple {
        (s.into(), t.into(), c.into())
    }

    #[test]
    fn a_phrase_pattern_never_takes_a_verb_inside() {
        let c = coder();
        expect(
            &c,
            "Gondor agreed to lift the sanctions against Mordor.",
            &[("GON", "MOR", "085")],
        );
    }

    #[test]
    fn a_peer_phrase_that_starts_with_the_needs_the() {
        let c = peer_coder_of(
            "GONDOR_ [GON]\nTHE_WHITE_TOWER [GONGOV]\n",
            "--- ATTACK [190] ---\nATTACK\n",
            "",
            false,
        );
        expect(
            &c,
            "The White Tower attacked Gondor.",
            &[("GONGOV", "GON", "190")],
        );
        expect(&c, "A White Tower attacked Gondor.", &[]);
    }

    #[test]
    fn an_intention_to_act_takes_the_act_in_its_family() {
        let c = peer_coder(
            "--- INTEND [030] ---\nWANT\nSEEK\n\n--- AID [070] ---\nHELP\n\n--- DEEPEN [060] ---\nDEEPEN\n- * TIES [060]\n",
            "",
            true,
        );
        expect(&c, "Gondor wants to help Rohan.", &[("GON", "ROH", "033")]);
        expect(
            &c,
            "Gondor is seeking to deepen ties with Rohan.",
            &[("GON", "ROH", "031")],
        );
        expect(&c, "Gondor helped Rohan.", &[("GON", "ROH", "070")]);
        assert_eq!(combined_code("100", "0841").as_deref(), Some("1053"));
        assert_eq!(combined_code("020", "072").as_deref(), Some("0232"));
        assert_eq!(combined_code("030", "042"), None);
        assert_eq!(combined_code("170", "070"), None);
    }

    #[test]
    fn an_s_word_after_and_past_a_past_tense_verb_is_a_noun() {
        let c = coder_with(
            "--- ANNOUNCE [010] ---\nANNOUNCE\n\n--- ATTACK [190] ---\nATTACK\n- * (ON +) [190]\n",
        );
        let coded = events(&c, "Gondor announced new sanctions and attacks on Rohan.");
        assert!(!coded.iter().any(|t| t.2 == "190"), "{coded:?}");
        expect(
            &c,
            "Gondor announced new sanctions and attacked Rohan.",
            &[("GON", "ROH", "190")],
        );
    }

    #[test]
    fn a_relative_clause_has_no_subject_before_it() {
        let c = coder();
        expect(&c, "Gondor attacked Rohan.", &[("GON", "ROH", "190")]);
        let coded = events(&c, "Gondor condemned the army, which attacked Rohan.");
        assert!(!coded.iter().any(|t| t.2 == "190"), "{coded:?}");
    }
    #[test]
    fn a_transformation_recodes_a_nested_verb() {
        let c = coder_with("--- DEMAND [100] ---\nWANT [030]\n- * ATTACK [138]\n\n--- ATTACK [190] ---\nATTACK\n\n~ a (b . ATTACK) WANT = a b 021\n");
        expect(
            &c,
            "Gondor wants Mordor to attack Rohan.",
            &[("GON", "MOR", "021")],
        );
    }

    #[test]
    fn a_verb_after_and_shares_the_subject() {
        let c = coder();
        let coded = events(
            &c,
            "Gondor condemned the plans of Rohan and attacked Mordor.",
        );
        assert!(coded.contains(&triple("GON", "MOR", "190")), "{coded:?}");
    }

    #[test]
    fn a_comma_between_modifiers_stays_in_the_phrase() {
        let c = coder_with("--- RESTORE [064] ---\nRESTORE\n- * TIES [064]\n");
        expect(
            &c,
            "Gondor restored complete, full diplomatic ties with Rohan.",
            &[("GON", "ROH", "064")],
        );
    }

    #[test]
    fn each_member_of_a_compound_after_an_agent_is_a_source() {
        let c = peer_coder(
            "--- CONDEMN [122] ---\nCONDEMN\n",
            "LAWMAKER [~LEG]\n",
            false,
        );
        expect(
            &c,
            "Lawmakers in Rohan and Mordor condemned Gondor.",
            &[("MORLEG", "GON", "122"), ("ROHLEG", "GON", "122")],
        );
    }

    #[test]
    fn an_actor_keeps_every_agent_and_a_possessor_keeps_its_agent() {
        let c = peer_coder(
            "--- CONDEMN [122] ---\nCONDEMN\n",
            "MSF {} [NGO~]\nDIPLOMAT [~GOV]\nMINISTER [~GOV]\n",
            false,
        );
        expect(
            &c,
            "An MSF Rohan diplomat condemned Gondor.",
            &[("NGOROHGOV", "GON", "122")],
        );
        expect(
            &c,
            "Rohan's awful and evil minister condemned Gondor.",
            &[("ROHGOV", "GON", "122")],
        );
    }

    #[test]
    fn a_one_sided_event_needs_an_object_phrase() {
        let c = coder();
        let one_sided = |text: &str| match c.code(text, "19950101", false) {
            Coded::Events(e) => e.into_iter().collect::<Vec<_>>(),
            Coded::Discarded(k) => panic!("{text}: discarded ({k:?})"),
        };
        assert_eq!(one_sided("Rohan attacked today."), []);
        assert_eq!(
            one_sided("Rohan attacked on Monday."),
            [triple("ROH", "---", "190")]
        );
    }

    #[test]
    fn an_es_ending_the_verb_does_not_take_is_no_verb() {
        let c = coder_with("--- DEPART [032] ---\nDEPART\n");
        expect(&c, "Gondor departs from Rohan.", &[("GON", "ROH", "032")]);
        expect(&c, "Gondor departes from Rohan.", &[]);
    }

    #[test]
    fn petrarch2_reads_passives_agents_and_reported_attacks() {
        let c = peer_coder(
            "--- SAY [---] ---\nSAY {SAYS SAID SAYING}\n\n--- ATTACK [190] ---\nATTACK\n\n--- WITHDRAW [080] ---\nWITHDRAW {WITHDRAWS WITHDRAWING WITHDREW}\n- SOLDIERS * [0874]\n\n~ a (b . ATTACK) SAY = a b 112\n",
            "MAYOR [~GOV]\nSOLDIER [~MIL]\n",
            true,
        );
        expect(
            &c,
            "Gondor was attacked on Monday from Mordor.",
            &[("MOR", "GON", "190")],
        );
        expect(
            &c,
            "Rohan said Gondor was attacked from Mordor.",
            &[("ROH", "MOR", "112")],
        );
        expect(
            &c,
            "Gondor attacked the mayor of the northern Mordor city.",
            &[("GON", "MORGOV", "190")],
        );
        expect(
            &c,
            "Hundreds of Mordor soldiers withdrew from Gondor.",
            &[("MORMIL", "GON", "080")],
        );
    }

    #[test]
    fn a_verb_word_inside_a_name_is_no_verb() {
        let c = peer_coder_of(
            "UNITED_ROHAN_ [ROH]\nMORDOR_ [MOR]\n",
            "--- ASSEMBLE [040] ---\nUNITE\n- * ATTACK [190]\n\n--- FIGHT [190] ---\nATTACK\n",
            "",
            true,
        );
        expect(
            &c,
            "The United Rohan attacked Mordor.",
            &[("ROH", "MOR", "190")],
        );
    }

    #[test]
    fn of_two_patterns_on_a_verb_the_nearer_words_win() {
        let c = coder_with(
            "--- LAUNCH [036] ---\nLAUNCH\n- * CAMPAIGN [020]\n- * ATTACKS [190]\n\n--- CAMPAIGN [100] ---\nCAMPAIGN\n",
        );
        expect(
            &c,
            "Gondor launched many attacks during its six-year campaign against Mordor.",
            &[("GON", "MOR", "190")],
        );
    }

    #[test]
    fn an_agent_leading_a_phrase_on_a_place_is_the_places() {
        let c = peer_coder(
            "--- ATTACK [190] ---\nATTACK\n",
            "DISSIDENT [~OPP]\nISLAMIC [~MUS]\n",
            true,
        );
        expect(
            &c,
            "Gondor attacked exiled dissidents from military-ruled Mordor.",
            &[("GON", "MOROPP", "190")],
        );
        expect(
            &c,
            "Gondor attacked an Islamic State target southwest of Mordor.",
            &[("GON", "MORMUS", "190")],
        );
        expect(
            &c,
            "Gondor attacked a strict Islamic state in northeastern Mordor.",
            &[("GON", "MORMUS", "190")],
        );
        // The subject of a reporting clause is no member of the list before it.
        expect(
            &c,
            "Gondor attacked Mordor, the Rohan council said.",
            &[("GON", "MOR", "190")],
        );
    }

    #[test]
    fn a_group_named_after_its_noun_is_its_first_actor_and_a_claim_counts() {
        let c = peer_coder_of(
            "GONDOR_ [GON]\nMORDOR_ [MOR]\nROHAN_ [ROH]\nSHADOW_ARMY_ [MORREB]\n",
            "--- CLAIM [015] ---\nCLAIM\n- * RESPONSIBILITY [015]\n\n--- LINK [060] ---\nLINK\n",
            "MILITANT [~UAF]\n",
            true,
        );
        expect(
            &c,
            "The Rohan-linked Gondor militant group Shadow Army is claiming responsibility for an attack in Mordor.",
            &[("GONUAF", "MOR", "015")],
        );
    }

    #[test]
    fn petrarch2_pairs_a_symmetric_code_and_a_title_named_apposition_is_no_subject() {
        let c = peer_coder_of(
            "GONDOR_ [GON]\nMORDOR_ [MOR]\nROHAN_ [ROH]\nARAGORN_ [GONELI]\n",
            "--- HOLD [040] ---\nHOLD {HOLDS HELD HOLDING}\n- * TALKS [046:046]\n\n--- ATTEND [042:043] ---\nATTEND\n",
            "COMMANDER [~MIL]\n",
            true,
        );
        expect(
            &c,
            "The Gondor commander in Mordor, General Aragorn, held talks with Rohan.",
            &[("GONMIL", "ROH", "046"), ("ROH", "GONMIL", "046")],
        );
        expect(&c, "Gondor attended Rohan.", &[("GON", "ROH", "042")]);
        // The peers' six-digit dates are YYMMDD.
        let text = "Gondor attended Rohan.";
        assert_eq!(c.code(text, "950101", true), c.code(text, "19950101", true));
    }

    #[test]
    fn petrarch2_reads_a_passive_verbs_pattern_words_in_its_subject() {
        let c = peer_coder(
            "&PEOPLE\n+CIVILIANS\n+PEOPLE\n\n--- PRESENT [010] ---\nPRESENT\n- * EVIDENCE [1124]\n\n--- RELEASE [084] ---\nRELEASE\n- * &PEOPLE [0841]\n\n--- IMPRISON [173] ---\nIMPRISON\n",
            "CIVILIAN [~CVL]\n",
            true,
        );
        expect(
            &c,
            "Evidence against Mordor was presented by Gondor.",
            &[("GON", "MOR", "1124")],
        );
        // The participle after the subject's noun is a reduced relative, no event.
        expect(
            &c,
            "The civilians imprisoned for acting against Mordor were released yesterday by Gondor.",
            &[("GON", "---CVL", "0841")],
        );
    }

    #[test]
    fn it_after_a_verb_of_speech_is_its_subject_and_an_infinitive_holds_no_object() {
        expect(
            &coder(),
            "Gondor has said it will attack Mordor.",
            &[("GON", "MOR", "190")],
        );
        let c = peer_coder(
            "--- SEND [030] ---\nSEND\n- * TEAM [036]\n\n--- HELP [---] ---\nHELP\n",
            "",
            true,
        );
        expect(
            &c,
            "Gondor will send a team to Rohan.",
            &[("GON", "ROH", "036")],
        );
        expect(
            &c,
            "Gondor will send a team to help identify victims killed by Mordor.",
            &[],
        );
    }

    #[test]
    fn a_pattern_naming_its_subject_is_judged_on_its_verb_and_never_fits_a_passive_subject() {
        let c = peer_coder(
            "--- BLOW [190] ---\n+BLOW_UP {+BLEW_UP +BLOWN_UP}\n- MISSILE * [194]\n",
            "",
            true,
        );
        expect(
            &c,
            "A Gondor missile blew up Mordor.",
            &[("GON", "MOR", "194")],
        );
        expect(
            &c,
            "A Gondor missile was blown up by Mordor.",
            &[("MOR", "GON", "190")],
        );
    }

    #[test]
    fn petrarch2_reads_a_subject_pattern_word_in_a_passives_by_phrase() {
        let c = peer_coder(
            "&WEAPON\n+MISSILE\n+ROCKET\n\n--- BLOW [190] ---\n+BLOW_UP {+BLEW_UP +BLOWN_UP}\nFIRE {FIRES FIRED FIRING}\n- &WEAPON * [183]\n- MISSILE * [194]\n",
            "REBEL [~REB]\n",
            true,
        );
        // The word beats the synset; "pro-Mordor" names no actor; the missile "believed to be
        // fired" is no event of its own.
        expect(
            &c,
            "The Gondor airliner was blown up over Rohan by a sophisticated surface-to-air missile believed to be fired by pro-Mordor rebels.",
            &[("---REB", "GON", "194")],
        );
    }

    #[test]
    fn a_source_bound_after_a_preposition_comes_from_that_phrase() {
        let c = coder_with("--- FREE [066] ---\nFREE\n- + * FROM $ [066]\n");
        expect(&c, "Rohan was freed from Mordor.", &[("MOR", "ROH", "066")]);
    }
}
