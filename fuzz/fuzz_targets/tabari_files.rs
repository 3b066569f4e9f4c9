//! TABARI .actors, .agents, .verbs and .options files and .text records: any text loads with
//! located problems, and the TABARI coder built from it codes a sentence without panicking.
#![no_main]
use eventwire_coder::tabari::TabariCoder;
use eventwire_lexicon::tabari::{
    read_actors, read_agents, read_records, read_tabari_verbs, TabariDictionaries,
};
use libfuzzer_sys::fuzz_target;

const BASE_ACTORS: &str = "ARNOR [ARN]\nGONDOR [GON]\n";
const BASE_VERBS: &str = "RESTOR [064]\n- * TIES [064]\n";

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if which % 5 == 4 {
        let _ = read_records("x.text", &text);
        return;
    }
    let mut d = TabariDictionaries::default();
    let mut errors = Vec::new();
    let pick = |k: u8, fuzzed: &str, base: &'static str| {
        if which % 5 == k {
            fuzzed.to_string()
        } else {
            base.to_string()
        }
    };
    read_actors(
        &mut d,
        "x.actors",
        &pick(0, &text, BASE_ACTORS),
        &mut errors,
    );
    read_agents(&mut d, "x.agents", &pick(1, &text, ""), &mut errors);
    read_tabari_verbs(&mut d, "x.verbs", &pick(2, &text, BASE_VERBS), &mut errors);
    let (mut coder, _) = TabariCoder::new(d);
    if which % 5 == 3 {
        for line in text.lines() {
            coder.set_option(line);
        }
    }
    let _ = coder.code_sentence(
        "After long talks Arnor is about to restore full diplomatic ties with Gondor.",
        "19950101",
    );
});
