package carepath

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Organization is a tenant: a health system, practice or agency that runs
// Carepath. Every record belongs to exactly one organization, and no query
// ever crosses organizations.
type Organization struct {
	ID       string // short stable slug, e.g. "general-hospital"
	Name     string
	TimeZone string // IANA name; business days and displayed times use it
	Demo     bool   // holds generated demo data; the UI says so
	Created  time.Time
}

// Coding is one code from a code system, as a source sent it.
type Coding struct {
	System  string // e.g. http://snomed.info/sct, http://loinc.org
	Code    string
	Display string
}

// FHIR dates and date-times are kept as text in the precision the source sent
// ("2019", "2019-05", "2019-05-05", "2019-05-05T09:38:05Z"). Full date-times are
// normalized to UTC with second precision so that they sort as text.

// Patient is a person who receives care.
type Patient struct {
	OrgID       string
	ID          string
	MRN         string // the first medical record number the source sent, if any
	Identifiers []Identifier
	Family      string
	Given       string // given names joined by spaces
	BirthDate   string
	Sex         string // administrative gender: female, male, other, unknown
	Phone       string
	Email       string
	AddressLine string
	City        string
	State       string
	PostalCode  string
	Country     string
	Language    Coding // preferred language (BCP-47 code)
	Deceased    bool
	DeceasedAt  string
	Marital     string
	CareTeam    []CareTeamMember // filled in by FindPatientByID
	// RecordVersion changes whenever an import writes any of the patient's
	// records (filled in by FindPatientByID).
	RecordVersion int64
}

// Name returns the patient's name as "Given Family".
func (p *Patient) Name() string {
	switch {
	case p.Given == "":
		return p.Family
	case p.Family == "":
		return p.Given
	}
	return p.Given + " " + p.Family
}

// Identifier is a business identifier (MRN, SSN, member number...).
type Identifier struct {
	System string
	Value  string
	Type   string // v2-0203 code such as MR, SS, MB, when the source sent one
}

// RelatedPerson is someone with a relationship to the patient: family,
// caregiver, emergency contact.
type RelatedPerson struct {
	OrgID        string
	ID           string
	PatientID    string
	Name         string
	Relationship Coding
	Phone        string
	Email        string
	Active       bool
}

// Practitioner is a clinician or other person who provides care.
type Practitioner struct {
	OrgID  string
	ID     string
	NPI    string
	Name   string
	Phone  string
	Email  string
	Active bool
}

// CareOrganization is an organization that gives care or pays for it (a
// hospital, a clinic, an insurer, a community organization), as opposed to the
// tenant Organization that runs Carepath.
type CareOrganization struct {
	OrgID   string
	ID      string
	Name    string
	Type    string
	Phone   string
	Address string
	Active  bool
}

// Coverage is a patient's insurance.
type Coverage struct {
	OrgID        string
	ID           string
	PatientID    string
	Status       string
	Type         Coding
	PayorName    string
	PayorID      string // CareOrganization id when the payor is one
	SubscriberID string
	Relationship string
	PeriodStart  string
	PeriodEnd    string
}

// Condition is a problem, diagnosis or health concern.
type Condition struct {
	OrgID              string
	ID                 string
	PatientID          string
	EncounterID        string
	Code               Coding
	Category           string // problem-list-item, encounter-diagnosis, health-concern, sdoh...
	ClinicalStatus     string // active, recurrence, relapse, inactive, remission, resolved
	VerificationStatus string
	Onset              string
	Abatement          string
	Recorded           string
}

// Medication is a medication request (an order) or statement (what the
// patient reports taking); ResourceType says which.
type Medication struct {
	OrgID        string
	ResourceType string // MedicationRequest or MedicationStatement
	ID           string
	PatientID    string
	EncounterID  string
	Status       string
	Intent       string
	Code         Coding
	Authored     string // authoredOn for requests, effective for statements
	RequesterID  string
	Dosage       string
	Reason       string
}

// Allergy is an allergy or intolerance.
type Allergy struct {
	OrgID              string
	ID                 string
	PatientID          string
	Code               Coding
	ClinicalStatus     string
	VerificationStatus string
	Type               string
	Category           string
	Criticality        string
	Reaction           string
	Recorded           string
}

// Encounter classes (v3 ActCode).
const (
	EncounterInpatient   = "IMP"
	EncounterEmergency   = "EMER"
	EncounterAmbulatory  = "AMB"
	EncounterObservation = "OBSENC"
	EncounterHome        = "HH"
	EncounterVirtual     = "VR"
	EncounterAcute       = "ACUTE" // inpatient acute
	EncounterNonAcute    = "NONAC" // inpatient non-acute
)

