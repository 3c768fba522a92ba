package api

import (
	"net/http"
	"strconv"
	"time"

	"carepath"
	"carepath/web"
)

type apiNote struct {
	At      time.Time `json:"at"`
	ByID    string    `json:"by_id,omitempty"`
	By      string    `json:"by,omitempty"`
	Outcome string    `json:"outcome,omitempty"`
	Note    string    `json:"note,omitempty"`
}

func toAPINote(n *carepath.TransitionNote) *apiNote {
	if n == nil {
		return nil
	}
	return &apiNote{At: n.At.UTC(), ByID: n.ByID, By: n.ByName, Outcome: n.Outcome, Note: n.Note}
}

type apiMedRecLine struct {
	Line         int      `json:"line"` // from 0, for decisions
	Kind         string   `json:"kind"` // new, changed, stopped, unchanged, reported
	Medicine     string   `json:"medicine"`
	Code         string   `json:"code,omitempty"`
	Before       string   `json:"before,omitempty"`
	After        string   `json:"after,omitempty"`
	Why          string   `json:"why,omitempty"`
	PatientTakes string   `json:"patient_takes,omitempty"`
	PatientNote  string   `json:"patient_note,omitempty"`
	Decision     string   `json:"decision,omitempty"`
	DecidedBy    *apiNote `json:"decided_by,omitempty"`
}

// apiReadmission is a stay within 30 days of an episode's discharge.
type apiReadmission struct {
	EncounterID string    `json:"encounter_id"`
	Class       string    `json:"class"`
	Facility    string    `json:"facility,omitempty"`
	Admitted    time.Time `json:"admitted"`
	Days        int       `json:"days_after_discharge"`
}

type apiTransition struct {
	ID          string    `json:"id"`
	PatientID   string    `json:"patient_id"`
	PatientName string    `json:"patient_name"`
	EncounterID string    `json:"encounter_id"`
	Class       string    `json:"class"`
	Facility    string    `json:"facility,omitempty"`
	Disposition string    `json:"disposition,omitempty"`
	Admitted    time.Time `json:"admitted"`
	Discharged  time.Time `json:"discharged"`
	Status      string    `json:"status"`
	Clock       struct {
		ContactDue       time.Time `json:"contact_due"`
		VisitDue         time.Time `json:"visit_due"` // the protocol's
		VisitDueHigh     time.Time `json:"visit_due_99496"`
		VisitDueModerate time.Time `json:"visit_due_99495"`
		PeriodEnd        time.Time `json:"period_end"`
		NextDue          time.Time `json:"next_due"`
	} `json:"clock"`
	Band     string `json:"band"`
	BandWhy  string `json:"band_why"`
	Protocol string `json:"protocol"`
	// The TCM code the documentation supports ("" none) and each
	// element's state in words.
	Code        string          `json:"code"`
	Elements    []string        `json:"elements"`
	Contact     *apiNote        `json:"contact"`
	Attempts    []apiNote       `json:"attempts"`
	Visit       *apiNote        `json:"visit"`
	Complexity  string          `json:"complexity,omitempty"`
	MedRec      []apiMedRecLine `json:"reconciliation"`
	MedRecDone  *apiNote        `json:"reconciliation_completed"`
	Readmission *apiReadmission `json:"readmission"`
	Closed      *apiNote        `json:"closed"`
	Scores      []apiRiskScore  `json:"scores"`
	Tasks       []apiTask       `json:"tasks,omitempty"`
	Version     int             `json:"version"`
}

