// Package careplan holds the pure rules of care plans: the measures a goal
// can be measured by, how a goal's achievement follows from the patient's
// measurements, and when a goal that is not improving calls for a review
// (treat to target). No I/O: every status is table-tested, and says which
// measurements produced it.
package careplan

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"carepath"
)

// Part is one value a measure reads: a LOINC code.
type Part struct {
	Name string
	Code string
}

// Measure is a quantity a goal is measured by.
type Measure struct {
	ID    string // as stored and in URLs: "a1c"
	Name  string
	Parts []Part // one value, or two (systolic and diastolic); none for a yes-or-no goal
	Unit  string
	// Codes are other LOINC codes of the same quantity (a direct and a
	// calculated LDL); a reading of any counts for the first part.
	Codes []string
	// Step is the smallest change that counts as improving or worsening,
	// beyond the noise of a single reading.
	Step float64
	// FreshDays: a reading older than this says nothing about now.
	FreshDays int
	Source    string
}

// The measures.
var (
	A1c = Measure{ID: "a1c", Name: "Hemoglobin A1c", Parts: []Part{{"A1c", "4548-4"}}, Unit: "%", Step: 0.5, FreshDays: 183,
		Source: "ADA Standards of Care in Diabetes 2025, section 6: A1c at least twice a year when at goal, quarterly otherwise; a change of 0.5 percentage points is clinically meaningful"}
	BloodPressure = Measure{ID: "bp", Name: "Blood pressure", Parts: []Part{{"systolic", "8480-6"}, {"diastolic", "8462-4"}}, Unit: "mm[Hg]",
		Step: 5, FreshDays: 92,
		Source: "2017 ACC/AHA High Blood Pressure guideline: target under 130/80 for most adults; monthly follow-up until at target"}
	Weight = Measure{ID: "weight", Name: "Body weight", Parts: []Part{{"weight", "29463-7"}}, Unit: "kg", Step: 2, FreshDays: 31,
		Source: "2022 AHA/ACC/HFSA heart failure guideline: daily weights, a gain of 2 kg in a few days is fluid retention"}
	PHQ9Total = Measure{ID: "phq9", Name: "PHQ-9 total", Parts: []Part{{"PHQ-9", "44261-6"}}, Unit: "{score}", Step: 5, FreshDays: 42,
		Source: "Kroenke 2001; Löwe B et al., Med Care 2004;42(12):1194-201: a change of 5 points is clinically meaningful; under 5 is remission"}
	GAD7Total = Measure{ID: "gad7", Name: "GAD-7 total", Parts: []Part{{"GAD-7", "70274-6"}}, Unit: "{score}", Step: 4, FreshDays: 42,
		Source: "Spitzer 2006; Toussaint A et al., J Affect Disord 2020;265:395-401: a change of 4 points is clinically meaningful"}
	LDL = Measure{ID: "ldl", Name: "LDL cholesterol", Parts: []Part{{"LDL", "13457-7"}}, Codes: []string{"18262-6", "2089-1"}, Unit: "mg/dL",
		Step: 10, FreshDays: 366,
		Source: "2018 AHA/ACC cholesterol guideline: lipids 4-12 weeks after a change, then every 3-12 months"}
	YesNo = Measure{ID: "yes-no", Name: "Yes or no", Source: "a goal the patient and care manager judge together"}
)

// Measures are the measures a goal may use, in the order offered.
var Measures = []Measure{A1c, BloodPressure, Weight, PHQ9Total, GAD7Total, LDL, YesNo}

// FindMeasure returns a measure by its ID.
func FindMeasure(id string) (Measure, bool) {
	for _, m := range Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// Numeric reports whether the measure reads observations (not yes or no).
func (m Measure) Numeric() bool { return len(m.Parts) > 0 }

// PartOf is the index of the part a LOINC code measures, or -1.
func (m Measure) PartOf(code string) int {
	for i, p := range m.Parts {
		if p.Code == code {
			return i
		}
	}
	if len(m.Parts) > 0 && slices.Contains(m.Codes, code) {
		return 0
	}
	return -1
}

// Target is where a goal aims: each part below (or above) its value.
type Target struct {
	Op     string    // "<", "<=", ">" or ">="
	Values []float64 // one per part of the measure
}

// Check says what is wrong with the target for the measure, or "".
func (t Target) Check(m Measure) string {
	if !m.Numeric() {
		if t.Op != "" || len(t.Values) > 0 {
			return "a yes-or-no goal has no target value"
		}
		return ""
	}
	switch t.Op {
	case "<", "<=", ">", ">=":
	default:
		return fmt.Sprintf("a target is <, <=, > or >= a value, not %q", t.Op)
	}
	if len(t.Values) != len(m.Parts) {
		return fmt.Sprintf("a %s target has %d values", m.Name, len(m.Parts))
	}
	for _, v := range t.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return "a target value is a number of zero or more"
		}
	}
	return ""
}

// lower reports whether lower values are better.
func (t Target) lower() bool { return strings.HasPrefix(t.Op, "<") }

// Met reports whether every value meets the target.
func (t Target) Met(values []float64) bool {
	if len(values) != len(t.Values) {
		return false
	}
	for i, v := range values {
		limit := t.Values[i]
		var ok bool
		switch t.Op {
		case "<":
			ok = v < limit
		case "<=":
			ok = v <= limit
		case ">":
			ok = v > limit
		case ">=":
			ok = v >= limit
		}
		if !ok {
			return false
		}
	}
	return true
}

// String is the target as written: "< 7", "< 130/80".
func (t Target) String() string { return t.Op + " " + FormatValues(t.Values) }

// FormatValues writes a target's values exactly as typed ("6.25",
// "130/80"), so that what a form shows is what it saves again.
func FormatValues(values []float64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(parts, "/")
}

