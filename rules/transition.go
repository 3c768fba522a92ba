package rules

import (
	"fmt"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
)

// Task kinds of a transition of care besides the contact.
const (
	KindFollowUpVisit = "follow-up-visit"
	KindMedRec        = "medication-reconciliation"
	KindPeriodEnd     = "tcm-period-end"
)

// ProtocolBand is one row of the transition protocol: from which LACE
// total it applies, and how soon the follow-up visit is due.
type ProtocolBand struct {
	Band    string
	MinLACE int
	// The visit is due VisitBusinessDays business days after the
	// discharge, or, when that is 0, by TCM day VisitDay (the day of
	// discharge being day 1).
	VisitBusinessDays int
	VisitDay          int
	ContactPriority   carepath.TaskPriority
}

// Visit is the band's deadline in words.
func (b ProtocolBand) Visit() string {
	if b.VisitBusinessDays > 0 {
		return fmt.Sprintf("within %d business days", b.VisitBusinessDays)
	}
	return fmt.Sprintf("by day %d", b.VisitDay)
}

// ProtocolBands are the protocol's bands, highest first (LACE bands of van
// Walraven 2010: 10 or more high, 5-9 moderate, 0-4 low).
var ProtocolBands = []ProtocolBand{
	{Band: "high", MinLACE: 10, VisitBusinessDays: 3, ContactPriority: carepath.PriorityASAP},
	{Band: "moderate", MinLACE: 5, VisitDay: 7, ContactPriority: carepath.PriorityUrgent},
	{Band: "low", MinLACE: 0, VisitDay: 14, ContactPriority: carepath.PriorityUrgent},
}

// TransitionProtocol is the rule that opens a transition episode and sets
// its intensity by the stay's readmission risk.
var TransitionProtocol = Rule{ID: "transition-protocol", Version: 1, Name: "Transition of care by readmission risk",
	Description: "A discharge from an inpatient or observation stay to a community setting (not a death, a transfer " +
		"to another hospital, a skilled nursing facility or hospice) in the last 30 days opens a transition episode on the " +
		"TCM clock: contact within 2 business days, a face-to-face visit by day 7 (99496) or day 14 (99495), medicines " +
		"reconciled by the visit, a period of 30 days. The stay's LACE band sets the follow-up visit's deadline: high " +
		"(LACE 10 or more) within 3 business days and the contact as soon as possible; moderate (5-9) by day 7; low (0-4) " +
		"by day 14. A LACE with missing data counts as at least moderate, and a stay without one as moderate. Tasks: the " +
		"contact (discharges of the last 7 days), the follow-up visit, the medication reconciliation (due with the visit), " +
		"and the period's end (shown from 3 days before). A new admission within 30 days is flagged as a readmission.",
	On: carepath.EventDischarge,
	Source: "CMS, Transitional Care Management Services (MLN908628); van Walraven C et al. CMAJ 2010;182(6):551-7 " +
		"(LACE bands); Jackson C et al. JAMA Intern Med 2015 (earlier follow-up for higher-risk patients)"}

// BandFor is the protocol band a stay's LACE score puts it in, and the
// words that say why.
func BandFor(lace *carepath.RiskScore) (ProtocolBand, string) {
	moderate := ProtocolBands[1]
	if lace == nil {
		return moderate, "no LACE score for the stay: moderate by default"
	}
	band := ProtocolBands[len(ProtocolBands)-1]
	for _, b := range ProtocolBands {
		if lace.Total >= b.MinLACE {
			band = b
			break
		}
	}
	if lace.Complete {
		return band, fmt.Sprintf("LACE %d (%s)", lace.Total, band.Band)
	}
	var missing []string
	for _, c := range lace.Components {
		if c.Missing {
			missing = append(missing, strings.SplitN(c.Name, ":", 2)[0])
		}
	}
	why := fmt.Sprintf("LACE at least %d (%s missing)", lace.Total, strings.Join(missing, ", "))
	if band.MinLACE < moderate.MinLACE {
		return moderate, why + ": moderate until known"
	}
	return band, why + " (" + band.Band + ")"
}

// PlanTransition returns the episode a discharge opens and its tasks
// (EpisodeTasks), or ok false and why not. The clock is the TCM clock in
// cal; the band comes from the stay's LACE score (nil: none computed).
func PlanTransition(d Discharge, lace *carepath.RiskScore, cal *calendar.Calendar, now time.Time) (tr carepath.Transition, tasks []carepath.Task, ok bool, why string) {
	if why := d.notToCommunity(); why != "" {
		return tr, nil, false, why
	}
	clock := NewTCMClock(d.Discharged, cal)
	if now.After(clock.PeriodEnd) {
		return tr, nil, false, "the 30-day period ended " + clock.PeriodEnd.In(cal.Location()).Format("Mon 2 Jan 2006")
	}
	band, bandWhy := BandFor(lace)
	tr = carepath.Transition{PatientID: d.PatientID, EncounterID: d.EncounterID, Class: d.Class, Facility: d.Facility,
		Disposition: d.DispositionCode, Admitted: d.Admitted, Discharged: d.Discharged, Status: carepath.TransitionOpen,
		ContactDue: clock.Contact, VisitDueHigh: clock.FaceToFaceHigh, VisitDueModerate: clock.FaceToFaceModerate,
		PeriodEnd: clock.PeriodEnd, Band: band.Band, BandWhy: bandWhy,
		ProtocolRuleID: TransitionProtocol.ID, ProtocolVersion: TransitionProtocol.Version}
	if band.VisitBusinessDays > 0 {
		tr.VisitDue = cal.BusinessDaysAfter(d.Discharged, band.VisitBusinessDays)
	} else {
		tr.VisitDue = cal.CalendarDaysAfter(d.Discharged, band.VisitDay-1)
	}
	return tr, EpisodeTasks(&tr, d, cal, now), true, ""
}

