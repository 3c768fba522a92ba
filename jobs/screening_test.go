package jobs_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/jobs"
	"carepath/rules"
)

// TestScreenings: patients on a caseload are due their social needs
// screening, and with depression a PHQ-9 28 days after the last (imported)
// one; recording the assessment closes the task and the next falls due
// from it; a screening closed without one (declined) comes back a full
// interval on, not at once.
func TestScreenings(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newFixture(t, e)
		// Wei (p2) has depression, on Casey's caseload, and a PHQ-9 of 14
		// imported from ten days ago; Sam (p3) has depression and no care
		// manager: not enrolled.
		day := 24 * time.Hour
		phqAt := f.clock.now().Add(-10 * day)
		v := 14.0
		_, err := f.db.ImportUnits(f.sys, f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			{Type: "Patient", ID: "p3", PatientID: "p3", Hash: "hp3", JSON: []byte(`{"resourceType":"Patient","id":"p3"}`),
				Record: &carepath.Patient{ID: "p3", Family: "Okafor", Given: "Sam"}},
			{Type: "Condition", ID: "d2", PatientID: "p2", Hash: "hd2", JSON: []byte(`{"resourceType":"Condition","id":"d2"}`),
				Record: &carepath.Condition{ID: "d2", PatientID: "p2", ClinicalStatus: "active", Code: carepath.Coding{System: "http://hl7.org/fhir/sid/icd-10-cm", Code: "F33.1"}}},
			{Type: "Condition", ID: "d3", PatientID: "p3", Hash: "hd3", JSON: []byte(`{"resourceType":"Condition","id":"d3"}`),
				Record: &carepath.Condition{ID: "d3", PatientID: "p3", ClinicalStatus: "active", Code: carepath.Coding{System: "http://snomed.info/sct", Code: "370143000"}}},
			{Type: "Observation", ID: "phq", PatientID: "p2", Hash: "hphq", JSON: []byte(`{"resourceType":"Observation","id":"phq"}`),
				Record: &carepath.Observation{ID: "phq", PatientID: "p2", Status: "final", Category: "survey", Code: carepath.Coding{System: "http://loinc.org", Code: "44261-6"},
					Effective: carepath.InstantOf(phqAt), ValueNum: &v}},
		}}})
		must(t, err)
		must(t, f.db.AddCareTeamMembers(f.sys, carepath.CareTeamMember{PatientID: "p2", UserID: f.cm.ID}))

		// p1 and p2 for social needs, p2 for depression; p1's heart failure.
		f.run(t, jobs.Report{Enrolled: 1, CheckIns: 1, ScreeningsEnrolled: 3})
		phq9 := func() []*carepath.Task {
			var out []*carepath.Task
			for _, t := range f.tasks(t, rules.KindScreening) {
				if t.Origin.RuleID == rules.DepressionMonitoring.ID {
					out = append(out, t)
				}
			}
			return out
		}
		if got := phq9(); len(got) != 0 {
			t.Fatalf("a PHQ-9 task before it is due: %+v", got[0])
		}

		// 28 days after the imported PHQ-9: due, for Casey, with its reason.
		f.clock.add(18*day + time.Hour)
		_, err = f.sweep.RunOnce(t.Context())
		must(t, err)
		got := phq9()
		if len(got) != 1 {
			t.Fatalf("%d PHQ-9 tasks 28 days after the last, want 1", len(got))
		}
		task := got[0]
		wantReason := "Last PHQ-9 on " + phqAt.In(f.ny).Format("2 Jan 2006") + " (28 days ago); due every 28 days while the patient has active depression"
		if task.PatientID != "p2" || task.OwnerID != f.cm.ID || task.Title != "PHQ-9 due" || task.Origin.Reason != wantReason ||
			// Made Tuesday 9 June: 5 business days on.
			!task.Due.Equal(time.Date(2026, 6, 16, 23, 59, 59, 0, f.ny)) {
			t.Errorf("PHQ-9 task: %+v\nreason %q\nwant   %q", task, task.Origin.Reason, wantReason)
		}
		sweep := func() {
			t.Helper()
			_, err := f.sweep.RunOnce(t.Context())
			must(t, err)
		}
		sweep()
		if n := len(phq9()); n != 1 {
			t.Errorf("%d PHQ-9 tasks: a second while the first is open", n)
		}

		// Casey records a PHQ-9: the task is closed by it, and the next falls
		// due 28 days on.
		cm := carepath.NewContextWithActor(t.Context(), &carepath.Actor{User: f.cm, OrgID: f.org, Source: "web"})
		answers := map[string][]string{}
		for _, it := range []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"} {
			answers[it] = []string{"LA6569-3"}
		}
		answers["44260-8"] = []string{"LA6568-5"}
		as := &carepath.Assessment{PatientID: "p2", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "k1", Answers: answers}
		must(t, f.db.RecordAssessment(cm, as))
		closed, err := f.db.FindTaskByID(f.sys, task.ID)
		must(t, err)
		if closed.Status != carepath.TaskCompleted || closed.Outcome != "screened" || !strings.Contains(closed.Note, "PHQ-9 recorded by cm@example.org (Assessment/"+as.ID+")") {
			t.Errorf("the PHQ-9 task after the PHQ-9: %s %q %q", closed.Status, closed.Outcome, closed.Note)
		}
		f.clock.add(27 * day)
		sweep()
		if n := len(phq9()); n != 1 {
			t.Errorf("%d PHQ-9 tasks 27 days after the PHQ-9, want the 1 it closed", n)
		}
		f.clock.add(day + time.Hour)
		sweep()
		got = phq9()
		if len(got) != 2 || !strings.HasPrefix(got[0].Origin.Reason, "Last PHQ-9 on ") || got[0].ID == task.ID && got[1].ID == task.ID {
			t.Fatalf("after 28 more days: %d PHQ-9 tasks", len(got))
		}
		next := got[0]
		if next.ID == task.ID {
			next = got[1]
		}

		// The patient declines this one: it is cancelled, and the next is
		// due 28 days later, not at the next sweep.
		cancelled := carepath.TaskCancelled
		_, err = f.db.UpdateTask(cm, next.ID, carepath.TaskChange{Status: &cancelled, Note: "Declined today; will do it next month", Version: next.Version})
		must(t, err)
		open := func() int {
			n := 0
			for _, t := range phq9() {
				if t.Status.Open() {
					n++
				}
			}
			return n
		}
		sweep()
		if n := open(); n != 0 {
			t.Errorf("%d PHQ-9 tasks open right after one was declined, want none", n)
		}
		f.clock.add(27 * day)
		sweep()
		if n := open(); n != 0 {
			t.Errorf("%d PHQ-9 tasks open 27 days after one was declined, want none", n)
		}
		f.clock.add(day + time.Hour)
		sweep()
		if n := open(); n != 1 {
			t.Errorf("%d PHQ-9 tasks open 28 days after one was declined, want 1", n)
		}
	})
}

// TestScreeningSpread: a caseload with no screening on record meets it a
// few patients a day over the rule's first days, not all at once.
func TestScreeningSpread(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 5, 22, 16, 0, 0, 0, ny)
	perDay := map[string]int{}
	for i := range 9100 {
		due := rules.SocialNeedsScreening.FirstDue("patient-"+string(rune('a'+i%26))+time.Duration(i).String(), time.Time{}, now, ny)
		if due.Before(now) || !due.Before(now.AddDate(0, 0, 91)) {
			t.Fatalf("first due %s, outside the 91 days from %s", due, now)
		}
		perDay[due.In(ny).Format(time.DateOnly)]++
	}
	// 100 a day on average; none of the 91 days is empty or double.
	if len(perDay) != 91 {
		t.Errorf("%d days used, want 91", len(perDay))
	}
	for day, n := range perDay {
		if n < 60 || n > 140 {
			t.Errorf("%s: %d first screenings, want about 100", day, n)
		}
	}
}
