//! TABARI phrases and verb patterns compiled into word matchers.
//!
//! A word followed by `_` must match exactly (plus the regular endings where allowed); without
//! it the word is a stem. `_` between two elements makes them consecutive, a blank lets words
//! come between; `~_` keeps the stem but makes the next element consecutive; `=` ends a word
//! that takes no endings. Pattern alternatives `{ a | b }` and synsets `&NAME` are expanded at
//! load time into one flat pattern per choice.

use std::collections::HashMap;

/// Which regular endings an exact last word accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endings {
    None,
    /// Plural `S` and possessive `'S`.
    Noun,
    /// `S`, `ED`, `ES`, `EN`, `ING` (and `D` after a final `E`).
    Verb,
}

/// One dictionary word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub exact: bool,
    pub endings: Endings,
}

impl Word {
    pub fn matches(&self, tok: &str) -> bool {
        if !self.exact {
            return tok.starts_with(self.text.as_str());
        }
        let Some(rest) = tok.strip_prefix(self.text.as_str()) else {
            return false;
        };
        match (rest, self.endings) {
            ("", _) => true,
            (_, Endings::None) => false,
            (r, Endings::Noun) => matches!(r, "S" | "'S" | "S'"),
            (r, Endings::Verb) => {
                matches!(r, "S" | "ED" | "ES" | "EN" | "ING")
                    || (r == "D" && self.text.ends_with('E'))
            }
        }
    }

    /// Letters and digits, the measure TABARI sorts phrases by.
    pub fn len(&self) -> usize {
        self.text.chars().filter(|c| c.is_alphanumeric()).count()
    }
}

/// A dictionary phrase: words, each with whether the next one must follow immediately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub words: Vec<(Word, bool)>,
}

impl Phrase {
    /// Reads `AL_GORE`, `DURTHANG ORC`, `ESTONIA_`, `MOUSE=`; `endings` apply to the last word.
    pub fn parse(text: &str, endings: Endings) -> Option<Phrase> {
        let mut words: Vec<(Word, bool)> = Vec::new();
        for chunk in text.replace('-', "_").split_whitespace() {
            let parts: Vec<&str> = chunk.split('_').collect();
            for (i, part) in parts.iter().enumerate() {
                if part.is_empty() {
                    continue;
                }
                let followed = i + 1 < parts.len();
                let glued = parts.get(i + 1).is_some_and(|p| !p.is_empty());
                let (mut w, mut exact, mut end) = (part.to_string(), followed, endings);
                if let Some(s) = w.strip_suffix('=') {
                    w = s.to_string();
                    exact = true;
                    end = Endings::None;
                }
                if let Some(s) = w.strip_suffix('~') {
                    w = s.to_string();
                    exact = false;
                }
                if w.is_empty() {
                    continue;
                }
                words.push((
                    Word {
                        text: w.to_ascii_uppercase(),
                        exact,
                        endings: end,
                    },
                    glued,
                ));
            }
        }
        let n = words.len();
        for (i, (w, _)) in words.iter_mut().enumerate() {
            if i + 1 < n && w.endings != Endings::None && w.exact {
                w.endings = Endings::None;
            }
        }
        if let Some((_, g)) = words.last_mut() {
            *g = false;
        }
        (!words.is_empty()).then_some(Phrase { words })
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|(w, _)| w.len()).sum()
    }

    /// The token positions the phrase matches starting at `at`: consecutive words on the next
    /// token, the others on the first later token that matches.
    pub fn match_at(&self, toks: &[&str], at: usize, taken: &[bool]) -> Option<Vec<usize>> {
        let (first, mut glued) = self.words.first()?;
        if taken[at] || !first.matches(toks[at]) {
            return None;
        }
        let mut out = vec![at];
        let mut pos = at;
        for (w, g) in &self.words[1..] {
            let found = if glued {
                (pos + 1 < toks.len() && !taken[pos + 1] && w.matches(toks[pos + 1]))
                    .then_some(pos + 1)
            } else {
                (pos + 1..toks.len()).find(|&k| !taken[k] && w.matches(toks[k]))
            };
            pos = found?;
            out.push(pos);
            glued = *g;
        }
        Some(out)
    }
}

