//! Sentence segmentation over the kept lines of a [`Document`].

use crate::clean::{clean, LineKind};
use crate::token::{tokenize, Token};
use crate::Document;

/// One sentence: a byte range of the document and its tokens.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// 0 for the title, then 1, 2, … in body order.
    pub seq: usize,
    /// First byte in the document text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Tokens with byte offsets into the document text.
    pub tokens: Vec<Token>,
}

/// Words after which a period does not end a sentence (lower case, no period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "adm",
    "cmdr", "gov", "sen", "rep", "rev", "st", "jr", "sr", "no", "nos", "vs", "v", "etc", "inc",
    "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "fig", "approx", "dept", "est", "pres", "gens", "messrs", "mmes",
    "hon", "amb", "brig", "supt", "insp", "pvt", "al", "ave", "blvd", "rd", "univ", "assn", "bros",
    "op", "pp", "vol", "art", "sec", "para",
];

/// Words that typically open a sentence; after a dotted acronym ("U.S.") they signal a break.
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "There",
    "His",
    "Her",
    "Their",
    "Its",
    "Some",
    "Many",
    "Officials",
    "However",
    "Meanwhile",
    "After",
    "Before",
    "When",
    "While",
    "Earlier",
    "Later",
    "On",
    "According",
];

/// Cuts the title (sentence 0) and every news line of the body into sentences.
pub fn segment(doc: &Document) -> Vec<Sentence> {
    let mut out = Vec::new();
    let title_end = doc.body_start.saturating_sub(1);
    if title_end > 0 && !doc.text[..title_end].trim().is_empty() {
        push(doc, &mut out, 0, title_end, true);
    }
    // A block is a news line plus the hard-wrapped lines that continue it (a line that does not
    // end a sentence, followed by one that starts in lower case).
    let mut block: Option<(usize, usize)> = None;
    for (start, end) in lines(&doc.text, doc.body_start) {
        let line = &doc.text[start..end];
        let kind = clean(line);
        if let Some((bs, be)) = block {
            let prev = doc.text[bs..be].trim_end();
            let continues = kind == LineKind::News
                && !prev.ends_with(['.', '!', '?', '"', '”', ':'])
                && line
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
            if continues {
                block = Some((bs, end));
                continue;
            }
            split_line(doc, &mut out, bs, be);
            block = None;
        }
        if kind == LineKind::News {
            block = Some((start, end));
        }
    }
    if let Some((bs, be)) = block {
        split_line(doc, &mut out, bs, be);
    }
    out
}

/// Byte ranges of the lines of `text` from `from` on (without the newline).
fn lines(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = from;
    let mut done = from > text.len();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let item = (start, end);
        if end == text.len() {
            done = true;
        } else {
            start = end + 1;
        }
        Some(item)
    })
}

fn push(doc: &Document, out: &mut Vec<Sentence>, start: usize, end: usize, is_title: bool) {
    let slice = &doc.text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    let (s, e) = (start + lead, end - trail);
    if s >= e {
        return;
    }
    // Body sentences number on from the last one (the title, if any, is 0 and comes first).
    let seq = if is_title {
        0
    } else {
        out.last().map_or(0, |x| x.seq) + 1
    };
    let tokens = tokenize(&doc.text, s, e);
    out.push(Sentence {
        seq,
        start: s,
        end: e,
        tokens,
    });
}

/// Maximum sentence length in bytes; longer runs are cut at a space so that no sentence is unbounded.
const MAX_SENTENCE: usize = 2_000;

fn split_line(doc: &Document, out: &mut Vec<Sentence>, start: usize, end: usize) {
    let text = &doc.text;
    let bytes = text.as_bytes();
    let mut sent_start = start;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        let is_terminal = matches!(b, b'.' | b'!' | b'?');
        if is_terminal {
            // Extend over further terminals and closing quotes/brackets.
            let mut j = i + 1;
            while j < end {
                let c = text[j..].chars().next().unwrap_or(' ');
                if matches!(
                    c,
                    '.' | '!' | '?' | '"' | '\'' | ')' | ']' | '”' | '’' | '»'
                ) {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            if j >= end {
                break;
            }
            let next_ws = text[j..].chars().next().is_some_and(char::is_whitespace);
            if next_ws && b == b'.' && !breaks_after_period(text, sent_start, i, j, end) {
                i = j;
                continue;
            }
            if next_ws && starts_like_sentence(text, j, end) {
                push(doc, out, sent_start, j, false);
                sent_start = j;
            }
            i = j;
            continue;
        }
        if i - sent_start > MAX_SENTENCE && b == b' ' {
            push(doc, out, sent_start, i, false);
            sent_start = i;
        }
        i += 1;
    }
    push(doc, out, sent_start, end, false);
}

/// The next non-space character opens a sentence: upper case, digit or an opening quote.
fn starts_like_sentence(text: &str, from: usize, end: usize) -> bool {
    let rest = text[from..end].trim_start();
    match rest.chars().next() {
        Some(c) => {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '«')
        }
        None => false,
    }
}

/// Decides whether the period at `dot` (with closers up to `after`) ends the sentence.
fn breaks_after_period(
    text: &str,
    sent_start: usize,
    dot: usize,
    after: usize,
    end: usize,
) -> bool {
    let word_start = text[sent_start..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map_or(sent_start, |(k, c)| sent_start + k + c.len_utf8());
    let word = &text[word_start..dot];
    if word.is_empty() {
        return true;
    }
    let next_word: &str = text[after..end].split_whitespace().next().unwrap_or("");
    let lower = word.to_ascii_lowercase();
    // Single initials ("John F. Kennedy") and known abbreviations never end a sentence.
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return false;
    }
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // Dotted acronyms: "U.S.", "p.m.", "a.m." end a sentence only before a typical opener.
    if word.contains('.') {
        let opener = next_word.trim_matches(|c: char| !c.is_alphanumeric());
        return SENTENCE_OPENERS.contains(&opener);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(body: &str) -> Vec<String> {
        let doc = Document::new("", body);
        segment(&doc)
            .iter()
            .map(|s| doc.text[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn survives_abbreviations_decimals_and_quotes() {
        let s = sentences(
            "The U.S. envoy met Gen. Ali at 1 p.m. (0900 GMT) on Wednesday. Inflation hit 3.5 percent. \
             He lives at No. 10 Downing Street. “We will stay,” he said. “Go.” They left!",
        );
        assert_eq!(
            s,
            vec![
                "The U.S. envoy met Gen. Ali at 1 p.m. (0900 GMT) on Wednesday.",
                "Inflation hit 3.5 percent.",
                "He lives at No. 10 Downing Street.",
                "“We will stay,” he said.",
                "“Go.”",
                "They left!",
            ]
        );
    }

    #[test]
    fn acronym_at_end_of_sentence() {
        let s = sentences("Troops withdrew from the U.S. The talks resumed.");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn title_is_sequence_zero_and_link_lines_are_dropped() {
        let doc = Document::new("A title", "One.\nAlso read: Two\nThree.");
        let s = segment(&doc);
        assert_eq!(s.iter().map(|x| x.seq).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(&doc.text[s[2].start..s[2].end], "Three.");
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let s = sentences("Showers continued throughout the week in\nthe Bahia cocoa zone, officials said.\n    The dry period\nmeans delays.");
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("officials said."));
    }
}
