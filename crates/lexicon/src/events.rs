//! Event patterns: lemma sequences with a recipient slot, indexed by their trigger word.

use crate::codes::CodeTable;
use crate::line::{expect_fields, opt, records, LexiconError};
use eventwire_text::{tokenize, Lemmatizer, Token, TokenKind};
use std::collections::{HashMap, HashSet};

/// Whether a verb or a noun heads the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    /// `v`: actor = subject, recipient = object.
    Verb,
    /// `n`: actor = possessor, "by" phrase or subject; recipient after a preposition.
    Noun,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    /// A word (any of several lemmas); `adjacent` forbids words between it and the previous element.
    Word {
        /// Vocabulary ids of the alternatives.
        alts: Vec<u32>,
        /// No gap allowed before it.
        adjacent: bool,
        /// It ends a peer pattern's `(PREP … HEAD)` or `{… HEAD}` phrase: the gap before it
        /// holds no verb ("agreed to lift the sanctions" is no `(TO SANCTIONS)`).
        phrase: bool,
    },
    /// Exactly one word of any kind.
    Any,
    /// A peer pattern's `^`: one word or name is skipped ("IFTAR IN ^ +": "Iftar in Osgiliath
    /// with the leaders of Gondor" has Gondor for target).
    Skip,
    /// The recipient stands here.
    Recipient,
}

/// A compiled event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPattern {
    /// Stable id from the file (`0871-03`).
    pub id: String,
    /// CAMEO code.
    pub cameo: String,
    /// Verb or noun headed.
    pub kind: PatternKind,
    /// Elements; the first is the trigger word.
    pub elems: Vec<Elem>,
    /// Number of word elements (the match priority).
    pub words: usize,
    /// The pattern as written.
    pub text: String,
    /// Example sentence that must yield `cameo`.
    pub example: Option<String>,
    /// `file:line`.
    pub source: String,
}

/// A pattern found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMatch {
    /// Index into [`EventMatcher::patterns`].
    pub pattern: u32,
    /// Token indices of the matched words, trigger first.
    pub tokens: Vec<usize>,
    /// Token range where the recipient should stand, when the pattern marks it.
    pub recipient_slot: Option<(usize, usize)>,
}

/// How many word alternatives a pattern allows: fewer is more specific.
fn alternatives(p: &EventPattern) -> usize {
    p.elems
        .iter()
        .map(|e| match e {
            Elem::Word { alts, .. } => alts.len(),
            _ => 0,
        })
        .sum()
}

/// A sentence's tokens in another order, for matching a pattern against words a passive moves:
/// `order[k]` is the sentence position of view token `k`.
struct View {
    order: Vec<usize>,
    tokens: Vec<Token>,
    ids: Vec<Vec<u32>>,
}

impl View {
    fn new(order: Vec<usize>, tokens: &[Token], ids: &[Vec<u32>]) -> Self {
        View {
            tokens: order.iter().map(|&k| tokens[k].clone()).collect(),
            ids: order.iter().map(|&k| ids[k].clone()).collect(),
            order,
        }
    }

    /// The sentence positions of pattern `p`'s words matched from the view's first token.
    fn find(&self, m: &EventMatcher, p: u32) -> Option<Vec<usize>> {
        let found = m.match_at(p, &self.tokens, &self.ids, 0)?;
        Some(found.tokens.iter().map(|&k| self.order[k]).collect())
    }
}

/// PETRARCH2's passive readings of the token at a pattern's first word: the verb with its subject
/// after it ("Evidence against Russia was presented" read as "presented Evidence against Russia"
/// for `- * EVIDENCE`), and a subject word in a "by" phrase before the passive verb ("was blown up
/// … by a missile" read as "missile blown up" for `- MISSILE *`).
struct PassiveViews {
    subject: Option<View>,
    agent: Option<View>,
}

