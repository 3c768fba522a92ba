package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/jobs"
	"carepath/rules"
	"carepath/store"
)

// clock is the settable time of the database and the sweeper.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	db    *store.DB
	clock *clock
	org   string
	sys   context.Context
	cm    *carepath.User
	sweep *jobs.Sweeper
	ny    *time.Location
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newFixture(t *testing.T, e testdb.Engine) *fixture {
	ny, _ := time.LoadLocation("America/New_York")
	db := e.Open(t)
	// Friday 22 May 2026, 16:00 in New York.
	c := &clock{t: time.Date(2026, 5, 22, 16, 0, 0, 0, ny)}
	db.Now = c.now
	ctx := context.Background()
	org := &carepath.Organization{Name: "General Clinic", TimeZone: "America/New_York"}
	must(t, db.CreateOrganization(ctx, org))
	sys := carepath.NewContextWithActor(ctx, carepath.SystemActor(org.ID, "test", "cli"))
	cm := &carepath.User{Email: "cm@example.org", Name: "Casey Morgan", Role: carepath.RoleCareManager}
	must(t, db.CreateUser(sys, cm, "a long enough password"))
	f := &fixture{db: db, clock: c, org: org.ID, sys: sys, cm: cm, ny: ny,
		sweep: &jobs.Sweeper{Store: db, Now: c.now, Batch: 2}}

	// Ana has heart failure and Casey as her care manager; Wei has neither.
	patient := func(id, family string) carepath.ImportResource {
		return carepath.ImportResource{Type: "Patient", ID: id, PatientID: id, Hash: "h" + id,
			JSON: []byte(`{"resourceType":"Patient","id":"` + id + `"}`), Record: &carepath.Patient{ID: id, Family: family, Given: "Test"}}
	}
	hf := &carepath.Condition{ID: "c1", PatientID: "p1", ClinicalStatus: "active",
		Code: carepath.Coding{System: "http://snomed.info/sct", Code: "88805009", Display: "Chronic congestive heart failure"}}
	_, err := db.ImportUnits(sys, org.ID, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
		patient("p1", "Rivera"), patient("p2", "Chen"),
		{Type: "Condition", ID: "c1", PatientID: "p1", Hash: "hc1", JSON: []byte(`{"resourceType":"Condition","id":"c1"}`), Record: hf}}}})
	must(t, err)
	must(t, db.AddCareTeamMembers(sys, carepath.CareTeamMember{PatientID: "p1", UserID: cm.ID}))
	return f
}

// discharge records a stay of patient ending at end, through the same door
// as an outside system.
func (f *fixture) discharge(t *testing.T, id, patient string, end time.Time, disposition string) {
	t.Helper()
	must(t, f.db.RecordEncounter(f.sys, &carepath.Encounter{ID: id, PatientID: patient, Class: "IMP",
		PeriodStart: carepath.InstantOf(end.Add(-4 * 24 * time.Hour)), PeriodEnd: carepath.InstantOf(end),
		ServiceProviderName: "General Hospital", DischargeDisposition: carepath.Coding{Code: disposition}}))
}

func (f *fixture) tasks(t *testing.T, kind string) []*carepath.Task {
	t.Helper()
	all := append(append([]carepath.TaskStatus{}, carepath.OpenTaskStatuses...), carepath.TaskCompleted)
	ts, _, err := f.db.FindTasks(f.sys, carepath.TaskFilter{AnyOwner: true, Kind: kind, Hidden: true, Statuses: all, Limit: 100})
	must(t, err)
	return ts
}

func (f *fixture) run(t *testing.T, want jobs.Report) {
	t.Helper()
	got, err := f.sweep.RunOnce(context.Background())
	must(t, err)
	got.EventsTook, got.SchedulesTook, got.EscalationsTook = 0, 0, 0
	if got != want {
		t.Errorf("sweep at %s: %s\nwant %s", f.clock.now().In(f.ny).Format("Mon 2 Jan 15:04"), got, want)
	}
}

