package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carepath"
)

// dataDir holds the FHIR fixtures (their provenance is in its README).
const dataDir = "../testdata/fhir"

func bundle(typ string, entries ...string) string {
	return `{"resourceType":"Bundle","type":"` + typ + `","entry":[` + strings.Join(entries, ",") + `]}`
}

func post(fullURL, resource string) string {
	return `{"fullUrl":"` + fullURL + `","resource":` + resource + `,"request":{"method":"POST","url":"X"}}`
}

const (
	patientA = `{"resourceType":"Patient","id":"a","name":[{"family":"Rivera","given":["Emily"]}],"birthDate":"1950-02-03"}`
	obsOK    = `{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},"effectiveDateTime":"2026-01-02T10:00:00-05:00","valueQuantity":{"value":72,"unit":"/min"}}`
	patURN   = "urn:uuid:11111111-1111-4111-8111-111111111111"
)

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		entry int
		want  string
	}{
		{"bad JSON", `{"resourceType":"Bundle","type":"transaction","entry":[`, -1, "not a valid R4 Bundle"},
		{"not JSON at all", `hello`, -1, "not valid JSON"},
		{"bundle type missing", `{"resourceType":"Bundle","entry":[]}`, -1, "Bundle.type is missing"},
		{"searchset bundle", bundle("searchset"), -1, "only transaction, batch and collection"},
		{"unknown resourceType", bundle("collection", `{"resource":{"resourceType":"Foo","id":"x"}}`), 0, `unknown resourceType "Foo"`},
		{"missing resourceType", bundle("collection", `{"resource":{"id":"x"}}`), 0, "resourceType is missing"},
		{"STU3 resource type", bundle("collection", `{"resource":{"resourceType":"ProcedureRequest","id":"x"}}`), 0, "FHIR STU3, not R4"},
		{"DSTU2 resource type", bundle("collection", `{"resource":{"resourceType":"MedicationOrder","id":"x"}}`), 0, "FHIR DSTU2, not R4"},
		{"STU3 shape", bundle("collection", `{"resource":{"resourceType":"Condition","id":"c","clinicalStatus":"active","subject":{"reference":"Patient/a"}}}`), 0,
			"at /clinicalStatus: found a JSON string where R4 has a CodeableConcept object"},
		{"missing required code", bundle("collection", `{"fullUrl":"`+patURN+`","resource":`+patientA+`}`,
			`{"resource":{"resourceType":"Observation","id":"o","status":"final","subject":{"reference":"`+patURN+`"}}}`), 1, "code is missing (required in R4)"},
		{"missing required class", bundle("collection", `{"resource":{"resourceType":"Encounter","id":"e","status":"finished"}}`), 0, "class is missing"},
		{"missing required subject", bundle("collection", `{"resource":{"resourceType":"Condition","id":"c"}}`), 0, "subject is missing"},
		{"dangling urn reference", bundle("transaction", post("urn:uuid:22222222-2222-4222-8222-222222222222", obsOK)), 0,
			"dangling reference " + patURN},
		{"dangling conditional reference", bundle("collection", `{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient?identifier=mrn|1"}}}`), 0,
			"dangling conditional reference"},
		{"malformed reference", bundle("collection", `{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient"}}}`), 0,
			"is not of the form Type/id"},
		{"reference to a type that does not exist", bundle("collection", `{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Pateint/a"}}}`), 0,
			"is not of the form Type/id"},
		{"PUT url names another type", bundle("transaction", `{"resource":`+patientA+`,"request":{"method":"PUT","url":"Practitioner/a"}}`), 0,
			"names Practitioner but the resource is a Patient"},
		{"PUT id differs", bundle("transaction", `{"resource":`+patientA+`,"request":{"method":"PUT","url":"Patient/b"}}`), 0,
			`resource id "a" does not match PUT url`},
		{"conditional update", bundle("transaction", `{"resource":`+patientA+`,"request":{"method":"PUT","url":"Patient?identifier=x"}}`), 0,
			"conditional update"},
		{"DELETE", bundle("transaction", `{"resource":`+patientA+`,"request":{"method":"DELETE","url":"Patient/a"}}`), 0,
			"request method DELETE is not supported"},
		{"transaction entry without request", bundle("transaction", `{"resource":`+patientA+`}`), 0, "request.method and request.url are required"},
		{"entry without resource", bundle("collection", `{"fullUrl":"x"}`), 0, "has no resource"},
		{"nested bundle", bundle("collection", `{"resource":{"resourceType":"Bundle","type":"collection"}}`), 0, "nested Bundles"},
		{"empty id", bundle("transaction", `{"resource":{"resourceType":"Provenance","id":""},"request":{"method":"POST","url":"Provenance"}}`), 0, "is not a valid FHIR id"},
		{"bad id", bundle("collection", `{"resource":{"resourceType":"Patient","id":"bad id!"}}`), 0, "is not a valid FHIR id"},
		{"same resource twice", bundle("collection", `{"resource":`+patientA+`}`, `{"resource":`+patientA+`}`), 1, "Patient/a appears twice"},
		{"same fullUrl twice", bundle("collection", `{"fullUrl":"`+patURN+`","resource":`+patientA+`}`,
			`{"fullUrl":"`+patURN+`","resource":{"resourceType":"Patient","id":"b"}}`), 1, "fullUrl " + patURN + " appears twice"},
		{"bad date", bundle("collection", `{"resource":{"resourceType":"Patient","id":"a","birthDate":"1950-13-45"}}`), 0,
			`birthDate "1950-13-45" is not a valid FHIR date`},
		{"bad dateTime", bundle("collection", `{"resource":{"resourceType":"Encounter","id":"e","status":"finished","class":{"code":"AMB"},"period":{"start":"yesterday"}}}`), 0,
			`period.start "yesterday" is not a valid FHIR date or dateTime`},
		{"duplicate member names", bundle("collection", `{"resource":{"resourceType":"Patient","id":"a","id":"b"}}`), -1, "duplicate"},
		{"invalid UTF-8", bundle("collection", `{"resource":{"resourceType":"Patient","id":"a","gender":"`+"\xff"+`"}}`), -1, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unit, err := Parse([]byte(tc.doc), "test.json")
			var ue *UnitError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse = %v, %v; want a *UnitError", unit, err)
			}
			if ue.Entry != tc.entry || !strings.Contains(ue.Reason, tc.want) {
				t.Fatalf("rejected at entry %d: %q\nwant entry %d and reason containing %q", ue.Entry, ue.Reason, tc.entry, tc.want)
			}
		})
	}
}