impl PassiveViews {
    /// The views at token `at`, where `passive_subject` gives a passive trigger's subject range.
    fn new(
        tokens: &[Token],
        ids: &[Vec<u32>],
        at: usize,
        passive_subject: impl Fn(usize) -> Option<std::ops::Range<usize>>,
    ) -> Self {
        let subject = passive_subject(at)
            .map(|s| View::new(std::iter::once(at).chain(s).collect(), tokens, ids));
        let agent = (at.saturating_sub(10)..at)
            .rev()
            .take_while(|&k| !tokens[k].is_clause_break())
            .find(|&k| tokens[k].norm == "by")
            .and_then(|by| {
                let verb = (by.saturating_sub(5)..by).find(|&v| passive_subject(v).is_some())?;
                Some(View::new(
                    std::iter::once(at).chain(verb..by).collect(),
                    tokens,
                    ids,
                ))
            });
        PassiveViews { subject, agent }
    }

    /// Pattern `p` read in the subject view (the trigger's words first) or else in the agent view
    /// (the verb's words first, then the subject word).
    fn find(&self, m: &EventMatcher, p: u32) -> Option<EventMatch> {
        let in_subject = self
            .subject
            .as_ref()
            .filter(|_| m.patterns[p as usize].elems.len() >= 2)
            .and_then(|v| v.find(m, p));
        let tokens = in_subject.or_else(|| {
            let matched = self.agent.as_ref()?.find(m, p)?;
            let (subject, verb) = matched.split_first()?;
            (!verb.is_empty()).then(|| verb.iter().chain([subject]).copied().collect())
        })?;
        Some(EventMatch {
            pattern: p,
            tokens,
            recipient_slot: None,
        })
    }
}

/// Compiled patterns.
#[derive(Debug, Default)]
pub struct EventMatcher {
    /// All patterns.
    pub patterns: Vec<EventPattern>,
    vocab: HashMap<String, u32>,
    by_trigger: HashMap<u32, Vec<u32>>,
    /// Peer dictionaries list word forms ("LEFT", "LEAVE"): prefer the text's own form on a tie.
    pub(crate) prefer_forms: bool,
    /// PETRARCH2 matches a pattern's words inside the verb's own phrase (its parse tree's VP
    /// children), where PETRARCH-1 and TABARI read on through the sentence.
    pub(crate) clause_bound: bool,
    /// Vocabulary ids of peer verbs, which never stand inside a pattern's phrase.
    verbs: HashSet<u32>,
    /// Vocabulary ids of peer pattern words that are no verb: the peers match them as written
    /// ("EFFORT" is not "efforts"), where a verb takes its inflections.
    literal: HashSet<u32>,
}

/// How a pattern word joins the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Other words may stand between.
    Gap,
    /// Right after it.
    Adjacent,
    /// In the same phrase: the words between are no verb.
    Phrase,
}

const MAX_GAP: usize = 3;
const MAX_RECIPIENT_GAP: usize = 8;

