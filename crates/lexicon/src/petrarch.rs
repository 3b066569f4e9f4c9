//! PETRARCH / PETRARCH2 dictionaries (verbs, actors, agents, discards, issues, `PETR_config.ini`)
//! read into [`Dictionaries`], the peer-neutral form that TABARI's loader ([`crate::tabari`]) fills
//! too. [`LexiconBuilder::add_dictionaries`](crate::LexiconBuilder::add_dictionaries) compiles them
//! into the same matchers as eventwire's own lexicon.
//!
//! Formats (see `../shared/design/peer-formats.md`): `#` comments, `<!-- … -->` blocks, `_` joins
//! the words of a phrase. Verb files hold `&SYNSET` lists of `+member` lines, `--- NAME [code] ---`
//! blocks, verb lines (`+` marks the inflected word, `{…}` irregular forms, optional `[code]`),
//! pattern lines `- pre-verb words * post-verb words [code]` with `$` (source), `+` (target),
//! `{…}` noun phrases, `(…)` prepositional phrases and `[code:code]` paired codes, and `~`
//! transformation lines. Actor files hold `PHRASE [CODE date]…` lines, `+SYNONYM` lines and
//! tab-indented `[CODE date]` lines; agent files `PHRASE {PLURAL} [~CODE]` and `!SET! = A, B`.

use crate::actors::{ActorBuilder, ActorEntry, ActorKind, Spell};
use crate::codes::CodeTable;
use crate::events::{EventBuilder, EventPattern, Join, PatternKind};
use crate::line::LexiconError;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// An actor code valid over `[from, to]` (YYYYMMDD, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedCode {
    /// The actor code as the dictionary writes it (`USAGOV`, `IGOUNO`); `---` means no actor.
    pub code: String,
    /// First day.
    pub from: u32,
    /// Last day.
    pub to: u32,
}

/// One actor: its phrases and its codes (date-restricted ones first, in file order; the
/// unrestricted default last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerActor {
    /// `file:line` of the primary phrase.
    pub source: String,
    /// Phrases, words separated by spaces, as written (upper case).
    pub phrases: Vec<String>,
    /// Codes in the order they are tried.
    pub codes: Vec<DatedCode>,
}

/// An agent (sector) phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAgent {
    /// `file:line`.
    pub source: String,
    /// Phrases (singular and plural forms), words separated by spaces.
    pub phrases: Vec<String>,
    /// The agent code without `~`.
    pub code: String,
    /// `CODE~`: the code goes before the actor's code.
    pub prefix: bool,
}

/// One element of a peer pattern slot: alternatives, each a word sequence.
pub type PeerSlot = Vec<Vec<String>>;

/// One verb pattern, flattened into word slots (trigger first).
#[derive(Debug, Clone, PartialEq)]
pub struct PeerPattern {
    /// `file:line` (also the compiled pattern's id).
    pub id: String,
    /// The event code (`---` = no event).
    pub code: String,
    /// The paired code of `[a:b]`: target→source event.
    pub reverse: Option<String>,
    /// The source stands after the verb or the target before it (`+ * $`): swap the roles.
    pub swap: bool,
    /// Slots: alternatives and how the slot joins the previous one (adjacent, anywhere after
    /// it, or inside the same `(…)`/`{…}` phrase). `+` alone marks the target's place.
    pub slots: Vec<(PeerSlot, Join)>,
    /// The line as written.
    pub text: String,
}

/// A PETRARCH2 transformation `~ a (b c INNER) OUTER = d e CODE`: when a verb coded like
/// `INNER`, with source `b` and target `c`, stands under a verb coded like `OUTER` whose source
/// is `a`, the pair becomes one event `d e CODE`. Role letters bind actors; `_` is an absent
/// actor, `.` any; `Q` (as inner verb and code) stands for the inner verb's own code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transformation {
    /// The outer verb's source letter.
    pub outer_source: String,
    /// The inner verb's source letter (`_` absent).
    pub inner_source: String,
    /// The inner verb's target letter (`.` any).
    pub inner_target: String,
    /// The inner verb (upper case) or `Q`.
    pub inner_verb: String,
    /// The outer verb (upper case).
    pub outer_verb: String,
    /// The result's source letter.
    pub source: String,
    /// The result's target letter.
    pub target: String,
    /// The result's code, or `Q`.
    pub code: String,
}

impl Transformation {
    /// Parses a rule without its leading `~`.
    fn parse(rule: &str) -> Result<Self, String> {
        let shape = "transformation needs the form ~ a (b c INNER) OUTER = d e CODE";
        let (lhs, rhs) = rule.split_once('=').ok_or(shape)?;
        let open = lhs.find('(').ok_or(shape)?;
        let close = lhs.find(')').filter(|&c| c > open).ok_or(shape)?;
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let (before, inner, after, result) = (
            words(&lhs[..open]),
            words(&lhs[open + 1..close]),
            words(&lhs[close + 1..]),
            words(rhs),
        );
        match (&before[..], &inner[..], &after[..], &result[..]) {
            ([a], [b, c, v], [o], [d, e, code]) => Ok(Transformation {
                outer_source: a.clone(),
                inner_source: b.clone(),
                inner_target: c.clone(),
                inner_verb: v.clone(),
                outer_verb: o.clone(),
                source: d.clone(),
                target: e.clone(),
                code: code.clone(),
            }),
            _ => Err(shape.into()),
        }
    }
}

/// A discard phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discard {
    /// Lower-case words.
    pub words: Vec<String>,
    /// `+`: discard the whole story.
    pub story: bool,
    /// A trailing `_`: the phrase must end a word.
    pub whole_word: bool,
}

/// What a discard decided for a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscardKind {
    /// Drop the sentence.
    Sentence,
    /// Drop the whole story.
    Story,
}

/// Peer dictionaries read into one neutral form.
#[derive(Debug, Clone, Default)]
pub struct Dictionaries {
    /// Actors.
    pub actors: Vec<PeerActor>,
    /// Agents.
    pub agents: Vec<PeerAgent>,
    /// Verb patterns (including one bare-verb pattern per verb).
    pub patterns: Vec<PeerPattern>,
    /// Discards.
    pub discards: Vec<Discard>,
    /// Synsets: name (with `&`) → members (words separated by spaces).
    pub synsets: HashMap<String, Vec<String>>,
    /// Verbs read.
    pub verbs: usize,
    /// The verbs' words and irregular forms, lower case.
    pub verb_words: Vec<String>,
    /// `~` transformation lines: how a verb nested under another recodes.
    pub transformations: Vec<Transformation>,
    /// Verb words and irregular forms (lower case) → their code (the block's when the line has
    /// none).
    pub verb_codes: HashMap<String, String>,
    /// Issue phrases read.
    pub issues: usize,
    /// Files read.
    pub files: Vec<String>,
    /// TABARI semantics: actor words without a trailing `_` match as prefixes ("ARGENTIN").
    pub stems: bool,
    /// PETRARCH2 semantics for discards: whole white-space tokens ("AGO," is not "AGO"), and a
    /// phrase must be followed by another token; otherwise PETRARCH-1's substring search.
    pub discard_tokens: bool,
    /// PETRARCH2 semantics (read from a `PETR_config.ini`): a `[a:b]` pattern codes `a` only
    /// (its recorded output never holds the paired reverse event).
    pub petrarch2: bool,
}

