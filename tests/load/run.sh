#!/usr/bin/env bash
# Load test of `eventwire serve` on loopback with wrk: the dashboard's typical queries, one
# kind at a time and then mixed, bounded in time (SECONDS_PER_KIND each). Prints requests/s and
# latency per kind, counts errors (non-2xx answers and socket errors) and samples the server's
# resident memory every half second. Fails on any error or when memory grows by more than
# MAX_RSS_GROWTH_MB; throughput is printed, never asserted (it depends on the machine).
#
#   SHORT=1 tests/load/run.sh   # CI: a store of the bundled examples, 1 s per kind
#   tests/load/run.sh           # the 1,000,000-event store of the dashboard_load bench, 15 s per kind
#
# EVENTWIRE_BIN (default target/release/eventwire), DB, PORT, CONNECTIONS and SECONDS_PER_KIND
# override the defaults. wrk comes from Debian (`apt-get install wrk`).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${EVENTWIRE_BIN:-$PWD/target/release/eventwire}"
PORT="${PORT:-18181}"
CONNECTIONS="${CONNECTIONS:-16}"
MAX_RSS_GROWTH_MB="${MAX_RSS_GROWTH_MB:-256}"
WORK="$PWD/target/load-test"
mkdir -p "$WORK"
command -v wrk >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
}
[ -x "$BIN" ] || cargo build --release --locked -p eventwire

if [ -n "${SHORT:-}" ]; then
    SECONDS_PER_KIND="${SECONDS_PER_KIND:-1}"
    DB="${DB:-$WORK/examples.db}"
    if [ ! -f "$DB" ]; then
        "$BIN" ingest examples/ --db "$DB" --published 2023-09-20 2>/dev/null
    fi
    COUNTRY=AZE
else
    SECONDS_PER_KIND="${SECONDS_PER_KIND:-15}"
    DB="${DB:-$PWD/target/bench-serve-1000000.db}"
    [ -f "$DB" ] || cargo bench -p eventwire-serve --bench dashboard_load
    COUNTRY=AZE
fi

"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER=$!
SAMPLER=""
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
    kill "$SERVER" 2>/dev/null
    wait "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"
# Opening a large store the first time builds serve's indexes: allow for it.
for _ in $(seq 1 1200); do
    curl -sf -o /dev/null "$BASE/api/openapi.json" && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.5
done
# The first view is computed at start-up; wait for it like a first visitor would.
curl -sf -o /dev/null "$BASE/api/aggregates/places?limit=2000"
EVENT_ID=$(curl -sf "$BASE/api/events?limit=1&country=$COUNTRY" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["events"][0]["id"])')

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
: >"$WORK/rss.txt"
(while kill -0 "$SERVER" 2>/dev/null; do rss_kb >>"$WORK/rss.txt"; sleep 0.5; done) &
SAMPLER=$!
RSS_START=$(rss_kb)

KINDS=(
    "events|/api/events?limit=25&offset=0"
    "counts|/api/aggregates/counts?by=auto&group=type"
    "dyads|/api/aggregates/dyads?limit=400"
    "places|/api/aggregates/places?limit=2000"
    "country|/api/events?limit=25&offset=0&country=$COUNTRY"
    "search|/api/events?limit=25&offset=0&q=artillery"
    "detail|/api/events/$EVENT_ID"
)
# Every kind in turn, all of them mixed; then varied filters (3,060 distinct queries, partly
# served from the 512-answer cache) and varied word searches (320 distinct queries).
{
    echo "paths = {"
    for kind in "${KINDS[@]}"; do echo "  \"${kind#*|}\","; done
    echo "}"
    cat <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end
LUA
} >"$WORK/mixed.lua"
cat >"$WORK/varied.lua" <<'LUA'
local countries = {"AZE", "ARM", "RUS", "UKR", "SDN", "SYR", "USA", "CHN", "IND", "NGA"}
local events = {"ASSAULT", "PROTEST", "ACCUSE", "AGREE", "COERCE", "CONSULT"}
local n = 0
setup = function(thread) thread:set("seed", math.random(1, 1000000)) end
request = function()
  n = n + 1
  local pick = function(t) return t[(seed + n * 7919) % #t + 1] end
  local offset = ((seed + n * 104729) % 40) * 25
  local year = 2015 + (seed + n) % 10
  local filter = "country=" .. pick(countries) .. "&event=" .. pick(events)
  local path
  if n % 3 == 0 then
    path = "/api/events?limit=25&offset=" .. offset .. "&" .. filter
  elseif n % 3 == 1 then
    path = "/api/events?limit=25&from=" .. year .. "-01-01&to=" .. year .. "-06-30&" .. filter
  else
    path = "/api/aggregates/counts?by=auto&group=type&" .. filter
  end
  return wrk.format("GET", path)
end
LUA
cat >"$WORK/searches.lua" <<'LUA'
local words = {"artillery", "ceasefire", "talks", "police", "killed", "president", "troops", "aid"}
local n = 0
setup = function(thread) thread:set("seed", math.random(1, 1000000)) end
request = function()
  n = n + 1
  local offset = ((seed + n * 104729) % 40) * 25
  return wrk.format("GET", "/api/events?limit=25&offset=" .. offset .. "&q=" .. words[(seed + n) % #words + 1])
end
LUA

FAILED=0
printf '%-8s %10s %10s %10s %8s  %s\n' kind "req/s" "p50" "p99" errors path
run() { # run NAME PATH [LUA [CONNECTIONS]]
    local name="$1" path="$2" lua="${3:-}" connections="${4:-$CONNECTIONS}" out
    out=$(wrk -t2 -c"$connections" -d"${SECONDS_PER_KIND}s" --timeout 10s --latency \
        ${lua:+-s "$lua"} "$BASE$path")
    local rps p50 p99 non2xx sock
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    local errors=$((${non2xx:-0} + ${sock:-0}))
    printf '%-8s %10s %10s %10s %8s  %s\n' "$name" "$rps" "$p50" "$p99" "$errors" "$path"
    [ "$errors" -eq 0 ] || FAILED=1
}
for kind in "${KINDS[@]}"; do run "${kind%%|*}" "${kind#*|}"; done
run mixed "/" "$WORK/mixed.lua"
run varied "/" "$WORK/varied.lua"
# Each search of a word the whole store holds reads its matching events (a common word of the
# synthetic million-event store matches 1.5-10 % of it): fewer users search at once.
run searches "/" "$WORK/searches.lua" 2

kill "$SAMPLER" 2>/dev/null && SAMPLER=""
RSS_END=$(rss_kb)
RSS_MAX=$(sort -n "$WORK/rss.txt" | tail -1)
echo "server RSS: start $((RSS_START / 1024)) MB, max $((RSS_MAX / 1024)) MB, end $((RSS_END / 1024)) MB ($(wc -l <"$WORK/rss.txt") samples)"
echo "store: $DB ($(($(stat -c %s "$DB") / 1048576)) MB), $CONNECTIONS connections, ${SECONDS_PER_KIND} s per kind"
if [ $((RSS_MAX - RSS_START)) -gt $((MAX_RSS_GROWTH_MB * 1024)) ]; then
    echo "load test: memory grew by more than $MAX_RSS_GROWTH_MB MB" >&2
    FAILED=1
fi
if [ "$FAILED" -ne 0 ]; then
    echo "load test: failed (errors above, server log: $WORK/server.log)" >&2
    exit 1
fi
echo "load test: no errors"
