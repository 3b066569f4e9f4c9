//! Actor mentions: lexicon phrases composed into entities ("Armenian separatist forces",
//! "Baku's army", "opponents of Prime Minister Pashinyan"), plus pronouns resolved to the story's
//! last person or group, and disputed-territory context.

use eventwire_lexicon::{ActorKind, Lexicon};
use eventwire_model::Entity;
use eventwire_text::{Sentence, Token, TokenKind};

/// What a mention refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    /// A state, seat of power, demonym or disputed entity.
    State,
    /// A named person.
    Person,
    /// An organisation.
    Organization,
    /// A sector word with or without a country ("troops", "Armenian separatists").
    Group,
    /// A pronoun standing for an earlier mention.
    Pronoun,
}

/// An actor mention in a sentence.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The coded entity.
    pub entity: Entity,
    /// CAMEO actor code from the lexicon, when it gives one.
    pub cameo_code: String,
    /// What it refers to.
    pub kind: MentionKind,
    /// A group or people (for "they").
    pub plural: bool,
}

impl Mention {
    /// CAMEO actor code: the lexicon's, else country + first sector (PRE left out).
    pub fn cameo(&self) -> String {
        if !self.cameo_code.is_empty() && self.entity.sector.is_empty() {
            return self.cameo_code.clone();
        }
        let sector = self
            .entity
            .sector
            .split_whitespace()
            .find(|s| *s != "PRE")
            .unwrap_or("");
        format!("{}{}", self.entity.code, sector)
    }

    /// A mention made from an entity found elsewhere (the speaker of a demand).
    pub fn from_entity(entity: Entity, start: usize, end: usize) -> Self {
        Mention {
            start,
            end,
            entity,
            cameo_code: String::new(),
            kind: MentionKind::State,
            plural: false,
        }
    }

    /// True when the mention has a country or organisation code.
    pub fn has_code(&self) -> bool {
        !self.entity.code.is_empty()
    }
}

/// What the coder remembers across the sentences of one story.
#[derive(Debug, Default)]
pub(crate) struct StoryContext {
    /// Disputed entities named in the story (indices into the lexicon's list).
    disputed: Vec<usize>,
    /// Publication date as YYYYMMDD, for office spells.
    date: u32,
    last_person: Option<Mention>,
    last_group: Option<Mention>,
    last_state: Option<Mention>,
    /// Country codes of the story's actors (context for place names).
    countries: Vec<String>,
}

const PREPOSITION_OF: &str = "of";

impl StoryContext {
    /// Scans the story once for disputed entities and their regions.
    pub fn new(lex: &Lexicon, sentences: &[Sentence], date: u32) -> Self {
        let mut disputed = Vec::new();
        let mut countries: Vec<String> = Vec::new();
        for s in sentences {
            for m in lex.actors.find(&s.tokens) {
                for &e in &m.entries {
                    let entry = &lex.actors.entries[e as usize];
                    if matches!(
                        entry.kind,
                        ActorKind::State | ActorKind::Demonym | ActorKind::Seat
                    ) && !countries.contains(&entry.code)
                    {
                        countries.push(entry.code.clone());
                    }
                    if let Some(d) = lex.actors.entries[e as usize].disputed {
                        if !disputed.contains(&d) {
                            disputed.push(d);
                        }
                    }
                }
            }
        }
        StoryContext {
            disputed,
            date,
            countries,
            ..Default::default()
        }
    }

    /// Country codes of the story's states, demonyms and seats of power.
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// The person a pronoun like "he" stands for.
    pub fn last_person(&self) -> Option<&Mention> {
        self.last_person.as_ref()
    }

    /// Updates the pronoun antecedents with a sentence's mentions.
    pub fn remember(&mut self, mentions: &[Mention]) {
        for m in mentions {
            match m.kind {
                MentionKind::Person => self.last_person = Some(m.clone()),
                MentionKind::Group | MentionKind::Organization
                    if m.plural || m.kind == MentionKind::Organization =>
                {
                    self.last_group = Some(m.clone())
                }
                MentionKind::State => self.last_state = Some(m.clone()),
                _ => {}
            }
        }
    }