impl EventMatcher {
    /// Vocabulary ids of a token: its form and every lemma the lemmatizer offers that some pattern uses.
    pub fn word_ids(&self, lemmatizer: &Lemmatizer, token: &Token) -> Vec<u32> {
        if token.kind == TokenKind::Punct && !self.vocab.contains_key(token.norm.as_str()) {
            return Vec::new();
        }
        let mut ids = Vec::new();
        for l in lemmatizer.lemmas(&token.norm) {
            if let Some(&id) = self.vocab.get(l.as_ref()) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    /// Every pattern that matches, best first, with overlapping weaker matches removed.
    pub fn find(&self, tokens: &[Token], ids: &[Vec<u32>]) -> Vec<EventMatch> {
        self.find_where(tokens, ids, |_, _| true, |_| None)
    }

    /// [`Self::find`] over the matches `keep` accepts: a rejected match claims no words, so a
    /// shorter pattern on the same words can still be found. With PETRARCH2's dictionaries, a
    /// passive verb's pattern words may stand in its subject (`passive_subject` gives the token
    /// range of a passive trigger's subject): "Evidence against Russia was presented" fits
    /// `- * EVIDENCE`; such a match lists the subject's words after the trigger. The words a
    /// pattern names its subject with may stand in the passive's "by" phrase ("was blown up by
    /// a missile" fits `- MISSILE *`).
    pub fn find_where(
        &self,
        tokens: &[Token],
        ids: &[Vec<u32>],
        keep: impl Fn(&EventMatch, &EventPattern) -> bool,
        passive_subject: impl Fn(usize) -> Option<std::ops::Range<usize>>,
    ) -> Vec<EventMatch> {
        let mut found = Vec::new();
        for (i, tid) in ids.iter().enumerate() {
            // The passive's reorderings around token `i`, built once, when a pattern needs them.
            let mut passive: Option<PassiveViews> = None;
            for id in tid {
                if !self.form_matches(tokens, i, *id) {
                    continue;
                }
                for &p in self.by_trigger.get(id).map_or(&[][..], |v| v.as_slice()) {
                    let m = self.match_at(p, tokens, ids, i).or_else(|| {
                        if !self.clause_bound {
                            return None;
                        }
                        passive
                            .get_or_insert_with(|| {
                                PassiveViews::new(tokens, ids, i, &passive_subject)
                            })
                            .find(self, p)
                    });
                    if let Some(m) = m.filter(|m| keep(m, &self.patterns[p as usize])) {
                        found.push(m);
                    }
                }
            }
        }
        // On a tie, a pattern written with the text's own word form beats one reached through a
        // lemma ("left" the verb form before "leave").
        let exact = |m: &EventMatch| {
            if !self.prefer_forms {
                return false;
            }
            let form = self.vocab.get(tokens[m.tokens[0]].norm.as_str());
            matches!(self.patterns[m.pattern as usize].elems.first(), Some(Elem::Word { alts, .. }) if form.is_some_and(|f| alts.contains(f)))
        };
        found.sort_by(|a, b| {
            let (pa, pb) = (
                &self.patterns[a.pattern as usize],
                &self.patterns[b.pattern as usize],
            );
            pb.words
                .cmp(&pa.words)
                .then(pb.cameo.len().cmp(&pa.cameo.len()))
                .then(a.tokens[0].cmp(&b.tokens[0]))
                .then(exact(b).cmp(&exact(a)))
                // Peers: of two patterns on one verb, the one whose words stand nearer it, then
                // the one with fewer alternatives (a word before a synset: `- MISSILE *` before
                // `- &WEAPON *`).
                .then(if self.prefer_forms {
                    a.tokens
                        .last()
                        .cmp(&b.tokens.last())
                        .then(alternatives(pa).cmp(&alternatives(pb)))
                } else {
                    std::cmp::Ordering::Equal
                })
                .then(a.pattern.cmp(&b.pattern))
        });
        let mut used: HashSet<usize> = HashSet::new();
        let mut out = Vec::new();
        for m in found {
            if m.tokens.iter().any(|t| used.contains(t)) {
                continue;
            }
            used.extend(m.tokens.iter().copied());
            out.push(m);
        }
        out.sort_by_key(|m| m.tokens[0]);
        out
    }

    fn match_at(
        &self,
        p: u32,
        tokens: &[Token],
        ids: &[Vec<u32>],
        start: usize,
    ) -> Option<EventMatch> {
        let pat = &self.patterns[p as usize];
        let mut at = start;
        let mut matched = vec![start];
        let mut slot: Option<(usize, usize)> = None;
        let mut slot_open: Option<usize> = None;
        for e in &pat.elems[1..] {
            match e {
                Elem::Recipient => slot_open = Some(at + 1),
                Elem::Any => {
                    let q = at + 1;
                    if q >= tokens.len() || tokens[q].kind == TokenKind::Punct {
                        return None;
                    }
                    at = q;
                }
                Elem::Skip => {
                    let mut q = at + 1;
                    if q >= tokens.len() || tokens[q].kind == TokenKind::Punct {
                        return None;
                    }
                    while tokens[q].capitalized
                        && tokens
                            .get(q + 1)
                            .is_some_and(|t| t.capitalized && t.kind == TokenKind::Word)
                    {
                        q += 1;
                    }
                    at = q;
                    if let Some(s) = slot_open.as_mut() {
                        *s = at + 1;
                    }
                }
                Elem::Word {
                    alts,
                    adjacent,
                    phrase,
                } => {
                    // The gap counts words only: "$2 million" or "120,000" do not use it up.
                    let gap = if *adjacent {
                        0
                    } else if slot_open.is_some() || self.prefer_forms {
                        MAX_RECIPIENT_GAP
                    } else {
                        MAX_GAP
                    };
                    let mut hit = None;
                    let mut words = 0;
                    for q in at + 1..tokens.len().min(at + 2 + 2 * gap + 2) {
                        if ids[q]
                            .iter()
                            .any(|id| alts.contains(id) && self.form_matches(tokens, q, *id))
                        {
                            hit = Some(q);
                            break;
                        }
                        if tokens[q].is_clause_break() || tokens[q].norm == "." {
                            break;
                        }
                        // PETRARCH2's pattern words stand in the verb's own phrase: a gap
                        // never runs into a relative or adverbial clause ("met the envoys
                        // who had attacked …").
                        if self.clause_bound && opens_clause(&tokens[q]) {
                            break;
                        }
                        // Inside a phrase no verb stands; PETRARCH2's post-verb words are heads
                        // of the verb's own phrases, never past an inflected verb ("said such a
                        // step enjoyed support").
                        if (*phrase || (self.clause_bound && tokens[q].norm.ends_with("ed")))
                            && self.is_verb(tokens, ids, q)
                        {
                            break;
                        }
                        if *adjacent {
                            break;
                        }
                        if tokens[q].kind == TokenKind::Word {
                            words += 1;
                            if words > gap {
                                break;
                            }
                        }
                    }
                    let q = hit?;
                    if let Some(s) = slot_open.take() {
                        slot = Some((s, q));
                    }
                    matched.push(q);
                    at = q;
                }
            }
        }
        if let Some(s) = slot_open {
            let mut end = s;
            while end < tokens.len()
                && end < s + MAX_RECIPIENT_GAP
                && !tokens[end].is_clause_break()
                && tokens[end].norm != "."
            {
                end += 1;
            }
            slot = Some((s, end));
        }
        Some(EventMatch {
            pattern: p,
            tokens: matched,
            recipient_slot: slot,
        })
    }

    /// Whether vocabulary word `id` may stand for token `q`: any lemma does, except for a peer
    /// pattern's literal words, which need the token's own form.
    fn form_matches(&self, tokens: &[Token], q: usize, id: u32) -> bool {
        !self.prefer_forms
            || !self.literal.contains(&id)
            || self.vocab.get(tokens[q].norm.as_str()) == Some(&id)
    }

    /// Whether token `q` is one of the peer's verbs, and not a participle inside a noun phrase
    /// ("the planned talks").
    fn is_verb(&self, tokens: &[Token], ids: &[Vec<u32>], q: usize) -> bool {
        let after_determiner = q > 0
            && matches!(
                tokens[q - 1].norm.as_str(),
                "a" | "an" | "the" | "its" | "their" | "his" | "her" | "this" | "these" | "those"
            );
        !after_determiner
            && !tokens[q].capitalized
            && ids[q].iter().any(|id| self.verbs.contains(id))
    }

    /// Number of distinct pattern words.
    pub fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }
}

/// Words that open a subordinate clause: relative pronouns and subordinators.
fn opens_clause(t: &Token) -> bool {
    matches!(
        t.norm.as_str(),
        "which"
            | "who"
            | "whom"
            | "whose"
            | "whether"
            | "because"
            | "although"
            | "though"
            | "while"
            | "when"
            | "where"
            | "unless"
            | "if"
    )
}

/// One place of a pattern before expansion: alternatives, each a token sequence.
type Slot = Vec<Vec<String>>;

#[derive(Debug, Default)]
pub(crate) struct EventBuilder {
    patterns: Vec<(EventPattern, Vec<(Slot, Join)>)>,
    verb_words: Vec<String>,
    literal_words: Vec<String>,
    seen_ids: HashMap<String, String>,
}

impl EventBuilder {
    pub(crate) fn parse(
        &mut self,
        file: &str,
        text: &str,
        codes: &CodeTable,
        errors: &mut Vec<LexiconError>,
    ) {
        for (n, f) in records(text) {
            let err = |reason: String| LexiconError {
                file: file.into(),
                line: n,
                reason,
            };
            if !expect_fields(
                file,
                n,
                &f,
                4,
                5,
                "ID | CAMEO | v|n | pattern | example",
                errors,
            ) {
                continue;
            }
            if !codes.is_empty() && codes.get(f[1]).is_none() {
                errors.push(err(format!(
                    "unknown CAMEO code {:?} (see data/codes/cameo.tsv)",
                    f[1]
                )));
                continue;
            }
            let kind = match f[2] {
                "v" => PatternKind::Verb,
                "n" => PatternKind::Noun,
                other => {
                    errors.push(err(format!("kind must be v or n, found {other:?}")));
                    continue;
                }
            };
            if let Some(prev) = self
                .seen_ids
                .insert(f[0].to_string(), format!("{file}:{n}"))
            {
                errors.push(err(format!("id {:?} already used at {prev}", f[0])));
                continue;
            }
            let slots = match parse_pattern(f[3]) {
                Ok(s) => s,
                Err(reason) => {
                    errors.push(err(reason));
                    continue;
                }
            };
            let pattern = EventPattern {
                id: f[0].to_string(),
                cameo: f[1].to_string(),
                kind,
                elems: Vec::new(),
                words: 0,
                text: f[3].to_string(),
                example: f.get(4).and_then(|e| opt(e)).map(String::from),
                source: format!("{file}:{n}"),
            };
            self.patterns.push((pattern, slots));
        }
    }

