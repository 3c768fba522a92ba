package carepath

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Event kinds the work rules act on.
const (
	EventDischarge = "encounter.discharge" // a stay ended
	EventAdmission = "encounter.admission" // a stay began (and has not ended)
	EventVitalSign = "observation.vital"   // a recent vital sign out of range
)

// Event is something that happened to a patient that rules may act on: an
// imported or recorded discharge, say. Key names the occurrence, so that the
// same event arriving twice (a re-import, a retried call) is one event.
// Its facts, what the rules read, are those of its kind: Stay for a
// discharge or an admission, VitalSign for a vital sign out of range.
type Event struct {
	OrgID       string
	Key         EventKey
	Kind        string
	PatientID   string
	At          time.Time // when it happened
	Stay        *StayFacts
	VitalSign   *VitalSignFacts
	Created     time.Time
	ProcessedAt time.Time
	Result      string // what the rules did, in words
}

// StayFacts are what a stay's event tells the rules: the encounter as it
// was reported (End zero for an admission, whose stay has not ended).
type StayFacts struct {
	EncounterID        string
	Class              string // v3 ActCode
	Start, End         time.Time
	Facility           string
	Disposition        string // FHIR discharge-disposition code
	DispositionDisplay string
}

// StayFacts are an encounter's facts as its events carry them.
func (e *Encounter) StayFacts() StayFacts {
	return StayFacts{EncounterID: e.ID, Class: e.Class, Start: e.PeriodStart.Time(), End: e.PeriodEnd.Time(),
		Facility: e.ServiceProviderName, Disposition: e.DischargeDisposition.Code, DispositionDisplay: e.DischargeDisposition.Display}
}

// VitalSignFacts are what an out-of-range vital sign's event tells the
// rules: the observation and each reading the vital-sign rule flagged.
type VitalSignFacts struct {
	ObservationID string
	Code          Coding
	Effective     time.Time
	Readings      []VitalReading
}

// VitalReading is one value the vital-sign rule found out of range, and
// which limit it crossed (Why).
type VitalReading struct {
	Code, Name, Unit string
	Value            float64
	Why              string
}

// EventKey names one occurrence of something that happened to a record:
// the record (Type/ID) and what happened to it (What), written
// "Encounter/e1:discharge", "Schedule/s1:4", "Task/t1:overdue". Tasks a rule
// makes carry the key of the event they answer (and an episode's, the key
// of their element: "Encounter/e1:follow-up-visit"), so that the same
// occurrence makes its task once. The zero key is no event (a task a
// person made).
type EventKey struct {
	Type, ID, What string
}

// String writes the key as it is stored: Type/ID:What ("" for the zero key).
func (k EventKey) String() string {
	if k == (EventKey{}) {
		return ""
	}
	return k.Type + "/" + k.ID + ":" + k.What
}

// ParseEventKey reads a key String wrote; "" is the zero key. The type ends
// at the first slash and what happened starts after the last colon, so an
// id may hold colons ("Schedule/depression-screening:p2:3").
func ParseEventKey(s string) (EventKey, error) {
	if s == "" {
		return EventKey{}, nil
	}
	typ, rest, ok := strings.Cut(s, "/")
	i := strings.LastIndexByte(rest, ':')
	if !ok || typ == "" || i <= 0 || i == len(rest)-1 {
		return EventKey{}, Errorf(EINVALID, "%q is not an event key (Type/id:what).", s)
	}
	return EventKey{Type: typ, ID: rest[:i], What: rest[i+1:]}, nil
}

// EncounterEventKey is the key of an event of a stay: what happened
// (discharge, admission) or which element of the stay's transition episode
// a task stands for (medication-reconciliation...).
func EncounterEventKey(encounterID, what string) EventKey {
	return EventKey{Type: "Encounter", ID: encounterID, What: what}
}

// What happens to a stay.
const (
	StayDischarge = "discharge"
	StayAdmission = "admission"
)

// EncounterService records encounters that outside systems report.
type EncounterService interface {
	// RecordEncounter stores an encounter (an admission, a discharge, an ED
	// visit) of a patient of the actor's organization as if imported, with
	// its discharge event when it ends a stay, in one transaction. A
	// repeated call with the same encounter id updates it and makes no
	// second event. ENOTFOUND for another organization's patient or a role
	// that may not change clinical data; EINVALID for a bad encounter.
	RecordEncounter(ctx context.Context, e *Encounter) error
}

// Schedule statuses.
const (
	ScheduleActive  = "active"
	SchedulePaused  = "paused"
	ScheduleStopped = "stopped"
)

// Schedule is a patient's recurring check-in or screening: occurrence Seq
// is made when the last one (LastTaskID, due LastDue) is closed or due,
// due NextDue. A screening's schedule also knows when it was last done
// (LastDone; zero for never), and waits for that rather than for its task.
type Schedule struct {
	OrgID      string
	ID         string
	PatientID  string
	RuleID     string
	EveryDays  int
	Status     string
	Seq        int
	NextDue    time.Time
	LastTaskID string
	LastDue    time.Time
	LastDone   time.Time
	// Filled in by FindDueSchedules: the patient's primary care manager.
	CareManagerID string
}

// ConditionMatch selects patients by an active condition: one of the SNOMED
// CT codes, or an ICD-10 code starting with one of ICD10Prefixes.
type ConditionMatch struct {
	SNOMED        []string
	ICD10Prefixes []string
}