    /// Composes the actor mentions of one sentence.
    pub fn mentions(&self, lex: &Lexicon, text: &str, tokens: &[Token]) -> Vec<Mention> {
        let mut raw = lex.actors.find(tokens);
        // Peer dictionaries read "pro-Russia" as one word, no actor.
        if lex.peer_rules {
            raw.retain(|m| {
                !(m.start >= 2
                    && tokens[m.start - 1].norm == "-"
                    && tokens[m.start - 1].end == tokens[m.start].start
                    && matches!(tokens[m.start - 2].norm.as_str(), "pro" | "anti"))
            });
        }
        let mut chains: Vec<Vec<usize>> = Vec::new();
        for (k, m) in raw.iter().enumerate() {
            let joined = chains.last().and_then(|c| c.last()).is_some_and(|&p| {
                let prev = &raw[p];
                let between = &tokens[prev.end..m.start];
                // Adjacent, a possessive, or capitalised words of a title or name in between
                // ("British Defence Secretary Tom King", "Taiwan's Vice Foreign Minister").
                m.start >= prev.end
                    && (between.is_empty()
                        || (between.len() == 1 && between[0].norm == "'s")
                        || (between.len() <= 3
                            && between.iter().all(|t| {
                                t.capitalized && t.kind == eventwire_text::TokenKind::Word
                            }))
                        || (lex.peer_rules && possessed_agent(lex, tokens, between, m)))
            });
            if joined {
                if let Some(c) = chains.last_mut() {
                    c.push(k);
                }
            } else {
                chains.push(vec![k]);
            }
        }
        let mut out: Vec<Mention> = Vec::new();
        let mut persons: Vec<Mention> = Vec::new();
        for chain in chains {
            let Some(m) = self.compose(lex, text, tokens, &raw, &chain) else {
                continue;
            };
            if m.kind == MentionKind::Person {
                persons.push(m.clone());
            }
            // "opponents of Prime Minister X": a bare group takes the country of its "of" phrase.
            if let Some(prev) = out.last_mut() {
                if prev.kind == MentionKind::Group
                    && !prev.has_code()
                    && m.has_code()
                    && prev.end + 1 == m.start
                    && tokens[prev.end].norm == PREPOSITION_OF
                {
                    prev.entity.code = m.entity.code.clone();
                    // Peer dictionaries keep the agents of both phrases ("exiled leaders of
                    // Egypt's Muslim Brotherhood" → `EGYOPPMUS`).
                    if lex.peer_rules && !m.entity.sector.is_empty() {
                        prev.entity.sector = format!("{} {}", prev.entity.sector, m.entity.sector);
                    }
                    prev.end = m.end;
                    prev.entity.entity_text =
                        text[tokens[prev.start].start..tokens[m.end - 1].end].to_string();
                    continue;
                }
            }
            out.push(m);
        }
        self.add_pronouns(text, tokens, &persons, &mut out);
        out
    }

