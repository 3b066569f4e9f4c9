//! TABARI dictionaries (`.project`, `.verbs`, `.actors`, `.agents`, `.options`) read into the same
//! [`Dictionaries`] as PETRARCH's, and TABARI's `.text` record format (validation records with
//! their expected events in `/* … {SRC / TGT / CODE} … */` comments).
//!
//! TABARI writes `;` comments, `_` joins words and a trailing `_` means "whole word": a word
//! without it matches as a stem (`ARGENTIN` → Argentina). Verb files put synsets between
//! `<SYNSETS>` tags and skip `<TIME>`, `<NOUN>`, `<ADJECTIVE>` sections; every non-pattern line
//! starts a verb (`ABANDON [345]`), followed by `- … * … [code]` patterns.

use crate::line::LexiconError;
use crate::petrarch::{content_lines, verb_line, Dictionaries, VerbBlock};
use std::path::{Path, PathBuf};

fn err(file: &str, line: usize, reason: impl Into<String>) -> LexiconError {
    LexiconError {
        file: file.into(),
        line,
        reason: reason.into(),
    }
}

/// The files a TABARI `.project` names (`<actorsfile>`, `<verbsfile>`, `<agentsfile>`,
/// `<optionsfile>`, `<textfile>`), resolved against the project's folder.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// Actor files.
    pub actors: Vec<PathBuf>,
    /// Verb files.
    pub verbs: Vec<PathBuf>,
    /// Agent files.
    pub agents: Vec<PathBuf>,
    /// Options files.
    pub options: Vec<PathBuf>,
    /// Text (record) files.
    pub text: Vec<PathBuf>,
}

/// Reads a `.project` file.
pub fn read_project(path: &Path) -> Result<Project, LexiconError> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| err(&name, 0, format!("cannot read: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut p = Project::default();
    for line in text.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix('<') else {
            continue;
        };
        let Some((tag, value)) = rest.split_once('>') else {
            continue;
        };
        let file = dir.join(value.trim());
        match tag {
            "actorsfile" => p.actors.push(file),
            "verbsfile" => p.verbs.push(file),
            "agentsfile" => p.agents.push(file),
            "optionsfile" => p.options.push(file),
            "textfile" => p.text.push(file),
            _ => {}
        }
    }
    if p.verbs.is_empty() && p.actors.is_empty() {
        return Err(err(&name, 0, "names no <verbsfile> or <actorsfile>"));
    }
    Ok(p)
}

