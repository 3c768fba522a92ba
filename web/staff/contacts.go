package staff

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"carepath"
)

// contactsData is a patient's communication log and the form to log a
// contact.
type contactsData struct {
	*carepath.PatientContacts
	Channels, Parties, Outcomes, Programs []string
	CanWrite                              bool
	Now                                   string // for datetime-local
	Saved                                 bool
	TaskID                                string // the task the contact is about, when logged from one
}

// handleContacts shows a patient's communication log, newest first, with
// the form to log a contact (opened from the chart with "c").
func (s *Server) handleContacts(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	pc, err := s.Contacts.FindContacts(r.Context(), r.PathValue("id"), 200)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := contactsData{PatientContacts: pc, Channels: carepath.ContactChannels, Parties: carepath.ContactParties, Outcomes: carepath.ContactOutcomes,
		Programs: carepath.EnrollablePrograms, CanWrite: v.User.Role.CanWriteClinical(), Now: time.Now().In(v.Loc).Format("2006-01-02T15:04"),
		Saved: r.URL.Query().Get("saved") != "", TaskID: r.URL.Query().Get("task")}
	s.render(w, r, http.StatusOK, "contacts.html", "Contacts · "+pc.Patient.Name(), d)
}

// handleLogContact logs the form's contact; a refused one comes back in
// its form with each problem beside its input.
func (s *Server) handleLogContact(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, carepath.Errorf(carepath.EINVALID, "The form could not be read."))
		return
	}
	c, err := contactFromForm(r.PostForm, v.Loc)
	if err == nil {
		c.PatientID = id
		err = s.Contacts.LogContact(r.Context(), c)
	}
	if err != nil {
		s.refill(w, r, "contact", err, s.handleContacts, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"/contacts?saved=1", http.StatusSeeOther)
}

// contactFromForm reads the log's form: when (the organization's time),
// minutes, and the rest as chosen; a caregiver chosen from the list comes
// as "caregiver:<id>" in party.
func contactFromForm(f url.Values, loc *time.Location) (*carepath.Contact, error) {
	c := &carepath.Contact{Channel: f.Get("channel"), Direction: f.Get("direction"), Party: f.Get("party"), PartyName: f.Get("party_name"),
		Outcome: f.Get("outcome"), Interactive: f.Get("interactive") != "", Note: f.Get("note"), Program: f.Get("program"), TaskID: f.Get("task")}
	if id, ok := strings.CutPrefix(c.Party, "caregiver:"); ok {
		c.Party, c.PartyID = carepath.ContactCaregiver, id
	}
	var problems carepath.Problems
	if at, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f.Get("at")), loc); err == nil {
		c.At = at
	} else {
		problems.Add("at", "%q is not a date and time", f.Get("at"))
	}
	if secs, ok := minutesField(f.Get("minutes")); ok {
		c.Seconds = secs
	} else {
		problems.Add("minutes", "the minutes %q are not a whole number of minutes", f.Get("minutes"))
	}
	if err := carepath.Invalid("This contact cannot be logged", problems...); err != nil {
		return nil, err
	}
	return c, nil
}
