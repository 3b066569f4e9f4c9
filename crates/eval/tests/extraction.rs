//! Main-text extraction on the Zyte article-extraction benchmark, as a floor under the figure
//! reached (shingle F1 0.970 on 2026-11-30). Reads ../shared (skips when absent).

#[test]
fn extraction_benchmark_f1() {
    let Some(dir) = eventwire_eval::corpus::shared_dir()
        .map(|d| d.join("corpora/article-extraction-benchmark"))
        .filter(|d| d.join("ground-truth.json").exists())
    else {
        eprintln!("skipped: ../shared/corpora/article-extraction-benchmark is absent");
        return;
    };
    let r = eventwire_eval::extraction::extraction(&dir).unwrap();
    println!("{r}");
    assert_eq!(r.get("pages"), Some(181.0));
    assert!(r.get("f1").unwrap() >= 0.96, "{r}");
    assert!(r.get("precision").unwrap() >= 0.94, "{r}");
    assert!(r.get("recall").unwrap() >= 0.98, "{r}");
}