// DischargeOf is the discharge an episode was opened for, as the
// episode keeps it, with the patient's primary care manager now.
func DischargeOf(tr *carepath.Transition, careManagerID string) Discharge {
	return Discharge{EncounterID: tr.EncounterID, PatientID: tr.PatientID, Class: tr.Class, Facility: tr.Facility,
		DispositionCode: tr.Disposition, Admitted: tr.Admitted, Discharged: tr.Discharged, CareManagerID: careManagerID}
}

// EpisodeTasks returns a task for every element of an open episode not
// yet documented (the contact, the follow-up visit and the reconciliation
// by it, the close of the period), so that every element that is due or
// overdue is someone's work. A discharge found late still gets them all:
// past its deadline a task is overdue, and says what no longer counts
// for TCM (the contact after 7 days; the visit after day 14), for the
// patient still needs the call, the visit and the reconciliation. Tasks
// are keyed by the stay and the element: made again, they are the same
// tasks.
func EpisodeTasks(tr *carepath.Transition, d Discharge, cal *calendar.Calendar, now time.Time) []carepath.Task {
	var tasks []carepath.Task
	band := bandNamed(tr.Band)
	loc := cal.Location()
	day := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan") }
	riskWords := fmt.Sprintf("%s readmission risk, %s", band.Band, tr.BandWhy)
	if tr.Contact == nil {
		contact := contactTask(d, cal)
		contact.Priority = band.ContactPriority
		contact.Origin.Reason += "; " + riskWords
		contact.Origin.Facts["band"] = band.Band
		contact.Origin.Facts["lace"] = tr.BandWhy
		if now.Sub(d.Discharged) > 7*24*time.Hour {
			contact.Priority = carepath.PriorityUrgent
			contact.Origin.Reason += "; the contact was due " + day(contact.Due) + " and is late: reach the patient now (too late to count for TCM)"
		}
		tasks = append(tasks, contact)
	}
	task := func(kind, key, title string, priority carepath.TaskPriority, due time.Time, reason string) carepath.Task {
		facts := d.Facts()
		facts["band"], facts["lace"] = band.Band, tr.BandWhy
		t := carepath.Task{PatientID: d.PatientID, Kind: kind, Title: title, Priority: priority, Program: "TCM", Due: due,
			Origin: carepath.TaskOrigin{By: "rule", RuleID: TransitionProtocol.ID, RuleVersion: TransitionProtocol.Version,
				EventKey: carepath.EncounterEventKey(d.EncounterID, key), Reason: reason, Facts: facts}}
		if d.CareManagerID != "" {
			t.OwnerID = d.CareManagerID
		} else {
			t.Queue = carepath.RoleCareManager
		}
		return t
	}
	discharged := fmt.Sprintf("Discharged from %s on %s", or(d.Facility, "hospital"), d.Discharged.In(loc).Format("Mon 2 Jan 2006"))
	visitDue, visitWhy := tr.VisitDue, fmt.Sprintf("the protocol for %s: a follow-up visit %s", riskWords, band.Visit())
	switch {
	case now.After(tr.VisitDueModerate):
		visitDue, visitWhy = tr.VisitDueModerate, fmt.Sprintf("day 14 (%s) has passed: TCM can no longer be billed, but the visit is still due (%s)", day(tr.VisitDueModerate), riskWords)
	case now.After(visitDue):
		// Found late: the visit still counts for 99495 until day 14.
		visitDue, visitWhy = tr.VisitDueModerate, fmt.Sprintf("the protocol's deadline (%s, %s) passed before the discharge was known; day 14 is the last day for 99495", day(tr.VisitDue), riskWords)
	}
	visitPriority := carepath.PriorityRoutine
	if band.Band == "high" || now.After(tr.VisitDueModerate) {
		visitPriority = carepath.PriorityUrgent
	}
	if tr.Visit == nil {
		tasks = append(tasks, task(KindFollowUpVisit, "follow-up-visit", "Follow-up visit by "+day(visitDue), visitPriority, visitDue,
			discharged+"; "+visitWhy))
	}
	if tr.MedRec.Completed == nil {
		tasks = append(tasks, task(KindMedRec, "medication-reconciliation", "Medication reconciliation", visitPriority, visitDue,
			discharged+"; the medicines before the admission and at discharge are reconciled no later than the face-to-face visit (due "+day(visitDue)+")"))
	}
	end := task(KindPeriodEnd, "tcm-period-end", "Close the transition episode", carepath.PriorityRoutine, tr.PeriodEnd,
		discharged+"; the 30-day TCM period ends "+day(tr.PeriodEnd)+": check the documentation and the code it supports, then close the episode")
	end.NotBefore = cal.StartOfDay(calendar.DateOf(tr.PeriodEnd, loc).AddDays(-3))
	return append(tasks, end)
}

// bandNamed is the protocol band of that name (moderate for an unknown
// one).
func bandNamed(name string) ProtocolBand {
	for _, b := range ProtocolBands {
		if b.Band == name {
			return b
		}
	}
	return ProtocolBands[1]
}
