//! `read_path` over a folder holding every supported format (plain, gzip and zstd), and over odd,
//! binary and truncated files: articles or located errors, never a panic, never an early stop.

use eventwire_ingest::{read_path, Options};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A fresh folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("eventwire-ingest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

const BODY: &str = "<p>Azerbaijan announced a halt to its military operation in the Karabakh region on Wednesday after local forces agreed to lay down their arms, officials said.</p><p>The agreement, brokered by peacekeepers, followed a day of heavy shelling around the regional capital, and aid convoys were expected to move in on Thursday.</p>";

fn html_page(title: &str) -> String {
    format!("<html><head><title>{title}</title><meta property=\"article:published_time\" content=\"2023-09-20T12:00:00Z\"></head><body><nav><a href=\"/\">Home</a></nav><article>{BODY}</article></body></html>")
}

fn warc_response(uri: &str, html: &str) -> String {
    let block = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}");
    format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-09-21T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:r1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
        block.len()
    )
}

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Convoys</title><guid>c1</guid><link>https://e.com/c1</link><pubDate>Thu, 21 Sep 2023 08:00:00 GMT</pubDate>
<description>Aid convoys reached the regional capital.</description></item></channel></rss>"#;

fn collect(path: &Path, options: &Options) -> (Vec<eventwire_model::Article>, Vec<String>) {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for r in read_path(path, options) {
        match r {
            Ok(a) => articles.push(a),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (articles, errors)
}

#[test]
fn a_folder_of_every_format() {
    let s = Scratch::new("formats");
    s.put(
        "a.jsonl",
        b"{\"id\":\"j1\",\"title\":\"T\",\"text\":\"Body.\",\"published\":\"2023-09-20\"}\n",
    );
    s.put("b.txt", b"Plain title\nPlain body.");
    s.put(
        "pages/c.html.gz",
        &gzip(html_page("Azerbaijan halts its Karabakh offensive | Wire").as_bytes()),
    );
    s.put(
        "crawl/d.warc.gz",
        &gzip(warc_response("https://e.com/d", &html_page("From WARC")).as_bytes()),
    );
    s.put("feeds/e.rss.zst", &zstd(RSS.as_bytes()));
    s.put(
        "f.csv",
        b"id,title,text,date\nr1,Row,Row body.,2023-09-22\n",
    );
    s.put("g.opml", br#"<opml version="2.0"><body><outline xmlUrl="feeds/e.rss.zst"/><outline xmlUrl="https://e.com/feed"/></body></opml>"#);
    s.put("noext", b"Sniffed title\nSniffed body.");
    s.put(".hidden/x.jsonl", b"{\"id\":\"hidden\",\"text\":\"x\"}\n");
    s.put("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00");
    s.put("style.css", b"body { color: red }");
    let options = Options {
        published: Some("2023-01-01".into()),
        ..Options::default()
    };
    let (articles, errors) = collect(&s.0, &options);
    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    // Name order: a.jsonl, b.txt, crawl/, f.csv, feeds/, g.opml (e.rss again), noext, pages/.
    assert_eq!(
        ids,
        ["j1", "b", "r1", "r1", "c1", "c1", "noext", "c"],
        "{errors:?}"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]
        .contains("g.opml: https://e.com/feed: fetching feeds over the network is not supported"));
    let by_id = |id: &str| articles.iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        by_id("b").published,
        "2023-01-01",
        "the default date fills in"
    );
    assert_eq!(by_id("c").title, "Azerbaijan halts its Karabakh offensive");
    assert_eq!(
        by_id("c").published,
        "2023-09-20",
        "the page's own date wins"
    );
    assert!(by_id("c").text.starts_with("Azerbaijan announced a halt"));
    assert!(!by_id("c").text.contains("Home"));
    let from_warc = articles
        .iter()
        .find(|a| a.url.as_deref() == Some("https://e.com/d"))
        .unwrap();
    assert_eq!(from_warc.title, "From WARC");
    assert_eq!(by_id("c1").published, "2023-09-21");
}

#[test]
fn odd_binary_and_truncated_inputs_are_errors_not_panics() {
    let s = Scratch::new("odd");
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..50_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        noise.push((x >> 16) as u8);
    }
    let full_gz = gzip(html_page("T").repeat(50).as_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("noise.bin", noise.clone()),
        ("noise.html", noise.clone()),
        ("noise.warc", noise.clone()),
        ("noise.rss", noise.clone()),
        ("noise.opml", noise.clone()),
        ("noise.csv", noise.clone()),
        ("noise.jsonl", noise.clone()),
        ("noise.txt", noise.clone()),
        ("noise.gz", [&[0x1f, 0x8b][..], &noise].concat()),
        (
            "noise.zst",
            [&[0x28, 0xb5, 0x2f, 0xfd][..], &noise].concat(),
        ),
        ("cut.html.gz", full_gz[..full_gz.len() / 2].to_vec()),
        (
            "cut.warc",
            warc_response("https://e.com/x", &html_page("T")).as_bytes()[..300].to_vec(),
        ),
        ("empty.html", Vec::new()),
        ("empty.txt", Vec::new()),
        ("empty.csv", Vec::new()),
        (
            "nested.html",
            format!("{}{BODY}", "<div>".repeat(100_000)).into_bytes(),
        ),
        ("tags.html", "<p><b><i>".repeat(30_000).into_bytes()),
        (
            "huge-attr.html",
            format!("<p title=\"{}\">x</p>", "a".repeat(1 << 20)).into_bytes(),
        ),
        (
            "script-only.html",
            b"<html><script>var a = '<p>' + 1;</script></html>".to_vec(),
        ),
    ];
    for (name, bytes) in &cases {
        let path = s.put(name, bytes);
        let (articles, errors) = collect(&path, &Options::default());
        for e in &errors {
            assert!(
                e.starts_with(&path.display().to_string()),
                "{name}: error names the file: {e}"
            );
        }
        // A one-word page may pass as an article; everything else here is refused.
        if *name != "huge-attr.html" {
            assert!(
                !errors.is_empty(),
                "{name}: no error; read {} article(s)",
                articles.len()
            );
        }
    }
    let (_, errors) = collect(Path::new("https://e.com/feed.xml"), &Options::default());
    assert!(errors[0].contains("network is not supported"), "{errors:?}");
    let missing = s.0.join("missing.jsonl");
    let (_, errors) = collect(&missing, &Options::default());
    assert!(errors[0].contains("cannot open"), "{errors:?}");
}

