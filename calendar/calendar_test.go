package calendar

import (
	"strings"
	"testing"
	"time"
)

// The observed federal holidays, as OPM publishes them (opm.gov, "Federal
// Holidays", 2021-2027 pages).
func TestFederalHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string // date name, in order
	}{
		{2026, []string{
			"2026-01-01 New Year's Day",
			"2026-01-19 Birthday of Martin Luther King, Jr.",
			"2026-02-16 Washington's Birthday",
			"2026-05-25 Memorial Day",
			"2026-06-19 Juneteenth National Independence Day",
			"2026-07-03 Independence Day (observed)", // 4 July 2026 is a Saturday
			"2026-09-07 Labor Day",
			"2026-10-12 Columbus Day",
			"2026-11-11 Veterans Day",
			"2026-11-26 Thanksgiving Day",
			"2026-12-25 Christmas Day",
		}},
		{2021, []string{
			"2021-01-01 New Year's Day",
			"2021-01-18 Birthday of Martin Luther King, Jr.",
			"2021-02-15 Washington's Birthday",
			"2021-05-31 Memorial Day",
			"2021-06-18 Juneteenth National Independence Day (observed)", // Saturday
			"2021-07-05 Independence Day (observed)",                     // Sunday
			"2021-09-06 Labor Day",
			"2021-10-11 Columbus Day",
			"2021-11-11 Veterans Day",
			"2021-11-25 Thanksgiving Day",
			"2021-12-24 Christmas Day (observed)",  // Saturday
			"2021-12-31 New Year's Day (observed)", // 1 January 2022 is a Saturday
		}},
		{2022, []string{ // its New Year's Day was observed in 2021
			"2022-01-17 Birthday of Martin Luther King, Jr.",
			"2022-02-21 Washington's Birthday",
			"2022-05-30 Memorial Day",
			"2022-06-20 Juneteenth National Independence Day (observed)", // Sunday
			"2022-07-04 Independence Day",
			"2022-09-05 Labor Day",
			"2022-10-10 Columbus Day",
			"2022-11-11 Veterans Day",
			"2022-11-24 Thanksgiving Day",
			"2022-12-26 Christmas Day (observed)", // Sunday
		}},
		{2023, []string{
			"2023-01-02 New Year's Day (observed)", // Sunday
			"2023-01-16 Birthday of Martin Luther King, Jr.",
			"2023-02-20 Washington's Birthday",
			"2023-05-29 Memorial Day",
			"2023-06-19 Juneteenth National Independence Day",
			"2023-07-04 Independence Day",
			"2023-09-04 Labor Day",
			"2023-10-09 Columbus Day",
			"2023-11-10 Veterans Day (observed)", // Saturday
			"2023-11-23 Thanksgiving Day",
			"2023-12-25 Christmas Day",
		}},
		{2027, []string{
			"2027-01-01 New Year's Day",
			"2027-01-18 Birthday of Martin Luther King, Jr.",
			"2027-02-15 Washington's Birthday",
			"2027-05-31 Memorial Day",
			"2027-06-18 Juneteenth National Independence Day (observed)",
			"2027-07-05 Independence Day (observed)",
			"2027-09-06 Labor Day",
			"2027-10-11 Columbus Day",
			"2027-11-11 Veterans Day",
			"2027-11-25 Thanksgiving Day",
			"2027-12-24 Christmas Day (observed)",
			"2027-12-31 New Year's Day (observed)",
		}},
		{2020, []string{ // before Juneteenth was a federal holiday
			"2020-01-01 New Year's Day",
			"2020-01-20 Birthday of Martin Luther King, Jr.",
			"2020-02-17 Washington's Birthday",
			"2020-05-25 Memorial Day",
			"2020-07-03 Independence Day (observed)",
			"2020-09-07 Labor Day",
			"2020-10-12 Columbus Day",
			"2020-11-11 Veterans Day",
			"2020-11-26 Thanksgiving Day",
			"2020-12-25 Christmas Day",
		}},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range FederalHolidays(tt.year) {
			got = append(got, h.Date.String()+" "+h.Name)
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%d:\n got %s\nwant %s", tt.year, strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
		}
	}
}

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestBusinessDaysAfter(t *testing.T) {
	ny := newYork(t)
	us, _ := New(ny, Weekdays, true, nil)
	// An organization that also closes the day after Thanksgiving and works
	// Saturdays.
	clinic, _ := New(ny, append([]time.Weekday{time.Saturday}, Weekdays...), true,
		[]Holiday{{MustDate("2026-11-27"), "Day after Thanksgiving"}})
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		n    int
		want string // the deadline, in New York
	}{
		{"Tuesday + 2: Thursday", us, at("2026-06-02 09:00"), 2, "2026-06-04 23:59:59 EDT"},
		{"Friday + 2 skips the weekend and Memorial Day", us, at("2026-05-22 15:30"), 2, "2026-05-27 23:59:59 EDT"},
		{"Thursday + 1 skips the observed Independence Day", us, at("2026-07-02 10:00"), 1, "2026-07-06 23:59:59 EDT"},
		{"a Saturday discharge: its day does not count", us, at("2026-06-06 11:00"), 2, "2026-06-09 23:59:59 EDT"},
		{"late at night counts as that day", us, at("2026-06-05 23:59"), 1, "2026-06-08 23:59:59 EDT"},
		{"year end: Christmas and the weekend", us, at("2026-12-24 16:00"), 2, "2026-12-29 23:59:59 EST"},
		{"year end with New Year's Day observed on 31 December", us, at("2027-12-30 09:00"), 1, "2028-01-03 23:59:59 EST"},
		{"into daylight saving time", us, at("2026-03-06 10:00"), 1, "2026-03-09 23:59:59 EDT"},
		{"out of daylight saving time", us, at("2026-10-30 10:00"), 1, "2026-11-02 23:59:59 EST"},
		{"Thanksgiving: federal calendar", us, at("2026-11-25 10:00"), 2, "2026-11-30 23:59:59 EST"},
		{"Thanksgiving: the clinic works Saturday, closes Friday", clinic, at("2026-11-25 10:00"), 2, "2026-11-30 23:59:59 EST"},
		{"the clinic's Saturday counts", clinic, at("2026-06-05 10:00"), 1, "2026-06-06 23:59:59 EDT"},
	}
	for _, tt := range tests {
		got := tt.cal.BusinessDaysAfter(tt.from, tt.n).In(ny).Format("2006-01-02 15:04:05 MST")
		if got != tt.want {
			t.Errorf("%s: %s + %d business days = %s, want %s", tt.name, tt.from.Format("Mon 2006-01-02 15:04"), tt.n, got, tt.want)
		}
	}

	// A moment given in UTC falls on the organization's day: 02:00 UTC on
	// Saturday is still Friday evening in New York.
	fri := time.Date(2026, 6, 6, 2, 0, 0, 0, time.UTC)
	if got := us.BusinessDaysAfter(fri, 1).In(ny).Format(time.DateOnly); got != "2026-06-08" {
		t.Errorf("Friday evening in New York given in UTC: + 1 business day = %s, want 2026-06-08", got)
	}
}