func TestSweep(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		friday := f.clock.now()
		f.discharge(t, "e1", "p1", friday.Add(-5*time.Hour), "home")
		f.discharge(t, "e2", "p2", friday.Add(-3*time.Hour), "snf")                                       // not a community setting
		f.discharge(t, "e1", "p1", friday.Add(-5*time.Hour), "home")                                      // reported twice: one event
		f.discharge(t, "old", "p2", friday.Add(-40*24*time.Hour), "home")                                 // history, not work
		must(t, f.db.RecordEncounter(f.sys, &carepath.Encounter{ID: "ed", PatientID: "p2", Class: "EMER", // not a stay
			PeriodStart: carepath.InstantOf(friday.Add(-2 * time.Hour)), PeriodEnd: carepath.InstantOf(friday.Add(-time.Hour))}))

		// Two events (e1, e2), one task; Ana enrolled and her first check-in made.
		f.run(t, jobs.Report{Events: 2, Tasks: 1, Enrolled: 1, CheckIns: 1, ScreeningsEnrolled: 1}) // p1 is on a caseload: social needs
		contact := f.tasks(t, rules.KindPostDischarge)
		if len(contact) != 1 || contact[0].OwnerID != f.cm.ID || contact[0].PatientID != "p1" ||
			contact[0].Due.In(f.ny).Format("2006-01-02 15:04") != "2026-05-27 23:59" ||
			!strings.HasPrefix(contact[0].Origin.Reason, "Discharged from General Hospital on Fri 22 May 2026 (inpatient, 4 days)") {
			t.Fatalf("post-discharge task: %+v", contact)
		}
		checkIns := f.tasks(t, rules.KindCheckIn)
		// First due 2 business days out (Wed 27 May, after Memorial Day).
		if len(checkIns) != 1 || checkIns[0].OwnerID != f.cm.ID || checkIns[0].Due.In(f.ny).Format(time.DateOnly) != "2026-05-27" {
			t.Fatalf("first check-in: %+v", checkIns)
		}

		// Nothing new: a second sweep does nothing twice.
		f.run(t, jobs.Report{})

		// Thursday 28 May, noon: both are a day late, not more than a
		// business day: no escalation yet. The check-in's due time has
		// passed, so its next occurrence (due 3 June) is made.
		f.clock.set(time.Date(2026, 5, 28, 12, 0, 0, 0, f.ny))
		f.run(t, jobs.Report{CheckIns: 1})
		// Friday 29 May: both escalate to the supervisors, once.
		f.clock.set(time.Date(2026, 5, 29, 9, 0, 0, 0, f.ny))
		f.run(t, jobs.Report{Escalations: 2})
		f.run(t, jobs.Report{})
		esc := f.tasks(t, rules.KindEscalation)
		if len(esc) != 2 || esc[0].Queue != carepath.RoleSupervisor {
			t.Fatalf("escalations: %+v", esc)
		}
		contact = f.tasks(t, rules.KindPostDischarge)
		if contact[0].Priority != carepath.PriorityASAP {
			t.Errorf("the late contact's priority is %s, want asap (raised from urgent)", contact[0].Priority)
		}
		withHistory, err := f.db.FindTaskByID(f.sys, contact[0].ID)
		must(t, err)
		if last := withHistory.History[len(withHistory.History)-1]; last.Action != "priority" || last.From != "urgent" || last.To != "asap" ||
			!strings.Contains(last.Note, "escalated") {
			t.Errorf("the late contact's history ends with %+v", last)
		}

		// Completing the second check-in early makes the third at once,
		// due a week after the second.
		checkIns = f.tasks(t, rules.KindCheckIn)
		var second *carepath.Task
		for _, c := range checkIns {
			if c.Origin.EventKey.What == "2" {
				second = c
			}
		}
		if second == nil || second.Due.In(f.ny).Format(time.DateOnly) != "2026-06-03" {
			t.Fatalf("second check-in: %+v", checkIns)
		}
		done := carepath.TaskCompleted
		_, err = f.db.UpdateTask(f.sys, second.ID, carepath.TaskChange{Status: &done, Attempt: carepath.OutcomeReached, Version: second.Version})
		must(t, err)
		f.run(t, jobs.Report{CheckIns: 1})
		if n := len(f.tasks(t, rules.KindCheckIn)); n != 3 {
			t.Errorf("%d check-ins, want 3", n)
		}
	})
}

// failingStore fails the first MarkEventProcessed, as a crash would between
// making a task and marking its event.
type failingStore struct {
	jobs.Store
	failed bool
}

func (s *failingStore) MarkEventProcessed(ctx context.Context, key carepath.EventKey, result string) error {
	if !s.failed {
		s.failed = true
		return errors.New("power cut")
	}
	return s.Store.MarkEventProcessed(ctx, key, result)
}

