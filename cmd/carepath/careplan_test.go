package main

import (
	"net/url"
	"strings"
	"testing"
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
	// A stale form is refused.
	if _, resp := c.post(base+"/patients/"+p+"/careplan", url.Values{"do": {"goal"}, "revision": {"1"}, "problem": {problem},
		"description": {"x"}, "measure": {"yes-no"}, "why": {"x"}}); resp.StatusCode != 409 {
		t.Errorf("a stale form: %d", resp.StatusCode)
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
	auditor := signIn(t, base, "auditor@demo.carepath.example", DemoPassword)
	if page, _ := auditor.get(base + "/patients/" + p + "/careplan"); !strings.Contains(page, "Feel well enough to garden") || strings.Contains(page, `name="do"`) {
		t.Errorf("the auditor's view:\n%s", between(page, "<main", "</main>"))
	}
}