func TestCalendarDaysAndDayBounds(t *testing.T) {
	ny := newYork(t)
	c, _ := New(ny, Weekdays, true, nil)
	discharge := time.Date(2026, 5, 22, 15, 30, 0, 0, ny)
	// TCM's 7 days begin on the day of discharge: the 7th is 28 May.
	if got := c.CalendarDaysAfter(discharge, 6).Format("2006-01-02 15:04:05 MST"); got != "2026-05-28 23:59:59 EDT" {
		t.Errorf("7-day window: %s", got)
	}
	if got := c.CalendarDaysAfter(discharge, 0).Format("2006-01-02 15:04:05"); got != "2026-05-22 23:59:59" {
		t.Errorf("0 days: %s", got)
	}
	// The day clocks spring forward is 23 hours long, the one they fall back 25.
	for _, tt := range []struct {
		day   string
		hours float64
	}{{"2026-03-08", 23}, {"2026-11-01", 25}, {"2026-06-01", 24}} {
		d := MustDate(tt.day)
		if got := c.EndOfDay(d).Add(time.Second).Sub(c.StartOfDay(d)).Hours(); got != tt.hours {
			t.Errorf("%s lasts %v hours, want %v", tt.day, got, tt.hours)
		}
	}
}

// businessDaysBetween counts the business days after the day of from up to
// and including the day of to, day by day: the tests' own count to check
// BusinessDaysAfter against.
func businessDaysBetween(c *Calendar, from, to time.Time) int {
	a, b := DateOf(from, c.loc), DateOf(to, c.loc)
	n := 0
	for d := a.AddDays(1); !b.Before(d); d = d.AddDays(1) {
		if c.IsBusinessDay(d) {
			n++
		}
	}
	return n
}

