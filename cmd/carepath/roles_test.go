package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/fhirimport"
)

// TestRoleMatrix signs in as every role and calls every route, with ids of
// this organization and of another: what a role may not see answers "not
// found", exactly as what does not exist, and never shows the data.
func TestRoleMatrix(t *testing.T) {
	m := startDemo(t, 30)
	base := m.Server.URL()
	ctx := context.Background()
	_, demoCtx := demoOrg(t, m)

	// Another tenant, with a patient and staff of its own.
	other := &carepath.Organization{Name: "Other Clinic"}
	if err := m.DB.CreateOrganization(ctx, other); err != nil {
		t.Fatal(err)
	}
	otherCtx := carepath.NewContextWithActor(ctx, carepath.SystemActor(other.ID, "test", "cli"))
	bundle := `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"other-patient",
		"name":[{"family":"Zzyzxotherclinic","given":["Secret"]}],"birthDate":"1960-01-01"}}]}`
	path := filepath.Join(t.TempDir(), "other.json")
	os.WriteFile(path, []byte(bundle), 0o644)
	if rep, err := fhirimport.Import(otherCtx, m.DB, other.ID, []string{path}, fhirimport.Options{}); err != nil || len(rep.Failures) > 0 {
		t.Fatal(err, rep)
	}
	otherAdmin := &carepath.User{Email: "admin@other.example", Role: carepath.RoleAdministrator}
	if err := m.DB.CreateUser(otherCtx, otherAdmin, DemoPassword); err != nil {
		t.Fatal(err)
	}
	ps, _, err := m.DB.FindPatients(demoCtx, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	ours := ps[0].ID
	ourTask := &carepath.Task{Kind: "general", Title: "Role matrix task", PatientID: ours, Queue: carepath.RoleCareManager, Due: time.Now()}
	otherTask := &carepath.Task{Kind: "general", Title: "Zzyzxotherclinic task", PatientID: "other-patient", Queue: carepath.RoleCareManager, Due: time.Now()}
	for _, tc := range []struct {
		ctx  context.Context
		task *carepath.Task
	}{{demoCtx, ourTask}, {otherCtx, otherTask}} {
		if _, err := m.DB.CreateTask(tc.ctx, tc.task); err != nil {
			t.Fatal(err)
		}
	}
	// A care plan each, with a goal (the other organization's last).
	var otherGoal string
	for _, tc := range []struct {
		ctx           context.Context
		patient, text string
	}{{demoCtx, ours, "Lives alone"}, {otherCtx, "other-patient", "Zzyzxotherclinic problem"}} {
		plan := &carepath.CarePlan{PatientID: tc.patient, Status: carepath.PlanActive, Problems: []carepath.PlanProblem{{Text: tc.text,
			Goals: []carepath.Goal{{Description: tc.text, Measure: "yes-no", Status: carepath.GoalActive}}}}}
		if err := m.DB.SaveCarePlan(tc.ctx, plan, carepath.PlanChange{}); err != nil {
			t.Fatal(err)
		}
		otherGoal = plan.Problems[0].Goals[0].ID
	}

	// Signed out: pages send to sign-in, the API refuses.
	for _, path := range []string{"/", "/password", "/patients", "/patients/" + ours, "/patients/" + ours + "/record", "/audit", "/admin/users", "/work", "/tasks/" + ourTask.ID} {
		if _, resp := newClient(t).get(base + path); resp.Request.URL.Path != "/signin" {
			t.Errorf("signed out, GET %s landed on %s", path, resp.Request.URL)
		}
	}

	type route struct {
		path    string
		api     bool
		allowed func(carepath.Role) bool
	}
	everyone := func(carepath.Role) bool { return true }
	nobody := func(carepath.Role) bool { return false }
	routes := []route{
		{"/", false, everyone},
		{"/password", false, everyone},
		{"/patients", false, everyone},
		{"/patients?cm=all&q=Zzyzx", false, everyone},
		{"/patients/" + ours, false, everyone},
		{"/patients/other-patient", false, nobody},
		{"/patients/" + ours + "/record", false, everyone},
		{"/patients/other-patient/record", false, nobody},
		{"/audit", false, carepath.Role.CanReadAudit},
		{"/audit?patient=other-patient", false, carepath.Role.CanReadAudit},
		{"/admin/users", false, carepath.Role.CanManageUsers},
		{"/admin/rules", false, carepath.Role.CanManageUsers},
		{"/admin/templates", false, carepath.Role.CanManageUsers},
		{"/work", false, everyone},
		{"/work?view=team&due=overdue", false, everyone},
		{"/work/counts", false, everyone},
		{"/tasks/" + ourTask.ID, false, everyone},
		{"/tasks/" + otherTask.ID, false, nobody},
		{"/patients/" + ours + "/assessments", false, everyone},
		{"/patients/" + ours + "/assessments?take=phq-9", false, everyone},
		{"/patients/other-patient/assessments", false, nobody},
		{"/api/v1/patients", true, everyone},
		{"/api/v1/patients?q=Zzyzx", true, everyone},
		{"/api/v1/patients/" + ours, true, everyone},
		{"/api/v1/patients/other-patient", true, nobody},
		{"/api/v1/patients/" + ours + "/record", true, everyone},
		{"/api/v1/patients/other-patient/record", true, nobody},
		{"/api/v1/worklist", true, everyone},
		{"/api/v1/tasks/" + ourTask.ID, true, everyone},
		{"/api/v1/tasks/" + otherTask.ID, true, nobody},
		{"/api/v1/patients/" + ours + "/tasks", true, everyone},
		{"/api/v1/patients/other-patient/tasks", true, nobody},
		{"/api/v1/instruments", true, everyone},
		{"/api/v1/patients/" + ours + "/assessments", true, everyone},
		{"/api/v1/patients/other-patient/assessments", true, nobody},
		{"/api/v1/patients/" + ours + "/careplan", true, everyone},
		{"/api/v1/patients/other-patient/careplan", true, nobody},
		{"/api/v1/patients/" + ours + "/careplan/revisions", true, everyone},
		{"/api/v1/patients/" + ours + "/careplan/revisions/1", true, everyone},
		{"/api/v1/patients/other-patient/careplan/revisions", true, nobody},
		{"/api/v1/patients/other-patient/careplan/revisions/1", true, nobody},
		{"/api/v1/patients/" + ours + "/careteam", true, everyone},
		{"/api/v1/patients/other-patient/careteam", true, nobody},
		{"/api/v1/patients/" + ours + "/risk", true, everyone},
		{"/api/v1/patients/other-patient/risk", true, nobody},
		{"/patients/" + ours + "/careplan", false, everyone},
		{"/patients/" + ours + "/careplan/revisions", false, everyone},
		{"/patients/other-patient/careplan", false, nobody},
		{"/patients/other-patient/careplan/revisions", false, nobody},
		{"/transitions", false, everyone},
		{"/transitions?status=closed&mine=1", false, everyone},
		{"/transitions/no-such-episode", false, nobody},
		{"/patients/" + ours + "/programs", false, everyone},
		{"/patients/other-patient/programs", false, nobody},
		{"/programs/eligible?program=CCM", false, everyone},
		{"/billing", false, everyone},
		{"/billing/2026-10/patients/" + ours, false, everyone},
		{"/billing/2026-10/patients/other-patient", false, nobody},
		{"/api/v1/transitions?status=open", true, everyone},
		{"/api/v1/programs", true, everyone},
		{"/api/v1/billing/2026-10", true, everyone},
		{"/api/v1/billing/2026-10/patients/" + ours, true, everyone},
		{"/api/v1/billing/2026-10/patients/other-patient", true, nobody},
	}
	users := append([]carepath.User{}, demoUsers...)
	for _, du := range users {
		t.Run(string(du.Role)+" "+du.Email, func(t *testing.T) {
			u, err := m.DB.FindUserByEmail(demoCtx, du.Email)
			if err != nil {
				t.Fatal(err)
			}
			_, token, err := m.DB.CreateAPIToken(demoCtx, u.ID, "role matrix")
			if err != nil {
				t.Fatal(err)
			}
			browser := signIn(t, base, du.Email, DemoPassword)
			for _, rt := range routes {
				var status int
				var body string
				if rt.api {
					resp, b := apiGet(t, base+rt.path, token, nil)
					status, body = resp.StatusCode, b
				} else {
					b, resp := browser.get(base + rt.path)
					status, body = resp.StatusCode, b
				}
				want := http.StatusNotFound
				if rt.allowed(du.Role) {
					want = http.StatusOK
				}
				if status != want {
					t.Errorf("GET %s: %d, want %d", rt.path, status, want)
				}
				if strings.Contains(body, "Zzyzxotherclinic") || strings.Contains(body, "Secret") && strings.Contains(body, "1960") {
					t.Errorf("GET %s shows another organization's patient", rt.path)
				}
				if status == http.StatusOK && strings.Contains(rt.path, "Zzyzx") && !strings.Contains(body, "No patient matches") && !strings.Contains(body, `"total": 0`) {
					t.Errorf("GET %s found something: %.300s", rt.path, body)
				}
			}
			// Through the API too.
			for _, call := range []struct{ method, path, body string }{
				{"PATCH", "/api/v1/tasks/" + otherTask.ID, `{"priority": "stat"}`},
				{"POST", "/api/v1/tasks", `{"patient_id": "other-patient", "kind": "general", "title": "x", "queue": "care_manager", "due": "2026-12-01T00:00:00Z"}`},
				{"POST", "/api/v1/patients/other-patient/encounters", `{"class": "IMP", "start": "2026-11-01T00:00:00Z"}`},
				{"POST", "/api/v1/patients/other-patient/assessments", `{"instrument": "phq-2", "answered_by": "patient", "submission_key": "k",
					"answers": {"44250-9": ["LA6568-5"], "44255-8": ["LA6568-5"]}}`},
				{"PUT", "/api/v1/patients/other-patient/careplan", `{"status": "active", "revision": 1, "why": "x", "problems": []}`},
				{"POST", "/api/v1/patients/other-patient/careplan/goals", `{"problem_id": "x", "why": "x", "description": "x", "measure": "yes-no"}`},
				{"PATCH", "/api/v1/goals/" + otherGoal, `{"why": "x", "status": "completed"}`},
				{"PUT", "/api/v1/patients/other-patient/careteam", `{"staff": [], "outside": []}`},
				{"POST", "/api/v1/patients/other-patient/enrollments", `{"program": "CCM", "practitioner_id": "x", "start": "2026-11-01"}`},
				{"POST", "/api/v1/patients/other-patient/consents", `{"program": "CCM", "method": "verbal"}`},
				{"POST", "/api/v1/time-entries", `{"patient_id": "other-patient", "program": "CCM", "start": "2026-11-01T10:00:00Z", "minutes": 5, "activity": "care plan"}`},
				{"PATCH", "/api/v1/transitions/no-such-episode", `{"complexity": "high"}`},
			} {
				if resp, body := apiSend(t, call.method, base+call.path, token, call.body, nil); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Zzyzxotherclinic") {
					t.Errorf("%s %s: %d, want 404", call.method, call.path, resp.StatusCode)
				}
			}
			// Changes to another tenant's task or patient: not found, whatever the role.
			for _, path := range []string{"/tasks/" + otherTask.ID, "/patients/other-patient/tasks", "/patients/other-patient/assessments", "/patients/other-patient/concerns/x",
				"/patients/other-patient/careplan", "/patients/other-patient/programs"} {
				body, resp := browser.post(base+path, url.Values{"do": {"complete"}, "title": {"x"}, "due": {"2026-12-01"}, "who": {"me"}})
				if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Zzyzxotherclinic") {
					t.Errorf("POST %s: %d, want 404", path, resp.StatusCode)
				}
			}
			if resp, err := browser.c.PostForm(base+"/signout", nil); err != nil || resp.Request.URL.Path != "/signin" {
				t.Errorf("sign-out: %v", err)
			}
		})
	}

	// The other organization's administrator sees none of the demo's.
	oa := signIn(t, base, "admin@other.example", DemoPassword)
	if body, _ := oa.get(base + "/patients"); !strings.Contains(body, "1–1 of 1 patients") || !strings.Contains(body, "Zzyzxotherclinic") {
		t.Errorf("other organization's panel:\n%.500s", body)
	}
	if _, resp := oa.get(base + "/patients/" + ours); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other organization's admin opens a demo chart: %d", resp.StatusCode)
	}
	if body, _ := oa.get(base + "/audit"); strings.Contains(body, "demo.carepath.example") {
		t.Error("other organization's audit trail shows the demo's records")
	}
}

