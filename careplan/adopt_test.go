package careplan

import (
	"testing"

	"carepath"
)

func TestAdopt(t *testing.T) {
	src := carepath.SourceCarePlan{ID: "cp9", Category: carepath.Coding{Display: "Diabetes self management plan"}, Addresses: []string{"gone", "dm"},
		GoalIDs: []string{"g1", "g2"}, Activities: []carepath.SourceCarePlanActivity{
			{Code: carepath.Coding{Display: "Diabetic diet"}, Status: "in-progress"}, {Code: carepath.Coding{Display: "Exercise therapy"}, Status: "completed"}}}
	goals := []carepath.SourceGoal{{ID: "g1", Description: "Hemoglobin A1c total in Blood", TargetDetail: "< 7 %", LifecycleStatus: "active", TargetDue: "2027-01-01T00:00:00Z"},
		{ID: "g2", Description: "Maintain blood pressure below 140/90 mm[Hg]", LifecycleStatus: "completed"}, {ID: "other", Description: "Not this plan's"}}
	p := Adopt(src, goals, []carepath.Condition{{ID: "dm"}})
	if p.Text != "Diabetes self management plan" || p.ConditionID != "dm" || len(p.Goals) != 2 || len(p.Interventions) != 2 {
		t.Fatalf("adopted: %+v", p)
	}
	if g := p.Goals[0]; g.Description != "Hemoglobin A1c total in Blood (target: < 7 %)" || g.Measure != "yes-no" || g.Due != "2027-01-01" || g.Status != "active" {
		t.Errorf("goal: %+v", g)
	}
	if p.Goals[1].Status != carepath.GoalCompleted || p.Interventions[0].Status != carepath.InterventionInProgress || p.Interventions[1].Status != carepath.InterventionDone {
		t.Errorf("statuses: %+v", p)
	}
	if err := Check(&carepath.CarePlan{Status: carepath.PlanDraft, Problems: []carepath.PlanProblem{p}}); err != nil {
		t.Errorf("the adopted problem does not pass Check: %v", err)
	}
}
