package main

import (
	"net/url"
	"strings"
	"testing"

	"carepath"
	"carepath/instrument"
)

// TestAssessmentAPI: the instruments are listed with their items and
// points; a PHQ-9 goes in and its score, band, safety finding and task
// come out; the same submission again is 409, bad answers 400, and neither
// stores anything; a read-only role may list but not record.
func TestAssessmentAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm, auditor := apiToken(t, m, "cm@demo.carepath.example"), apiToken(t, m, "auditor@demo.carepath.example")
	patient := firstPatient(t, m)

	var instruments struct {
		Instruments []struct {
			ID    string
			Items []struct {
				ID, Type string
				Min, Max float64
				Options  []struct {
					Code   string
					Points *int
				}
			}
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/instruments", cm, "", &instruments); resp.StatusCode != 200 || len(instruments.Instruments) != len(instrument.All) {
		t.Fatalf("instruments: %d %.300s", resp.StatusCode, body)
	}
	var phq9 = instruments.Instruments[0]
	for _, in := range instruments.Instruments {
		if in.ID == "phq-9" {
			phq9 = in
		}
	}
	if phq9.ID != "phq-9" || len(phq9.Items) != 9 || phq9.Items[8].ID != "44260-8" || *phq9.Items[8].Options[3].Points != 3 {
		t.Errorf("PHQ-9 as listed: %+v", phq9)
	}

	answers := func(item9 string) string {
		var parts []string
		for i, it := range phq9.Items {
			code := "LA6569-3" // several days
			if i == 8 {
				code = item9
			}
			parts = append(parts, `"`+it.ID+`": ["`+code+`"]`)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	body := `{"instrument": "phq-9", "answered_by": "patient", "language": "en", "submission_key": "call-1", "answers": ` + answers("LA6570-1") + `}`
	var got struct {
		ID, Band string
		Total    int
		Positive bool
		Findings []struct{ Kind, Text string }
		Tasks    []string
		Points   []struct{ Points int }
	}
	resp, out := apiSend(t, "POST", base+"/api/v1/patients/"+patient+"/assessments", cm, body, &got)
	if resp.StatusCode != 201 || got.Total != 10 || got.Band != "moderate" || !got.Positive || len(got.Findings) != 1 || got.Findings[0].Kind != "safety" ||
		len(got.Tasks) != 1 || len(got.Points) != 9 {
		t.Fatalf("record: %d %s", resp.StatusCode, out)
	}
	var task struct{ Priority, Title, Status string }
	if resp, out := apiSend(t, "GET", base+"/api/v1/tasks/"+got.Tasks[0], cm, "", &task); resp.StatusCode != 200 || task.Priority != "stat" || task.Title != "Safety evaluation now" {
		t.Errorf("the safety task: %d %s", resp.StatusCode, out)
	}
	for _, bad := range []struct {
		body string
		want int
	}{
		{body, 409}, // the same submission
		{`{"instrument": "phq-9", "answered_by": "patient", "submission_key": "call-2", "answers": {"44250-9": ["LA6569-3"]}}`, 400},
		{`{"instrument": "phq-9", "answered_by": "patient", "submission_key": "call-3", "answers": ` + answers("LA9-3") + `}`, 400},
		{`{"instrument": "phq-9", "answered_by": "patient", "submission_key": "call-4", "answers": {}, "score": 27}`, 400},
	} {
		if resp, out := apiSend(t, "POST", base+"/api/v1/patients/"+patient+"/assessments", cm, bad.body, nil); resp.StatusCode != bad.want ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST %.80s: %d %s, want %d", bad.body, resp.StatusCode, out, bad.want)
		}
	}
	if resp, _ := apiSend(t, "POST", base+"/api/v1/patients/"+patient+"/assessments", auditor,
		`{"instrument": "phq-9", "answered_by": "patient", "submission_key": "call-5", "answers": `+answers("LA6568-5")+`}`, nil); resp.StatusCode != 404 {
		t.Errorf("the auditor records an assessment: %d", resp.StatusCode)
	}
	var list struct {
		Assessments []struct{ ID string }
	}
	if resp, out := apiSend(t, "GET", base+"/api/v1/patients/"+patient+"/assessments", auditor, "", &list); resp.StatusCode != 200 ||
		len(list.Assessments) != 1 || list.Assessments[0].ID != got.ID {
		t.Errorf("list after the refusals: %d %s", resp.StatusCode, out)
	}

	// Words and numbers: the instrument list says each item's type, and
	// typed answers go in as strings.
	for _, in := range instruments.Instruments {
		if in.ID == "prapare" && (len(in.Items) != 21 || in.Items[5].Type != "integer" || in.Items[5].Min != 1 || in.Items[5].Max != 99 || in.Items[8].Type != "text") {
			t.Errorf("PRAPARE as listed: %+v", in.Items[5:9])
		}
	}
	var wm struct {
		Points []struct{ ItemID, Answer string } `json:"points"`
	}
	body = `{"instrument": "what-matters", "answered_by": "caregiver", "submission_key": "wm-1",
		"answers": {"what-matters-most": ["Staying in her own home"], "goal-1": ["  Get up the stairs without help  "]}}`
	if resp, out := apiSend(t, "POST", base+"/api/v1/patients/"+patient+"/assessments", cm, body, &wm); resp.StatusCode != 201 || len(wm.Points) != 2 ||
		wm.Points[1].Answer != "Get up the stairs without help" {
		t.Errorf("What matters by API: %d %s", resp.StatusCode, out)
	}
	body = `{"instrument": "prapare", "answered_by": "patient", "submission_key": "pr-1", "answers": {"63512-8": ["0"]}}`
	if resp, out := apiSend(t, "POST", base+"/api/v1/patients/"+patient+"/assessments", cm, body, nil); resp.StatusCode != 400 ||
		!strings.Contains(out, "item 63512-8 takes a number from 1 to 99, not 0") {
		t.Errorf("a household of none by API: %d %s", resp.StatusCode, out)
	}
}

// TestAssessmentPages: a PHQ-2 taken through the form is scored, proposes
// the PHQ-9 with a link to take it, and the same form sent twice is stored
// once.
func TestAssessmentPages(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	p := firstPatient(t, m)
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	_, key := openAssessmentForm(t, c, base, p, "phq-2")
	answers := url.Values{"instrument": {"phq-2"}, "answered_by": {"patient"}, "language": {"es"}, "submission_key": {key},
		"44250-9": {"LA6570-1"}, "44255-8": {"LA6569-3"}}
	page, resp := c.post(base+"/patients/"+p+"/assessments", answers)
	if resp.Request.URL.Path != "/patients/"+p+"/assessments" || !strings.Contains(page, "PHQ-2 of 3 (3 or more): give the PHQ-9") ||
		!strings.Contains(page, `assessments?take=phq-9">Take it now`) || !strings.Contains(page, "answered by patient · es") {
		t.Fatalf("after the PHQ-2 (%s):\n%s", resp.Request.URL, between(page, "<main", "</main>"))
	}
	if page, resp := c.post(base+"/patients/"+p+"/assessments", answers); resp.StatusCode != 409 || !strings.Contains(page, "already recorded") {
		t.Errorf("the same form again: %d", resp.StatusCode)
	}
	list, err := m.DB.FindAssessments(sys, p)
	if err != nil || len(list) != 1 {
		t.Fatalf("stored: %d assessments (%v)", len(list), err)
	}

	// Amend it: the form starts from its answers; the original stays,
	// marked amended.
	form, fixKey := openAssessmentForm(t, c, base, p, "phq-2&amends="+list[0].ID)
	if !strings.Contains(form, `value="LA6570-1" required checked`) || !strings.Contains(form, `name="amends" value="`+list[0].ID+`"`) {
		t.Fatalf("the amend form:\n%s", between(form, "<main", "</main>"))
	}
	fix := url.Values{"instrument": {"phq-2"}, "answered_by": {"patient"}, "submission_key": {fixKey},
		"amends": {list[0].ID}, "44250-9": {"LA6569-3"}, "44255-8": {"LA6569-3"}}
	page, _ = c.post(base+"/patients/"+p+"/assessments", fix)
	if !strings.Contains(page, `<span class="tag">amended</span>`) || !strings.Contains(page, `<span class="tag">correction</span>`) {
		t.Errorf("after the amendment:\n%s", between(page, "<main", "</main>"))
	}
	if list, _ = m.DB.FindAssessments(sys, p); len(list) != 2 || list[1].Status != "amended" || list[0].AmendsID != list[1].ID || *list[0].Total != 2 {
		t.Errorf("after the amendment: %+v", list)
	}
}

// TestHealthConcernConfirmation: a positive social-needs screen proposes
// its needs; none is on the record until the care manager confirms it with
// the patient, and the confirmation says who and what the patient said.
func TestHealthConcernConfirmation(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	p := firstPatient(t, m)
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	answers := url.Values{"instrument": {"ahc-hrsn"}, "answered_by": {"patient"}, "submission_key": {"screen-1"},
		"71802-3": {"LA31993-1"}, "96778-6": {"LA9-3"}, "88122-7": {"LA6729-3"}, "88123-5": {"LA28398-8"}, "93030-5": {"LA32-8"},
		"96779-4": {"LA32-8"}, "95618-5": {"LA6270-8"}, "95617-7": {"LA6270-8"}, "95616-9": {"LA6270-8"}, "95615-1": {"LA6270-8"}}
	page, _ := c.post(base+"/patients/"+p+"/assessments", answers)
	concerns := between(page, `id="concerns"`, "</section>")
	if !strings.Contains(concerns, `<span class="badge warn">food</span>`) || !strings.Contains(concerns, "Confirmed with the patient") {
		t.Fatalf("the proposed need:\n%s", concerns)
	}
	list, err := m.DB.FindHealthConcerns(sys, p)
	if err != nil || len(list) != 1 || list[0].Status != carepath.ConcernProposed {
		t.Fatalf("before the care manager acts: %+v %v", list, err)
	}
	page, _ = c.post(base+"/patients/"+p+"/concerns/"+list[0].ID, url.Values{"status": {"confirmed"}, "note": {"Runs out of food by the 20th"}})
	if concerns := between(page, `id="concerns"`, "</section>"); !strings.Contains(concerns, "food: confirmed") || !strings.Contains(concerns, "Runs out of food by the 20th") {
		t.Errorf("after confirming:\n%s", concerns)
	}
	cm, _ := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	if list, _ = m.DB.FindHealthConcerns(sys, p); list[0].Status != carepath.ConcernConfirmed || list[0].DecidedBy != cm.ID {
		t.Errorf("the confirmed concern: %+v", list[0])
	}
}

// TestAssessmentDraft: a PHQ-9 cut short is saved for later with the
// answers so far (no required answers yet); the same staff member's form
// resumes from them; saving the assessment removes the draft.
func TestAssessmentDraft(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	p := firstPatient(t, m)
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	_, key := openAssessmentForm(t, c, base, p, "phq-9")
	partial := url.Values{"instrument": {"phq-9"}, "answered_by": {"caregiver"}, "language": {"es"}, "submission_key": {key}, "draft": {"1"},
		"44250-9": {"LA6570-1"}, "44255-8": {"LA6569-3"}}
	if page, resp := c.post(base+"/patients/"+p+"/assessments", partial); resp.StatusCode != 200 || !strings.Contains(page, "Saved for later") {
		t.Fatalf("save for later: %d\n%s", resp.StatusCode, between(page, "<main", "</main>"))
	}
	if list, _ := m.DB.FindAssessments(sys, p); len(list) != 0 {
		t.Errorf("a draft was stored as an assessment: %+v", list)
	}
	bad := url.Values{"instrument": {"phq-9"}, "answered_by": {"patient"}, "submission_key": {key}, "draft": {"1"}, "44250-9": {"LA9-3"}}
	if _, resp := c.post(base+"/patients/"+p+"/assessments", bad); resp.StatusCode != 400 {
		t.Errorf("a draft with an answer not offered: %d", resp.StatusCode)
	}
	// Another care manager does not see Casey's draft.
	other := signIn(t, base, "cm2@demo.carepath.example", DemoPassword)
	if form, _ := other.get(base + "/patients/" + p + "/assessments?take=phq-9"); strings.Contains(form, "Resuming") {
		t.Error("another care manager resumes Casey's draft")
	}
	form, fullKey := openAssessmentForm(t, c, base, p, "phq-9")
	if !strings.Contains(form, "Resuming the draft") || !strings.Contains(form, `value="LA6570-1" required checked`) ||
		!strings.Contains(form, `<option value="caregiver" selected>`) || !strings.Contains(form, `<option value="es" selected>`) {
		t.Fatalf("the resumed form:\n%s", between(form, "<main", "</main>"))
	}
	full := url.Values{"instrument": {"phq-9"}, "answered_by": {"caregiver"}, "language": {"es"}, "submission_key": {fullKey}}
	for _, item := range []string{"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"} {
		full.Set(item, "LA6568-5")
	}
	c.post(base+"/patients/"+p+"/assessments", full)
	if form, _ := c.get(base + "/patients/" + p + "/assessments?take=phq-9"); strings.Contains(form, "Resuming") {
		t.Error("the draft outlived the saved assessment")
	}
}

// openAssessmentForm opens a patient's form for take (an instrument, with
// any further query) and returns it with its submission key.
func openAssessmentForm(t *testing.T, c *client, base, patient, take string) (form, key string) {
	t.Helper()
	form, _ = c.get(base + "/patients/" + patient + "/assessments?take=" + take)
	if key = between(form, `name="submission_key" value="`, `"`); len(key) < 16 {
		t.Fatalf("the %s form has no submission key:\n%s", take, form)
	}
	return form, key
}

// TestTypedAnswerForms: the What matters conversation and PRAPARE take
// words and numbers in the form, keep them in a draft, and show them back.
func TestTypedAnswerForms(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	p := firstPatient(t, m)
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)

	form, key := openAssessmentForm(t, c, base, p, "what-matters")
	if !strings.Contains(form, `<textarea name="goal-1" rows="2" maxlength="2000" aria-label="What is the one thing you most want to be able to do, or to work on, in the coming months?" required>`) {
		t.Fatalf("the What matters form:\n%s", between(form, "<main", "</main>"))
	}
	// A browser sends the empty boxes too.
	page, resp := c.post(base+"/patients/"+p+"/assessments", url.Values{"instrument": {"what-matters"}, "answered_by": {"patient"}, "language": {"en"},
		"submission_key": {key}, "what-matters-most": {"Getting back to my garden"}, "values": {"functioning", "enjoying-life"},
		"goal-1": {"Kneel and weed the tomatoes by spring"}, "goal-2": {""}, "goal-3": {""}, "worries": {"Falling when nobody is home"},
		"care-preferences": {""}, "support": {""}})
	result := between(page, `<article class="assessment-result"`, "</article>")
	if resp.StatusCode != 200 || !strings.Contains(result, "Kneel and weed the tomatoes by spring") || !strings.Contains(result, "Falling when nobody is home") ||
		strings.Contains(result, "negative") || strings.Contains(result, "positive") || strings.Count(result, "<tr>") != 5 {
		t.Fatalf("after What matters (%d):\n%s", resp.StatusCode, result)
	}

	// PRAPARE in parts, its numbers kept in a draft and given back.
	form, key = openAssessmentForm(t, c, base, p, "prapare")
	if !strings.Contains(form, `<h2 class="section">Family and home</h2>`) || !strings.Contains(form, `<input type="number" name="63512-8" min="1" max="99" step="1" value=""`) {
		t.Fatalf("the PRAPARE form:\n%s", between(form, "<main", "</main>"))
	}
	_, resp = c.post(base+"/patients/"+p+"/assessments", url.Values{"instrument": {"prapare"}, "answered_by": {"patient"}, "language": {"en"},
		"submission_key": {key}, "draft": {"1"}, "63512-8": {"4"}, "56799-0": {"12 Elm St"}, "63586-2": {""}, "71802-3": {"LA30189-7"}})
	if resp.StatusCode != 200 {
		t.Fatalf("saving the PRAPARE draft: %d", resp.StatusCode)
	}
	form, _ = openAssessmentForm(t, c, base, p, "prapare")
	if !strings.Contains(form, `name="63512-8" min="1" max="99" step="1" value="4"`) || !strings.Contains(form, `aria-label="What address do you live at?">12 Elm St</textarea>`) ||
		!strings.Contains(form, `value="LA30189-7" required checked`) {
		t.Errorf("the resumed PRAPARE form:\n%s", between(form, "<main", "</main>"))
	}
	page, resp = c.post(base+"/patients/"+p+"/assessments", url.Values{"instrument": {"prapare"}, "answered_by": {"patient"}, "submission_key": {key},
		"63512-8": {"four"}})
	if resp.StatusCode != 400 || !strings.Contains(page, `item 63512-8 takes a number, not &#34;four&#34;`) {
		t.Errorf("a household of words: %d\n%s", resp.StatusCode, between(page, "<main", "</main>"))
	}
}
