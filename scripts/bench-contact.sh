#!/usr/bin/env bash
# Latency of logging a contact (issue 18: p95 under 20 ms): POST
# /api/v1/patients/{id}/contacts for N patients of the demo's care
# manager, one at a time, each a 10-minute interactive call with the
# patient that started 30 minutes ago, its minutes logged as CCM time (so
# the call also writes a time entry and checks its overlap). The calls of a
# run are 11 minutes apart, going back from RUN days ago (RUN=1 by
# default): give each run of a series its own RUN, so that no call
# overlaps another's time. Prints median, p95 and max.
#
# Usage: RUN=k scripts/bench-contact.sh BASE_URL DB_FILE TOKEN [N]
# Needs curl and sqlite3 (Debian packages).
set -euo pipefail
base=$1 db=$2 token=$3 n=${4:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sqlite3 "file:$db?mode=ro" "SELECT p.id FROM patient p JOIN care_team_member c ON c.org_id = p.org_id AND c.patient_id = p.id
  JOIN app_user u ON u.org_id = c.org_id AND u.id = c.user_id
  WHERE u.email = 'cm@demo.carepath.example' AND NOT p.deceased ORDER BY random() LIMIT $n" > "$work/patients"
base_s=$(( $(date +%s) - ${RUN:-1} * 86400 ))
i=0
while read -r id; do
  start=$(date -u -d "@$(( base_s - i * 660 ))" +%Y-%m-%dT%H:%M:%SZ)
  curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"channel\": \"phone\", \"direction\": \"outbound\", \"party\": \"patient\", \"at\": \"$start\", \"seconds\": 600, \"outcome\": \"reached patient\", \"interactive\": true, \"note\": \"bench\", \"program\": \"CCM\"}" \
    "$base/api/v1/patients/$id/contacts" >> "$work/times" || echo "call $i failed" >&2
  i=$((i + 1))
done < "$work/patients"
sort -n "$work/times" | awk '{t[NR] = $1 * 1000} END {
  p = int(NR * 0.95 + 0.5); if (p < 1) p = 1
  printf "RESULT calls=%d median_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", NR, t[int((NR + 1) / 2)], t[p], t[NR] }'
