//! The peers' validation suites from raw text, with floors at the figures reached: a change that
//! codes fewer records correctly fails here. Reads ../shared (skips when absent). The figures are
//! printed by `eventwire eval petrarch-suite|petrarch-gsr|tabari-suite` (see the README).

use eventwire_eval::suites::{petrarch_gsr, petrarch_suite, tabari_suite};
use std::path::PathBuf;

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn petrarch_unit_test_records() {
    let Some(path) = shared("corpora/petrarch_validation/PETR.UnitTest.records.xml") else {
        return;
    };
    let r = petrarch_suite(&path, None).unwrap();
    assert_eq!(r.get("records"), Some(279.0), "{r}");
    let passed = r.get("passed").unwrap();
    assert!(
        passed >= 250.0,
        "PETRARCH unit tests: {passed}/279 passed, floor 250\n{r}"
    );
}

#[test]
fn petrarch2_gsr_on_gigaword_sample() {
    let (Some(gsr), Some(text), Some(config)) = (
        shared("peers/universalpetrarch/data/text/PETR2_GSR_validation.xml"),
        shared("peers/petrarch2/data/text/GigaWord.sample.PETR.xml"),
        shared("peers/petrarch2/data/config/PETR_config.ini"),
    ) else {
        return;
    };
    let r = petrarch_gsr(&gsr, Some(&text), &config, None).unwrap();
    let passed = r.get("passed").unwrap();
    assert!(
        passed >= 55.0,
        "PETRARCH2 GSR: {passed}/74 passed, floor 55\n{r}"
    );
}

#[test]
fn tabari_validation_records() {
    let Some(project) = shared("peers/tabari/Validate.project") else {
        return;
    };
    let r = tabari_suite(&project).unwrap();
    assert_eq!(r.get("records"), Some(444.0), "{r}");
    let passed = r.get("passed").unwrap();
    assert!(
        passed >= 442.0,
        "TABARI validation: {passed}/444 passed, floor 442\n{r}"
    );
}
