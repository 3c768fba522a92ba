package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/instrument"
	"carepath/internal/testdb"
	"carepath/rules"
)

// phq9 answers the PHQ-9 with these points (0-3) per item.
func phq9(points ...int) map[string][]string {
	codes := []string{"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
	a := map[string][]string{}
	for i, p := range points {
		a[instrument.PHQ9.Items[i].ID] = []string{codes[p]}
	}
	return a
}

func TestRecordAssessment(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		count := func(table string) int {
			t.Helper()
			var n int
			must(t, f.db.QueryRowForTest("SELECT COUNT(*) FROM "+table).Scan(&n))
			return n
		}
		// Item 9 answered "several days", total 6 (mild): a stat safety task
		// for the care manager taking it, whatever the total.
		phq := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, Language: "en",
			Answers: phq9(1, 1, 1, 1, 1, 0, 0, 0, 1), SubmissionKey: "form-1"}
		must(t, f.db.RecordAssessment(as(f.cm), phq))
		if phq.Total == nil || *phq.Total != 6 || phq.Band != "mild" || phq.Positive || len(phq.Findings) != 1 || phq.Findings[0].Kind != "safety" || len(phq.TaskIDs) != 1 {
			t.Fatalf("scored: total %v band %q positive %v findings %+v tasks %v", phq.Total, phq.Band, phq.Positive, phq.Findings, phq.TaskIDs)
		}
		task, err := f.db.FindTaskByID(as(f.cm), phq.TaskIDs[0])
		must(t, err)
		if task.Priority != carepath.PriorityStat || task.OwnerID != f.cm.ID || task.Origin.RuleID != rules.SafetyEvaluation.ID ||
			!strings.Contains(task.Origin.Reason, "item 9") || !task.Due.Equal(f.clock.now()) {
			t.Errorf("safety task: %+v", task)
		}
		// An item each and the total, coded.
		if n := count("observation WHERE category = 'survey' AND patient_id = 'p1'"); n != 10 {
			t.Errorf("%d survey observations, want 10", n)
		}
		var total float64
		must(t, f.db.QueryRowForTest("SELECT value_num FROM observation WHERE code = '44261-6' AND patient_id = 'p1'").Scan(&total))
		if total != 6 {
			t.Errorf("stored total %v", total)
		}

		// The same submission again: refused, nothing more stored.
		again := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), SubmissionKey: "form-1"}
		wantCode(t, "the same submission", f.db.RecordAssessment(as(f.cm), again), carepath.ECONFLICT)
		// Bad answers, bad instrument, nobody answering: refused, nothing stored.
		bad := phq9(0, 0, 0, 0, 0, 0, 0, 0)
		for name, a := range map[string]*carepath.Assessment{
			"a missing item":     {PatientID: "p1", Instrument: "phq-9", AnsweredBy: "patient", Answers: bad, SubmissionKey: "form-2"},
			"an unknown answer":  {PatientID: "p1", Instrument: "phq-9", AnsweredBy: "patient", Answers: map[string][]string{"44250-9": {"LA9-3"}}, SubmissionKey: "form-3"},
			"no such instrument": {PatientID: "p1", Instrument: "phq-10", AnsweredBy: "patient", Answers: bad, SubmissionKey: "form-4"},
			"nobody answering":   {PatientID: "p1", Instrument: "phq-9", Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), SubmissionKey: "form-5"},
			"no submission key":  {PatientID: "p1", Instrument: "phq-9", AnsweredBy: "patient", Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0)},
		} {
			wantCode(t, name, f.db.RecordAssessment(as(f.cm), a), carepath.EINVALID)
		}
		wantCode(t, "another organization's patient", f.db.RecordAssessment(as(f.outs), &carepath.Assessment{PatientID: "p1", Instrument: "phq-9",
			AnsweredBy: "patient", Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), SubmissionKey: "form-6"}), carepath.ENOTFOUND)
		wantCode(t, "the auditor", f.db.RecordAssessment(as(f.auditor), &carepath.Assessment{PatientID: "p1", Instrument: "phq-9",
			AnsweredBy: "patient", Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), SubmissionKey: "form-7"}), carepath.ENOTFOUND)
		if n := count("assessment"); n != 1 {
			t.Errorf("%d assessments stored, want 1", n)
		}
		if n := count("observation WHERE category = 'survey' AND patient_id = 'p1'"); n != 10 {
			t.Errorf("%d survey observations after the refusals, want 10", n)
		}

		// A correction keeps the original: it is marked amended, and its
		// coded observations give way to the correction's.
		f.clock.add(30e9)
		fix := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, AmendsID: phq.ID,
			Answers: phq9(1, 1, 1, 1, 1, 0, 0, 0, 0), SubmissionKey: "form-1-fix"}
		must(t, f.db.RecordAssessment(as(f.cm), fix))
		if n := count("observation WHERE category = 'survey' AND patient_id = 'p1'"); n != 10 {
			t.Errorf("%d survey observations after the correction, want 10 (the correction's)", n)
		}
		must(t, f.db.QueryRowForTest("SELECT value_num FROM observation WHERE code = '44261-6' AND patient_id = 'p1'").Scan(&total))
		if total != 5 || fix.Status != "final" || len(fix.Findings) != 0 {
			t.Errorf("after the correction: total %v, status %q, findings %v", total, fix.Status, fix.Findings)
		}
		twice := *fix
		twice.SubmissionKey, twice.AmendsID = "form-1-fix-2", phq.ID
		wantCode(t, "amending an amended one", f.db.RecordAssessment(as(f.cm), &twice), carepath.ECONFLICT)
		other := *fix
		other.SubmissionKey, other.AmendsID, other.Instrument = "form-1-fix-3", fix.ID, "phq-2"
		other.Answers = map[string][]string{"44250-9": {"LA6568-5"}, "44255-8": {"LA6568-5"}}
		wantCode(t, "amending with another instrument", f.db.RecordAssessment(as(f.cm), &other), carepath.EINVALID)
		elsewhere := *fix
		elsewhere.SubmissionKey, elsewhere.AmendsID, elsewhere.PatientID = "form-1-fix-4", fix.ID, "p2"
		wantCode(t, "amending another patient's", f.db.RecordAssessment(as(f.cm), &elsewhere), carepath.ENOTFOUND)

		// A social-needs screen: domains, sdoh observations, no total.
		ahc := &carepath.Assessment{PatientID: "p1", Instrument: "ahc-hrsn", AnsweredBy: carepath.AnsweredByCaregiver, SubmissionKey: "form-8",
			Answers: map[string][]string{"71802-3": {"LA31994-9"}, "96778-6": {"LA28580-1", "LA32001-2"}, "88122-7": {"LA28398-8"}, "88123-5": {"LA28398-8"},
				"93030-5": {"LA32-8"}, "96779-4": {"LA32-8"}, "95618-5": {"LA6270-8"}, "95617-7": {"LA6270-8"}, "95616-9": {"LA6270-8"}, "95615-1": {"LA6270-8"}}}
		f.clock.add(60e9)
		must(t, f.db.RecordAssessment(as(f.cm), ahc))
		if ahc.Total != nil || !ahc.Positive || len(ahc.TaskIDs) != 0 {
			t.Errorf("AHC: total %v positive %v tasks %v", ahc.Total, ahc.Positive, ahc.TaskIDs)
		}
		if n := count("observation WHERE category = 'sdoh' AND patient_id = 'p1'"); n != 11 {
			t.Errorf("%d sdoh observations, want 11 (two for the two housing problems)", n)
		}

		// The positive housing domain is proposed, not added: a person
		// confirms it with the patient.
		concerns, err := f.db.FindHealthConcerns(as(f.cm), "p1")
		must(t, err)
		if len(concerns) != 1 || concerns[0].Domain != instrument.DomainHousing || concerns[0].Status != carepath.ConcernProposed ||
			!strings.Contains(concerns[0].Why, "Mold") || concerns[0].AssessmentID != ahc.ID {
			t.Fatalf("proposed concerns: %+v", concerns)
		}
		again2 := *ahc
		again2.SubmissionKey = "form-9"
		must(t, f.db.RecordAssessment(as(f.cm), &again2))
		if concerns, _ = f.db.FindHealthConcerns(as(f.cm), "p1"); len(concerns) != 1 {
			t.Errorf("a second positive screen proposed housing again: %+v", concerns)
		}
		wantCode(t, "the auditor decides", f.db.DecideHealthConcern(as(f.auditor), "p1", concerns[0].ID, carepath.ConcernConfirmed, ""), carepath.ENOTFOUND)
		wantCode(t, "another organization decides", f.db.DecideHealthConcern(as(f.outs), "p1", concerns[0].ID, carepath.ConcernConfirmed, ""), carepath.ENOTFOUND)
		wantCode(t, "neither confirmed nor declined", f.db.DecideHealthConcern(as(f.cm), "p1", concerns[0].ID, "maybe", ""), carepath.EINVALID)
		must(t, f.db.DecideHealthConcern(as(f.cm), "p1", concerns[0].ID, carepath.ConcernConfirmed, "She agrees; wants help with the landlord"))
		wantCode(t, "deciding twice", f.db.DecideHealthConcern(as(f.cm), "p1", concerns[0].ID, carepath.ConcernDeclined, ""), carepath.ECONFLICT)
		if concerns, _ = f.db.FindHealthConcerns(as(f.cm), "p1"); concerns[0].Status != carepath.ConcernConfirmed || concerns[0].DecidedBy != f.cm.ID ||
			concerns[0].Note != "She agrees; wants help with the landlord" || concerns[0].DecidedAt.IsZero() {
			t.Errorf("confirmed concern: %+v", concerns[0])
		}

		list, err := f.db.FindAssessments(as(f.nurse), "p1")
		must(t, err)
		if len(list) != 4 || list[0].Instrument != "ahc-hrsn" || list[3].Instrument != "phq-9" || *list[3].Total != 6 || list[3].TaskIDs[0] != phq.TaskIDs[0] ||
			len(list[3].Points) != 9 || list[3].Status != "amended" || list[2].AmendsID != phq.ID || list[2].Status != "final" ||
			list[0].Domains[0].Domain != instrument.DomainHousing || !list[0].Domains[0].Positive {
			t.Errorf("assessments listed: %+v", list)
		}
		one, err := f.db.FindAssessment(as(f.nurse), "p1", phq.ID)
		if err != nil || one.ID != phq.ID || one.Status != "amended" || *one.Total != 6 {
			t.Errorf("one assessment: %+v %v", one, err)
		}
		_, err = f.db.FindAssessment(as(f.cm), "p2", phq.ID)
		wantCode(t, "an assessment under another patient", err, carepath.ENOTFOUND)
		_, err = f.db.FindAssessments(as(f.outs), "p1")
		wantCode(t, "another organization's list", err, carepath.ENOTFOUND)
	})
}

