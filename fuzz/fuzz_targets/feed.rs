//! RSS, Atom and JSON feeds and OPML subscription lists: any bytes give articles or errors
//! naming the file. The first byte picks the reader.
#![no_main]
use eventwire_ingest::feed::{opml_feeds, read_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `read_feed` catches feed-rs's own panics; libFuzzer's hook would abort on them before the
    // catch, so the default hook is put back. A panic that escapes still fails the input.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    if which % 2 == 0 {
        for item in read_feed("fuzz.rss", rest) {
            if let Err(e) = item {
                assert!(e.to_string().starts_with("fuzz.rss"), "{e}");
            }
        }
    } else if let Err(e) = opml_feeds("fuzz.opml", rest) {
        assert!(e.to_string().starts_with("fuzz.opml"), "{e}");
    }
});
