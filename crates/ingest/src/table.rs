//! CSV and TSV exports: one article a row, columns found by name ([`Columns`]); a header row is
//! required. Rows stream, so a file of any size is read in constant memory.

use crate::{date::normalize_date, ReadError, MAX_RECORD};
use eventwire_model::Article;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Which header names hold which article field. `None` tries the usual names (given after each
/// field), case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Body text (`text`, `body`, `content`, `article`, `maintext`); required.
    pub text: Option<String>,
    /// Headline (`title`, `headline`).
    pub title: Option<String>,
    /// Publication date (`published`, `date`, `pubdate`, `publish_date`, `date_publish`).
    pub date: Option<String>,
    /// Address (`url`, `link`).
    pub url: Option<String>,
    /// Identifier (`id`, `guid`); without one, `<file stem>-<row>`.
    pub id: Option<String>,
    /// Publisher (`source`, `publisher`, `outlet`, `domain`).
    pub source: Option<String>,
}

/// Column positions resolved against a header row.
struct Mapping {
    text: usize,
    title: Option<usize>,
    date: Option<usize>,
    url: Option<usize>,
    id: Option<usize>,
    source: Option<usize>,
}

/// Reads a delimited file (`delimiter` `b','` or `b'\t'`); `stem` names rows without an id column.
/// A missing header or text column is one error; each bad row is one error at its line. A row
/// over [`MAX_RECORD`] bytes (an unclosed quote swallowing the rest of the file) or a read error
/// ends the file with one error, without holding more than that in memory.
pub fn read_table<'a>(
    file: &str,
    stem: &str,
    input: impl Read + Send + 'a,
    delimiter: u8,
    columns: &Columns,
) -> Box<dyn Iterator<Item = Result<Article, ReadError>> + Send + 'a> {
    let file = file.to_string();
    let stem = stem.to_string();
    let since_last_row = Arc::new(AtomicUsize::new(0));
    let input = RowLimit {
        inner: input,
        since_last_row: Arc::clone(&since_last_row),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(input);
    let mapping = match reader.headers() {
        Ok(headers) => resolve(headers, columns),
        Err(e) => Err(format!("cannot read the header row: {e}")),
    };
    let mapping = match mapping {
        Ok(m) => m,
        Err(reason) => {
            return Box::new(std::iter::once(Err(ReadError {
                file,
                line: 1,
                reason,
            })))
        }
    };
    let mut records = reader.into_byte_records();
    let (mut row, mut last_line, mut broken) = (0usize, 1usize, false);
    Box::new(std::iter::from_fn(move || {
        if broken {
            return None;
        }
        let record = records.next()?;
        since_last_row.store(0, Ordering::Relaxed);
        row += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                broken = matches!(e.kind(), csv::ErrorKind::Io(_));
                let line = e.position().map_or(last_line + 1, |p| p.line() as usize);
                return Some(Err(ReadError {
                    file: file.clone(),
                    line,
                    reason: format!("bad CSV row: {e}"),
                }));
            }
        };
        last_line = record.position().map_or(last_line, |p| p.line() as usize);
        Some(row_article(&file, &stem, row, last_line, &mapping, &record))
    }))
}

/// Stops a row from growing past [`MAX_RECORD`] bytes: the CSV reader holds a whole row in memory.
struct RowLimit<R> {
    inner: R,
    since_last_row: Arc<AtomicUsize>,
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The reader's own buffer (8 KiB) may hold the start of the next rows: allow for it.
        if self.since_last_row.load(Ordering::Relaxed) > MAX_RECORD + (64 << 10) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "row longer than {} MiB (an unclosed quote?); the rest of the file is not read",
                    MAX_RECORD >> 20
                ),
            ));
        }
        let n = self.inner.read(buf)?;
        self.since_last_row.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

fn row_article(
    file: &str,
    stem: &str,
    row: usize,
    line: usize,
    mapping: &Mapping,
    record: &csv::ByteRecord,
) -> Result<Article, ReadError> {
    let err = |reason: String| ReadError {
        file: file.to_string(),
        line,
        reason,
    };
    if record.as_slice().len() > MAX_RECORD {
        return Err(err(format!("row longer than {} MiB", MAX_RECORD >> 20)));
    }
    let field = |i: Option<usize>| -> Result<Option<String>, ReadError> {
        let Some(bytes) = i.and_then(|i| record.get(i)) else {
            return Ok(None);
        };
        let s = std::str::from_utf8(bytes).map_err(|_| err("invalid UTF-8".into()))?;
        let s = s.trim();
        Ok((!s.is_empty()).then(|| s.to_string()))
    };
    let text = field(Some(mapping.text))?.ok_or_else(|| err("empty text column".into()))?;
    let published = match field(mapping.date)? {
        Some(d) => normalize_date(&d).ok_or_else(|| err(format!("unparseable date {d:?}")))?,
        None => String::new(),
    };
    Ok(Article {
        id: field(mapping.id)?.unwrap_or_else(|| format!("{stem}-{row}")),
        title: field(mapping.title)?.unwrap_or_default(),
        text,
        published,
        url: field(mapping.url)?,
        source: field(mapping.source)?,
        language: None,
    })
}

