//! TABARI .verbs, .options and .text record files: any text loads with located problems.
#![no_main]
use eventwire_lexicon::petrarch::Dictionaries;
use eventwire_lexicon::tabari;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut d = Dictionaries::default();
    let mut errors = Vec::new();
    match which % 3 {
        0 => tabari::parse_verbs(&mut d, "x.verbs", &text, &mut errors),
        1 => tabari::parse_options(&mut d, "x.options", &text, &mut errors),
        _ => {
            let _ = tabari::read_records("x.text", &text);
        }
    }
});
