//! One sentence through TABARI's steps: filtering, word typing, agents, compounds, pronouns,
//! comma-delimited clauses, clauses, then verb patterns and the default actor searches.

use super::options::CodeBy;
use super::phrase::{Elem, Pattern};
use super::{EntryKind, TabariCoder, TabariCoding, TabariEvent};
use std::ops::Range;

/// Longest sentence coded, in words (the rest is cut off, as TABARI does).
const MAX_WORDS: usize = 127;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    /// A later word of a phrase that started earlier.
    Cont,
    Actor,
    Agent,
    Noun,
    Adjective,
    Verb,
    Time,
    Determiner,
    Pronoun,
    Conj,
    Comma,
    Auxiliary,
    By,
    Number,
    Quote,
}

#[derive(Debug, Clone)]
struct Tok {
    text: String,
    range: Range<usize>,
    cap: bool,
}

/// Upper case without diacritics.
fn fold(c: char) -> char {
    let u = c.to_uppercase().next().unwrap_or(c);
    match u {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        '’' | '‘' | '`' => '\'',
        other => other,
    }
}

/// TABARI's input filter as tokens with byte ranges: `?`, `!`, `-` and brackets separate words;
/// commas (not inside numbers), `;` (read as a comma) and double quotes are words of their own;
/// a period after a lower-case letter ends the word and is dropped.
fn tokenize(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut cur = String::new();
    let mut start = 0;
    let flush = |out: &mut Vec<Tok>, cur: &mut String, start: usize, end: usize| {
        if !cur.is_empty() {
            let cap = text[start..end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            out.push(Tok {
                text: std::mem::take(cur),
                range: start..end,
                cap,
            });
        }
    };
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(k + 1).map(|n| n.1);
        match c {
            ',' if prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit()) => {}
            ',' | ';' | '"' | '“' | '”' => {
                flush(&mut out, &mut cur, start, i);
                out.push(Tok {
                    text: if c == ',' || c == ';' {
                        ",".into()
                    } else {
                        "\"".into()
                    },
                    range: i..i + c.len_utf8(),
                    cap: false,
                });
            }
            '.' if prev.is_some_and(char::is_lowercase) => {
                flush(&mut out, &mut cur, start, i);
            }
            c if c.is_whitespace()
                || matches!(
                    c,
                    '?' | '!' | '-' | '_' | '–' | '—' | '(' | ')' | '[' | ']' | ':'
                ) =>
            {
                flush(&mut out, &mut cur, start, i);
            }
            _ => {
                if cur.is_empty() {
                    start = i;
                }
                cur.push(fold(c));
                // Words over 63 characters are broken, as TABARI does.
                if cur.len() >= 63 {
                    flush(&mut out, &mut cur, start, i + c.len_utf8());
                }
            }
        }
    }
    flush(&mut out, &mut cur, start, text.len());
    if let Some(last) = out.last_mut() {
        while last.text.len() > 1 && last.text.ends_with('.') {
            last.text.pop();
            last.range.end -= 1;
        }
    }
    out.retain(|t| !t.text.is_empty() && t.text != ".");
    out
}

/// An actor with the agents glued to it.
#[derive(Debug, Clone)]
struct Unit {
    toks: Vec<usize>,
    codes: Vec<String>,
    /// The actor's own first code, without agents.
    bare: String,
    cancelled: bool,
}

/// Who fills a role.
#[derive(Debug, Clone, PartialEq)]
enum Who {
    Unit(usize),
    Compound(usize),
    Codes(Vec<String>),
}

/// An actor or a resolved pronoun as the searches see it, in active-word positions.
#[derive(Debug, Clone)]
struct Act {
    start: usize,
    end: usize,
    who: Who,
    unit: Option<usize>,
    /// The code compared with the source's when looking for a distinct target.
    check: String,
    pronoun: bool,
}

/// A verb's outcome in a clause.
#[derive(Debug, Clone)]
struct Found {
    events: Vec<TabariEvent>,
    subordinate: bool,
    dominant: bool,
    source: Option<Who>,
}

struct Sentence<'a> {
    coder: &'a TabariCoder,
    date: u32,
    toks: Vec<Tok>,
    kind: Vec<Kind>,
    /// For typed words: the dictionary entry and the positions it matched.
    item: Vec<Option<(usize, Vec<usize>)>>,
    units: Vec<Unit>,
    unit_of: Vec<Option<usize>>,
    compounds: Vec<Vec<usize>>,
    compound_of: Vec<Option<usize>>,
    /// Conjunctions and commas inside compound actors, nouns or adjectives.
    bound: Vec<bool>,
    pron: Vec<Option<(Who, String)>>,
    /// Positions of the words still in play after the comma rule.
    active: Vec<usize>,
    acts: Vec<Act>,
    discard: bool,
    complex: Option<String>,
}

fn parse_date(date: &str) -> u32 {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    digits.get(..8).and_then(|d| d.parse().ok()).unwrap_or(0)
}

fn shift_date(date: u32, days: i64) -> u32 {
    use chrono::{Datelike, Duration, NaiveDate};
    let Some(d) = NaiveDate::from_ymd_opt((date / 10_000) as i32, date / 100 % 100, date % 100)
    else {
        return date;
    };
    let Some(s) = Duration::try_days(days).and_then(|shift| d.checked_add_signed(shift)) else {
        return date;
    };
    s.year().max(0) as u32 * 10_000 + s.month() * 100 + s.day()
}

/// Pronoun forwarding: the previous sentence's first actor in, this sentence's first actor out.
pub(super) type Forwarding<'a> = (Option<&'a [String]>, &'a mut Option<Vec<String>>);

