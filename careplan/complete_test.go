package careplan

import (
	"testing"
	"time"

	"carepath"
)

// TestCancelledGoal: a cancelled goal is pursued no more: it has no
// achievement (it showed "in-progress"), and is not one of the plan's
// goals in the checklist.
func TestCancelledGoal(t *testing.T) {
	m, _ := FindMeasure("a1c")
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	g := carepath.Goal{Description: "A1c under 7", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, Due: "2027-06-01", Status: carepath.GoalCancelled}
	if a, why := Achieve(g, m, now.AddDate(0, -1, 0), now.AddDate(0, 6, 0), nil, now, time.UTC); a != "" || why != "cancelled: not pursued" {
		t.Errorf("a cancelled goal: %q, %q", a, why)
	}
	g.Status = carepath.GoalActive
	if a, _ := Achieve(g, m, now.AddDate(0, -1, 0), now.AddDate(0, 6, 0), nil, now, time.UTC); a != InProgress {
		t.Errorf("an active goal without readings: %q", a)
	}
	yesNo, _ := FindMeasure("yes-no")
	if a, _ := Achieve(carepath.Goal{Measure: "yes-no", Status: carepath.GoalCompleted}, yesNo, now, now, nil, now, time.UTC); a != Achieved {
		t.Errorf("a yes-or-no goal marked completed: %q", a)
	}
	g.Status = carepath.GoalCancelled
	plan := &carepath.CarePlan{Problems: []carepath.PlanProblem{{Text: "Diabetes", Goals: []carepath.Goal{g}}}}
	for _, e := range Completeness(plan, Facts{Now: now}) {
		if e.Name == "Measurable treatment goals" && (e.Met || e.Why != "0 goals, none with a measure and a due date") {
			t.Errorf("the checklist counts a cancelled goal: %+v", e)
		}
	}
}