// IsStay reports whether an encounter class is a stay a patient is
// discharged from: inpatient (acute or not) or observation. The end of one
// is a discharge, which the work rules act on.
func IsStay(class string) bool {
	switch class {
	case EncounterInpatient, EncounterAcute, EncounterNonAcute, EncounterObservation:
		return true
	}
	return false
}

// Encounter is a visit or stay: ambulatory, emergency, inpatient...
type Encounter struct {
	OrgID                string
	ID                   string
	PatientID            string
	Status               string
	Class                string // v3 ActCode: IMP, EMER, AMB, OBSENC, HH, VR...
	Type                 Coding
	PeriodStart          DateTime
	PeriodEnd            DateTime
	AdmitSource          Coding
	DischargeDisposition Coding
	Reason               Coding
	ServiceProviderID    string
	ServiceProviderName  string
}

// EncounterClasses are the v3 ActCode classes an outside system may report.
var EncounterClasses = map[string]string{"IMP": "inpatient encounter", "ACUTE": "inpatient acute", "NONAC": "inpatient non-acute",
	"OBSENC": "observation encounter", "EMER": "emergency", "AMB": "ambulatory", "HH": "home health", "VR": "virtual"}

// ValidateReport checks an encounter an outside system reports at now (its
// period's start and any end instants, not days, in the past, the end not
// before the start) and gives it its status from its period when it has
// none. EINVALID names everything missing or wrong.
func (e *Encounter) ValidateReport(now time.Time) error {
	var problems []string
	if e.PatientID == "" {
		problems = append(problems, "a patient")
	}
	if _, ok := EncounterClasses[e.Class]; !ok {
		problems = append(problems, "a class (IMP, OBSENC, EMER, AMB, ACUTE, NONAC, HH or VR)")
	}
	// A reported stay's times are instants, not days.
	start, end := e.PeriodStart, e.PeriodEnd
	if !start.IsInstant() {
		problems = append(problems, "a start time (RFC 3339)")
	} else if err := CheckPastTime("the stay's start", start.Time(), now); err != nil {
		return err
	}
	if !end.IsZero() {
		if !end.IsInstant() || start.IsInstant() && end.Time().Before(start.Time()) {
			problems = append(problems, "an end time (RFC 3339) not before the start")
		} else if err := CheckPastTime("the stay's end", end.Time(), now); err != nil {
			return err
		}
	}
	if strings.ContainsAny(e.ID, "/ ") {
		problems = append(problems, "an id without slashes or spaces")
	}
	if len(problems) > 0 {
		return Errorf(EINVALID, "An encounter needs %s.", strings.Join(problems, ", "))
	}
	if e.Status == "" {
		e.Status = "in-progress"
		if !e.PeriodEnd.IsZero() {
			e.Status = "finished"
		}
	}
	return nil
}

// Observation is a measurement or answer: a vital sign, a lab result, a
// survey item. Value is numeric (ValueNum with Unit) or textual (ValueText,
// ValueCode).
type Observation struct {
	OrgID       string
	ID          string
	PatientID   string
	EncounterID string
	Status      string
	Category    string // vital-signs, laboratory, survey, social-history, sdoh...
	Code        Coding // usually LOINC
	Effective   DateTime
	ValueNum    *float64
	Unit        string
	ValueText   string
	ValueCode   Coding
	Components  []ObservationComponent
}

// ObservationComponent is one part of a multi-part observation, such as the
// systolic and diastolic values of a blood pressure.
type ObservationComponent struct {
	Code      Coding
	ValueNum  *float64
	Unit      string
	ValueText string
}

// Procedure is something done to or for the patient.
type Procedure struct {
	OrgID          string
	ID             string
	PatientID      string
	EncounterID    string
	Status         string
	Code           Coding
	PerformedStart string
	PerformedEnd   string
}

// Immunization is a vaccine given (or not given).
type Immunization struct {
	OrgID       string
	ID          string
	PatientID   string
	EncounterID string
	Status      string
	Vaccine     Coding
	Occurrence  string
}

// SourceCarePlan is a care plan as a source sent it (kept and shown as sent;
// Carepath's own living plan is CarePlan).
type SourceCarePlan struct {
	OrgID       string
	ID          string
	PatientID   string
	Status      string
	Intent      string
	Title       string
	Category    Coding
	PeriodStart string
	PeriodEnd   string
	Addresses   []string // Condition ids
	GoalIDs     []string
	Activities  []SourceCarePlanActivity
}

// SourceCarePlanActivity is one planned action in a source care plan.
type SourceCarePlanActivity struct {
	Code   Coding
	Status string
}

