package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"carepath"
)

// apiGet calls the JSON API with a bearer token ("" for none).
func apiGet(t *testing.T, url, token string, into any) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, b)
		}
	}
	return resp, string(b)
}

func TestAPI(t *testing.T) {
	m := startDemo(t, 30)
	base := m.Server.URL()
	ctx := context.Background()
	org, system := demoOrg(t, m)
	cm, err := m.DB.FindUserByEmail(system, "cm@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := m.DB.CreateAPIToken(system, cm.ID, "test")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ token, want string }{{"", "Send an API token"}, {"cpt_not-a-token", "not valid"}} {
		resp, body := apiGet(t, base+"/api/v1/patients", tc.token, nil)
		if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, tc.want) ||
			!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("token %q: %d %s %s", tc.token, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	if resp, body := apiGet(t, base+"/api/v1/patients?limit=abc", token, nil); resp.StatusCode != 400 || !strings.Contains(body, `"status": 400`) && !strings.Contains(body, `"status":400`) {
		t.Errorf("bad limit: %d %s", resp.StatusCode, body)
	}

	// Paging with the cursor visits every patient once.
	type page struct {
		Total    int
		Patients []struct{ ID, Family string }
		Next     string `json:"next_cursor"`
	}
	seen := map[string]bool{}
	url := base + "/api/v1/patients?limit=7"
	for pages := 0; url != ""; pages++ {
		var p page
		if resp, body := apiGet(t, url, token, &p); resp.StatusCode != 200 || p.Total != 30 {
			t.Fatalf("%s: %d %s", url, resp.StatusCode, body)
		}
		for _, x := range p.Patients {
			if seen[x.ID] {
				t.Fatalf("patient %s listed twice", x.ID)
			}
			seen[x.ID] = true
		}
		url = ""
		if p.Next != "" {
			url = base + "/api/v1/patients?limit=7&cursor=" + p.Next
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 30 {
		t.Fatalf("paged through %d patients, want 30", len(seen))
	}

	var id string
	for id = range seen {
		break
	}
	var chart struct {
		Patient  struct{ ID string }
		CareTeam []struct{ Name string } `json:"care_team"`
		Problems []any
		Results  []any
	}
	if resp, body := apiGet(t, base+"/api/v1/patients/"+id, token, &chart); resp.StatusCode != 200 || chart.Patient.ID != id || len(chart.CareTeam) != 1 {
		t.Fatalf("chart: %d %s", resp.StatusCode, body)
	}
	if resp, body := apiGet(t, base+"/api/v1/patients/no-such-patient", token, nil); resp.StatusCode != 404 || !strings.Contains(body, "not found") {
		t.Errorf("unknown patient: %d %s", resp.StatusCode, body)
	}

	// The whole record, as the sources sent it, is a FHIR bundle download.
	var record struct {
		ResourceType string
		Entry        []struct {
			Resource struct{ ResourceType, ID string }
		}
	}
	resp, body := apiGet(t, base+"/api/v1/patients/"+id+"/record", token, &record)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/fhir+json" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		record.ResourceType != "Bundle" || len(record.Entry) < 2 || record.Entry[0].Resource.ID != id {
		t.Fatalf("record: %d %s %q, %d entries: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"),
			resp.Header.Get("Content-Disposition"), len(record.Entry), body)
	}

	// Every entry once; the patient's problems among them.
	seenEntry, conditions := map[string]bool{}, 0
	for _, e := range record.Entry {
		key := e.Resource.ResourceType + "/" + e.Resource.ID
		if seenEntry[key] {
			t.Errorf("record lists %s twice", key)
		}
		seenEntry[key] = true
		if e.Resource.ResourceType == "Condition" {
			conditions++
		}
	}
	if conditions != len(chart.Problems) {
		t.Errorf("record has %d conditions, the chart %d problems", conditions, len(chart.Problems))
	}

	// Operations: readiness, metrics by route, request ids.
	resp, body = apiGet(t, base+"/readyz", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "ready") || len(resp.Header.Get("X-Request-Id")) != 16 {
		t.Errorf("readyz: %d %s, request id %q", resp.StatusCode, body, resp.Header.Get("X-Request-Id"))
	}
	_, body = apiGet(t, base+"/metrics", "", nil)
	for _, want := range []string{`carepath_http_requests_total{route="GET /api/v1/patients",status="200"} 5`,
		`carepath_http_requests_total{route="GET /api/v1/patients",status="401"} 2`,
		`carepath_http_request_duration_seconds_count{route="GET /api/v1/patients/{id}"} 2`, "carepath_go_goroutines",
		`carepath_chart_cache_total{result="miss"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}

	// The API's reads are in the audit trail under the token's user.
	auditor, _ := m.DB.FindUserByEmail(system, "auditor@demo.carepath.example")
	events, err := m.DB.FindAuditEvents(carepath.NewContextWithActor(ctx, &carepath.Actor{User: auditor, OrgID: org.ID}),
		carepath.AuditFilter{ActorID: cm.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	views, exports := 0, 0
	for _, e := range events {
		if e.PatientID == id {
			switch e.Action {
			case carepath.AuditPatientView:
				views++
			case carepath.AuditExport:
				exports++
			}
		}
	}
	if views != 1 || exports != 1 {
		t.Errorf("%d audited views and %d exports of %s through the API, want 1 each", views, exports, id)
	}
}
