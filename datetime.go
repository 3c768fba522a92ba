package carepath

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DateTime is when something in a record happened, as its source gave it:
// an instant (to the second, kept in UTC) or a FHIR partial date (a year,
// a month or a day), which names a stretch of the calendar rather than an
// instant. Its String is the form records keep: "2006", "2006-01",
// "2006-01-02", or RFC 3339 in UTC; the zero DateTime ("") is none
// recorded.
type DateTime struct {
	t    time.Time // UTC; a partial date's first day at 00:00
	prec dateTimePrecision
}

type dateTimePrecision uint8

const (
	dateTimeNone dateTimePrecision = iota
	dateTimeYear
	dateTimeMonth
	dateTimeDay
	dateTimeInstant
)

var dateTimeLayouts = [...]string{dateTimeYear: "2006", dateTimeMonth: "2006-01", dateTimeDay: time.DateOnly, dateTimeInstant: time.RFC3339}

// ParseDateTime reads a DateTime: a stored form, or any FHIR date or
// dateTime (an instant with an offset or fractional seconds is kept in
// UTC, to the second; one without a zone, as records of earlier versions
// may hold, is read as UTC). "" is the zero DateTime.
func ParseDateTime(s string) (DateTime, error) {
	if s == "" {
		return DateTime{}, nil
	}
	for _, p := range []dateTimePrecision{dateTimeYear, dateTimeMonth, dateTimeDay} {
		if len(s) == len(dateTimeLayouts[p]) {
			t, err := time.Parse(dateTimeLayouts[p], s)
			if err != nil {
				break
			}
			return DateTime{t: t, prec: p}, nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			// Not InstantOf: year 1's first instant, as sent, is an instant
			// for the checks to refuse, not none.
			return DateTime{t: t.UTC().Truncate(time.Second), prec: dateTimeInstant}, nil
		}
	}
	return DateTime{}, Errorf(EINVALID, "%q is not a date or a date and time (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339).", s)
}

// InstantOf is t as an instant, in UTC to the second; the zero time is the
// zero DateTime.
func InstantOf(t time.Time) DateTime {
	if t.IsZero() {
		return DateTime{}
	}
	return DateTime{t: t.UTC().Truncate(time.Second), prec: dateTimeInstant}
}

// String is the form records keep ("" for none).
func (d DateTime) String() string {
	if d.prec == dateTimeNone {
		return ""
	}
	return d.t.Format(dateTimeLayouts[d.prec])
}

// GoString shows a DateTime in test failures as what it is.
func (d DateTime) GoString() string { return fmt.Sprintf("DateTime(%q)", d.String()) }

// IsZero reports whether nothing was recorded.
func (d DateTime) IsZero() bool { return d.prec == dateTimeNone }

// IsInstant reports whether d is an instant rather than a partial date.
func (d DateTime) IsInstant() bool { return d.prec == dateTimeInstant }

// Time is the instant, or a partial date's first day at 00:00 UTC, for
// ordering and arithmetic; the zero time for none.
func (d DateTime) Time() time.Time { return d.t }

// MustParseDateTime is ParseDateTime for a value known to be valid (a
// literal); it panics on any other.
func MustParseDateTime(s string) DateTime {
	d, err := ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return d
}

// HasDay reports whether d names a day or an instant, not only a year or
// a month.
func (d DateTime) HasDay() bool { return d.prec >= dateTimeDay }

// Scan reads a DateTime a database column keeps in its stored form (text;
// NULL or "" is none).
func (d *DateTime) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("carepath: a DateTime cannot be read from %T", src)
	}
	parsed, err := ParseDateTime(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// Value writes a DateTime to a database column in its stored form.
func (d DateTime) Value() (driver.Value, error) { return d.String(), nil }