// Matches reports whether a condition's code is one the match selects: an
// ICD-10 code by its prefixes, any other by the SNOMED CT codes.
func (m ConditionMatch) Matches(c Coding) bool {
	if sys := strings.ToLower(c.System); strings.Contains(sys, "icd-10") || strings.Contains(sys, "icd10") {
		for _, p := range m.ICD10Prefixes {
			if strings.HasPrefix(c.Code, p) {
				return true
			}
		}
		return false
	}
	return slices.Contains(m.SNOMED, c.Code)
}

// ScreeningCandidate is a patient a screening rule may enroll, and when
// the screening was last done (zero: never on record).
type ScreeningCandidate struct {
	PatientID string
	LastDone  time.Time
}

// Holiday is a day an organization closes besides the federal holidays.
type Holiday struct {
	Day  string // YYYY-MM-DD
	Name string
}

// WorkStateService is what the work engine's sweeps read and write, in the
// actor's organization; administrators and the system only (ENOTFOUND for
// others).
type WorkStateService interface {
	// FindPendingEvents returns events the rules have not yet seen, oldest first.
	FindPendingEvents(ctx context.Context, limit int) ([]Event, error)
	// FindPendingEventsByKey returns those of the events with the keys
	// that the rules have not yet seen, oldest first.
	FindPendingEventsByKey(ctx context.Context, keys []EventKey) ([]Event, error)
	// MarkEventProcessed records what the rules did with an event.
	MarkEventProcessed(ctx context.Context, key EventKey, result string) error
	// EnsureSchedules gives every living patient with a matching active
	// condition and no schedule of the rule one, first due firstDue; it
	// returns how many it made.
	EnsureSchedules(ctx context.Context, ruleID string, m ConditionMatch, everyDays int, firstDue time.Time) (int, error)
	// LastEnrollment is when the organization's patients were last
	// enrolled in schedules (zero: never); MarkEnrolled records that they
	// were at now.
	LastEnrollment(ctx context.Context) (time.Time, error)
	MarkEnrolled(ctx context.Context) error
	// FindScreeningCandidates returns the living patients on a care
	// manager's caseload (with a matching active condition, when m is not
	// nil) without a schedule of rule ruleID, each with its last screening:
	// the latest assessment of one of the instruments, or imported
	// observation with one of the codes.
	FindScreeningCandidates(ctx context.Context, ruleID string, m *ConditionMatch, instruments, codes []string) ([]ScreeningCandidate, error)
	// AddSchedules adds schedules (RuleID, PatientID, EveryDays, NextDue,
	// LastDone), each made next at its NextDue; a patient's schedule of a
	// rule is added once. It returns how many it added.
	AddSchedules(ctx context.Context, schedules []Schedule) (int, error)
	// FindDueSchedules returns active schedules whose next occurrence is to
	// be made at now: never made one, or the last one is closed or due.
	// (A schedule learns that its last one closed in the transaction that
	// closes it.)
	FindDueSchedules(ctx context.Context, now time.Time, limit int) ([]Schedule, error)
	// FireSchedules makes each schedule's next occurrence as its task (once
	// per occurrence: the task's rule event key) and moves the schedule on
	// (the next is number Seq+1, due EveryDays after this one's deadline),
	// all in one transaction. It returns how many tasks it made.
	FireSchedules(ctx context.Context, firings []ScheduledTask) (int, error)
	// FindGoalsForReview returns up to limit active care-plan goals whose
	// review day is today (YYYY-MM-DD, the organization's) or before and
	// that were not checked for it, with their achievement now.
	FindGoalsForReview(ctx context.Context, today string, now time.Time, limit int) ([]GoalForReview, error)
	// MarkGoalsReviewed records the goals as checked for their review
	// days and makes the review tasks they called for (once per goal and
	// day: the tasks' rule event keys), in one transaction; it returns how
	// many tasks it made.
	MarkGoalsReviewed(ctx context.Context, reviews []GoalReviewed) (int, error)
	// FindTasksToEscalate returns open tasks due before dueBefore that the
	// escalation rule ruleID has not yet escalated, most overdue first.
	FindTasksToEscalate(ctx context.Context, dueBefore time.Time, ruleID string, limit int) ([]*Task, error)
	// EscalateTasks makes each escalation's task (once per late task: its
	// rule event key) and raises the late task's priority one step with a
	// note in its history, all in one transaction; it returns how many it
	// escalated.
	EscalateTasks(ctx context.Context, escalations []Escalation) (int, error)
	// FindHolidays lists the organization's own holidays.
	FindHolidays(ctx context.Context) ([]Holiday, error)
	// AddHoliday closes the organization on a day (YYYY-MM-DD), or renames
	// that day's holiday. Administrators only; EINVALID for a bad day or no
	// name.
	AddHoliday(ctx context.Context, h Holiday) error
	// DeleteHoliday reopens a day. Administrators only.
	DeleteHoliday(ctx context.Context, day string) error
}

// ScheduledTask is a schedule's next occurrence and the task it makes.
type ScheduledTask struct {
	Schedule Schedule
	Task     *Task
	// Hold: the schedule makes no other occurrence until this task closes
	// or the screening is recorded (a screening), instead of at the task's
	// deadline (a check-in).
	Hold bool
}

// Escalation is a late task and the supervisors' task about it.
type Escalation struct {
	Late *Task
	Task *Task
}

// ScheduleService lets staff see and steer a patient's recurring check-ins.
type ScheduleService interface {
	// FindPatientSchedules lists a patient's schedules (any status), or
	// ENOTFOUND for a patient outside the actor's organization.
	FindPatientSchedules(ctx context.Context, patientID string) ([]Schedule, error)
	// SetScheduleStatus pauses, resumes (active) or stops a schedule; a
	// stopped one stays stopped. Roles that may change clinical data only
	// (ENOTFOUND for others); audited.
	SetScheduleStatus(ctx context.Context, id, status string) error
}
