#!/usr/bin/env bash
# Fuzz smoke run: seeds each target's corpus, then runs every target for SECONDS (default 12)
# without sanitizers (stable toolchain). A crash, hang (> 5 s per input) or > 2 GB RSS fails.
# Long runs (10 million executions or 30 min a target, 1 s hang limit): see fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-12}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
SHARED="${SHARED:-../shared}"

seed() { # seed TARGET SELECTOR-BYTE FILE...
    local dir="fuzz/corpus/$1" sel="$2"; shift 2
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] || continue
        local out="$dir/seed-$(basename "$f")"
        if [ -n "$sel" ]; then
            { printf "\\x$sel"; head -c 65536 "$f"; } > "$out"
        else
            head -c 65536 "$f" > "$out"
        fi
    done
}
seed article_jsonl "" examples/*.jsonl tests/hostile/*.jsonl "$SHARED"/samples/*.jsonl
seed coder_text "" examples/*.txt tests/hostile/*.txt
seed lexicon_files 00 data/lexicon/actors/countries.txt
seed lexicon_files 01 data/lexicon/actors/organizations.txt
seed lexicon_files 02 data/lexicon/actors/people-heads.txt
seed lexicon_files 03 data/lexicon/actors/sectors.txt
seed lexicon_files 04 data/lexicon/actors/disputed.txt
seed lexicon_files 05 data/lexicon/events/19-fight.txt
P="$SHARED/corpora/petrarch_validation"
seed petrarch_dictionaries 00 "$P/PETR.Validate.verbs.txt" tests/hostile/broken-verbs.txt
seed petrarch_dictionaries 01 "$P/PETR.Validate.actors.txt" tests/hostile/broken-actors.txt
seed petrarch_dictionaries 02 "$P/PETR.Validate.agents.txt"
seed petrarch_dictionaries 03 "$P/PETR.Validate.discards.txt"
T="$SHARED/peers/tabari"
seed tabari_files 00 "$T/TABARI.Demo.actors"
seed tabari_files 01 "$T/Validate.agents"
seed tabari_files 02 "$T/TABARI.Demo.verbs"
seed tabari_files 03 "$T/Validate.options"
seed tabari_files 04 "$T/TABARI.Demo.text"
mkdir -p fuzz/corpus/api_query
printf '%s' 'event=ASSAULT,COERCE&country=AZE&from=2023-09-01&to=2023-09-30&q=artillery%20fire&actor_sector=MIL&bbox=44,38,48,41&limit=25&offset=0&sort=-date&format=csv' > fuzz/corpus/api_query/seed-events
# Readers of ingest formats. Seeds that do not exist as files (WARC, OPML, compressed examples)
# are built from the examples in a scratch folder.
GEN="$(mktemp -d)"
trap 'rm -rf "$GEN"' EXIT
BENCH="$SHARED/corpora/article-extraction-benchmark/html"
for f in $(ls "$BENCH"/*.html.gz 2>/dev/null | head -n 8); do
    gzip -dc "$f" > "$GEN/$(basename "$f" .gz)"
done
seed html_page "" examples/*.html "$GEN"/*.html
{
    printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
    cat examples/karabakh-page.html
} > "$GEN/http"
{
    printf 'WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Type: application/warc-fields\r\nContent-Length: 14\r\n\r\nsoftware: fuzz\r\n\r\n'
    printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/karabakh\r\nWARC-Date: 2023-09-20T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:k-1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n' "$(wc -c < "$GEN/http")"
    cat "$GEN/http"
    printf '\r\n\r\n'
} > "$GEN/karabakh.warc"
seed warc "" "$GEN/karabakh.warc"
printf '<?xml version="1.0"?><opml version="2.0"><body><outline text="News"><outline type="rss" text="K" xmlUrl="karabakh-feed.rss"/><outline type="rss" xmlUrl="https://example.com/f.xml"/></outline></body></opml>\n' > "$GEN/list.opml"
seed feed 00 examples/*.rss "$SHARED"/samples/*.rss
seed feed 01 "$GEN/list.opml"
N="$SHARED/corpora/ngec_synthetic"
seed csv_table 00 "$N/gpt_synthetic_events_2023-10-19.csv" "$N/synthetic_headlines.csv" "$SHARED/corpora/plover/countries.csv"
seed csv_table 01 "$SHARED/corpora/conflibert_cameo/cameo_class_train.tsv"
gzip -c examples/stories.jsonl > "$GEN/stories.jsonl.gz"
! command -v zstd >/dev/null || zstd -qc examples/karabakh-feed.rss > "$GEN/feed.rss.zst"
gzip -c "$GEN/karabakh.warc" > "$GEN/karabakh.warc.gz"
seed compressed_input 00 examples/karabakh.txt examples/karabakh.jsonl "$SHARED/corpora/bbc-news-2005/bbc-news.jsonl.zst"
seed compressed_input 01 "$GEN/stories.jsonl.gz"
seed compressed_input 03 $(ls "$BENCH"/*.html.gz 2>/dev/null | head -n 4)
seed compressed_input 04 "$GEN/karabakh.warc.gz"
seed compressed_input 05 "$GEN/feed.rss.zst"
seed compressed_input 06 "$N/synthetic_headlines.csv"
seed code_tables 00 data/codes/cameo.tsv
seed code_tables 01 data/codes/plover_scale.tsv
gzip -dc data/geo/places.tsv.gz 2>/dev/null | head -n 300 > "$GEN/places.tsv" || true
seed gazetteer_source 00 "$GEN/places.tsv"
seed gazetteer_source 01 data/geo/regions.txt
seed gazetteer_source 02 data/geo/aliases.tsv

cargo fuzz build --sanitizer none -O
for target in $(cargo fuzz list); do
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
    cargo fuzz run --sanitizer none -O "$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units)|ERROR|panicked|SUMMARY" || true
    if ls "fuzz/artifacts/$target"/* >/dev/null 2>&1; then
        echo "fuzz: $target found a failing input: fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