/// Codes one sentence; `forward` carries the previous sentence's first actor in and this
/// sentence's first actor out.
pub(super) fn code(
    coder: &TabariCoder,
    text: &str,
    date: &str,
    forward: Option<Forwarding<'_>>,
) -> TabariCoding {
    let mut toks = tokenize(text);
    if toks.len() < coder.options.min_words {
        return TabariCoding::Events(Vec::new());
    }
    toks.truncate(MAX_WORDS);
    let n = toks.len();
    let mut s = Sentence {
        coder,
        date: parse_date(date),
        toks,
        kind: vec![Kind::Null; n],
        item: vec![None; n],
        units: Vec::new(),
        unit_of: vec![None; n],
        compounds: Vec::new(),
        compound_of: Vec::new(),
        bound: vec![false; n],
        pron: vec![None; n],
        active: Vec::new(),
        acts: Vec::new(),
        discard: false,
        complex: None,
    };
    let (forwarded, first_out) = match forward {
        Some((f, out)) => (f, Some(out)),
        None => (None, None),
    };
    s.classify(text);
    let mut day = s.date;
    if coder.options.time_shift {
        day = s.time_shift();
    }
    s.build_units();
    s.find_compounds();
    s.drop_comma_clauses();
    let active = s.active.clone();
    s.compounds_in(&active);
    s.resolve_pronouns(forwarded);
    if let Some(out) = first_out {
        if let Some(u) = s.units.iter().find(|u| !u.cancelled) {
            *out = Some(vec![u.bare.clone()]);
        }
    }
    if s.discard {
        return TabariCoding::Discarded;
    }
    if let Some(why) = s.complex.take() {
        return TabariCoding::Complex(why);
    }
    s.build_acts();
    if let Some(why) = s.complexity() {
        return TabariCoding::Complex(why);
    }
    s.code_clauses(&format!("{day:08}"))
}

impl<'a> Sentence<'a> {
    /// Types every word by the longest dictionary phrase starting on it, then the closed word
    /// classes; verbs after a determiner or capitalised inside a mixed-case sentence are nouns.
    fn classify(&mut self, text: &str) {
        let words: Vec<&str> = self.toks.iter().map(|t| t.text.as_str()).collect();
        let n = words.len();
        let mut taken = vec![false; n];
        let all_caps = !text.chars().any(char::is_lowercase);
        for i in 0..n {
            if taken[i] {
                continue;
            }
            let mut best: Option<(usize, usize, Vec<usize>)> = None;
            for (idx, e) in self.coder.candidates(words[i]) {
                if let EntryKind::Time(_) = e.kind {
                    if !self.coder.options.time_shift {
                        continue;
                    }
                }
                if best.as_ref().is_some_and(|b| b.0 >= e.len) {
                    continue;
                }
                if let Some(m) = e.phrase.match_at(&words, i, &taken) {
                    best = Some((e.len, idx, m));
                }
            }
            if let Some((_, entry, matched)) = best {
                let kind = match self.coder.entries[entry].kind {
                    EntryKind::Actor(_) => Kind::Actor,
                    EntryKind::Agent(_) => Kind::Agent,
                    EntryKind::Noun => Kind::Noun,
                    EntryKind::Adjective => Kind::Adjective,
                    EntryKind::Verb(_) => Kind::Verb,
                    EntryKind::Time(_) => Kind::Time,
                };
                for &m in &matched {
                    taken[m] = true;
                    self.kind[m] = Kind::Cont;
                }
                self.kind[i] = kind;
                self.item[i] = Some((entry, matched));
                continue;
            }
            taken[i] = true;
            self.kind[i] = match words[i] {
                "THE" | "A" | "AN" => Kind::Determiner,
                "HE" | "SHE" | "IT" | "HIM" | "HIS" | "HER" | "ITS" | "THEY" | "THEM" | "THEIR" => {
                    Kind::Pronoun
                }
                "AND" | "BUT" | "OR" | "NOR" => Kind::Conj,
                "," => Kind::Comma,
                "\"" => Kind::Quote,
                "WAS" | "WERE" | "BEEN" => Kind::Auxiliary,
                "BY" => Kind::By,
                w if w.starts_with(|c: char| c.is_ascii_digit()) => Kind::Number,
                _ => Kind::Null,
            };
        }
        for i in 0..n {
            let Some((entry, _)) = &self.item[i] else {
                continue;
            };
            match self.coder.entries[*entry].kind {
                EntryKind::Verb(v) => {
                    let after_det = i > 0 && self.kind[i - 1] == Kind::Determiner;
                    let capitalised = i > 0 && !all_caps && self.toks[i].cap;
                    if after_det || capitalised {
                        self.kind[i] = Kind::Noun;
                        continue;
                    }
                    let root = &self.coder.verbs[v];
                    let code = root.code.as_str();
                    if code.starts_with("###") {
                        self.discard = true;
                    } else if code.starts_with("+++") {
                        self.complex
                            .get_or_insert_with(|| "complex code on a verb".into());
                    } else if is_null(code) && root.patterns.is_empty() {
                        self.kind[i] = Kind::Null;
                    }
                }
                EntryKind::Actor(a) => {
                    let code = self.coder.dicts.actors[a].code_on(self.date);
                    if code.starts_with("###") {
                        self.discard = true;
                        self.kind[i] = Kind::Noun;
                    } else if code.starts_with("+++") {
                        self.complex
                            .get_or_insert_with(|| "complex code on an actor".into());
                        self.kind[i] = Kind::Noun;
                    } else if is_null(code) {
                        self.kind[i] = Kind::Noun;
                    }
                }
                _ => {}
            }
        }
    }

