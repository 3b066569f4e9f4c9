//! `eventwire feed` and `eventwire worker` against a real JetStream server (Debian's
//! `nats-server`, started here on a free loopback port; the tests skip with a message when it
//! is not installed). A worker killed mid-batch (SIGKILL) loses and duplicates nothing once a
//! new worker has taken over its unacked messages; three workers share the work; and the stored
//! or published events are exactly those `eventwire code` writes for the same articles.
#![cfg(feature = "nats")]

use futures_util::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Articles taken from the shared BBC corpus (besides the examples) when it is present.
const SHARED_ARTICLES: usize = 400;

/// A private copy of the binary, so that a rebuild of the shared target folder during the test
/// cannot mix two builds. Copies left by earlier runs whose process has ended are removed.
fn bin() -> Command {
    static COPY: OnceLock<PathBuf> = OnceLock::new();
    let path = COPY.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("nats-bin-") {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = tmp.join(format!("nats-bin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let copy = dir.join("eventwire");
        std::fs::copy(env!("CARGO_BIN_EXE_eventwire"), &copy).unwrap();
        copy
    });
    Command::new(path)
}

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// A scratch folder, removed when dropped.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("eventwire-nats-{name}-"))
        .tempdir()
        .unwrap()
}

/// A child process whose stderr lines are collected; killed when dropped.
struct Proc {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Proc {
    fn spawn(cmd: &mut Command) -> Proc {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&stderr);
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        Proc { child, stderr }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Waits until a stderr line contains `text`.
    fn wait_for_line(&mut self, text: &str, limit: Duration) {
        let start = Instant::now();
        while !self.log().contains(text) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("exited ({status}) before {text:?}:\n{}", self.log());
            }
            assert!(
                start.elapsed() < limit,
                "no {text:?} within {limit:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for a successful exit.
    fn wait(&mut self, limit: Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exited with {status}:\n{}", self.log());
                return;
            }
            assert!(
                start.elapsed() < limit,
                "still running after {limit:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JetStream server on a free loopback port, storing in its own folder.
struct Server {
    url: String,
    _proc: Proc,
    /// Dropped after the server process is killed.
    _store: tempfile::TempDir,
}

fn server(name: &str) -> Option<Server> {
    if Command::new("nats-server")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: nats-server is not installed (apt-get install -y nats-server)");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = temp_dir(&format!("{name}-js"));
    let proc = Proc::spawn(
        Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store.path()),
    );
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "nats-server did not start:\n{}",
            proc.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Server {
        url: format!("nats://127.0.0.1:{port}"),
        _proc: proc,
        _store: store,
    })
}

/// The examples, plus the first [`SHARED_ARTICLES`] BBC articles when ../shared is present.
fn corpus(dir: &Path) -> PathBuf {
    let path = dir.join("articles.jsonl");
    let mut out = std::fs::File::create(&path).unwrap();
    for name in ["examples/karabakh.jsonl", "examples/stories.jsonl"] {
        let text = std::fs::read_to_string(repo(name)).unwrap();
        writeln!(out, "{}", text.trim_end()).unwrap();
    }
    let shared = bin()
        .args(["articles", "--corpus", "bbc"])
        .output()
        .unwrap();
    if shared.status.success() {
        let text = String::from_utf8(shared.stdout).unwrap();
        for line in text.lines().take(SHARED_ARTICLES) {
            writeln!(out, "{line}").unwrap();
        }
    } else {
        eprintln!("no ../shared: examples only");
    }
    path
}

/// Event identity: article, id, event types, CAMEO code, actor and recipient codes, date.
fn event_key(line: &str) -> (String, String) {
    let e: serde_json::Value = serde_json::from_str(line).unwrap();
    let codes = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let article = e["ew"]["article_id"].as_str().unwrap().to_string();
    let rest = format!(
        "{}|{}|{}|{}|{}|{}",
        e["id"].as_str().unwrap(),
        e["event"],
        e["ew"]["cameo"].as_str().unwrap(),
        codes(&e["actor"]),
        codes(&e["recipient"]),
        e["date"].as_str().unwrap()
    );
    (article, rest)
}

/// `eventwire code` on the corpus: each article's events.
fn single_machine(corpus: &Path) -> BTreeMap<String, Vec<String>> {
    let out = bin().arg("code").arg(corpus).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by_article: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (article, key) = event_key(line);
        by_article.entry(article).or_default().push(key);
    }
    by_article
}

fn article_ids(corpus: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(corpus)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

fn feed(server: &Server, corpus: &Path) {
    let out = bin()
        .args(["feed", "--nats", &server.url])
        .arg(corpus)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn worker(server: &Server, db: &Path, batch: usize, idle_exit: bool) -> Proc {
    let mut cmd = bin();
    cmd.args(["worker", "--nats", &server.url, "--ack-wait", "3"])
        .arg("--batch")
        .arg(batch.to_string())
        .arg("--db")
        .arg(db);
    if idle_exit {
        cmd.args(["--idle-exit", "6"]);
    }
    Proc::spawn(&mut cmd)
}

fn stored_articles(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Every article is stored once; a first-seen article holds exactly the events `eventwire
/// code` gives it, each once; a near-duplicate holds none (its story's events count it).
fn check_store(db: &Path, corpus: &Path) {
    let expected = single_machine(corpus);
    let conn = rusqlite::Connection::open(db).unwrap();
    let stored: BTreeMap<String, Option<String>> = conn
        .prepare("SELECT id, duplicate_of FROM articles")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        stored.keys().cloned().collect::<BTreeSet<_>>(),
        article_ids(corpus)
    );
    let mut events: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // The store also keeps CAMEO 01 statements without a PLOVER type, which PLOVER output drops.
    let mut stmt = conn
        .prepare("SELECT json FROM events WHERE json_array_length(json, '$.event') > 0")
        .unwrap();
    for json in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let (article, key) = event_key(&json.unwrap());
        events.entry(article).or_default().push(key);
    }
    for (id, duplicate_of) in &stored {
        let mut got = events.get(id).cloned().unwrap_or_default();
        got.sort();
        let mut want = match duplicate_of {
            None => expected.get(id).cloned().unwrap_or_default(),
            Some(_) => Vec::new(),
        };
        want.sort();
        assert_eq!(got, want, "article {id} (duplicate of {duplicate_of:?})");
    }
}

#[test]
fn a_killed_worker_loses_and_duplicates_nothing() {
    let Some(server) = server("kill") else { return };
    let dir = temp_dir("kill");
    let corpus = corpus(dir.path());
    let total = article_ids(&corpus).len() as i64;
    let db = dir.path().join("events.db");
    feed(&server, &corpus);
    let mut first = worker(&server, &db, 4, false);
    first.wait_for_line("worker ready", Duration::from_secs(60));
    let start = Instant::now();
    while stored_articles(&db) == 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "{}", first.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    first.child.kill().unwrap(); // SIGKILL, mid-batch
    first.child.wait().unwrap();
    let at_kill = stored_articles(&db);
    eprintln!("killed the worker with {at_kill} of {total} articles stored");
    let mut second = worker(&server, &db, 4, true);
    second.wait(Duration::from_secs(300));
    eprintln!("{}", second.log());
    check_store(&db, &corpus);
}

#[test]
fn three_workers_share_the_work() {
    let Some(server) = server("share") else {
        return;
    };
    let dir = temp_dir("share");
    let corpus = corpus(dir.path());
    let db = dir.path().join("events.db");
    let mut workers: Vec<Proc> = (0..3).map(|_| worker(&server, &db, 2, true)).collect();
    for w in &mut workers {
        w.wait_for_line("worker ready", Duration::from_secs(60));
    }
    feed(&server, &corpus);
    let mut coded = Vec::new();
    for w in &mut workers {
        w.wait(Duration::from_secs(300));
        let log = w.log();
        let n: usize = log
            .split("worker coded ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no totals in:\n{log}"));
        coded.push(n);
    }
    eprintln!("articles coded per worker: {coded:?}");
    assert_eq!(coded.iter().sum::<usize>(), article_ids(&corpus).len());
    if article_ids(&corpus).len() > 100 {
        assert!(
            coded.iter().all(|&n| n > 0),
            "a worker got no work: {coded:?}"
        );
    }
    check_store(&db, &corpus);
}

#[test]
fn published_events_equal_a_single_machine_run() {
    let Some(server) = server("publish") else {
        return;
    };
    let dir = temp_dir("publish");
    let corpus = corpus(dir.path());
    feed(&server, &corpus);
    let mut w = Proc::spawn(bin().args([
        "worker",
        "--nats",
        &server.url,
        "--publish",
        "events.coded",
        "--idle-exit",
        "2",
    ]));
    w.wait(Duration::from_secs(300));
    let payloads = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let js = async_nats::jetstream::new(async_nats::connect(&server.url).await.unwrap());
            let stream = js.get_stream("EVENTS").await.unwrap();
            let consumer: async_nats::jetstream::consumer::PullConsumer = stream
                .create_consumer(async_nats::jetstream::consumer::pull::Config::default())
                .await
                .unwrap();
            let mut out = Vec::new();
            loop {
                let mut batch = consumer
                    .fetch()
                    .max_messages(500)
                    .expires(Duration::from_secs(1))
                    .messages()
                    .await
                    .unwrap();
                let before = out.len();
                while let Some(m) = batch.next().await {
                    out.push(String::from_utf8(m.unwrap().payload.to_vec()).unwrap());
                }
                if out.len() == before {
                    return out;
                }
            }
        });
    assert_eq!(
        payloads.len(),
        article_ids(&corpus).len(),
        "one message per article"
    );
    let got: BTreeSet<(String, String)> = payloads
        .iter()
        .flat_map(|p| p.lines().map(event_key))
        .collect();
    let want: BTreeSet<(String, String)> = single_machine(&corpus)
        .into_iter()
        .flat_map(|(a, keys)| keys.into_iter().map(move |k| (a.clone(), k)))
        .collect();
    assert_eq!(got, want);
}
