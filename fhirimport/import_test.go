package fhirimport_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carepath"
	"carepath/fhirimport"
	"carepath/internal/testdb"
	"carepath/store"
)

// dataDir holds the FHIR fixtures (their provenance is in its README).
const dataDir = "../testdata/fhir"

// fileCounts counts, independently of the importer (with encoding/json
// into generic values), the distinct resources per type that JSON bundle
// files hold, and the number of entries.
func fileCounts(t *testing.T, files ...string) (distinct map[string]int64, entries int) {
	t.Helper()
	distinct = map[string]int64{}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var bundle struct {
			Entry []struct {
				Resource map[string]any `json:"resource"`
				Request  struct{ URL string }
			} `json:"entry"`
		}
		if err := json.Unmarshal(b, &bundle); err != nil {
			t.Fatal(err)
		}
		for _, e := range bundle.Entry {
			entries++
			typ, _ := e.Resource["resourceType"].(string)
			id, _ := e.Resource["id"].(string)
			if key := typ + "/" + id; !seen[key] {
				seen[key] = true
				distinct[typ]++
			}
		}
	}
	return distinct, entries
}

func countsByType(t *testing.T, db *store.DB, org string) map[string]int64 {
	t.Helper()
	counts, err := db.ResourceCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range counts {
		if c.OrgID == org {
			out[c.ResourceType] = c.Count
		}
	}
	return out
}

// sampleBundles is the number of Synthea patients in testdata.
const sampleBundles = 4

// importer is the context of a command-line import: a system actor.
func importer() context.Context {
	return carepath.NewContextWithActor(context.Background(), carepath.SystemActor("", "test import", "cli"))
}

func newOrg(t *testing.T, db *store.DB) string { return newOrgB(t, db) }

func newOrgB(t testing.TB, db *store.DB) string {
	org := &carepath.Organization{Name: "Import Test"}
	if err := db.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return org.ID
}

func sameCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %d; want %d", what, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok && v != 0 {
			t.Errorf("%s: unexpected %s = %d", what, k, v)
		}
	}
}