    /// The shifted date from the first `<TIME>` phrase; its `###`/`+++` codes discard or
    /// divert the sentence.
    fn time_shift(&mut self) -> u32 {
        for i in 0..self.toks.len() {
            if self.kind[i] != Kind::Time {
                continue;
            }
            let Some((entry, matched)) = self.item[i].clone() else {
                continue;
            };
            let EntryKind::Time(t) = self.coder.entries[entry].kind else {
                continue;
            };
            let root = &self.coder.time[t];
            let end = matched.iter().copied().max().unwrap_or(i) + 1;
            let words: Vec<&str> = self.toks.iter().map(|t| t.text.as_str()).collect();
            let code = root
                .patterns
                .iter()
                .find(|p| p.pre.is_empty() && literal_forward(&words, &p.post, end, p.verb_glued))
                .map_or(root.code.as_str(), |p| p.code.as_str());
            if code.starts_with("###") {
                self.discard = true;
            } else if code.starts_with("+++") {
                self.complex
                    .get_or_insert_with(|| "complex code on a time phrase".into());
            } else if let Ok(days) = code.trim_start_matches('+').parse::<i64>() {
                return shift_date(self.date, days);
            }
        }
        self.date
    }

    /// Actors with the agents next to them (`ISRAELI PRESIDENT`, `PRESIDENT OF ISRAEL`);
    /// `FORMER` turns the agent into `ELI`; agents alone become actors with `CONVERT AGENTS`.
    fn build_units(&mut self) {
        let n = self.toks.len();
        for i in 0..n {
            if self.kind[i] != Kind::Actor {
                continue;
            }
            let Some((entry, matched)) = &self.item[i] else {
                continue;
            };
            let EntryKind::Actor(a) = self.coder.entries[*entry].kind else {
                continue;
            };
            let code = self.coder.dicts.actors[a].code_on(self.date);
            let codes: Vec<String> = code.split('/').map(str::to_string).collect();
            self.units.push(Unit {
                toks: matched.clone(),
                bare: codes[0].clone(),
                codes,
                cancelled: false,
            });
        }
        let span = |u: &Unit| -> (usize, usize) {
            (
                *u.toks.iter().min().unwrap_or(&0),
                *u.toks.iter().max().unwrap_or(&0) + 1,
            )
        };
        let former = |k: usize| self.toks.get(k).is_some_and(|t| t.text == "FORMER");
        for i in 0..n {
            if self.kind[i] != Kind::Agent {
                continue;
            }
            let Some((entry, matched)) = self.item[i].clone() else {
                continue;
            };
            let EntryKind::Agent(g) = self.coder.entries[entry].kind else {
                continue;
            };
            let code = self.coder.dicts.agents[g].code.clone();
            let (a0, a1) = (i, matched.iter().copied().max().unwrap_or(i) + 1);
            let mut is_former = i > 0 && former(i - 1);
            let mut host = None;
            for (k, u) in self.units.iter().enumerate() {
                let (u0, u1) = span(u);
                if u1 == a0 || (u1 + 1 == a0 && former(u1)) {
                    host = Some(k);
                    is_former |= u0 > 0 && former(u0 - 1);
                    break;
                }
            }
            if host.is_none() {
                for (k, u) in self.units.iter().enumerate() {
                    let (u0, _) = span(u);
                    let prep = self
                        .toks
                        .get(a1)
                        .is_some_and(|t| t.text == "OF" || t.text == "IN");
                    if u0 == a1 || (u0 == a1 + 1 && (prep || former(a1))) {
                        host = Some(k);
                        is_former |= u0 > 0 && former(u0 - 1);
                        break;
                    }
                }
            }
            match host {
                Some(k) => {
                    let u = &mut self.units[k];
                    for c in &mut u.codes {
                        *c = with_agent(c, &code, is_former);
                    }
                    u.toks.extend(matched);
                }
                None if self.coder.options.convert_agents => {
                    self.kind[i] = Kind::Actor;
                    self.units.push(Unit {
                        toks: matched,
                        codes: vec![code.clone()],
                        bare: code,
                        cancelled: false,
                    });
                }
                None => {}
            }
        }
        self.units
            .sort_by_key(|u| *u.toks.iter().min().unwrap_or(&0));
        self.unit_of = vec![None; n];
        for (k, u) in self.units.iter().enumerate() {
            for &t in &u.toks {
                self.unit_of[t] = Some(k);
            }
        }
        self.compound_of = vec![None; self.units.len()];
    }

    fn unit_span(&self, k: usize) -> (usize, usize) {
        let t = &self.units[k].toks;
        (
            *t.iter().min().unwrap_or(&0),
            *t.iter().max().unwrap_or(&0) + 1,
        )
    }

