//! Article JSONL and plain-text readers: any bytes give articles or located errors.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for item in eventwire_ingest::read_jsonl("fuzz.jsonl", data) {
        if let Err(e) = item {
            assert!(e.to_string().starts_with("fuzz.jsonl:"));
        }
    }
    let _ = eventwire_ingest::read_text("fuzz.txt", "fuzz", data, "2024-01-01");
});
