package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carepath/internal/testdb"
	"carepath/store"
)

// dataDir holds the FHIR fixtures (their provenance is in its README).
const dataDir = "../../testdata/fhir"

// runCmd runs the command in-process and returns its exit code and
// output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCmdInput(t, "", args...)
}

// runCmdInput runs a command with stdin.
func runCmdInput(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "import", "generate", "stats", "migrate"} {
		code, _, stderr := runCmd(t, cmd, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: carepath "+cmd) || !strings.Contains(stderr, "-db") && cmd != "generate" {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, stderr)
		}
	}
	for _, cmd := range []string{"user", "token", "audit"} {
		if code, _, stderr := runCmd(t, cmd, "--help"); code != 0 || !strings.Contains(stderr, "carepath "+cmd+" ") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, stderr)
		}
		if code, _, _ := runCmd(t, cmd); code != 2 {
			t.Errorf("%s without a subcommand: exit %d, want 2", cmd, code)
		}
		if code, _, _ := runCmd(t, cmd, "frobnicate"); code != 2 {
			t.Errorf("%s frobnicate: exit %d, want 2", cmd, code)
		}
	}
	if code, out, _ := runCmd(t, "version"); code != 0 || !strings.HasPrefix(out, "carepath ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, stderr := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "import", "--no-such-flag"); code != 2 {
		t.Errorf("bad flag: exit %d; want 2", code)
	}
}

func TestImportStatsMigrate(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		dsn := e.DSN(t)
		code, stdout, stderr := runCmd(t, "migrate", "--db", dsn)
		ms, err := store.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		if code != 0 || !strings.Contains(stdout, fmt.Sprintf("schema version %d", len(ms))) || !strings.Contains(stdout, "applied 0001") {
			t.Fatalf("migrate: %d\n%s%s", code, stdout, stderr)
		}
		sample := filepath.Join(dataDir, "synthea-sample")
		code, stdout, stderr = runCmd(t, "import", "--db", dsn, "--org", "General Hospital", sample)
		if code != 0 || !strings.Contains(stdout, "Imported 4 bundles") || !strings.Contains(stderr, "import: 4 bundles") {
			t.Fatalf("import: %d\n%s%s", code, stdout, stderr)
		}
		// A bad file among good ones: the good ones land, exit code 1, the
		// failure is named with its entry and reason.
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, []byte(`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Widget","id":"w"},"request":{"method":"PUT","url":"Widget/w"}}]}`), 0o644)
		code, stdout, stderr = runCmd(t, "import", "--db", dsn, "--org", "general-hospital", bad, sample)
		if code != 1 || !strings.Contains(stderr, "FAILED "+bad+": entry 0: unknown resourceType \"Widget\"") ||
			!strings.Contains(stdout, "1 failed") {
			t.Fatalf("import with a bad file: %d\n%s%s", code, stdout, stderr)
		}
		code, stdout, _ = runCmd(t, "stats", "--db", dsn, "--json")
		var stats struct {
			Organizations []struct {
				ID        string
				Name      string
				Total     int64
				Resources map[string]int64
			}
		}
		if err := json.Unmarshal([]byte(stdout), &stats); code != 0 || err != nil {
			t.Fatalf("stats: %d %v\n%s", code, err, stdout)
		}
		if len(stats.Organizations) != 1 || stats.Organizations[0].ID != "general-hospital" ||
			stats.Organizations[0].Resources["Patient"] != 4 || stats.Organizations[0].Total != 560 {
			t.Fatalf("stats %+v", stats)
		}
		// Several organizations: import without --org must ask which.
		runCmd(t, "import", "--db", dsn, "--org", "Second Clinic", filepath.Join(sample, "27c911c6-f045-4ffa-af5d-6eba57ac94b2.json"))
		if code, _, stderr := runCmd(t, "import", "--db", dsn, sample); code != 1 || !strings.Contains(stderr, "choose one with --org") {
			t.Fatalf("ambiguous org: %d %s", code, stderr)
		}
	})
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "generate", "--patients", "1200", "--seed", "5", "--as-of", "2026-11-22", "--out", dir)
	if code != 0 || !strings.Contains(stdout, "Wrote 1200 patients in 2 files") || !strings.Contains(stderr, "1200/1200 patients") {
		t.Fatalf("generate: %d\n%s%s", code, stdout, stderr)
	}
	db := filepath.Join(t.TempDir(), "gen.db")
	code, stdout, stderr = runCmd(t, "import", "--db", db, dir)
	if code != 0 || !strings.Contains(stdout, "Imported 1200 bundles") {
		t.Fatalf("import generated: %d\n%s%s", code, stdout, stderr)
	}
	if code, _, _ := runCmd(t, "generate", "--out", dir, "--as-of", "22/11/2026"); code != 2 {
		t.Fatalf("bad date: exit %d; want 2", code)
	}
}

