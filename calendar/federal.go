package calendar

import "time"

// FederalHolidays returns the US federal holidays kept in year, on the days
// they are observed, in date order. Sources: 5 U.S.C. 6103(a) for the
// holidays (Juneteenth from 2021, Pub. L. 117-17); Executive Order 11582 and
// 5 U.S.C. 6103(b) as applied by the Office of Personnel Management for the
// observed days: a holiday on a Saturday is observed the Friday before, one
// on a Sunday the Monday after. New Year's Day on a Saturday is therefore
// observed on 31 December of the year before, and is listed in that year.
// Inauguration Day (Washington, D.C. area only) is not included.
func FederalHolidays(year int) []Holiday {
	var out []Holiday
	fixed := func(y int, m time.Month, d int, name string) {
		h := Date{y, m, d}
		switch h.Weekday() {
		case time.Saturday:
			h, name = h.AddDays(-1), name+" (observed)"
		case time.Sunday:
			h, name = h.AddDays(1), name+" (observed)"
		}
		if h.Year == year {
			out = append(out, Holiday{h, name})
		}
	}
	nth := func(m time.Month, wd time.Weekday, n int, name string) {
		out = append(out, Holiday{nthWeekday(year, m, wd, n), name})
	}
	fixed(year, time.January, 1, "New Year's Day")
	nth(time.January, time.Monday, 3, "Birthday of Martin Luther King, Jr.")
	nth(time.February, time.Monday, 3, "Washington's Birthday")
	nth(time.May, time.Monday, -1, "Memorial Day")
	if year >= 2021 {
		fixed(year, time.June, 19, "Juneteenth National Independence Day")
	}
	fixed(year, time.July, 4, "Independence Day")
	nth(time.September, time.Monday, 1, "Labor Day")
	nth(time.October, time.Monday, 2, "Columbus Day")
	fixed(year, time.November, 11, "Veterans Day")
	nth(time.November, time.Thursday, 4, "Thanksgiving Day")
	fixed(year, time.December, 25, "Christmas Day")
	// Next year's New Year's Day, when it falls on a Saturday, is observed
	// on this year's last day.
	fixed(year+1, time.January, 1, "New Year's Day")
	return out
}

// nthWeekday is the n-th wd of the month (n = -1: the last one).
func nthWeekday(year int, m time.Month, wd time.Weekday, n int) Date {
	if n < 0 {
		last := Date{year, m + 1, 1}.AddDays(-1) // time.Date normalizes month 13
		return last.AddDays(-int((last.Weekday() - wd + 7) % 7))
	}
	first := Date{year, m, 1}
	return first.AddDays(int((wd-first.Weekday()+7)%7) + 7*(n-1))
}