/// One element of a flat (alternative-free) pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Elem {
    /// A literal; the flag says it came from a synset (its length does not count).
    Word(Word, bool),
    /// `*`
    Verb,
    /// `$`
    Source,
    /// `+`
    Target,
    /// `%`
    Compound,
    /// `^`
    Skip,
    /// `@`
    Attrib,
}

/// A flat pattern: the elements before and after the verb, each with whether the next element
/// (or the verb) must follow immediately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub pre: Flat,
    /// Whether the first `post` element must follow the verb immediately.
    pub verb_glued: bool,
    pub post: Flat,
    pub code: String,
    /// Length of the matched literals (synset words excluded).
    pub len: usize,
    /// The pattern as written, for evidence and debugging.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    Word(String, bool),
    Token(char),
    Synset(String),
    Open,
    Bar,
    Close,
}

/// Lexemes with "followed by `_`" and "glued to the next lexeme" flags.
fn lex(text: &str) -> Vec<(Lex, bool, bool)> {
    let chars: Vec<char> = text.replace('-', "_").chars().collect();
    let mut out: Vec<(Lex, bool, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let lexeme = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '_' => {
                if let Some(last) = out.last_mut() {
                    last.1 = true;
                    last.2 = chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
                }
                i += 1;
                continue;
            }
            '{' => Lex::Open,
            '|' => Lex::Bar,
            '}' => Lex::Close,
            '*' | '$' | '+' | '%' | '^' | '@' => Lex::Token(c),
            _ => {
                let start = i;
                let ends_word = |c: char, first: bool| {
                    c.is_whitespace()
                        || matches!(c, '_' | '{' | '|' | '}')
                        || (!first && matches!(c, '*' | '$' | '+' | '%' | '^' | '@'))
                };
                while i < chars.len() && !ends_word(chars[i], i == start) {
                    i += 1;
                }
                let w: String = chars[start..i].iter().collect();
                let glued = w.ends_with('~') && i < chars.len();
                out.push(match w.strip_prefix('&') {
                    Some(name) => (Lex::Synset(name.to_string()), false, false),
                    None => (Lex::Word(w, false), false, glued),
                });
                continue;
            }
        };
        out.push((lexeme, false, false));
        i += 1;
    }
    out
}

/// Flat sequences of pattern elements (each with its "next follows immediately" flag).
type Flat = Vec<(Elem, bool)>;

/// Compiled synsets: the flat member sequences by name.
pub(crate) type Synsets = HashMap<String, Vec<Flat>>;

/// A pattern sequence with alternatives still inside, as a list of choices per slot.
type Seq = Vec<Vec<Flat>>;

