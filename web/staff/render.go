package staff

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"carepath"
	"carepath/careplan"
	"carepath/rules"
	"carepath/web"
)

// pages lists every page template; each is parsed with the layout.
var pages = []string{"patients.html", "chart.html", "audit.html", "signin.html", "password.html", "error.html", "users.html", "work.html", "task.html", "rules.html", "assessments.html", "careplan.html", "careplan_revisions.html", "careplan_copy.html", "templates.html", "transitions.html", "transition.html", "programs.html", "billing.html", "evidence.html", "eligible.html", "contacts.html"}

func (s *Server) parseTemplates() error {
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := s.assetURL[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return u, nil
		},
		"birth":            formatBirth,
		"value":            formatValue,
		"date":             formatDate,
		"when":             when,
		"add":              func(a, b int) int { return a + b },
		"list":             func(v ...string) []string { return v },
		"achievementClass": achievementClass,
		// day writes a YYYY-MM-DD day as "Fri 21 May 2027".
		"day": func(s string) string {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return s
			}
			return d.Format("Mon 2 Jan 2006")
		},
		"targetValues": careplan.FormatValues,
		"plural": func(n int, noun string) string {
			if n == 1 {
				return "1 " + noun
			}
			return strconv.Itoa(n) + " " + noun + "s"
		},
		"goalTarget": careplan.GoalTarget,
		"fieldError": fieldError,
		"invalid":    invalid,
		"worked":     carepath.FormatWorked,
		"formOf": func(f *formState, form string) *formState {
			if f.Failed(form) {
				return f
			}
			return nil
		},
		"programLabel": carepath.ProgramName,
		"ruleName": func(id string) string {
			for _, r := range rules.BuiltIn {
				if r.ID == id {
					return r.Name
				}
			}
			return id
		},
	}
	s.templates = map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/tasks_partials.html", "templates/"+p)
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		s.templates[p] = t
	}
	return nil
}

// page is what every template receives.
type page struct {
	Title string
	Org   *carepath.Organization // nil before sign-in
	User  *carepath.User         // nil before sign-in
	Now   time.Time              // in the organization's time zone
	Loc   *time.Location         // the organization's time zone
	// AuditAttention is what is wrong with the organization's audit
	// chain, for those who read it (administrators and auditors).
	AuditAttention string
	// Form is a form of the page that came back refused, or nil.
	Form *formState
	Data any
}

// render writes a page whole or, if the template fails, an error page: a
// half-written page is never sent.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Now: time.Now().UTC(), Loc: time.UTC, Data: data, Form: formStateFrom(r.Context())}
	if p.Form != nil && status == http.StatusOK {
		status = p.Form.status
	}
	if v := viewerFrom(r.Context()); v != nil {
		p.Org, p.User, p.Now, p.Loc = v.Org, v.User, time.Now().In(v.Loc), v.Loc
		if s.AuditAttention != nil && v.User.Role.CanReadAudit() {
			p.AuditAttention = s.AuditAttention(v.Org.ID)
		}
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		// A page of unusual size is not kept for the next one.
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := s.templates[name].Execute(buf, p); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderBuffers are the buffers pages are written into before they are
// sent: a page is whole or an error, never half a page. They are reused,
// for growing a fresh one to a chart's 30 KB was a third of the bytes the
// server allocated.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 1 << 20

// renderError is the one place domain errors become HTML.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := web.ErrorStatus(err)
	if status == http.StatusInternalServerError {
		s.RequestLogger(r).Error("request failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error.html", "Error", carepath.ErrorMessage(err))
}

// when writes t in loc by layout ("Mon 2 Jan", "2 Jan 15:04"), with the
// year when it is not this year's: "next due Tue 7 Dec" was a 2027 date.
func when(loc *time.Location, t time.Time, layout string) string {
	t = t.In(loc)
	if t.Year() != time.Now().In(loc).Year() {
		layout = strings.Replace(layout, "Jan", "Jan 2006", 1)
	}
	return t.Format(layout)
}

// formatBirth writes a birth date with the age it gives on the day now
// falls on (in the organization's time zone): "20 Jan 1954 (72 y)".
func formatBirth(now time.Time, birth string) string {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		return birth
	}
	age := now.Year() - b.Year()
	if now.Month() < b.Month() || now.Month() == b.Month() && now.Day() < b.Day() {
		age--
	}
	return b.Format("2 Jan 2006") + " (" + strconv.Itoa(age) + " y)"
}

// formatDate writes an ISO date or date-time's day unambiguously: "2 Jan
// 2026". Date-times with a zone are shown on the day they fell in the
// organization's zone (loc); what does not parse is shown as it is.
func formatDate(loc *time.Location, s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc).Format("2 Jan 2006")
	}
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t.Format("2 Jan 2006")
		}
	}
	return s
}

var encounterClasses = map[string]string{
	carepath.EncounterInpatient: "Hospital stay", carepath.EncounterEmergency: "Emergency",
	carepath.EncounterAmbulatory: "Office visit", carepath.EncounterObservation: "Observation stay",
	carepath.EncounterHome: "Home visit", carepath.EncounterVirtual: "Virtual visit",
}
