//! eventwire's own lexicon grammar: any file text compiles or yields located problems.
#![no_main]
use eventwire_lexicon::LexiconBuilder;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 6] = [
    "countries.txt",
    "organizations.txt",
    "people.txt",
    "sectors.txt",
    "disputed.txt",
    "events/fuzz.txt",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let mut b = LexiconBuilder::codes_only();
    b.add_file(FILES[which as usize % FILES.len()], text);
    let _ = b.build();
});
