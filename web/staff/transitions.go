package staff

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
)

// transitionRow is an episode on the board, its elements in words.
type transitionRow struct {
	*carepath.Transition
	Day                                   int // of 30; the day of discharge is day 1
	ContactState, MedRecState, VisitState elementState
	Next                                  string
	NextOverdue                           bool
	LACE, HOSPITAL                        *carepath.RiskScore
	ReadmittedLabel                       string
	DischargedLabel, Ending               string
}

// elementState is one element of the clock: done (and when), or due; and
// whether late (done after its deadline is done late, not on time).
type elementState struct {
	Done  bool
	Label string
	Late  bool
}

func newTransitionRow(t *carepath.Transition, now time.Time, loc *time.Location) transitionRow {
	at := func(tm time.Time) string { return when(loc, tm, "Mon 2 Jan") }
	due := func(d time.Time) elementState {
		return elementState{Label: "due " + at(d), Late: now.After(d)}
	}
	// done is an element documented at when, against its deadline.
	done := func(when, deadline time.Time) elementState {
		if when.After(deadline) {
			return elementState{Done: true, Late: true, Label: "done late, " + at(when) + " (due " + at(deadline) + ")"}
		}
		return elementState{Done: true, Label: "✓ " + at(when)}
	}
	r := transitionRow{Transition: t, Day: calendar.DaysBetween(t.Discharged, now, loc) + 1, DischargedLabel: at(t.Discharged), Ending: at(t.PeriodEnd)}
	switch {
	case t.Contact != nil:
		r.ContactState = done(t.Contact.At, t.ContactDue)
	default:
		r.ContactState = due(t.ContactDue)
		if n := len(t.Attempts); n > 0 {
			r.ContactState.Label += fmt.Sprintf(" · %d attempt%s", n, pluralS(n))
		}
	}
	// The visit (and the reconciliation by it) is due by the protocol's
	// day; once that has passed, by TCM's day 7, then day 14, while they
	// still count.
	visitDue := t.VisitDue
	for _, d := range []time.Time{t.VisitDueHigh, t.VisitDueModerate} {
		if now.After(visitDue) && d.After(visitDue) {
			visitDue = d
		}
	}
	if t.MedRec.Completed != nil {
		// By the visit, as TCM asks, and by the protocol's day for it.
		deadline := t.VisitDue
		if t.Visit != nil && t.Visit.At.Before(deadline) {
			deadline = t.Visit.At
		}
		r.MedRecState = done(t.MedRec.Completed.At, deadline)
	} else {
		r.MedRecState = due(visitDue)
		decided := 0
		for _, l := range t.MedRec.Lines {
			if l.Decision != "" {
				decided++
			}
		}
		r.MedRecState.Label += fmt.Sprintf(" · %d of %d decided", decided, len(t.MedRec.Lines))
	}
	if t.Visit != nil {
		r.VisitState = done(t.Visit.At, t.VisitDue)
	} else {
		r.VisitState = due(visitDue)
		switch {
		case visitDue.Equal(t.VisitDueHigh) && !visitDue.Equal(t.VisitDue):
			r.VisitState.Label += " (day 7)"
		case visitDue.Equal(t.VisitDueModerate) && !visitDue.Equal(t.VisitDue):
			r.VisitState.Label += " (day 14)"
		}
	}
	next := t.NextDue()
	r.Next, r.NextOverdue = at(next), now.After(next)
	for i := range t.Scores {
		switch t.Scores[i].Name {
		case "LACE":
			r.LACE = &t.Scores[i]
		case "HOSPITAL":
			r.HOSPITAL = &t.Scores[i]
		}
	}
	if rd := t.Readmission; rd != nil {
		r.ReadmittedLabel = fmt.Sprintf("readmitted %s (day %d)", at(rd.Admitted), rd.Days+1)
	}
	return r
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// transitionsData is the transitions board, a page at a time.
type transitionsData struct {
	Rows             []transitionRow
	Status           string
	Mine             bool
	Total, From, To  int
	PrevURL, NextURL string
}

// transitionsPage is how many episodes the board shows at once.
const transitionsPage = 50

// handleTransitions shows the board: open episodes by their next deadline
// and risk band (or the closed ones, latest first), everyone's or the
// viewer's caseload, 50 at a time.
func (s *Server) handleTransitions(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	q := r.URL.Query()
	d := transitionsData{Status: q.Get("status"), Mine: q.Get("mine") != ""}
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	f := carepath.TransitionFilter{Status: d.Status, Limit: transitionsPage, Offset: offset}
	if d.Mine {
		f.CareManagerID = v.User.ID
	}
	episodes, total, err := s.Transitions.FindTransitions(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := time.Now()
	for _, t := range episodes {
		d.Rows = append(d.Rows, newTransitionRow(t, now, v.Loc))
	}
	d.Total, d.From, d.To = total, offset+1, offset+len(episodes)
	page := func(o int) string {
		u := url.Values{}
		if d.Status != "" {
			u.Set("status", d.Status)
		}
		if d.Mine {
			u.Set("mine", "1")
		}
		if o > 0 {
			u.Set("offset", strconv.Itoa(o))
		}
		if len(u) == 0 {
			return "/transitions"
		}
		return "/transitions?" + u.Encode()
	}
	if offset > 0 {
		d.PrevURL = page(max(offset-transitionsPage, 0))
	}
	if d.To < total {
		d.NextURL = page(d.To)
	}
	s.render(w, r, http.StatusOK, "transitions.html", "Transitions of care", d)
}

// transitionData is one episode's page.
type transitionData struct {
	transitionRow
	Patient      *carepath.Patient
	CanWrite     bool
	Outcomes     []string
	Complexities []string
	Decisions    []string
	PatientTakes []string
	Saved        string
}

// handleTransition shows an episode: its clock, scores, tasks, and the
// forms that record contact, visit, complexity and the reconciliation.
func (s *Server) handleTransition(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	t, err := s.Transitions.FindTransition(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Patients.FindPatientByID(r.Context(), t.PatientID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := transitionData{transitionRow: newTransitionRow(t, time.Now(), v.Loc), Patient: p, CanWrite: v.User.Role.CanWriteClinical() && t.Status == carepath.TransitionOpen,
		Outcomes: []string{carepath.OutcomeNoAnswer, carepath.OutcomeVoicemail, carepath.OutcomeWrongNum}, Complexities: carepath.TransitionComplexities,
		Decisions: carepath.MedDecisions, PatientTakes: carepath.PatientTakes, Saved: r.URL.Query().Get("saved")}
	s.render(w, r, http.StatusOK, "transition.html", "Transition · "+p.Name(), d)
}

// handleChangeTransition records one form of the episode page (do=...) on
// the episode as the page saw it (version).
func (s *Server) handleChangeTransition(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, carepath.Errorf(carepath.EINVALID, "The form could not be read."))
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	c, err := transitionChangeFromForm(f, v.Loc)
	if err == nil {
		c.Version = version
		_, err = s.Transitions.UpdateTransition(r.Context(), id, c)
	}
	if err != nil {
		s.refill(w, r, f.Get("do"), err, s.handleTransition, "")
		return
	}
	http.Redirect(w, r, "/transitions/"+id+"?saved="+url.QueryEscape(f.Get("do")), http.StatusSeeOther)
}

// transitionChangeFromForm reads the change one of the page's forms asks
// for; times are the organization's (blank: now).
func transitionChangeFromForm(f url.Values, loc *time.Location) (carepath.TransitionChange, error) {
	var c carepath.TransitionChange
	when := func() (time.Time, error) {
		s := strings.TrimSpace(f.Get("at"))
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			return t, carepath.Invalid("This change cannot be recorded", carepath.FieldError{Field: f.Get("do") + ".at",
				Message: fmt.Sprintf("the time %q is not a date and time", s)})
		}
		return t, nil
	}
	at, err := when()
	if err != nil {
		return c, err
	}
	note := carepath.TransitionNote{At: at, Outcome: f.Get("outcome"), Note: f.Get("note")}
	switch f.Get("do") {
	case "contact":
		c.Contact = &note
	case "attempt":
		c.Attempt = &note
	case "visit":
		c.Visit = &note
	case "complexity":
		x := f.Get("complexity")
		c.Complexity = &x
	case "medrec":
		for i := 0; ; i++ {
			key := strconv.Itoa(i)
			if !f.Has("line" + key) {
				break
			}
			dec := carepath.MedDecision{Line: i, Decision: f.Get("decision" + key), PatientTakes: f.Get("takes" + key), Note: strings.TrimSpace(f.Get("note" + key))}
			if dec.Decision != "" || dec.PatientTakes != "" {
				c.Decisions = append(c.Decisions, dec)
			}
		}
		if name := strings.TrimSpace(f.Get("reported")); name != "" {
			c.Reported = append(c.Reported, carepath.MedRecLine{Medicine: name, Before: f.Get("reported_dosage"), PatientNote: f.Get("reported_note"),
				Decision: f.Get("reported_decision"), DecidedBy: &carepath.TransitionNote{Note: f.Get("reported_decision_note")}})
		}
		c.Complete = f.Get("complete") != ""
	case "close":
		why := f.Get("reason")
		c.Close = &why
	default:
		return c, carepath.Errorf(carepath.EINVALID, "Unknown change %q.", f.Get("do"))
	}
	return c, nil
}
