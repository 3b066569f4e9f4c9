//! One entry point for every supported input: [`read_path`] takes a file (any format, plain,
//! gzip or zstd) or a folder (walked recursively) and yields articles or located errors. Nothing
//! here panics or stops early: an unreadable file is one error and the walk goes on.

use crate::compress::{decompress, strip_compression_extension};
use crate::detect::Format;
use crate::feed::{opml_feeds, read_feed, FeedRef};
use crate::table::{read_table, Columns};
use crate::{html, read_jsonl, read_text, warc::read_warc, ReadError, MAX_RECORD};
use eventwire_model::Article;
use std::io::{BufRead, Read};
use std::path::Path;

/// Largest feed or OPML file read (feeds are parsed whole): 64 MiB.
const MAX_FEED: u64 = 64 << 20;

/// Articles or located errors, in file order.
pub type Articles = Box<dyn Iterator<Item = Result<Article, ReadError>> + Send>;

/// How to read inputs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Date for articles whose input gives none (plain text always; pages, feeds and rows
    /// without a date), `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Column names for CSV/TSV.
    pub columns: Columns,
    /// Read every file as this format instead of detecting it.
    pub format: Option<Format>,
}

/// Reads a file or, recursively, a folder. In a folder, files are taken in name order; hidden
/// files and folders, and files whose extension names no supported format, are passed over
/// (files without an extension are sniffed).
pub fn read_path(path: &Path, options: &Options) -> Articles {
    let name = path.to_string_lossy();
    if name.starts_with("http://") || name.starts_with("https://") {
        return one_error(
            &name,
            "fetching over the network is not supported; download the file and give its path"
                .into(),
        );
    }
    if path.is_dir() {
        return walk(path, options);
    }
    read_file(path, options)
}

fn walk(root: &Path, options: &Options) -> Articles {
    let options = options.clone();
    let entries = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    Box::new(entries.flat_map(move |entry| -> Articles {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let file = e.path().unwrap_or(Path::new("?")).display().to_string();
                return one_error(&file, format!("cannot read: {e}"));
            }
        };
        if !entry.file_type().is_file() {
            return Box::new(std::iter::empty());
        }
        let name = entry.file_name().to_string_lossy();
        let inner = strip_compression_extension(&name);
        let has_extension = inner.contains('.');
        let supported = Format::from_name(inner).is_some() || Format::needs_sniffing(inner);
        if has_extension && !supported && options.format.is_none() {
            return Box::new(std::iter::empty());
        }
        read_file(entry.path(), &options)
    }))
}

fn read_file(path: &Path, options: &Options) -> Articles {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(f) => read_reader(&name, f, options),
        Err(e) => one_error(&name, format!("cannot open: {e}")),
    }
}

/// Reads one input stream named `name` (a path, or `-` for stdin): decompressed if it is gzip or
/// zstd, its format taken from `options`, the name's extension or its first bytes.
pub fn read_reader(name: &str, input: impl Read + Send + 'static, options: &Options) -> Articles {
    let mut input = match decompress(input) {
        Ok(r) => r,
        Err(e) => return one_error(name, format!("cannot read: {e}")),
    };
    let inner = strip_compression_extension(name);
    let format = match options.format.or_else(|| Format::from_name(inner)) {
        Some(f) => f,
        None => match input.fill_buf() {
            Ok(head) => match Format::sniff(head) {
                Some(f) => f,
                None => return one_error(name, "empty, binary or unsupported file".into()),
            },
            Err(e) => return one_error(name, format!("cannot read: {e}")),
        },
    };
    let stem = Path::new(inner)
        .file_stem()
        .map_or_else(|| "stdin".to_string(), |s| s.to_string_lossy().into_owned());
    let articles: Articles = match format {
        Format::Jsonl => Box::new(read_jsonl(name, input)),
        Format::Text => Box::new(std::iter::once(read_text(
            name,
            &stem,
            input,
            options.published.as_deref().unwrap_or_default(),
        ))),
        Format::Html => Box::new(std::iter::once(read_html(name, &stem, input))),
        Format::Warc => Box::new(read_warc(name, input)),
        Format::Feed => Box::new(read_feed(name, input.take(MAX_FEED)).into_iter()),
        Format::Opml => read_opml(name, input, options),
        Format::Csv => read_table(name, &stem, input, b',', &options.columns),
        Format::Tsv => read_table(name, &stem, input, b'\t', &options.columns),
    };
    match options.published.clone() {
        Some(date) => Box::new(articles.map(move |r| {
            r.map(|mut a| {
                if a.published.is_empty() {
                    a.published = date.clone();
                }
                a
            })
        })),
        None => articles,
    }
}

/// One HTML page; its id is the file stem.
fn read_html(name: &str, stem: &str, input: impl Read) -> Result<Article, ReadError> {
    let err = |reason: String| ReadError {
        file: name.to_string(),
        line: 0,
        reason,
    };
    let mut bytes = Vec::new();
    input
        .take(MAX_RECORD as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read: {e}")))?;
    if bytes.len() > MAX_RECORD {
        return Err(err(format!("file longer than {} MiB", MAX_RECORD >> 20)));
    }
    let page = html::extract(&html::decode(&bytes, None), None).map_err(err)?;
    Ok(Article {
        id: stem.to_string(),
        title: page.title,
        text: page.text,
        published: page.published,
        url: page.canonical_url,
        source: page.site_name,
        language: page.language,
    })
}

fn read_opml(name: &str, input: impl Read, options: &Options) -> Articles {
    let mut bytes = Vec::new();
    if let Err(e) = input.take(MAX_FEED).read_to_end(&mut bytes) {
        return one_error(name, format!("cannot read: {e}"));
    }
    let feeds = match opml_feeds(name, &bytes) {
        Ok(f) => f,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let name = name.to_string();
    // Listed files are read as feeds, so an OPML file that lists itself cannot loop.
    let options = Options {
        format: Some(Format::Feed),
        ..options.clone()
    };
    Box::new(feeds.into_iter().flat_map(move |feed| -> Articles {
        match feed {
            FeedRef::File(path) => read_file(&path, &options),
            FeedRef::Url(url) => one_error(
                &name,
                format!("{url}: fetching feeds over the network is not supported; download the feed and give the file"),
            ),
        }
    }))
}

fn one_error(file: &str, reason: String) -> Articles {
    Box::new(std::iter::once(Err(ReadError {
        file: file.to_string(),
        line: 0,
        reason,
    })))
}