func TestParseResolvesReferences(t *testing.T) {
	doc := bundle("transaction",
		`{"fullUrl":"`+patURN+`","resource":{"resourceType":"Patient","id":"p1","identifier":[{"system":"mrn","value":"M1"}]},"request":{"method":"PUT","url":"Patient/p1"}}`,
		post("urn:uuid:22222222-2222-4222-8222-222222222222", obsOK),
		post("https://ehr.example.org/fhir/Practitioner/dr1", `{"resourceType":"Practitioner","id":"dr1"}`),
		// No id, no urn: the id comes from the content.
		`{"resource":{"resourceType":"Condition","subject":{"reference":"Patient?identifier=mrn%7CM1"},"asserter":{"reference":"https://ehr.example.org/fhir/Practitioner/dr1"},"evidence":[{"detail":[{"reference":"Observation/ext9"},{"reference":"#contained1"},{"reference":"https://other.example.org/fhir/Observation/x"}]}]},"request":{"method":"POST","url":"Condition"}}`,
	)
	unit, err := Parse([]byte(doc), "refs.json")
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]carepath.ImportResource{}
	for _, r := range unit.Resources {
		byType[r.Type] = r
	}
	obs := byType["Observation"]
	if obs.ID != "22222222-2222-4222-8222-222222222222" || obs.PatientID != "p1" {
		t.Errorf("observation id %q patient %q", obs.ID, obs.PatientID)
	}
	if !strings.Contains(string(obs.JSON), `"subject":{"reference":"Patient/p1"}`) || strings.Contains(string(obs.JSON), "urn:uuid") {
		t.Errorf("urn reference not rewritten: %s", obs.JSON)
	}
	if got := obs.Record.(*carepath.Observation); got.PatientID != "p1" || got.Effective.String() != "2026-01-02T15:00:00Z" || *got.ValueNum != 72 {
		t.Errorf("observation record %+v", got)
	}
	cond := byType["Condition"]
	if !strings.HasPrefix(cond.ID, "h") || !strings.Contains(string(cond.JSON), `"id":"`+cond.ID+`"`) {
		t.Errorf("content id %q not written into %s", cond.ID, cond.JSON)
	}
	for _, want := range []string{`"subject":{"reference":"Patient/p1"}`, `{"reference":"Practitioner/dr1"}`, `{"reference":"Observation/ext9"}`,
		`{"reference":"#contained1"}`, `{"reference":"https://other.example.org/fhir/Observation/x"}`} {
		if !strings.Contains(string(cond.JSON), want) {
			t.Errorf("condition JSON lacks %s: %s", want, cond.JSON)
		}
	}
	if len(unit.ExternalRefs) != 1 || unit.ExternalRefs[0] != (carepath.ExternalRef{EntryIndex: 3, Type: "Observation", ID: "ext9"}) {
		t.Errorf("external refs %+v", unit.ExternalRefs)
	}
	again, _ := Parse([]byte(doc), "refs.json")
	for i := range again.Resources {
		if again.Resources[i].ID != unit.Resources[i].ID || again.Resources[i].Hash != unit.Resources[i].Hash {
			t.Errorf("parsing twice gave different ids or hashes for entry %d", i)
		}
	}
}

