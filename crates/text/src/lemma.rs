//! Lemmas: inflected form → base forms, from the bundled lemminflect table plus suffix rules.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The lemma table shipped in `data/ling/lemmas.tsv` (derived from lemminflect, MIT; see NOTICE).
const TABLE: &str = include_str!("../../../data/ling/lemmas.tsv");

/// Maps a normalised word form to its possible lemmas.
#[derive(Debug)]
pub struct Lemmatizer {
    table: HashMap<&'static str, Vec<&'static str>>,
    lemmas: std::collections::HashSet<&'static str>,
}

impl Lemmatizer {
    /// The bundled table, parsed once per process.
    pub fn bundled() -> &'static Lemmatizer {
        static L: OnceLock<Lemmatizer> = OnceLock::new();
        L.get_or_init(|| Lemmatizer::parse(TABLE))
    }

    /// Parses `form<TAB>lemma[<TAB>pos]` lines; `#` lines are comments.
    pub fn parse(table: &'static str) -> Lemmatizer {
        let mut map: HashMap<&'static str, Vec<&'static str>> = HashMap::with_capacity(60_000);
        let mut lemmas = std::collections::HashSet::with_capacity(20_000);
        for line in table.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut f = line.split('\t');
            if let (Some(form), Some(lemma)) = (f.next(), f.next()) {
                let v = map.entry(form).or_default();
                if !v.contains(&lemma) {
                    v.push(lemma);
                }
                lemmas.insert(lemma);
            }
        }
        Lemmatizer { table: map, lemmas }
    }

    /// True for an ordinary English word (a form or lemma of the table): "March", "Police" and
    /// "Mobile" are words before they are places.
    pub fn is_word(&self, norm: &str) -> bool {
        self.table.contains_key(norm) || self.lemmas.contains(norm)
    }

    /// Every plausible lemma of `norm`, the form itself first. Suffix rules cover regular forms
    /// the table lacks ("shelled" → "shell", "ceasefires" → "ceasefire").
    pub fn lemmas<'a>(&'a self, norm: &'a str) -> Vec<Cow<'a, str>> {
        let mut out: Vec<Cow<'a, str>> = vec![Cow::Borrowed(norm)];
        if let Some(v) = self.table.get(norm) {
            out.extend(v.iter().map(|l| Cow::Borrowed(*l)));
            return out;
        }
        if norm.len() < 4 || !norm.is_ascii() {
            return out;
        }
        let mut add = |s: String| {
            if !out.iter().any(|o| o.as_ref() == s) {
                out.push(Cow::Owned(s));
            }
        };
        if let Some(stem) = norm.strip_suffix("ies") {
            add(format!("{stem}y"));
        }
        if let Some(stem) = norm.strip_suffix("es") {
            add(stem.to_string());
        }
        if let Some(stem) = norm.strip_suffix('s') {
            if !stem.ends_with('s') {
                add(stem.to_string());
            }
        }
        for suffix in ["ed", "ing"] {
            if let Some(stem) = norm.strip_suffix(suffix) {
                if stem.len() >= 2 {
                    add(stem.to_string());
                    add(format!("{stem}e"));
                    let b = stem.as_bytes();
                    if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
                        add(stem[..stem.len() - 1].to_string());
                    }
                    if let Some(y) = stem.strip_suffix('i') {
                        add(format!("{y}y"));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(form: &str, lemma: &str) -> bool {
        Lemmatizer::bundled()
            .lemmas(form)
            .iter()
            .any(|l| l == lemma)
    }

    #[test]
    fn irregular_and_regular_forms() {
        for (f, l) in [
            ("met", "meet"),
            ("fled", "flee"),
            ("struck", "strike"),
            ("said", "say"),
            ("seized", "seize"),
            ("shelled", "shell"),
            ("killed", "kill"),
            ("talks", "talk"),
            ("ceasefires", "ceasefire"),
            ("accusing", "accuse"),
            ("stopped", "stop"),
            ("carried", "carry"),
            ("disbanded", "disband"),
        ] {
            assert!(has(f, l), "{f} -> {l}");
        }
    }
}
