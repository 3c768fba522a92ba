// Package web holds the HTTP pieces every surface shares: the server and
// its middleware (security headers, cross-origin protection, request ids,
// logging and metrics), API tokens, problems as JSON, the organization's
// time zone, and the downloads more than one surface offers. The surfaces
// themselves (web/staff, the staff pages; web/api, the JSON API) register
// their own routes through Surface, on the standard library's router.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"carepath"
)

// Services are what the pages read and write.
type Services struct {
	Patients      carepath.PatientService
	Charts        carepath.ChartService
	Organizations carepath.OrganizationService
	Users         carepath.UserService
	Sessions      carepath.SessionService
	Tokens        carepath.TokenService
	Audit         carepath.AuditService
	Tasks         carepath.TaskService
	WorkState     carepath.WorkStateService
	Schedules     carepath.ScheduleService
	Assessments   carepath.AssessmentService
	CarePlans     carepath.CarePlanService
	Risk          carepath.RiskService
	Transitions   carepath.TransitionService
	Programs      carepath.ProgramService
	BillingMonths carepath.BillingMonthService
	// Health reports whether the database answers.
	Health func(ctx context.Context) error
	// ChartCacheStats, when set, reports the chart cache's hits and misses
	// for /metrics.
	ChartCacheStats func() (hits, misses int64)
	// AuditAttention, when set, says what is wrong with an organization's
	// audit chain ("" when nothing is), for a banner on every page of the
	// people who read the trail.
	AuditAttention func(orgID string) string
	// Contacts is the communication log.
	Contacts carepath.ContactService
	// Notes are the progress notes.
	Notes carepath.NoteService
	// Encounters records what outside systems report, and runs the work
	// rules on what they report before it returns (jobs.Intake), so that a
	// reported discharge's tasks are there when the call returns.
	Encounters carepath.EncounterService
}

// Server is the HTTP server: the health, readiness and metrics endpoints,
// and each surface's routes (the staff pages, the JSON API), behind the
// security headers, cross-origin protection and request logging every
// response gets.
type Server struct {
	Services
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests: for a server behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustProxy takes the client's address from X-Forwarded-For.
	TrustProxy bool
	// Surfaces are the doors served: the staff pages, the JSON API.
	Surfaces []Surface

	// ErrorPage answers an error to a person (the staff pages' error
	// page); problems as JSON when nil, and always under /api/.
	ErrorPage func(w http.ResponseWriter, r *http.Request, err error)

	srv     *http.Server
	ln      net.Listener
	orgs    sync.Map // organization id -> *Viewer with Org and Loc
	metrics metrics
	closing atomic.Bool
}

// Open listens on addr (":0" picks a free port) and serves.
func (s *Server) Open(ctx context.Context, addr string) error {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	var err error
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		return err
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server", "err", err)
		}
	}()
	return nil
}

// URL is the base URL the server listens on.
func (s *Server) URL() string {
	addr := s.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Close stops accepting requests and waits for running ones to finish.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	s.closing.Store(true)
	return s.srv.Shutdown(ctx)
}

// Handler returns the routes, wrapped in the security headers and request
// logging every response gets.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	for _, surface := range s.Surfaces {
		surface.Routes(mux)
	}
	return s.observe(securityHeaders(http.NewCrossOriginProtection().Handler(s.refuseNUL(mux))))
}

// A Surface is one door into Carepath (the staff pages, the JSON API; a
// FHIR API, a portal to come): its own routes on the server's mux, over
// the same services and the shared pieces the Server exports (tokens,
// problems, the organization's time zone, request logging).
type Surface interface {
	Routes(mux *http.ServeMux)
}

// refuseNUL answers 400 to a request whose path, query or form holds a NUL
// character: no person types one, PostgreSQL cannot store one in text, and
// an id or title with one would be written on SQLite and fail later
// elsewhere. JSON bodies are checked where they are read (decodeBody).
func (s *Server) refuseNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := strings.IndexByte(r.URL.Path, 0) >= 0 || strings.Contains(r.URL.RawQuery, "%00")
		if !bad && r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			// A form that does not parse is left to its handler to refuse.
			if err := r.ParseForm(); err == nil {
				for k, vs := range r.PostForm {
					bad = bad || strings.IndexByte(k, 0) >= 0
					for _, v := range vs {
						bad = bad || strings.IndexByte(v, 0) >= 0
					}
				}
			}
		}
		if !bad {
			next.ServeHTTP(w, r)
			return
		}
		err := carepath.Errorf(carepath.EINVALID, "The request holds a NUL character (%%00), which Carepath does not store.")
		if strings.HasPrefix(r.URL.Path, "/api/") || s.ErrorPage == nil {
			s.WriteProblem(w, r, err)
			return
		}
		s.ErrorPage(w, r, err)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// Patient data must not linger in shared caches or the back button.
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if err := s.Health(r.Context()); err != nil {
		s.Logger.Error("health check", "err", err)
		status, code = "database unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"status": status})
}
