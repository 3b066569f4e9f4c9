//! Our code tables and lexicon against the facts: reads ../shared (skips when absent) for the
//! CAMEO table, and checks the bundled lexicon's coverage without it.

use eventwire_lexicon::LexiconBuilder;
use std::collections::HashSet;
use std::path::PathBuf;

fn shared(rel: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    match std::fs::read_to_string(&p) {
        Ok(s) => Some(s),
        Err(_) => {
            eprintln!("skipped: {} is absent", p.display());
            None
        }
    }
}

#[test]
fn cameo_table_matches_the_shared_codebook() {
    let Some(text) = shared("corpora/cameo/cameo_event_codes.tsv") else {
        return;
    };
    let (lex, problems) = LexiconBuilder::bundled().build();
    assert!(problems.is_empty(), "{problems:?}");
    let mut n = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let ours = lex
            .codes
            .get(f[0])
            .unwrap_or_else(|| panic!("code {} missing from data/codes/cameo.tsv", f[0]));
        assert_eq!(
            ours.goldstein,
            f[4].parse::<f64>().unwrap(),
            "Goldstein of {}",
            f[0]
        );
        assert_eq!(ours.cameo_quad.to_string(), f[5], "quad of {}", f[0]);
        if !f[7].starts_with('(') && !f[7].is_empty() {
            assert_eq!(ours.plover_event, f[7], "PLOVER event of {}", f[0]);
            assert_eq!(ours.plover_mode, f[8], "PLOVER mode of {}", f[0]);
        }
        n += 1;
    }
    assert_eq!(n, lex.codes.len());
}

#[test]
fn plover_scale_matches_the_ontology() {
    let Some(text) = shared("corpora/plover/plover_ontology.json") else {
        return;
    };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (lex, _) = LexiconBuilder::bundled().build();
    for (key, score) in v["conflict_cooperation_scores"].as_object().unwrap() {
        let (event, mode) = key
            .split_once(':')
            .map_or((key.as_str(), "-".to_string()), |(e, m)| {
                (e, m.trim().to_lowercase())
            });
        let expected = score.as_f64().unwrap();
        let expected = if event == "ACCUSE" && mode == "-" {
            -expected.abs()
        } else {
            expected
        };
        assert_eq!(lex.codes.scale(event.trim(), &mode), expected, "{key}");
    }
}

#[test]
fn bundled_lexicon_is_clean_and_covers_every_cameo_code() {
    let (lex, problems) = LexiconBuilder::bundled().build();
    assert!(
        problems.is_empty(),
        "{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let written: HashSet<&str> = lex.events.patterns.iter().map(|p| p.id.as_str()).collect();
    assert!(written.len() >= 3000, "only {} patterns", written.len());
    let covered: HashSet<&str> = lex
        .events
        .patterns
        .iter()
        .map(|p| p.cameo.as_str())
        .collect();
    let missing: Vec<&str> = lex
        .codes
        .iter()
        .map(|c| c.cameo.as_str())
        .filter(|c| c.len() >= 3 && c.chars().all(|ch| ch.is_ascii_digit()) && !covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "CAMEO codes without a pattern: {missing:?}"
    );
    assert!(lex.actors.phrase_count() > 3000);
}

#[test]
fn broken_lines_are_reported_with_file_and_line() {
    let mut b = LexiconBuilder::bundled();
    b.add_file("mine/events/x.txt", "x-1 | 190 | v | attack\nx-2 | 9999 | v | strike\nx-3 | 190 | q | hit\nx-4 | 190 | v | + hit\nx-1 | 190 | v | bomb\nbroken line\n".into());
    b.add_file(
        "mine/people.txt",
        "ARM GOV | Somebody | 2020-13-01 | - | pm | -\narm | X | - | - | - | -\n".into(),
    );
    let (_, problems) = b.build();
    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let expect = [
        "mine/events/x.txt:2: unknown CAMEO code",
        "mine/events/x.txt:3: kind must be v or n",
        "mine/events/x.txt:4: a pattern must start with a word",
        "mine/events/x.txt:5: id \"x-1\" already used",
        "mine/events/x.txt:6: expected 4–5 fields",
        "mine/people.txt:1: dates",
        "mine/people.txt:2: code \"arm\"",
    ];
    for e in expect {
        assert!(
            lines.iter().any(|l| l.starts_with(e)),
            "missing {e:?} in {lines:#?}"
        );
    }
}
