package careplan

import (
	"testing"
	"time"
)

func TestEvaluate(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, ny)
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, ny)
	due := time.Date(2027, 6, 1, 0, 0, 0, 0, ny)
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	r := func(at string, v ...float64) Reading { return Reading{At: day(at), Values: v, Source: "o-" + at} }
	a1cBelow7 := Target{Op: "<", Values: []float64{7}}
	bp := Target{Op: "<", Values: []float64{130, 80}}
	for _, c := range []struct {
		name     string
		m        Measure
		target   Target
		due      time.Time
		readings []Reading
		status   Achievement
		why      string
		stale    bool
	}{
		{"no readings", A1c, a1cBelow7, due, nil, InProgress, "no Hemoglobin A1c on record", false},
		{"one reading, before the start", A1c, a1cBelow7, due, []Reading{r("2026-10-01", 8.4)}, InProgress,
			"Hemoglobin A1c 8.4 % on 1 Oct 2026, target < 7; one reading so far", false},
		{"down 1.2: improving", A1c, a1cBelow7, due, []Reading{r("2026-05-20", 9.1), r("2026-08-20", 8.5), r("2026-11-02", 7.9)}, Improving,
			"Hemoglobin A1c from 9.1 on 20 May 2026 to 7.9 on 2 Nov 2026, target < 7", false},
		// The baseline is the last reading at or before the start, not the first ever.
		{"baseline is the last before the start", A1c, a1cBelow7, due, []Reading{r("2025-01-10", 10.5), r("2026-05-20", 8.1), r("2026-11-02", 7.9)}, NoChange,
			"Hemoglobin A1c from 8.1 on 20 May 2026 to 7.9 on 2 Nov 2026, target < 7 (a change under 0.5 % counts as none)", false},
		{"up exactly the step: worsening", A1c, a1cBelow7, due, []Reading{r("2026-05-20", 8), r("2026-11-02", 8.5)}, Worsening,
			"Hemoglobin A1c from 8 on 20 May 2026 to 8.5 on 2 Nov 2026, target < 7", false},
		{"6.9: achieved", A1c, a1cBelow7, due, []Reading{r("2026-05-20", 8), r("2026-11-02", 6.9)}, Achieved,
			"Hemoglobin A1c 6.9 % on 2 Nov 2026 meets the target < 7", false},
		{"exactly 7 is not under 7", A1c, a1cBelow7, due, []Reading{r("2026-11-02", 7)}, InProgress,
			"Hemoglobin A1c 7 % on 2 Nov 2026, target < 7; one reading so far", false},
		{"exactly 7 meets 7 or less", A1c, Target{Op: "<=", Values: []float64{7}}, due, []Reading{r("2026-11-02", 7)}, Achieved,
			"Hemoglobin A1c 7 % on 2 Nov 2026 meets the target <= 7", false},
		// Stale: a reading older than 183 days says nothing about now, even one at target.
		{"at target 200 days ago: stale", A1c, a1cBelow7, due, []Reading{r("2026-05-04", 6.5)}, InProgress,
			"no Hemoglobin A1c in the last 183 days (the last: Hemoglobin A1c 6.5 % on 4 May 2026)", true},
		{"stale past the due date: not achieved", A1c, a1cBelow7, day("2026-10-01"), []Reading{r("2026-05-04", 6.5)}, NotAchieved,
			"due 1 Oct 2026, and no Hemoglobin A1c in the last 183 days (the last: Hemoglobin A1c 6.5 % on 4 May 2026)", true},
		{"past the due date, not met", A1c, a1cBelow7, day("2026-11-01"), []Reading{r("2026-05-20", 9), r("2026-11-02", 7.5)}, NotAchieved,
			"due 1 Nov 2026: Hemoglobin A1c 7.5 % on 2 Nov 2026, target < 7", false},
		{"past the due date, met", A1c, a1cBelow7, day("2026-11-01"), []Reading{r("2026-11-02", 6.8)}, Achieved,
			"Hemoglobin A1c 6.8 % on 2 Nov 2026 meets the target < 7", false},
		{"a reading after now is not read", A1c, a1cBelow7, due, []Reading{r("2026-11-02", 7.9), r("2026-12-01", 6.0)}, InProgress,
			"Hemoglobin A1c 7.9 % on 2 Nov 2026, target < 7; one reading so far", false},
		// Blood pressure: both values meet it, or neither has to.
		{"130/80 is not under 130/80", BloodPressure, bp, due, []Reading{r("2026-11-10", 130, 78)}, InProgress,
			"Blood pressure 130/78 mm[Hg] on 10 Nov 2026, target < 130/80; one reading so far", false},
		{"128/78 achieved", BloodPressure, bp, due, []Reading{r("2026-06-10", 150, 92), r("2026-11-10", 128, 78)}, Achieved,
			"Blood pressure 128/78 mm[Hg] on 10 Nov 2026 meets the target < 130/80", false},
		{"systolic down, diastolic same: improving", BloodPressure, bp, due, []Reading{r("2026-06-10", 152, 84), r("2026-11-10", 140, 83)}, Improving,
			"Blood pressure from 152/84 on 10 Jun 2026 to 140/83 on 10 Nov 2026, target < 130/80", false},
		{"one down, one up: no change", BloodPressure, bp, due, []Reading{r("2026-06-10", 152, 80), r("2026-11-10", 140, 88)}, NoChange,
			"Blood pressure from 152/80 on 10 Jun 2026 to 140/88 on 10 Nov 2026, target < 130/80 (a change under 5 mm[Hg] counts as none)", false},
		// Higher is better: a target of at least.
		{"weight to gain", Weight, Target{Op: ">=", Values: []float64{55}}, due, []Reading{r("2026-06-01", 48), r("2026-11-15", 51)}, Improving,
			"Body weight from 48 on 1 Jun 2026 to 51 on 15 Nov 2026, target >= 55", false},
		{"PHQ-9 remission", PHQ9Total, Target{Op: "<", Values: []float64{5}}, due, []Reading{r("2026-06-01", 16), r("2026-11-15", 4)}, Achieved,
			"PHQ-9 total 4 {score} on 15 Nov 2026 meets the target < 5", false},
		{"yes or no", YesNo, Target{}, due, nil, InProgress, "judged with the patient", false},
	} {
		e := Evaluate(c.m, c.target, start, c.due, c.readings, now, ny)
		if e.Status != c.status || e.Why != c.why || e.Stale != c.stale {
			t.Errorf("%s: %s %q (stale %v)\n  want %s %q (stale %v)", c.name, e.Status, e.Why, e.Stale, c.status, c.why, c.stale)
		}
	}
}

