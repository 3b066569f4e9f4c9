//! The figures issue 2 asks for, as floors: a change that makes the coder worse on the gold sets
//! fails here. Reads ../shared (skips when absent).
use eventwire_coder::Coder;
use std::path::PathBuf;

fn shared(rel: &str) -> Option<PathBuf> {
    let p = eventwire_eval::corpus::shared_dir()
        .map(|d| d.join(rel))
        .filter(|p| p.exists());
    if p.is_none() {
        eprintln!("skipped: ../shared/{rel} is absent");
    }
    p
}

#[test]
fn plover_gsr_event_type_and_actors() {
    let Some(path) = shared("corpora/plover/PLOVER_GSR_CAMEO.json") else {
        return;
    };
    let r = eventwire_eval::plover_gsr(&Coder::bundled(), &path).unwrap();
    println!("{r}");
    assert_eq!(r.get("records"), Some(322.0));
    assert!(r.get("event_type_accuracy").unwrap() >= 0.70, "{r}");
    assert!(r.get("actor_country_accuracy").unwrap() >= 0.80, "{r}");
    assert!(r.get("recipient_country_accuracy").unwrap() >= 0.55, "{r}");
}

#[test]
fn conflibert_penta_class_macro_f1() {
    let Some(path) = shared("corpora/conflibert_cameo/cameo_class_train.tsv") else {
        return;
    };
    let r = eventwire_eval::conflibert(&Coder::bundled(), &path).unwrap();
    println!("{r}");
    assert_eq!(r.get("sentences"), Some(1349.0));
    assert!(r.get("macro_f1").unwrap() >= 0.60, "{r}");
}

#[test]
fn geoparsing_gold_sets() {
    // Floors at the figures reached, all articles and held-out (odd-numbered) ones; the issue's
    // targets are 0.85 given gold spans on each set and 0.75 end to end on TR-News and GeoVirus.
    for (file, gold_spans, end_to_end, gold_spans_heldout, end_to_end_heldout) in [
        ("TR-News.xml", 0.90, 0.76, 0.91, 0.75),
        ("GeoVirus.xml", 0.89, 0.84, 0.88, 0.84),
        ("lgl.xml", 0.89, 0.64, 0.88, 0.63),
    ] {
        let Some(path) = shared(&format!("corpora/geoparsing-gold/{file}")) else {
            return;
        };
        let r = eventwire_eval::geo::geo(&path).unwrap();
        println!("{r}");
        for (figure, floor) in [
            ("gold_spans_within_161km", gold_spans),
            ("end_to_end_f1_161km", end_to_end),
            ("gold_spans_within_161km_heldout", gold_spans_heldout),
            ("end_to_end_f1_161km_heldout", end_to_end_heldout),
        ] {
            assert!(
                r.get(figure).unwrap() >= floor,
                "{file} {figure} < {floor}\n{r}"
            );
        }
    }
}
