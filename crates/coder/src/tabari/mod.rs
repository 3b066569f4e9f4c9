//! A coder that follows TABARI's algorithm (Schrodt, TABARI 0.8.4 manual), written from the
//! manual: shallow, sequential and dictionary-driven, no parse.
//!
//! Per sentence: the text is filtered (upper case, punctuation), every word is typed by the
//! longest dictionary phrase that starts on it (actors, agents, nouns, adjectives, verbs),
//! agents are glued to their actors, compound actors and compound nouns are found, pronouns are
//! resolved, comma-delimited nonrestrictive clauses are dropped and the sentence is cut into
//! clauses at conjunctions. Then the verbs of each clause are tried left to right: the longest
//! matching pattern (or the root) gives the code and possibly `$` source / `+` target / `%`
//! compound, the default searches fill in the rest, passive voice swaps them, and the `CODE BY`
//! option says how many events to keep.

mod article;
mod options;
mod phrase;
mod sentence;

pub use options::{CodeBy, Commas, Complexity, Defaults, Forward, Options};

use eventwire_lexicon::tabari::{load_tabari, TabariDictionaries};
use eventwire_lexicon::LexiconError;
use phrase::{compile_pattern, compile_synsets, Endings, Pattern, Phrase};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// One coded event, codes exactly as TABARI prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabariEvent {
    /// Source actor code.
    pub source: String,
    /// Target actor code.
    pub target: String,
    /// Event code.
    pub code: String,
    /// Event date YYYYMMDD (moved by time-shift phrases when that option is on).
    pub date: String,
    /// Byte range of the source phrase in the text (none for a default actor).
    pub source_span: Option<Range<usize>>,
    /// Byte range of the target phrase.
    pub target_span: Option<Range<usize>>,
    /// Byte range of the verb.
    pub verb_span: Option<Range<usize>>,
}

/// What TABARI makes of one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabariCoding {
    /// A discard code (`###`) was found.
    Discarded,
    /// Too complex to code: a `+++` code or a `COMPLEX:` condition (the reason).
    Complex(String),
    /// The events (possibly none).
    Events(Vec<TabariEvent>),
}

/// Pronoun forwarding state between the sentences of a story (`FORWARD:` option).
#[derive(Debug, Clone, Default)]
pub struct Story {
    last: Option<(String, u32)>,
    actor: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Actor(usize),
    Agent(usize),
    Noun,
    Adjective,
    Verb(usize),
    Time(usize),
}

#[derive(Debug, Clone)]
struct Entry {
    phrase: Phrase,
    kind: EntryKind,
    len: usize,
}

/// A verb root (or time phrase) with its patterns, longest first.
#[derive(Debug, Clone)]
struct Root {
    code: String,
    patterns: Vec<Pattern>,
}

/// TABARI's coder over one project's dictionaries; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct TabariCoder {
    dicts: TabariDictionaries,
    entries: Vec<Entry>,
    index: HashMap<String, Vec<usize>>,
    verbs: Vec<Root>,
    time: Vec<Root>,
    /// The options in force (the `.options` file's, then any set later).
    pub options: Options,
}

fn key(word: &str, n: usize) -> String {
    word.chars().take(n).collect()
}

impl TabariCoder {
    /// Reads a `.project` and the dictionaries and options it names; returns the unreadable
    /// lines (`file:line: reason`).
    pub fn load(project: &Path) -> Result<(TabariCoder, Vec<LexiconError>), LexiconError> {
        let (dicts, _, mut errors) = load_tabari(project)?;
        let (coder, problems) = TabariCoder::new(dicts);
        errors.extend(problems);
        Ok((coder, errors))
    }

