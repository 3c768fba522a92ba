package fhir

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carepath"
)

// get walks a generic JSON value: get(v, "name", 0, "family").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

// refID is the id at the end of a relative reference.
func refID(v any) string {
	s := str(v)
	return s[strings.LastIndex(s, "/")+1:]
}

// TestHL7Examples decodes the official R4 examples of every kind Carepath
// stores in typed form and checks the typed record against a generic decode
// of the same file with encoding/json.
func TestHL7Examples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(dataDir, "hl7-r4-examples/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	checked := map[string]int{}
	for _, f := range files {
		base := filepath.Base(f)
		typ, _, _ := strings.Cut(base, "-")
		if typ == "Bundle" || typ == "package.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var generic map[string]any
		if err := json.Unmarshal(b, &generic); err != nil {
			t.Fatal(err)
		}
		unit, err := Parse(b, base)
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		if len(unit.Resources) != 1 || unit.Resources[0].Type != typ || unit.Resources[0].ID != str(generic["id"]) {
			t.Errorf("%s: parsed as %+v", base, unit.Resources)
			continue
		}
		rec := unit.Resources[0].Record
		type pair struct{ got, want string }
		var pairs []pair
		switch r := rec.(type) {
		case *carepath.Patient:
			pairs = []pair{{r.BirthDate, str(generic["birthDate"])}, {r.Sex, str(generic["gender"])},
				{r.Family, cmp.Or(str(get(generic, "name", 0, "family")), str(get(generic, "name", 0, "text")))}}
		case *carepath.RelatedPerson:
			pairs = []pair{{r.PatientID, refID(get(generic, "patient", "reference"))}}
		case *carepath.Practitioner:
			family := str(get(generic, "name", 0, "family"))
			pairs = []pair{{fmt.Sprint(r.Name != "" && strings.Contains(r.Name, family)), "true"}}
		case *carepath.CareOrganization:
			pairs = []pair{{r.Name, str(generic["name"])}}
		case *carepath.Condition:
			pairs = []pair{{r.Code.Code, str(get(generic, "code", "coding", 0, "code"))},
				{r.PatientID, refID(get(generic, "subject", "reference"))},
				{r.ClinicalStatus, str(get(generic, "clinicalStatus", "coding", 0, "code"))}}
		case *carepath.Encounter:
			pairs = []pair{{r.Class, str(get(generic, "class", "code"))}, {r.Status, str(generic["status"])},
				{r.DischargeDisposition.Code, str(get(generic, "hospitalization", "dischargeDisposition", "coding", 0, "code"))}}
		case *carepath.SourceCarePlan:
			pairs = []pair{{r.Status, str(generic["status"])}, {r.Intent, str(generic["intent"])},
				{r.PatientID, refID(get(generic, "subject", "reference"))}}
		case *carepath.SourceGoal:
			pairs = []pair{{r.LifecycleStatus, str(generic["lifecycleStatus"])}}
		case nil:
			if converted[typ] {
				t.Errorf("%s: no typed record for a %s", base, typ)
			}
			continue
		}
		for _, p := range pairs {
			if p.got != p.want {
				t.Errorf("%s: got %q, want %q (record %+v)", base, p.got, p.want, rec)
			}
		}
		checked[typ]++
	}
	for _, typ := range []string{"Patient", "RelatedPerson", "Practitioner", "Organization", "Condition", "Encounter", "CarePlan", "Goal"} {
		if checked[typ] == 0 {
			t.Errorf("no %s example was checked", typ)
		}
	}
	t.Logf("checked %v", checked)
}

var converted = map[string]bool{"Patient": true, "RelatedPerson": true, "Practitioner": true, "Organization": true,
	"Coverage": true, "Condition": true, "MedicationRequest": true, "MedicationStatement": true,
	"AllergyIntolerance": true, "Encounter": true, "Observation": true, "Procedure": true, "Immunization": true,
	"CarePlan": true, "Goal": true}
