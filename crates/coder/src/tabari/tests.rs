use super::*;
use eventwire_lexicon::tabari::{
    read_actors, read_agents, read_records, read_tabari_verbs, Expect,
};

fn tiny() -> TabariCoder {
    let mut d = TabariDictionaries::default();
    let mut e = Vec::new();
    read_actors(
        &mut d,
        "t.actors",
        "<ADJECTIVE>\nEVIL\n</ADJECTIVE>\nARNOR [ARN]\nGONDOR\n+MINAS_TIRITH\n\t[GON]\nOSGILIATH_ [OSG]\nENT [### <890101] [ENT]\nBOROMIR [---]\n",
        &mut e,
    );
    read_agents(
        &mut d,
        "t.agents",
        "POLICE_ [~COP]\nHUMAN_RIGHTS_ACTIVISTS_ [NGM~]\n",
        &mut e,
    );
    read_tabari_verbs(
        &mut d,
        "t.verbs",
        "<SYNSETS>\n&TIES\n+MILITARY\n</SYNSETS>\nRESTOR [064]\n- * &TIES TIES [902]\n- NOT * RELATIONS [112]\nMEET [031:031]\n- % HAVE POSTPONED * [191]\nSAID [023?]\nFREE [066]\n- + * FROM $ [066]\nOPPOS [112]\nSOCCER [###]\n",
        &mut e,
    );
    assert!(e.is_empty(), "{e:?}");
    let (c, problems) = TabariCoder::new(d);
    assert!(problems.is_empty(), "{problems:?}");
    c
}

