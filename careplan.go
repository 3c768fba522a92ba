package carepath

import (
	"context"
	"time"
)

// Care plan statuses.
const (
	PlanDraft     = "draft"
	PlanActive    = "active"
	PlanOnHold    = "on-hold"
	PlanCompleted = "completed"
)

// CarePlan is a patient's living care plan: the problems it addresses,
// each with measurable goals and the interventions that work toward them,
// and the narrative parts of a comprehensive plan. Every change makes a
// new revision (Revision numbers them from 1) with who, when and why; the
// billing practitioner signs a revision.
type CarePlan struct {
	OrgID     string
	ID        string
	PatientID string
	Status    string
	Problems  []PlanProblem
	// The narrative elements of a comprehensive care plan (CMS CCM).
	Prognosis            string // expected outcome and prognosis
	SymptomManagement    string
	MedicationManagement string
	Environment          string // environmental evaluation
	CaregiverAssessment  string
	Coordination         string // with outside resources and practitioners
	ReviewEveryDays      int    // periodic review
	// Set by the store.
	Revision       int
	Updated        time.Time
	UpdatedBy      string
	SignedBy       string
	SignedAt       time.Time
	SignedRevision int
	// The copies given to the patient, latest first.
	Copies []PlanCopy
}

// Ways a copy of the plan reaches the patient.
var CopyWays = []string{"in-person", "mailed", "portal", "email"}

// PlanCopy records a copy of the plan given to the patient or caregiver.
type PlanCopy struct {
	Revision int
	At       time.Time
	By       string
	How      string // one of CopyWays
	Language string
}

// PlanProblem is a problem the plan addresses: one of the problem list
// (ConditionID), a confirmed social need (ConcernID), or one in words.
type PlanProblem struct {
	ID            string
	Text          string
	ConditionID   string
	ConcernID     string
	Goals         []Goal
	Interventions []Intervention
}

// Goal statuses.
const (
	GoalActive    = "active"
	GoalOnHold    = "on-hold"
	GoalCompleted = "completed"
	GoalCancelled = "cancelled"
)

// Goal is a measurable goal, in the patient's words, with its measure (an
// ID of careplan.Measures) and target, dates (YYYY-MM-DD, the
// organization's days), a priority agreed with the patient, and the
// clinician responsible for reviewing it. Its achievement is computed from
// the patient's measurements each time the plan is read.
type Goal struct {
	ID            string
	Description   string
	Measure       string
	TargetOp      string
	TargetValues  []float64
	Start         string
	Due           string
	ReviewBy      string
	Priority      string // high, medium, low
	ResponsibleID string
	Status        string
	// Computed on read, not stored: the achievement (careplan.Achievement)
	// and what produced it.
	Achievement    string
	AchievementWhy string
}

// Intervention statuses.
const (
	InterventionPlanned    = "planned"
	InterventionInProgress = "in-progress"
	InterventionDone       = "done"
	InterventionCancelled  = "cancelled"
)

// Intervention is an action toward a problem's goals (GoalID, optional;
// "#2" names its problem's second goal, for one new in the same save),
// with the staff member responsible and a due day; it is worked as a task
// (TaskID), whose completion completes it.
type Intervention struct {
	ID      string
	GoalID  string
	Kind    string // education, medication, referral, appointment, check-in, device, social-service, other
	Text    string
	OwnerID string
	Due     string
	Status  string
	TaskID  string
}

// TaskKindCarePlan is the kind of the tasks a plan's interventions are
// worked as.
const TaskKindCarePlan = "care-plan"

// PlanChange says why a plan changed.
type PlanChange struct {
	Why string
	// Substantial: the plan was established or substantially revised (the
	// complex CCM codes ask for it in the month).
	Substantial bool
}

// PlanRevision is one change of a plan: who, when, why, and (when read
// one by one) the plan as it then stood.
type PlanRevision struct {
	Revision    int
	At          time.Time
	By          string
	ByName      string
	Why         string
	Substantial bool
	Plan        *CarePlan
}

// GoalForReview is an active goal whose review day has come, with its
// achievement computed then, its problem's words and whom it is for.
type GoalForReview struct {
	PatientID     string
	PlanID        string
	Problem       string
	Goal          Goal
	CareManagerID string // the patient's primary care manager
}

// GoalReviewed is a goal checked on its review day, and the review task it
// called for (nil when it did not).
type GoalReviewed struct {
	GoalID   string
	ReviewBy string
	Task     *Task
}

// Roles of outside members of a care team.
var OutsideRoles = []string{"pcp", "specialist", "pharmacist", "therapist", "home-health", "community-organization", "family-caregiver", "other"}

// OutsideMember is a care team member from outside the organization, with
// how to reach them.
type OutsideMember struct {
	ID           string
	Name         string
	Role         string // one of OutsideRoles
	Organization string
	Phone        string
	Email        string
	Note         string
}

// CareTeam is a patient's roster: the organization's staff (one of them
// the primary care manager, the central point of contact) and the members
// from outside.
type CareTeam struct {
	Staff   []CareTeamMember
	Outside []OutsideMember
}

