package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carepath"
)

// TestQueriesUseTheirIndexes checks SQLite's plans for lookups whose index
// is partial: a plan that falls back to reading the whole task table made a
// sweep take minutes at 1,000,000 tasks, and nothing else would notice on
// small test data.
func TestQueriesUseTheirIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	mine := carepath.TaskFilter{OwnerID: "u", Queues: []carepath.Role{carepath.RoleCareManager}, Sort: carepath.TaskSortPatient, Limit: 50}
	byPatient, byPatientArgs := taskPageQuery("o", mine, taskParts("o", mine, now), []int{patientSortLimit + 1, 0}, now, now)
	candidates, candidatesArgs, err := screeningCandidatesQuery("o", "r", nil, []string{"ahc-hrsn"}, []string{"96777-8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		// SQLite 3.54 walked the birth-date index here and sorted every
		// patient (5 s at 100,000) until given a name_key condition.
		{"a large worklist by patient", byPatient, byPatientArgs, []string{"USING INDEX patient_name (org_id=? AND name_key>?)", "(org_id=? AND patient_id=?)"}},
		{"due schedules", "SELECT s.id FROM schedule s WHERE s.org_id = ? AND s.status = 'active' AND s.fire_at <= ? ORDER BY s.fire_at, s.id LIMIT 500",
			[]any{"o", "2026-01-01T00:00:00Z"}, []string{"schedule_fire"}},
		{"a rule's task for an event", "SELECT 1 FROM task t WHERE " + ruleTaskWhere, []any{"o", "r", "e"}, []string{"task_rule_event"}},
		{"tasks to escalate", escalationCandidates, []any{"o", "2026-01-01T00:00:00Z", "r"}, []string{"task_open_due", "task_rule_event"}},
		// Through the patient rows, 1.37 s at 100,000 patients; 54 ms here.
		{"patients to enroll in a screening", candidates, candidatesArgs, []string{"COVERING INDEX care_team_member_role (org_id=? AND role=?)",
			"COVERING INDEX schedule_patient_rule"}},
	} {
		rows, err := db.write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the plan does not use %s:\n%s", tc.name, w, text)
			}
		}
		if strings.Contains(text, "SCAN t\n") || strings.HasSuffix(text, "SCAN t") || strings.Contains(text, "SCAN e") {
			t.Errorf("%s: the plan reads the whole task table:\n%s", tc.name, text)
		}
	}
}