// TestServeDemo boots the server as "carepath serve --demo" would, on a
// free port, on every engine, and reads its pages over HTTP.
func TestServeDemo(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		m := &Main{}
		if err := m.ParseFlags([]string{"--db", e.DSN(t), "--addr", "127.0.0.1:0", "--demo", "--demo-patients", "60"}, io.Discard); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		m.Stdout = &out
		m.Logger = testLogger(t)
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for _, want := range []string{"Loaded 60 demo patients", "cm@demo.carepath.example", "auditor@demo.carepath.example", DemoPassword} {
			if !strings.Contains(out.String(), want) {
				t.Fatalf("output lacks %q:\n%s", want, out.String())
			}
		}
		base := m.Server.URL()

		body, resp := get(t, base+"/healthz")
		if resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
			t.Fatalf("healthz: %d %s", resp.StatusCode, body)
		}
		// Signed out, the panel sends to the sign-in page.
		body, resp = get(t, base+"/patients")
		if resp.Request.URL.Path != "/signin" || !strings.Contains(body, "Sign in to Carepath") || strings.Contains(body, "Demo data") {
			t.Fatalf("signed out: landed on %s\n%s", resp.Request.URL, body)
		}
		for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "Cache-Control": "no-store",
			"X-Content-Type-Options": "nosniff"} {
			if !strings.Contains(resp.Header.Get(h), want) {
				t.Errorf("header %s = %q; want %q", h, resp.Header.Get(h), want)
			}
		}

		cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
		body, resp = cm.get(base + "/patients")
		// 60 patients over 6 caseloads: the care manager sees their 10.
		if resp.StatusCode != 200 || !strings.Contains(body, "My patients") || !strings.Contains(body, "1–10 of 10 patients") || !strings.Contains(body, "Demo data") {
			t.Fatalf("care manager's panel: %d\n%s", resp.StatusCode, body)
		}
		body, _ = cm.get(base + "/patients?cm=all")
		if !strings.Contains(body, "1–40 of 60 patients") {
			t.Errorf("all patients:\n%s", body)
		}
		body, _ = cm.get(base + "/patients?cm=all&offset=40")
		if !strings.Contains(body, "41–60 of 60 patients") || !strings.Contains(body, `rel="prev"`) {
			t.Errorf("second page wrong:\n%s", body)
		}
		body, _ = cm.get(base + "/patients?q=zzzz")
		if !strings.Contains(body, "No patient matches") {
			t.Errorf("empty search:\n%s", body)
		}
		css := between(body, `href="/static/`, `"`)
		if _, resp := get(t, base+"/static/"+css); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("asset %s: %d %s", css, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		admin := signIn(t, base, "admin@demo.carepath.example", DemoPassword)
		if body, _ := admin.get(base + "/patients"); !strings.Contains(body, "1–40 of 60 patients") || strings.Contains(body, "My patients") {
			t.Errorf("an administrator's default view is every patient:\n%s", body)
		}

		// A cross-origin sign-out (CSRF) is refused; a same-origin one works.
		req, _ := http.NewRequest("POST", base+"/signout", nil)
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp, err := cm.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site sign-out: %v %v", resp.StatusCode, err)
		}
		if _, resp := cm.get(base + "/patients"); resp.Request.URL.Path != "/patients" {
			t.Fatal("the cross-site request signed the user out")
		}
		if resp, err := cm.c.PostForm(base+"/signout", nil); err != nil || resp.Request.URL.Path != "/signin" {
			t.Fatalf("sign-out: %v", err)
		}
		if _, resp := cm.get(base + "/patients"); resp.Request.URL.Path != "/signin" {
			t.Fatal("still signed in after signing out")
		}

		// Wrong password: refused, with the one message.
		c := newClient(t)
		resp, err := c.c.PostForm(base+"/signin", url.Values{"email": {"cm@demo.carepath.example"}, "password": {"wrong password!"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "not right") {
			t.Errorf("wrong password: %d\n%s", resp.StatusCode, b)
		}

		// A second start on the same database does not load the demo again.
		m.Close()
		m2 := &Main{}
		m2.ParseFlags([]string{"--db", m.DSN, "--addr", "127.0.0.1:0", "--demo"}, io.Discard)
		out.Reset()
		m2.Stdout, m2.Logger = &out, testLogger(t)
		if err := m2.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m2.Close()
		if strings.Contains(out.String(), "Generating") {
			t.Fatalf("demo loaded twice: %s", out.String())
		}
		if code, stdout, stderr := runCmd(t, "audit", "verify", "--db", m.DSN); code != 0 || !strings.Contains(stdout, "intact") {
			t.Errorf("audit verify after the session: %d %s%s", code, stdout, stderr)
		}
	})
}

