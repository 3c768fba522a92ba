package api

import (
	"net/http"
	"time"

	"carepath"
	"carepath/web"
)

// apiContact is a contact of the communication log in the API.
type apiContact struct {
	ID           string    `json:"id"`
	Channel      string    `json:"channel"`
	Direction    string    `json:"direction"`
	Party        string    `json:"party"`
	PartyID      string    `json:"party_id,omitempty"`
	PartyName    string    `json:"party_name,omitempty"`
	At           time.Time `json:"at"`
	Seconds      int       `json:"seconds,omitempty"`
	Outcome      string    `json:"outcome"`
	Interactive  bool      `json:"interactive"`
	TaskID       string    `json:"task_id,omitempty"`
	GoalID       string    `json:"goal_id,omitempty"`
	TransitionID string    `json:"transition_id,omitempty"`
	Note         string    `json:"note,omitempty"`
	Program      string    `json:"program,omitempty"`
	TimeEntryID  string    `json:"time_entry_id,omitempty"`
	By           string    `json:"by,omitempty"`
}

func toAPIContact(c *carepath.Contact) apiContact {
	return apiContact{ID: c.ID, Channel: c.Channel, Direction: c.Direction, Party: c.Party, PartyID: c.PartyID, PartyName: c.PartyName, At: c.At.UTC(),
		Seconds: c.Seconds, Outcome: c.Outcome, Interactive: c.Interactive, TaskID: c.TaskID, GoalID: c.GoalID, TransitionID: c.TransitionID,
		Note: c.Note, Program: c.Program, TimeEntryID: c.TimeEntryID, By: c.ByName}
}

// handleAPILogContact logs a contact about the patient: {"channel",
// "direction", "party", "party_id" or "party_name", "at", "seconds",
// "outcome", "interactive", "task_id", "goal_id", "transition_id", "note",
// and "program" to log its time as that program's}. 201 with the contact.
func (s *Server) handleAPILogContact(w http.ResponseWriter, r *http.Request) {
	var in apiContact
	if err := decodeBody(w, r, "a contact", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	if in.ID != "" || in.TimeEntryID != "" || in.By != "" {
		s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, "A contact's id, time entry and author are Carepath's to give."))
		return
	}
	c := &carepath.Contact{PatientID: r.PathValue("id"), Channel: in.Channel, Direction: in.Direction, Party: in.Party, PartyID: in.PartyID,
		PartyName: in.PartyName, At: in.At, Seconds: in.Seconds, Outcome: in.Outcome, Interactive: in.Interactive, TaskID: in.TaskID,
		GoalID: in.GoalID, TransitionID: in.TransitionID, Note: in.Note, Program: in.Program}
	if err := s.Contacts.LogContact(r.Context(), c); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSONStatus(w, http.StatusCreated, toAPIContact(c))
}

// handleAPIContacts lists the patient's contacts, newest first (?limit=,
// 1-500, default 100).
func (s *Server) handleAPIContacts(w http.ResponseWriter, r *http.Request) {
	limit, err := apiLimit(r.URL.Query().Get("limit"), 100)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	pc, err := s.Contacts.FindContacts(r.Context(), r.PathValue("id"), limit)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Contacts []apiContact `json:"contacts"`
	}{Contacts: []apiContact{}}
	for i := range pc.Contacts {
		out.Contacts = append(out.Contacts, toAPIContact(&pc.Contacts[i]))
	}
	web.WriteJSON(w, out)
}