impl fmt::Display for Dictionaries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} file(s): {} actors ({} phrases), {} agents, {} verbs, {} patterns, {} synsets, {} transformations, {} discards, {} issues",
            self.files.len(),
            self.actors.len(),
            self.actors.iter().map(|a| a.phrases.len()).sum::<usize>(),
            self.agents.len(),
            self.verbs,
            self.patterns.len(),
            self.synsets.len(),
            self.transformations.len(),
            self.discards.len(),
            self.issues
        )
    }
}

fn err(file: &str, line: usize, reason: impl Into<String>) -> LexiconError {
    LexiconError {
        file: file.into(),
        line,
        reason: reason.into(),
    }
}

/// Content lines: (1-based number, raw line with comments cut), skipping `<!-- … -->` blocks and
/// blank lines. `comment` is the comment character (`#` for PETRARCH, `;` for TABARI).
pub(crate) fn content_lines(text: &str, comment: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let mut line = raw;
        if in_block {
            match line.find("-->") {
                Some(k) => {
                    in_block = false;
                    line = &line[k + 3..];
                }
                None => continue,
            }
        }
        if let Some(k) = line.find("<!--") {
            match line[k..].find("-->") {
                Some(e) => {
                    // A one-line comment: keep what stands before it.
                    line = &line[..k];
                    let _ = e;
                }
                None => {
                    in_block = true;
                    line = &line[..k];
                }
            }
        }
        // The comment starts at the first comment character outside a `[…]` code (`[###]`).
        let mut depth = 0i32;
        let cut = line.char_indices().find(|&(_, c)| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            c == comment && depth <= 0
        });
        let line = match cut {
            Some((k, _)) => &line[..k],
            None => line,
        };
        if line.trim().is_empty() || line.trim_start().starts_with("<!") {
            continue;
        }
        out.push((i + 1, line.trim_end()));
    }
    out
}

/// `YYYYMMDD` or `YYMMDD` (00–30 → 20YY) → YYYYMMDD.
pub fn peer_date(s: &str) -> Option<u32> {
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: u32 = s.parse().ok()?;
    let v = match s.len() {
        8 => v,
        6 => {
            let yy = v / 10_000;
            (if yy <= 30 { 2000 + yy } else { 1900 + yy }) * 10_000 + v % 10_000
        }
        _ => return None,
    };
    let (m, d) = (v / 100 % 100, v % 100);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(v)
}

/// `[CODE]`, `[CODE <d]`, `[CODE >d]`, `[CODE d1-d2]`; `inclusive` makes `d2` part of the
/// range, as PETRARCH-1 and its documentation have it (PETRARCH2's code stops the day before).
fn dated_code(inner: &str, inclusive: bool) -> Result<DatedCode, String> {
    let mut parts = inner.split_whitespace();
    let code = parts.next().ok_or("empty code block []")?.to_uppercase();
    let restriction: String = parts.collect();
    let (from, to) = if restriction.is_empty() {
        (0, 99_999_999)
    } else if let Some(d) = restriction.strip_prefix('<') {
        (
            0,
            peer_date(d)
                .ok_or_else(|| format!("bad date {d:?} in [{inner}] (YYYYMMDD or YYMMDD)"))?
                - 1,
        )
    } else if let Some(d) = restriction.strip_prefix('>') {
        (
            peer_date(d)
                .ok_or_else(|| format!("bad date {d:?} in [{inner}] (YYYYMMDD or YYMMDD)"))?,
            99_999_999,
        )
    } else if let Some((a, b)) = restriction.split_once('-') {
        let bad =
            || format!("bad date range {restriction:?} in [{inner}] (d1-d2, YYYYMMDD or YYMMDD)");
        (
            peer_date(a).ok_or_else(bad)?,
            peer_date(b).ok_or_else(bad)? - u32::from(!inclusive),
        )
    } else {
        return Err(format!(
            "bad date restriction {restriction:?} in [{inner}] (expected <d, >d or d1-d2)"
        ));
    };
    if code.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("[{inner}] starts with a date, not a code"));
    }
    Ok(DatedCode { code, from, to })
}

/// Splits `PHRASE [..] [..]` into the phrase and the bracket contents.
fn phrase_and_blocks(line: &str) -> Result<(&str, Vec<&str>), String> {
    let Some(k) = line.find('[') else {
        return Ok((line.trim(), Vec::new()));
    };
    let phrase = line[..k].trim();
    let mut blocks = Vec::new();
    let mut rest = &line[k..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let Some(body) = rest.strip_prefix('[') else {
            return Err(format!("unexpected text {rest:?} after a code block"));
        };
        let Some(end) = body.find(']') else {
            return Err("unclosed '[' (expected [CODE] or [CODE date])".into());
        };
        blocks.push(body[..end].trim());
        rest = &body[end + 1..];
    }
    Ok((phrase, blocks))
}

