package carepath

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Contact channels.
const (
	ChannelPhone    = "phone"
	ChannelVideo    = "video"
	ChannelInPerson = "in person"
	ChannelText     = "text"
	ChannelLetter   = "letter"
	ChannelEmail    = "e-mail"
)

// ContactChannels are the ways a contact is made.
var ContactChannels = []string{ChannelPhone, ChannelVideo, ChannelInPerson, ChannelText, ChannelLetter, ChannelEmail}

// Whom a contact is with.
const (
	ContactPatient   = "patient"
	ContactCaregiver = "caregiver"         // one of the patient's related persons
	ContactCareTeam  = "care team"         // a member of the patient's care team
	ContactClinician = "outside clinician" // a clinician or office outside the organization
	ContactCommunity = "community organization"
	ContactPayer     = "payer"
)

// A contact's direction.
const (
	ContactDirectionIn  = "inbound"
	ContactDirectionOut = "outbound"
)

// ContactParties are whom a contact may be with.
var ContactParties = []string{ContactPatient, ContactCaregiver, ContactCareTeam, ContactClinician, ContactCommunity, ContactPayer}

// ContactOutcomes are how a contact ended: the task outcomes, and the
// person declining.
var ContactOutcomes = []string{OutcomeReached, OutcomeVoicemail, OutcomeNoAnswer, OutcomeWrongNum, OutcomeDeclined}

// OutcomeDeclined is a contact the person reached declined.
const OutcomeDeclined = "declined"

// Contact is one communication about a patient: a call, a visit, a
// message, with the patient, a caregiver, a colleague or an outside
// party. Interactive is a live, two-way exchange (a call or visit that
// reached the person), which the programs count: TCM's interactive
// contact, RPM's live interaction.
type Contact struct {
	OrgID     string
	ID        string
	PatientID string
	Channel   string
	Direction string // inbound or outbound
	Party     string // ContactParties
	// With names the person: a related person's or a user's id (PartyID)
	// for a caregiver or a care-team member, else the name as typed.
	PartyID     string
	PartyName   string
	At          time.Time
	Seconds     int // how long it lasted (0: not said)
	Outcome     string
	Interactive bool
	// What it was about, each optional.
	TaskID       string
	GoalID       string
	TransitionID string
	Note         string
	// Program, when set, also logs the contact's time as program time
	// (a TimeEntry of the same person, start and length, under the same
	// rules: no overlap with their other time); TimeEntryID is that entry.
	Program     string
	TimeEntryID string
	ByID        string
	ByName      string
	Created     time.Time
}

// Reached reports whether the contact reached the person it was with.
func (c *Contact) Reached() bool { return c.Outcome == OutcomeReached }

// Validate checks a contact before it is logged at now (times named in
// loc, the organization's zone). Every problem is named by its input:
// channel, direction, party, party_name, at, minutes, outcome,
// interactive, program.
func (c *Contact) Validate(now time.Time, loc *time.Location) error {
	var problems Problems
	if !slices.Contains(ContactChannels, c.Channel) {
		problems.Add("channel", "the channel %q is not one of %s", c.Channel, strings.Join(ContactChannels, ", "))
	}
	if c.Direction != ContactDirectionIn && c.Direction != ContactDirectionOut {
		problems.Add("direction", "say whether the contact was inbound or outbound")
	}
	if !slices.Contains(ContactParties, c.Party) {
		problems.Add("party", "say whom the contact was with (%s)", strings.Join(ContactParties, ", "))
	} else if c.Party != ContactPatient && c.PartyID == "" && strings.TrimSpace(c.PartyName) == "" {
		problems.Add("party_name", "name the %s", c.Party)
	}
	switch {
	case c.At.IsZero():
		problems.Add("at", "say when the contact was")
	case c.At.Add(time.Duration(c.Seconds) * time.Second).After(now.Add(5 * time.Minute)):
		end := c.At.Add(time.Duration(c.Seconds) * time.Second)
		problems.Add("at", "the contact ends at %s, in the future: log it once it is over (when is when it started)", end.In(loc).Format("Mon 2 Jan 15:04"))
	default:
		if p := PastTimeProblem("the contact", c.At, now); p != "" {
			problems.Add("at", "%s", p)
		}
	}
	if c.Seconds < 0 || c.Seconds > MaxTimeEntrySeconds {
		problems.Add("minutes", "a contact lasts from 0 to %d minutes", MaxTimeEntrySeconds/60)
	}
	if !slices.Contains(ContactOutcomes, c.Outcome) {
		problems.Add("outcome", "the outcome %q is not one of %s", c.Outcome, strings.Join(ContactOutcomes, ", "))
	}
	if c.Interactive && !c.Reached() {
		problems.Add("interactive", "a contact that did not reach the person is not interactive")
	}
	if c.Program != "" {
		if !slices.Contains(EnrollablePrograms, c.Program) {
			problems.Add("program", "the program %q is not one of %s", c.Program, strings.Join(EnrollablePrograms, ", "))
		} else if c.Seconds == 0 {
			problems.Add("minutes", "say how long the contact lasted to log it as %s time", c.Program)
		}
	}
	return Invalid("This contact cannot be logged", problems...)
}

// ContactService keeps the communication log.
type ContactService interface {
	// LogContact logs a contact about a patient of the actor's
	// organization in one transaction: the contact, its program time when
	// c.Program is set (as AddTimeEntry would log it, refused the same way
	// on an overlap), and what it documents for the patient's open
	// transition episode (rules.EpisodeContact): an interactive contact
	// with the patient or a caregiver is the episode's contact (closing
	// its contact task), an outbound one that did not reach them an
	// attempt. Roles that may change clinical data
	// only (ENOTFOUND for others, and for another organization's
	// patient); EINVALID for a bad contact, ECONFLICT for an overlap.
	LogContact(ctx context.Context, c *Contact) error
	// FindContacts returns a patient (with their caregivers' names for
	// the log's form) and their contacts, newest first, at most limit;
	// audited as one view of the patient's record.
	FindContacts(ctx context.Context, patientID string, limit int) (*PatientContacts, error)
}

// PatientContacts is a patient's communication log.
type PatientContacts struct {
	Patient    *Patient
	Caregivers []RelatedPerson
	Contacts   []Contact
}
