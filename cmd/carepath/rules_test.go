package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/rules"
)

// TestRulesAndHolidays: administrators see the rules and keep the
// organization's holidays; a holiday moves the deadlines the rules set.
func TestRulesAndHolidays(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	admin := signIn(t, base, "admin@demo.carepath.example", DemoPassword)
	page, resp := admin.get(base + "/admin/rules")
	for _, want := range []string{"Post-discharge contact", "Transition of care by readmission risk", "within 3 business days after the discharge", "Weekly heart-failure check-in", "Overdue escalation", "MLN908628", "Juneteenth"} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("rules page lacks %q (%d)", want, resp.StatusCode)
		}
	}
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	if _, resp := cm.get(base + "/admin/rules"); resp.StatusCode != 404 {
		t.Errorf("a care manager reads the rules page: %d", resp.StatusCode)
	}
	if _, resp := cm.post(base+"/admin/holidays", url.Values{"do": {"add"}, "day": {"2030-01-02"}, "name": {"x"}}); resp.StatusCode != 404 {
		t.Errorf("a care manager adds a holiday: %d", resp.StatusCode)
	}
	if page, resp := admin.post(base+"/admin/holidays", url.Values{"do": {"add"}, "day": {"not a day"}, "name": {"x"}}); resp.StatusCode != 400 || !strings.Contains(page, "YYYY-MM-DD") {
		t.Errorf("a bad day: %d", resp.StatusCode)
	}

	// Close the next business day: a discharge an hour ago is then due a
	// business day later than it would be.
	loc, _ := time.LoadLocation(org.TimeZone)
	cal, _ := calendar.New(loc, calendar.Weekdays, true, nil)
	now := time.Now()
	closed := cal.NthBusinessDayAfter(calendar.DateOf(now.Add(-time.Hour), loc), 1)
	if page, resp := admin.post(base+"/admin/holidays", url.Values{"do": {"add"}, "day": {closed.String()}, "name": {"Staff retreat"}}); resp.StatusCode != 200 || !strings.Contains(page, "Staff retreat") {
		t.Fatalf("add holiday: %d", resp.StatusCode)
	}
	withRetreat, _ := calendar.New(loc, calendar.Weekdays, true, []calendar.Holiday{{Date: closed, Name: "Staff retreat"}})
	want := withRetreat.BusinessDaysAfter(now.Add(-time.Hour), 2)
	if want.Equal(cal.BusinessDaysAfter(now.Add(-time.Hour), 2)) {
		t.Fatal("the test's holiday changes nothing")
	}
	cmUser, _ := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 5})
	_, token, _ := m.DB.CreateAPIToken(sys, cmUser.ID, "feed")
	var answer struct {
		Tasks []struct {
			Kind string
			Due  time.Time
		} `json:"open_tasks"`
	}
	for _, p := range ps {
		if p.Deceased {
			continue
		}
		resp, body := apiSend(t, "POST", base+"/api/v1/patients/"+p.ID+"/encounters", token,
			`{"id": "holiday-test", "class": "IMP", "start": "`+now.Add(-50*time.Hour).UTC().Format(time.RFC3339)+`", "end": "`+now.Add(-time.Hour).UTC().Format(time.RFC3339)+`", "disposition": "home"}`, &answer)
		var contact []time.Time
		for _, task := range answer.Tasks {
			if task.Kind == rules.KindPostDischarge {
				contact = append(contact, task.Due)
			}
		}
		if resp.StatusCode != 201 || len(contact) != 1 || !contact[0].Equal(want) {
			t.Fatalf("the discharge's task, due %v: %d %s", want, resp.StatusCode, body)
		}
		break
	}

	if page, resp := admin.post(base+"/admin/holidays", url.Values{"do": {"remove"}, "day": {closed.String()}}); resp.StatusCode != 200 || strings.Contains(between(page, "own holidays", "</table>"), "Staff retreat") {
		t.Errorf("remove holiday: %d", resp.StatusCode)
	}
}