#[test]
fn the_shipped_examples() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let (pages, errors) = collect(&examples.join("karabakh-page.html"), &Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    let page = &pages[0];
    assert_eq!(page.id, "karabakh-page");
    assert_eq!(
        page.title,
        "Baku stops Karabakh offensive as separatist fighters agree to disarm"
    );
    assert_eq!(page.published, "2023-09-20");
    assert_eq!(
        page.url.as_deref(),
        Some("https://example.org/world/2023/09/20/karabakh-offensive-halted")
    );
    assert_eq!(page.text.lines().count(), 6, "{}", page.text);
    for furniture in [
        "Home",
        "Facebook",
        "checkpoint",
        "Also read",
        "Timeline",
        "first!",
        "©",
        "By the eventwire",
    ] {
        assert!(
            !page.text.contains(furniture),
            "{furniture} kept:\n{}",
            page.text
        );
    }
    let (items, errors) = collect(&examples.join("karabakh-feed.rss"), &Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    let ids: Vec<&str> = items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "example-karabakh-2023-09-20",
            "example-karabakh-2023-09-21",
            "example-yerevan-2023-09-20"
        ]
    );
    assert_eq!(
        items[0].text.lines().count(),
        2,
        "content:encoded, not the summary"
    );
    assert!(items[1]
        .text
        .starts_with("Representatives of the Karabakh Armenians"));
}
