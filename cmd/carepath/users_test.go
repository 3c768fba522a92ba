package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carepath"
)

// post sends a form as the signed-in client and returns the page.
func (c *client) post(url string, form url.Values) (string, *http.Response) {
	c.t.Helper()
	resp, err := c.c.PostForm(url, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp
}

// TestStaffAccountsPage: an administrator adds a user, who signs in with
// the one-time password and must choose their own; resets and disables an
// account; nobody else can do any of it, and all of it is audited.
func TestStaffAccountsPage(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	admin := signIn(t, base, "admin@demo.carepath.example", DemoPassword)

	page, resp := admin.get(base + "/admin/users")
	if resp.StatusCode != 200 || !strings.Contains(page, "nurse@demo.carepath.example") || !strings.Contains(page, "Staff accounts") {
		t.Fatalf("staff accounts page: %d\n%.500s", resp.StatusCode, page)
	}

	// A forged cross-site form (CSRF) with the administrator's cookie is
	// refused and creates nothing.
	req, _ := http.NewRequest("POST", base+"/admin/users", strings.NewReader("email=forged%40demo.carepath.example&role=administrator"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := admin.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site add user: %v %v", resp.StatusCode, err)
	}
	if _, err := m.DB.FindUserByEmail(sys, "forged@demo.carepath.example"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
		t.Errorf("a cross-site form created an account: %v", err)
	}

	// A bad email and a taken one are refused on the page, nothing created.
	page, resp = admin.post(base+"/admin/users", url.Values{"email": {"not an email"}, "role": {"nurse"}})
	if resp.StatusCode != 400 || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, `value="not an email"`) {
		t.Errorf("bad email: %d\n%.300s", resp.StatusCode, between(page, "<main", "</table>"))
	}
	page, resp = admin.post(base+"/admin/users", url.Values{"email": {"nurse@demo.carepath.example"}, "role": {"nurse"}})
	if resp.StatusCode != 409 || !strings.Contains(page, "already exists") {
		t.Errorf("taken email: %d", resp.StatusCode)
	}

	page, resp = admin.post(base+"/admin/users", url.Values{"email": {"New.Nurse@demo.carepath.example"}, "name": {"Nia New"}, "role": {"nurse"}})
	temp := strings.TrimSpace(between(page, `<p class="mono big">`, "</p>"))
	if resp.StatusCode != 200 || len(temp) != 19 {
		t.Fatalf("add user: %d, temporary password %q\n%.500s", resp.StatusCode, temp, between(page, "<main", "</form>"))
	}
	// The new user's first sign-in leads to choosing a password.
	c := newClient(t)
	_, resp = c.post(base+"/signin", url.Values{"email": {"new.nurse@demo.carepath.example"}, "password": {temp}, "next": {"/patients"}})
	if resp.Request.URL.Path != "/password" {
		t.Fatalf("first sign-in of the new user: at %s", resp.Request.URL)
	}
	if _, resp = c.post(base+"/password", url.Values{"current": {temp}, "new": {"nia's own passphrase"}, "again": {"nia's own passphrase"}}); resp.Request.URL.Path != "/patients" {
		t.Fatalf("choosing a password: at %s", resp.Request.URL)
	}
	nia, err := m.DB.FindUserByEmail(sys, "new.nurse@demo.carepath.example")
	if err != nil || nia.Role != carepath.RoleNurse || nia.Name != "Nia New" {
		t.Fatalf("new user: %+v %v", nia, err)
	}

	// Only administrators: everyone else gets "not found" and changes nothing.
	for _, email := range []string{"supervisor@demo.carepath.example", "auditor@demo.carepath.example", "cm@demo.carepath.example"} {
		other := signIn(t, base, email, DemoPassword)
		for _, try := range []struct {
			method, path string
		}{{"GET", "/admin/users"}, {"POST", "/admin/users"}, {"POST", "/admin/users/" + nia.ID + "/disable"}, {"POST", "/admin/users/" + nia.ID + "/reset-password"}} {
			var resp *http.Response
			if try.method == "GET" {
				_, resp = other.get(base + try.path)
			} else {
				_, resp = other.post(base+try.path, url.Values{"email": {"sneaky@demo.carepath.example"}, "role": {"administrator"}})
			}
			if resp.StatusCode != 404 {
				t.Errorf("%s %s %s: %d, want 404", email, try.method, try.path, resp.StatusCode)
			}
		}
	}
	if _, err := m.DB.FindUserByEmail(sys, "sneaky@demo.carepath.example"); carepath.ErrorCode(err) != carepath.ENOTFOUND {
		t.Errorf("a non-administrator created an account: %v", err)
	}

	// Reset: a new one-time password, the old sessions end.
	page, resp = admin.post(base+"/admin/users/"+nia.ID+"/reset-password", nil)
	temp2 := strings.TrimSpace(between(page, `<p class="mono big">`, "</p>"))
	if resp.StatusCode != 200 || len(temp2) != 19 || temp2 == temp {
		t.Fatalf("reset: %d, %q", resp.StatusCode, temp2)
	}
	if _, resp = c.get(base + "/patients"); resp.Request.URL.Path != "/signin" {
		t.Errorf("after a reset the user's session goes on: at %s", resp.Request.URL)
	}

	// Disable: not one's own account; another's, and they cannot sign in.
	me, _ := m.DB.FindUserByEmail(sys, "admin@demo.carepath.example")
	if page, resp = admin.post(base+"/admin/users/"+me.ID+"/disable", nil); resp.StatusCode != 400 || !strings.Contains(page, "your own account") {
		t.Errorf("disabling oneself: %d", resp.StatusCode)
	}
	if page, resp = admin.post(base+"/admin/users/"+nia.ID+"/disable", nil); resp.StatusCode != 200 || !strings.Contains(page, "is disabled") {
		t.Errorf("disable: %d", resp.StatusCode)
	}
	if _, resp = newClient(t).post(base+"/signin", url.Values{"email": {"new.nurse@demo.carepath.example"}, "password": {temp2}}); resp.StatusCode != 401 {
		t.Errorf("a disabled user signs in: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if _, resp = admin.post(base+"/admin/users/nobody/disable", nil); resp.StatusCode != 404 {
		t.Errorf("disabling an unknown user: %d", resp.StatusCode)
	}

	// The audit trail has each change, by the administrator.
	events, err := m.DB.FindAuditEvents(sys, carepath.AuditFilter{ActorID: me.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range events {
		if e.Object == "User/"+nia.ID {
			got[e.Action] = true
		}
	}
	for _, a := range []string{carepath.AuditUserCreate, carepath.AuditPasswordReset, carepath.AuditUserDisable} {
		if !got[a] {
			t.Errorf("no %s record for the new user: %v", a, got)
		}
	}
}
