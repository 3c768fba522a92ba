package api

import (
	"net/http"
	"time"

	"carepath"
	"carepath/web"
)

type apiNoteSection struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

type apiAmendment struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Why  string    `json:"why"`
	Text string    `json:"text"`
}

// apiProgressNote is a progress note in the API; a withheld one has no sections
// or amendments.
type apiProgressNote struct {
	ID           string           `json:"id"`
	Template     string           `json:"template"`
	Sections     []apiNoteSection `json:"sections,omitempty"`
	TaskID       string           `json:"task_id,omitempty"`
	GoalID       string           `json:"goal_id,omitempty"`
	TransitionID string           `json:"transition_id,omitempty"`
	ContactID    string           `json:"contact_id,omitempty"`
	Sensitive    string           `json:"sensitive,omitempty"`
	Status       string           `json:"status"`
	Author       string           `json:"author"`
	Created      time.Time        `json:"created"`
	Signed       time.Time        `json:"signed,omitzero"`
	Amendments   []apiAmendment   `json:"amendments,omitempty"`
	Withheld     bool             `json:"withheld,omitempty"`
	Version      int              `json:"version"`
}

func toAPIProgressNote(n *carepath.Note) apiProgressNote {
	out := apiProgressNote{ID: n.ID, Template: n.Template, TaskID: n.TaskID, GoalID: n.GoalID, TransitionID: n.TransitionID, ContactID: n.ContactID,
		Sensitive: n.Sensitive, Status: n.Status, Author: n.AuthorName, Created: n.Created.UTC(), Signed: n.Signed.UTC(), Withheld: n.Withheld, Version: n.Version}
	for _, s := range n.Sections {
		out.Sections = append(out.Sections, apiNoteSection(s))
	}
	for _, a := range n.Amendments {
		out.Amendments = append(out.Amendments, apiAmendment{At: a.At.UTC(), By: a.ByName, Why: a.Why, Text: a.Text})
	}
	return out
}

// handleAPINotes lists the patient's notes, newest first: drafts only the
// caller's own, sensitive ones withheld from roles that may not read them.
func (s *Server) handleAPINotes(w http.ResponseWriter, r *http.Request) {
	notes, err := s.Notes.FindNotes(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Notes []apiProgressNote `json:"notes"`
	}{Notes: []apiProgressNote{}}
	for i := range notes {
		out.Notes = append(out.Notes, toAPIProgressNote(&notes[i]))
	}
	web.WriteJSON(w, out)
}

// handleAPISaveNote writes a draft: {"template", "sections": [{"heading",
// "text"}], "task_id", "goal_id", "transition_id", "contact_id",
// "sensitive"}, and "id" with "version" to change one's own draft. 201
// for a new draft.
func (s *Server) handleAPISaveNote(w http.ResponseWriter, r *http.Request) {
	var in apiProgressNote
	if err := decodeBody(w, r, "a note", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	n := &carepath.Note{ID: in.ID, PatientID: r.PathValue("id"), Template: in.Template, TaskID: in.TaskID, GoalID: in.GoalID,
		TransitionID: in.TransitionID, ContactID: in.ContactID, Sensitive: in.Sensitive, Version: in.Version}
	for _, sec := range in.Sections {
		n.Sections = append(n.Sections, carepath.NoteSection(sec))
	}
	isNew := n.ID == ""
	if err := s.Notes.SaveNote(r.Context(), n); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	status := http.StatusOK
	if isNew {
		status = http.StatusCreated
	}
	web.WriteJSONStatus(w, status, toAPIProgressNote(n))
}

// handleAPISignNote signs the caller's draft: {"version"}.
func (s *Server) handleAPISignNote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Version int `json:"version"`
	}
	if err := decodeBody(w, r, "a signature", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	n, err := s.Notes.SignNote(r.Context(), r.PathValue("id"), in.Version)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPIProgressNote(n))
}

// handleAPIAmendNote amends a signed note: {"version", "why", "text"}.
func (s *Server) handleAPIAmendNote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Version int    `json:"version"`
		Why     string `json:"why"`
		Text    string `json:"text"`
	}
	if err := decodeBody(w, r, "an amendment", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	n, err := s.Notes.AmendNote(r.Context(), r.PathValue("id"), in.Version, in.Why, in.Text)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPIProgressNote(n))
}
