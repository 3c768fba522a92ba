// Package rules holds Carepath's built-in work rules as data: which event or
// which patients they act on, what task they make, and the words that say
// why. Each rule is versioned and cites its source; the functions here are
// pure (no I/O), so that every rule is table-tested and every task it makes
// can be explained from its inputs alone. The jobs package runs them.
package rules

import (
	"fmt"
	"strconv"
	"time"

	"carepath"
	"carepath/calendar"
)

// Rule describes a rule for administrators and for the tasks it makes.
type Rule struct {
	ID          string
	Version     int
	Name        string
	Description string
	On          string // what it acts on: an event kind, "schedule", "sweep"
	Source      string
}

// The built-in rules.
var (
	PostDischargeContact = Rule{ID: "post-discharge-contact", Version: 2, Name: "Post-discharge contact",
		Description: "After an inpatient or observation stay ends with a discharge to a community setting (home, " +
			"alternative home, or against advice; a discharge without a recorded disposition is taken as home), the " +
			"patient's care manager contacts the patient within 2 business days. Discharges more than 7 days old " +
			"(found late, e.g. by an import of old records) make no task. The transition protocol sets its priority by the " +
			"stay's readmission risk (as soon as possible for a high LACE band, urgent otherwise).",
		On:     carepath.EventDischarge,
		Source: "CMS, Transitional Care Management Services (MLN908628): interactive contact within 2 business days of discharge"}
	HeartFailureCheckIn = Rule{ID: "heart-failure-weekly-check-in", Version: 1, Name: "Weekly heart-failure check-in",
		Description: "Every patient with an active heart-failure diagnosis gets a weekly check-in call (symptoms, " +
			"weight, medicines), each due 7 days after the one before; the next is made when the last is done or due.",
		On:     "schedule",
		Source: "ACC/AHA/HFSA 2022 heart failure guideline: early and regular follow-up, daily weights and symptom monitoring"}
	OverdueEscalation = Rule{ID: "overdue-escalation", Version: 1, Name: "Overdue escalation",
		Description: "An open task more than 1 business day past its deadline goes to the supervisors' queue as an " +
			"escalation, and its own priority goes up one step. Escalations do not escalate.",
		On:     "sweep",
		Source: "Carepath practice: overdue work is seen by a supervisor the next business day"}
)

// SafetyEvaluation acts on an assessment's safety finding (a PHQ-9 item 9
// answered above "not at all").
var SafetyEvaluation = Rule{ID: "phq9-item9-safety", Version: 1, Name: "Safety evaluation",
	Description: "A PHQ-9 whose item 9 (thoughts of being better off dead, or of self-harm) is answered above \"not at " +
		"all\" makes a stat task, due at once, for the person who took the assessment (who is with the patient), " +
		"whatever the total.",
	On:     "assessment",
	Source: "Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med 2001;16(9):606-13: any positive item 9 calls for an immediate suicide risk assessment"}

// BuiltIn lists every built-in rule, for the administrators' page.
var BuiltIn = []Rule{PostDischargeContact, TransitionProtocol, HeartFailureCheckIn, SocialNeedsScreening.Rule, DepressionMonitoring.Rule, VitalSignAlert, SafetyEvaluation, TreatToTarget, OverdueEscalation}

// TaskKinds the rules make.
const (
	KindPostDischarge = "post-discharge-contact"
	KindCheckIn       = "check-in"
	KindEscalation    = "escalation"
	KindSafety        = "safety"
)

// Kinds are the kinds of task the rules make, for filters.
var Kinds = []string{KindPostDischarge, KindFollowUpVisit, KindMedRec, KindPeriodEnd, KindCheckIn, KindScreening, KindVitalSign, KindSafety, KindGoalReview, KindEscalation}

