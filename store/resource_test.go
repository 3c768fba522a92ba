package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"carepath"
	"carepath/fhir"
	"carepath/internal/testdb"
)

func TestExportPatientRecord(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		db := e.Open(t)
		org := newOrg(t, db, "General Clinic")
		other := newOrg(t, db, "Other Clinic")
		cm := addUser(t, db, org, "cm@example.org", carepath.RoleCareManager)
		auditor := addUser(t, db, org, "auditor@example.org", carepath.RoleAuditor)
		outsider := addUser(t, db, other, "cm@other.example", carepath.RoleCareManager)

		p1 := patientUnit("p1", "Rivera", "Ana", "h1")
		p1.Resources = append(p1.Resources,
			carepath.ImportResource{Type: "Claim", ID: "c1", PatientID: "p1", Hash: "hc1",
				JSON: []byte(`{"resourceType":"Claim","id":"c1","patient":{"reference":"Patient/p1"}}`)},
			carepath.ImportResource{Type: "Appointment", ID: "a1", PatientID: "p1", Hash: "ha1",
				JSON: []byte(`{"resourceType":"Appointment","id":"a1"}`)},
			carepath.ImportResource{Type: "Practitioner", ID: "dr1", Hash: "hd1",
				JSON: []byte(`{"resourceType":"Practitioner","id":"dr1"}`)})
		p2 := patientUnit("p2", "Chen", "Wei", "h2")
		res, err := db.ImportUnits(system(org), org, []*carepath.ImportUnit{p1, p2})
		if err != nil || res[0].Err != nil || res[1].Err != nil {
			t.Fatal(err, res)
		}

		phq2 := &carepath.Assessment{PatientID: "p1", Instrument: "phq-2", AnsweredBy: carepath.AnsweredByPatient, SubmissionKey: "s1",
			Answers: map[string][]string{"44250-9": {"LA6570-1"}, "44255-8": {"LA6569-3"}}}
		must(t, db.RecordAssessment(as(cm), phq2))

		b, err := db.ExportPatientRecord(as(cm), "p1")
		must(t, err)
		// The export reads back as FHIR: the assessment as a
		// QuestionnaireResponse, its total as an Observation.
		if _, err := fhir.Parse(b, "export.json"); err != nil {
			t.Fatalf("the export does not parse as FHIR: %v\n%s", err, b)
		}
		if !strings.Contains(string(b), `"questionnaire":"http://loinc.org/q/55757-9"`) || !strings.Contains(string(b), `"valueInteger":3`) ||
			!strings.Contains(string(b), `"derivedFrom":[{"reference":"QuestionnaireResponse/`+phq2.ID+`"}]`) {
			t.Errorf("the assessment in the export:\n%s", b)
		}
		var bundle struct {
			ResourceType, Type string
			Entry              []struct {
				Resource struct{ ResourceType, ID string }
			}
		}
		if err := json.Unmarshal(b, &bundle); err != nil {
			t.Fatalf("the export is not JSON: %v\n%s", err, b)
		}
		var got []string
		for _, en := range bundle.Entry {
			got = append(got, en.Resource.ResourceType+"/"+en.Resource.ID)
		}
		// The patient first, then the rest by type; the other patient's and
		// the shared practitioner are not part of this record.
		want := []string{"Patient/p1", "Appointment/a1", "Claim/c1", "QuestionnaireResponse/" + phq2.ID, "Observation/" + phq2.ID + "-total"}
		if bundle.ResourceType != "Bundle" || bundle.Type != "collection" || len(got) != len(want) {
			t.Fatalf("export: %s %s %v, want %v", bundle.ResourceType, bundle.Type, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("export entries %v, want %v", got, want)
			}
		}

		// Another organization's staff, or a patient that is not there:
		// not found, and nothing exported.
		_, err = db.ExportPatientRecord(as(outsider), "p1")
		wantCode(t, "export by another organization", err, carepath.ENOTFOUND)
		_, err = db.ExportPatientRecord(as(cm), "nobody")
		wantCode(t, "export of an unknown patient", err, carepath.ENOTFOUND)

		events, err := db.FindAuditEvents(as(auditor), carepath.AuditFilter{PatientID: "p1"})
		must(t, err)
		exports := 0
		for _, ev := range events {
			if ev.Action == carepath.AuditExport {
				exports++
				if ev.ActorID != cm.ID || ev.Object != "record" || ev.Detail != "FHIR bundle of 5 resources" {
					t.Errorf("audit of the export: %+v", ev)
				}
			}
		}
		if exports != 1 {
			t.Errorf("%d exports audited, want 1: %+v", exports, events)
		}
	})
}
