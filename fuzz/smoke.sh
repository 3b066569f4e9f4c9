#!/usr/bin/env bash
# Fuzz smoke run: seeds each target's corpus, then runs every target for SECONDS (default 12)
# without sanitizers (stable toolchain). A crash, hang (> 5 s per input) or > 2 GB RSS fails.
# Long run: fuzz/smoke.sh with SECONDS=1800, or `cargo fuzz run --sanitizer none -O <target>`.
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
