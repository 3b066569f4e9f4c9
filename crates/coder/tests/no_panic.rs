//! Any text, any date string: the coder returns events or an error, never a panic, and every
//! evidence span lies inside the article.
use eventwire_coder::Coder;
use eventwire_model::Article;
use proptest::prelude::*;
use std::sync::OnceLock;

fn coder() -> &'static Coder {
    static C: OnceLock<Coder> = OnceLock::new();
    C.get_or_init(Coder::bundled)
}

const WORDS: &[&str] = &[
    "Russian",
    "troops",
    "shelled",
    "Ukraine",
    "on",
    "Tuesday",
    ",",
    ".",
    "\"",
    "“",
    "”",
    "not",
    "will",
    "killed",
    "100",
    "hundreds",
    "Baku",
    "'s",
    "army",
    "accused",
    "Armenia",
    "of",
    "by",
    "was",
    "U.S.",
    "p.m.",
    "No.",
    "1e400",
    "people",
    "said",
    "he",
    "they",
    "Also read:",
    "\n",
    "—",
    "ceasefire",
    "Karabakh",
    "separatists",
    "in",
    "2020",
    "Gen.",
    "é",
    "🙂",
    "\u{0}",
    "((",
    "]]",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn arbitrary_text_never_panics(title in "\\PC{0,40}", body in "\\PC{0,300}", date in "[0-9T:Z-]{0,25}") {
        let a = Article::new("p", &title, &body, &date);
        if let Ok(events) = coder().code(&a) {
            let n = a.full_text().chars().count();
            for e in events {
                for [s, t] in e.ew.evidence.values() {
                    prop_assert!(s <= t && *t <= n);
                }
            }
        }
    }

    #[test]
    fn news_like_word_salad_never_panics(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..120)) {
        let body = words.join(" ");
        let a = Article::new("w", "Title", &body, "2023-09-20");
        let events = coder().code(&a).unwrap();
        let full: Vec<char> = a.full_text().chars().collect();
        for e in events {
            let sentence: String = full[e.text_info.start..e.text_info.end].iter().collect();
            prop_assert_eq!(sentence, e.text);
        }
    }
}