    /// Compound actor lists over the words at `seq`: noun phrases (determiners and adjectives,
    /// then an actor; more actors after adjectives or a possessive) joined by commas and a
    /// conjunction (`A, B and C`, `A and B, and C and D`).
    fn compounds_in(&mut self, seq: &[usize]) {
        let n = seq.len();
        let filler = |k: Kind| matches!(k, Kind::Determiner | Kind::Adjective);
        let np = |s: &Self, mut q: usize| -> Option<(Vec<usize>, usize)> {
            let mut units: Vec<usize> = Vec::new();
            let mut end = q;
            loop {
                let from = q;
                while q < n && filler(s.kind[seq[q]]) {
                    q += 1;
                }
                let Some(u) = seq.get(q).and_then(|&t| s.unit_of[t]) else {
                    break;
                };
                let (u0, u1) = s.unit_span(u);
                let joined = units.last().is_none_or(|&prev| {
                    q > from || s.toks[s.unit_span(prev).1 - 1].text.ends_with("'S")
                });
                if u0 != seq[q]
                    || units.contains(&u)
                    || !joined
                    || s.units[u].cancelled
                    || s.compound_of[u].is_some()
                {
                    break;
                }
                units.push(u);
                // The position in `seq` after the unit's last word.
                let after = seq.partition_point(|&t| t < u1);
                if u1 - u0 > s.units[u].toks.len() {
                    // A phrase whose words lie far apart ends the list.
                    return Some((units, after));
                }
                q = after;
                end = after;
            }
            (!units.is_empty()).then_some((units, end))
        };
        let mut p = 0;
        while p < n {
            let Some((first, mut end)) = np(self, p) else {
                p += 1;
                continue;
            };
            let mut members = first;
            let mut seps: Vec<usize> = Vec::new();
            let mut closed = false;
            loop {
                let mut q = end;
                let mut sep = Vec::new();
                let mut conj = false;
                while q < n
                    && (self.kind[seq[q]] == Kind::Comma
                        || matches!(self.toks[seq[q]].text.as_str(), "AND" | "NOR"))
                {
                    conj |= self.kind[seq[q]] == Kind::Conj;
                    sep.push(seq[q]);
                    q += 1;
                }
                if sep.is_empty() || (closed && !conj) {
                    break;
                }
                let Some((more, e)) = np(self, q) else {
                    break;
                };
                // After the list is closed, only a further `X and Y` pair joins it.
                let comma = sep.iter().any(|&t| self.kind[t] == Kind::Comma);
                if closed && comma {
                    let pair = seq.get(e).is_some_and(|&t| self.toks[t].text == "AND")
                        && np(self, e + 1).is_some();
                    if !pair {
                        break;
                    }
                }
                members.extend(more);
                seps.extend(sep);
                end = e;
                closed |= conj;
            }
            if closed && members.len() > 1 {
                let c = self.compounds.len();
                for &m in &members {
                    self.compound_of[m] = Some(c);
                }
                for &q in &seps {
                    self.bound[q] = true;
                }
                self.compounds.push(members);
            }
            p = end.max(p + 1);
        }
    }

    /// Parsed compound actors (`A, B and C`, each optionally after determiners and adjectives)
    /// and compound nouns and adjectives, whose conjunctions do not split clauses.
    fn find_compounds(&mut self) {
        let all: Vec<usize> = (0..self.toks.len()).collect();
        self.compounds_in(&all);
        let n = self.toks.len();
        // <noun> <conj> <adjective>* <noun> and <adjective> <conj> <adjective>.
        for i in 1..n.saturating_sub(1) {
            if self.kind[i] != Kind::Conj || self.bound[i] {
                continue;
            }
            let before = self.kind[i - 1];
            let mut q = i + 1;
            if before == Kind::Adjective && self.kind[q] == Kind::Adjective {
                self.bound[i] = true;
                continue;
            }
            while q < n && self.kind[q] == Kind::Adjective {
                q += 1;
            }
            if before == Kind::Noun && q < n && self.kind[q] == Kind::Noun {
                self.bound[i] = true;
            }
        }
    }

    /// HE/SHE/IT/HIM: the first actor; ITS/HIS/HER: the first actor before the pronoun;
    /// THEY/THEM/THEIR: the first compound, else the first actor. With forwarding, a pronoun
    /// before every actor takes the previous sentence's first actor.
    fn resolve_pronouns(&mut self, forwarded: Option<&[String]>) {
        let first_unit = (0..self.units.len())
            .filter(|&k| !self.units[k].cancelled)
            .min_by_key(|&k| self.unit_span(k).0);
        let first_compound = self
            .compounds
            .iter()
            .position(|c| c.iter().all(|&k| !self.units[k].cancelled));
        let first_start = first_unit.map_or(usize::MAX, |k| self.unit_span(k).0);
        for i in 0..self.toks.len() {
            if self.kind[i] != Kind::Pronoun {
                continue;
            }
            if let Some(first) = forwarded
                .filter(|_| i < first_start)
                .and_then(<[String]>::first)
            {
                let codes = forwarded.unwrap_or_default().to_vec();
                self.pron[i] = Some((Who::Codes(codes), first.clone()));
                continue;
            }
            let unit = |k: usize| {
                let who = Who::Unit(k);
                (who, self.units[k].bare.clone())
            };
            self.pron[i] = match self.toks[i].text.as_str() {
                "HE" | "SHE" | "IT" | "HIM" => first_unit.map(unit),
                "ITS" | "HIS" | "HER" => first_unit.filter(|&k| self.unit_span(k).0 < i).map(unit),
                _ => match first_compound {
                    Some(c) => Some((
                        Who::Compound(c),
                        self.units[self.compounds[c][0]].bare.clone(),
                    )),
                    None => first_unit.map(unit),
                },
            };
        }
    }

    /// Drops comma-delimited clauses whose length is within the `COMMA:` limits; an actor or
    /// verb with a word inside a dropped clause is cancelled. Commas are not words afterwards.
    fn drop_comma_clauses(&mut self) {
        let n = self.toks.len();
        let mut dropped = vec![false; n];
        let c = self.coder.options.commas;
        let commas: Vec<usize> = (0..n)
            .filter(|&i| self.kind[i] == Kind::Comma && !self.bound[i])
            .collect();
        if !c.off && !commas.is_empty() {
            let mut mark = |a: usize, b: usize, min: usize, max: usize| {
                let len = b.saturating_sub(a);
                let hit = len > min && len <= max;
                if hit {
                    for d in dropped.iter_mut().take(b).skip(a) {
                        *d = true;
                    }
                }
                hit
            };
            // The opening clause; a dropped clause uses up the comma that ends it, so the
            // next clause is counted from the comma after.
            let mut k = usize::from(mark(0, commas[0], c.bmin, c.bmax));
            while k < commas.len() {
                let a = commas[k] + 1;
                match commas.get(k + 1) {
                    Some(&b) => k += if mark(a, b, c.min, c.max) { 2 } else { 1 },
                    None => {
                        mark(a, n, c.emin, c.emax);
                        k += 1;
                    }
                }
            }
        }
        for u in &mut self.units {
            if u.toks.iter().any(|&t| dropped[t]) {
                u.cancelled = true;
            }
        }
        for i in 0..n {
            if let Some((_, matched)) = &self.item[i] {
                if matched.iter().any(|&t| dropped[t]) {
                    dropped[i] = true;
                }
            }
        }
        self.active = (0..n)
            .filter(|&i| !dropped[i] && !matches!(self.kind[i], Kind::Comma | Kind::Quote))
            .collect();
    }