// SourceGoal is a goal as a source sent it.
type SourceGoal struct {
	OrgID             string
	ID                string
	PatientID         string
	LifecycleStatus   string
	AchievementStatus string
	Description       string
	Priority          string
	Start             string
	TargetMeasure     Coding
	TargetDetail      string
	TargetDue         string
}

// PatientFilter selects patients of the actor's organization.
type PatientFilter struct {
	// Query matches the start of "family given" or "family, given"
	// (case-insensitive), a birth date (YYYY-MM-DD) exactly, or an
	// identifier (MRN, member id...) exactly.
	Query string
	// CareManagerID keeps the patients whose care team that user is on.
	CareManagerID string
	// ConditionCode keeps the patients with that condition code on their
	// problem list.
	ConditionCode string
	Sort          PatientSort
	Offset        int
	Limit         int // 0 means 50; at most 500
	// After continues a list in the default order after the patient with
	// this Cursor (keyset paging: as fast on the last page as the first).
	After string
}

// Cursor is where a patient stands in the default (name) order, for
// PatientFilter.After.
func (p *Patient) Cursor() string {
	return NameKey(p.Family, p.Given) + "\x00" + p.ID
}

// NameKey is how people sort and are searched by name: lower-case "family
// given".
func NameKey(family, given string) string {
	return strings.ToLower(strings.TrimSpace(family + " " + given))
}

// NameQueryKey is what a person typed to find a patient by name, as the
// start of a NameKey: "Rivera, Ana" and "rivera  ana" are "rivera ana".
func NameQueryKey(q string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(q, ",", " "))), " ")
}

// PatientSort orders a patient list.
type PatientSort string

const (
	SortByName      PatientSort = "name"       // family, given (the default)
	SortByBirthDate PatientSort = "birth_date" // oldest first
	SortByNameDesc  PatientSort = "-name"
	SortByAgeDesc   PatientSort = "-birth_date" // youngest first
)

// CareTeamMember is a user on a patient's care team.
type CareTeamMember struct {
	PatientID string
	UserID    string
	Role      string // e.g. CareTeamPrimaryCareManager
	Since     time.Time
	User      *User // filled in by reads
}

// PrimaryCareManager is the member of a care team who is the patient's
// primary care manager and an active user, or nil: the owner of the work
// the rules make for the patient, and the first person the patient calls.
func PrimaryCareManager(team []CareTeamMember) *CareTeamMember {
	for i, m := range team {
		if m.Role == CareTeamPrimaryCareManager && m.User != nil && !m.User.Disabled {
			return &team[i]
		}
	}
	return nil
}

// CareTeamPrimaryCareManager is the care team role of the care manager who
// owns a patient's care.
const CareTeamPrimaryCareManager = "primary_care_manager"

// PatientService reads patients. Every method is scoped to the actor's
// organization (a patient of another organization is ENOTFOUND, as is
// everything without an actor), and every read is audited.
type PatientService interface {
	// FindPatientByID returns the patient (with their care team) or
	// ENOTFOUND, and audits a view of the patient.
	FindPatientByID(ctx context.Context, id string) (*Patient, error)
	// FindPatients returns a page of patients and the total number of
	// matches, and audits the search.
	FindPatients(ctx context.Context, filter PatientFilter) ([]*Patient, int, error)
	// AddCareTeamMembers puts users of the organization on patients' care
	// teams (or changes their role on them), all or none. ENOTFOUND for an
	// unknown patient or a user who is not active; not for the auditor.
	AddCareTeamMembers(ctx context.Context, members ...CareTeamMember) error
	// FindCareManagers lists the users who are on at least one care team,
	// with how many patients each has, for filters and caseload views.
	FindCareManagers(ctx context.Context) ([]CaseloadCount, error)
	// FindCommonConditions returns the condition codes most patients of the
	// organization have, with how many, for the panel's filter.
	FindCommonConditions(ctx context.Context, limit int) ([]ConditionCount, error)
}

// ConditionCount is how many patients have a condition code.
type ConditionCount struct {
	Code     Coding
	Patients int
}

// CaseloadCount is how many patients a user's caseload holds.
type CaseloadCount struct {
	User     *User
	Patients int
}

// OrganizationService manages tenants.
type OrganizationService interface {
	// FindOrganizations returns every organization, ordered by name.
	FindOrganizations(ctx context.Context) ([]*Organization, error)
	// FindOrganization returns the organization with the given id or name, or ENOTFOUND.
	FindOrganization(ctx context.Context, idOrName string) (*Organization, error)
	// CreateOrganization creates an organization; its ID is derived from the
	// name when empty. ECONFLICT if the id is taken.
	CreateOrganization(ctx context.Context, org *Organization) error
}

