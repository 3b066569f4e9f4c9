//! WARC 1.0/1.1 (`.warc`, `.warc.gz` as written by Common Crawl or `wget --warc-file`): a
//! streaming reader that keeps one record in memory at a time and turns every `response` (or
//! `resource`) record holding HTML into an article. The record's `WARC-Target-URI` and `WARC-Date`
//! stand in when the page names no canonical URL or publication date. Other records (requests,
//! metadata, images, robots.txt) are skipped without being held in memory.

use crate::compress::Compression;
use crate::{html, ReadError, MAX_RECORD};
use eventwire_model::Article;
use std::io::{self, BufRead, Read};

/// Longest header block accepted (WARC or HTTP headers).
const MAX_HEADER: usize = 1 << 16;

/// Reads WARC records from `input` (already decompressed) into articles; each record that cannot be
/// read or holds no article text is one error naming the record, and reading goes on. A stream
/// that breaks (truncated file, not WARC) ends with one error.
pub fn read_warc(
    file: &str,
    mut input: impl BufRead,
) -> impl Iterator<Item = Result<Article, ReadError>> {
    let file = file.to_string();
    let mut record_no = 0usize;
    let mut broken = false;
    std::iter::from_fn(move || loop {
        if broken {
            return None;
        }
        record_no += 1;
        let err = |reason: String| ReadError {
            file: file.clone(),
            line: 0,
            reason: format!("WARC record {record_no}: {reason}"),
        };
        let headers = match read_warc_headers(&mut input) {
            Ok(Some(h)) => h,
            Ok(None) => return None,
            Err(e) => {
                broken = true;
                return Some(Err(err(e)));
            }
        };
        let length = match header(&headers, "content-length").map(|v| v.parse::<u64>()) {
            Some(Ok(n)) => n,
            _ => {
                broken = true;
                return Some(Err(err("missing or bad Content-Length".into())));
            }
        };
        let kind = header(&headers, "warc-type").unwrap_or_default();
        let content_type = header(&headers, "content-type").unwrap_or_default();
        let wanted = match kind {
            "response" => content_type.starts_with("application/http"),
            "resource" => content_type.contains("html"),
            _ => false,
        };
        if !wanted || length > MAX_RECORD as u64 {
            if let Err(e) = skip_block(&mut input, length) {
                broken = true;
                return Some(Err(err(e)));
            }
            if wanted {
                return Some(Err(err(format!(
                    "record longer than {} MiB; skipped",
                    MAX_RECORD >> 20
                ))));
            }
            continue;
        }
        let mut block = Vec::with_capacity(length as usize);
        if let Err(e) = input.by_ref().take(length).read_to_end(&mut block) {
            broken = true;
            return Some(Err(err(format!("cannot read: {e}"))));
        }
        if (block.len() as u64) < length {
            broken = true;
            return Some(Err(err(format!(
                "truncated: {} of {length} bytes",
                block.len()
            ))));
        }
        let url = header(&headers, "warc-target-uri")
            .map(|u| u.trim_matches(|c| c == '<' || c == '>').to_string());
        let record_id = header(&headers, "warc-record-id").map(record_uuid);
        let warc_date = header(&headers, "warc-date").and_then(crate::date::normalize_date);
        let page = if kind == "response" {
            let Some(response) = split_http(&block) else {
                return Some(Err(err("response without an HTTP header".into())));
            };
            let html_type = header(&response.headers, "content-type");
            if !(200..300).contains(&response.status)
                || !html_type.is_none_or(|t| t.contains("html"))
            {
                continue;
            }
            match gunzip_if_compressed(response.body) {
                Ok(body) => html::decode(&body, html_type),
                Err(reason) => return Some(Err(err(reason))),
            }
        } else {
            html::decode(&block, Some(content_type))
        };
        let page = match html::extract(&page, url.as_deref()) {
            Ok(p) => p,
            Err(reason) => {
                return Some(Err(err(format!(
                    "{}: {reason}",
                    url.as_deref().unwrap_or("page")
                ))))
            }
        };
        let id = record_id.unwrap_or_else(|| format!("warc{record_no}"));
        let published = if page.published.is_empty() {
            warc_date.unwrap_or_default()
        } else {
            page.published
        };
        return Some(Ok(Article {
            id,
            title: page.title,
            text: page.text,
            published,
            url: page.canonical_url.or(url),
            source: page.site_name,
            language: page.language,
        }));
    })
}