    /// Adds an already-parsed pattern (a peer dictionary's) with its slots: alternatives as
    /// normalised token sequences, `+` alone for the recipient, and adjacency to the previous slot.
    pub(crate) fn add_parsed(&mut self, pattern: EventPattern, slots: Vec<(Slot, Join)>) {
        self.patterns.push((pattern, slots));
    }

    /// Marks a normalised word as a peer verb (see [`Join::Phrase`]).
    pub(crate) fn add_verb_word(&mut self, word: &str) {
        self.verb_words.push(word.to_string());
    }

    /// Marks a normalised peer pattern word as literal: it matches its own form only.
    pub(crate) fn add_literal_word(&mut self, word: &str) {
        self.literal_words.push(word.to_string());
    }

    pub(crate) fn build(self, errors: &mut Vec<LexiconError>) -> EventMatcher {
        let mut m = EventMatcher::default();
        for w in &self.verb_words {
            let id = m.intern(w);
            m.verbs.insert(id);
        }
        for w in &self.literal_words {
            let id = m.intern(w);
            if !m.verbs.contains(&id) {
                m.literal.insert(id);
            }
        }
        let mut seen_text: HashMap<String, String> = HashMap::new();
        for (pattern, slots) in self.patterns {
            if let Some(prev) =
                seen_text.insert(pattern.text.to_lowercase(), pattern.source.clone())
            {
                errors.push(LexiconError {
                    file: pattern.source.rsplit_once(':').map_or("", |x| x.0).into(),
                    line: pattern
                        .source
                        .rsplit_once(':')
                        .and_then(|x| x.1.parse().ok())
                        .unwrap_or(0),
                    reason: format!("pattern {:?} repeats {prev}", pattern.text),
                });
                continue;
            }
            for variant in expand(&slots) {
                let mut elems = Vec::new();
                let mut words = 0;
                for (word, join) in variant {
                    match word.as_str() {
                        "+" => elems.push(Elem::Recipient),
                        "_" => elems.push(Elem::Any),
                        "^" => elems.push(Elem::Skip),
                        _ => {
                            let alts = word.split('|').map(|w| m.intern(w)).collect();
                            elems.push(Elem::Word {
                                alts,
                                adjacent: join == Join::Adjacent,
                                phrase: join == Join::Phrase,
                            });
                            words += 1;
                        }
                    }
                }
                let Some(Elem::Word { alts, .. }) = elems.first().cloned() else {
                    continue;
                };
                let idx = m.patterns.len() as u32;
                m.patterns.push(EventPattern {
                    elems,
                    words,
                    ..pattern.clone()
                });
                for a in alts {
                    m.by_trigger.entry(a).or_default().push(idx);
                }
            }
        }
        m
    }
}

impl EventMatcher {
    fn intern(&mut self, w: &str) -> u32 {
        let n = self.vocab.len() as u32;
        *self.vocab.entry(w.to_string()).or_insert(n)
    }
}

/// Parses a pattern into slots: (alternatives as token sequences, adjacent-to-previous).
fn parse_pattern(p: &str) -> Result<Vec<(Slot, Join)>, String> {
    let mut slots = Vec::new();
    let mut adjacent = false;
    for raw in p.split_whitespace() {
        if raw == "=" {
            adjacent = true;
            continue;
        }
        if raw == "+" || raw == "_" {
            slots.push((vec![vec![raw.to_string()]], Join::Gap));
            adjacent = false;
            continue;
        }
        let mut alts: Slot = Vec::new();
        for alt in raw.split('|') {
            if alt.is_empty() {
                return Err(format!("empty alternative in {raw:?}"));
            }
            let toks: Vec<String> = tokenize(alt, 0, alt.len())
                .into_iter()
                .map(|t| t.norm)
                .collect();
            if toks.is_empty() {
                return Err(format!("{alt:?} has no word"));
            }
            alts.push(toks);
        }
        slots.push((alts, if adjacent { Join::Adjacent } else { Join::Gap }));
        adjacent = false;
    }
    match slots.first() {
        None => Err("empty pattern".into()),
        Some((alts, _)) if alts[0][0] == "+" || alts[0][0] == "_" => {
            Err("a pattern must start with a word (the trigger)".into())
        }
        _ => Ok(slots),
    }
}

/// Expands multi-token alternatives ("cease-fire") into separate variants of adjacent words;
/// single-token alternatives stay together as one `a|b` word.
fn expand(slots: &[(Slot, Join)]) -> Vec<Vec<(String, Join)>> {
    let mut variants: Vec<Vec<(String, Join)>> = vec![Vec::new()];
    for (alts, join) in slots {
        let singles: Vec<&str> = alts
            .iter()
            .filter(|a| a.len() == 1)
            .map(|a| a[0].as_str())
            .collect();
        let mut options: Vec<Vec<(String, Join)>> = Vec::new();
        if !singles.is_empty() {
            options.push(vec![(singles.join("|"), *join)]);
        }
        for multi in alts.iter().filter(|a| a.len() > 1) {
            options.push(
                multi
                    .iter()
                    .enumerate()
                    .map(|(k, w)| (w.clone(), if k > 0 { Join::Adjacent } else { *join }))
                    .collect(),
            );
        }
        let mut next = Vec::new();
        for v in &variants {
            for o in &options {
                let mut nv = v.clone();
                nv.extend(o.iter().cloned());
                next.push(nv);
            }
        }
        next.truncate(32);
        variants = next;
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_alternatives_expand() {
        let slots = parse_pattern("cease-fire|truce = agreement").unwrap();
        let v = expand(&slots);
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0],
            vec![
                ("truce".to_string(), Join::Gap),
                ("agreement".to_string(), Join::Adjacent)
            ]
        );
        assert_eq!(
            v[1][0..3].iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["cease", "-", "fire"]
        );
    }

