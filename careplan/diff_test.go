package careplan

import (
	"strings"
	"testing"
	"time"

	"carepath"
)

func TestDiff(t *testing.T) {
	a := &carepath.CarePlan{Status: carepath.PlanDraft, Problems: []carepath.PlanProblem{
		{ID: "p1", Text: "High blood pressure",
			Goals:         []carepath.Goal{{ID: "g1", Description: "Pressure down", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80}, Status: "active"}},
			Interventions: []carepath.Intervention{{ID: "i1", Kind: "education", Text: "Home readings", Status: "planned"}, {ID: "i2", Kind: "device", Text: "Cuff", Status: "planned"}}},
		{ID: "p2", Text: "No car"}}}
	b := &carepath.CarePlan{Status: carepath.PlanActive, Prognosis: "Good", Problems: []carepath.PlanProblem{
		{ID: "p1", Text: "High blood pressure",
			Goals:         []carepath.Goal{{ID: "g1", Description: "Pressure down", Measure: "bp", TargetOp: "<", TargetValues: []float64{140, 90}, Status: "active"}},
			Interventions: []carepath.Intervention{{ID: "i1", Kind: "education", Text: "Home readings", Status: "done"}}},
		{ID: "p3", Text: "Lives alone", Goals: []carepath.Goal{{ID: "g3", Description: "Someone checks on me daily", Measure: "yes-no", Status: "active"}}}}}
	want := []string{
		"Status: draft → active",
		"Expected outcome and prognosis: (none) → Good",
		"Problem added: Lives alone",
		"Problem removed: No car",
		`Goal "Pressure down", target: Blood pressure < 130/80 → Blood pressure < 140/90`,
		`Intervention "Home readings", status: planned → done`,
		"Goal added (Lives alone): Someone checks on me daily, Yes or no",
		"Intervention removed (High blood pressure): Cuff",
	}
	got := Diff(a, b)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := Diff(b, b); len(d) != 0 {
		t.Errorf("a plan against itself: %v", d)
	}
}

func TestCompleteness(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	empty := &carepath.CarePlan{Status: carepath.PlanDraft}
	if missing := Missing(Completeness(empty, Facts{Now: now})); len(missing) != 12 {
		t.Errorf("an empty plan lacks %d elements, want all 12: %v", len(missing), missing)
	}
	full := &carepath.CarePlan{Status: carepath.PlanActive, Revision: 3, Updated: now.AddDate(0, 0, -10), ReviewEveryDays: 90,
		Prognosis: "Stable", SymptomManagement: "Action plan for breathlessness",
		Problems: []carepath.PlanProblem{{Text: "COPD",
			Goals: []carepath.Goal{{Description: "Walk to the mailbox", Measure: "yes-no", Due: "2027-03-01", Status: "active"}},
			Interventions: []carepath.Intervention{{Kind: "medication", Text: "Inhaler review", OwnerID: "u1", Status: "planned"},
				{Kind: "referral", Text: "Pulmonary rehab", OwnerID: "u1", Status: "planned"}}}}}
	facts := Facts{Now: now, LastAssessed: map[string]time.Time{"katz-adl": now.AddDate(0, -2, 0), "prapare": now.AddDate(0, -11, 0),
		"caregiver-strain": now.AddDate(-2, 0, 0)}}
	elements := Completeness(full, facts)
	if missing := Missing(elements); strings.Join(missing, ",") != "Caregiver assessment" {
		t.Errorf("missing %v, want only the caregiver assessment (its strain index is two years old)", missing)
	}
	full.CaregiverAssessment = "Daughter visits daily; strain low"
	full.Problems[0].Interventions = append(full.Problems[0].Interventions, carepath.Intervention{Kind: "education", Text: "Action plan", Status: "planned"})
	full.Updated = now.AddDate(0, 0, -100)
	missing := Missing(Completeness(full, facts))
	if strings.Join(missing, ",") != "Planned interventions and who is responsible,Revisions" {
		t.Errorf("missing %v, want an owner and a revision", missing)
	}
}
