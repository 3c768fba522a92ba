package store_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/internal/testdb"
	"carepath/rules"
)

// planEpisode plans the episode a discharge opens now (New York's
// business days), and gives its tasks anew at each call, as OpenTransition
// takes them.
func planEpisode(t *testing.T, f *taskFixture, d rules.Discharge) (carepath.Transition, func() []*carepath.Task) {
	t.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	cal, err := calendar.New(ny, calendar.Weekdays, true, nil)
	must(t, err)
	plan, planned, ok, why := rules.PlanTransition(d, nil, cal, f.clock.now())
	if !ok {
		t.Fatal(why)
	}
	return plan, func() []*carepath.Task {
		var out []*carepath.Task
		for _, task := range planned {
			out = append(out, &task)
		}
		return out
	}
}

// The transition service on its own, without the sweep: an episode opens
// once per stay with its reconciliation read from the record, changes only
// from the version read, closes the tasks its elements fulfil, makes a
// completed reconciliation the current list, is flagged by a readmission
// and closes when its period ends, leaving the period's end task.
func TestTransitionService(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // Fri 22 May 2026, 14:00 UTC
		now := f.clock.now()
		admitted, discharged := now.Add(-80*time.Hour), now.Add(-8*time.Hour)
		med := func(id, encounter, code, display, dosage string, authored time.Time) carepath.ImportResource {
			return carepath.ImportResource{Type: "MedicationRequest", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"MedicationRequest"}`),
				Record: &carepath.Medication{ResourceType: "MedicationRequest", ID: id, PatientID: "p1", EncounterID: encounter, Status: "active", Intent: "order",
					Code: carepath.Coding{System: "http://www.nlm.nih.gov/research/umls/rxnorm", Code: code, Display: display}, Dosage: dosage,
					Authored: authored.UTC().Format(time.RFC3339)}}
		}
		_, err := f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			med("m1", "", "314076", "lisinopril 10 MG Oral Tablet", "1 tablet daily", admitted.AddDate(0, -2, 0)),
			med("m2", "e1", "314077", "lisinopril 20 MG Oral Tablet", "1 tablet daily", discharged.Add(-time.Hour)),
			med("m3", "e1", "310429", "furosemide 20 MG Oral Tablet", "1 tablet each morning", discharged.Add(-time.Hour))}}})
		must(t, err)

		plan, tasks := planEpisode(t, f, rules.Discharge{EncounterID: "e1", PatientID: "p1", Class: "IMP", Facility: "General Hospital",
			DispositionCode: "home", Admitted: admitted, Discharged: discharged, CareManagerID: f.cm.ID})
		tr := plan
		_, err = f.db.OpenTransition(as(f.cm), &tr, tasks())
		wantCode(t, "a care manager opens an episode", err, carepath.ENOTFOUND)
		opened, err := f.db.OpenTransition(system(f.org), &tr, tasks())
		must(t, err)
		// The same stay again, and under another id overlapping it: none.
		again, other := plan, plan
		other.EncounterID = "e1-adt"
		for name, x := range map[string]*carepath.Transition{"the same stay": &again, "the stay under another id": &other} {
			if o, err := f.db.OpenTransition(system(f.org), x, tasks()); err != nil || o {
				t.Errorf("%s opened a second episode: %v %v", name, o, err)
			}
		}
		ep, err := f.db.FindTransition(as(f.cm), tr.ID)
		must(t, err)
		var lines []string
		for _, l := range ep.MedRec.Lines {
			lines = append(lines, l.Kind+" "+strings.Fields(l.Medicine)[0])
		}
		if !opened || ep.Version != 1 || len(ep.Tasks) != 4 || strings.Join(lines, ", ") != "new furosemide, changed lisinopril" {
			t.Fatalf("opened %v: version %d, %d tasks, lines %v", opened, ep.Version, len(ep.Tasks), lines)
		}

		// Changes: the version is required and must be current; bad input
		// writes nothing.
		_, err = f.db.UpdateTransition(as(f.cm), ep.ID, carepath.TransitionChange{Contact: &carepath.TransitionNote{}})
		wantCode(t, "no version", err, carepath.EINVALID)
		_, err = f.db.UpdateTransition(as(f.cm), ep.ID, carepath.TransitionChange{Version: 2, Contact: &carepath.TransitionNote{}})
		wantCode(t, "a stale version", err, carepath.ECONFLICT)
		_, err = f.db.UpdateTransition(as(f.auditor), ep.ID, carepath.TransitionChange{Version: 1, Contact: &carepath.TransitionNote{}})
		wantCode(t, "the auditor", err, carepath.ENOTFOUND)
		_, err = f.db.UpdateTransition(as(f.cm), ep.ID, carepath.TransitionChange{Version: 1, Complete: true})
		wantCode(t, "an undecided reconciliation", err, carepath.EINVALID)
		if unchanged, _ := f.db.FindTransition(as(f.cm), ep.ID); unchanged.Version != 1 || unchanged.MedRec.Completed != nil {
			t.Errorf("a refused change wrote: version %d", unchanged.Version)
		}

		ep, err = f.db.UpdateTransition(as(f.cm), ep.ID, carepath.TransitionChange{Version: 1, Contact: &carepath.TransitionNote{Note: "spoke with Ana"}})
		must(t, err)
		if ep.Version != 2 || ep.Contact == nil || ep.Tasks[0].Kind != rules.KindPostDischarge || ep.Tasks[0].Status != carepath.TaskCompleted {
			t.Errorf("after the contact: version %d, contact %+v, %s %s", ep.Version, ep.Contact, ep.Tasks[0].Kind, ep.Tasks[0].Status)
		}
		ep, err = f.db.UpdateTransition(as(f.cm), ep.ID, carepath.TransitionChange{Version: 2, Complete: true,
			Decisions: []carepath.MedDecision{{Line: 0, Decision: carepath.MedContinue}, {Line: 1, Decision: carepath.MedContinue}}})
		must(t, err)
		list, err := f.db.FindMedicationList(as(f.nurse), "p1")
		must(t, err)
		if ep.MedRec.Completed == nil || list.TransitionID != ep.ID || len(list.Lines) != 2 {
			t.Errorf("the reconciled list: %+v", list)
		}

		// A new stay within 30 days flags the episode; the period's end
		// closes it with its open tasks.
		n, err := f.db.FlagReadmission(system(f.org), "p1", carepath.StayFacts{EncounterID: "e2", Class: "IMP", Start: now.Add(48 * time.Hour)})
		must(t, err)
		if ep, _ = f.db.FindTransition(as(f.cm), ep.ID); n != 1 || ep.Readmission == nil || ep.Readmission.EncounterID != "e2" {
			t.Errorf("readmission: %d, %+v", n, ep.Readmission)
		}
		if n, err := f.db.CloseEndedTransitions(system(f.org), ep.PeriodEnd.Add(-time.Minute)); err != nil || n != 0 {
			t.Errorf("closed before the period's end: %d %v", n, err)
		}
		n, err = f.db.CloseEndedTransitions(system(f.org), ep.PeriodEnd.Add(time.Minute))
		must(t, err)
		ep, err = f.db.FindTransition(as(f.cm), ep.ID)
		must(t, err)
		if n != 1 || ep.Status != carepath.TransitionClosed {
			t.Errorf("after the period: %d closed, status %s", n, ep.Status)
		}
		// What was not done cannot be any more; the period's end task
		// stays, for someone to check the documentation and the code.
		for _, task := range ep.Tasks {
			if task.Status.Open() != (task.Kind == rules.KindPeriodEnd) {
				t.Errorf("after the close, task %s is %s", task.Kind, task.Status)
			}
		}
	})
}
