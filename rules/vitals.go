package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
)

// VitalSignAlert makes an urgent task for a recent vital sign far out of
// range. The limits are the published ones a care manager acts on outside
// hospital: a blood pressure at or above 180/120 (AHA's "hypertensive
// crisis"), and the single readings NEWS2 scores 3 (RCP, 2017), each of
// which alone calls for an urgent clinical review.
var VitalSignAlert = Rule{ID: "vital-sign-alert", Version: 1, Name: "Vital sign out of range",
	Description: "A vital sign taken in the last 7 days that is far out of range makes an urgent task for the " +
		"patient's care manager, due by the end of the business day: systolic pressure 180 or more or diastolic " +
		"120 or more, systolic 90 or less, oxygen saturation 91% or less, pulse 40 or less or 131 or more, " +
		"breathing rate 8 or less or 25 or more. One task per observation.",
	On: carepath.EventVitalSign,
	Source: "American Heart Association, blood pressure categories (hypertensive crisis: above 180 and/or above 120); " +
		"Royal College of Physicians, National Early Warning Score 2 (2017): single-parameter score 3"}

// KindVitalSign is the kind of the tasks VitalSignAlert makes.
const KindVitalSign = "vital-sign-alert"

// VitalSignWindow is how old a reading may be and still make a task: older
// ones are history (an import of old records), not work.
const VitalSignWindow = 7 * 24 * time.Hour

// LOINC codes of the vital signs the rule reads.
const (
	LOINCBloodPressure = "85354-9"
	LOINCSystolic      = "8480-6"
	LOINCDiastolic     = "8462-4"
	LOINCHeartRate     = "8867-4"
	LOINCRespRate      = "9279-1"
	LOINCSpO2          = "59408-5"
	LOINCSpO2Pulse     = "2708-6"
)

// vitalLimit is one out-of-range test of one vital sign.
type vitalLimit struct {
	code   string
	name   string
	unit   string
	out    func(v float64) bool
	reason string
}

var vitalLimits = []vitalLimit{
	{LOINCSystolic, "Systolic blood pressure", "mmHg", func(v float64) bool { return v >= 180 }, "180 or more: hypertensive crisis (AHA)"},
	{LOINCSystolic, "Systolic blood pressure", "mmHg", func(v float64) bool { return v <= 90 }, "90 or less (NEWS2 score 3)"},
	{LOINCDiastolic, "Diastolic blood pressure", "mmHg", func(v float64) bool { return v >= 120 }, "120 or more: hypertensive crisis (AHA)"},
	{LOINCHeartRate, "Pulse", "/min", func(v float64) bool { return v <= 40 }, "40 or less (NEWS2 score 3)"},
	{LOINCHeartRate, "Pulse", "/min", func(v float64) bool { return v >= 131 }, "131 or more (NEWS2 score 3)"},
	{LOINCRespRate, "Breathing rate", "/min", func(v float64) bool { return v <= 8 }, "8 or less (NEWS2 score 3)"},
	{LOINCRespRate, "Breathing rate", "/min", func(v float64) bool { return v >= 25 }, "25 or more (NEWS2 score 3)"},
	{LOINCSpO2, "Oxygen saturation", "%", func(v float64) bool { return v <= 91 }, "91% or less (NEWS2 score 3)"},
	{LOINCSpO2Pulse, "Oxygen saturation", "%", func(v float64) bool { return v <= 91 }, "91% or less (NEWS2 score 3)"},
}