    fn active_pos(&self, tok: usize) -> Option<usize> {
        self.active.binary_search(&tok).ok()
    }

    /// Actors and resolved pronouns still in play, in order.
    fn build_acts(&mut self) {
        let mut acts = Vec::new();
        for (k, u) in self.units.iter().enumerate() {
            if u.cancelled {
                continue;
            }
            let pos: Vec<usize> = u.toks.iter().filter_map(|&t| self.active_pos(t)).collect();
            let (Some(&start), Some(&last)) = (pos.iter().min(), pos.iter().max()) else {
                continue;
            };
            let who = match self.compound_of[k] {
                Some(c) => Who::Compound(c),
                None => Who::Unit(k),
            };
            acts.push(Act {
                start,
                end: last + 1,
                who,
                unit: Some(k),
                check: u.codes[0].clone(),
                pronoun: false,
            });
        }
        for (i, p) in self.pron.iter().enumerate() {
            let (Some((who, check)), Some(at)) = (p, self.active_pos(i)) else {
                continue;
            };
            let who = match who {
                Who::Unit(k) if self.units[*k].cancelled => continue,
                Who::Unit(k) => match self.compound_of[*k] {
                    Some(c) if self.toks[i].text.starts_with("TH") => Who::Compound(c),
                    _ => Who::Unit(*k),
                },
                w => w.clone(),
            };
            acts.push(Act {
                start: at,
                end: at + 1,
                who,
                unit: None,
                check: check.clone(),
                pronoun: true,
            });
        }
        acts.sort_by_key(|a| a.start);
        self.acts = acts;
    }

    fn is_active_verb(&self, i: usize) -> bool {
        self.kind[i] == Kind::Verb && self.active_pos(i).is_some()
    }

    /// The `COMPLEX:` counts.
    fn complexity(&self) -> Option<String> {
        let c = &self.coder.options.complex;
        let verbs = self
            .active
            .iter()
            .filter(|&&i| self.is_active_verb(i))
            .count();
        let conj = (0..self.toks.len())
            .filter(|&i| self.kind[i] == Kind::Conj && !self.bound[i])
            .count();
        let actors = self.acts.iter().filter(|a| !a.pronoun).count();
        let pronouns = self.acts.iter().filter(|a| a.pronoun).count();
        if c.verbs > 0 && verbs >= c.verbs {
            return Some(format!("{verbs} verbs"));
        }
        if c.conj > 0 && conj >= c.conj {
            return Some(format!("{conj} conjunctions"));
        }
        if c.actors > 0 && actors >= c.actors {
            return Some(format!("{actors} actors"));
        }
        if c.pronouns > 0 && pronouns >= c.pronouns {
            return Some(format!("{pronouns} pronouns"));
        }
        if c.no_verb && verbs == 0 {
            return Some("no verb".into());
        }
        None
    }

    /// Active-word ranges of the clauses (conjunctions outside compounds split them).
    fn clauses(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut lo = 0;
        for (k, &i) in self.active.iter().enumerate() {
            if self.kind[i] == Kind::Conj && !self.bound[i] {
                out.push((lo, k));
                lo = k + 1;
            }
        }
        out.push((lo, self.active.len()));
        out
    }

    fn word(&self, p: usize) -> &str {
        &self.toks[self.active[p]].text
    }

    fn codes(&self, who: &Who) -> Vec<(String, Option<Range<usize>>)> {
        let unit = |k: usize| -> Vec<(String, Option<Range<usize>>)> {
            let u = &self.units[k];
            let (a, b) = self.unit_span(k);
            let range = self.toks[a].range.start..self.toks[b - 1].range.end;
            u.codes
                .iter()
                .map(|c| (c.clone(), Some(range.clone())))
                .collect()
        };
        let mut out: Vec<(String, Option<Range<usize>>)> = match who {
            Who::Unit(k) => unit(*k),
            Who::Compound(c) => self.compounds[*c].iter().flat_map(|&k| unit(k)).collect(),
            Who::Codes(v) => v.iter().map(|c| (c.clone(), None)).collect(),
        };
        let mut seen = Vec::new();
        out.retain(|(c, _)| {
            let new = !seen.contains(c);
            seen.push(c.clone());
            new
        });
        out
    }

    fn is_compound(&self, who: &Who) -> bool {
        match who {
            Who::Compound(_) => true,
            Who::Unit(k) => self.units[*k].codes.len() > 1,
            Who::Codes(v) => v.len() > 1,
        }
    }

    fn first_code(&self, who: &Who) -> String {
        self.codes(who)
            .first()
            .map(|c| c.0.clone())
            .unwrap_or_default()
    }

