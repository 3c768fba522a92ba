package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestNotesAPI: a note drafted, signed and amended through the API, each
// step from the version read; a sensitive note withheld from a care
// manager but listed.
func TestNotesAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm := apiToken(t, m, "cm@demo.carepath.example")
	nurse := apiToken(t, m, "nurse@demo.carepath.example")
	url := base + "/api/v1/patients/" + firstPatient(t, m) + "/notes"
	var n struct {
		ID, Status string
		Version    int
		Amendments []struct{ Why string }
		Withheld   bool
	}
	if resp, out := apiSend(t, "POST", url, cm, `{"template": "poem", "sections": []}`, nil); resp.StatusCode != 400 || !strings.Contains(out, `"field":"template"`) {
		t.Errorf("a bad note: %d %s", resp.StatusCode, out)
	}
	draft := `{"template": "check-in", "sections": [{"heading": "How the patient is", "text": "Better; walking daily."}]}`
	if resp, out := apiSend(t, "POST", url, cm, draft, &n); resp.StatusCode != 201 || n.Status != "draft" || n.Version != 1 {
		t.Fatalf("draft: %d %s", resp.StatusCode, out)
	}
	sign := base + "/api/v1/notes/" + n.ID + "/sign"
	if resp, _ := apiSend(t, "POST", sign, cm, `{"version": 2}`, nil); resp.StatusCode != 409 {
		t.Errorf("signing a version not read: %d", resp.StatusCode)
	}
	if resp, out := apiSend(t, "POST", sign, cm, `{"version": 1}`, &n); resp.StatusCode != 200 || n.Status != "signed" {
		t.Fatalf("signed: %d %s", resp.StatusCode, out)
	}
	amend := base + "/api/v1/notes/" + n.ID + "/amendments"
	if resp, out := apiSend(t, "POST", amend, nurse, `{"version": `+strconv.Itoa(n.Version)+`, "why": "distance", "text": "Walks 10 minutes."}`, &n); resp.StatusCode != 200 ||
		len(n.Amendments) != 1 || n.Amendments[0].Why != "distance" {
		t.Fatalf("amended: %d %s", resp.StatusCode, out)
	}
	bh := apiToken(t, m, "bh@demo.carepath.example")
	sensitive := `{"template": "soap", "sensitive": "substance use (42 CFR Part 2)", "sections": [{"heading": "Subjective", "text": "Drinking again."}]}`
	if resp, out := apiSend(t, "POST", url, bh, sensitive, &n); resp.StatusCode != 201 {
		t.Fatalf("a sensitive draft: %d %s", resp.StatusCode, out)
	}
	if resp, out := apiSend(t, "POST", base+"/api/v1/notes/"+n.ID+"/sign", bh, `{"version": 1}`, nil); resp.StatusCode != 200 {
		t.Fatalf("signing it: %d %s", resp.StatusCode, out)
	}
	var list struct {
		Notes []struct {
			ID       string
			Withheld bool
			Sections []struct{ Text string }
		}
	}
	resp, out := apiSend(t, "GET", url, cm, "", &list)
	if resp.StatusCode != 200 || len(list.Notes) != 2 || strings.Contains(out, "Drinking") {
		t.Fatalf("the care manager's list: %d %s", resp.StatusCode, out)
	}
	for _, x := range list.Notes {
		if (x.ID == n.ID) != x.Withheld {
			t.Errorf("note %s withheld %v", x.ID, x.Withheld)
		}
	}
}
