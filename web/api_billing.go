package web

import (
	"net/http"
	"time"

	"carepath"
	"carepath/fhir"
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
	docs, err := fhir.RenderClaims(rep, m, time.Now())
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	for _, doc := range docs {
		if _, err := w.Write(append(doc, '\n')); err != nil {
			return
		}
	}
}
