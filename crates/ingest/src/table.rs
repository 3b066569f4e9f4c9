//! CSV and TSV exports: one article a row, columns found by name ([`Columns`]); a header row is
//! required. Rows stream, so a file of any size is read in constant memory.

use crate::{date::normalize_date, ReadError, MAX_RECORD};
use eventwire_model::Article;
use std::io::Read;

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
/// A missing header or text column is one error; each bad row is one error at its line.
pub fn read_table<'a>(
    file: &str,
    stem: &str,
    input: impl Read + Send + 'a,
    delimiter: u8,
    columns: &Columns,
) -> Box<dyn Iterator<Item = Result<Article, ReadError>> + Send + 'a> {
    let file = file.to_string();
    let stem = stem.to_string();
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
    let mut row = 0usize;
    Box::new(reader.into_byte_records().map(move |record| {
        row += 1;
        let record = record.map_err(|e| ReadError {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line() as usize),
            reason: format!("bad CSV row: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let err = |reason: String| ReadError {
            file: file.clone(),
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
    }))
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
