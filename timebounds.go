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

// CheckTime returns EINVALID, naming what (e.g. "the due time"), when t is
// outside the span Carepath records, as of now.
func CheckTime(what string, t, now time.Time) error {
	if t.Before(earliestTime) {
		return Errorf(EINVALID, "%s (%s) is before 1900.", capitalize(what), t.UTC().Format(time.DateOnly))
	}
	if t.After(now.AddDate(futureYears, 0, 0)) {
		return Errorf(EINVALID, "%s (%s) is more than %d years ahead.", capitalize(what), t.UTC().Format(time.DateOnly), futureYears)
	}
	return nil
}

// CheckPastTime is CheckTime for what has happened (a stay, a reading): t
// may not be more than a day ahead of now (a day of slack for clocks and
// time zones).
func CheckPastTime(what string, t, now time.Time) error {
	if err := CheckTime(what, t, now); err != nil {
		return err
	}
	if t.After(now.Add(24 * time.Hour)) {
		return Errorf(EINVALID, "%s (%s) is in the future.", capitalize(what), t.UTC().Format(time.RFC3339))
	}
	return nil
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
