package staff

import "net/http"

// handleEvidence shows the evidence packet of a patient's month.
func (s *Server) handleEvidence(w http.ResponseWriter, r *http.Request) {
	p, err := s.BuildEvidence(r, r.PathValue("month"), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evidence.html", "Evidence · "+p.Patient+" · "+p.Month, p)
}
