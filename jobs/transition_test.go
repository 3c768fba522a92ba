package jobs_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/fhir"
	"carepath/internal/testdb"
	"carepath/rules"
)

func (f *fixture) transitions(t *testing.T, status string) []*carepath.Transition {
	t.Helper()
	ts, n, err := f.db.FindTransitions(f.sys, carepath.TransitionFilter{Status: status})
	must(t, err)
	if n != len(ts) {
		t.Fatalf("%d episodes listed, %d counted", len(ts), n)
	}
	return ts
}

// medication imports a medication order of patient p1 (encounter "" for
// one before the admission).
func (f *fixture) medication(t *testing.T, id, encounter, rxnorm, display, dosage string, authored time.Time) {
	t.Helper()
	m := &carepath.Medication{ResourceType: "MedicationRequest", ID: id, PatientID: "p1", EncounterID: encounter, Status: "active",
		Intent: "order", Code: carepath.Coding{System: "http://www.nlm.nih.gov/research/umls/rxnorm", Code: rxnorm, Display: display},
		Authored: authored.UTC().Format(time.RFC3339), Dosage: dosage}
	_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{{
		Type: "MedicationRequest", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"MedicationRequest","id":"` + id + `"}`), Record: m}}}})
	must(t, err)
}

func TestTransitionEpisodes(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		friday := f.clock.now() // Fri 22 May 2026 16:00; Memorial Day on Monday 25
		admitted := friday.Add(-5*time.Hour - 4*24*time.Hour)
		// An older order of the same lisinopril, which the later one renews.
		f.medication(t, "m-before-0", "", "314076", "lisinopril 10 MG Oral Tablet", "2 tablets daily", admitted.AddDate(-1, 0, 0))
		f.medication(t, "m-before-1", "", "314076", "lisinopril 10 MG Oral Tablet", "1 tablet daily", admitted.AddDate(0, -6, 0))
		f.medication(t, "m-before-2", "", "197361", "amlodipine 5 MG Oral Tablet", "1 tablet daily", admitted.AddDate(0, -3, 0))
		f.medication(t, "m-after-1", "e1", "314077", "lisinopril 20 MG Oral Tablet", "1 tablet daily", friday.Add(-6*time.Hour))
		f.medication(t, "m-after-2", "e1", "310429", "furosemide 20 MG Oral Tablet", "1 tablet each morning", friday.Add(-6*time.Hour))
		f.discharge(t, "e1", "p1", friday.Add(-5*time.Hour), "home")
		// The same stay reported again, a minute later, under another id (a
		// second feed).
		f.clock.add(time.Minute)
		must(t, f.db.RecordEncounter(f.sys, &carepath.Encounter{ID: "e1-adt", PatientID: "p1", Class: "IMP",
			PeriodStart: carepath.InstantOf(admitted.Add(time.Hour)), PeriodEnd: carepath.InstantOf(friday.Add(-5 * time.Hour)),
			DischargeDisposition: carepath.Coding{Code: "home"}}))
		f.discharge(t, "e2", "p2", friday.Add(-3*time.Hour), "hosp")      // hospice: no episode
		f.discharge(t, "e3", "p2", friday.Add(-2*time.Hour), "other-hcf") // a transfer: no episode
		_, err := f.sweep.RunOnce(t.Context())
		must(t, err)

		open := f.transitions(t, "")
		if len(open) != 1 {
			t.Fatalf("%d open episodes, want 1 (the stay reported twice, hospice and a transfer none): %+v", len(open), open)
		}
		ep, err := f.db.FindTransition(f.sys, open[0].ID)
		must(t, err)
		day := func(tm time.Time) string { return tm.In(f.ny).Format("Mon 2 Jan") }
		if ep.EncounterID != "e1" || ep.PatientName != "Rivera, Test" || day(ep.ContactDue) != "Wed 27 May" || day(ep.VisitDueHigh) != "Thu 28 May" ||
			day(ep.VisitDueModerate) != "Thu 4 Jun" || day(ep.PeriodEnd) != "Sat 20 Jun" || ep.Band == "" || !strings.Contains(ep.BandWhy, "LACE") {
			t.Errorf("episode: %+v", ep)
		}
		if len(ep.Scores) != 3 {
			t.Errorf("scores on the episode: %+v", ep.Scores)
		}
		if len(ep.Tasks) != 4 {
			t.Fatalf("tasks: %d", len(ep.Tasks))
		}
		for _, task := range ep.Tasks {
			if task.OwnerID != f.cm.ID || !strings.Contains(task.Origin.Reason, ep.BandWhy) && task.Kind != rules.KindMedRec && task.Kind != rules.KindPeriodEnd {
				t.Errorf("task %s: owner %s, %s", task.Kind, task.OwnerID, task.Origin.Reason)
			}
		}
		if ep.Code != "" || !strings.Contains(strings.Join(ep.Elements, "|"), "no TCM code: no timely interactive contact") {
			t.Errorf("clock before anything is documented: %q %v", ep.Code, ep.Elements)
		}
		// The reconciliation, in the discharge list's order: furosemide new,
		// lisinopril changed (another strength), amlodipine stopped.
		var kinds []string
		for _, l := range ep.MedRec.Lines {
			kinds = append(kinds, l.Kind+" "+strings.Fields(l.Medicine)[0])
		}
		if strings.Join(kinds, ", ") != "new furosemide, changed lisinopril, stopped amlodipine" || ep.MedRec.Lines[1].Before != "1 tablet daily" {
			t.Errorf("reconciliation lines: %v", kinds)
		}

		// The care manager tries twice, then reaches the patient on Tuesday.
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org})
		tuesday := time.Date(2026, 5, 26, 10, 0, 0, 0, f.ny)
		f.clock.set(tuesday)
		_, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Attempt: &carepath.TransitionNote{At: tuesday.Add(-time.Hour), Outcome: carepath.OutcomeNoAnswer}})
		must(t, err)
		// Bad input: nothing is written.
		future := "high"
		_, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version + 1, Contact: &carepath.TransitionNote{At: tuesday.Add(48 * time.Hour)}, Complexity: &future})
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(err.Error(), "in the future") {
			t.Errorf("a contact in the future: %v", err)
		}
		ep, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version + 1, Contact: &carepath.TransitionNote{Note: "spoke with patient and daughter"}})
		must(t, err)
		if ep.Contact == nil || ep.Contact.ByName != "Casey Morgan" || len(ep.Attempts) != 1 || ep.Complexity != "" {
			t.Errorf("contact: %+v, attempts %+v, complexity %q", ep.Contact, ep.Attempts, ep.Complexity)
		}
		if task := ep.Tasks[0]; task.Kind != rules.KindPostDischarge || task.Status != carepath.TaskCompleted {
			t.Errorf("the contact task is %s %s, want completed", task.Kind, task.Status)
		}
		// A stale version is refused.
		if _, err := f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: 1, Complexity: &future}); carepath.ErrorCode(err) != carepath.ECONFLICT {
			t.Errorf("stale version: %v", err)
		}

		// Reconciliation: completing with lines undecided is refused.
		_, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Decisions: []carepath.MedDecision{{Line: 0, Decision: carepath.MedContinue}}, Complete: true})
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(err.Error(), "line 2 (lisinopril 20 MG Oral Tablet) is undecided; line 3 (amlodipine") {
			t.Errorf("incomplete reconciliation: %v", err)
		}
		if fields := carepath.ErrorFields(err); len(fields) != 3 || fields[0].Field != "lines.1.decision" || fields[2].Field != "complete" {
			t.Errorf("the problems by input: %+v", fields)
		}
		_, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Decisions: []carepath.MedDecision{{Line: 1, Decision: carepath.MedClarify}}})
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(err.Error(), "what to clarify") {
			t.Errorf("clarify without a question: %v", err)
		}
		ep, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version,
			Decisions: []carepath.MedDecision{{Line: 0, Decision: carepath.MedContinue, PatientTakes: "as listed"},
				{Line: 1, Decision: carepath.MedClarify, Note: "20 mg or 10 mg: ask the cardiologist"}, {Line: 2, Decision: carepath.MedStop, PatientTakes: "not taking"}},
			Reported: []carepath.MedRecLine{{Medicine: "ibuprofen 200 mg", Before: "as needed", PatientNote: "for knee pain"}}})
		must(t, err)
		ep, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Decisions: []carepath.MedDecision{{Line: 3, Decision: carepath.MedStop, Note: "NSAID with heart failure"}}, Complete: true})
		must(t, err)
		if ep.MedRec.Completed == nil || ep.MedRec.Lines[3].DecidedBy.ByName != "Casey Morgan" {
			t.Errorf("reconciliation: %+v", ep.MedRec)
		}
		list, err := f.db.FindMedicationList(f.sys, "p1")
		must(t, err)
		var names []string
		for _, l := range list.Lines {
			names = append(names, strings.Fields(l.Medicine)[0]+" "+l.Decision)
		}
		if strings.Join(names, ", ") != "furosemide continue, lisinopril clarify" || list.TransitionID != ep.ID {
			t.Errorf("the current list: %v", names)
		}
		// The patient's record carries it as MedicationStatements.
		record, err := f.db.ExportPatientRecord(f.sys, "p1")
		must(t, err)
		if n := strings.Count(string(record), `"resourceType":"MedicationStatement"`); n != 2 ||
			!strings.Contains(string(record), "to clarify with the prescriber: 20 mg or 10 mg: ask the cardiologist") {
			t.Errorf("the exported record has %d MedicationStatements:\n%s", n, record)
		}
		// Each reads back as FHIR R4 (the fixture's other resources are stubs).
		var bundle struct {
			Entry []struct{ Resource json.RawMessage }
		}
		must(t, json.Unmarshal(record, &bundle))
		for _, e := range bundle.Entry {
			if strings.Contains(string(e.Resource), `"MedicationStatement"`) {
				if _, err := fhir.Parse(e.Resource, "export.json"); err != nil {
					t.Errorf("a MedicationStatement does not read back: %v\n%s", err, e.Resource)
				}
			}
		}

		// The visit on Wednesday, high complexity: 99496.
		wednesday := time.Date(2026, 5, 27, 14, 0, 0, 0, f.ny)
		f.clock.set(wednesday)
		high := "high"
		ep, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Visit: &carepath.TransitionNote{Note: "Dr Okafor"}, Complexity: &high})
		must(t, err)
		if ep.Code != rules.TCMHigh {
			t.Errorf("code %q: %v", ep.Code, ep.Elements)
		}

		// A readmission 9 days after the discharge, still in hospital.
		f.clock.set(time.Date(2026, 5, 31, 9, 0, 0, 0, f.ny))
		must(t, f.db.RecordEncounter(f.sys, &carepath.Encounter{ID: "e4", PatientID: "p1", Class: "IMP",
			PeriodStart: carepath.InstantOf(time.Date(2026, 5, 31, 3, 0, 0, 0, f.ny)), ServiceProviderName: "General Hospital"}))
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		ep, err = f.db.FindTransition(f.sys, ep.ID)
		must(t, err)
		if ep.Readmission == nil || ep.Readmission.EncounterID != "e4" || ep.Readmission.Days != 9 {
			t.Errorf("readmission: %+v", ep.Readmission)
		}

		// The period ends: the episode closes; its last task stays, for
		// someone to check the documentation and the code.
		f.clock.set(time.Date(2026, 6, 21, 9, 0, 0, 0, f.ny))
		r, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		ep, err = f.db.FindTransition(f.sys, ep.ID)
		must(t, err)
		if r.TransitionsClosed != 1 || ep.Status != carepath.TransitionClosed || ep.Tasks[len(ep.Tasks)-1].Status != carepath.TaskAccepted {
			t.Errorf("after day 30: %d closed, status %s", r.TransitionsClosed, ep.Status)
		}
		if len(f.transitions(t, "closed")) != 1 || len(f.transitions(t, "")) != 0 {
			t.Error("the board's closed and open lists")
		}
	})
}

// A readmission reported before the discharge it follows (an import of
// two stays out of order) is found when the earlier episode opens.
func TestTransitionReadmissionOutOfOrder(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		friday := f.clock.now()
		f.discharge(t, "later", "p1", friday.Add(-time.Hour), "home") // admitted Mon 18 May
		_, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		f.discharge(t, "earlier", "p1", friday.Add(-10*24*time.Hour), "home") // discharged Tue 12 May
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		var earlier *carepath.Transition
		for _, tr := range f.transitions(t, "") {
			if tr.EncounterID == "earlier" {
				earlier = tr
			}
		}
		if earlier == nil || earlier.Readmission == nil || earlier.Readmission.EncounterID != "later" || earlier.Readmission.Days != 6 {
			t.Fatalf("the earlier episode: %+v", earlier)
		}
	})
}

// A stay an outside system reports with a local offset is stored in UTC:
// a readmission the same evening as the discharge, reported before it as
// 18:00-04:00, is 2 hours after a discharge at 20:00Z (compared as text,
// "18:00-04:00" came first).
func TestTransitionReadmissionSameEvening(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		must(t, f.db.RecordEncounter(f.sys, &carepath.Encounter{ID: "again", PatientID: "p2", Class: "OBSENC",
			PeriodStart: carepath.MustParseDateTime("2026-05-19T18:00:00-04:00"), PeriodEnd: carepath.MustParseDateTime("2026-05-20T12:00:00-04:00"), DischargeDisposition: carepath.Coding{Code: "home"}}))
		_, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		f.discharge(t, "first", "p2", time.Date(2026, 5, 19, 20, 0, 0, 0, time.UTC), "home")
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		for _, tr := range f.transitions(t, "") {
			if tr.EncounterID == "first" && (tr.Readmission == nil || tr.Readmission.EncounterID != "again" || tr.Readmission.Days != 0) {
				t.Errorf("the first stay's readmission: %+v", tr.Readmission)
			}
		}
	})
}

// The contact task worked from a worklist documents the episode: an
// unanswered call is an attempt, the call that reaches the patient the
// contact.
func TestTransitionContactFromWorklist(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		f.discharge(t, "e1", "p1", f.clock.now().Add(-2*time.Hour), "home")
		_, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org})
		contact := f.tasks(t, rules.KindPostDischarge)[0]
		contact, err = f.db.UpdateTask(cm, contact.ID, carepath.TaskChange{Attempt: carepath.OutcomeNoAnswer, Version: contact.Version})
		must(t, err)
		done := carepath.TaskCompleted
		_, err = f.db.UpdateTask(cm, contact.ID, carepath.TaskChange{Attempt: carepath.OutcomeReached, Status: &done, Note: "doing well", Version: contact.Version})
		must(t, err)
		ep := f.transitions(t, "")[0]
		if len(ep.Attempts) != 1 || ep.Attempts[0].Outcome != carepath.OutcomeNoAnswer || ep.Contact == nil || ep.Contact.Note != "doing well" ||
			ep.Contact.ByName != "Casey Morgan" {
			t.Errorf("the episode after the task's calls: attempts %+v, contact %+v", ep.Attempts, ep.Contact)
		}

		// The reconciliation's task stands for the episode's element: "Done"
		// on it, which closed the task while the episode said "0 of 6
		// decided", is refused; it closes when the episode records it.
		medrec := f.tasks(t, rules.KindMedRec)[0]
		_, err = f.db.UpdateTask(cm, medrec.ID, carepath.TaskChange{Status: &done, Outcome: carepath.OutcomeDone, Version: medrec.Version})
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(carepath.ErrorMessage(err), "record it on the episode") {
			t.Errorf("completing the reconciliation's task: %v", err)
		}
		_, err = f.db.UpdateTask(cm, medrec.ID, carepath.TaskChange{Attempt: carepath.OutcomeReached, Version: medrec.Version})
		if carepath.ErrorCode(err) != carepath.EINVALID {
			t.Errorf("a call attempt on the reconciliation's task: %v", err)
		}
		ep = f.transitions(t, "")[0]
		var decisions []carepath.MedDecision
		for i := range ep.MedRec.Lines {
			decisions = append(decisions, carepath.MedDecision{Line: i, Decision: carepath.MedContinue})
		}
		_, err = f.db.UpdateTransition(cm, ep.ID, carepath.TransitionChange{Version: ep.Version, Decisions: decisions, Complete: true})
		must(t, err)
		if got, _ := f.db.FindTaskByID(cm, medrec.ID); got.Status != carepath.TaskCompleted {
			t.Errorf("the reconciliation's task after the episode recorded it: %s", got.Status)
		}
	})
}

// TestStatTaskClosesWithANote: a stat task (a PHQ-9 safety answer's, say)
// is not closed by one key: completing or cancelling it needs a note.
func TestStatTaskClosesWithANote(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org})
		task := &carepath.Task{PatientID: "p1", Kind: rules.KindSafety, Title: "Safety evaluation now", Priority: carepath.PriorityStat,
			OwnerID: f.cm.ID, Due: f.clock.now()}
		_, err := f.db.CreateTask(cm, task)
		must(t, err)
		done := carepath.TaskCompleted
		_, err = f.db.UpdateTask(cm, task.ID, carepath.TaskChange{Status: &done, Outcome: carepath.OutcomeReached, Version: task.Version})
		if carepath.ErrorCode(err) != carepath.EINVALID || carepath.ErrorFields(err)[0].Field != "note" {
			t.Errorf("a stat task closed without a note: %v", err)
		}
		got, err := f.db.UpdateTask(cm, task.ID, carepath.TaskChange{Status: &done, Outcome: carepath.OutcomeReached, Version: task.Version,
			Note: "Spoke with her; safety plan reviewed, crisis line given"})
		if err != nil || got.Status != carepath.TaskCompleted {
			t.Errorf("a stat task closed with a note: %+v %v", got, err)
		}
	})
}

// TestEpisodeElementsAreTasks: every element of an open episode that is
// not documented is someone's task. An episode opened without them (as
// the demo's late-found discharges were: the board showed the contact
// overdue while it was on nobody's worklist) gets them from the sweep,
// once: a task in any state is not made again.
func TestEpisodeElementsAreTasks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		cal, err := calendar.New(f.ny, calendar.Weekdays, true, nil)
		must(t, err)
		// Discharged 10 days ago, the episode opened with no task.
		discharged := f.clock.now().Add(-10 * 24 * time.Hour)
		d := rules.Discharge{EncounterID: "late", PatientID: "p1", Class: "IMP", Facility: "General Hospital", DispositionCode: "home",
			Admitted: discharged.Add(-72 * time.Hour), Discharged: discharged, CareManagerID: f.cm.ID}
		tr, _, ok, why := rules.PlanTransition(d, nil, cal, f.clock.now())
		if !ok {
			t.Fatal(why)
		}
		opened, err := f.db.OpenTransition(f.sys, &tr, nil)
		if err != nil || !opened {
			t.Fatalf("open: %v %v", opened, err)
		}
		r, err := f.sweep.RunOnce(t.Context())
		must(t, err)
		if r.EpisodeTasks != 4 {
			t.Fatalf("the sweep made %d tasks for the episode's elements; want 4 (%+v)", r.EpisodeTasks, r)
		}
		contact := f.tasks(t, rules.KindPostDischarge)
		if len(contact) != 1 || contact[0].OwnerID != f.cm.ID || !contact[0].Due.Before(f.clock.now()) || !strings.Contains(contact[0].Origin.Reason, "is late") {
			t.Errorf("the late contact's task: %+v", contact)
		}
		// Done and gone from the worklist, a task is not made again.
		done := carepath.TaskCompleted
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org})
		_, err = f.db.UpdateTask(cm, contact[0].ID, carepath.TaskChange{Status: &done, Outcome: carepath.OutcomeReached, Version: contact[0].Version})
		must(t, err)
		if r, err := f.sweep.RunOnce(t.Context()); err != nil || r.EpisodeTasks != 0 {
			t.Errorf("a second sweep made %d tasks (%v)", r.EpisodeTasks, err)
		}
	})
}
