package rules

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/codeset"
)

// KindScreening is the kind of the tasks the screening rules make.
const KindScreening = "screening"

// Screening is a rule that keeps an assessment up to date for the patients
// on a care manager's caseload (and, when it says, with a condition): a
// task when the assessment falls due, closed by recording one.
type Screening struct {
	Rule
	// Instruments are the instrument IDs any of which, recorded, is the
	// screening; Codes the LOINC codes of imported results that count
	// (panels and totals from an EHR or Synthea).
	Instruments []string
	Codes       []string
	// EveryDays after the last one, the next is due.
	EveryDays int
	// WindowDays: the task's deadline is this many business days after the
	// day it falls due.
	WindowDays int
	// SpreadDays: a patient never screened, or overdue, when first enrolled
	// is due on one of the next SpreadDays days, the same one each time
	// (by the patient's id), so that a caseload meets its backlog a few a
	// day rather than all at once.
	SpreadDays int
	// Condition limits the rule to patients with one of these active
	// conditions (nil: every patient on a caseload); ConditionName names
	// it in reasons.
	Condition     *carepath.ConditionMatch
	ConditionName string
	// Title of the tasks; What names the screening in reasons.
	Title, What string
}

// The screening rules.
var (
	SocialNeedsScreening = Screening{
		Rule: Rule{ID: "social-needs-yearly", Version: 1, Name: "Yearly social needs screening",
			Description: "Every patient on a care manager's caseload is screened for health-related social needs (AHC HRSN " +
				"or PRAPARE) once a year: a task for the care manager when 365 days have passed since the last screening " +
				"(recorded here or imported), due within 10 business days; recording either screen closes it. Patients " +
				"never screened are spread over the first 91 days.",
			On:     "schedule",
			Source: "CMS Accountable Health Communities model (annual HRSN screening); CMS Hospital IQR/MIPS Screening for Social Drivers of Health measure (at least yearly)"},
		Instruments: []string{"ahc-hrsn", "prapare"}, Codes: []string{"96777-8", "93025-5"},
		EveryDays: 365, WindowDays: 10, SpreadDays: 91,
		Title: "Social needs screening due", What: "social needs screening (AHC HRSN or PRAPARE)",
	}
	DepressionMonitoring = Screening{
		Rule: Rule{ID: "depression-phq9-monitoring", Version: 1, Name: "PHQ-9 every 4 weeks for depression",
			Description: "A patient on a caseload with active depression has a PHQ-9 every 4 weeks: a task for the care " +
				"manager 28 days after the last PHQ-9 (recorded here or imported), due within 5 business days; recording " +
				"a PHQ-9 closes it. Patients with none on record are spread over the first 14 days.",
			On:     "schedule",
			Source: "AIMS Center (University of Washington), Collaborative Care: measurement-based treatment to target, PHQ-9 at least monthly while in treatment; Kroenke 2001"},
		Instruments: []string{"phq-9"}, Codes: []string{"44261-6"},
		EveryDays: 28, WindowDays: 5, SpreadDays: 14,
		Condition: &codeset.Depression, ConditionName: "active depression",
		Title: "PHQ-9 due", What: "PHQ-9",
	}
)

// Screenings are the screening rules, in the order the sweep runs them.
var Screenings = []Screening{SocialNeedsScreening, DepressionMonitoring}

// FindScreening returns the screening rule with the id.
func FindScreening(ruleID string) (Screening, bool) {
	for _, s := range Screenings {
		if s.ID == ruleID {
			return s, true
		}
	}
	return Screening{}, false
}

// ScreeningsBy are the screening rules that recording the instrument
// satisfies.
func ScreeningsBy(instrumentID string) []Screening {
	var out []Screening
	for _, s := range Screenings {
		if slices.Contains(s.Instruments, instrumentID) {
			out = append(out, s)
		}
	}
	return out
}

// FirstDue is when a patient newly enrolled is next due, given the last
// screening (zero: none on record): EveryDays after it; or, never screened
// or already overdue at now, a day of the next SpreadDays chosen by the
// patient's id, at the start of that day.
func (s Screening) FirstDue(patientID string, last, now time.Time, loc *time.Location) time.Time {
	if !last.IsZero() {
		if due := last.AddDate(0, 0, s.EveryDays); due.After(now) {
			return due
		}
	}
	h := fnv.New32a()
	h.Write([]byte(s.ID + "/" + patientID))
	day := calendar.DateOf(now, loc).AddDays(int(h.Sum32() % uint32(max(s.SpreadDays, 1))))
	if day == calendar.DateOf(now, loc) {
		return now
	}
	return time.Date(day.Year, time.Month(day.Month), day.Day, 0, 0, 0, 0, loc)
}

// Plan is the task for a schedule that fell due, made at now: for its care
// manager (or the care managers' queue), due WindowDays business days
// after now (a sweep that ran late does not make it late), saying when the
// last screening was.
func (s Screening) Plan(sc carepath.Schedule, cal *calendar.Calendar, now time.Time) carepath.Task {
	loc := cal.Location()
	var why []string
	facts := map[string]string{"schedule": sc.ID, "occurrence": fmt.Sprint(sc.Seq), "every": fmt.Sprintf("%d days", s.EveryDays)}
	if sc.LastDone.IsZero() {
		why = append(why, "No "+s.What+" on record")
	} else {
		why = append(why, fmt.Sprintf("Last %s on %s (%d days ago)", s.What, sc.LastDone.In(loc).Format("2 Jan 2006"), calendar.DaysBetween(sc.LastDone, now, loc)))
		facts["last"] = sc.LastDone.UTC().Format(time.RFC3339)
	}
	every := fmt.Sprintf("due every %d days", s.EveryDays)
	if s.ConditionName != "" {
		every += " while the patient has " + s.ConditionName
	}
	why = append(why, every)
	t := carepath.Task{PatientID: sc.PatientID, Kind: KindScreening, Title: s.Title, Priority: carepath.PriorityRoutine,
		Due: cal.BusinessDaysAfter(now, s.WindowDays),
		Origin: carepath.TaskOrigin{By: "rule", RuleID: s.ID, RuleVersion: s.Version, EventKey: carepath.EventKey{Type: "Schedule", ID: sc.ID, What: strconv.Itoa(sc.Seq)},
			Reason: strings.Join(why, "; "), Facts: facts}}
	if sc.CareManagerID != "" {
		t.OwnerID = sc.CareManagerID
	} else {
		t.Queue = carepath.RoleCareManager
	}
	return t
}
