package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carepath"
)

// demoTask adds a task to the demo organization as the system would.
func demoTask(t *testing.T, m *Main, task carepath.Task) *carepath.Task {
	t.Helper()
	_, sys := demoOrg(t, m)
	if task.Kind == "" {
		task.Kind = "general"
	}
	if _, err := m.DB.CreateTask(sys, &task); err != nil {
		t.Fatal(err)
	}
	return &task
}

// TestWorklistPage: my work lists my tasks then my queue's, with their
// reasons; a row's actions work with htmx (the row comes back) and without
// (back to the list); others' and other tenants' tasks stay out of reach.
func TestWorklistPage(t *testing.T) {
	m := startDemo(t, 10)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	cm, err := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	mine := demoTask(t, m, carepath.Task{PatientID: ps[0].ID, Title: "Call about the new inhaler", OwnerID: cm.ID, Due: now.Add(-2 * time.Hour),
		Origin: carepath.TaskOrigin{Reason: "Asked by Dr. Lee at the visit"}})
	// Due later today in the organization's time zone, whatever the hour
	// the test runs (3 hours on failed from 9 pm in New York).
	org, _ := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	y, mo, d := now.In(loc).Date()
	laterToday := now.Add(time.Date(y, mo, d, 23, 59, 0, 0, loc).Sub(now) / 2)
	queued := demoTask(t, m, carepath.Task{PatientID: ps[1].ID, Title: "Weekly heart-failure check-in", Queue: carepath.RoleCareManager,
		Due: laterToday, Kind: "check-in",
		Origin: carepath.TaskOrigin{By: "rule", RuleID: "hf-weekly-check-in", RuleVersion: 1, EventKey: carepath.EventKey{Type: "Schedule", ID: "x", What: "1"}, Reason: "Weekly check-in for heart failure"}})
	demoTask(t, m, carepath.Task{Title: "Nurses only", Queue: carepath.RoleNurse, Due: now})

	c := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	page, resp := c.get(base + "/work")
	if resp.StatusCode != 200 || strings.Index(page, "Call about the new inhaler") > strings.Index(page, "Weekly heart-failure check-in") ||
		!strings.Contains(page, "Why: Asked by Dr. Lee at the visit") || !strings.Contains(page, "Why: Weekly check-in for heart failure") ||
		strings.Contains(page, "Nurses only") || !strings.Contains(page, "overdue by 2 h") {
		t.Fatalf("my work:\n%s", between(page, "<main", "</main>"))
	}
	if counts, _ := c.get(base + "/work/counts"); !strings.Contains(counts, "1 overdue") || !strings.Contains(counts, "1 due today") {
		t.Errorf("header counts: %s", counts)
	}

	// Claim with htmx: the row comes back, claimed.
	post := func(client *client, id string, form url.Values, htmx bool) (string, *http.Response) {
		req, _ := http.NewRequest("POST", base+"/tasks/"+id, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		resp, err := client.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp
	}
	row, resp := post(c, queued.ID, url.Values{"do": {"claim"}, "version": {"1"}, "next": {"/work"}}, true)
	if resp.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(row), "<tr") || !strings.Contains(row, "✓ Claimed") || !strings.Contains(row, "Casey Morgan") {
		t.Fatalf("claim with htmx: %d\n%s", resp.StatusCode, row)
	}
	// A stale form is refused with a message for the row.
	row, resp = post(c, queued.ID, url.Values{"do": {"complete"}, "version": {"1"}}, true)
	if resp.Header.Get("HX-Retarget") != "#task-message" || !strings.Contains(row, "changed by someone else") {
		t.Errorf("stale version: %d %v\n%s", resp.StatusCode, resp.Header, row)
	}
	// Without htmx: log an attempt, then complete, back on the list.
	if _, resp = post(c, mine.ID, url.Values{"do": {"attempt"}, "outcome": {carepath.OutcomeNoAnswer}, "version": {"1"}, "next": {"/work"}}, false); resp.Request.URL.Path != "/work" {
		t.Errorf("attempt without htmx ended at %s", resp.Request.URL)
	}
	if _, resp = post(c, mine.ID, url.Values{"do": {"complete"}, "outcome": {carepath.OutcomeReached}, "note": {"Knows the inhaler"}, "version": {"2"}, "next": {"https://evil.example/"}}, false); base+"/patients" != "http://"+resp.Request.URL.Host+resp.Request.URL.Path {
		t.Errorf("an outside return address was followed: %s", resp.Request.URL)
	}
	done, err := m.DB.FindTaskByID(sys, mine.ID)
	if err != nil || done.Status != carepath.TaskCompleted || done.Attempts != 1 || done.Outcome != carepath.OutcomeReached || done.Note != "Knows the inhaler" {
		t.Fatalf("completed task: %+v %v", done, err)
	}
	page, _ = c.get(base + "/tasks/" + mine.ID)
	for _, want := range []string{"Why this task exists", "Asked by Dr. Lee at the visit", "no answer", "completed", "Knows the inhaler"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page lacks %q", want)
		}
	}

	// The chart lists the patient's open tasks and adds new ones.
	chart, _ := c.get(base + "/patients/" + ps[1].ID)
	if !strings.Contains(between(chart, `id="h-tasks"`, "</section>"), "Weekly heart-failure check-in") {
		t.Errorf("the chart's open tasks lack the check-in:\n%s", between(chart, `id="h-tasks"`, "</section>"))
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	if _, resp = c.post(base+"/patients/"+ps[1].ID+"/tasks", url.Values{"title": {"Send the food pantry list"}, "due": {tomorrow},
		"who": {"social_worker"}, "priority": {"urgent"}, "why": {"Food insecurity screen was positive"}}); resp.Request.URL.Path != "/patients/"+ps[1].ID {
		t.Fatalf("new task from the chart ended at %s", resp.Request.URL)
	}
	chart, _ = c.get(base + "/patients/" + ps[1].ID)
	if tasks := between(chart, `id="h-tasks"`, "</section>"); !strings.Contains(tasks, "Send the food pantry list") || !strings.Contains(tasks, "queue: Social worker") ||
		!strings.Contains(tasks, "Why: Food insecurity screen was positive") {
		t.Errorf("the new task on the chart:\n%s", tasks)
	}

	// The supervisors' team view: work by person, and one person's work.
	sup := signIn(t, base, "supervisor@demo.carepath.example", DemoPassword)
	team, _ := sup.get(base + "/work?view=team")
	if people := between(team, `class="list people"`, "</table>"); !strings.Contains(people, "Nurse queue") || !strings.Contains(people, "Casey Morgan") {
		t.Errorf("team view by person:\n%s", people)
	}
	one, _ := sup.get(base + "/work?view=team&owner=" + cm.ID)
	if list := between(one, `id="worklist"`, "</table>"); !strings.Contains(list, "Weekly heart-failure check-in") || strings.Contains(list, "Nurses only") {
		t.Errorf("team view of Casey's work:\n%s", list)
	}
	if page, _ := c.get(base + "/work?view=team"); strings.Contains(page, `class="list people"`) {
		t.Error("a care manager sees the team view")
	}
	// The supervisor reassigns the check-in, with a reason, from the task page.
	cm2, _ := m.DB.FindUserByEmail(sys, "cm2@demo.carepath.example")
	if page, _ := sup.get(base + "/tasks/" + queued.ID); !strings.Contains(page, `name="owner"`) || !strings.Contains(page, "Jordan Lee") {
		t.Errorf("the task page has no reassign form for the supervisor")
	}
	if _, resp := sup.post(base+"/tasks/"+queued.ID, url.Values{"do": {"reassign"}, "owner": {cm2.ID}, "note": {"Casey is out"}, "version": {"2"}}); resp.Request.URL.Path != "/tasks/"+queued.ID {
		t.Errorf("reassign ended at %s", resp.Request.URL)
	}
	if moved, err := m.DB.FindTaskByID(sys, queued.ID); err != nil || moved.OwnerID != cm2.ID || moved.History[len(moved.History)-1].Note != "Casey is out" {
		t.Errorf("after reassigning: %+v %v", moved, err)
	}

	// The auditor reads but cannot act; a nurse cannot take a care manager's task.
	auditor := signIn(t, base, "auditor@demo.carepath.example", DemoPassword)
	if _, resp = post(auditor, queued.ID, url.Values{"do": {"complete"}}, false); resp.StatusCode != 404 {
		t.Errorf("the auditor completes a task: %d", resp.StatusCode)
	}
	nurse := signIn(t, base, "nurse@demo.carepath.example", DemoPassword)
	if _, resp = post(nurse, queued.ID, url.Values{"do": {"complete"}}, false); resp.StatusCode != 404 {
		t.Errorf("a nurse off the care team completes a care manager's task: %d", resp.StatusCode)
	}
	if _, resp = auditor.post(base+"/patients/"+ps[1].ID+"/tasks", url.Values{"title": {"x"}, "due": {tomorrow}}); resp.StatusCode != 404 {
		t.Errorf("the auditor adds a task: %d", resp.StatusCode)
	}
	if _, resp = c.get(base + "/tasks/no-such-task"); resp.StatusCode != 404 {
		t.Errorf("unknown task: %d", resp.StatusCode)
	}
}

