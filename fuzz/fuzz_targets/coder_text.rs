//! The whole coder (clean, segment, tokenize, actors, events, roles, dates, sizes, places) on
//! arbitrary text: never a panic, every evidence span inside the text.
#![no_main]
use eventwire_coder::Coder;
use eventwire_model::Article;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CODER: LazyLock<Coder> = LazyLock::new(Coder::bundled);

fuzz_target!(
    init: {
        // The lexicon and the gazetteer load once, before the first input is timed.
        let warm = Article::new("warm", "", "Troops shelled Stepanakert.", "2023-09-20");
        let _ = CODER.code(&warm);
    },
    |data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (title, body) = text.split_once('\n').unwrap_or(("", text));
    let article = Article::new("fuzz", title, body, "2023-09-20");
    let chars = title.chars().count() + 1 + body.chars().count();
    for e in CODER.code(&article).expect("a valid date") {
        for (field, [a, b]) in &e.ew.evidence {
            assert!(a <= b && *b <= chars, "{field} span {a}..{b} outside {chars}");
        }
    }
    }
);
