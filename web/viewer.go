package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"carepath"
)

// Viewer is who is looking, and in which organization's time.
type Viewer struct {
	User *carepath.User
	Org  *carepath.Organization
	Loc  *time.Location
}

// ClientIP is the address the request came from. X-Forwarded-For is
// trusted only when the server is told it sits behind a proxy.
func (s *Server) ClientIP(r *http.Request) string {
	if s.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ViewerFor finds the user's organization (cached: it changes rarely) and
// its time zone.
func (s *Server) ViewerFor(ctx context.Context, u *carepath.User) (*Viewer, error) {
	if v, ok := s.orgs.Load(u.OrgID); ok {
		o := v.(*Viewer)
		return &Viewer{User: u, Org: o.Org, Loc: o.Loc}, nil
	}
	org, err := s.Organizations.FindOrganization(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(org.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s.orgs.Store(u.OrgID, &Viewer{Org: org, Loc: loc})
	return &Viewer{User: u, Org: org, Loc: loc}, nil
}