// A sweep stopped between making a task and marking its event: the next
// (a restarted process) marks it and makes no second task.
func TestSweepResumesAfterACrash(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		f.discharge(t, "e1", "p1", f.clock.now().Add(-time.Hour), "home")
		crashing := &jobs.Sweeper{Store: &failingStore{Store: f.db}, Now: f.clock.now}
		if _, err := crashing.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "power cut") {
			t.Fatalf("the crash did not happen: %v", err)
		}
		if n := len(f.tasks(t, rules.KindPostDischarge)); n != 1 {
			t.Fatalf("%d tasks after the crash, want 1", n)
		}
		restarted := &jobs.Sweeper{Store: f.db, Now: f.clock.now}
		r, err := restarted.RunOnce(context.Background())
		must(t, err)
		if r.Events != 1 || r.Tasks != 0 || !r.Did() {
			t.Errorf("after the restart: %s; want the event seen again and no new task", r)
		}
		if n := len(f.tasks(t, rules.KindPostDischarge)); n != 1 {
			t.Errorf("%d tasks after the restart, want 1", n)
		}
		if pending, _ := f.db.FindPendingEvents(f.sys, 10); len(pending) != 0 {
			t.Errorf("events still pending: %+v", pending)
		}
	})
}

// Pausing a schedule stops its check-ins; resuming brings them back.
func TestSchedulePauseAndStop(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		f.run(t, jobs.Report{Enrolled: 1, CheckIns: 1, ScreeningsEnrolled: 1})
		id := rules.HeartFailureCheckIn.ID + ":p1"
		must(t, f.db.SetScheduleStatus(f.sys, id, carepath.SchedulePaused))
		f.clock.add(30 * 24 * time.Hour)
		// The first check-in is late; no new ones while paused. (The social
		// needs screening, spread over the first 91 days, falls due, and
		// goes late with the next 30 days.)
		f.run(t, jobs.Report{Escalations: 1, Screenings: 1})
		must(t, f.db.SetScheduleStatus(f.sys, id, carepath.ScheduleActive))
		f.run(t, jobs.Report{CheckIns: 1})
		must(t, f.db.SetScheduleStatus(f.sys, id, carepath.ScheduleStopped))
		if err := f.db.SetScheduleStatus(f.sys, id, carepath.ScheduleActive); carepath.ErrorCode(err) != carepath.ENOTFOUND {
			t.Errorf("a stopped schedule restarted: %v", err)
		}
		f.clock.add(30 * 24 * time.Hour)
		f.run(t, jobs.Report{Escalations: 2})
	})
}

// Heart failure coded in ICD-10-CM (I50 and below, not I51) enrolls too;
// a patient who has died does not.
func TestEnrollmentByICD10(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		icd := func(id, patient, code string) carepath.ImportResource {
			return carepath.ImportResource{Type: "Condition", ID: id, PatientID: patient, Hash: "h" + id, JSON: []byte(`{"resourceType":"Condition"}`),
				Record: &carepath.Condition{ID: id, PatientID: patient, ClinicalStatus: "active",
					Code: carepath.Coding{System: "http://hl7.org/fhir/sid/icd-10-cm", Code: code}}}
		}
		dead := carepath.ImportResource{Type: "Patient", ID: "p3", PatientID: "p3", Hash: "hp3", JSON: []byte(`{"resourceType":"Patient"}`),
			Record: &carepath.Patient{ID: "p3", Family: "Okafor", Deceased: true}}
		other := carepath.ImportResource{Type: "Patient", ID: "p4", PatientID: "p4", Hash: "hp4", JSON: []byte(`{"resourceType":"Patient"}`),
			Record: &carepath.Patient{ID: "p4", Family: "Adams"}}
		_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			dead, other, icd("i1", "p2", "I50.22"), icd("i2", "p3", "I50.9"), icd("i3", "p4", "I51.7")}}})
		must(t, err)
		f.run(t, jobs.Report{Enrolled: 2, CheckIns: 2, ScreeningsEnrolled: 1}) // p1 (SNOMED) and p2 (I50.22); p1 on a caseload
		for _, c := range f.tasks(t, rules.KindCheckIn) {
			if c.PatientID != "p1" && c.PatientID != "p2" {
				t.Errorf("check-in for %s", c.PatientID)
			}
		}
	})
}

