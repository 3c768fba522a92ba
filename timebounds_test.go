package carepath

import (
	"testing"
	"time"
)

func TestCheckTime(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		t          time.Time
		ok, okPast bool
	}{
		{now, true, true},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false, false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false, false},
		{time.Date(1899, 12, 31, 23, 0, 0, 0, time.UTC), false, false},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), true, true},
		{now.AddDate(10, 0, 0), true, false},
		{now.AddDate(10, 0, 1), false, false},
		{now.Add(23 * time.Hour), true, true},
		{now.Add(25 * time.Hour), true, false},
		{time.Time{}, false, false},
	} {
		if err := CheckTime("the due time", c.t, now); (err == nil) != c.ok || err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CheckTime(%s) = %v", c.t, err)
		}
		if err := CheckPastTime("the stay's end", c.t, now); (err == nil) != c.okPast {
			t.Errorf("CheckPastTime(%s) = %v", c.t, err)
		}
	}
	if err := CheckTime("the due time", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), now); ErrorMessage(err) != "The due time (9999-12-31) is more than 10 years ahead." {
		t.Errorf("message: %q", ErrorMessage(err))
	}
}
