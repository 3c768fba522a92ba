package api

import (
	"net/http"

	"carepath/web"
)

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
