package fhir

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds the bundle parser arbitrary documents. Whatever the input,
// it must not panic, and what it accepts must be sound: valid JSON for every
// resource, valid ids, a hash, and references resolved.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"inferno-uscore-r4/uscore_bundle_patient_907.json", "inferno-uscore-r4/carin_bundle_patient_888.json",
		"hl7-r4-examples/Patient-example.json", "hl7-r4-examples/Condition-example.json", "hl7-r4-examples/Encounter-example.json"} {
		if b, err := os.ReadFile(filepath.Join(dataDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(bundle("transaction", `{"fullUrl":"`+patURN+`","resource":`+patientA+`,"request":{"method":"PUT","url":"Patient/a"}}`,
		post("urn:uuid:22222222-2222-4222-8222-222222222222", obsOK))))
	f.Add([]byte(`{"resourceType":"Condition","subject":{"reference":"Patient?identifier=a%7Cb"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		unit, err := Parse(append([]byte(nil), data...), "fuzz")
		if err != nil {
			if _, ok := err.(*UnitError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, r := range unit.Resources {
			if !validID(r.ID) || r.Hash == "" || !IsResourceType(r.Type) {
				t.Fatalf("accepted resource %s/%s hash %q", r.Type, r.ID, r.Hash)
			}
			var v map[string]any
			if err := json.Unmarshal(r.JSON, &v); err != nil {
				t.Fatalf("accepted resource %s/%s has invalid JSON %q: %v", r.Type, r.ID, r.JSON, err)
			}
			if v["resourceType"] != r.Type || v["id"] != r.ID {
				t.Fatalf("stored JSON says %v/%v, unit says %s/%s", v["resourceType"], v["id"], r.Type, r.ID)
			}
			if text, _ := json.Marshal(v); bytes.Contains(text, []byte(`\u0000`)) {
				t.Fatalf("accepted resource %s/%s holds a NUL", r.Type, r.ID)
			}
		}
	})
}

// TestParseRefusesNUL: a NUL in any text of a resource is refused with a
// reason (PostgreSQL failed the import with "invalid byte sequence for
// encoding UTF8: 0x00"); an escaped backslash before "u0000" is text.
func TestParseRefusesNUL(t *testing.T) {
	_, err := Parse([]byte(`{"resourceType":"Patient","id":"a","name":[{"family":"Ri\u0000vera"}]}`), "p.json")
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("a NUL in a name: %v", err)
	}
	if _, err := Parse([]byte(`{"resourceType":"Patient","id":"a","name":[{"family":"C:\\u0000dir"}]}`), "p.json"); err != nil {
		t.Errorf("a backslash and u0000 as text: %v", err)
	}
	if !holdsNUL([]byte(`"\\\u0000"`)) || holdsNUL([]byte(`"\\u0000"`)) || holdsNUL([]byte(`"u0000"`)) {
		t.Error("holdsNUL counts the backslashes wrong")
	}
}

// FuzzDate: a FHIR date or dateTime from a source is stored as sent
// (partial dates) or as the same instant in UTC, or refused; what is
// stored parses again to itself.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2026", "2026-11", "2026-11-03", "2026-11-03T10:00:00Z", "2026-11-03T10:00:00.123-05:00",
		"2026-11-03T10:00", "2026-13", "2026-02-30", "0000", "2026-11-03T24:00:00Z", "20261103"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c := &converter{}
		got := c.date("effectiveDateTime", v)
		if (got == "") != (c.err != nil || v == "") {
			t.Fatalf("date(%q) = %q with error %v", v, got, c.err)
		}
		if got == "" {
			return
		}
		again := &converter{}
		if back := again.date("effectiveDateTime", got); back != got || again.err != nil {
			t.Fatalf("date(%q) = %q, which reads back as %q (%v)", v, got, back, again.err)
		}
		if len(v) > 10 {
			want, err := time.Parse(time.RFC3339Nano, v)
			stored, _ := time.Parse(time.RFC3339, got)
			if err != nil || !stored.Equal(want.Truncate(time.Second)) {
				t.Fatalf("date(%q) = %q, another instant", v, got)
			}
		}
	})
}
