//! Readers that turn news inputs into [`Article`]s, or into [`ReadError`]s that name the file,
//! the line or record, and the reason. Nothing here panics on bad input.
//!
//! - [`read_path`]: any file or folder (recursively); format by extension or content; gzip and
//!   zstd decompressed transparently ([`files`]).
//! - JSONL ([`read_jsonl`], one article a line) and plain text ([`read_text`], first line the title).
//! - HTML pages: main text, title, date, canonical URL ([`html`]).
//! - WARC / WARC.gz response records ([`warc`]); RSS/Atom feeds and OPML lists ([`feed`]);
//!   CSV/TSV with named columns ([`table`]).
//!
//! ```
//! use eventwire_ingest::read_jsonl;
//! let input = "{\"id\":\"a\",\"title\":\"T\",\"text\":\"Body.\",\"published\":\"2023-09-20\"}\nnot json\n";
//! let got: Vec<_> = read_jsonl("x.jsonl", input.as_bytes()).collect();
//! assert!(got[0].is_ok());
//! assert_eq!(got[1].as_ref().unwrap_err().to_string(), "x.jsonl:2: not JSON (expected an object with id, title, text, published): expected ident at line 1 column 2");
//! ```
#![deny(missing_docs)]

pub mod compress;
pub mod date;
pub mod detect;
pub mod feed;
pub mod files;
pub mod html;
pub mod table;
pub mod warc;

pub use detect::Format;
pub use files::{read_path, read_reader, Articles, Options};
pub use table::Columns;

use eventwire_model::Article;
use serde::Deserialize;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

/// Longest line or file accepted (bytes): 8 MiB, far beyond any news article. Longer input is
/// reported as a bad record and never held in memory.
pub const MAX_RECORD: usize = 8 << 20;

/// A record that could not be read, with its location: `file:line: reason`, or `file: reason`
/// when no line applies (the whole file, or a record named in the reason).
#[derive(Debug, thiserror::Error)]
pub struct ReadError {
    /// File name as given (`-` for stdin).
    pub file: String,
    /// 1-based line (0 for the whole file or a record that is not a line).
    pub line: usize,
    /// Why (names the record — WARC record, feed item — where there is no line).
    pub reason: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.reason),
            line => write!(f, "{}:{line}: {}", self.file, self.reason),
        }
    }
}

#[derive(Deserialize)]
struct RawArticle {
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    text: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// Reads JSONL articles; each bad line becomes one error and reading goes on. A read error (a
/// corrupt or refused compressed stream) is the last item.
pub fn read_jsonl<'a, R: Read + 'a>(
    file: &str,
    input: R,
) -> impl Iterator<Item = Result<Article, ReadError>> + 'a {
    let file = file.to_string();
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    let mut broken = false;
    std::iter::from_fn(move || loop {
        if broken {
            return None;
        }
        buf.clear();
        line_no += 1;
        let err = |reason: String| ReadError {
            file: file.clone(),
            line: line_no,
            reason,
        };
        match read_bounded_line(&mut reader, &mut buf) {
            Ok(None) => return None,
            Ok(Some(false)) => {
                return Some(Err(err(format!(
                    "line longer than {} MiB; skipped",
                    MAX_RECORD >> 20
                ))))
            }
            Err(e) => {
                // A stream that fails once (corrupt or refused compressed data) is not read further.
                broken = true;
                return Some(Err(err(format!("cannot read: {e}"))));
            }
            Ok(Some(true)) => {}
        }
        let Ok(line) = std::str::from_utf8(&buf) else {
            return Some(Err(err("invalid UTF-8".into())));
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        return Some(parse_article(line, line_no).map_err(err));
    })
}

/// Reads one line into `buf` without holding more than [`MAX_RECORD`] bytes: `Some(false)` when it was too long.
fn read_bounded_line<R: BufRead>(r: &mut R, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(!too_long));
        }
        any = true;
        let (take, done) = match memchr_newline(chunk) {
            Some(k) => (k + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_RECORD {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take);
        if done {
            return Ok(Some(!too_long));
        }
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn parse_article(line: &str, line_no: usize) -> Result<Article, String> {
    let raw: RawArticle = serde_json::from_str(line).map_err(|e| {
        format!("not JSON (expected an object with id, title, text, published): {e}")
    })?;
    let text = raw
        .text
        .ok_or("missing field \"text\" (expected id, title, text, published)")?;
    let id = match raw.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        None => format!("line{line_no}"),
        Some(other) => return Err(format!("field \"id\" must be a string, found {other}")),
    };
    Ok(Article {
        id,
        title: raw.title.unwrap_or_default(),
        text,
        published: raw.published.unwrap_or_default(),
        url: raw.url,
        source: raw.source,
        language: raw.language,
    })
}

/// Reads a plain-text article: first line the title, the rest the body; `id` from the file name.
pub fn read_text(
    file: &str,
    id: &str,
    mut input: impl Read,
    published: &str,
) -> Result<Article, ReadError> {
    let err = |line, reason: String| ReadError {
        file: file.to_string(),
        line,
        reason,
    };
    let mut bytes = Vec::new();
    input
        .by_ref()
        .take(MAX_RECORD as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(0, format!("cannot read: {e}")))?;
    if bytes.len() > MAX_RECORD {
        return Err(err(0, format!("file longer than {} MiB", MAX_RECORD >> 20)));
    }
    if bytes.contains(&0) {
        return Err(err(0, "binary file (contains NUL bytes), not text".into()));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        err(
            upto.iter().filter(|&&b| b == b'\n').count() + 1,
            "invalid UTF-8".into(),
        )
    })?;
    if text.trim().is_empty() {
        return Err(err(0, "empty file".into()));
    }
    let (title, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    Ok(Article::new(
        id,
        title.trim_end_matches('\r'),
        body,
        published,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_records_are_located_and_reading_goes_on() {
        let input = b"{\"id\":\"a\",\"text\":\"x\",\"published\":\"2023-01-01\"}\n{\"id\":\"b\"}\n\xff\xfe\n{\"id\":\"c\",\"text\":\"y\"}\n{\"id\":\"d\",\"te";
        let got: Vec<_> = read_jsonl("in.jsonl", &input[..]).collect();
        assert_eq!(got.len(), 5);
        assert!(got[0].is_ok() && got[3].is_ok());
        assert_eq!(
            got[1].as_ref().unwrap_err().to_string(),
            "in.jsonl:2: missing field \"text\" (expected id, title, text, published)"
        );
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            "in.jsonl:3: invalid UTF-8"
        );
        assert!(got[4]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("in.jsonl:5: not JSON"));
    }

    #[test]
    fn text_files() {
        let a = read_text("s.txt", "s", &b"Title\nBody line."[..], "2023-09-20").unwrap();
        assert_eq!((a.title.as_str(), a.text.as_str()), ("Title", "Body line."));
        assert!(read_text("e.txt", "e", &b"  \n"[..], "").is_err());
        assert!(read_text("b.bin", "b", &b"\x00\x01"[..], "")
            .unwrap_err()
            .to_string()
            .contains("binary"));
    }
}
