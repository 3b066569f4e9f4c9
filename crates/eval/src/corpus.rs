//! The shared news text (BBC 2004–05, Reuters-21578) as [`Article`]s, for benchmarks.
//!
//! Both files are zstd-compressed JSONL in `../shared/corpora`; their fields differ, so each
//! record is mapped to eventwire's article fields here.

use eventwire_model::Article;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The shared folder (`EVENTWIRE_SHARED`, else `../shared` from the workspace root), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var("EVENTWIRE_SHARED").ok().map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")),
        Some(PathBuf::from("../shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("corpora").is_dir())
}

fn month(m: &str) -> &'static str {
    match m {
        "JAN" => "01",
        "FEB" => "02",
        "MAR" => "03",
        "APR" => "04",
        "MAY" => "05",
        "JUN" => "06",
        "JUL" => "07",
        "AUG" => "08",
        "SEP" => "09",
        "OCT" => "10",
        "NOV" => "11",
        _ => "12",
    }
}

/// Reads one zstd JSONL corpus file; `map` turns a JSON record into an article.
fn read_zst(
    path: &Path,
    map: impl Fn(&serde_json::Value, usize) -> Option<Article>,
) -> std::io::Result<Vec<Article>> {
    let file = std::fs::File::open(path)?;
    let decoder = ruzstd::decoding::StreamingDecoder::new(file)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(decoder).lines().enumerate() {
        let line = line?;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            if let Some(a) = map(&v, i) {
                out.push(a);
            }
        }
    }
    Ok(out)
}

fn s(v: &serde_json::Value, k: &str) -> String {
    v.get(k)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_string()
}

/// BBC News 2004–05 (2,225 articles).
pub fn bbc(shared: &Path) -> std::io::Result<Vec<Article>> {
    read_zst(
        &shared.join("corpora/bbc-news-2005/bbc-news.jsonl.zst"),
        |v, _| {
            Some(Article::new(
                &format!("bbc/{}", s(v, "id")),
                &s(v, "title"),
                &s(v, "text"),
                "2005-01-01",
            ))
        },
    )
}

/// Reuters-21578 (1987) stories that have a body.
pub fn reuters(shared: &Path) -> std::io::Result<Vec<Article>> {
    read_zst(
        &shared.join("corpora/reuters-21578/reuters21578.jsonl.zst"),
        |v, i| {
            let text = s(v, "text");
            if text.trim().is_empty() {
                return None;
            }
            // "26-FEB-1987 15:01:01.79"
            let d = s(v, "date");
            let parts: Vec<&str> = d.trim().split(['-', ' ']).collect();
            let published = match parts.as_slice() {
                [day, mon, year, ..] => format!("{year}-{}-{:0>2}", month(mon), day),
                _ => "1987-01-01".into(),
            };
            let id = v
                .get("newid")
                .map_or_else(|| i.to_string(), |n| n.to_string());
            Some(Article::new(
                &format!("reuters/{id}"),
                &s(v, "title"),
                &text,
                &published,
            ))
        },
    )
}
