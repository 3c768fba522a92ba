package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/rules"
)

// openEpisode reports a discharge of a living patient of cm's with at
// least two active medicines and no open episode, and returns the patient
// and the episode's id.
func openEpisode(t *testing.T, m *Main, email, stayID string) (*carepath.Patient, string) {
	t.Helper()
	org, sys := demoOrg(t, m)
	cm, err := m.DB.FindUserByEmail(sys, email)
	if err != nil {
		t.Fatal(err)
	}
	asCM := carepath.NewContextWithActor(sys, &carepath.Actor{User: cm, OrgID: org.ID})
	mine, _, err := m.DB.FindPatients(asCM, carepath.PatientFilter{CareManagerID: cm.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var patient *carepath.Patient
	for _, p := range mine {
		chart, err := m.DB.FindChart(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, med := range chart.Medications {
			if med.Status == "active" {
				active++
			}
		}
		if !p.Deceased && active >= 2 && chart.Transition == nil {
			patient = p
			break
		}
	}
	if patient == nil {
		t.Fatalf("no patient of %s with medicines and no open transition", email)
	}
	_, token, _ := m.DB.CreateAPIToken(sys, cm.ID, "hospital feed")
	end := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	start := time.Now().Add(-74 * time.Hour).UTC().Format(time.RFC3339)
	if resp, body := apiSend(t, "POST", m.Server.URL()+"/api/v1/patients/"+patient.ID+"/encounters", token,
		`{"id": "`+stayID+`", "class": "IMP", "start": "`+start+`", "end": "`+end+`", "facility": "Mercy Hospital", "disposition": "home"}`, nil); resp.StatusCode != 201 {
		t.Fatalf("reporting the discharge: %d %s", resp.StatusCode, body)
	}
	eps, _, err := m.DB.FindTransitions(asCM, carepath.TransitionFilter{Status: carepath.TransitionOpen, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		if e.EncounterID == stayID {
			return patient, e.ID
		}
	}
	t.Fatalf("no episode for %s", stayID)
	return nil, ""
}

// TestMedRecFormComesBack is the care manager's day: every line of the
// reconciliation decided, a medicine on neither list added, Complete
// ticked, Save. It was refused ("undecided: 6 (ibuprofen...)") and every
// decision typed was gone. Now the form comes back with every decision
// as typed and the problem beside the new medicine's decision; and the
// new medicine can be decided in the same form.
func TestMedRecFormComesBack(t *testing.T) {
	m := startDemo(t, 40)
	base := m.Server.URL()
	_, id := openEpisode(t, m, "cm@demo.carepath.example", "medrec-stay")
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	// Its task on the worklist offers no "Done": it leads to the episode,
	// where the reconciliation is recorded (and the task closes with it).
	_, sys := demoOrg(t, m)
	ep, err := m.DB.FindTransition(sys, id)
	if err != nil {
		t.Fatal(err)
	}
	var taskID string
	for _, task := range ep.Tasks {
		if task.Kind == rules.KindMedRec {
			taskID = task.ID
		}
	}
	work, _ := cm.get(base + "/tasks/" + taskID)
	row := between(work, `id="task-`+taskID+`"`, "</tr>")
	if !strings.Contains(row, "Record the medication reconciliation") || strings.Contains(row, `value="complete"`) || strings.Contains(row, "reached patient") {
		t.Errorf("the reconciliation's task row:\n%s", row)
	}
	if _, resp := cm.get(base + "/tasks/" + taskID + "/episode"); resp.Request.URL.Path != "/transitions/"+id {
		t.Errorf("from the task to the episode: at %s", resp.Request.URL)
	}
	page, _ := cm.get(base + "/transitions/" + id)
	form := between(page, `id="medrec-form"`, "</form>")
	lines := strings.Count(form, `name="decision`)
	version := between(form, `name="version" value="`, `"`)
	if lines < 2 || version == "" {
		t.Fatalf("the reconciliation form has %d lines:\n%s", lines, form)
	}
	typed := url.Values{"do": {"medrec"}, "version": {version}, "reported": {"ibuprofen 200 mg"}, "reported_dosage": {"as needed"},
		"reported_note": {"for knee pain"}, "complete": {"1"}}
	decisions := []string{carepath.MedContinue, carepath.MedStop}
	for i := range lines {
		k := fmt.Sprint(i)
		typed.Set("line"+k, "1")
		typed.Set("decision"+k, decisions[i%2])
		typed.Set("takes"+k, "as listed")
		typed.Set("note"+k, "checked with the patient, line "+k)
	}
	body, resp := cm.post(base+"/transitions/"+id, typed)
	if resp.StatusCode != http.StatusBadRequest || resp.Request.Method != http.MethodPost {
		t.Fatalf("an incomplete Complete: %d at %s %s", resp.StatusCode, resp.Request.Method, resp.Request.URL)
	}
	back := between(body, `id="medrec-form"`, "</form>")
	for i := range lines {
		k := fmt.Sprint(i)
		sel := regexp.MustCompile(`name="decision` + k + `"[^>]*>.*?<option selected>([a-z]+)</option>`).FindStringSubmatch(back)
		if sel == nil || sel[1] != decisions[i%2] || !strings.Contains(back, `value="checked with the patient, line `+k+`"`) {
			t.Errorf("line %d came back without what was typed (%v)", i+1, sel)
		}
	}
	for _, want := range []string{`value="ibuprofen 200 mg"`, `value="as needed"`, `value="for knee pain"`, `name="complete" value="1" checked`,
		`id="reported-decision-error"`, "is undecided", `class="form-error"`} {
		if !strings.Contains(back, want) {
			t.Errorf("the form that came back lacks %s:\n%s", want, back)
		}
	}
	// Decided in the same form, the new medicine completes it.
	typed.Set("reported_decision", carepath.MedStop)
	typed.Set("reported_decision_note", "NSAID with heart failure")
	if body, resp := cm.post(base+"/transitions/"+id, typed); resp.StatusCode != 200 || resp.Request.URL.Query().Get("saved") != "medrec" {
		t.Fatalf("the complete reconciliation: %d at %s: %s", resp.StatusCode, resp.Request.URL, between(body, `class="form-error"`, "</div>"))
	}
	if page, _ := cm.get(base + "/transitions/" + id); !strings.Contains(page, "✓ Completed") || !strings.Contains(page, "ibuprofen 200 mg") {
		t.Errorf("after completing: %s", between(page, `id="medrec-h"`, "</section>"))
	}
}

// TestTimeEntryFormComesBack: time that ends in the future was refused as
// "a start whose time has passed", an overlap was named in UTC (15:00 for
// 10:00 typed), and either threw the form away. Now each problem is beside
// the start, in the organization's time, with what was typed kept.
func TestTimeEntryFormComesBack(t *testing.T) {
	m := startDemo(t, 10)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	page := base + "/patients/" + ps[0].ID + "/programs"
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	local := func(t time.Time) string { return t.In(loc).Format("2006-01-02T15:04") }
	now := time.Now()

	form := url.Values{"do": {"time"}, "program": {"CCM"}, "activity": {"care plan"}, "start": {local(now.Add(-10 * time.Minute))},
		"minutes": {"30"}, "note": {"reviewed the plan with her daughter"}}
	body, resp := cm.post(page, form)
	ends := now.Add(-10 * time.Minute).Add(30 * time.Minute).In(loc).Format("15:04")
	if resp.StatusCode != 400 || !strings.Contains(body, "in the future: log it once it is worked") || !strings.Contains(body, ends) ||
		strings.Contains(body, "a start whose time has passed") {
		t.Errorf("time ending in the future: %d %s", resp.StatusCode, between(body, `id="time-form"`, "</form>"))
	}
	back := between(body, `id="time-form"`, "</form>")
	for _, want := range []string{`value="30"`, `value="reviewed the plan with her daughter"`, `id="time-start-error"`, `value="` + form.Get("start") + `"`} {
		if !strings.Contains(back, want) {
			t.Errorf("the time form came back without %s:\n%s", want, back)
		}
	}

	first := now.Add(-3 * time.Hour).Truncate(time.Minute)
	form.Set("start", local(first))
	form.Set("minutes", "20")
	if _, resp := cm.post(page, form); resp.StatusCode != 200 || resp.Request.URL.Query().Get("saved") != "time" {
		t.Fatalf("a good entry: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	form.Set("start", local(first.Add(5*time.Minute)))
	body, resp = cm.post(page, form)
	want := fmt.Sprintf("from %s to %s", first.In(loc).Format("Mon 2 Jan 15:04"), first.Add(20*time.Minute).In(loc).Format("15:04"))
	if resp.StatusCode != 409 || !strings.Contains(body, want) || strings.Contains(body, "UTC") || !strings.Contains(body, `id="time-start-error"`) {
		t.Errorf("an overlap: %d; want %q in %s", resp.StatusCode, want, between(body, `id="time-form"`, "</form>"))
	}
}

// TestAssessmentFormComesBack: a PHQ-9 sent with an item unanswered (the
// browser's own check passed by, as a script or an old browser does) comes
// back with every answer given, who answered and the language, and the
// problem beside the item.
func TestAssessmentFormComesBack(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	page, _ := cm.get(base + "/patients/" + ps[0].ID + "/assessments?take=phq-9")
	key := between(page, `name="submission_key" value="`, `"`)
	items := regexp.MustCompile(`<fieldset class="item" id="item-([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(items) != 9 || key == "" {
		t.Fatalf("the PHQ-9 form: %d items", len(items))
	}
	form := url.Values{"instrument": {"phq-9"}, "submission_key": {key}, "answered_by": {"caregiver"}, "language": {"es"}}
	for _, it := range items[:8] {
		form.Set(it[1], "LA6569-3") // several days
	}
	body, resp := cm.post(base+"/patients/"+ps[0].ID+"/assessments", form)
	last := items[8][1]
	if resp.StatusCode != 400 || !strings.Contains(body, `id="item-`+last+`-error"`) || !strings.Contains(body, "is not answered") {
		t.Fatalf("an incomplete PHQ-9: %d\n%s", resp.StatusCode, between(body, "<main", "</main>"))
	}
	if n := strings.Count(body, `value="LA6569-3" required checked`) + strings.Count(body, `value="LA6569-3" checked`); n != 8 {
		t.Errorf("%d of the 8 answers given came back checked", n)
	}
	if !strings.Contains(body, `<option value="caregiver" selected>`) || !strings.Contains(body, `<option value="es" selected>`) || !strings.Contains(body, `value="`+key+`"`) {
		t.Errorf("who answered, the language or the submission came back lost")
	}
	form.Set(last, "LA6568-5")
	if _, resp := cm.post(base+"/patients/"+ps[0].ID+"/assessments", form); resp.StatusCode != 200 || resp.Request.URL.Query().Get("just") == "" {
		t.Errorf("the completed PHQ-9: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}
