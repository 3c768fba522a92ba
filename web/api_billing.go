package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"carepath"
	"carepath/billing"
)

// apiBillingRow is a patient's month in the API's report.
type apiBillingRow struct {
	PatientID  string           `json:"patient_id"`
	Patient    string           `json:"patient"`
	MRN        string           `json:"mrn,omitempty"`
	Status     string           `json:"status"`
	Counted    map[string]int   `json:"minutes_counted"`
	Lines      []apiBillingLine `json:"lines"`
	NotBilled  []apiNotBilled   `json:"not_billed"`
	Adjustment *struct {
		Lines     []apiBillingLine `json:"lines"`
		NotBilled []apiNotBilled   `json:"not_billed"`
	} `json:"adjustment,omitempty"`
}

// handleAPIBillingReport answers the organization's month: every patient
// with lines or time, their status, the sign-offs, whether it is closed.
func (s *Server) handleAPIBillingReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.BillingMonths.FindBillingReport(r.Context(), r.PathValue("month"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := struct {
		Month    string               `json:"month"`
		Closed   bool                 `json:"closed"`
		ClosedAt time.Time            `json:"closed_at,omitzero"`
		SignOffs map[string]time.Time `json:"sign_offs"`
		Patients []apiBillingRow      `json:"patients"`
	}{Month: rep.Month, Closed: rep.Closed, ClosedAt: rep.ClosedAt.UTC(), SignOffs: rep.SignOffs, Patients: []apiBillingRow{}}
	lines := func(ls []carepath.BillingLine) []apiBillingLine {
		out := []apiBillingLine{}
		for _, l := range ls {
			out = append(out, toAPIBillingLine(l))
		}
		return out
	}
	for _, row := range rep.Rows {
		a := apiBillingRow{PatientID: row.PatientID, Patient: row.PatientName, MRN: row.MRN, Status: row.Status, Counted: row.Counted,
			Lines: lines(row.Lines), NotBilled: toAPINotBilled(row.NotBilled)}
		if adj := row.Adjustment; adj != nil {
			a.Adjustment = &struct {
				Lines     []apiBillingLine `json:"lines"`
				NotBilled []apiNotBilled   `json:"not_billed"`
			}{lines(adj.Lines), toAPINotBilled(adj.NotBilled)}
		}
		out.Patients = append(out.Patients, a)
	}
	writeJSON(w, out)
}

// Code systems of the billed codes in FHIR.
const (
	systemCPT   = "http://www.ama-assn.org/go/cpt"
	systemHCPCS = "urn:oid:2.16.840.1.113883.6.285" // HCPCS Level II (the G codes)
)

// claims turns a month's report into FHIR R4 Claim resources: one per
// patient and billing practitioner, an item per line (an adjustment's
// lines as their own claim, related to the month's).
func claims(rep *carepath.BillingReport, m billing.Month, created time.Time) []map[string]any {
	period := map[string]string{"start": m.Start().Format(time.DateOnly), "end": m.End().AddDate(0, 0, -1).Format(time.DateOnly)}
	coding := func(system, code string) map[string]any {
		return map[string]any{"coding": []map[string]string{{"system": system, "code": code}}}
	}
	var out []map[string]any
	emit := func(row carepath.PatientBillingRow, ls []carepath.BillingLine, adjustment bool) {
		byPractitioner := map[string][]carepath.BillingLine{}
		for _, l := range ls {
			byPractitioner[l.PractitionerID] = append(byPractitioner[l.PractitionerID], l)
		}
		for _, practitioner := range slices.Sorted(func(yield func(string) bool) {
			for p := range byPractitioner {
				if !yield(p) {
					return
				}
			}
		}) {
			var items []map[string]any
			for i, l := range byPractitioner[practitioner] {
				system := systemCPT
				if strings.HasPrefix(l.Code, "G") {
					system = systemHCPCS
				}
				items = append(items, map[string]any{"sequence": i + 1, "productOrService": coding(system, l.Code),
					"quantity": map[string]int{"value": l.Units}, "servicedPeriod": period})
			}
			id := rep.Month + "-" + row.PatientID + "-" + practitioner
			if adjustment {
				id += "-adjustment"
			}
			claim := map[string]any{"resourceType": "Claim", "id": id, "status": "active",
				"type": coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional"), "use": "claim",
				"patient":        map[string]string{"reference": "Patient/" + row.PatientID, "display": row.PatientName},
				"billablePeriod": period, "created": created.UTC().Format(time.RFC3339),
				"provider":  map[string]string{"reference": "Practitioner/" + practitioner, "display": rep.Practitioner[practitioner]},
				"priority":  coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
				"insurance": []map[string]any{{"sequence": 1, "focal": true, "coverage": map[string]string{"display": "the patient's coverage on file"}}},
				"item":      items}
			if adjustment {
				claim["related"] = []map[string]any{{"claim": map[string]string{"reference": "Claim/" + rep.Month + "-" + row.PatientID + "-" + practitioner},
					"relationship": coding("http://terminology.hl7.org/CodeSystem/related-claim-relationship", "prior")}}
			}
			out = append(out, claim)
		}
	}
	for _, row := range rep.Rows {
		emit(row, row.Lines, false)
		if row.Adjustment != nil && len(row.Adjustment.Lines) > 0 {
			emit(row, row.Adjustment.Lines, true)
		}
	}
	return out
}

// handleBillingClaims exports a month's lines as FHIR R4 Claims, one JSON
// resource a line (NDJSON), for a clearinghouse or a payer's tools.
func (s *Server) handleBillingClaims(w http.ResponseWriter, r *http.Request) {
	a := carepath.ActorFromContext(r.Context())
	v, err := s.viewerFor(r.Context(), a.User)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	m, err := reportMonth(r, v.Loc)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	month := m.String()
	rep, err := s.BillingMonths.FindBillingReport(r.Context(), month)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/fhir+ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="carepath-claims-`+month+`.ndjson"`)
	enc := json.NewEncoder(w)
	for _, c := range claims(rep, m, time.Now()) {
		if err := enc.Encode(c); err != nil {
			return
		}
	}
}