func TestImportSyntheaSample(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dataDir, "synthea-sample/*.json"))
	if len(files) != sampleBundles {
		t.Fatalf("found %d synthea-sample files; want %d", len(files), sampleBundles)
	}
	want, entries := fileCounts(t, files...)
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db)
		rep, err := fhirimport.Import(ctx, db, org, []string{filepath.Join(dataDir, "synthea-sample")}, fhirimport.Options{BatchResources: 5000})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) > 0 || rep.Units != sampleBundles || rep.Resources != entries {
			t.Fatalf("report %+v; want %d bundles, %d resources, no failures", rep, sampleBundles, entries)
		}
		sameCounts(t, "stored", countsByType(t, db, org), want)
		records, err := db.RecordCounts(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		for table, typ := range map[string]string{"patient": "Patient", "condition": "Condition", "encounter": "Encounter",
			"observation": "Observation", "procedure_performed": "Procedure", "immunization": "Immunization",
			"medication": "MedicationRequest", "allergy": "AllergyIntolerance", "source_care_plan": "CarePlan",
			"source_goal": "Goal", "practitioner": "Practitioner", "care_organization": "Organization"} {
			if records[table] != want[typ] {
				t.Errorf("typed table %s holds %d; files hold %d %s", table, records[table], want[typ], typ)
			}
		}

		// One patient, read back: compartment, version, and the JSON as sent
		// with references rewritten.
		ps, total, err := db.FindPatients(carepath.NewContextWithActor(ctx, carepath.SystemActor(org, "test", "cli")), carepath.PatientFilter{Limit: 500})
		if err != nil || total != sampleBundles {
			t.Fatalf("FindPatients: %d, %v", total, err)
		}
		before, err := db.ReadResource(ctx, org, "Patient", ps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if before.VersionID != 1 || before.PatientID != ps[0].ID || bytes.Contains(before.JSON, []byte("urn:uuid")) {
			t.Fatalf("stored patient: version %d compartment %q json %.200s", before.VersionID, before.PatientID, before.JSON)
		}

		t.Run("re-import changes nothing", func(t *testing.T) {
			rep, err := fhirimport.Import(ctx, db, org, files, fhirimport.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != entries || len(rep.Failures) > 0 {
				t.Fatalf("re-import report %+v; want %d unchanged", rep, entries)
			}
			sameCounts(t, "after re-import", countsByType(t, db, org), want)
			after, _ := db.ReadResource(ctx, org, "Patient", ps[0].ID)
			if after.VersionID != 1 || !bytes.Equal(after.JSON, before.JSON) || after.LastUpdated != before.LastUpdated {
				t.Fatalf("re-import touched the patient: version %d", after.VersionID)
			}
		})

		t.Run("changed data updates in place", func(t *testing.T) {
			// Change one value of the first resource (the patient), bytes
			// otherwise as they were.
			b, _ := os.ReadFile(files[0])
			var first struct {
				Entry []struct {
					Resource struct{ ID, BirthDate string } `json:"resource"`
				} `json:"entry"`
			}
			json.Unmarshal(b, &first)
			id, birth := first.Entry[0].Resource.ID, first.Entry[0].Resource.BirthDate
			changed := bytes.Replace(b, []byte(`"birthDate":"`+birth+`"`), []byte(`"birthDate":"1901-01-01"`), 1)
			if bytes.Equal(changed, b) {
				t.Fatal("test data has no birthDate to change")
			}
			path := filepath.Join(t.TempDir(), "changed.json")
			os.WriteFile(path, changed, 0o644)
			rep, err := fhirimport.Import(ctx, db, org, []string{path}, fhirimport.Options{})
			if err != nil || rep.Updated != 1 || rep.Created != 0 {
				t.Fatalf("report %+v, %v; want exactly one update", rep, err)
			}
			p, _ := db.FindPatientByID(carepath.NewContextWithActor(ctx, carepath.SystemActor(org, "test", "cli")), id)
			stored, _ := db.ReadResource(ctx, org, "Patient", id)
			if p.BirthDate != "1901-01-01" || stored.VersionID != 2 {
				t.Fatalf("after update: birth %s version %d", p.BirthDate, stored.VersionID)
			}
			sameCounts(t, "after update", countsByType(t, db, org), want)
		})

		t.Run("charts read back what the files hold", func(t *testing.T) {
			sys := carepath.NewContextWithActor(ctx, carepath.SystemActor(org, "test", "cli"))
			plans, activities, series, encounters := 0, 0, 0, 0
			for _, p := range ps {
				c, err := db.FindChart(sys, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				plans += len(c.CarePlans)
				for _, cp := range c.CarePlans {
					activities += len(cp.Activities)
				}
				for _, s := range c.Series {
					series++
					for i := 1; i < len(s.Points); i++ {
						if s.Points[i].Effective < s.Points[i-1].Effective {
							t.Fatalf("%s: series %s out of order", p.ID, s.Code.Code)
						}
					}
				}
				encounters += len(c.Encounters)
				if len(c.Encounters) > carepath.ChartEncounters {
					t.Fatalf("%s: %d encounters listed", p.ID, len(c.Encounters))
				}
			}
			// Every source care plan and activity of the sample is on a chart.
			if int64(plans) != want["CarePlan"] || int64(activities) != records["source_care_plan_activity"] {
				t.Errorf("charts show %d care plans with %d activities; stored %d and %d", plans, activities, want["CarePlan"], records["source_care_plan_activity"])
			}
			if series == 0 || encounters == 0 || plans == 0 || activities == 0 {
				t.Errorf("charts show %d series, %d encounters, %d care plans, %d activities", series, encounters, plans, activities)
			}
		})
	})
}

// badFiles writes one file for each way a bundle can be unacceptable, and
// returns them with the reason each must be rejected for.
func badFiles(t *testing.T) (dir string, reasons map[string]string) {
	dir = t.TempDir()
	good, _ := os.ReadFile(filepath.Join(dataDir, "synthea-sample/27c911c6-f045-4ffa-af5d-6eba57ac94b2.json"))
	var doc map[string]any
	json.Unmarshal(good, &doc)
	mutate := func(name string, change func(entries []any) []any) {
		var d map[string]any
		json.Unmarshal(good, &d)
		d["entry"] = change(d["entry"].([]any))
		b, _ := json.Marshal(d)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	resource := func(entries []any, i int) map[string]any {
		return entries[i].(map[string]any)["resource"].(map[string]any)
	}
	// Each bad bundle is a real Synthea bundle with one thing wrong near its
	// end, so that everything before it would have been written.
	last := len(doc["entry"].([]any)) - 1
	os.WriteFile(filepath.Join(dir, "bad-json.json"), good[:len(good)/2], 0o644)
	mutate("not-r4.json", func(es []any) []any {
		for i := last; i >= 0; i-- {
			if r := resource(es, i); r["resourceType"] == "Condition" {
				r["clinicalStatus"] = "active" // STU3 shape
				break
			}
		}
		return es
	})
	mutate("dangling.json", func(es []any) []any {
		resource(es, last)["subject"] = map[string]any{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"}
		return es
	})
	mutate("unknown-type.json", func(es []any) []any {
		resource(es, last)["resourceType"] = "MedicalThing"
		return es
	})
	mutate("missing-field.json", func(es []any) []any {
		for i := last; i >= 0; i-- {
			if r := resource(es, i); r["resourceType"] == "Observation" {
				delete(r, "code")
				break
			}
		}
		return es
	})
	return dir, map[string]string{
		"bad-json.json":      "not a valid R4 Bundle",
		"not-r4.json":        "found a JSON string where R4 has a CodeableConcept",
		"dangling.json":      "dangling reference urn:uuid:00000000-0000-4000-8000-000000000000",
		"unknown-type.json":  `unknown resourceType "MedicalThing"`,
		"missing-field.json": "code is missing (required in R4)",
	}
}

func TestImportRejectsBadBundles(t *testing.T) {
	dir, reasons := badFiles(t)
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db)
		rep, err := fhirimport.Import(ctx, db, org, []string{dir}, fhirimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Units != 0 || len(rep.Failures) != len(reasons) {
			t.Fatalf("report %+v; want every bundle rejected", rep)
		}
		for _, f := range rep.Failures {
			want, ok := reasons[filepath.Base(f.Source)]
			if !ok || !strings.Contains(f.Reason, want) {
				t.Errorf("%s rejected for %q; want %q", f.Source, f.Reason, want)
			}
			if f.Entry < 0 && filepath.Base(f.Source) != "bad-json.json" {
				t.Errorf("%s: no entry index in %v", f.Source, f)
			}
		}
		if got := countsByType(t, db, org); len(got) != 0 {
			t.Fatalf("rejected bundles wrote %v", got)
		}
		if recs, _ := db.RecordCounts(ctx, org); recs["patient"] != 0 || recs["condition"] != 0 {
			t.Fatalf("rejected bundles wrote typed records %v", recs)
		}

		// With a good bundle among them: the good one lands, nothing else.
		good := filepath.Join(dataDir, "synthea-sample/27c911c6-f045-4ffa-af5d-6eba57ac94b2.json")
		want, _ := fileCounts(t, good)
		rep, err = fhirimport.Import(ctx, db, org, []string{dir, good}, fhirimport.Options{})
		if err != nil || rep.Units != 1 || len(rep.Failures) != len(reasons) {
			t.Fatalf("report %+v, %v", rep, err)
		}
		sameCounts(t, "good among bad", countsByType(t, db, org), want)
	})
}

// TestImportInferno imports the US Core conformance bundles: PUT entries
// with fixed ids, conditional references, Groups that point to patients in
// files that come later (held back and retried), and one bundle whose
// MedicationDispense points to a MedicationRequest nobody sent.
func TestImportInferno(t *testing.T) {
	dir := filepath.Join(dataDir, "inferno-uscore-r4")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	const dangling = "uscore_bundle_patient_client_test.json"
	var okFiles, bundles []string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var h struct{ ResourceType string }
		json.Unmarshal(b, &h)
		if filepath.Base(f) == dangling {
			continue
		}
		if h.ResourceType == "Bundle" {
			bundles = append(bundles, f)
		}
		okFiles = append(okFiles, f)
	}
	want, _ := fileCounts(t, bundles...)
	for _, f := range okFiles { // the single resources (Groups, a SearchParameter)
		if !contains(bundles, f) {
			b, _ := os.ReadFile(f)
			var h struct{ ResourceType string }
			json.Unmarshal(b, &h)
			want[h.ResourceType]++
		}
	}
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		db := e.Open(t)
		org := newOrg(t, db)
		rep, err := fhirimport.Import(ctx, db, org, []string{dir}, fhirimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || filepath.Base(rep.Failures[0].Source) != dangling ||
			!strings.Contains(rep.Failures[0].Reason, "reference MedicationRequest/medicationrequest-coded-oral-axid is not in the bundle and not stored") {
			t.Fatalf("failures %v; want only %s for its dangling MedicationRequest", rep.Failures, dangling)
		}
		if rep.Units != len(okFiles) {
			t.Errorf("imported %d units; want %d", rep.Units, len(okFiles))
		}
		sameCounts(t, "inferno", countsByType(t, db, org), want)
		p, err := db.FindPatientByID(carepath.NewContextWithActor(ctx, carepath.SystemActor(org, "test", "cli")), "355")
		if err != nil || p.Family == "" {
			t.Fatalf("patient 355: %+v, %v", p, err)
		}
	})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestImportArchiveAndNDJSON reads the same data from a .tar.gz and from