/// `AZERBAIJAN_`, `AL GORE`, `B._LYNN_PASCOE_` → "AZERBAIJAN", "AL GORE", "B. LYNN PASCOE".
fn phrase_words(p: &str) -> String {
    p.split(['_', ' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Dictionaries {
    /// Reads an actor file (PETRARCH or TABARI format).
    pub fn parse_actors(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        self.parse_actors_with(file, text, '#', errors)
    }

    pub(crate) fn parse_actors_with(
        &mut self,
        file: &str,
        text: &str,
        comment: char,
        errors: &mut Vec<LexiconError>,
    ) {
        self.files.push(file.to_string());
        let mut by_phrase: HashMap<String, usize> = self
            .actors
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.phrases.first().map(|p| (p.clone(), i)))
            .collect();
        let mut current: Option<usize> = None;
        for (n, line) in content_lines(text, comment) {
            let indented = line.starts_with([' ', '\t']);
            let line = line.trim();
            let (phrase, blocks) = match phrase_and_blocks(line) {
                Ok(x) => x,
                Err(e) => {
                    errors.push(err(file, n, e));
                    continue;
                }
            };
            let mut codes = Vec::new();
            let mut bad = false;
            for b in &blocks {
                match dated_code(b, !self.petrarch2) {
                    Ok(c) => codes.push(c),
                    Err(e) => {
                        errors.push(err(file, n, e));
                        bad = true;
                    }
                }
            }
            if bad {
                continue;
            }
            if phrase.is_empty() {
                // A tab-indented restriction line: more codes for the current actor.
                let Some(a) = current else {
                    errors.push(err(file, n, "code block with no actor phrase before it"));
                    continue;
                };
                if !indented && blocks.is_empty() {
                    continue;
                }
                self.actors[a].codes.extend(codes);
                continue;
            }
            if let Some(syn) = phrase.strip_prefix('+') {
                let Some(a) = current else {
                    errors.push(err(
                        file,
                        n,
                        format!("synonym {syn:?} with no primary phrase before it"),
                    ));
                    continue;
                };
                let words = phrase_words(syn);
                if words.is_empty() {
                    errors.push(err(file, n, "empty synonym '+'"));
                    continue;
                }
                self.actors[a].phrases.push(words);
                self.actors[a].codes.extend(codes);
                continue;
            }
            let words = phrase_words(phrase);
            if words.is_empty() || phrase.contains(['[', ']', '{', '}']) {
                errors.push(err(
                    file,
                    n,
                    format!("cannot read actor phrase {phrase:?} (expected PHRASE [CODE date]…)"),
                ));
                continue;
            }
            // A repeated primary phrase accumulates codes.
            if let Some(&a) = by_phrase.get(&words) {
                self.actors[a].codes.extend(codes);
                current = Some(a);
                continue;
            }
            by_phrase.insert(words.clone(), self.actors.len());
            current = Some(self.actors.len());
            self.actors.push(PeerActor {
                source: format!("{file}:{n}"),
                phrases: vec![words],
                codes,
            });
        }
    }

    /// Reads an agent file: `PHRASE {PLURAL} [~CODE]`, `!SET! = A, B`.
    pub fn parse_agents(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        self.parse_agents_with(file, text, '#', errors)
    }

    pub(crate) fn parse_agents_with(
        &mut self,
        file: &str,
        text: &str,
        comment: char,
        errors: &mut Vec<LexiconError>,
    ) {
        self.files.push(file.to_string());
        let mut sets: Vec<(String, Vec<String>)> = Vec::new();
        for (n, line) in content_lines(text, comment) {
            let line = line.trim();
            // `!SET! = A, B` defines a set; `!MINIST! OF_DEFENSE [~GOV]` is a phrase using one.
            if line.starts_with('!') && !line.contains('[') {
                let Some((name, members)) = line.split_once('=') else {
                    errors.push(err(file, n, "substitution set needs '=' (!NAME! = A, B)"));
                    continue;
                };
                sets.push((
                    name.trim().to_string(),
                    members
                        .split(',')
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty())
                        .collect(),
                ));
                continue;
            }
            let (head, blocks) = match phrase_and_blocks(line) {
                Ok(x) => x,
                Err(e) => {
                    errors.push(err(file, n, e));
                    continue;
                }
            };
            let Some(code) = blocks.first().map(|b| b.replace(' ', "")) else {
                errors.push(err(file, n, "agent line has no [~CODE] block"));
                continue;
            };
            let (code, prefix) = if let Some(c) = code.strip_prefix('~') {
                (c.to_string(), false)
            } else if let Some(c) = code.strip_suffix('~') {
                (c.to_string(), true)
            } else {
                errors.push(err(
                    file,
                    n,
                    format!("agent code [{code}] needs '~' before (suffix) or after (prefix) it"),
                ));
                continue;
            };
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                errors.push(err(file, n, format!("agent code {code:?} is not letters")));
                continue;
            }
            // `PHRASE {PLURAL}`: `{}` = no plural.
            let (phrase, plural) = match head.find('{') {
                Some(k) => {
                    let Some(e) = head[k..].find('}') else {
                        errors.push(err(file, n, "unclosed '{' in plural"));
                        continue;
                    };
                    (head[..k].trim(), Some(head[k + 1..k + e].trim()))
                }
                None => (head, None),
            };
            if phrase.is_empty() {
                errors.push(err(file, n, "agent line has no phrase"));
                continue;
            }
            let mut bases = vec![phrase.to_string()];
            let mut substituted = false;
            for (name, members) in &sets {
                if bases[0].contains(name.as_str()) {
                    bases = members
                        .iter()
                        .map(|m| phrase.replace(name.as_str(), m))
                        .collect();
                    substituted = true;
                    break;
                }
            }
            let mut phrases = Vec::new();
            for b in &bases {
                let w = phrase_words(b);
                phrases.push(w.clone());
                match plural {
                    Some("") => {}
                    Some(p) => phrases.push(phrase_words(p)),
                    None if substituted || b.contains('!') => {}
                    None => phrases.push(plural_of(&w)),
                }
            }
            phrases.dedup();
            self.agents.push(PeerAgent {
                source: format!("{file}:{n}"),
                phrases,
                code,
                prefix,
            });
        }
    }

    /// Reads a discard file: one phrase a line, `+` = whole story.
    pub fn parse_discards(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        self.parse_discards_with(file, text, '#', errors)
    }

    pub(crate) fn parse_discards_with(
        &mut self,
        file: &str,
        text: &str,
        comment: char,
        errors: &mut Vec<LexiconError>,
    ) {
        self.files.push(file.to_string());
        for (n, line) in content_lines(text, comment) {
            let line = line.trim();
            let (story, phrase) = match line.strip_prefix('+') {
                Some(p) => (true, p),
                None => (false, line),
            };
            let words: Vec<String> = phrase_words(phrase)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            if words.is_empty() {
                errors.push(err(file, n, "empty discard phrase"));
                continue;
            }
            self.discards.push(Discard {
                words,
                story,
                whole_word: phrase.trim_end().ends_with('_'),
            });
        }
    }

    /// Reads an issues file (counted only: issues are not coded).
    pub fn parse_issues(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        self.files.push(file.to_string());
        for (n, line) in content_lines(text, '#') {
            let line = line.trim();
            if line.starts_with('<') || line.starts_with('~') {
                continue;
            }
            if !line.contains('[') || !line.contains(']') {
                errors.push(err(file, n, "issue line needs a [CODE] block"));
                continue;
            }
            self.issues += 1;
        }
    }

    /// Reads a PETRARCH or PETRARCH2 verb file.
    pub fn parse_verbs(&mut self, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
        self.files.push(file.to_string());
        let lines = content_lines(text, '#');
        // Synsets first (they may follow their use).
        let mut synset: Option<String> = None;
        for &(n, line) in &lines {
            let l = line.trim();
            if l.starts_with('&') {
                let name = l
                    .split_whitespace()
                    .next()
                    .unwrap_or(l)
                    .trim_end_matches('_')
                    .to_string();
                self.synsets.entry(name.clone()).or_default();
                synset = Some(name);
            } else if let (Some(s), Some(m)) = (&synset, l.strip_prefix('+')) {
                let m = phrase_words(m.trim());
                if m.is_empty() {
                    errors.push(err(file, n, "empty synset member"));
                } else {
                    if let Some(v) = self.synsets.get_mut(s) {
                        v.push(m);
                    }
                }
            } else {
                synset = None;
            }
        }
        let mut block = VerbBlock::default();
        let mut in_synset = false;
        for &(n, line) in &lines {
            let l = line.trim();
            if l.starts_with('&') {
                in_synset = true;
                continue;
            }
            if l.starts_with("---") {
                in_synset = false;
                self.finish_block(&mut block);
                // `--- NAME [code] ---`; tolerate `[110]---` without a space.
                let code = match (l.find('['), l.find(']')) {
                    (Some(a), Some(b)) if a < b && !l[a + 1..b].trim().is_empty() => {
                        l[a + 1..b].trim().to_string()
                    }
                    _ => {
                        errors.push(err(file, n, format!("verb block header {l:?} has no [code] (expected --- NAME [code] ---)")));
                        "---".to_string()
                    }
                };
                block.code = code;
                block.open = true;
                continue;
            }
            if in_synset && l.starts_with('+') {
                continue;
            }
            in_synset = false;
            if let Some(rule) = l.strip_prefix('~') {
                match Transformation::parse(rule) {
                    Ok(t) => self.transformations.push(t),
                    Err(e) => errors.push(err(file, n, e)),
                }
                continue;
            }
            if l.starts_with("####") {
                continue;
            }
            if let Some(p) = l.strip_prefix('-') {
                block.add_pattern(self, (file, n), p, errors);
                continue;
            }
            if !block.open {
                errors.push(err(
                    file,
                    n,
                    format!("verb {l:?} outside a --- NAME [code] --- block"),
                ));
                continue;
            }
            // A verb line; after patterns it would start a new group in PETRARCH-1 files.
            if !block.patterns.is_empty() {
                let code = block.code.clone();
                self.finish_block(&mut block);
                block.code = code;
                block.open = true;
            }
            match verb_line(l) {
                Ok((words, forms, code)) => {
                    self.verbs += 1;
                    block.verbs.push(VerbForm {
                        source: format!("{file}:{n}"),
                        words,
                        forms,
                        code,
                    });
                }
                Err(e) => errors.push(err(file, n, e)),
            }
        }
        self.finish_block(&mut block);
    }

    /// Turns the finished block's verbs and patterns into peer patterns.
    pub(crate) fn finish_block(&mut self, block: &mut VerbBlock) {
        let b = std::mem::take(block);
        if b.verbs.is_empty() {
            return;
        }
        let verb_slot = verb_slot(&b.verbs);
        for words in &verb_slot {
            for w in words {
                let w = w.trim_end_matches('~').to_lowercase();
                if !self.verb_words.contains(&w) {
                    self.verb_words.push(w);
                }
            }
        }
        // The same pattern twice in a block: the later line wins (PETRARCH keys patterns by their words).
        let mut patterns = b.patterns;
        let mut k = 0;
        while k < patterns.len() && !self.stems {
            if patterns[k + 1..]
                .iter()
                .any(|q| q.slots == patterns[k].slots && q.swap == patterns[k].swap)
            {
                patterns.remove(k);
            } else {
                k += 1;
            }
        }
        // Patterns first: on a tie with the bare verb, the earlier pattern wins.
        for mut p in patterns {
            // The verb's place holds every verb of the block.
            for (slot, _) in p.slots.iter_mut() {
                if slot.len() == 1 && slot[0].len() == 1 && slot[0][0] == "*" {
                    *slot = verb_slot.clone();
                }
            }
            self.patterns.push(p);
        }
        for v in &b.verbs {
            let code = v.code.clone().unwrap_or_else(|| b.code.clone());
            for form in verb_slot_of(v).iter().filter(|f| f.len() == 1) {
                self.verb_codes
                    .entry(form[0].trim_end_matches('~').to_lowercase())
                    .or_insert_with(|| split_code(&code).0);
            }
            let (code, reverse, swap) = split_code(&code);
            if code == "---" {
                continue;
            }
            self.patterns.push(PeerPattern {
                id: v.source.clone(),
                code,
                reverse,
                swap,
                slots: vec![(verb_slot_of(v), Join::Gap)],
                text: v.words.join(" "),
            });
        }
    }

    /// Parses one pattern line (without the leading `-`).
    pub(crate) fn pattern(&self, file: &str, n: usize, p: &str) -> Result<PeerPattern, String> {
        let Some(open) = p.rfind('[') else {
            return Err("pattern has no [code]".into());
        };
        let Some(close) = p[open..].find(']') else {
            return Err("unclosed '[' in pattern code".into());
        };
        let code_text = p[open + 1..open + close].trim();
        if code_text.is_empty() {
            return Err("empty [] code".into());
        }
        let (code, reverse, mut swap) = split_code(code_text);
        let body = &p[..open];
        let items = pattern_items(body, &self.synsets)?;
        let star = items
            .iter()
            .position(|(s, _)| is_marker(s, "*"))
            .ok_or("pattern has no '*' (the verb's place)")?;
        let mut slots: Vec<(PeerSlot, Join)> = Vec::new();
        let mut source_after = false;
        let mut target_before = false;
        let mut source_before = false;
        for (i, (slot, join)) in items.into_iter().enumerate() {
            if is_marker(&slot, "$") {
                if i > star {
                    source_after = true;
                } else {
                    source_before = true;
                }
                continue;
            }
            if is_marker(&slot, "+") {
                // `+ * …`: the target is the verb's subject. `SUGGESTED_+ * …`: it follows a word
                // before the verb, which the pattern starts with: keep its place.
                if i < star && slots.is_empty() {
                    target_before = true;
                    continue;
                }
                slots.push((slot, Join::Gap));
                continue;
            }
            if is_marker(&slot, "%") {
                continue;
            }
            let join = if slots.is_empty() { Join::Gap } else { join };
            slots.push((slot, join));
        }
        if source_after || (target_before && !source_before) {
            swap = !swap;
            // The target now stands before the verb: drop a `+` slot after it.
            slots.retain(|(s, _)| !is_marker(s, "+"));
        }
        while slots.first().is_some_and(|(s, _)| is_marker(s, "+")) {
            slots.remove(0);
        }
        if let Some(first) = slots.first_mut() {
            first.1 = Join::Gap;
        }
        Ok(PeerPattern {
            id: format!("{file}:{n}"),
            code,
            reverse,
            swap,
            slots,
            text: p.trim().to_string(),
        })
    }

    /// Whether a discard phrase occurs in the text (case-insensitive), story discards first.
    pub fn discard(&self, text: &str) -> Option<DiscardKind> {
        if self.discards.is_empty() {
            return None;
        }
        let lower = text.to_lowercase();
        let tokens: Vec<&str> = lower.split_whitespace().collect();
        let hit = |d: &Discard| {
            if self.discard_tokens {
                let n = d.words.len();
                return n > 0
                    && tokens.len() > n
                    && (0..tokens.len() - n)
                        .any(|i| tokens[i..i + n].iter().zip(&d.words).all(|(t, w)| *t == w));
            }
            let phrase = d.words.join(" ");
            let mut from = 0;
            while let Some(k) = lower[from..].find(&phrase) {
                let end = from + k + phrase.len();
                if !d.whole_word
                    || lower[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| matches!(c, ' ' | '.' | '!' | '?'))
                {
                    return true;
                }
                from = from + k + 1;
                while !lower.is_char_boundary(from) {
                    from += 1;
                }
            }
            false
        };
        if self.discards.iter().any(|d| d.story && hit(d)) {
            return Some(DiscardKind::Story);
        }
        self.discards
            .iter()
            .any(|d| !d.story && hit(d))
            .then_some(DiscardKind::Sentence)
    }

    /// Pattern id → (paired reverse code, swap roles), for post-processing coded events.
    pub fn pattern_meta(&self) -> HashMap<String, (Option<String>, bool)> {
        self.patterns
            .iter()
            .filter(|p| p.reverse.is_some() || p.swap)
            .map(|p| (p.id.clone(), (p.reverse.clone(), p.swap)))
            .collect()
    }

    /// Compiles into the builders: actors and agents as actor entries, patterns as event
    /// patterns; unknown event codes are added to the code table.
    pub(crate) fn feed(
        &self,
        actors: &mut ActorBuilder,
        events: &mut EventBuilder,
        codes: &mut CodeTable,
    ) {
        for a in &self.actors {
            let mut codes_list: Vec<&DatedCode> = a
                .codes
                .iter()
                .filter(|c| c.from != 0 || c.to != 99_999_999)
                .collect();
            codes_list.extend(a.codes.iter().filter(|c| c.from == 0 && c.to == 99_999_999));
            let name = a.phrases.first().cloned().unwrap_or_default();
            let Some(first) = codes_list.first() else {
                continue;
            };
            let e = if codes_list.len() == 1 && first.from == 0 && first.to == 99_999_999 {
                let code = if first.code == "---" {
                    String::new()
                } else {
                    first.code.clone()
                };
                ActorEntry {
                    id: a.source.clone(),
                    kind: ActorKind::State,
                    code: code.clone(),
                    sector: String::new(),
                    cameo: code,
                    name: name.clone(),
                    qid: None,
                    spells: Vec::new(),
                    disputed: None,
                }
            } else {
                let spells = codes_list
                    .iter()
                    .map(|c| Spell {
                        code: if c.code == "---" {
                            String::new()
                        } else {
                            c.code.clone()
                        },
                        sector: String::new(),
                        from: c.from,
                        to: c.to,
                        office: String::new(),
                        qid: None,
                    })
                    .collect();
                ActorEntry {
                    id: a.source.clone(),
                    kind: ActorKind::Person,
                    code: first.code.clone(),
                    sector: String::new(),
                    cameo: String::new(),
                    name: name.clone(),
                    qid: None,
                    spells,
                    disputed: None,
                }
            };
            let phrases: Vec<String> = a
                .phrases
                .iter()
                .flat_map(|p| self.stem_variants(p))
                .collect();
            actors.add_parsed(e, &phrases);
        }
        for g in &self.agents {
            let e = ActorEntry {
                id: g.source.clone(),
                kind: ActorKind::Sector,
                code: String::new(),
                sector: g.code.clone(),
                cameo: g.code.clone(),
                name: g.phrases.first().cloned().unwrap_or_default(),
                qid: None,
                spells: Vec::new(),
                disputed: None,
            };
            let phrases: Vec<String> = g.phrases.iter().map(|p| p.to_lowercase()).collect();
            actors.add_parsed(e, &phrases);
        }
        for w in &self.verb_words {
            events.add_verb_word(w);
        }
        for p in &self.patterns {
            codes.ensure(&p.code);
            let slots: Vec<(Vec<Vec<String>>, Join)> = p
                .slots
                .iter()
                .map(|(alts, adj)| {
                    let alts = alts
                        .iter()
                        .map(|words| {
                            if words.len() == 1 && (words[0] == "+" || words[0] == "^") {
                                return words.clone();
                            }
                            words
                                .iter()
                                .flat_map(|w| {
                                    let (w, stem) = match w.strip_suffix('~') {
                                        Some(x) => (x, self.stems),
                                        None => (w.as_str(), false),
                                    };
                                    let mut toks: Vec<String> =
                                        eventwire_text::tokenize(w, 0, w.len())
                                            .into_iter()
                                            .map(|t| t.norm)
                                            .collect();
                                    if stem && toks.len() == 1 {
                                        toks[0] = stem_alternatives(&toks[0]);
                                    }
                                    toks
                                })
                                .collect::<Vec<_>>()
                        })
                        .filter(|w: &Vec<String>| !w.is_empty())
                        .collect();
                    (alts, *adj)
                })
                .filter(|(a, _): &(Vec<Vec<String>>, Join)| !a.is_empty())
                .collect();
            if slots.is_empty() || slots[0].0.iter().any(|a| a[0] == "+" || a[0] == "^") {
                continue;
            }
            for (alts, _) in &slots {
                for w in alts
                    .iter()
                    .flatten()
                    .filter(|w| !w.contains('|') && *w != "+" && *w != "^")
                {
                    events.add_literal_word(w);
                }
            }
            let pattern = EventPattern {
                id: p.id.clone(),
                cameo: p.code.clone(),
                kind: PatternKind::Verb,
                elems: Vec::new(),
                words: 0,
                text: format!("{} {}", p.id, p.text),
                example: None,
                source: p.id.clone(),
            };
            events.add_parsed(pattern, slots);
        }
    }

    /// The phrase in lower case; under TABARI semantics a last word without `_` also matches
    /// common endings ("ARGENTIN" → argentina, argentine, argentinian).
    fn stem_variants(&self, phrase: &str) -> Vec<String> {
        let p = phrase.to_lowercase();
        if !self.stems {
            return vec![p];
        }
        let mut out = vec![p.clone()];
        for end in [
            "s", "es", "a", "an", "ans", "ian", "ians", "n", "ns", "i", "is", "e", "es", "ese",
            "ia", "ish", "ern", "ic", "ite", "ites", "y", "ies", "ed", "ing", "ion", "ions",
        ] {
            out.push(format!("{p}{end}"));
        }
        out
    }
}

