package carepath

import (
	"testing"
	"time"
)

func TestDateTime(t *testing.T) {
	for in, want := range map[string]struct {
		stored  string
		instant bool
		time    time.Time
	}{
		"":                          {"", false, time.Time{}},
		"2020":                      {"2020", false, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		"2020-05":                   {"2020-05", false, time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)},
		"2020-05-17":                {"2020-05-17", false, time.Date(2020, 5, 17, 0, 0, 0, 0, time.UTC)},
		"2020-05-17T09:30:00-04:00": {"2020-05-17T13:30:00Z", true, time.Date(2020, 5, 17, 13, 30, 0, 0, time.UTC)},
		"2020-05-17T13:30:00.750Z":  {"2020-05-17T13:30:00Z", true, time.Date(2020, 5, 17, 13, 30, 0, 0, time.UTC)},
		"2020-05-17T13:30:00":       {"2020-05-17T13:30:00Z", true, time.Date(2020, 5, 17, 13, 30, 0, 0, time.UTC)},
		"0001-01-01T00:00:00Z":      {"0001-01-01T00:00:00Z", true, time.Time{}},
	} {
		d, err := ParseDateTime(in)
		if err != nil || d.String() != want.stored || d.IsInstant() != want.instant || !d.Time().Equal(want.time) || d.IsZero() != (in == "") || d.IsInstant() && d.IsZero() {
			t.Errorf("ParseDateTime(%q) = %#v (instant %v, %s), %v; want %q", in, d, d.IsInstant(), d.Time(), err, want.stored)
		}
		if back, err := ParseDateTime(d.String()); err != nil || back != d {
			t.Errorf("%q does not read back: %#v %v", d.String(), back, err)
		}
	}
	for _, bad := range []string{"2020-13", "2020-02-30", "May 2020", "2020-05-17 13:30", "20", "2020-05-17T25:00:00Z"} {
		if d, err := ParseDateTime(bad); ErrorCode(err) != EINVALID {
			t.Errorf("%q read as %#v", bad, d)
		}
	}
	if InstantOf(time.Time{}) != (DateTime{}) || InstantOf(time.Date(2026, 5, 22, 10, 0, 0, 5, time.FixedZone("x", 3600))).String() != "2026-05-22T09:00:00Z" {
		t.Errorf("InstantOf")
	}
}

// FuzzParseDateTime: whatever comes in reads as a DateTime whose stored
// form reads back as itself, or is refused as EINVALID.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"", "2020", "2020-05", "2020-05-17", "2020-05-17T09:30:00-04:00", "2020-05-17T13:30:00.750Z", "2020-05-17T13:30:00",
		"0001-01-01T00:00:00Z", "2020-13", "20", "2020-05-17 13:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDateTime(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		back, err := ParseDateTime(d.String())
		if err != nil || back != d {
			t.Fatalf("%q reads as %#v, whose form %q reads back as %#v (%v)", s, d, d.String(), back, err)
		}
	})
}
