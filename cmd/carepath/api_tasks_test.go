package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"carepath"
)

// apiSend sends a JSON body with a bearer token and decodes a 2xx answer.
func apiSend(t *testing.T, method, url, token, body string, into any) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, b)
		}
	}
	return resp, string(b)
}

// apiToken issues an API token for a demo user.
func apiToken(t *testing.T, m *Main, email string) string {
	t.Helper()
	_, sys := demoOrg(t, m)
	u, err := m.DB.FindUserByEmail(sys, email)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := m.DB.CreateAPIToken(sys, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// firstPatient is a demo patient's id.
func firstPatient(t *testing.T, m *Main) string {
	t.Helper()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil || len(ps) == 0 {
		t.Fatalf("no demo patient: %v", err)
	}
	return ps[0].ID
}

func TestTaskAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	token := func(email string) string { return apiToken(t, m, email) }
	cm, cm2, auditor, nurse := token("cm@demo.carepath.example"), token("cm2@demo.carepath.example"), token("auditor@demo.carepath.example"),
		token("nurse@demo.carepath.example")
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	patient := ps[0].ID
	due := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)

	// Bad bodies are refused whole.
	for _, bad := range []string{`{"title": "x"`, `{"title": "x", "colour": "red"}`, `{"patient_id": "` + patient + `", "kind": "general", "queue": "care_manager"}`} {
		if resp, body := apiSend(t, "POST", base+"/api/v1/tasks", cm, bad, nil); resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST %s: %d %s", bad, resp.StatusCode, body)
		}
	}
	if resp, _ := apiSend(t, "POST", base+"/api/v1/tasks", auditor, `{"kind":"general","title":"x","queue":"care_manager","due":"`+due+`"}`, nil); resp.StatusCode != 404 {
		t.Errorf("the auditor creates a task: %d", resp.StatusCode)
	}

	var task struct {
		ID, Status, Title string
		Version           int
		Origin            struct{ By, Reason string }
		History           []struct{ Action, From, To string }
	}
	resp, body := apiSend(t, "POST", base+"/api/v1/tasks", cm, `{"patient_id": "`+patient+`", "kind": "general", "title": "Confirm the cardiology appointment",
		"queue": "care_manager", "priority": "urgent", "due": "`+due+`", "reason": "Referral sent last week, no date yet"}`, &task)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/api/v1/tasks/"+task.ID || task.Status != "requested" || task.Origin.By != "person" {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}

	var list struct {
		Total int
		Tasks []struct {
			ID     string
			Origin struct{ Reason string }
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/worklist?overdue=true", cm2, "", &list); resp.StatusCode != 200 || list.Total != 1 ||
		list.Tasks[0].ID != task.ID || list.Tasks[0].Origin.Reason != "Referral sent last week, no date yet" {
		t.Fatalf("cm2's worklist (the care managers' queue): %d %s", resp.StatusCode, body)
	}

	// Claim, then a stale change is refused, then complete.
	if resp, body := apiSend(t, "PATCH", base+"/api/v1/tasks/"+task.ID, cm2, `{"owner_id": "`+ownerID(t, m, "cm2@demo.carepath.example")+`", "version": 1}`, &task); resp.StatusCode != 200 || task.Status != "accepted" {
		t.Fatalf("claim: %d %s", resp.StatusCode, body)
	}
	if resp, _ := apiSend(t, "PATCH", base+"/api/v1/tasks/"+task.ID, cm2, `{"status": "completed", "version": 1}`, nil); resp.StatusCode != 409 {
		t.Errorf("stale version: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "PATCH", base+"/api/v1/tasks/"+task.ID, nurse, `{"status": "completed"}`, nil); resp.StatusCode != 404 {
		t.Errorf("a nurse (not on the care team) completes cm2's task: %d", resp.StatusCode)
	}
	if resp, body := apiSend(t, "PATCH", base+"/api/v1/tasks/"+task.ID, cm2, `{"status": "completed", "outcome": "done", "note": "Appointment on the 3rd", "version": 2}`, &task); resp.StatusCode != 200 || task.Status != "completed" {
		t.Fatalf("complete: %d %s", resp.StatusCode, body)
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/tasks/"+task.ID, auditor, "", &task); resp.StatusCode != 200 || len(task.History) != 4 ||
		task.History[3].To != "completed" {
		t.Errorf("task with history: %d %s", resp.StatusCode, body)
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/patients/"+patient+"/tasks?status=all", cm, "", &list); resp.StatusCode != 200 || list.Total != 1 {
		t.Errorf("patient's tasks: %d %s", resp.StatusCode, body)
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/patients/"+patient+"/tasks", cm, "", &list); resp.StatusCode != 200 || list.Total != 0 {
		t.Errorf("patient's open tasks after completion: %d %s", resp.StatusCode, body)
	}
	if resp, _ := apiSend(t, "GET", base+"/api/v1/patients/nobody/tasks", cm, "", nil); resp.StatusCode != 404 {
		t.Errorf("unknown patient's tasks: %d", resp.StatusCode)
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/tasks/"+task.ID, "cpt_not-a-token", "", nil); resp.StatusCode != 401 || !strings.Contains(body, "problem") && !strings.Contains(body, "status") {
		t.Errorf("bad token: %d %s", resp.StatusCode, body)
	}
}

func ownerID(t *testing.T, m *Main, email string) string {
	t.Helper()
	_, sys := demoOrg(t, m)
	u, err := m.DB.FindUserByEmail(sys, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
