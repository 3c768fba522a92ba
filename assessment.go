package carepath

import (
	"context"
	"time"
)

// Who answered an assessment.
const (
	AnsweredByPatient   = "patient"
	AnsweredByCaregiver = "caregiver" // on the patient's behalf
	AnsweredByStaff     = "staff"     // the staff member's observation
)

// Assessment is one instrument taken with (or about) a patient, scored. Its
// answers are by item (LOINC code) the chosen answer codes; the result says
// which answer gave which points and what the score calls for.
type Assessment struct {
	OrgID      string
	ID         string
	PatientID  string
	Instrument string // its ID, e.g. "phq-9"
	Version    string // of the instrument's definition
	AnsweredBy string
	Language   string // BCP 47, e.g. "en", "es"
	Answers    map[string][]string
	// SubmissionKey names one submission (a form's, a client's): the same
	// key twice is refused rather than stored twice.
	SubmissionKey string
	// AmendsID names the assessment this one corrects; that one stays, with
	// Status "amended".
	AmendsID string
	Status   string // "final", or "amended" once corrected; AssessmentImported for a source's score

	// The scored result.
	Total    *int
	Band     string
	Positive bool
	Points   []AssessmentPoints
	Findings []AssessmentFinding
	Domains  []AssessmentDomain
	// Tasks the result made (a PHQ-9 safety task).
	TaskIDs []string

	CreatedBy string
	Created   time.Time
}

// AssessmentPoints is what one answer contributed.
type AssessmentPoints struct {
	ItemID string `json:"item"`
	Answer string `json:"answer"`
	Points int    `json:"points"`
}

// AssessmentFinding is what a result calls for beyond its score.
type AssessmentFinding struct {
	Kind string `json:"kind"` // "safety" or "follow-up"
	Text string `json:"text"`
	Next string `json:"next,omitempty"` // the instrument to give next
}

// AssessmentDomain is one screened need of a screening instrument.
type AssessmentDomain struct {
	Domain   string `json:"domain"`
	Positive bool   `json:"positive"`
	Why      string `json:"why,omitempty"`
}

// Health concern statuses: a screen proposes; a person decides.
const (
	ConcernProposed  = "proposed"
	ConcernConfirmed = "confirmed" // agreed with the patient
	ConcernDeclined  = "declined"  // the patient does not see it as a need
)

// HealthConcern is a need a screen found (a positive social-needs domain),
// proposed for the record until the care manager confirms it with the
// patient or records that the patient declines it.
type HealthConcern struct {
	ID           string
	PatientID    string
	Domain       string
	Why          string
	AssessmentID string
	Status       string
	DecidedBy    string
	DecidedAt    time.Time
	Note         string
	Created      time.Time
}

// AssessmentImported is the Status of a score another source sent (an
// EHR's PHQ-9 total): the record holds its total, not its answers.
const AssessmentImported = "imported"

// AssessmentService keeps assessments.
type AssessmentService interface {
	// RecordAssessment scores a and stores it for a patient of the actor's
	// organization, in one transaction with its coded observations (an item
	// each, and the total) and the tasks its findings call for: a PHQ-9
	// item 9 above 0 makes a stat safety task at once. EINVALID for an
	// unknown instrument or bad answers (nothing is stored); ECONFLICT for
	// a submission key already recorded; ENOTFOUND for another
	// organization's patient or a role that may not change clinical data.
	// With AmendsID, it corrects an assessment of the same patient and
	// instrument: the original is kept, marked amended, and its coded
	// observations give way to the correction's (ECONFLICT if it was
	// amended already).
	RecordAssessment(ctx context.Context, a *Assessment) error
	// FindAssessments lists a patient's assessments, newest first.
	FindAssessments(ctx context.Context, patientID string) ([]*Assessment, error)
	// FindSourceScores lists the instruments' totals the patient's record
	// holds from other sources (a PHQ-9 an EHR sent), newest first, as
	// assessments with Status "imported": an instrument, a total, its band
	// and when (Created); no answers.
	FindSourceScores(ctx context.Context, patientID string) ([]*Assessment, error)
	// FindAssessment returns one of a patient's assessments, or ENOTFOUND.
	FindAssessment(ctx context.Context, patientID, id string) (*Assessment, error)
	// SaveAssessmentDraft keeps the answers given so far (a.Instrument,
	// a.Answers, a.AnsweredBy, a.Language) as the actor's draft for the
	// patient, replacing an earlier one; the answers given must be valid
	// (EINVALID), the rest may wait. RecordAssessment removes the draft.
	SaveAssessmentDraft(ctx context.Context, a *Assessment) error
	// FindAssessmentDraft returns the actor's draft of an instrument for
	// the patient, or ENOTFOUND.
	FindAssessmentDraft(ctx context.Context, patientID, instrument string) (*Assessment, error)
	// FindHealthConcerns lists a patient's proposed and decided concerns,
	// proposed first.
	FindHealthConcerns(ctx context.Context, patientID string) ([]HealthConcern, error)
	// DecideHealthConcern confirms (agreed with the patient) or declines a
	// proposed concern, recording who and when; a concern already decided
	// is ECONFLICT. A positive screen proposes a concern per positive
	// domain in RecordAssessment, unless the domain is already proposed or
	// confirmed.
	DecideHealthConcern(ctx context.Context, patientID, id, status, note string) error
}