/// `042`, `042:043`, `:173`, `---` → (code, reverse, swap).
fn split_code(c: &str) -> (String, Option<String>, bool) {
    let c = c.trim();
    match c.split_once(':') {
        Some(("", b)) => (b.trim().to_string(), None, true),
        Some((a, b)) => (
            a.trim().to_string(),
            Some(b.trim().to_string()).filter(|b| !b.is_empty() && b != "---"),
            false,
        ),
        None => (c.to_string(), None, false),
    }
}

fn is_marker(slot: &PeerSlot, m: &str) -> bool {
    slot.len() == 1 && slot[0].len() == 1 && slot[0][0] == m
}

/// Regular plural of a phrase's last word: Y → IES, S → +ES, else +S.
fn plural_of(w: &str) -> String {
    if let Some(s) = w.strip_suffix('Y') {
        format!("{s}IES")
    } else if w.ends_with('S') {
        format!("{w}ES")
    } else {
        format!("{w}S")
    }
}

/// One verb of a block.
#[derive(Debug, Clone, Default)]
pub(crate) struct VerbForm {
    source: String,
    /// Words (the inflected one without its `+`).
    words: Vec<String>,
    /// Irregular forms, each as words.
    forms: Vec<Vec<String>>,
    /// Its own code, when the line gives one.
    code: Option<String>,
}

