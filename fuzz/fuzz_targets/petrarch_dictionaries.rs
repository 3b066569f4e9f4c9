//! PETRARCH verb, actor, agent, discard and issue dictionaries: any text loads with located
//! problems, compiles, and codes a sentence without panicking.
#![no_main]
use eventwire_coder::peer::PeerCoder;
use eventwire_lexicon::petrarch::Dictionaries;
use eventwire_lexicon::LexiconBuilder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut d = Dictionaries::default();
    let mut errors = Vec::new();
    match which % 5 {
        0 => d.parse_verbs("v.txt", &text, &mut errors),
        1 => d.parse_actors("a.txt", &text, &mut errors),
        2 => d.parse_agents("g.txt", &text, &mut errors),
        3 => d.parse_discards("d.txt", &text, &mut errors),
        _ => d.parse_issues("i.txt", &text, &mut errors),
    }
    let _ = d.discard("Arnor restored ties with Gondor.");
    let (coder, _) = PeerCoder::new(d, LexiconBuilder::codes_only());
    let _ = coder.code(
        "Arnor restored ties with Gondor on Monday.",
        "19950104",
        false,
    );
});