func TestParseSingleResource(t *testing.T) {
	unit, err := Parse([]byte(patientA), "line 1")
	if err != nil || len(unit.Resources) != 1 || unit.Resources[0].ID != "a" {
		t.Fatalf("%+v, %v", unit, err)
	}
	p := unit.Resources[0].Record.(*carepath.Patient)
	if p.Family != "Rivera" || p.Given != "Emily" || p.BirthDate != "1950-02-03" {
		t.Fatalf("patient %+v", p)
	}
}

// TestResourceTypes checks our list of R4 resource types against the bases
// of every search parameter in the official R4 definitions.
func TestResourceTypes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(dataDir, "hl7-r4-examples/Bundle-searchParams-bases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Entry []struct {
			Resource struct{ Base []string } `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range bundle.Entry {
		for _, base := range e.Resource.Base {
			if base == "Resource" || base == "DomainResource" {
				continue
			}
			seen++
			if !IsResourceType(base) {
				t.Errorf("%s is an R4 resource type the list lacks", base)
			}
		}
	}
	if seen < 1000 {
		t.Fatalf("checked only %d search parameter bases", seen)
	}
	for old := range olderTypes {
		if IsResourceType(old) {
			t.Errorf("%s is listed both as R4 and as older", old)
		}
	}
}

// TestParseDoesNotRetainInput: the importer reuses read buffers once Parse
// returns, so nothing Parse returns may point into its input.
func TestParseDoesNotRetainInput(t *testing.T) {
	for _, doc := range []string{
		bundle("transaction", `{"fullUrl":"`+patURN+`","resource":`+patientA+`,"request":{"method":"PUT","url":"Patient/a"}}`,
			post("urn:uuid:22222222-2222-4222-8222-222222222222", obsOK)),
		patientA,
	} {
		data := []byte(doc)
		unit, err := Parse(data, "x")
		if err != nil {
			t.Fatal(err)
		}
		var before [][]byte
		for _, r := range unit.Resources {
			before = append(before, bytes.Clone(r.JSON))
		}
		for i := range data {
			data[i] = 'X'
		}
		for i, r := range unit.Resources {
			if !bytes.Equal(r.JSON, before[i]) {
				t.Fatalf("resource %d changed when the input was overwritten: %s", i, r.JSON)
			}
		}
	}
}