func toAPITransition(t *carepath.Transition) apiTransition {
	a := apiTransition{ID: t.ID, PatientID: t.PatientID, PatientName: t.PatientName, EncounterID: t.EncounterID, Class: t.Class, Facility: t.Facility,
		Disposition: t.Disposition, Admitted: t.Admitted.UTC(), Discharged: t.Discharged.UTC(), Status: t.Status, Band: t.Band, BandWhy: t.BandWhy,
		Protocol: t.ProtocolRuleID, Code: t.Code, Elements: t.Elements, Contact: toAPINote(t.Contact), Attempts: []apiNote{}, Visit: toAPINote(t.Visit),
		Complexity: t.Complexity, MedRec: []apiMedRecLine{}, MedRecDone: toAPINote(t.MedRec.Completed), Closed: toAPINote(t.Closed),
		Scores: []apiRiskScore{}, Version: t.Version}
	a.Clock.ContactDue, a.Clock.VisitDue, a.Clock.VisitDueHigh = t.ContactDue.UTC(), t.VisitDue.UTC(), t.VisitDueHigh.UTC()
	a.Clock.VisitDueModerate, a.Clock.PeriodEnd, a.Clock.NextDue = t.VisitDueModerate.UTC(), t.PeriodEnd.UTC(), t.NextDue().UTC()
	for i := range t.Attempts {
		a.Attempts = append(a.Attempts, *toAPINote(&t.Attempts[i]))
	}
	for i, l := range t.MedRec.Lines {
		a.MedRec = append(a.MedRec, apiMedRecLine{Line: i, Kind: l.Kind, Medicine: l.Medicine, Code: l.Code, Before: l.Before, After: l.After, Why: l.Why,
			PatientTakes: l.PatientTakes, PatientNote: l.PatientNote, Decision: l.Decision, DecidedBy: toAPINote(l.DecidedBy)})
	}
	if r := t.Readmission; r != nil {
		a.Readmission = &apiReadmission{r.EncounterID, r.Class, r.Facility, r.Admitted.UTC(), r.Days}
	}
	for _, s := range t.Scores {
		a.Scores = append(a.Scores, toAPIRiskScore(s))
	}
	for _, task := range t.Tasks {
		a.Tasks = append(a.Tasks, toAPITask(task))
	}
	return a
}

// handleAPITransitions lists episodes (?status=open, the default, or
// closed; ?care_manager=ID for a caseload; ?limit= and ?offset= for
// pages), the next deadline first, with how many there are in all.
func (s *Server) handleAPITransitions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := apiLimit(q.Get("limit"), 100)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	ts, total, err := s.Transitions.FindTransitions(r.Context(), carepath.TransitionFilter{Status: q.Get("status"), CareManagerID: q.Get("care_manager"),
		PatientID: q.Get("patient"), Limit: limit, Offset: offset})
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Total       int             `json:"total"`
		Transitions []apiTransition `json:"transitions"`
	}{Total: total, Transitions: []apiTransition{}}
	for _, t := range ts {
		out.Transitions = append(out.Transitions, toAPITransition(t))
	}
	web.WriteJSON(w, out)
}

// handleAPITransition answers one episode with its clock, scores and tasks.
func (s *Server) handleAPITransition(w http.ResponseWriter, r *http.Request) {
	t, err := s.Transitions.FindTransition(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPITransition(t))
}

// handleAPIUpdateTransition records contact, attempts, the visit, the
// complexity, reconciliation decisions, or the closing.
func (s *Server) handleAPIUpdateTransition(w http.ResponseWriter, r *http.Request) {
	type note struct {
		At      time.Time `json:"at"`
		Outcome string    `json:"outcome"`
		Note    string    `json:"note"`
	}
	var in struct {
		Version    int     `json:"version"`
		Contact    *note   `json:"contact"`
		Attempt    *note   `json:"attempt"`
		Visit      *note   `json:"visit"`
		Complexity *string `json:"complexity"`
		Decisions  []struct {
			Line         int    `json:"line"`
			Decision     string `json:"decision"`
			PatientTakes string `json:"patient_takes"`
			Note         string `json:"note"`
		} `json:"decisions"`
		Reported []struct {
			Medicine     string `json:"medicine"`
			Dosage       string `json:"dosage"`
			Note         string `json:"note"`
			Decision     string `json:"decision"`
			DecisionNote string `json:"decision_note"`
		} `json:"reported"`
		Complete bool    `json:"complete"`
		Close    *string `json:"close"`
	}
	if err := decodeBody(w, r, "a transition change", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	toNote := func(n *note) *carepath.TransitionNote {
		if n == nil {
			return nil
		}
		return &carepath.TransitionNote{At: n.At, Outcome: n.Outcome, Note: n.Note}
	}
	c := carepath.TransitionChange{Version: in.Version, Contact: toNote(in.Contact), Attempt: toNote(in.Attempt), Visit: toNote(in.Visit),
		Complexity: in.Complexity, Complete: in.Complete, Close: in.Close}
	for _, d := range in.Decisions {
		c.Decisions = append(c.Decisions, carepath.MedDecision(d))
	}
	for _, m := range in.Reported {
		c.Reported = append(c.Reported, carepath.MedRecLine{Medicine: m.Medicine, Before: m.Dosage, PatientNote: m.Note, Decision: m.Decision,
			DecidedBy: &carepath.TransitionNote{Note: m.DecisionNote}})
	}
	t, err := s.Transitions.UpdateTransition(r.Context(), r.PathValue("id"), c)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPITransition(t))
}