    fn compose(
        &self,
        lex: &Lexicon,
        text: &str,
        tokens: &[Token],
        raw: &[eventwire_lexicon::ActorMatch],
        chain: &[usize],
    ) -> Option<Mention> {
        let start = raw[chain[0]].start;
        let end = raw[*chain.last()?].end;
        let entity_text = text[tokens[start].start..tokens[end - 1].end].to_string();
        let mut modifier = None;
        let mut sector = None;
        let mut person = None;
        let mut kin_of_disputed = None;
        let mut more_sectors = Vec::new();
        for &k in chain {
            for &e in &raw[k].entries {
                let entry = &lex.actors.entries[e as usize];
                match entry.kind {
                    ActorKind::Person if person.is_none() => person = Some(entry),
                    ActorKind::Sector if sector.is_none() => sector = Some(entry),
                    // Peer dictionaries keep every agent of a phrase ("an MSF Arnor diplomat").
                    ActorKind::Sector if lex.peer_rules => more_sectors.push(entry.sector.as_str()),
                    ActorKind::Region => {}
                    ActorKind::Demonym | ActorKind::State
                        if is_attitude(tokens, raw[k].start) && !lex.peer_rules => {}
                    ActorKind::State
                    | ActorKind::Demonym
                    | ActorKind::People
                    | ActorKind::Seat
                    | ActorKind::Organization
                    | ActorKind::Disputed
                        if modifier.is_none() =>
                    {
                        if entry.kind == ActorKind::Demonym {
                            let word = raw[k].start..raw[k].end;
                            let norm = tokens[word]
                                .iter()
                                .map(|t| t.norm.as_str())
                                .collect::<Vec<_>>()
                                .join(" ");
                            kin_of_disputed = self
                                .disputed
                                .iter()
                                .find(|&&d| lex.actors.disputed[d].kin.contains(&norm))
                                .copied();
                        }
                        modifier = Some(entry)
                    }
                    _ => {}
                }
            }
        }
        let plural = tokens[end - 1].norm.ends_with('s');
        let sector_codes = |first: &str| {
            std::iter::once(first)
                .chain(more_sectors.iter().copied())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut entity = Entity {
            entity_text,
            ..Default::default()
        };
        let mut cameo_code = String::new();
        let kind;
        if let Some(p) = person {
            kind = MentionKind::Person;
            entity.identifier_text = Some(p.name.clone());
            entity.identifier_id = p.qid.clone();
            match p.spell_on(self.date) {
                Some(s) => {
                    entity.code = s.code.clone();
                    entity.sector = s.sector.clone();
                    if s.qid.is_some() {
                        entity.identifier_id = s.qid.clone();
                    }
                }
                None => {
                    // Outside every office spell: a notable of the country of the latest spell.
                    entity.code = p
                        .spells
                        .iter()
                        .max_by_key(|s| s.to)
                        .map_or(p.code.clone(), |s| s.code.clone());
                    entity.sector = "ELI".into();
                }
            }
            // Peer dictionaries date-restrict countries too: an agent still composes ("Ukrainian lawmakers").
            if let Some(s) = sector.filter(|_| lex.peer_rules) {
                entity.sector = sector_codes(&s.sector);
            }
        } else if let Some(m) = modifier {
            kind = if m.kind == ActorKind::Organization {
                MentionKind::Organization
            } else {
                MentionKind::State
            };
            entity.code = m.code.clone();
            entity.sector = m.sector.clone();
            entity.identifier_text = Some(m.name.clone());
            entity.identifier_id = m.qid.clone();
            cameo_code = m.cameo.clone();
            if let Some(s) = sector {
                entity.sector = sector_codes(&s.sector);
                cameo_code.clear();
            }
            if let (Some(d), Some(s)) = (kin_of_disputed, sector) {
                if s.sector == "REB" {
                    entity.code = lex.actors.disputed[d].claimant.clone();
                    entity.sector = "REB PRE".into();
                    entity.identifier_text = Some(lex.actors.disputed[d].name.clone());
                    entity.identifier_id = None;
                }
            }
            if sector.is_some() {
                return Some(Mention {
                    start,
                    end,
                    entity,
                    cameo_code,
                    kind: MentionKind::Group,
                    plural,
                });
            }
        } else if let Some(s) = sector {
            kind = MentionKind::Group;
            entity.sector = sector_codes(&s.sector);
            if s.sector == "REB" {
                if let Some(&d) = self.disputed.first() {
                    entity.code = lex.actors.disputed[d].claimant.clone();
                    entity.sector = "REB PRE".into();
                    entity.identifier_text = Some(lex.actors.disputed[d].name.clone());
                }
            }
        } else {
            return None;
        }
        Some(Mention {
            start,
            end,
            entity,
            cameo_code,
            kind,
            plural,
        })
    }

    fn add_pronouns(
        &self,
        text: &str,
        tokens: &[Token],
        persons: &[Mention],
        out: &mut Vec<Mention>,
    ) {
        for (i, t) in tokens.iter().enumerate() {
            // "Interpol has said it will send a team": "it" after a verb of speech is that
            // verb's subject when a state or organisation is ("it was" is mostly no one).
            let reported = || {
                let said = i > 0
                    && matches!(
                        tokens[i - 1].norm.as_str(),
                        "said" | "says" | "announced" | "stated" | "added" | "warned"
                    )
                    && tokens
                        .get(i + 1)
                        .is_some_and(|n| !matches!(n.norm.as_str(), "is" | "was" | "'s"));
                let subject = out.iter().rev().find(|m| m.end < i).filter(|_| said)?;
                let between = &tokens[subject.end..i - 1];
                (between.len() <= 2
                    && between.iter().all(|t| t.kind == TokenKind::Word)
                    && subject.has_code()
                    && matches!(
                        subject.kind,
                        MentionKind::State | MentionKind::Organization | MentionKind::Group
                    ))
                .then(|| subject.clone())
            };
            let antecedent = match t.norm.as_str() {
                "he" | "him" | "his" | "she" | "her" => persons
                    .iter()
                    .rev()
                    .find(|p| p.end <= i)
                    .or(self.last_person.as_ref())
                    .cloned(),
                "they" | "them" | "their" => self.last_group.clone(),
                "its" => self.last_state.clone(),
                "it" => reported(),
                _ => None,
            };
            let Some(a) = antecedent else { continue };
            if out.iter().any(|m| m.start <= i && i < m.end) {
                continue;
            }
            let mut m = a;
            m.start = i;
            m.end = i + 1;
            m.kind = MentionKind::Pronoun;
            m.entity.entity_text = text[t.start..t.end].to_string();
            let at = out.iter().position(|x| x.start > i).unwrap_or(out.len());
            out.insert(at, m);
        }
    }
}

/// Peer dictionaries: a possessor keeps an agent after lower-case modifiers ("Ithilen's awful and
/// evil minister").
fn possessed_agent(
    lex: &Lexicon,
    tokens: &[Token],
    between: &[Token],
    m: &eventwire_lexicon::ActorMatch,
) -> bool {
    let is_agent = m
        .entries
        .iter()
        .any(|&e| lex.actors.entries[e as usize].kind == ActorKind::Sector);
    is_agent
        && !tokens[m.start].capitalized
        && (2..=5).contains(&between.len())
        && between[0].norm == "'s"
        && between[1..]
            .iter()
            .all(|t| !t.capitalized && t.kind == eventwire_text::TokenKind::Word)
}

/// "pro-Iranian", "anti-American": a stance, not a nationality.
fn is_attitude(tokens: &[Token], start: usize) -> bool {
    start >= 2
        && tokens[start - 1].norm == "-"
        && matches!(tokens[start - 2].norm.as_str(), "pro" | "anti")
}
