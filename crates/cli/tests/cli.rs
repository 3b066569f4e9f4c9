//! The real binary in temp dirs: the README's first command, formats, and bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn temp(name: &str, bytes: &[u8]) -> String {
    // Under the target folder, by fixed names: a rerun overwrites the same small files.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// The JSON lines a successful run of `eventwire ARGS` printed.
fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn codes_the_shipped_example_as_plover_jsonl() {
    let lines = json_lines(&["code", &repo("examples/karabakh.jsonl")]);
    assert!(lines.len() >= 5, "only {} events", lines.len());
    for e in &lines {
        for key in [
            "id",
            "date",
            "event",
            "mode",
            "context",
            "actor",
            "recipient",
            "event_text",
            "quad_code",
            "event_scale",
            "text",
            "text_info",
            "cite_info",
            "ew",
        ] {
            assert!(e.get(key).is_some(), "missing {key} in {e}");
        }
        assert!(!e["text"].as_str().unwrap().starts_with("Read more"));
        assert!(!e["text"].as_str().unwrap().contains("Reporting by"));
    }
}

#[test]
fn plain_text_needs_and_takes_a_date_and_stdin_gives_cameo_tsv() {
    let out = bin()
        .args(["code", &repo("examples/karabakh.txt")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--published"));
    let out = bin()
        .args([
            "code",
            &repo("examples/karabakh.txt"),
            "--published",
            "2023-09-20",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.is_empty());
    let jsonl = std::fs::read(repo("examples/karabakh.jsonl")).unwrap();
    let out = run_with_stdin(&["code", "-", "--format", "cameo-tsv"], &jsonl);
    assert!(out.status.success());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert!(tsv.lines().all(|l| l.split('\t').count() == 10), "{tsv}");
    assert!(tsv.lines().any(|l| l.starts_with("2023091")));
}

#[test]
fn bad_input_is_one_located_line_and_never_a_panic() {
    let good = r#"{"id":"g","title":"T","text":"Russian troops shelled Ukrainian positions on Monday.","published":"2024-03-06"}"#;
    let file = temp(
        "mixed.jsonl",
        format!("{good}\n{{\"id\":\"m\"}}\n{{broken\n\u{0}\u{1}\n{good}\n").as_bytes(),
    );
    let out = bin().args(["code", &file]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("mixed.jsonl:2: missing field \"text\""),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count() > 0,
        true,
        "events before the bad record are kept"
    );

    let out = bin().args(["code", &file, "--skip-bad"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("mixed.jsonl:3: not JSON")
            && err.contains("mixed.jsonl:4:")
            && err.contains("skipped 3 bad record(s)"),
        "{err}"
    );

    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("binary.txt", &b"\x00\x01\x02garbage"[..]),
        ("latin1.txt", &b"Title\ncaf\xe9 attack"[..]),
    ] {
        let f = temp(name, bytes);
        let out = bin()
            .args(["code", &f, "--published", "2024-01-01"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.lines().count() <= 2 && err.contains(name) && !err.contains("panicked"),
            "{name}: {err}"
        );
    }
    let out = bin()
        .args(["code", "/nonexistent/file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.jsonl: cannot open"));
}

#[test]
fn a_fifty_megabyte_line_is_one_located_error() {
    let mut text = String::with_capacity(50 << 20);
    while text.len() < 50 << 20 {
        text.push_str(
            "Rebels attacked a convoy near the border and police arrested dozens of people ",
        );
    }
    let good = r#"{"id":"g","title":"T","text":"Russian troops shelled Ukrainian positions on Monday.","published":"2024-03-06"}"#;
    let line = format!("{{\"id\":\"big\",\"title\":\"\",\"text\":\"{text}\",\"published\":\"2024-01-01\"}}\n{good}\n");
    let f = temp("big.jsonl", line.as_bytes());
    let out = bin()
        .args(["code", &f, "--format", "cameo-tsv", "--skip-bad"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("big.jsonl:1: line longer than 8 MiB; skipped"),
        "{err}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).lines().count() >= 1,
        "the next record is still coded"
    );
}

#[test]
fn lexicon_check_passes() {
    let out = bin().args(["lexicon", "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    assert!(
        last.starts_with("0 problems") && last.ends_with(", 0 failed"),
        "{text}"
    );
}

#[test]
fn stdin_jsonl_streams_in_order_across_batches() {
    // More articles than one batch: every one is coded, in input order (a pipe worker's contract).
    let mut jsonl = Vec::new();
    for i in 0..1200 {
        writeln!(
            jsonl,
            r#"{{"id":"a{i}","title":"","text":"Russian troops shelled Ukrainian positions.","published":"2024-03-06"}}"#
        )
        .unwrap();
    }
    let out = run_with_stdin(
        &["code", "-", "--format", "cameo-tsv", "--no-locations"],
        &jsonl,
    );
    assert!(out.status.success());
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').nth(5).unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..1200).map(|i| format!("a{i}-1-1")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn geoparse_writes_mentions_and_outlet_homes_rank_a_local_papers_places() {
    let mentions = json_lines(&["geoparse", &repo("examples/karabakh.jsonl")]);
    assert!(mentions
        .iter()
        .any(|m| m["text"] == "Stepanakert" && m["geonameid"] == 146970));
    let jsonl = common::local_paper_jsonl();
    let file = temp("local-paper.jsonl", jsonl.as_bytes());
    let jena = |extra: &[&str]| {
        json_lines(&[&["geoparse", file.as_str()], extra].concat())
            .into_iter()
            .find(|m| m["text"] == "Jena")
            .map(|m| m["country_code"].as_str().unwrap().to_string())
    };
    assert_eq!(jena(&[]).as_deref(), Some("DEU"));
    assert_eq!(jena(&["--outlet-homes"]).as_deref(), Some("USA"));
    let out = run_with_stdin(&["geoparse", "--outlet-homes", "-"], jsonl.as_bytes());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read stdin"));
}
