//! Actor dictionaries: states, demonyms, seats of power, organisations, people, sector words and
//! disputed entities, compiled into one longest-match phrase matcher over normalised tokens.

use crate::line::{date_key, expect_fields, list, opt, records, LexiconError};
use eventwire_text::{tokenize, Token, TokenKind};
use std::collections::HashMap;

/// What an actor phrase denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// A state by name ("Azerbaijan").
    State,
    /// An adjective of nationality ("Azerbaijani").
    Demonym,
    /// A people ("Azerbaijanis"): the country's civilians.
    People,
    /// A capital or seat of power standing for the government ("Baku", "the Kremlin").
    Seat,
    /// An IGO, NGO or non-state group.
    Organization,
    /// A named person; see `spells`.
    Person,
    /// A sector word ("troops", "separatists").
    Sector,
    /// A disputed or breakaway entity ("Republic of Artsakh").
    Disputed,
    /// A region name of a disputed entity ("Karabakh"): story context, not an actor.
    Region,
}

/// One office spell of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct Spell {
    /// Country or organisation code.
    pub code: String,
    /// Sector(s) while in office.
    pub sector: String,
    /// First day (YYYYMMDD).
    pub from: u32,
    /// Last day (YYYYMMDD).
    pub to: u32,
    /// Office title.
    pub office: String,
    /// Wikidata QID.
    pub qid: Option<String>,
}

/// One lexicon entry an actor phrase can point to.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorEntry {
    /// `file:line` of the entry.
    pub id: String,
    /// What it is.
    pub kind: ActorKind,
    /// Country or PLOVER code (claimant for disputed entities).
    pub code: String,
    /// Sector(s), space separated.
    pub sector: String,
    /// CAMEO actor code, when the file gives one.
    pub cameo: String,
    /// Canonical name.
    pub name: String,
    /// Wikidata QID.
    pub qid: Option<String>,
    /// Office spells (people only).
    pub spells: Vec<Spell>,
    /// Index into [`ActorMatcher::disputed`] for disputed entities and their regions.
    pub disputed: Option<usize>,
}

impl ActorEntry {
    /// The spell in force on `date` (YYYYMMDD), if any.
    pub fn spell_on(&self, date: u32) -> Option<&Spell> {
        self.spells.iter().find(|s| s.from <= date && date <= s.to)
    }
}

/// A disputed or breakaway entity and the words that tie a story to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Disputed {
    /// The claimant state's code.
    pub claimant: String,
    /// Canonical name.
    pub name: String,
    /// Normalised kin demonyms ("armenian").
    pub kin: Vec<String>,
}

/// A phrase found in a token slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMatch {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Entries the phrase points to.
    pub entries: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Any,
    Capitalized,
    AllCaps,
}

#[derive(Debug, Clone)]
struct Phrase {
    norms: Vec<String>,
    cases: Vec<Case>,
    entries: Vec<u32>,
}

/// Compiled actor phrases.
#[derive(Debug, Default)]
pub struct ActorMatcher {
    /// All entries.
    pub entries: Vec<ActorEntry>,
    /// Disputed entities.
    pub disputed: Vec<Disputed>,
    phrases: Vec<Phrase>,
    by_first: HashMap<String, Vec<u32>>,
}