func TestAssessmentDrafts(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		d := &carepath.Assessment{PatientID: "p1", Instrument: "gad-7", AnsweredBy: "patient", Answers: map[string][]string{"69725-0": {"LA6570-1"}}}
		must(t, f.db.SaveAssessmentDraft(as(f.cm), d))
		d.Answers["68509-9"] = []string{"LA6569-3"}
		must(t, f.db.SaveAssessmentDraft(as(f.cm), d)) // replaces the first
		got, err := f.db.FindAssessmentDraft(as(f.cm), "p1", "gad-7")
		must(t, err)
		if len(got.Answers) != 2 || got.Answers["68509-9"][0] != "LA6569-3" || got.AnsweredBy != "patient" {
			t.Errorf("the draft: %+v", got)
		}
		_, err = f.db.FindAssessmentDraft(as(f.cm2), "p1", "gad-7")
		wantCode(t, "another user's draft", err, carepath.ENOTFOUND)
		wantCode(t, "a draft with a bad answer", f.db.SaveAssessmentDraft(as(f.cm), &carepath.Assessment{PatientID: "p1", Instrument: "gad-7",
			Answers: map[string][]string{"69725-0": {"LA9-3"}}}), carepath.EINVALID)
		wantCode(t, "another organization's patient", f.db.SaveAssessmentDraft(as(f.outs), &carepath.Assessment{PatientID: "p1", Instrument: "gad-7"}), carepath.ENOTFOUND)
		wantCode(t, "the auditor", f.db.SaveAssessmentDraft(as(f.auditor), &carepath.Assessment{PatientID: "p1", Instrument: "gad-7"}), carepath.ENOTFOUND)
		all := map[string][]string{}
		for _, it := range instrument.GAD7.Items {
			all[it.ID] = []string{"LA6568-5"}
		}
		must(t, f.db.RecordAssessment(as(f.cm), &carepath.Assessment{PatientID: "p1", Instrument: "gad-7", AnsweredBy: "patient", Answers: all, SubmissionKey: "g1"}))
		_, err = f.db.FindAssessmentDraft(as(f.cm), "p1", "gad-7")
		wantCode(t, "the draft after the assessment was saved", err, carepath.ENOTFOUND)
	})
}