/// A verb block being read.
#[derive(Debug, Clone, Default)]
pub(crate) struct VerbBlock {
    pub(crate) open: bool,
    pub(crate) code: String,
    pub(crate) verbs: Vec<VerbForm>,
    pub(crate) patterns: Vec<PeerPattern>,
}

impl VerbBlock {
    /// A `- …` pattern line (without its dash) of this block, or the problem at `file:n`.
    pub(crate) fn add_pattern(
        &mut self,
        d: &Dictionaries,
        (file, n): (&str, usize),
        p: &str,
        errors: &mut Vec<LexiconError>,
    ) {
        if !self.open {
            errors.push(err(file, n, "pattern line before any verb"));
            return;
        }
        match d.pattern(file, n, p) {
            Ok(p) => self.patterns.push(p),
            Err(e) => errors.push(err(file, n, e)),
        }
    }

    /// Adds irregular forms (`BROKE_ BROKEN_`) to the last verb; false when there is none.
    pub(crate) fn add_forms(&mut self, forms: &str) -> bool {
        let Some(v) = self.verbs.last_mut() else {
            return false;
        };
        v.forms.extend(
            forms
                .split_whitespace()
                .map(words_of)
                .filter(|w| !w.is_empty()),
        );
        true
    }

    pub(crate) fn push_verb(
        &mut self,
        source: String,
        words: Vec<String>,
        forms: Vec<Vec<String>>,
        code: Option<String>,
    ) {
        self.verbs.push(VerbForm {
            source,
            words,
            forms,
            code,
        });
    }
}

