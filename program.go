package carepath

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Care management programs (the billing package holds their codes).
const (
	ProgramCCM  = "CCM"
	ProgramPCM  = "PCM"
	ProgramTCM  = "TCM"
	ProgramBHI  = "BHI"
	ProgramCoCM = "CoCM"
	ProgramRPM  = "RPM"
	ProgramAPCM = "APCM"
)

// EnrollablePrograms are the programs a patient is enrolled in (TCM comes
// from transition episodes, without enrollment).
var EnrollablePrograms = []string{ProgramCCM, ProgramPCM, ProgramBHI, ProgramCoCM, ProgramRPM, ProgramAPCM}

// Staff kinds of time: whose minutes they are for billing.
const (
	StaffClinical     = "clinical staff"
	StaffPractitioner = "practitioner" // physician or other qualified health care professional, personally
)

// StaffKind is the kind of time a role spends: a physician's is the
// practitioner's own; everyone else's is clinical staff time.
func StaffKind(r Role) string {
	if r == RolePhysician {
		return StaffPractitioner
	}
	return StaffClinical
}

// Enrollment is a patient's enrollment in a program, billed by a
// practitioner, over calendar days in the organization's time zone
// (YYYY-MM-DD; End "" while it lasts).
type Enrollment struct {
	OrgID          string
	ID             string
	PatientID      string
	Program        string
	PractitionerID string
	Start, End     string
	// Eligibility is why the patient qualified, in words, as computed when
	// enrolled; EndReason why the enrollment ended.
	Eligibility string
	EndReason   string
	ByID        string
	Created     time.Time
	// Filled in by reads.
	PractitionerName string
}

// Consent methods.
const (
	ConsentVerbal  = "verbal"
	ConsentWritten = "written"
)

// Consent is a patient's consent to a program, with the disclosures the
// program requires (cost-sharing; one practitioner may bill it a month;
// the right to stop, effective at the end of the month), until revoked.
// One consent to a program is in force at a time: a consent recorded
// while another is in force (or one backdated into another's time) is
// refused, unless it says it supersedes it (Supersede), which ends the
// other where this one begins.
type Consent struct {
	OrgID           string
	ID              string
	PatientID       string
	Program         string
	Method          string // verbal or written
	Given           time.Time
	ObtainedByID    string
	ObtainedByName  string
	CostSharing     bool
	OnePractitioner bool
	RightToStop     bool
	Note            string
	Revoked         time.Time // zero: in force
	RevokedByName   string
	RevokeReason    string

	// Supersede, when recording it: this consent ends the program's
	// consents in force from its time.
	Supersede bool
}

// InForceAt reports whether the consent holds at t: given by then, not
// revoked (or superseded) by then.
func (c *Consent) InForceAt(t time.Time) bool {
	return !t.Before(c.Given) && (c.Revoked.IsZero() || t.Before(c.Revoked))
}

// ConsentInForce is the consent to program in force at t among consents,
// or nil.
func ConsentInForce(consents []Consent, program string, t time.Time) *Consent {
	for i := range consents {
		if consents[i].Program == program && consents[i].InForceAt(t) {
			return &consents[i]
		}
	}
	return nil
}

// TimeActivities are what time is spent on.
var TimeActivities = []string{"care plan", "medication management", "call with patient", "call with caregiver",
	"coordination with provider", "community resources", "review of data", "education", "other"}

// TimeEntry is time a person spent on a patient for a program. Staff is
// whose time it is for billing (StaffKind of the person's role). A
// person's minute is spent once: entries of one person do not overlap.
type TimeEntry struct {
	OrgID       string
	ID          string
	PatientID   string
	Program     string
	UserID      string
	UserName    string
	Staff       string
	Start       time.Time
	Seconds     int // as worked: a minute counts toward a threshold only when worked whole
	Activity    string
	Note        string
	Interactive bool // a live interaction with the patient
	Created     time.Time
}

// MaxTimeEntrySeconds bounds one time entry (4 hours).
const MaxTimeEntrySeconds = 4 * 60 * 60

// Validate checks a time entry before it is recorded at now (its times
// named in loc, the organization's zone): a program that bills time, a
// known activity, from 1 second to 4 hours, started, and worked already
// (time is logged once it has been worked). Every problem is named by its
// input: program, activity, minutes, start.
func (e *TimeEntry) Validate(now time.Time, loc *time.Location) error {
	var problems Problems
	problem := problems.Add
	if !slices.Contains(EnrollablePrograms, e.Program) {
		problem("program", "the program %q is not one of %s", e.Program, strings.Join(EnrollablePrograms, ", "))
	}
	if !slices.Contains(TimeActivities, e.Activity) {
		problem("activity", "the activity %q is not one of %s", e.Activity, strings.Join(TimeActivities, ", "))
	}
	switch {
	case e.Seconds < 1 || e.Seconds > MaxTimeEntrySeconds:
		problem("minutes", "the time worked is from 1 second to %d minutes (%s given)", MaxTimeEntrySeconds/60, FormatWorked(e.Seconds))
	case e.Start.IsZero():
		problem("start", "the start is missing")
	case e.End().After(now.Add(5 * time.Minute)):
		// Time is logged once it has been worked.
		problem("start", "the time ends at %s, in the future: log it once it is worked", e.End().In(loc).Format("Mon 2 Jan 15:04"))
	default:
		if p := PastTimeProblem("the start", e.Start, now); p != "" {
			problem("start", "%s", p)
		}
	}
	return Invalid("This time cannot be recorded", problems...)
}