fn read(path: &Path) -> Result<(String, String), LexiconError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| err(&name, 0, format!("cannot read: {e}")))?;
    Ok((name, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Reads every dictionary a `.project` names; a file that cannot be opened is an error, bad
/// lines are collected.
pub fn load_project(
    path: &Path,
) -> Result<(Dictionaries, Project, Vec<LexiconError>), LexiconError> {
    let p = read_project(path)?;
    let mut d = Dictionaries {
        stems: true,
        ..Default::default()
    };
    let mut errors = Vec::new();
    for f in &p.verbs {
        let (n, t) = read(f)?;
        parse_verbs(&mut d, &n, &t, &mut errors);
    }
    for f in &p.actors {
        let (n, t) = read(f)?;
        d.parse_actors_with(&n, &t, ';', &mut errors);
    }
    for f in &p.agents {
        let (n, t) = read(f)?;
        d.parse_agents_with(&n, &t, ';', &mut errors);
    }
    for f in &p.options {
        let (n, t) = read(f)?;
        parse_options(&mut d, &n, &t, &mut errors);
    }
    Ok((d, p, errors))
}

/// Reads an `.options` file: `KEYWORD: …` lines, `//` comments. Options are checked, not applied.
pub fn parse_options(d: &mut Dictionaries, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
    d.files.push(file.to_string());
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("~~~~") {
            break; // end of the options
        }
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        let keyword = l.split(':').next().unwrap_or("").trim();
        if !l.contains(':')
            || !matches!(
                keyword,
                "COMPLEX"
                    | "SET"
                    | "OUTPUT"
                    | "LABEL"
                    | "FORWARD"
                    | "DELETE"
                    | "ISSUES"
                    | "DISCARD"
                    | "TIME"
                    | "DEFAULT"
                    | "COMMA"
                    | "NONEVENTS"
            )
        {
            errors.push(err(
                file,
                i + 1,
                format!("cannot read option {l:?} (expected KEYWORD: …)"),
            ));
        }
    }
}

/// Reads a TABARI `.verbs` file.
pub fn parse_verbs(d: &mut Dictionaries, file: &str, text: &str, errors: &mut Vec<LexiconError>) {
    d.files.push(file.to_string());
    let lines = content_lines(text, ';');
    let mut section: Option<String> = None;
    let mut synset: Option<String> = None;
    let mut body = Vec::new();
    for &(n, line) in &lines {
        let l = line.trim();
        if l.starts_with("</") {
            section = None;
            synset = None;
            continue;
        }
        if l.starts_with('<') {
            section = Some(l.trim_matches(['<', '>']).to_string());
            continue;
        }
        match section.as_deref() {
            Some("SYNSETS") => {
                if l.starts_with('&') {
                    let name = l
                        .split_whitespace()
                        .next()
                        .unwrap_or(l)
                        .trim_end_matches('_')
                        .to_string();
                    d.synsets.entry(name.clone()).or_default();
                    synset = Some(name);
                } else if let (Some(s), Some(m)) = (&synset, l.strip_prefix('+')) {
                    // Kept as written: `_` and its absence mark whole words and stems.
                    let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
                    if let Some(v) = d.synsets.get_mut(s) {
                        v.push(m);
                    }
                } else {
                    errors.push(err(
                        file,
                        n,
                        format!("cannot read synset line {l:?} (expected &NAME or +member)"),
                    ));
                }
            }
            Some(_) => {}
            None => body.push((n, l)),
        }
    }
    let mut block = VerbBlock::default();
    for (n, l) in body {
        if l.starts_with("~~FINISH") {
            break;
        }
        if l.starts_with('#') {
            continue;
        }
        if let Some(p) = l.strip_prefix('-') {
            block.add_pattern(d, (file, n), p, errors);
            continue;
        }
        if let Some(forms) = l.strip_prefix('{') {
            // `{ BROKE_ BROKEN_ }` on its own line: more forms of the verb above.
            if !block.add_forms(forms.trim_end_matches('}')) {
                errors.push(err(file, n, "verb forms {…} before any verb"));
            }
            continue;
        }
        d.finish_block(&mut block);
        match verb_line(l) {
            Ok((words, forms, code)) => {
                let Some(code) = code else {
                    errors.push(err(file, n, format!("verb {l:?} has no [code]")));
                    continue;
                };
                d.verbs += 1;
                block.open = true;
                block.code = code.clone();
                block.push_verb(format!("{file}:{n}"), words, forms, None);
            }
            Err(e) => errors.push(err(file, n, e)),
        }
    }
    d.finish_block(&mut block);
}

/// A date restriction on an actor code (`[CODE <950601]`, `[CODE >950601]`,
/// `[CODE 950601-990815]`); dates are YYYYMMDD, read from YYMMDD with 00–30 meaning 20YY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRule {
    /// No restriction: the default code.
    Always,
    /// On or before the date.
    Until(u32),
    /// On or after the date.
    From(u32),
    /// Between the two dates, both included.
    Between(u32, u32),
}

impl DateRule {
    /// Whether the rule holds on `date` (YYYYMMDD).
    pub fn holds(self, date: u32) -> bool {
        match self {
            DateRule::Always => true,
            DateRule::Until(d) => date <= d,
            DateRule::From(d) => date >= d,
            DateRule::Between(a, b) => a <= date && date <= b,
        }
    }
}

/// One `[CODE restriction]` block of an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedCode {
    /// The code as written (`HOB`, `ELR/GAL`, `---`, `###`, `+++`).
    pub code: String,
    /// When it applies.
    pub when: DateRule,
}

/// An actor with its synonyms (`+SMEAGOL` lines) and its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabariActor {
    /// The phrases, first the primary one; `-` already turned into `_`.
    pub phrases: Vec<String>,
    /// Codes in file order; the first restriction that holds wins, else the unrestricted one.
    pub codes: Vec<DatedCode>,
    /// `file:line` of the primary phrase.
    pub source: String,
}

impl TabariActor {
    /// The code on `date` (YYYYMMDD): the first restricted code that holds, else the
    /// unrestricted one, else the null code `---`.
    pub fn code_on(&self, date: u32) -> &str {
        self.codes
            .iter()
            .find(|c| c.when != DateRule::Always && c.when.holds(date))
            .or_else(|| self.codes.iter().find(|c| c.when == DateRule::Always))
            .map_or("---", |c| c.code.as_str())
    }
}