/// Reads lexemes into slots; each slot holds the alternative flat sequences it can be.
fn parse_seq(
    lx: &[(Lex, bool, bool)],
    i: &mut usize,
    synsets: &Synsets,
    in_alt: bool,
) -> Result<Seq, String> {
    let mut slots: Seq = Vec::new();
    while *i < lx.len() {
        let (l, underscore, glued) = &lx[*i];
        match l {
            Lex::Bar | Lex::Close if in_alt => return Ok(slots),
            Lex::Bar | Lex::Close => return Err("'|' or '}' outside { … }".into()),
            Lex::Open => {
                *i += 1;
                let mut alts: Vec<Flat> = Vec::new();
                loop {
                    let seq = parse_seq(lx, i, synsets, true)?;
                    alts.extend(flatten(&seq)?);
                    if alts.len() > MAX_PHRASES {
                        return Err(format!(
                            "{{ … }} stands for more than {MAX_PHRASES} phrases"
                        ));
                    }
                    match lx.get(*i) {
                        Some((Lex::Bar, _, _)) => *i += 1,
                        Some((Lex::Close, _, g)) => {
                            for a in &mut alts {
                                if let Some(last) = a.last_mut() {
                                    last.1 = *g;
                                }
                            }
                            *i += 1;
                            break;
                        }
                        _ => return Err("unclosed '{'".into()),
                    }
                }
                slots.push(alts);
                continue;
            }
            Lex::Synset(name) => {
                let members = synsets
                    .get(name.trim_end_matches('_'))
                    .ok_or_else(|| format!("unknown synset &{name}"))?;
                let glue = *glued || lx.get(*i).is_some_and(|x| x.2);
                slots.push(
                    members
                        .iter()
                        .map(|m| {
                            let mut m = m.clone();
                            if let Some(last) = m.last_mut() {
                                last.1 = glue;
                            }
                            m
                        })
                        .collect(),
                );
            }
            Lex::Token(c) => {
                let e = match c {
                    '*' => Elem::Verb,
                    '$' => Elem::Source,
                    '+' => Elem::Target,
                    '%' => Elem::Compound,
                    '^' => Elem::Skip,
                    _ => Elem::Attrib,
                };
                slots.push(vec![vec![(e, *glued)]]);
            }
            Lex::Word(w, _) => {
                let mut text = w.to_ascii_uppercase();
                let mut exact = *underscore;
                if let Some(s) = text.strip_suffix('~') {
                    text = s.to_string();
                    exact = false;
                }
                if let Some(s) = text.strip_suffix('=') {
                    text = s.to_string();
                    exact = true;
                }
                slots.push(vec![vec![(
                    Elem::Word(
                        Word {
                            text,
                            exact,
                            endings: Endings::None,
                        },
                        false,
                    ),
                    *glued,
                )]]);
            }
        }
        *i += 1;
    }
    if in_alt {
        return Err("unclosed '{'".into());
    }
    Ok(slots)
}

/// Most flat phrases one pattern, alternative or synset may stand for: a runaway one (synsets
/// of synsets) is refused before it is built.
const MAX_PHRASES: usize = 1024;

/// Every flat sequence a slot list can be; more than [`MAX_PHRASES`] is an error.
fn flatten(slots: &Seq) -> Result<Vec<Flat>, String> {
    let n = slots
        .iter()
        .fold(1usize, |n, choices| n.saturating_mul(choices.len()));
    if n > MAX_PHRASES {
        return Err(format!("stands for {n} phrases, more than {MAX_PHRASES}"));
    }
    let mut out: Vec<Flat> = vec![Vec::new()];
    for choices in slots {
        let mut next = Vec::with_capacity(out.len() * choices.len());
        for prefix in &out {
            for c in choices {
                let mut p = prefix.clone();
                p.extend(c.iter().cloned());
                next.push(p);
            }
        }
        out = next;
    }
    Ok(out)
}

fn mark_synset(seq: &mut [(Elem, bool)]) {
    for (e, _) in seq {
        if let Elem::Word(_, s) = e {
            *s = true;
        }
    }
}

/// Compiles the synsets in file order (a member may name an earlier synset, not its own).
pub(crate) fn compile_synsets(defs: &[(String, Vec<String>)]) -> (Synsets, Vec<String>) {
    let mut out: Synsets = HashMap::new();
    let mut errors = Vec::new();
    for (name, members) in defs {
        let key = name.trim_start_matches('&').to_string();
        let mut flat = Vec::new();
        for m in members {
            let lx = lex(m);
            let mut i = 0;
            match parse_seq(&lx, &mut i, &out, false) {
                Ok(seq) => match flatten(&seq) {
                    Ok(phrases) if flat.len() + phrases.len() <= MAX_PHRASES => {
                        for mut f in phrases {
                            mark_synset(&mut f);
                            flat.push(f);
                        }
                    }
                    Ok(_) => errors.push(format!(
                        "synset &{key} member {m:?}: the synset would stand for more than {MAX_PHRASES} phrases"
                    )),
                    Err(e) => errors.push(format!("synset &{key} member {m:?}: {e}")),
                },
                Err(e) => errors.push(format!("synset &{key} member {m:?}: {e}")),
            }
        }
        out.insert(key, flat);
    }
    (out, errors)
}

