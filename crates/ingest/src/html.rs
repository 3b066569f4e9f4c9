//! HTML pages: main-text extraction, title, publication date, canonical URL and language.
//!
//! The page is parsed once with `dom_query` (html5ever). Page furniture that readability scoring
//! tends to keep — captions, share bars, "related"/"also read" blocks, comment threads, tag lists,
//! navigation — is removed first; `dom_smoothie` (a port of Mozilla's Readability) then picks the
//! main content and renders it as paragraphs; a last pass drops leftover lines such as
//! "Also read: …", "Image 1 of 8" or "Updated 6:55 AM". On the Zyte article-extraction benchmark
//! this scores shingle F1 0.970 (`eventwire eval extraction`).
//!
//! The date comes from the first of: `<meta>` publication tags (`article:published_time`,
//! `og:published_time`, `date`, `dc.date`, `pubdate`, …), JSON-LD `datePublished`, `<time datetime>`.

use crate::date::normalize_date;
use dom_query::{Document, Selection};
use std::sync::LazyLock;

/// What a page yields.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Page {
    /// Headline (site name stripped by readability).
    pub title: String,
    /// Main text, one paragraph a line.
    pub text: String,
    /// Publication date `YYYY-MM-DD`, or empty when the page gives none.
    pub published: String,
    /// `<link rel=canonical>`, else `og:url`.
    pub canonical_url: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// Two-letter language from `<html lang>`.
    pub language: Option<String>,
}

/// Containers of page furniture, removed before scoring unless they hold a long run of paragraphs
/// (some sites put the whole story in a `class="share-wrapper"`).
const FURNITURE: &str = "nav, aside, footer, form, button, figcaption, [role=navigation], \
    [role=complementary], [aria-hidden=true], [class*=caption], [class*=share], [class*=social], \
    [class*=related], [class*=comment], [id*=comment], [id*=related], [class*=newsletter], \
    [class*=promo], [class*=tags], [class*=byline], [class*=breadcrumb], [class*=also-read], \
    [class*=recommend], [class*=subscribe], [class*=advert], [class*=sponsor]";

/// Meta names/properties that carry the publication time, best first.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
];

/// Lines that are furniture whatever their length: teasers followed by a colon or bar
/// ("Also read: …"), photo credits, "Image 1 of 8", rows of share-button labels.
static FURNITURE_LINE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)^(also read|read also|read more|related|see also|more from|recommended|you may also like|more on this( story)?|photo|image|picture|credit)\s*[:|»]|^image \d+ of|^(facebook|twitter|whatsapp|email|linkedin|pinterest|print|share)(\s+(facebook|twitter|whatsapp|email|linkedin|pinterest|print|share))+$",
    )
    .expect("valid regex")
});

/// Short lines (under 90 bytes, no closing full stop) that are datelines, bylines or calls to
/// action: "Updated Nov 19, 6:55 AM", "By Jane Doe - 11/18/19", "Advertisement", "Sign up now".
static SHORT_META_LINE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)^((last )?updated|published|posted|see more|don't miss|read more|more:|advertisement|share this|follow us|sign up|subscribe|click here)\b|^(?-i:By [A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,3}\s*([,|•·–-]|$))",
    )
    .expect("valid regex")
});

/// Deepest element nesting accepted; real pages stay under 50 (the benchmark's deepest is 49),
/// while pathological nesting makes HTML tree building and readability scoring quadratic.
pub const MAX_DEPTH: usize = 500;

/// Most elements scored in one page.
const MAX_ELEMENTS: usize = 300_000;

