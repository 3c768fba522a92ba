package staff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/calendar"
	"carepath/careplan"
	"carepath/instrument"
	"carepath/rules"
	"carepath/web"
)

// TestRenderEveryPage renders each page template with representative data,
// so that a template that only fails at run time (on an error path, say)
// fails here.
func TestRenderEveryPage(t *testing.T) {
	s := &Server{Server: &web.Server{Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))}}
	v := &web.Viewer{Org: &carepath.Organization{Name: "Test Org", Demo: true}, Loc: time.UTC,
		User: &carepath.User{Email: "cm@example.org", Name: "Casey Morgan", Role: carepath.RoleCareManager}}
	signedIn := func() *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		return r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	}
	if err := s.loadAssets(); err != nil {
		t.Fatal(err)
	}
	if err := s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	p := &carepath.Patient{ID: "p1", Family: "Rivera", Given: "Emily", BirthDate: "1950-02-03", Sex: "female",
		Language: carepath.Coding{Code: "es", Display: "Spanish"}, MRN: "MRN1", Deceased: true}
	data := map[string]any{
		"patients.html": patientListData{Query: "riv", Patients: []*carepath.Patient{p}, Total: 41, From: 1, To: 1, NextURL: "/patients?offset=40",
			CareManager: "u1", Mine: true, CareManagers: []carepath.CaseloadCount{{User: v.User, Patients: 12}},
			Conditions: []carepath.ConditionCount{{Code: carepath.Coding{Code: "44054006", Display: "Diabetes"}, Patients: 3}},
			SortURL:    map[string]string{"name": "/patients?sort=-name", "birth": "/patients?sort=birth_date"}},
		"chart.html": func() chartData {
			num := []carepath.ObservationPoint{{Effective: "2025-01-02T10:00:00Z", Value: 142}, {Effective: "2025-06-02", Value: 128.5}}
			c := &carepath.Chart{Patient: p,
				Conditions: []carepath.Condition{{Code: carepath.Coding{Display: "Heart failure"}, ClinicalStatus: "active", Onset: "2020-03-01"}},
				Encounters: []carepath.Encounter{{Class: "IMP", PeriodStart: carepath.MustParseDateTime("2025-05-01T08:00:00Z"), PeriodEnd: carepath.MustParseDateTime("2025-05-04T12:00:00Z"), DischargeDisposition: carepath.Coding{Display: "Home"}}},
				Series:     []carepath.ObservationSeries{{Code: carepath.Coding{Code: "8480-6", Display: "Systolic"}, Unit: "mm[Hg]", Points: num}},
				Risk: []carepath.RiskScore{{Name: "LACE", Total: 13, Band: "high", Complete: true, Computed: time.Now(),
					Components: []carepath.RiskComponent{{Name: "L: length of stay", Points: 4, Why: "5 days"}}},
					{Name: "HOSPITAL", Total: 3, Band: "low", Computed: time.Now()}, {Name: "Charlson", Total: 5, Complete: true}},
				Transition: sampleTransition(),
				Reconciled: &carepath.MedicationList{TransitionID: "tr1", Reconciled: carepath.TransitionNote{At: time.Now(), ByName: "Casey Morgan"},
					Lines: sampleTransition().MedRec.Lines}}
			return chartData{Chart: c, Age: "1 Jan 1950 (76 y)", ActiveProblems: c.Conditions, HospitalStays: 1,
				Charts: []seriesChart{drawSeries("Blood pressure", c.Series)}, Latest: c.Series}
		}(),
		"signin.html":   signInData{Email: "cm@example.org", Next: "/patients", Problem: "The email or password is not right."},
		"error.html":    "Patient not found.",
		"password.html": passwordData{Must: true, Problem: "A password needs at least 12 characters."},
		"audit.html": auditPageData{Patient: "p1", Events: []*carepath.AuditEvent{{Seq: 7, At: time.Now(), Actor: "cm@example.org",
			Action: carepath.AuditPatientView, PatientID: "p1", PatientName: "Rivera, Ana", Object: "chart", Source: "192.0.2.1"}},
			Chain: &carepath.AuditVerification{Records: 7, HeadSeq: 7, HeadHash: "abc"}, NextURL: "/audit?after=7"},
		"work.html": workData{CanTeam: true, Total: 2, Kinds: taskKinds, Due: "overdue", Rows: []taskRow{s.taskRow(v, sampleTask(), "/work"),
			func() taskRow {
				r := s.taskRow(v, sampleTask(), "/work")
				r.OwnerID, r.Queue, r.CanClaim, r.Done = "", carepath.RoleCareManager, true, "Claimed"
				return r
			}()}},
		"task.html": s.taskRow(v, sampleTask(), "/tasks/t1"),
		"assessments.html": func() assessmentsData {
			total := 10
			a := &carepath.Assessment{ID: "a1", Instrument: "phq-9", AnsweredBy: "patient", Total: &total, Band: "moderate", Positive: true, Created: time.Now(),
				Points:   []carepath.AssessmentPoints{{ItemID: "44260-8", Answer: "Several days", Points: 1}},
				Findings: []carepath.AssessmentFinding{{Kind: "safety", Text: "PHQ-9 item 9: evaluate safety now"}}, TaskIDs: []string{"t1"}}
			return assessmentsData{Patient: p, Instruments: instrument.All, CanWrite: true, Taken: []assessmentView{viewAssessment(a)}, Just: "a1",
				Concerns: []carepath.HealthConcern{{ID: "c1", Domain: "housing", Why: "Mold", Status: carepath.ConcernProposed},
					{ID: "c2", Domain: "food", Status: carepath.ConcernConfirmed, Note: "Wants the pantry list", DecidedAt: time.Now()}}}
		}(),
		"careplan.html": func() carePlanData {
			plan := &carepath.CarePlan{ID: "cp1", PatientID: "p1", Status: carepath.PlanActive, Revision: 2, Updated: time.Now(), UpdatedBy: "u1",
				ReviewEveryDays: 90, Prognosis: "Stable with treatment",
				Problems: []carepath.PlanProblem{{ID: "pr1", Text: "High blood pressure", ConditionID: "c1",
					Goals: []carepath.Goal{{ID: "g1", Description: "Keep my pressure down", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80},
						Due: "2027-01-01", Priority: "high", Status: "active", Achievement: "improving", AchievementWhy: "from 150/92 to 138/84"}},
					Interventions: []carepath.Intervention{{ID: "i1", Kind: "education", Text: "Home readings", OwnerID: "u1", Due: "2026-12-01",
						Status: "planned", TaskID: "t1"}, {ID: "i2", Kind: "device", Text: "Cuff", Status: "done"}}}}}
			return carePlanData{Patient: p, Plan: plan, CanWrite: true, Templates: careplan.Templates, Measures: careplan.Measures,
				Kinds: careplan.InterventionKinds, Priorities: careplan.Priorities, Team: []carepath.User{*v.User}, Names: map[string]string{"u1": "Casey"},
				Elements: careplan.Completeness(plan, careplan.Facts{Now: time.Now()}), Missing: 8,
				Conditions: []carepath.Condition{{ID: "c1", Code: carepath.Coding{Display: "Essential hypertension"}}},
				Concerns:   []carepath.HealthConcern{{ID: "hc1", Domain: "food", Status: carepath.ConcernConfirmed}}, Saved: "2",
				CareTeam: &carepath.CareTeam{Staff: []carepath.CareTeamMember{{UserID: "u1", Role: carepath.CareTeamPrimaryCareManager, User: v.User}},
					Outside: []carepath.OutsideMember{{Name: "Dr. Lee", Role: "pcp", Phone: "555-0100"}}}, Roles: carepath.OutsideRoles,
				Sources: []carepath.SourceCarePlan{{ID: "s1", Category: carepath.Coding{Display: "Diabetes self management plan"}, Status: "active",
					PeriodStart: "2020-01-01", GoalIDs: []string{"sg1"}, Activities: []carepath.SourceCarePlanActivity{{Code: carepath.Coding{Display: "Diabetic diet"}}}}},
				SourceGoals: map[string]carepath.SourceGoal{"sg1": {ID: "sg1", Description: "A1c under 7", TargetDetail: "< 7 %"}}}
		}(),
		"careplan_revisions.html": func() planRevisionsData {
			plan := &carepath.CarePlan{Problems: []carepath.PlanProblem{{Text: "No car", Goals: []carepath.Goal{{Description: "Get to appointments", Measure: "yes-no", Status: "active"}}}}}
			return planRevisionsData{Patient: p, Revisions: []carepath.PlanRevision{{Revision: 2, At: time.Now(), ByName: "Casey", Why: "Eased the target"},
				{Revision: 1, At: time.Now(), ByName: "Casey", Why: "Plan established", Substantial: true}},
				Shown: &carepath.PlanRevision{Revision: 1, At: time.Now(), ByName: "Casey", Why: "Plan established", Plan: plan},
				A:     1, B: 2, Diff: []string{"Goal \"x\", target: a → b"}}
		}(),
		"careplan_copy.html": func() patientCopy {
			plan := &carepath.CarePlan{Revision: 3, Problems: []carepath.PlanProblem{{Text: "Diabetes",
				Goals:         []carepath.Goal{{Description: "Bajar mi azúcar", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, Due: "2027-05-01", Status: "active"}},
				Interventions: []carepath.Intervention{{Text: "Clase de diabetes", Due: "2026-12-04", Status: "planned"}}}}}
			team := &carepath.CareTeam{Staff: []carepath.CareTeamMember{{Role: carepath.CareTeamPrimaryCareManager, User: v.User}},
				Outside: []carepath.OutsideMember{{Name: "Dr. Lee", Role: "pcp", Phone: "555-0100"}}}
			c := buildPatientCopy(p, plan, team, nil, "es", time.UTC, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
			c.Ways, c.CanWrite = carepath.CopyWays, true
			return c
		}(),
		"transitions.html": func() transitionsData {
			return transitionsData{Rows: []transitionRow{newTransitionRow(sampleTransition(), time.Now(), time.UTC)}, Total: 120, From: 51, To: 100,
				PrevURL: "/transitions", NextURL: "/transitions?offset=100"}
		}(),
		"transition.html": func() transitionData {
			return transitionData{transitionRow: newTransitionRow(sampleTransition(), time.Now(), time.UTC), Patient: p, CanWrite: true,
				Outcomes: []string{carepath.OutcomeNoAnswer}, Complexities: carepath.TransitionComplexities, Decisions: carepath.MedDecisions,
				PatientTakes: carepath.PatientTakes, Saved: "contact"}
		}(),
		"programs.html": func() programsData {
			m, _ := billing.ParseMonth("2026-11", time.UTC)
			progs := &carepath.PatientPrograms{PatientID: "p1",
				Enrollments: []carepath.Enrollment{{ID: "e1", PatientID: "p1", Program: "CCM", Start: "2026-10-01", PractitionerName: "Dr. Lee", Eligibility: "2 chronic conditions"}},
				Consents: []carepath.Consent{{ID: "c1", PatientID: "p1", Program: "CCM", Method: "verbal", Given: time.Now(), ObtainedByName: "Casey", CostSharing: true,
					OnePractitioner: true, RightToStop: true}, {ID: "c0", PatientID: "p1", Program: "RPM", Method: "written", Given: time.Now(), Revoked: time.Now()}},
				Time: []carepath.TimeEntry{{ID: "t1", Program: "CCM", UserName: "Casey", Staff: "clinical staff", Start: time.Now(), Seconds: 25 * 60, Activity: "care plan", Interactive: true}}}
			progs.Bill = carepath.PatientMonthBill{Counted: map[string]int{"CCM": 25},
				Lines:     []carepath.BillingLine{{Program: "CCM", Code: "99490", Units: 1, Minutes: 25, Why: "25 minutes", Source: "CMS"}},
				NotBilled: []carepath.NotBilled{{Program: "CCM", Code: "99439", Minutes: 5, Why: "5 minutes past the 20"}}}
			progs.Eligibility = billing.Eligible([]carepath.Condition{{Code: carepath.Coding{System: "http://snomed.info/sct", Code: "84114007"}, ClinicalStatus: "active"}})
			return programsData{Patient: p, Month: "2026-11", MonthLabel: "November 2026", Programs: progs, Bill: &progs.Bill, CanWrite: true,
				Rows: programRows(progs, m), Practitioners: []*carepath.User{v.User}, Activities: carepath.TimeActivities, Saved: "time",
				IsPractitioner: true, Complexities: carepath.TransitionComplexities}
		}(),
		"billing.html": func() billingData {
			row := carepath.PatientBillingRow{PatientMonthBill: carepath.PatientMonthBill{PatientID: "p1", Counted: map[string]int{"CCM": 45},
				Lines:     []carepath.BillingLine{{Program: "CCM", Code: "99439", Units: 2, PractitionerID: "dr"}},
				NotBilled: []carepath.NotBilled{{Program: "PCM", Why: "CCM is billed", Kind: "rule"}}}, PatientName: "Rivera, Ana", MRN: "M1", Status: "ready",
				Adjustment: &carepath.PatientMonthBill{Lines: []carepath.BillingLine{{Code: "99439", Units: 2}}, NotBilled: []carepath.NotBilled{{Why: "replaced"}}}}
			rep := &carepath.BillingReport{Month: "2026-10", Closed: true, ClosedAt: time.Now(), ClosedByName: "Dr. Lee", Rows: []carepath.PatientBillingRow{row},
				SignOffs: map[string]time.Time{"dr": time.Now()}, Practitioner: map[string]string{"dr": "Dr. Lee"}}
			return billingData{Report: rep, MonthLabel: "October 2026", Prev: "2026-09", Next: "2026-11", Ended: true, Counts: map[string]int{"ready": 1},
				Statuses: billingStatuses, CanSignOff: true, CanClose: true, Saved: "close"}
		}(),
		"evidence.html": &web.EvidencePacket{PatientID: "p1", Patient: "Rivera, Ana", Month: "2026-10", Closed: true, Status: "ready",
			Lines: []web.EvidenceLine{{BillingLineJSON: web.BillingLineJSON{Program: "CCM", Code: "99490", Units: 1, Why: "25 minutes", Source: "CMS"},
				Consent:    &web.EvidenceConsent{Method: "verbal", Given: time.Now(), ObtainedBy: "Casey", CostSharing: true},
				Plan:       &web.EvidencePlan{Revision: 3, At: time.Now(), By: "Casey", Why: "Plan established", Substantial: true},
				Time:       []web.EvidenceTime{{Start: time.Now(), Seconds: 25 * 60, By: "Casey", Staff: "clinical staff", Activity: "care plan", Note: "n", Interactive: true}},
				Transition: &web.EvidenceTransition{Discharged: time.Now(), ContactDue: time.Now(), Contact: time.Now(), Elements: []string{"contact: ok"}}}},
			NotBilled: []web.NotBilledJSON{{Program: "CCM", Code: "99439", Minutes: 5, Why: "5 minutes", Kind: "threshold"}}},
		"contacts.html": contactsData{PatientContacts: &carepath.PatientContacts{Patient: p,
			Caregivers: []carepath.RelatedPerson{{ID: "rp1", Name: "Ana Rivera", Relationship: carepath.Coding{Display: "daughter"}}},
			Contacts: []carepath.Contact{{ID: "c1", Channel: carepath.ChannelPhone, Direction: carepath.ContactDirectionOut, Party: carepath.ContactCaregiver,
				PartyName: "Ana Rivera", At: time.Now(), Seconds: 420, Outcome: carepath.OutcomeReached, Interactive: true, Program: "CCM", Note: "weights reviewed", ByName: "Casey"}}},
			Channels: carepath.ContactChannels, Parties: carepath.ContactParties, Outcomes: carepath.ContactOutcomes, Programs: carepath.EnrollablePrograms,
			CanWrite: true, Now: "2026-12-08T10:00", Saved: true},
		"eligible.html": eligibleData{Program: "CCM", Programs: carepath.EnrollablePrograms, Total: 120, From: 1, To: 1, NextURL: "/programs/eligible?offset=50",
			Rows: []carepath.EligiblePatient{{Patient: p, Why: "2 chronic conditions expected to last 12 months: heart failure since 2019"}}},
		"templates.html": &templatesData{Templates: careplan.Templates, Problem: "The template cannot be saved: a template has a name.",
			Form: map[string]string{"goals": "Walk daily | yes-no"}},
		"rules.html": &rulesData{Rules: rules.BuiltIn, Bands: rules.ProtocolBands, Own: []carepath.Holiday{{Day: "2026-11-27", Name: "Day after Thanksgiving"}},
			Federal: calendar.FederalHolidays(2026), Notice: "Closed.", Problem: "A holiday needs a day."},
		"users.html": &usersData{Users: []*carepath.User{v.User, {ID: "u2", Email: "nurse@example.org", Role: carepath.RoleNurse,
			FailedSignIns: 9, ThrottledUntil: time.Now().Add(time.Hour), Created: time.Now()}}, Roles: carepath.Roles,
			Notice: "Account created.", Temporary: "abcd-efgh-jkmn-pqrs", For: "nurse@example.org", Problem: "A user with email x already exists."},
	}
	for _, name := range pages {
		d, ok := data[name]
		if !ok {
			t.Fatalf("no test data for %s", name)
		}
		w := httptest.NewRecorder()
		s.render(w, signedIn(), 200, name, "Title", d)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "Demo data") || !strings.Contains(body, "Test Org") || !strings.Contains(body, "Casey Morgan") {
			t.Fatalf("%s: %d\n%s", name, w.Code, body)
		}
		t.Logf("%s rendered %d bytes", name, len(body))
		// A transition's task shows the stay's readmission risk on the worklist.
		if name == "work.html" && !strings.Contains(body, `<span class="badge danger" title="Readmission risk at discharge">LACE 12 (high)</span>`) {
			t.Errorf("the worklist row lacks the LACE badge")
		}
	}
	// Every instrument's form: its items, numbered answers and, where
	// scored, their points.
	for _, in := range instrument.All {
		w := httptest.NewRecorder()
		s.render(w, signedIn(), 200, "assessments.html", "Title", assessmentsData{Patient: p, Form: in, SubmissionKey: "k", AnsweredBy: []string{"patient"}})
		body := w.Body.String()
		last := in.Items[len(in.Items)-1]
		if w.Code != 200 || !strings.Contains(body, `name="`+last.ID+`"`) || !strings.Contains(body, "<kbd>2</kbd>") ||
			strings.Contains(body, "(0)") != (in.TotalCode != "") {
			t.Fatalf("the %s form: %d\n%s", in.Name, w.Code, body)
		}
	}
	// Before sign-in there is no organization, user or banner.
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest("GET", "/signin", nil), 200, "signin.html", "Sign in", signInData{})
	if body := w.Body.String(); w.Code != 200 || strings.Contains(body, "Demo data") || strings.Contains(body, "Sign out") {
		t.Fatalf("sign-in page: %d\n%s", w.Code, body)
	}
	w = httptest.NewRecorder()
	s.renderError(w, httptest.NewRequest("GET", "/", nil), carepath.Errorf(carepath.ENOTFOUND, "Patient not found."))
	if w.Code != 404 || !strings.Contains(w.Body.String(), "Patient not found.") {
		t.Fatalf("renderError: %d %s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	s.Logger = discardLogger()
	s.renderError(w, httptest.NewRequest("GET", "/", nil), errors.New("pq: secret internal detail"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret") {
		t.Fatalf("internal error leaked or wrong status: %d %s", w.Code, w.Body.String())
	}
}

func sampleTask() *carepath.Task {
	return &carepath.Task{ID: "t1", PatientID: "p1", PatientName: "Rivera, Emily", Kind: "post-discharge-contact", Title: "Post-discharge call",
		Status: carepath.TaskAccepted, Priority: carepath.PriorityUrgent, OwnerID: "u1", OwnerName: "Casey Morgan", Due: time.Now().Add(-time.Hour),
		Attempts: 1, Outcome: carepath.OutcomeNoAnswer, Version: 2,
		Origin: carepath.TaskOrigin{By: "rule", RuleID: "tcm-contact", RuleVersion: 1, EventKey: carepath.EncounterEventKey("e1", carepath.StayDischarge),
			Reason: "Discharged from General Hospital on 2026-05-22; contact due within 2 business days", Facts: map[string]string{"hospital": "General Hospital", "lace": "LACE 12 (high)", "band": "high"}},
		History: []carepath.TaskEvent{{Seq: 1, At: time.Now(), Actor: "rule tcm-contact", Action: "created", To: "requested"}}}
}

// TestScoreChartBands: a score is drawn over its instrument's whole range,
// each band behind the line and named.
func TestScoreChartBands(t *testing.T) {
	s := carepath.ObservationSeries{Code: carepath.Coding{Code: "44261-6", Display: "PHQ-9 total"},
		Points: []carepath.ObservationPoint{{Effective: "2026-10-01T10:00:00Z", Value: 16}, {Effective: "2026-11-01T10:00:00Z", Value: 7}}}
	c := drawSeries("PHQ-9", []carepath.ObservationSeries{s}, instrument.PHQ9.Bands...)
	svg := string(c.SVG)
	if strings.Count(svg, "<rect ") != 5 || !strings.Contains(svg, "<title>moderately severe: 15-19</title>") ||
		!strings.Contains(svg, `text-anchor="end">27</text>`) || !strings.Contains(svg, `text-anchor="end">0</text>`) {
		t.Errorf("the PHQ-9 chart:\n%s", svg)
	}
	if strings.Contains(string(drawSeries("Weight", []carepath.ObservationSeries{s}).SVG), "<rect") {
		t.Error("a chart without bands has bands")
	}
}

// sampleTransition is an episode with every part filled in.
func sampleTransition() *carepath.Transition {
	d := time.Now().Add(-50 * time.Hour)
	by := &carepath.TransitionNote{At: time.Now(), ByName: "Casey Morgan", Note: "20 or 10 mg?"}
	return &carepath.Transition{ID: "tr1", PatientID: "p1", PatientName: "Rivera, Emily", EncounterID: "e1", Class: "IMP", Facility: "General Hospital",
		Admitted: d.Add(-72 * time.Hour), Discharged: d, Status: carepath.TransitionOpen, ContactDue: d.Add(48 * time.Hour), VisitDue: d.Add(72 * time.Hour),
		VisitDueHigh: d.Add(144 * time.Hour), VisitDueModerate: d.Add(13 * 24 * time.Hour), PeriodEnd: d.Add(29 * 24 * time.Hour),
		Band: "high", BandWhy: "LACE 12 (high)", Attempts: []carepath.TransitionNote{{At: time.Now(), ByName: "Casey Morgan", Outcome: "no answer"}},
		MedRec: carepath.MedRec{Lines: []carepath.MedRecLine{{Kind: "changed", Medicine: "lisinopril 20 MG", Before: "10 mg daily", After: "20 mg daily",
			Decision: carepath.MedClarify, DecidedBy: by}, {Kind: "new", Medicine: "furosemide 20 MG", After: "each morning"}}},
		Readmission: &carepath.Readmission{EncounterID: "e2", Admitted: time.Now(), Days: 2},
		Scores: []carepath.RiskScore{{Name: "LACE", Total: 12, Band: "high", Complete: true, Components: []carepath.RiskComponent{{Name: "L: length of stay", Points: 4, Why: "3 days"}}},
			{Name: "HOSPITAL", Total: 3, Band: "low", Components: []carepath.RiskComponent{{Name: "H: hemoglobin", Missing: true, Why: "none"}}}},
		Elements: []string{"contact: none yet"}, Tasks: []*carepath.Task{{ID: "t1", Title: "Post-discharge contact", Due: d, Status: carepath.TaskAccepted, OwnerName: "Casey"}},
		Version: 3}
}

// The board's visit deadline moves to TCM's day 7, then day 14, once the
// protocol's day has passed.
func TestTransitionRowVisitDeadline(t *testing.T) {
	d := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC) // a Monday
	tr := &carepath.Transition{Discharged: d, ContactDue: d.Add(48 * time.Hour), VisitDue: d.Add(72 * time.Hour),
		VisitDueHigh: d.Add(6 * 24 * time.Hour), VisitDueModerate: d.Add(13 * 24 * time.Hour), PeriodEnd: d.Add(29 * 24 * time.Hour)}
	for _, c := range []struct {
		now  time.Time
		want string
		late bool
	}{
		{d.Add(time.Hour), "due Thu 5 Nov", false},
		{d.Add(4 * 24 * time.Hour), "due Sun 8 Nov (day 7)", false},
		{d.Add(8 * 24 * time.Hour), "due Sun 15 Nov (day 14)", false},
		{d.Add(20 * 24 * time.Hour), "due Sun 15 Nov (day 14)", true},
	} {
		r := newTransitionRow(tr, c.now, time.UTC)
		if r.VisitState.Label != c.want || r.VisitState.Late != c.late {
			t.Errorf("at %s: %+v, want %q late %v", c.now, r.VisitState, c.want, c.late)
		}
	}
}

// testWriter writes a server's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// sparkSeries are a year of weekly blood pressures (two lines) and of
// monthly PHQ-9 totals, as a chart holds them.
func sparkSeries() (bp []carepath.ObservationSeries, phq carepath.ObservationSeries) {
	start := time.Date(2025, 12, 1, 9, 30, 0, 0, time.UTC)
	sys := carepath.ObservationSeries{Code: carepath.Coding{Code: "8480-6", Display: "Systolic blood pressure"}, Unit: "mm[Hg]"}
	dia := carepath.ObservationSeries{Code: carepath.Coding{Code: "8462-4", Display: "Diastolic blood pressure"}, Unit: "mm[Hg]"}
	for i := range 52 {
		at := start.AddDate(0, 0, 7*i).Format(time.RFC3339)
		sys.Points = append(sys.Points, carepath.ObservationPoint{Effective: at, Value: 150 - float64(i%17) - 0.5*float64(i%3)})
		dia.Points = append(dia.Points, carepath.ObservationPoint{Effective: at, Value: 92 - float64(i%11)})
	}
	phq = carepath.ObservationSeries{Code: carepath.Coding{Code: "44261-6", Display: "PHQ-9 total"}}
	for i := range 12 {
		phq.Points = append(phq.Points, carepath.ObservationPoint{Effective: start.AddDate(0, i, 0).Format(time.DateOnly), Value: float64(20 - i)})
	}
	return []carepath.ObservationSeries{sys, dia}, phq
}

// TestSparkGolden: the charts' SVG is drawn exactly as the golden files
// in testdata/ hold it (written by the first implementation, and kept
// when drawing was made faster).
func TestSparkGolden(t *testing.T) {
	bp, phq := sparkSeries()
	for name, c := range map[string]seriesChart{
		"spark-bp.svg":  drawSeries("Blood pressure (mm[Hg])", bp),
		"spark-phq.svg": drawSeries("PHQ-9 (depression)", []carepath.ObservationSeries{phq}, instrument.PHQ9.Bands...),
	} {
		got := string(c.SVG) + "\n" + c.Alt + "\n"
		path := filepath.Join("testdata", name)
		if os.Getenv("CAREPATH_WRITE_GOLDEN") != "" {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file:\n%s", name, got)
		}
	}
}

func BenchmarkDrawSeries(b *testing.B) {
	bp, phq := sparkSeries()
	b.ReportAllocs()
	for b.Loop() {
		drawSeries("Blood pressure (mm[Hg])", bp)
		drawSeries("PHQ-9 (depression)", []carepath.ObservationSeries{phq}, instrument.PHQ9.Bands...)
	}
}

// TestClientGoneIsNotAServerError: a request whose client left before the
// answer (its context canceled mid-read) is counted as 499 and not logged
// as a failure; it was "request failed" and a 500 for every connection a
// load test closed.
func TestClientGoneIsNotAServerError(t *testing.T) {
	var log strings.Builder
	s := &Server{Server: &web.Server{Logger: slog.New(slog.NewTextHandler(&log, nil))}}
	if err := s.loadAssets(); err != nil {
		t.Fatal(err)
	}
	if err := s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequestWithContext(ctx, "GET", "/patients/p1", nil)
	for name, fail := range map[string]func(http.ResponseWriter, *http.Request, error){"page": s.renderError, "api": s.WriteProblem} {
		w := httptest.NewRecorder()
		fail(w, r, fmt.Errorf("read chart: %w", context.Canceled))
		if w.Code != web.StatusClientClosed || strings.Contains(log.String(), "request failed") {
			t.Errorf("%s: status %d, log %q", name, w.Code, log.String())
		}
	}
	w := httptest.NewRecorder()
	s.renderError(w, httptest.NewRequest("GET", "/patients/p1", nil), errors.New("disk on fire"))
	if w.Code != http.StatusInternalServerError || !strings.Contains(log.String(), "request failed") {
		t.Errorf("a real failure: status %d, log %q", w.Code, log.String())
	}
}

// BenchmarkRenderChart renders the chart page of a patient with a typical
// record: a dozen problems and medications, thirty encounters, two small
// multiples, a care team, caregivers and coverage.
func BenchmarkRenderChart(b *testing.B) {
	s := &Server{Server: &web.Server{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	if err := s.loadAssets(); err != nil {
		b.Fatal(err)
	}
	if err := s.parseTemplates(); err != nil {
		b.Fatal(err)
	}
	v := &web.Viewer{Org: &carepath.Organization{Name: "Test Org"}, Loc: time.UTC,
		User: &carepath.User{Email: "cm@example.org", Name: "Casey Morgan", Role: carepath.RoleCareManager}}
	r := httptest.NewRequest("GET", "/patients/p1", nil)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	p := &carepath.Patient{ID: "p1", Family: "Rivera", Given: "Emily", BirthDate: "1950-02-03", Sex: "female", Phone: "555-0100",
		Language: carepath.Coding{Code: "es", Display: "Spanish"}, MRN: "MRN1",
		CareTeam: []carepath.CareTeamMember{{UserID: "u1", Role: carepath.CareTeamPrimaryCareManager, User: v.User}}}
	c := &carepath.Chart{Patient: p,
		Caregivers: []carepath.RelatedPerson{{Name: "Ana Rivera", Relationship: carepath.Coding{Display: "daughter"}, Phone: "555-0101", Active: true}},
		Coverage:   []carepath.Coverage{{PayorName: "Medicare", Status: "active", SubscriberID: "1EG4-TE5-MK72"}}}
	for i := range 12 {
		c.Conditions = append(c.Conditions, carepath.Condition{Code: carepath.Coding{Display: fmt.Sprintf("Condition %d", i)}, ClinicalStatus: "active", Onset: "2020-03-01"})
		c.Medications = append(c.Medications, carepath.Medication{Code: carepath.Coding{Display: fmt.Sprintf("Medicine %d", i)}, Status: "active", Dosage: "1 tablet daily"})
	}
	for i := range 30 {
		c.Encounters = append(c.Encounters, carepath.Encounter{Class: "AMB", PeriodStart: carepath.MustParseDateTime(fmt.Sprintf("2025-%02d-02T08:00:00Z", i%12+1)),
			Type: carepath.Coding{Display: "Office visit"}, ServiceProviderName: "Clinic"})
	}
	bp, phq := sparkSeries()
	d := chartData{Chart: c, Age: "3 Feb 1950 (76 y)", Primary: &p.CareTeam[0], CanWrite: true, Queues: taskQueues, DefaultDue: "2026-12-08",
		Charts:        []seriesChart{drawSeries("Blood pressure (mm[Hg])", bp), drawSeries("PHQ-9 (depression)", []carepath.ObservationSeries{phq}, instrument.PHQ9.Bands...)},
		EncounterRows: encounterRows(time.UTC, c.Encounters)}
	d.ActiveProblems, d.ActiveMeds = c.Conditions, c.Medications
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.render(w, r, http.StatusOK, "chart.html", "Rivera, Emily", d)
		if w.Code != http.StatusOK {
			b.Fatal(w.Body.String())
		}
	}
}
