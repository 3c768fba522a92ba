package fhir

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/instrument"
)

// readBack parses one rendered resource as an import would and returns its
// typed record.
func readBack(t *testing.T, doc []byte) any {
	t.Helper()
	unit, err := Parse(doc, "render")
	if err != nil {
		t.Fatalf("Carepath cannot read what it wrote: %v\n%s", err, doc)
	}
	if len(unit.Resources) != 1 {
		t.Fatalf("%d resources read back", len(unit.Resources))
	}
	return unit.Resources[0].Record
}

// noNulls fails on a null or an empty string anywhere in a rendered
// resource: FHIR JSON has neither (an element without a value is left
// out).
func noNulls(t *testing.T, doc []byte) {
	t.Helper()
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("null at %s in %s", path, doc)
		case string:
			if v == "" {
				t.Errorf("empty string at %s in %s", path, doc)
			}
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+string(rune('0'+i%10))+"]", x)
			}
		}
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	walk("", v)
}

// The encounters of the fixtures, as an outside system would report them
// (the parts a report has), render to Encounters that read back the same.
func TestRenderEncounterRoundTrip(t *testing.T) {
	var files []string
	for _, pattern := range []string{"hl7-r4-examples/Encounter-*.json", "synthea-sample/*.json"} {
		m, _ := filepath.Glob(filepath.Join(dataDir, pattern))
		files = append(files, m...)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		unit, err := Parse(data, f)
		if err != nil {
			continue // the examples this reader refuses are tested elsewhere
		}
		for _, r := range unit.Resources {
			e, ok := r.Record.(*carepath.Encounter)
			if !ok || e.PatientID == "" {
				continue
			}
			reported := carepath.Encounter{ID: e.ID, PatientID: e.PatientID, Status: e.Status, Class: e.Class, PeriodStart: e.PeriodStart,
				PeriodEnd: e.PeriodEnd, DischargeDisposition: e.DischargeDisposition, ServiceProviderName: e.ServiceProviderName}
			doc := RenderEncounter(&reported)
			noNulls(t, doc)
			back, ok := readBack(t, doc).(*carepath.Encounter)
			if !ok || *back != reported {
				t.Errorf("%s Encounter/%s: read back %+v, want %+v", filepath.Base(f), e.ID, back, reported)
			}
			n++
		}
	}
	if n < 10 {
		t.Fatalf("only %d encounters round-tripped", n)
	}
}

func TestRenderAssessment(t *testing.T) {
	in, ok := instrument.Find("phq-9")
	if !ok {
		t.Fatal("no PHQ-9")
	}
	answers := map[string][]string{}
	for _, it := range in.Items {
		if len(it.Options) > 0 {
			answers[it.ID] = []string{it.Options[1].Code}
		}
	}
	total := 9
	a := &carepath.Assessment{ID: "as1", PatientID: "p1", Instrument: in.ID, Language: "es", Answers: answers, Total: &total, Band: "mild",
		Status: "final", Created: time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)}
	response, totalDoc, err := RenderAssessment(a, in)
	if err != nil {
		t.Fatal(err)
	}
	noNulls(t, response)
	noNulls(t, totalDoc) // its interpretation had "coding": null before
	var qr struct {
		ResourceType, Status, Authored, Language string
		Subject                                  struct{ Reference string }
		Item                                     []struct {
			LinkID string
			Answer []struct{ ValueCoding struct{ Code string } }
		}
	}
	if err := json.Unmarshal(response, &qr); err != nil {
		t.Fatal(err)
	}
	if qr.ResourceType != "QuestionnaireResponse" || qr.Status != "completed" || qr.Subject.Reference != "Patient/p1" ||
		qr.Authored != "2026-05-22T14:00:00Z" || qr.Language != "es" || len(qr.Item) != len(answers) {
		t.Errorf("response: %s", response)
	}
	// The total reads back as the score it is.
	o, ok := readBack(t, totalDoc).(*carepath.Observation)
	if !ok || o.ID != "as1-total" || o.PatientID != "p1" || o.Code.Code != in.TotalCode || o.ValueNum == nil || *o.ValueNum != 9 ||
		o.Effective.String() != "2026-05-22T14:00:00Z" || o.Category != in.ObservationCategory() {
		t.Errorf("total read back as %+v", o)
	}
	// A corrected assessment: its response says so, and its total is the
	// correction's.
	a.Status, a.AmendsID = "amended", ""
	if _, totalDoc, _ := RenderAssessment(a, in); totalDoc != nil {
		t.Errorf("an amended assessment's total: %s", totalDoc)
	}
}

