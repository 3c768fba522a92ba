package main

import (
	"net/http"
	"net/url"
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
