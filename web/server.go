// Package web serves Carepath's staff pages (server-rendered HTML from
// embedded templates and assets, on the standard library's router) and
// holds the HTTP pieces every surface shares: the server and its
// middleware, sessions and API tokens, problems as JSON, the
// organization's time zone, request logging and metrics. Other surfaces
// (web/api) register their own routes through Surface.
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"carepath"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

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
	// Encounters records what outside systems report, and runs the work
	// rules on what they report before it returns (jobs.Intake), so that a
	// reported discharge's tasks are there when the call returns.
	Encounters carepath.EncounterService
}

// Server is the HTTP server. Every page but sign-in and the health check
// needs a signed-in user, and shows that user's organization.
type Server struct {
	Services
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests: for a server behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustProxy takes the client's address from X-Forwarded-For.
	TrustProxy bool
	// Surfaces are the other doors served beside the pages.
	Surfaces []Surface

	srv          *http.Server
	ln           net.Listener
	templates    map[string]*template.Template
	assets       map[string]asset // content-hashed URL -> asset
	assetURL     map[string]string
	orgs         sync.Map // organization id -> *Viewer with Org and Loc
	conditions   sync.Map // organization id -> cached common conditions
	careManagers sync.Map // organization id -> cached caseload counts
	metrics      metrics
	closing      atomic.Bool
}

type asset struct {
	data        []byte
	contentType string
}

// Open parses templates and assets (failing fast on a broken one), then
// listens on addr (":0" picks a free port).
func (s *Server) Open(ctx context.Context, addr string) error {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if err := s.loadAssets(); err != nil {
		return err
	}
	if err := s.parseTemplates(); err != nil {
		return err
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
	mux.HandleFunc("GET /static/", s.handleAsset)
	mux.HandleFunc("GET /signin", s.handleSignInForm)
	mux.HandleFunc("POST /signin", s.handleSignIn)
	mux.HandleFunc("POST /signout", s.requireUser(s.handleSignOut))
	mux.HandleFunc("GET /password", s.requireUser(s.handlePasswordForm))
	mux.HandleFunc("POST /password", s.requireUser(s.handleChangePassword))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/work", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /patients", s.requireUser(s.handlePatientList))
	mux.HandleFunc("GET /patients/{id}", s.requireUser(s.handleChart))
	mux.HandleFunc("GET /patients/{id}/record", s.requireUser(s.handleExportRecord))
	mux.HandleFunc("POST /patients/{id}/tasks", s.requireUser(s.handleAddPatientTask))
	mux.HandleFunc("GET /patients/{id}/assessments", s.requireUser(s.handleAssessments))
	mux.HandleFunc("POST /patients/{id}/assessments", s.requireUser(s.handleRecordAssessment))
	mux.HandleFunc("POST /patients/{id}/concerns/{cid}", s.requireUser(s.handleDecideConcern))
	mux.HandleFunc("GET /patients/{id}/careplan", s.requireUser(s.handleCarePlan))
	mux.HandleFunc("POST /patients/{id}/careplan", s.requireUser(s.handleChangeCarePlan))
	mux.HandleFunc("GET /patients/{id}/careplan/revisions", s.requireUser(s.handlePlanRevisions))
	mux.HandleFunc("POST /patients/{id}/careteam", s.requireUser(s.handleAddOutsideMember))
	mux.HandleFunc("POST /patients/{id}/careplan/sign", s.requireUser(s.handleSignCarePlan))
	mux.HandleFunc("GET /patients/{id}/careplan/copy", s.requireUser(s.handlePatientCopy))
	mux.HandleFunc("GET /patients/{id}/careplan/copy.pdf", s.requireUser(s.handlePatientCopy))
	mux.HandleFunc("POST /patients/{id}/careplan/copy", s.requireUser(s.handleCopyGiven))
	mux.HandleFunc("POST /patients/{id}/schedules/{sid}", s.requireUser(s.handleScheduleStatus))
	mux.HandleFunc("GET /patients/{id}/programs", s.requireUser(s.handlePrograms))
	mux.HandleFunc("GET /programs/eligible", s.requireUser(s.handleEligible))
	mux.HandleFunc("POST /patients/{id}/programs", s.requireUser(s.handleChangePrograms))
	mux.HandleFunc("GET /transitions", s.requireUser(s.handleTransitions))
	mux.HandleFunc("GET /transitions/{id}", s.requireUser(s.handleTransition))
	mux.HandleFunc("POST /transitions/{id}", s.requireUser(s.handleChangeTransition))
	mux.HandleFunc("GET /billing", s.requireUser(s.handleBilling))
	mux.HandleFunc("GET /billing/{month}", s.requireUser(s.handleBilling))
	mux.HandleFunc("POST /billing/{month}", s.requireUser(s.handleChangeBilling))
	mux.HandleFunc("GET /billing/{month}/patients/{id}", s.requireUser(s.handleEvidence))
	mux.HandleFunc("GET /billing/{month}/export.csv", s.requireUser(s.handleBillingCSV))
	mux.HandleFunc("GET /billing/{month}/claims.ndjson", s.requireUser(s.HandleBillingClaims))
	mux.HandleFunc("GET /audit", s.requireUser(s.handleAudit))
	mux.HandleFunc("GET /work", s.requireUser(s.handleWork))
	mux.HandleFunc("GET /work/counts", s.requireUser(s.handleTaskCounts))
	mux.HandleFunc("GET /tasks/{id}", s.requireUser(s.handleTask))
	mux.HandleFunc("POST /tasks/{id}", s.requireUser(s.handleChangeTask))
	mux.HandleFunc("GET /tasks/{id}/episode", s.requireUser(s.handleTaskEpisode))
	mux.HandleFunc("GET /admin/users", s.requireUser(s.handleUsers))
	mux.HandleFunc("POST /admin/users", s.requireUser(s.handleAddUser))
	mux.HandleFunc("POST /admin/users/{id}/reset-password", s.requireUser(s.handleResetPassword))
	mux.HandleFunc("POST /admin/users/{id}/disable", s.requireUser(s.handleDisableUser))
	mux.HandleFunc("GET /admin/rules", s.requireUser(s.handleRules))
	mux.HandleFunc("GET /admin/templates", s.requireUser(s.handleTemplates))
	mux.HandleFunc("POST /admin/templates", s.requireUser(s.handleAddTemplate))
	mux.HandleFunc("POST /admin/holidays", s.requireUser(s.handleHoliday))
	for _, surface := range s.Surfaces {
		surface.Routes(mux)
	}
	return s.observe(securityHeaders(http.NewCrossOriginProtection().Handler(s.refuseNUL(mux))))
}

// A Surface is one door into Carepath beside the staff pages (the JSON
// API; a FHIR API, a portal): its own routes on the server's mux, over the
// same services and the shared pieces the Server exports (tokens,
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
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.WriteProblem(w, r, err)
			return
		}
		s.renderError(w, r, err)
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

// loadAssets reads the embedded static files and names each by a hash of
// its content, so that browsers may cache them forever.
func (s *Server) loadAssets() error {
	s.assets, s.assetURL = map[string]asset{}, map[string]string{}
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
		s.assets[hashed] = asset{data: b, contentType: types[ext]}
		s.assetURL[name] = hashed
		return nil
	})
}

func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.data)
}