// PlanSafetyEvaluation is the task an assessment's safety finding calls
// for: stat, due now, for ownerID (who took the assessment), or the care
// managers' queue when the system recorded it.
func PlanSafetyEvaluation(assessmentID, instrument, patientID, ownerID, why string, now time.Time) carepath.Task {
	t := carepath.Task{PatientID: patientID, Kind: KindSafety, Title: "Safety evaluation now", Priority: carepath.PriorityStat, Due: now,
		OwnerID: ownerID, Origin: carepath.TaskOrigin{By: "rule", RuleID: SafetyEvaluation.ID, RuleVersion: SafetyEvaluation.Version,
			EventKey: carepath.EventKey{Type: "Assessment", ID: assessmentID, What: "safety"}, Reason: why, Facts: map[string]string{"assessment": assessmentID, "instrument": instrument}}}
	if ownerID == "" {
		t.Queue = carepath.RoleCareManager
	}
	return t
}

// communityDispositions are the discharge dispositions (FHIR
// discharge-disposition codes) to a community setting.
var communityDispositions = map[string]bool{"home": true, "alt-home": true, "aadvice": true, "": true}

// Discharge is what PlanPostDischargeContact reads from an encounter.
type Discharge struct {
	EncounterID        string
	PatientID          string
	Class              string // v3 ActCode
	Facility           string
	DispositionCode    string
	DispositionDisplay string
	Admitted           time.Time
	Discharged         time.Time
	CareManagerID      string // the patient's primary care manager, if any
}

// Facts are the discharge's facts as a task records them.
func (d Discharge) Facts() map[string]string {
	f := map[string]string{
		"encounter":   "Encounter/" + d.EncounterID,
		"class":       d.Class,
		"admitted":    d.Admitted.UTC().Format(time.RFC3339),
		"discharged":  d.Discharged.UTC().Format(time.RFC3339),
		"facility":    d.Facility,
		"disposition": d.DispositionCode,
	}
	if d.DispositionCode == "" {
		f["disposition"] = "not recorded (taken as home)"
	}
	return f
}

var classWords = map[string]string{carepath.EncounterInpatient: "inpatient", carepath.EncounterAcute: "inpatient, acute",
	carepath.EncounterNonAcute: "inpatient, non-acute", carepath.EncounterObservation: "observation"}

// notToCommunity says why a discharge is not one from a stay to a
// community setting, or "" when it is.
func (d Discharge) notToCommunity() string {
	switch {
	case !carepath.IsStay(d.Class):
		return fmt.Sprintf("class %s is not an inpatient or observation stay", d.Class)
	case d.Discharged.IsZero():
		return "the stay has not ended"
	case !communityDispositions[d.DispositionCode]:
		return fmt.Sprintf("discharged to %s, not a community setting", or(d.DispositionDisplay, d.DispositionCode))
	}
	return ""
}

// PlanPostDischargeContact returns the contact task a discharge calls for,
// or ok false and why not. The task is due at the end of the second
// business day after the day of discharge, in cal's time zone; it goes to
// the patient's care manager, or to the care managers' queue.
func PlanPostDischargeContact(d Discharge, cal *calendar.Calendar, now time.Time) (t carepath.Task, ok bool, why string) {
	if why := d.notToCommunity(); why != "" {
		return t, false, why
	}
	if now.Sub(d.Discharged) > 7*24*time.Hour {
		return t, false, "discharged more than 7 days ago"
	}
	return contactTask(d, cal), true, ""
}