// TestTypedAnswers: numbers and words are stored as given (cleaned), as
// observations with a number or text value, and exported as FHIR values;
// a PRAPARE need the AHC already proposed is not proposed twice.
func TestTypedAnswers(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		prapare := &carepath.Assessment{PatientID: "p1", Instrument: "prapare", AnsweredBy: carepath.AnsweredByPatient, Language: "es", SubmissionKey: "p-1",
			Answers: map[string][]string{"56051-6": {"LA33-6"}, "32624-9": {"LA4457-3", "LA46-8"}, "93035-4": {"LA32-8"}, "93034-7": {"LA32-8"},
				"54899-0": {"LA30188-9"}, "63512-8": {" 3 "}, "71802-3": {"LA30190-5"}, "93033-9": {"LA30122-8"}, "56799-0": {"  Car on 5th St  "},
				"82589-3": {"LA30192-1"}, "67875-5": {"LA17956-6"}, "76437-3": {"LA17849-3"}, "63586-2": {"1.25e4"}, "93031-3": {"LA30125-1", "LA30129-3"},
				"93030-5": {"LA32-8"}, "93029-7": {"LA30131-9"}, "93038-8": {"LA13914-9"}, "93028-9": {""}}}
		must(t, f.db.RecordAssessment(as(f.cm), prapare))
		var positive []string
		for _, d := range prapare.Domains {
			if d.Positive {
				positive = append(positive, d.Domain)
			}
		}
		if got := strings.Join(positive, ","); got != "housing,food,material security,stress,employment" {
			t.Errorf("PRAPARE needs %s", got)
		}
		var household, income float64
		var unit, address string
		must(t, f.db.QueryRowForTest("SELECT value_num, unit FROM observation WHERE code = '63512-8' AND patient_id = 'p1' AND category = 'sdoh'").Scan(&household, &unit))
		must(t, f.db.QueryRowForTest("SELECT value_num FROM observation WHERE code = '63586-2' AND patient_id = 'p1'").Scan(&income))
		must(t, f.db.QueryRowForTest("SELECT value_text FROM observation WHERE code = '56799-0' AND patient_id = 'p1'").Scan(&address))
		if household != 3 || unit != "people" || income != 12500 || address != "Car on 5th St" {
			t.Errorf("stored household %v %s, income %v, address %q", household, unit, income, address)
		}
		if prapare.Answers["93028-9"] != nil {
			t.Errorf("a blank answer was kept: %q", prapare.Answers["93028-9"])
		}

		// Housing again from the AHC: already proposed, not twice; food is.
		f.clock.add(60e9)
		ahc := &carepath.Assessment{PatientID: "p1", Instrument: "ahc-hrsn", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "a-1",
			Answers: map[string][]string{"71802-3": {"LA31995-6"}, "96778-6": {"LA9-3"}, "88122-7": {"LA6729-3"}, "88123-5": {"LA28398-8"},
				"93030-5": {"LA32-8"}, "96779-4": {"LA32-8"}, "95618-5": {"LA6270-8"}, "95617-7": {"LA6270-8"}, "95616-9": {"LA6270-8"}, "95615-1": {"LA6270-8"}}}
		must(t, f.db.RecordAssessment(as(f.cm), ahc))
		concerns, err := f.db.FindHealthConcerns(as(f.cm), "p1")
		must(t, err)
		if len(concerns) != 5 {
			t.Errorf("%d concerns proposed, want 5 (housing and food once each): %+v", len(concerns), concerns)
		}

		// What matters: words, in the survey category.
		wm := &carepath.Assessment{PatientID: "p1", Instrument: "what-matters", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "w-1",
			Answers: map[string][]string{"what-matters-most": {"My granddaughter's wedding in June"}, "values": {"connecting"},
				"goal-1": {"Walk down the aisle with her, without stopping"}, "goal-2": {"  "}}}
		must(t, f.db.RecordAssessment(as(f.cm), wm))
		var goal string
		must(t, f.db.QueryRowForTest("SELECT value_text FROM observation WHERE code = 'goal-1' AND category = 'survey' AND patient_id = 'p1'").Scan(&goal))
		if goal != "Walk down the aisle with her, without stopping" || wm.Positive || len(wm.Domains) != 0 {
			t.Errorf("what matters: goal %q, %+v", goal, wm)
		}
		bad := &carepath.Assessment{PatientID: "p1", Instrument: "prapare", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "p-2",
			Answers: map[string][]string{"63512-8": {"lots"}}}
		wantCode(t, "a household of words", f.db.RecordAssessment(as(f.cm), bad), carepath.EINVALID)

		b, err := f.db.ExportPatientRecord(as(f.cm), "p1")
		must(t, err)
		for _, want := range []string{`"questionnaire":"http://loinc.org/q/93025-5"`, `"language":"es"`, `{"linkId":"63512-8"`, `"answer":[{"valueInteger":3}]`,
			`"answer":[{"valueDecimal":12500}]`, `"answer":[{"valueString":"Car on 5th St"}]`,
			`"answer":[{"valueString":"Walk down the aisle with her, without stopping"}]`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the export lacks %s", want)
			}
		}
	})
}