// client is a browser-like HTTP client with cookies.
type client struct {
	t *testing.T
	c *http.Client
}

func newClient(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, c: &http.Client{Jar: jar}}
}

func (c *client) get(url string) (string, *http.Response) {
	c.t.Helper()
	resp, err := c.c.Get(url)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp
}

// signIn signs in through the form and returns the signed-in client.
func signIn(t *testing.T, base, email, password string) *client {
	t.Helper()
	c := newClient(t)
	resp, err := c.c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {password}, "next": {"/patients"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/patients" {
		t.Fatalf("sign-in as %s: %d at %s", email, resp.StatusCode, resp.Request.URL)
	}
	return c
}

func get(t *testing.T, url string) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

func TestInstrumentsCheck(t *testing.T) {
	dir := filepath.Join(dataDir, "sdoh-questionnaires")
	code, out, _ := runCmd(t, "instruments")
	if code != 0 || !strings.Contains(out, "prapare") || !strings.Contains(out, "http://loinc.org 93025-5, 21 items") {
		t.Errorf("instruments: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "instruments", "check", filepath.Join(dir, "AHC-questionnaire.json"))
	if code != 0 || !strings.Contains(out, "ahc-hrsn matches AHC Health Related Social Needs Screening item for item (10 items)") {
		t.Errorf("check AHC: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "instruments", "check", filepath.Join(dir, "PRAPARE-questionnaire.json"), filepath.Join(dir, "PHQ-4-questionnaire.json"))
	if code != 1 || !strings.Contains(out, "item 93031-3: several answers true, the standard's false") || !strings.Contains(out, "name one with --as") {
		t.Errorf("check PRAPARE and PHQ-4: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCmd(t, "instruments", "check", "--as", "phq-10", filepath.Join(dir, "PHQ-4-questionnaire.json")); code != 1 ||
		!strings.Contains(stderr, `there is no instrument "phq-10"`) {
		t.Errorf("check --as phq-10: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runCmd(t, "instruments", "check"); code != 2 {
		t.Errorf("check with no file: exit %d, want 2", code)
	}
}
