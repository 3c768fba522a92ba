package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carepath"
	"carepath/fhirimport"
)

// Imported names, problems and results are untrusted input: these would run
// script if any page wrote them unescaped (and the Content-Security-Policy
// would still stop inline script; the test checks the escaping itself).
const (
	xssFamily  = `<img src=x onerror="window.__xss=1">`
	xssGiven   = `<script>window.__xss=2</script>`
	xssProblem = `</text><script>window.__xss=3</script>`
	xssResult  = `"><svg onload="window.__xss=4">`
)

// importXSSPatient imports a patient whose every shown text is a script
// injection into the organization, and returns the patient's id.
func importXSSPatient(t *testing.T, m *Main, orgID string) string {
	t.Helper()
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	bundle := `{"resourceType":"Bundle","type":"transaction","entry":[
	 {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Patient","id":"xss-patient",
	   "name":[{"family":` + q(xssFamily) + `,"given":[` + q(xssGiven) + `]}],"birthDate":"1950-01-01","gender":"female"},
	  "request":{"method":"PUT","url":"Patient/xss-patient"}},
	 {"resource":{"resourceType":"Condition","id":"xss-condition","subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},
	   "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
	   "code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003","display":` + q(xssProblem) + `}]}},
	  "request":{"method":"PUT","url":"Condition/xss-condition"}},
	 {"resource":{"resourceType":"Observation","id":"xss-obs","status":"final","subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},
	   "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
	   "code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":` + q(xssResult) + `}]},
	   "effectiveDateTime":"2026-01-02T10:00:00Z","valueQuantity":{"value":80,"unit":` + q(xssResult) + `}},
	  "request":{"method":"PUT","url":"Observation/xss-obs"}},
	 {"resource":{"resourceType":"Encounter","id":"xss-enc","status":"finished","subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},
	   "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
	   "type":[{"coding":[{"system":"http://snomed.info/sct","code":"32485007","display":` + q(xssProblem) + `}]}],
	   "period":{"start":"2026-01-02T10:00:00Z","end":"2026-01-05T10:00:00Z"},
	   "hospitalization":{"dischargeDisposition":{"coding":[{"code":"home","display":` + q(xssResult) + `}]}},
	   "serviceProvider":{"display":` + q(xssFamily) + `}},
	  "request":{"method":"PUT","url":"Encounter/xss-enc"}}]}`
	path := filepath.Join(t.TempDir(), "xss.json")
	if err := os.WriteFile(path, []byte(bundle), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := carepath.NewContextWithActor(context.Background(), carepath.SystemActor(orgID, "test", "cli"))
	rep, err := fhirimport.Import(ctx, m.DB, orgID, []string{path}, fhirimport.Options{})
	if err != nil || len(rep.Failures) > 0 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	return "xss-patient"
}

// TestImportedTextIsEscaped reads the panel and the chart of that patient
// over HTTP: the injections appear as text, never as markup.
func TestImportedTextIsEscaped(t *testing.T) {
	m := startDemo(t, 30)
	org, _ := demoOrg(t, m)
	id := importXSSPatient(t, m, org.ID)
	admin := signIn(t, m.Server.URL(), "admin@demo.carepath.example", DemoPassword)
	for _, page := range []string{"/patients?q=" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "+", `"`, "%22", "=", "%3D").Replace(xssFamily), "/patients/" + id} {
		body, resp := admin.get(m.Server.URL() + page)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", page, resp.StatusCode)
		}
		for _, raw := range []string{"<img src=x", "<script>window", "<svg onload"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s contains %q unescaped", page, raw)
			}
		}
		if !strings.Contains(body, "&lt;img src=x") {
			t.Errorf("%s does not show the name as text", page)
		}
	}
}

// startDemo starts the server on a fresh SQLite database with n demo
// patients, stopped when the test ends.
func startDemo(t *testing.T, n int) *Main {
	t.Helper()
	m := &Main{}
	dsn := filepath.Join(t.TempDir(), "carepath.db")
	if err := m.ParseFlags([]string{"--db", dsn, "--addr", "127.0.0.1:0", "--demo", "--demo-patients", fmt.Sprint(n), "--sweep-every", "0"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	m.Logger = testLogger(t)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// demoOrg returns the demo organization and the context of an operator
// working in it.
func demoOrg(t *testing.T, m *Main) (*carepath.Organization, context.Context) {
	t.Helper()
	org, err := m.DB.FindOrganization(context.Background(), DemoOrgName)
	if err != nil {
		t.Fatal(err)
	}
	return org, carepath.NewContextWithActor(context.Background(), carepath.SystemActor(org.ID, "test", "cli"))
}
