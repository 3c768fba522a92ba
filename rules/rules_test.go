package rules

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/calendar"
)

func newYork(t *testing.T) *calendar.Calendar {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c, err := calendar.New(loc, calendar.Weekdays, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPlanPostDischargeContact(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	at := timesIn(t, ny)
	home := Discharge{EncounterID: "e1", PatientID: "p1", Class: "IMP", Facility: "General Hospital", DispositionCode: "home",
		Admitted: at("2026-05-18 20:00"), Discharged: at("2026-05-22 11:00"), CareManagerID: "cm1"}
	now := at("2026-05-22 16:00")

	task, ok, why := PlanPostDischargeContact(home, cal, now)
	if !ok {
		t.Fatalf("home discharge made no task: %s", why)
	}
	// The issue's own example: Friday 22 May 2026, Memorial Day on the 25th.
	if want := "Discharged from General Hospital on Fri 22 May 2026 (inpatient, 4 days); contact due within 2 business days"; task.Origin.Reason != want {
		t.Errorf("reason:\n got %s\nwant %s", task.Origin.Reason, want)
	}
	if got := task.Due.In(ny).Format("2006-01-02 15:04:05"); got != "2026-05-27 23:59:59" {
		t.Errorf("due %s, want the end of Wed 27 May (Mon 25 is Memorial Day)", got)
	}
	if task.OwnerID != "cm1" || task.Queue != "" || task.Priority != carepath.PriorityUrgent || task.Program != "TCM" ||
		task.Origin.EventKey.String() != "Encounter/e1:discharge" || task.Origin.RuleID != PostDischargeContact.ID || task.Origin.Facts["facility"] != "General Hospital" {
		t.Errorf("task: %+v", task)
	}

	for _, tt := range []struct {
		name   string
		change func(d *Discharge)
		ok     bool
		why    string
	}{
		{"no care manager: the care managers' queue", func(d *Discharge) { d.CareManagerID = "" }, true, ""},
		{"observation stay", func(d *Discharge) { d.Class = "OBSENC" }, true, ""},
		{"no disposition recorded", func(d *Discharge) { d.DispositionCode = "" }, true, ""},
		{"left against advice", func(d *Discharge) { d.DispositionCode = "aadvice" }, true, ""},
		{"to a skilled nursing facility", func(d *Discharge) { d.DispositionCode, d.DispositionDisplay = "snf", "Skilled nursing facility" }, false, "Skilled nursing facility"},
		{"died", func(d *Discharge) { d.DispositionCode = "exp" }, false, "not a community setting"},
		{"an ED visit", func(d *Discharge) { d.Class = "EMER" }, false, "not an inpatient"},
		{"an office visit", func(d *Discharge) { d.Class = "AMB" }, false, "not an inpatient"},
		{"still in hospital", func(d *Discharge) { d.Discharged = time.Time{} }, false, "not ended"},
		{"8 days ago", func(d *Discharge) { d.Discharged = now.Add(-8 * 24 * time.Hour) }, false, "more than 7 days"},
	} {
		d := home
		tt.change(&d)
		task, ok, why := PlanPostDischargeContact(d, cal, now)
		if ok != tt.ok || !strings.Contains(why, tt.why) {
			t.Errorf("%s: ok %v (%q), want %v (%q)", tt.name, ok, why, tt.ok, tt.why)
		}
		if ok && d.CareManagerID == "" && (task.Queue != carepath.RoleCareManager || task.OwnerID != "") {
			t.Errorf("%s: owner %q queue %q", tt.name, task.OwnerID, task.Queue)
		}
		if ok && d.DispositionCode == "" && !strings.Contains(task.Origin.Reason, "taken as home") {
			t.Errorf("%s: the reason does not say the disposition was assumed: %s", tt.name, task.Origin.Reason)
		}
	}

	// A same-day observation stay is counted as hospitals count it (no
	// midnight crossed, in New York); a discharge late on a Friday
	// evening in New York, given in UTC, is still a Friday discharge.
	d := home
	d.Class, d.Admitted, d.Discharged = "OBSENC", at("2026-06-05 08:00"), time.Date(2026, 6, 6, 1, 30, 0, 0, time.UTC)
	task, _, _ = PlanPostDischargeContact(d, cal, at("2026-06-05 22:00"))
	if !strings.Contains(task.Origin.Reason, "on Fri 5 Jun 2026 (observation, same day)") || task.Due.In(ny).Format(time.DateOnly) != "2026-06-09" {
		t.Errorf("Friday-evening observation discharge: %s, due %s", task.Origin.Reason, task.Due.In(ny))
	}
}

func TestPlanCheckInAndEscalation(t *testing.T) {
	cal := newYork(t)
	ny := cal.Location()
	due := time.Date(2026, 6, 12, 9, 0, 0, 0, ny)
	c := PlanCheckIn("s1", "p1", "", 3, due, cal)
	if c.Origin.EventKey.String() != "Schedule/s1:3" || c.Queue != carepath.RoleCareManager || c.Due.In(ny).Format("2006-01-02 15:04:05") != "2026-06-12 23:59:59" ||
		c.NotBefore.In(ny).Format("2006-01-02 15:04") != "2026-06-10 00:00" || !strings.Contains(c.Origin.Reason, "number 3") {
		t.Errorf("check-in: %+v", c)
	}

	late := &carepath.Task{ID: "t1", Title: "Post-discharge contact", Kind: KindPostDischarge, Status: carepath.TaskAccepted,
		Priority: carepath.PriorityUrgent, OwnerID: "u1", OwnerName: "Casey Morgan", PatientName: "Rivera, Ana", Program: "TCM",
		Due: time.Date(2026, 5, 27, 23, 59, 59, 0, ny)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 5, 28, 12, 0, 0, 0, ny), false}, // 1 business day late, not more
		{time.Date(2026, 5, 29, 0, 0, 1, 0, ny), true},
	} {
		if got := ShouldEscalate(late, cal, tt.now); got != tt.want {
			t.Errorf("ShouldEscalate at %s = %v", tt.now, got)
		}
	}
	e := PlanEscalation(late, cal, time.Date(2026, 5, 29, 9, 0, 0, 0, ny))
	if e.Queue != carepath.RoleSupervisor || e.Priority != carepath.PriorityASAP || e.Origin.EventKey.String() != "Task/t1:overdue" ||
		e.Origin.Reason != `"Post-discharge contact" for Rivera, Ana, with Casey Morgan, was due Wed 27 May 23:59 and is more than 1 business day late` {
		t.Errorf("escalation: %+v", e)
	}
	esc := e
	esc.Status = carepath.TaskRequested
	if ShouldEscalate(&esc, cal, time.Date(2026, 7, 1, 0, 0, 0, 0, ny)) {
		t.Error("an escalation escalates")
	}
	done := *late
	done.Status = carepath.TaskCompleted
	if ShouldEscalate(&done, cal, time.Date(2026, 7, 1, 0, 0, 0, 0, ny)) {
		t.Error("a completed task escalates")
	}
}
