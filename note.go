package carepath

import (
	"context"
	"slices"
	"strings"
	"time"
)

// NoteTemplate is a progress note's kind, with the sections it asks for.
type NoteTemplate struct {
	ID       string
	Name     string
	Sections []string
}

// NoteTemplates are the kinds of progress note.
var NoteTemplates = []NoteTemplate{
	{ID: "check-in", Name: "Check-in call", Sections: []string{"How the patient is", "Symptoms and readings", "Medicines", "Plan and next contact"}},
	{ID: "care-conference", Name: "Care conference", Sections: []string{"Attendees", "Discussed", "Decisions", "Follow-up"}},
	{ID: "home-visit", Name: "Home visit", Sections: []string{"Home and safety", "Observations", "Medicines on hand", "Plan"}},
	{ID: "soap", Name: "SOAP", Sections: []string{"Subjective", "Objective", "Assessment", "Plan"}},
	{ID: "free", Name: "Note", Sections: []string{"Note"}},
}

// FindNoteTemplate is the template with that id.
func FindNoteTemplate(id string) (NoteTemplate, bool) {
	i := slices.IndexFunc(NoteTemplates, func(t NoteTemplate) bool { return t.ID == id })
	if i < 0 {
		return NoteTemplate{}, false
	}
	return NoteTemplates[i], true
}

// Sensitivities of a note: who may read it is narrower than the record's.
const (
	SensitiveBehavioral = "behavioral health"
	SensitivePart2      = "substance use (42 CFR Part 2)"
)

// NoteSensitivities are the kinds of sensitive note ("" is none).
var NoteSensitivities = []string{SensitiveBehavioral, SensitivePart2}

// MayReadSensitive reports whether a role may read a note of that
// sensitivity (beyond its author, who always may): behavioral health notes
// the behavioral health care managers, physicians and supervisors;
// substance use records under 42 CFR Part 2 only the behavioral health
// care managers and physicians who treat the patient's care. Auditors see
// that such notes exist and who read them, not what they say.
func (r Role) MayReadSensitive(sensitivity string) bool {
	switch sensitivity {
	case "":
		return true
	case SensitiveBehavioral:
		return r == RoleBehavioralHealth || r == RolePhysician || r == RoleSupervisor
	case SensitivePart2:
		return r == RoleBehavioralHealth || r == RolePhysician
	}
	return false
}

// Note statuses.
const (
	NoteDraft  = "draft"
	NoteSigned = "signed"
)

// NoteSection is one section of a note as written.
type NoteSection struct {
	Heading string
	Text    string
}

// NoteAmendment is an addition to a signed note: who, when, why, and what.
type NoteAmendment struct {
	At     time.Time
	ByID   string
	ByName string
	Why    string
	Text   string
}

// Note is a progress note: written from a template, signed by its author,
// and then never edited, only amended. It is about the patient, and
// optionally a task, goal, transition or contact. Version guards every
// change.
type Note struct {
	OrgID        string
	ID           string
	PatientID    string
	Template     string
	Sections     []NoteSection
	TaskID       string
	GoalID       string
	TransitionID string
	ContactID    string
	Sensitive    string
	Status       string
	AuthorID     string
	AuthorName   string
	Created      time.Time
	Updated      time.Time
	Signed       time.Time
	Amendments   []NoteAmendment
	Version      int
	// Withheld: the reader may not read this sensitive note; only that it
	// exists, its kind, author and dates are given.
	Withheld bool
}

// Validate checks a note's content: a known template, its sections' text
// (at least one section written), a known sensitivity. Problems are named
// template, sections, sensitive.
func (n *Note) Validate() error {
	var problems Problems
	t, ok := FindNoteTemplate(n.Template)
	if !ok {
		problems.Add("template", "the template %q is not one of the notes' kinds", n.Template)
	}
	written := false
	for i := range n.Sections {
		n.Sections[i].Text = strings.TrimSpace(n.Sections[i].Text)
		written = written || n.Sections[i].Text != ""
		if ok && !slices.Contains(t.Sections, n.Sections[i].Heading) {
			problems.Add("sections", "%q is not a section of a %s note", n.Sections[i].Heading, t.Name)
		}
	}
	if !written {
		problems.Add("sections", "write the note")
	}
	if n.Sensitive != "" && !slices.Contains(NoteSensitivities, n.Sensitive) {
		problems.Add("sensitive", "the sensitivity %q is not one of %s", n.Sensitive, strings.Join(NoteSensitivities, ", "))
	}
	return Invalid("This note cannot be saved", problems...)
}

// NoteService keeps progress notes. Every read is audited, a withheld
// sensitive note's too (its reader was refused its text).
type NoteService interface {
	// SaveNote writes a draft: a new one (no ID) by the actor, or the
	// actor's draft at n.Version (ECONFLICT if it moved on; EINVALID for
	// a signed note, which is amended instead). Roles that may change
	// clinical data only.
	SaveNote(ctx context.Context, n *Note) error
	// SignNote signs the actor's draft at version; from then on it is
	// never edited.
	SignNote(ctx context.Context, id string, version int) (*Note, error)
	// AmendNote adds an amendment (why and what) to a signed note at
	// version, by any role that may change clinical data and read it.
	AmendNote(ctx context.Context, id string, version int, why, text string) (*Note, error)
	// FindNotes lists a patient's notes, newest first: drafts only their
	// author's, sensitive ones withheld from roles that may not read them.
	FindNotes(ctx context.Context, patientID string) ([]Note, error)
}
