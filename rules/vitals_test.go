package rules

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"carepath"
)

func TestOutOfRangeVitals(t *testing.T) {
	one := func(code string, v float64, unit string) *carepath.Observation {
		return &carepath.Observation{ID: "o", Code: carepath.Coding{Code: code}, ValueNum: &v, Unit: unit}
	}
	bp := func(sys, dia float64) *carepath.Observation {
		return &carepath.Observation{ID: "o", Code: carepath.Coding{Code: LOINCBloodPressure}, Components: []carepath.ObservationComponent{
			{Code: carepath.Coding{Code: LOINCSystolic}, ValueNum: &sys, Unit: "mm[Hg]"},
			{Code: carepath.Coding{Code: LOINCDiastolic}, ValueNum: &dia, Unit: "mm[Hg]"}}}
	}
	for _, c := range []struct {
		name string
		o    *carepath.Observation
		want string // the flagged readings' codes and values
	}{
		{"in range", bp(128, 82), ""},
		{"179/119: just under the crisis line", bp(179, 119), ""},
		{"180/100: systolic at the line", bp(180, 100), "8480-6=180"},
		{"150/120: diastolic at the line", bp(150, 120), "8462-4=120"},
		{"190/125: both", bp(190, 125), "8480-6=190 8462-4=125"},
		{"91/60: just above low", bp(91, 60), ""},
		{"90/60: low systolic (NEWS2 3)", bp(90, 60), "8480-6=90"},
		{"systolic alone", one(LOINCSystolic, 181, "mmHg"), "8480-6=181"},
		{"pulse 41", one(LOINCHeartRate, 41, "/min"), ""},
		{"pulse 40", one(LOINCHeartRate, 40, "/min"), "8867-4=40"},
		{"pulse 130", one(LOINCHeartRate, 130, "{beats}/min"), ""},
		{"pulse 131", one(LOINCHeartRate, 131, "{beats}/min"), "8867-4=131"},
		{"breathing 9", one(LOINCRespRate, 9, "/min"), ""},
		{"breathing 8", one(LOINCRespRate, 8, "/min"), "9279-1=8"},
		{"breathing 24", one(LOINCRespRate, 24, "/min"), ""},
		{"breathing 25", one(LOINCRespRate, 25, "/min"), "9279-1=25"},
		{"SpO2 92", one(LOINCSpO2, 92, "%"), ""},
		{"SpO2 91", one(LOINCSpO2, 91, "%"), "59408-5=91"},
		{"SpO2 by pulse oximetry 88", one(LOINCSpO2Pulse, 88, "%"), "2708-6=88"},
		{"a unit not the limit's is not judged", one(LOINCSystolic, 24, "kPa"), ""},
		{"no value", &carepath.Observation{Code: carepath.Coding{Code: LOINCHeartRate}}, ""},
		{"another code", one("2339-0", 400, "mg/dL"), ""},
	} {
		var got []string
		for _, r := range OutOfRangeVitals(c.o) {
			got = append(got, r.Code+"="+strconv.FormatFloat(r.Value, 'f', -1, 64))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: flagged %q, want %q", c.name, strings.Join(got, " "), c.want)
		}
	}
}

func TestPlanVitalSignAlert(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	o := &carepath.Observation{ID: "o1", Effective: carepath.InstantOf(time.Date(2026, 5, 22, 9, 0, 0, 0, ny)),
		Code: carepath.Coding{Code: LOINCHeartRate, Display: "Heart rate"}}
	v := 135.0
	o.ValueNum, o.Unit = &v, "/min"
	e := carepath.Event{Key: carepath.EventKey{Type: "Observation", ID: "o1", What: "vital"}, PatientID: "p1",
		VitalSign: VitalSignFacts(o, o.Effective.Time(), OutOfRangeVitals(o))}
	for _, c := range []struct {
		name    string
		now     time.Time
		ok      bool
		wantDue time.Time
	}{
		{"seen on Friday afternoon: due Friday", time.Date(2026, 5, 22, 16, 0, 0, 0, ny), true, time.Date(2026, 5, 22, 23, 59, 59, 0, ny)},
		// Saturday; Monday 25 May 2026 is Memorial Day: due Tuesday.
		{"seen on Saturday: due the next business day", time.Date(2026, 5, 23, 10, 0, 0, 0, ny), true, time.Date(2026, 5, 26, 23, 59, 59, 0, ny)},
		{"seen 8 days after the reading: none", time.Date(2026, 5, 30, 9, 0, 1, 0, ny), false, time.Time{}},
	} {
		task, ok, why := PlanVitalSignAlert(e, "u1", cal, c.now)
		if ok != c.ok {
			t.Errorf("%s: ok %v (%s)", c.name, ok, why)
			continue
		}
		if !ok {
			continue
		}
		if !task.Due.Equal(c.wantDue) || task.OwnerID != "u1" || task.Priority != carepath.PriorityUrgent || task.Title != "Review out-of-range pulse" ||
			task.Origin.Reason != "Pulse 135 /min (131 or more (NEWS2 score 3)) on Fri 22 May 2026 09:00; contact the patient and the clinician today" {
			t.Errorf("%s: due %s owner %s priority %s title %q reason %q", c.name, task.Due.In(ny), task.OwnerID, task.Priority, task.Title, task.Origin.Reason)
		}
	}
	none := carepath.Event{PatientID: "p1", VitalSign: VitalSignFacts(o, o.Effective.Time(), nil)}
	if _, ok, why := PlanVitalSignAlert(none, "", cal, time.Date(2026, 5, 22, 16, 0, 0, 0, ny)); ok || why != "no reading out of range" {
		t.Errorf("facts without a reading: ok %v, %s", ok, why)
	}
}

func TestPlanSafetyEvaluation(t *testing.T) {
	now := time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)
	task := PlanSafetyEvaluation("a1", "PHQ-9", "p1", "u1", "item 9 answered", now)
	if task.OwnerID != "u1" || task.Queue != "" || task.Priority != carepath.PriorityStat || !task.Due.Equal(now) || task.Kind != KindSafety ||
		task.Origin.RuleID != SafetyEvaluation.ID || task.Origin.EventKey.String() != "Assessment/a1:safety" || task.Origin.Reason != "item 9 answered" {
		t.Errorf("for the person taking it: %+v", task)
	}
	if task := PlanSafetyEvaluation("a1", "PHQ-9", "p1", "", "why", now); task.OwnerID != "" || task.Queue != carepath.RoleCareManager {
		t.Errorf("recorded by the system: owner %q queue %q", task.OwnerID, task.Queue)
	}
}