/// An agent: a common noun whose code is glued to an actor's (`~GOV` after it, `NGO~` before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabariAgent {
    /// The phrase (`-` turned into `_`).
    pub phrase: String,
    /// The code with its `~`.
    pub code: String,
}

/// One `- pattern [code]` line of a verb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabariPattern {
    /// The pattern without the leading `-` (`* TO_LET_ESCAPE`, `+ WAS * BY $`).
    pub text: String,
    /// Its code as written.
    pub code: String,
    /// 1-based line in the verbs file.
    pub line: usize,
}

/// A verb (or time-shift or attribution) root: its forms, default code and patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabariVerb {
    /// The root phrase first, then the `{ … }` irregular forms.
    pub forms: Vec<String>,
    /// The root's code as written (`064`, `023?`, `031!`, `032:033`, `---`, `###`, `+++`, `-1`).
    pub code: String,
    /// Its `- pattern [code]` lines.
    pub patterns: Vec<TabariPattern>,
    /// The verbs file.
    pub file: String,
    /// 1-based line of the root.
    pub line: usize,
}

/// Everything a TABARI project's dictionaries hold, as written (matching is the coder's job).
#[derive(Debug, Clone, Default)]
pub struct TabariDictionaries {
    /// Actors in file order.
    pub actors: Vec<TabariActor>,
    /// Agents in file order.
    pub agents: Vec<TabariAgent>,
    /// `<NOUN>` phrases.
    pub nouns: Vec<String>,
    /// `<ADJECTIVE>` phrases.
    pub adjectives: Vec<String>,
    /// Verb roots in file order.
    pub verbs: Vec<TabariVerb>,
    /// `<TIME>` phrases (codes are day shifts).
    pub time: Vec<TabariVerb>,
    /// `<ATTRIB>` phrases.
    pub attribution: Vec<TabariVerb>,
    /// `<SYNSETS>`: `&NAME` and its `+member` patterns, in file order.
    pub synsets: Vec<(String, Vec<String>)>,
    /// `.options` command lines (`COMPLEX: …`, `SET: …`), comments removed, in file order.
    pub options: Vec<OptionLine>,
    /// Files read.
    pub files: Vec<String>,
}

impl std::fmt::Display for TabariDictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} actors, {} agents, {} nouns, {} adjectives, {} verbs with {} patterns, {} synsets, {} time phrases, {} options",
            self.actors.len(),
            self.agents.len(),
            self.nouns.len(),
            self.adjectives.len(),
            self.verbs.len(),
            self.verbs.iter().map(|v| v.patterns.len()).sum::<usize>(),
            self.synsets.len(),
            self.time.len(),
            self.options.len()
        )
    }
}

/// Reads every dictionary a `.project` names into [`TabariDictionaries`]; a file that cannot be
/// opened is an error, bad lines are collected.
pub fn load_tabari(
    path: &Path,
) -> Result<(TabariDictionaries, Project, Vec<LexiconError>), LexiconError> {
    let p = read_project(path)?;
    let mut d = TabariDictionaries::default();
    let mut errors = Vec::new();
    for f in &p.actors {
        let (n, t) = read(f)?;
        read_actors(&mut d, &n, &t, &mut errors);
    }
    for f in &p.agents {
        let (n, t) = read(f)?;
        read_agents(&mut d, &n, &t, &mut errors);
    }
    for f in &p.verbs {
        let (n, t) = read(f)?;
        read_tabari_verbs(&mut d, &n, &t, &mut errors);
    }
    for f in &p.options {
        let (n, t) = read(f)?;
        d.options
            .extend(option_lines(&t).into_iter().map(|(line, text)| OptionLine {
                file: n.clone(),
                line,
                text,
            }));
        d.files.push(n);
    }
    Ok((d, p, errors))
}

/// One command line of an `.options` file and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine {
    /// The `.options` file, as named in the project.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// The command, comments removed.
    pub text: String,
}

/// The command lines of an `.options` file with their 1-based line numbers: `//` and `#`
/// comments and blank lines dropped, reading stops at a `~~~~` line.
pub fn option_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("~~~~") {
            break;
        }
        let l = l.split("//").next().unwrap_or("").trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        out.push((n + 1, l.to_string()));
    }
    out
}