func TestNeedsReview(t *testing.T) {
	review := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status Achievement
		now    time.Time
		want   bool
	}{
		{NoChange, review.Add(-time.Hour), false}, // not yet
		{NoChange, review, true},
		{Worsening, review.Add(time.Hour), true},
		{InProgress, review.Add(time.Hour), true}, // no data by the review date is no progress
		{NotAchieved, review.Add(time.Hour), true},
		{Improving, review.Add(time.Hour), false},
		{Achieved, review.Add(time.Hour), false},
	} {
		if got := NeedsReview(Evaluation{Status: c.status}, review, c.now); got != c.want {
			t.Errorf("%s at %s: %v, want %v", c.status, c.now, got, c.want)
		}
	}
	if NeedsReview(Evaluation{Status: Worsening}, time.Time{}, review) {
		t.Error("a goal without a review date needs no review")
	}
}

func TestTargets(t *testing.T) {
	for _, c := range []struct {
		m    Measure
		t    Target
		want string
	}{
		{A1c, Target{Op: "<", Values: []float64{7}}, ""},
		{BloodPressure, Target{Op: "<", Values: []float64{130}}, "a Blood pressure target has 2 values"},
		{A1c, Target{Op: "=", Values: []float64{7}}, `a target is <, <=, > or >= a value, not "="`},
		{A1c, Target{Op: "<", Values: []float64{-1}}, "a target value is a number of zero or more"},
		{YesNo, Target{Op: "<", Values: []float64{1}}, "a yes-or-no goal has no target value"},
		{YesNo, Target{}, ""},
	} {
		if got := c.t.Check(c.m); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.m.ID, c.t, got, c.want)
		}
	}
	if LDL.PartOf("18262-6") != 0 || LDL.PartOf("13457-7") != 0 || BloodPressure.PartOf("8462-4") != 1 || A1c.PartOf("8480-6") != -1 {
		t.Error("PartOf")
	}
	if s := (Target{Op: "<", Values: []float64{130, 80}}).String(); s != "< 130/80" {
		t.Errorf("target written %q", s)
	}
}

// TestTargetWritten: a target is written exactly as typed, so that the
// edit form saves what it shows (6.25 was written 6.2).
func TestTargetWritten(t *testing.T) {
	for _, c := range []struct {
		t    Target
		want string
	}{
		{Target{Op: "<", Values: []float64{6.25}}, "< 6.25"},
		{Target{Op: "<", Values: []float64{130, 80}}, "< 130/80"},
		{Target{Op: ">=", Values: []float64{0.5}}, ">= 0.5"},
	} {
		if got := c.t.String(); got != c.want {
			t.Errorf("%v written %q, want %q", c.t.Values, got, c.want)
		}
	}
}
