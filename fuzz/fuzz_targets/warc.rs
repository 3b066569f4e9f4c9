//! WARC archives (already decompressed): any bytes give articles or errors naming the record,
//! and every record read consumes input, so reading ends.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut records = 0;
    for item in eventwire_ingest::warc::read_warc("fuzz.warc", data) {
        records += 1;
        assert!(records <= data.len(), "more records than bytes");
        if let Err(e) = item {
            assert!(e.to_string().starts_with("fuzz.warc: WARC record "), "{e}");
        }
    }
});