/// A dictionary line without its `;` comment, trimmed at the end.
fn uncomment(line: &str) -> &str {
    line.split(';').next().unwrap_or("").trim_end()
}

/// Splits `PHRASE [CODE …] [CODE …]` into the phrase and the bracket contents.
fn phrase_and_codes(line: &str) -> (String, Vec<String>) {
    let (head, rest) = match line.find('[') {
        Some(k) => (&line[..k], &line[k..]),
        None => (line, ""),
    };
    let mut codes = Vec::new();
    let mut r = rest;
    while let Some(a) = r.find('[') {
        let Some(b) = r[a..].find(']') else {
            // Kept with its "[", which `dated_code` reports as an unclosed block.
            codes.push(r[a..].trim().to_string());
            break;
        };
        codes.push(r[a + 1..a + b].trim().to_string());
        r = &r[a + b + 1..];
    }
    (head.trim().replace('-', "_"), codes)
}

/// YYMMDD (00–30 → 20YY) or YYYYMMDD into YYYYMMDD; a month or day out of range is no date.
fn dict_date(s: &str) -> Option<u32> {
    let s = s.trim();
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let date = match s.len() {
        6 => {
            let yy: u32 = s[..2].parse().ok()?;
            let year = if yy <= 30 { 2000 + yy } else { 1900 + yy };
            year * 10_000 + s[2..].parse::<u32>().ok()?
        }
        8 => s.parse().ok()?,
        _ => return None,
    };
    let (month, day) = (date / 100 % 100, date % 100);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(date)
}

