package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"carepath"
)

func TestTransitionsAPI(t *testing.T) {
	m := startDemo(t, 20)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	token := apiToken(t, m, "cm@demo.carepath.example")
	auditor := apiToken(t, m, "auditor@demo.carepath.example")
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 20})
	var patient *carepath.Patient
	for _, p := range ps {
		if !p.Deceased {
			patient = p
			break
		}
	}
	end := time.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339)
	start := time.Now().Add(-100 * time.Hour).UTC().Format(time.RFC3339)
	if resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+patient.ID+"/encounters", token,
		`{"id": "api-stay", "class": "OBSENC", "start": "`+start+`", "end": "`+end+`", "facility": "Mercy Hospital"}`, nil); resp.StatusCode != 201 {
		t.Fatalf("discharge: %d %s", resp.StatusCode, body)
	}

	type episode struct {
		ID          string
		EncounterID string `json:"encounter_id"`
		Status      string
		Band        string
		Code        string
		Elements    []string
		Clock       struct {
			ContactDue time.Time `json:"contact_due"`
			NextDue    time.Time `json:"next_due"`
		}
		Attempts []struct{ Outcome, By string }
		Scores   []struct{ Name string }
		Tasks    []struct{ Kind, Status string }
		Version  int
	}
	var list struct{ Transitions []episode }
	if resp, body := apiSend(t, "GET", base+"/api/v1/transitions?status=open", token, "", &list); resp.StatusCode != 200 {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	var id string
	for _, e := range list.Transitions {
		if e.EncounterID == "api-stay" {
			id = e.ID
		}
	}
	if id == "" {
		t.Fatalf("the episode is not in the open list: %+v", list)
	}
	var e episode
	if resp, body := apiSend(t, "GET", base+"/api/v1/transitions/"+id, token, "", &e); resp.StatusCode != 200 || len(e.Scores) != 3 || len(e.Tasks) != 4 ||
		e.Band == "" || e.Clock.ContactDue.IsZero() || len(e.Elements) != 5 {
		t.Fatalf("one episode: %d %s", resp.StatusCode, body)
	}

	// Two attempts, then bad changes that write nothing.
	for _, outcome := range []string{carepath.OutcomeNoAnswer, carepath.OutcomeVoicemail} {
		if resp, body := apiSend(t, "PATCH", base+"/api/v1/transitions/"+id, token, fmt.Sprintf(`{"version": %d, "attempt": {"outcome": %q}}`, e.Version, outcome), &e); resp.StatusCode != 200 {
			t.Fatalf("attempt: %d %s", resp.StatusCode, body)
		}
	}
	if len(e.Attempts) != 2 || e.Attempts[1].By != "Casey Morgan" || !strings.Contains(strings.Join(e.Elements, "|"), "2 documented attempts within 2 business days") {
		t.Errorf("after two attempts: %+v", e)
	}
	version := e.Version
	for _, bad := range []struct {
		body   string
		status int
	}{
		{fmt.Sprintf(`{"version": %d, "complexity": "extreme"}`, version), 400},
		{fmt.Sprintf(`{"version": %d, "contact": {"at": %q}, "complexity": "high"}`, version, time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)), 400},
		{fmt.Sprintf(`{"version": %d, "complete": true}`, version), 400},
		{fmt.Sprintf(`{"version": %d, "decisions": [{"line": 99, "decision": "stop"}]}`, version), 400},
		{fmt.Sprintf(`{"version": %d, "visit": {}, "unknown": 1}`, version), 400},
		{fmt.Sprintf(`{"version": %d, "complexity": "high"}`, version-1), 409},
		{`{"complexity": "high"}`, 400}, // no version: it could undo what its author never saw
	} {
		if resp, body := apiSend(t, "PATCH", base+"/api/v1/transitions/"+id, token, bad.body, nil); resp.StatusCode != bad.status {
			t.Errorf("PATCH %s: %d, want %d\n%s", bad.body, resp.StatusCode, bad.status, body)
		}
	}
	if resp, _ := apiSend(t, "GET", base+"/api/v1/transitions/"+id, token, "", &e); resp.StatusCode != 200 || e.Version != version {
		t.Errorf("a refused change wrote something: version %d, want %d", e.Version, version)
	}
	// The auditor reads, and may not write.
	if resp, _ := apiSend(t, "GET", base+"/api/v1/transitions/"+id, auditor, "", nil); resp.StatusCode != 200 {
		t.Errorf("auditor read: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "PATCH", base+"/api/v1/transitions/"+id, auditor, fmt.Sprintf(`{"version": %d, "complexity": "high"}`, version), nil); resp.StatusCode != 404 {
		t.Errorf("auditor write: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "GET", base+"/api/v1/transitions?status=pending", token, "", nil); resp.StatusCode != 400 {
		t.Errorf("bad status: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "GET", base+"/api/v1/transitions/nope", token, "", nil); resp.StatusCode != 404 {
		t.Errorf("unknown episode: %d", resp.StatusCode)
	}
	// Closed by the care manager: off the open list, on the closed one,
	// and its tasks closed with it.
	if resp, body := apiSend(t, "PATCH", base+"/api/v1/transitions/"+id, token, fmt.Sprintf(`{"version": %d, "close": "patient moved out of the area"}`, e.Version), &e); resp.StatusCode != 200 || e.Status != "closed" {
		t.Fatalf("close: %d %s", resp.StatusCode, body)
	}
	for _, task := range e.Tasks {
		if task.Kind == "tcm-period-end" && task.Status != "completed" {
			t.Errorf("the period-end task after closing: %s", task.Status)
		}
	}
	var closed struct{ Transitions []episode }
	apiSend(t, "GET", base+"/api/v1/transitions?status=closed", token, "", &closed)
	if len(closed.Transitions) == 0 || closed.Transitions[0].ID != id {
		t.Errorf("closed list: %+v", closed)
	}
}

// TestRiskBadgeDate: the chart's risk badge is dated by the stay's
// discharge ("LACE 11, high at discharge 7 Dec" was the day the score was
// computed, for a discharge on 2 Dec).
func TestRiskBadgeDate(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	token := apiToken(t, m, "cm@demo.carepath.example")
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 5})
	var p *carepath.Patient
	for _, x := range ps {
		if !x.Deceased {
			p = x
			break
		}
	}
	end := time.Now().Add(-5 * 24 * time.Hour)
	if resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+p.ID+"/encounters", token, fmt.Sprintf(`{"id": "badge-stay", "class": "IMP", "start": %q, "end": %q,
		"facility": "Mercy Hospital", "disposition": "home"}`, end.Add(-72*time.Hour).UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)), nil); resp.StatusCode != 201 {
		t.Fatalf("the stay: %d %s", resp.StatusCode, body)
	}
	chart, _ := signIn(t, base, "cm@demo.carepath.example", DemoPassword).get(base + "/patients/" + p.ID)
	head := between(chart, `class="chart-head"`, "</header>")
	if want := "at discharge " + end.In(loc).Format("2 Jan 2006"); !strings.Contains(head, want) {
		t.Errorf("the risk badge lacks %q:\n%s", want, head)
	}
}