/// Extracts the main text and metadata of an HTML page; `url` is where it was fetched from (used
/// when the page names no canonical URL, and to resolve a relative one). The error says why no
/// main text came out.
pub fn extract(html: &str, url: Option<&str>) -> Result<Page, String> {
    if html.contains('\0') {
        return Err("binary data (NUL bytes), not HTML".into());
    }
    let depth = nesting_depth(html.as_bytes());
    if depth > MAX_DEPTH {
        return Err(format!(
            "HTML nested deeper than {MAX_DEPTH} elements (at least {depth}); not a news page"
        ));
    }
    let doc = Document::from(html);
    let mut page = Page {
        published: published_date(&doc).unwrap_or_default(),
        canonical_url: canonical_url(&doc, url),
        site_name: meta(&doc, &["og:site_name"]),
        language: doc
            .select("html")
            .attr("lang")
            .map(|l| l.chars().take(2).collect::<String>().to_ascii_lowercase())
            .filter(|l| l.len() == 2 && l.chars().all(|c| c.is_ascii_alphabetic())),
        ..Page::default()
    };
    remove_furniture(&doc);
    let config = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let absolute = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let no_text = |e: String| format!("no article text found ({e})");
    let mut reader = dom_smoothie::Readability::with_document(doc, absolute, Some(config))
        .map_err(|e| no_text(e.to_string()))?;
    let article = reader.parse().map_err(|e| no_text(e.to_string()))?;
    page.text = clean_lines(&article.text_content);
    if page.text.is_empty() {
        return Err(no_text("only page furniture".into()));
    }
    page.title = collapse_spaces(&article.title);
    if page.published.is_empty() {
        page.published = article
            .published_time
            .as_deref()
            .and_then(normalize_date)
            .unwrap_or_default();
    }
    Ok(page)
}

/// Greatest nesting of elements that stay open until closed (void elements and those the parser
/// closes itself, like `<p>` and `<li>`, are not counted), skipping comments, scripts and styles.
/// A cheap upper-bound scan run before parsing.
pub fn nesting_depth(html: &[u8]) -> usize {
    const NOT_NESTING: &str = "area base br col embed hr img input link meta param source track \
        wbr p li dt dd option optgroup tr td th thead tbody tfoot rp rt html head body";
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = html[i..].iter().position(|&b| b == b'<') {
        i += at + 1;
        let rest = &html[i..];
        if rest.starts_with(b"!--") {
            i += find(rest, b"-->").map_or(rest.len(), |k| k + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        // A tag runs to the next '>' ('<' inside it is an attribute character); a tag never
        // closed ends the markup. Scanning on from there keeps the scan linear.
        let Some(tag_end) = rest.iter().position(|&b| b == b'>') else {
            break;
        };
        let self_closing = tag_end > 0 && rest[tag_end - 1] == b'/';
        if !closing && (name == b"script" || name == b"style") {
            let end_tag: &[u8] = if name == b"script" {
                b"</script"
            } else {
                b"</style"
            };
            i += find_ignore_case(rest, end_tag).unwrap_or(rest.len());
            continue;
        }
        i += tag_end + 1;
        if self_closing
            || NOT_NESTING
                .split_ascii_whitespace()
                .any(|t| t.as_bytes() == name.as_slice())
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Decodes page bytes: the charset of `content_type` (an HTTP header), else a byte-order mark,
/// else a `<meta charset>` in the first 2 KiB, else UTF-8 when valid, else Windows-1252 (what
/// browsers assume).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let label = content_type
        .and_then(charset_in)
        .or_else(|| charset_in(&String::from_utf8_lossy(&bytes[..bytes.len().min(2048)])));
    let declared = label.and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    let encoding = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::WINDOWS_1252,
    };
    encoding.decode(bytes).0.into_owned()
}

/// The value after `charset=` in a header or a `<meta>` tag.
fn charset_in(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let value: String = lower[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// Plain text of an HTML fragment (a feed item's `content:encoded`), one block a line.
pub fn fragment_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return clean_lines(html);
    }
    clean_lines(&Document::fragment(html).formatted_text())
}

fn remove_furniture(doc: &Document) {
    for node in doc.select(FURNITURE).nodes().iter().rev() {
        let paragraphs = Selection::from(*node).select("p").length();
        if paragraphs >= 3 && node.text().len() > 1500 {
            continue;
        }
        node.remove_from_parent();
    }
}

fn clean_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = collapse_spaces(line);
        if line.is_empty()
            || FURNITURE_LINE.is_match(&line)
            || (line.len() < 90 && !line.ends_with('.') && SHORT_META_LINE.is_match(&line))
        {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first non-empty `content` of a `<meta>` whose `property`, `name` or `itemprop` is one of
/// `keys` (case-insensitive), in the order of `keys`.
fn meta(doc: &Document, keys: &[&str]) -> Option<String> {
    let metas: Vec<(String, String)> = doc
        .select("meta[content]")
        .nodes()
        .iter()
        .filter_map(|m| {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .or_else(|| m.attr("itemprop"))?;
            let content = m.attr("content")?.trim().to_string();
            (!content.is_empty()).then(|| (key.to_ascii_lowercase(), content))
        })
        .collect();
    keys.iter().find_map(|k| {
        metas
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, c)| c.clone())
    })
}

fn published_date(doc: &Document) -> Option<String> {
    if let Some(d) = meta(doc, DATE_META).as_deref().and_then(normalize_date) {
        return Some(d);
    }
    for script in doc.select("script[type='application/ld+json']").nodes() {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&script.text()) else {
            continue;
        };
        if let Some(d) = json_ld_date(&json).and_then(normalize_date) {
            return Some(d);
        }
    }
    let times = doc.select("time[datetime]");
    let preferred = doc.select("time[itemprop=datePublished], time[pubdate]");
    [preferred, times]
        .iter()
        .flat_map(|s| s.nodes().to_vec())
        .find_map(|t| t.attr("datetime").as_deref().and_then(normalize_date))
}