func TestRenderMedicationList(t *testing.T) {
	at := time.Date(2026, 5, 26, 15, 0, 0, 0, time.UTC)
	l := &carepath.MedicationList{PatientID: "p1", TransitionID: "tr1", Reconciled: carepath.TransitionNote{At: at, ByName: "Casey Morgan"},
		Lines: []carepath.MedRecLine{
			{Medicine: "lisinopril 20 MG Oral Tablet", Code: "314077", Before: "1 tablet daily", After: "1 tablet daily", Decision: carepath.MedContinue},
			{Medicine: "Fish oil", Before: "1 capsule", Decision: carepath.MedClarify, DecidedBy: &carepath.TransitionNote{Note: "dose unknown"}}}}
	docs, err := RenderMedicationList(l)
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d statements, %v", len(docs), err)
	}
	for i, doc := range docs {
		noNulls(t, doc)
		m, ok := readBack(t, doc).(*carepath.Medication)
		line := l.Lines[i]
		if !ok || m.PatientID != "p1" || m.Status != "active" || m.Code.Code != line.Code || m.Code.Display != line.Medicine && line.Code != "" ||
			m.Dosage != "1 tablet daily" && i == 0 || m.Dosage != "1 capsule" && i == 1 || m.Authored != "2026-05-26T15:00:00Z" {
			t.Errorf("line %d read back as %+v", i, m)
		}
	}
	if !bytes.Contains(docs[1], []byte("to clarify with the prescriber: dose unknown")) {
		t.Errorf("the clarification is not noted: %s", docs[1])
	}
}

