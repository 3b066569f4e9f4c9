#!/usr/bin/env bash
# Articles/s of `eventwire worker` with 1 and 2 workers on a local JetStream server, writing to
# a store (--db) and publishing to a stream (--publish): the queue is filled first (`eventwire
# feed`), then the workers drain it; each worker
# reports its articles and seconds from its first message to its last ack, and the aggregate
# rate is all articles over the slowest worker's time. Each worker codes on one core
# (RAYON_NUM_THREADS=1), so 2 workers on 2 cores show the scale-out.
#
#   bash integrations/nats/bench.sh [ARTICLES.jsonl]   # default: the shared BBC + Reuters text
#
# Needs nats-server (Debian package) and target/release/eventwire.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${EVENTWIRE_BIN:-$repo/target/release/eventwire}"
command -v nats-server >/dev/null || { echo "bench.sh: nats-server is not installed" >&2; exit 1; }
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

corpus="${1:-}"
if [[ -z "$corpus" ]]; then
    corpus="$work/articles.jsonl"
    "$bin" articles --corpus bbc --corpus reuters > "$corpus"
fi
total=$(grep -c . "$corpus")

run() {  # run OUTPUT WORKERS
    local output=$1 workers=$2 port url target pids=()
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    url="nats://127.0.0.1:$port"
    rm -rf "$work/js" "$work"/events.db* "$work"/worker-*.log
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$work/js" 2> "$work/server.log" &
    server_pid=$!
    for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    timeout 600 "$bin" feed --nats "$url" "$corpus"
    if [[ $output == db ]]; then target=(--db "$work/events.db"); else target=(--publish events.coded); fi
    for i in $(seq "$workers"); do
        RAYON_NUM_THREADS=1 timeout 1200 "$bin" worker --nats "$url" "${target[@]}" \
            --idle-exit 3 2> "$work/worker-$i.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    grep -h "worker coded" "$work"/worker-*.log
    grep -h "worker coded" "$work"/worker-*.log | python3 -c "
import re, sys
rows = [tuple(map(float, re.search(r'coded (\d+) articles in ([\d.]+) s', l).groups())) for l in sys.stdin]
n, secs = sum(r[0] for r in rows), max(r[1] for r in rows)
print(f'nats: --$output, $workers worker(s): {n:.0f} of $total articles in {secs:.1f} s: {n / secs:.0f} articles/s')
"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

for output in db publish; do
    for workers in 1 2; do
        run "$output" "$workers"
    done
done
