package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carepath"
	"carepath/internal/pdftest"
)

// TestCarePlanPages: a care manager starts a plan from two templates,
// adds a goal, marks an intervention done, and reads what changed between
// revisions; the auditor reads the plan but has no forms.
func TestCarePlanPages(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	p := firstPatient(t, m)
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	page, _ := c.get(base + "/patients/" + p + "/careplan")
	if !strings.Contains(page, "No care plan yet") || !strings.Contains(page, `value="hypertension"`) {
		t.Fatalf("before a plan:\n%s", between(page, "<main", "</main>"))
	}
	page, resp := c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"templates"}, "revision": {"0"}, "template": {"hypertension", "transportation"}})
	if resp.Request.URL.Query().Get("saved") != "1" || !strings.Contains(page, "Bring my blood pressure under 130/80") ||
		!strings.Contains(page, "Set up rides: NEMT benefit") || !strings.Contains(page, "of 12 missing") {
		t.Fatalf("after the templates (%s):\n%s", resp.Request.URL, between(page, "<main", "</main>"))
	}
	problem := between(page, `<section class="problem" aria-labelledby="pr-`, `"`)
	page, resp = c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"goal"}, "revision": {"1"}, "problem": {problem},
		"description": {"Feel well enough to garden"}, "measure": {"yes-no"}, "due": {"2027-05-01"}, "priority": {"medium"},
		"responsible": {"me"}, "why": {"Agreed with the patient today"}})
	if resp.Request.URL.Query().Get("saved") != "2" || !strings.Contains(page, "Feel well enough to garden") {
		t.Fatalf("after adding a goal (%s):\n%s", resp.Request.URL, between(page, "<main", "</main>"))
	}
	// A stale form is refused, and comes back: what was typed is kept in
	// its form, with the plan as it now is and a link to what changed.
	stale, resp := c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"goal"}, "revision": {"1"}, "problem": {problem},
		"description": {"Walk to the mailbox every day"}, "measure": {"yes-no"}, "why": {"She asked for it"}})
	if resp.StatusCode != 409 || !strings.Contains(stale, `value="Walk to the mailbox every day"`) || !strings.Contains(stale, `value="She asked for it"`) ||
		!strings.Contains(stale, "/careplan/revisions?a=1&amp;b=2") || !strings.Contains(stale, "Feel well enough to garden") {
		t.Errorf("a stale form: %d\n%s", resp.StatusCode, between(stale, "<main", "</main>"))
	}
	// A target that is no number comes back beside the target, with the
	// rest of the goal as typed.
	bad, resp := c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"goal"}, "revision": {"2"}, "problem": {problem},
		"description": {"Keep my pressure down"}, "measure": {"bp"}, "target_op": {"<"}, "target": {"130 over 80"}, "why": {"Dr. Lee"}})
	goalForm := between(bad, `id="gd-`+problem+`"`, "</form>")
	if resp.StatusCode != 400 || !strings.Contains(goalForm, `value="130 over 80"`) || !strings.Contains(goalForm, `id="gt-`+problem+`-error"`) ||
		!strings.Contains(goalForm, "a target is a number") || !strings.Contains(bad, `value="Keep my pressure down"`) {
		t.Errorf("a bad target: %d\n%s", resp.StatusCode, goalForm)
	}
	item := between(page, `<tr id="i-`, `"`)
	page, _ = c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"status"}, "revision": {"2"}, "item": {item}, "status": {"done"},
		"why": {"Intervention marked done"}})
	if !strings.Contains(between(page, `<tr id="i-`+item, "</tr>"), `<span class="tag">done</span>`) {
		t.Errorf("the intervention after Done:\n%s", between(page, `<tr id="i-`+item, "</tr>"))
	}
	hist, _ := c.get(base + "/patients/" + p + "/careplan/revisions?a=1&b=3")
	if !strings.Contains(hist, "Goal added (High blood pressure): Feel well enough to garden, Yes or no") || !strings.Contains(hist, "status: planned → done") ||
		!strings.Contains(hist, "From the templates: Hypertension, Social need: transportation") {
		t.Errorf("the revisions page:\n%s", between(hist, "<main", "</main>"))
	}
	page, _ = c.post(base+"/patients/"+p+"/careteam", url.Values{"name": {"Dr. Lee"}, "role": {"pcp"}, "phone": {"555-0100"}})
	if team := between(page, `id="h-team"`, "</section>"); !strings.Contains(team, "Dr. Lee") || !strings.Contains(team, "primary care manager") {
		t.Errorf("the care team after adding the PCP:\n%s", team)
	}
	// The physician signs the revision she read; a care manager cannot.
	if _, resp := c.post(base+"/patients/"+p+"/careplan/sign", url.Values{"revision": {"3"}}); resp.StatusCode != 404 {
		t.Errorf("a care manager signs: %d", resp.StatusCode)
	}
	doctor := signIn(t, base, "physician@demo.carepath.example", DemoPassword)
	page, _ = doctor.get(base + "/patients/" + p + "/careplan")
	if !strings.Contains(page, "I have reviewed revision 3: sign") {
		t.Fatalf("the physician's view has no sign-off:\n%s", between(page, "<main", "</main>"))
	}
	if page, _ = doctor.post(base+"/patients/"+p+"/careplan/sign", url.Values{"revision": {"3"}}); !strings.Contains(page, "(revision 3)") ||
		strings.Contains(page, ": sign</button>") {
		t.Errorf("after signing:\n%s", between(page, "<main", "</h2>"))
	}
	// The patient's copy, in Spanish: their goals, what we will do, whom to
	// call; as a page and as a PDF a reader reads back; and its giving,
	// recorded.
	copyPage, _ := c.get(base + "/patients/" + p + "/careplan/copy?lang=es")
	if !strings.Contains(copyPage, "Mis metas") || !strings.Contains(copyPage, "Feel well enough to garden") ||
		!strings.Contains(copyPage, "Presión arterial menos de 130/80") || !strings.Contains(copyPage, "Dr. Lee: 555-0100") {
		t.Errorf("the patient's copy:\n%s", between(copyPage, "<main", "</main>"))
	}
	resp, err := c.c.Get(base + "/patients/" + p + "/careplan/copy.pdf?lang=es")
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfResponse(t, resp); !strings.Contains(text, "Mi plan de cuidado") || !strings.Contains(text, "Feel well enough to garden") ||
		!strings.Contains(text, "Presión arterial menos de 130/80") {
		t.Errorf("the PDF's text:\n%s", text)
	}
	page, _ = c.post(base+"/patients/"+p+"/careplan/copy", url.Values{"revision": {"3"}, "how": {"in-person"}, "language": {"es"}})
	if !strings.Contains(page, "The patient's copy: revision 3, in-person (es)") {
		t.Errorf("the plan after giving the copy:\n%s", between(page, "<main", "</h2>"))
	}
	if _, resp := c.post(base+"/patients/"+p+"/careplan/copy", url.Values{"revision": {"3"}, "how": {"carrier pigeon"}}); resp.StatusCode != 400 {
		t.Errorf("a copy given by pigeon: %d", resp.StatusCode)
	}
	auditor := signIn(t, base, "auditor@demo.carepath.example", DemoPassword)
	if page, _ := auditor.get(base + "/patients/" + p + "/careplan"); !strings.Contains(page, "Feel well enough to garden") || strings.Contains(page, `name="do"`) {
		t.Errorf("the auditor's view:\n%s", between(page, "<main", "</main>"))
	}
}

