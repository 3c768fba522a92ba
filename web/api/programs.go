package api

import (
	"net/http"
	"time"

	"carepath"
	"carepath/billing"
	"carepath/web"
)

// handleAPIPrograms lists the programs and their codes, each with its
// thresholds, dates in effect and source.
func (s *Server) handleAPIPrograms(w http.ResponseWriter, r *http.Request) {
	type code struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		Staff    string `json:"staff,omitempty"`
		First    int    `json:"first_minutes,omitempty"`
		Each     int    `json:"each_minutes,omitempty"`
		AddOnTo  string `json:"add_on_to,omitempty"`
		Full     int    `json:"full_minutes,omitempty"` // reportable from first_minutes (a midpoint)
		Mirrors  string `json:"mirrors,omitempty"`      // the code an APCM add-on stands for
		MaxUnits int    `json:"max_units,omitempty"`
		From     string `json:"from"`
		Until    string `json:"until,omitempty"`
		Source   string `json:"source"`
	}
	type program struct {
		Program    string `json:"program"`
		Name       string `json:"name"`
		Enrollable bool   `json:"enrollable"`
		Codes      []code `json:"codes"`
	}
	out := struct {
		Programs []program `json:"programs"`
	}{}
	for _, p := range billing.Programs {
		pr := program{Program: p, Name: carepath.ProgramName(p), Codes: []code{}}
		for _, e := range carepath.EnrollablePrograms {
			pr.Enrollable = pr.Enrollable || e == p
		}
		for _, c := range billing.Codes {
			if c.Program == p {
				pr.Codes = append(pr.Codes, code{c.Code, c.Name, string(c.Staff), c.First, c.Each, c.AddOnTo, c.Full, c.Mirrors, c.MaxUnits, c.From, c.Until, c.Source})
			}
		}
		out.Programs = append(out.Programs, pr)
	}
	web.WriteJSON(w, out)
}

// handleAPIEnroll enrolls a patient: {"program", "practitioner_id",
// "start"}; the eligibility's words are recorded with it.
func (s *Server) handleAPIEnroll(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Program        string `json:"program"`
		PractitionerID string `json:"practitioner_id"`
		Start          string `json:"start"`
	}
	if err := decodeBody(w, r, "an enrollment", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	e := &carepath.Enrollment{PatientID: r.PathValue("id"), Program: in.Program, PractitionerID: in.PractitionerID, Start: in.Start}
	if err := s.Programs.Enroll(r.Context(), e); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, map[string]any{"id": e.ID, "program": e.Program, "practitioner_id": e.PractitionerID,
		"start": e.Start, "eligibility": e.Eligibility})
}

// handleAPIConsent records a consent: {"program", "method", "given",
// "cost_sharing", "one_practitioner", "right_to_stop", "note",
// "supersede"}. One consent to a program is in force at a time: with one
// in force, "supersede": true ends it where this one begins; without, 400.
func (s *Server) handleAPIConsent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Program         string    `json:"program"`
		Method          string    `json:"method"`
		Given           time.Time `json:"given"`
		CostSharing     bool      `json:"cost_sharing"`
		OnePractitioner bool      `json:"one_practitioner"`
		RightToStop     bool      `json:"right_to_stop"`
		Note            string    `json:"note"`
		Supersede       bool      `json:"supersede"`
	}
	if err := decodeBody(w, r, "a consent", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	c := &carepath.Consent{PatientID: r.PathValue("id"), Program: in.Program, Method: in.Method, Given: in.Given, CostSharing: in.CostSharing,
		OnePractitioner: in.OnePractitioner, RightToStop: in.RightToStop, Note: in.Note, Supersede: in.Supersede}
	if err := s.Programs.RecordConsent(r.Context(), c); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, map[string]any{"id": c.ID, "program": c.Program, "given": c.Given.UTC(), "obtained_by": c.ObtainedByName})
}

// handleAPITimeEntry logs time: {"patient_id", "program", "start",
// "minutes" or "seconds" (as worked), "activity", "note", "interactive"}.
// 409 when it overlaps another entry of the same person.
func (s *Server) handleAPITimeEntry(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PatientID   string    `json:"patient_id"`
		Program     string    `json:"program"`
		Start       time.Time `json:"start"`
		Minutes     int       `json:"minutes"`
		Seconds     int       `json:"seconds"`
		Activity    string    `json:"activity"`
		Note        string    `json:"note"`
		Interactive bool      `json:"interactive"`
	}
	if err := decodeBody(w, r, "a time entry", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if in.Minutes != 0 && in.Seconds != 0 {
		s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, "Send the time worked as minutes or as seconds, not both."))
		return
	}
	e := &carepath.TimeEntry{PatientID: in.PatientID, Program: in.Program, Start: in.Start, Seconds: in.Seconds + 60*in.Minutes, Activity: in.Activity,
		Note: in.Note, Interactive: in.Interactive}
	if err := s.Programs.AddTimeEntry(r.Context(), e); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, map[string]any{"id": e.ID, "patient_id": e.PatientID, "program": e.Program, "start": e.Start.UTC(),
		"seconds": e.Seconds, "by": e.UserName, "staff": e.Staff})
}