fn resolve(headers: &csv::StringRecord, columns: &Columns) -> Result<Mapping, String> {
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let find =
        |given: &Option<String>, usual: &[&str], field: &str| -> Result<Option<usize>, String> {
            match given {
                Some(name) => names
                    .iter()
                    .position(|n| *n == name.trim().to_lowercase())
                    .map(Some)
                    .ok_or_else(|| {
                        format!(
                            "no column {name:?} for the {field} (header: {})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        )
                    }),
                None => Ok(usual.iter().find_map(|u| names.iter().position(|n| n == u))),
            }
        };
    let text = find(
        &columns.text,
        &["text", "body", "content", "article", "maintext"],
        "text",
    )?
    .ok_or_else(|| {
        format!(
            "no text column (tried text, body, content, article, maintext; header: {}); name it with the text column option",
            headers.iter().collect::<Vec<_>>().join(", ")
        )
    })?;
    Ok(Mapping {
        text,
        title: find(&columns.title, &["title", "headline"], "title")?,
        date: find(
            &columns.date,
            &[
                "published",
                "date",
                "pubdate",
                "publish_date",
                "date_publish",
            ],
            "date",
        )?,
        url: find(&columns.url, &["url", "link"], "url")?,
        id: find(&columns.id, &["id", "guid"], "id")?,
        source: find(
            &columns.source,
            &["source", "publisher", "outlet", "domain"],
            "source",
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_column_names_and_located_bad_rows() {
        let csv = "Headline,Body,Date,Link\n\"Truce, at last\",\"The guns fell silent.\nTalks follow.\",2023-09-20,https://e.com/t\nNo body,,2023-09-21,\nBad date,Text.,someday,\n";
        let got: Vec<_> =
            read_table("x.csv", "x", csv.as_bytes(), b',', &Columns::default()).collect();
        assert_eq!(got.len(), 3);
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.id, "x-1");
        assert_eq!(a.title, "Truce, at last");
        assert_eq!(a.text, "The guns fell silent.\nTalks follow.");
        assert_eq!(a.published, "2023-09-20");
        assert_eq!(a.url.as_deref(), Some("https://e.com/t"));
        assert_eq!(
            got[1].as_ref().unwrap_err().to_string(),
            "x.csv:4: empty text column"
        );
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            "x.csv:5: unparseable date \"someday\""
        );
    }

    #[test]
    fn an_unclosed_quote_ends_the_file_in_bounded_memory() {
        let mut csv = b"title,text\nA,Rebels attacked the town.\nB,\"never closed ".to_vec();
        csv.resize(3 * MAX_RECORD, b'x');
        let got: Vec<_> = read_table("q.csv", "q", &csv[..], b',', &Columns::default()).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].is_ok());
        assert_eq!(
            got[1].as_ref().unwrap_err().to_string(),
            "q.csv:3: bad CSV row: row longer than 8 MiB (an unclosed quote?); the rest of the file is not read"
        );
    }

    #[test]
    fn named_columns_and_tabs() {
        let tsv = "story_id\tstory\twhen\nk1\tSomething happened.\t20230920\n";
        let columns = Columns {
            text: Some("story".into()),
            date: Some("when".into()),
            id: Some("story_id".into()),
            ..Columns::default()
        };
        let got: Vec<_> = read_table("x.tsv", "x", tsv.as_bytes(), b'\t', &columns).collect();
        let a = got[0].as_ref().unwrap();
        assert_eq!((a.id.as_str(), a.published.as_str()), ("k1", "2023-09-20"));
        let missing = Columns {
            text: Some("nope".into()),
            ..Columns::default()
        };
        let got: Vec<_> = read_table("x.tsv", "x", tsv.as_bytes(), b'\t', &missing).collect();
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("x.tsv:1: no column \"nope\""));
    }
}
