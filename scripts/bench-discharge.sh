#!/usr/bin/env bash
# Latency of recording one discharge to its scored transition episode with
# tasks (issue 7: p95 under 100 ms): POST /api/v1/patients/{id}/encounters
# for N living patients of the demo's care manager, one at a time, each an
# inpatient stay of 3 days ending an hour ago, discharged home. The call
# stores the encounter and runs the rules before it answers (scores, the
# episode, its tasks). Prints each call's time, then median, p95 and max.
#
# Usage: scripts/bench-discharge.sh BASE_URL DB_FILE TOKEN [N]
#   e.g. TOKEN=$(carepath token create --db /tmp/p100k/carepath.db --email cm@demo.carepath.example --name bench)
#        scripts/bench-discharge.sh http://127.0.0.1:8095 /tmp/p100k/carepath.db "$TOKEN" 100
# Needs curl and sqlite3 (Debian packages).
set -euo pipefail
base=$1 db=$2 token=$3 n=${4:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sqlite3 "file:$db?mode=ro" "SELECT p.id FROM patient p JOIN care_team_member c ON c.org_id = p.org_id AND c.patient_id = p.id
  JOIN app_user u ON u.org_id = c.org_id AND u.id = c.user_id
  WHERE u.email = 'cm@demo.carepath.example' AND NOT p.deceased ORDER BY random() LIMIT $n" > "$work/patients"
end=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
start=$(date -u -d '73 hours ago' +%Y-%m-%dT%H:%M:%SZ)
run=$(date +%s)
while read -r id; do
  curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"id\": \"bench-$run-$id\", \"class\": \"IMP\", \"start\": \"$start\", \"end\": \"$end\", \"facility\": \"Bench Hospital\", \"disposition\": \"home\"}" \
    "$base/api/v1/patients/$id/encounters" >> "$work/times"
done < "$work/patients"
sort -n "$work/times" | awk '{t[NR] = $1 * 1000} END {
  p = int(NR * 0.95 + 0.5); if (p < 1) p = 1
  printf "RESULT calls=%d median_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", NR, t[int((NR + 1) / 2)], t[p], t[NR] }'
