package web

import (
	"net/http"
	"net/url"
	"strconv"

	"carepath"
)

const patientsPerPage = 40

type patientListData struct {
	Query    string
	Patients []*carepath.Patient
	Total    int
	From, To int
	PrevURL  string
	NextURL  string
}

func (s *Server) handlePatientList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	ps, total, err := s.Patients.FindPatients(r.Context(), carepath.PatientFilter{
		OrgID: s.OrgID, Query: q, Offset: offset, Limit: patientsPerPage})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := patientListData{Query: q, Patients: ps, Total: total, From: offset + 1, To: offset + len(ps)}
	link := func(off int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/patients"
		}
		return "/patients?" + v.Encode()
	}
	if offset > 0 {
		d.PrevURL = link(max(offset-patientsPerPage, 0))
	}
	if offset+len(ps) < total {
		d.NextURL = link(offset + patientsPerPage)
	}
	s.render(w, r, http.StatusOK, "patients.html", "Patients", d)
}