// FormatWorked writes time worked as people read it: "25 min", "6 s",
// "1 min 30 s".
func FormatWorked(seconds int) string {
	m, s := seconds/60, seconds%60
	switch {
	case m == 0:
		return fmt.Sprintf("%d s", s)
	case s == 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// End is when the entry's time ends.
func (e *TimeEntry) End() time.Time { return e.Start.Add(time.Duration(e.Seconds) * time.Second) }

// EligiblePatient is a patient eligible for a program, and why.
type EligiblePatient struct {
	Patient *Patient
	Why     string
}

// ProgramName is a program's full name ("Chronic care management" for
// CCM); an unknown one as given.
func ProgramName(p string) string {
	if l, ok := programNames[p]; ok {
		return l
	}
	return p
}

// programNames name the programs in full.
var programNames = map[string]string{ProgramCCM: "Chronic care management", ProgramPCM: "Principal care management",
	ProgramBHI: "Behavioral health integration", ProgramCoCM: "Collaborative care (CoCM)",
	ProgramRPM: "Remote physiologic monitoring", ProgramAPCM: "Advanced primary care management",
	ProgramTCM: "Transitional care management"}

// ProgramEligibility is what a patient's record says of a program:
// eligible or not, why in words (the conditions that qualify, or what is
// missing), and the rule's source.
type ProgramEligibility struct {
	Program  string
	Eligible bool
	Why      string
	Source   string
}

// PatientPrograms is a patient's programs: enrollments (latest first),
// consents, and the time of a month.
type PatientPrograms struct {
	PatientID string
	Month     string // YYYY-MM
	// EnrollmentsOnly: nothing past the enrollments was read, for there
	// are none (ChartPrograms ProgramsEnrolled).
	EnrollmentsOnly bool
	Enrollments     []Enrollment
	Consents        []Consent
	Time            []TimeEntry // the month's, latest first
	// Complexity is the month's medical decision making as recorded ("" none).
	Complexity string
	// Bill is the month as the record bills it now (a closed month's
	// frozen lines are the billing report's).
	Bill PatientMonthBill
	// Eligibility is each enrollable program's, judged from the patient's
	// conditions now (with ProgramsAll only).
	Eligibility []ProgramEligibility
}

// Shown says what a view of the programs showed, for its audit record.
func (p *PatientPrograms) Shown() string {
	if p.EnrollmentsOnly {
		return "no enrollments in " + p.Month
	}
	return fmt.Sprintf("%d enrollments, %d consents, %d time entries in %s; %d billable lines", len(p.Enrollments), len(p.Consents),
		len(p.Time), p.Month, len(p.Bill.Lines))
}

// ProgramService keeps enrollments, consents and time. Writes need a role
// that may change clinical data (ENOTFOUND otherwise) and are audited.
type ProgramService interface {
	// FindPatientPrograms returns a patient's enrollments and consents, the
	// time logged in month (YYYY-MM, the organization's) and what the month
	// bills, audited.
	FindPatientPrograms(ctx context.Context, patientID, month string) (*PatientPrograms, error)
	// Enroll enrolls a patient in a program from e.Start with the billing
	// practitioner (a physician of the organization). EINVALID for an
	// unknown program, a bad day, or an enrollment in the program already
	// in force on that day.
	Enroll(ctx context.Context, e *Enrollment) error
	// EndEnrollment ends an enrollment on a day with a reason (CCM's at the
	// end of that day's month, as the patient was told).
	EndEnrollment(ctx context.Context, id, day, reason string) (*Enrollment, error)
	// RecordConsent records a consent: the method, when, who obtained it
	// (the actor) and the disclosures. EINVALID for an unknown program or
	// method, a time in the future.
	RecordConsent(ctx context.Context, c *Consent) error
	// RevokeConsent revokes a consent from now, with the reason.
	RevokeConsent(ctx context.Context, id, reason string) (*Consent, error)
	// RecordMonthComplexity records the month's medical decision making
	// for a patient (moderate or high make complex CCM possible; low),
	// replacing an earlier one. Billing practitioners only (ENOTFOUND for
	// others); EINVALID for a bad month or complexity.
	RecordMonthComplexity(ctx context.Context, patientID, month, complexity string) error
	// FindEligiblePatients lists living patients whose record makes them
	// eligible for a program and who are not enrolled in it today, by
	// name, a page at a time, with why and how many there are.
	FindEligiblePatients(ctx context.Context, program string, limit, offset int) ([]EligiblePatient, int, error)
	// FindPractitioners lists the organization's active billing
	// practitioners (physicians), by name, for the enrollment form.
	FindPractitioners(ctx context.Context) ([]*User, error)
	// AddTimeEntry logs the actor's time (or, for an administrator, the
	// named user's) on a patient. EINVALID for a bad program, activity,
	// minutes (1-240) or a time in the future; ECONFLICT when it overlaps
	// another entry of the same person, on any patient: a minute is spent
	// once. Concurrent overlapping entries: one is stored, the others get
	// ECONFLICT.
	AddTimeEntry(ctx context.Context, e *TimeEntry) error
}

// BillingLine is a billable line of a patient's month: a code, its units,
// the practitioner who bills it, the minutes and entries (or episode)
// behind it, and the rule's words and source.
type BillingLine struct {
	Program        string
	Code           string
	Units          int
	PractitionerID string
	Minutes        int
	Entries        []string
	Why            string
	Source         string
}

// NotBilled is something of a patient's month that is not billed, and
// why (Code "" for a whole program), with the kind of reason.
type NotBilled struct {
	Program string
	Code    string
	Minutes int
	Why     string
	Kind    string
}

// Kinds of reason a thing is not billed.
const (
	NotBilledConsent    = "consent"    // no valid consent when the time was spent
	NotBilledEnrollment = "enrollment" // not enrolled then
	NotBilledOverlap    = "overlap"    // a person's minutes counted once
	NotBilledThreshold  = "threshold"  // below a code's minutes, or past its cap
	NotBilledRule       = "rule"       // another rule: an exclusion, a bundle, a missing element
)

// PatientMonthBill is a patient's month as the billing engine reads it.
type PatientMonthBill struct {
	PatientID string
	Month     string // YYYY-MM
	Lines     []BillingLine
	NotBilled []NotBilled
	Counted   map[string]int // minutes that counted, by program
}

// Billing statuses of a patient's month on the report.
const (
	BillingReady          = "ready"           // lines, signed off by their practitioner
	BillingNeedsSignOff   = "needs sign-off"  // lines not yet signed off
	BillingMissingConsent = "missing consent" // time logged that no consent covers
	BillingBelowThreshold = "below threshold" // time counted, no code reached
)

// BillingStatus is the state of a patient's month on the report, given
// when each practitioner signed the month off: ready when every line's
// practitioner has, needs sign-off when one has not; without lines,
// missing consent when time went unbilled for want of one, else below
// threshold.
func (b PatientMonthBill) BillingStatus(signed map[string]time.Time) string {
	if len(b.Lines) > 0 {
		for _, l := range b.Lines {
			if _, ok := signed[l.PractitionerID]; !ok {
				return BillingNeedsSignOff
			}
		}
		return BillingReady
	}
	for _, n := range b.NotBilled {
		if n.Kind == NotBilledConsent {
			return BillingMissingConsent
		}
	}
	return BillingBelowThreshold
}

// PatientBillingRow is a patient's month on the billing report.
type PatientBillingRow struct {
	PatientMonthBill
	PatientName string
	MRN         string
	Status      string
	// Adjustment: on a closed month, what late entries changed (lines
	// added; NotBilled says what they no longer bill).
	Adjustment *PatientMonthBill
}

// BillingReport is an organization's month: each patient with lines or
// time, the practitioners' sign-offs, and whether it is closed.
type BillingReport struct {
	Month        string
	Closed       bool
	ClosedAt     time.Time
	ClosedByName string
	Rows         []PatientBillingRow
	SignOffs     map[string]time.Time // practitioner id -> signed off at
	Practitioner map[string]string    // practitioner id -> name
}

// BillingMonthService runs the month's close.
type BillingMonthService interface {
	// FindBillingReport returns the month's report: computed from the
	// record while the month is open; frozen once closed, with the
	// adjustments late entries call for. Audited.
	FindBillingReport(ctx context.Context, month string) (*BillingReport, error)
	// FindPatientBilling returns one patient's month as the report shows
	// it (frozen once the month is closed, with its adjustment), and
	// whether the month is closed; audited.
	FindPatientBilling(ctx context.Context, month, patientID string) (*PatientBillingRow, bool, error)
	// SignOffBilling records that the actor, a billing practitioner, has
	// reviewed their lines of the month. ENOTFOUND for another role.
	SignOffBilling(ctx context.Context, month string) error
	// CloseBillingMonth freezes an ended month's lines and reasons in one
	// transaction. Administrators and billing practitioners only;
	// EINVALID for a month not yet ended or closed already.
	CloseBillingMonth(ctx context.Context, month string) (*BillingReport, error)
}
