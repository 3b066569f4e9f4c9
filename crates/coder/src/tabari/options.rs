//! TABARI `.options` commands (and the `{ OPTION: … }` lines of validation records) that change
//! how sentences are coded.

/// When the coder stops looking for events (`SET: CODE BY …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeBy {
    /// The first event of every conjunction-delimited clause (the default).
    Clause,
    /// The first event of the sentence.
    Sentence,
    /// Every event (`SET: CODE ALL`).
    All,
}

/// `COMPLEX:` conditions: a sentence meeting one is not coded. Counts of 0 are inactive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Complexity {
    /// `VERBS[n]`
    pub verbs: usize,
    /// `ACTORS[n]`
    pub actors: usize,
    /// `PRONOUNS[n]`
    pub pronouns: usize,
    /// `CONJ[n]`
    pub conj: usize,
    /// `NOACTPRIOR`: no actor before the first coded verb.
    pub no_actor_prior: bool,
    /// `NOVERB`
    pub no_verb: bool,
}

/// `DEFAULT:` codes used when no source or target is found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// The default source and whether it applies whenever no actor precedes the verb (`PRIOR`).
    pub source: Option<(String, bool)>,
    /// The default target and whether it applies whenever no actor follows the verb (`AFTER`).
    pub target: Option<(String, bool)>,
}

/// `COMMA:` limits on the comma-delimited clauses that are dropped before coding: a clause is
/// dropped when its length in words is above the minimum and at most the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commas {
    /// `COMMA: OFF`
    pub off: bool,
    /// Internal clauses.
    pub min: usize,
    /// Internal clauses.
    pub max: usize,
    /// The clause that ends the sentence.
    pub emin: usize,
    /// The clause that ends the sentence.
    pub emax: usize,
    /// The clause that begins the sentence.
    pub bmin: usize,
    /// The clause that begins the sentence.
    pub bmax: usize,
}

impl Default for Commas {
    fn default() -> Self {
        Commas {
            off: false,
            min: 2,
            max: 10,
            emin: 2,
            emax: 10,
            bmin: 128,
            bmax: 0,
        }
    }
}

/// `FORWARD:` pronoun forwarding between consecutive sentences of a story, read from the record
/// id with a format such as `^^*****NNN*SSS` (`N` story, `S` sentence, `*` any, `^` blank).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forward {
    /// Positions of the story number in the id (after leading blanks).
    pub story: Vec<usize>,
    /// Positions of the sentence number.
    pub sentence: Vec<usize>,
}

impl Forward {
    /// (story, sentence) numbers of a record id; `None` when the id does not fit.
    pub fn numbers(&self, id: &str) -> Option<(String, u32)> {
        let chars: Vec<char> = id.trim_start().chars().collect();
        let pick = |pos: &[usize]| -> Option<String> {
            pos.iter().map(|&p| chars.get(p).copied()).collect()
        };
        let story = pick(&self.story)?;
        let sentence = pick(&self.sentence)?.parse().unwrap_or(0);
        Some((story, sentence))
    }
}

/// Every option the coder follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `SET: CODE BY …`
    pub code_by: CodeBy,
    /// `SET: MINIMUM WORDS = n` (commas count as words).
    pub min_words: usize,
    /// `COMPLEX:`
    pub complex: Complexity,
    /// `DEFAULT:`
    pub defaults: Defaults,
    /// `COMMA:`
    pub commas: Commas,
    /// `SET: CONVERT AGENTS = TRUE`: agents without an actor become actors.
    pub convert_agents: bool,
    /// `SET: TIME SHIFTING`: `<TIME>` phrases move the date.
    pub time_shift: bool,
    /// `FORWARD:` (not `OFF`).
    pub forward: Option<Forward>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            code_by: CodeBy::Clause,
            min_words: 8,
            complex: Complexity::default(),
            defaults: Defaults::default(),
            commas: Commas::default(),
            convert_agents: false,
            time_shift: false,
            forward: None,
        }
    }
}

fn flag(v: &str) -> Option<bool> {
    match v.trim().chars().next()? {
        'T' | 't' => Some(true),
        'F' | 'f' => Some(false),
        _ => None,
    }
}

/// `NAME = 12` or `NAME[12]` values in a command, by name.
fn number_after(s: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = s[from..].find(name) {
        let at = from + k;
        from = at + name.len();
        // Whole keyword only (MIN must not match EMIN).
        if at > 0 && s.as_bytes()[at - 1].is_ascii_alphabetic() {
            continue;
        }
        let rest = s[from..].trim_start_matches([' ', '=', '[']);
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            return digits.parse().ok();
        }
    }
    None
}

/// The code inside the first `[…]` after `keyword`.
fn bracket_after(s: &str, keyword: &str) -> Option<String> {
    let at = s.find(keyword)?;
    let rest = &s[at..];
    let a = rest.find('[')?;
    let b = rest[a..].find(']')? + a;
    Some(rest[a + 1..b].trim().to_ascii_uppercase())
}