func TestRenderClaims(t *testing.T) {
	m, err := billing.ParseMonth("2026-10", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	rep := &carepath.BillingReport{Month: "2026-10", Practitioner: map[string]string{"dr1": "Dr. Lee", "dr2": "Dr. Ortiz"},
		Rows: []carepath.PatientBillingRow{{PatientMonthBill: carepath.PatientMonthBill{PatientID: "p1", Lines: []carepath.BillingLine{
			{Code: "99490", Units: 1, PractitionerID: "dr2"}, {Code: "G0506", Units: 1, PractitionerID: "dr1"}, {Code: "99439", Units: 2, PractitionerID: "dr2"}}},
			PatientName: "Rivera, Ana", Adjustment: &carepath.PatientMonthBill{Lines: []carepath.BillingLine{{Code: "99439", Units: 1, PractitionerID: "dr2"}}}}}}
	docs, err := RenderClaims(rep, m, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, doc := range docs {
		noNulls(t, doc)
		var c struct {
			ID             string
			BillablePeriod struct{ Start, End string }
			Item           []struct {
				ProductOrService struct {
					Coding []struct{ System, Code string }
				}
				Quantity struct{ Value int }
			}
			Related []struct{ Claim struct{ Reference string } }
		}
		if err := json.Unmarshal(doc, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if c.BillablePeriod.Start != "2026-10-01" || c.BillablePeriod.End != "2026-10-31" {
			t.Errorf("%s: period %+v", c.ID, c.BillablePeriod)
		}
		for _, it := range c.Item {
			if code := it.ProductOrService.Coding[0]; strings.HasPrefix(code.Code, "G") != (code.System == systemHCPCS) {
				t.Errorf("%s: %s in %s", c.ID, code.Code, code.System)
			}
		}
		if strings.HasSuffix(c.ID, "-adjustment") && (len(c.Related) != 1 || c.Related[0].Claim.Reference != "Claim/2026-10-p1-dr2") {
			t.Errorf("the adjustment is not related to its claim: %+v", c.Related)
		}
	}
	if strings.Join(ids, " ") != "2026-10-p1-dr1 2026-10-p1-dr2 2026-10-p1-dr2-adjustment" {
		t.Errorf("claims %v", ids)
	}
}

func TestCollectionBundle(t *testing.T) {
	var buf bytes.Buffer
	b := NewCollectionBundle(&buf, time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC))
	b.Add([]byte(`{"resourceType":"Patient","id":"p1"}`))
	b.Add(RenderEncounter(&carepath.Encounter{ID: "e1", PatientID: "p1", Status: "finished", Class: "IMP", PeriodStart: carepath.MustParseDateTime("2026-05-20T10:00:00Z")}))
	if n := b.Close(); n != 2 {
		t.Errorf("%d resources", n)
	}
	unit, err := Parse(buf.Bytes(), "bundle")
	if err != nil || len(unit.Resources) != 2 {
		t.Fatalf("the bundle reads back as %v, %v", unit, err)
	}
}

func TestRenderContact(t *testing.T) {
	at := time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)
	for _, c := range []carepath.Contact{
		{ID: "c1", PatientID: "p1", Channel: carepath.ChannelPhone, Direction: carepath.ContactDirectionOut, Party: carepath.ContactPatient, At: at,
			Outcome: carepath.OutcomeReached, Interactive: true, TaskID: "t1", Note: "spoke with Ana", ByID: "u1", ByName: "Casey"},
		{ID: "c2", PatientID: "p1", Channel: carepath.ChannelVideo, Direction: carepath.ContactDirectionIn, Party: carepath.ContactClinician,
			PartyName: "Dr. Patel's office", At: at, Outcome: carepath.OutcomeReached, ByID: "u1"},
		{ID: "c3", PatientID: "p1", Channel: carepath.ChannelPhone, Direction: carepath.ContactDirectionOut, Party: carepath.ContactCaregiver,
			PartyID: "rp1", At: at, Outcome: carepath.OutcomeNoAnswer, ByID: "u1"},
	} {
		doc := RenderContact(&c)
		noNulls(t, doc)
		var got struct {
			ResourceType, ID, Status, Sent string
			Subject                        struct{ Reference string }
			Sender                         struct{ Reference, Display string }
			Recipient                      []struct{ Reference, Display string }
			Medium                         []struct{ Coding []struct{ Code string } }
			StatusReason                   struct{ Text string }
		}
		if err := json.Unmarshal(doc, &got); err != nil {
			t.Fatal(err)
		}
		if got.ResourceType != "Communication" || got.ID != c.ID || got.Subject.Reference != "Patient/p1" || got.Sent != "2026-05-22T14:00:00Z" ||
			len(got.Recipient) != 1 || len(got.Medium) != 1 {
			t.Errorf("%s: %s", c.ID, doc)
		}
		switch c.ID {
		case "c1":
			if got.Status != "completed" || got.Recipient[0].Reference != "Patient/p1" || got.Sender.Display != "Casey" || got.Medium[0].Coding[0].Code != "PHONE" {
				t.Errorf("c1: %s", doc)
			}
		case "c2":
			if got.Sender.Display != "Dr. Patel's office" || got.Recipient[0].Reference != "Practitioner/u1" {
				t.Errorf("an inbound contact: %s", doc)
			}
		case "c3":
			if got.Status != "not-done" || got.StatusReason.Text != carepath.OutcomeNoAnswer || got.Recipient[0].Reference != "RelatedPerson/rp1" {
				t.Errorf("a missed call: %s", doc)
			}
		}
	}
}

func TestRenderNote(t *testing.T) {
	at := time.Date(2026, 5, 22, 14, 0, 0, 0, time.UTC)
	n := &carepath.Note{ID: "n1", PatientID: "p1", Template: "soap", Status: carepath.NoteSigned, AuthorID: "u1", AuthorName: "Bea", Updated: at,
		Sensitive: carepath.SensitivePart2, TaskID: "t1",
		Sections:   []carepath.NoteSection{{Heading: "Subjective", Text: "Drinking again."}, {Heading: "Plan", Text: ""}},
		Amendments: []carepath.NoteAmendment{{At: at, ByName: "Casey", Why: "date", Text: "Since May."}}}
	doc := RenderNote(n)
	noNulls(t, doc)
	var got struct {
		ResourceType, DocStatus string
		Content                 []struct{ Attachment struct{ Data string } }
		SecurityLabel           []struct{ Coding []struct{ Code string } }
		Context                 struct{ Related []struct{ Reference string } }
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	text, _ := base64.StdEncoding.DecodeString(got.Content[0].Attachment.Data)
	if got.ResourceType != "DocumentReference" || got.DocStatus != "final" || string(text) != "Subjective: Drinking again.\nAmended 2026-05-22T14:00:00Z by Casey (date): Since May.\n" ||
		len(got.SecurityLabel) != 2 || got.SecurityLabel[1].Coding[0].Code != "ETH" || got.Context.Related[0].Reference != "Task/t1" {
		t.Errorf("note: %s\n%q", doc, text)
	}
	if withheld := RenderNote(&carepath.Note{ID: "n2", Withheld: true}); withheld != nil {
		t.Errorf("a withheld note rendered: %s", withheld)
	}
}
