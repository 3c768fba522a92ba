package fhir

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/instrument"
)

// The FHIR R4 resources Carepath writes of what was recorded in it (an
// outside system's report, an assessment taken here, a reconciled list, a
// month's claims) are rendered here, beside the reader of what it imports,
// so that what it writes is what it would read back.

type codingOut struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

type conceptOut struct {
	Coding []codingOut `json:"coding,omitempty"`
	Text   string      `json:"text,omitempty"`
}

type referenceOut struct {
	Reference string `json:"reference"`
}

// RenderEncounter is the FHIR R4 Encounter an outside system's report
// stands for, kept beside the typed record like any imported resource.
func RenderEncounter(e *carepath.Encounter) []byte {
	doc := map[string]any{
		"resourceType": "Encounter", "id": e.ID, "status": e.Status,
		"class":   codingOut{System: "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code: e.Class, Display: carepath.EncounterClasses[e.Class]},
		"subject": map[string]string{"reference": "Patient/" + e.PatientID},
	}
	period := map[string]string{}
	if !e.PeriodStart.IsZero() {
		period["start"] = e.PeriodStart.String()
	}
	if !e.PeriodEnd.IsZero() {
		period["end"] = e.PeriodEnd.String()
	}
	if len(period) > 0 {
		doc["period"] = period
	}
	if d := e.DischargeDisposition; d.Code != "" {
		// A reported disposition is a code of HL7's discharge-disposition
		// system unless it came with its own (SNOMED CT, NUBC).
		doc["hospitalization"] = map[string]any{"dischargeDisposition": conceptOut{Coding: []codingOut{{
			System: cmp.Or(d.System, "http://terminology.hl7.org/CodeSystem/discharge-disposition"), Code: d.Code, Display: d.Display}}}}
	}
	if e.ServiceProviderName != "" {
		doc["serviceProvider"] = map[string]string{"display": e.ServiceProviderName}
	}
	b, _ := json.Marshal(doc)
	return b
}

// answer is a QuestionnaireResponse answer: one of its values.
type answer struct {
	ValueCoding  *codingOut `json:"valueCoding,omitempty"`
	ValueInteger *int64     `json:"valueInteger,omitempty"`
	ValueDecimal *float64   `json:"valueDecimal,omitempty"`
	ValueString  string     `json:"valueString,omitempty"`
}

type responseItem struct {
	LinkID string   `json:"linkId"`
	Text   string   `json:"text,omitempty"`
	Answer []answer `json:"answer"`
}

// answerOf is an answer as FHIR has it: the option's coding, or the value
// typed in.
func answerOf(in *instrument.Instrument, it *instrument.Item, value string) (answer, bool) {
	switch it.Type {
	case instrument.Text:
		return answer{ValueString: value}, true
	case instrument.Integer:
		n, err := strconv.ParseInt(value, 10, 64)
		return answer{ValueInteger: &n}, err == nil
	case instrument.Decimal:
		n, ok := it.Number(value)
		return answer{ValueDecimal: &n}, ok
	}
	for _, o := range it.Options {
		if o.Code == value {
			return answer{ValueCoding: &codingOut{System: in.System(), Code: o.Code, Display: o.Display}}, true
		}
	}
	return answer{}, false
}

// RenderAssessment renders an assessment taken here with instrument in as
// FHIR R4: its QuestionnaireResponse (items by code, answers as codings;
// "amended" when a correction replaced it), and an Observation of its
// total derived from the response, nil when it has no total or a
// correction replaced it.
func RenderAssessment(a *carepath.Assessment, in *instrument.Instrument) (response, total []byte, err error) {
	subject := referenceOut{Reference: "Patient/" + a.PatientID}
	authored := a.Created.UTC().Format(time.RFC3339)
	questionnaire := in.System() + "/" + in.ID
	if in.System() == instrument.LOINC {
		questionnaire = "http://loinc.org/q/" + in.Code
	}
	qr := struct {
		ResourceType  string         `json:"resourceType"`
		ID            string         `json:"id"`
		Questionnaire string         `json:"questionnaire"`
		Status        string         `json:"status"`
		Subject       referenceOut   `json:"subject"`
		Authored      string         `json:"authored"`
		Language      string         `json:"language,omitempty"`
		Item          []responseItem `json:"item"`
	}{ResourceType: "QuestionnaireResponse", ID: a.ID, Questionnaire: questionnaire, Status: "completed", Subject: subject,
		Authored: authored, Language: a.Language}
	if a.AmendsID != "" {
		qr.Status = "amended" // a correction of an earlier response, which stays in the record
	}
	for i := range in.Items {
		it := &in.Items[i]
		item := responseItem{LinkID: it.ID, Text: it.Text}
		for _, value := range a.Answers[it.ID] {
			if fa, ok := answerOf(in, it, value); ok {
				item.Answer = append(item.Answer, fa)
			}
		}
		if len(item.Answer) > 0 {
			qr.Item = append(qr.Item, item)
		}
	}
	if response, err = json.Marshal(qr); err != nil {
		return nil, nil, err
	}
	if a.Total == nil || a.Status == "amended" {
		return response, nil, nil // no total, or one a correction replaced
	}
	obs := struct {
		ResourceType   string         `json:"resourceType"`
		ID             string         `json:"id"`
		Status         string         `json:"status"`
		Category       []conceptOut   `json:"category"`
		Code           conceptOut     `json:"code"`
		Subject        referenceOut   `json:"subject"`
		Effective      string         `json:"effectiveDateTime"`
		ValueInteger   int            `json:"valueInteger"`
		Interpretation []conceptOut   `json:"interpretation,omitempty"`
		DerivedFrom    []referenceOut `json:"derivedFrom"`
	}{ResourceType: "Observation", ID: a.ID + "-total", Status: "final",
		Category: []conceptOut{{Coding: []codingOut{{System: "http://terminology.hl7.org/CodeSystem/observation-category", Code: in.ObservationCategory()}}}},
		Code:     conceptOut{Coding: []codingOut{{System: in.System(), Code: in.TotalCode, Display: in.Name + " total score"}}},
		Subject:  subject, Effective: authored, ValueInteger: *a.Total, DerivedFrom: []referenceOut{{Reference: "QuestionnaireResponse/" + a.ID}}}
	if a.Band != "" {
		obs.Interpretation = []conceptOut{{Text: a.Band}}
	}
	total, err = json.Marshal(obs)
	return response, total, err
}

// RenderMedicationList renders a patient's current reconciled medication
// list as FHIR R4 MedicationStatements, one a line, each noting the
// episode it was reconciled in and the decision (and what to clarify).
func RenderMedicationList(l *carepath.MedicationList) ([][]byte, error) {
	at := l.Reconciled.At.UTC().Format(time.RFC3339)
	var out [][]byte
	for i, line := range l.Lines {
		note := "Reconciled after a discharge (Transition/" + l.TransitionID + "): " + line.Decision
		if line.Decision == carepath.MedClarify && line.DecidedBy != nil {
			note = "Reconciled after a discharge (Transition/" + l.TransitionID + "): to clarify with the prescriber: " + line.DecidedBy.Note
		}
		med := map[string]any{"text": line.Medicine}
		if line.Code != "" {
			med["coding"] = []map[string]string{{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": line.Code, "display": line.Medicine}}
		}
		doc := map[string]any{"resourceType": "MedicationStatement", "id": fmt.Sprintf("reconciled-%s-%d", l.TransitionID, i+1), "status": "active",
			"medicationCodeableConcept": med, "subject": map[string]string{"reference": "Patient/" + l.PatientID},
			"effectiveDateTime": at, "dateAsserted": at, "informationSource": map[string]string{"display": l.Reconciled.ByName},
			"dosage": []map[string]string{{"text": cmp.Or(line.After, line.Before)}}, "note": []map[string]string{{"text": note}}}
		b, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Code systems of the billed codes.
const (
	systemCPT   = "http://www.ama-assn.org/go/cpt"
	systemHCPCS = "urn:oid:2.16.840.1.113883.6.285" // HCPCS Level II (the G codes)
)

// RenderClaims turns month m's billing report into FHIR R4 Claims, created
// at created: one per patient and billing practitioner, an item per line
// (an adjustment's lines as their own claim, related to the month's).
func RenderClaims(rep *carepath.BillingReport, m billing.Month, created time.Time) ([][]byte, error) {
	period := map[string]string{"start": m.Start().Format(time.DateOnly), "end": m.End().AddDate(0, 0, -1).Format(time.DateOnly)}
	code := func(system, code string) map[string]any {
		return map[string]any{"coding": []map[string]string{{"system": system, "code": code}}}
	}
	var out [][]byte
	emit := func(row carepath.PatientBillingRow, ls []carepath.BillingLine, adjustment bool) error {
		byPractitioner := map[string][]carepath.BillingLine{}
		for _, l := range ls {
			byPractitioner[l.PractitionerID] = append(byPractitioner[l.PractitionerID], l)
		}
		practitioners := make([]string, 0, len(byPractitioner))
		for p := range byPractitioner {
			practitioners = append(practitioners, p)
		}
		slices.Sort(practitioners)
		for _, practitioner := range practitioners {
			var items []map[string]any
			for i, l := range byPractitioner[practitioner] {
				system := systemCPT
				if strings.HasPrefix(l.Code, "G") {
					system = systemHCPCS
				}
				items = append(items, map[string]any{"sequence": i + 1, "productOrService": code(system, l.Code),
					"quantity": map[string]int{"value": l.Units}, "servicedPeriod": period})
			}
			id := rep.Month + "-" + row.PatientID + "-" + practitioner
			if adjustment {
				id += "-adjustment"
			}
			claim := map[string]any{"resourceType": "Claim", "id": id, "status": "active",
				"type": code("http://terminology.hl7.org/CodeSystem/claim-type", "professional"), "use": "claim",
				"patient":        map[string]string{"reference": "Patient/" + row.PatientID, "display": row.PatientName},
				"billablePeriod": period, "created": created.UTC().Format(time.RFC3339),
				"provider":  map[string]string{"reference": "Practitioner/" + practitioner, "display": rep.Practitioner[practitioner]},
				"priority":  code("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
				"insurance": []map[string]any{{"sequence": 1, "focal": true, "coverage": map[string]string{"display": "the patient's coverage on file"}}},
				"item":      items}
			if adjustment {
				claim["related"] = []map[string]any{{"claim": map[string]string{"reference": "Claim/" + rep.Month + "-" + row.PatientID + "-" + practitioner},
					"relationship": code("http://terminology.hl7.org/CodeSystem/related-claim-relationship", "prior")}}
			}
			b, err := json.Marshal(claim)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	}
	for _, row := range rep.Rows {
		if err := emit(row, row.Lines, false); err != nil {
			return nil, err
		}
		if row.Adjustment != nil && len(row.Adjustment.Lines) > 0 {
			if err := emit(row, row.Adjustment.Lines, true); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// CollectionBundle writes a Bundle of type collection, one resource
// (given as its JSON) at a time, so that a patient's whole record is
// written as it is read.
type CollectionBundle struct {
	buf *bytes.Buffer
	n   int
}

// NewCollectionBundle starts a collection Bundle timestamped at in buf.
func NewCollectionBundle(buf *bytes.Buffer, at time.Time) *CollectionBundle {
	buf.WriteString(`{"resourceType":"Bundle","type":"collection","timestamp":"` + at.UTC().Format(time.RFC3339) + `","entry":[`)
	return &CollectionBundle{buf: buf}
}

// Add adds a resource as the next entry.
func (b *CollectionBundle) Add(resource []byte) {
	if b.n > 0 {
		b.buf.WriteByte(',')
	}
	b.n++
	b.buf.WriteString(`{"resource":`)
	b.buf.Write(resource)
	b.buf.WriteByte('}')
}

// Close ends the Bundle and returns how many resources it holds.
func (b *CollectionBundle) Close() int {
	b.buf.WriteString("]}")
	return b.n
}

// references are the references to what a resource is about, given as
// type, id pairs: those with an id.
func references(typeIDs ...string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(typeIDs); i += 2 {
		if typeIDs[i+1] != "" {
			out = append(out, map[string]string{"reference": typeIDs[i] + "/" + typeIDs[i+1]})
		}
	}
	return out
}

// contactMedium is a channel as HL7's ParticipationMode codes it.
var contactMedium = map[string][2]string{carepath.ChannelPhone: {"PHONE", "telephone"}, carepath.ChannelVideo: {"VIDEOCONF", "videoconferencing"},
	carepath.ChannelInPerson: {"FACE", "face-to-face"}, carepath.ChannelText: {"SMSWRIT", "SMS written"},
	carepath.ChannelLetter: {"MAILWRIT", "mail"}, carepath.ChannelEmail: {"EMAILWRIT", "email"}}

// RenderContact renders a contact of the communication log as a FHIR R4
// Communication: sent at its time by the care manager to whom it was with
// (or received from them), by its channel; completed when it reached the
// person or left a message, not-done with the outcome as the reason
// otherwise; about its task, goal or episode; its note as the payload.
func RenderContact(c *carepath.Contact) []byte {
	party := map[string]string{"display": cmp.Or(c.PartyName, c.Party)}
	switch c.Party {
	case carepath.ContactPatient:
		party = map[string]string{"reference": "Patient/" + c.PatientID}
	case carepath.ContactCaregiver:
		if c.PartyID != "" {
			party = map[string]string{"reference": "RelatedPerson/" + c.PartyID}
		}
	case carepath.ContactCareTeam:
		if c.PartyID != "" {
			party = map[string]string{"reference": "Practitioner/" + c.PartyID}
		}
	}
	staff := map[string]string{"reference": "Practitioner/" + c.ByID}
	if c.ByName != "" {
		staff["display"] = c.ByName
	}
	sender, recipient := staff, party
	if c.Direction == carepath.ContactDirectionIn {
		sender, recipient = party, staff
	}
	doc := map[string]any{"resourceType": "Communication", "id": c.ID, "status": "completed",
		"subject": map[string]string{"reference": "Patient/" + c.PatientID}, "sent": c.At.UTC().Format(time.RFC3339),
		"sender": sender, "recipient": []map[string]string{recipient}}
	if m, ok := contactMedium[c.Channel]; ok {
		doc["medium"] = []conceptOut{{Coding: []codingOut{{System: "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", Code: m[0], Display: m[1]}}}}
	}
	if !c.Reached() && c.Outcome != carepath.OutcomeVoicemail {
		doc["status"] = "not-done"
		doc["statusReason"] = conceptOut{Text: c.Outcome}
	}
	if about := references("Task", c.TaskID, "Goal", c.GoalID, "EpisodeOfCare", c.TransitionID); len(about) > 0 {
		doc["about"] = about
	}
	if c.Note != "" {
		doc["payload"] = []map[string]string{{"contentString": c.Note}}
	}
	b, _ := json.Marshal(doc)
	return b
}

// RenderNote renders a progress note as a FHIR R4 DocumentReference: a
// LOINC progress note (11506-3), final once signed and preliminary as a
// draft, its sections and amendments as the attached text, labelled
// restricted with its kind (PSY behavioral health, ETH substance use)
// when sensitive. A withheld note is not rendered (nil): what the reader
// may not read is not written out.
func RenderNote(n *carepath.Note) []byte {
	if n.Withheld {
		return nil
	}
	var text strings.Builder
	for _, s := range n.Sections {
		if s.Text != "" {
			text.WriteString(s.Heading + ": " + s.Text + "\n")
		}
	}
	for _, a := range n.Amendments {
		text.WriteString("Amended " + a.At.UTC().Format(time.RFC3339) + " by " + a.ByName + " (" + a.Why + "): " + a.Text + "\n")
	}
	docStatus := "preliminary"
	if n.Status == carepath.NoteSigned {
		docStatus = "final"
	}
	doc := map[string]any{"resourceType": "DocumentReference", "id": n.ID, "status": "current", "docStatus": docStatus,
		"type":    conceptOut{Coding: []codingOut{{System: "http://loinc.org", Code: "11506-3", Display: "Progress note"}}, Text: n.Template},
		"subject": map[string]string{"reference": "Patient/" + n.PatientID}, "date": n.Updated.UTC().Format(time.RFC3339),
		"author": []map[string]string{{"reference": "Practitioner/" + n.AuthorID, "display": cmp.Or(n.AuthorName, n.AuthorID)}},
		"content": []map[string]any{{"attachment": map[string]string{"contentType": "text/plain; charset=utf-8",
			"data": base64.StdEncoding.EncodeToString([]byte(text.String()))}}}}
	if label, ok := map[string]string{carepath.SensitiveBehavioral: "PSY", carepath.SensitivePart2: "ETH"}[n.Sensitive]; ok {
		doc["securityLabel"] = []conceptOut{{Coding: []codingOut{{System: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", Code: "R", Display: "restricted"}}},
			{Coding: []codingOut{{System: "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code: label}}}}
	}
	if related := references("Task", n.TaskID, "Goal", n.GoalID, "EpisodeOfCare", n.TransitionID, "Communication", n.ContactID); len(related) > 0 {
		doc["context"] = map[string]any{"related": related}
	}
	b, _ := json.Marshal(doc)
	return b
}