    fn code_clauses(&mut self, date: &str) -> TabariCoding {
        let mode = self.coder.options.code_by;
        let clauses = self.clauses();
        let mut carried: Option<Who> = None;
        let mut chosen: Vec<Found> = Vec::new();
        let mut subordinate: Vec<Found> = Vec::new();
        let mut checked_prior = false;
        let mut sentence_done = false;
        for &(lo, hi) in &clauses {
            let mut clause_event = false;
            let mut clause_sub: Option<Found> = None;
            let mut clause_source: Option<Who> = None;
            for p in lo..hi {
                let i = self.active[p];
                if !self.is_active_verb(i) {
                    continue;
                }
                let reached = !(sentence_done || clause_event && mode != CodeBy::All);
                let outcome = self.code_verb(i, p, lo, hi, carried.clone(), date);
                let Some(outcome) = outcome else { continue };
                let found = match outcome {
                    Outcome::Discard if reached => return TabariCoding::Discarded,
                    Outcome::Complex if reached => {
                        return TabariCoding::Complex("complex code in a verb pattern".into())
                    }
                    Outcome::Discard | Outcome::Complex => continue,
                    Outcome::Coded(f) => f,
                };
                if !checked_prior && reached {
                    checked_prior = true;
                    if self.coder.options.complex.no_actor_prior
                        && !self.acts.iter().any(|a| a.start < p)
                    {
                        return TabariCoding::Complex("no actor before the verb".into());
                    }
                }
                if found.events.is_empty() {
                    continue;
                }
                if !reached && !found.dominant {
                    continue;
                }
                if found.subordinate && !found.dominant {
                    if clause_sub.is_none() {
                        clause_source = clause_source.or(found.source.clone());
                        clause_sub = Some(found);
                    }
                    continue;
                }
                if reached {
                    clause_source = found.source.clone();
                    clause_event = true;
                    if mode == CodeBy::Sentence {
                        sentence_done = true;
                    }
                }
                chosen.push(found);
            }
            if let Some(s) = clause_sub {
                subordinate.push(s);
            }
            carried = clause_source;
        }
        // With no verb at all, "no actor before the first verb" means no actor anywhere.
        if !checked_prior
            && self.coder.options.complex.no_actor_prior
            && self.acts.is_empty()
            && !self.active.iter().any(|&i| self.is_active_verb(i))
        {
            return TabariCoding::Complex("no verb and no actor".into());
        }
        let events: Vec<TabariEvent> = if chosen.iter().any(|f| f.dominant) {
            chosen
                .into_iter()
                .filter(|f| f.dominant)
                .flat_map(|f| f.events)
                .collect()
        } else if !chosen.is_empty() {
            chosen.into_iter().flat_map(|f| f.events).collect()
        } else if mode == CodeBy::Clause {
            subordinate.into_iter().flat_map(|f| f.events).collect()
        } else {
            subordinate
                .into_iter()
                .take(1)
                .flat_map(|f| f.events)
                .collect()
        };
        let mut unique: Vec<TabariEvent> = Vec::new();
        for e in events {
            if !unique
                .iter()
                .any(|u| u.source == e.source && u.target == e.target && u.code == e.code)
            {
                unique.push(e);
            }
        }
        TabariCoding::Events(unique)
    }

    /// The best pattern of the verb at token `i` (active position `p`) in clause `lo..hi`.
    fn best_pattern(
        &self,
        patterns: &[Pattern],
        p: usize,
        vend: usize,
        lo: usize,
        hi: usize,
    ) -> Option<(usize, Assign)> {
        let mut best: Option<(usize, usize, Assign)> = None;
        for (k, pat) in patterns.iter().enumerate() {
            if best.as_ref().is_some_and(|b| b.0 >= pat.len) {
                continue;
            }
            let mut asg = Assign::default();
            if self.match_pre(&pat.pre, p, lo, &mut asg)
                && self.match_post(&pat.post, 0, vend, pat.verb_glued, hi, &mut asg)
            {
                best = Some((pat.len, k, asg));
            }
        }
        best.map(|(_, k, a)| (k, a))
    }

