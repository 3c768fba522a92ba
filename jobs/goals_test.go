package jobs_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/rules"
)

// TestTreatToTarget: on a goal's review day, a goal getting worse goes to
// its clinician for review with the numbers; one improving does not; each
// is checked once for its day, and again when a revision gives it a new
// one.
func TestTreatToTarget(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e) // Friday 22 May 2026, 16:00 New York; Casey is Ana's (p1) care manager
		now := f.clock.now()
		bp := func(id string, at time.Time, sys, dia float64) carepath.ImportResource {
			return carepath.ImportResource{Type: "Observation", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"Observation"}`),
				Record: &carepath.Observation{ID: id, PatientID: "p1", Status: "final", Category: "vital-signs",
					Code: carepath.Coding{System: "http://loinc.org", Code: rules.LOINCBloodPressure}, Effective: carepath.InstantOf(at),
					Components: []carepath.ObservationComponent{{Code: carepath.Coding{Code: rules.LOINCSystolic}, ValueNum: &sys},
						{Code: carepath.Coding{Code: rules.LOINCDiastolic}, ValueNum: &dia}}}}
		}
		weight := func(id string, at time.Time, kg float64) carepath.ImportResource {
			return carepath.ImportResource{Type: "Observation", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"Observation"}`),
				Record: &carepath.Observation{ID: id, PatientID: "p1", Status: "final", Category: "vital-signs",
					Code: carepath.Coding{System: "http://loinc.org", Code: "29463-7"}, Effective: carepath.InstantOf(at), ValueNum: &kg}}
		}
		_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			bp("b1", now.AddDate(0, -2, 0), 138, 84), bp("b2", now.AddDate(0, 0, -2), 150, 92),
			weight("w1", now.AddDate(0, -1, 0), 92), weight("w2", now.AddDate(0, 0, -1), 88)}}})
		must(t, err)
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org, Source: "web"})
		plan := &carepath.CarePlan{PatientID: "p1", Status: carepath.PlanActive, Problems: []carepath.PlanProblem{{Text: "Heart failure", Goals: []carepath.Goal{
			{Description: "Pressure under 130/80", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80}, Start: "2026-03-01", ReviewBy: "2026-05-22",
				ResponsibleID: f.cm.ID, Status: carepath.GoalActive},
			{Description: "Lose weight", Measure: "weight", TargetOp: "<=", TargetValues: []float64{85}, Start: "2026-04-01", ReviewBy: "2026-05-22", Status: carepath.GoalActive},
			{Description: "Later", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80}, Start: "2026-03-01", ReviewBy: "2026-06-01", Status: carepath.GoalActive},
		}}}}
		must(t, f.db.SaveCarePlan(cm, plan, carepath.PlanChange{}))

		sweep := func() {
			t.Helper()
			_, err := f.sweep.RunOnce(t.Context())
			must(t, err)
		}
		sweep()
		reviews := f.tasks(t, rules.KindGoalReview)
		if len(reviews) != 1 {
			t.Fatalf("%d goal reviews, want 1 (the worsening pressure)", len(reviews))
		}
		r := reviews[0]
		if r.OwnerID != f.cm.ID || r.Title != "Review the goal: Pressure under 130/80" || !strings.Contains(r.Origin.Reason, "worsening") ||
			!strings.Contains(r.Origin.Reason, "from 138/84") || !strings.Contains(r.Origin.Reason, "to 150/92") {
			t.Errorf("the review task: %+v", r)
		}
		sweep() // checked once for its day
		if n := len(f.tasks(t, rules.KindGoalReview)); n != 1 {
			t.Errorf("%d reviews after a second sweep, want still 1", n)
		}

		// The later goal's day comes, and it is worsening too: reviewed by
		// Ana's care manager, as no clinician is named for it.
		f.clock.add(10 * 24 * time.Hour)
		sweep()
		reviews = f.tasks(t, rules.KindGoalReview)
		if len(reviews) != 2 || reviews[0].OwnerID != f.cm.ID || reviews[1].OwnerID != f.cm.ID {
			t.Errorf("reviews on 1 June: %d, want 2, both Casey's", len(reviews))
		}

		// A revision moves the first goal's review day: it is checked again
		// then.
		got, err := f.db.FindCarePlan(cm, "p1")
		must(t, err)
		got.Problems[0].Goals[0].ReviewBy = "2026-06-15"
		must(t, f.db.SaveCarePlan(cm, got, carepath.PlanChange{Why: "Reviewed with Dr. Lee; medicines changed"}))
		sweep()
		if n := len(f.tasks(t, rules.KindGoalReview)); n != 2 {
			t.Errorf("%d reviews before the new day, want 2", n)
		}
		f.clock.add(15 * 24 * time.Hour)
		sweep()
		if n := len(f.tasks(t, rules.KindGoalReview)); n != 3 {
			t.Errorf("%d reviews on the new day, want 3", n)
		}
	})
}

// TestDischargeScores: a discharge's stay is scored when the sweep sees
// it: LACE, HOSPITAL and Charlson stored with their components, what the
// record lacks said as missing; a second sweep scores nothing again.
func TestDischargeScores(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e) // Ana (p1) has heart failure
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org, Source: "web"})
		f.discharge(t, "stay1", "p1", f.clock.now().Add(-2*time.Hour), "home")
		if chart, err := f.db.FindChart(cm, "p1"); err != nil || len(chart.Risk) != 0 { // and cached, with the stay
			t.Fatalf("the chart before: %v %+v", err, chart.Risk)
		}
		_, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		if chart, err := f.db.FindChart(cm, "p1"); err != nil || len(chart.Risk) != 3 || chart.Risk[2].Name != "LACE" || chart.Risk[2].Total != 6 {
			t.Errorf("the chart after the scoring (its cache refreshed): %v %+v", err, chart.Risk)
		}
		scores, err := f.db.FindRiskScores(cm, "p1")
		must(t, err)
		byName := map[string]carepath.RiskScore{}
		for _, s := range scores {
			byName[s.Name] = s
		}
		lace := byName["LACE"]
		// 4 days (4), no emergency visit before (0), heart failure (2), no
		// prior visits (0).
		if len(scores) != 3 || lace.Total != 6 || lace.Band != "moderate" || !lace.Complete || lace.EncounterID != "stay1" ||
			!strings.Contains(lace.Components[2].Why, "heart failure 2") || lace.Components[2].Facts[0] != "c1" {
			t.Fatalf("scores: %+v", scores)
		}
		if h := byName["HOSPITAL"]; h.Complete || h.Total != 0 || len(h.Components) != 7 || !h.Components[0].Missing {
			t.Errorf("HOSPITAL without labs: %+v", h)
		}
		if c := byName["Charlson"]; c.Complete || c.Total != 1 {
			t.Errorf("Charlson without a birth date: %+v", c)
		}
		f.clock.add(time.Minute)
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		if again, _ := f.db.FindRiskScores(cm, "p1"); len(again) != 3 || !again[0].Computed.Equal(scores[0].Computed) {
			t.Errorf("a second sweep scored again: %+v", again)
		}
		_, err = f.db.FindRiskScores(cm, "nobody")
		if carepath.ErrorCode(err) != carepath.ENOTFOUND {
			t.Errorf("another patient: %v", err)
		}
	})
}
