package carepath

import (
	"context"
	"time"
)

// Transition statuses.
const (
	TransitionOpen   = "open"   // within its 30 days, or not yet closed
	TransitionClosed = "closed" // the period ended, or staff closed it (with the reason)
)

// Complexities of medical decision making a TCM episode records.
var TransitionComplexities = []string{"high", "moderate", "low"}

// Medication reconciliation decisions.
const (
	MedContinue = "continue"
	MedStop     = "stop"
	MedClarify  = "clarify" // with the prescriber: stays on the list, marked
)

// MedRecConfirm is the kind of a line when no discharge list is on
// record: a medicine from before the admission, to confirm (besides
// medrec's new, changed, stopped, unchanged, and "reported" for one the
// patient takes that is on neither list).
const MedRecConfirm = "confirm"

// MedDecisions lists the decisions, in the order offered.
var MedDecisions = []string{MedContinue, MedStop, MedClarify}

// What the patient says about a medicine on the list.
var PatientTakes = []string{"as listed", "not taking", "differently"}

// Transition is a transition of care: the episode a discharge from a stay
// to a community setting opens, with the TCM clock (its deadlines), the
// protocol its readmission risk band set, what has been documented
// (contact, attempts, the face-to-face visit, the reconciliation, the
// complexity), and a readmission within 30 days when one happens. One
// stay opens one episode however often it is reported.
type Transition struct {
	OrgID       string
	ID          string
	PatientID   string
	EncounterID string // the stay
	Class       string // v3 ActCode of the stay
	Facility    string
	Disposition string // FHIR discharge-disposition code ("" not recorded: taken as home)
	Admitted    time.Time
	Discharged  time.Time
	Status      string

	// The clock (CMS TCM) and the protocol's own deadline for the visit.
	ContactDue       time.Time // 2 business days
	VisitDue         time.Time // by the protocol's band
	VisitDueHigh     time.Time // day 7 (99496)
	VisitDueModerate time.Time // day 14 (99495)
	PeriodEnd        time.Time // day 30
	// Band is the protocol's risk band (high, moderate, low) and BandWhy
	// the score and words that set it.
	Band, BandWhy   string
	ProtocolRuleID  string
	ProtocolVersion int

	Contact      *TransitionNote  // the interactive contact (nil: none yet)
	Attempts     []TransitionNote // unsuccessful attempts, oldest first
	Visit        *TransitionNote  // the face-to-face visit (nil: none yet)
	Complexity   string           // high, moderate, low; "" not recorded
	ComplexityBy *TransitionNote
	MedRec       MedRec
	Readmission  *Readmission
	Closed       *TransitionNote // who closed it, when, why (Note)

	Created, Updated time.Time
	Version          int

	// Filled in by reads: the patient's name, the stay's scores, the
	// clock's reading of the documentation (the TCM code it supports, or
	// none, and each element's state), and the episode's tasks.
	PatientName   string
	CareManagerID string // the patient's primary care manager ("" none)
	Scores        []RiskScore
	Code          string
	Elements      []string
	Tasks         []*Task
}

// TransitionNote is something a person recorded on an episode: when, who,
// and what they said (an attempt's outcome, the visit's clinician).
type TransitionNote struct {
	At      time.Time
	ByID    string
	ByName  string
	Outcome string // an attempt's (no answer, left voicemail...)
	Note    string
}

// MedRec is an episode's medication reconciliation: the list before the
// admission against the discharge list, a line per medicine, each decided
// by a named person; Completed once every line is decided, when the
// reconciled list became the patient's current list.
type MedRec struct {
	Lines     []MedRecLine
	Completed *TransitionNote
}

// MedRecLine is one medicine in a reconciliation.
type MedRecLine struct {
	Kind     string // new, changed, stopped, unchanged (medrec); confirm (no discharge list); reported (the patient takes it; on neither list)
	Medicine string // the name as ordered
	Code     string // RxNorm, when known
	Before   string // the dosage before the admission ("" not on that list)
	After    string // the dosage on the discharge list ("" not on it)
	Why      string // how the lists were matched
	// What the patient says (PatientTakes) and in what words.
	PatientTakes, PatientNote string
	Decision                  string // continue, stop, clarify; "" undecided
	DecidedBy                 *TransitionNote
}

// Readmission is a new admission of the patient within 30 days of the
// episode's discharge.
type Readmission struct {
	EncounterID string
	Class       string
	Facility    string
	Admitted    time.Time
	Days        int // days after the discharge
}

