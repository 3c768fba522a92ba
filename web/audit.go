package web

import (
	"net/http"
	"net/url"
	"strconv"

	"carepath"
)

type auditPageData struct {
	PatientID string
	UserEmail string
	Events    []*carepath.AuditEvent
	NextURL   string
	Chain     *carepath.AuditVerification
}

const auditPerPage = 100

// handleAudit is the auditor's page: the trail oldest first, filtered by
// patient or user, and whether the chain is whole. Auditors and
// administrators only (the service refuses others, as not found).
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := auditPageData{PatientID: q.Get("patient"), UserEmail: q.Get("user")}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := carepath.AuditFilter{PatientID: d.PatientID, AfterSeq: after, Limit: auditPerPage}
	if d.UserEmail != "" {
		u, err := s.Users.FindUserByEmail(r.Context(), d.UserEmail)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		f.ActorID = u.ID
	}
	var err error
	if d.Events, err = s.Audit.FindAuditEvents(r.Context(), f); err != nil {
		s.renderError(w, r, err)
		return
	}
	if after == 0 {
		vs, err := s.Audit.VerifyAudit(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if len(vs) == 1 {
			d.Chain = &vs[0]
		}
	}
	if len(d.Events) == auditPerPage {
		v := url.Values{"after": {strconv.FormatInt(d.Events[len(d.Events)-1].Seq, 10)}}
		if d.PatientID != "" {
			v.Set("patient", d.PatientID)
		}
		if d.UserEmail != "" {
			v.Set("user", d.UserEmail)
		}
		d.NextURL = "/audit?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "audit.html", "Audit trail", d)
}
