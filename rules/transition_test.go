package rules

import (
	"strings"
	"testing"
	"time"

	"carepath"
)

func lace(total int, complete bool, missing ...string) *carepath.RiskScore {
	s := &carepath.RiskScore{Name: "LACE", Total: total, Complete: complete}
	for _, m := range missing {
		s.Components = append(s.Components, carepath.RiskComponent{Name: m + ": x", Missing: true})
	}
	return s
}

func TestBandFor(t *testing.T) {
	for _, c := range []struct {
		score *carepath.RiskScore
		band  string
		why   string
	}{
		{nil, "moderate", "no LACE score for the stay: moderate by default"},
		{lace(0, true), "low", "LACE 0 (low)"},
		{lace(4, true), "low", "LACE 4 (low)"},
		{lace(5, true), "moderate", "LACE 5 (moderate)"},
		{lace(9, true), "moderate", "LACE 9 (moderate)"},
		{lace(10, true), "high", "LACE 10 (high)"},
		{lace(19, true), "high", "LACE 19 (high)"},
		// A floor: low could be more.
		{lace(3, false, "E"), "moderate", "LACE at least 3 (E missing): moderate until known"},
		{lace(7, false, "L", "A"), "moderate", "LACE at least 7 (L, A missing) (moderate)"},
		{lace(11, false, "E"), "high", "LACE at least 11 (E missing) (high)"},
	} {
		b, why := BandFor(c.score)
		if b.Band != c.band || why != c.why {
			t.Errorf("%+v: %s %q, want %s %q", c.score, b.Band, why, c.band, c.why)
		}
	}
}