    #[allow(clippy::too_many_arguments)]
    fn code_verb(
        &self,
        i: usize,
        p: usize,
        lo: usize,
        hi: usize,
        carried: Option<Who>,
        date: &str,
    ) -> Option<Outcome> {
        let (entry, matched) = self.item[i].as_ref()?;
        let EntryKind::Verb(v) = self.coder.entries[*entry].kind else {
            return None;
        };
        let root = &self.coder.verbs[v];
        let vend = matched
            .iter()
            .filter_map(|&t| self.active_pos(t))
            .max()
            .unwrap_or(p)
            + 1;
        let best = self.best_pattern(&root.patterns, p, vend, lo, hi);
        let (code, asg) = match &best {
            Some((k, a)) => (root.patterns[*k].code.as_str(), a.clone()),
            None => (root.code.as_str(), Assign::default()),
        };
        if code.starts_with("###") {
            return Some(Outcome::Discard);
        }
        if code.starts_with("+++") {
            return Some(Outcome::Complex);
        }
        if is_null(code) {
            return None;
        }
        let subordinate = code.contains('?');
        let dominant = code.contains('!') && self.coder.options.code_by == CodeBy::All;
        let code: String = code.chars().filter(|c| *c != '?' && *c != '!').collect();
        let (c1, c2) = match code.split_once(':') {
            Some((a, b)) => (a.to_string(), Some(b.to_string())),
            None => (code.clone(), None),
        };
        let who_of = |k: usize| self.acts[k].who.clone();
        let mut excluded: Vec<usize> = asg.skipped.clone();
        excluded.extend(asg.source);
        excluded.extend(asg.target);
        let mut source = asg.source.map(who_of);
        let mut target = asg.target.map(who_of);
        let mut source_act = asg.source;
        if let Some(c) = asg.compound {
            source = Some(who_of(c));
            target = Some(who_of(c));
            source_act = Some(c);
        }
        let set_by_pattern = source.is_some() || target.is_some();
        let defaults = &self.coder.options.defaults;
        if source.is_none() {
            let avoid = target.as_ref().map(|t| self.first_code(t));
            let ok = |a: &Act| {
                !excluded.contains(&self.act_index(a))
                    && avoid.as_ref().is_none_or(|c| *c != a.check)
            };
            let before = self
                .acts
                .iter()
                .find(|a| a.start >= lo && a.start < p && ok(a));
            let any_before = self.acts.iter().any(|a| a.start < p);
            if let Some(a) = before {
                source_act = Some(self.act_index(a));
                source = Some(a.who.clone());
            } else if let Some(c) = carried {
                source = Some(c);
            } else if let Some((code, true)) = &defaults.source {
                if !any_before {
                    source = Some(Who::Codes(vec![code.clone()]));
                }
            }
            if source.is_none() {
                if let Some(a) = self
                    .acts
                    .iter()
                    .find(|a| a.start >= vend && a.start < hi && ok(a))
                {
                    source_act = Some(self.act_index(a));
                    source = Some(a.who.clone());
                }
            }
            if source.is_none() {
                if let Some((code, _)) = &defaults.source {
                    source = Some(Who::Codes(vec![code.clone()]));
                }
            }
        }
        let nothing = Some(Outcome::Coded(Found {
            events: Vec::new(),
            subordinate,
            dominant,
            source: None,
        }));
        let Some(source) = source else {
            return nothing;
        };
        if target.is_none() {
            target = self.find_target(&source, source_act, &excluded, lo, p, vend, hi);
        }
        let mut target = match target {
            Some(t) => t,
            None if self.is_compound(&source) => source.clone(),
            None => match &defaults.target {
                Some((code, _)) => Who::Codes(vec![code.clone()]),
                None => return nothing,
            },
        };
        let mut source = source;
        if !set_by_pattern && self.passive(p, vend) {
            std::mem::swap(&mut source, &mut target);
        }
        let verb_span = {
            let (a, b) = (
                self.toks[i].range.start,
                matched
                    .iter()
                    .map(|&t| self.toks[t].range.end)
                    .max()
                    .unwrap_or(0),
            );
            Some(a..b.max(a))
        };
        let mut events = Vec::new();
        let src = self.codes(&source);
        let tgt = self.codes(&target);
        for (s, sr) in &src {
            for (t, tr) in &tgt {
                if s == t {
                    continue;
                }
                let ev = |src: &str,
                          sr: &Option<Range<usize>>,
                          tgt: &str,
                          tr: &Option<Range<usize>>,
                          code: &str| TabariEvent {
                    source: src.to_string(),
                    target: tgt.to_string(),
                    code: code.to_string(),
                    date: date.to_string(),
                    source_span: sr.clone(),
                    target_span: tr.clone(),
                    verb_span: verb_span.clone(),
                };
                if !c1.is_empty() {
                    events.push(ev(s, sr, t, tr, &c1));
                }
                if let Some(c2) = &c2 {
                    events.push(ev(t, tr, s, sr, c2));
                }
            }
        }
        Some(Outcome::Coded(Found {
            events,
            subordinate,
            dominant,
            source: Some(source),
        }))
    }

    fn act_index(&self, a: &Act) -> usize {
        self.acts
            .iter()
            .position(|b| std::ptr::eq(a, b))
            .unwrap_or(usize::MAX)
    }

    /// The first actor after the verb in the clause with a code distinct from the source's,
    /// else a default `AFTER` target, else the first such actor before the verb in the clause
    /// (members of a compound source last).
    #[allow(clippy::too_many_arguments)]
    fn find_target(
        &self,
        source: &Who,
        source_act: Option<usize>,
        excluded: &[usize],
        lo: usize,
        p: usize,
        vend: usize,
        hi: usize,
    ) -> Option<Who> {
        let src = self.first_code(source);
        let candidate = |k: usize, members: bool| -> Option<Who> {
            let a = &self.acts[k];
            if Some(k) == source_act || excluded.contains(&k) {
                return None;
            }
            if a.pronoun {
                return (a.check != src).then(|| a.who.clone());
            }
            let unit = a.unit?;
            match &a.who {
                Who::Compound(_) if a.who == *source => {
                    let own = Who::Unit(unit);
                    (members && self.first_code(&own) != src).then_some(own)
                }
                Who::Compound(c) => {
                    // A compound is looked at once, from its first member.
                    let first = self.compounds[*c][0];
                    (first == unit && self.first_code(&a.who) != src).then(|| a.who.clone())
                }
                w => (self.first_code(w) != src).then(|| w.clone()),
            }
        };
        let after = |members: bool| {
            (0..self.acts.len())
                .filter(|&k| self.acts[k].start >= vend && self.acts[k].start < hi)
                .find_map(|k| candidate(k, members))
        };
        if let Some(t) = after(false).or_else(|| after(true)) {
            return Some(t);
        }
        if let Some((code, true)) = &self.coder.options.defaults.target {
            return Some(Who::Codes(vec![code.clone()]));
        }
        let before = |members: bool| {
            (0..self.acts.len())
                .filter(|&k| self.acts[k].start < p && self.acts[k].end > lo)
                .find_map(|k| candidate(k, members))
        };
        before(false).or_else(|| before(true))
    }

    /// WAS/WERE/BEEN one or two words before the verb and BY one or two words after it.
    fn passive(&self, p: usize, vend: usize) -> bool {
        let aux = (p.saturating_sub(2)..p).any(|k| self.kind[self.active[k]] == Kind::Auxiliary);
        let by = (vend..(vend + 2).min(self.active.len()))
            .any(|k| self.kind[self.active[k]] == Kind::By);
        aux && by
    }

