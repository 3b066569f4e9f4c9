//! The reference article (`../shared/samples/karabakh-2023-09-20.jsonl`), field by field, as
//! issue 2 lists it. Reads ../shared: skips (with a message) when it is absent.

use eventwire_coder::Coder;
use eventwire_model::{Article, Event};
use std::path::PathBuf;

fn reference() -> Option<Article> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/samples/karabakh-2023-09-20.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    };
    Some(serde_json::from_str(text.lines().next()?).expect("the reference article is valid JSON"))
}

fn coded() -> Option<(Article, Vec<Event>)> {
    let a = reference()?;
    let events = Coder::bundled().code(&a).expect("codes");
    Some((a, events))
}

fn show(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| {
            let ents = |v: &[eventwire_model::Entity]| {
                v.iter()
                    .map(|x| format!("{} {} ({})", x.code, x.sector, x.entity_text))
                    .collect::<Vec<_>>()
                    .join("+")
            };
            format!(
                "  {} {} {:?} {} {:?} actor=[{}] recipient=[{}] {:?}",
                e.id,
                e.date,
                e.event,
                e.ew.cameo,
                e.mode,
                ents(&e.actor),
                ents(&e.recipient),
                e.event_text
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn find<'a>(events: &'a [Event], what: &str, pred: impl Fn(&Event) -> bool) -> &'a Event {
    events
        .iter()
        .find(|e| pred(e))
        .unwrap_or_else(|| panic!("no event: {what}\ncoded:\n{}", show(events)))
}

fn actor_is(e: &Event, code: &str, sector: &str) -> bool {
    e.actor.iter().any(|a| {
        a.code == code
            && a.sector.split_whitespace().collect::<Vec<_>>()
                == sector.split_whitespace().collect::<Vec<_>>()
    })
}

fn sentence_has(e: &Event, words: &str) -> bool {
    e.text.contains(words)
}

#[test]
fn azerbaijan_halts_its_offensive() {
    let Some((_, ev)) = coded() else { return };
    let e = find(&ev, "RETREAT ceasefire by AZE on 2023-09-20", |e| {
        e.event == ["RETREAT"]
            && e.mode.contains(&"ceasefire".to_string())
            && e.actor
                .iter()
                .any(|a| a.code == "AZE" && !a.sector.contains("PRE"))
            && e.date == "2023-09-20"
    });
    assert!(e.ew.evidence.contains_key("event") && e.ew.evidence.contains_key("actor"));
}

#[test]
fn separatists_surrender() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "RETREAT by AZE REB PRE (surrender)", |e| {
        e.event == ["RETREAT"]
            && actor_is(e, "AZE", "REB PRE")
            && e.event_text.iter().any(|t| t.starts_with("surrender"))
    });
}

#[test]
fn troops_moved_in_on_tuesday_with_artillery() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "ASSAULT heavy-weapons by AZE MIL on 2023-09-19", |e| {
        e.event == ["ASSAULT"]
            && e.mode.contains(&"heavy-weapons".to_string())
            && actor_is(e, "AZE", "MIL")
            && e.date == "2023-09-19"
    });
}

#[test]
fn armenia_accuses_azerbaijan() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "ACCUSE ARM -> AZE", |e| {
        e.event == ["ACCUSE"]
            && e.actor.iter().any(|a| a.code == "ARM")
            && e.recipient.iter().any(|r| r.code == "AZE")
    });
}

#[test]
fn casualties_are_attributed_and_unverified() {
    let Some((a, ev)) = coded() else { return };
    let e = find(&ev, "about 100 dead, hundreds injured", |e| {
        e.size.as_ref().is_some_and(|s| s.dead == Some(100))
    });
    let size = e.size.as_ref().unwrap();
    assert!(size.injured.is_some_and(|n| n >= 200), "{size:?}");
    assert_eq!(
        e.ew.size_qualifier.get("dead").map(String::as_str),
        Some("approximate")
    );
    let att = e.ew.attribution.as_ref().expect("attributed");
    assert_eq!(att.verified, Some(false));
    let speaker = att.speaker.as_ref().expect("a speaker");
    assert_eq!(
        speaker.identifier_text.as_deref(),
        Some("Ruben Vardanyan"),
        "{att:?}"
    );
    // Evidence spans slice the article's full text at the words they name.
    let full: Vec<char> = a.full_text().chars().collect();
    let [s, t] = e.ew.evidence["size.dead"];
    let words: String = full[s..t].iter().collect();
    assert!(words.contains("100"), "{words:?}");
}

