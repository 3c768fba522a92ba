package store_test

import (
	"testing"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/internal/testdb"
	"carepath/rules"
)

// The work engine's state on its own, without the sweep: an imported
// recent discharge is one pending event however often it comes, with its
// typed facts, found by key and marked once; a late task is escalated once,
// its priority raised from the version read; holidays are the
// administrators'.
func TestWorkState(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // Fri 22 May 2026, 14:00 UTC
		now := f.clock.now()
		admin := addUser(t, f.db, f.org, "admin@example.org", carepath.RoleAdministrator)
		stay := func(id string, end time.Time) *carepath.ImportUnit {
			return &carepath.ImportUnit{Source: "test", Resources: []carepath.ImportResource{{Type: "Encounter", ID: id, PatientID: "p1", Hash: "h" + id + end.String(),
				JSON: []byte(`{"resourceType":"Encounter"}`), Record: &carepath.Encounter{ID: id, PatientID: "p1", Status: "finished", Class: "IMP",
					PeriodStart: carepath.InstantOf(end.Add(-72 * time.Hour)), PeriodEnd: carepath.InstantOf(end),
					ServiceProviderName: "General Hospital", DischargeDisposition: carepath.Coding{Code: "home", Display: "Home"}}}}}
		}
		_, err := f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{stay("e1", now.Add(-6*time.Hour)), stay("old", now.AddDate(0, -3, 0))})
		must(t, err)
		// The same stay again, changed: still one event.
		_, err = f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{stay("e1", now.Add(-5*time.Hour))})
		must(t, err)

		_, err = f.db.FindPendingEvents(as(f.cm), 10)
		wantCode(t, "a care manager reads the events", err, carepath.ENOTFOUND)
		pending, err := f.db.FindPendingEvents(system(f.org), 10)
		must(t, err)
		key := carepath.EncounterEventKey("e1", carepath.StayDischarge)
		if len(pending) != 1 || pending[0].Key != key || pending[0].Kind != carepath.EventDischarge {
			t.Fatalf("pending: %+v, want e1's discharge only (a stay three months old is history)", pending)
		}
		if st := pending[0].Stay; st == nil || st.EncounterID != "e1" || !st.End.Equal(now.Add(-6*time.Hour)) || st.Disposition != "home" || st.Facility != "General Hospital" {
			t.Errorf("the event's facts: %+v", st)
		}
		byKey, err := f.db.FindPendingEventsByKey(system(f.org), []carepath.EventKey{key, carepath.EncounterEventKey("e1", carepath.StayAdmission)})
		must(t, err)
		if len(byKey) != 1 || byKey[0].Key != key {
			t.Errorf("by key: %+v", byKey)
		}
		must(t, f.db.MarkEventProcessed(system(f.org), key, "done"))
		wantCode(t, "an unknown event", f.db.MarkEventProcessed(system(f.org), carepath.EncounterEventKey("nope", "discharge"), "x"), carepath.ENOTFOUND)
		if pending, _ := f.db.FindPendingEvents(system(f.org), 10); len(pending) != 0 {
			t.Errorf("still pending: %+v", pending)
		}

		// Escalation: a task more than a business day late, once.
		ny, _ := time.LoadLocation("America/New_York")
		cal, err := calendar.New(ny, calendar.Weekdays, true, nil)
		must(t, err)
		late := f.task(t, f.cm, carepath.Task{PatientID: "p1", Title: "Call Ana", OwnerID: f.cm.ID, Priority: carepath.PriorityRoutine, Due: now.Add(-72 * time.Hour)})
		f.task(t, f.cm, carepath.Task{PatientID: "p1", Title: "Not late", OwnerID: f.cm.ID, Due: now.Add(time.Hour)})
		found, err := f.db.FindTasksToEscalate(system(f.org), now.Add(-24*time.Hour), rules.OverdueEscalation.ID, 10)
		must(t, err)
		if len(found) != 1 || found[0].ID != late.ID {
			t.Fatalf("to escalate: %+v", found)
		}
		escalation := rules.PlanEscalation(found[0], cal, now)
		n, err := f.db.EscalateTasks(system(f.org), []carepath.Escalation{{Late: found[0], Task: &escalation}})
		must(t, err)
		again := rules.PlanEscalation(found[0], cal, now)
		if m, err := f.db.EscalateTasks(system(f.org), []carepath.Escalation{{Late: found[0], Task: &again}}); err != nil || m != 0 {
			t.Errorf("escalated twice: %d %v", m, err)
		}
		raised, err := f.db.FindTaskByID(as(f.cm), late.ID)
		must(t, err)
		if n != 1 || raised.Priority != carepath.PriorityUrgent || raised.Version != late.Version+1 {
			t.Errorf("escalated %d: priority %s, version %d", n, raised.Priority, raised.Version)
		}
		if found, _ := f.db.FindTasksToEscalate(system(f.org), now.Add(-24*time.Hour), rules.OverdueEscalation.ID, 10); len(found) != 0 {
			t.Errorf("still to escalate: %+v", found)
		}

		// Holidays: administrators only, and a bad one is refused.
		wantCode(t, "a care manager adds a holiday", f.db.AddHoliday(as(f.cm), carepath.Holiday{Day: "2026-12-24", Name: "Christmas Eve"}), carepath.ENOTFOUND)
		wantCode(t, "a holiday without a name", f.db.AddHoliday(as(admin), carepath.Holiday{Day: "2026-12-24"}), carepath.EINVALID)
		must(t, f.db.AddHoliday(as(admin), carepath.Holiday{Day: "2026-12-24", Name: "Christmas Eve"}))
		must(t, f.db.AddHoliday(as(admin), carepath.Holiday{Day: "2026-12-24", Name: "Christmas Eve (closed)"}))
		hs, err := f.db.FindHolidays(as(admin))
		must(t, err)
		if len(hs) != 1 || hs[0].Name != "Christmas Eve (closed)" {
			t.Errorf("holidays: %+v", hs)
		}
		must(t, f.db.DeleteHoliday(as(admin), "2026-12-24"))
		if hs, _ := f.db.FindHolidays(as(admin)); len(hs) != 0 {
			t.Errorf("after the delete: %+v", hs)
		}
	})
}