// pdfResponse is a PDF answer's text.
func pdfResponse(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	return pdftest.Text(t, b)
}

// TestAdoptImportedPlan: a plan the demo's source sent (as Synthea sends
// them) is shown as imported, and adopted into the living plan as a
// problem with its goals and activities.
func TestAdoptImportedPlan(t *testing.T) {
	m := startDemo(t, 30)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 30})
	if err != nil {
		t.Fatal(err)
	}
	var patient string
	var source carepath.SourceCarePlan
	for _, p := range ps {
		chart, err := m.DB.FindChart(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range chart.CarePlans {
			if len(cp.GoalIDs) > 0 && len(cp.Activities) > 0 {
				patient, source = p.ID, cp
			}
		}
	}
	if patient == "" {
		t.Fatal("no demo patient has an imported plan with goals and activities")
	}
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	page, _ := c.get(base + "/patients/" + patient + "/careplan")
	if !strings.Contains(page, "Plans from other sources") || !strings.Contains(page, `name="source" value="`+source.ID+`"`) {
		t.Fatalf("the imported plan is not shown:\n%s", between(page, "<main", "</main>"))
	}
	page, resp := c.post(base+"/patients/"+patient+"/careplan", url.Values{"do": {"adopt"}, "source": {source.ID}, "revision": {"0"}})
	title := source.Title
	if title == "" {
		title = source.Category.Display
	}
	if resp.Request.URL.Query().Get("saved") != "1" || !strings.Contains(page, title) || !strings.Contains(page, source.Activities[0].Code.Display) {
		t.Errorf("after adopting %s (%s):\n%s", source.ID, resp.Request.URL, between(page, "<main", "</main>"))
	}
	revs, _ := c.get(base + "/patients/" + patient + "/careplan/revisions")
	if !strings.Contains(revs, "Adopted the imported plan") || !strings.Contains(revs, "CarePlan/"+source.ID) {
		t.Errorf("the revision does not say where the plan came from:\n%s", between(revs, "<main", "</main>"))
	}
}