/// `HURRY {HURRIES HURRYING HURRIED }`, `KLM_NOP_+RST [002]`, `+CORDON_OFF {+CORDONED_OFF}`.
pub(crate) fn verb_line(
    l: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>, Option<String>), String> {
    let (head, blocks) = phrase_and_blocks(l)?;
    let code = blocks.first().map(|b| b.to_string());
    let (verb, forms) = match head.find('{') {
        Some(k) => {
            let e = head[k..].find('}').ok_or("unclosed '{' in verb forms")?;
            (
                head[..k].trim(),
                head[k + 1..k + e]
                    .split([' ', ','])
                    .map(words_of)
                    .filter(|w| !w.is_empty())
                    .collect(),
            )
        }
        None => (head.trim(), Vec::new()),
    };
    let words = words_of(verb);
    if words.is_empty() {
        return Err("verb line has no verb".into());
    }
    if words.iter().any(|w| w.contains(['(', ')', '*', '$', '&'])) {
        return Err(format!("cannot read verb {verb:?}"));
    }
    Ok((words, forms, code))
}

fn words_of(s: &str) -> Vec<String> {
    s.split(' ')
        .flat_map(|tok| {
            let parts: Vec<&str> = tok.split('_').collect();
            let n = parts.len();
            parts
                .into_iter()
                .enumerate()
                .map(move |(k, w)| (w.trim_start_matches('+'), k + 1 == n))
        })
        .filter(|(w, _)| !w.is_empty())
        .map(|(w, last)| stem_mark(w, last))
        .collect()
}

/// TABARI semantics: the last word of a `_`-chain without a trailing `_` is a stem ("RESTOR"
/// matches "restored"); it is marked with a trailing `~` (ignored unless [`Dictionaries::stems`]).
fn stem_mark(w: &str, last: bool) -> String {
    if last && w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()) {
        format!("{w}~")
    } else {
        w.to_string()
    }
}

/// A stem's alternatives as one `a|b|…` word: the stem and its common endings.
fn stem_alternatives(stem: &str) -> String {
    let mut alts = vec![stem.to_string()];
    for end in [
        "e", "s", "es", "ed", "d", "ing", "ion", "ions", "ation", "ations", "ment", "ments", "er",
        "ers", "y", "ies", "ied", "al", "ly", "ize", "ized", "ise", "ised", "ive", "a", "an",
        "ans", "ian", "ians", "i", "is", "n", "ns",
    ] {
        alts.push(format!("{stem}{end}"));
    }
    if let Some(b) = stem.strip_suffix('e') {
        alts.push(format!("{b}ing"));
        alts.push(format!("{b}ed"));
    }
    if let Some(b) = stem.strip_suffix('y') {
        alts.push(format!("{b}ies"));
        alts.push(format!("{b}ied"));
    }
    alts.join("|")
}

fn verb_slot_of(v: &VerbForm) -> PeerSlot {
    let mut s = vec![v.words.clone()];
    for f in &v.forms {
        if !s.contains(f) {
            s.push(f.clone());
        }
    }
    s
}

fn verb_slot(verbs: &[VerbForm]) -> PeerSlot {
    let mut s: PeerSlot = Vec::new();
    for v in verbs {
        for f in verb_slot_of(v) {
            if !s.contains(&f) {
                s.push(f);
            }
        }
    }
    s
}

