"""The Spark job in local mode gives exactly the single-machine events, and its near-duplicate
and one-a-day aggregations give exactly what ``eventwire ingest`` stores.

Input: examples/*.jsonl, plus the shared BBC 2004-05 and Reuters-21578 corpora when
../shared is present (read by ``eventwire articles --corpus``, as ``eventwire bench`` reads them;
skipped with a message otherwise). Also prints the throughput with local[1] and local[2]
(scaling efficiency) and the per-article overhead of the Spark path against the bare CLI.

    bash integrations/spark/setup.sh
    target/spark-venv/bin/python -m pytest -s integrations/spark/test_spark.py

Needs the release binary (``cargo build --release -p eventwire``; or EVENTWIRE_BIN) and Java 17.
"""

from __future__ import annotations

import atexit
import gzip
import html
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE_BIN = Path(os.environ.get("EVENTWIRE_BIN", REPO / "target/release/eventwire"))
# A private copy: every run here (CLI, ingest, Spark) uses the same build even if the
# workspace's binary is rebuilt meanwhile.
BIN = Path(tempfile.mkdtemp(prefix="eventwire-spark-")) / "eventwire"
atexit.register(shutil.rmtree, BIN.parent, True)
if SOURCE_BIN.is_file():
    shutil.copy2(SOURCE_BIN, BIN)
sys.path.insert(0, str(HERE))
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

import eventwire_spark as ews  # noqa: E402

pytestmark = pytest.mark.skipif(not BIN.is_file(), reason=f"{SOURCE_BIN} not built")


def shared_dir() -> Path | None:
    for p in [os.environ.get("EVENTWIRE_SHARED"), REPO / "../shared"]:
        if p and (Path(p) / "corpora").is_dir():
            return Path(p)
    return None


def run_bin(*args: str, threads: int | None = None, stdout=subprocess.PIPE, timeout=900):
    env = {**os.environ, "EVENTWIRE_SHARED": str(shared_dir() or "")}
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    return subprocess.run(
        [str(BIN), *args], stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=timeout, check=True
    )


def event_key(line: str) -> tuple:
    e = json.loads(line)
    codes = lambda entities: tuple(x["code"] for x in entities)  # noqa: E731
    ew = e["ew"]
    return (
        ew["article_id"],
        e["id"],
        tuple(e["event"]),
        ew["cameo"],
        codes(e["actor"]),
        codes(e["recipient"]),
        e["date"],
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    with open(path, "wb") as out:
        for name in ["karabakh.jsonl", "stories.jsonl"]:
            out.write((REPO / "examples" / name).read_bytes().rstrip(b"\n") + b"\n")
        if shared_dir() is None:
            print("test_spark: no ../shared: examples only", file=sys.stderr)
        else:
            out.flush()
            run_bin("articles", "--corpus", "bbc", "--corpus", "reuters", stdout=out)
    return path


@pytest.fixture(scope="module")
def articles(corpus) -> int:
    return sum(1 for line in open(corpus, encoding="utf-8") if line.strip())


@pytest.fixture(scope="module")
def cli(corpus) -> dict:
    """Single-machine `eventwire code` with one and with all cores (best of two runs)."""
    timings = {}
    for threads in (1, 1, None, None):
        start = time.monotonic()
        out = run_bin("code", str(corpus), "--skip-bad", threads=threads).stdout
        seconds = time.monotonic() - start
        timings[threads or "all"] = min(seconds, timings.get(threads or "all", seconds))
    lines = out.decode("utf-8").splitlines()
    return {"keys": {event_key(l) for l in lines}, "count": len(lines), "seconds": timings}


@pytest.fixture(scope="module")
def session():
    spark = ews.local_session("local[2]")
    spark.sparkContext.addFile(str(BIN))
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def spark2(session, corpus, tmp_path_factory) -> dict:
    output = tmp_path_factory.mktemp("out")
    stats = ews.run(session, [str(corpus)], str(output), binary=BIN.name, partitions=2)
    events = session.read.parquet(str(output / "events"))
    rows = events.select(
        "json",
        "duplicate_of",
        "sources",
        "num_mentions",
        "num_articles",
        "num_sources",
        "first_of_day",
    ).collect()
    stats["rows"] = [r.asDict() for r in rows]
    dups = session.read.parquet(str(output / "articles")).where("duplicate_of IS NOT NULL")
    stats["duplicate_of"] = {r.id: r.duplicate_of for r in dups.collect()}
    return stats


def test_events_equal_single_machine(articles, cli, spark2):
    print(
        f"\nspark: {articles} articles, {spark2['events']} events, "
        f"{spark2['duplicates']} near-duplicates, {spark2['daily_events']} one-a-day events; "
        f"whole job local[2] {spark2['seconds']:.1f} s"
    )
    got = [event_key(r["json"]) for r in spark2["rows"]]
    assert len(got) == cli["count"], "Spark wrote a different number of events"
    assert set(got) == cli["keys"]


COUNTS = ["sources", "num_mentions", "num_articles", "num_sources"]


def test_duplicates_and_one_a_day_match_ingest(corpus, spark2, tmp_path):
    db = tmp_path / "events.db"
    try:
        run_bin("ingest", str(corpus), "--db", str(db))
    except subprocess.CalledProcessError as e:
        pytest.fail(f"eventwire ingest failed: {e.stderr.decode()[-2000:]}")
    exported = run_bin("export", "--db", str(db), "--format", "jsonl").stdout.decode().splitlines()
    one_a_day = run_bin("export", "--db", str(db), "--format", "jsonl", "--one-a-day").stdout
    # The store also keeps CAMEO 01 statements without a PLOVER type, which PLOVER output drops.
    store = {}
    for line in exported:
        e = json.loads(line)
        ew = e["ew"]
        if e["event"]:
            store[e["id"]] = tuple(ew[k] for k in COUNTS)
    kept = {
        json.loads(r["json"])["id"]: tuple(r[k] for k in COUNTS)
        for r in spark2["rows"]
        if r["duplicate_of"] is None
    }
    with sqlite3.connect(db) as conn:
        stored_duplicates = dict(
            conn.execute("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL")
        )
    assert spark2["duplicate_of"] == stored_duplicates, "near-duplicate links differ from the store's"
    assert set(kept) == set(store), "events of first-seen articles differ from the store's"
    assert kept == store, "corroboration counts differ from the store's"
    daily = {e["id"] for e in map(json.loads, one_a_day.decode().splitlines()) if e["event"]}
    firsts = {
        json.loads(r["json"])["id"]
        for r in spark2["rows"]
        if r["first_of_day"] and r["duplicate_of"] is None
    }
    assert firsts == daily


def warc_record(i: int, article: dict) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    page = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"<html><head><title>{html.escape(article['title'])}</title></head>"
        f"<body><article>{paragraphs}</article></body></html>"
    ).encode("utf-8")
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/{i}\r\n"
        f"WARC-Date: {article['published'][:10]}T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:story-{i}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(page)}\r\n\r\n"
    ).encode("ascii")
    return head + page + b"\r\n\r\n"


