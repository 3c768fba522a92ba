// Package calendar answers the deadline questions of care management:
// which days are business days for an organization (its time zone, its
// working days, the US federal holidays with their observed days, and its
// own holidays), what is "N business days after" or "N calendar days after"
// a moment, and when a day ends. It does no I/O.
//
// Deadlines fall at the end of a day in the organization's time zone: a
// contact due "within 2 business days" of a Friday discharge is on time
// until 23:59:59 on the second business day after that Friday, whatever the
// time of the discharge.
package calendar

import (
	"fmt"
	"slices"
	"time"
)

// Date is a day of the civil calendar, with no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t, time.UTC), nil
}

// MustDate is ParseDate for literals known to be right; it panics otherwise.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC), time.UTC)
}

// DaysUntil is how many days e is after d (negative when before).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}

// DaysBetween is how many calendar days in loc the instant to falls after
// from (0 on the same day).
func DaysBetween(from, to time.Time, loc *time.Location) int {
	return DateOf(from, loc).DaysUntil(DateOf(to, loc))
}

// StayDays is the length of a hospital stay as hospitals and the published
// readmission scores (LACE, HOSPITAL) count it: the midnights in loc from
// the admission to the discharge. A stay that ends the day it began is 0
// days ("less than a day"), whatever its hours. Carepath counts a stay's
// length only this way.
func StayDays(admitted, discharged time.Time, loc *time.Location) int {
	return DaysBetween(admitted, discharged, loc)
}

// StayLength says a stay's length in days, as StayDays counts it: "4
// days", "1 day", or "same day" for one that ended the day it began.
func StayLength(days int) string {
	switch days {
	case 0:
		return "same day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// Holiday is a day off. Observed holidays are the weekday a holiday falling
// on a weekend is kept on; Name then says so.
type Holiday struct {
	Date Date
	Name string
}

// Calendar is an organization's working calendar. The zero value is not
// usable; build one with New.
type Calendar struct {
	loc     *time.Location
	working [7]bool
	federal bool
	own     map[Date]string
}

// Weekdays are Monday to Friday, the usual working week (and CMS's "business
// days" for transitional care: Monday through Friday, except holidays).
var Weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// New returns the calendar of an organization in loc that works on the given
// days, keeps the US federal holidays when federal is set, and also closes on
// its own holidays.
func New(loc *time.Location, working []time.Weekday, federal bool, own []Holiday) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("calendar: no time zone")
	}
	c := &Calendar{loc: loc, federal: federal, own: map[Date]string{}}
	for _, w := range working {
		c.working[w] = true
	}
	if !slices.Contains(c.working[:], true) {
		return nil, fmt.Errorf("calendar: no working days")
	}
	for _, h := range own {
		c.own[h.Date] = h.Name
	}
	return c, nil
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// HolidayOn names the holiday on d, or returns "" when d is not one.
func (c *Calendar) HolidayOn(d Date) string {
	if name, ok := c.own[d]; ok {
		return name
	}
	if c.federal {
		// A holiday observed on the last day of a year belongs to the next
		// year (New Year's Day on a Saturday), so both years are looked at.
		for _, y := range []int{d.Year, d.Year + 1} {
			for _, h := range FederalHolidays(y) {
				if h.Date == d {
					return h.Name
				}
			}
		}
	}
	return ""
}

// IsBusinessDay reports whether d is a working day that is not a holiday.
func (c *Calendar) IsBusinessDay(d Date) bool {
	return c.working[d.Weekday()] && c.HolidayOn(d) == ""
}

// EndOfDay is the last second of d in the calendar's time zone (days of a
// daylight-saving change are 23 or 25 hours long; this is still their end).
func (c *Calendar) EndOfDay(d Date) time.Time {
	return EndOfDay(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, c.loc))
}

// EndOfDay is the last second of the day t falls on, in t's location.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location()).Add(-time.Second)
}

// StartOfDay is the first instant of d in the calendar's time zone.
func (c *Calendar) StartOfDay(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, c.loc)
}

// BusinessDaysAfter is the deadline "within n business days after t": the
// end of the n-th business day after the day t falls on (in the calendar's
// time zone). The day of t itself never counts, business day or not. n must
// be at least 1.
func (c *Calendar) BusinessDaysAfter(t time.Time, n int) time.Time {
	return c.EndOfDay(c.NthBusinessDayAfter(DateOf(t, c.loc), n))
}

// NthBusinessDayAfter is the n-th business day after d (n >= 1).
func (c *Calendar) NthBusinessDayAfter(d Date, n int) Date {
	if n < 1 {
		n = 1
	}
	for n > 0 {
		d = d.AddDays(1)
		if c.IsBusinessDay(d) {
			n--
		}
	}
	return d
}

// CalendarDaysAfter is the deadline "n calendar days after t": the end of
// the day n days after the day t falls on. With n = 0 it is the end of t's
// own day. (Windows that count the first day as day 1, such as TCM's 7 and
// 14 days "beginning on the day of discharge", pass n-1.)
func (c *Calendar) CalendarDaysAfter(t time.Time, n int) time.Time {
	return c.EndOfDay(DateOf(t, c.loc).AddDays(n))
}