    #[test]
    fn phrase_words_take_no_verb_between() {
        let mut b = EventBuilder::default();
        b.add_verb_word("lift");
        let pattern = EventPattern {
            id: "p".into(),
            cameo: "163".into(),
            kind: PatternKind::Verb,
            elems: Vec::new(),
            words: 0,
            text: "agree (to sanctions)".into(),
            example: None,
            source: "v.txt:1".into(),
        };
        let slot = |w: &str| vec![vec![w.to_string()]];
        b.add_parsed(
            pattern,
            vec![
                (slot("agreed"), Join::Gap),
                (slot("to"), Join::Gap),
                (slot("sanctions"), Join::Phrase),
            ],
        );
        let m = b.build(&mut Vec::new());
        let lemmatizer = Lemmatizer::bundled();
        let found = |text: &str| {
            let tokens = tokenize(text, 0, text.len());
            let ids: Vec<Vec<u32>> = tokens.iter().map(|t| m.word_ids(lemmatizer, t)).collect();
            m.find(&tokens, &ids).len()
        };
        assert_eq!(found("Gondor agreed to new sanctions."), 1);
        assert_eq!(found("Gondor agreed to lift the sanctions."), 0);
    }

    #[test]
    fn bad_patterns_are_reported() {
        assert!(parse_pattern("+ accuse").is_err());
        assert!(parse_pattern("a||b").is_err());
        assert!(parse_pattern("").is_err());
    }
}