def test_warc_goes_through_the_binarys_readers(session, tmp_path):
    stories = [json.loads(l) for l in open(REPO / "examples/stories.jsonl", encoding="utf-8")]
    warc = tmp_path / "news.warc.gz"
    warc.write_bytes(gzip.compress(b"".join(warc_record(i, a) for i, a in enumerate(stories))))
    articles = tmp_path / "articles.jsonl"
    articles.write_bytes(run_bin("articles", str(warc)).stdout)
    want = {event_key(l) for l in run_bin("code", str(articles)).stdout.decode().splitlines()}
    ews.run(session, [str(warc)], str(tmp_path / "out"), fmt="warc", binary=BIN.name)
    events = session.read.parquet(str(tmp_path / "out/events")).select("json").collect()
    assert want and {event_key(r.json) for r in events} == want


def test_parquet_input(session, tmp_path):
    stories = REPO / "examples/stories.jsonl"
    rows = [json.loads(l) for l in open(stories, encoding="utf-8")]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "stories.parquet")
    want = {event_key(l) for l in run_bin("code", str(stories)).stdout.decode().splitlines()}
    source, output = str(tmp_path / "stories.parquet"), str(tmp_path / "out")
    ews.run(session, [source], output, fmt="parquet", binary=BIN.name)
    events = session.read.parquet(str(tmp_path / "out/events")).select("json").collect()
    assert want and {event_key(r.json) for r in events} == want


def time_coding(master: str, corpus: Path, partitions: int, runs: int = 2) -> tuple[float, int]:
    """Seconds Spark takes to stream the (cached) articles through `eventwire code` and parse
    the events into columns, best of ``runs`` after a warm-up; and the event count."""
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()  # one SparkContext per process: this one needs its own master
    spark = ews.local_session(master)
    try:
        sc = spark.sparkContext
        sc.addFile(str(BIN))
        ews.ship_module(spark)
        lines = sc.textFile(str(corpus), minPartitions=partitions).filter(lambda l: l.strip())
        lines = lines.repartition(partitions).persist()
        lines.count()
        best, events = float("inf"), 0
        for _ in range(runs):
            start = time.monotonic()
            coded = ews.code_events(spark, lines, BIN.name, ["--skip-bad"], 1)
            row = coded.agg(F.count("*").alias("n"), F.sum(F.length("day_key"))).first()
            best, events = min(best, time.monotonic() - start), row.n
        return best, events
    finally:
        spark.stop()


def test_scaling_and_overhead(articles, corpus, cli):
    t1, n1 = time_coding("local[1]", corpus, 4)
    t2, n2 = time_coding("local[2]", corpus, 4)
    assert n1 == n2 == cli["count"]
    cli1 = cli["seconds"][1]
    print(
        f"\nspark: code stage local[1] {t1:.1f} s ({articles / t1:.0f} articles/s), "
        f"local[2] {t2:.1f} s ({articles / t2:.0f} articles/s): speed-up {t1 / t2:.2f}, "
        f"scaling efficiency {t1 / t2 / 2:.0%}\n"
        f"cli: eventwire code 1 core {cli1:.1f} s ({articles / cli1:.0f} articles/s), "
        f"all cores {cli['seconds']['all']:.1f} s ({articles / cli['seconds']['all']:.0f} articles/s): "
        f"speed-up {cli1 / cli['seconds']['all']:.2f} (the machine's own 2-core ceiling now)\n"
        f"spark overhead vs the CLI on 1 core: {t1 - cli1:+.1f} s, "
        f"{(t1 - cli1) / articles * 1e6:+.0f} us per article"
    )