/// Header lines of the next record, names lower-cased; `None` at a clean end of input.
fn read_warc_headers(input: &mut impl BufRead) -> Result<Option<Vec<(String, String)>>, String> {
    let mut line = Vec::new();
    // Blank lines between records (the block's trailing CRLF CRLF).
    loop {
        line.clear();
        let n = read_line_bounded(input, &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        return Err(format!(
            "expected a WARC/1.x version line, found {:?}",
            String::from_utf8_lossy(&line[..line.len().min(40)]).trim_end()
        ));
    }
    let mut headers = Vec::new();
    let mut total = 0;
    loop {
        line.clear();
        let n = read_line_bounded(input, &mut line)?;
        total += n;
        if n == 0 {
            return Err("truncated header".into());
        }
        if total > MAX_HEADER {
            return Err(format!("header longer than {} KiB", MAX_HEADER >> 10));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end();
        if text.is_empty() {
            return Ok(Some(headers));
        }
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
}

fn read_line_bounded(input: &mut impl BufRead, line: &mut Vec<u8>) -> Result<usize, String> {
    input
        .by_ref()
        .take(MAX_HEADER as u64)
        .read_until(b'\n', line)
        .map_err(|e| format!("cannot read: {e}"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn skip_block(input: &mut impl BufRead, length: u64) -> Result<(), String> {
    let skipped = io::copy(&mut input.by_ref().take(length), &mut io::sink())
        .map_err(|e| format!("cannot read: {e}"))?;
    if skipped < length {
        return Err(format!("truncated: {skipped} of {length} bytes"));
    }
    Ok(())
}

/// `<urn:uuid:1234-…>` → `1234-…`.
fn record_uuid(id: &str) -> String {
    let id = id.trim_matches(|c| c == '<' || c == '>');
    id.strip_prefix("urn:uuid:").unwrap_or(id).to_string()
}

/// An HTTP response as archived: status, lower-cased header names, de-chunked body.
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn split_http(block: &[u8]) -> Option<HttpResponse> {
    let (head_end, body_start) = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            block
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        })?;
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = &block[body_start..];
    let chunked =
        header(&headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Some(HttpResponse {
        status,
        headers,
        body,
    })
}

/// A body sent with `Content-Encoding: gzip` and archived as sent, decompressed (bounded).
fn gunzip_if_compressed(body: Vec<u8>) -> Result<Vec<u8>, String> {
    if Compression::sniff(&body) != Compression::Gzip {
        return Ok(body);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&body[..])
        .take(MAX_RECORD as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad gzip body: {e}"))?;
    if out.len() > MAX_RECORD {
        return Err(format!("page longer than {} MiB", MAX_RECORD >> 20));
    }
    Ok(out)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    while let Some(eol) = body.iter().position(|&b| b == b'\n') {
        let size_text = String::from_utf8_lossy(&body[..eol]);
        let size_text = size_text.trim().split(';').next().unwrap_or("");
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        body = &body[eol + 1..];
        if size == 0 || size > body.len() {
            out.extend_from_slice(&body[..size.min(body.len())]);
            break;
        }
        out.extend_from_slice(&body[..size]);
        body = body[size..].strip_prefix(b"\r\n").unwrap_or(&body[size..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record(kind: &str, uri: &str, content_type: &str, block: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-09-20T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{kind}-1>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    fn page(body: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>Truce</title></head><body><article>{body}</article></body></html>")
    }

    const PARAGRAPHS: &str = "<p>The guns fell silent along the line of contact on Wednesday after a day of heavy shelling, local officials said, and the first aid trucks moved up the mountain road.</p><p>Both sides accused each other of breaking earlier truces, but observers on the ground reported a quiet night in the regional capital and the surrounding villages.</p>";

    #[test]
    fn response_records_with_html_become_articles() {
        let warc = [
            record("warcinfo", "", "application/warc-fields", "software: test"),
            record(
                "request",
                "https://e.com/a",
                "application/http; msgtype=request",
                "GET /a HTTP/1.1\r\n\r\n",
            ),
            record(
                "response",
                "https://e.com/a",
                "application/http; msgtype=response",
                &page(PARAGRAPHS),
            ),
            record(
                "response",
                "https://e.com/logo.png",
                "application/http; msgtype=response",
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\u{1}PNG",
            ),
        ]
        .concat();
        let got: Vec<_> = read_warc("x.warc", warc.as_bytes()).collect();
        assert_eq!(got.len(), 1, "{got:?}");
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.id, "response-1");
        assert_eq!(a.url.as_deref(), Some("https://e.com/a"));
        assert_eq!(a.published, "2023-09-20", "WARC-Date stands in");
        assert!(a.text.starts_with("The guns fell silent"));
    }

    #[test]
    fn truncated_and_garbage_streams_end_with_an_error() {
        let full = record(
            "response",
            "https://e.com/a",
            "application/http",
            &page(PARAGRAPHS),
        );
        let got: Vec<_> = read_warc("t.warc", &full.as_bytes()[..full.len() / 2]).collect();
        assert_eq!(got.len(), 1);
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("t.warc: WARC record 1: truncated"));
        let got: Vec<_> = read_warc("g.warc", &b"\x00\x01garbage\n"[..]).collect();
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("expected a WARC/1.x version line"));
    }

    #[test]
    fn gzip_encoded_bodies_are_decoded() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(
            page(PARAGRAPHS)
                .split_once("\r\n\r\n")
                .unwrap()
                .1
                .as_bytes(),
        )
        .unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(e.finish().unwrap());
        let response = split_http(&block).unwrap();
        let body = gunzip_if_compressed(response.body).unwrap();
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("The guns fell silent"));
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
    }
}
