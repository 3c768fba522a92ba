package main

import (
	"strings"
	"testing"
	"time"
)

// TestContactsAPI: a contact logged through the API, with its minutes as
// CCM time, is listed; a bad one is refused with each problem named; the
// auditor logs none.
func TestContactsAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm := apiToken(t, m, "cm@demo.carepath.example")
	auditor := apiToken(t, m, "auditor@demo.carepath.example")
	url := base + "/api/v1/patients/" + firstPatient(t, m) + "/contacts"
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	body := `{"channel": "phone", "direction": "outbound", "party": "patient", "at": "` + at + `", "seconds": 420, "outcome": "reached patient",
		"interactive": true, "note": "reviewed weights", "program": "CCM"}`
	var c struct {
		ID, Outcome string
		TimeEntryID string `json:"time_entry_id"`
		By          string
	}
	if resp, out := apiSend(t, "POST", url, cm, body, &c); resp.StatusCode != 201 || c.ID == "" || c.TimeEntryID == "" || c.By == "" {
		t.Fatalf("logged: %d %s", resp.StatusCode, out)
	}
	bad := strings.Replace(strings.Replace(body, `"phone"`, `"pigeon"`, 1), `"reached patient"`, `"maybe"`, 1)
	if resp, out := apiSend(t, "POST", url, cm, bad, nil); resp.StatusCode != 400 || !strings.Contains(out, `"field":"channel"`) || !strings.Contains(out, `"field":"outcome"`) {
		t.Errorf("a bad contact: %d %s", resp.StatusCode, out)
	}
	if resp, _ := apiSend(t, "POST", url, auditor, strings.Replace(body, "420", "60", 1), nil); resp.StatusCode != 404 {
		t.Errorf("the auditor logged a contact: %d", resp.StatusCode)
	}
	var list struct{ Contacts []struct{ ID string } }
	if resp, out := apiSend(t, "GET", url, auditor, "", &list); resp.StatusCode != 200 || len(list.Contacts) != 1 || list.Contacts[0].ID != c.ID {
		t.Errorf("list: %d %s", resp.StatusCode, out)
	}
}