// TestAdminTemplates: an administrator adds the organization's own
// template (a bad one is refused with what is wrong, and kept in the
// form); care managers then start plans from it; others may not add one.
func TestAdminTemplates(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	admin := signIn(t, base, "admin@demo.carepath.example", DemoPassword)
	bad := url.Values{"name": {"CKD stage 3"}, "problem": {"Chronic kidney disease"}, "goals": {"Keep my kidneys working | kidney | < 1"}}
	if page, resp := admin.post(base+"/admin/templates", bad); resp.StatusCode != 400 || !strings.Contains(page, `there is no measure &#34;kidney&#34;`) ||
		!strings.Contains(page, "Keep my kidneys working | kidney") {
		t.Errorf("a bad template: %d\n%s", resp.StatusCode, between(page, "<main", "</main>"))
	}
	good := url.Values{"name": {"CKD stage 3"}, "problem": {"Chronic kidney disease"}, "icd10": {"N18.3"}, "source": {"KDIGO 2024"},
		"goals":         {"Keep my blood pressure under 130/80 | bp | < 130/80 | 180 | 90 | high\nStay off dialysis | yes-no | | 365"},
		"interventions": {"medication | Review medicines that harm the kidneys | 2 | 14\nreferral | Refer to nephrology | | 30"}}
	page, resp := admin.post(base+"/admin/templates", good)
	if resp.Request.URL.Path != "/admin/templates" || !strings.Contains(page, "Template added") || !strings.Contains(page, `CKD stage 3 <span class="tag">ours</span>`) {
		t.Fatalf("adding a template (%s):\n%s", resp.Request.URL, between(page, "<main", "</main>"))
	}
	id := resp.Request.URL.Query().Get("added")
	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	if _, resp := c.post(base+"/admin/templates", good); resp.StatusCode != 404 {
		t.Errorf("a care manager adds a template: %d", resp.StatusCode)
	}
	p := firstPatient(t, m)
	page, _ = c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"templates"}, "revision": {"0"}, "template": {id}})
	if !strings.Contains(page, "Refer to nephrology") || !strings.Contains(page, "Stay off dialysis") {
		t.Errorf("a plan from the organization's template:\n%s", between(page, "<main", "</main>"))
	}
}