/// Splits a pattern body into slots: words (`_` = adjacent), `*`, `$`, `+`, `%`, `^`, synsets
/// (`&NAME` → alternatives), `{A | B}` alternatives (TABARI); a word after the first of a `{…}`
/// noun phrase or `(…)` prepositional phrase joins it as [`Join::Phrase`].
pub(crate) fn pattern_items(
    body: &str,
    synsets: &HashMap<String, Vec<String>>,
) -> Result<Vec<(PeerSlot, Join)>, String> {
    let mut out: Vec<(PeerSlot, Join)> = Vec::new();
    // TABARI `{ A | B }` alternatives become one slot.
    let mut text = String::new();
    let mut alt_groups: Vec<Vec<String>> = Vec::new();
    let mut rest = body;
    while let Some(k) = rest.find('{') {
        let e = rest[k..].find('}').ok_or("unclosed '{' in pattern")? + k;
        let inner = &rest[k + 1..e];
        text.push_str(&rest[..k]);
        if inner.contains('|') {
            alt_groups.push(
                inner
                    .split('|')
                    .map(|a| a.trim().trim_matches('_').to_string())
                    .collect(),
            );
            text.push_str(&format!(" \u{1}{} ", alt_groups.len() - 1));
        } else {
            text.push_str(" ( ");
            text.push_str(inner);
            text.push_str(" ) ");
        }
        rest = &rest[e + 1..];
    }
    text.push_str(rest);
    if text.contains('}') {
        return Err("'}' without '{' in pattern".into());
    }
    let text = text.replace('(', " ( ").replace(')', " ) ");
    // Depth of `(…)` groups, and whether the open group has had its first word.
    let mut depth = 0usize;
    let mut group_started = false;
    for tok in text.split_whitespace() {
        match tok {
            "(" => {
                if depth == 0 {
                    group_started = false;
                }
                depth += 1;
                continue;
            }
            ")" => {
                depth = depth.saturating_sub(1);
                continue;
            }
            _ => {}
        }
        let in_phrase = depth > 0 && group_started;
        let join_of = |adjacent: bool| {
            if adjacent {
                Join::Adjacent
            } else if in_phrase {
                Join::Phrase
            } else {
                Join::Gap
            }
        };
        let mut adjacent_next = false;
        let parts: Vec<&str> = tok.split('_').collect();
        for (k, part) in parts.iter().enumerate() {
            let adjacent = k > 0 || adjacent_next;
            adjacent_next = false;
            if part.is_empty() {
                continue;
            }
            let slot: PeerSlot = if let Some(g) = part.strip_prefix('\u{1}') {
                let g: usize = g.parse().map_err(|_| "bad alternative group")?;
                let mut alts = Vec::new();
                for a in &alt_groups[g] {
                    alts.extend(expand_words(a, synsets, 0)?);
                }
                alts
            } else if matches!(*part, "*" | "$" | "+" | "%" | "^") {
                vec![vec![part.to_string()]]
            } else if part.contains('*')
                || part.contains('$')
                || (part.contains('+') && part.len() > 1)
            {
                // `SUGGESTED+`, `+RST`: split off the marker.
                let mut pieces = Vec::new();
                let mut word = String::new();
                for c in part.chars() {
                    if matches!(c, '*' | '$' | '+') {
                        if !word.is_empty() {
                            pieces.push(std::mem::take(&mut word));
                        }
                        pieces.push(c.to_string());
                    } else {
                        word.push(c);
                    }
                }
                if !word.is_empty() {
                    pieces.push(word);
                }
                for (j, piece) in pieces.iter().enumerate() {
                    let slot = if piece.starts_with('&') {
                        synset_slot(piece, synsets)?
                    } else {
                        vec![vec![piece.clone()]]
                    };
                    out.push((slot, join_of(adjacent || j > 0)));
                }
                group_started = true;
                continue;
            } else if part.starts_with('&') {
                synset_slot(part, synsets)?
            } else {
                vec![vec![stem_mark(part, k + 1 == parts.len())]]
            };
            out.push((slot, join_of(adjacent)));
            group_started = true;
        }
    }
    if out.is_empty() {
        return Err("empty pattern".into());
    }
    Ok(out)
}

fn synset_slot(name: &str, synsets: &HashMap<String, Vec<String>>) -> Result<PeerSlot, String> {
    expand_words(name, synsets, 0)
}

/// A phrase that may hold synsets → alternatives as word sequences (members' plurals added).
fn expand_words(
    phrase: &str,
    synsets: &HashMap<String, Vec<String>>,
    depth: usize,
) -> Result<PeerSlot, String> {
    if depth > 4 {
        return Err(format!("synsets nest too deep at {phrase:?}"));
    }
    let mut acc: Vec<Vec<String>> = vec![Vec::new()];
    // Words with their TABARI stem marks: the last word of a `_` chain without a trailing `_`.
    let marked: Vec<String> = phrase
        .split(' ')
        .flat_map(|tok| {
            let parts: Vec<&str> = tok.split('_').collect();
            let n = parts.len();
            parts.into_iter().enumerate().map(move |(k, w)| {
                if w.starts_with('&') {
                    w.to_string()
                } else {
                    stem_mark(w, k + 1 == n)
                }
            })
        })
        .filter(|w| !w.is_empty())
        .collect();
    for w in &marked {
        let w = w.as_str();
        let options: Vec<Vec<String>> = if w.starts_with('&') {
            let name = w.trim_end_matches('_');
            let members = synsets
                .get(name)
                .ok_or_else(|| format!("unknown synset {name}"))?;
            let mut o = Vec::new();
            for m in members {
                o.extend(expand_words(m, synsets, depth + 1)?);
            }
            o
        } else {
            vec![vec![w.to_string()]]
        };
        let mut next = Vec::new();
        for a in &acc {
            for o in &options {
                let mut v = a.clone();
                v.extend(o.iter().cloned());
                next.push(v);
            }
        }
        next.truncate(256);
        acc = next;
    }
    Ok(acc)
}

/// A `PETR_config.ini`: the dictionary files it names, resolved against `dir` (the config's
/// folder, then its `../dictionaries` sibling, as PETRARCH2's layout has it).
pub fn config_files(path: &Path, text: &str) -> Result<Vec<(String, PathBuf)>, LexiconError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let mut in_dicts = false;
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        if l.starts_with('[') {
            in_dicts = l == "[Dictionaries]";
            continue;
        }
        if !in_dicts {
            continue;
        }
        let Some((key, value)) = l.split_once('=') else {
            return Err(err(
                &path.display().to_string(),
                n + 1,
                "expected key = value",
            ));
        };
        let kind = match key.trim() {
            "verbfile_name" => "verbs",
            "actorfile_list" => "actors",
            "agentfile_name" => "agents",
            "discardfile_name" => "discards",
            "issuefile_name" => "issues",
            _ => continue,
        };
        for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let candidates = [
                dir.join(name),
                dir.join("../dictionaries").join(name),
                dir.join("dictionaries").join(name),
            ];
            let found = candidates
                .iter()
                .find(|p| p.exists())
                .cloned()
                .unwrap_or_else(|| dir.join(name));
            out.push((kind.to_string(), found));
        }
    }
    Ok(out)
}

