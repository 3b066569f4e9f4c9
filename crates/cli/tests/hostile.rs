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
    /// Peak resident memory (VmHWM, KiB) seen while it ran; `None` without `/proc`.
    peak_rss_kib: Option<u64>,
}

/// Peak resident memory of a live process, from `/proc/PID/status`.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    kib.trim().trim_end_matches("kB").trim().parse().ok()
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
    let mut peak = None;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = peak.max(Some(kib));
        }
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
        peak_rss_kib: peak,
    }
}

/// A fresh scratch folder for generated inputs, removed when dropped (a failing test too).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("eventwire-hostile-{name}-"))
        .tempdir()
        .unwrap()
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
    let mut sane = None;
    for line in r.stdout.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(dead) = e.pointer("/size/dead") {
            let n = dead.as_u64().expect("a count is a non-negative integer");
            assert!(n < 1_000_000_000, "{line}");
            if e["ew"]["article_id"] == "sane" {
                sane = Some(n);
            }
        }
    }
    // The same sentence with a believable count keeps it: sizes are read, only absurd ones dropped.
    assert_eq!(sane, Some(5_000_000), "{}", r.stdout);
}

#[test]
fn pathological_text_is_coded_in_bounded_time() {
    for f in ["repeated-conjunctions.jsonl", "only-punctuation.jsonl"] {
        let r = run(&["code", &corpus(f)]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
    }
    // 10⁶ words without a period, and 300,000 one-line sentences, each in one article.
    let scratch = scratch("unbounded");
    let dir = scratch.path();
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

#[test]
fn a_100_mb_line_is_refused_in_bounded_memory() {
    let scratch = scratch("100mb");
    let dir = scratch.path();
    let good = r#"{"id":"good","title":"","text":"Armenian troops attacked Azerbaijani positions.","published":"2023-09-20"}"#;
    let small = dir.join("small.jsonl");
    std::fs::write(&small, format!("{good}\n")).unwrap();
    let huge = "rebels attacked the town ".repeat(4 << 20); // 100 MiB
    let jsonl = dir.join("big.jsonl");
    let text =
        serde_json::json!({"id": "big", "title": "", "text": huge, "published": "2023-09-20"});
    std::fs::write(&jsonl, format!("{text}\n{good}\n")).unwrap();
    let csv = dir.join("big.csv");
    std::fs::write(
        &csv,
        format!("title,text\nBig,\"{huge}\"\nGood,Rebels attacked the town.\n"),
    )
    .unwrap();
    let txt = dir.join("big.txt");
    std::fs::write(&txt, format!("Big\n{huge}")).unwrap();
    drop((huge, text));
    let baseline = run(&["code", small.to_str().unwrap(), "--format", "cameo-tsv"]);
    assert_eq!(baseline.code, 0, "{}", baseline.stderr);
    let cases = [
        (&jsonl, "big.jsonl:1: line longer than 8 MiB; skipped", 1),
        (&csv, "big.csv:2: bad CSV row: row longer than 8 MiB (an unclosed quote?); the rest of the file is not read", 0),
        (&txt, "big.txt: file longer than 8 MiB", 0),
    ];
    for (file, error, events) in cases {
        let r = run(&[
            "code",
            file.to_str().unwrap(),
            "--skip-bad",
            "--published",
            "2023-09-20",
            "--format",
            "cameo-tsv",
        ]);
        assert_eq!(r.code, 0, "{file:?}: {}", r.stderr);
        assert!(r.stderr.contains(error), "{file:?}: {}", r.stderr);
        assert_eq!(
            r.stdout.lines().count() >= 1,
            events == 1,
            "{file:?}: {}",
            r.stdout
        );
        if let (Some(base), Some(peak)) = (baseline.peak_rss_kib, r.peak_rss_kib) {
            // The readers hold at most one 8 MiB record; the 100 MiB line never enters memory.
            assert!(
                peak < base + (48 << 10),
                "{file:?}: peak {peak} KiB, baseline {base} KiB"
            );
        }
    }
}

/// A zstd frame of `blocks` RLE blocks, each 128 KiB of `byte`: 4 bytes of file per block.
fn zstd_rle(blocks: usize, byte: u8) -> Vec<u8> {
    // Magic number, frame header without a content size, 128 KiB window.
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
    for k in 0..blocks {
        let header = (128u32 << 10) << 3 | 1 << 1 | u32::from(k + 1 == blocks);
        frame.extend_from_slice(&header.to_le_bytes()[..3]);
        frame.push(byte);
    }
    frame
}

#[test]
fn decompression_bombs_are_refused_with_a_clear_message() {
    let scratch = scratch("bombs");
    let dir = scratch.path();
    // Each expands to 10 GiB: newlines from 320 KiB of zstd; text and a WARC record's body from
    // 10 MiB of gzip members, each 1 MiB of "a" in 1 KiB.
    let member = std::fs::read(corpus("bomb-member.gz")).unwrap();
    let mut warc = std::fs::read(corpus("bomb-warc-head.gz")).unwrap();
    warc.extend(member.repeat(10 << 10));
    let bombs = [
        ("bomb.jsonl.zst", zstd_rle(80 << 10, b'\n'), "refused as a decompression bomb"),
        ("bomb.txt.gz", member.repeat(10 << 10), "bomb.txt.gz: file longer than 8 MiB"),
        ("bomb.warc.gz", warc, "bomb.warc.gz: WARC record 1: cannot read: decompresses to over 200 times its compressed size"),
    ];
    for (name, bytes, error) in bombs {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.to_str().unwrap();
        for skip in [false, true] {
            let mut args = vec!["code", path, "--published", "2023-09-20"];
            if skip {
                args.push("--skip-bad");
            }
            let r = run(&args);
            assert_eq!(r.code, if skip { 0 } else { 1 }, "{name}: {}", r.stderr);
            let reported: Vec<&str> = r.stderr.lines().filter(|l| l.contains(name)).collect();
            assert_eq!(reported.len(), 1, "{name}: {}", r.stderr);
            assert!(reported[0].contains(error), "{name}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
        }
    }
}

#[test]
fn lexicon_files_with_bad_dates_and_regex_like_patterns() {
    let lexicon = format!(
        "{},{}",
        corpus("pathological.events.txt"),
        corpus("people-broken.txt")
    );
    let r = run(&["code", &corpus("regex-like.jsonl"), "--lexicon", &lexicon]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for at in [
        "pathological.events.txt:4: a pattern must start with a word",
        "pathological.events.txt:8: unknown CAMEO code \"19x\"",
        "pathological.events.txt:9: kind must be v or n",
        "pathological.events.txt:10: empty pattern",
        "pathological.events.txt:12: empty pattern",
        "pathological.events.txt:13: expected 4–5 fields",
        "pathological.events.txt:15: pattern \"shell\" repeats",
        "pathological.events.txt:16: id \"p-01\" already used",
        "pathological.events.txt:17: a pattern must start with a word",
        "pathological.events.txt:18: a pattern must start with a word",
        "people-broken.txt:2: dates \"2018-13-45\"",
        "people-broken.txt:3: the office ends (2019) before it starts (2020)",
        "people-broken.txt:4: dates \"yesterday\"",
        "people-broken.txt:5: dates \"99999-01-01\"",
        "people-broken.txt:7: expected 6 fields",
        "people-broken.txt:6: sector \"GOV [\" is not upper-case codes",
        "people-broken.txt:8: code \"\" is not three upper-case letters",
        "people-broken.txt:9: dates \"2018-02-30\"",
    ] {
        assert!(r.stderr.contains(at), "{at}: {}", r.stderr);
    }
    // Regular-expression syntax is literal words: `.*` matches the text ".*" and nothing else,
    // while the bundled patterns still code the ordinary sentences.
    let mut patterns: Vec<(String, String)> = r
        .stdout
        .lines()
        .map(|l| {
            let e: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = e["text"].as_str().unwrap().to_string();
            (e["ew"]["pattern_id"].as_str().unwrap().to_string(), text)
        })
        .collect();
    patterns.sort();
    patterns.dedup();
    let fired: Vec<(&str, &str)> = patterns
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        fired,
        [
            ("190-01", "Armenian troops attacked Azerbaijani positions."),
            ("194-01", "Tigran Testyan said troops shelled the town."),
            ("p-01", "The army .* the village."),
            ("p-02", "Rebels (attack|shell)* the base."),
        ]
    );
    let strict = run(&[
        "code",
        &corpus("regex-like.jsonl"),
        "--lexicon",
        &lexicon,
        "--strict",
    ]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

#[test]
fn broken_tabari_dictionaries_are_located_and_the_rest_loads() {
    let project = format!("tabari:{}", corpus("tabari/broken.project"));
    let args = [
        "code",
        &corpus("arnor.txt"),
        "--published",
        "1995-01-01",
        "--dictionaries",
        &project,
    ];
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for at in [
        "broken.actors:3: actor line without a phrase",
        "broken.actors:4: unbalanced brackets in code block \"[ROH\"",
        "broken.actors:5: cannot read code block [BRE <991301]",
        "broken.actors:6: unbalanced brackets in code block \"[SHI\"",
        "broken.options:2: option \"FROBNICATE: ON\" is not a command TABARI knows",
        "broken.verbs:1: verb \"RESTORE [064\" has no [code]",
        "broken.verbs:4: cannot read pattern \"* {unclosed\": unclosed '{'",
        "broken.verbs:8: cannot read pattern",
        "broken.verbs:10: pattern \"- * TIES [0641\" has no [code]",
    ] {
        assert!(r.stderr.contains(at), "{at}: {}", r.stderr);
    }
    assert!(r.stderr.contains("broken.project loaded"), "{}", r.stderr);
    let strict = run(&[&args[..], &["--strict"]].concat());
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

#[test]
fn a_page_of_unclosed_tags_is_read_in_bounded_time() {
    // 4 million "<a" without a '>' until the end: the nesting pre-scan was once quadratic here.
    let scratch = scratch("tags");
    let dir = scratch.path();
    let page = dir.join("tags.html");
    std::fs::write(&page, format!("<p>x</p>{}>", "<a".repeat(4_000_000))).unwrap();
    let r = run(&["code", page.to_str().unwrap(), "--published", "2023-09-20"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}