func TestCountingBusinessDays(t *testing.T) {
	ny := newYork(t)
	c, _ := New(ny, Weekdays, true, nil)
	fri := time.Date(2026, 5, 22, 9, 0, 0, 0, ny)
	for _, tt := range []struct {
		to   time.Time
		want int
	}{
		{fri, 0},
		{fri.Add(-48 * time.Hour), 0},
		{time.Date(2026, 5, 25, 9, 0, 0, 0, ny), 0}, // Memorial Day
		{time.Date(2026, 5, 26, 9, 0, 0, 0, ny), 1},
		{c.BusinessDaysAfter(fri, 2), 2},
	} {
		if got := businessDaysBetween(c, fri, tt.to); got != tt.want {
			t.Errorf("business days from Friday 22 May to %s: %d, want %d", tt.to.Format("Mon 2 Jan"), got, tt.want)
		}
	}
}

func TestHolidayOnAndIsBusinessDay(t *testing.T) {
	c, _ := New(time.UTC, Weekdays, true, []Holiday{{MustDate("2026-08-14"), "Staff retreat"}})
	for _, tt := range []struct {
		day      string
		holiday  string
		business bool
	}{
		{"2026-07-03", "Independence Day (observed)", false},
		{"2026-07-04", "", false}, // a Saturday: not a business day, not the observed holiday
		{"2027-12-31", "New Year's Day (observed)", false},
		{"2026-08-14", "Staff retreat", false},
		{"2026-08-13", "", true},
	} {
		d := MustDate(tt.day)
		if got := c.HolidayOn(d); got != tt.holiday {
			t.Errorf("HolidayOn(%s) = %q, want %q", tt.day, got, tt.holiday)
		}
		if got := c.IsBusinessDay(d); got != tt.business {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", tt.day, got, tt.business)
		}
	}
	noFederal, _ := New(time.UTC, Weekdays, false, nil)
	if !noFederal.IsBusinessDay(MustDate("2026-07-03")) {
		t.Error("a calendar without federal holidays closes on the observed Independence Day")
	}
	if _, err := New(time.UTC, nil, true, nil); err == nil {
		t.Error("a calendar with no working days was accepted")
	}
	if _, err := New(nil, Weekdays, true, nil); err == nil {
		t.Error("a calendar with no time zone was accepted")
	}
}

func TestParseDate(t *testing.T) {
	if d, err := ParseDate("2024-02-29"); err != nil || d != (Date{2024, 2, 29}) {
		t.Errorf("leap day: %v %v", d, err)
	}
	for _, bad := range []string{"2023-02-29", "2026-13-01", "26-01-01", "", "2026-01-01T00:00:00Z"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if got := MustDate("2026-12-31").AddDays(1).String(); got != "2027-01-01" {
		t.Errorf("31 Dec + 1 = %s", got)
	}
}

// Over every day of three years and deadlines of 1 to 15 business days: the
// deadline ends a business day, n business days after the start, and is the
// first such day.
func TestBusinessDaysAfterProperties(t *testing.T) {
	ny := newYork(t)
	c, _ := New(ny, Weekdays, true, []Holiday{{MustDate("2026-11-27"), "Day after Thanksgiving"}})
	for d := MustDate("2025-12-01"); d.Before(MustDate("2028-02-01")); d = d.AddDays(1) {
		start := c.StartOfDay(d).Add(13 * time.Hour)
		for n := 1; n <= 15; n++ {
			due := c.BusinessDaysAfter(start, n)
			day := DateOf(due, ny)
			if !c.IsBusinessDay(day) || businessDaysBetween(c, start, due) != n ||
				businessDaysBetween(c, start, c.EndOfDay(day.AddDays(-1))) != n-1 || !due.Equal(c.EndOfDay(day)) {
				t.Fatalf("%s + %d business days = %s: not the end of the %d-th business day after", d, n, due, n)
			}
		}
	}
}

func TestDaysBetween(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2026-11-21T20:00:00Z", "2026-11-21T23:00:00Z", 0},
		{"2026-11-21T20:00:00Z", "2026-11-22T04:30:00Z", 0}, // still the 21st in New York
		{"2026-10-31T16:00:00Z", "2026-11-02T16:00:00Z", 2}, // across the end of daylight saving time
		{"2026-03-07T16:00:00Z", "2026-03-09T16:00:00Z", 2}, // and its start
		{"2026-12-31T17:00:00Z", "2026-01-01T17:00:00Z", -364},
	} {
		from, _ := time.Parse(time.RFC3339, c.from)
		to, _ := time.Parse(time.RFC3339, c.to)
		if got := DaysBetween(from, to, ny); got != c.want {
			t.Errorf("%s to %s: %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

// FuzzParseDate: a day from a form or a file parses to a date that writes
// back as it was sent, or is refused.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-07", "2026-2-30", "2026-02-29", "2024-02-29", "0000-01-01", "2026-12-07T10:00", " 2026-12-07", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
		if d.AddDays(1).AddDays(-1) != d {
			t.Fatalf("%s does not come back from a day's round trip", d)
		}
	})
}
