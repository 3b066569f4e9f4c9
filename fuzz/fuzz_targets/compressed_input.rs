//! The whole reading path of one input stream: gzip/zstd detection and decompression (bounded:
//! a stream that expands too far is refused), format by name or by sniffing, then every reader.
//! The first byte picks the file name, so the name's extension or the content decides the format.
//! OPML is left out: it opens the files it lists.
#![no_main]
use eventwire_ingest::{read_reader, Options};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = [
    "fuzz",
    "fuzz.jsonl.gz",
    "fuzz.txt",
    "fuzz.html.gz",
    "fuzz.warc.gz",
    "fuzz.rss.zst",
    "fuzz.csv",
    "fuzz.tsv.zst",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[which as usize % NAMES.len()];
    let options = Options {
        published: Some("2024-01-01".into()),
        ..Options::default()
    };
    let input = std::io::Cursor::new(rest.to_vec());
    let mut items = 0usize;
    for item in read_reader(name, input, &options) {
        items += 1;
        assert!(items <= 1 << 20, "{name}: reading does not end");
        if let Err(e) = item {
            assert!(e.to_string().starts_with(name), "{e}");
        }
    }
});
