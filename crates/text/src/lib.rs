//! Text stage: from an article's full text to sentences of tokens, without ever moving an offset.
//!
//! eventwire never rewrites the input. Cleaning ([`clean`]) marks lines that are page furniture
//! ("Also read: …", bylines, photo credits, "Reporting by …") as skipped; segmentation
//! ([`segment`]) cuts the kept lines into sentences; tokenization ([`tokenize`]) yields tokens
//! whose `start..end` are byte offsets into the same string, each with a normalised form for
//! matching (lower case, straight quotes, no diacritics). [`Lemmatizer`] maps inflected forms to
//! lemmas from the bundled lemminflect table.
//!
//! ```
//! use eventwire_text::{segment, Document};
//! let doc = Document::new("Title", "Gen. Smith arrived at 1 p.m. on Monday. He left.\nAlso read: other news");
//! let sents = segment(&doc);
//! assert_eq!(sents.len(), 3); // title + two sentences; the link line is dropped
//! assert_eq!(&doc.text[sents[1].start..sents[1].end], "Gen. Smith arrived at 1 p.m. on Monday.");
//! ```
#![deny(missing_docs)]

mod clean;
mod lemma;
mod segment;
mod token;

pub use clean::{clean, LineKind};
pub use lemma::Lemmatizer;
pub use segment::{segment, Sentence};
pub use token::{normalize, tokenize, Token, TokenKind};

/// An article's full text (`title + "\n" + body`) and where its body starts.
#[derive(Debug, Clone)]
pub struct Document {
    /// The full text; every offset points into it.
    pub text: String,
    /// Byte offset where the body starts (title length + 1).
    pub body_start: usize,
}

impl Document {
    /// Joins title and body the way the output contract does.
    pub fn new(title: &str, body: &str) -> Self {
        let mut text = String::with_capacity(title.len() + body.len() + 1);
        text.push_str(title);
        text.push('\n');
        text.push_str(body);
        Document {
            text,
            body_start: title.len() + 1,
        }
    }

    /// Converts byte offsets to code-point offsets, as the output contract counts.
    pub fn char_offsets(&self) -> CharIndex {
        CharIndex::new(&self.text)
    }
}

/// Byte offset → code-point offset, for one string.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// `None` when the string is ASCII (offsets are equal).
    table: Option<Vec<u32>>,
}

impl CharIndex {
    /// Builds the table (free for ASCII text).
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { table: None };
        }
        let mut table = Vec::with_capacity(text.len() + 1);
        let mut chars = 0u32;
        for ch in text.chars() {
            for _ in 0..ch.len_utf8() {
                table.push(chars);
            }
            chars += 1;
        }
        table.push(chars);
        CharIndex { table: Some(table) }
    }

    /// Code-point offset of a byte offset (which must lie on a char boundary or at the end).
    pub fn char_of(&self, byte: usize) -> usize {
        match &self.table {
            None => byte,
            Some(t) => t.get(byte).copied().unwrap_or(*t.last().unwrap_or(&0)) as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_code_points() {
        let s = "a–b c";
        let idx = CharIndex::new(s);
        assert_eq!(idx.char_of(0), 0);
        assert_eq!(idx.char_of(1), 1);
        assert_eq!(idx.char_of(4), 2);
        assert_eq!(idx.char_of(s.len()), 5);
    }
}