// contactTask is a discharge's contact task, due at the end of the second
// business day after it.
func contactTask(d Discharge, cal *calendar.Calendar) carepath.Task {
	loc := cal.Location()
	where := or(d.Facility, "hospital")
	reason := fmt.Sprintf("Discharged from %s on %s (%s, %s); contact due within 2 business days",
		where, d.Discharged.In(loc).Format("Mon 2 Jan 2006"), classWords[d.Class], calendar.StayLength(calendar.StayDays(d.Admitted, d.Discharged, loc)))
	if d.DispositionCode == "" {
		reason += " (no discharge disposition recorded: taken as home)"
	}
	t := carepath.Task{PatientID: d.PatientID, Kind: KindPostDischarge, Title: "Post-discharge contact",
		Priority: carepath.PriorityUrgent, Program: "TCM", Due: cal.BusinessDaysAfter(d.Discharged, 2),
		Origin: carepath.TaskOrigin{By: "rule", RuleID: PostDischargeContact.ID, RuleVersion: PostDischargeContact.Version,
			EventKey: carepath.EncounterEventKey(d.EncounterID, carepath.StayDischarge), Reason: reason, Facts: d.Facts()}}
	if d.CareManagerID != "" {
		t.OwnerID = d.CareManagerID
	} else {
		t.Queue = carepath.RoleCareManager
	}
	return t
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CheckInEvery is the heart-failure check-in's interval.
const CheckInEvery = 7

// PlanCheckIn returns occurrence seq of a patient's weekly heart-failure
// check-in, due at the end of due's day. It shows in worklists from two
// days before.
func PlanCheckIn(scheduleID, patientID, ownerID string, seq int, due time.Time, cal *calendar.Calendar) carepath.Task {
	loc := cal.Location()
	t := carepath.Task{PatientID: patientID, Kind: KindCheckIn, Title: "Weekly heart-failure check-in",
		Priority: carepath.PriorityRoutine, Program: "CCM", Due: cal.EndOfDay(calendar.DateOf(due, loc)),
		NotBefore: cal.StartOfDay(calendar.DateOf(due, loc).AddDays(-2)),
		Origin: carepath.TaskOrigin{By: "rule", RuleID: HeartFailureCheckIn.ID, RuleVersion: HeartFailureCheckIn.Version,
			EventKey: carepath.EventKey{Type: "Schedule", ID: scheduleID, What: strconv.Itoa(seq)},
			Reason:   fmt.Sprintf("Weekly check-in for heart failure (number %d): symptoms, weight, medicines", seq),
			Facts:    map[string]string{"schedule": scheduleID, "occurrence": fmt.Sprint(seq), "every": fmt.Sprintf("%d days", CheckInEvery)}}}
	if ownerID != "" {
		t.OwnerID = ownerID
	} else {
		t.Queue = carepath.RoleCareManager
	}
	return t
}

// EscalationMargin is how late a task may run before it escalates, in
// business days after its deadline.
const EscalationMargin = 1

// ShouldEscalate reports whether an open task is late enough to escalate
// at now: more than EscalationMargin business days past its deadline.
// Escalations themselves never escalate.
func ShouldEscalate(t *carepath.Task, cal *calendar.Calendar, now time.Time) bool {
	if t.Kind == KindEscalation || !t.Status.Open() {
		return false
	}
	return now.After(cal.BusinessDaysAfter(t.Due, EscalationMargin))
}

// PlanEscalation is the supervisors' task for a late one.
func PlanEscalation(late *carepath.Task, cal *calendar.Calendar, now time.Time) carepath.Task {
	loc := cal.Location()
	who := "its queue (" + late.Queue.Label() + ")"
	if late.OwnerID != "" {
		who = or(late.OwnerName, "its owner")
	}
	patient := ""
	if late.PatientName != "" {
		patient = " for " + late.PatientName
	}
	return carepath.Task{PatientID: late.PatientID, Kind: KindEscalation, Title: "Overdue: " + late.Title,
		Priority: late.Priority.Raise(), Queue: carepath.RoleSupervisor, Program: late.Program, Due: cal.BusinessDaysAfter(now, 1),
		Origin: carepath.TaskOrigin{By: "rule", RuleID: OverdueEscalation.ID, RuleVersion: OverdueEscalation.Version,
			EventKey: carepath.EventKey{Type: "Task", ID: late.ID, What: "overdue"},
			Reason: fmt.Sprintf("%q%s, with %s, was due %s and is more than %d business day late", late.Title, patient, who,
				late.Due.In(loc).Format("Mon 2 Jan 15:04"), EscalationMargin),
			Facts: map[string]string{"task": "Task/" + late.ID, "due": late.Due.UTC().Format(time.RFC3339), "owner": or(late.OwnerName, string(late.Queue))}}}
}
