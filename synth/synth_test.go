package synth

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"carepath"
	"carepath/fhir"
)

var asOf = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestSameSeedSameBytes(t *testing.T) {
	a, b := New(42, asOf), New(42, asOf)
	for _, i := range []int{0, 1, 17, 999} {
		x, err := a.Bundle(i)
		if err != nil {
			t.Fatal(err)
		}
		y, _ := b.Bundle(i)
		if !bytes.Equal(x, y) {
			t.Fatalf("patient %d differs between two generators with the same seed", i)
		}
	}
	other, _ := New(43, asOf).Bundle(0)
	same, _ := a.Bundle(0)
	if bytes.Equal(other, same) {
		t.Fatal("different seeds gave the same patient")
	}

	// Whole files, generated in parallel, are the same bytes too.
	d1, d2 := t.TempDir(), t.TempDir()
	for _, d := range []string{d1, d2} {
		if _, err := New(7, asOf).WriteNDJSON(context.Background(), d, 1500, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{FileName(0), FileName(1000)} {
		x, err1 := os.ReadFile(filepath.Join(d1, name))
		y, err2 := os.ReadFile(filepath.Join(d2, name))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Fatalf("%s differs between runs (%v, %v)", name, err1, err2)
		}
		if n := bytes.Count(x, []byte("\n")); name == FileName(1000) && n != 500 {
			t.Fatalf("%s holds %d lines; want 500", name, n)
		}
	}
}

// TestPopulation generates a panel and checks it against the stated
// prevalence bounds and what an importer and a care manager need.
func TestPopulation(t *testing.T) {
	const n = 2000
	g := New(1, asOf)
	counts := map[string]int{}
	var ages, female, withCaregiver, inpatient, recentDischarge, deceased, emergency int
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		b, err := g.Bundle(i)
		if err != nil {
			t.Fatal(err)
		}
		unit, err := fhir.Parse(b, "generated")
		if err != nil {
			t.Fatalf("patient %d does not parse: %v", i, err)
		}
		if len(unit.ExternalRefs) > 0 {
			t.Fatalf("patient %d points outside its bundle: %v", i, unit.ExternalRefs)
		}
		conds := map[string]bool{}
		for _, key := range g.Conditions(i) {
			conds[key] = true
		}
		for k := range conds {
			counts[k]++
		}
		var sawIMP, sawRecent, sawEMER bool
		for _, r := range unit.Resources {
			kinds[r.Type]++
			switch rec := r.Record.(type) {
			case *carepath.Patient:
				birth, _ := time.Parse("2006-01-02", rec.BirthDate)
				age := asOf.Sub(birth).Hours() / 24 / 365.25
				if age < 18 || age > 96 {
					t.Fatalf("patient %d is %.0f years old", i, age)
				}
				ages += int(age)
				if rec.Sex == "female" {
					female++
				}
				if rec.Deceased {
					deceased++
				}
				if rec.Language.Code == "" || rec.MRN == "" || rec.Phone == "" {
					t.Fatalf("patient %d lacks language, MRN or phone: %+v", i, rec)
				}
			case *carepath.RelatedPerson:
				withCaregiver++
			case *carepath.Encounter:
				if rec.Class == carepath.EncounterInpatient {
					sawIMP = true
					if rec.DischargeDisposition.Code == "" || rec.AdmitSource.Code == "" {
						t.Fatalf("inpatient stay without disposition or admit source: %+v", rec)
					}
					end := rec.PeriodEnd.Time()
					if asOf.Sub(end) < 30*24*time.Hour {
						sawRecent = true
					}
					if end.After(asOf) {
						t.Fatalf("discharge %s after as-of", rec.PeriodEnd)
					}
				}
				if rec.Class == carepath.EncounterEmergency {
					sawEMER = true
				}
			}
		}
		if sawIMP {
			inpatient++
		}
		if sawRecent {
			recentDischarge++
		}
		if sawEMER {
			emergency++
		}
	}
	for _, p := range ExpectedPrevalence {
		got := float64(counts[p.Condition]) / n
		if got < p.Min || got > p.Max {
			t.Errorf("%s prevalence %.3f outside [%.3f, %.3f]", p.Condition, got, p.Min, p.Max)
		}
	}
	checks := []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"mean age", float64(ages) / n, 44, 56},
		{"female share", float64(female) / n, 0.50, 0.58},
		{"with a caregiver", float64(withCaregiver) / n, 0.02, 0.12},
		{"with an inpatient stay in 3 years", float64(inpatient) / n, 0.10, 0.35},
		{"discharged in the last 30 days", float64(recentDischarge) / n, 0.01, 0.06},
		{"with an ED visit in 3 years", float64(emergency) / n, 0.25, 0.70},
		{"deceased", float64(deceased) / n, 0.001, 0.03},
	}
	for _, c := range checks {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s = %.3f outside [%.3f, %.3f]", c.what, c.got, c.min, c.max)
		}
	}
	for _, typ := range []string{"Patient", "Condition", "Encounter", "Observation", "MedicationRequest", "Coverage",
		"RelatedPerson", "AllergyIntolerance", "Procedure", "Immunization", "CarePlan", "Goal", "Practitioner", "Organization"} {
		if kinds[typ] == 0 {
			t.Errorf("no %s generated", typ)
		}
	}
	t.Logf("prevalence %v; resources %v", counts, kinds)
}