/// Reads one `[…]` block of an actor: `CODE`, `CODE <d`, `CODE >d`, `CODE d1-d2`.
fn dated_code(block: &str) -> Result<DatedCode, String> {
    let block = block.trim();
    let code_end = block
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .unwrap_or(block.len());
    let code = block[..code_end].trim().to_string();
    let rule: String = block[code_end..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bad = || {
        format!("cannot read code block [{block}] (expected [CODE], [CODE <YYMMDD], [CODE >YYMMDD] or [CODE YYMMDD-YYMMDD])")
    };
    if code.contains(['[', ']']) {
        return Err(format!("unbalanced brackets in code block {block:?}"));
    }
    if code.is_empty() || code.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let when = if rule.is_empty() {
        DateRule::Always
    } else if let Some(d) = rule.strip_prefix('<') {
        DateRule::Until(dict_date(d).ok_or_else(bad)?)
    } else if let Some(d) = rule.strip_prefix('>') {
        DateRule::From(dict_date(d).ok_or_else(bad)?)
    } else if let Some((a, b)) = rule.split_once('-') {
        DateRule::Between(dict_date(a).ok_or_else(bad)?, dict_date(b).ok_or_else(bad)?)
    } else {
        return Err(bad());
    };
    Ok(DatedCode { code, when })
}

/// Reads a TABARI `.actors` file: `<NOUN>`/`<ADJECTIVE>` lists, actors with `[codes]`,
/// `+synonym` lines and indented `[code]` lines.
pub fn read_actors(
    d: &mut TabariDictionaries,
    file: &str,
    text: &str,
    errors: &mut Vec<LexiconError>,
) {
    d.files.push(file.to_string());
    let mut section: Option<String> = None;
    let mut open: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = uncomment(raw);
        let l = line.trim();
        if l.starts_with("~~") {
            break;
        }
        if l.is_empty() || l.starts_with('#') || l.starts_with('/') {
            continue;
        }
        if l.starts_with("</") {
            section = None;
            continue;
        }
        if l.starts_with('<') {
            section = Some(l.trim_matches(['<', '>']).to_ascii_uppercase());
            open = None;
            continue;
        }
        match section.as_deref() {
            Some(s) if s.starts_with("NOUN") => {
                d.nouns.push(phrase_and_codes(l).0);
                continue;
            }
            Some(s) if s.starts_with("ADJ") => {
                d.adjectives.push(phrase_and_codes(l).0);
                continue;
            }
            _ => {}
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && l.starts_with('[') {
            let Some(a) = open else {
                errors.push(err(file, n, "code line [..] before any actor"));
                continue;
            };
            for block in phrase_and_codes(l).1 {
                match dated_code(&block) {
                    Ok(c) => d.actors[a].codes.push(c),
                    Err(e) => errors.push(err(file, n, e)),
                }
            }
            continue;
        }
        if let Some(syn) = l.strip_prefix('+') {
            let Some(a) = open else {
                errors.push(err(file, n, "synonym +… before any actor"));
                continue;
            };
            let (p, codes) = phrase_and_codes(syn);
            d.actors[a].phrases.push(p);
            for block in codes {
                match dated_code(&block) {
                    Ok(c) => d.actors[a].codes.push(c),
                    Err(e) => errors.push(err(file, n, e)),
                }
            }
            continue;
        }
        let (p, blocks) = phrase_and_codes(l);
        if p.is_empty() {
            errors.push(err(file, n, "actor line without a phrase"));
            open = None;
            continue;
        }
        let mut codes = Vec::new();
        let mut ok = true;
        for block in blocks {
            match dated_code(&block) {
                Ok(c) => codes.push(c),
                Err(e) => {
                    errors.push(err(file, n, e));
                    ok = false;
                }
            }
        }
        if !ok {
            open = None;
            continue;
        }
        d.actors.push(TabariActor {
            phrases: vec![p],
            codes,
            source: format!("{file}:{n}"),
        });
        open = Some(d.actors.len() - 1);
    }
}

/// Reads a TABARI `.agents` file: `PHRASE [~CODE]` or `PHRASE [CODE~]`.
pub fn read_agents(
    d: &mut TabariDictionaries,
    file: &str,
    text: &str,
    errors: &mut Vec<LexiconError>,
) {
    d.files.push(file.to_string());
    for (i, raw) in text.lines().enumerate() {
        let l = uncomment(raw).trim();
        if l.starts_with("~~") {
            break;
        }
        if l.is_empty() || l.starts_with('#') || l.starts_with('/') || l.starts_with('<') {
            continue;
        }
        let (p, codes) = phrase_and_codes(l);
        match codes.first() {
            Some(c) if !p.is_empty() && c.contains('~') => d.agents.push(TabariAgent {
                phrase: p,
                code: c.split_whitespace().collect(),
            }),
            _ => errors.push(err(
                file,
                i + 1,
                format!("cannot read agent {l:?} (expected PHRASE [~CODE] or PHRASE [CODE~])"),
            )),
        }
    }
}

/// Reads a TABARI `.verbs` file into roots with patterns, plus its `<SYNSETS>`, `<TIME>` and
/// `<ATTRIB>` sections; other sections (`<NOUN>`, `<ADJECTIVE>`) are lists of nouns/adjectives.
pub fn read_tabari_verbs(
    d: &mut TabariDictionaries,
    file: &str,
    text: &str,
    errors: &mut Vec<LexiconError>,
) {
    #[derive(PartialEq)]
    enum Sect {
        Verbs,
        Synsets,
        Time,
        Attrib,
        Nouns,
        Adjectives,
        Other,
    }
    d.files.push(file.to_string());
    let mut sect = Sect::Verbs;
    // (section, index of the open root in its list)
    let mut open: Option<(bool, bool, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let l = uncomment(raw).trim();
        if l.starts_with("~~") {
            break;
        }
        if l.is_empty() || l.starts_with('#') || l.starts_with('/') {
            continue;
        }
        if l.starts_with("</") {
            sect = Sect::Verbs;
            open = None;
            continue;
        }
        if l.starts_with('<') {
            let tag = l.trim_matches(['<', '>']).to_ascii_uppercase();
            sect = match tag.as_str() {
                t if t.starts_with("SYNSET") => Sect::Synsets,
                t if t.starts_with("TIME") => Sect::Time,
                t if t.starts_with("ATTRIB") => Sect::Attrib,
                t if t.starts_with("NOUN") => Sect::Nouns,
                t if t.starts_with("ADJ") => Sect::Adjectives,
                _ => Sect::Other,
            };
            open = None;
            continue;
        }
        match sect {
            Sect::Other => continue,
            Sect::Nouns => {
                d.nouns.push(phrase_and_codes(l).0);
                continue;
            }
            Sect::Adjectives => {
                d.adjectives.push(phrase_and_codes(l).0);
                continue;
            }
            Sect::Synsets => {
                if l.starts_with('&') {
                    let name = l
                        .split_whitespace()
                        .next()
                        .unwrap_or(l)
                        .trim_end_matches('_');
                    d.synsets.push((name.to_string(), Vec::new()));
                } else if let (Some(last), Some(m)) = (d.synsets.last_mut(), l.strip_prefix('+')) {
                    last.1.push(m.trim().replace('-', "_"));
                } else {
                    errors.push(err(
                        file,
                        n,
                        format!("cannot read synset line {l:?} (expected &NAME or +member)"),
                    ));
                }
                continue;
            }
            _ => {}
        }
        let (time, attrib) = (sect == Sect::Time, sect == Sect::Attrib);
        let target = if time {
            &mut d.time
        } else if attrib {
            &mut d.attribution
        } else {
            &mut d.verbs
        };
        if let Some(p) = l.strip_prefix('-') {
            let Some((_, _, k)) = open else {
                errors.push(err(file, n, "pattern line before any verb"));
                continue;
            };
            let (pat, codes) = phrase_or_pattern(p);
            match codes {
                Some(code) => target[k].patterns.push(TabariPattern {
                    text: pat,
                    code,
                    line: n,
                }),
                None => errors.push(err(file, n, format!("pattern {l:?} has no [code]"))),
            }
            continue;
        }
        if let Some(forms) = l.strip_prefix('{') {
            let Some((_, _, k)) = open else {
                errors.push(err(file, n, "verb forms {…} before any verb"));
                continue;
            };
            let forms: Vec<String> = forms
                .trim_end_matches('}')
                .split_whitespace()
                .map(|f| f.replace('-', "_"))
                .collect();
            if forms.is_empty() {
                errors.push(err(file, n, "no verb forms inside {…}"));
            }
            target[k].forms.extend(forms);
            continue;
        }
        let (root, code) = phrase_or_pattern(l);
        let Some(code) = code else {
            errors.push(err(file, n, format!("verb {l:?} has no [code]")));
            open = None;
            continue;
        };
        target.push(TabariVerb {
            forms: vec![root.replace('-', "_")],
            code,
            patterns: Vec::new(),
            file: file.to_string(),
            line: n,
        });
        open = Some((time, attrib, target.len() - 1));
    }
}

/// Splits `text [code]` (verb roots and patterns) into the text and the code, blanks removed.
fn phrase_or_pattern(line: &str) -> (String, Option<String>) {
    match (line.rfind('['), line.rfind(']')) {
        (Some(a), Some(b)) if a < b => (
            line[..a].trim().to_string(),
            Some(line[a + 1..b].split_whitespace().collect()),
        ),
        _ => (line.trim().to_string(), None),
    }
}

/// What a validation record expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// These events (source, target, code).
    Events(Vec<(String, String, String)>),
    /// At least these events: a `-{…}` entry tells the validator to stop checking there.
    Partial(Vec<(String, String, String)>),
    /// No event (`{---}`, `{}`).
    None,
    /// The record is too complex to code (`{+++}`): no event.
    Complex,
    /// The record is discarded (`{###}`).
    Discard,
    /// An option or control record (`{ OPTION: … }`), not scored; the options are in
    /// [`Record::options`].
    Control,
}