// TestWorklistSortsAndPages: my work pages by 50 with links both ways, keeps
// filters and the chosen sort across pages, and the API sorts and pages the
// same way.
func TestWorklistSortsAndPages(t *testing.T) {
	m := startDemo(t, 10)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	// A fresh owner, so the demo's own work does not mix in.
	u := &carepath.User{Email: "pager@demo.carepath.example", Name: "Pat Pager", Role: carepath.RoleNurse}
	if err := m.DB.CreateUser(sys, u, DemoPassword); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// 55 tasks due an hour apart, 24 of them overdue; the first made is due last.
	for i := range 55 {
		demoTask(t, m, carepath.Task{Title: fmt.Sprintf("Task %02d", i), OwnerID: u.ID, Due: now.Add(time.Duration(30-i)*time.Hour + 30*time.Minute)})
	}
	c := signIn(t, base, u.Email, DemoPassword)
	titles := func(page string) []string {
		var out []string
		for _, part := range strings.Split(between(page, `id="worklist"`, "</table>"), "Task ")[1:] {
			out = append(out, "Task "+part[:2])
		}
		return out
	}
	page, resp := c.get(base + "/work?sort=due")
	got := titles(page)
	if resp.StatusCode != 200 || len(got) != 50 || got[0] != "Task 54" || got[49] != "Task 05" || !strings.Contains(page, "1–50 of 55 open tasks") ||
		!strings.Contains(page, `<option value="due" selected>Due date</option>`) {
		t.Fatalf("first page by due date (%d rows): %v\n%s", len(got), got, between(page, "<main", "</main>"))
	}
	next := between(page, `<nav class="pager"`, "</nav>")
	if !strings.Contains(next, `href="/work?offset=50&amp;sort=due" rel="next"`) || strings.Contains(next, `rel="prev"`) {
		t.Fatalf("first page's pager: %s", next)
	}
	page, _ = c.get(base + "/work?offset=50&sort=due")
	if got := titles(page); strings.Join(got, ",") != "Task 04,Task 03,Task 02,Task 01,Task 00" || !strings.Contains(page, "51–55 of 55") ||
		!strings.Contains(page, `href="/work?sort=due" rel="prev"`) || strings.Contains(page, `rel="next"`) {
		t.Fatalf("second page: %v\n%s", got, between(page, `id="worklist"`, "</main>"))
	}
	// (The store's tests check each order.)
	page, _ = c.get(base + "/work?sort=priority&due=overdue")
	if got := titles(page); len(got) != 24 || got[0] != "Task 54" || !strings.Contains(page, ">24 open tasks") {
		t.Errorf("overdue by priority: %v", got)
	}
	if _, resp := c.get(base + "/work?sort=age"); resp.StatusCode != 400 {
		t.Errorf("an unknown sort: %d", resp.StatusCode)
	}

	_, tok, err := m.DB.CreateAPIToken(sys, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Total int
		Tasks []struct{ Title string }
	}
	if resp, body := apiSend(t, "GET", base+"/api/v1/worklist?sort=due&limit=2&offset=50", tok, "", &list); resp.StatusCode != 200 || list.Total != 55 ||
		len(list.Tasks) != 2 || list.Tasks[0].Title != "Task 04" || list.Tasks[1].Title != "Task 03" {
		t.Errorf("API page by due date: %d %s", resp.StatusCode, body)
	}
	for _, bad := range []string{"sort=age", "offset=-1", "offset=x", "offset=10001"} {
		if resp, body := apiSend(t, "GET", base+"/api/v1/worklist?"+bad, tok, "", nil); resp.StatusCode != 400 {
			t.Errorf("API worklist ?%s: %d %s", bad, resp.StatusCode, body)
		}
	}
}
