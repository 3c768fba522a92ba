package api

import (
	"net/http"
	"time"

	"carepath"
	"carepath/web"
)

// apiBillingRow is a patient's month in the API's report.
type apiBillingRow struct {
	PatientID  string                `json:"patient_id"`
	Patient    string                `json:"patient"`
	MRN        string                `json:"mrn,omitempty"`
	Status     string                `json:"status"`
	Counted    map[string]int        `json:"minutes_counted"`
	Lines      []web.BillingLineJSON `json:"lines"`
	NotBilled  []web.NotBilledJSON   `json:"not_billed"`
	Adjustment *struct {
		Lines     []web.BillingLineJSON `json:"lines"`
		NotBilled []web.NotBilledJSON   `json:"not_billed"`
	} `json:"adjustment,omitempty"`
}

// handleAPIBillingReport answers the organization's month: every patient
// with lines or time, their status, the sign-offs, whether it is closed.
func (s *Server) handleAPIBillingReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.BillingMonths.FindBillingReport(r.Context(), r.PathValue("month"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Month    string               `json:"month"`
		Closed   bool                 `json:"closed"`
		ClosedAt time.Time            `json:"closed_at,omitzero"`
		SignOffs map[string]time.Time `json:"sign_offs"`
		Patients []apiBillingRow      `json:"patients"`
	}{Month: rep.Month, Closed: rep.Closed, ClosedAt: rep.ClosedAt.UTC(), SignOffs: rep.SignOffs, Patients: []apiBillingRow{}}
	lines := func(ls []carepath.BillingLine) []web.BillingLineJSON {
		out := []web.BillingLineJSON{}
		for _, l := range ls {
			out = append(out, web.ToBillingLineJSON(l))
		}
		return out
	}
	for _, row := range rep.Rows {
		a := apiBillingRow{PatientID: row.PatientID, Patient: row.PatientName, MRN: row.MRN, Status: row.Status, Counted: row.Counted,
			Lines: lines(row.Lines), NotBilled: web.ToNotBilledJSON(row.NotBilled)}
		if adj := row.Adjustment; adj != nil {
			a.Adjustment = &struct {
				Lines     []web.BillingLineJSON `json:"lines"`
				NotBilled []web.NotBilledJSON   `json:"not_billed"`
			}{lines(adj.Lines), web.ToNotBilledJSON(adj.NotBilled)}
		}
		out.Patients = append(out.Patients, a)
	}
	web.WriteJSON(w, out)
}

// handleAPIEvidence answers the same packet as JSON, for an auditor's
// tools.
func (s *Server) handleAPIEvidence(w http.ResponseWriter, r *http.Request) {
	p, err := s.BuildEvidence(r, r.PathValue("month"), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, p)
}