/// One record of a `.text` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `file:line` of the header.
    pub source: String,
    /// Date as YYYYMMDD.
    pub date: u32,
    /// Record id (`DEMO-01`).
    pub id: String,
    /// The story text.
    pub text: String,
    /// The expected outcome, read from the `/* … */` comment.
    pub expect: Expect,
    /// `.options` command lines the record's `{ OPTION: … }` entries set, in order.
    pub options: Vec<String>,
}

fn is_header(line: &str) -> bool {
    let mut head = line.split_whitespace();
    !line.starts_with([' ', '\t'])
        && head
            .next()
            .is_some_and(|d| d.len() == 6 && d.chars().all(|c| c.is_ascii_digit()))
        && head.next().is_some()
}

/// Reads the records of a TABARI `.text` file: a header `YYMMDD  ID`, text lines, and a
/// `/* … */` comment holding the expected events, up to a blank line. As in TABARI, the comment
/// runs from the first `/*` to the last `*/` of the record (to its end when unclosed); `#` lines
/// are skipped. Bad expectations are reported with file:line.
pub fn read_records(file: &str, text: &str) -> (Vec<Record>, Vec<LexiconError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !is_header(lines[i]) {
            i += 1;
            continue;
        }
        let n = i + 1;
        let head: Vec<&str> = lines[i].split_whitespace().collect();
        let yy: u32 = head[0][..2].parse().unwrap_or(0);
        let date = (if yy <= 30 { 2000 + yy } else { 1900 + yy }) * 10_000
            + head[0][2..].parse::<u32>().unwrap_or(0);
        let id = head[1].to_string();
        i += 1;
        let mut raw = String::new();
        while i < lines.len() && !lines[i].trim().is_empty() && !is_header(lines[i]) {
            if !lines[i].trim_start().starts_with('#') {
                raw.push_str(lines[i]);
                raw.push('\n');
            }
            i += 1;
        }
        let (body, comment) = match raw.find("/*") {
            Some(a) => {
                // The closing "*/" must not share the opening's "*" ("/*/").
                let end = raw.rfind("*/").filter(|&b| b >= a + 2);
                let tail = end.map_or("", |b| &raw[b + 2..]);
                let comment = &raw[a + 2..end.unwrap_or(raw.len())];
                (format!("{} {}", &raw[..a], tail), comment.to_string())
            }
            None => (raw.clone(), String::new()),
        };
        let (expect, options) = match parse_expect(&comment) {
            Ok(e) => e,
            Err(e) => {
                errors.push(err(file, n, e));
                (Expect::Control, Vec::new())
            }
        };
        let text = body
            .replace("\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Record {
            source: format!("{file}:{n}"),
            date,
            id,
            text,
            expect,
            options,
        });
    }
    (out, errors)
}

