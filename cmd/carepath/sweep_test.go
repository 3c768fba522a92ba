package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/rules"
)

// TestDemoDayOfWork: one sweep over the demo gives the care managers a day
// of work with reasons (check-ins for heart failure, contacts after recent
// discharges, escalations of the late ones), a second sweep adds nothing,
// and a discharge reported through the API has its task when the call
// returns.
func TestDemoDayOfWork(t *testing.T) {
	m := startDemo(t, 300)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, err := time.LoadLocation(org.TimeZone)
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCmd(t, "sweep", "--db", m.DB.DSN)
	if code != 0 || !strings.Contains(out, "patients enrolled") {
		t.Fatalf("carepath sweep: %d %s %s", code, out, errOut)
	}
	all := append(append([]carepath.TaskStatus{}, carepath.OpenTaskStatuses...), carepath.TaskCompleted)
	tasks, total, err := m.DB.FindTasks(sys, carepath.TaskFilter{AnyOwner: true, Hidden: true, Statuses: all, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, task := range tasks {
		kinds[task.Kind]++
		if task.Origin.By != "rule" || task.Origin.Reason == "" || task.Origin.RuleID == "" {
			t.Errorf("a demo task without its rule and reason: %+v", task)
		}
	}
	t.Logf("first sweep: %s; tasks by kind %v", strings.TrimSpace(out), kinds)
	if kinds[rules.KindCheckIn] == 0 || kinds[rules.KindPostDischarge] == 0 {
		t.Errorf("the demo's day lacks check-ins or post-discharge contacts: %v", kinds)
	}
	// Every patient is on a caseload and none was screened: the backlog of
	// social needs screenings is spread over 91 days, not all due today.
	if n, ps := kinds[rules.KindScreening], m.DemoPatients; n == 0 || n > ps/10 {
		t.Errorf("%d screening tasks on the first day for %d patients never screened, want a few", n, ps)
	}
	if code, out, _ = runCmd(t, "sweep", "--db", m.DB.DSN); code != 0 ||
		!strings.Contains(out, ": 0 events, 0 tasks from events, 0 patients enrolled, 0 check-ins, 0 screening schedules, 0 screenings due, 0 goal reviews, 0 escalations, 0 transitions closed, 0 episode tasks (") {
		t.Errorf("a second sweep did something: %s", out)
	}
	if _, again, _ := m.DB.FindTasks(sys, carepath.TaskFilter{AnyOwner: true, Hidden: true, Statuses: all, Limit: 1}); again != total {
		t.Errorf("tasks went from %d to %d on a second sweep", total, again)
	}

	// A check-in's patient: the chart shows the schedule, which a care
	// manager pauses (the auditor cannot).
	var hfPatient string
	for _, task := range tasks {
		if task.Kind == rules.KindCheckIn {
			hfPatient = task.PatientID
			break
		}
	}
	cmWeb := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	chart, _ := cmWeb.get(base + "/patients/" + hfPatient)
	if !strings.Contains(chart, "Recurring check-ins") || !strings.Contains(chart, "Weekly heart-failure check-in: every 7 days") {
		t.Fatalf("the chart does not show the check-in schedule:\n%s", between(chart, `id="h-tasks"`, "</section>"))
	}
	sid := rules.HeartFailureCheckIn.ID + ":" + hfPatient
	auditorWeb := signIn(t, base, "auditor@demo.carepath.example", DemoPassword)
	if _, resp := auditorWeb.post(base+"/patients/"+hfPatient+"/schedules/"+sid, url.Values{"status": {"paused"}}); resp.StatusCode != 404 {
		t.Errorf("the auditor pauses a schedule: %d", resp.StatusCode)
	}
	if _, resp := cmWeb.post(base+"/patients/"+hfPatient+"/schedules/"+sid, url.Values{"status": {"paused"}}); resp.Request.URL.Path != "/patients/"+hfPatient {
		t.Errorf("pause ended at %s", resp.Request.URL)
	}
	if chart, _ = cmWeb.get(base + "/patients/" + hfPatient); !strings.Contains(chart, `<span class="tag">paused</span>`) || !strings.Contains(chart, ">Resume<") {
		t.Errorf("after pausing:\n%s", between(chart, "Recurring check-ins", "</ul>"))
	}

	// A social needs screening due: the care manager records an AHC HRSN
	// for the patient, and the task is done by it; the chart shows the
	// schedule, last done today, next due in a year.
	var screen *carepath.Task
	for _, task := range tasks {
		if task.Kind == rules.KindScreening && task.Origin.RuleID == rules.SocialNeedsScreening.ID {
			screen = task
			break
		}
	}
	if screen == nil || !strings.HasPrefix(screen.Origin.Reason, "No social needs screening (AHC HRSN or PRAPARE) on record") {
		t.Fatalf("no social needs screening task with its reason: %+v", screen)
	}
	_, key := openAssessmentForm(t, cmWeb, base, screen.PatientID, "ahc-hrsn")
	form := url.Values{"instrument": {"ahc-hrsn"}, "answered_by": {"patient"}, "submission_key": {key}}
	for item, answer := range map[string]string{"71802-3": "LA31993-1", "96778-6": "LA9-3", "88122-7": "LA28398-8", "88123-5": "LA28398-8",
		"93030-5": "LA32-8", "96779-4": "LA32-8", "95618-5": "LA6270-8", "95617-7": "LA6270-8", "95616-9": "LA6270-8", "95615-1": "LA6270-8"} {
		form.Set(item, answer)
	}
	if _, resp := cmWeb.post(base+"/patients/"+screen.PatientID+"/assessments", form); resp.StatusCode != 200 {
		t.Fatalf("recording the AHC HRSN: %d", resp.StatusCode)
	}
	if done, err := m.DB.FindTaskByID(sys, screen.ID); err != nil || done.Status != carepath.TaskCompleted || !strings.Contains(done.Note, "AHC HRSN") {
		t.Errorf("the screening task after the screening: %+v %v", done, err)
	}
	chart, _ = cmWeb.get(base + "/patients/" + screen.PatientID)
	today := time.Now().In(loc).Format("2 Jan 2006")
	nextYear := time.Now().In(loc).AddDate(0, 0, 365).Format("Mon 2 Jan")
	if list := between(chart, "Recurring check-ins and screenings", "</ul>"); !strings.Contains(list, "Yearly social needs screening: every 365 days") ||
		!strings.Contains(list, "last done "+today) || !strings.Contains(list, "next due "+nextYear) {
		t.Errorf("the chart's screening schedule after the screening:\n%s", list)
	}

	// A discharge reported by the hospital's system: its task is in the
	// answer, owned by the patient's care manager.
	cm, _ := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	mine, _, err := m.DB.FindPatients(carepath.NewContextWithActor(sys, &carepath.Actor{User: cm, OrgID: cm.OrgID}),
		carepath.PatientFilter{CareManagerID: cm.ID, Limit: 50})
	if err != nil || len(mine) == 0 {
		t.Fatal(err)
	}
	var patient *carepath.Patient
	for _, p := range mine {
		if !p.Deceased {
			patient = p
			break
		}
	}
	_, token, _ := m.DB.CreateAPIToken(sys, cm.ID, "hospital feed")
	end := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	start := time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339)
	var answer struct {
		ID    string
		Tasks []struct {
			Kind    string
			OwnerID string `json:"owner_id"`
			Origin  struct{ Reason string }
		} `json:"open_tasks"`
	}
	began := time.Now()
	resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+patient.ID+"/encounters", token,
		`{"id": "adt-123", "class": "IMP", "start": "`+start+`", "end": "`+end+`", "facility": "Mercy Hospital", "disposition": "home"}`, &answer)
	took := time.Since(began)
	found, first := false, 0
	for _, task := range answer.Tasks {
		found = found || strings.Contains(task.Origin.Reason, "Discharged from Mercy Hospital") && task.OwnerID == cm.ID && task.Kind == rules.KindPostDischarge
		if strings.Contains(task.Origin.Reason, "Mercy Hospital") {
			first++
		}
	}
	if resp.StatusCode != 201 || answer.ID != "adt-123" || !found {
		t.Fatalf("reported discharge: %d %s", resp.StatusCode, body)
	}
	t.Logf("discharge to visible task: %s", took)
	// The stay is scored when the discharge is seen: LACE, HOSPITAL,
	// Charlson, each with its components.
	var risk struct {
		Scores []struct {
			Name        string
			EncounterID string `json:"encounter_id"`
			Total       int
			Components  []struct{ Name, Why string }
		}
	}
	// The scores come by name: Charlson, HOSPITAL, LACE.
	if resp, body := apiSend(t, "GET", base+"/api/v1/patients/"+patient.ID+"/risk", token, "", &risk); resp.StatusCode != 200 || len(risk.Scores) != 3 ||
		risk.Scores[2].Name != "LACE" || risk.Scores[2].EncounterID != "adt-123" || len(risk.Scores[2].Components) != 4 ||
		risk.Scores[2].Components[0].Why != "3 days" || risk.Scores[1].Name != "HOSPITAL" || len(risk.Scores[1].Components) != 7 {
		t.Errorf("the stay's scores: %d %s", resp.StatusCode, body)
	}
	// Reported again (a retried call): no second episode, no task twice.
	resp, body = apiSend(t, "POST", base+"/api/v1/patients/"+patient.ID+"/encounters", token,
		`{"id": "adt-123", "class": "IMP", "start": "`+start+`", "end": "`+end+`", "facility": "Mercy Hospital", "disposition": "home"}`, &answer)
	n := 0
	for _, task := range answer.Tasks {
		if strings.Contains(task.Origin.Reason, "Mercy Hospital") {
			n++
		}
	}
	if resp.StatusCode != 201 || n != first {
		t.Errorf("the same discharge twice: %d, %d tasks\n%s", resp.StatusCode, n, body)
	}
	for _, bad := range []string{`{"class": "IMP"}`, `{"class": "XYZ", "start": "` + start + `"}`, `{"class": "IMP", "start": "` + end + `", "end": "` + start + `"}`} {
		if resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+patient.ID+"/encounters", token, bad, nil); resp.StatusCode != 400 {
			t.Errorf("bad encounter %s: %d %s", bad, resp.StatusCode, body)
		}
	}
	if resp, _ := apiSend(t, "POST", base+"/api/v1/patients/nobody/encounters", token, `{"class": "IMP", "start": "`+start+`"}`, nil); resp.StatusCode != 404 {
		t.Errorf("unknown patient: %d", resp.StatusCode)
	}
}