// TestSignInThrottleAndSessionExpiry: repeated failures slow down further
// attempts from browsers the user has not signed in on (even with the
// right password), never the user's own browser; and a session idle past
// the timeout ends with a trip to the sign-in page.
func TestSignInThrottleAndSessionExpiry(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	nurseStation := signIn(t, base, "nurse@demo.carepath.example", DemoPassword)
	if resp, err := nurseStation.c.PostForm(base+"/signout", nil); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}

	post := func(password string) int {
		resp, err := newClient(t).c.PostForm(base+"/signin", map[string][]string{"email": {"nurse@demo.carepath.example"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// The free failures are heard; the next one waits its second.
	for i := 1; i <= carepath.FreeSignInFailures+1; i++ {
		if code := post(fmt.Sprintf("guess number %d", i)); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code := post(DemoPassword); code != http.StatusTooManyRequests {
		t.Errorf("the right password right after %d failures: %d, want 429", carepath.FreeSignInFailures+1, code)
	}
	// The nurse's own browser, which she signed in on before, is not
	// slowed down by the guessing.
	resp, err := nurseStation.c.PostForm(base+"/signin", url.Values{"email": {"nurse@demo.carepath.example"}, "password": {DemoPassword}, "next": {"/patients"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/patients" {
		t.Errorf("the nurse at her own browser during the guessing: %d at %s", resp.StatusCode, resp.Request.URL)
	}

	// The care manager's session: fine now, ended after 31 idle minutes.
	if _, resp := cm.get(base + "/patients"); resp.Request.URL.Path != "/patients" {
		t.Fatal("session ended early")
	}
	start := time.Now()
	m.DB.Now = func() time.Time { return start.Add(carepath.SessionIdleTimeout + time.Minute) }
	if _, resp := cm.get(base + "/patients"); resp.Request.URL.Path != "/signin" {
		t.Errorf("after the idle timeout: at %s", resp.Request.URL)
	}
}

// TestPasswordResetForcesAChange: after an administrator's reset the user
// reaches nothing but the change-password page until they choose their own.
func TestPasswordResetForcesAChange(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	nurse, err := m.DB.FindUserByEmail(sys, "nurse@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DB.ResetPassword(sys, nurse.ID, "temporary password 1"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	resp, err := c.c.PostForm(base+"/signin", map[string][]string{"email": {"nurse@demo.carepath.example"}, "password": {"temporary password 1"}, "next": {"/patients"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/password" {
		t.Fatalf("after sign-in with a reset password: at %s", resp.Request.URL)
	}
	for _, path := range []string{"/patients", "/audit", "/patients/x"} {
		if _, resp := c.get(base + path); resp.Request.URL.Path != "/password" {
			t.Errorf("GET %s before choosing a password: at %s", path, resp.Request.URL)
		}
	}
	change := func(current, next, again string) (int, string) {
		resp, err := c.c.PostForm(base+"/password", map[string][]string{"current": {current}, "new": {next}, "again": {again}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := change("wrong password here", "my own long password", "my own long password"); code != 401 || !strings.Contains(body, "current password is not right") {
		t.Errorf("wrong current password: %d", code)
	}
	if code, body := change("temporary password 1", "my own long password", "my own lung password"); code != 400 || !strings.Contains(body, "differ") {
		t.Errorf("mismatched new passwords: %d", code)
	}
	if code, body := change("temporary password 1", "short", "short"); code != 400 || !strings.Contains(body, "at least 12") {
		t.Errorf("short password: %d", code)
	}
	other := newClient(t)
	if resp, err := other.c.PostForm(base+"/signin", url.Values{"email": {"nurse@demo.carepath.example"}, "password": {"temporary password 1"}}); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.Request.URL.Path != "/password" {
		t.Fatalf("a second browser: at %s", resp.Request.URL)
	}
	if code, body := change("temporary password 1", "my own long password", "my own long password"); code != 200 || !strings.Contains(body, "My patients") {
		t.Fatalf("good change: %d\n%.300s", code, body)
	}
	// The browser that changed it goes on; any other session is over.
	if _, resp := c.get(base + "/patients"); resp.Request.URL.Path != "/patients" {
		t.Errorf("the browser that changed the password: at %s", resp.Request.URL)
	}
	if _, resp := other.get(base + "/patients"); resp.Request.URL.Path != "/signin" {
		t.Errorf("another session after the password change: at %s", resp.Request.URL)
	}
	signIn(t, base, "nurse@demo.carepath.example", "my own long password")
}