/// Compiles one `- pattern [code]` line into its flat variants.
pub(crate) fn compile_pattern(
    text: &str,
    code: &str,
    synsets: &Synsets,
) -> Result<Vec<Pattern>, String> {
    let lx = lex(text);
    let mut i = 0;
    let seq = parse_seq(&lx, &mut i, synsets, false)?;
    let mut out = Vec::new();
    for flat in flatten(&seq)? {
        let Some(v) = flat.iter().position(|(e, _)| *e == Elem::Verb) else {
            return Err("pattern has no verb marker '*'".into());
        };
        let len = flat
            .iter()
            .map(|(e, _)| match e {
                Elem::Word(w, false) => w.len(),
                _ => 0,
            })
            .sum();
        out.push(Pattern {
            pre: flat[..v].to_vec(),
            verb_glued: flat[v].1,
            post: flat[v + 1..].to_vec(),
            code: code.to_string(),
            len,
            text: text.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_or_synset_that_stands_for_too_many_phrases_is_refused() {
        let members = |prefix: &str| (0..40).map(|i| format!("{prefix}{i}")).collect();
        let defs = vec![
            ("&SMALL".to_string(), members("S")),
            ("&WIDE".to_string(), members("&SMALL W")),
        ];
        let (synsets, errors) = compile_synsets(&defs);
        assert_eq!(synsets["SMALL"].len(), 40);
        // 40 members of 40 phrases each: only the first 25 fit under the limit.
        assert_eq!(synsets["WIDE"].len(), MAX_PHRASES / 40 * 40);
        assert_eq!(errors.len(), 40 - MAX_PHRASES / 40, "{errors:?}");
        assert_eq!(
            compile_pattern("&SMALL *", "010", &synsets).unwrap().len(),
            40
        );
        let refused = compile_pattern("&SMALL &SMALL *", "010", &synsets).unwrap_err();
        assert!(refused.contains("1600 phrases"), "{refused}");
    }

    #[test]
    fn words_stems_and_endings() {
        let p = Phrase::parse("ESTONIA_", Endings::Noun).unwrap();
        assert!(p.words[0].0.matches("ESTONIA'S") && p.words[0].0.matches("ESTONIAS"));
        assert!(!p.words[0].0.matches("ESTONIAXS"));
        let v = Phrase::parse("DEPLORE_", Endings::Verb).unwrap();
        assert!(v.words[0].0.matches("DEPLORED") && !v.words[0].0.matches("DEPLOREZ"));
        let m = Phrase::parse("MOUSE=", Endings::Noun).unwrap();
        assert!(!m.words[0].0.matches("MOUSES"));
        let a = Phrase::parse("AL_GORE", Endings::Noun).unwrap();
        assert!(a.words[0].1 && a.words[0].0.exact && !a.words[1].0.exact);
        let toks = ["AL", "THE", "GORE"];
        assert!(a.match_at(&toks, 0, &[false; 3]).is_none());
        let b = Phrase::parse("AL GORE", Endings::Noun).unwrap();
        assert_eq!(b.match_at(&toks, 0, &[false; 3]), Some(vec![0, 2]));
    }

    #[test]
    fn patterns_connectors_alternatives_and_synsets() {
        let (syn, e) =
            compile_synsets(&[("&CUR".into(), vec!["DOLLAR".into(), "SWISS_FRANC".into()])]);
        assert!(e.is_empty());
        let p = compile_pattern("IN_*", "075", &syn).unwrap();
        assert_eq!(p.len(), 1);
        assert!(p[0].pre[0].1 && matches!(&p[0].pre[0].0, Elem::Word(w, _) if w.exact));
        let p = compile_pattern("* { GENEVA_ | INTERNATIONAL }_CONVENTIONS", "1", &syn).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p[0].post[0].1);
        let p = compile_pattern("* MILLIONS_OF_&CUR", "1", &syn).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].len, "MILLIONSOF".len());
        let p = compile_pattern("* REAL~_PLEASANT", "1", &syn).unwrap();
        assert!(matches!(&p[0].post[0], (Elem::Word(w, _), true) if !w.exact));
        assert!(compile_pattern("NO VERB", "1", &syn).is_err());
    }
}
