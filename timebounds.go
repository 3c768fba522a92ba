package carepath

import (
	"time"
)

// The span of time Carepath records and schedules: nothing a care manager
// works with happened before 1900 (the oldest birth dates are later), and
// nothing is planned more than 10 years ahead. A time outside it is a
// typing or an integration error (0001-01-01, 9999-12-31), refused before
// it sorts a worklist or sets a deadline.
var earliestTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// futureYears is how far ahead a due date or a schedule may be.
const futureYears = 10

// TimeProblem says what is wrong with t as what (e.g. "the due time"), as
// of now: "" when it lies in the span Carepath records, else "the due
// time (9999-12-31) is more than 10 years ahead".
func TimeProblem(what string, t, now time.Time) string {
	switch {
	case t.Before(earliestTime):
		return what + " (" + t.UTC().Format(time.DateOnly) + ") is before 1900"
	case t.After(now.AddDate(futureYears, 0, 0)):
		return what + " (" + t.UTC().Format(time.DateOnly) + ") is more than 10 years ahead"
	}
	return ""
}

// PastTimeProblem is TimeProblem for what has happened (a stay, a
// reading): t may not be more than a day ahead of now (a day of slack for
// clocks and time zones).
func PastTimeProblem(what string, t, now time.Time) string {
	if p := TimeProblem(what, t, now); p != "" {
		return p
	}
	if t.After(now.Add(24 * time.Hour)) {
		return what + " (" + t.UTC().Format(time.RFC3339) + ") is in the future"
	}
	return ""
}

// CheckTime returns EINVALID when TimeProblem finds one, naming what.
func CheckTime(what string, t, now time.Time) error {
	return checked(TimeProblem(what, t, now))
}

// CheckPastTime returns EINVALID when PastTimeProblem finds one.
func CheckPastTime(what string, t, now time.Time) error {
	return checked(PastTimeProblem(what, t, now))
}

func checked(problem string) error {
	if problem == "" {
		return nil
	}
	return Errorf(EINVALID, "%s.", capitalize(problem))
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