// TestCorrectionMakesNoSecondSafetyTask: a PHQ-9 whose item 9 made a
// safety task, corrected (item 9 taken back, then given again), still has
// the one task; the corrections carry it.
func TestCorrectionMakesNoSecondSafetyTask(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		tasks := func() int {
			var n int
			must(t, f.db.QueryRowForTest("SELECT COUNT(*) FROM task WHERE patient_id = 'p1'").Scan(&n))
			return n
		}
		before := tasks()
		first := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "s-1",
			Answers: phq9(1, 1, 1, 1, 1, 0, 0, 0, 2)}
		must(t, f.db.RecordAssessment(as(f.cm), first))
		last := first
		for i, item9 := range []int{0, 1} {
			f.clock.add(60e9)
			fix := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient, AmendsID: last.ID,
				SubmissionKey: "s-fix-" + string(rune('a'+i)), Answers: phq9(1, 1, 1, 1, 1, 0, 0, 0, item9)}
			must(t, f.db.RecordAssessment(as(f.cm), fix))
			if len(fix.TaskIDs) != 1 || fix.TaskIDs[0] != first.TaskIDs[0] {
				t.Errorf("correction %d: tasks %v, want the first's %v", i+1, fix.TaskIDs, first.TaskIDs)
			}
			last = fix
		}
		if n := tasks() - before; n != 1 {
			t.Errorf("%d safety tasks for one sitting, want 1", n)
		}
	})
}

