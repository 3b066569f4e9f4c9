//! eventwire's dictionaries, compiled once at start into an immutable, `Send + Sync` [`Lexicon`].
//!
//! Knowledge lives in plain-text files (grammar in `data/lexicon/README.md`): actors (states,
//! organisations, office holders, sector words, disputed entities), event patterns for every CAMEO
//! code, and the CAMEO/PLOVER code tables. They are embedded in the binary; users may add their
//! own files. Every bad line is reported as `file:line: reason` and skipped; nothing panics.
//!
//! ```
//! let (lexicon, problems) = eventwire_lexicon::LexiconBuilder::bundled().build();
//! assert!(problems.is_empty(), "{problems:?}");
//! assert!(lexicon.codes.get("0871").is_some());
//! ```
#![deny(missing_docs)]

mod actors;
mod codes;
mod events;
mod line;
pub mod petrarch;
pub mod tabari;

pub use actors::{ActorEntry, ActorKind, ActorMatch, ActorMatcher, Disputed, Spell};
pub use codes::{CodeInfo, CodeTable};
pub use events::{Elem, EventMatch, EventMatcher, EventPattern, Join, PatternKind};
pub use line::LexiconError;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// All compiled knowledge the coder needs.
#[derive(Debug)]
pub struct Lexicon {
    /// CAMEO codes, Goldstein scores and their PLOVER mapping and scale.
    pub codes: CodeTable,
    /// Actor phrases.
    pub actors: ActorMatcher,
    /// Event patterns.
    pub events: EventMatcher,
    /// The patterns are a peer coder's (PETRARCH, TABARI) alone: code as those coders do (verbs
    /// only, no PLOVER reductions).
    pub peer_rules: bool,
}

/// Collects lexicon files, then compiles them.
#[derive(Debug, Default)]
pub struct LexiconBuilder {
    files: Vec<(String, String)>,
    peers: Vec<petrarch::Dictionaries>,
}

impl LexiconBuilder {
    /// An empty builder (no actors, no patterns, no codes).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder holding every file shipped with eventwire.
    pub fn bundled() -> Self {
        let mut b = Self::new();
        for (path, text) in BUNDLED {
            b.files.push(((*path).to_string(), (*text).to_string()));
        }
        b
    }

    /// Adds a file; its kind follows from its name's first word (`countries`, `organizations`,
    /// `people`, `sectors`, `disputed`: `people-heads.txt` holds people) or, for event patterns,
    /// from an `events/` folder or a `.events.txt` ending; `cameo.tsv` and `plover_scale.tsv` are
    /// the code tables.
    pub fn add_file(&mut self, path: &str, text: String) -> &mut Self {
        self.files.push((path.to_string(), text));
        self
    }

    /// Only the bundled code tables: start here to replace eventwire's dictionaries with a peer's.
    pub fn codes_only() -> Self {
        let mut b = Self::new();
        b.files = Self::bundled()
            .files
            .into_iter()
            .filter(|(p, _)| p.ends_with(".tsv"))
            .collect();
        b
    }

    /// Adds dictionaries read by the PETRARCH or TABARI loaders; they compile into the same matchers.
    pub fn add_dictionaries(&mut self, d: petrarch::Dictionaries) -> &mut Self {
        self.peers.push(d);
        self
    }

    /// Compiles everything; returns the lexicon and every problem found (bad lines are skipped).
    pub fn build(&self) -> (Lexicon, Vec<LexiconError>) {
        let mut errors = Vec::new();
        let mut codes = CodeTable::default();
        for (path, text) in self.files.iter().filter(|(p, _)| p.ends_with("cameo.tsv")) {
            codes.parse_cameo(path, text, &mut errors);
        }
        for (path, text) in self
            .files
            .iter()
            .filter(|(p, _)| p.ends_with("plover_scale.tsv"))
        {
            codes.parse_scale(path, text, &mut errors);
        }
        let mut actors = actors::ActorBuilder::default();
        let mut events = events::EventBuilder::default();
        for (path, text) in &self.files {
            let name = path.rsplit('/').next().unwrap_or(path);
            if !name.ends_with(".txt") {
                continue;
            }
            // The kind follows from the name's first word: `people.txt`, `people-heads.txt`, …
            match name.split(['.', '-', '_']).next().unwrap_or("") {
                _ if path.contains("events/") || name.ends_with(".events.txt") => {
                    events.parse(path, text, &codes, &mut errors)
                }
                "countries" => actors.parse_countries(path, text, &mut errors),
                "organizations" => actors.parse_organizations(path, text, &mut errors),
                "people" => actors.parse_people(path, text, &mut errors),
                "sectors" => actors.parse_sectors(path, text, &mut errors),
                "disputed" => actors.parse_disputed(path, text, &mut errors),
                _ => {}
            }
        }
        for d in &self.peers {
            d.feed(&mut actors, &mut events, &mut codes);
        }
        let ours = self
            .files
            .iter()
            .any(|(p, _)| p.contains("events/") || p.ends_with(".events.txt"));
        let peer_rules = !self.peers.is_empty() && !ours;
        let mut events = events.build(&mut errors);
        events.prefer_forms = peer_rules;
        events.clause_bound = peer_rules && self.peers.iter().any(|d| d.petrarch2);
        let lexicon = Lexicon {
            codes,
            actors: actors.build(),
            events,
            peer_rules,
        };
        (lexicon, errors)
    }
}
