package rules

import (
	"testing"
	"time"

	"carepath"
)

func TestScreeningFirstDue(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	now := time.Date(2026, 5, 22, 16, 0, 0, 0, ny)
	day := 24 * time.Hour
	spread := SocialNeedsScreening.FirstDue("p1", time.Time{}, now, ny)
	for _, c := range []struct {
		name string
		s    Screening
		last time.Time
		want time.Time // zero: spread, as for never screened
	}{
		{"screened 100 days ago: a year after", SocialNeedsScreening, now.Add(-100 * day), now.Add(-100*day).AddDate(0, 0, 365)},
		{"screened 364 days ago: tomorrow", SocialNeedsScreening, now.Add(-364 * day), now.Add(-364*day).AddDate(0, 0, 365)},
		{"screened exactly a year ago: overdue, spread", SocialNeedsScreening, now.AddDate(0, 0, -365), time.Time{}},
		{"screened 400 days ago: overdue, spread", SocialNeedsScreening, now.Add(-400 * day), time.Time{}},
		{"never screened: spread", SocialNeedsScreening, time.Time{}, time.Time{}},
		{"PHQ-9 10 days ago: 18 days on", DepressionMonitoring, now.Add(-10 * day), now.Add(18 * day)},
	} {
		got := c.s.FirstDue("p1", c.last, now, ny)
		want := c.want
		if want.IsZero() {
			want = c.s.FirstDue("p1", time.Time{}, now, ny)
			if c.s.ID == SocialNeedsScreening.ID && !got.Equal(spread) {
				t.Errorf("%s: %s, want the patient's day %s", c.name, got, spread)
			}
		}
		if !got.Equal(want) {
			t.Errorf("%s: %s, want %s", c.name, got, want)
		}
	}
	if spread.Before(now) || !spread.Before(now.AddDate(0, 0, 91)) {
		t.Errorf("spread day %s outside the 91 days", spread)
	}
}

func TestPlanScreening(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	// Thursday 2 July 2026: Friday the 3rd is Independence Day observed.
	now := time.Date(2026, 7, 2, 16, 0, 0, 0, ny)
	sc := carepath.Schedule{ID: "depression-phq9-monitoring:p2", PatientID: "p2", Seq: 3, NextDue: now.Add(-time.Hour), CareManagerID: "u1",
		LastDone: time.Date(2026, 6, 4, 10, 0, 0, 0, ny)}
	got := DepressionMonitoring.Plan(sc, cal, now)
	if got.Due != time.Date(2026, 7, 10, 23, 59, 59, 0, ny) || got.OwnerID != "u1" || got.Queue != "" || got.Kind != KindScreening ||
		got.Origin.Reason != "Last PHQ-9 on 4 Jun 2026 (28 days ago); due every 28 days while the patient has active depression" ||
		got.Origin.EventKey.String() != "Schedule/depression-phq9-monitoring:p2:3" || got.Origin.Facts["last"] != "2026-06-04T14:00:00Z" {
		t.Errorf("PHQ-9 task: due %s, %+v", got.Due, got)
	}
	sc = carepath.Schedule{ID: "social-needs-yearly:p1", PatientID: "p1", Seq: 1, NextDue: now}
	got = SocialNeedsScreening.Plan(sc, cal, now)
	if got.Queue != carepath.RoleCareManager || got.OwnerID != "" || got.Title != "Social needs screening due" ||
		got.Origin.Reason != "No social needs screening (AHC HRSN or PRAPARE) on record; due every 365 days" ||
		got.Due != time.Date(2026, 7, 17, 23, 59, 59, 0, ny) {
		t.Errorf("social needs task: due %s, %+v", got.Due, got)
	}
}

func TestScreeningsBy(t *testing.T) {
	for in, want := range map[string]int{"ahc-hrsn": 1, "prapare": 1, "phq-9": 1, "phq-2": 0, "what-matters": 0} {
		if got := len(ScreeningsBy(in)); got != want {
			t.Errorf("%s satisfies %d screenings, want %d", in, got, want)
		}
	}
	if _, ok := FindScreening(HeartFailureCheckIn.ID); ok {
		t.Error("the check-in is not a screening")
	}
}