func TestPlanTransition(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	at := timesIn(t, ny)
	day := func(tm time.Time) string { return tm.In(ny).Format("Mon 2006-01-02") }
	// Friday 4 September 2026, before Labor Day (Monday 7 September).
	d := Discharge{EncounterID: "e1", PatientID: "p1", Class: "IMP", Facility: "General Hospital", DispositionCode: "home",
		Admitted: at("2026-08-31 20:00"), Discharged: at("2026-09-04 15:00"), CareManagerID: "cm1"}
	now := at("2026-09-04 16:00")

	byKind := func(tasks []carepath.Task) map[string]carepath.Task {
		m := map[string]carepath.Task{}
		for _, t := range tasks {
			m[t.Kind] = t
		}
		return m
	}
	for _, c := range []struct {
		name            string
		score           *carepath.RiskScore
		visit           string
		contactPriority carepath.TaskPriority
	}{
		// 3 business days: Tue 8, Wed 9, Thu 10 (Mon 7 is Labor Day).
		{"high", lace(12, true), "Thu 2026-09-10", carepath.PriorityASAP},
		// Day 7, the day of discharge being day 1.
		{"moderate", lace(7, true), "Thu 2026-09-10", carepath.PriorityUrgent},
		{"low", lace(2, true), "Thu 2026-09-17", carepath.PriorityUrgent},
		{"none", nil, "Thu 2026-09-10", carepath.PriorityUrgent},
	} {
		tr, tasks, ok, why := PlanTransition(d, c.score, cal, now)
		if !ok {
			t.Fatalf("%s: no episode: %s", c.name, why)
		}
		if day(tr.ContactDue) != "Wed 2026-09-09" || day(tr.VisitDueHigh) != "Thu 2026-09-10" || day(tr.VisitDueModerate) != "Thu 2026-09-17" ||
			day(tr.PeriodEnd) != "Sat 2026-10-03" || day(tr.VisitDue) != c.visit {
			t.Errorf("%s: clock contact %s, visit %s (7: %s, 14: %s), end %s", c.name, day(tr.ContactDue), day(tr.VisitDue),
				day(tr.VisitDueHigh), day(tr.VisitDueModerate), day(tr.PeriodEnd))
		}
		k := byKind(tasks)
		if len(tasks) != 4 || len(k) != 4 {
			t.Fatalf("%s: %d tasks: %+v", c.name, len(tasks), tasks)
		}
		contact, visit, medrec, end := k[KindPostDischarge], k[KindFollowUpVisit], k[KindMedRec], k[KindPeriodEnd]
		if contact.Priority != c.contactPriority || !strings.Contains(contact.Origin.Reason, tr.BandWhy) || contact.Origin.RuleID != PostDischargeContact.ID {
			t.Errorf("%s: contact %s: %s", c.name, contact.Priority, contact.Origin.Reason)
		}
		if day(visit.Due) != c.visit || day(medrec.Due) != c.visit || !strings.Contains(visit.Origin.Reason, tr.BandWhy) ||
			visit.Origin.Facts["band"] != tr.Band || visit.Origin.EventKey.String() != "Encounter/e1:follow-up-visit" || visit.OwnerID != "cm1" {
			t.Errorf("%s: visit due %s (%s), medrec due %s", c.name, day(visit.Due), visit.Origin.Reason, day(medrec.Due))
		}
		if day(end.Due) != "Sat 2026-10-03" || day(end.NotBefore) != "Wed 2026-09-30" || end.Origin.RuleID != TransitionProtocol.ID {
			t.Errorf("%s: period end due %s from %s", c.name, day(end.Due), day(end.NotBefore))
		}
	}

	// Found late: 9 days after the discharge. Every element of the
	// episode is still someone's task (the board showed a missed contact
	// on nobody's worklist): the contact, overdue, says it no longer counts
	// for TCM; the visit is due day 14 since the band's day 7 is gone.
	tr, tasks, ok, _ := PlanTransition(d, lace(7, true), cal, at("2026-09-13 09:00"))
	k := byKind(tasks)
	if !ok || len(tasks) != 4 || k[KindFollowUpVisit].Due != tr.VisitDueModerate || !strings.Contains(k[KindFollowUpVisit].Origin.Reason, "passed before the discharge was known") {
		t.Errorf("found 9 days late: %d tasks, visit %s: %s", len(tasks), k[KindFollowUpVisit].Due, k[KindFollowUpVisit].Origin.Reason)
	}
	if c := k[KindPostDischarge]; c.Due != tr.ContactDue || c.Priority != carepath.PriorityUrgent || !strings.Contains(c.Origin.Reason, "is late: reach the patient now") {
		t.Errorf("found 9 days late, the contact: due %s %s: %s", c.Due, c.Priority, c.Origin.Reason)
	}
	// 20 days late: still every element, the visit overdue since day 14.
	_, tasks, ok, _ = PlanTransition(d, nil, cal, at("2026-09-24 09:00"))
	k = byKind(tasks)
	if !ok || len(tasks) != 4 || !strings.Contains(k[KindFollowUpVisit].Origin.Reason, "TCM can no longer be billed") || k[KindMedRec].Priority != carepath.PriorityUrgent {
		t.Errorf("20 days late: %+v", tasks)
	}
	// Elements documented need no task.
	tr.Contact, tr.Visit = &carepath.TransitionNote{}, &carepath.TransitionNote{}
	if tasks := EpisodeTasks(&tr, d, cal, at("2026-09-13 09:00")); len(tasks) != 2 || tasks[0].Kind != KindMedRec || tasks[1].Kind != KindPeriodEnd {
		t.Errorf("with the contact and the visit documented: %+v", tasks)
	}

	for _, c := range []struct {
		name   string
		change func(d *Discharge)
		now    time.Time
		why    string
	}{
		{"died", func(d *Discharge) { d.DispositionCode, d.DispositionDisplay = "exp", "Expired" }, now, "Expired, not a community setting"},
		{"transferred", func(d *Discharge) { d.DispositionCode, d.DispositionDisplay = "other-hcf", "Other healthcare facility" }, now, "not a community setting"},
		{"hospice", func(d *Discharge) { d.DispositionCode, d.DispositionDisplay = "hosp", "Hospice" }, now, "Hospice, not a community setting"},
		{"an ED visit", func(d *Discharge) { d.Class = "EMER" }, now, "not an inpatient or observation stay"},
		{"still admitted", func(d *Discharge) { d.Discharged = time.Time{} }, now, "has not ended"},
		{"31 days ago", func(*Discharge) {}, at("2026-10-04 09:00"), "the 30-day period ended Sat 3 Oct 2026"},
	} {
		dd := d
		c.change(&dd)
		if _, _, ok, why := PlanTransition(dd, nil, cal, c.now); ok || !strings.Contains(why, c.why) {
			t.Errorf("%s: ok %v, %q; want %q", c.name, ok, why, c.why)
		}
	}
}
