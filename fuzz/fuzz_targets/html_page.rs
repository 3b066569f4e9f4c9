//! HTML pages: charset decoding, main-text extraction (furniture removal, readability), date,
//! canonical URL and fragment text on any bytes: an error, or a page with text and a
//! `YYYY-MM-DD` date or none.
#![no_main]
use eventwire_ingest::html;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = html::decode(data, None);
    let _ = html::fragment_text(&page);
    if let Ok(p) = html::extract(&page, Some("https://example.com/world/story")) {
        assert!(!p.text.is_empty(), "a page without text is an error");
        assert!(
            p.published.is_empty() || p.published.len() == 10,
            "date {:?}",
            p.published
        );
    }
});
