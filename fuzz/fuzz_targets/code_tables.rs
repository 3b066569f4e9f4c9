//! The CAMEO code table and the PLOVER scale (`data/codes/*.tsv`): any text loads with located
//! problems, and every loaded code can be looked up and scaled. The first byte picks the table.
#![no_main]
use eventwire_lexicon::LexiconBuilder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let file = if which % 2 == 0 {
        "fuzz/cameo.tsv"
    } else {
        "fuzz/plover_scale.tsv"
    };
    let mut b = LexiconBuilder::new();
    b.add_file(file, String::from_utf8_lossy(rest).into_owned());
    let (lexicon, errors) = b.build();
    for e in &errors {
        assert!(e.to_string().starts_with(file), "{e}");
    }
    for info in lexicon.codes.iter() {
        assert!(lexicon.codes.get(&info.cameo).is_some());
        let _ = lexicon.codes.scale(&info.plover_event, &info.plover_mode);
    }
});
