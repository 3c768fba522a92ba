package rules

import (
	"strings"
	"testing"
	"time"
)

func TestTCMClock(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	at := timesIn(t, ny)
	day := func(tm time.Time) string { return tm.In(ny).Format("Mon 2006-01-02 15:04:05") }
	for _, c := range []struct {
		name                             string
		discharged                       string
		contact, high, moderate, periodE string
	}{
		// A Friday discharge before Labor Day (Monday 7 September 2026):
		// the holiday is not a business day.
		{"Friday before a Monday holiday", "2026-09-04 15:00", "Wed 2026-09-09 23:59:59", "Thu 2026-09-10 23:59:59", "Thu 2026-09-17 23:59:59", "Sat 2026-10-03 23:59:59"},
		{"a Tuesday", "2026-06-02 09:00", "Thu 2026-06-04 23:59:59", "Mon 2026-06-08 23:59:59", "Mon 2026-06-15 23:59:59", "Wed 2026-07-01 23:59:59"},
		// Late on a Saturday: the weekend does not count; day 1 is the Saturday.
		{"Saturday night", "2026-06-06 23:30", "Tue 2026-06-09 23:59:59", "Fri 2026-06-12 23:59:59", "Fri 2026-06-19 23:59:59", "Sun 2026-07-05 23:59:59"},
	} {
		clock := NewTCMClock(at(c.discharged), cal)
		got := []string{day(clock.Contact), day(clock.FaceToFaceHigh), day(clock.FaceToFaceModerate), day(clock.PeriodEnd)}
		want := []string{c.contact, c.high, c.moderate, c.periodE}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, want)
		}
	}
}

func TestTCMCode(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	at := timesIn(t, ny)
	clock := NewTCMClock(at("2026-09-04 15:00"), cal) // contact due Wed 9 Sep; day 7 Thu 10 Sep; day 14 Thu 17 Sep
	for _, c := range []struct {
		name string
		doc  TCMDocumentation
		code string
		why  string // in the last element
	}{
		{"reconciled, no visit yet", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), MedRecAt: at("2026-09-08 11:00")}, "", "no face-to-face visit yet"},
		{"high complexity, visit on day 7, contact in time", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), VisitAt: at("2026-09-10 14:00"),
			MedRecAt: at("2026-09-10 14:30"), Complexity: "high"}, TCMHigh, "supports 99496"},
		{"high complexity, visit on day 8: 99495", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), VisitAt: at("2026-09-11 09:00"),
			MedRecAt: at("2026-09-09 11:00"), Complexity: "high"}, TCMModerate, "supports 99495: high complexity"},
		{"moderate, visit on day 14", TCMDocumentation{ContactAt: at("2026-09-09 23:00"), VisitAt: at("2026-09-17 16:00"),
			MedRecAt: at("2026-09-17 09:00"), Complexity: "moderate"}, TCMModerate, "supports 99495: moderate complexity"},
		{"visit on day 15", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), VisitAt: at("2026-09-18 09:00"),
			MedRecAt: at("2026-09-10 11:00"), Complexity: "moderate"}, "", "after day 14"},
		{"low complexity", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), VisitAt: at("2026-09-10 09:00"),
			MedRecAt: at("2026-09-10 08:00"), Complexity: "low"}, "", "not at least moderate"},
		{"contact a day late", TCMDocumentation{ContactAt: at("2026-09-10 08:00"), VisitAt: at("2026-09-10 09:00"),
			MedRecAt: at("2026-09-10 08:00"), Complexity: "high"}, "", "no timely interactive contact"},
		{"two timely attempts count", TCMDocumentation{Attempts: []time.Time{at("2026-09-08 10:00"), at("2026-09-09 16:00")}, VisitAt: at("2026-09-10 09:00"),
			MedRecAt: at("2026-09-10 08:00"), Complexity: "high"}, TCMHigh, "supports 99496"},
		{"one timely attempt and one late", TCMDocumentation{Attempts: []time.Time{at("2026-09-08 10:00"), at("2026-09-10 16:00")}, VisitAt: at("2026-09-10 09:00"),
			MedRecAt: at("2026-09-10 08:00"), Complexity: "high"}, "", "no timely interactive contact"},
		{"medicines reconciled the day after the visit", TCMDocumentation{ContactAt: at("2026-09-08 10:00"), VisitAt: at("2026-09-10 09:00"),
			MedRecAt: at("2026-09-11 08:00"), Complexity: "high"}, "", "medicines not reconciled by the visit"},
		{"no visit yet", TCMDocumentation{ContactAt: at("2026-09-08 10:00")}, "", "no face-to-face visit yet"},
	} {
		code, elements := clock.Code(c.doc, ny)
		if code != c.code || !strings.Contains(elements[len(elements)-1], c.why) || len(elements) != 5 {
			t.Errorf("%s: %q\n%s", c.name, code, strings.Join(elements, "\n"))
		}
	}
	// Reconciled with the visit still to come is not "after the visit".
	if _, elements := clock.Code(TCMDocumentation{ContactAt: at("2026-09-08 10:00"), MedRecAt: at("2026-09-08 11:00")}, ny); elements[2] != "medication reconciliation: Tue 8 Sep 11:00, before the visit (to come)" {
		t.Errorf("reconciled before a visit to come: %s", elements[2])
	}
}

// timesIn reads "2006-01-02 15:04" times in loc.
func timesIn(t *testing.T, loc *time.Location) func(string) time.Time {
	return func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