// OutOfRangeVitals returns the readings of an observation (its value, or
// each component of a blood-pressure panel) that the rule's limits flag.
// Readings with a unit other than the limit's are not judged.
func OutOfRangeVitals(o *carepath.Observation) []carepath.VitalReading {
	type value struct {
		code string
		v    *float64
		unit string
	}
	values := []value{{o.Code.Code, o.ValueNum, o.Unit}}
	for _, c := range o.Components {
		values = append(values, value{c.Code.Code, c.ValueNum, c.Unit})
	}
	var out []carepath.VitalReading
	for _, v := range values {
		if v.v == nil {
			continue
		}
		for _, l := range vitalLimits {
			if l.code == v.code && sameUnit(v.unit, l.unit) && l.out(*v.v) {
				out = append(out, carepath.VitalReading{Code: l.code, Name: l.name, Unit: l.unit, Value: *v.v, Why: l.reason})
			}
		}
	}
	return out
}

// sameUnit compares a recorded unit with a limit's, accepting the UCUM
// spellings ("mm[Hg]", "/min", "{beats}/min", "%") and an empty unit.
func sameUnit(recorded, want string) bool {
	r := strings.ToLower(strings.TrimSpace(recorded))
	switch want {
	case "mmHg":
		return r == "" || r == "mmhg" || r == "mm[hg]"
	case "/min":
		return r == "" || r == "/min" || r == "{beats}/min" || r == "{breaths}/min" || r == "beats/min" || r == "breaths/min" || r == "1/min"
	}
	return r == "" || r == strings.ToLower(want)
}

// VitalSignFacts are what an observation's event carries for the rule.
func VitalSignFacts(o *carepath.Observation, at time.Time, readings []carepath.VitalReading) *carepath.VitalSignFacts {
	return &carepath.VitalSignFacts{ObservationID: o.ID, Code: o.Code, Effective: at, Readings: readings}
}

// PlanVitalSignAlert returns the task an out-of-range vital sign's event
// calls for, or ok false and why not. The task is due at the end of the
// business day the sweep sees it (the next business day's, outside one),
// and goes to the care manager or the care managers' queue. Its facts are
// the observation and each reading, by name.
func PlanVitalSignAlert(e carepath.Event, careManagerID string, cal *calendar.Calendar, now time.Time) (t carepath.Task, ok bool, why string) {
	v := e.VitalSign
	switch {
	case v == nil || v.Effective.IsZero():
		return t, false, "the reading has no time"
	case now.Sub(v.Effective) > VitalSignWindow:
		return t, false, "the reading is more than 7 days old"
	case len(v.Readings) == 0:
		return t, false, "no reading out of range"
	}
	at := v.Effective
	facts := map[string]string{"observation": v.ObservationID, "code": v.Code.Code, "display": v.Code.Display, "effective": at.UTC().Format(time.RFC3339)}
	var parts []string
	for i, r := range v.Readings {
		p := "reading" + strconv.Itoa(i+1)
		value := strconv.FormatFloat(r.Value, 'f', -1, 64)
		facts[p+"_code"], facts[p+"_name"], facts[p+"_value"], facts[p+"_unit"], facts[p+"_why"] = r.Code, r.Name, value, r.Unit, r.Why
		parts = append(parts, fmt.Sprintf("%s %s %s (%s)", r.Name, value, r.Unit, r.Why))
	}
	loc := cal.Location()
	day := calendar.DateOf(now, loc)
	if !cal.IsBusinessDay(day) {
		day = cal.NthBusinessDayAfter(day, 1)
	}
	title := "Review out-of-range " + strings.ToLower(v.Readings[0].Name)
	reason := fmt.Sprintf("%s on %s; contact the patient and the clinician today", strings.Join(parts, "; "), at.In(loc).Format("Mon 2 Jan 2006 15:04"))
	t = carepath.Task{PatientID: e.PatientID, Kind: KindVitalSign, Title: title, Priority: carepath.PriorityUrgent, Due: cal.EndOfDay(day),
		Origin: carepath.TaskOrigin{By: "rule", RuleID: VitalSignAlert.ID, RuleVersion: VitalSignAlert.Version, EventKey: e.Key, Reason: reason, Facts: facts}}
	if careManagerID != "" {
		t.OwnerID = careManagerID
	} else {
		t.Queue = carepath.RoleCareManager
	}
	return t, true, ""
}
