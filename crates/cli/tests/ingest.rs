//! `eventwire ingest` and `eventwire export` end to end: the shipped examples into a temporary
//! store, a syndicated copy and a bad record from a folder, and every export format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_eventwire"))
}

fn repo(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// A scratch folder, removed when dropped.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("eventwire-ingest-{name}-"))
        .tempdir()
        .unwrap()
}

fn run(args: &[&str]) -> Output {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "eventwire {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn export(db: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let db = db.to_str().unwrap();
    let mut args = vec!["export", "--db", db, "--format", "jsonl"];
    args.extend_from_slice(extra);
    String::from_utf8(run(&args).stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn ingest_the_examples_then_export_them() {
    let scratch = temp_dir("examples");
    let dir = scratch.path();
    let db = dir.join("events.db");
    let db_arg = db.to_str().unwrap();
    let karabakh = repo("examples/karabakh.jsonl");
    let stories = repo("examples/stories.jsonl");
    let out = run(&["ingest", &karabakh, &stories, "--db", db_arg]);
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("5 articles"), "{summary}");
    assert!(summary.contains("5 new"), "{summary}");

    let events = export(&db, &[]);
    assert!(events.len() >= 8, "only {} events", events.len());
    for e in &events {
        assert!(e["event"][0].is_string() && e["date"].is_string(), "{e}");
        assert_eq!(e["ew"]["sources"], 1, "{e}");
        assert!(e["ew"]["num_mentions"].as_u64().unwrap() >= 1, "{e}");
    }
    let articles: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e["ew"]["article_id"].as_str().unwrap())
        .collect();
    assert!(articles.len() >= 4, "{articles:?}");
    let azerbaijan = export(&db, &["--country", "AZE", "--since", "2023-09-19"]);
    assert!(!azerbaijan.is_empty());
    assert!(azerbaijan.len() < events.len());
    let assaults = export(&db, &["--event", "ASSAULT"]);
    assert!(assaults.iter().all(|e| e["event"][0] == "ASSAULT"));
    assert!(!assaults.is_empty());

    // Ingesting again changes nothing.
    let again = run(&["ingest", &karabakh, &stories, "--db", db_arg]);
    let summary = String::from_utf8_lossy(&again.stderr);
    assert!(
        summary.contains("0 new") && summary.contains("5 unchanged"),
        "{summary}"
    );
    assert_eq!(export(&db, &[]).len(), events.len());
}

#[test]
fn a_folder_with_a_syndicated_copy_and_a_bad_record() {
    let scratch = temp_dir("folder");
    let dir = scratch.path();
    let feed = dir.join("feed");
    std::fs::create_dir_all(feed.join("nested")).unwrap();
    let original = std::fs::read_to_string(repo("examples/karabakh.jsonl")).unwrap();
    let mut copy: serde_json::Value = serde_json::from_str(original.trim()).unwrap();
    copy["id"] = "karabakh-syndicated".into();
    copy["source"] = "Another Outlet".into();
    copy["title"] = "Azerbaijan halts Karabakh offensive".into();
    std::fs::write(feed.join("a.jsonl"), original.trim().to_string() + "\n").unwrap();
    std::fs::write(
        feed.join("nested/b.jsonl"),
        format!("{copy}\n{{\"id\": \"broken\"\n"),
    )
    .unwrap();
    let db = dir.join("store.db");
    let out = run(&[
        "ingest",
        feed.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("b.jsonl:2:"),
        "the bad record is located: {stderr}"
    );
    assert!(
        stderr.contains("1 duplicates") && stderr.contains("1 bad"),
        "{stderr}"
    );

    let events = export(&db, &[]);
    assert!(!events.is_empty());
    for e in &events {
        assert_eq!(e["ew"]["article_id"], "karabakh-example", "{e}");
        assert_eq!(e["ew"]["sources"], 2, "the copy's outlet corroborates: {e}");
    }

    let db_arg = db.to_str().unwrap();
    let csv = run(&["export", "--db", db_arg, "--format", "csv"]).stdout;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,date,event,mode,cameo,"), "{csv}");
    // CSV rows also hold CAMEO-only statements, which PLOVER JSONL leaves out.
    assert!(csv::Reader::from_reader(csv.as_bytes()).records().count() >= events.len());
    let tsv = String::from_utf8(run(&["export", "--db", db_arg, "--format", "cameo-tsv"]).stdout)
        .unwrap();
    assert!(tsv.lines().all(|l| l.split('\t').count() == 10), "{tsv}");
    let parquet = dir.join("events.parquet");
    run(&[
        "export",
        "--db",
        db_arg,
        "--format",
        "parquet",
        "-o",
        parquet.to_str().unwrap(),
    ]);
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(&parquet).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().schema_descr().num_columns(), 30);
    assert_eq!(
        meta.file_metadata().num_rows() as usize,
        csv::Reader::from_reader(csv.as_bytes()).records().count()
    );
}

#[test]
fn export_of_a_missing_store_is_an_error() {
    let scratch = temp_dir("missing");
    let dir = scratch.path();
    let out = bin()
        .args(["export", "--db", dir.join("none.db").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such store"));
}

#[test]
fn ingest_learns_outlet_homes_like_code() {
    let scratch = temp_dir("homes");
    let dir = scratch.path();
    let jsonl = common::local_paper_jsonl();
    let input = dir.join("local-paper.jsonl");
    std::fs::write(&input, jsonl).unwrap();
    let jena_country = |name: &str, extra: &[&str]| {
        let db = dir.join(name);
        let mut args = vec![
            "ingest",
            input.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args);
        export(&db, &[])
            .into_iter()
            .find(|e| e["ew"]["article_id"] == "t3")
            .map(|e| e["event_loc"]["country_code"].as_str().unwrap().to_string())
    };
    assert_eq!(jena_country("plain.db", &[]).as_deref(), Some("DEU"));
    assert_eq!(
        jena_country("homes.db", &["--outlet-homes"]).as_deref(),
        Some("USA")
    );
}