/// Reads the dictionaries a `PETR_config.ini` names; a file that cannot be read is an error.
pub fn load_config(path: &Path) -> Result<(Dictionaries, Vec<LexiconError>), LexiconError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| err(&path.display().to_string(), 0, format!("cannot read: {e}")))?;
    let files = config_files(path, &text)?;
    let mut d = Dictionaries {
        discard_tokens: true,
        petrarch2: true,
        ..Default::default()
    };
    let mut errors = Vec::new();
    for (kind, file) in files {
        d.load_file(&kind, &file, &mut errors)?;
    }
    Ok((d, errors))
}

impl Dictionaries {
    /// Reads one PETRARCH file of the given kind (`verbs`, `actors`, `agents`, `discards`, `issues`).
    pub fn load_file(
        &mut self,
        kind: &str,
        file: &Path,
        errors: &mut Vec<LexiconError>,
    ) -> Result<(), LexiconError> {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| err(&name, 0, format!("cannot read: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        match kind {
            "verbs" => self.parse_verbs(&name, &text, errors),
            "actors" => self.parse_actors(&name, &text, errors),
            "agents" => self.parse_agents(&name, &text, errors),
            "discards" => self.parse_discards(&name, &text, errors),
            "issues" => self.parse_issues(&name, &text, errors),
            other => return Err(err(&name, 0, format!("unknown dictionary kind {other:?}"))),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_codes() {
        assert_eq!(
            dated_code("USRAZE <911018", false).unwrap(),
            DatedCode {
                code: "USRAZE".into(),
                from: 0,
                to: 19_911_017
            }
        );
        assert_eq!(dated_code("AZE >911221", false).unwrap().from, 19_911_221);
        assert_eq!(
            dated_code("AZEUNR 20050101-060101", false).unwrap(),
            DatedCode {
                code: "AZEUNR".into(),
                from: 20_050_101,
                to: 20_060_100
            }
        );
        assert_eq!(
            dated_code("AZEUNR 20050101-060101", true).unwrap().to,
            20_060_101
        );
        assert!(dated_code("AZE 9112", false).is_err());
        assert_eq!(
            split_code("042:043"),
            ("042".into(), Some("043".into()), false)
        );
        assert_eq!(split_code(":173"), ("173".into(), None, true));
    }

    #[test]
    fn actors_agents_and_errors() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        d.parse_actors("a.txt", "AZERBAIJAN_ [AZE]\n+AZERBAIJANI_\nBAKU\n\t[USRAZE <911018]\n\t[AZE >911221]\nBAD [AZE 99x]\nCROATIA [HRV]\nCROATIA [HRVGOV 990101-000101]\n", &mut e);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, 6);
        assert_eq!(d.actors.len(), 3);
        assert_eq!(d.actors[0].phrases, ["AZERBAIJAN", "AZERBAIJANI"]);
        assert_eq!(d.actors[1].codes.len(), 2);
        assert_eq!(d.actors[2].codes.len(), 2);
        d.parse_agents("g.txt", "!PERSON! = MAN, MEN\nCONGRESS!PERSON! [~LEG]\nPOLICY {} [~GOV]\nARMY [~MIL]\nNGO [NGO~]\nBROKEN [GOV]\n", &mut e);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(d.agents[0].phrases, ["CONGRESSMAN", "CONGRESSMEN"]);
        assert_eq!(d.agents[1].phrases, ["POLICY"]);
        assert_eq!(d.agents[2].phrases, ["ARMY", "ARMIES"]);
        assert!(d.agents[3].prefix);
    }

    #[test]
    fn agent_phrases_may_start_with_a_set() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        d.parse_agents(
            "g.txt",
            "!MINIST! = MINISTER, MINISTRY\n!MINIST!_OF_DEFENSE [~GOVDEF]\n",
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            d.agents[0].phrases,
            ["MINISTER OF DEFENSE", "MINISTRY OF DEFENSE"]
        );
    }

    #[test]
    fn verbs_patterns_synsets() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        let text = "&TIES\n+MILITARY\n+ECONOMIC\n\n--- RESTORE [064] ---\nRESTORE\n- * &TIES TIES [065]\n- $ * (WITH +) [042:043]\n- + * BY $ [111]\n- * NO CODE\n";
        d.parse_verbs("v.txt", text, &mut e);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, 10);
        assert_eq!(d.patterns.len(), 4);
        let p = &d.patterns[0];
        assert_eq!(p.code, "065");
        assert_eq!(p.slots[1].0.len(), 2);
        assert_eq!(d.patterns[1].reverse.as_deref(), Some("043"));
        assert!(!d.patterns[1].swap);
        assert!(d.patterns[2].swap);
        assert_eq!(d.patterns[3].code, "064");
    }

    #[test]
    fn phrase_words_join_their_phrase() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        let text =
            "--- AGREE [030] ---\nAGREE\n- * (TO {NEW SANCTIONS}) [163]\n- * IFTAR IN ^ + [045]\n";
        d.parse_verbs("v.txt", text, &mut e);
        assert!(e.is_empty(), "{e:?}");
        let joins: Vec<Join> = d.patterns[0].slots.iter().map(|s| s.1).collect();
        assert_eq!(joins, [Join::Gap, Join::Gap, Join::Phrase, Join::Phrase]);
        assert!(is_marker(&d.patterns[1].slots[3].0, "^"));
        assert_eq!(d.verb_words, ["agree"]);
    }

    #[test]
    fn transformations_and_verb_codes() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        let text = "--- ASK [020] ---\nWANT [030]\nASK\n~ a (b . ATTACK ) WANT = a b 021\n~ a (b ATTACK) WANT\n";
        d.parse_verbs("v.txt", text, &mut e);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, 5);
        let t = &d.transformations[0];
        assert_eq!(
            (
                t.inner_source.as_str(),
                t.inner_target.as_str(),
                t.inner_verb.as_str()
            ),
            ("b", ".", "ATTACK")
        );
        assert_eq!((t.outer_verb.as_str(), t.code.as_str()), ("WANT", "021"));
        assert_eq!(d.verb_codes["want"], "030");
        assert_eq!(d.verb_codes["ask"], "020");
    }
}
