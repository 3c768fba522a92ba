package staff

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"carepath"
)

type auditPageData struct {
	Patient   string // as typed: an id, or the start of a name
	UserEmail string
	Events    []*carepath.AuditEvent
	NextURL   string
	Chain     *carepath.AuditVerification
}

const auditPerPage = 100

// handleAudit is the auditor's page: the trail newest first, with the
// patients' names, filtered by patient (their id, or the start of their
// name, as the panel finds them) or user, and whether the chain is whole.
// Auditors and administrators only (the service refuses others, as not
// found).
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := auditPageData{Patient: strings.TrimSpace(q.Get("patient")), UserEmail: q.Get("user")}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	f := carepath.AuditFilter{Newest: true, BeforeSeq: before, Limit: auditPerPage}
	// The store matches it as an id or a name: finding the patient here
	// to tell which would have audited the auditor as viewing them.
	f.Patient = d.Patient
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
	if before == 0 {
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
		v := url.Values{"before": {strconv.FormatInt(d.Events[len(d.Events)-1].Seq, 10)}}
		if d.Patient != "" {
			v.Set("patient", d.Patient)
		}
		if d.UserEmail != "" {
			v.Set("user", d.UserEmail)
		}
		d.NextURL = "/audit?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "audit.html", "Audit trail", d)
}