#[test]
fn opponents_demand_pashinyans_resignation() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "REQUEST change ARM OPP -> ARM GOV", |e| {
        e.event == ["REQUEST"]
            && e.mode.contains(&"change".to_string())
            && actor_is(e, "ARM", "OPP")
            && e.recipient
                .iter()
                .any(|r| r.code == "ARM" && r.sector == "GOV")
    });
}

#[test]
fn kremlin_rejects_criticism() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "REJECT by RUS", |e| {
        e.event == ["REJECT"] && e.actor.iter().any(|a| a.code == "RUS")
    });
}

#[test]
fn the_2020_ceasefire_is_historical() {
    let Some((_, ev)) = coded() else { return };
    find(&ev, "historical event dated 2020", |e| {
        sentence_has(e, "2020")
            && e.mode.contains(&"historical".to_string())
            && e.date.starts_with("2020")
    });
}

#[test]
fn no_event_from_the_also_read_line() {
    let Some((_, ev)) = coded() else { return };
    assert!(
        !ev.iter()
            .any(|e| e.text.contains("Blinken") || e.text.starts_with("Also read")),
        "{}",
        show(&ev)
    );
}

#[test]
fn every_evidence_span_lies_in_its_sentence_and_ids_are_stable() {
    let Some((a, ev)) = coded() else { return };
    let full: Vec<char> = a.full_text().chars().collect();
    for e in &ev {
        let sentence: String = full[e.text_info.start..e.text_info.end].iter().collect();
        assert_eq!(sentence, e.text);
        for (field, [s, t]) in &e.ew.evidence {
            assert!(s < t && *t <= full.len(), "{field} {s}..{t}");
        }
        assert!(e.id.starts_with("karabakh-2023-09-20-"));
    }
    let again = Coder::bundled().code(&a).unwrap();
    assert_eq!(
        ev.iter().map(|e| &e.id).collect::<Vec<_>>(),
        again.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
}

#[test]
fn places_in_the_reference_article() {
    let Some((a, ev)) = coded() else { return };
    let halt = find(&ev, "the halt in the Nagorno-Karabakh region", |e| {
        e.text.contains("halt of armed operations") && e.actor.iter().any(|x| x.code == "AZE")
    });
    let loc = halt.event_loc.as_ref().expect("located");
    assert_eq!(
        (
            loc.resolved_place.as_str(),
            loc.country_code.as_str(),
            loc.resolution,
            loc.geonameid
        ),
        ("Nagorno-Karabakh", "AZE", 2, None)
    );
    assert_eq!(halt.ew.location_reason.as_deref(), Some("in-sentence"));
    let g = eventwire_resolve::geo::Gazetteer::bundled();
    let places = eventwire_coder::geoparse(g, &a, None);
    let stepanakert = places
        .iter()
        .find(|p| p.text == "Stepanakert")
        .expect("Stepanakert found");
    assert_eq!(stepanakert.geonameid, Some(146970));
    let khankendi = places
        .iter()
        .find(|p| p.text == "Khankendi")
        .expect("Khankendi found");
    assert_eq!(khankendi.geonameid, Some(146970));
    // Offsets slice the article's `text` field.
    let text: Vec<char> = a.text.chars().collect();
    assert_eq!(
        text[stepanakert.start..stepanakert.end]
            .iter()
            .collect::<String>(),
        "Stepanakert"
    );
    for e in &ev {
        assert!(
            e.ew.location_reason.is_some(),
            "{} has no location reason",
            e.id
        );
    }
}