// NDJSON (bundles per line, and bulk-export style resources per line in
// files named by type, where Observations point to Patients).
func TestImportArchiveAndNDJSON(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dataDir, "synthea-sample/*.json"))
	files = files[:3]
	want, _ := fileCounts(t, files...)
	dir := t.TempDir()

	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		tw.WriteHeader(&tar.Header{Name: "bundles/" + filepath.Base(f), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	os.WriteFile(filepath.Join(dir, "sample.tar.gz"), tgz.Bytes(), 0o644)

	var lines bytes.Buffer
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var v any
		json.Unmarshal(b, &v)
		c, _ := json.Marshal(v)
		lines.Write(c)
		lines.WriteString("\n\n")
	}
	ndjsonDir := filepath.Join(dir, "ndjson")
	os.Mkdir(ndjsonDir, 0o755)
	os.WriteFile(filepath.Join(ndjsonDir, "bundles.ndjson"), lines.Bytes(), 0o644)

	bulk := filepath.Join(dir, "bulk")
	os.Mkdir(bulk, 0o755)
	// Observation.ndjson sorts before Patient.ndjson; the importer must
	// still get the patients in first.
	os.WriteFile(filepath.Join(bulk, "Observation.ndjson"), []byte(
		`{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Weight"},"subject":{"reference":"Patient/bulk1"},"valueQuantity":{"value":80,"unit":"kg"}}`+"\n"+
			`{"resourceType":"Observation","id":"o2","status":"final","code":{"text":"Weight"},"subject":{"reference":"Patient/bulk2"},"valueQuantity":{"value":70,"unit":"kg"}}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(bulk, "Patient.ndjson"), []byte(
		`{"resourceType":"Patient","id":"bulk1","name":[{"family":"Ndjson"}]}`+"\n"+`{"resourceType":"Patient","id":"bulk2"}`+"\n"), 0o644)

	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		ctx := importer()
		for _, tc := range []struct {
			name  string
			paths []string
			want  map[string]int64
			units int
		}{
			{"tar.gz", []string{filepath.Join(dir, "sample.tar.gz")}, want, 3},
			{"ndjson bundles", []string{ndjsonDir}, want, 3},
			{"bulk ndjson", []string{bulk}, map[string]int64{"Patient": 2, "Observation": 2}, 4},
		} {
			t.Run(tc.name, func(t *testing.T) {
				db := e.Open(t)
				org := newOrg(t, db)
				rep, err := fhirimport.Import(ctx, db, org, tc.paths, fhirimport.Options{})
				if err != nil || len(rep.Failures) > 0 || rep.Units != tc.units {
					t.Fatalf("report %+v, %v", rep, err)
				}
				sameCounts(t, tc.name, countsByType(t, db, org), tc.want)
			})
		}
	})
}

func TestImportReportsUnreadablePaths(t *testing.T) {
	db := testdb.Engines(t)[0].Open(t)
	org := newOrg(t, db)
	if _, err := fhirimport.Import(importer(), db, org, []string{"/no/such/path"}, fhirimport.Options{}); err == nil {
		t.Fatal("a missing path must stop the import")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken.tar.gz"), []byte("not gzip"), 0o644)
	rep, err := fhirimport.Import(importer(), db, org, []string{dir}, fhirimport.Options{})
	if err != nil || len(rep.Failures) != 1 || !strings.Contains(rep.Failures[0].Reason, "gzip") {
		t.Fatalf("report %+v, %v", rep, err)
	}
}

// cancelAfterFirst is the store as the importer sees it, which cancels the
// import once the first batch is written.
type cancelAfterFirst struct {
	carepath.ClinicalImporter
	cancel  context.CancelFunc
	batches int
}

func (c *cancelAfterFirst) ImportUnits(ctx context.Context, org string, units []*carepath.ImportUnit) ([]carepath.ImportResult, error) {
	c.batches++
	res, err := c.ClinicalImporter.ImportUnits(ctx, org, units)
	c.cancel()
	return res, err
}

// A cancelled import stops at the batch being written: that batch is
// whole, and no other is written after it.
func TestImportStopsWhenCancelled(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db)
		ctx, cancel := context.WithCancel(importer())
		defer cancel()
		imp := &cancelAfterFirst{ClinicalImporter: db, cancel: cancel}
		// Batches of one bundle each, parsed ahead of the writer.
		_, err := fhirimport.Import(ctx, imp, org, []string{filepath.Join(dataDir, "synthea-sample")}, fhirimport.Options{BatchResources: 16})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("import returned %v; want context.Canceled", err)
		}
		if imp.batches != 1 {
			t.Errorf("%d batches written; want 1, none after the cancellation", imp.batches)
		}
		records, err := db.RecordCounts(importer(), org)
		if err != nil {
			t.Fatal(err)
		}
		if records["patient"] != 1 {
			t.Errorf("%d patients stored; want the first bundle's 1", records["patient"])
		}
	})
}
