package store

import (
	"regexp"
	"testing"
	"time"
)

// TestTimeIDsSortByTime: task ids made later sort after earlier ones, as
// text, across the boundaries where a byte or a base32 digit rolls over.
func TestTimeIDsSortByTime(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9a-v]{16}$`)
	base := time.Date(2026, 11, 22, 23, 59, 59, 998_000_000, time.UTC)
	prev := newTimeID(base.Add(-time.Millisecond))
	for _, step := range []time.Duration{time.Millisecond, time.Millisecond, 255 * time.Millisecond, time.Second, 24 * time.Hour, 400 * 24 * time.Hour} {
		base = base.Add(step)
		id := newTimeID(base)
		if !shape.MatchString(id) {
			t.Fatalf("id %q is not 16 characters of lower-case base32hex", id)
		}
		if id <= prev {
			t.Errorf("id at %s (%s) does not sort after the one before (%s)", base.Format(time.RFC3339Nano), id, prev)
		}
		prev = id
	}
	if a, b := newTimeID(base), newTimeID(base); a == b {
		t.Errorf("two ids in the same millisecond are the same: %s", a)
	}
}