    /// Matches the elements before the verb right to left, starting from active position
    /// `pos`, nearest candidates first, with backtracking.
    fn match_pre(&self, elems: &[(Elem, bool)], pos: usize, lo: usize, asg: &mut Assign) -> bool {
        let Some(((e, glued), rest)) = elems.split_last() else {
            return true;
        };
        match e {
            Elem::Word(w, _) => {
                for j in (lo..pos).rev() {
                    if *glued && j + 1 != pos {
                        break;
                    }
                    if w.matches(self.word(j)) && self.match_pre(rest, j, lo, asg) {
                        return true;
                    }
                }
                false
            }
            Elem::Verb => false,
            _ => {
                let mut order: Vec<usize> = (0..self.acts.len())
                    .filter(|&k| self.acts[k].start >= lo && self.acts[k].end <= pos)
                    .collect();
                order.sort_by_key(|&k| std::cmp::Reverse(self.acts[k].end));
                for k in order {
                    if *glued && self.acts[k].end != pos {
                        continue;
                    }
                    if !self.assign(e, k, asg) {
                        continue;
                    }
                    let saved = asg.clone();
                    if self.match_pre(rest, self.acts[k].start, lo, asg) {
                        return true;
                    }
                    *asg = saved;
                    self.unassign(e, asg);
                }
                false
            }
        }
    }

    /// Matches the elements after the verb left to right from active position `pos`.
    fn match_post(
        &self,
        elems: &[(Elem, bool)],
        idx: usize,
        pos: usize,
        glued: bool,
        hi: usize,
        asg: &mut Assign,
    ) -> bool {
        let Some((e, next_glued)) = elems.get(idx) else {
            return true;
        };
        match e {
            Elem::Word(w, _) => {
                for j in pos..hi {
                    if glued && j != pos {
                        break;
                    }
                    if w.matches(self.word(j))
                        && self.match_post(elems, idx + 1, j + 1, *next_glued, hi, asg)
                    {
                        return true;
                    }
                }
                false
            }
            Elem::Verb => false,
            _ => {
                for k in 0..self.acts.len() {
                    let a = &self.acts[k];
                    if a.start < pos || a.end > hi || (glued && a.start != pos) {
                        continue;
                    }
                    if !self.assign(e, k, asg) {
                        continue;
                    }
                    let saved = asg.clone();
                    if self.match_post(elems, idx + 1, a.end, *next_glued, hi, asg) {
                        return true;
                    }
                    *asg = saved;
                    self.unassign(e, asg);
                }
                false
            }
        }
    }

    fn assign(&self, e: &Elem, k: usize, asg: &mut Assign) -> bool {
        match e {
            Elem::Source => asg.source = Some(k),
            Elem::Target => asg.target = Some(k),
            Elem::Compound => {
                if !self.is_compound(&self.acts[k].who) {
                    return false;
                }
                asg.compound = Some(k);
            }
            Elem::Skip | Elem::Attrib => asg.skipped.push(k),
            Elem::Word(..) | Elem::Verb => return false,
        }
        true
    }

    fn unassign(&self, e: &Elem, asg: &mut Assign) {
        match e {
            Elem::Source => asg.source = None,
            Elem::Target => asg.target = None,
            Elem::Compound => asg.compound = None,
            Elem::Skip | Elem::Attrib => {
                asg.skipped.pop();
            }
            _ => {}
        }
    }
}

/// Actors a pattern assigned (indices into the sentence's actors).
#[derive(Debug, Clone, Default)]
struct Assign {
    source: Option<usize>,
    target: Option<usize>,
    compound: Option<usize>,
    skipped: Vec<usize>,
}

enum Outcome {
    Discard,
    Complex,
    Coded(Found),
}

fn is_null(code: &str) -> bool {
    code.chars().all(|c| c == '-' || c.is_whitespace())
}

/// An actor code with an agent code glued on (`~GOV` after, `NGO~` before), unless the
/// agent's code is already part of it on a 3-character boundary; `FORMER` makes it `ELI`.
fn with_agent(code: &str, agent: &str, former: bool) -> String {
    let suffix = agent.starts_with('~');
    let mut part: String = agent.trim_matches('~').to_string();
    if former {
        part = "ELI".into();
    }
    let aligned = (0..code.len())
        .step_by(3)
        .any(|k| code.get(k..k + part.len()) == Some(part.as_str()));
    if part.is_empty() || aligned {
        return code.to_string();
    }
    if suffix {
        format!("{code}{part}")
    } else {
        format!("{part}{code}")
    }
}

/// Whether literal elements follow from `pos` (time-phrase patterns: words only).
fn literal_forward(words: &[&str], elems: &[(Elem, bool)], pos: usize, glued: bool) -> bool {
    let Some(((e, g), rest)) = elems.split_first() else {
        return true;
    };
    let Elem::Word(w, _) = e else {
        return false;
    };
    (pos..words.len())
        .take_while(|&j| !glued || j == pos)
        .any(|j| w.matches(words[j]) && literal_forward(words, rest, j + 1, *g))
}

#[cfg(test)]
mod tests {
    use super::shift_date;

    #[test]
    fn a_time_shift_beyond_the_calendar_keeps_the_date() {
        assert_eq!(shift_date(19950101, -1), 19941231);
        // Found by the tabari_files fuzz target: a time phrase coded with a huge day count.
        assert_eq!(shift_date(19950101, 999_999_999_999_999), 19950101);
        assert_eq!(shift_date(19950101, i64::MIN), 19950101);
    }
}