type ParsedExpect = (Expect, Vec<String>);

fn parse_expect(comment: &str) -> Result<ParsedExpect, String> {
    let mut events = Vec::new();
    let mut options = Vec::new();
    let (mut none, mut complex, mut discard, mut partial, mut any) =
        (false, false, false, false, false);
    let mut rest = comment;
    while let Some(k) = rest.find('{') {
        let dash = rest[..k].trim_end().ends_with('-');
        let close = rest[k..].find('}').map(|e| e + k);
        let inner = rest[k + 1..close.unwrap_or(rest.len())].trim();
        rest = close.map_or("", |e| &rest[e + 1..]);
        any = true;
        if let Some(opt) = inner.strip_prefix("OPTION:") {
            options.push(opt.trim().trim_end_matches("*/").trim().to_string());
            continue;
        }
        if close.is_none() {
            return Err("unclosed '{' in expected events".into());
        }
        if dash {
            partial = true;
            break;
        }
        match inner {
            "###" => discard = true,
            "+++" => complex = true,
            "---" | "- - -" | "" => none = true,
            _ => {
                let parts: Vec<&str> = inner.split('/').map(str::trim).collect();
                if parts.len() != 3 {
                    return Err(format!(
                        "expected event {{{inner}}} is not {{SRC / TGT / CODE}}"
                    ));
                }
                events.push((
                    parts[0].to_string(),
                    parts[1].to_string(),
                    parts[2].to_string(),
                ));
            }
        }
    }
    // The special codes are checked first, as TABARI's validator does.
    let expect = if !options.is_empty() {
        Expect::Control
    } else if discard {
        Expect::Discard
    } else if complex {
        Expect::Complex
    } else if partial {
        Expect::Partial(events)
    } else if !events.is_empty() {
        Expect::Events(events)
    } else if none || any {
        Expect::None
    } else {
        Expect::Control
    };
    Ok((expect, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_expectations() {
        let t = "\n950101  DEMO-01\nArnor is about to restore ties with Gondor.\n/*\\n---\n\\n{ ARN / GON / 064 } */\n\n950103  DEMO-04\nDagolath left.\n/*\\n{ DAG / GON / 032 } 950103\n\\n{ GON / DAG / 033 } */\n\\n{ GON / DAG / 034 } */\n\n950101  X-1\nNone here.\n/* {+++} */\n\n950101  X-2\nGone.\n/* {###} */\n950101  X-3\n/* { OPTION: SET: TIME SHIFT = FALSE } */\n950101  X-4\nBad.\n/* { ARN GON } */\n950101  X-5\nSome.\n/* { ARN / GON / 064 } -{ --- / --- / 000 } */\n950101  X-6\nOpen.\n/* { ARN / GON / 064 } /*\n\n950101  X-7\n/* { OPTION: SET: MINIMUM WORDS = 4  */\n";
        let (r, e) = read_records("v.text", t);
        assert_eq!(r.len(), 9);
        assert_eq!(
            r[0].expect,
            Expect::Events(vec![("ARN".into(), "GON".into(), "064".into())])
        );
        assert_eq!(r[0].text, "Arnor is about to restore ties with Gondor.");
        assert_eq!(r[1].date, 19_950_103);
        // The comment runs to the record's last `*/`.
        assert!(matches!(&r[1].expect, Expect::Events(v) if v.len() == 3));
        assert_eq!(r[2].expect, Expect::Complex);
        assert_eq!(r[3].expect, Expect::Discard);
        assert_eq!(r[4].expect, Expect::Control);
        assert_eq!(r[4].options, ["SET: TIME SHIFT = FALSE"]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 22);
        assert!(matches!(&r[6].expect, Expect::Partial(v) if v.len() == 1));
        assert!(matches!(&r[7].expect, Expect::Events(v) if v.len() == 1));
        assert_eq!(r[8].options, ["SET: MINIMUM WORDS = 4"]);
    }

    #[test]
    fn broken_code_blocks_are_reported() {
        let mut d = TabariDictionaries::default();
        let mut errors = Vec::new();
        let actors = "ARNOR [ARN\nGONDOR [GON >99999999]\nBREE [BRE <991301]\nROHAN [[ROH]]\nSHIRE [SHI 950101-951231]\n";
        read_actors(&mut d, "x.actors", actors, &mut errors);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4], "{errors:?}");
        assert!(errors[0].to_string().contains("unbalanced brackets"));
        assert_eq!(d.actors.len(), 1);
    }

    #[test]
    fn a_comment_opened_and_closed_by_one_star_is_left_open() {
        // Found by the `tabari_files` fuzz target: "/*/" once panicked on a reversed slice.
        let (r, _) = read_records("v.text", "950105 C\n/*/\n");
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn tabari_dictionaries() {
        let mut d = TabariDictionaries::default();
        let mut e = Vec::new();
        read_actors(
            &mut d,
            "t.actors",
            "<NOUN>\nBEES\n</NOUN>\nGOLLUM ; x\n+SMEAGOL\n\t[HOB < 950601]\n\t[HOBGOV 950601 - 990815]\n\t[HOBREB > 990816]\nAXNOR [AR1 <911226] [AR2]\nBAD [1234]\n",
            &mut e,
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(d.nouns, ["BEES"]);
        assert_eq!(d.actors[0].phrases, ["GOLLUM", "SMEAGOL"]);
        assert_eq!(d.actors[0].code_on(19_950_101), "HOB");
        assert_eq!(d.actors[0].code_on(19_951_101), "HOBGOV");
        assert_eq!(d.actors[0].code_on(20_010_101), "HOBREB");
        assert_eq!(d.actors[1].code_on(19_910_101), "AR1");
        assert_eq!(d.actors[1].code_on(19_950_101), "AR2");
        read_agents(
            &mut d,
            "t.agents",
            "POLICE_ [~COP] ;x\nNOPE [GOV]\n",
            &mut e,
        );
        assert_eq!(d.agents.len(), 1);
        assert_eq!(e.len(), 2);
        read_tabari_verbs(
            &mut d,
            "t.verbs",
            "<SYNSETS>\n&TIES\n+MILITARY\n</SYNSETS>\n<TIME>\nTOMORROW [+1]\n</TIME>\nACT_ [100]\n{ ACTING_ ACTXD_ }\n- SAID WOULD * NOW [101]\n- NO CODE\n",
            &mut e,
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            d.synsets,
            [("&TIES".to_string(), vec!["MILITARY".to_string()])]
        );
        assert_eq!(d.time[0].code, "+1");
        assert_eq!(d.verbs[0].forms, ["ACT_", "ACTING_", "ACTXD_"]);
        assert_eq!(d.verbs[0].patterns[0].text, "SAID WOULD * NOW");
        assert_eq!(
            (
                d.verbs[0].patterns[0].code.as_str(),
                d.verbs[0].patterns[0].line
            ),
            ("101", 10)
        );
    }

    #[test]
    fn verbs_with_sections() {
        let mut d = Dictionaries::default();
        let mut e = Vec::new();
        let t = "<SYNSETS>\n&TIES\n+MILITARY\n</SYNSETS>\n<NOUN>\nBEES\n</NOUN>\nABANDON [345] ;pas\n- * &TIES TIES [902]\n- * { GENEVA_ | INTERNATIONAL }_CONVENTIONS [111]\nBROKEN\n- * X\n";
        parse_verbs(&mut d, "t.verbs", t, &mut e);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(d.patterns.len(), 3);
        assert_eq!(d.patterns[1].slots[1].0.len(), 2);
    }
}