// PlanTemplate is a condition's or social need's starting plan: the
// problem, goals with their measures and targets, and the usual
// interventions. Carepath ships some (careplan.Templates); an
// organization's administrators add their own.
type PlanTemplate struct {
	ID     string
	Name   string
	Source string
	// Condition is the one it is for: applied to a patient with it on the
	// problem list, the problem refers to it (nil for a social need).
	Condition *ConditionMatch
	// Domain is the social need it is for (a health concern's domain).
	Domain        string
	Problem       string
	Goals         []TemplateGoal
	Interventions []TemplateIntervention
	// BuiltIn: shipped with Carepath (not the organization's).
	BuiltIn bool
}

// TemplateGoal is a goal as a template proposes it, due and reviewed so
// many days after it is applied.
type TemplateGoal struct {
	Description  string
	Measure      string
	TargetOp     string
	TargetValues []float64
	DueDays      int
	ReviewDays   int
	Priority     string
}

// TemplateIntervention is an intervention a template proposes, for the
// patient's primary care manager, due so many days after it is applied.
// Goal is the 1-based place of the goal it works toward (0 for none).
type TemplateIntervention struct {
	Kind    string
	Text    string
	Goal    int
	DueDays int
}

// CarePlanService keeps patients' living care plans. Every method is
// scoped to the actor's organization (another's patient is ENOTFOUND) and
// audited.
type CarePlanService interface {
	// FindCarePlan returns the patient's plan with each goal's achievement
	// computed from the patient's measurements now; ENOTFOUND when the
	// patient has none.
	FindCarePlan(ctx context.Context, patientID string) (*CarePlan, error)
	// SaveCarePlan writes the whole plan as its next revision, with why.
	// plan.Revision must be the plan's current revision (0 for a first
	// plan): a plan saved from a stale copy is ECONFLICT, not merged.
	// Problems, goals and interventions keep their IDs; new ones (no ID)
	// get one. A bad plan is EINVALID naming each problem, and nothing is
	// written. Clinical writers only. On return plan is as saved.
	SaveCarePlan(ctx context.Context, plan *CarePlan, change PlanChange) error
	// ApplyTemplates adds a problem to the patient's plan from each
	// template (by id), as the plan's next revision: each linked to the
	// patient's matching active condition or confirmed health concern, its
	// interventions for the patient's primary care manager (or the actor),
	// dated from today in the organization's zone, and without the goals of
	// measures the plan has already (said in the revision's why, which is
	// the templates' names when why is ""). revision must be the plan's
	// current one (0 for a first plan): ECONFLICT otherwise; EINVALID
	// for no template or an unknown one. It returns the plan saved.
	ApplyTemplates(ctx context.Context, patientID string, revision int, templateIDs []string, why string) (*CarePlan, error)
	// FindGoalPlan returns the plan that holds the goal (as FindCarePlan),
	// or ENOTFOUND.
	FindGoalPlan(ctx context.Context, goalID string) (*CarePlan, error)
	// SignCarePlan records the billing practitioner's review and sign-off
	// of the plan's current revision (revision must be it: ECONFLICT
	// otherwise). Physicians only (ENOTFOUND for other roles).
	SignCarePlan(ctx context.Context, patientID string, revision int) error
	// RecordCopyGiven records that the patient (or caregiver) was given a
	// copy of the plan's current revision (revision must be it), how
	// (CopyWays) and in which language.
	RecordCopyGiven(ctx context.Context, patientID string, revision int, how, language string) error
	// FindTemplates lists the templates a plan can start from: the
	// built-in ones and the organization's.
	FindTemplates(ctx context.Context) ([]PlanTemplate, error)
	// AddTemplate adds a template of the organization's (administrators
	// only; EINVALID naming each problem of a bad one). It gets an ID.
	AddTemplate(ctx context.Context, t *PlanTemplate) error
	// FindCareTeam returns the patient's care team.
	FindCareTeam(ctx context.Context, patientID string) (*CareTeam, error)
	// SaveCareTeam replaces the patient's roster with team: staff (active
	// users, at most one primary care manager) and outside members (a name
	// and one of OutsideRoles each; new ones without an ID get one). Bad
	// input is EINVALID naming each problem, and nothing is written.
	SaveCareTeam(ctx context.Context, patientID string, team *CareTeam) error
	// FindPlanRevisions lists the plan's revisions, newest first, without
	// their plans.
	FindPlanRevisions(ctx context.Context, patientID string) ([]PlanRevision, error)
	// FindPlanRevision returns one revision with the plan as it stood.
	FindPlanRevision(ctx context.Context, patientID string, revision int) (*PlanRevision, error)
}

// Goal is the plan's goal with that id, or nil.
func (p *CarePlan) Goal(id string) *Goal {
	for i := range p.Problems {
		for j := range p.Problems[i].Goals {
			if p.Problems[i].Goals[j].ID == id {
				return &p.Problems[i].Goals[j]
			}
		}
	}
	return nil
}

// Intervention is the plan's intervention with that id, or nil.
func (p *CarePlan) Intervention(id string) *Intervention {
	for i := range p.Problems {
		for j := range p.Problems[i].Interventions {
			if p.Problems[i].Interventions[j].ID == id {
				return &p.Problems[i].Interventions[j]
			}
		}
	}
	return nil
}