// Scores another source sent (an EHR's PHQ-9 totals) are the patient's
// assessments too: listed with their band, dated in the organization's
// calendar, and not confused with the totals of assessments taken here.
func TestFindSourceScores(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		score := func(id, effective string, total float64) carepath.ImportResource {
			return carepath.ImportResource{Type: "Observation", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"Observation"}`),
				Record: &carepath.Observation{ID: id, PatientID: "p1", Status: "final", Category: "survey",
					Code: carepath.Coding{System: "http://loinc.org", Code: "44261-6"}, Effective: carepath.MustParseDateTime(effective), ValueNum: &total}}
		}
		_, err := f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			score("ehr-1", "2026-03-04", 12), score("ehr-2", "2026-05-01T02:00:00Z", 3)}}})
		must(t, err)
		taken := &carepath.Assessment{PatientID: "p1", Instrument: "phq-9", AnsweredBy: carepath.AnsweredByPatient,
			Answers: phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), SubmissionKey: "here"}
		must(t, f.db.RecordAssessment(as(f.cm), taken))

		newYork, _ := time.LoadLocation("America/New_York")
		list, err := f.db.FindSourceScores(as(f.cm), "p1")
		must(t, err)
		var got []string
		for _, a := range list {
			got = append(got, fmt.Sprintf("%s %s %s %d %s %s", a.ID, a.Status, a.Instrument, *a.Total, a.Band, a.Created.In(newYork).Format("2006-01-02 15:04")))
		}
		want := []string{
			"ehr-2 imported phq-9 3 minimal 2026-04-30 22:00",
			"ehr-1 imported phq-9 12 moderate 2026-03-04 00:00",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("scores from other sources:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		_, err = f.db.FindSourceScores(as(f.outs), "p1")
		wantCode(t, "another organization's patient", err, carepath.ENOTFOUND)
	})
}
