package main

import (
	"strings"
	"testing"
)

// TestCarePlanAPI: a plan written whole through the API, read back with
// its goals' achievement, changed as a second revision, refused from a
// stale copy or with bad content, and its revisions listed and read.
func TestCarePlanAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm := apiToken(t, m, "cm@demo.carepath.example")
	auditor := apiToken(t, m, "auditor@demo.carepath.example")
	patient := firstPatient(t, m)
	url := base + "/api/v1/patients/" + patient + "/careplan"

	if resp, _ := apiSend(t, "GET", url, cm, "", nil); resp.StatusCode != 404 {
		t.Errorf("no plan yet: %d", resp.StatusCode)
	}
	first := `{"status": "active", "revision": 0, "substantial": true, "problems": [{"text": "High blood pressure",
		"goals": [{"description": "Keep my pressure down", "measure": "bp", "target_op": "<", "target_values": [130, 80], "priority": "high", "status": "active"}],
		"interventions": [{"kind": "education", "text": "Teach home readings", "goal_id": "#1", "due": "2030-01-15", "status": "planned"}]}]}`
	var plan apiCarePlanBody
	if resp, out := apiSend(t, "PUT", url, cm, first, &plan); resp.StatusCode != 201 || plan.Revision != 1 || len(plan.Problems) != 1 ||
		plan.Problems[0].Goals[0].ID == "" || plan.Problems[0].Interventions[0].GoalID != plan.Problems[0].Goals[0].ID ||
		plan.Problems[0].Interventions[0].TaskID == "" || plan.Problems[0].Goals[0].Achievement == "" {
		t.Fatalf("first plan: %d %s", resp.StatusCode, out)
	}
	if resp, out := apiSend(t, "PUT", url, cm, first, nil); resp.StatusCode != 409 || !strings.Contains(out, "revision 1") {
		t.Errorf("a stale copy: %d %s", resp.StatusCode, out)
	}
	bad := strings.Replace(strings.Replace(first, `"revision": 0`, `"revision": 1, "why": "x"`, 1), `"measure": "bp"`, `"measure": "mood"`, 1)
	if resp, out := apiSend(t, "PUT", url, cm, bad, nil); resp.StatusCode != 400 || !strings.Contains(out, `there is no measure \"mood\"`) {
		t.Errorf("an unknown measure: %d %s", resp.StatusCode, out)
	}
	if resp, _ := apiSend(t, "PUT", url, auditor, strings.Replace(first, `"revision": 0`, `"revision": 1, "why": "x"`, 1), nil); resp.StatusCode != 404 {
		t.Errorf("the auditor writes a plan: %d", resp.StatusCode)
	}
	second := `{"status": "active", "revision": 1, "why": "Added the social need", "problems": [{"id": "` + plan.Problems[0].ID + `", "text": "High blood pressure",
		"goals": [{"id": "` + plan.Problems[0].Goals[0].ID + `", "description": "Keep my pressure down", "measure": "bp", "target_op": "<", "target_values": [140, 90], "status": "active"}],
		"interventions": [{"id": "` + plan.Problems[0].Interventions[0].ID + `", "kind": "education", "text": "Teach home readings", "due": "2030-01-15", "status": "planned"}]},
		{"text": "No car", "goals": [], "interventions": []}]}`
	if resp, out := apiSend(t, "PUT", url, cm, second, &plan); resp.StatusCode != 200 || plan.Revision != 2 || len(plan.Problems) != 2 ||
		plan.Problems[0].Interventions[0].TaskID == "" {
		t.Fatalf("second revision: %d %s", resp.StatusCode, out)
	}
	var revs struct {
		Revisions []struct {
			Revision    int
			Why         string
			Substantial bool
		}
	}
	if resp, out := apiSend(t, "GET", url+"/revisions", auditor, "", &revs); resp.StatusCode != 200 || len(revs.Revisions) != 2 ||
		revs.Revisions[0].Why != "Added the social need" || !revs.Revisions[1].Substantial {
		t.Errorf("revisions: %d %s", resp.StatusCode, out)
	}
	var one struct {
		Revision int
		Plan     apiCarePlanBody
	}
	if resp, out := apiSend(t, "GET", url+"/revisions/1", auditor, "", &one); resp.StatusCode != 200 || len(one.Plan.Problems) != 1 ||
		one.Plan.Problems[0].Goals[0].TargetValues[0] != 130 {
		t.Errorf("revision 1: %d %s", resp.StatusCode, out)
	}
	if resp, _ := apiSend(t, "GET", url+"/revisions/9", auditor, "", nil); resp.StatusCode != 404 {
		t.Errorf("revision 9: %d", resp.StatusCode)
	}

	// One goal at a time: added to a problem, then changed.
	var added struct {
		Revision int
		Goal     struct {
			ID, Description, Status string
			TargetValues            []float64 `json:"target_values"`
		}
	}
	body := `{"problem_id": "` + plan.Problems[1].ID + `", "revision": 2, "why": "Agreed today", "description": "Get a ride to every visit", "measure": "yes-no"}`
	if resp, out := apiSend(t, "POST", url+"/goals", cm, body, &added); resp.StatusCode != 201 || added.Revision != 3 || added.Goal.ID == "" || added.Goal.Status != "active" {
		t.Fatalf("POST a goal: %d %s", resp.StatusCode, out)
	}
	noRevision := `{"problem_id": "` + plan.Problems[1].ID + `", "why": "Agreed today", "description": "Walk every day", "measure": "yes-no"}`
	if resp, out := apiSend(t, "POST", url+"/goals", cm, noRevision, nil); resp.StatusCode != 400 || !strings.Contains(out, "carries the plan's revision") {
		t.Errorf("POST a goal without the plan's revision: %d %s", resp.StatusCode, out)
	}
	goalURL := base + "/api/v1/goals/" + plan.Problems[0].Goals[0].ID
	if resp, out := apiSend(t, "PATCH", goalURL, cm, `{"revision": 3, "why": "Dr. Lee: 130/80 again", "target_values": [130, 80]}`, &added); resp.StatusCode != 200 ||
		added.Revision != 4 || added.Goal.TargetValues[0] != 130 || added.Goal.Description != "Keep my pressure down" {
		t.Errorf("PATCH a goal: %d %s", resp.StatusCode, out)
	}
	if resp, _ := apiSend(t, "PATCH", goalURL, cm, `{"revision": 3, "why": "x", "status": "completed"}`, nil); resp.StatusCode != 409 {
		t.Errorf("PATCH from revision 3 at 4: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "PATCH", goalURL, cm, `{"revision": 4, "why": "x", "status": "done"}`, nil); resp.StatusCode != 400 {
		t.Errorf("PATCH to a status goals do not have: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "PATCH", base+"/api/v1/goals/nope", cm, `{"why": "x"}`, nil); resp.StatusCode != 404 {
		t.Errorf("PATCH an unknown goal: %d", resp.StatusCode)
	}
	if resp, _ := apiSend(t, "PATCH", goalURL, auditor, `{"revision": 4, "why": "x", "status": "completed"}`, nil); resp.StatusCode != 404 {
		t.Errorf("the auditor PATCHes a goal: %d", resp.StatusCode)
	}
	// A change without the revision it was made on is refused: applied to
	// the plan as it is now, it could undo a change its author never saw.
	if resp, body := apiSend(t, "PATCH", goalURL, cm, `{"why": "x", "status": "completed"}`, nil); resp.StatusCode != 400 || !strings.Contains(body, "carries the plan's revision") {
		t.Errorf("PATCH a goal without its revision: %d %s", resp.StatusCode, body)
	}

	// The care team: staff and outside members, replaced whole.
	teamURL := base + "/api/v1/patients/" + patient + "/careteam"
	var team struct {
		Staff []struct {
			UserID string `json:"user_id"`
			Role   string
		}
		Outside []struct{ ID, Name, Role, Phone string }
	}
	if resp, out := apiSend(t, "GET", teamURL, auditor, "", &team); resp.StatusCode != 200 || len(team.Staff) != 1 || team.Staff[0].Role != "primary_care_manager" {
		t.Fatalf("the demo care team: %d %s", resp.StatusCode, out)
	}
	put := `{"staff": [{"user_id": "` + team.Staff[0].UserID + `", "role": "primary_care_manager"}],
		"outside": [{"name": "Dr. Lee", "role": "pcp", "organization": "Elm Street Family Medicine", "phone": "555-0100"}]}`
	if resp, out := apiSend(t, "PUT", teamURL, cm, put, &team); resp.StatusCode != 200 || len(team.Outside) != 1 || team.Outside[0].ID == "" ||
		team.Outside[0].Phone != "555-0100" {
		t.Errorf("PUT the care team: %d %s", resp.StatusCode, out)
	}
	if resp, out := apiSend(t, "PUT", teamURL, cm, `{"staff": [], "outside": [{"name": "X", "role": "wizard"}]}`, nil); resp.StatusCode != 400 ||
		!strings.Contains(out, `not \"wizard\"`) {
		t.Errorf("PUT an unknown role: %d %s", resp.StatusCode, out)
	}
}

// apiCarePlanBody is the part of the API's care plan the tests read.
type apiCarePlanBody struct {
	Revision int
	Problems []struct {
		ID    string
		Goals []struct {
			ID           string
			Achievement  string
			TargetValues []float64 `json:"target_values"`
		}
		Interventions []struct {
			ID     string
			GoalID string `json:"goal_id"`
			TaskID string `json:"task_id"`
		}
	}
}

// TestApplyTemplatesAPI: the API applies templates as the plan page does,
// through the same service; a missing revision, a stale one and an
// unknown template are refused.
func TestApplyTemplatesAPI(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	cm := apiToken(t, m, "cm@demo.carepath.example")
	url := base + "/api/v1/patients/" + firstPatient(t, m) + "/careplan/templates"
	if resp, out := apiSend(t, "POST", url, cm, `{"templates": ["hypertension"]}`, nil); resp.StatusCode != 400 || !strings.Contains(out, `"revision"`) {
		t.Errorf("no revision: %d %s", resp.StatusCode, out)
	}
	if resp, out := apiSend(t, "POST", url, cm, `{"revision": 0, "templates": ["hypertension", "nope"]}`, nil); resp.StatusCode != 400 || !strings.Contains(out, `no template \"nope\"`) {
		t.Errorf("an unknown template: %d %s", resp.StatusCode, out)
	}
	var plan apiCarePlanBody
	if resp, out := apiSend(t, "POST", url, cm, `{"revision": 0, "templates": ["hypertension", "transportation"]}`, &plan); resp.StatusCode != 201 ||
		plan.Revision != 1 || len(plan.Problems) != 2 || len(plan.Problems[0].Goals) == 0 || plan.Problems[0].Interventions[0].TaskID == "" {
		t.Fatalf("applied: %d %s", resp.StatusCode, out)
	}
	if resp, _ := apiSend(t, "POST", url, cm, `{"revision": 0, "templates": ["copd"]}`, nil); resp.StatusCode != 409 {
		t.Errorf("a stale revision: %d", resp.StatusCode)
	}
}