impl Options {
    /// Applies one command line; returns false when the line is not a command the coder knows
    /// (output and label commands are accepted and ignored).
    pub fn apply(&mut self, line: &str) -> bool {
        let Some((cmd, rest)) = line.split_once(':') else {
            return false;
        };
        let cmd = cmd.trim().to_ascii_uppercase();
        let rest = rest.trim();
        let up = rest.to_ascii_uppercase();
        match cmd.get(..4).unwrap_or(&cmd) {
            "COMP" => {
                self.complex = Complexity {
                    verbs: number_after(&up, "VERBS").unwrap_or(0),
                    actors: number_after(&up, "ACTORS").unwrap_or(0),
                    pronouns: number_after(&up, "PRONOUNS").unwrap_or(0),
                    conj: number_after(&up, "CONJ").unwrap_or(0),
                    no_actor_prior: up.contains("NOACTPRIOR"),
                    no_verb: up.contains("NOVERB"),
                };
                true
            }
            "DEFA" => {
                if up.starts_with("OFF") {
                    self.defaults = Defaults::default();
                    return true;
                }
                let target_at = up.find("TARGET").unwrap_or(up.len());
                if let Some(c) = bracket_after(&up[..target_at], "SOURCE") {
                    self.defaults.source = Some((c, up[..target_at].contains("PRIOR")));
                }
                if let Some(c) = bracket_after(&up[target_at..], "TARGET") {
                    self.defaults.target = Some((c, up[target_at..].contains("AFTER")));
                }
                true
            }
            "COMM" => {
                if up.starts_with("OFF") {
                    self.commas.off = true;
                    return true;
                }
                let c = &mut self.commas;
                c.off = false;
                for (name, slot) in [
                    ("EMIN", &mut c.emin),
                    ("EMAX", &mut c.emax),
                    ("BMIN", &mut c.bmin),
                    ("BMAX", &mut c.bmax),
                    ("MIN", &mut c.min),
                    ("MAX", &mut c.max),
                ] {
                    if let Some(v) = number_after(&up, name) {
                        *slot = v;
                    }
                }
                true
            }
            "FORW" => {
                if up.contains("OFF") {
                    self.forward = None;
                    return true;
                }
                let format: String = up
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('^')
                    .to_string();
                let at = |ch: char| -> Vec<usize> {
                    format
                        .char_indices()
                        .filter(|(_, c)| *c == ch)
                        .map(|(i, _)| i)
                        .collect()
                };
                self.forward = Some(Forward {
                    story: at('N'),
                    sentence: at('S'),
                });
                true
            }
            "SET" => {
                let (name, value) = up.split_once('=').unwrap_or((up.as_str(), ""));
                let name = name.trim();
                if name.starts_with("CODE") {
                    self.code_by = if name.contains("ALL") {
                        CodeBy::All
                    } else if name.contains("SENT") {
                        CodeBy::Sentence
                    } else {
                        CodeBy::Clause
                    };
                } else if name.starts_with("MINIMUM") {
                    if let Ok(n) = value.trim().parse() {
                        self.min_words = n;
                    }
                } else if name.starts_with("CONVERT") {
                    self.convert_agents = flag(value).unwrap_or(false);
                } else if name.starts_with("TIME") {
                    self.time_shift = flag(value).unwrap_or(false);
                }
                true
            }
            "OUTP" | "LABE" | "ISSU" | "DISC" | "DELE" | "NONE" => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_commands() {
        let mut o = Options::default();
        assert!(o.apply("COMPLEX: VERBS[5] CONJ[4] NOACTPRIOR EXPLAIN"));
        assert_eq!((o.complex.verbs, o.complex.conj), (5, 4));
        assert!(o.complex.no_actor_prior);
        o.apply("DEFAULT: SOURCE [DEFSRC] PRIOR TARGET [DEFTAR]");
        assert_eq!(o.defaults.source, Some(("DEFSRC".into(), true)));
        assert_eq!(o.defaults.target, Some(("DEFTAR".into(), false)));
        o.apply("COMMA: MIN = 4 MAX = 6 EMIN = 3 EMAX = 6 BMIN = 3 BMAX = 8");
        assert_eq!(
            (o.commas.min, o.commas.max, o.commas.emin, o.commas.bmax),
            (4, 6, 3, 8)
        );
        o.apply("SET: CODE ALL");
        assert_eq!(o.code_by, CodeBy::All);
        o.apply("FORWARD: ^^*****NNN*SSS");
        let f = o.forward.clone().unwrap();
        assert_eq!(f.numbers("FRWD-001-002"), Some(("001".into(), 2)));
        assert!(!o.apply("NONSENSE"));
    }
}