// ResourceCount is how many resources of one kind an organization holds.
type ResourceCount struct {
	OrgID        string
	ResourceType string
	Count        int64
}

// Chart is a patient's record as the chart summary shows it: the whole
// person on one screen.
type Chart struct {
	Patient     *Patient
	Caregivers  []RelatedPerson
	Coverage    []Coverage
	Conditions  []Condition  // active ones first, then by onset, latest first
	Medications []Medication // active ones first, then latest first
	Allergies   []Allergy
	Encounters  []Encounter         // latest first, at most ChartEncounters
	Series      []ObservationSeries // numeric vitals and labs, one per code
	CarePlans   []SourceCarePlan
	Goals       []SourceGoal
	Tasks       []*Task     // the patient's open work (snoozed too), by deadline, at most ChartTasks
	Schedules   []Schedule  // the patient's recurring check-ins
	Risk        []RiskScore // the latest of each score computed at a discharge, by name
	// Reconciled is the patient's current medication list, when a
	// reconciliation made one (nil: the record's orders are all there is).
	Reconciled *MedicationList
	// Transition is the patient's open transition of care, if any (its
	// clock and documentation; not its scores or tasks).
	Transition *Transition
}

// Shown says what a view of the chart showed, for its audit record: the
// counts of its sections.
func (c *Chart) Shown() string {
	return fmt.Sprintf("%d conditions, %d medications, %d allergies, %d encounters, %d observation series, %d open tasks, %d risk scores, %d caregivers, %d coverages",
		len(c.Conditions), len(c.Medications), len(c.Allergies), len(c.Encounters), len(c.Series), len(c.Tasks), len(c.Risk), len(c.Caregivers), len(c.Coverage))
}

// ChartEncounters bounds the encounters a chart lists; ChartPoints the
// points of one observation series (the latest are kept).
const (
	ChartEncounters = 100
	ChartPoints     = 60
	ChartTasks      = 50
)

// ObservationSeries is one measured quantity over time, such as systolic
// blood pressure or hemoglobin A1c.
type ObservationSeries struct {
	Code     Coding
	Category string // vital-signs, laboratory...
	Unit     string
	Points   []ObservationPoint // oldest first
}

// ObservationPoint is one value of a series.
type ObservationPoint struct {
	Effective string
	Value     float64
}

// Latest is the series' newest point.
func (s ObservationSeries) Latest() ObservationPoint { return s.Points[len(s.Points)-1] }

// ParseEffective reads a stored time of a record kept as text (a chart
// point's, a score's) as ParseDateTime does: an instant, or a day's
// midnight UTC; the zero time for none, or for a year or a month alone.
func ParseEffective(s string) time.Time {
	d, err := ParseDateTime(s)
	if err != nil || !d.HasDay() {
		return time.Time{}
	}
	return d.Time()
}

// ChartPrograms is how much of a patient's programs a chart view reads.
type ChartPrograms int

const (
	// ProgramsEnrolled reads the month of the programs the patient is
	// enrolled in (the chart's header): for a patient with no enrollment,
	// nothing past the enrollments.
	ProgramsEnrolled ChartPrograms = iota + 1
	// ProgramsAll reads all that FindPatientPrograms does (the programs
	// page: time logged before an enrollment, consents on file).
	ProgramsAll
)

// ChartService reads whole charts.
type ChartService interface {
	// FindChart returns the chart of a patient of the actor's
	// organization, or ENOTFOUND, and audits a view of it. The chart's
	// slices may be shared with other callers: read them, do not modify
	// them.
	FindChart(ctx context.Context, patientID string) (*Chart, error)
	// FindChartWithPrograms returns the chart as FindChart does and the
	// patient's programs in a month (YYYY-MM, in the organization's time
	// zone), as ProgramService.FindPatientPrograms does or, with
	// ProgramsEnrolled, only as far as the patient is enrolled in any; read
	// together and audited as the one view they make: one record naming
	// both.
	FindChartWithPrograms(ctx context.Context, patientID, month string, read ChartPrograms) (*Chart, *PatientPrograms, error)

	// ExportPatientRecord returns the record of a patient of the actor's
	// organization as the sources sent it: a FHIR R4 Bundle of type
	// "collection" holding the newest stored version of every resource in
	// the patient's compartment, the Patient first. Shared resources the
	// record refers to (practitioners, organizations) are not included. It
	// audits an export, and answers ENOTFOUND for any other patient.
	ExportPatientRecord(ctx context.Context, patientID string) ([]byte, error)
}
