package careplan

import (
	"testing"
	"time"

	"carepath"
)

// TestTemplates: every template, applied, is a plan that passes Check; it
// links to the patient's condition or confirmed concern, and dates its
// goals and interventions from today.
func TestTemplates(t *testing.T) {
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	conditions := []carepath.Condition{
		{ID: "old-hf", ClinicalStatus: "resolved", Code: carepath.Coding{System: "http://snomed.info/sct", Code: "84114007"}},
		{ID: "hf", ClinicalStatus: "active", Code: carepath.Coding{System: "http://snomed.info/sct", Code: "88805009"}},
		{ID: "dm", ClinicalStatus: "active", Code: carepath.Coding{System: "http://hl7.org/fhir/sid/icd-10-cm", Code: "E11.65"}},
	}
	concerns := []carepath.HealthConcern{{ID: "c-food-proposed", Domain: "food", Status: carepath.ConcernProposed},
		{ID: "c-food", Domain: "food", Status: carepath.ConcernConfirmed}}
	links := map[string][2]string{"heart-failure": {"hf", ""}, "type-2-diabetes": {"dm", ""}, "food": {"", "c-food"}, "copd": {"", ""}}
	for _, tpl := range Templates {
		p := Apply(tpl, conditions, concerns, "u-cm", today)
		plan := &carepath.CarePlan{Status: carepath.PlanDraft, Problems: []carepath.PlanProblem{p}}
		if err := Check(plan); err != nil {
			t.Errorf("%s: %v", tpl.ID, err)
		}
		if tpl.Source == "" || len(p.Goals) == 0 || len(p.Interventions) == 0 || p.Text == "" {
			t.Errorf("%s: no source, goals, interventions or words", tpl.ID)
		}
		if want, ok := links[tpl.ID]; ok && (p.ConditionID != want[0] || p.ConcernID != want[1]) {
			t.Errorf("%s: linked to condition %q and concern %q, want %q and %q", tpl.ID, p.ConditionID, p.ConcernID, want[0], want[1])
		}
		for _, in := range p.Interventions {
			if in.OwnerID != "u-cm" || in.Status != carepath.InterventionPlanned {
				t.Errorf("%s: intervention %+v", tpl.ID, in)
			}
		}
	}
	dm, _ := FindTemplate("type-2-diabetes")
	p := Apply(dm, conditions, nil, "", today)
	if g := p.Goals[0]; g.Start != "2026-11-20" || g.Due != "2027-05-19" || g.ReviewBy != "2027-02-18" || g.TargetValues[0] != 7 {
		t.Errorf("diabetes goal: %+v", g)
	}
	if in := p.Interventions[0]; in.GoalID != "#1" || in.Due != "2026-12-04" || in.OwnerID != "" {
		t.Errorf("diabetes referral: %+v", in)
	}
	if len(Templates) != 9 {
		t.Errorf("%d templates, want the 9 the issue names", len(Templates))
	}
}

// TestTemplatesShareAGoal: the diabetes and the hypertension templates
// each propose a blood pressure goal; applied together, the plan has one,
// and the second template's interventions toward it serve its problem.
func TestTemplatesShareAGoal(t *testing.T) {
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	plan := &carepath.CarePlan{Status: carepath.PlanDraft}
	for _, id := range []string{"hypertension", "type-2-diabetes"} {
		tpl, ok := FindTemplate(id)
		if !ok {
			t.Fatalf("no template %s", id)
		}
		pr, _ := WithoutRepeatedGoals(plan, Apply(tpl, nil, nil, "cm1", today))
		plan.Problems = append(plan.Problems, pr)
	}
	bp := 0
	for _, pr := range plan.Problems {
		for _, g := range pr.Goals {
			if g.Measure == "bp" {
				bp++
			}
		}
	}
	if bp != 1 {
		t.Errorf("%d blood pressure goals, want 1", bp)
	}
	if err := Check(plan); err != nil {
		t.Errorf("the plan of both templates: %v", err)
	}
}
