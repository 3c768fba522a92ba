#!/usr/bin/env bash
# Load test of the web app (issue 3's targets): panel search and chart
# latency at one connection (p50/p95/p99), then the chart page under 32
# connections (requests/s, errors), checking that every request was audited,
# and the server's peak RSS.
#
# Usage: scripts/bench-web.sh BASE_URL DB_FILE SERVER_PID [DURATION]
#   e.g. carepath serve --demo --demo-patients 100000 --db /tmp/p100k/carepath.db --addr 127.0.0.1:8095 &
#        scripts/bench-web.sh http://127.0.0.1:8095 /tmp/p100k/carepath.db $! 30s
# Each run draws 2,000 patients at random. With BENCH_PATIENTS=FILE, the
# first run keeps its draw in FILE and later runs request the same
# patients, so that repeated runs measure the same work (a new draw reads
# charts the machine's page cache may not hold).
# Needs wrk, curl and sqlite3 (Debian packages).
set -euo pipefail
base=$1 db=$2 pid=$3 dur=${4:-30s}
if ! [ -r "/proc/$pid/status" ]; then
  echo "bench-web.sh: no server process $pid (the third argument is the server's PID)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A session for the care manager of the demo, and the ids and family names
# of 2,000 patients to request at random.
curl -sf -c "$work/cookies" -o /dev/null -d "email=cm@demo.carepath.example&password=carepath-demo&next=/patients" "$base/signin"
cookie=$(awk '$6 == "carepath_session" {print $7}' "$work/cookies")
if [ -n "${BENCH_PATIENTS:-}" ] && [ -s "$BENCH_PATIENTS" ]; then
  cp "$BENCH_PATIENTS" "$work/patients.txt"
else
  sqlite3 "file:$db?mode=ro" "SELECT id, family FROM patient ORDER BY random() LIMIT 2000" > "$work/patients.txt"
  if [ -n "${BENCH_PATIENTS:-}" ]; then cp "$work/patients.txt" "$BENCH_PATIENTS"; fi
fi

cat > "$work/common.lua" <<LUA
ids, names = {}, {}
for line in io.lines("$work/patients.txt") do
  local id, family = line:match("([^|]+)|(.*)")
  ids[#ids + 1] = id
  names[#names + 1] = family:sub(1, 3)
end
wrk.headers["Cookie"] = "carepath_session=$cookie"
math.randomseed(os.time())
function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
LUA
cat "$work/common.lua" > "$work/chart.lua"
cat >> "$work/chart.lua" <<'LUA'
request = function() return wrk.format("GET", "/patients/" .. ids[math.random(#ids)]) end
LUA
cat "$work/common.lua" > "$work/search.lua"
cat >> "$work/search.lua" <<'LUA'
request = function() return wrk.format("GET", "/patients?cm=all&q=" .. names[math.random(#names)]) end
LUA
cat "$work/common.lua" > "$work/caseload.lua"
cat >> "$work/caseload.lua" <<'LUA'
request = function() return wrk.format("GET", "/patients") end
LUA

audit() { sqlite3 "file:$db?mode=ro" "SELECT COUNT(*) FROM audit_event"; }
run() { # name script connections
  local before after res
  before=$(audit)
  res=$(wrk -t"$(( $3 < 2 ? 1 : 2 ))" -c"$3" -d"$dur" -s "$work/$2.lua" "$base" | grep RESULT)
  sleep 1
  after=$(audit)
  echo "$1 (c=$3): ${res#RESULT } audited=$((after - before))"
}
run "panel search, all patients" search 1
run "panel, own caseload" caseload 1
run "chart" chart 1
run "chart" chart 32
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
