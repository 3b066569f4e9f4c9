//! RSS 0.9x/1.0/2.0, Atom and JSON Feed files (parsed by `feed-rs`): every item with its full text
//! (`content:encoded`, Atom `content`) or else its summary becomes an article; and OPML subscription
//! lists, whose local feed files are read in turn. Feeds named by an `http(s)` URL are reported,
//! not fetched: eventwire does not use the network.

use crate::{html::fragment_text, ReadError};
use eventwire_model::Article;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads the items of one feed. A file that is not a feed is one error; an item without text is
/// one error naming the item, and reading goes on.
pub fn read_feed(file: &str, input: impl Read) -> Vec<Result<Article, ReadError>> {
    let err = |reason: String| ReadError {
        file: file.to_string(),
        line: 0,
        reason,
    };
    // feed-rs's XML reader (quick-xml) panics on some malformed declarations (found by the `feed`
    // fuzz target); such a file is an error like any other that is not a feed.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        feed_rs::parser::parse(input)
    }));
    let feed = match parsed {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return vec![Err(err(format!("not an RSS, Atom or JSON feed: {e}")))],
        Err(_) => {
            return vec![Err(err(
                "not an RSS, Atom or JSON feed: its XML declaration breaks the feed parser".into(),
            ))]
        }
    };
    let source = feed.title.as_ref().map(|t| fragment_text(&t.content));
    let language = feed.language.as_deref().and_then(two_letter);
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let body = entry
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .map(fragment_text)
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    entry
                        .summary
                        .as_ref()
                        .map(|s| fragment_text(&s.content))
                        .filter(|t| !t.is_empty())
                });
            let Some(text) = body else {
                return Err(err(format!(
                    "item {} ({}): no content or summary",
                    i + 1,
                    entry.id
                )));
            };
            let published = entry
                .published
                .or(entry.updated)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            Ok(Article {
                id: entry.id,
                title: entry
                    .title
                    .map(|t| fragment_text(&t.content))
                    .unwrap_or_default(),
                text,
                published,
                url: entry.links.first().map(|l| l.href.clone()),
                source: source.clone(),
                language: entry
                    .language
                    .as_deref()
                    .and_then(two_letter)
                    .or_else(|| language.clone()),
            })
        })
        .collect()
}

fn two_letter(lang: &str) -> Option<String> {
    let l: String = lang
        .chars()
        .take(2)
        .collect::<String>()
        .to_ascii_lowercase();
    (l.len() == 2 && l.chars().all(|c| c.is_ascii_alphabetic())).then_some(l)
}

/// Where an OPML outline points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedRef {
    /// A local feed file (relative paths resolved against the OPML file's folder).
    File(PathBuf),
    /// A feed on the web, which eventwire does not fetch.
    Url(String),
}

/// The `xmlUrl` of every `<outline>` in an OPML document, in order.
pub fn opml_feeds(file: &str, opml: &[u8]) -> Result<Vec<FeedRef>, ReadError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(opml);
    let mut buf = Vec::new();
    let mut feeds = Vec::new();
    let mut saw_opml = false;
    let base = Path::new(file).parent().unwrap_or(Path::new(""));
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| ReadError {
            file: file.to_string(),
            line: line_at(opml, reader.buffer_position() as usize),
            reason: format!("not OPML: {e}"),
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name();
                saw_opml |= name.as_ref().eq_ignore_ascii_case(b"opml");
                if !name.as_ref().eq_ignore_ascii_case(b"outline") {
                    continue;
                }
                for attr in e.attributes().flatten() {
                    if !attr
                        .key
                        .local_name()
                        .as_ref()
                        .eq_ignore_ascii_case(b"xmlurl")
                    {
                        continue;
                    }
                    let value = attr
                        .unescape_value()
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default();
                    if value.is_empty() {
                        continue;
                    }
                    let lower = value.to_ascii_lowercase();
                    feeds.push(
                        if lower.starts_with("http://") || lower.starts_with("https://") {
                            FeedRef::Url(value)
                        } else {
                            let path = value.strip_prefix("file://").unwrap_or(&value);
                            FeedRef::File(base.join(path))
                        },
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_opml {
        return Err(ReadError {
            file: file.to_string(),
            line: 0,
            reason: "not OPML: no <opml> element".into(),
        });
    }
    Ok(feeds)
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_that_breaks_the_xml_reader_is_one_error() {
        // Found by the `feed` fuzz target: quick-xml panicked on this encoding switch.
        let input = b"<?xml vversion=\"1.0\" encoding\x01\0\0wersion=\"1.0\" encoding=\"UTF-16\"?>\n<tenlt ";
        let items = read_feed("bad.rss", &input[..]);
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err().to_string();
        assert!(e.starts_with("bad.rss"), "{e}");
    }

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Caucasus Wire</title><language>en-us</language>
<item><title>Truce agreed</title><link>https://e.com/truce</link><guid>truce-1</guid>
<pubDate>Wed, 20 Sep 2023 14:00:00 GMT</pubDate>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>The two sides agreed a truce.</p><p>Talks follow.</p>]]></content:encoded></item>
<item><title>Summary only</title><guid>s-2</guid><description>Only a &lt;b&gt;summary&lt;/b&gt;.</description></item>
<item><title>Empty</title><guid>e-3</guid></item>
</channel></rss>"#;

    #[test]
    fn rss_items_with_full_text_or_summary() {
        let got = read_feed("f.rss", RSS.as_bytes());
        assert_eq!(got.len(), 3);
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.title.as_str()),
            ("truce-1", "Truce agreed")
        );
        assert_eq!(a.text, "The two sides agreed a truce.\nTalks follow.");
        assert_eq!(a.published, "2023-09-20");
        assert_eq!(a.url.as_deref(), Some("https://e.com/truce"));
        assert_eq!(a.source.as_deref(), Some("Caucasus Wire"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(got[1].as_ref().unwrap().text, "Only a summary.");
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            "f.rss: item 3 (e-3): no content or summary"
        );
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id><updated>2023-09-21T00:00:00Z</updated>
<entry><title>Convoys leave</title><id>urn:e1</id><link href="https://e.com/c"/>
<published>2023-09-21T09:00:00Z</published><updated>2023-09-22T09:00:00Z</updated>
<content type="html">&lt;p&gt;Convoys left the city.&lt;/p&gt;</content></entry></feed>"#;
        let got = read_feed("a.atom", atom.as_bytes());
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.published.as_str()),
            ("urn:e1", "2023-09-21")
        );
        assert_eq!(a.text, "Convoys left the city.");
    }

    #[test]
    fn not_a_feed_is_one_error() {
        let got = read_feed("x.xml", &b"<html><body>hi</body></html>"[..]);
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("x.xml: not an RSS"));
    }

    #[test]
    fn opml_lists_local_files_and_urls() {
        let opml = br#"<?xml version="1.0"?><opml version="2.0"><body>
<outline text="News"><outline type="rss" text="A" xmlUrl="feeds/a.rss"/>
<outline type="rss" text="B" xmlUrl="https://e.com/b.xml"/></outline></body></opml>"#;
        let feeds = opml_feeds("dir/subs.opml", opml).unwrap();
        assert_eq!(
            feeds,
            vec![
                FeedRef::File(PathBuf::from("dir/feeds/a.rss")),
                FeedRef::Url("https://e.com/b.xml".into())
            ]
        );
        assert!(opml_feeds("x.opml", b"<rss></rss>").is_err());
        assert!(opml_feeds("x.opml", b"<opml><body><outline xmlUrl=\"a").is_err());
    }
}
