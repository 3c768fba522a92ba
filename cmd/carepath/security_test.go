package main

import (
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"carepath"
)

// noRedirects is a signed-in client that reports redirects instead of
// following them.
func noRedirects(c *client) *http.Client {
	return &http.Client{Jar: c.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestOpenRedirectProbe is the security review's probe: a sign-in link
// whose next is "/\t/evil.example/phish" (which a browser reads as
// //evil.example) and a task form's next of the same kind must both land
// on this site.
func TestOpenRedirectProbe(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	task := demoTask(t, m, carepath.Task{PatientID: ps[0].ID, Title: "Call about the new inhaler", Queue: carepath.RoleCareManager, Due: time.Now()})
	probe := "/\t/evil.example/phish"

	c := newClient(t)
	body, _ := c.get(base + "/signin?next=" + url.QueryEscape(probe))
	next := between(body, `name="next" value="`, `"`)
	if strings.Contains(next, "evil") {
		t.Errorf("the sign-in form carries next=%q", next)
	}
	for _, n := range []string{next, probe, "/\\evil.example", " //evil.example"} {
		resp, err := noRedirects(c).PostForm(base+"/signin", url.Values{"email": {"cm@demo.carepath.example"}, "password": {DemoPassword}, "next": {n}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !sameOrigin(base, loc) {
			t.Errorf("sign-in with next=%q: %d Location %q", n, resp.StatusCode, loc)
		}
	}

	// A task's form with the same next.
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	resp, err := noRedirects(cm).PostForm(base+"/tasks/"+task.ID, url.Values{"do": {"snooze"}, "until": {time.Now().AddDate(0, 0, 7).Format(time.DateOnly)}, "note": {"travelling"},
		"version": {strconv.Itoa(task.Version)}, "next": {probe}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !sameOrigin(base, loc) {
		t.Errorf("task form with next=%q: %d Location %q", probe, resp.StatusCode, loc)
	}
}

// sameOrigin reports whether loc, resolved as a browser would against
// base, stays on base's origin.
func sameOrigin(base, loc string) bool {
	if strings.ContainsAny(loc, "\t\n\r\\") {
		return false
	}
	b, _ := url.Parse(base)
	l, err := url.Parse(loc)
	if err != nil {
		return false
	}
	r := b.ResolveReference(l)
	return r.Scheme == b.Scheme && r.Host == b.Host
}

// TestStrictInput is the security review's probes of what the API and the
// pages accept: a care team PUT that describes no team, JSON with data
// after the object, NUL characters in titles and ids, and dates no person
// means (0001-01-01, 9999-12-31) as due dates and stay times. Each is a
// clear 400 and changes nothing.
func TestStrictInput(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	token := apiToken(t, m, "cm@demo.carepath.example")
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	teamBefore, err := m.DB.FindCareTeam(sys, p.ID)
	if err != nil || len(teamBefore.Staff) == 0 {
		t.Fatalf("the demo patient's team: %+v, %v", teamBefore, err)
	}
	due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	task := func(title, due string) string {
		return fmt.Sprintf(`{"patient_id": %q, "kind": "general", "title": %q, "queue": "care_manager", "due": %q}`, p.ID, title, due)
	}
	stay := func(id, start, end string) string {
		return fmt.Sprintf(`{"id": %q, "class": "IMP", "start": %q, "end": %q, "facility": "General Hospital", "disposition": "home"}`, id, start, end)
	}
	for _, c := range []struct{ name, method, path, body, want string }{
		{"care team null", "PUT", "/api/v1/patients/" + p.ID + "/careteam", `null`, "JSON object"},
		{"care team {}", "PUT", "/api/v1/patients/" + p.ID + "/careteam", `{}`, "names its"},
		{"care team without outside", "PUT", "/api/v1/patients/" + p.ID + "/careteam", `{"staff": []}`, "names its"},
		{"trailing data", "POST", "/api/v1/tasks", task("Call back", due) + ` {"title": "another"}`, "more after"},
		{"trailing garbage", "POST", "/api/v1/tasks", task("Call back", due) + `x`, "more after"},
		{"NUL in a title", "POST", "/api/v1/tasks", strings.Replace(task("Call@back", due), "@", `\u0000`, 1), "NUL"},
		{"NUL in a stay's id", "POST", "/api/v1/patients/" + p.ID + "/encounters", strings.Replace(stay("adt@1", "2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z"), "@", `\u0000`, 1), "NUL"},
		{"NUL in a path", "GET", "/api/v1/tasks/abc%00def", "", "NUL"},
		{"a cursor of bad UTF-8", "GET", "/api/v1/patients?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("\xff\xfe\x00p1")), "", "cursor"},
		{"a cursor with line breaks", "GET", "/api/v1/patients?cursor=A%0DA0", "", "cursor"},
		{"due 0001-01-01", "POST", "/api/v1/tasks", task("Call back", "0001-01-01T09:00:00Z"), "before 1900"},
		{"due 0001-01-01 (Go's zero time)", "POST", "/api/v1/tasks", task("Call back", "0001-01-01T00:00:00Z"), "a due time"},
		{"due 9999-12-31", "POST", "/api/v1/tasks", task("Call back", "9999-12-31T00:00:00Z"), "more than 10 years ahead"},
		{"stay from 0001-01-01", "POST", "/api/v1/patients/" + p.ID + "/encounters", stay("adt-old", "0001-01-01T00:00:00Z", "2026-11-03T10:00:00Z"), "before 1900"},
		{"stay to 9999-12-31", "POST", "/api/v1/patients/" + p.ID + "/encounters", stay("adt-far", "2026-11-01T10:00:00Z", "9999-12-31T00:00:00Z"), "more than 10 years ahead"},
	} {
		resp, body := apiSend(t, c.method, base+c.path, token, c.body, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s; want 400 saying %q", c.name, resp.StatusCode, body, c.want)
		}
	}
	if team, err := m.DB.FindCareTeam(sys, p.ID); err != nil || len(team.Staff) != len(teamBefore.Staff) {
		t.Errorf("the refused PUTs changed the care team: %+v, %v", team, err)
	}
	if tasks, _, err := m.DB.FindTasks(sys, carepath.TaskFilter{PatientID: p.ID, AnyOwner: true, Hidden: true, Limit: 500}); err != nil ||
		slices.ContainsFunc(tasks, func(t *carepath.Task) bool { return strings.Contains(t.Title, "back") }) {
		t.Errorf("a refused task was written: %v", err)
	}

	// The pages: a NUL in a form is refused before any handler stores it.
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	body, resp := cm.post(base+"/patients/"+p.ID+"/tasks", url.Values{"title": {"Call\x00back"}, "due": {time.Now().Format(time.DateOnly)}})
	if resp.StatusCode != 400 || !strings.Contains(body, "NUL") {
		t.Errorf("a form with a NUL: %d", resp.StatusCode)
	}
}

// TestAuditTrailProbe: a record written into the audit table past the
// chain's head, straight into the database, made every audited request of
// the organization fail (409) while audit verify said "intact". Now the
// server keeps serving and shows the problem to those who read the trail,
// and audit verify reports it; an anchor from the log checks the chain.
func TestAuditTrailProbe(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCmd(t, "audit", "verify", "--db", m.DSN)
	anchor := between(out, "head ", "\n")
	if code != 0 || !strings.Contains(out, "intact") || anchor == "" {
		t.Fatalf("audit verify before: %d %s", code, out)
	}
	if code, out, _ := runCmd(t, "audit", "verify", "--db", m.DSN, "--expect", anchor); code != 0 || !strings.Contains(out, "holds 1 expected anchor") {
		t.Errorf("audit verify --expect %s: %d %s", anchor, code, out)
	}
	if code, _, stderr := runCmd(t, "audit", "verify", "--db", m.DSN, "--expect", "nonsense"); code != 2 || !strings.Contains(stderr, "HASH@SEQ") {
		t.Errorf("audit verify --expect nonsense: %d %s", code, stderr)
	}

	raw, err := sql.Open("sqlite", m.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var head int64
	var hash string
	if err := raw.QueryRow("SELECT seq, hash FROM audit_head WHERE org_id = ?", org.ID).Scan(&head, &hash); err != nil {
		t.Fatal(err)
	}
	stray := carepath.AuditEvent{OrgID: org.ID, Seq: head + 1, At: time.Now().UTC().Truncate(time.Microsecond), ActorID: "system", Actor: "nobody",
		Action: carepath.AuditPatientView, PatientID: ps[0].ID, PrevHash: hash}
	if _, err := raw.Exec(`INSERT INTO audit_event (org_id, seq, at, actor_id, actor, action, patient_id, object, source, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', ?, ?)`, stray.OrgID, stray.Seq, stray.At.Format(carepath.AuditTimeFormat), stray.ActorID, stray.Actor,
		stray.Action, stray.PatientID, stray.PrevHash, stray.ChainHash()); err != nil {
		t.Fatal(err)
	}

	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	for range 3 {
		if body, resp := cm.get(base + "/patients/" + ps[0].ID); resp.StatusCode != 200 || strings.Contains(body, "needs attention") {
			t.Fatalf("a chart after the stray record: %d", resp.StatusCode)
		}
	}
	if body, _ := signIn(t, base, "admin@demo.carepath.example", DemoPassword).get(base + "/work"); !strings.Contains(body, "The audit trail needs attention") {
		t.Error("the administrator is not told the audit trail needs attention")
	}
	code, out, _ = runCmd(t, "audit", "verify", "--db", m.DSN, "--expect", anchor)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("BROKEN at record %d: record %d is not linked from the chain's head", stray.Seq, stray.Seq)) {
		t.Errorf("audit verify after the stray record: %d %s", code, out)
	}
}
