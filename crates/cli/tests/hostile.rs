//! The hostile-input corpus (`tests/hostile/`, described in its README) through the real binary:
//! each file has one expected behaviour — events, or one located line per bad record — and no
//! input may panic or hang. Larger hostile inputs are generated here rather than checked in.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A hang detector, not a speed test: generous enough for a loaded debug build.
const HANG: Duration = Duration::from_secs(120);

fn corpus(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/hostile")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventwire"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > HANG {
            child.kill().unwrap();
            panic!("{args:?} still running after {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = err_reader.join().unwrap();
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    Run {
        code: status.code().expect("killed by a signal"),
        stdout: reader.join().unwrap(),
        stderr,
    }
}

/// `code FILE --skip-bad`: exit 0, the good records' events, one located line per bad record.
fn code_skipping(file: &str, bad_lines: &[&str], min_events: usize) -> Run {
    let r = run(&["code", &corpus(file), "--skip-bad", "--format", "cameo-tsv"]);
    assert_eq!(r.code, 0, "{file}: {}", r.stderr);
    for l in bad_lines {
        assert!(
            r.stderr.contains(&format!("{file}:{l}")),
            "{file}: {}",
            r.stderr
        );
    }
    let reported = r
        .stderr
        .lines()
        .filter(|l| l.contains(&format!("{file}:")))
        .count();
    assert_eq!(reported, bad_lines.len(), "{file}: {}", r.stderr);
    assert!(
        r.stdout.lines().count() >= min_events,
        "{file}: {}",
        r.stdout
    );
    r
}

#[test]
fn broken_json_is_one_located_line_per_record() {
    code_skipping("truncated.jsonl", &["1: not JSON"], 0);
    code_skipping("invalid-json.jsonl", &["2: not JSON"], 2);
    code_skipping("invalid-utf8.jsonl", &["2: invalid UTF-8"], 1);
    code_skipping("deep-nesting.jsonl", &["1: not JSON"], 0);
    code_skipping("wrong-types.jsonl", &["1: not JSON", "2: missing field"], 0);
    // Without --skip-bad the run stops at the first bad record, after the good ones before it.
    let r = run(&[
        "code",
        &corpus("invalid-json.jsonl"),
        "--format",
        "cameo-tsv",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.lines().count() >= 1 && r.stderr.contains("--skip-bad"));
}

#[test]
fn a_bad_publication_date_names_the_article() {
    let r = run(&["code", &corpus("bad-date.jsonl"), "--skip-bad"]);
    assert_eq!(r.code, 0);
    assert!(r
        .stderr
        .contains(r#"article "d": published "20th of Septober" is not a date"#));
}

#[test]
fn empty_and_blank_input_gives_no_events_and_no_errors() {
    for f in ["empty.jsonl", "blank-lines.jsonl"] {
        let r = run(&["code", &corpus(f)]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "{f}"
        );
    }
}

#[test]
fn odd_characters_are_coded_around() {
    // NUL, bidi overrides, zero-width spaces, BOMs, CR and line separators inside the text.
    for f in ["nul-bytes.jsonl", "control-chars.jsonl", "long-word.jsonl"] {
        let r = run(&["code", &corpus(f)]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(r.stdout.contains("\"ASSAULT\""), "{f}: {}", r.stdout);
    }
    // A plain-text file with NUL bytes is refused as binary, with its name.
    let r = run(&[
        "code",
        &corpus("nul-bytes.txt"),
        "--published",
        "2023-09-20",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nul-bytes.txt:") && r.stderr.contains("binary"));
}

#[test]
fn absurd_numbers_are_not_counts() {
    let r = run(&["code", &corpus("huge-numbers.jsonl")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in r.stdout.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(dead) = e.pointer("/size/dead") {
            let n = dead.as_u64().expect("a count is a non-negative integer");
            assert!(n < 1_000_000_000, "{line}");
        }
    }
}

#[test]
fn pathological_text_is_coded_in_bounded_time() {
    for f in ["repeated-conjunctions.jsonl", "only-punctuation.jsonl"] {
        let r = run(&["code", &corpus(f)]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
    }
    // 10⁶ words without a period, and 300,000 one-line sentences, each in one article.
    let dir = std::env::temp_dir().join(format!("eventwire-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let article = |id: &str, text: String| {
        serde_json::json!({"id": id, "title": "", "text": text, "published": "2023-09-20"})
            .to_string()
    };
    let f = dir.join("unbounded.jsonl");
    std::fs::write(
        &f,
        format!(
            "{}\n{}\n",
            article("words", "rebels attacked the town ".repeat(250_000)),
            article("sentences", "Rain fell. ".repeat(300_000)),
        ),
    )
    .unwrap();
    let r = run(&["code", f.to_str().unwrap(), "--format", "cameo-tsv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.lines().count() > 0);
}

#[test]
fn broken_dictionaries_are_located_and_the_rest_loads() {
    let r = run(&[
        "code",
        &corpus("arnor.txt"),
        "--published",
        "1995-01-01",
        "--verbs",
        &corpus("broken-verbs.txt"),
        "--actors",
        &corpus("broken-actors.txt"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for at in [
        "broken-verbs.txt:1:",
        "broken-verbs.txt:4:",
        "broken-verbs.txt:6:",
        "broken-verbs.txt:7:",
        "broken-actors.txt:1:",
        "broken-actors.txt:2:",
        "broken-actors.txt:3:",
        "broken-actors.txt:4:",
        "broken-actors.txt:5:",
    ] {
        assert!(r.stderr.contains(at), "{at}: {}", r.stderr);
    }
    let strict = run(&[
        "code",
        &corpus("arnor.txt"),
        "--published",
        "1995-01-01",
        "--verbs",
        &corpus("broken-verbs.txt"),
        "--strict",
    ]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}
