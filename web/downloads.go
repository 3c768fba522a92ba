package web

import (
	"cmp"
	"mime"
	"net/http"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/fhir"
)

// HandleBillingClaims exports a month's lines as FHIR R4 Claims, one JSON
// resource a line (NDJSON), for a clearinghouse or a payer's tools.
func (s *Server) HandleBillingClaims(w http.ResponseWriter, r *http.Request) {
	a := carepath.ActorFromContext(r.Context())
	v, err := s.ViewerFor(r.Context(), a.User)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	m, err := ReportMonth(r, v.Loc)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	month := m.String()
	rep, err := s.BillingMonths.FindBillingReport(r.Context(), month)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/fhir+ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="carepath-claims-`+month+`.ndjson"`)
	docs, err := fhir.RenderClaims(rep, m, time.Now())
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	for _, doc := range docs {
		if _, err := w.Write(append(doc, '\n')); err != nil {
			return
		}
	}
}

// ServeRecord writes the patient's FHIR bundle as a download, or the error
// through fail.
func (s *Server) ServeRecord(w http.ResponseWriter, r *http.Request, fail func(http.ResponseWriter, *http.Request, error)) {
	id := r.PathValue("id")
	b, err := s.Charts.ExportPatientRecord(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	// The id comes from the path and names a patient the store found; it
	// is still quoted safely, as ids are whatever the sources sent.
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "patient-" + id + ".fhir.json"}))
	w.Write(b)
}

// ReportMonth is the month a billing page asks for: ?month=, else the
// month before the current one (the one to close).
func ReportMonth(r *http.Request, loc *time.Location) (billing.Month, error) {
	month := cmp.Or(r.PathValue("month"), r.URL.Query().Get("month"))
	if month == "" {
		now := time.Now().In(loc)
		month = time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
	}
	m, err := billing.ParseMonth(month, loc)
	if err != nil {
		return m, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	return m, nil
}