// formatValue writes a measured value to one decimal at most.
func formatValue(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") }

// Reading is one measurement of every part of a measure (a blood pressure
// is one reading of two values), with the observation it came from.
type Reading struct {
	At     time.Time
	Values []float64
	Source string // the observation's id
}

func (r Reading) String() string {
	parts := make([]string, len(r.Values))
	for i, v := range r.Values {
		parts[i] = formatValue(v)
	}
	return strings.Join(parts, "/")
}

// Achievement is a goal's progress, as FHIR's goal-achievement codes.
type Achievement string

const (
	InProgress  Achievement = "in-progress"
	Improving   Achievement = "improving"
	Worsening   Achievement = "worsening"
	NoChange    Achievement = "no-change"
	Achieved    Achievement = "achieved"
	NotAchieved Achievement = "not-achieved"
)

// Evaluation is a goal's achievement and what produced it.
type Evaluation struct {
	Status Achievement
	Why    string
	// Baseline and Latest are the readings compared (zero when there were
	// none); Stale says the latest is older than the measure's FreshDays.
	Baseline, Latest Reading
	Stale            bool
}

// Achieve is a goal's achievement at now, by its status first: a
// cancelled goal is pursued no more (it has none, and says so: it showed
// "in-progress"); a yes-or-no goal marked completed is achieved, as the
// patient and the care manager say; otherwise Evaluate the readings.
func Achieve(g carepath.Goal, m Measure, start, due time.Time, readings []Reading, now time.Time, loc *time.Location) (Achievement, string) {
	switch {
	case g.Status == carepath.GoalCancelled:
		return "", "cancelled: not pursued"
	case !m.Numeric() && g.Status == carepath.GoalCompleted:
		return Achieved, "marked completed with the patient"
	}
	e := Evaluate(m, Target{Op: g.TargetOp, Values: g.TargetValues}, start, due, readings, now, loc)
	return e.Status, e.Why
}

// Pursued reports whether a goal counts among the plan's goals: any but
// a cancelled one.
func Pursued(g carepath.Goal) bool { return g.Status != carepath.GoalCancelled }

// Evaluate computes a goal's achievement at now from the patient's
// readings of its measure (any order): the latest reading against the
// target (achieved), and against the baseline, the last reading at or
// before the goal started (or else the first after), by at least the
// measure's Step (improving or worsening; no change otherwise). A goal past
// its due date and not met is not achieved. Without a reading fresher than
// FreshDays, or with one reading only, it is in progress, and says so.
func Evaluate(m Measure, t Target, start, due time.Time, readings []Reading, now time.Time, loc *time.Location) Evaluation {
	if !m.Numeric() {
		return Evaluation{Status: InProgress, Why: "judged with the patient"}
	}
	rs := slices.Clone(readings)
	slices.SortStableFunc(rs, func(a, b Reading) int { return a.At.Compare(b.At) })
	rs = slices.DeleteFunc(rs, func(r Reading) bool { return r.At.After(now) || len(r.Values) != len(m.Parts) })
	date := func(t time.Time) string { return t.In(loc).Format("2 Jan 2006") }
	if len(rs) == 0 {
		return Evaluation{Status: InProgress, Why: "no " + m.Name + " on record"}
	}
	latest := rs[len(rs)-1]
	baseline := rs[0]
	for _, r := range rs {
		if r.At.After(start) {
			break
		}
		baseline = r
	}
	e := Evaluation{Baseline: baseline, Latest: latest}
	latestWords := fmt.Sprintf("%s %s %s on %s", m.Name, latest, m.Unit, date(latest.At))
	if now.Sub(latest.At) > time.Duration(m.FreshDays)*24*time.Hour {
		e.Status, e.Stale = InProgress, true
		e.Why = fmt.Sprintf("no %s in the last %d days (the last: %s)", m.Name, m.FreshDays, latestWords)
		if !due.IsZero() && now.After(due) {
			e.Status = NotAchieved
			e.Why = fmt.Sprintf("due %s, and no %s in the last %d days (the last: %s)", date(due), m.Name, m.FreshDays, latestWords)
		}
		return e
	}
	if t.Met(latest.Values) {
		e.Status, e.Why = Achieved, fmt.Sprintf("%s meets the target %s", latestWords, t)
		return e
	}
	if !due.IsZero() && now.After(due) {
		e.Status, e.Why = NotAchieved, fmt.Sprintf("due %s: %s, target %s", date(due), latestWords, t)
		return e
	}
	if baseline.Source == latest.Source && baseline.At.Equal(latest.At) {
		e.Status, e.Why = InProgress, fmt.Sprintf("%s, target %s; one reading so far", latestWords, t)
		return e
	}
	better, worse := false, false
	for i := range m.Parts {
		gain := baseline.Values[i] - latest.Values[i] // down is better
		if !t.lower() {
			gain = -gain
		}
		better = better || gain >= m.Step
		worse = worse || gain <= -m.Step
	}
	change := fmt.Sprintf("%s from %s on %s to %s on %s, target %s", m.Name, baseline, date(baseline.At), latest, date(latest.At), t)
	switch {
	case better && !worse:
		e.Status, e.Why = Improving, change
	case worse && !better:
		e.Status, e.Why = Worsening, change
	default:
		e.Status, e.Why = NoChange, fmt.Sprintf("%s (a change under %s %s counts as none)", change, formatValue(m.Step), m.Unit)
	}
	return e
}

// NeedsReview reports whether a goal calls for its clinician's review at
// now (treat to target): its review date has come and it is neither met
// nor improving.
func NeedsReview(e Evaluation, reviewBy, now time.Time) bool {
	if reviewBy.IsZero() || now.Before(reviewBy) {
		return false
	}
	return e.Status != Achieved && e.Status != Improving
}