// Sweeps enroll now and then (EnrollEvery), not every minute, whichever
// process runs them: a patient found to have heart failure after a sweep
// is enrolled once the interval has passed, and a second sweeper (cron's
// "carepath sweep" beside the server) does not enroll before then either.
func TestEnrollEvery(t *testing.T) {
	db := testdb.Engines(t)[0]
	f := newFixture(t, db)
	f.sweep.EnrollEvery = time.Hour
	f.run(t, jobs.Report{Enrolled: 1, CheckIns: 1, ScreeningsEnrolled: 1})
	hf := &carepath.Condition{ID: "c2", PatientID: "p2", ClinicalStatus: "active",
		Code: carepath.Coding{System: "http://snomed.info/sct", Code: "84114007"}}
	_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
		{Type: "Condition", ID: "c2", PatientID: "p2", Hash: "hc2", JSON: []byte(`{"resourceType":"Condition"}`), Record: hf}}}})
	must(t, err)
	f.clock.add(30 * time.Minute)
	f.run(t, jobs.Report{})
	f.sweep = &jobs.Sweeper{Store: f.db, Now: f.clock.now, Batch: 2, EnrollEvery: time.Hour}
	f.run(t, jobs.Report{})
	f.clock.add(31 * time.Minute)
	f.run(t, jobs.Report{Enrolled: 1, CheckIns: 1})
}

// TestVitalSignAlert: an imported blood pressure of 185/95 taken this
// morning makes one urgent task for Ana's care manager, due by the end of
// the business day, with the reading in its reason; the same reading
// imported again makes none; an in-range or week-old reading makes no event.
func TestVitalSignAlert(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		f.sweep.EnrollEvery = time.Hour
		bp := func(id, patient string, at time.Time, sys, dia float64) carepath.ImportResource {
			return carepath.ImportResource{Type: "Observation", ID: id, PatientID: patient, Hash: "h" + id,
				JSON: []byte(`{"resourceType":"Observation","id":"` + id + `"}`),
				Record: &carepath.Observation{ID: id, PatientID: patient, Status: "final", Category: "vital-signs",
					Code:      carepath.Coding{System: "http://loinc.org", Code: rules.LOINCBloodPressure, Display: "Blood pressure panel"},
					Effective: carepath.InstantOf(at), Components: []carepath.ObservationComponent{
						{Code: carepath.Coding{Code: rules.LOINCSystolic}, ValueNum: &sys, Unit: "mm[Hg]"},
						{Code: carepath.Coding{Code: rules.LOINCDiastolic}, ValueNum: &dia, Unit: "mm[Hg]"}}}}
		}
		now := f.clock.now() // Friday 22 May 2026, 16:00 in New York
		load := func(rs ...carepath.ImportResource) {
			_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: rs}})
			must(t, err)
		}
		load(bp("o1", "p1", now.Add(-7*time.Hour), 185, 95), bp("o2", "p1", now.Add(-6*time.Hour), 128, 82),
			bp("o3", "p2", now.Add(-8*24*time.Hour), 200, 125))
		f.run(t, jobs.Report{Events: 1, Tasks: 1, Enrolled: 1, CheckIns: 1, ScreeningsEnrolled: 1})
		got := f.tasks(t, rules.KindVitalSign)
		if len(got) != 1 {
			t.Fatalf("vital-sign tasks: %d, want 1", len(got))
		}
		task := got[0]
		wantDue := time.Date(2026, 5, 22, 23, 59, 59, 0, f.ny)
		if task.OwnerID != f.cm.ID || task.Priority != carepath.PriorityUrgent || !task.Due.Equal(wantDue) ||
			!strings.Contains(task.Origin.Reason, "Systolic blood pressure 185 mmHg (180 or more: hypertensive crisis (AHA))") ||
			!strings.Contains(task.Origin.Reason, "Fri 22 May 2026 09:00") || task.Origin.RuleID != rules.VitalSignAlert.ID {
			t.Errorf("vital-sign task: owner %s priority %s due %s reason %q", task.OwnerID, task.Priority, task.Due.In(f.ny), task.Origin.Reason)
		}
		load(bp("o1", "p1", now.Add(-7*time.Hour), 185, 96)) // a corrected copy of the same reading
		f.run(t, jobs.Report{})
		if n := len(f.tasks(t, rules.KindVitalSign)); n != 1 {
			t.Errorf("after the same reading again: %d tasks, want 1", n)
		}
	})
}
