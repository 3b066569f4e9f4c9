//! Near-duplicate detection as floors, on the synthetic copies of the shared news text
//! (`eventwire eval dedup`). Reads ../shared (skips when absent).

#[test]
fn near_duplicates_precision_and_recall() {
    let Some(shared) = eventwire_eval::corpus::shared_dir() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let r = eventwire_eval::dedup::dedup(&shared).unwrap();
    println!("{r}");
    assert_eq!(
        r.get("true_positives").unwrap() + r.get("missed").unwrap(),
        2000.0,
        "{r}"
    );
    // Lower bound: every link between two corpus stories counts as false.
    assert!(r.get("precision").unwrap() >= 0.72, "{r}");
    assert!(r.get("copy_link_precision").unwrap() >= 0.97, "{r}");
    assert!(r.get("recall").unwrap() >= 0.90, "{r}");
}