// NextDue is the earliest deadline of an element not yet documented (the
// contact, the reconciliation, the visit), else the period's end: what
// the board sorts by.
func (t *Transition) NextDue() time.Time {
	var due []time.Time
	if t.Contact == nil {
		due = append(due, t.ContactDue)
	}
	if t.MedRec.Completed == nil || t.Visit == nil {
		due = append(due, t.VisitDue)
	}
	next := t.PeriodEnd
	for _, d := range due {
		if d.Before(next) {
			next = d
		}
	}
	return next
}

// MedicationList is a patient's reconciled list of medicines: the lines
// kept (continue, clarify) when a reconciliation was completed.
type MedicationList struct {
	PatientID    string
	TransitionID string
	Reconciled   TransitionNote
	Lines        []MedRecLine
}

// TransitionFilter selects episodes for the board.
type TransitionFilter struct {
	Status        string // "" open
	CareManagerID string // the patient's primary care manager ("" any)
	PatientID     string
	EncounterID   string // the episode of this stay
	WithTasks     bool   // read each episode's tasks too
	Limit         int    // at most 500
	Offset        int
}

// TransitionChange is what a person records on an episode; nil fields
// stay as they are. Version is the episode's version as the person saw it:
// EINVALID without it, ECONFLICT when the episode has changed since.
type TransitionChange struct {
	Version    int
	Contact    *TransitionNote // the interactive contact (At zero: now)
	Attempt    *TransitionNote // an unsuccessful attempt (Outcome needed)
	Visit      *TransitionNote // the face-to-face visit (Note: with whom)
	Complexity *string
	// Reconciliation: decisions on lines by index, medicines the patient
	// takes besides the lists (each may come decided: Decision, and its
	// note in DecidedBy.Note), and Complete to finish it.
	Decisions []MedDecision
	Reported  []MedRecLine
	Complete  bool
	Close     *string // close the episode, with the reason
}

// MedDecision decides one reconciliation line.
type MedDecision struct {
	Line         int
	Decision     string
	PatientTakes string
	Note         string
}

// TransitionService keeps transitions of care.
type TransitionService interface {
	// OpenTransition opens the episode a discharge calls for, with its
	// tasks, in one transaction: its reconciliation lists are read from
	// the record, and a later stay of the patient already on record
	// within 30 days is its readmission. It returns opened false, and
	// makes nothing, when the stay already has an episode (the same
	// encounter, or a stay of the patient overlapping it: the same stay
	// reported twice). For the work rules.
	OpenTransition(ctx context.Context, t *Transition, tasks []*Task) (opened bool, err error)
	// FlagReadmission marks the episodes of the patient discharged within
	// 30 days before the stay's admission as readmitted by it (the first
	// such stay only). For the work rules; it returns how many it marked.
	FlagReadmission(ctx context.Context, patientID string, stay StayFacts) (int, error)
	// CloseEndedTransitions closes the open episodes whose period ended
	// before now, and their open tasks. For the work rules.
	CloseEndedTransitions(ctx context.Context, now time.Time) (int, error)
	// FindTransitions lists a page of episodes for the board, the
	// earliest next deadline first, the higher band first among equals
	// (closed ones: the latest discharge first), and how many match in
	// all; audited.
	FindTransitions(ctx context.Context, f TransitionFilter) ([]*Transition, int, error)
	// FindTransition returns an episode with its scores, tasks and clock
	// reading, or ENOTFOUND; audited.
	FindTransition(ctx context.Context, id string) (*Transition, error)
	// UpdateTransition records a change, closes the tasks it fulfils (the
	// contact, the visit, the reconciliation, the period's end), and, when
	// a reconciliation is completed, makes its list the patient's current
	// one, in one transaction. EINVALID (and nothing written) for a bad
	// change: a time in the future or before the discharge, an unknown
	// decision or complexity, a completion with lines undecided.
	UpdateTransition(ctx context.Context, id string, c TransitionChange) (*Transition, error)
	// AddTransitionTasks makes tasks of open episodes' elements that have
	// none: each once (by its rule and event key), whatever its state, so
	// that making them again makes nothing. Administrators and the system
	// only. It returns how many it made.
	AddTransitionTasks(ctx context.Context, tasks []*Task) (int, error)
	// FindMedicationList returns the patient's latest reconciled list, or
	// ENOTFOUND when none was made.
	FindMedicationList(ctx context.Context, patientID string) (*MedicationList, error)
}
