//! Tokens with byte offsets and a normalised form for matching.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (possibly with digits): "Azerbaijan", "U.S.", "'s", "n't".
    Word,
    /// Digits, with inner separators: "120,000", "3.5", "0900".
    Number,
    /// Anything else, one character: ",", ".", "“", "-".
    Punct,
}

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// First byte in the document text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Lower case, straight quotes, diacritics removed.
    pub norm: String,
    /// Word, number or punctuation.
    pub kind: TokenKind,
    /// The first character is upper case.
    pub capitalized: bool,
    /// Every letter is upper case and there are at least two ("US", "NATO").
    pub all_caps: bool,
}

impl Token {
    /// True for punctuation that ends a clause or list item: `,` `;` `:` and dashes.
    pub fn is_clause_break(&self) -> bool {
        self.kind == TokenKind::Punct
            && matches!(self.norm.as_str(), "," | ";" | ":" | "—" | "–" | "(" | ")")
    }
}

/// Titles whose period belongs to the word ("Gen.", "Mr.").
const DOTTED_TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "gov", "sen", "rep", "prof",
    "st", "jr", "sr", "no",
];

/// Tokenizes `text[start..end]`; offsets refer to `text`.
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut out = Vec::with_capacity((end - start) / 5 + 1);
    let s = &text[start..end];
    let mut iter = s.char_indices().peekable();
    while let Some(&(i, c)) = iter.peek() {
        if c.is_whitespace() {
            iter.next();
            continue;
        }
        if c.is_alphanumeric() {
            let word_end = scan_word(s, i);
            split_clitics(text, start + i, start + word_end, &mut out);
            while iter.peek().is_some_and(|&(k, _)| k < word_end) {
                iter.next();
            }
            continue;
        }
        // Clitics written with an apostrophe after a space-less word are handled in split_clitics;
        // a lone apostrophe or quote is punctuation.
        iter.next();
        let e = i + c.len_utf8();
        out.push(make(text, start + i, start + e, TokenKind::Punct));
    }
    out
}

/// Returns the end (relative byte offset) of the word starting at `i`.
fn scan_word(s: &str, i: usize) -> usize {
    let mut end = i;
    let chars = s[i..].char_indices();
    let first_digit = s[i..].chars().next().is_some_and(|c| c.is_ascii_digit());
    for (k, c) in chars {
        let at = i + k;
        if c.is_alphanumeric() || is_combining_mark(c) {
            end = at + c.len_utf8();
            continue;
        }
        let next = s[at + c.len_utf8()..].chars().next();
        match c {
            // 120,000 and 3.5
            ',' | '.' if first_digit && next.is_some_and(|n| n.is_ascii_digit()) => end = at + 1,
            // U.S. / p.m. : letter '.' letter '.'
            '.' if !first_digit && is_acronym_dot(s, i, at) => end = at + 1,
            // Gen. / Mr.
            '.' if !first_digit
                && DOTTED_TITLES.contains(&s[i..at].to_ascii_lowercase().as_str()) =>
            {
                end = at + 1;
                break;
            }
            // Apostrophes inside words (O'Brien, don't, Ukraine's) stay; clitics are split later.
            '\'' | '’' if next.is_some_and(char::is_alphabetic) => end = at + c.len_utf8(),
            _ => break,
        }
    }
    end
}

/// "U.S.", "U.N.", "p.m.": every segment before a dot is one letter.
fn is_acronym_dot(s: &str, word_start: usize, dot: usize) -> bool {
    let seg_start = s[word_start..dot]
        .rfind('.')
        .map_or(word_start, |k| word_start + k + 1);
    let seg = &s[seg_start..dot];
    if seg.chars().count() != 1 {
        return false;
    }
    let after = &s[dot + 1..];
    let next_is_letter_dot = {
        let mut it = after.chars();
        matches!((it.next(), it.next()), (Some(a), Some('.')) if a.is_alphabetic())
    };
    next_is_letter_dot || seg_start > word_start
}

/// Pushes a word, splitting "'s", "'" and "n't" off the end PTB-style.
fn split_clitics(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let w = &text[start..end];
    let lower = w.to_lowercase().replace('’', "'");
    for suffix in ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"] {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            let cut = end - byte_len_of_suffix(w, suffix.chars().count());
            out.push(make(text, start, cut, TokenKind::Word));
            out.push(make(text, cut, end, TokenKind::Word));
            return;
        }
    }
    let kind = if w.chars().next().is_some_and(|c| c.is_ascii_digit())
        && w.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    out.push(make(text, start, end, kind));
}

fn byte_len_of_suffix(w: &str, chars: usize) -> usize {
    w.chars().rev().take(chars).map(char::len_utf8).sum()
}

fn make(text: &str, start: usize, end: usize, kind: TokenKind) -> Token {
    let raw = &text[start..end];
    let norm = normalize(raw);
    let capitalized = raw.chars().next().is_some_and(char::is_uppercase);
    let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
    let all_caps = letters >= 2
        && raw
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    Token {
        start,
        end,
        norm,
        kind,
        capitalized,
        all_caps,
    }
}

/// Lower case, straight quotes and dashes, diacritics removed: the form used for every lookup.
pub fn normalize(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_ascii_lowercase();
    }
    let mut s = String::with_capacity(raw.len());
    for c in raw.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            '’' | '‘' | '`' | '´' => s.push('\''),
            '“' | '”' | '«' | '»' | '„' => s.push('"'),
            '–' | '—' | '‑' | '‐' => s.push('-'),
            'ı' => s.push('i'),
            _ => s.extend(c.to_lowercase()),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(s: &str) -> Vec<String> {
        tokenize(s, 0, s.len())
            .into_iter()
            .map(|t| t.norm)
            .collect()
    }

    #[test]
    fn ptb_like_tokens() {
        assert_eq!(
            norms("Ukraine's troops didn't leave."),
            ["ukraine", "'s", "troops", "did", "n't", "leave", "."]
        );
        assert_eq!(
            norms("The U.S. paid $1.5 million to 120,000 people"),
            ["the", "u.s.", "paid", "$", "1.5", "million", "to", "120,000", "people"]
        );
        assert_eq!(
            norms("Gen. Ali, at 1 p.m."),
            ["gen.", "ali", ",", "at", "1", "p.m."]
        );
        assert_eq!(
            norms("Nagorno-Karabakh’s Erdoğan"),
            ["nagorno", "-", "karabakh", "'s", "erdogan"]
        );
    }

    #[test]
    fn offsets_slice_the_original() {
        let s = "“Baku’s army,” he said — Türkiye.";
        for t in tokenize(s, 0, s.len()) {
            assert_eq!(normalize(&s[t.start..t.end]), t.norm);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_tokenizes_on_char_boundaries(s in "\\PC{0,80}") {
            for t in tokenize(&s, 0, s.len()) {
                proptest::prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end) && t.start < t.end);
            }
        }
    }
}