    /// Compiles loaded dictionaries; returns the synsets, patterns and options that could not
    /// be read.
    pub fn new(dicts: TabariDictionaries) -> (TabariCoder, Vec<LexiconError>) {
        let mut problems = Vec::new();
        let problem = |file: &str, line: usize, reason: String| LexiconError {
            file: file.to_string(),
            line,
            reason,
        };
        let (synsets, e) = compile_synsets(&dicts.synsets);
        let verbs_file = dicts.verbs.first().map_or("", |v| v.file.as_str());
        problems.extend(e.into_iter().map(|r| problem(verbs_file, 0, r)));
        let mut entries = Vec::new();
        let mut push = |text: &str, endings: Endings, kind: EntryKind| {
            if let Some(phrase) = Phrase::parse(text, endings) {
                let len = phrase.len();
                entries.push(Entry { phrase, kind, len });
            }
        };
        for (i, a) in dicts.actors.iter().enumerate() {
            for p in &a.phrases {
                push(p, Endings::Noun, EntryKind::Actor(i));
            }
        }
        for (i, a) in dicts.agents.iter().enumerate() {
            push(&a.phrase, Endings::Noun, EntryKind::Agent(i));
        }
        for n in &dicts.nouns {
            push(n, Endings::Noun, EntryKind::Noun);
        }
        for n in &dicts.adjectives {
            push(n, Endings::None, EntryKind::Adjective);
        }
        let compile_roots = |list: &[eventwire_lexicon::tabari::TabariVerb],
                             problems: &mut Vec<LexiconError>|
         -> Vec<Root> {
            list.iter()
                .map(|v| {
                    let mut patterns = Vec::new();
                    for p in &v.patterns {
                        match compile_pattern(&p.text, &p.code, &synsets) {
                            Ok(flat) => patterns.extend(flat),
                            Err(e) => problems.push(problem(
                                &v.file,
                                p.line,
                                format!("cannot read pattern {:?}: {e}", p.text),
                            )),
                        }
                    }
                    // Longest first; equal lengths keep file order.
                    patterns.sort_by_key(|p| std::cmp::Reverse(p.len));
                    Root {
                        code: v.code.clone(),
                        patterns,
                    }
                })
                .collect()
        };
        let verbs = compile_roots(&dicts.verbs, &mut problems);
        let time = compile_roots(&dicts.time, &mut problems);
        for (i, v) in dicts.verbs.iter().enumerate() {
            for f in &v.forms {
                push(f, Endings::Verb, EntryKind::Verb(i));
            }
        }
        for (i, v) in dicts.time.iter().enumerate() {
            for f in &v.forms {
                push(f, Endings::None, EntryKind::Time(i));
            }
        }
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let first = &e.phrase.words[0].0.text;
            index.entry(key(first, 2)).or_default().push(i);
        }
        let mut options = Options {
            time_shift: !dicts.time.is_empty(),
            ..Options::default()
        };
        for option in &dicts.options {
            if !options.apply(&option.text) {
                problems.push(problem(
                    &option.file,
                    option.line,
                    format!("option {:?} is not a command TABARI knows", option.text),
                ));
            }
        }
        let coder = TabariCoder {
            dicts,
            entries,
            index,
            verbs,
            time,
            options,
        };
        (coder, problems)
    }

    /// The dictionaries the coder was built from.
    pub fn dictionaries(&self) -> &TabariDictionaries {
        &self.dicts
    }

    /// Applies one `.options` command (as validation records do); false when unknown.
    pub fn set_option(&mut self, line: &str) -> bool {
        self.options.apply(line)
    }

    /// Codes one sentence dated `date` (YYYYMMDD), without pronoun forwarding.
    pub fn code_sentence(&self, text: &str, date: &str) -> TabariCoding {
        sentence::code(self, text, date, None)
    }

    /// Codes one record of a story: with the `FORWARD:` option, a pronoun that opens the
    /// sentence refers to the first actor of the previous sentence when the record id says the
    /// two are consecutive.
    pub fn code_record(&self, text: &str, date: &str, id: &str, story: &mut Story) -> TabariCoding {
        let Some(fwd) = &self.options.forward else {
            return sentence::code(self, text, date, None);
        };
        let numbers = fwd.numbers(id);
        let follows = match (&story.last, &numbers) {
            (Some((s0, n0)), Some((s1, n1))) => s0 == s1 && *n1 == n0 + 1,
            _ => false,
        };
        if !follows {
            story.actor = None;
        }
        let forwarded = story.actor.clone();
        let mut first = None;
        let coding = sentence::code(self, text, date, Some((forwarded.as_deref(), &mut first)));
        story.last = numbers;
        if let Some(a) = first {
            story.actor = Some(a);
        }
        coding
    }

    /// Candidate dictionary entries whose first word can match `tok`.
    fn candidates(&self, tok: &str) -> impl Iterator<Item = (usize, &Entry)> {
        let two = self.index.get(&key(tok, 2)).into_iter().flatten();
        let one = if tok.chars().count() >= 2 {
            self.index.get(&key(tok, 1))
        } else {
            None
        };
        two.chain(one.into_iter().flatten())
            .map(move |&i| (i, &self.entries[i]))
    }
}

#[cfg(test)]
mod tests;
