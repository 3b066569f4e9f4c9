"""eventwire on Apache Spark: code news articles at cluster scale and write PLOVER events as
Parquet partitioned by event date.

Each partition is streamed through one long-lived ``eventwire`` process (``eventwire code -``,
JSONL in, one PLOVER event per line out), so the events are exactly those a single machine's
``eventwire code`` writes. Near-duplicate articles and the one-a-day filter are then Spark
aggregations with the rules of ``eventwire ingest``: the binary prints each article's MinHash
signature and LSH band keys (``eventwire dedup-keys``), Spark pairs the articles that share a
band key, the binary scores those candidate pairs with the store's rule (``dedup-keys
--pairs``), and the driver walks the duplicate pairs in input order: an article duplicates the
earlier first-seen article with the highest score (ties: the earliest), as the store decides.

Output (``--output DIR``):
  events/event_date=YYYY-MM-DD/   every coded event: flat columns, the full PLOVER ``json``,
                                  ``duplicate_of`` (set when its article is a near-duplicate:
                                  the store would not keep these), ``sources`` (outlets
                                  reporting the story), ``day_key``, ``first_of_day`` and the
                                  one-a-day counts ``num_mentions``/``num_articles``/``num_sources``
  articles/                       one row per article: ``id``, ``seq`` (input order),
                                  ``outlet``, ``duplicate_of``, ``similarity`` (the duplicate score)
  daily/                          one row per one-a-day event

Run:
  spark-submit --files target/release/eventwire integrations/spark/eventwire_spark.py \\
      --input news.jsonl --output out/
  (``--format parquet`` reads columns id, title, text, published[, url, source, language];
  ``--format warc`` or ``any`` routes the raw files through ``eventwire articles -``.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Iterable, Iterator

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

ARTICLE_COLUMNS = ["id", "title", "text", "published", "url", "source", "language"]


def binary_path(name: str) -> str:
    """The eventwire binary on this executor: shipped with --files / addFile, else a path or
    a program on PATH."""
    candidates = []
    try:
        candidates.append(SparkFiles.get(os.path.basename(name)))
    except Exception:  # no SparkContext files on this worker
        pass
    candidates += [name, shutil.which(name) or ""]
    for c in candidates:
        if c and os.path.isfile(c):
            if not os.access(c, os.X_OK):
                os.chmod(c, 0o755)
            return c
    raise FileNotFoundError(f"eventwire binary {name!r} not found (ship it with --files)")


def pipe_through(
    binary: str, args: list[str], chunks: Iterable[bytes], threads: int = 1
) -> Iterator[str]:
    """Streams ``chunks`` into one ``eventwire`` process using ``threads`` cores (Spark gives
    a task one core) and yields its stdout lines; raises with the process's stderr when it
    fails."""
    proc = subprocess.Popen(
        [binary_path(binary), *args],
        env={**os.environ, "RAYON_NUM_THREADS": str(threads)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=tempfile.TemporaryFile(),
        bufsize=1 << 20,
    )
    failure: list[BaseException] = []

    def feed() -> None:
        try:
            for chunk in chunks:
                proc.stdin.write(chunk)
        except BrokenPipeError:
            pass  # the process died: its exit code and stderr say why
        except BaseException as e:  # the input iterator failed
            failure.append(e)
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    for line in proc.stdout:
        yield line.decode("utf-8")
    writer.join()
    code = proc.wait()
    if failure:
        raise failure[0]
    if code != 0:
        proc.stderr.seek(0)
        tail = proc.stderr.read()[-4000:].decode("utf-8", "replace")
        raise RuntimeError(f"eventwire {' '.join(args)} exited {code}: {tail}")


# The fields of a PLOVER event (crates/sinks, the output contract) that the columns need; Spark
# parses them in the JVM, so the Python workers only move bytes.
EVENT_FIELDS = T.StructType(
    [
        T.StructField("id", T.StringType()),
        T.StructField("date", T.StringType()),
        T.StructField("event", T.ArrayType(T.StringType())),
        T.StructField("mode", T.ArrayType(T.StringType())),
        T.StructField("quad_code", T.IntegerType()),
        T.StructField("actor", T.ArrayType(T.StructType([T.StructField("code", T.StringType())]))),
        T.StructField(
            "recipient", T.ArrayType(T.StructType([T.StructField("code", T.StringType())]))
        ),
        T.StructField(
            "event_loc",
            T.StructType(
                [
                    T.StructField("geonameid", T.LongType()),
                    T.StructField("resolved_place", T.StringType()),
                    T.StructField("country_code", T.StringType()),
                    T.StructField("province", T.StringType()),
                    T.StructField("lat", T.DoubleType()),
                    T.StructField("lon", T.DoubleType()),
                ]
            ),
        ),
        T.StructField(
            "ew",
            T.StructType(
                [
                    T.StructField(name, T.StringType())
                    for name in ["cameo", "cameo_actor", "cameo_recipient", "article_id"]
                ]
                + [T.StructField("goldstein", T.DoubleType())]
            ),
        ),
    ]
)


def _codes(entities: str):
    """Entity codes joined by spaces, empty codes left out (as the store keys them)."""
    codes = F.transform(F.col(entities), lambda x: x["code"])
    return F.array_join(F.filter(codes, lambda c: c.isNotNull() & (c != "")), " ")


def _text(c: str):
    return F.coalesce(F.col(c), F.lit(""))


def code_events(
    spark: SparkSession, lines, binary: str, code_args: list[str], threads: int
) -> DataFrame:
    """The events of the article lines: each partition streamed through one `eventwire code
    -`, the PLOVER lines parsed into columns. ``position`` orders the events as coded;
    ``day_key`` is the store's one-a-day key (date, actors, CAMEO code, event types, mode,
    place)."""
    raw = lines.mapPartitions(code_partition(binary, code_args, threads)).map(lambda l: (l,))
    df = spark.createDataFrame(raw, "json string").withColumn(
        "position", F.monotonically_increasing_id()
    )
    e = df.select("json", "position", F.from_json("json", EVENT_FIELDS).alias("e")).select(
        "json", "position", "e.*"
    )
    loc = F.col("event_loc")
    place = (
        F.when(loc.isNull(), F.lit(""))
        .when(loc["geonameid"].isNotNull(), loc["geonameid"].cast("string"))
        .otherwise(
            F.concat(
                _text("event_loc.country_code"), F.lit("/"), _text("event_loc.resolved_place")
            )
        )
    )
    actor, recipient = _codes("actor"), _codes("recipient")
    event = F.array_join(F.coalesce("event", F.array()), " ")
    mode = F.array_join(F.coalesce("mode", F.array()), " ")
    day_key = F.concat_ws(
        "|",
        _text("date"),
        F.concat(_text("ew.cameo_actor"), F.lit(":"), actor),
        F.concat(_text("ew.cameo_recipient"), F.lit(":"), recipient),
        _text("ew.cameo"),
        event,
        mode,
        place,
    )
    return e.select(
        "id",
        F.col("ew.article_id").alias("article_id"),
        "position",
        _text("date").alias("date"),
        event.alias("event"),
        mode.alias("mode"),
        _text("ew.cameo").alias("cameo"),
        F.coalesce("quad_code", F.lit(0)).alias("quad_code"),
        F.col("ew.goldstein").alias("goldstein"),
        actor.alias("actor"),
        recipient.alias("recipient"),
        _text("ew.cameo_actor").alias("cameo_actor"),
        _text("ew.cameo_recipient").alias("cameo_recipient"),
        _text("event_loc.country_code").alias("country_code"),
        _text("event_loc.province").alias("admin1"),
        F.col("event_loc.lat").alias("lat"),
        F.col("event_loc.lon").alias("lon"),
        day_key.alias("day_key"),
        "json",
    )


KEY_SCHEMA = T.StructType(
    [
        T.StructField("seq", T.LongType()),
        T.StructField("id", T.StringType()),
        T.StructField("hash", T.StringType()),
        T.StructField("outlet", T.StringType()),
        T.StructField("signature", T.StringType()),
        T.StructField("keys", T.ArrayType(T.StringType())),
    ]
)


def read_article_lines(
    spark: SparkSession,
    inputs: list[str],
    fmt: str,
    binary: str,
    published: str | None,
    partitions: int | None,
):
    """Article JSON lines from JSONL, Parquet, or any format the binary reads (WARC, HTML,
    feeds, CSV; gzip/zstd), in input order."""
    sc = spark.sparkContext
    if fmt == "jsonl":
        lines = sc.textFile(",".join(inputs), minPartitions=partitions)
        return lines.filter(lambda l: l.strip() != "")
    if fmt == "parquet":
        df = spark.read.parquet(*inputs)
        cols = [c for c in ARTICLE_COLUMNS if c in df.columns]
        missing = {"id", "text"} - set(cols)
        if missing:
            raise ValueError(f"{inputs}: Parquet input lacks column(s) {sorted(missing)}")
        df = df.select(*[F.col(c).cast("string") for c in cols])
        return df.select(F.to_json(F.struct(*cols)).alias("line")).rdd.map(lambda r: r.line)
    extra = ["--published", published] if published else []

    def via_binary(files: Iterator) -> Iterator[str]:
        for _path, content in files:
            yield from (
                line.rstrip("\n")
                for line in pipe_through(
                    binary, ["articles", "-", "--skip-bad", *extra], [content]
                )
            )

    return sc.binaryFiles(",".join(inputs)).mapPartitions(via_binary)


def code_partition(binary: str, code_args: list[str], threads: int):
    """A partition function: article lines in, PLOVER event lines out (one process)."""

    def run(lines: Iterator[str]) -> Iterator[str]:
        first = next(lines, None)
        if first is None:
            return
        chunks = (l.encode("utf-8") + b"\n" for l in _chain(first, lines))
        command = ["code", "-", *code_args]
        for out in pipe_through(binary, command, chunks, threads):
            yield out.rstrip("\n")

    return run


def keys_partition(binary: str, threads: int):
    def run(rows: Iterator) -> Iterator[Row]:
        seqs: list[int] = []

        def chunks():
            for line, seq in rows:
                seqs.append(seq)
                yield line.encode("utf-8") + b"\n"

        for out in pipe_through(binary, ["dedup-keys", "-"], chunks(), threads):
            k = json.loads(out)
            if "error" in k:
                continue  # `code --skip-bad` reports the same record
            yield Row(
                seq=seqs[k["line"] - 1],
                id=k["id"],
                hash=k["hash"],
                outlet=k["outlet"],
                signature=k["signature"],
                keys=k["keys"],
            )

    return run


def _chain(first, rest):
    yield first
    yield from rest


def near_duplicates(
    keys: DataFrame, binary: str, threads: int
) -> dict[int, tuple[int, float]]:
    """``seq -> (seq of the first-seen article it duplicates, score)``, as ``ingest`` decides
    it in input order. Candidate pairs (articles sharing an LSH band key) are a Spark join;
    the binary scores them with the store's rule (``eventwire dedup-keys --pairs``); only the
    duplicate pairs reach the driver, which walks them in input order."""
    buckets = keys.select("seq", F.explode("keys").alias("key"))
    pairs = (
        buckets.alias("a")
        .join(buckets.alias("b"), "key")
        .where(F.col("a.seq") < F.col("b.seq"))
        .select(F.col("a.seq").alias("first"), F.col("b.seq").alias("later"))
        .distinct()
    )
    sigs = keys.select("seq", "id", "signature")
    candidates = (
        pairs.join(sigs.toDF("first", "fid", "fs"), "first")
        .join(sigs.toDF("later", "lid", "ls"), "later")
        .where(F.col("fid") != F.col("lid"))
        .select(F.concat_ws("\t", "first", "later", "fs", "ls").alias("line"))
    )

    def score(lines: Iterator[Row]) -> Iterator[tuple[int, int, float]]:
        chunks = (r.line.encode("ascii") + b"\n" for r in lines)
        for out in pipe_through(binary, ["dedup-keys", "--pairs", "-"], chunks, threads):
            first, later, s = out.split("\t")
            yield int(first), int(later), float(s)

    by_later: dict[int, list[tuple[int, float]]] = {}
    for first, later, s in candidates.rdd.mapPartitions(score).collect():
        by_later.setdefault(later, []).append((first, s))
    duplicate_of: dict[int, tuple[int, float]] = {}
    for later in sorted(by_later):
        firsts = [(f, s) for f, s in by_later[later] if f not in duplicate_of]
        if firsts:
            duplicate_of[later] = max(firsts, key=lambda fs: (fs[1], -fs[0]))
    return duplicate_of


def run(
    spark: SparkSession,
    inputs: list[str],
    output: str,
    fmt: str = "jsonl",
    binary: str = "eventwire",
    code_args: list[str] | None = None,
    published: str | None = None,
    partitions: int | None = None,
    threads: int = 1,
) -> dict:
    """Codes ``inputs`` into ``output``; returns counts and timings (``seconds_to_code``: read
    and code; ``seconds``: the whole job)."""
    started = time.monotonic()
    ship_module(spark)
    lines = read_article_lines(spark, inputs, fmt, binary, published, partitions)
    indexed = lines.zipWithIndex().persist(StorageLevel.MEMORY_AND_DISK)
    events = code_events(
        spark,
        indexed.map(lambda li: li[0]),
        binary,
        ["--skip-bad", *(code_args or [])],
        threads,
    ).persist(StorageLevel.MEMORY_AND_DISK)
    n_events = events.count()
    coded_at = time.monotonic()
    keys = spark.createDataFrame(
        indexed.mapPartitions(keys_partition(binary, threads)), KEY_SCHEMA
    )
    # A repeated article id: its first record counts (event ids derive from article ids).
    keys = keys.withColumn("first_seq", F.min("seq").over(_by_id())).where("seq = first_seq")
    keys = keys.drop("first_seq").persist(StorageLevel.MEMORY_AND_DISK)

    duplicates = near_duplicates(keys, binary, threads)
    dup_rows = [(later, first, sim) for later, (first, sim) in duplicates.items()]
    dup_df = spark.createDataFrame(
        dup_rows, "seq long, story_seq long, similarity double"
    )
    articles = (
        keys.select("seq", "id", "outlet")
        .join(dup_df, "seq", "left")
        .withColumn("story_seq", F.coalesce("story_seq", "seq"))
    )
    story_ids = articles.select(F.col("seq").alias("story_seq"), F.col("id").alias("story"))
    articles = articles.join(story_ids, "story_seq").withColumn(
        "duplicate_of", F.when(F.col("story") != F.col("id"), F.col("story"))
    )
    sources = articles.groupBy("story").agg(F.countDistinct("outlet").alias("sources"))
    article_seq = articles.select(
        F.col("id").alias("article_id"), F.col("seq").alias("article_seq"), "duplicate_of"
    )
    stored = events.join(article_seq, "article_id").where(F.col("duplicate_of").isNull())
    # Mentions: every article reporting a story mentions each of the story's events.
    mentions = stored.select("day_key", "id", "article_id", "article_seq", "position").join(
        articles.select(
            F.col("story").alias("article_id"),
            F.col("id").alias("mentioned_by"),
            F.col("seq").alias("mention_seq"),
            "outlet",
        ),
        "article_id",
    )
    daily = mentions.groupBy("day_key").agg(
        F.count("*").alias("num_mentions"),
        F.countDistinct("mentioned_by").alias("num_articles"),
        F.countDistinct("outlet").alias("num_sources"),
        F.min(F.struct("article_seq", "position", "id")).getField("id").alias("first_event"),
    )
    out = (
        events.join(article_seq, "article_id")
        .join(sources.withColumnRenamed("story", "article_id"), "article_id", "left")
        .join(daily, "day_key", "left")
        .withColumn("first_of_day", F.col("first_event") == F.col("id"))
        .withColumn("event_date", F.col("date"))
        .drop("first_event", "position", "article_seq")
    )
    out.write.mode("overwrite").partitionBy("event_date").parquet(os.path.join(output, "events"))
    articles.select("id", "seq", "outlet", "duplicate_of", "similarity").write.mode(
        "overwrite"
    ).parquet(os.path.join(output, "articles"))
    daily.write.mode("overwrite").parquet(os.path.join(output, "daily"))
    stats = {
        "articles": keys.count(),
        "events": n_events,
        "duplicates": len(duplicates),
        "daily_events": spark.read.parquet(os.path.join(output, "daily")).count(),
        "seconds": time.monotonic() - started,
        "seconds_to_code": coded_at - started,
    }
    indexed.unpersist()
    events.unpersist()
    keys.unpersist()
    return stats


def ship_module(spark: SparkSession) -> None:
    """Makes this module importable by the executors' Python workers (the partition functions
    live here)."""
    sc = spark.sparkContext
    if not any(f.endswith("/eventwire_spark.py") for f in sc.listFiles):
        sc.addPyFile(os.path.abspath(__file__))


def _by_id():
    from pyspark.sql.window import Window

    return Window.partitionBy("id")


def local_session(master: str = "local[2]", app: str = "eventwire") -> SparkSession:
    """A local-mode session for tests and laptops: loopback only, no UI."""
    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arg = p.add_argument
    arg("--input", action="append", required=True,
        help="file, folder or glob (repeatable; local, hdfs://, s3a://)")  # fmt: skip
    arg("--output", required=True, help="output folder (local, hdfs://, s3a://)")
    arg("--format", default="jsonl", choices=["jsonl", "parquet", "warc", "any"])
    arg("--binary", default="eventwire",
        help="the eventwire binary: its name as shipped with --files, or a path")  # fmt: skip
    arg("--published", help="date for inputs that give none (YYYY-MM-DD)")
    arg("--partitions", type=int, help="at least this many JSONL input partitions")
    arg("--threads", type=int, default=1, help="cores per eventwire process (spark.task.cpus)")
    arg("--code-arg", action="append", default=[],
        help="extra argument for `eventwire code` (repeatable), e.g. --code-arg=--no-locations")  # fmt: skip
    arg("--master", help="local[N] for a run without spark-submit")
    a = p.parse_args()
    if a.master:
        spark = local_session(a.master)
    else:
        spark = SparkSession.builder.appName("eventwire").getOrCreate()
    if os.path.isfile(a.binary):
        spark.sparkContext.addFile(os.path.abspath(a.binary))
    stats = run(
        spark,
        a.input,
        a.output,
        a.format,
        a.binary,
        a.code_arg,
        a.published,
        a.partitions,
        a.threads,
    )
    print(json.dumps(stats))
    spark.stop()


if __name__ == "__main__":
    main()