fn triples(c: &TabariCoding) -> Vec<(String, String, String)> {
    match c {
        TabariCoding::Events(v) => v
            .iter()
            .map(|e| (e.source.clone(), e.target.clone(), e.code.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

fn t(s: &str, t: &str, c: &str) -> (String, String, String) {
    (s.into(), t.into(), c.into())
}

#[test]
fn root_code_default_actors_and_spans() {
    let c = tiny();
    let text = "Arnor is about to restore full diplomatic ties with Gondor again.";
    let coded = c.code_sentence(text, "19950101");
    assert_eq!(triples(&coded), [t("ARN", "GON", "064")]);
    let TabariCoding::Events(v) = coded else {
        unreachable!()
    };
    assert_eq!(&text[v[0].source_span.clone().unwrap()], "Arnor");
    assert_eq!(&text[v[0].target_span.clone().unwrap()], "Gondor");
    assert_eq!(&text[v[0].verb_span.clone().unwrap()], "restore");
}

#[test]
fn synsets_compounds_and_paired_codes() {
    let c = tiny();
    let coded = c.code_sentence(
        "Arnor will restore full military ties with Gondor soon enough.",
        "19950101",
    );
    assert_eq!(triples(&coded), [t("ARN", "GON", "902")]);
    let coded = c.code_sentence(
        "Old foes Gondor and Osgiliath have postponed their meeting again today.",
        "19950101",
    );
    assert_eq!(
        triples(&coded),
        [t("GON", "OSG", "191"), t("OSG", "GON", "191")]
    );
}

#[test]
fn passive_patterns_agents_and_subordinate_codes() {
    let c = tiny();
    let coded = c.code_sentence(
        "Arnor was opposed by Osgiliath in being drawn into the process.",
        "19950101",
    );
    assert_eq!(triples(&coded), [t("OSG", "ARN", "112")]);
    let coded = c.code_sentence(
        "Arnor police were freed from Gondor after a long dispute there.",
        "19950101",
    );
    assert_eq!(triples(&coded), [t("GON", "ARNCOP", "066")]);
    let coded = c.code_sentence(
        "Human rights activists in Arnor said Gondor is about to act.",
        "19950101",
    );
    assert_eq!(triples(&coded), [t("NGMARN", "GON", "023")]);
}

#[test]
fn discards_dates_nouns_and_short_sentences() {
    let c = tiny();
    let coded = c.code_sentence(
        "Arnor and Gondor will watch soccer finals on Sunday night.",
        "19950101",
    );
    assert_eq!(coded, TabariCoding::Discarded);
    let coded = c.code_sentence(
        "Arnor is about to restore ties with Ent crowds in the north.",
        "19880101",
    );
    assert_eq!(coded, TabariCoding::Discarded);
    let coded = c.code_sentence(
        "Arnor is about to restore ties with Boromir in Gondor now.",
        "19950101",
    );
    assert_eq!(triples(&coded), [t("ARN", "GON", "064")]);
    let coded = c.code_sentence(
        "Arnor is about the restore of ties with Gondor this week.",
        "19950101",
    );
    assert_eq!(triples(&coded), []);
    assert_eq!(
        triples(&c.code_sentence("Arnor restored Gondor.", "19950101")),
        []
    );
}

#[test]
fn odd_input_never_panics() {
    let c = tiny();
    for s in [
        "",
        ",,,,,,,,,,,,",
        "\u{0}\u{1} Arnor -- restore ,;\" Gondor ” ’ é ü 1,500 , , and and or",
        &"Arnor restore Gondor and ".repeat(200),
        &"x".repeat(5000),
        "Arnor_ _ __ ~ & { | } $ + % ^ * Gondor's 's ' '' restore",
        "THE THE THE A AN HE SHE IT THEY THEM THEIR , AND BUT BY WAS WERE",
    ] {
        let _ = c.code_sentence(s, "garbage");
        let _ = c.code_sentence(s, "19950101");
    }
}

/// TABARI's own validation records (../shared), coded in order with their option changes.
#[test]
fn validation_records() {
    let project = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/peers/tabari/Validate.project");
    if !project.exists() {
        eprintln!("skipped: {} is absent", project.display());
        return;
    }
    let (mut coder, errors) = TabariCoder::load(&project).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let text = std::fs::read_to_string(project.with_file_name("Validate.text")).unwrap();
    let (records, errs) = read_records("Validate.text", &text);
    assert!(errs.is_empty(), "{errs:?}");
    let mut story = Story::default();
    let (mut n, mut ok) = (0, 0);
    let mut failed = Vec::new();
    for r in records.iter().take_while(|r| r.id != "FINAL-01") {
        if r.expect == Expect::Control {
            for o in &r.options {
                coder.set_option(o);
            }
            continue;
        }
        n += 1;
        let coded = coder.code_record(&r.text, &format!("{:08}", r.date), &r.id, &mut story);
        let mut got = triples(&coded);
        got.sort();
        got.dedup();
        let pass = match &r.expect {
            Expect::Events(v) => {
                let mut v = v.clone();
                v.sort();
                v.dedup();
                got == v
            }
            Expect::Partial(v) => v.iter().all(|e| got.contains(e)),
            Expect::None => got.is_empty() && coded != TabariCoding::Discarded,
            Expect::Complex => matches!(coded, TabariCoding::Complex(_)),
            Expect::Discard => coded == TabariCoding::Discarded,
            Expect::Control => true,
        };
        if pass {
            ok += 1;
        } else {
            failed.push(format!("{}: expected {:?}, got {coded:?}", r.id, r.expect));
        }
    }
    // The figure `eventwire eval tabari-suite` prints; a change that codes fewer fails here.
    assert!(ok >= 442, "{ok}/{n} passed:\n{}", failed.join("\n"));
}

proptest::proptest! {
    #[test]
    fn any_text_codes_without_panic(text in "\\PC{0,300}", date in "[0-9]{0,10}") {
        let c = tiny();
        let _ = c.code_sentence(&text, &date);
    }
}

#[test]
fn an_actor_that_ends_the_sentence_is_found_and_short_sentences_are_skipped() {
    let c = tiny();
    let long = "After a long and bitter debate Gondor opposed Arnor";
    for text in [format!("{long}."), long.to_string(), format!("{long} .")] {
        assert_eq!(
            triples(&c.code_sentence(&text, "19950101")),
            [t("GON", "ARN", "112")],
            "{text}"
        );
    }
    // Under the MINWRD default of 8 words TABARI codes nothing.
    assert!(triples(&c.code_sentence("Gondor opposed Arnor.", "19950101")).is_empty());
}
