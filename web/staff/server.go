// Package staff serves the staff pages: server-rendered HTML from
// embedded templates and assets (htmx, no build step), sign-in and
// sessions, the panel, chart, worklist, care plans, transitions, programs,
// billing and the audit trail.
package staff

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"carepath/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server is the staff pages: every page but sign-in needs a signed-in
// user, and shows that user's organization. It serves on the web server it
// embeds, whose shared pieces it uses.
type Server struct {
	*web.Server
	templates    map[string]*template.Template
	assets       map[string]asset // content-hashed URL -> asset
	assetURL     map[string]string
	conditions   sync.Map // organization id -> cached common conditions
	careManagers sync.Map // organization id -> cached caseload counts
}

type asset struct {
	data        []byte
	contentType string
}

// New parses the pages' templates and assets, failing fast on a broken
// one, and makes the server's error page theirs.
func New(core *web.Server) (*Server, error) {
	s := &Server{Server: core}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	core.ErrorPage = s.renderError
	return s, nil
}

// Routes implements web.Surface: the pages' routes table.
func (s *Server) Routes(mux *http.ServeMux) {
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
	mux.HandleFunc("GET /patients/{id}/contacts", s.requireUser(s.handleContacts))
	mux.HandleFunc("POST /patients/{id}/contacts", s.requireUser(s.handleLogContact))
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