/// `datePublished` anywhere in a JSON-LD value (objects, `@graph` arrays, nested `mainEntity`).
fn json_ld_date(v: &serde_json::Value) -> Option<&str> {
    match v {
        serde_json::Value::Object(map) => map
            .get("datePublished")
            .and_then(|d| d.as_str())
            .or_else(|| map.values().find_map(json_ld_date)),
        serde_json::Value::Array(items) => items.iter().find_map(json_ld_date),
        _ => None,
    }
}

fn canonical_url(doc: &Document, base: Option<&str>) -> Option<String> {
    let href = doc
        .select("link[rel=canonical]")
        .attr("href")
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| meta(doc, &["og:url"]))?;
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href);
    }
    // A relative canonical URL: resolve against the origin of the page's own URL.
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let origin_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = href.strip_prefix("//") {
        return Some(format!("{}{rest}", &base[..scheme_end]));
    }
    href.starts_with('/')
        .then(|| format!("{}{href}", &base[..origin_end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html><html lang="en-GB"><head>
<title>Ceasefire holds in the hills | Example Times</title>
<link rel="canonical" href="/world/ceasefire-holds">
<meta property="og:site_name" content="Example Times">
<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2023-09-21T08:00:00Z"}]}</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article>
<h1>Ceasefire holds in the hills</h1>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a></div>
<figure><img src="a.jpg"><figcaption>Soldiers at a checkpoint, file photo.</figcaption></figure>
<p>The truce agreed on Wednesday held through the night, officials in both capitals said on Thursday, as convoys of civilians began to leave the mountain towns.</p>
<p>Also read: <a href="/x">Talks resume next week</a></p>
<p>Monitors reported no shelling along the line of contact for the first time in three days, and the road to the regional capital was reopened to aid trucks.</p>
<p>Negotiators are due to meet again on Monday to discuss the withdrawal of heavy weapons and the exchange of prisoners held by both sides.</p>
</article>
<div class="related-stories"><a href="/a">Earlier clashes</a><a href="/b">Map of the region</a></div>
<div id="comments"><p>First! Great article.</p></div>
<footer>© Example Times</footer>
</body></html>"##;

    #[test]
    fn main_text_drops_furniture_and_keeps_paragraphs() {
        assert!(nesting_depth(PAGE.as_bytes()) < 10);
        let page = extract(PAGE, Some("https://example.com/world/x?utm=1")).unwrap();
        assert_eq!(page.title, "Ceasefire holds in the hills");
        assert!(page.text.starts_with("The truce agreed on Wednesday"));
        assert_eq!(page.text.lines().count(), 3, "{}", page.text);
        for furniture in [
            "Facebook",
            "Also read",
            "checkpoint",
            "Earlier clashes",
            "First!",
            "©",
        ] {
            assert!(!page.text.contains(furniture), "{furniture} kept");
        }
        assert_eq!(page.published, "2023-09-21");
        assert_eq!(
            page.canonical_url.as_deref(),
            Some("https://example.com/world/ceasefire-holds")
        );
        assert_eq!(page.site_name.as_deref(), Some("Example Times"));
        assert_eq!(page.language.as_deref(), Some("en"));
    }

    #[test]
    fn dates_from_meta_then_json_ld_then_time() {
        let with = |head: &str, body: &str| {
            let doc = Document::from(format!(
                "<html><head>{head}</head><body>{body}</body></html>"
            ));
            published_date(&doc)
        };
        let meta_tag =
            r#"<meta property="article:published_time" content="2019-11-19T10:48:00+00:00">"#;
        assert_eq!(with(meta_tag, "").as_deref(), Some("2019-11-19"));
        assert_eq!(
            with(r#"<meta name="dc.date" content="2020/03/04">"#, "").as_deref(),
            Some("2020-03-04")
        );
        assert_eq!(
            with("", r#"<time datetime="2021-05-06T12:00">6 May</time>"#).as_deref(),
            Some("2021-05-06")
        );
        assert_eq!(with("", "<p>no date</p>"), None);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{}<p>text</p>", "<div>".repeat(MAX_DEPTH + 1));
        assert_eq!(nesting_depth(deep.as_bytes()), MAX_DEPTH + 1);
        assert!(extract(&deep, None).unwrap_err().contains("nested deeper"));
        let flat =
            "<!-- <div><div> --><script>'<div><div>'</script><p><p><br><img src=x/><div></div>";
        assert_eq!(nesting_depth(flat.as_bytes()), 1);
    }

    #[test]
    fn tags_left_open_keep_the_depth_scan_linear() {
        // Each '<' once scanned to the end of the page for its '>': quadratic, hours at 8 MiB.
        let open = "<a".repeat(1 << 20);
        assert_eq!(nesting_depth(open.as_bytes()), 0);
        let one_tag = format!("{open}>");
        assert_eq!(nesting_depth(one_tag.as_bytes()), 1);
        assert_eq!(nesting_depth(b"<div><span title='<b>'>x</span></div>"), 2);
    }

    #[test]
    fn charsets() {
        assert_eq!(
            decode(b"caf\xe9", Some("text/html; charset=ISO-8859-1")),
            "café"
        );
        assert_eq!(
            decode(
                b"<meta charset=\"windows-1251\"><p>\xcc\xee\xf1\xea\xe2\xe0",
                None
            ),
            "<meta charset=\"windows-1251\"><p>Москва"
        );
        assert_eq!(decode("naïve".as_bytes(), None), "naïve");
        assert_eq!(decode(b"na\xefve", None), "naïve");
    }

    #[test]
    fn furniture_lines_but_not_sentences() {
        let text = "Also read: Talks resume\nBy Jane Doe - 11/18/19 11:04 PM\nBy Monday, the army had withdrawn.\nBy Tuesday evening troops held the pass\nImage 1 of 8\nUpdated 6:55 AM\nRelated to the talks, the envoy said more.\nAdvertisement\nFacebook Twitter Email";
        assert_eq!(
            clean_lines(text),
            "By Monday, the army had withdrawn.\nBy Tuesday evening troops held the pass\nRelated to the talks, the envoy said more."
        );
    }

    #[test]
    fn fragments_become_lines() {
        assert_eq!(
            fragment_text("<p>One &amp; two.</p><p>Three.</p>"),
            "One & two.\nThree."
        );
        assert_eq!(fragment_text("plain   words"), "plain words");
    }
}
