//! Peer dictionaries on the command line: located errors for bad lines, `--strict` fatal,
//! replacing and extending eventwire's lexicon.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_eventwire"))
}

fn temp(name: &str, text: &str) -> String {
    // Under the target folder, by fixed names: a rerun overwrites the same small files.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dictionaries-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const VERBS: &str = "--- RESTORE [064] ---\nRESTORE\n- * TIES (WITH +) [064]\n- * NOTHING\n";
const ACTORS: &str = "ARNOR_ [ARN]\nGONDOR_ [GON]\nBROKEN [GON 99x]\n";

#[test]
fn bad_dictionary_lines_are_located_and_strict_is_fatal() {
    let (v, a) = (temp("v.txt", VERBS), temp("a.txt", ACTORS));
    let input = temp("s.txt", "Title\nArnor restored ties with Gondor.\n");
    let out = bin()
        .args([
            "code",
            &input,
            "--published",
            "1995-01-01",
            "--format",
            "cameo-tsv",
            "--verbs",
            &v,
            "--actors",
            &a,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("v.txt:4:"), "{err}");
    assert!(err.contains("a.txt:3:"), "{err}");
    assert!(err.contains("loaded"), "{err}");
    let tsv = String::from_utf8_lossy(&out.stdout);
    assert!(tsv.contains("ARN\tGON\t064"), "{tsv}");
    let strict = bin()
        .args([
            "code",
            &input,
            "--published",
            "1995-01-01",
            "--verbs",
            &v,
            "--actors",
            &a,
            "--strict",
        ])
        .output()
        .unwrap();
    assert!(!strict.status.success());
}

#[test]
fn peer_dictionaries_replace_or_extend_ours() {
    let (v, a) = (temp("v2.txt", VERBS), temp("a2.txt", ACTORS));
    let input = temp(
        "s2.txt",
        "Title\nRussian troops shelled Ukrainian positions. Arnor restored ties with Gondor.\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "code",
            input.as_str(),
            "--published",
            "2024-03-06",
            "--format",
            "cameo-tsv",
            "--verbs",
            v.as_str(),
            "--actors",
            a.as_str(),
        ];
        args.extend_from_slice(extra);
        String::from_utf8(bin().args(&args).output().unwrap().stdout).unwrap()
    };
    let replaced = run(&[]);
    assert!(
        replaced.contains("ARN\tGON\t064") && !replaced.contains("RUS"),
        "{replaced}"
    );
    let extended = run(&["--extend"]);
    assert!(
        extended.contains("ARN\tGON\t064") && extended.contains("RUS"),
        "{extended}"
    );
}

#[test]
fn code_applies_the_peers_paired_codes_and_discards() {
    let v = temp(
        "v3.txt",
        "--- VISIT [042] ---\nVISIT\n- * + [042:043]\n--- RESTORE [064] ---\nRESTORE\n- * TIES (WITH +) [064]\n",
    );
    let a = temp("a3.txt", ACTORS);
    let d = temp("d3.txt", "FOOTBALL TEAM\n");
    let input = temp(
        "s3.txt",
        "Title\nArnor visited Gondor on Monday. The football team of Arnor restored ties with Gondor.\n",
    );
    let out = bin()
        .args([
            "code",
            &input,
            "--published",
            "1995-01-04",
            "--verbs",
            &v,
            "--actors",
            &a,
            "--discards",
            &d,
        ])
        .output()
        .unwrap();
    let jsonl = String::from_utf8_lossy(&out.stdout);
    let events: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            let s = |k: &str| e["ew"][k].as_str().unwrap_or("").to_string();
            (s("cameo_actor"), s("cameo_recipient"), s("cameo"))
        })
        .collect();
    assert!(
        codes.contains(&("ARN".into(), "GON".into(), "042".into())),
        "{jsonl}"
    );
    assert!(
        codes.contains(&("GON".into(), "ARN".into(), "043".into())),
        "{jsonl}"
    );
    assert!(
        !codes.iter().any(|c| c.2 == "064"),
        "the discard drops the sentence: {jsonl}"
    );
    let host = events.iter().find(|e| e["ew"]["cameo"] == "043").unwrap();
    assert_eq!(host["actor"][0]["entity_text"], "Gondor", "{jsonl}");
    assert_eq!(host["event"][0], "CONSULT", "{jsonl}");
}

#[test]
fn a_tabari_project_codes_with_tabaris_rules() {
    // A project of our own: TABARI's file kinds, TABARI's algorithm, contract events out.
    let actors = temp(
        "t.actors",
        "ARNOR  [ARN]\nGONDOR  [GON]\nMINAS_TIRITH  [GON]\n",
    );
    temp(
        "t.verbs",
        "RESTOR  [064]\n- * TIES  [064]\nCONDEMN  [122]\n",
    );
    temp("t.options", "");
    let dir = std::path::Path::new(&actors).parent().unwrap();
    std::fs::write(dir.join("t.text"), "").unwrap();
    let project = temp(
        "t.project",
        "A test project\n<actorsfile> t.actors\n<verbsfile> t.verbs\n<optionsfile> t.options\n<textfile> t.text\n",
    );
    let input = temp(
        "tabari.txt",
        "Title\nArnor restored full diplomatic ties with Minas Tirith on Monday. In a short statement on Tuesday evening Gondor condemned Arnor.\n",
    );
    let out = bin()
        .args([
            "code",
            &input,
            "--published",
            "1995-01-06",
            "--format",
            "cameo-tsv",
            "--dictionaries",
            &format!("tabari:{project}"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let tsv = String::from_utf8_lossy(&out.stdout);
    assert!(tsv.contains("ARN\tGON\t064"), "{tsv}{err}");
    assert!(tsv.contains("GON\tARN\t122"), "{tsv}{err}");
    assert!(tsv.contains("Minas Tirith"), "the target's words: {tsv}");
}
