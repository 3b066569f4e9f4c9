//! Which reader a file needs: by extension first (after any `.gz`/`.zst`), else by sniffing the
//! first decompressed bytes.

/// A supported input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON article a line.
    Jsonl,
    /// Plain text: first line the title.
    Text,
    /// One HTML page.
    Html,
    /// A WARC archive of fetched pages.
    Warc,
    /// RSS, Atom or JSON Feed.
    Feed,
    /// An OPML list of feeds.
    Opml,
    /// Comma-separated rows.
    Csv,
    /// Tab-separated rows.
    Tsv,
}

impl Format {
    /// The format a file name's extension names, if any.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            "txt" | "text" => Format::Text,
            "html" | "htm" | "xhtml" | "shtml" => Format::Html,
            "warc" => Format::Warc,
            "rss" | "atom" | "rdf" => Format::Feed,
            "opml" => Format::Opml,
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            _ => return None,
        })
    }

    /// The format the first bytes of a (decompressed) file suggest; `None` for binary data.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
        let head = &head[start..];
        if head.starts_with(b"WARC/") {
            return Some(Format::Warc);
        }
        if head.starts_with(b"{") {
            return Some(Format::Jsonl);
        }
        if head.starts_with(b"<") {
            let lower = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
            return Some(if lower.contains("<opml") {
                Format::Opml
            } else if lower.contains("<rss")
                || lower.contains("<feed")
                || lower.contains("<rdf:rdf")
            {
                Format::Feed
            } else {
                Format::Html
            });
        }
        let text_like = !head.contains(&0)
            && match std::str::from_utf8(head) {
                Ok(_) => true,
                // A multi-byte character cut by the end of the sample is still text.
                Err(e) => e.error_len().is_none(),
            };
        text_like.then_some(Format::Text)
    }

    /// `xml` files are feeds or OPML: the content decides.
    pub fn needs_sniffing(name: &str) -> bool {
        name.to_ascii_lowercase().ends_with(".xml")
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn names_and_content() {
        assert_eq!(Format::from_name("a/b.HTML"), Some(Format::Html));
        assert_eq!(Format::from_name("noext"), None);
        assert_eq!(
            Format::sniff(b"\xef\xbb\xbf  WARC/1.1\r\n"),
            Some(Format::Warc)
        );
        assert_eq!(
            Format::sniff(b"<?xml version='1.0'?><rss>"),
            Some(Format::Feed)
        );
        assert_eq!(
            Format::sniff(b"<?xml version='1.0'?><opml>"),
            Some(Format::Opml)
        );
        assert_eq!(Format::sniff(b"<!DOCTYPE html><p>"), Some(Format::Html));
        assert_eq!(Format::sniff(b"Title\nBody"), Some(Format::Text));
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n\x00\x00"), None);
        assert_eq!(Format::sniff(b"   "), None);
    }
}
