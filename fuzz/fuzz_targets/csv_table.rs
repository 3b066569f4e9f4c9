//! CSV and TSV tables with named columns: any bytes give articles or errors naming the file and
//! line. The first byte picks the delimiter and whether the columns are named or guessed.
#![no_main]
use eventwire_ingest::{table::read_table, Columns};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let delimiter = if which % 2 == 0 { b',' } else { b'\t' };
    let columns = if which & 2 == 0 {
        Columns::default()
    } else {
        Columns {
            text: Some("story".into()),
            date: Some("when".into()),
            id: Some("key".into()),
            ..Columns::default()
        }
    };
    for item in read_table("fuzz.csv", "fuzz", rest, delimiter, &columns) {
        match item {
            Ok(a) => assert!(!a.text.is_empty() && !a.id.is_empty()),
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv"), "{e}"),
        }
    }
});