impl ActorMatcher {
    /// Longest matches, left to right, never overlapping.
    pub fn find(&self, tokens: &[Token]) -> Vec<ActorMatch> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut best: Option<(usize, u32)> = None;
            if let Some(cands) = self.by_first.get(tokens[i].norm.as_str()) {
                for &p in cands {
                    let ph = &self.phrases[p as usize];
                    if best.is_some_and(|(len, _)| len >= ph.norms.len()) {
                        continue;
                    }
                    if self.matches_at(ph, tokens, i) {
                        best = Some((ph.norms.len(), p));
                    }
                }
            }
            match best {
                Some((len, p)) => {
                    out.push(ActorMatch {
                        start: i,
                        end: i + len,
                        entries: self.phrases[p as usize].entries.clone(),
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    fn matches_at(&self, ph: &Phrase, tokens: &[Token], i: usize) -> bool {
        if i + ph.norms.len() > tokens.len() {
            return false;
        }
        ph.norms
            .iter()
            .zip(&ph.cases)
            .enumerate()
            .all(|(k, (n, c))| {
                let t = &tokens[i + k];
                t.norm == *n
                    && match c {
                        Case::Any => true,
                        Case::Capitalized => t.capitalized,
                        Case::AllCaps => t.all_caps || t.norm.contains('.'),
                    }
            })
    }

    /// Number of distinct phrases.
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }
}

#[derive(Debug, Default)]
pub(crate) struct ActorBuilder {
    entries: Vec<ActorEntry>,
    disputed: Vec<Disputed>,
    phrases: HashMap<Vec<String>, (Vec<Case>, Vec<u32>)>,
    people_by_name: HashMap<String, u32>,
}

fn entry(
    id: String,
    kind: ActorKind,
    code: &str,
    sector: &str,
    cameo: &str,
    name: &str,
    qid: Option<&str>,
) -> ActorEntry {
    ActorEntry {
        id,
        kind,
        code: code.to_string(),
        sector: sector.to_string(),
        cameo: cameo.to_string(),
        name: name.to_string(),
        qid: qid.map(String::from),
        spells: Vec::new(),
        disputed: None,
    }
}

/// `CODE [SECTOR …]` → (code, sectors).
fn code_and_sector(field: &str) -> (String, String) {
    let mut parts = field.split_whitespace();
    let code = parts.next().unwrap_or("").to_string();
    (code, parts.collect::<Vec<_>>().join(" "))
}

fn valid_code(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

impl ActorBuilder {
    fn add(&mut self, e: ActorEntry) -> u32 {
        self.entries.push(e);
        (self.entries.len() - 1) as u32
    }

    /// Adds a phrase of our lexicon: a leading "the" is optional in text ("the Kremlin").
    fn phrase(&mut self, text: &str, entry: u32) {
        self.phrase_with(text, entry, false);
    }

    /// Adds a phrase; `the_as_written` keeps a leading "the" as a word the text must have (a peer
    /// dictionary's `THE_ISLAMIC_STATE` is not "an Islamic state").
    fn phrase_with(&mut self, text: &str, entry: u32, the_as_written: bool) {
        let toks = tokenize(text, 0, text.len());
        let mut toks: &[Token] = &toks;
        if toks.len() > 1 && toks[0].norm == "the" && !the_as_written {
            toks = &toks[1..];
        }
        if toks.is_empty() {
            return;
        }
        let norms: Vec<String> = toks.iter().map(|t| t.norm.clone()).collect();
        let cases = toks
            .iter()
            .map(|t| match t.kind {
                TokenKind::Word if t.all_caps => Case::AllCaps,
                TokenKind::Word if t.capitalized => Case::Capitalized,
                _ => Case::Any,
            })
            .collect();
        let slot = self
            .phrases
            .entry(norms)
            .or_insert_with(|| (cases, Vec::new()));
        if !slot.1.contains(&entry) {
            slot.1.push(entry);
        }
    }

    /// The common start of an actor line: the field count, `CODE [SECTOR …]` and the names.
    fn head<'a>(
        file: &str,
        n: usize,
        f: &[&'a str],
        count: usize,
        form: &str,
        errors: &mut Vec<LexiconError>,
    ) -> Option<(String, String, Vec<&'a str>)> {
        if !expect_fields(file, n, f, count, count, form, errors) {
            return None;
        }
        let (code, sector) = code_and_sector(f[0]);
        if Self::bad_code(file, n, &code, errors) {
            return None;
        }
        if !sector
            .split_whitespace()
            .all(|w| w.chars().all(|c| c.is_ascii_uppercase()))
        {
            errors.push(LexiconError {
                file: file.into(),
                line: n,
                reason: format!("sector {sector:?} is not upper-case codes (e.g. GOV, MIL REB)"),
            });
            return None;
        }
        let names = list(f[1]);
        if names.is_empty() {
            errors.push(LexiconError {
                file: file.into(),
                line: n,
                reason: "no name in the second field".into(),
            });
            return None;
        }
        Some((code, sector, names))
    }

    fn bad_code(file: &str, line: usize, code: &str, errors: &mut Vec<LexiconError>) -> bool {
        if valid_code(code) {
            return false;
        }
        errors.push(LexiconError {
            file: file.into(),
            line,
            reason: format!("code {code:?} is not three upper-case letters (e.g. AZE, UNO)"),
        });
        true
    }

    pub(crate) fn parse_countries(
        &mut self,
        file: &str,
        text: &str,
        errors: &mut Vec<LexiconError>,
    ) {
        for (n, f) in records(text) {
            let Some((_, _, names)) = Self::head(
                file,
                n,
                &f,
                5,
                "CODE | names | demonyms | seats | QID",
                errors,
            ) else {
                continue;
            };
            let canonical = names[0];
            let id = format!("{file}:{n}");
            let qid = opt(f[4]);
            let state = self.add(entry(
                id.clone(),
                ActorKind::State,
                f[0],
                "",
                f[0],
                canonical,
                qid,
            ));
            for name in names {
                self.phrase(name, state);
            }
            let demonyms = list(f[2]);
            let adj = self.add(entry(
                id.clone(),
                ActorKind::Demonym,
                f[0],
                "",
                f[0],
                canonical,
                qid,
            ));
            let people = self.add(entry(
                id.clone(),
                ActorKind::People,
                f[0],
                "CVL",
                &format!("{}CVL", f[0]),
                canonical,
                qid,
            ));
            for d in &demonyms {
                let plural = d.ends_with('s')
                    && demonyms
                        .iter()
                        .any(|o| o.len() + 1 == d.len() && d.starts_with(o));
                self.phrase(d, if plural { people } else { adj });
            }
            let seat = self.add(entry(
                id,
                ActorKind::Seat,
                f[0],
                "GOV",
                &format!("{}GOV", f[0]),
                canonical,
                qid,
            ));
            for s in list(f[3]) {
                self.phrase(s, seat);
            }
        }
    }

    pub(crate) fn parse_organizations(
        &mut self,
        file: &str,
        text: &str,
        errors: &mut Vec<LexiconError>,
    ) {
        for (n, f) in records(text) {
            let Some((code, sector, names)) = Self::head(
                file,
                n,
                &f,
                4,
                "CODE SECTOR | names | CAMEO code | QID",
                errors,
            ) else {
                continue;
            };
            let canonical = names[0];
            let cameo = opt(f[2]).map_or_else(
                || format!("{code}{}", sector.replace(' ', "")),
                String::from,
            );
            let e = self.add(entry(
                format!("{file}:{n}"),
                ActorKind::Organization,
                &code,
                &sector,
                &cameo,
                canonical,
                opt(f[3]),
            ));
            for name in names {
                self.phrase(name, e);
            }
        }
    }

    pub(crate) fn parse_people(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        for (n, f) in records(text) {
            let Some((code, sector, names)) = Self::head(
                file,
                n,
                &f,
                6,
                "CODE SECTOR | names | from | to | office | QID",
                errors,
            ) else {
                continue;
            };
            let from = match opt(f[2]) {
                None => Some(0),
                Some(d) => date_key(d, true),
            };
            let to = match opt(f[3]) {
                None => Some(99_999_999),
                Some(d) => date_key(d, false),
            };
            let (Some(from), Some(to)) = (from, to) else {
                errors.push(LexiconError {
                    file: file.into(),
                    line: n,
                    reason: format!(
                        "dates {:?} / {:?} are not YYYY, YYYY-MM or YYYY-MM-DD",
                        f[2], f[3]
                    ),
                });
                continue;
            };
            if from > to {
                errors.push(LexiconError {
                    file: file.into(),
                    line: n,
                    reason: format!("the office ends ({}) before it starts ({})", f[3], f[2]),
                });
                continue;
            }
            let canonical = names[0];
            let spell = Spell {
                code: code.clone(),
                sector: sector.clone(),
                from,
                to,
                office: f[4].to_string(),
                qid: opt(f[5]).map(String::from),
            };
            // One entry per person (by canonical name); spells accumulate.
            let idx = match self.people_by_name.get(canonical) {
                Some(&i) => i,
                None => {
                    let i = self.add(entry(
                        format!("{file}:{n}"),
                        ActorKind::Person,
                        &code,
                        "",
                        &code,
                        canonical,
                        opt(f[5]),
                    ));
                    self.people_by_name.insert(canonical.to_string(), i);
                    i
                }
            };
            let e = &mut self.entries[idx as usize];
            if e.qid.is_none() {
                e.qid = spell.qid.clone();
            }
            e.spells.push(spell);
            for name in names {
                self.phrase(name, idx);
            }
        }
    }

    pub(crate) fn parse_sectors(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        for (n, f) in records(text) {
            if !expect_fields(file, n, &f, 2, 3, "SECTOR | words | CAMEO agent", errors)
                || Self::bad_code(file, n, f[0], errors)
            {
                continue;
            }
            let agent = f.get(2).and_then(|s| opt(s)).unwrap_or(f[0]);
            let e = self.add(entry(
                format!("{file}:{n}"),
                ActorKind::Sector,
                "",
                f[0],
                agent,
                f[0],
                None,
            ));
            for w in list(f[1]) {
                self.phrase(w, e);
            }
        }
    }

    pub(crate) fn parse_disputed(
        &mut self,
        file: &str,
        text: &str,
        errors: &mut Vec<LexiconError>,
    ) {
        for (n, f) in records(text) {
            let Some((code, sector, names)) = Self::head(
                file,
                n,
                &f,
                5,
                "CLAIMANT SECTORS | names | kin demonyms | region names | QID",
                errors,
            ) else {
                continue;
            };
            let canonical = names[0];
            let d = self.disputed.len();
            self.disputed.push(Disputed {
                claimant: code.clone(),
                name: canonical.to_string(),
                kin: list(f[2])
                    .iter()
                    .map(|k| {
                        eventwire_text::tokenize(k, 0, k.len())
                            .iter()
                            .map(|t| t.norm.clone())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect(),
            });
            let sector = if sector.is_empty() {
                "GOV PRE".to_string()
            } else {
                sector
            };
            let cameo = format!("{code}{}", sector.split_whitespace().next().unwrap_or(""));
            let mut e = entry(
                format!("{file}:{n}"),
                ActorKind::Disputed,
                &code,
                &sector,
                &cameo,
                canonical,
                opt(f[4]),
            );
            e.disputed = Some(d);
            let ei = self.add(e);
            for name in names {
                self.phrase(name, ei);
            }
            let mut r = entry(
                format!("{file}:{n}"),
                ActorKind::Region,
                &code,
                "",
                &code,
                canonical,
                opt(f[4]),
            );
            r.disputed = Some(d);
            let ri = self.add(r);
            for region in list(f[3]) {
                self.phrase(region, ri);
            }
        }
    }

    /// Adds an already-parsed entry (a peer dictionary's actor or agent) under its phrases.
    pub(crate) fn add_parsed(&mut self, e: ActorEntry, phrases: &[String]) {
        let i = self.add(e);
        for p in phrases {
            self.phrase_with(p, i, true);
        }
    }

    pub(crate) fn build(self) -> ActorMatcher {
        let mut phrases: Vec<Phrase> = self
            .phrases
            .into_iter()
            .map(|(norms, (cases, entries))| Phrase {
                norms,
                cases,
                entries,
            })
            .collect();
        phrases.sort_by(|a, b| {
            b.norms
                .len()
                .cmp(&a.norms.len())
                .then_with(|| a.norms.cmp(&b.norms))
        });
        let mut by_first: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, p) in phrases.iter().enumerate() {
            by_first
                .entry(p.norms[0].clone())
                .or_default()
                .push(i as u32);
        }
        ActorMatcher {
            entries: self.entries,
            disputed: self.disputed,
            phrases,
            by_first,
        }
    }
}
